#!/usr/bin/env python3
"""Record the train/validation split of every annotated report in training/annotations/split.tsv.

    python training/write_split.py

The split itself is `govie.corpus.split_of(doc)` (a hash of the report's path, one in five
to validation), so it never changes as reports are added; this file makes it visible and
reviewable. Passages go where their report goes. `../shared/gold/dev.jsonl` is in neither.
"""
import csv
import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from govie.corpus import split_of  # noqa: E402

ANNOTATIONS = REPO / "training" / "annotations"


def annotated_docs() -> dict:
    """doc -> set of kinds ('report', 'passage') over gold/ and silver-free annotation files."""
    docs: dict = {}
    for path in sorted((ANNOTATIONS / "gold").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                rec = json.loads(line)
                kind = "passage" if "offset" in rec.get("meta", {}) else "report"
                docs.setdefault(rec["doc"], set()).add(kind)
    return docs


def main() -> int:
    docs = annotated_docs()
    out = ANNOTATIONS / "split.tsv"
    with open(out, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, delimiter="\t", lineterminator="\n")
        w.writerow(["doc", "kind", "split"])
        for doc in sorted(docs):
            w.writerow([doc, "+".join(sorted(docs[doc])), split_of(doc)])
    counts = {}
    for doc in docs:
        counts[split_of(doc)] = counts.get(split_of(doc), 0) + 1
    print(f"{out}: {len(docs)} reports, {counts}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
