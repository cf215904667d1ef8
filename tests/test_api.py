"""The public API contract: names, shapes, errors."""
import json

import pytest

import govie

TEXT = "安徽省马鞍山市雨山区2025年政府工作报告\n今年主要预期目标是:全区地区生产总值增长6%左右,新签约项目40个。"


def test_api_exports_the_documented_names():
    for name in ("extract", "extract_many", "load", "to_dataframe", "read_text", "Result", "Entity", "Target",
                 "GovieError", "__version__"):
        assert hasattr(govie, name)


def test_api_extract_returns_result_with_context():
    res = govie.extract(TEXT)
    assert isinstance(res, govie.Result)
    assert res.region == "安徽省马鞍山市雨山区" and res.year == 2025
    assert all(isinstance(e, govie.Entity) for e in res.entities)
    assert {t.indicator_id for t in res.targets} >= {"gdp"}


def test_api_region_and_year_arguments_override():
    res = govie.extract(TEXT, region="湖北省宜昌市点军区", year=2022)
    assert (res.region, res.year) == ("湖北省宜昌市点军区", 2022)
    assert all(t.year == 2022 for t in res.targets)


def test_api_to_doccano_relations_point_at_entities():
    d = govie.extract(TEXT).to_doccano()
    ids = {e["id"]: e for e in d["entities"]}
    assert d["relations"]
    for r in d["relations"]:
        assert ids[r["from_id"]]["label"] in ("AMOUNT", "PERCENT")
        assert ids[r["to_id"]]["label"] == "INDICATOR"
        assert {"indicator_name", "value", "unit", "status", "qualifier", "type"} <= set(r)


def test_api_to_json_round_trips():
    res = govie.extract(TEXT)
    assert json.loads(res.to_json())["targets"][0]["indicator_name"] == res.targets[0].indicator_name


def test_api_extract_many_keeps_order_and_records_failures():
    out = list(govie.extract_many([TEXT, None, "GDP增长5%。"]))
    assert [r.ok for r in out] == [True, False, True]
    assert "TypeError" in out[1].error
    assert out[2].targets[0].number == 5.0


def test_api_extract_many_parallel_matches_serial():
    texts = [TEXT, "固定资产投资增长7%。", "新增规上工业企业6家。"] * 3
    serial = [r.to_doccano() for r in govie.extract_many(texts)]
    parallel = [r.to_doccano() for r in govie.extract_many(texts, n_process=2, batch_size=2)]
    assert serial == parallel


def test_api_to_dataframe_one_row_per_target():
    df = govie.to_dataframe(govie.extract_many([TEXT, TEXT]))
    assert len(df) == 2 * len(govie.extract(TEXT).targets)
    assert {"indicator_id", "number", "unit", "status", "qualifier"} <= set(df.columns)


@pytest.mark.parametrize("bad", [None, b"bytes", 12, ["list"]])
def test_api_extract_rejects_non_str_with_type_error(bad):
    with pytest.raises(TypeError, match="must be a str"):
        govie.extract(bad)


@pytest.mark.parametrize("text", ["", "   \n\t", "no chinese at all 123", "\x00\x01\x02binary"])
def test_api_extract_degenerate_text_gives_empty_result(text):
    res = govie.extract(text)
    assert res.targets == [] and all(text[e.start:e.end] == e.text for e in res.entities)


def test_api_load_unknown_model_says_what_exists():
    with pytest.raises(govie.ModelNotFoundError, match="rules"):
        govie.load("no-such-model")


def test_api_load_directory_without_meta_is_a_clear_error(tmp_path):
    with pytest.raises(govie.ModelLoadError, match="meta.json"):
        govie.load(tmp_path)


def test_api_load_format_mismatch_is_a_clear_error(tmp_path):
    (tmp_path / "meta.json").write_text('{"name": "x", "format": 99}', encoding="utf-8")
    with pytest.raises(govie.ModelLoadError, match="format"):
        govie.load(tmp_path)


def test_api_target_row_fields_match_dataframe_columns():
    t = govie.extract(TEXT).targets[0]
    assert tuple(t.to_row()) == govie.schema.TARGET_ROW_FIELDS


@pytest.mark.parametrize("kwargs", [{"batch_size": 0}, {"n_process": 0}, {"n_process": "2"}])
def test_api_extract_many_checks_arguments_eagerly(kwargs):
    with pytest.raises(ValueError):
        govie.extract_many(["GDP增长5%。"], **kwargs)
