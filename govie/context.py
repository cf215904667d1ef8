"""Document context: the report's region and year, and the status (target/actual) that the
section a sentence stands in gives it.
"""
from __future__ import annotations

import re
from typing import List, Optional, Tuple

from .numbers import to_number
from .text import Sentence

HEAD_CHARS = 1500  # title lines and the opening stand in the first characters
DATELINE_CHARS = 300  # a date this close to the start dates the report (when no 各位代表 opens the speech)

_TITLE_YEAR = re.compile(r"((?:19|20)\d{2})\s*年\s*[^\s,。]{0,12}?(?:政府|ZF)?工作报告")
_DELIVERED = re.compile(r"((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*\d{1,2}\s*日")
_PLAN_YEAR = re.compile(r"((?:19|20)\d{2})\s*年(?:的)?(?:工作安排|重点工作|工作任务|主要(?:预期)?目标|政府工作)"
                        r"(?![^\s,，。]{0,4}回顾)")
_REVIEW_YEAR = re.compile(r"((?:19|20)\d{2})\s*年(?:[^\s,，。;；]{0,8}?政府)?(?:的)?(?:主要)?工作(?:的)?(?:简要)?回顾")
# the review part's heading or opening, when no title or dateline dates the report: 一、2020年工作及
# “十三五”时期发展回顾, 2021年以来工作回顾, 刚刚过去的2019年, 一、关于2019年工作 (the first part reviews)
_REVIEW_YEAR_LOOSE = re.compile(r"((?:19|20)\d{2})\s*年[^\n，。,；;]{0,16}?回顾")
_JUST_PAST_YEAR = re.compile(r"(?:刚刚|即将)过去的((?:19|20)\d{2})\s*年")
_FIRST_PART_YEAR = re.compile(r"^\s*一、(?![^\n]*(?:安排|任务|目标|打算|计划|思路))[^\n]{0,30}?((?:19|20)\d{2})\s*年", re.M)
# a title whose year follows it: 政府工作报告（2013年）, 政府工作报告（省八届人大二次会议 1994年）
_TITLE_YEAR_AFTER = re.compile(r"工作报告\s*[（(【]\s*[^\n）)】]{0,16}?((?:19|20)\d{2})\s*年?\s*[）)】]")
_SALUTATION = re.compile(r"各位代表|同志们")
# a dateline in Chinese numerals: 二〇二一年一月十八日
_DELIVERED_CN = re.compile(r"([〇○零一二三四五六七八九]{4})\s*年\s*(十[一二]?|[一二三四五六七八九])\s*月\s*[〇一二三四五六七八九十]{1,3}\s*日")
_CONGRESS = re.compile(r"在\s*(\S{2,20}?)\s*第\s*\S{1,4}\s*届")
_NATIONAL = re.compile(r"国务院总理|全国人民代表大会第\S{1,3}次会议上|我代表国务院")
_ON_BEHALF = re.compile(r"代表\s*(\S{2,20}?)\s*(?:人民政府|政府|管理委员会|管委会)")
_ON_BEHALF_OF_LEVEL = re.compile(r"代表\s*(自治区|省|市|区|县|旗|州|盟)\s*(?:人民政府|政府)")
# the level of government a report speaks for (我代表区人民政府): 市 is a prefecture or a county-level city
_SPEAKER_LEVELS = {"自治区": ("province",), "省": ("province",), "市": ("city", "county"), "区": ("county",),
                   "县": ("county",), "旗": ("county",), "州": ("city",), "盟": ("city",)}
_DEICTIC = re.compile(r"(全|我|本)(省|市|区|县|旗|州|盟)")
_DEICTIC_LEVELS = {"区": ("province", "county")}
_DEICTIC_DEPTH = {"省": 0, "州": 1, "盟": 1, "市": 2, "区": 3, "县": 3, "旗": 3}
_ZONE_NAME = re.compile(r"^[\u4e00-\u9fff]{2,8}(?:新区|开发区|高新区|经开区|示范区|试验区)$")
_REPORT_OF = re.compile(r"(\S{2,20}?)(?:人民政府|政府)?\s*(?:(?:19|20)\d{2}\s*年)?\s*(?:政府|ZF)工作报告")


