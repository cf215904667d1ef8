"""The command line: ``govie extract`` and ``govie evaluate``.

    govie extract PATH... -o OUT.jsonl|OUT.csv|OUT.parquet [--model rules] [--encoding auto]
                  [--region R] [--year Y] [--workers N] [--resume] [--quiet]
    govie evaluate GOLD [--corpus DIR] [--split validation] [--model rules | --pred PRED.jsonl]
                   [--errors N] [--json OUT.json]
    govie convert IN OUT [--corpus DIR]   (.jsonl doccano | .json Label Studio | .spacy | datasets folder)
    govie train --train PATH... --dev PATH... --output models/NAME [--corpus DIR]
                [--train-split train] [--dev-split validation] [--config CFG] [--set KEY=VALUE] [--gpu ID]
    govie --version

Exit codes: 0 all went well; 1 some documents failed (they are recorded in the output);
2 usage errors (a missing path, a bad option, an unreadable annotation file).
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Optional, Sequence

from .errors import GovieError


class UsageError(Exception):
    """A mistake in the command line; reported in one line, exit code 2."""


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run the command line with ``argv`` (default ``sys.argv[1:]``); return the exit code."""
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version and argparse's own usage errors
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
    if not getattr(args, "command", None):
        parser.print_help(sys.stderr)
        return 2
    try:
        return args.func(args)
    except UsageError as exc:
        print(f"govie {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("govie: interrupted", file=sys.stderr)
        return 130


def _parser() -> argparse.ArgumentParser:
    from . import __version__

    parser = argparse.ArgumentParser(
        prog="govie",
        description="Entities and numeric targets from Chinese local government work reports.")
    parser.add_argument("--version", action="version", version=f"govie {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    ex = sub.add_parser("extract", help="extract entities and targets from report texts",
                        description="Extract entities and targets from .txt reports. A document that "
                                    "cannot be read or fails is recorded in the output and the run goes on.")
    ex.add_argument("paths", nargs="+", metavar="PATH",
                    help="report files, or directories searched recursively for *.txt")
    ex.add_argument("-o", "--output", required=True, metavar="OUT",
                    help="output: .jsonl (one doccano-style line per document), .csv (one row per target) "
                         "or .parquet (a folder of parts, one row per target)")
    ex.add_argument("--model", default=None,
                    help="model name or directory (default: govie-zh, the shipped trained model; 'rules' for the rules)")
    ex.add_argument("--encoding", default="auto",
                    help="encoding of the texts (default: auto = UTF-8, else GB18030/GBK)")
    ex.add_argument("--region", help="the reports' region, overriding what the texts say")
    ex.add_argument("--year", type=int, help="the plan year of the reports, overriding what the texts say")
    ex.add_argument("--workers", type=int, default=1, metavar="N",
                    help="worker processes (default: 1; -1 = all cores)")
    ex.add_argument("--resume", action="store_true",
                    help="go on with an interrupted run: skip documents already in OUT (same path and "
                         "file hash), retry failed ones")
    ex.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    ex.set_defaults(func=cmd_extract)

    ev = sub.add_parser("evaluate", help="score a model or a prediction file against gold annotations",
                        description="Score entities, relations and records against a gold JSONL "
                                    "(see ANNOTATION.md, 'What the benchmark counts').")
    ev.add_argument("gold", metavar="GOLD", help="gold annotations: a doccano-style JSONL file or a folder of "
                                                 "them, with text or stand-off (doc + sha256)")
    ev.add_argument("--corpus", metavar="DIR", help="corpus root for stand-off gold (default: $GOVIE_CORPUS)")
    ev.add_argument("--split", choices=("train", "validation"), help="score only this split's documents")
    src = ev.add_mutually_exclusive_group()
    src.add_argument("--model", default=None, help="model to run on the gold texts (default: govie-zh)")
    src.add_argument("--pred", metavar="PRED.jsonl", help="predictions to score instead of running a model")
    ev.add_argument("--errors", type=int, default=0, metavar="N",
                    help="also print up to N missed and N spurious examples per category")
    ev.add_argument("--json", metavar="OUT.json", help="write the scores as JSON to this file")
    ev.add_argument("--workers", type=int, default=1, metavar="N", help="worker processes for --model")
    ev.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    ev.set_defaults(func=cmd_evaluate)
    cv = sub.add_parser("convert", help="convert annotations between doccano, Label Studio, DocBin and datasets",
                        description="Convert annotation files. The kind comes from the name: .jsonl "
                                    "(doccano; stand-off records are joined with --corpus), .json (Label "
                                    "Studio), .spacy (spaCy DocBin), a folder (a saved datasets.Dataset).")
    cv.add_argument("input", metavar="IN")
    cv.add_argument("output", metavar="OUT")
    cv.add_argument("--corpus", metavar="DIR", help="corpus root for stand-off input (default: $GOVIE_CORPUS)")
    cv.set_defaults(func=cmd_convert)
    tr = sub.add_parser("train", help="train a statistical pipeline on annotation files",
                        description="Train govie's NER (training/configs/ner.cfg) on annotations in any format "
                                    "`govie convert` reads, and write a model directory that govie.load() "
                                    "and --model serve. Needs pip install 'govie[train]'.")
    tr.add_argument("--train", nargs="+", required=True, metavar="PATH", help="training annotations")
    tr.add_argument("--silver", nargs="+", default=[], metavar="PATH",
                    help="machine-labelled annotations that train the NER only, after --train "
                         "(never the linker, never the checkpoint choice); --train-split applies to them too")
    tr.add_argument("--dev", nargs="+", required=True, metavar="PATH",
                    help="development annotations (for choosing the best checkpoint)")
    tr.add_argument("--output", "-o", required=True, metavar="DIR", help="model directory to write, e.g. models/my-model")
    tr.add_argument("--corpus", metavar="DIR", help="corpus root for stand-off annotations (default: $GOVIE_CORPUS)")
    tr.add_argument("--train-split", choices=("train", "validation"),
                    help="keep only this side of the fixed split from --train (by report)")
    tr.add_argument("--dev-split", choices=("train", "validation"),
                    help="keep only this side of the fixed split from --dev (by report)")
    tr.add_argument("--config", metavar="CFG", help="spaCy training config (default: training/configs/ner.cfg)")
    tr.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                    help="override a config setting, e.g. --set training.max_steps=200 (repeatable)")
    tr.add_argument("--gpu", type=int, default=-1, metavar="ID", help="GPU id to train on (default: CPU)")
    tr.set_defaults(func=cmd_train)
    return parser


