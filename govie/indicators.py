"""The indicator table (govie/data/indicators.tsv): canonical ids, Chinese and English names.

>>> resolve_id("规上工业增加值")
'industry_va'
>>> resolve_id("城镇居民人均可支配收入")
'urban_income'
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Optional

from ._data import read_tsv

CORE_IDS = ("gdp", "fai", "industry_va", "retail", "trade", "fiscal_revenue", "urban_income", "rural_income")

# Spelling variants that do not change the indicator (the table lists the canonical forms).
_VARIANTS = (("规模以上", "规上"), ("（", "("), ("）", ")"), ("常住", ""))
_NOISE_BEFORE = re.compile(r"^(?:全区|全市|全县|全省|全州|全旗|全年|地方|本地|县域|全口径|完成|实现)")
_NOISE_AFTER = re.compile(r"(?:总量|总额|总值|规模)$")


def _key(name: str) -> str:
    s = name.strip()
    for a, b in _VARIANTS:
        s = s.replace(a, b)
    return s


@lru_cache(maxsize=1)
def _table() -> dict:
    out = {}
    for row in read_tsv("indicators.tsv"):
        for surface in [row["name_zh"], *row["synonyms"].split("|")]:
            if surface:
                out.setdefault(_key(surface), row["id"])
    return out


@lru_cache(maxsize=1)
def rows() -> dict:
    """id -> row of the indicator table (name_zh, name_en, core, synonyms)."""
    return {r["id"]: r for r in read_tsv("indicators.tsv")}


@lru_cache(maxsize=4096)
def resolve_id(name: str) -> Optional[str]:
    """The canonical id of an indicator name, or None when the table does not know it."""
    if not isinstance(name, str) or not name:
        return None
    table = _table()
    key = _key(name)
    if key in table:
        return table[key]
    # 全区生产总值 -> 生产总值: a scope word before, or a 总… after, or both
    before = _NOISE_BEFORE.sub("", key)
    for stripped in (before, _NOISE_AFTER.sub("", key), _NOISE_AFTER.sub("", before)):
        if stripped and stripped in table:
            return table[stripped]
    return None
