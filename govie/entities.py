"""Name recognition: DISTRICT from the division gazetteer, ENTERPRISE and PROJECT from name
lists and suffix patterns. Rules for closed classes; the statistical models of a later
release add context.
"""
from __future__ import annotations

import bisect
import itertools
import json
import re
from functools import lru_cache
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

import ahocorasick

from ._data import DATA_DIR, alternation, read_lines, read_tsv
from .numbers import ARABIC
from .quantities import Span, is_count

LEVEL_RANK = {"province": 0, "city": 1, "county": 2, "township": 3}


class Gazetteer:
    """Division names (full and safe short forms) with their codes, matched longest-first."""

    def __init__(self, rows: Sequence[dict]):
        self.by_code: Dict[str, dict] = {r["code"]: r for r in rows}
        self.full: Dict[str, List[str]] = {}
        self.short: Dict[str, List[str]] = {}
        for r in rows:
            self.full.setdefault(r["name"], []).append(r["code"])
            if r["short"] and r["level"] != "township":
                self.short.setdefault(r["short"], []).append(r["code"])
        self.township_short: Dict[str, List[str]] = {}
        for r in rows:
            if r["short"] and r["level"] == "township":
                self.township_short.setdefault(r["parent_code"], []).append(r["code"])
        self.names = frozenset(self.full) | {r["short"] for r in rows if r["short"]}
        self._automaton = _automaton({**{k: ("short", v) for k, v in self.short.items()},
                                      **{k: ("full", v) for k, v in self.full.items()}})
        self._local: Dict[str, object] = {}

    def path(self, code: str) -> str:
        """Full path name: 340504 -> 安徽省马鞍山市雨山区 (placeholder levels skipped)."""
        names = []
        while code and code in self.by_code:
            names.append(self.by_code[code]["name"])
            code = self.by_code[code]["parent_code"]
        return "".join(reversed(names))

    def local_automaton(self, region_code: Optional[str]):
        """Short forms of the townships under a region (向山 in a 雨山区 report)."""
        if not region_code:
            return None
        if region_code in self._local:
            return self._local[region_code]
        extra = {}
        for code in self.township_short.get(region_code, []):
            row = self.by_code[code]
            extra[row["short"]] = ("short", [code])
        self._local[region_code] = _automaton(extra) if extra else None
        return self._local[region_code]

    def find(self, text: str, local=None) -> List[Tuple[int, int, str, List[str]]]:
        hits = [(end - len(name) + 1, end + 1, kind, codes)
                for end, (name, kind, codes) in self._automaton.iter_long(text)]
        if local is not None:
            taken = Occupancy(Span(s, e, "") for s, e, _, _ in hits)
            for end, (name, kind, codes) in local.iter_long(text):
                if taken.free(end - len(name) + 1, end + 1):
                    hits.append((end - len(name) + 1, end + 1, kind, codes))
            hits.sort()
        return hits


def _automaton(entries: dict):
    a = ahocorasick.Automaton()
    for name, (kind, codes) in entries.items():
        if len(name) >= 2:
            a.add_word(name, (name, kind, codes))
    a.make_automaton()
    return a


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    return Gazetteer(read_tsv("districts.tsv"))


def resolve_region(name: str, context: str = "") -> Optional[str]:
    """The full path of the deepest division named in ``name`` ('雨山区' -> '安徽省马鞍山市雨山区').

    An ambiguous name (南山区 in Shenzhen and in Hegang) resolves to the candidate whose
    ancestor is named in ``name`` or, failing that, in ``context``; else the name itself is
    returned. None if no division is named.
    """
    g = gazetteer()
    # a two-character full name (易县) only where it ends ``name``; inside running text it is
    # too ambiguous (范镇 in 示范镇)
    hits = [h for h in g.find(name) if not (h[2] == "full" and h[1] - h[0] <= 2 and h[1] < len(name))]
    if not hits:
        return None
    start, end, kind, codes = hits[-1]
    codes = _topmost(g, codes)
    if len(codes) == 1:
        return g.path(codes[0])
    named = {c for h in hits[:-1] for c in h[3]}
    for code in codes:
        if any(a in named for a in _ancestors(g, code)):
            return g.path(code)
    for code in codes:
        for a in _ancestors(g, code):
            row = g.by_code[a]
            if row["name"] in context or (row["short"] and row["short"] in context):
                return g.path(code)
    return name[start:end]


