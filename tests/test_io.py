"""govie.io: reading report texts in their encodings, validating annotation JSONL, writing JSONL."""
from __future__ import annotations

import codecs
import json

import pytest

from govie.errors import AnnotationError, InputError
from govie.io import iter_jsonl, read_annotations, read_text, write_jsonl

REPORT = "雨山区今年地区生产总值增长6%左右，固定资产投资增长7%，城镇新增就业3000人。"
RARE = "𫖯钢铁集团新增产值5亿元。"  # 𫖯 (CJK Ext. E) exists in GB18030 but not in GBK


@pytest.mark.parametrize("text,encoding,bom", [
    (REPORT, "utf-8", b""),
    (REPORT, "utf-8", codecs.BOM_UTF8),
    (REPORT, "gbk", b""),
    (REPORT, "gb2312", b""),
    (REPORT, "gb18030", b""),
    (RARE, "gb18030", b""),
    (REPORT, "utf-16-le", codecs.BOM_UTF16_LE),
])
def test_read_text_auto_detects_encoding(tmp_path, text, encoding, bom):
    path = tmp_path / "report.txt"
    path.write_bytes(bom + text.encode(encoding))
    assert read_text(path) == text


def test_read_text_strips_bom_with_explicit_encoding(tmp_path):
    path = tmp_path / "report.txt"
    path.write_bytes(codecs.BOM_UTF8 + REPORT.encode("utf-8"))
    assert read_text(path, encoding="utf-8") == REPORT


def test_read_text_explicit_gbk(tmp_path):
    path = tmp_path / "report.txt"
    path.write_bytes(REPORT.encode("gbk"))
    assert read_text(path, encoding="gbk") == REPORT


def test_read_text_keeps_line_ends(tmp_path):
    path = tmp_path / "report.txt"
    path.write_bytes("第一段。\r\n第二段。\n".encode("utf-8"))
    assert read_text(path) == "第一段。\r\n第二段。\n"


def test_read_text_accepts_str_path(tmp_path):
    path = tmp_path / "report.txt"
    path.write_bytes(REPORT.encode("gbk"))
    assert read_text(str(path)) == REPORT


def test_read_text_undecodable_names_file_and_option(tmp_path):
    path = tmp_path / "broken.txt"
    path.write_bytes(b"\xff\xff\x80\x80 not a report")
    with pytest.raises(InputError) as exc:
        read_text(path)
    assert "broken.txt" in str(exc.value)
    assert "--encoding" in str(exc.value)


def test_read_text_wrong_explicit_encoding_raises(tmp_path):
    path = tmp_path / "report.txt"
    path.write_bytes(REPORT.encode("gbk"))
    with pytest.raises(InputError, match="report.txt"):
        read_text(path, encoding="utf-8")


def test_read_text_unknown_encoding_name(tmp_path):
    path = tmp_path / "report.txt"
    path.write_bytes(REPORT.encode("utf-8"))
    with pytest.raises(InputError, match="unknown encoding"):
        read_text(path, encoding="no-such-codec")


def test_read_text_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="nope.txt"):
        read_text(tmp_path / "nope.txt")


def test_read_text_directory_is_input_error(tmp_path):
    with pytest.raises(InputError, match="directory"):
        read_text(tmp_path)


def test_read_text_binary_file_is_input_error(tmp_path):
    path = tmp_path / "image.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    with pytest.raises(InputError, match="image.txt"):
        read_text(path)


# --------------------------------------------------------------------------- annotations

TEXT = "全年GDP增长6%。"  # GDP = [2:5], 6% = [7:9]


def _good(**changes) -> dict:
    doc = {"id": "d1", "text": TEXT,
           "entities": [{"id": 1, "label": "INDICATOR", "start_offset": 2, "end_offset": 5},
                        {"id": 2, "label": "PERCENT", "start_offset": 7, "end_offset": 9}],
           "relations": [{"id": 1, "from_id": 2, "to_id": 1, "type": "growth", "status": "target",
                          "qualifier": "exact"}]}
    doc.update(changes)
    return doc


def _ent(**changes) -> list:
    doc = _good()
    doc["entities"][1].update(changes)
    return doc["entities"]


def _rel(**changes) -> list:
    doc = _good()
    doc["relations"][0].update(changes)
    return doc["relations"]


BAD_LINES = [
    ("malformed_json", '{"text": "全年GDP增长6%。", ', "malformed JSON"),
    ("not_an_object", "[1, 2]", "JSON object"),
    ("missing_text", {"id": "x", "entities": [], "relations": []}, "missing 'text'"),
    ("text_not_str", {"text": 5}, "'text' must be a string"),
    ("offset_past_end", _good(entities=_ent(end_offset=99)), "past the end"),
    ("start_equals_end", _good(entities=_ent(start_offset=7, end_offset=7)), "start_offset < end_offset"),
    ("start_after_end", _good(entities=_ent(start_offset=8, end_offset=7)), "start_offset < end_offset"),
    ("negative_start", _good(entities=_ent(start_offset=-1)), "start_offset < end_offset"),
    ("offset_not_int", _good(entities=_ent(start_offset="7")), "integer"),
    ("unknown_label", _good(entities=_ent(label="MONEY")), "unknown label 'MONEY'"),
    ("duplicate_entity_id", _good(entities=_ent(id=1)), "duplicate entity id 1"),
    ("overlapping_spans", _good(entities=_ent(start_offset=4)), "overlap"),
    ("relation_from_missing", _good(relations=_rel(from_id=9)), "from_id 9"),
    ("relation_to_missing", _good(relations=_rel(to_id=9)), "to_id 9"),
    ("relation_wrong_direction", _good(relations=_rel(from_id=1, to_id=2)), "from the value"),
    ("unknown_type", _good(relations=_rel(type="increase")), "unknown type 'increase'"),
    ("unknown_status", _good(relations=_rel(status="plan")), "unknown status 'plan'"),
    ("missing_status", _good(relations=[{k: v for k, v in _rel()[0].items() if k != "status"}]),
     "unknown status None"),
    ("unknown_qualifier", _good(relations=_rel(qualifier="about")), "unknown qualifier 'about'"),
    ("indicator_name_not_str", _good(relations=_rel(indicator_name=3)), "indicator_name"),
]


