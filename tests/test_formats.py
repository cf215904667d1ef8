"""govie.formats and `govie convert`: annotations survive doccano, Label Studio, DocBin and datasets."""
from __future__ import annotations

import json

import pytest

from govie import formats
from govie.cli import main
from govie.errors import AnnotationError

from conftest import make_doc

TEXT = "主要预期目标是:城镇和农村居民人均可支配收入分别增长5%、7%,马鞍山市新签约项目38个。"


def records():
    spans = [("INDICATOR", "城镇和农村居民人均可支配收入"), ("PERCENT", "5%"), ("PERCENT", "7%"),
             ("DISTRICT", "马鞍山市"), ("INDICATOR", "新签约项目"), ("AMOUNT", "38个")]
    rels = [(1, 0, "growth", "target", "exact", "城镇居民人均可支配收入"),
            (2, 0, "growth", "target", "approx", "农村居民人均可支配收入"), (5, 4, "level", "target", "min")]
    return [make_doc(TEXT, spans, rels)]


def key(recs):
    out = []
    for r in recs:
        ents = {e["id"]: e for e in r["entities"]}
        out.append((r["text"], sorted((e["start_offset"], e["end_offset"], e["label"]) for e in r["entities"]),
                    sorted((ents[x["from_id"]]["start_offset"], ents[x["to_id"]]["start_offset"], x["type"],
                            x.get("status"), x.get("qualifier"), x.get("indicator_name") or "")
                           for x in r["relations"])))
    return out


@pytest.mark.parametrize("name", ["out.jsonl", "out.json", "out.spacy", "dataset"])
def test_round_trip_keeps_entities_relations_and_attributes(tmp_path, name):
    if name.endswith(".spacy"):
        pytest.importorskip("spacy")
    if name == "dataset":
        pytest.importorskip("datasets")
    path = tmp_path / name
    formats.write_any(path, records())
    assert key(formats.read_any(path)) == key(records())


def test_label_studio_tasks_carry_attributes_in_relation_labels():
    (task,) = formats.to_label_studio(records())
    rel = [r for r in task["annotations"][0]["result"] if r["type"] == "relation"][0]
    assert rel["labels"] == ["growth", "status=target", "qualifier=exact", "indicator_name=城镇居民人均可支配收入"]


def test_label_studio_relation_to_missing_region_is_named(tmp_path):
    tasks = formats.to_label_studio(records())
    tasks[0]["annotations"][0]["result"].append({"type": "relation", "from_id": "e2", "to_id": "zz", "labels": ["level"]})
    path = tmp_path / "ls.json"
    path.write_text(json.dumps(tasks, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(AnnotationError, match="task 1: relation e2->zz"):
        formats.read_label_studio(path)


def test_doccano_sequence_labelling_export_is_read(tmp_path):
    path = tmp_path / "seq.jsonl"
    path.write_text(json.dumps({"id": 7, "text": "GDP增长6%", "label": [[0, 3, "INDICATOR"], [5, 7, "PERCENT"]]}) + "\n",
                    encoding="utf-8")
    (rec,) = formats.read_any(path)
    assert [(e["label"], rec["text"][e["start_offset"]:e["end_offset"]]) for e in rec["entities"]] == \
           [("INDICATOR", "GDP"), ("PERCENT", "6%")]


def test_dataset_has_bio_tags_per_character():
    datasets = pytest.importorskip("datasets")
    ds = formats.to_dataset(records())
    tags = [formats.NER_TAGS[i] for i in ds[0]["ner_tags"]]
    assert len(tags) == len(TEXT) and tags[TEXT.index("5%")] == "B-PERCENT" and tags[TEXT.index("%")] == "I-PERCENT"
    assert isinstance(ds, datasets.Dataset)


def test_cli_convert_and_unknown_kind(tmp_path, capsys):
    src = tmp_path / "in.jsonl"
    formats.write_doccano(src, records())
    assert main(["convert", str(src), str(tmp_path / "ls.json")]) == 0
    assert main(["convert", str(tmp_path / "ls.json"), str(tmp_path / "back.jsonl")]) == 0
    assert key(formats.read_any(tmp_path / "back.jsonl")) == key(records())
    assert main(["convert", str(src), str(tmp_path / "out.xlsx")]) == 2
    assert "unknown output kind" in capsys.readouterr().err
