"""Document context: the report's region and year, and the status (target/actual) that the
section a sentence stands in gives it.
"""
from __future__ import annotations

import re
from typing import List, Optional, Tuple

from .text import Sentence

HEAD_CHARS = 1500  # title lines and the opening stand in the first characters

_TITLE_YEAR = re.compile(r"((?:19|20)\d{2})\s*年\s*[^\s,。]{0,12}?(?:政府|ZF)?工作报告")
_DELIVERED = re.compile(r"((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*\d{1,2}\s*日")
_PLAN_YEAR = re.compile(r"((?:19|20)\d{2})\s*年(?:的)?(?:工作安排|重点工作|工作任务|主要(?:预期)?目标|政府工作)")
_REVIEW_YEAR = re.compile(r"((?:19|20)\d{2})\s*年(?:的)?工作回顾")
_CONGRESS = re.compile(r"在\s*(\S{2,20}?)\s*第\s*\S{1,4}\s*届")
_NATIONAL = re.compile(r"国务院总理|全国人民代表大会第\S{1,3}次会议上|我代表国务院")
_ON_BEHALF = re.compile(r"代表\s*(\S{2,20}?)\s*(?:人民政府|政府|管理委员会|管委会)")
_REPORT_OF = re.compile(r"(\S{2,20}?)(?:人民政府|政府)?\s*(?:(?:19|20)\d{2}\s*年)?\s*政府工作报告")


def document_context(text: str) -> Tuple[Optional[str], Optional[int]]:
    """(region, year) read from the report's title lines and opening, or None each."""
    from .entities import dominant_division

    head = text[:HEAD_CHARS]
    return _region(head) or dominant_division(text), _year(head)


def _year(head: str) -> Optional[int]:
    """The plan year: the delivery date of the congress session (December -> next year), else
    the title's year, else the year of the plan or review section."""
    dates = list(_DELIVERED.finditer(head))
    for m in dates:
        window = head[max(0, m.start() - 40):m.end() + 40]
        if "人民代表大会" in window or "人大" in window:
            return _delivered_year(m)
    m = _TITLE_YEAR.search(head)
    if m:
        return int(m.group(1))
    if dates:
        return _delivered_year(dates[0])
    m = _PLAN_YEAR.search(head)
    if m:
        return int(m.group(1))
    m = _REVIEW_YEAR.search(head)
    if m:
        return int(m.group(1)) + 1
    return None


def _delivered_year(m: re.Match) -> int:
    year, month = int(m.group(1)), int(m.group(2))
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
        elif _PLAN_OPENING.search(sent) or heading and _PLAN_HEADING.search(sent):
            mode = "target"
        out.append(mode)
    return out
