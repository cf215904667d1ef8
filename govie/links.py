"""Linking values to indicators: which INDICATOR a value quantifies, the relation type
(level/growth/decline), qualifier (exact/approx/min/max), status and resolved name.

Rules, clause by clause (word lists in govie/data/link_cues.json):
- the indicator of a value is the phrase before it, after peeling off bound words, change
  verbs and 同比 (GDP增长6%左右 -> GDP), cut at time words, places and cue words;
- a count with nothing before it names what follows (113家企业实施数字化改造);
- a value with nothing before it continues the previous one (…110.5亿元,增长3.5%);
- 分别 pairs values with indicators (or with the names of a coordinated span) in order, and
  so does a list of values (城乡居民人均可支配收入完成2.57万元和1.68万元); 均 and a 分别 with
  one value give it to every name (城乡居民人均可支配收入均增长6%);
- coordinated indicators (营业收入、工业产值…增长20%) each get the shared value;
- a change verb right before the indicator sets the type (减少缫丝机1.6万台 -> decline).
"""
from __future__ import annotations

import json
import re
from bisect import bisect_left
from dataclasses import dataclass, field
from functools import lru_cache
from typing import List, NamedTuple, Optional, Sequence

from . import indicators
from ._data import DATA_DIR, alternation
from .quantities import Span, is_count
from .text import Sentence


class Relation(NamedTuple):
    value: Span
    indicator: Span
    type: str
    status: str
    qualifier: str
    name: str  # resolved indicator name


@dataclass
class Linked:
    indicators: List[Span] = field(default_factory=list)
    relations: List[Relation] = field(default_factory=list)

    @classmethod
    def of(cls, relations: List[Relation]) -> "Linked":
        """The relations with their indicators, each once, in order of first use."""
        return cls(list(dict.fromkeys(r.indicator for r in relations)), relations)


@dataclass
class _Group:
    """Indicator(s) found for a value: spans with the name each one resolves to."""

    spans: List[Span]
    names: List[str]
    respectively: bool = False


@lru_cache(maxsize=1)
def cues() -> dict:
    c = json.loads((DATA_DIR / "link_cues.json").read_text(encoding="utf-8"))
    c["re_qual_before"] = re.compile(f"(?:{alternation(c['qualifier_before'])})$")
    c["re_qual_after"] = re.compile(f"(?:{alternation(c['qualifier_after'])})")
    verbs = c["growth_verbs"] + c["decline_verbs"]
    c["re_verb"] = re.compile(f"(?P<verb>{alternation(verbs)})(?:了)?(?P<to>{alternation(c['to_words'])})?$")
    c["re_strip"] = re.compile(f"(?:{alternation(c['strip_before_value'])})$")
    c["re_cut"] = re.compile(f"(?:{alternation(c['cut_words'])}|(?<!年度)计划|(?<![中高初平同对相])等(?![级次额])地?"
                            f"|(?:19|20)\\d{{2}}年度?|\\d{{1,2}}月份?|[,;:。!?、])")
    c["re_light"] = re.compile(f"(?:{alternation(c['light_verbs'])})+")
    c["re_defining"] = re.compile(f"(?:{alternation(c['defining_verbs'])})")
    # 新建改造农村公路50公里、电网122公里: the later item inherits 新建改造, not 新建 alone
    c["re_defining_lead"] = re.compile(f"(?:{alternation(c['defining_verbs'])})"
                                       f"(?:{alternation(c['defining_verb_tails'])})?")
    c["re_defining_end"] = re.compile(f"(?:{alternation(c['defining_verbs'])})$")
    stage_verbs = c["defining_verbs"] + c["status_verbs"]
    c["stage_verbs"] = set(stage_verbs)
    c["re_stage_lead"] = re.compile(f"(?:{alternation(stage_verbs)})")
    c["re_stage_end"] = re.compile(f"(?:{alternation(stage_verbs)})$")
    # 累计新增, 重点培育: a verb with only adverbs before it is no indicator
    c["re_verb_only"] = re.compile(f"(?:{alternation(c['strip_before_value'] + c['verb_adverbs'])})*"
                                   f"(?:{alternation(c['light_verbs'] + c['defining_verbs'])})")
    c["re_clause_verb"] = re.compile(f"(?:{alternation(c['clause_verbs'])})")
    verbs_before = {k: v for k, v in c["verbs_before_indicator"].items() if not k.startswith("_")}
    c["re_verb_before"] = re.compile(f"(?P<verb>{alternation(list(verbs_before))})了?$")
    c["verbs_before"] = verbs_before
    c["re_measure"] = re.compile(f"(?:{alternation(c['defining_verbs'])})(?=(?:{alternation(c['measure_words'])})$)")
    return c


