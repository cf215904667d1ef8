"""Dirty input: every case of issue 6's list gives a well-defined result or a clear GovieError.

Each case states what the result must be, not only that nothing crashed.
"""
from __future__ import annotations

import codecs
import re
from types import SimpleNamespace

import pytest

import govie
import govie.pipeline
from govie.cli import main


def targets(text):
    return [(t.indicator.text, t.type, t.number, t.number_high, t.unit, t.qualifier) for t in govie.extract(text).targets]


def assert_offsets(text, res):
    for e in res.entities:
        assert text[e.start:e.end] == e.text
    spans = sorted((e.start, e.end) for e in res.entities)
    assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:]))


@pytest.mark.parametrize("text", ["", " ", "\n\r\t\u3000 ", "abc def 123", "1234567890" * 1000,
                                  "\x00\x01\x02\x7f\xff", "🙂" * 50, "الناتج المحلي",
                                  "الناتج المحلي الإجمالي للمنطقة", "Валовой региональный продукт"])
def test_empty_blank_and_non_chinese_text_give_empty_results(text):
    res = govie.extract(text)
    assert res.entities == [] and res.targets == [] and res.ok


@pytest.mark.parametrize("bad", [None, b"GDP\xe5\xa2\x9e", 6, ["GDP增长6%"], {"text": "x"}])
def test_non_str_is_a_plain_type_error(bad):
    with pytest.raises(TypeError, match="text must be a str"):
        govie.extract(bad)


def test_lone_surrogate_is_an_input_error():
    with pytest.raises(govie.InputError, match="lone surrogate"):
        govie.extract("GDP增长6%\udcff")


def test_binary_junk_decoded_leniently_gives_valid_offsets():
    junk = bytes(range(256)).decode("latin-1") * 20 + "地区生产总值增长6%" + bytes(range(255, -1, -1)).decode("latin-1")
    res = govie.extract(junk)
    assert_offsets(junk, res)
    assert [(t.indicator.text, t.number) for t in res.targets] == [("地区生产总值", 6.0)]


def test_single_huge_line_without_stops_is_processed_in_bounded_pieces():
    text = "地区生产总值增长百分之六固定资产投资增长7%新签约项目38个" * 3000  # 90k chars, one "sentence"
    res = govie.extract(text)
    assert_offsets(text, res)
    assert sum(e.label == "PERCENT" for e in res.entities) == 6000


@pytest.fixture
def ner_extractor():
    """The default model, when it has a statistical NER (tests that swap parts of it)."""
    ex = govie.load()
    if ex.nlp is None:
        pytest.skip("the default model has no statistical NER")
    return ex


PIECES_REPORT = ("一、2024年工作回顾\n全区地区生产总值增长5.8%,固定资产投资增长7%。\n"
                 "雨山区新签约项目38个,瑞泰马钢、小视科技等企业加快发展,图灵小镇项目开工建设。\n"
                 "二、2025年工作安排\n主要预期目标是:地区生产总值增长6%左右,城镇新增就业3000人。\n") * 40
PIECES = [("WINDOW_CHARS", 300),  # the report in windows
          ("NER_CHUNK_CHARS", 120)]  # the NER's pieces of a window


def _context_free_ner(doc):
    """A stand-in NER whose tags do not depend on context: fixed names by string match."""
    from spacy.tokens import Span

    from govie.components import doc_text

    names = {"雨山区": "DISTRICT", "瑞泰马钢": "ENTERPRISE", "小视科技": "ENTERPRISE", "图灵小镇项目": "PROJECT"}
    found = [Span(doc, m.start(), m.end(), label=names[m.group()]) for m in re.finditer("|".join(names), doc_text(doc))]
    doc.ents = list(doc.ents) + found
    return doc


@pytest.mark.parametrize("knob, size", PIECES)
def test_pieces_are_stitched_exactly(monkeypatch, ner_extractor, knob, size):
    """Windows and NER pieces give the whole text's result when the NER ignores context."""
    stand_in = SimpleNamespace(make_doc=ner_extractor.nlp.make_doc, pipeline=[("names", _context_free_ner)])
    monkeypatch.setattr(ner_extractor, "nlp", stand_in)
    whole = ner_extractor.extract(PIECES_REPORT)
    monkeypatch.setattr(govie.pipeline, knob, size)
    pieces = ner_extractor.extract(PIECES_REPORT)
    assert_offsets(PIECES_REPORT, pieces)
    assert pieces.entities == whole.entities
    assert sum(e.label == "PROJECT" for e in whole.entities) == 40


@pytest.mark.parametrize("knob, size", PIECES)
def test_extraction_in_pieces_equals_whole_text(monkeypatch, knob, size):
    """With the real model, values, indicators and targets match the whole text's. Names may
    differ at a piece's first characters, which lack left context: here every line starts a
    piece. At the shipped sizes, 0 of 12,660 entities of the dev and whole-report gold differ."""
    whole = govie.extract(PIECES_REPORT)
    monkeypatch.setattr(govie.pipeline, knob, size)
    pieces = govie.extract(PIECES_REPORT)
    assert_offsets(PIECES_REPORT, pieces)
    not_names = ("AMOUNT", "PERCENT", "INDICATOR")
    assert [e for e in pieces.entities if e.label in not_names] == [e for e in whole.entities if e.label in not_names]
    assert [(t.value, t.indicator, t.status, t.type) for t in pieces.targets] == \
           [(t.value, t.indicator, t.status, t.type) for t in whole.targets]
    assert {t.status for t in pieces.targets} == {"actual", "target"}  # the section carries over pieces
    labels = {e.label for e in whole.entities}
    assert labels >= {"INDICATOR", "PERCENT"} and labels & {"DISTRICT", "ENTERPRISE", "PROJECT"}