def _ancestors(g: Gazetteer, code: str) -> List[str]:
    out = []
    parent = g.by_code[code]["parent_code"]
    while parent and parent in g.by_code:
        out.append(parent)
        parent = g.by_code[parent]["parent_code"]
    return out


def _topmost(g: Gazetteer, codes: List[str]) -> List[str]:
    """Drop codes whose ancestor is also a candidate (东莞市 the city and its county-level row)."""
    return [c for c in codes if not any(a in codes for a in _ancestors(g, c))]


def dominant_division(text: str, min_count: int = 2, levels: Optional[Iterable[str]] = None) -> Optional[str]:
    """The province, city or county named most often, as a full path.

    A fallback for reports whose opening does not say whose they are. Counts full names and
    the short forms of provinces and cities; ties go to the deeper level. ``levels`` (say
    ``{"county"}`` for a report that speaks for 区人民政府) counts only divisions of those
    levels, short forms of counties included.
    """
    g = gazetteer()
    levels = set(levels) if levels else None
    counts: Dict[str, int] = {}
    for start, end, kind, codes in g.find(text):
        name = text[start:end]
        if len(codes) != 1 or _GENERIC_DIVISION.match(name) or (kind == "full" and len(name) <= 2):
            continue
        level = g.by_code[codes[0]]["level"]
        if level == "township" or (levels is not None and level not in levels):
            continue
        if kind == "short" and level == "county" and levels is None:
            continue
        counts[codes[0]] = counts.get(codes[0], 0) + 1
    if not counts:
        return None
    code, n = max(counts.items(), key=lambda kv: (kv[1], LEVEL_RANK[g.by_code[kv[0]]["level"]]))
    return g.path(code) if n >= min_count else None


@lru_cache(maxsize=4096)
def region_code(region: Optional[str]) -> Optional[str]:
    if not region:
        return None
    g = gazetteer()
    hits = g.find(region)
    if hits and len(hits[-1][3]) == 1:
        return hits[-1][3][0]
    return None


# ------------------------------------------------------------------------- districts

_ZONE = re.compile(r"(?:经济技术开发区|经济开发区|高新技术产业开发区|高新区|经开区|开发区|高新技术开发区|综合保税区|工业园区)")
_NOT_DISTRICT_AFTER = re.compile(r"^(?:路|大道|街(?!道)|桥|大桥|港|站|湖|山|河|江|号|牌|籍|人)")


_GENERIC_DIVISION = re.compile(
    rf"^(?:城区|郊区|矿区|新区|市区|林区|特区|农场|林场|牧场|渔场|街道|园区|小城镇|城镇|集镇|管委会|旅游度假区|度假区|风景区|{_ZONE.pattern})$")
_IDIOM = re.compile(r"长治久安|科技兴安|兴安全")


def find_districts(text: str, region: Optional[str] = None) -> List[Span]:
    """Division names; short forms of counties only for the report's own region."""
    g = gazetteer()
    own = region_code(region)
    hits = g.find(text, g.local_automaton(own))
    spans: List[Span] = []
    for start, end, kind, codes in hits:
        name = text[start:end]
        if _GENERIC_DIVISION.match(name) or _IDIOM.match(text, start):
            continue
        if kind == "full" and len(name) <= 2:
            continue  # 范镇 in 示范镇: two-character full names are too ambiguous
        if kind == "short":
            if _NOT_DISTRICT_AFTER.match(text[end:end + 2]) or text[start - 1:start] in ("路", "街"):
                continue
            levels = {g.by_code[c]["level"] for c in codes}
            if levels & {"county", "township"} and not _in_region(own, codes):
                continue
        zone = _ZONE.match(text, end)
        if zone:
            end = zone.end()
        elif starts_a_name(text, end):  # a zone (雨山经开区) names itself; a bare place may begin a name
            continue
        if spans and spans[-1].end == start:  # a path written together: 安徽省马鞍山市雨山区
            spans[-1] = Span(spans[-1].start, end, "DISTRICT")
        else:
            spans.append(Span(start, end, "DISTRICT"))
    return spans


