"""Records: a relation becomes a Target with its number in base units and its canonical id."""
from __future__ import annotations

from typing import Dict, List, Optional

from .indicators import resolve_id
from .links import Relation
from .numbers import parse_value
from .quantities import Span
from .schema import Entity, Target
from .text import Normalised


def build(text: str, norm: Normalised, relations: List[Relation], entities: Dict[Span, Entity],
          region: Optional[str] = None, year: Optional[int] = None) -> List[Target]:
    """One Target per relation, in text order of the values."""
    out = []
    for r in relations:
        value, indicator = entities[r.value], entities[r.indicator]
        q = parse_value(norm.text[r.value.start:r.value.end])
        out.append(Target(
            value=value, indicator=indicator, type=r.type, status=r.status, qualifier=r.qualifier,
            indicator_name=_original_name(r.name, norm.text[r.indicator.start:r.indicator.end], indicator.text),
            indicator_id=resolve_id(r.name), number=q.number,
            number_high=q.number_high, unit=q.unit, year=year, region=region,
            sentence=_sentence(text, value.start),
        ))
    return out


def _original_name(name: str, folded: str, original: str) -> str:
    """The resolved name in the caller's characters: the indicator's part of it as written
    (新增知识产权示范（优势）企业 keeps its full-width brackets), the rest as resolved."""
    if folded == original:
        return name
    if folded in name:
        return name.replace(folded, original, 1)
    if len(folded) == len(original):  # 城乡居民… -> 城镇居民…: the shared head as written
        k = next((k for k in range(len(folded), 0, -1) if name.endswith(folded[-k:])), 0)
        if k:
            return name[:len(name) - k] + original[len(original) - k:]
    return name


def _sentence(text: str, pos: int, limit: int = 300) -> str:
    """The sentence around a position of the original text (for display in tables)."""
    ends = "。!?;！？；\n"
    lo = max(0, pos - limit)
    start = max(text.rfind(c, lo, pos) for c in ends) + 1 or lo  # no stop near: at most limit back
    stops = [i for i in (text.find(c, pos, pos + limit) for c in ends) if i >= 0]
    end = min(stops) + 1 if stops else min(len(text), pos + limit)
    return text[start:end].strip()
