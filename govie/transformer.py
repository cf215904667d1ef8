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

import os
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import numpy as np

from .errors import ModelLoadError
from .quantities import Span

ENCODER_DIR = "encoder"


class TransformerNER:
    """Names and indicators of a normalised text, from a fine-tuned token classifier."""

    def __init__(self, path, max_length: int = 128, stride: int = 32, batch_size: int = 32,
                 device: Optional[str] = None):
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
            # float32 whatever the weights are stored in (a shipped model may keep them in float16)
            self.model = AutoModelForTokenClassification.from_pretrained(path, local_files_only=True).float().eval()
        except Exception as exc:  # missing or corrupt weights, an unknown architecture
            raise ModelLoadError(f"cannot load the transformer in {path} ({type(exc).__name__}: {exc}); "
                                 "retrain it with training/finetune.py.") from None
        finally:
            if bars:
                hf_logging.enable_progress_bar()
        if not getattr(self.tokenizer, "is_fast", False):
            raise ModelLoadError(f"the tokenizer in {path} is not a fast tokenizer; govie needs its offsets")
        self.torch = torch
        # $GOVIE_DEVICE (cpu, cuda, cuda:1 …) or, by default, the first GPU torch sees, else the CPU
        self.device = device or os.environ.get("GOVIE_DEVICE") or ("cuda" if torch.cuda.is_available() else "cpu")
        self.model.to(self.device)
        self.labels = [self.model.config.id2label[i] for i in range(self.model.config.num_labels)]
        self.max_length, self.stride, self.batch_size = max_length, stride, batch_size

    def __call__(self, text: str) -> List[Span]:
        """Entity spans (``DISTRICT``, ``ENTERPRISE``, ``PROJECT``, ``INDICATOR``, and the
        model's own ``AMOUNT``/``PERCENT``) of ``text``, in order, never overlapping."""
        if not text.strip():
            return []
        windows = token_windows(self.tokenizer, text, self.max_length, self.stride)
        pad = self.tokenizer.pad_token_id or 0
        best: Dict[int, tuple] = {}  # char start -> (centrality, end, log-probabilities)
        with self.torch.inference_mode():
            for lo in range(0, len(windows), self.batch_size):
                batch = windows[lo:lo + self.batch_size]
                width = max(len(ids) for ids, _ in batch)
                ids = self.torch.full((len(batch), width), pad, dtype=self.torch.long)
                mask = self.torch.zeros((len(batch), width), dtype=self.torch.long)
                for row, (window_ids, _) in enumerate(batch):
                    ids[row, :len(window_ids)] = self.torch.tensor(window_ids)
                    mask[row, :len(window_ids)] = 1
                logits = self.model(input_ids=ids.to(self.device), attention_mask=mask.to(self.device)).logits
                scores = self.torch.log_softmax(logits.float(), dim=-1).cpu().numpy()
                for row, (_, offsets) in enumerate(batch):
                    real = [i for i, (a, b) in enumerate(offsets) if b > a]
                    for rank, i in enumerate(real):
                        start, end = offsets[i]
                        centrality = min(rank, len(real) - 1 - rank)
                        if start not in best or centrality > best[start][0]:
                            best[start] = (centrality, end, scores[row, i])
        if not best:  # every character dropped by the tokenizer (control characters, say)
            return []
        starts = sorted(best)
        tags = viterbi_bio(np.stack([best[s][2] for s in starts]), self.labels)
        return decode_bio(text, [(s, best[s][1], tag) for s, tag in zip(starts, tags)])


def token_windows(tokenizer, text: str, max_length: int, stride: int) -> List[Tuple[List[int], List[Tuple[int, int]]]]:
    """Overlapping windows of at most ``max_length`` tokens over ``text``, ``stride`` tokens shared
    by neighbours: (token ids, character offsets) each, the tokenizer's [CLS]/[SEP] around them
    with offsets (0, 0). The text is tokenized once and cut here rather than by the tokenizer's
    own overflow, which some ``tokenizers`` releases (0.23.2) stop after the second window."""
    enc = tokenizer(text, add_special_tokens=False, return_offsets_mapping=True, verbose=False)
    ids, offsets = enc["input_ids"], [tuple(o) for o in enc["offset_mapping"]]
    head = [tokenizer.cls_token_id] if tokenizer.cls_token_id is not None else []
    tail = [tokenizer.sep_token_id] if tokenizer.sep_token_id is not None else []
    size = max(1, max_length - len(head) - len(tail))
    step = max(1, size - stride)
    out, start = [], 0
    while True:
        out.append((head + ids[start:start + size] + tail,
                    [(0, 0)] * len(head) + offsets[start:start + size] + [(0, 0)] * len(tail)))
        if start + size >= len(ids):
            return out
        start += step


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
