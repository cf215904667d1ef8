"""Offsets are sacred: property tests over random mixes of report fragments, noise and unicode."""
from hypothesis import given, settings, strategies as st

import govie

FRAGMENTS = [
    "今年主要预期目标是:", "全区地区生产总值增长6%左右,", "城镇和农村居民人均可支配收入分别增长4.8%、6%。",
    "新签约项目38个,其中固投5亿元以上重大项目5个。", "ＧＤＰ增长６．５％", "<p>固定资产投资</p>", "&nbsp;&amp;",
    "\u200b", "\r\n", "1,234.5亿元", "-2.3%", "下降", "马鞍山市雨山区", "两江控股", "图灵小镇项目", "5-10亿元",
    "百分之八", "三个百分点", "“十四五”", "PM2.5", "<script>x=1;</script>", "一、2024年工作回顾\n",
]

texts = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=8)), max_size=25).map("".join)


@settings(max_examples=300, deadline=None)
@given(texts)
def test_offsets_entities_match_original_text(text):
    res = govie.extract(text)
    for e in res.entities:
        assert 0 <= e.start < e.end <= len(text)
        assert text[e.start:e.end] == e.text


@settings(max_examples=300, deadline=None)
@given(texts)
def test_offsets_spans_do_not_overlap_and_relations_resolve(text):
    res = govie.extract(text)
    spans = sorted((e.start, e.end) for e in res.entities)
    for (s1, e1), (s2, e2) in zip(spans, spans[1:]):
        assert e1 <= s2
    ents = set(res.entities)
    for t in res.targets:
        assert t.value in ents and t.indicator in ents