_CLAUSE_END = re.compile(r"[,;:]")
_POST_STOP = re.compile(r"[,;:。!?、()]|等|的|(?:增长|下降|达到|实现|完成|分别|作用|共计|合计|总计)|(?:达|为|共|约|近|超|和|及|与|、)(?=\d)|\d")
_CJK = re.compile(r"[\u4e00-\u9fff“]")
MAX_INDICATOR = 24


def link(text: str, sentences: Sequence[Sentence], values: Sequence[Span], statuses: Sequence[str],
         taken: Sequence[Span] = ()) -> Linked:
    """Indicator spans and value->indicator relations for the whole (normalised) text."""
    out = Linked()
    starts = [v.start for v in values]
    name_starts = [n.start for n in taken]
    for si, sent in enumerate(sentences):
        lo, hi = bisect_left(starts, sent.start), bisect_left(starts, sent.end)
        if lo == hi:
            continue
        nlo, nhi = bisect_left(name_starts, sent.start), bisect_left(name_starts, sent.end)
        _link_sentence(text, sent, values[lo:hi], statuses[si], taken[nlo:nhi], out)
    return Linked.of(out.relations)


def _link_sentence(text, sent, values, status, names, out: Linked) -> None:
    clause_starts = _clause_starts(text, sent)
    state = _State()
    for i, v in enumerate(values):
        ci = bisect_left(clause_starts, v.start + 1) - 1
        if ci != state.clause:
            _share_list_qualifier(out, state.listed)
            if not (state.queue and _only_list_marks(text[state.prev_end:v.start])):
                _share_single_value(out, state)  # 城乡居民收入分别增长6%: one value for every name
            state.new_clause(ci, clause_starts[ci])
        seg_start = max(state.prev_end, clause_starts[ci])
        seg = text[seg_start:v.start]
        kind, qualifier, residual, respectively = _peel(seg)
        stripped = _strip_each(residual)
        each, residual = stripped != residual, stripped
        # 城乡居民人均可支配收入完成2.57万元和1.68万元: a list of values pairs with the names in order
        n_listed = _list_length(text, values, i, clause_starts, ci)
        if not residual.strip(" 、") and kind == "level" and state.prev_kind and (
                seg.strip(" ") in ("、", "和", "及", "") or state.prev_label == v.label):
            kind = state.prev_kind  # 分别增长4.8%、6% / 增长7.5%,力争达到8%: the list shares its verb
        qualifier = _qualifier_after(text, v) or qualifier or _inner_qualifier(text, v) or "exact"
        state.prev_end = v.end + _bound_after_len(text, v)
        opens_list = respectively or n_listed > 1 or each
        group = _find_group(text, sent, v, seg, seg_start, residual, opens_list or kind != "level", names, state,
                            opens_list, n_listed)
        if group is None:
            continue
        if group.spans[-1].start >= v.end:  # the indicator followed the value: the next one starts after it
            state.prev_end = max(state.prev_end, group.spans[-1].end)
        if each and len(group.names) > 1:
            # 城乡常住居民人均可支配收入均增长6%: the one value for every name
            spans = group.spans * len(group.names) if len(group.spans) == 1 else group.spans
            pairs = list(zip(spans, group.names))
        elif group.respectively and len(group.names) > 1:
            # 城镇和农村居民人均可支配收入分别增长4.8%、6%: the first name now, the rest to follow
            spans = group.spans * len(group.names) if len(group.spans) == 1 else group.spans
            state.queue = list(zip(spans, group.names))[1:]
            pairs = [(spans[0], group.names[0])]
            state.listed = [len(out.relations)]
        else:
            pairs = list(zip(group.spans, group.names))
            if group.respectively:
                state.listed.append(len(out.relations))
        resolved = []
        for span, name in pairs:
            name = _shared_modifier(text, span, name, state.prev_group, seg)
            name = _value_added(text, v, kind, name)
            resolved.append(name)
            out.relations.append(Relation(v, span, kind, status, qualifier, name))
        if len(pairs) == len(group.spans) and not state.queue:
            group = _Group(group.spans, resolved, group.respectively)
        state.done(group, kind, v.label)
    _share_list_qualifier(out, state.listed)
    _share_single_value(out, state)