def _in_region(own: Optional[str], codes: Sequence[str]) -> bool:
    """True when a division of ``codes`` is the region ``own`` (a code), one of its ancestors or
    one of its sub-divisions."""
    return bool(own) and any(own.startswith(c) or c.startswith(own) for c in codes)


def find_places_in_phrases(text: str, region: Optional[str] = None, taken: Sequence[Span] = ()) -> List[Span]:
    """Place names that the guide tags inside a phrase, where a learned NER tends to miss them:
    a province or city, or the report's own division, ending a quoted four-character slogan
    (“技能泉州”, “乐业雨山”); a province or city before a metropolitan area (合肥都市圈:
    ``place_phrase_after.wide`` in name_patterns.json); the report's own divisions before 地区 or
    籍 (向山地区, 大观籍: ``place_phrase_after.own``); and the full names of the report's own
    townships and zones (向山镇, 安民街道, 大观开发区; not the gazetteer's other units at that
    level, 化工园区), not before 片区, 集镇 or 街区 (the guide's PROJECTs). None in a title
    (《闽宁镇》). A division written right before one of these joins it (清新区三坑镇, a path).
    Spans overlapping ``taken`` or each other are dropped."""
    g = gazetteer()
    own = region_code(region)
    cues = _patterns()["place_phrase_after"]
    occupied, spans, before = Occupancy(taken), [], None
    for start, end, kind, codes in g.find(text, g.local_automaton(own)):
        name = text[start:end]
        if _GENERIC_DIVISION.match(name) or (kind == "full" and len(name) <= 2) or not occupied.free(start, end) \
                or text[start - 1:start] == "《":  # a title: 《闽宁镇》 is a film
            continue
        levels = {g.by_code[c]["level"] for c in codes}
        wide = bool(levels & {"province", "city"})
        ours = _in_region(own, codes)
        slogan = text[end:end + 1] == "”" and _SLOGAN_HEAD.fullmatch(text, max(0, start - 3), start)
        township = ours and kind == "full" and levels == {"township"} and _TOWNSHIP_END.search(name) \
            and not cues["not"].match(text, end)
        if ((wide or ours) and slogan) or (wide and cues["wide"].match(text, end)) \
                or (ours and cues["own"].match(text, end)) or township:
            if before is not None and before.end == start and kind == "full" and occupied.free(before.start, start):
                start = before.start
            occupied.add(start, end)
            spans.append(Span(start, end, "DISTRICT"))
        before = Span(start, end, "")
    return spans


_SLOGAN_HEAD = re.compile(r"“[\u4e00-\u9fff]{2}")
# a township's or a development zone's name (大观开发区), not the gazetteer's other township-level units (化工园区, 二道桥片区)
_TOWNSHIP_END = re.compile(rf"(?:镇|乡|街道|{_ZONE.pattern})$")


def snap_to_divisions(text: str, spans: Sequence[Span], divisions: Sequence[Span],
                      taken: Sequence[Span] = ()) -> List[Span]:
    """A learned DISTRICT span cut short or run past a division's edge (马|鞍山, 静县 for 和静县)
    takes the bounds of the one gazetteer division it overlaps, when that division is not
    inside it and overlaps no other span (of ``spans`` or ``taken``). A span that is a
    division's name itself is not moved onto a division that only crosses it (顺平 stays,
    though the gazetteer read 安顺 in 平安顺平).
    ``divisions`` come in text order without overlaps, as ``find_districts`` gives them."""
    others = Occupancy([s for s in spans if s.label != "DISTRICT"] + list(taken))
    ends = [d.end for d in divisions]
    names = gazetteer().names
    out = []
    for s in spans:
        if s.label == "DISTRICT":
            first = bisect.bisect_right(ends, s.start)  # the first division ending after s starts
            hits = list(itertools.takewhile(lambda d: d.start < s.end, divisions[first:first + 2]))
            if len(hits) == 1:
                d = hits[0]
                inside = s.start <= d.start and d.end <= s.end
                holds = d.start <= s.start and s.end <= d.end
                crossed_name = not holds and text[s.start:s.end] in names
                if not inside and not crossed_name and others.free(d.start, d.end):
                    s = Span(d.start, d.end, "DISTRICT")
        out.append(s)
    return keep_free(sorted(out))


