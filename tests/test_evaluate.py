"""govie.evaluate: exact counts of the benchmark scorer on hand-made examples."""
from __future__ import annotations

import copy
import json
import re

import pytest

from conftest import TINY_TEXT, make_doc
from govie.errors import InputError
from govie.evaluate import CATEGORIES, evaluate, format_report, prf, score

CORE = ("gdp", "fai", "industry_va", "retail", "trade", "fiscal_revenue", "urban_income", "rural_income")
_IDS = {"GDP": "gdp", "地区生产总值": "gdp", "固定资产投资": "fai"}
_MAG = {"": 1, "万": 1e4, "亿": 1e8}


def fake_parse_value(text):
    m = re.fullmatch(r"([\d.]+)([万亿]?)(.*)", text)
    if not m:
        return (None, None, None)
    return (float(m.group(1)) * _MAG[m.group(2)], None, m.group(3) or None)


def fake_resolve_id(name):
    return _IDS.get(name)


def run(gold, pred, **kwargs):
    return score(gold, pred, parse_value=fake_parse_value, resolve_id=fake_resolve_id, core_ids=CORE, **kwargs)


def counts(scores, category):
    s = scores[category]
    return (s["tp"], s["fp"], s["fn"])


def entity_index(doc, surface):
    return next(i for i, e in enumerate(doc["entities"]) if doc["text"][e["start_offset"]:e["end_offset"]] == surface)


@pytest.mark.parametrize("category", CATEGORIES)
def test_score_gold_against_itself_is_perfect(tiny_gold, category):
    scores = run(tiny_gold, copy.deepcopy(tiny_gold))
    assert (scores[category]["p"], scores[category]["r"], scores[category]["f"]) == (1.0, 1.0, 1.0)
    assert scores[category]["fp"] == scores[category]["fn"] == 0


def test_score_tiny_gold_counts(tiny_gold):
    scores = run(tiny_gold, copy.deepcopy(tiny_gold))
    assert [counts(scores, c) for c in CATEGORIES] == [(6, 0, 0), (3, 0, 0), (3, 0, 0), (2, 0, 0)]
    assert scores["entities"]["per_label"]["INDICATOR"]["support"] == 3


def test_score_removed_entity(tiny_gold):
    pred = copy.deepcopy(tiny_gold)
    del pred[0]["entities"][entity_index(pred[0], "38个")]
    pred[0]["relations"] = pred[0]["relations"][:2]
    scores = run(tiny_gold, pred)
    assert counts(scores, "entities") == (5, 0, 1)
    assert counts(scores, "relations") == (2, 0, 1)
    assert counts(scores, "records") == (2, 0, 1)
    assert counts(scores, "records_core") == (2, 0, 0)
    assert scores["entities"]["per_label"]["AMOUNT"] == {**prf(0, 0, 1), "support": 1}


def test_score_shifted_value_span(tiny_gold):
    pred = copy.deepcopy(tiny_gold)
    pred[0]["entities"][entity_index(pred[0], "6%")]["end_offset"] -= 1  # '6' without its unit
    scores = run(tiny_gold, pred)
    assert counts(scores, "entities") == (5, 1, 1)
    assert counts(scores, "relations") == (2, 1, 1)
    assert counts(scores, "records") == (2, 1, 1)  # unit None instead of %
    assert counts(scores, "records_core") == (1, 1, 1)
    assert counts({"x": scores["entities"]["per_label"]["PERCENT"]}, "x") == (1, 1, 1)


def test_score_shifted_indicator_span(tiny_gold):
    pred = copy.deepcopy(tiny_gold)
    pred[0]["entities"][entity_index(pred[0], "GDP")]["end_offset"] += 1  # 'GDP增'
    scores = run(tiny_gold, pred)
    assert counts(scores, "entities") == (5, 1, 1)
    assert counts(scores, "relations") == (2, 1, 1)
    assert counts(scores, "records") == (2, 1, 1)
    assert counts(scores, "records_core") == (1, 0, 1)  # 'GDP增' resolves to no core id


def test_score_changed_type(tiny_gold):
    pred = copy.deepcopy(tiny_gold)
    pred[0]["relations"][0]["type"] = "level"
    scores = run(tiny_gold, pred)
    assert counts(scores, "entities") == (6, 0, 0)
    assert counts(scores, "relations") == (2, 1, 1)
    assert counts(scores, "records") == (2, 1, 1)
    assert counts(scores, "records_core") == (1, 1, 1)


@pytest.mark.parametrize("attribute,value", [("status", "actual"), ("qualifier", "approx"),
                                             ("indicator_name", "地区生产总值")])
