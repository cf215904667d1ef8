#!/usr/bin/env python3
"""Hand annotation by markup: pre-annotate a report, correct it in a text editor, store it.

    # 1. pre-annotate a corpus report with the current pipeline into an editable markup file
    python training/annotate.py prepare raw/gaoyang_baoding/河北省保定市_2007_city.txt -o work/baoding2007.markup
    # 2. correct every line by hand (see govie/markup.py for the format), then check it
    python training/annotate.py check work/baoding2007.markup
    # 3. store it stand-off (no text, doc path + sha256) among the gold annotations
    python training/annotate.py store work/*.markup --into training/annotations/gold/reports.jsonl

The corpus root is ``--corpus`` or ``$GOVIE_CORPUS`` (default ``../shared/corpus``).
The markup's ``#id`` line is the document's path under the corpus root.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import sys
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import govie  # noqa: E402
from govie import corpus, markup  # noqa: E402
from govie.errors import GovieError  # noqa: E402


def default_corpus() -> Path:
    return Path(os.environ.get(corpus.CORPUS_ENV) or REPO.parent / "shared" / "corpus")


def manifest_meta(root: Path, doc: str) -> dict:
    path = root / "MANIFEST.tsv"
    if not path.exists():
        return {}
    with open(path, encoding="utf-8") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            if row["file"] == doc:
                meta = {"region": row["region"], "level": row["level"]}
                if row.get("year", "").isdigit():
                    meta["year"] = int(row["year"])
                return meta
    return {}


def cmd_prepare(args) -> int:
    root = corpus.corpus_root(args.corpus)
    text = corpus.read_doc(root, args.doc)
    meta = manifest_meta(root, args.doc)
    result = govie.extract(text, region=meta.get("region"), year=meta.get("year"))
    record = result.to_doccano()
    record["id"] = args.doc
    record["meta"] = {k: v for k, v in {**record["meta"], **meta}.items() if k in ("region", "year", "level")}
    spans = {e["id"]: text[e["start_offset"]:e["end_offset"]] for e in record["entities"]}
    for rel in record["relations"]:  # keep indicator_name only where the span alone is not the quantity
        if rel.get("indicator_name") == spans.get(rel["to_id"]):
            del rel["indicator_name"]
        for key in ("value", "value_high", "unit", "indicator_id"):
            rel.pop(key, None)
    if args.bare:
        record["entities"], record["relations"] = [], []
    out = Path(args.output)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(markup.render(record), encoding="utf-8")
    print(f"{out}: {len(record['entities'])} entities, {len(record['relations'])} relations pre-annotated")
    return 0


def _parse(path: Path, root: Path) -> dict:
    src = path.read_text(encoding="utf-8")
    doc = next((ln[4:].strip() for ln in src.splitlines() if ln.startswith("#id ")), None)
    if not doc:
        raise GovieError(f"{path}: no '#id <doc path>' line")
    return markup.parse(src, corpus.read_doc(root, doc), str(path))


def cmd_check(args) -> int:
    root = corpus.corpus_root(args.corpus)
    bad = 0
    for p in args.files:
        try:
            rec = _parse(Path(p), root)
        except GovieError as exc:
            print(f"ERROR {exc}")
            bad += 1
            continue
        labels = Counter(e["label"] for e in rec["entities"])
        types = Counter(r["type"] for r in rec["relations"])
        print(f"{p}: ok  {dict(labels)}  relations {dict(types)}")
    return 1 if bad else 0


def cmd_store(args) -> int:
    root = corpus.corpus_root(args.corpus)
    into = Path(args.into)
    existing = []
    if into.exists():
        existing = [json.loads(ln) for ln in into.read_text(encoding="utf-8").splitlines() if ln.strip()]
    by_doc = {r["doc"]: r for r in existing}
    for p in args.files:
        rec = _parse(Path(p), root)
        doc = rec["id"]
        rec["meta"] = {**rec.get("meta", {}), **({"annotator": args.annotator} if args.annotator else {})}
        by_doc[doc] = corpus.detach(rec, doc)
        print(f"stored {doc}")
    corpus.write_standoff(into, sorted(by_doc.values(), key=lambda r: r["doc"]))
    return 0


def cmd_render(args) -> int:
    out = Path(args.output)
    out.mkdir(parents=True, exist_ok=True)
    for rec in govie.io.read_annotations(args.jsonl):
        name = str(rec.get("id", "doc")).replace("/", "_")
        (out / f"{name}.markup").write_text(markup.render(rec), encoding="utf-8")
        print(out / f"{name}.markup")
    return 0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", default=str(default_corpus()), help="corpus root (default: %(default)s)")
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("prepare", help="pre-annotate a corpus report into a markup file")
    p.add_argument("doc", help="path under the corpus root")
    p.add_argument("-o", "--output", required=True)
    p.add_argument("--bare", action="store_true", help="no pre-annotation: an empty markup")
    p.set_defaults(func=cmd_prepare)
    p = sub.add_parser("check", help="parse markup files against their texts and print counts")
    p.add_argument("files", nargs="+")
    p.set_defaults(func=cmd_check)
    p = sub.add_parser("store", help="store corrected markup files stand-off in a JSONL file")
    p.add_argument("files", nargs="+")
    p.add_argument("--into", required=True)
    p.add_argument("--annotator", default=None)
    p.set_defaults(func=cmd_store)
    p = sub.add_parser("render", help="write each record of a doccano JSONL (with text) as a markup file")
    p.add_argument("jsonl")
    p.add_argument("-o", "--output", required=True, help="folder for the markup files")
    p.set_defaults(func=cmd_render)
    args = ap.parse_args(argv)
    try:
        return args.func(args)
    except GovieError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
