#!/usr/bin/env python3
"""Fine-tune a transformer encoder for govie: token classification of the six labels, plus the
value→indicator pair classifier, into a model directory that ``govie.load(path)`` serves.

    python training/finetune.py --base_model /work/pretrain/govie-char-bert --output_dir models/govie-zh-bert \
        [--train training/annotations/gold --train_split train --dev training/annotations/gold --dev_split validation]
        [--corpus ../shared/corpus] [--epochs 10 --learning_rate 3e-4 --max_length 128]

- ``--base_model`` is any local Hugging Face checkpoint with a fast tokenizer: govie's own
  character encoder (``training/pretrain_mlm.py``) or yours, e.g. a Chinese BERT in your
  local cache. Nothing is downloaded.
- ``--train``/``--dev`` take what ``govie train`` takes: govie's stand-off gold (joined with
  ``--corpus``), guide JSONL, doccano or Label Studio exports; ``--train_split``/``--dev_split``
  keep one side of the fixed report split.
- Text is normalised as at run time (``govie.text``), cut into whole-sentence chunks
  (``govie.train.chunks``), and read in overlapping windows of ``max_length`` tokens; each
  token is labelled BIO by its first character. The checkpoint with the best entity F1 on
  ``--dev`` (token-window spans) is kept.
- Relations: the same pair classifier as ``govie train`` (``govie.linker``), fitted on the
  training records; relation type, qualifier and status come from the rules.

Output: ``output_dir/encoder`` (model + tokenizer), ``linker.npz``, ``meta.json``, and the
base model's ``pretrain_log.json`` when it has one.
"""
from __future__ import annotations

import json
import math
import os
import shutil
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import List, Optional

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from govie import linker  # noqa: E402
from govie.pipeline import MODEL_FORMAT  # noqa: E402
from govie.train import NER_LABELS, TrainStats, chunks, read_records  # noqa: E402
from govie.transformer import ENCODER_DIR, decode_bio, token_windows, viterbi_bio  # noqa: E402

BIO = ["O"] + [f"{p}-{label}" for label in NER_LABELS for p in ("B", "I")]
GOLD = str(REPO / "training" / "annotations" / "gold")


@dataclass
class FinetuneArguments:
    base_model: str = field(metadata={"help": "a local Hugging Face checkpoint folder (ours or yours)"})
    output_dir: str = field(default=str(REPO / "models" / "govie-zh-bert"), metadata={"help": "the model directory"})
    train: List[str] = field(default_factory=lambda: [GOLD], metadata={"help": "annotation files or folders"})
    dev: List[str] = field(default_factory=lambda: [GOLD], metadata={"help": "annotation files or folders"})
    corpus: Optional[str] = field(default=os.environ.get("GOVIE_CORPUS", str(REPO.parent / "shared" / "corpus")),
                                  metadata={"help": "corpus root for stand-off annotations"})
    train_split: Optional[str] = field(default="train", metadata={"help": "train | validation | none"})
    dev_split: Optional[str] = field(default="validation", metadata={"help": "train | validation | none"})
    name: Optional[str] = None
    max_length: int = 128
    stride: int = 32
    epochs: float = 10.0
    batch_size: int = 16
    learning_rate: float = 3e-4
    warmup_ratio: float = 0.1
    weight_decay: float = 0.01
    max_steps: int = field(default=-1, metadata={"help": "stop after this many steps (tests); -1: epochs decide"})
    seed: int = 13
    bf16: bool = field(default=False, metadata={"help": "bfloat16 mixed precision (a recent GPU)"})
    linker: bool = field(default=True, metadata={"help": "fit the value→indicator pair classifier too"})


def windows(records: List[dict], tokenizer, max_length: int, stride: int, stats: TrainStats) -> List[dict]:
    """Token windows with BIO label ids (-100 on special tokens) of the records' chunks, one dict
    per window (a list the Trainer reads)."""
    label_id = {tag: i for i, tag in enumerate(BIO)}
    out = []
    for rec in records:
        for text, spans in chunks(rec, stats):
            tags = ["O"] * len(text)
            for s, e, label in spans:
                tags[s:e] = [f"B-{label}"] + [f"I-{label}"] * (e - s - 1)
            for ids, offsets in token_windows(tokenizer, text, max_length, stride):
                out.append({"input_ids": ids, "attention_mask": [1] * len(ids),
                            "labels": [label_id[tags[a]] if b > a else -100 for a, b in offsets]})
    return out


def span_f1(eval_pred) -> dict:
    """Micro P/R/F1 of BIO spans over token windows, decoded as at run time (for choosing the checkpoint)."""
    import torch

    logits, labels = eval_pred
    tp = n_pred = n_gold = 0
    for l_row, g_row in zip(logits, labels):
        keep = [i for i, g in enumerate(g_row) if g != -100]
        if not keep:
            continue
        p = _spans(viterbi_bio(torch.log_softmax(torch.from_numpy(l_row[keep]).double(), -1).numpy(), BIO))
        g = _spans([BIO[g_row[i]] for i in keep])
        tp += len(p & g)
        n_pred += len(p)
        n_gold += len(g)
    precision = tp / n_pred if n_pred else 0.0
    recall = tp / n_gold if n_gold else 0.0
    return {"precision": precision, "recall": recall,
            "f1": 2 * precision * recall / (precision + recall) if precision + recall else 0.0}