def keep_free(spans: Iterable[Span], taken: Sequence[Span] = ()) -> List[Span]:
    """``spans`` in the order given, each one dropped that overlaps ``taken`` or a span kept before it."""
    occupied, kept = Occupancy(taken), []
    for s in spans:
        if occupied.free(s.start, s.end):
            occupied.add(s.start, s.end)
            kept.append(s)
    return kept


def _division_parts(name: str) -> Optional[List[Tuple[int, int, List[str]]]]:
    """``name`` read as division names written one after another, longest first:
    [(start, end, codes), ...], or None when some part is no division's name."""
    g = gazetteer()
    parts, i = [], 0
    while i < len(name):
        for j in range(len(name), i + 1, -1):
            codes = g.full.get(name[i:j], []) + g.short.get(name[i:j], [])
            if codes:
                parts.append((i, j, codes))
                i = j
                break
        else:
            return None
    return parts


def _descends(codes: Sequence[str], ancestors: Sequence[str]) -> bool:
    return any(c != a and c.startswith(a) for c in codes for a in ancestors)


_VILLAGE = re.compile(r"[\u4e00-\u9fff]{1,6}(?:村|社区)")


def reshape_districts(text: str, spans: Sequence[Span], taken: Sequence[Span] = ()) -> List[Span]:
    """Learned DISTRICT spans put in the guide's shape, on the gazetteer's word:
    a division with a village after it keeps the division (陕西|袁家村: villages are no DISTRICT);
    sibling divisions run together are one span each (建水石屏 -> 建水, 石屏; a path such as
    安庆市大观区 stays one span); a division followed by one of its own sub-divisions takes it
    in (广西 + 罗城 -> 广西罗城, a path). Other spans pass through."""
    others = Occupancy([s for s in spans if s.label != "DISTRICT"] + list(taken))
    out: List[Span] = []
    for s in spans:
        name = text[s.start:s.end]
        if s.label != "DISTRICT":
            out.append(s)
            continue
        cut = _before_village(name)
        if cut:
            out.append(Span(s.start, s.start + cut, "DISTRICT"))
            continue
        parts = _division_parts(name)
        if parts and _are_siblings(name, parts):
            out += [Span(s.start + a, s.start + b, "DISTRICT") for a, b, _ in parts]
            continue
        end = _child_after(text, s.end, parts[-1][2], others) if parts else None
        out.append(Span(s.start, end, "DISTRICT") if end else s)
    return keep_free(sorted(out))


def _before_village(name: str) -> Optional[int]:
    """Where the village starts in division + village (陕西袁家村 -> 2); None if it is not one.
    A division whose name ends in 村 (马村, of 焦作市马村区) is no village."""
    return next((i for i in range(len(name) - 2, 1, -1)
                 if _VILLAGE.fullmatch(name, i) and _division_parts(name[:i]) and not _division_parts(name[i:])),
                None)


def _are_siblings(name: str, parts: list) -> bool:
    """Two or more divisions of one province, none under the one before it (建水石屏), and no
    zone among them (武汉经济技术开发区 is one name)."""
    one_province = len({c[:2] for _, _, codes in parts for c in codes}) == 1
    return (len(parts) > 1 and one_province
            and not any(_GENERIC_DIVISION.match(name[a:b]) for a, b, _ in parts)
            and not any(_descends(parts[k + 1][2], parts[k][2]) for k in range(len(parts) - 1)))


def _child_after(text: str, end: int, parent_codes: List[str], others: "Occupancy") -> Optional[int]:
    """The end of a sub-division of ``parent_codes`` written right after ``end`` (广西|罗城), or None."""
    for stop in range(min(len(text), end + 4), end + 1, -1):
        child = _division_parts(text[end:stop])
        if child and len(child) == 1 and _descends(child[0][2], parent_codes) \
                and others.free(end, stop) and not starts_a_name(text, stop):
            return stop
    return None


