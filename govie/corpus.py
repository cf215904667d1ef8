"""Stand-off annotations: annotation records kept apart from the report texts they describe.

Corpus texts are not ours to redistribute, so govie's training data stores each record
as the guide's JSONL *without* ``text`` but with

- ``doc``: the report's path under the corpus root (``raw/…/河北省保定市_2007_city.txt``),
- ``sha256``: the hash of the whole report text as read (UTF-8),
- ``meta.offset`` (passages only): where the passage starts in the report; the passage
  length is ``meta.length``.

``join`` puts the text back from a corpus root (argument, or ``GOVIE_CORPUS``) and fails
with a clear message on a missing file or a hash mismatch; ``detach`` does the reverse.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Iterable, Optional, Union

from .errors import AnnotationError, CorpusError
from .io import is_jsonl, iter_numbered, validate_record, write_jsonl

PathLike = Union[str, Path]
CORPUS_ENV = "GOVIE_CORPUS"


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def corpus_root(root: Optional[PathLike] = None) -> Path:
    """The corpus root: ``root`` if given, else ``$GOVIE_CORPUS``; it must exist."""
    if root is None:
        root = os.environ.get(CORPUS_ENV)
        if not root:
            raise CorpusError(f"no corpus root: pass one or set {CORPUS_ENV} to the folder that holds "
                              "the reports (the one with MANIFEST.tsv)")
    path = Path(root)
    if not path.is_dir():
        raise CorpusError(f"corpus root {path} is not a folder")
    return path


def read_doc(root: PathLike, doc: str) -> str:
    """The text of corpus document ``doc`` (a path under ``root``), read as UTF-8."""
    path = Path(root) / doc
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CorpusError(f"document {doc!r} is not under the corpus root {root}") from None


def detach(record: dict, doc: str, report_text: Optional[str] = None) -> dict:
    """The stand-off form of a record (with ``text``) from corpus document ``doc``.

    For a passage (``meta.offset`` set), ``report_text`` is the whole report, whose hash is
    stored, and the passage must stand at that offset in it.
    """
    text = record["text"]
    meta = dict(record.get("meta") or {})
    whole = text if report_text is None else report_text
    if "offset" in meta:
        off = meta["offset"]
        if whole[off:off + len(text)] != text:
            raise CorpusError(f"passage of {doc!r} at offset {off} does not match the report text")
        meta["length"] = len(text)
    elif report_text is not None and report_text != text:
        raise CorpusError(f"record text of {doc!r} differs from the report; set meta.offset for a passage")
    out = {k: v for k, v in record.items() if k not in ("text", "meta")}
    out.update({"doc": doc, "sha256": sha256(whole), "meta": meta})
    return out


def join(record: dict, root: PathLike, cache: Optional[dict] = None, where: str = "",
         line: Optional[int] = None) -> dict:
    """The record with its ``text`` put back from the corpus root, hash checked."""
    doc = record.get("doc")
    if not doc:
        raise AnnotationError("stand-off record has no 'doc'", where or None, line)
    text = cache.get(doc) if cache is not None else None
    if text is None:
        try:
            text = read_doc(root, doc)
        except CorpusError as exc:
            raise AnnotationError(str(exc), where or None, line) from None
        if cache is not None:
            cache[doc] = text
    if record.get("sha256") and sha256(text) != record["sha256"]:
        raise AnnotationError(f"{doc!r} under {root} does not match the annotated text (sha256 differs); "
                              "the annotation was made on another version of this report", where or None, line)
    meta = dict(record.get("meta") or {})
    if "offset" in meta:
        off, length = meta["offset"], meta.get("length")
        if length is None:
            raise AnnotationError("passage record has meta.offset but no meta.length", where or None, line)
        text = text[off:off + length]
    out = {k: v for k, v in record.items() if k not in ("sha256",)}
    out["text"] = text
    out["meta"] = meta
    validate_record(out, where or None, line)
    return out


def load_standoff(path: PathLike, root: Optional[PathLike] = None) -> list:
    """All records of a stand-off JSONL file (or every ``*.jsonl`` under a folder), joined."""
    root = corpus_root(root)
    cache: dict = {}
    out = []
    for file in _jsonl_files(path):
        for lineno, rec in iter_numbered(file):
            out.append(join(rec, root, cache, str(file), lineno))
    return out


SPLITS = ("train", "validation")
VALIDATION_SHARE = 5  # one report in five is validation
DEV_REGIONS = ("安徽省马鞍山市", "安徽省安庆市", "安徽省淮北市", "湖北省宜昌市")  # of ../shared/gold/dev.jsonl: never trained on


def split_of(doc: str) -> str:
    """'train' or 'validation' for a corpus document, fixed by a hash of its path.

    The split is by report, never by passage: every passage of a report falls where the
    report does, and adding reports never moves the ones already assigned. The repository
    records the assignment of every annotated report in training/annotations/split.tsv.
    """
    return "validation" if int(hashlib.sha256(doc.encode("utf-8")).hexdigest(), 16) % VALIDATION_SHARE == 0 else "train"


def read_gold(path: PathLike, root: Optional[PathLike] = None, split: Optional[str] = None) -> list:
    """Annotation records from a JSONL file or a folder of them, with text.

    Records that carry ``text`` are taken as they are; stand-off records (``doc`` and
    ``sha256``, no text) are joined with the corpus root (``root`` or ``$GOVIE_CORPUS``).
    ``split`` ('train' or 'validation') keeps the records of that split (by ``doc``).
    """
    if split is not None and split not in SPLITS:
        raise ValueError(f"split must be one of {', '.join(SPLITS)}, got {split!r}")
    cache: dict = {}
    base = None
    out = []
    for file in _jsonl_files(path):
        for lineno, rec in iter_numbered(file):
            doc = rec.get("doc") or (rec.get("meta") or {}).get("doc")
            if split is not None:
                if not doc:
                    raise AnnotationError("record has no 'doc' (or meta.doc), so its split is unknown",
                                          str(file), lineno)
                if split_of(doc) != split:
                    continue
            if "text" in rec:
                validate_record(rec, str(file), lineno)
                out.append(rec)
            else:
                base = base or corpus_root(root)
                out.append(join(rec, base, cache, str(file), lineno))
    return out


def write_standoff(path: PathLike, records: Iterable[dict]) -> int:
    """Write stand-off records (one JSON object a line); returns how many."""
    return write_jsonl(path, records)


def cut(record: dict, start: int, end: int) -> dict:
    """The part of a record (with text) between ``start`` and ``end``: the entities wholly
    inside, offsets made relative to ``start``, and the relations between them."""
    inside = {e["id"]: e for e in record["entities"] if start <= e["start_offset"] and e["end_offset"] <= end}
    return {**record, "text": record["text"][start:end],
            "entities": [{**e, "start_offset": e["start_offset"] - start, "end_offset": e["end_offset"] - start}
                         for e in inside.values()],
            "relations": [r for r in record.get("relations", []) if r["from_id"] in inside and r["to_id"] in inside]}


def _jsonl_files(path: PathLike) -> list:
    path = Path(path)
    if path.is_dir():
        return sorted(p for p in path.rglob("*.jsonl*") if is_jsonl(p))
    if not path.exists():
        raise FileNotFoundError(f"no such annotation file or folder: {path}")
    return [path]
