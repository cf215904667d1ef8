"""The data govie returns: entities, targets (value -> indicator records) and a Result.

All offsets are Python string offsets into the caller's original text, end exclusive:
``text[e.start:e.end] == e.text`` holds for every entity.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any, Optional

LABELS = ("DISTRICT", "ENTERPRISE", "PROJECT", "AMOUNT", "PERCENT", "INDICATOR")
VALUE_LABELS = ("AMOUNT", "PERCENT")
RELATION_TYPES = ("level", "growth", "decline")
STATUSES = ("target", "actual")
QUALIFIERS = ("exact", "approx", "min", "max")
# Columns of Target.to_row, in order (govie.to_dataframe adds doc_id in front).
TARGET_ROW_FIELDS = (
    "region", "year", "indicator_id", "indicator_name", "indicator_text", "type", "status",
    "qualifier", "number", "number_high", "unit", "value_text", "value_start", "value_end",
    "indicator_start", "indicator_end", "sentence",
)


@dataclass(frozen=True, order=True)
class Entity:
    """A labelled span of the original text."""

    start: int
    end: int
    label: str
    text: str

    def to_dict(self) -> dict:
        return {"label": self.label, "text": self.text, "start": self.start, "end": self.end}


@dataclass(frozen=True)
class Target:
    """One record: a value linked to the indicator it quantifies."""

    value: Entity
    indicator: Entity
    type: str  # level | growth | decline
    status: str  # target | actual
    qualifier: str  # exact | approx | min | max
    indicator_name: str  # resolved name (the span text unless 分别/shared modifiers resolve it)
    indicator_id: Optional[str]  # canonical id ('gdp', 'fai', ...) or None
    number: Optional[float]  # value in base units (132亿元 -> 1.32e10)
    number_high: Optional[float]  # upper end of a range, else None
    unit: Optional[str]  # base unit: 元, 美元, %, 个百分点, 个, 亩, ...
    year: Optional[int] = None
    region: Optional[str] = None
    sentence: str = ""

    def to_dict(self) -> dict:
        d = asdict(self)
        d["value"] = self.value.to_dict()
        d["indicator"] = self.indicator.to_dict()
        return d

    def to_row(self) -> dict:
        """A flat row for tables (see govie.to_dataframe)."""
        return {
            "region": self.region,
            "year": self.year,
            "indicator_id": self.indicator_id,
            "indicator_name": self.indicator_name,
            "indicator_text": self.indicator.text,
            "type": self.type,
            "status": self.status,
            "qualifier": self.qualifier,
            "number": self.number,
            "number_high": self.number_high,
            "unit": self.unit,
            "value_text": self.value.text,
            "value_start": self.value.start,
            "value_end": self.value.end,
            "indicator_start": self.indicator.start,
            "indicator_end": self.indicator.end,
            "sentence": self.sentence,
        }


@dataclass
class Result:
    """What ``govie.extract`` returns for one document."""

    text: str
    entities: list[Entity] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    region: Optional[str] = None
    year: Optional[int] = None
    id: Optional[str] = None
    meta: dict[str, Any] = field(default_factory=dict)
    error: Optional[str] = None  # set by batch runs when this document failed

    @property
    def ok(self) -> bool:
        return self.error is None

    def to_doccano(self) -> dict:
        """The document in the doccano-style JSONL format of ANNOTATION.md.

        Entity ids are 1-based in text order; every relation carries status, qualifier,
        indicator_name, value (the normalised number) and unit.
        """
        ids = {}
        entities = []
        for i, e in enumerate(sorted(self.entities), start=1):
            ids[(e.start, e.end, e.label)] = i
            entities.append({"id": i, "label": e.label, "start_offset": e.start, "end_offset": e.end})
        relations = []
        for j, t in enumerate(self.targets, start=1):
            rel = {
                "id": j,
                "from_id": ids[(t.value.start, t.value.end, t.value.label)],
                "to_id": ids[(t.indicator.start, t.indicator.end, t.indicator.label)],
                "type": t.type,
                "status": t.status,
                "qualifier": t.qualifier,
                "indicator_name": t.indicator_name,
                "value": t.number,
                "unit": t.unit,
            }
            if t.number_high is not None:
                rel["value_high"] = t.number_high
            if t.indicator_id:
                rel["indicator_id"] = t.indicator_id
            relations.append(rel)
        meta = dict(self.meta)
        if self.region:
            meta["region"] = self.region
        if self.year:
            meta["year"] = self.year
        out = {"text": self.text, "meta": meta, "entities": entities, "relations": relations}
        if self.id is not None:
            out = {"id": self.id, **out}
        if self.error is not None:
            out["error"] = self.error
        return out

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "region": self.region,
            "year": self.year,
            "meta": dict(self.meta),
            "error": self.error,
            "entities": [e.to_dict() for e in self.entities],
            "targets": [t.to_dict() for t in self.targets],
        }

    def to_json(self, **kwargs) -> str:
        kwargs.setdefault("ensure_ascii", False)
        return json.dumps(self.to_dict(), **kwargs)
