#!/usr/bin/env python3
"""Silver annotations: the best current pipeline run over the whole corpus, stored stand-off.

    python training/make_silver.py [--corpus ../shared/corpus] [--model rules] [--workers 2]
                                   [-o training/annotations/silver/silver.jsonl] [--limit N] [--train-only]

One line per report of MANIFEST.tsv: the guide's JSONL without text, plus `doc` and
`sha256` (join them back with `govie.corpus.load_standoff` or `govie evaluate --corpus`).
`meta.source` says which model made it. Silver is machine output for weak supervision:
it is never gold and never used to score anything. Reports that fail are listed on stderr
and in `<output>.errors.jsonl`. The output (~200 MB for the whole corpus) is not committed.
"""
import argparse
import csv
import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import govie  # noqa: E402
from govie import corpus  # noqa: E402
from govie.io import write_jsonl  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", default=os.environ.get(corpus.CORPUS_ENV, str(REPO.parent / "shared" / "corpus")))
    ap.add_argument("--model", default="rules")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("-o", "--output", default=str(REPO / "training" / "annotations" / "silver" / "silver.jsonl"))
    ap.add_argument("--limit", type=int, default=None, help="only the first N reports (for a quick look)")
    ap.add_argument("--train-only", action="store_true",
                    help="leave out the dev regions and the reports of the validation split, so that silver "
                         "can be trained on without touching held-out text")
    args = ap.parse_args()
    root = corpus.corpus_root(args.corpus)
    with open(root / "MANIFEST.tsv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    if args.train_only:
        rows = [r for r in rows if not r["region"].startswith(corpus.DEV_REGIONS) and corpus.split_of(r["file"]) == "train"]
    docs = [row["file"] for row in rows][:args.limit]
    extractor = govie.load(args.model)
    texts = ({"text": corpus.read_doc(root, d), "id": d} for d in docs)
    errors = []

    def records():
        for doc, res in zip(docs, extractor.pipe(texts, n_process=args.workers, progress=True)):
            if not res.ok:
                errors.append({"doc": doc, "error": res.error})
                continue
            rec = res.to_doccano()
            rec["meta"] = {**rec["meta"], "source": f"govie {govie.__version__} model {extractor.name}"}
            yield corpus.detach(rec, doc)

    n = write_jsonl(args.output, records())
    if errors:
        write_jsonl(args.output + ".errors.jsonl", errors)
        for e in errors:
            print(f"failed: {e['doc']}: {e['error']}", file=sys.stderr)
    print(f"{n} silver reports -> {args.output} ({len(errors)} failed)")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