def test_html_page_tags_scripts_and_entities():
    page = ("<html><head><script>var s='GDP增长99%';</script><style>p{x:1}</style></head>"
            "<body><p>全区地区生产总值增长&nbsp;6%&nbsp;左右</p><br/>固定资产投资增长7&#37;</body></html>")
    res = govie.extract(page)
    assert_offsets(page, res)
    got = [(t.indicator.text, t.number, t.qualifier) for t in res.targets]
    assert ("地区生产总值", 6.0, "approx") in got and all(n != 99.0 for _, n, _ in got)


def test_full_width_digits_and_punctuation():
    assert targets("ＧＤＰ增长６．５％左右。") == [("ＧＤＰ", "growth", 6.5, None, "%", "approx")]


def test_mixed_line_ends_and_zero_width_characters():
    text = "地区生产总值\u200b增长6%\r\n投资增长7%\n消费增长\ufeff5%\r"
    res = govie.extract(text)
    assert_offsets(text, res)
    assert [(t.indicator.text, t.number) for t in res.targets] == [("地区生产总值", 6.0), ("投资", 7.0), ("消费", 5.0)]


@pytest.mark.parametrize("text,expected", [
    ("全市财政收入1,234.5亿元。", ("财政收入", "level", 1.2345e11, None, "元", "exact")),
    ("投资5-10亿元。", ("投资", "level", 5e8, 1e9, "元", "exact")),
    ("投资5～10亿元。", ("投资", "level", 5e8, 1e9, "元", "exact")),
    ("地区生产总值增长-2.3%。", ("地区生产总值", "growth", -2.3, None, "%", "exact")),
    ("工业增加值下降2.3%。", ("工业增加值", "decline", 2.3, None, "%", "exact")),
])
def test_thousands_separators_ranges_and_negative_growth(text, expected):
    assert targets(text) == [expected]


@pytest.mark.parametrize("encoding,bom", [("gbk", b""), ("gb18030", b""), ("utf-8", codecs.BOM_UTF8)])
def test_cli_reads_gbk_gb18030_and_bom_files(tmp_path, encoding, bom):
    text = "今年全区地区生产总值增长6%左右。"
    (tmp_path / "r.txt").write_bytes(bom + text.encode(encoding))
    out = tmp_path / "out.jsonl"
    assert main(["extract", str(tmp_path / "r.txt"), "-o", str(out), "-q", "--encoding", "auto"]) == 0
    (line,) = govie.io.read_annotations(out)
    assert line["text"] == text


def test_extract_many_records_a_failure_and_goes_on():
    out = list(govie.extract_many(["GDP增长6%。", None, "GDP增长\udcff", "投资增长7%。"]))
    assert [r.ok for r in out] == [True, False, False, True]
    assert "TypeError" in out[1].error and "InputError" in out[2].error


@pytest.mark.parametrize("content", ["{not json", "[1, 2]", '{"name": "x"}', ""])
def test_corrupt_model_directory_is_one_clear_error(tmp_path, content):
    (tmp_path / "meta.json").write_text(content, encoding="utf-8")
    with pytest.raises(govie.ModelLoadError) as info:
        govie.load(tmp_path)
    assert str(tmp_path) in str(info.value)


def test_learned_names_cut_inside_quotes_or_in_other_scripts_are_dropped(monkeypatch, ner_extractor):
    from govie.quantities import Span

    text = "全面打造“三峡智谷”,建设北斗云谷。الناتج"
    learned = [Span(text.index(s), text.index(s) + len(s), "PROJECT") for s in ("“三峡智谷", "北斗云谷", "الناتج")]
    monkeypatch.setattr(ner_extractor, "_spacy_spans", lambda *args: learned)
    assert [(e.text, e.label) for e in ner_extractor.extract(text).entities] == [("北斗云谷", "PROJECT")]


def test_places_in_phrases_join_the_learned_names_where_free(monkeypatch, ner_extractor):
    from govie.quantities import Span

    text = "打造“乐业雨山”就业品牌,推进“数字雨山”地理空间框架项目,融入合肥都市圈。"
    project = "“数字雨山”地理空间框架项目"
    learned = [Span(text.index(project), text.index(project) + len(project), "PROJECT")]
    monkeypatch.setattr(ner_extractor, "_spacy_spans", lambda *args: learned)
    got = [(e.text, e.label, e.start) for e in ner_extractor.extract(text, region="安徽省马鞍山市雨山区").entities]
    assert got == [("雨山", "DISTRICT", 5), (project, "PROJECT", text.index(project)),
                   ("合肥", "DISTRICT", text.index("合肥"))]


def test_ner_threads_give_the_one_thread_result(monkeypatch, ner_extractor):
    """The NER's batches run side by side on a thread pool; the output is the one-thread output."""
    monkeypatch.setattr(govie.pipeline, "NER_CHUNK_CHARS", 200)  # many pieces, many batches
    monkeypatch.setenv("GOVIE_THREADS", "1")
    one = ner_extractor.extract(PIECES_REPORT)
    monkeypatch.setenv("GOVIE_THREADS", "3")
    three = ner_extractor.extract(PIECES_REPORT)
    assert 3 in ner_extractor._threads  # the pool was used
    assert three.entities == one.entities and three.targets == one.targets
    assert sum(e.label == "PROJECT" for e in one.entities) >= 40


@pytest.mark.parametrize("value", ["0", "two", "-1"])
def test_bad_govie_threads_is_a_clear_error(monkeypatch, ner_extractor, value):
    monkeypatch.setenv("GOVIE_THREADS", value)
    with pytest.raises(ValueError, match="GOVIE_THREADS"):
        ner_extractor.extract(PIECES_REPORT)