def _spans(tags: List[str]) -> set:
    return {(s.start, s.end, s.label) for s in decode_bio("x" * len(tags), [(k, k + 1, t) for k, t in enumerate(tags)])}


def main(args: FinetuneArguments) -> Path:
    import torch
    from transformers import (AutoModelForTokenClassification, AutoTokenizer, DataCollatorForTokenClassification,
                              Trainer, TrainingArguments, set_seed)

    set_seed(args.seed)
    base, out = Path(args.base_model), Path(args.output_dir)
    if not base.is_dir():
        raise SystemExit(f"--base_model {base} is not a folder; pass a local checkpoint (training/pretrain_mlm.py makes one)")
    split = {None: None, "none": None, "train": "train", "validation": "validation"}
    train_records = read_records(args.train, args.corpus, split[args.train_split])
    dev_records = read_records(args.dev, args.corpus, split[args.dev_split])
    if not train_records or not dev_records:
        raise SystemExit("no training or development records: check --train/--dev and the splits")
    tokenizer = AutoTokenizer.from_pretrained(base, local_files_only=True)
    if not tokenizer.is_fast:
        raise SystemExit(f"{base} has no fast tokenizer; govie needs token offsets")
    train_stats, dev_stats = TrainStats(), TrainStats()
    train_ds = windows(train_records, tokenizer, args.max_length, args.stride, train_stats)
    dev_ds = windows(dev_records, tokenizer, args.max_length, args.stride, dev_stats)
    print(f"fine-tuning on {train_stats.records} records ({len(train_ds)} windows), "
          f"choosing on {dev_stats.records} ({len(dev_ds)} windows)", file=sys.stderr)
    model = AutoModelForTokenClassification.from_pretrained(
        base, local_files_only=True, num_labels=len(BIO), id2label=dict(enumerate(BIO)),
        label2id={t: i for i, t in enumerate(BIO)}, ignore_mismatched_sizes=True).float()  # fp32 master weights
    work = out / "checkpoints"
    total_steps = args.max_steps if args.max_steps > 0 else math.ceil(len(train_ds) / args.batch_size * args.epochs)
    targs = TrainingArguments(
        output_dir=str(work), num_train_epochs=args.epochs, max_steps=args.max_steps,
        per_device_train_batch_size=args.batch_size, per_device_eval_batch_size=64,
        learning_rate=args.learning_rate, warmup_steps=int(args.warmup_ratio * total_steps), weight_decay=args.weight_decay,
        eval_strategy="epoch" if args.max_steps < 0 else "steps", eval_steps=max(1, args.max_steps),
        save_strategy="epoch" if args.max_steps < 0 else "steps", save_steps=max(1, args.max_steps),
        save_total_limit=1, load_best_model_at_end=True, metric_for_best_model="f1", greater_is_better=True,
        logging_steps=50, report_to="none", seed=args.seed, dataloader_pin_memory=False, bf16=args.bf16)
    trainer = Trainer(model=model, args=targs, train_dataset=train_ds, eval_dataset=dev_ds,
                      data_collator=DataCollatorForTokenClassification(tokenizer), compute_metrics=span_f1)
    started = time.time()
    trainer.train()
    best = trainer.evaluate()
    encoder = out / ENCODER_DIR
    trainer.save_model(str(encoder))
    tokenizer.save_pretrained(encoder)
    shutil.rmtree(work, ignore_errors=True)
    (encoder / "training_args.bin").unlink(missing_ok=True)
    pipeline = ["rules", "transformer"]
    link_stats = None
    if args.linker:
        link_model, link_stats = linker.fit(train_records)
        link_model.save(out / "linker.npz")
        pipeline.append("linker")
    if (base / "pretrain_log.json").is_file():
        shutil.copy(base / "pretrain_log.json", out / "pretrain_log.json")
    meta = {
        "name": args.name or out.name,
        "format": MODEL_FORMAT,
        "pipeline": pipeline,
        "labels": list(NER_LABELS),
        "names": "ner",  # the model's names only (adding gazetteer divisions where it found none measured worse)
        "indicators": "ner",
        "max_length": args.max_length,
        "stride": args.stride,
        "base_model": base.name,
        "parameters": sum(p.numel() for p in model.parameters()),
        "training": {"train": vars(train_stats), "dev": vars(dev_stats), "linker": link_stats,
                     "seconds": round(time.time() - started), "steps": trainer.state.global_step,
                     "device": "cuda" if torch.cuda.is_available() else "cpu",
                     "arguments": {k: v for k, v in asdict(args).items() if k not in ("corpus",)}},
        "dev_scores": {k.replace("eval_", "ents_"): v for k, v in best.items() if k in ("eval_f1", "eval_precision", "eval_recall")},
    }
    (out / "meta.json").write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    pretrain_log = json.loads((out / "pretrain_log.json").read_text(encoding="utf-8")) \
        if (out / "pretrain_log.json").is_file() else None
    (out / "README.md").write_text(model_card(meta, pretrain_log), encoding="utf-8")
    print(f"saved {out} (window span F1 on dev {best.get('eval_f1', 0):.3f})", file=sys.stderr)
    return out