def test_score_changed_record_attribute(tiny_gold, attribute, value):
    pred = copy.deepcopy(tiny_gold)
    pred[0]["relations"][0][attribute] = value
    scores = run(tiny_gold, pred)
    assert counts(scores, "relations") == (3, 0, 0)
    assert counts(scores, "records") == (2, 1, 1)
    assert counts(scores, "records_core") == (1, 1, 1)


def test_score_changed_number(tiny_gold):
    pred = copy.deepcopy(tiny_gold)
    pred[0]["relations"][0].update(value=6.5, unit="%")
    scores = run(tiny_gold, pred)
    assert counts(scores, "entities") == (6, 0, 0)
    assert counts(scores, "relations") == (3, 0, 0)
    assert counts(scores, "records") == (2, 1, 1)
    assert counts(scores, "records_core") == (1, 1, 1)


def test_score_changed_unit(tiny_gold):
    pred = copy.deepcopy(tiny_gold)
    pred[0]["relations"][2].update(value=38.0, unit="家")
    scores = run(tiny_gold, pred)
    assert counts(scores, "records") == (2, 1, 1)
    assert counts(scores, "records_core") == (2, 0, 0)


@pytest.mark.parametrize("number,matches", [(6.0, True), (6.0000001, True), (6.00001, False), (0.06, False)])
def test_score_numbers_compared_to_six_significant_digits(tiny_gold, number, matches):
    pred = copy.deepcopy(tiny_gold)
    pred[0]["relations"][0].update(value=number, unit="%")
    assert run(tiny_gold, pred)["records"]["tp"] == (3 if matches else 2)


def test_score_pred_value_keys_override_parsing(tiny_gold):
    pred = copy.deepcopy(tiny_gold)
    pred[0]["relations"][2].update(value=38, unit="个")
    broken_parser = lambda text: (None, None, None) if text == "38个" else fake_parse_value(text)
    gold_scores = score(tiny_gold, pred, parse_value=broken_parser, resolve_id=fake_resolve_id, core_ids=CORE)
    assert counts(gold_scores, "records") == (2, 1, 1)  # gold parsed to None, pred says 38 个


def test_score_records_core_filters_gold_and_pred(tiny_gold):
    pred = copy.deepcopy(tiny_gold)
    pred[0]["relations"] = pred[0]["relations"][:1] + [
        {"id": 5, "from_id": 4, "to_id": 3, "type": "growth", "status": "target", "qualifier": "exact",
         "indicator_name": "地区生产总值"},  # 7% wrongly read as a GDP target
        {"id": 6, "from_id": 6, "to_id": 3, "type": "level", "status": "target", "qualifier": "exact"},
    ]
    scores = run(tiny_gold, pred)
    assert counts(scores, "records") == (1, 2, 2)
    # core: gold has GDP 6% and FAI 7%; pred has GDP 6% and GDP 7% (the 38个 -> 固定资产投资 record is fai too)
    assert counts(scores, "records_core") == (1, 2, 1)


def test_score_records_core_ignores_other_indicators(tiny_gold):
    pred = copy.deepcopy(tiny_gold)
    pred[0]["relations"].append({"id": 9, "from_id": 6, "to_id": 5, "type": "growth", "status": "target",
                                 "qualifier": "exact"})  # 38个 as growth of 新签约项目: not core
    scores = run(tiny_gold, pred)
    assert counts(scores, "records") == (3, 1, 0)
    assert counts(scores, "records_core") == (2, 0, 0)


def test_score_counts_multisets(tiny_gold):
    pred = copy.deepcopy(tiny_gold)
    pred[0]["relations"].append({**pred[0]["relations"][0], "id": 9})
    scores = run(tiny_gold, pred)
    assert counts(scores, "relations") == (3, 1, 0)
    assert counts(scores, "records") == (3, 1, 0)


def test_score_exact_prf_on_tiny_example(tiny_gold):
    pred = copy.deepcopy(tiny_gold)
    doc = pred[0]
    doc["entities"] = [e for e in doc["entities"]
                       if doc["text"][e["start_offset"]:e["end_offset"]] not in ("新签约项目", "38个")]
    doc["entities"].append({"id": 7, "label": "DISTRICT", "start_offset": 0, "end_offset": 2})  # '今年'
    doc["relations"] = doc["relations"][:2]
    scores = run(tiny_gold, pred)
    ents = scores["entities"]
    assert (ents["tp"], ents["fp"], ents["fn"]) == (4, 1, 2)
    assert ents["p"] == pytest.approx(0.8)
    assert ents["r"] == pytest.approx(4 / 6)
    assert ents["f"] == pytest.approx(8 / 11)
    assert ents["per_label"]["DISTRICT"] == {"tp": 0, "fp": 1, "fn": 0, "p": 0.0, "r": 0.0, "f": 0.0, "support": 0}
    assert ents["per_label"]["INDICATOR"]["r"] == pytest.approx(2 / 3)
    assert scores["relations"]["r"] == pytest.approx(2 / 3)
    assert scores["relations"]["p"] == 1.0