def _only_list_marks(between: str, strict: bool = False) -> bool:
    """True when only list marks lie between two values (6.5%和8%; with ``strict``, no comma)."""
    rest = between.replace("以及", "")
    if strict:
        return rest.strip() != "" and set(rest) <= set("、和及与 ")
    return set(rest) <= set("、和及与,; ")


def _strip_each(residual: str) -> str:
    """城乡居民人均可支配收入均 -> the phrase without 均 ("each"); 人均, 平均, 年均 stay."""
    return residual[:-1] if re.search(r"(?<![人平年])均$", residual) else residual


def _list_length(text, values, i, clause_starts, ci) -> int:
    """How many values, from the i-th on, make one list in its clause (11%和13.5% -> 2)."""
    end = clause_starts[ci + 1] if ci + 1 < len(clause_starts) else len(text)
    n = 1
    while i + n < len(values) and values[i + n].start < end and _only_list_marks(
            text[values[i + n - 1].end + _bound_after_len(text, values[i + n - 1]):values[i + n].start], strict=True):
        n += 1
    return n


def _share_single_value(out: Linked, state: "_State") -> None:
    """分别增长6% with names left over: a 分别 list of one value gives it to every name."""
    if state.queue and len(state.listed) == 1:
        first = out.relations[state.listed[0]]
        out.relations += [first._replace(indicator=span, name=name) for span, name in state.queue]
    state.queue = []


def _share_list_qualifier(out: Linked, listed: List[int]) -> None:
    """分别增长6.5%和8%左右: a bound word after the last value of a list covers every value."""
    if len(listed) < 2:
        return
    last = out.relations[listed[-1]].qualifier
    if last == "exact":
        return
    for i in listed[:-1]:
        if out.relations[i].qualifier == "exact":
            out.relations[i] = out.relations[i]._replace(qualifier=last)
    listed.clear()


class _State:
    """What the values already linked in a sentence leave for the next one."""

    def __init__(self):
        self.clause = -1
        self.prev_end = 0
        self.prev_group: Optional[_Group] = None  # indicators of the previous value
        self.prev_kind: Optional[str] = None
        self.prev_label: Optional[str] = None
        self.clause_groups: List[_Group] = []
        self.prev_clause_groups: List[_Group] = []  # for 分别 over the previous clause
        self.earlier_groups: List[_Group] = []  # every clause's before the current one
        self.queue: List[tuple] = []  # (span, name) pairs still to hand out under 分别
        self.listed: List[int] = []  # relations of the current 分别 list, by index

    def new_clause(self, index: int, start: int) -> None:
        if self.clause_groups:
            self.earlier_groups += self.clause_groups
            self.prev_clause_groups = self.clause_groups
        self.clause, self.prev_end = index, start
        self.clause_groups = []
        if not self.queue:  # a queue left by 分别 continues in a list across a comma (3.2万元,1.5万元)
            self.listed = []

    def respectively_pairs(self, n: int) -> List[tuple]:
        """(span, name) pairs for a 分别 list of ``n`` values with no indicator of its own: the
        previous clause's indicators, or the last ``n`` of the sentence's when it has fewer
        (城镇居民人均可支配收入19064元,农村居民人均纯收入9984元,分别增长11%和13.5%)."""
        pairs = list(dict.fromkeys((s, m) for g in self.prev_clause_groups for s, m in zip(g.spans, g.names)))
        if len(pairs) >= n:
            return pairs
        earlier = list(dict.fromkeys((s, m) for g in self.earlier_groups for s, m in zip(g.spans, g.names)))
        return earlier[-n:] if len(earlier) >= n else pairs

    def done(self, group: _Group, kind: str, label: str) -> None:
        self.prev_group, self.prev_kind, self.prev_label = group, kind, label
        self.clause_groups.append(group)