def fit_districts(text: str, spans: Sequence[Span], region: Optional[str] = None,
                  taken: Sequence[Span] = ()) -> List[Span]:
    """Learned spans with every DISTRICT checked against the gazetteer: snapped to the bounds
    of a division it cuts (``snap_to_divisions``), then put in the guide's shape
    (``reshape_districts``), then relabelled where the guide says so (``relabel_districts``).
    What the trained pipelines do after their NER."""
    snapped = snap_to_divisions(text, spans, find_districts(text, region), taken=taken)
    return relabel_districts(text, reshape_districts(text, snapped, taken=taken))


def relabel_districts(text: str, spans: Sequence[Span]) -> List[Span]:
    """Learned DISTRICT spans that the guide labels otherwise: a named region that is no
    division (华东, 长三角地区; ``regions.txt``) is dropped; an item of a list of companies or
    of 片区 (支持津海、澳森等优势企业; 佳山、向山、湖西4个重点片区) takes the list's label, as
    ``find_listed_names`` reads it; a 片区 or 中心区 is a PROJECT and a port no entity
    (``_label_by_end``). Other spans pass through."""
    listed = {(s.start, s.end): s.label for s in _name_candidates(text)[0]}
    out = []
    for s in spans:
        if s.label == "DISTRICT":
            name = text[s.start:s.end]
            region = name.removesuffix("地区") in _regions()
            label = "" if region else listed.get((s.start, s.end)) or _label_by_end(name)
            if not label:
                continue
            s = Span(s.start, s.end, label)
        out.append(s)
    return out


def _label_by_end(name: str) -> str:
    """DISTRICT, or what a name ending like a zone of another kind is (宝安中心区, 广清接合片区 ->
    PROJECT; a port, 唐山港 -> "" for no entity): ``learned_district_ends`` in name_patterns.json."""
    g = gazetteer()
    if len(name) < 3 or name in g.full or name in g.short:
        return "DISTRICT"
    p = _patterns()
    if any(w in name for w in p["district_ends_keep"]):
        return "DISTRICT"
    return next((label for end, label in p["district_ends"] if name.endswith(end)), "DISTRICT")


@lru_cache(maxsize=1)
def _regions() -> frozenset:
    return frozenset(read_lines("regions.txt"))


def join_thresholds(text: str, values: Sequence[Span], spans: Sequence[Span]) -> Tuple[List[Span], List[Span]]:
    """(values, learned spans) with each set that a money threshold defines made one INDICATOR,
    threshold inside, as the guide writes it (固定资产投资5000万元以上产业项目237个, 纳税超千万元企业7家,
    生产总值超200亿元县(区)达26个). It applies where the threshold has a bound word (超, 过, 以上, 级),
    no learned INDICATOR covers it and a count is stated in its clause. An indicator that ends where
    the threshold begins (or holds its 超), the threshold, and the phrase up to the counted noun
    (``threshold_nouns`` in name_patterns.json) become one span; values and spans inside give way."""
    values, spans = list(values), list(spans)
    for m in _patterns()["threshold"].finditer(text):
        vs, ve = m.span("value")
        if not (m.group("pre") or m.group("post")):
            continue  # 总投资1.8亿元的富泉食品项目: the stated value of one project
        indicators = [s for s in spans if s.label == "INDICATOR"]
        covered = any(s.start <= vs and ve <= s.end for s in indicators)
        if covered or not _count_in_clause(text, m.start(), m.end(), values):
            continue
        start = min((s.start for s in indicators if s.end in (m.start(), vs) and s.start < m.start()),
                    default=m.start())
        end = max([m.end()] + [s.end for s in indicators if m.start() <= s.start < m.end() < s.end])
        spans = [s for s in spans if s.end <= start or s.start >= end] + [Span(start, end, "INDICATOR")]
        values = [v for v in values if v.end <= start or v.start >= end]
    return values, sorted(spans)


_CLAUSE_BREAK = re.compile(r"[,;!?。，；！？\n]")  # links._CLAUSE_END is narrower: it splits a sentence


def _count_in_clause(text: str, start: int, end: int, values: Sequence[Span]) -> bool:
    """True when a count (237个, 7家) stands in the clause of text[start:end], outside it."""
    begin = max((m.end() for m in _CLAUSE_BREAK.finditer(text, max(0, start - 60), start)), default=0)
    stop = _CLAUSE_BREAK.search(text, end)
    stop = stop.start() if stop else len(text)
    return any(is_count(text, v) for v in values if begin <= v.start and v.end <= stop
               and (v.end <= start or v.start >= end))