def test_score_sums_over_documents(tiny_gold):
    other = make_doc("全区地区生产总值增长8%左右。", [("INDICATOR", "地区生产总值"), ("PERCENT", "8%")],
                     [(1, 0, "growth", "target", "approx")], doc_id="other")
    gold = tiny_gold + [other]
    pred = [copy.deepcopy(tiny_gold[0]), {**other, "entities": [], "relations": []}]
    scores = run(gold, pred)
    assert counts(scores, "entities") == (6, 0, 2)
    assert counts(scores, "records_core") == (2, 0, 1)
    assert scores["n_docs"] == 2


def test_score_documents_do_not_match_across(tiny_gold):
    empty = {"id": "empty", "text": TINY_TEXT, "entities": [], "relations": []}
    scores = run(tiny_gold + [empty], [empty, copy.deepcopy(tiny_gold[0])])
    assert counts(scores, "entities") == (0, 6, 6)


@pytest.mark.parametrize("tp,fp,fn,expected", [
    (0, 0, 0, (1.0, 1.0, 1.0)),
    (0, 0, 3, (0.0, 0.0, 0.0)),
    (0, 2, 0, (0.0, 0.0, 0.0)),
    (1, 1, 2, (0.5, 1 / 3, 0.4)),
    (3, 0, 0, (1.0, 1.0, 1.0)),
])
def test_prf_values(tp, fp, fn, expected):
    res = prf(tp, fp, fn)
    assert (res["p"], res["r"], res["f"]) == pytest.approx(expected)


def test_score_empty_lists():
    assert score([], [], parse_value=fake_parse_value, resolve_id=fake_resolve_id, core_ids=CORE)["entities"]["f"] == 1.0


def test_score_length_mismatch_raises(tiny_gold):
    with pytest.raises(InputError, match="1 documents but pred has 0"):
        run(tiny_gold, [])


def test_score_text_mismatch_raises(tiny_gold):
    pred = copy.deepcopy(tiny_gold)
    pred[0]["text"] = pred[0]["text"] + "。"
    with pytest.raises(InputError, match="text differs"):
        run(tiny_gold, pred)


def test_score_dangling_relation_raises(tiny_gold):
    pred = copy.deepcopy(tiny_gold)
    pred[0]["relations"][0]["from_id"] = 99
    with pytest.raises(InputError, match="not in its entities"):
        run(tiny_gold, pred)


def test_score_failed_prediction_counts_as_empty(tiny_gold):
    scores = run(tiny_gold, [{"id": "tiny", "error": "ValueError: boom"}])
    assert counts(scores, "entities") == (0, 0, 6)
    assert scores["failed"] == ["tiny"]


def test_score_collects_error_examples(tiny_gold):
    pred = copy.deepcopy(tiny_gold)
    pred[0]["entities"][entity_index(pred[0], "38个")]["label"] = "PERCENT"
    scores = run(tiny_gold, pred, errors=5)
    errors = scores["errors"]["entities"]
    assert [e["text"] for e in errors["fn"]] == ["38个"]
    assert [e["label"] for e in errors["fp"]] == ["PERCENT"]
    assert "新签约项目[38个]。" in errors["fn"][0]["context"]
    assert errors["fn"][0]["doc"] == "tiny"
    assert scores["errors"]["relations"] == {"fn": [], "fp": []}


def test_score_error_examples_are_capped(tiny_gold):
    empty = [{"id": "tiny", "text": TINY_TEXT, "entities": [], "relations": []}]
    scores = run(tiny_gold, empty, errors=2)
    assert len(scores["errors"]["entities"]["fn"]) == 2
    assert len(scores["errors"]["records"]["fn"]) == 2
    assert "errors" not in run(tiny_gold, empty)


def test_score_is_json_serialisable(tiny_gold):
    scores = run(tiny_gold, copy.deepcopy(tiny_gold), errors=3)
    assert json.loads(json.dumps(scores, ensure_ascii=False))["records"]["f"] == 1.0


