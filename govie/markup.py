"""A plain-text markup of annotations, for reading and correcting them by hand.

A doccano-style record (ANNOTATION.md) is written one block a line of the text::

    @12
    全区⟦地区生产总值|INDICATOR|e3⟧增长⟦6%|PERCENT|e4⟧左右。
    > e4 e3 growth target approx
    > e4 e9 growth target approx 城镇居民人均可支配收入

``@N`` is the 0-based line number of the original text; the next line is that line with
every entity wrapped as ``⟦surface|LABEL|id⟧``; each ``>`` line is one relation
``FROM TO TYPE STATUS QUALIFIER [indicator_name]``. Ids are any word (``e4``, ``x1``), unique
in the document. A corrector adds, removes and re-bounds entities by editing the brackets,
and edits relation lines; the text itself must not change: ``parse`` strips the brackets
and checks every line against the original, so offsets stay exact.

Lines that are blank in the text may be left out of the markup.
"""

from __future__ import annotations

import json
import re
from typing import Optional

from .errors import AnnotationError
from .io import validate_record
from .schema import LABELS

OPEN, CLOSE = "⟦", "⟧"
_ENTITY = re.compile(OPEN + r"(.+?)\|(" + "|".join(LABELS) + r")\|([A-Za-z0-9_]+)" + CLOSE)
_BLOCK = re.compile(r"@(\d+)$")
_META = "#meta "
_ID = "#id "


def render(record: dict) -> str:
    """The markup of one doccano-style record (with ``text``)."""
    text = record["text"]
    if OPEN in text or CLOSE in text:
        raise AnnotationError(f"the text contains {OPEN} or {CLOSE}, which the markup reserves")
    ents = sorted(record.get("entities", []), key=lambda e: e["start_offset"])
    name = {e["id"]: f"e{e['id']}" for e in ents}
    rels_by_line: dict[int, list] = {}
    starts = _line_starts(text)
    line_of = {e["id"]: _line_index(starts, e["start_offset"]) for e in ents}
    for r in record.get("relations", []):
        rels_by_line.setdefault(line_of[r["from_id"]], []).append(r)

    out = []
    if record.get("id") is not None:
        out.append(_ID + str(record["id"]))
    out.append(_META + json.dumps(record.get("meta") or {}, ensure_ascii=False))
    ents_by_line: dict[int, list] = {}
    for e in ents:
        ents_by_line.setdefault(line_of[e["id"]], []).append(e)
    for i, start in enumerate(starts):
        end = starts[i + 1] - 1 if i + 1 < len(starts) else len(text)
        line = text[start:end]
        if not line.strip():
            continue
        pieces, pos = [], start
        for e in ents_by_line.get(i, []):
            if e["end_offset"] > end:
                raise AnnotationError(f"entity {e['id']} crosses a line break; the markup needs "
                                      "entities within one line")
            pieces.append(text[pos:e["start_offset"]])
            pieces.append(f"{OPEN}{text[e['start_offset']:e['end_offset']]}|{e['label']}|{name[e['id']]}{CLOSE}")
            pos = e["end_offset"]
        pieces.append(text[pos:end])
        out.append(f"@{i}")
        out.append("".join(pieces).rstrip("\r"))
        for r in rels_by_line.get(i, []):
            fields = [name[r["from_id"]], name[r["to_id"]], r["type"], r.get("status") or "actual",
                      r.get("qualifier") or "exact"]
            if r.get("indicator_name"):
                fields.append(r["indicator_name"])
            out.append("> " + " ".join(fields))
    return "\n".join(out) + "\n"


