#!/usr/bin/env python3
"""Pretrain a small BERT-style character encoder on the report corpus (masked language model).

    python training/pretrain_mlm.py --corpus ../shared/corpus --output_dir models/_pretrain/govie-char-bert \
        [--hidden_size 256 --num_layers 4 --max_steps 2000 --max_minutes 55] [--resume]

No hub is reachable here, so govie pretrains its own encoder:

1. **Text.** Every report of the corpus except the dev regions (``../shared/gold/dev.jsonl``)
   and the reports of the gold validation split (``govie.corpus.split_of``), so that no score
   govie reports is computed on text the encoder has read. Texts are normalised as the
   pipeline normalises them at run time (``govie.text.normalise``) and cut into pieces of
   ``max_length - 2`` characters.
2. **Vocabulary.** One token per character: the ``max_vocab`` most frequent characters seen at
   least ``min_count`` times, plus every printable ASCII character, so ASCII runs such as GDP,
   5G and digits are spelt out letter by letter instead of becoming [UNK]; offsets are
   therefore exact. Saved as a Hugging Face fast tokenizer (``tokenizer.json``).
3. **Model.** ``BertForMaskedLM`` (hidden ``hidden_size``, ``num_layers`` layers), 15% masking,
   HF ``Trainer``; checkpoints every ``save_steps`` and resumes with ``--resume``; uses the GPU
   when torch sees one, the CPU otherwise. ``--max_minutes`` stops at a time budget, and so
   does ``touch OUTPUT_DIR/STOP``: either way the model is saved and logged.
4. **Output.** ``output_dir`` holds the encoder and tokenizer (``AutoModel.from_pretrained``
   reads it) and ``pretrain_log.json``: the loss curve (train and held-out), characters seen
   and the corpus used; ``training/finetune.py --base_model output_dir`` fine-tunes it.
"""
from __future__ import annotations

import csv
import json
import math
import os
import random
import sys
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Iterator, List, Optional

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from govie import text as textmod  # noqa: E402
from govie.corpus import DEV_REGIONS, split_of  # noqa: E402

SPECIAL_TOKENS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]


@dataclass
class PretrainArguments:
    corpus: str = field(default=str(REPO.parent / "shared" / "corpus"),
                        metadata={"help": "corpus root (the folder with MANIFEST.tsv)"})
    output_dir: str = field(default=str(REPO / "models" / "_pretrain" / "govie-char-bert"),
                            metadata={"help": "where the encoder, tokenizer, checkpoints and log go"})
    max_docs: Optional[int] = field(default=None, metadata={"help": "use only the first N reports (tests)"})
    max_vocab: int = field(default=6000, metadata={"help": "most frequent characters kept"})
    min_count: int = field(default=3, metadata={"help": "a character seen fewer times is [UNK]"})
    max_length: int = field(default=128, metadata={"help": "tokens per training piece, [CLS] and [SEP] included"})
    hidden_size: int = 256
    num_layers: int = 4
    num_heads: int = 4
    intermediate_size: int = 1024
    max_position_embeddings: int = 512
    mlm_probability: float = 0.15
    batch_size: int = 32
    learning_rate: float = 5e-4
    warmup_steps: int = 200
    max_steps: int = 2000
    max_minutes: Optional[float] = field(default=None, metadata={"help": "stop (and save) after this long; "
                                                                 "or touch OUTPUT_DIR/STOP"})
    save_steps: int = 500
    eval_steps: int = 250
    eval_pieces: int = 256
    logging_steps: int = 50
    seed: int = 13
    bf16: bool = field(default=False, metadata={"help": "bfloat16 mixed precision (a recent GPU)"})
    dataloader_num_workers: int = 0
    resume: bool = field(default=False, metadata={"help": "continue from the last checkpoint in output_dir"})


def pretraining_documents(corpus: Path, max_docs: Optional[int] = None) -> tuple:
    """(train docs, held-out docs): corpus paths, dev regions left out, validation split held out."""
    with open(corpus / "MANIFEST.tsv", encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh, delimiter="\t") if not r["region"].startswith(DEV_REGIONS)]
    rows = rows[:max_docs] if max_docs else rows
    train = [r["file"] for r in rows if split_of(r["file"]) == "train"]
    held = [r["file"] for r in rows if split_of(r["file"]) == "validation"]
    return train, held