def document_context(text: str) -> Tuple[Optional[str], Optional[int]]:
    """(region, year) read from the report's title lines and opening, or None each; when the
    opening names no region, the division the whole text names most, at the level of the
    government that speaks (我代表区人民政府, 我区) where that is known."""
    from .entities import dominant_division

    head = text[:HEAD_CHARS]
    region = _region(head)
    if region is None:
        zone = _zone_speaking(head)
        levels = ("city",) if zone else (_speaker_levels(head) or _deictic_levels(text))
        region = (levels and dominant_division(text, levels=levels)) or dominant_division(text)
        if zone:  # 我代表大鹏新区管理委员会: the zone under the city the report names most
            region = (region or "") + zone
    return region, _year(head)


def _year(head: str) -> Optional[int]:
    """The plan year: the delivery date of the congress session (October to December -> the
    next year; Arabic or Chinese numerals), else the title's year (before or after 工作报告), else
    a dateline above the salutation, else the year of the plan section, else the year after the
    one the review part names (its heading, 刚刚过去的2019年, the first part's heading); None
    when the opening names none of them."""
    dates = [(m.start(), m.end(), int(m.group(1)), int(m.group(2))) for m in _DELIVERED.finditer(head)]
    dates += [(m.start(), m.end(), *ym) for m in _DELIVERED_CN.finditer(head) if (ym := _chinese_date(m))]
    dates.sort()
    for start, end, year, month in dates:
        window = head[max(0, start - 40):end + 40]
        if "人民代表大会" in window or "人大" in window:
            return _delivered_year(year, month)
    m = _TITLE_YEAR.search(head) or _TITLE_YEAR_AFTER.search(head)
    if m:
        return int(m.group(1))
    salutation = _SALUTATION.search(head)
    dateline_end = salutation.start() if salutation else DATELINE_CHARS
    if dates and dates[0][0] < dateline_end:  # a dateline under the title, not a date in the text
        return _delivered_year(*dates[0][2:])
    m = _PLAN_YEAR.search(head)
    if m:
        return int(m.group(1))
    for pattern in (_REVIEW_YEAR, _REVIEW_YEAR_LOOSE, _JUST_PAST_YEAR, _FIRST_PART_YEAR):
        m = pattern.search(head)
        if m:
            return int(m.group(1)) + 1
    return None


def _zone_speaking(head: str) -> Optional[str]:
    """The name of a functional zone (大鹏新区) a report speaks for, which is no division."""
    for m in _ON_BEHALF.finditer(head):
        if _ZONE_NAME.match(m.group(1)):
            return m.group(1)
    return None


def _speaker_levels(head: str) -> Optional[Tuple[str, ...]]:
    """The division levels of the government a report speaks for, when it names no place."""
    m = _ON_BEHALF_OF_LEVEL.search(head)
    return _SPEAKER_LEVELS[m.group(1)] if m else None


def _deictic_levels(text: str) -> Optional[Tuple[str, ...]]:
    """The division levels a report's own 我区/本县/全市 point to, when its opening does not say
    which government speaks: the deepest level it says 我 or 本 of (a county report may say 我省
    of its province, a province's never says 我县), else its most frequent 全…. A 区 may be an
    autonomous region's."""
    counts: dict = {}
    mine: dict = {}
    for m in _DEICTIC.finditer(text):
        word = m.group(2)
        counts[word] = counts.get(word, 0) + 1
        if m.group(1) in "我本":
            mine[word] = mine.get(word, 0) + 1
    if not counts:
        return None
    if mine:  # the deepest; between 区 and 县, the more frequent (then the first in this order)
        word = max(sorted(mine), key=lambda w: (_DEICTIC_DEPTH[w], mine[w]))
    else:
        word = max(sorted(counts), key=counts.get)
    return _DEICTIC_LEVELS.get(word) or _SPEAKER_LEVELS[word]


def _chinese_date(m: re.Match) -> Optional[Tuple[int, int]]:
    """(year, month) of a dateline in Chinese numerals, or None when it is no plausible date."""
    year, month = to_number(m.group(1).replace("○", "〇")), to_number(m.group(2))
    if year is None or month is None or not 1900 <= year <= 2100:
        return None
    return int(year), int(month)


def _delivered_year(year: int, month: int) -> int:
    return year + 1 if month >= 10 else year


def _region(head: str) -> Optional[str]:
    from .entities import resolve_region  # the gazetteer lives with the entity recogniser

    if _NATIONAL.search(head):
        return "全国"
    for pattern in (_CONGRESS, _ON_BEHALF, _REPORT_OF):
        for m in pattern.finditer(head):
            region = resolve_region(m.group(1), context=head)
            if region:
                return region
    return None