_AFTER = object()  # the indicator follows the value
_NO_LINK = object()  # the value has no indicator (占全市50%)


def _find_group(text, sent, v, seg, seg_start, residual, coordinate, names, state: _State,
                respectively: bool = False, n_listed: int = 1) -> Optional[_Group]:
    """``coordinate``: a 、 list before the value shares it (分别, or a change verb);
    ``respectively``: the value opens a list (分别, 均, 2.57万元和1.68万元) that takes a
    coordinated phrase's names in order; ``n_listed``: the values of that list."""
    respectively = respectively or "分别" in seg
    if residual.strip(" 、"):
        found = _indicator_before(text, seg_start, seg_start + len(residual), names, coordinate, respectively, v)
        if found is _NO_LINK:
            return None
        if found is not _AFTER:
            return found
        if is_count(text, v):
            return _indicator_after(text, v, sent, _verb_prefix(residual))
        return None
    if state.queue:
        span, name = state.queue.pop(0)
        return _Group([span], [name], True)
    if is_count(text, v) and seg.strip(" 、") in ("", "和", "及", "与", "以及"):
        group = _indicator_after(text, v, sent, "")
        if group is not None:
            return group
    # continuation: the previous value's indicator, or 分别 over the previous clause's
    if "分别" in seg and state.prev_clause_groups:
        state.queue = state.respectively_pairs(n_listed)
        span, name = state.queue.pop(0)
        return _Group([span], [name], True)
    return state.prev_group


def _verb_prefix(residual: str) -> str:
    """The defining verb that ends the text before a count (新建500个… -> 新建)."""
    m = cues()["re_defining_end"].search(residual.strip(" 、"))
    return m.group(0) if m else ""


def _clause_starts(text: str, sent: Sentence) -> List[int]:
    starts = [sent.start]
    for m in _CLAUSE_END.finditer(text, sent.start, sent.end):
        starts.append(m.end())
    return starts


_YEAR_OF = re.compile(r"(?:19|20)\d{2}年(?:底|末)?的$")  # 由2010年的1781亿元增加到2015年的2735亿元
_COMPARED = re.compile(r"较[^,;、]{1,10}?(?:相比|同期)?$|与[^,;、]{1,10}相比$"
                       r"|(?:较|比)(?:上年|去年|上年同期|上年末|年初|(?:19|20)\d\d年(?:末|底)?|[〇○零一二三四五六七八九]{4}年"
                       r"|“[^”]{1,6}”(?:期间|时期|末))$")  # 比年初, 比一九七七年, 比“八五”期间


def _peel(seg: str):
    """Strip bound words, change verbs and 同比-type words from the end of the text before a value.

    Returns (type, qualifier, residual, respectively).
    """
    c = cues()
    kind, qualifier, respectively = "level", None, False
    s = seg.rstrip(" ")
    own_predicate = True  # a change verb before 、 and the value's own bound word is another predicate's
    while True:
        before = s
        m = c["re_qual_before"].search(s)
        if m:
            qualifier = qualifier or c["qualifier_before"][m.group(0)]
            s = s[:m.start()]
            own_predicate = not s.rstrip(" ").endswith("、")  # 进出口总额正增长、突破5300亿元: level
        m = c["re_verb"].search(s)
        if m and not _defining_verb_opens_clause(s, m.start()):  # 今年新增11个: new things counted, no growth
            verb = m.group("verb")
            if not m.group("to") and own_predicate:
                if verb in c["growth_verbs"] and kind == "level":
                    kind = "growth"
                elif verb in c["decline_verbs"] and kind == "level":
                    kind = "decline"
            s = s[:m.start()]
        m = _COMPARED.search(s) or _YEAR_OF.search(s)
        if m:
            s = s[:m.start()]
        m = c["re_strip"].search(s)
        if m:
            if m.group(0) == "分别":
                respectively = True
            s = s[:m.start()]
        s = s.rstrip(" 、")
        if s == before:
            break
    if "分别" in seg:
        respectively = True
    if s.strip(" 、") in ("和", "及", "与", "以及"):
        s = ""  # 6.5%和8%: the next value of a list
    return kind, qualifier, s, respectively


