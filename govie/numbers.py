"""Value parsing: '1.8万余件' -> Quantity(18000.0, None, '件').

Units and magnitudes are data (govie/data/units.tsv, magnitudes.tsv); Chinese numerals go
through cn2an.

>>> parse_value("132亿元")
Quantity(number=13200000000.0, number_high=None, unit='元')
>>> parse_value("5-10亿元")
Quantity(number=500000000.0, number_high=1000000000.0, unit='元')
>>> parse_value("三个百分点")
Quantity(number=3.0, number_high=None, unit='个百分点')
"""
from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import NamedTuple, Optional

from ._data import alternation, read_tsv

CN_DIGITS = "零〇一二两三四五六七八九十百千万亿"
ARABIC = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
CHINESE = rf"[{CN_DIGITS}]+(?:点[零〇一二三四五六七八九]+)?"
RANGE_SEP = r"\s*[-~～—–至到]\s*"


class Quantity(NamedTuple):
    number: Optional[float]
    number_high: Optional[float]
    unit: Optional[str]


NONE = Quantity(None, None, None)


@lru_cache(maxsize=1)
def units() -> dict:
    """surface -> (base unit, factor, label, kind), from units.tsv."""
    return {r["surface"]: (r["unit"], Decimal(r["factor"]), r["label"], r["kind"]) for r in read_tsv("units.tsv")}


@lru_cache(maxsize=1)
def magnitudes() -> dict:
    return {r["surface"]: Decimal(r["factor"]) for r in read_tsv("magnitudes.tsv")}


def unit_pattern() -> str:
    """Regex alternation of every unit surface, longest first."""
    return alternation(units())


def magnitude_pattern() -> str:
    return alternation(magnitudes())


@lru_cache(maxsize=1)
def _value_re() -> re.Pattern:
    num = rf"-?{ARABIC}|{CHINESE}"
    return re.compile(
        rf"^(?P<a>{num})(?:%?{RANGE_SEP}(?P<b>{num}))?(?P<mag>{magnitude_pattern()})?"
        rf"(?P<more>余|多)?(?P<unit>.*)$"
    )


def to_number(token: str) -> Optional[Decimal]:
    """'1,234.5' -> 1234.5; '两亿' -> 200000000; '百' -> 100; None if not a number."""
    token = token.strip()
    if not token:
        return None
    if re.fullmatch(rf"-?{ARABIC}", token):
        return Decimal(token.replace(",", ""))
    if re.fullmatch(CHINESE, token):
        import cn2an  # imported lazily: only Chinese numerals need it

        for candidate in (token, "一" + token):
            try:
                return Decimal(str(cn2an.cn2an(candidate, "smart")))
            except (ValueError, KeyError, InvalidOperation, TypeError):
                continue
    return None


def parse_value(text: str) -> Quantity:
    """Number, upper bound of a range and base unit of a value span; Nones if unparsable."""
    if not isinstance(text, str):
        return NONE
    s = text.strip().replace("％", "%").replace(" ", "")
    if s in ("百分百", "百分之百"):
        return Quantity(100.0, None, "%")
    m = re.fullmatch(rf"百分之({CHINESE}|{ARABIC})", s)
    if m:
        n = to_number(m.group(1))
        return Quantity(float(n), None, "%") if n is not None else NONE
    m = re.fullmatch(r"([一二三四五六七八九十])成", s)
    if m:
        return Quantity(float(to_number(m.group(1)) * 10), None, "%")
    m = _value_re().match(s)
    if not m:
        return NONE
    low, high = to_number(m.group("a")), to_number(m.group("b")) if m.group("b") else None
    if low is None:
        return NONE
    scale = magnitudes().get(m.group("mag") or "", Decimal(1))
    unit = m.group("unit")
    base, factor = unit, Decimal(1)
    if unit in units():
        base, factor = units()[unit][0], units()[unit][1]
    elif unit and unit[0] in magnitudes() and unit[1:] in units():  # '万' glued to a unit
        base, factor = units()[unit[1:]][0], magnitudes()[unit[0]] * units()[unit[1:]][1]
    scale *= factor
    return Quantity(float(low * scale), float(high * scale) if high is not None else None, base or None)