@pytest.mark.parametrize("line,message", [c[1:] for c in BAD_LINES], ids=[c[0] for c in BAD_LINES])
def test_read_annotations_error_names_file_and_line(tmp_path, line, message):
    path = tmp_path / "gold.jsonl"
    bad = line if isinstance(line, str) else json.dumps(line, ensure_ascii=False)
    path.write_text(json.dumps(_good(), ensure_ascii=False) + "\n\n" + bad + "\n", encoding="utf-8")
    with pytest.raises(AnnotationError) as exc:
        read_annotations(path)
    assert exc.value.path == str(path)
    assert exc.value.line == 3
    assert str(exc.value).startswith(f"{path}:3: ")
    assert message in str(exc.value)


def test_annotation_error_is_value_error(tmp_path):
    path = tmp_path / "gold.jsonl"
    path.write_text("{oops\n", encoding="utf-8")
    with pytest.raises(ValueError):
        read_annotations(path)


def test_read_annotations_valid_lines(tmp_path):
    path = tmp_path / "gold.jsonl"
    docs = [_good(), _good(id="d2", entities=[], relations=[])]
    path.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in docs), encoding="utf-8")
    assert read_annotations(path) == docs


def test_read_annotations_passage_meta(tmp_path):
    path = tmp_path / "passages.jsonl"
    doc = _good(meta={"doc": "yushan-2025", "offset": 1200, "region": "安徽省马鞍山市雨山区"})
    path.write_text(json.dumps(doc, ensure_ascii=False) + "\n", encoding="utf-8")
    assert read_annotations(path)[0]["meta"]["offset"] == 1200


def test_read_annotations_utf8_bom_file(tmp_path):
    path = tmp_path / "gold.jsonl"
    path.write_bytes(codecs.BOM_UTF8 + (json.dumps(_good(), ensure_ascii=False) + "\n").encode("utf-8"))
    assert read_annotations(path)[0]["id"] == "d1"


def test_read_annotations_keeps_extra_relation_keys(tmp_path):
    path = tmp_path / "pred.jsonl"
    doc = _good(relations=_rel(indicator_name="地区生产总值", value=6.0, unit="%", indicator_id="gdp"))
    path.write_text(json.dumps(doc, ensure_ascii=False) + "\n", encoding="utf-8")
    rel = read_annotations(path)[0]["relations"][0]
    assert (rel["indicator_name"], rel["value"], rel["unit"]) == ("地区生产总值", 6.0, "%")


def test_read_annotations_error_lines_need_allow_errors(tmp_path):
    path = tmp_path / "pred.jsonl"
    path.write_text(json.dumps({"doc": "a.txt", "error": "InputError: cannot decode"}) + "\n", encoding="utf-8")
    with pytest.raises(AnnotationError, match="missing 'text'"):
        read_annotations(path)
    assert read_annotations(path, allow_errors=True)[0]["error"].startswith("InputError")


def test_iter_jsonl_without_validation(tmp_path):
    path = tmp_path / "any.jsonl"
    path.write_text('{"a": 1}\n{"b": 2}\n', encoding="utf-8")
    assert list(iter_jsonl(path, validate=False)) == [{"a": 1}, {"b": 2}]


def test_iter_jsonl_is_lazy(tmp_path):
    path = tmp_path / "gold.jsonl"
    path.write_text(json.dumps(_good(), ensure_ascii=False) + "\n{oops\n", encoding="utf-8")
    records = iter_jsonl(path)
    assert next(records)["id"] == "d1"
    with pytest.raises(AnnotationError):
        next(records)


def test_read_annotations_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="gold.jsonl"):
        read_annotations(tmp_path / "gold.jsonl")


def test_read_annotations_dev_gold_is_valid(gold_path):
    docs = read_annotations(gold_path)
    assert len(docs) >= 1
    assert all(d["text"] for d in docs)


def test_write_jsonl_round_trip(tmp_path):
    path = tmp_path / "sub" / "out.jsonl"
    docs = [_good(), _good(id="d2")]
    assert write_jsonl(path, iter(docs)) == 2
    raw = path.read_text(encoding="utf-8")
    assert "全年GDP增长" in raw  # Chinese written as is, not \u escapes
    assert raw.count("\n") == 2
    assert read_annotations(path) == docs


@pytest.mark.parametrize("suffix, magic", [(".jsonl.xz", b"\xfd7zXZ"), (".jsonl.gz", b"\x1f\x8b")])
def test_write_jsonl_compresses_by_suffix(tmp_path, suffix, magic):
    path = tmp_path / ("out" + suffix)
    docs = [_good(), _good(id="d2")]
    assert write_jsonl(path, docs) == 2
    assert path.read_bytes().startswith(magic)
    assert read_annotations(path) == docs
