"""The command line: ``govie extract`` and ``govie evaluate``.

    govie extract PATH... -o OUT.jsonl|OUT.csv [--model rules] [--encoding auto]
                  [--region R] [--year Y] [--workers N] [--quiet]
    govie evaluate GOLD.jsonl [--model rules | --pred PRED.jsonl] [--errors N] [--json OUT.json]
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
                    help="output file: .jsonl (one doccano-style line per document) or .csv (one row per target)")
    ex.add_argument("--model", default="rules", help="model name or directory (default: rules)")
    ex.add_argument("--encoding", default="auto",
                    help="encoding of the texts (default: auto = UTF-8, else GB18030/GBK)")
    ex.add_argument("--region", help="the reports' region, overriding what the texts say")
    ex.add_argument("--year", type=int, help="the plan year of the reports, overriding what the texts say")
    ex.add_argument("--workers", type=int, default=1, metavar="N",
                    help="worker processes (default: 1; -1 = all cores)")
    ex.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    ex.set_defaults(func=cmd_extract)

    ev = sub.add_parser("evaluate", help="score a model or a prediction file against gold annotations",
                        description="Score entities, relations and records against a gold JSONL "
                                    "(see ANNOTATION.md, 'What the benchmark counts').")
    ev.add_argument("gold", metavar="GOLD.jsonl", help="gold annotations, doccano-style JSONL")
    src = ev.add_mutually_exclusive_group()
    src.add_argument("--model", default=None, help="model to run on the gold texts (default: rules)")
    src.add_argument("--pred", metavar="PRED.jsonl", help="predictions to score instead of running a model")
    ev.add_argument("--errors", type=int, default=0, metavar="N",
                    help="also print up to N missed and N spurious examples per category")
    ev.add_argument("--json", metavar="OUT.json", help="write the scores as JSON to this file")
    ev.add_argument("--workers", type=int, default=1, metavar="N", help="worker processes for --model")
    ev.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    ev.set_defaults(func=cmd_evaluate)
    return parser


# --------------------------------------------------------------------------- extract


def collect_paths(paths: Sequence[str]) -> list:
    """Files named, and *.txt files under directories named (recursively, sorted)."""
    files = []
    for p in paths:
        path = Path(p)
        if path.is_dir():
            found = sorted(f for f in path.rglob("*.txt") if f.is_file())
            if not found:
                raise UsageError(f"no .txt files under directory {p}")
            files.extend(found)
        elif path.exists():
            files.append(path)
        else:
            raise UsageError(f"no such file or directory: {p}")
    return files


def cmd_extract(args: argparse.Namespace) -> int:
    from .io import read_text, write_jsonl
    from .pipeline import load

    out = Path(args.output)
    fmt = out.suffix.lower()
    if fmt not in (".jsonl", ".csv"):
        raise UsageError(f"output {args.output} must end in .jsonl or .csv")
    if args.workers == 0 or args.workers < -1:
        raise UsageError(f"--workers must be a positive number or -1 (all cores), got {args.workers}")
    files = collect_paths(args.paths)
    try:
        extractor = load(args.model)
    except GovieError as exc:
        raise UsageError(str(exc)) from None

    # Read every file first: a file that cannot be read becomes an error record in place.
    docs, read_errors = [], {}
    for i, f in enumerate(files):
        try:
            docs.append({"text": read_text(f, encoding=args.encoding), "id": str(f),
                         "region": args.region, "year": args.year})
        except (OSError, GovieError, TypeError) as exc:
            read_errors[i] = f"{type(exc).__name__}: {exc}"

    results = iter(extractor.pipe(docs, n_process=args.workers))
    from tqdm import tqdm
    bar = tqdm(total=len(files), unit="doc", desc="govie", file=sys.stderr, disable=args.quiet)

    def records():
        for i, f in enumerate(files):
            if i in read_errors:
                yield str(f), None, read_errors[i]
            else:
                res = next(results)
                yield str(f), res, res.error
            bar.update(1)

    n_ok = n_failed = n_targets = 0
    failures = []
    ok_results = []
    try:
        if fmt == ".jsonl":
            def lines():
                nonlocal n_ok, n_failed, n_targets
                for doc, res, error in records():
                    if error is not None:
                        n_failed += 1
                        failures.append((doc, error))
                        yield {"doc": doc, "error": error}
                    else:
                        n_ok += 1
                        n_targets += len(res.targets)
                        yield {"doc": doc, **res.to_doccano()}
            write_jsonl(out, lines())
        else:
            for doc, res, error in records():
                if error is not None:
                    n_failed += 1
                    failures.append((doc, error))
                    print(f"govie: {doc}: {error}", file=sys.stderr)
                else:
                    n_ok += 1
                    n_targets += len(res.targets)
                    ok_results.append(res)
            from .tables import to_dataframe
            out.parent.mkdir(parents=True, exist_ok=True)
            # utf-8-sig so that spreadsheet programs show the Chinese text correctly
            to_dataframe(ok_results).to_csv(out, index=False, encoding="utf-8-sig")
            err_path = Path(str(out) + ".errors.jsonl")
            if failures:
                write_jsonl(err_path, ({"doc": d, "error": e} for d, e in failures))
            elif err_path.exists():
                err_path.unlink()  # stale errors of an earlier run
    finally:
        bar.close()
    summary = f"govie: {n_ok} docs ok, {n_failed} failed, {n_targets} targets -> {out}"
    if failures and fmt == ".csv":
        summary += f" (errors in {out}.errors.jsonl)"
    print(summary, file=sys.stderr)
    return 1 if n_failed else 0


# --------------------------------------------------------------------------- evaluate


def cmd_evaluate(args: argparse.Namespace) -> int:
    from .evaluate import evaluate, format_report

    if not Path(args.gold).is_file():
        raise UsageError(f"no such gold file: {args.gold}")
    if args.pred is not None and not Path(args.pred).is_file():
        raise UsageError(f"no such prediction file: {args.pred}")
    if args.errors < 0:
        raise UsageError(f"--errors must be 0 or more, got {args.errors}")
    if args.workers == 0 or args.workers < -1:
        raise UsageError(f"--workers must be a positive number or -1 (all cores), got {args.workers}")
    try:
        scores = evaluate(args.gold, model=args.model or "rules", pred_path=args.pred,
                          errors=args.errors, n_process=args.workers, progress=not args.quiet)
    except GovieError as exc:
        raise UsageError(str(exc)) from None
    print(format_report(scores))
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump(scores, fh, ensure_ascii=False, indent=2)
            fh.write("\n")
    return 0
