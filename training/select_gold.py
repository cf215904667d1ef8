#!/usr/bin/env python3
"""Pick the reports to annotate whole, stratified by level, province and year (fixed seed).

    python training/select_gold.py [--corpus DIR] [--seed 13] > training/annotations/gold_selection.tsv

Reports of 5,000-13,000 characters from 2003-2025, one per province and level where the
corpus allows, so that hand correction of a whole report stays within a sitting: 16 county
(Shenzhen districts and Baoding counties, the corpus's only county reports), 11 city and
6 province reports. The first three are the agreement set (annotated twice).
"""
import argparse
import csv
import os
import random
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
WANT = {"county": 16, "city": 11, "province": 6}
TAKEN = ("安徽省马鞍山市", "安徽省安庆市", "安徽省淮北市", "湖北省宜昌市")  # the dev set's regions


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", default=os.environ.get("GOVIE_CORPUS", str(REPO.parent / "shared" / "corpus")))
    ap.add_argument("--seed", type=int, default=13)
    args = ap.parse_args()
    rows = list(csv.DictReader(open(Path(args.corpus) / "MANIFEST.tsv", encoding="utf-8"), delimiter="\t"))
    rng = random.Random(args.seed)
    rows = [r for r in rows if r["year"].isdigit() and 2003 <= int(r["year"]) <= 2025
            and 5000 <= int(r["chars"]) <= 13000 and not r["region"].startswith(TAKEN)]
    rng.shuffle(rows)
    picked, seen_prov, seen_region = [], set(), set()
    years_used = set()
    for level, n in WANT.items():
        pool = [r for r in rows if r["level"] == level]
        got = []
        for r in pool:  # first pass: new province (city/province) or new region (county), new year
            key = r["region"][:3] if level != "county" else r["region"]
            if level == "county":
                if key in seen_region and len(got) < 12 or r["year"] in years_used and len(got) < 8:
                    continue
            elif key in seen_prov:
                continue
            got.append(r)
            seen_region.add(r["region"])
            seen_prov.add(r["region"][:3])
            years_used.add(r["year"])
            if len(got) == n:
                break
        picked += got
    agreement = [picked[0], picked[16], picked[27]]  # one county, one city, one province
    w = csv.writer(sys.stdout, delimiter="\t", lineterminator="\n")
    w.writerow(["file", "region", "level", "year", "chars", "agreement"])
    for r in picked:
        w.writerow([r["file"], r["region"], r["level"], r["year"], r["chars"], int(r in agreement)])
    return 0


if __name__ == "__main__":
    sys.exit(main())
