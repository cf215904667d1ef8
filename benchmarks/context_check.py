"""How often govie reads a report's own region and year right, against the corpus MANIFEST.

    python benchmarks/context_check.py [--corpus ../shared/corpus] [--n 300] [--seed 1]

Prints the share of sampled reports whose detected year and region equal MANIFEST.tsv's,
and the first misses. National reports are labelled '全国(国务院)' there and '全国' by govie.
"""
from __future__ import annotations

import argparse
import csv
import random
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", default=str(REPO.parent / "shared" / "corpus"))
    ap.add_argument("--n", type=int, default=300)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--show", type=int, default=15, help="misses to print")
    args = ap.parse_args(argv)
    corpus = Path(args.corpus)
    if not (corpus / "MANIFEST.tsv").is_file():
        sys.exit(f"context_check.py: no MANIFEST.tsv under {corpus}; pass --corpus")
    import govie
    from govie import context, text

    with open(corpus / "MANIFEST.tsv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    random.Random(args.seed).shuffle(rows)
    rows = rows[:args.n]
    year_ok = region_ok = 0
    misses = []
    for row in rows:
        region, year = context.document_context(text.normalise(govie.read_text(corpus / row["file"])).text)
        year_ok += year == int(row["year"])
        want = "全国" if row["level"] == "national" else row["region"]
        region_ok += region == want
        if (year != int(row["year"]) or region != want) and len(misses) < args.show:
            misses.append(f"{row['file']}: MANIFEST {row['region']} {row['year']}, govie {region} {year}")
    print(f"reports: {len(rows)}  year correct: {year_ok / len(rows):.3f}  region correct: {region_ok / len(rows):.3f}")
    print("\n".join(misses))
    return 0


if __name__ == "__main__":
    sys.exit(main())
