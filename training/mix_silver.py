#!/usr/bin/env python3
"""Silver with one label from a second teacher: each label from the model that is best at it.

    python training/mix_silver.py IN -o OUT [--label DISTRICT] [--model govie-zh] [--workers 2]
                                  [--corpus ../shared/corpus]

IN is entity-only silver stored stand-off (`training/make_silver.py`, e.g. govie-zh-bert's
`training/annotations/distilled/govie-zh-bert-800.jsonl.xz`). This runs `--model` over the same
reports (each with its `meta.region` and `meta.year`), drops IN's spans of `--label` and puts
the model's final spans of that label in their place, after the pipeline's own checks (for
DISTRICT: the gazetteer snap, the guide's shape, named regions). A model span that overlaps one
of IN's other spans is left out: IN keeps its names. OUT is written stand-off (`.xz`/`.gz`
compressed), with `meta.source` naming both teachers. Prints how many spans were swapped.

Why: govie-zh-bert is the better teacher for ENTERPRISE and PROJECT, govie-zh (with its rules
after the NER) for DISTRICT (validation F1 0.847 against 0.803).
"""
import argparse
import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import govie  # noqa: E402
from govie import corpus  # noqa: E402


def swap_label(rec: dict, spans: list, label: str, source: str) -> tuple:
    """(the record without text, its ``label`` spans replaced by ``spans``; how many added, how
    many left out for overlapping the record's other spans)."""
    keep = [e for e in rec["entities"] if e["label"] != label]
    others = [(e["start_offset"], e["end_offset"]) for e in keep]
    added = clashing = 0
    for start, end in spans:
        if any(a < end and start < b for a, b in others):
            clashing += 1
            continue
        keep.append({"label": label, "start_offset": start, "end_offset": end})
        added += 1
    keep.sort(key=lambda e: (e["start_offset"], e["end_offset"]))
    out = {k: v for k, v in rec.items() if k != "text"}
    out["meta"] = dict(rec.get("meta") or {})
    out["meta"]["source"] = f"{out['meta'].get('source', '?')}; {label} from {source}"
    out["entities"] = [{"id": i, "label": e["label"], "start_offset": e["start_offset"], "end_offset": e["end_offset"]}
                       for i, e in enumerate(keep, 1)]
    out["relations"] = []  # silver trains the NER only
    return out, added, clashing


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("input")
    ap.add_argument("-o", "--output", required=True)
    ap.add_argument("--label", default="DISTRICT")
    ap.add_argument("--model", default="govie-zh")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--corpus", default=os.environ.get(corpus.CORPUS_ENV, str(REPO.parent / "shared" / "corpus")))
    args = ap.parse_args()
    records = corpus.read_gold(args.input, args.corpus)
    if any(rec.get("relations") for rec in records):
        sys.exit("mix_silver.py: the input has relations; this is for entity-only silver")
    docs = [{"text": r["text"], "region": r["meta"].get("region"), "year": r["meta"].get("year")} for r in records]
    results = govie.load(args.model).pipe(docs, batch_size=4, n_process=args.workers, progress=True)
    out, added, clashing, failed = [], 0, 0, 0
    dropped = sum(e["label"] == args.label for r in records for e in r["entities"])
    for rec, res in zip(records, results):
        if res.error:  # the report keeps the input's own spans of the label
            print(f"mix_silver.py: {rec.get('doc', rec.get('id'))}: {res.error}", file=sys.stderr)
            failed += 1
            found = [(e["start_offset"], e["end_offset"]) for e in rec["entities"] if e["label"] == args.label]
        else:
            found = [(e.start, e.end) for e in res.entities if e.label == args.label]
        new, a, c = swap_label(rec, found, args.label, args.model)
        out.append(new)
        added += a
        clashing += c
    corpus.write_standoff(args.output, out)
    print(f"{len(out)} reports: {dropped} {args.label} spans of the input replaced by {added} of {args.model} "
          f"({clashing} left out for overlapping the input's other spans; {failed} reports failed and kept theirs)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
