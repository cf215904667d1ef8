"""govie.markup: the hand-correction markup round-trips records and refuses edited text."""
from __future__ import annotations

import pytest

from govie import markup
from govie.errors import AnnotationError
from govie.io import read_annotations

from conftest import make_doc

TEXT = "一、过去一年工作回顾\n\n全区地区生产总值增长6%左右。\n二、今年工作\n城镇和农村居民人均可支配收入分别增长5%、7%。"


def doc():
    spans = [("INDICATOR", "地区生产总值"), ("PERCENT", "6%"), ("INDICATOR", "城镇和农村居民人均可支配收入"),
             ("PERCENT", "5%"), ("PERCENT", "7%")]
    rels = [(1, 0, "growth", "actual", "approx"), (3, 2, "growth", "target", "exact", "城镇居民人均可支配收入"),
            (4, 2, "growth", "target", "exact", "农村居民人均可支配收入")]
    return make_doc(TEXT, spans, rels)


def spans(rec):
    ents = {e["id"]: e for e in rec["entities"]}
    es = sorted((e["start_offset"], e["end_offset"], e["label"]) for e in rec["entities"])
    rs = sorted((ents[r["from_id"]]["start_offset"], ents[r["to_id"]]["start_offset"], r["type"], r["status"],
                 r["qualifier"], r.get("indicator_name")) for r in rec["relations"])
    return es, rs


def test_round_trip_keeps_entities_relations_and_attributes():
    rec = doc()
    text = markup.render(rec)
    assert "⟦地区生产总值|INDICATOR|e1⟧增长⟦6%|PERCENT|e2⟧左右" in text
    back = markup.parse(text, TEXT)
    assert spans(back) == spans(rec)
    assert back["meta"] == rec["meta"] and back["id"] == "tiny"


def test_blank_lines_are_left_out():
    assert "@1\n" not in markup.render(doc())


def test_added_and_removed_entities():
    text = markup.render(doc()).replace("⟦6%|PERCENT|e2⟧", "6%").replace("> e2 e1 growth actual approx\n", "")
    text = text.replace("全区", "⟦全区|DISTRICT|n1⟧")
    back = markup.parse(text, TEXT)
    labels = [(TEXT[e["start_offset"]:e["end_offset"]], e["label"]) for e in back["entities"]]
    assert ("全区", "DISTRICT") in labels and ("6%", "PERCENT") not in labels
    assert len(back["relations"]) == 2


def test_changed_text_is_refused_with_line_number():
    text = markup.render(doc()).replace("增长⟦6%", "增加⟦6%")
    with pytest.raises(AnnotationError, match=r":\d+: line @2 differs"):
        markup.parse(text, TEXT, "x.markup")


def test_unknown_relation_id_and_duplicate_id():
    text = markup.render(doc())
    with pytest.raises(AnnotationError, match="no ⟦…⟧ carries"):
        markup.parse(text + "> e2 zz level actual exact\n", TEXT)
    with pytest.raises(AnnotationError, match="used twice"):
        markup.parse(text.replace("|e3⟧", "|e1⟧"), TEXT)


def test_bad_relation_attribute_is_caught_by_the_guide_check():
    text = markup.render(doc()).replace("growth actual approx", "growth actual roughly")
    with pytest.raises(AnnotationError, match="unknown qualifier"):
        markup.parse(text, TEXT)


def test_dev_gold_round_trips(gold_path):
    for rec in read_annotations(gold_path):
        assert spans(markup.parse(markup.render(rec), rec["text"])) == spans(rec)
