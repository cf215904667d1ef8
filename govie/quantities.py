"""AMOUNT and PERCENT recognition (deterministic: numbers, magnitudes, units).

Spans follow ANNOTATION.md: the number with magnitude, 余/多 and unit is inside; bound
and hedge words (超, 近, 左右, 以上) stay outside; years, dates, ordinals, ranks and numbers
inside names (5G, PM2.5, “十四五”) are not values.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import List, NamedTuple

from .numbers import ARABIC, CHINESE, RANGE_SEP, magnitude_pattern, unit_pattern, units


class Span(NamedTuple):
    start: int
    end: int
    label: str


_NOT_BEFORE = r"(?<![A-Za-z0-9.\-+/_])"
_CN_NUM = "零〇一二两三四五六七八九十百千万亿"


@lru_cache(maxsize=1)
def _patterns():
    unit = unit_pattern()
    mag = magnitude_pattern()
    pct_units = r"%|‰|个百分点|百分点"
    percent = (
        rf"{_NOT_BEFORE}(?:-(?=\d))?{ARABIC}(?:%?{RANGE_SEP}{ARABIC})?\s?(?:{pct_units})"
        rf"|百分之百|百分百|百分之(?:{CHINESE}|{ARABIC})"
        rf"|(?<![{_CN_NUM}])[{_CN_NUM}]{{1,4}}个百分点"
        rf"|(?<![{_CN_NUM}建完形达变促构组合])[一二三四五六七八九]成(?![功为立本果绩员熟长交效就型片规套批])"
    )
    amount = (
        rf"{_NOT_BEFORE}{ARABIC}(?:{RANGE_SEP}{ARABIC})?(?:{mag})?(?:余|多)?(?P<u>{unit})(?![A-Za-z0-9])"
        # Chinese numerals only with money/area units, or with a magnitude word and 余/多.
        rf"|(?<![{_CN_NUM}第])(?=[一二两三四五六七八九十百千])(?:{CHINESE})(?:余|多)?(?P<cu>亿元|万元|元|亿美元|万美元|美元|万亩|亩|平方公里|公里)"
    )
    # One alternation, percent first: finditer then yields non-overlapping values.
    return re.compile(f"(?P<pct>{percent})|(?P<amt>{amount})")


# Things that look like values but are not (ANNOTATION.md "Not values").
_ORDINAL_BEFORE = re.compile(r"(?:第|前|后|排名|位列|列)\s*$")
_RANK_AFTER = re.compile(r"^(?:强|名|位)")
_DAYS_CONTEXT = re.compile(r"天数[^,;。]{0,6}$")
_MONTHS_AFTER = re.compile(r"月|季度|工作日|小时")  # 6个月: a duration, not a count of 个
_DURATION_CONTEXT = re.compile(r"(?:时间|时限|周期|期限|工期|用时)[^,;。]{0,6}$")


def find_values(text: str) -> List[Span]:
    """AMOUNT and PERCENT spans of the normalised text, in order, non-overlapping."""
    spans: List[Span] = []
    for m in _patterns().finditer(text):
        span = Span(m.start(), m.end(), "PERCENT" if m.group("pct") is not None else "AMOUNT")
        if is_threshold(text, span) or _in_name(text, span):
            continue
        if span.label == "PERCENT" or _is_amount(text, m):
            spans.append(span)
    return spans


def _is_amount(text: str, m: re.Match) -> bool:
    before = text[max(0, m.start() - 3):m.start()]
    if _ORDINAL_BEFORE.search(before):
        return False
    unit = m.group("u") or m.group("cu")
    if unit == "天" and not _DAYS_CONTEXT.search(text[max(0, m.start() - 12):m.start()]):
        return False  # durations are values only as the value of a days indicator
    if unit == "个" and _MONTHS_AFTER.match(text, m.end()) and not _DURATION_CONTEXT.search(
            text[max(0, m.start() - 12):m.start()]):
        return False  # 连续6个月, 3个季度; but 审批时间压减至50个工作日 states a time
    if units().get(unit, ("", 0, "", ""))[3] == "count" and _RANK_AFTER.match(text[m.end():m.end() + 1]):
        return False
    if unit in ("P", "PB") and not re.search(r"算力|存储|容量", text[max(0, m.start() - 10):m.start()]):
        return False
    return True


_THRESHOLD_AFTER = re.compile(r"(?:及以上|以上|以下|级)(?![,;:。、!?\s)）]|$)")
_THRESHOLD_NOUN = re.compile(r"(?:企业|项目|工程|工业项目|产业项目)(?!\d)")
_STRUCTURE_AFTER = re.compile(r"方面|大类|大板块|个字")


def is_threshold(text: str, span: Span) -> bool:
    """A value that defines a counted set (固投5亿元以上重大项目) rather than stating one."""
    if span.label == "PERCENT" or is_count(text, span):
        return False  # 引进2个以上高层次人才团队: a count with a bound, not a threshold
    return bool(_THRESHOLD_AFTER.match(text, span.end, span.end + 4) or _THRESHOLD_NOUN.match(text, span.end))


def unit_kind(value: str) -> str:
    """Kind of a value's unit from units.tsv: 'count', 'currency', 'area', 'percent', … or ''."""
    m = re.search(r"[^\d.,余多万亿千百十零〇一二两三四五六七八九\-~～—–至到]+$", value)
    return units().get(m.group(0), ("", 0, "", ""))[3] if m else ""


def is_count(text: str, span: Span) -> bool:
    """True for an AMOUNT counted in pieces (38个, 16家), not money or area."""
    return span.label == "AMOUNT" and unit_kind(text[span.start:span.end]) == "count"


def _in_name(text: str, span: Span) -> bool:
    """Numbers that are part of a quoted name (“三公里”, “25条”) or count the report's own parts."""
    if span.start > 0 and text[span.start - 1] in "“\"《" and text[span.end:span.end + 1] in ("”", "\"", "》"):
        return True
    return bool(_STRUCTURE_AFTER.match(text, span.end, span.end + 3))