# --------------------------------------------------------------------------- extract


def cmd_extract(args: argparse.Namespace) -> int:
    from .batch import FORMATS, extract_files
    from .pipeline import load

    if Path(args.output).suffix.lower() not in FORMATS:
        raise UsageError(f"output {args.output} must end in .jsonl, .csv or .parquet")
    if args.workers == 0 or args.workers < -1:
        raise UsageError(f"--workers must be a positive number or -1 (all cores), got {args.workers}")
    for p in args.paths:
        if not Path(p).exists():
            raise UsageError(f"no such file or directory: {p}")
    try:
        extractor = load(args.model)
        summary = extract_files(args.paths, args.output, model=extractor, workers=args.workers,
                                encoding=args.encoding, region=args.region, year=args.year,
                                resume=args.resume, progress=not args.quiet)
    except KeyboardInterrupt:
        print(f"govie: interrupted; what was written is kept: rerun with --resume to go on", file=sys.stderr)
        return 130
    except GovieError as exc:
        raise UsageError(str(exc)) from None
    for doc, error in summary.failures[:20]:
        print(f"govie: failed: {doc}: {error}", file=sys.stderr)
    if len(summary.failures) > 20:
        print(f"govie: … and {len(summary.failures) - 20} more failures, all recorded in the output", file=sys.stderr)
    print(f"govie: {summary}", file=sys.stderr)
    return 1 if summary.failed else 0


# --------------------------------------------------------------------------- convert


def cmd_convert(args: argparse.Namespace) -> int:
    from .formats import read_any, write_any

    if not Path(args.input).exists():
        raise UsageError(f"no such file or folder: {args.input}")
    try:
        records = read_any(args.input, args.corpus)
        n = write_any(args.output, records)
    except GovieError as exc:
        raise UsageError(str(exc)) from None
    except ImportError as exc:
        raise UsageError(f"{exc.name} is needed for this format: pip install 'govie[train]'") from None
    print(f"govie: {n} records -> {args.output}", file=sys.stderr)
    return 0


# --------------------------------------------------------------------------- train


def cmd_train(args: argparse.Namespace) -> int:
    try:
        from .train import DEFAULT_CONFIG, read_records, train
    except ImportError as exc:
        raise UsageError(f"{exc.name} is needed for training: pip install 'govie[train]'") from None
    config = Path(args.config) if args.config else DEFAULT_CONFIG
    if not config.is_file():
        raise UsageError(f"no such config file: {config}")
    for p in args.train + args.silver + args.dev:
        if not Path(p).exists():
            raise UsageError(f"no such annotation file or folder: {p}")
    overrides = {}
    for item in args.set:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise UsageError(f"--set wants KEY=VALUE, got {item!r}")
        overrides[key] = _config_value(value)
    try:
        train_recs = read_records(args.train, args.corpus, args.train_split)
        silver_recs = read_records(args.silver, args.corpus, args.train_split)
        dev_recs = read_records(args.dev, args.corpus, args.dev_split)
        silver = f" (+ {len(silver_recs)} silver for the NER)" if silver_recs else ""
        print(f"govie: training on {len(train_recs)} records{silver}, choosing on {len(dev_recs)}", file=sys.stderr)
        out = train(train_recs, dev_recs, args.output, config=config, overrides=overrides, use_gpu=args.gpu,
                    silver_records=silver_recs)
    except GovieError as exc:
        raise UsageError(str(exc)) from None
    print(f"govie: model written to {out}; try: govie evaluate GOLD --model {out}", file=sys.stderr)
    return 0


def _config_value(value: str):
    """A --set value as spaCy's config would read it: JSON where it parses, else a string."""
    try:
        return json.loads(value)
    except ValueError:
        return value


# --------------------------------------------------------------------------- evaluate


def cmd_evaluate(args: argparse.Namespace) -> int:
    from .evaluate import evaluate, format_report

    if not Path(args.gold).exists():
        raise UsageError(f"no such gold file: {args.gold}")
    if args.pred is not None and not Path(args.pred).is_file():
        raise UsageError(f"no such prediction file: {args.pred}")
    if args.errors < 0:
        raise UsageError(f"--errors must be 0 or more, got {args.errors}")
    if args.workers == 0 or args.workers < -1:
        raise UsageError(f"--workers must be a positive number or -1 (all cores), got {args.workers}")
    try:
        scores = evaluate(args.gold, model=args.model, pred_path=args.pred,
                          errors=args.errors, n_process=args.workers, progress=not args.quiet,
                          corpus=args.corpus, split=args.split)
    except GovieError as exc:
        raise UsageError(str(exc)) from None
    print(format_report(scores))
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump(scores, fh, ensure_ascii=False, indent=2)
            fh.write("\n")
    return 0