def pieces(corpus: Path, docs: List[str], size: int) -> Iterator[str]:
    """Normalised text of ``docs`` in pieces of at most ``size`` characters, cut at sentence ends where possible."""
    for doc in docs:
        text = textmod.normalise((corpus / doc).read_text(encoding="utf-8")).text
        start = 0
        while start < len(text):
            end = min(len(text), start + size)
            if end < len(text):
                cut = max(text.rfind(p, start + size // 2, end) for p in "。;!?\n")
                end = cut + 1 if cut > 0 else end
            piece = text[start:end].strip()
            if piece:
                yield piece
            start = end


def build_vocab(texts, max_vocab: int, min_count: int) -> List[str]:
    """Special tokens, printable ASCII and whitespace, then the most frequent other characters."""
    counts = Counter()
    for t in texts:
        counts.update(t)
    fixed = [chr(c) for c in range(33, 127)] + [" ", "\n", "\t"]
    frequent = [ch for ch, n in counts.most_common() if n >= min_count and ch not in fixed]
    return SPECIAL_TOKENS + fixed + frequent[:max_vocab]


def char_tokenizer(vocab: List[str]):
    """A fast tokenizer with one token per character and BERT's [CLS] … [SEP] template."""
    from tokenizers import Regex, Tokenizer, models, pre_tokenizers, processors
    from transformers import PreTrainedTokenizerFast

    tok = Tokenizer(models.WordLevel({ch: i for i, ch in enumerate(vocab)}, unk_token="[UNK]"))
    tok.pre_tokenizer = pre_tokenizers.Split(Regex(r"[\s\S]"), behavior="isolated")
    cls, sep = vocab.index("[CLS]"), vocab.index("[SEP]")
    tok.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", pair="[CLS] $A [SEP] $B [SEP]", special_tokens=[("[CLS]", cls), ("[SEP]", sep)])
    return PreTrainedTokenizerFast(tokenizer_object=tok, unk_token="[UNK]", pad_token="[PAD]", cls_token="[CLS]",
                                   sep_token="[SEP]", mask_token="[MASK]", model_max_length=512)


def encode(tokenizer, texts: List[str], max_length: int, batch: int = 2048) -> List[dict]:
    """Token ids (and special-token masks, for the MLM collator) of each piece: a list the Trainer reads."""
    rows = []
    for lo in range(0, len(texts), batch):
        enc = tokenizer(texts[lo:lo + batch], truncation=True, max_length=max_length, return_special_tokens_mask=True)
        rows += [{"input_ids": ids, "special_tokens_mask": sp}
                 for ids, sp in zip(enc["input_ids"], enc["special_tokens_mask"])]
    return rows


class StopWhen:
    """A Trainer callback that ends training after ``minutes``, or as soon as a file named
    ``STOP`` appears in ``folder``; the model is then saved and logged as at the end."""

    def __new__(cls, folder: Path, minutes: Optional[float]):
        from transformers import TrainerCallback

        class _Stop(TrainerCallback):
            def __init__(self):
                self.deadline = time.monotonic() + minutes * 60 if minutes else math.inf

            def on_step_end(self, args, state, control, **kwargs):
                if time.monotonic() > self.deadline or (folder / "STOP").exists():
                    control.should_save = True
                    control.should_training_stop = True
                return control

        return _Stop()


def main(args: PretrainArguments) -> Path:
    import torch
    from transformers import (BertConfig, BertForMaskedLM, DataCollatorForLanguageModeling, Trainer,
                              TrainingArguments, set_seed)
    from transformers.trainer_utils import get_last_checkpoint

    set_seed(args.seed)
    corpus, out = Path(args.corpus), Path(args.output_dir)
    if not (corpus / "MANIFEST.tsv").is_file():
        raise SystemExit(f"{corpus} is not a corpus root (no MANIFEST.tsv); pass --corpus")
    train_docs, held_docs = pretraining_documents(corpus, args.max_docs)
    size = args.max_length - 2
    print(f"pretraining text: {len(train_docs)} reports (held out: {len(held_docs)} validation-split reports; "
          f"dev regions left out)", file=sys.stderr)
    train_text = list(pieces(corpus, train_docs, size))
    held_text = list(pieces(corpus, held_docs, size))
    random.Random(args.seed).shuffle(held_text)
    held_text = held_text[:args.eval_pieces]

    out.mkdir(parents=True, exist_ok=True)
    if args.resume and (out / "tokenizer.json").exists():
        from transformers import AutoTokenizer
        tokenizer = AutoTokenizer.from_pretrained(out)
    else:
        tokenizer = char_tokenizer(build_vocab(train_text, args.max_vocab, args.min_count))
        tokenizer.save_pretrained(out)

    train_ds = encode(tokenizer, train_text, args.max_length)
    held_ds = encode(tokenizer, held_text, args.max_length)
    config = BertConfig(vocab_size=len(tokenizer), hidden_size=args.hidden_size, num_hidden_layers=args.num_layers,
                        num_attention_heads=args.num_heads, intermediate_size=args.intermediate_size,
                        max_position_embeddings=args.max_position_embeddings, pad_token_id=tokenizer.pad_token_id)
    model = BertForMaskedLM(config)
    collator = DataCollatorForLanguageModeling(tokenizer, mlm_probability=args.mlm_probability)
    targs = TrainingArguments(
        output_dir=str(out / "checkpoints"), max_steps=args.max_steps, per_device_train_batch_size=args.batch_size,
        per_device_eval_batch_size=64, learning_rate=args.learning_rate, warmup_steps=args.warmup_steps,
        weight_decay=0.01, lr_scheduler_type="linear", logging_steps=args.logging_steps, save_steps=args.save_steps,
        save_total_limit=2, eval_strategy="steps", eval_steps=args.eval_steps, report_to="none", seed=args.seed,
        dataloader_num_workers=args.dataloader_num_workers, dataloader_pin_memory=False, disable_tqdm=False,
        bf16=args.bf16)
    (out / "STOP").unlink(missing_ok=True)
    callbacks = [StopWhen(out, args.max_minutes)]
    trainer = Trainer(model=model, args=targs, train_dataset=train_ds, eval_dataset=held_ds,
                      data_collator=collator, callbacks=callbacks)
    last = get_last_checkpoint(str(out / "checkpoints")) if args.resume and (out / "checkpoints").is_dir() else None
    started = time.time()
    trainer.train(resume_from_checkpoint=last)
    trainer.save_model(str(out))
    tokenizer.save_pretrained(out)
    final_eval = trainer.evaluate()
    state = trainer.state
    train_characters = sum(len(t) for t in train_text)
    chars_per_step = args.batch_size * train_characters / max(1, len(train_text))  # one token per character
    log = {
        "arguments": asdict(args),
        "device": "cuda" if torch.cuda.is_available() else "cpu",
        "corpus": {"train_reports": len(train_docs), "held_out_reports": len(held_docs),
                   "train_pieces": len(train_ds), "train_characters": train_characters},
        "steps": state.global_step,
        "resumed_from": Path(last).name if last else None,
        "characters_seen": int(round(state.global_step * chars_per_step)),
        "epochs": state.global_step * args.batch_size / max(1, len(train_ds)),
        "seconds": round(time.time() - started),
        "final_held_out_loss": final_eval.get("eval_loss"),
        "final_held_out_perplexity": math.exp(final_eval["eval_loss"]) if "eval_loss" in final_eval else None,
        "parameters": sum(p.numel() for p in model.parameters()),
        "vocab_size": len(tokenizer),
        "log_history": state.log_history,
    }
    (out / "pretrain_log.json").write_text(json.dumps(log, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"saved {out}: {log['steps']} steps, {log['characters_seen']:,} characters seen, "
          f"held-out loss {log['final_held_out_loss']:.3f}", file=sys.stderr)
    return out


if __name__ == "__main__":
    from transformers import HfArgumentParser

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    (parsed,) = HfArgumentParser(PretrainArguments).parse_args_into_dataclasses()
    main(parsed)
