#!/usr/bin/env python3
"""Re-apply the pipeline's DISTRICT checks to silver made before they existed.

    python training/snap_silver.py IN [-o OUT] [--corpus ../shared/corpus]

Silver from `training/make_silver.py` that predates `govie.entities.snap_to_divisions` holds
the teacher's DISTRICT spans that cut a division (保|定, 西双|版纳). This joins each stand-off
record with its report, puts its DISTRICT spans through `govie.entities.fit_districts`, as the
trained pipelines now do at run time (the snap, then the guide's shape), and writes the records
back stand-off (OUT defaults to IN; `.xz`/`.gz` are written compressed). Prints how many
DISTRICT spans changed.
"""
import argparse
import os
import sys
from pathlib import Path

from tqdm import tqdm

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from govie import corpus, entities  # noqa: E402
from govie.quantities import Span  # noqa: E402
from govie.schema import VALUE_LABELS  # noqa: E402


def snap_record(rec: dict) -> tuple:
    """(the record without text, with its DISTRICT spans checked; how many changed)."""
    text = rec["text"]
    ents = rec["entities"]
    values = [Span(e["start_offset"], e["end_offset"], e["label"]) for e in ents if e["label"] in VALUE_LABELS]
    names = [Span(e["start_offset"], e["end_offset"], e["label"]) for e in ents if e["label"] not in VALUE_LABELS]
    snapped = entities.fit_districts(text, names, rec["meta"].get("region"), taken=values)
    moved = len({(s.start, s.end) for s in names if s.label == "DISTRICT"}
                - {(s.start, s.end) for s in snapped if s.label == "DISTRICT"})
    spans = sorted(values + snapped)
    out = {k: v for k, v in rec.items() if k != "text"}
    out["entities"] = [{"id": i, "label": s.label, "start_offset": s.start, "end_offset": s.end}
                       for i, s in enumerate(spans, 1)]
    out["relations"] = []  # silver trains the NER only
    return out, moved


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("input")
    ap.add_argument("-o", "--output", default=None)
    ap.add_argument("--corpus", default=os.environ.get(corpus.CORPUS_ENV, str(REPO.parent / "shared" / "corpus")))
    args = ap.parse_args()
    records = corpus.read_gold(args.input, args.corpus)
    out, moved, total = [], 0, 0
    for rec in tqdm(records, desc="snap", unit="report"):
        if rec.get("relations"):
            sys.exit(f"snap_silver.py: {rec.get('doc')} has relations; this is for entity-only silver")
        new, n = snap_record(rec)
        out.append(new)
        moved += n
        total += sum(e["label"] == "DISTRICT" for e in rec["entities"])
    corpus.write_standoff(args.output or args.input, out)
    print(f"{len(out)} reports, {moved} of {total} DISTRICT spans changed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