def _defining_verb_opens_clause(s: str, verb_start: int) -> bool:
    """Whether a defining verb that opens its clause ends ``s`` and takes in the change verb found
    at ``verb_start``: 今年新增11个园区 counts new parks (level); 贷款余额新增120亿元 is growth."""
    c = cues()
    m = c["re_defining_end"].search(s)
    if m is None or m.start() > verb_start:
        return False
    head = s[:m.start()]
    cuts = list(c["re_cut"].finditer(head))
    head = head[cuts[-1].end():] if cuts else head
    while strip := c["re_strip"].search(head):  # 累计新增
        head = head[:strip.start()]
    return not head.strip(" 、")


def _qualifier_after(text: str, v: Span) -> Optional[str]:
    m = cues()["re_qual_after"].match(text, _skip_spaces(text, v.end))
    return cues()["qualifier_after"][m.group(0)] if m else None


def _bound_after_len(text: str, v: Span) -> int:
    pos = _skip_spaces(text, v.end)
    m = cues()["re_qual_after"].match(text, pos)
    return pos - v.end + len(m.group(0)) if m else 0


def _skip_spaces(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \t\u3000":
        pos += 1
    return pos


def _inner_qualifier(text: str, v: Span) -> Optional[str]:
    return "min" if re.search(r"\d(?:万|亿|千)?(?:余|多)", text[v.start:v.end]) else None


_NOT_IN_NAMES = re.compile(r"[^\u4e00-\u9fff\u3400-\u4dbfA-Za-z0-9０-９Ａ-Ｚａ-ｚ.．·\-—/%+＋（）()“”《》、 ]+")
_SHARE_OF = re.compile(r"占(?:全[国省市区县镇]|总[量数额])?\S{0,4}$")


def _indicator_before(text: str, start: int, end: int, names: Sequence[Span], coordinate: bool,
                      respectively: bool, value: Span):
    """The indicator phrase ending at ``end``: cut at cue words, places and punctuation.

    Returns a _Group, _AFTER when the text before is a list of names, a verb or ends with 等
    (the indicator then follows the value), or _NO_LINK for shares (占全市50%).
    """
    c = cues()
    seg = text[start:end].rstrip(" ")
    if _SHARE_OF.search(seg) and "占比" not in seg[-4:]:
        return _NO_LINK
    if seg.endswith("等") or any(n.end == start + len(seg) and n.label in ("DISTRICT", "ENTERPRISE", "PROJECT")
                                 for n in names):
        return _AFTER
    cut = 0
    for m in c["re_cut"].finditer(seg):
        if m.group(0) == "、" and coordinate:
            continue  # 城镇、农村居民人均可支配收入分别… / 营业收入、工业产值增长…: keep the list
        cut = max(cut, m.end())
    for n in names:
        if start < n.end < start + len(seg) and n.label in ("DISTRICT", "ENTERPRISE"):
            cut = max(cut, n.end - start)
    for m in c["re_clause_verb"].finditer(seg, cut):
        if m.end() <= len(seg) - 2:
            cut = max(cut, m.end())  # 常态化开展各类文明实践活动 -> 各类文明实践活动
    m = c["re_light"].match(seg, cut)
    if m:
        cut = m.end()
    m = c["re_measure"].match(seg, cut)
    if m:
        cut = m.end()  # 引进总投资20亿元: the measure, not the defining verb
    junk = None
    for junk in _NOT_IN_NAMES.finditer(seg, cut):
        pass
    if junk:
        cut = junk.end()  # ÿ地区生产总值: noise glued to the phrase is not part of it
    phrase = seg[cut:]
    while phrase and phrase[0] in " 、的":
        phrase, cut = phrase[1:], cut + 1
    if not phrase or c["re_verb_only"].fullmatch(phrase):
        if not is_count(text, value):
            verb = next((w for w in c["money_verbs"] if seg.endswith(w)), None)
            if verb:
                return _Group([Span(start + len(seg) - len(verb), start + len(seg), "INDICATOR")], [verb])  # 投入5.7亿元
            return None
        return _AFTER
    if is_count(text, value) and len(phrase) <= 3 and cut > 1 and seg[cut - 1] == "、":
        return _AFTER  # 牛渚、佳山、向山、湖西4个重点片区: a list of names, then what they are
    if phrase.startswith("“") and phrase.endswith("”") and phrase.count("“") == 1:
        phrase, cut = phrase[1:-1], cut + 1
    if len(phrase) > MAX_INDICATOR:
        return None
    if len(phrase) < 2 and not re.fullmatch(r"[A-Za-z]+", phrase):
        return None
    s0 = start + cut
    return _coordinated(text, s0, s0 + len(phrase), respectively)


_CJK_PUNCT = re.compile(r"[,;:。!?、“”()]")



def _coordinated(text: str, start: int, end: int, respectively: bool) -> _Group:
    """One indicator span, several spans (营业收入、工业产值、…) or one span with several names."""
    phrase = text[start:end]
    c = cues()
    parts = re.split(r"(、|和)", phrase)
    items = parts[0::2]
    whole = Span(start, end, "INDICATOR")
    if len(items) > 1 and all(len(x) <= 2 for x in items[:-1]) and len(items[-1]) > len(items[0]):
        # 城镇和农村居民人均可支配收入: short modifiers over one head
        if not respectively:
            return _Group([whole], [phrase])
        head = items[-1][len(items[0]):]
        return _Group([whole], [x + head for x in items[:-1]] + [items[-1]], True)
    if respectively and parts[1::2] == ["和"] and all(indicators.resolve_id(x) for x in items):
        # 城镇居民人均可支配收入和农民人均纯收入分别…: two whole indicators of the table (a 、 list
        # is split into spans below)
        return _Group([whole], items, True)
    for key, expansion in c["expansions"].items():
        if respectively and phrase.startswith(key) and "、" not in phrase:
            return _Group([whole], [e + phrase[len(key):] for e in expansion], True)
    names = _parallel_names(phrase) if respectively else None
    if names:
        listed = phrase.split("、" if "、" in phrase else "和")
        if names[0] != listed[0]:  # 新能源汽车、智能手机零售额: the head is written once, the span is the whole
            return _Group([whole], names, True)
        spans, pos = [], start  # 客运量和旅客周转量: each item its own span
        for item in listed:
            spans.append(Span(pos, pos + len(item), "INDICATOR"))
            pos += len(item) + 1
        return _Group(spans, names, True)
    if len(items) > 1 and "、" in phrase and all(len(x) >= 2 for x in items):
        spans, pos = [], start
        for part in parts:
            if part not in ("、", "和"):
                spans.append(Span(pos, pos + len(part), "INDICATOR"))
            pos += len(part)
        if all(p in ("、",) for p in parts[1::2]):
            return _Group(spans, [text[s.start:s.end] for s in spans], respectively)
    return _Group([whole], [phrase], respectively)


def _parallel_names(phrase: str) -> Optional[List[str]]:
    """The names of a coordinated phrase that a 分别 or 均 list hands out one by one, with what
    the items share restored: 新能源汽车、智能手机零售额 -> 新能源汽车零售额, 智能手机零售额;
    农业总产值和增加值 -> 农业总产值, 农业增加值; 个体户和私营企业 -> 个体户, 私营企业.
    Items split at 、, or at 和 when there is no 、 (生物医药和大健康产业 is one item of a 、 list).
    None when the phrase is no such list, or a 、 list of items that share nothing."""
    items = phrase.split("、" if "、" in phrase else "和")
    if len(items) < 2 or any(len(x) < 2 for x in items):
        return None
    first, last = items[0], items[-1]
    head = _shared_head(first, last)
    if head:
        return [x + head for x in items[:-1]] + [last]
    prefix = _shared_prefix(first, last)
    if not prefix and "、" in phrase:
        return None  # 民间投资、工业投资: whole names, each its own span (see _coordinated)
    return [first] + [prefix + x for x in items[1:]]


def _shared_head(first: str, last: str) -> str:
    """What follows, in the last item, the word that ends the first one (先进制造业、高技术制造业
    增加值 -> 增加值), else the measure word the last item ends in when the first item names
    no measure of its own (新能源汽车、智能手机零售额 -> 零售额, but not 快递服务业务量和业务收入);
    '' for neither."""
    for k in (3, 2, 1):
        p = last.find(first[-k:]) if len(first) > k else -1
        if p >= 0:
            return last[p + k:]
    head = _longest_head(last)
    if head and len(last) > len(head) and first[-1] not in _MEASURE_ENDS:
        return head
    return ""


def _shared_prefix(first: str, last: str) -> str:
    """The modifier of the first item that a later one leaves out: 快递服务业务量和业务收入 ->
    快递服务; 农业总产值和增加值 -> 农业 (the later item a bare measure word); else ''."""
    q = first.find(last[:2])
    if q > 0:
        return first[:q]
    own = _longest_head(first)
    if own and len(first) > len(own) and last in cues()["coordinated_heads"]:
        return first[:-len(own)]
    return ""


_MEASURE_ENDS = set("量率额值数入出润资积次度")


def _longest_head(name: str) -> str:
    return max((h for h in cues()["coordinated_heads"] if name.endswith(h)), key=len, default="")


def _indicator_after(text: str, v: Span, sent: Sentence, verb: str) -> Optional[_Group]:
    """For a count with nothing before it: the phrase right after the value names what is counted."""
    if not _CJK.match(text, v.end):
        return None
    c = cues()
    if c["re_qual_after"].match(text, v.end):
        return None
    begin = v.end + 1 if text.startswith("的", v.end) else v.end
    stop = _POST_STOP.search(text, begin, sent.end)
    end = stop.start() if stop else sent.end
    while end > v.end and text[end - 1] in " ”“" and text[v.end:end].count("“") != text[v.end:end].count("”"):
        end -= 1
    phrase = text[begin:end]
    if len(phrase) < 2 or len(phrase) > MAX_INDICATOR:
        return None
    return _Group([Span(begin, end, "INDICATOR")], [verb + phrase])


def _shared_modifier(text: str, span: Span, name: str, prev: Optional[_Group], seg: str) -> str:
    """新增高新技术企业20家、专精特新企业10家: the later item inherits the defining verb;
    a 其中 subset inherits its parent's (新签约项目38个,其中…重大项目5个), and a subset named by
    its level alone the whole parent name (其中省级22个); a stage verb named alone (竣工5477套) and a
    bare total or share (总数175家, 占比74.5%) take the thing counted before them."""
    if prev is None or name != text[span.start:span.end]:
        return name
    c = cues()
    if c["re_defining"].match(name):
        return name
    if prev.names and prev.spans[0] != span and (name in c["stage_verbs"] or name in c["relative_heads"]):
        return _bare_word_name(name, prev.names[0])
    same_head = prev.names and prev.names[0][-2:] == name[-2:]  # …企业12家,科技型中小企业120家
    inherits = seg.lstrip(" ").startswith("、") or "其中" in seg or not seg.strip() or same_head
    if not inherits:
        return name
    parent = prev.names[0] if prev.names else ""
    m = c["re_defining_lead"].match(parent)
    if "其中" in seg and _LEVEL_ONLY.fullmatch(name) and len(parent) > len(name) and prev.spans[:1] != [span]:
        # 新发展农民专合组织341个,其中省级22个 -> 新发展省级农民专合组织: a level alone names a subset
        verb = m.group(0) if m else ""
        return verb + name + parent[len(verb):]
    if m and prev.spans and prev.spans[0] != span:
        return m.group(0) + name
    return name


def _value_added(text: str, v: Span, kind: str, name: str) -> str:
    """A sector named alone with a growth rate or a sum of money states its value added:
    第一产业完成11.2亿元 -> 第一产业增加值; 能源工业增长8% -> 能源工业增加值."""
    c = cues()
    sector = name in c["value_added_sectors"] or (
        2 < len(name) <= 8 and name.endswith(tuple(c["value_added_sector_ends"])))
    value = text[v.start:v.end]
    if sector and ((kind == "growth" and value.endswith("%")) or (kind == "level" and value.endswith("元"))):
        return name + "增加值"
    return name


def _bare_word_name(name: str, parent: str) -> str:
    """A stage verb or a total named alone, with the name of the count before it: 开工建设保障性住房
    1210套,竣工5477套 -> 竣工保障性住房; 重点项目复工115个,开工45个 -> 重点项目开工; 新增境内上市公司
    14家,总数175家 -> 境内上市公司总数 (a total or share drops the defining verb: it is not new)."""
    c = cues()
    if name in c["relative_heads"]:
        m = c["re_defining_lead"].match(parent)
        return (parent[m.end():] if m and m.end() < len(parent) else parent) + name
    lead, end = c["re_stage_lead"].match(parent), c["re_stage_end"].search(parent)
    if lead and lead.end() < len(parent):
        return name + parent[lead.end():]
    if end and end.start() > 0:
        return parent[:end.start()] + name
    return name if parent in c["stage_verbs"] else name + parent


_LEVEL_ONLY = re.compile(r"(?:国家|省|市|县|区|部|省本|市本|区本|县本)级")


def snap_indicators(text: str, linked: Linked, model_spans: Sequence[Span]) -> Linked:
    """Indicator boundaries from a statistical NER where one overlaps the rule phrase.

    The rules decide which phrase a value belongs to; a trained model knows better where
    that phrase begins and ends (规模以上工业增加值 vs 工业增加值). Where several model spans
    overlap the rule phrase, the one ending last (nearest the value) wins.
    """
    if not model_spans:
        return linked
    spans = sorted(model_spans)
    starts = [s.start for s in spans]
    swap = {}
    for r in linked.relations:
        ind = r.indicator
        if ind in swap:
            continue
        lo = bisect_left(starts, ind.start - MAX_INDICATOR)
        over = [s for s in spans[lo:bisect_left(starts, ind.end)] if s.end > ind.start and s.start < ind.end]
        if over:
            best = max(over, key=lambda s: s.end)
            swap[ind] = Span(best.start, best.end, "INDICATOR")
    if not swap:
        return linked
    relations = []
    for r in linked.relations:
        new = swap.get(r.indicator, r.indicator)
        name = text[new.start:new.end] if r.name == text[r.indicator.start:r.indicator.end] else r.name
        relations.append(r._replace(indicator=new, name=name))
    return Linked.of(relations)


def verb_types(text: str, linked: Linked) -> Linked:
    """减少缫丝机1.6万台: a change verb right before the INDICATOR (outside its span) makes a
    level relation a growth or decline one (link_cues.json "verbs_before_indicator")."""
    c = cues()
    relations, prev = [], None  # prev: the last relation whose type a verb before it set
    for r in linked.relations:
        typed = None
        if r.type == "level" and r.indicator.end <= r.value.start:
            m = c["re_verb_before"].search(text, max(0, r.indicator.start - 3), r.indicator.start)
            if m:
                typed = r._replace(type=c["verbs_before"][m.group("verb")])
            elif prev is not None and text[prev.value.end + _bound_after_len(text, prev.value):r.indicator.start] == "、":
                typed = r._replace(type=prev.type)  # 压减生铁产能387万吨、粗钢280万吨: the list shares the verb
        relations.append(typed or r)
        prev = typed
    return Linked(linked.indicators, relations)


def describe_value(text: str, sent: Sentence, v: Span) -> tuple:
    """(type, qualifier) of a value from the words around it (增长 -> growth, 左右 -> approx)."""
    starts = _clause_starts(text, sent)
    ci = max(bisect_left(starts, v.start + 1) - 1, 0)
    kind, qualifier, _, _ = _peel(text[starts[ci]:v.start])
    return kind, _qualifier_after(text, v) or qualifier or _inner_qualifier(text, v) or "exact"
