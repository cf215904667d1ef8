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
import bisect
import csv
import functools
import json
import os
import re
import sys
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import govie  # noqa: E402
from govie import corpus, io, markup  # noqa: E402
from govie.errors import GovieError  # noqa: E402


def default_corpus() -> Path:
    return Path(os.environ.get(corpus.CORPUS_ENV) or REPO.parent / "shared" / "corpus")


@functools.lru_cache(maxsize=4)
def _manifest(root: Path) -> dict:
    """MANIFEST.tsv of a corpus root as {file: row} (read once)."""
    path = root / "MANIFEST.tsv"
    if not path.exists():
        return {}
    with open(path, encoding="utf-8") as fh:
        return {row["file"]: row for row in csv.DictReader(fh, delimiter="\t")}


def manifest_meta(root: Path, doc: str) -> dict:
    row = _manifest(Path(root)).get(doc)
    if row is None:
        return {}
    meta = {"region": row["region"], "level": row["level"]}
    if row.get("year", "").isdigit():
        meta["year"] = int(row["year"])
    return meta


def cmd_prepare(args) -> int:
    root = corpus.corpus_root(args.corpus)
    text = corpus.read_doc(root, args.doc)
    meta = manifest_meta(root, args.doc)
    record = preannotate(text, meta)
    record["id"] = args.doc
    if args.bare:
        record["entities"], record["relations"] = [], []
    out = Path(args.output)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(markup.render(record), encoding="utf-8")
    print(f"{out}: {len(record['entities'])} entities, {len(record['relations'])} relations pre-annotated")
    return 0


def preannotate(text: str, meta: dict) -> dict:
    """The current pipeline's annotation of a report, as a record to correct by hand."""
    record = govie.extract(text, region=meta.get("region"), year=meta.get("year")).to_doccano()
    record["meta"] = {k: v for k, v in {**record["meta"], **meta}.items() if k in ("region", "year", "level")}
    spans = {e["id"]: text[e["start_offset"]:e["end_offset"]] for e in record["entities"]}
    for rel in record["relations"]:  # keep indicator_name only where the span alone is not the quantity
        if rel.get("indicator_name") == spans.get(rel["to_id"]):
            del rel["indicator_name"]
        for key in ("value", "value_high", "unit", "indicator_id"):
            rel.pop(key, None)
    return record


_PARAGRAPH_END = re.compile(r"\n|\\r\\n|\\n")  # real line breaks, or literal \r\n text


def paragraphs(text: str) -> list:
    """(start, end) of each paragraph: text between line breaks, stripped of edge spaces."""
    out, pos = [], 0
    for m in list(_PARAGRAPH_END.finditer(text)) + [None]:
        end = m.start() if m else len(text)
        a, b = pos, end
        while a < b and text[a] in " \t\r\u3000":
            a += 1
        while b > a and text[b - 1] in " \t\r\u3000":
            b -= 1
        if b > a:
            out.append((a, b))
        pos = m.end() if m else len(text)
    return out


def cmd_passages(args) -> int:
    """Sample passages with numbers or names from reports outside the whole-report gold."""
    import random

    from govie import context
    from govie.text import split_sentences

    root = corpus.corpus_root(args.corpus)
    rows = list(_manifest(root).values())
    taken = set()
    if Path(args.exclude).exists():
        with open(args.exclude, encoding="utf-8") as fh:
            taken = {row["file"] for row in csv.DictReader(fh, delimiter="\t")}
    for path in args.skip_annotated:  # reports that already gave passages
        taken |= {_doc_of(r) for r in io.iter_jsonl(path, validate=False)}
    done = {}  # report -> (start, end) of passages already annotated, for --avoid-annotated
    for path in args.avoid_annotated:
        for r in io.iter_jsonl(path, validate=False):
            m = r.get("meta") or {}
            if "offset" in m:
                done.setdefault(_doc_of(r), []).append((m["offset"], m["offset"] + m["length"]))
    cue = re.compile(args.cue) if args.cue else None
    rng = random.Random(args.seed)
    pool = [r for r in rows if r["file"] not in taken and not r["region"].startswith(corpus.DEV_REGIONS)
            and int(r["chars"]) >= 2000]
    rng.shuffle(pool)
    pool.sort(key=lambda r: r["level"] != "county")  # the corpus has few county reports: take them all first
    chosen = pool[:args.reports]
    out_dir = Path(args.output)
    out_dir.mkdir(parents=True, exist_ok=True)
    batches = [[] for _ in range(args.batches)]
    n = 0
    for i, row in enumerate(sorted(chosen, key=lambda r: r["file"])):
        text = corpus.read_doc(root, row["file"])
        meta = manifest_meta(root, row["file"])
        result = preannotate(text, meta)
        sents = split_sentences(text)
        modes = context.section_modes(text, sents)
        starts = [s.start for s in sents]
        wanted = [e for e in result["entities"] if not args.labels or e["label"] in args.labels]
        cands = [(a, b) for a, b in paragraphs(text) if args.min_chars <= b - a <= args.max_chars
                 and any(a <= e["start_offset"] < b for e in wanted)
                 and not any(x < b and a < y for x, y in done.get(row["file"], ()))
                 and (cue is None or cue.search(text, a, b))]
        for a, b in sorted(rng.sample(cands, min(args.per_report, len(cands)))):
            rec = corpus.cut({**result, "text": text}, a, b)
            rec = {k: rec[k] for k in ("text", "entities", "relations")}
            k = max(0, bisect.bisect_right(starts, a) - 1)
            section = {"actual": "review", "target": "plan"}.get(modes[k]) if modes else None
            rec["id"] = f"{row['file']}@{a}"
            rec["meta"] = {"doc": row["file"], "offset": a, "length": b - a, "section": section, **meta}
            batches[i % args.batches].append(rec)
            n += 1
    for j, batch in enumerate(batches):
        path = out_dir / f"passages-{j:02d}.markup"
        path.write_text("".join(markup.render(r) for r in batch), encoding="utf-8")
    print(f"{n} passages from {len(chosen)} reports in {args.batches} files under {out_dir}")
    return 0