def parse(markup: str, text: str, source: str = "<markup>", first_line: int = 1) -> dict:
    """The doccano-style record a markup describes, checked against the original ``text``.

    Raises AnnotationError naming the markup line when a line's text differs from the
    original, an id repeats or a relation names an unknown id.
    """
    starts = _line_starts(text)
    meta: dict = {}
    doc_id: Optional[str] = None
    entities, relations, ids = [], [], {}
    pending = []  # (markup line number, relation fields)
    current = None
    for n, raw in enumerate(markup.splitlines(), start=first_line):
        line = raw.rstrip("\r")
        if current is None and line.startswith(_META):
            meta = json.loads(line[len(_META):])
            continue
        if current is None and line.startswith(_ID):
            doc_id = line[len(_ID):].strip()
            continue
        m = _BLOCK.match(line)
        if m:
            current = ("header", int(m.group(1)))
            continue
        if line.startswith(">"):
            pending.append((n, line[1:].split()))
            continue
        if current is None or current[0] != "header":
            if not line.strip():
                continue
            raise AnnotationError("text line without an @N header before it", source, n)
        index = current[1]
        if index >= len(starts):
            raise AnnotationError(f"@{index} is past the last line of the text ({len(starts) - 1})", source, n)
        line_start = starts[index]
        line_end = starts[index + 1] - 1 if index + 1 < len(starts) else len(text)
        original = text[line_start:line_end].rstrip("\r")
        plain, found = _strip(line)
        if plain != original:
            raise AnnotationError(f"line @{index} differs from the text once the brackets are removed "
                                  f"(first difference at character {_first_difference(plain, original)}); "
                                  "change annotations, never the text", source, n)
        for surface, label, key, offset in found:
            if key in ids:
                raise AnnotationError(f"entity id {key!r} is used twice", source, n)
            ids[key] = len(entities) + 1
            entities.append({"id": ids[key], "label": label, "start_offset": line_start + offset,
                             "end_offset": line_start + offset + len(surface)})
        current = ("done", index)
    for n, fields in pending:
        if len(fields) < 5:
            raise AnnotationError("a relation line needs FROM TO TYPE STATUS QUALIFIER [indicator_name]",
                                  source, n)
        src, dst, rtype, status, qualifier = fields[:5]
        for key in (src, dst):
            if key not in ids:
                raise AnnotationError(f"relation names entity {key!r}, which no ⟦…⟧ carries", source, n)
        rel = {"id": len(relations) + 1, "from_id": ids[src], "to_id": ids[dst], "type": rtype,
               "status": status, "qualifier": qualifier}
        if len(fields) > 5:
            rel["indicator_name"] = "".join(fields[5:])
        relations.append(rel)
    record = {"text": text, "meta": meta, "entities": entities, "relations": relations}
    if doc_id is not None:
        record = {"id": doc_id, **record}
    validate_record(record, source)
    return record


def split_records(markup: str) -> list:
    """The markup of each record in a file holding several (each starts with an ``#id`` line)."""
    chunks, current = [], []
    for line in markup.splitlines(keepends=True):
        if line.startswith(_ID) and current:
            chunks.append("".join(current))
            current = []
        current.append(line)
    if "".join(current).strip():
        chunks.append("".join(current))
    return chunks


def header(markup: str) -> tuple:
    """(id, meta) from a record's ``#id`` and ``#meta`` lines (None, {} when absent)."""
    doc_id, meta = None, {}
    for line in markup.splitlines():
        if line.startswith(_ID):
            doc_id = line[len(_ID):].strip()
        elif line.startswith(_META):
            meta = json.loads(line[len(_META):])
        elif line.startswith("@"):
            break
    return doc_id, meta


def _strip(line: str) -> tuple:
    """The line without markup, and (surface, label, id, offset) for each bracketed entity."""
    plain, found, pos = [], [], 0
    length = 0
    for m in _ENTITY.finditer(line):
        before = line[pos:m.start()]
        plain.append(before)
        length += len(before)
        found.append((m.group(1), m.group(2), m.group(3), length))
        plain.append(m.group(1))
        length += len(m.group(1))
        pos = m.end()
    plain.append(line[pos:])
    return "".join(plain), found


def _line_starts(text: str) -> list:
    starts = [0]
    for i, ch in enumerate(text):
        if ch == "\n":
            starts.append(i + 1)
    return starts


def _line_index(starts: list, offset: int) -> int:
    lo, hi = 0, len(starts) - 1
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if starts[mid] <= offset:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _first_difference(a: str, b: str) -> int:
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            return i
    return min(len(a), len(b))
