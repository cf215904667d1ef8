#!/usr/bin/env python3
"""Inter-annotator agreement: F1 between two independent passes over the same reports.

    python training/agreement.py [--first training/annotations/gold/reports.jsonl]
                                 [--second training/annotations/agreement/pass2.jsonl] [--corpus DIR]

Pass 1 is scored as gold and pass 2 as prediction with govie's own scorer, so the figures
mean what `govie evaluate` figures mean (F1 is symmetric in the two passes).
"""
import argparse
import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from govie import corpus  # noqa: E402
from govie.evaluate import format_report, score  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--first", default=str(REPO / "training/annotations/gold/reports.jsonl"))
    ap.add_argument("--second", default=str(REPO / "training/annotations/agreement/pass2.jsonl"))
    ap.add_argument("--corpus", default=os.environ.get(corpus.CORPUS_ENV, str(REPO.parent / "shared/corpus")))
    ap.add_argument("--errors", type=int, default=0)
    args = ap.parse_args()
    second = corpus.load_standoff(args.second, args.corpus)
    docs = {r["doc"] for r in second}
    first = {r["doc"]: r for r in corpus.load_standoff(args.first, args.corpus) if r["doc"] in docs}
    missing = docs - set(first)
    if missing:
        print(f"no first pass for: {', '.join(sorted(missing))}", file=sys.stderr)
        return 2
    gold = [first[r["doc"]] for r in second]
    print(f"{len(second)} reports annotated twice: {', '.join(sorted(docs))}\n")
    print(format_report(score(gold, second, errors=args.errors)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