def _parse(path: Path, root: Path) -> list:
    """The records of a markup file (one report, or several passages), checked against the corpus."""
    records, line = [], 1
    for chunk in markup.split_records(path.read_text(encoding="utf-8")):
        doc_id, meta = markup.header(chunk)
        if not doc_id:
            raise GovieError(f"{path}:{line}: no '#id <doc path>' line")
        if "offset" in meta:  # a passage: meta.doc, meta.offset, meta.length
            whole = corpus.read_doc(root, meta["doc"])
            text = whole[meta["offset"]:meta["offset"] + meta["length"]]
        else:
            text = corpus.read_doc(root, doc_id)
        records.append(markup.parse(chunk, text, str(path), first_line=line))
        line += chunk.count("\n")
    return records


def _doc_of(record: dict) -> str:
    """The report a record comes from: ``doc`` of a stored (stand-off) record, ``meta.doc`` of a
    parsed passage, else the id of a whole report."""
    return record.get("doc") or record.get("meta", {}).get("doc") or record["id"]


def cmd_check(args) -> int:
    root = corpus.corpus_root(args.corpus)
    bad = 0
    for p in args.files:
        try:
            recs = _parse(Path(p), root)
        except GovieError as exc:
            print(f"ERROR {exc}")
            bad += 1
            continue
        labels = Counter(e["label"] for r in recs for e in r["entities"])
        types = Counter(rel["type"] for r in recs for rel in r["relations"])
        what = f"{len(recs)} passages" if len(recs) > 1 else "ok"
        print(f"{p}: {what}  {dict(labels)}  relations {dict(types)}")
    return 1 if bad else 0


def cmd_store(args) -> int:
    root = corpus.corpus_root(args.corpus)
    into = Path(args.into)
    existing = []
    if into.exists():
        existing = [json.loads(ln) for ln in into.read_text(encoding="utf-8").splitlines() if ln.strip()]
    by_key = {_key(r): r for r in existing}
    given: dict = {}  # key -> the file that gave it in this call
    replaced = 0
    for p in args.files:
        for rec in _parse(Path(p), root):
            doc = _doc_of(rec)
            meta = {k: v for k, v in rec.get("meta", {}).items() if k != "doc"}
            if args.annotator:
                meta["annotator"] = args.annotator
            rec = {**rec, "meta": meta}
            whole = corpus.read_doc(root, doc) if "offset" in meta else None
            stand = corpus.detach(rec, doc, report_text=whole)
            key = _key(stand)
            if key in given:  # two readings of one passage in one call: which is gold is unclear
                print(f"error: {doc} at offset {key[1]} is in both {given[key]} and {p}; "
                      "nothing was stored. Store one reading of each passage.", file=sys.stderr)
                return 1
            given[key] = p
            replaced += key in by_key
            by_key[key] = stand
    corpus.write_standoff(into, sorted(by_key.values(), key=lambda r: (r["doc"], r["meta"].get("offset", -1))))
    print(f"stored {len(given)} records from {len(args.files)} files into {into} ({len(by_key)} records in all; "
          f"{replaced} of them replaced a record stored before)")
    return 0


def _key(standoff: dict) -> tuple:
    return standoff["doc"], standoff.get("meta", {}).get("offset")


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
    p = sub.add_parser("passages", help="sample passages with numbers or names into pre-annotated markup batches")
    p.add_argument("-o", "--output", required=True, help="folder for the batch files")
    p.add_argument("--reports", type=int, default=330)
    p.add_argument("--per-report", type=int, default=5)
    p.add_argument("--batches", type=int, default=8)
    p.add_argument("--min-chars", type=int, default=30)
    p.add_argument("--max-chars", type=int, default=400)
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--labels", nargs="*", default=[], metavar="LABEL",
                   help="only passages where the pre-annotation has one of these labels (e.g. ENTERPRISE PROJECT)")
    p.add_argument("--skip-annotated", nargs="*", default=[], metavar="JSONL",
                   help="leave out reports that already have annotations in these files")
    p.add_argument("--avoid-annotated", nargs="*", default=[], metavar="JSONL",
                   help="leave out paragraphs that overlap passages already annotated in these files "
                        "(the report may still give others)")
    p.add_argument("--cue", default=None, metavar="REGEX",
                   help="only paragraphs where this regular expression matches (e.g. lists of names before 等…项目)")
    p.add_argument("--exclude", default=str(REPO / "training" / "annotations" / "gold_selection.tsv"),
                   help="TSV whose 'file' column lists reports to leave out (the whole-report gold)")
    p.set_defaults(func=cmd_passages)
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
