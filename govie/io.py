"""Reading report texts and doccano-style annotation files; writing JSONL.

    read_text(path, encoding="auto") -> str       a report, UTF-8 (with or without BOM) or GB18030/GBK
    iter_jsonl(path) -> iterator of dict           annotation lines, each checked against ANNOTATION.md
    read_annotations(path) -> list[dict]           the same, as a list
    write_jsonl(path, dicts) -> int                one JSON object a line, UTF-8, Chinese kept readable

A bad annotation line raises ``AnnotationError`` whose message starts with ``path:line:``.
"""
from __future__ import annotations

import codecs
import gzip
import json
import lzma
import os
from pathlib import Path
from typing import Iterable, Iterator, Union

from .errors import AnnotationError, InputError
from .schema import LABELS, QUALIFIERS, RELATION_TYPES, STATUSES, VALUE_LABELS

PathLike = Union[str, "os.PathLike[str]"]

# Tried in order by encoding="auto". GB18030 is a superset of GBK and GB2312.
AUTO_ENCODINGS = ("utf-8", "gb18030")

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


# --------------------------------------------------------------------------- texts


def read_text(path: PathLike, encoding: str = "auto") -> str:
    """The text of a report file, without a byte-order mark.

    ``encoding="auto"`` reads UTF-8 (with or without BOM, or UTF-16 with BOM), else GB18030
    (which covers GBK and GB2312). Line ends are kept as they are in the file, so offsets
    into the returned string are offsets into the file's characters.

    >>> import tempfile, os
    >>> p = os.path.join(tempfile.mkdtemp(), "r.txt")
    >>> _ = open(p, "wb").write("地区生产总值增长6%".encode("gbk"))
    >>> read_text(p)
    '地区生产总值增长6%'
    """
    path = Path(path)
    if path.is_dir():
        raise InputError(f"{path} is a directory, not a text file; pass the .txt files in it "
                         "(the command line `govie extract DIR` reads every *.txt under DIR)")
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise FileNotFoundError(f"no such file: {path}") from None
    return decode(data, encoding, path)


def decode(data: bytes, encoding: str = "auto", path: PathLike = "<bytes>") -> str:
    """``data`` decoded as ``read_text`` decodes a file's bytes; ``path`` names it in errors."""
    path = Path(path)
    if not isinstance(encoding, str) or not encoding:
        raise TypeError(f"encoding must be a str such as 'auto', 'utf-8' or 'gbk', got {encoding!r}")
    if encoding.lower() != "auto":
        return _decode_as(data, encoding, path)
    for bom, name in _BOMS:
        if data.startswith(bom):
            return _decode_as(data[len(bom):], name, path)
    if b"\x00" in data:
        raise InputError(f"{path} does not look like a text file (it contains NUL bytes); if it is "
                         "UTF-16 without a byte-order mark, pass --encoding utf-16-le (or encoding='utf-16-le')")
    for name in AUTO_ENCODINGS:
        try:
            return data.decode(name)
        except UnicodeDecodeError:
            continue
    raise InputError(f"cannot decode {path}: it is neither UTF-8 nor GB18030/GBK. "
                     "Pass its encoding explicitly, e.g. --encoding big5 (or encoding='big5' in Python).")


def _decode_as(data: bytes, encoding: str, path: Path) -> str:
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise InputError(f"unknown encoding {encoding!r} for {path}; use 'auto' or a Python codec "
                         "name such as 'utf-8', 'gb18030', 'gbk' or 'big5'") from None
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise InputError(f"cannot decode {path} as {encoding} (byte {exc.start}: {exc.reason}); "
                         "try --encoding auto or the file's real encoding") from None
    return text[1:] if text.startswith("\ufeff") else text


# --------------------------------------------------------------------------- annotations


def iter_jsonl(path: PathLike, validate: bool = True, allow_errors: bool = False) -> Iterator[dict]:
    """The JSON objects of a JSONL file, one a line; blank lines are skipped.

    With ``validate`` (the default) each line is checked against ANNOTATION.md: a ``text``
    string; entities with unique ids, a known label and ``0 <= start < end <= len(text)``;
    spans that do not overlap; relations from a value (AMOUNT/PERCENT) to an INDICATOR of
    the same line with a known type, status and qualifier. ``allow_errors`` lets through
    lines that carry an ``error`` key (documents a batch run failed on) without a text.
    A problem raises ``AnnotationError`` naming the file and the 1-based line.
    """
    for lineno, record in iter_numbered(path):
        if validate:
            validate_record(record, str(path), lineno, allow_errors=allow_errors)
        yield record


def iter_numbered(path: PathLike) -> Iterator[tuple]:
    """(1-based line number, JSON object) for each non-blank line of a JSONL file; a line
    that is not JSON, or a file that is not UTF-8, raises AnnotationError naming file and line."""
    path = Path(path)
    try:
        fh = open_text(path)
    except FileNotFoundError:
        raise FileNotFoundError(f"no such annotation file: {path}") from None
    with fh:
        lineno = 0
        try:
            for lineno, line in enumerate(fh, start=1):
                if not line.strip():
                    continue
                try:
                    yield lineno, json.loads(line)
                except json.JSONDecodeError as exc:
                    raise AnnotationError(f"malformed JSON ({exc.msg} at column {exc.colno})",
                                          str(path), lineno) from None
        except UnicodeDecodeError:
            raise AnnotationError("not UTF-8; save annotation files as UTF-8", str(path), lineno + 1) from None
        except (OSError, EOFError, lzma.LZMAError) as exc:  # a truncated or corrupt .gz/.xz
            raise AnnotationError(f"cannot decompress ({exc})", str(path), lineno + 1) from None