def loss_curve(log: dict) -> List[str]:
    """Markdown rows: step, characters seen, training loss and held-out loss at each evaluation."""
    per_step = log["characters_seen"] / max(1, log["steps"])
    train = {row["step"]: row["loss"] for row in log["log_history"] if "loss" in row}
    rows = ["| step | characters seen | training loss | held-out loss |", "|---|---|---|---|"]
    seen = set()
    for row in log["log_history"]:
        if "eval_loss" in row and row["step"] not in seen:
            seen.add(row["step"])
            near = min(train, key=lambda s: abs(s - row["step"])) if train else None
            rows.append(f"| {row['step']} | {per_step * row['step'] / 1e6:.1f} M | "
                        f"{train[near]:.3f} | {row['eval_loss']:.3f} |" if near is not None else
                        f"| {row['step']} | {per_step * row['step'] / 1e6:.1f} M | – | {row['eval_loss']:.3f} |")
    return rows


def model_card(meta: dict, pretrain_log: Optional[dict]) -> str:
    """The model directory's README.md; benchmarks/report.py fills the figures block."""
    t = meta["training"]
    lines = [
        f"# {meta['name']} — a govie transformer model", "",
        f"Made by `training/finetune.py` from the encoder `{meta['base_model']}` "
        f"({meta['parameters'] / 1e6:.1f} M parameters). Load it with `govie.load(\"{meta['name']}\")` "
        "(or its path); it needs torch and transformers (`pip install -e '.[train]'`) and no network.", "",
        "| stage | what | trained? |", "|---|---|---|",
        "| AMOUNT / PERCENT | the deterministic recogniser of `govie.quantities` (the model's own value tags are ignored) | no |",
        f"| DISTRICT, ENTERPRISE, PROJECT, INDICATOR | token classification (BIO) over windows of {meta['max_length']} "
        f"tokens, stride {meta['stride']}"
        + ("; gazetteer divisions where the model found nothing" if meta.get("names") == "ner+districts" else "")
        + " | yes |",
        "| value → INDICATOR | rules propose, boundaries snap to the model's INDICATOR spans, `linker.npz` re-ranks | yes |",
        "| type, qualifier, status; records | rules | no |", "",
        "## Fine-tuning data", "",
        f"{t['train']['records']} records ({t['train']['chunks']} sentence chunks, {t['train']['characters']:,} characters, "
        f"{t['train']['entities']:,} entities) of the training annotations; the checkpoint was chosen on "
        f"{t['dev']['records']} records ({t['dev']['characters']:,} characters). "
        f"{t['steps']} steps in {t['seconds'] / 60:.0f} min on {t['device']}. "
        "`../shared/gold/dev.jsonl` was never trained on or used for choosing.", "",
    ]
    if pretrain_log:
        c = pretrain_log["corpus"]
        a = pretrain_log["arguments"]
        lines += [
            "## Pretraining", "",
            f"`training/pretrain_mlm.py`: a BERT encoder (hidden {a['hidden_size']}, {a['num_layers']} layers, "
            f"{a['num_heads']} heads, vocabulary {pretrain_log['vocab_size']:,} characters) trained as a masked "
            f"language model on {c['train_reports']:,} reports of `../shared/corpus` ({c['train_characters']:,} "
            "characters; the dev regions and the reports of the gold validation split left out). "
            f"It saw **{pretrain_log['characters_seen']:,} characters** ({pretrain_log['epochs']:.2f} epochs) in "
            f"{pretrain_log['steps']:,} steps on {pretrain_log['device']}"
            + (f" in {pretrain_log['seconds'] / 60:.0f} min; " if not pretrain_log.get("resumed_from") else
               f" (last resumed from {pretrain_log['resumed_from']}); ") +
            f"final held-out loss {pretrain_log['final_held_out_loss']:.3f} "
            f"(perplexity {pretrain_log['final_held_out_perplexity']:.1f}) on pieces of held-out reports.", "",
            "Loss curve:", "", *loss_curve(pretrain_log), "",
        ]
    lines += [
        "## Licences", "",
        "The weights are govie's own (Apache-2.0), learned from the report corpus (pretraining) and from "
        "govie's annotations; no report text is stored here (the tokenizer holds single characters).", "",
        "## Figures", "", "Generated by `python benchmarks/report.py`:", "",
        "<!-- benchmark table: generated by benchmarks/report.py -->", "<!-- end of benchmark table -->", "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    from transformers import HfArgumentParser

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    (parsed,) = HfArgumentParser(FinetuneArguments).parse_args_into_dataclasses()
    main(parsed)