_TAIL_END = re.compile(r"[，,。；;：:、！？!?\s（）()“”\"《》—\-－~～·]")
_TAIL_MAX = 10


def name_tail(text: str, end: int) -> str:
    """The phrase after a place name: up to punctuation, a function word or ten characters."""
    m = _TAIL_END.search(text, end, end + _TAIL_MAX)
    seg = text[end:m.start() if m else end + _TAIL_MAX]
    stops, function = _patterns()["tail_stops"], _lexicon()[0]
    for i, ch in enumerate(seg):
        if ch in stops or seg[i:i + 2] in function or seg[i:i + 3] in function:
            return seg[:i]
    return seg


def starts_a_name(text: str, end: int) -> bool:
    """True when the place name ending at ``end`` begins the name of an institution, event,
    facility or project (陕西师范大学, 梧州宝石节, 宜昌网信产业园): the guide tags no DISTRICT there."""
    return bool(_patterns()["name_head"].search(name_tail(text, end)))


# ------------------------------------------------------------------ enterprises, projects

@lru_cache(maxsize=1)
def _enterprise_automaton():
    names = {}
    for r in read_tsv("enterprises.tsv"):
        for n in (r["short"], r["full"]):
            if n and len(n) >= 3:
                names[n] = ("enterprise", [])
    return _automaton(names)


_NAME_CHAR = r"[\u4e00-\u9fffA-Za-z0-9·]"


@lru_cache(maxsize=1)
def _patterns() -> dict:
    """Compiled name patterns from govie/data/name_patterns.json."""
    d = json.loads((DATA_DIR / "name_patterns.json").read_text(encoding="utf-8"))
    return {
        "stop": set(d["stop_first_chars"]),
        "verbs": re.compile(f"(?:{alternation(d['name_verbs'])})$"),
        "verbs_any": re.compile(alternation(d["name_verbs"])),
        "verb_words": frozenset(d["name_verbs"]),
        "enterprise": re.compile(
            rf"(?P<name>{_NAME_CHAR}{{2,8}}?)(?P<suffix>{alternation(d['enterprise_suffixes'])})"
            rf"(?![\u4e00-\u9fff]?(?:{alternation(d['enterprise_not_followed_by'])}))"),
        "enterprise_generic": re.compile(rf"^[\u4e00-\u9fff]{{0,2}}(?:{alternation(d['enterprise_generic_heads'])})"),
        "project": re.compile(
            rf"(?P<name>“[^”]{{1,16}}”{_NAME_CHAR}{{0,6}}?|{_NAME_CHAR}{{2,14}}?)(?P<suffix>{alternation(d['project_suffixes'])})"
            rf"(?![\u4e00-\u9fff]?(?:{alternation(d['project_not_followed_by'])}))"),
        "project_generic": re.compile(rf"^(?:{alternation(d['project_generic_words'])})+$"),
        "listed_enterprise": re.compile(rf"(?:{alternation(d['listed_enterprise_suffixes'])})$"),
        "name_head": re.compile(alternation(d["district_name_heads"])),
        "tail_stops": set(d["district_tail_stops"]),
        "place_phrase_after": {k: re.compile(alternation(v)) for k, v in d["place_phrase_after"].items() if k != "_doc"},
        "district_ends": sorted(((e, lab) for e, lab in d["learned_district_ends"].items() if e != "_doc"),
                                key=lambda x: -len(x[0])),
        "district_ends_keep": tuple(d["learned_district_ends_keep"]),
        "threshold": re.compile(
            rf"(?P<pre>超过|超|过|逾|在)?(?P<value>(?:{ARABIC}|[一二两三四五六七八九十百千]+)?(?:千万|百万|十亿|百亿|千亿|万|亿)元)"
            rf"(?:(?:至|到){ARABIC}(?:万|亿)?元)?(?P<post>及以上|以上|以下|级)?的?"
            rf"[^\s,;:、!?。，；：！？()（）\d]{{0,8}}?(?:{alternation(d['threshold_nouns'])})"),
    }