COMPRESSED = {".gz": gzip.open, ".xz": lzma.open}


def open_text(path: PathLike):
    """A UTF-8 text file for reading; ``.gz`` and ``.xz`` files are decompressed on the fly."""
    opener = COMPRESSED.get(Path(path).suffix.lower())
    if opener is not None:
        return opener(path, "rt", encoding="utf-8-sig")
    return open(path, encoding="utf-8-sig")


def is_jsonl(path: PathLike) -> bool:
    """Whether a file name says JSONL: ``.jsonl``, or ``.jsonl.gz``/``.jsonl.xz``."""
    name = Path(path).name.lower()
    return any(name.endswith(".jsonl" + ext) for ext in ("", *COMPRESSED))


def read_annotations(path: PathLike, validate: bool = True, allow_errors: bool = False) -> list:
    """All records of a doccano-style JSONL file, checked as ``iter_jsonl`` does."""
    return list(iter_jsonl(path, validate=validate, allow_errors=allow_errors))


def validate_record(record: object, path: str | None = None, line: int | None = None,
                    allow_errors: bool = False) -> dict:
    """Check one doccano-style record against ANNOTATION.md; raise AnnotationError if wrong."""

    def fail(message: str):
        raise AnnotationError(message, path, line)

    if not isinstance(record, dict):
        fail(f"expected a JSON object per line, got {type(record).__name__}")
    if allow_errors and record.get("error") is not None and "text" not in record:
        return record
    text = record.get("text")
    if text is None:
        fail("missing 'text': every line needs the report (or passage) text")
    if not isinstance(text, str):
        fail(f"'text' must be a string, got {type(text).__name__}")
    meta = record.get("meta", {})
    if meta is not None and not isinstance(meta, dict):
        fail(f"'meta' must be an object, got {type(meta).__name__}")

    entities = record.get("entities", [])
    if not isinstance(entities, list):
        fail(f"'entities' must be a list, got {type(entities).__name__}")
    by_id: dict = {}
    spans = []
    for ent in entities:
        if not isinstance(ent, dict):
            fail(f"an entity must be an object, got {ent!r}")
        eid = ent.get("id")
        if eid is None:
            fail(f"entity {ent!r} has no 'id'")
        if eid in by_id:
            fail(f"duplicate entity id {eid!r}; entity ids must be unique within a line")
        label = ent.get("label")
        if label not in LABELS:
            fail(f"entity {eid!r} has unknown label {label!r}; labels are {', '.join(LABELS)}")
        start, end = ent.get("start_offset"), ent.get("end_offset")
        if not _is_int(start) or not _is_int(end):
            fail(f"entity {eid!r} needs integer 'start_offset' and 'end_offset', got {start!r}, {end!r}")
        if not 0 <= start < end:
            fail(f"entity {eid!r} has start_offset {start} and end_offset {end}; "
                 "need 0 <= start_offset < end_offset")
        if end > len(text):
            fail(f"entity {eid!r} ends at {end}, past the end of the text ({len(text)} characters); "
                 "offsets are Python character offsets, not bytes")
        by_id[eid] = ent
        spans.append((start, end, eid))
    spans.sort()
    for (s1, e1, id1), (s2, e2, id2) in zip(spans, spans[1:]):
        if s2 < e1:
            fail(f"entities {id1!r} [{s1}:{e1}] and {id2!r} [{s2}:{e2}] overlap; spans never overlap or nest")

    relations = record.get("relations", [])
    if not isinstance(relations, list):
        fail(f"'relations' must be a list, got {type(relations).__name__}")
    rel_ids = set()
    for rel in relations:
        if not isinstance(rel, dict):
            fail(f"a relation must be an object, got {rel!r}")
        rid = rel.get("id")
        if rid is not None:
            if rid in rel_ids:
                fail(f"duplicate relation id {rid!r}")
            rel_ids.add(rid)
        name = f"relation {rid!r}" if rid is not None else "a relation"
        for end_key in ("from_id", "to_id"):
            if rel.get(end_key) not in by_id:
                fail(f"{name} has {end_key} {rel.get(end_key)!r}, which is no entity of this line")
        if by_id[rel["from_id"]]["label"] not in VALUE_LABELS:
            fail(f"{name} starts at a {by_id[rel['from_id']]['label']} entity; relations go from "
                 "the value (AMOUNT or PERCENT) to the INDICATOR")
        if by_id[rel["to_id"]]["label"] != "INDICATOR":
            fail(f"{name} ends at a {by_id[rel['to_id']]['label']} entity; relations go from "
                 "the value (AMOUNT or PERCENT) to the INDICATOR")
        for key, allowed in (("type", RELATION_TYPES), ("status", STATUSES), ("qualifier", QUALIFIERS)):
            if rel.get(key) not in allowed:
                fail(f"{name} has unknown {key} {rel.get(key)!r}; use one of {', '.join(allowed)}")
        iname = rel.get("indicator_name")
        if iname is not None and not isinstance(iname, str):
            fail(f"{name} has 'indicator_name' {iname!r}; it must be a string")
    return record


def _is_int(x) -> bool:
    return isinstance(x, int) and not isinstance(x, bool)


# --------------------------------------------------------------------------- writing


def write_jsonl(path: PathLike, records: Iterable[dict]) -> int:
    """Write one JSON object a line (UTF-8, Chinese unescaped); return how many were written.
    A ``.gz`` or ``.xz`` path is written compressed, as ``open_text`` reads it."""
    path = Path(path)
    if path.parent and not path.parent.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
    n = 0
    opener = COMPRESSED.get(path.suffix.lower(), open)
    with opener(path, "wt", encoding="utf-8", newline="\n") as fh:
        for rec in records:
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
            n += 1
    return n
