"""Normalisation keeps a map back to the caller's string."""
import pytest

from govie.text import brackets_balanced, normalise, split_sentences

MAP_CASES = [
    ("ＧＤＰ增长６％", "GDP增长6%"),
    ("增长6%<b>左右</b>", "增长6%左右"),
    ("收入&amp;支出增长5%", "收入&支出增长5%"),
    ("增\u200b长6%", "增长6%"),
    ("第一行\r\n第二行", "第一行\n第二行"),
    ("a\u00a0b\u3000c", "a b c"),
    ("<script>var x = '6%';</script>增长7%", "增长7%"),
]


@pytest.mark.parametrize("original,expected", MAP_CASES)
def test_normalise_folds_and_cleans(original, expected):
    assert normalise(original).text.strip() == expected


@pytest.mark.parametrize("original,expected", [c for c in MAP_CASES if "%" in c[1]])
def test_normalise_maps_spans_back_to_original(original, expected):
    norm = normalise(original)
    i = norm.text.rindex("%") - 1
    start, end = norm.to_original(i, i + 2)
    assert original[start:end].replace("６", "6").replace("％", "%") == norm.text[i:i + 2]


def test_normalise_entity_maps_to_whole_original_span():
    original = "增长6&#37;左右"
    norm = normalise(original)
    assert norm.text == "增长6%左右"
    assert original[slice(*norm.to_original(2, 4))] == "6&#37;"


def test_split_sentences_on_stops_and_lines():
    text = "第一句。第二句;第三句\n第四句"
    assert [text[s.start:s.end] for s in split_sentences(text)] == ["第一句。", "第二句;", "第三句", "第四句"]


def test_normalise_escaped_line_breaks_become_lines():
    original = "一、回顾\\r\\n固定资产投资增长7%\\n完"
    norm = normalise(original)
    assert norm.text == "一、回顾\n固定资产投资增长7%\n完"
    i = norm.text.index("\n")
    assert original[slice(*norm.to_original(i, i + 1))] == "\\r\\n"


@pytest.mark.parametrize("name, ok", [
    ("“三峡智谷”", True), ("“引清入宜”二期工程", True), ("山东博士(后)国际创新创业园", True), ("鹏银数据中心", True),
    ("“三峡智谷", False), ("北斗云谷”千亿科技城", False), ("“两城", False), ("《规划)", False), ("a)(b", False),
])
def test_brackets_balanced(name, ok):
    assert brackets_balanced(name) is ok