def _trim_left(text: str, start: int, end: int) -> int:
    """Move a name's start right past stop characters and verbs inside the candidate; a verb
    is cut only where no word runs across the cut (新建|设施农业, not 新建设|施农业)."""
    seg = text[start:end]
    cut = 0
    for i in range(len(seg) - 1, -1, -1):
        if seg[i] in "的和与及或等、,;:。“”《》()":
            cut = i + 1
            break
        if (i + 1 < len(seg) and _patterns()["verbs"].search(seg[: i + 1])
                and not _word_across(seg, i + 1)):
            cut = i + 1
            break
    return start + cut


def _word_across(seg: str, cut: int) -> bool:
    """True when ``cut`` falls inside a word of ``seg`` read by forward maximum matching over the
    common words, function words and name verbs (新建|设施|农业: a cut after 新建设 is inside)."""
    words, i = _words(), 0
    while i < cut:
        i += next((n for n in (4, 3, 2) if seg[i:i + n] in words), 1)
    return i != cut


@lru_cache(maxsize=1)
def _words() -> frozenset:
    function, common = _lexicon()
    return function | common | _patterns()["verb_words"]


@lru_cache(maxsize=1)
def _lexicon() -> Tuple[frozenset, frozenset]:
    """(function words, common words), derived from jieba's dictionary (see govie/data/README.md)."""
    return frozenset(read_lines("function_words.txt")), frozenset(read_lines("common_words.txt"))


_GENERIC_CHARS = set("省市区县镇乡村级新老大小各类型化性式业")


def trim_function_words(name: str) -> str:
    """Drop verbs, adverbs and particles from the left edge: 确保国药控股 -> 国药控股."""
    function = _lexicon()[0]
    changed = True
    while changed and len(name) > 2:
        changed = False
        for n in (4, 3, 2, 1):
            if len(name) - n >= 2 and name[:n] in function and not _word_across(name, n):
                name, changed = name[n:], True
                break
    return name


def is_generic(name: str) -> bool:
    """True when ``name`` is made only of common words (重点项目, 污水处理工程): no distinctive part."""
    function, common = _lexicon()
    ok = [True] + [False] * len(name)
    for i in range(len(name)):
        if not ok[i]:
            continue
        if name[i] in _GENERIC_CHARS or name[i] in function:
            ok[i + 1] = True
        for n in (2, 3, 4):
            w = name[i:i + n]
            if len(w) == n and (w in common or w in function):
                ok[i + n] = True
    return ok[len(name)]


def find_enterprises(text: str) -> List[Span]:
    spans = [Span(end - len(name) + 1, end + 1, "ENTERPRISE")
             for end, (name, _, _) in _enterprise_automaton().iter_long(text)]
    pat = _patterns()
    for m in pat["enterprise"].finditer(text):
        start = _trim_left(text, m.start("name"), m.start("suffix"))
        name = trim_function_words(text[start:m.start("suffix")])
        start = m.start("suffix") - len(name)
        if len(name) < 2 or name[0] in pat["stop"] or pat["enterprise_generic"].match(name) or is_generic(name):
            continue
        spans.append(Span(start, m.end(), "ENTERPRISE"))
    return spans


def find_projects(text: str) -> List[Span]:
    spans = []
    pat = _patterns()
    for m in pat["project"].finditer(text):
        start = _trim_left(text, m.start("name"), m.start("suffix"))
        name = trim_function_words(text[start:m.start("suffix")])
        start = m.start("suffix") - len(name)
        if len(name) < 2 or pat["project_generic"].match(name) or name[0] in pat["stop"] or is_generic(name):
            continue
        if re.search(r"\d+(?:个|家|项|亿|万)", name):
            continue
        spans.append(Span(start, m.end(), "PROJECT"))
    return spans


_LIST_ITEM = r"[\u4e00-\u9fffA-Za-z0-9()“”]{2,14}"
_COUNT = r"(?:\d+|[一二两三四五六七八九十]+)"
_LIST_KIND = (r"(?P<kind>(?:骨干|重点|龙头|头部|链主|优质|优势|规上|工业|科技型|高新技术)?企业"
              r"|(?:重点|重大|产业|优质)?(?:项目|片区))")