# ----------------------------------------------------------------- sections and status

HEADING_MAX = 30  # a section heading is a short line without commas
_REVIEW_HEADING = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+、|\d+[.、])?\s*(?:(?:19|20)\d{2}年|过去\S{0,3}年|本届政府|\S{0,4}年来)?"
    r"\S{0,6}(?:工作回顾|回顾)")
_PLAN_HEADING = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+、|\d+[.、])?\s*(?:(?:19|20)\d{2}年|今年|明年|新的一年|今后五年)\S{0,8}"
    r"(?:工作安排|工作任务|重点工作|主要任务|总体要求|预期目标|目标任务|政府工作|工作)")
# A numbered part whose heading, commas and all, sets out the plan year's work
# (三、埋头苦干、奋勇前进，全力抓好2023年重点工作; not 一、…全面完成了2004年的工作任务).
_PLAN_PART = re.compile(r"^\s*[一二三四五六七八九十]+、[^\n。;]{0,30}?(?:实现|抓好|做好)\s*(?:19|20)\d{2}\s*年(?:的)?"
                        r"(?:政府工作总体目标|重点工作|工作任务|主要任务|目标任务)")
# Phrases that open a part of the report inside running text.
_REVIEW_OPENING = re.compile(r"^.{0,8}?(?:即将)?过去的?(?:一|五)年|^.{0,8}?(?:一年来|五年来|去年|这一年)")
_PLAN_OPENING = re.compile(r"^.{0,8}?(?:今年|明年|新的一年)[,，是]|^.{0,8}?(?:未来|今后)五年"
                           r"|(?:预期|主要)目标(?:是|为|建议为|确定为)?[:：]|预期目标是|主要目标是|(?:19|20)\d{2}年(?:的)?(?:工作安排|重点工作任务)")
_STRONG_TARGET_CUE = re.compile(r"预期目标|主要目标|目标是|力争|努力实现")
_TARGET_CUE = re.compile(r"预期目标|目标是|力争|确保|计划|争取|努力|将|要|突破|达到\S{0,4}目标|今年|明年|新的一年")
_ACTUAL_CUE = re.compile(r"预计全年|预计\S{0,6}全年|过去一年|去年|一年来|累计完成|已完成|完成了")


def sentence_statuses(text: str, sentences: List[Sentence]) -> List[str]:
    """'target' or 'actual' for each sentence, from the section it stands in and its cue words.

    Section headings (一、2024年工作回顾 / 二、2025年工作安排, 过去一年 …, 今年 …) switch the mode
    for the sentences that follow; a sentence's own cue words (预期目标, 力争, 确保 vs 预计全年)
    take precedence.
    """
    return section_statuses(text, sentences)[0]


def section_statuses(text: str, sentences: List[Sentence],
                     mode: Optional[str] = None) -> Tuple[List[str], Optional[str]]:
    """``sentence_statuses`` starting in section mode ``mode`` ('target', 'actual' or None);
    also returns the mode at the end, to carry into the next window of a long report."""
    out = []
    modes = section_modes(text, sentences, mode)
    for s, section in zip(sentences, modes):
        sent = text[s.start:s.end]
        if _ACTUAL_CUE.search(sent):
            out.append("actual")
        elif _STRONG_TARGET_CUE.search(sent):
            out.append("target")
        elif section is None and _TARGET_CUE.search(sent):
            out.append("target")
        else:
            out.append(section or "actual")
    return out, (modes[-1] if modes else mode)


def section_modes(text: str, sentences: List[Sentence], mode: Optional[str] = None) -> List[Optional[str]]:
    """The mode of the section each sentence stands in: 'actual' (a review), 'target' (a
    plan) or None before any heading or opening says which."""
    out = []
    for s in sentences:
        sent = text[s.start:s.end]
        heading = len(sent.strip()) <= HEADING_MAX and not re.search(r"[,;。]", sent)
        if _REVIEW_OPENING.search(sent) or heading and _REVIEW_HEADING.search(sent):
            mode = "actual"
        elif _PLAN_OPENING.search(sent) or heading and _PLAN_HEADING.search(sent) or _PLAN_PART.search(sent):
            mode = "target"
        out.append(mode)
    return out
