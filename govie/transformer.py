"""The transformer backend: a fine-tuned token classifier as the pipeline's NER stage.

A model made by ``training/finetune.py`` is a govie model directory::

    models/NAME/
        meta.json      {"pipeline": ["rules", "transformer", "linker"], "max_length": 128, "stride": 32, ...}
        encoder/       a Hugging Face token-classification model and its tokenizer (BIO labels)
        linker.npz     the value→indicator pair scorer (govie.linker)

``govie.load("models/NAME")`` serves it through the same API as the spaCy models: the rules
find amounts and percentages, this module finds names and indicators, and linking and
records are shared. Any fast tokenizer works (ours has one token per character; a Chinese
BERT's WordPiece splits Latin words into pieces): predictions are mapped back to characters through the tokenizer's
offsets. Long texts are read in overlapping windows of ``max_length`` tokens; each token
takes the prediction of the window where it sits furthest from an edge.

Needs ``torch`` and ``transformers`` (``pip install 'govie[train]'``); loads with no network.
"""
from __future__ import annotations

from pathlib import Path
from typing import Dict, List, Optional, Tuple

import numpy as np

from .errors import ModelLoadError
from .quantities import Span

ENCODER_DIR = "encoder"


class TransformerNER:
    """Names and indicators of a normalised text, from a fine-tuned token classifier."""

    def __init__(self, path, max_length: int = 128, stride: int = 32, batch_size: int = 32):
        try:
            import torch
            from transformers import AutoModelForTokenClassification, AutoTokenizer
        except ImportError:
            raise ModelLoadError(f"the model at {path} needs torch and transformers: "
                                 "pip install 'govie[train]' (or torch and transformers)") from None
        from transformers.utils import logging as hf_logging

        path = Path(path)
        bars = hf_logging.is_progress_bar_enabled()
        hf_logging.disable_progress_bar()  # no "Loading weights" bar each time a model (or a worker) loads
        try:
            self.tokenizer = AutoTokenizer.from_pretrained(path, local_files_only=True)
            self.model = AutoModelForTokenClassification.from_pretrained(path, local_files_only=True).eval()
        except Exception as exc:  # missing or corrupt weights, an unknown architecture
            raise ModelLoadError(f"cannot load the transformer in {path} ({type(exc).__name__}: {exc}); "
                                 "retrain it with training/finetune.py.") from None
        finally:
            if bars:
                hf_logging.enable_progress_bar()
        if not getattr(self.tokenizer, "is_fast", False):
            raise ModelLoadError(f"the tokenizer in {path} is not a fast tokenizer; govie needs its offsets")
        self.torch = torch
        self.labels = [self.model.config.id2label[i] for i in range(self.model.config.num_labels)]
        self.max_length, self.stride, self.batch_size = max_length, stride, batch_size

    def __call__(self, text: str) -> List[Span]:
        """Entity spans (``DISTRICT``, ``ENTERPRISE``, ``PROJECT``, ``INDICATOR``, and the
        model's own ``AMOUNT``/``PERCENT``) of ``text``, in order, never overlapping."""
        if not text.strip():
            return []
        enc = self.tokenizer(text, truncation=True, max_length=self.max_length, stride=self.stride,
                             return_overflowing_tokens=True, return_offsets_mapping=True, padding=True,
                             return_special_tokens_mask=True, return_tensors="pt")
        offsets = enc["offset_mapping"].tolist()
        special = enc["special_tokens_mask"].tolist()
        feed = {k: enc[k] for k in ("input_ids", "attention_mask", "token_type_ids") if k in enc}
        best: Dict[int, tuple] = {}  # char start -> (centrality, end, log-probabilities)
        with self.torch.inference_mode():
            for lo in range(0, len(offsets), self.batch_size):
                batch = {k: v[lo:lo + self.batch_size] for k, v in feed.items()}
                scores = self.torch.log_softmax(self.model(**batch).logits.float(), dim=-1).numpy()
                for w in range(lo, lo + len(scores)):
                    real = [i for i, s in enumerate(special[w]) if not s and offsets[w][i][1] > offsets[w][i][0]]
                    for rank, i in enumerate(real):
                        start, end = offsets[w][i]
                        centrality = min(rank, len(real) - 1 - rank)
                        if start not in best or centrality > best[start][0]:
                            best[start] = (centrality, end, scores[w - lo, i])
        if not best:  # every character dropped by the tokenizer (control characters, say)
            return []
        starts = sorted(best)
        tags = viterbi_bio(np.stack([best[s][2] for s in starts]), self.labels)
        return decode_bio(text, [(s, best[s][1], tag) for s, tag in zip(starts, tags)])


def viterbi_bio(logprobs: np.ndarray, labels: List[str]) -> List[str]:
    """The best tag sequence under BIO's constraint (``I-X`` only after ``B-X`` or ``I-X``)
    for per-token log-probabilities (tokens × labels), so spans never come out fragmented."""
    n, k = logprobs.shape
    inside = [lab.startswith("I-") for lab in labels]
    allowed = np.array([[not inside[j] or labels[i][2:] == labels[j][2:] and labels[i] != "O"
                         for j in range(k)] for i in range(k)])  # allowed[prev, cur]
    penalty = np.where(allowed, 0.0, -np.inf)
    score = np.where(inside, -np.inf, logprobs[0])
    back = np.zeros((n, k), dtype=np.int64)
    for t in range(1, n):
        total = score[:, None] + penalty
        back[t] = total.argmax(0)
        score = total.max(0) + logprobs[t]
    path = [int(score.argmax())]
    for t in range(n - 1, 0, -1):
        path.append(int(back[t, path[-1]]))
    return [labels[i] for i in reversed(path)]


def decode_bio(text: str, tokens: List[Tuple[int, int, str]]) -> List[Span]:
    """Spans from (start, end, BIO tag) tokens in text order. An ``I-`` continues the open span
    of its label when only whitespace lies between; otherwise it opens one (no span is lost)."""
    spans: List[Span] = []
    cur: Optional[list] = None
    for start, end, tag in tokens:
        kind, _, label = tag.partition("-")
        if kind == "I" and cur is not None and cur[2] == label and not text[cur[1]:start].strip():
            cur[1] = end
            continue
        if cur is not None:
            spans.append(Span(*cur))
            cur = None
        if kind in ("B", "I") and label:
            cur = [start, end, label]
    if cur is not None:
        spans.append(Span(*cur))
    return [_trim(text, s) for s in spans if text[s.start:s.end].strip()]


def _trim(text: str, s: Span) -> Span:
    start, end = s.start, s.end
    while text[start].isspace():
        start += 1
    while text[end - 1].isspace():
        end -= 1
    return Span(start, end, s.label)


def load(path, meta: dict) -> TransformerNER:
    """The NER of the model directory ``path`` (its ``encoder/`` folder)."""
    encoder = Path(path) / ENCODER_DIR
    if not encoder.is_dir():
        raise ModelLoadError(f"{path} is a transformer model but has no {ENCODER_DIR}/ folder; "
                             "retrain it with training/finetune.py.")
    return TransformerNER(encoder, max_length=int(meta.get("max_length", 128)), stride=int(meta.get("stride", 32)))