_NAME_LISTS = (
    # 支持今麦郎、德兰和创等企业; 依托小视科技等龙头企业
    re.compile(rf"(?P<items>{_LIST_ITEM}(?:、{_LIST_ITEM}){{0,8}})等{_COUNT}?(?:家|个|批)?{_LIST_KIND}"),
    # 瑞泰马钢、新康达2家企业: no 等, but two or more items and a count
    re.compile(rf"(?P<items>{_LIST_ITEM}(?:、{_LIST_ITEM}){{1,8}})(?<!等){_COUNT}(?:家|个){_LIST_KIND}"),
)


# a list match lies inside one run of these characters; runs that cannot hold one are skipped
_LIST_RUN = re.compile(r"[\u4e00-\u9fffA-Za-z\d()“”、]{3,}")
_LIST_KIND_WORDS = ("企业", "项目", "片区")


def _list_matches(text: str):
    """The matches of ``_NAME_LISTS`` over ``text``, in the order ``finditer`` gives them, each
    pattern searched only inside the runs of list characters that name a kind (fast on long texts)."""
    runs = [(r.start(), r.end()) for r in _LIST_RUN.finditer(text)
            if any(w in r.group() for w in _LIST_KIND_WORDS)]
    for pattern in _NAME_LISTS:
        for start, end in runs:
            yield from pattern.finditer(text, start, end)


def find_listed_names(text: str) -> List[Span]:
    """Names listed before 等…企业 / 等…项目 / N个…片区 (支持今麦郎、德兰和创等企业; 佳山、向山、湖西4个重点片区):
    companies, or projects when the item is named like one (a 片区 is a PROJECT, also when it
    bears a township's name). A company standing for its project stays ENTERPRISE."""
    spans = []
    for m in _list_matches(text):
        pos = m.start("items")
        for k, item in enumerate(m.group("items").split("、")):
            start, name = pos, item
            if k == 0:  # what follows its last verb (支持今麦郎 -> 今麦郎), else the item less leading function words
                name = _strip_to_last_verb(item)
                if name == item:
                    name = trim_function_words(item)
                start = pos + len(item) - len(name)
            pos += len(item) + 1
            if len(name) < 2 or is_generic(name) or re.search(r"\d", name):
                continue
            if m.group("kind").endswith("企业") or _patterns()["listed_enterprise"].search(name) \
                    or _is_listed_company(name):
                label = "ENTERPRISE"
            else:
                label = "PROJECT"
            spans.append(Span(start, start + len(name), label))
    return spans


def _is_listed_company(name: str) -> bool:
    return bool(_enterprise_automaton().exists(name))


def _strip_to_last_verb(item: str) -> str:
    """支持今麦郎 -> 今麦郎: the text after the last verb, if at least two characters remain."""
    ends = [m.end() for m in _patterns()["verbs_any"].finditer(item)]
    return item[ends[-1]:] if ends and ends[-1] < len(item) - 1 else item


def find_names(text: str, region: Optional[str] = None, taken: Sequence[Span] = ()) -> List[Span]:
    """DISTRICT, ENTERPRISE and PROJECT spans not overlapping ``taken`` or each other.

    Priority on overlap: values (taken) > PROJECT > ENTERPRISE > DISTRICT; a longer span
    wins within a label.
    """
    by_priority = [s for group in (*_name_candidates(text), find_districts(text, region))
                   for s in sorted(group, key=lambda s: (s.start, -(s.end - s.start)))]
    return sorted(keep_free(by_priority, taken))


@lru_cache(maxsize=2)
def _name_candidates(text: str) -> tuple:
    """Listed names, projects and enterprises of a text; cached, since a trained pipeline asks
    twice for the same text (gazetteer features, then the rule names it keeps)."""
    return tuple(find_listed_names(text)), tuple(find_projects(text)), tuple(find_enterprises(text))


class Occupancy:
    """Character positions taken by earlier spans."""

    def __init__(self, spans: Iterable[Span] = ()):
        self.pos = bytearray()
        for s in spans:
            self.add(s.start, s.end)

    def add(self, start: int, end: int) -> None:
        if end > len(self.pos):
            self.pos.extend(b"\0" * (end - len(self.pos) + 1024))
        self.pos[start:end] = b"\1" * (end - start)

    def free(self, start: int, end: int) -> bool:
        return not any(self.pos[start:min(end, len(self.pos))])