def test_format_report_table(tiny_gold):
    pred = copy.deepcopy(tiny_gold)
    pred[0]["relations"][0]["type"] = "level"
    report = format_report(run(tiny_gold, pred))
    lines = report.splitlines()
    assert any(line.split()[:4] == ["micro", "100.0", "100.0", "100.0"] for line in lines)
    assert any(line.split() == ["Relations", "66.7", "66.7", "66.7", "3", "3"] for line in lines)
    assert any(line.startswith("Records (core)") for line in lines)
    assert any(line.split()[0] == "INDICATOR" for line in lines)


def test_format_report_lists_errors(tiny_gold):
    pred = copy.deepcopy(tiny_gold)
    pred[0]["relations"][0]["type"] = "level"
    report = format_report(run(tiny_gold, pred, errors=3))
    assert "missed (false negatives)" in report
    assert "6% -> GDP (growth)" in report
    assert "6% -> GDP (level)" in report


def test_evaluate_pred_file_aligned_by_id(tmp_path, tiny_gold):
    other = make_doc("全区地区生产总值增长8%左右。", [("INDICATOR", "地区生产总值"), ("PERCENT", "8%")],
                     [(1, 0, "growth", "target", "approx")], doc_id="other")
    gold_path, pred_path = tmp_path / "gold.jsonl", tmp_path / "pred.jsonl"
    gold_path.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in tiny_gold + [other]), "utf-8")
    pred_path.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in [other] + tiny_gold), "utf-8")
    scores = evaluate(gold_path, pred_path=pred_path)
    assert counts(scores, "entities") == (8, 0, 0)
    assert scores["missing"] == []


def test_evaluate_missing_prediction_is_listed(tmp_path, tiny_gold):
    other = make_doc("全区地区生产总值增长8%左右。", [("INDICATOR", "地区生产总值"), ("PERCENT", "8%")],
                     [(1, 0, "growth", "target", "approx")], doc_id="other")
    gold_path, pred_path = tmp_path / "gold.jsonl", tmp_path / "pred.jsonl"
    gold_path.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in tiny_gold + [other]), "utf-8")
    pred_path.write_text(json.dumps(other, ensure_ascii=False) + "\n", "utf-8")
    scores = evaluate(gold_path, pred_path=pred_path)
    assert scores["missing"] == ["tiny"]
    assert counts(scores, "entities") == (2, 0, 6)


def test_evaluate_dev_gold_against_itself(gold_path):
    pytest.importorskip("govie.indicators")
    scores = evaluate(gold_path, pred_path=gold_path)
    assert [scores[c]["f"] for c in CATEGORIES] == [1.0, 1.0, 1.0, 1.0]
    assert scores["records_core"]["tp"] > 0


def test_evaluate_runs_model_on_text_alone(tiny_gold_path, monkeypatch):
    import govie.pipeline

    seen = []
    real = govie.pipeline.Extractor.extract

    def spy(self, text, region=None, year=None, id=None):
        seen.append((region, year))
        return real(self, text, region=region, year=year, id=id)

    monkeypatch.setattr(govie.pipeline.Extractor, "extract", spy)
    scores = evaluate(tiny_gold_path, model="rules")
    assert seen == [(None, None)]
    assert scores["n_docs"] == 1 and scores["model"] == "rules"


def test_passages_of_one_report_are_extracted_once_and_cut_from_it(tmp_path, monkeypatch):
    import govie.pipeline
    from govie import corpus

    report = "前言。\n全区地区生产总值增长6%。\n固定资产投资增长7%。\n结语。"
    (tmp_path / "raw").mkdir()
    (tmp_path / "raw" / "a.txt").write_text(report, encoding="utf-8")
    records = []
    for i, (passage, spans) in enumerate([("全区地区生产总值增长6%。", [("INDICATOR", "地区生产总值"), ("PERCENT", "6%")]),
                                          ("固定资产投资增长7%。", [("INDICATOR", "固定资产投资"), ("PERCENT", "7%")])]):
        rec = make_doc(passage, spans, [(1, 0, "growth", "actual", "exact")], doc_id=f"p{i}")
        rec["meta"] = {"offset": report.index(passage)}
        records.append(corpus.detach(rec, "raw/a.txt", report_text=report))
    gold_path = tmp_path / "gold.jsonl"
    corpus.write_standoff(gold_path, records)

    seen = []
    real = govie.pipeline.Extractor.extract

    def spy(self, text, region=None, year=None, id=None):
        seen.append(text)
        return real(self, text, region=region, year=year, id=id)

    monkeypatch.setattr(govie.pipeline.Extractor, "extract", spy)
    scores = evaluate(gold_path, model="rules", corpus=tmp_path)
    assert seen == [report]
    assert scores["n_docs"] == 2
    assert counts(scores, "entities") == (4, 0, 0) and counts(scores, "relations") == (2, 0, 0)
