"""govie train: training data from annotations, a tiny model trained on CPU, served by govie.load."""
from __future__ import annotations

import json

import pytest

from govie import text as textmod
from govie.cli import main

from conftest import make_doc

spacy = pytest.importorskip("spacy")

from govie import train as trainmod  # noqa: E402  (needs spaCy)

SENTENCES = [
    ("全区地区生产总值增长6%左右,马鞍山市新签约项目38个。",
     [("INDICATOR", "地区生产总值"), ("PERCENT", "6%"), ("DISTRICT", "马鞍山市"), ("INDICATOR", "新签约项目"),
      ("AMOUNT", "38个")],
     [(1, 0, "growth", "target", "approx"), (4, 3, "level", "target", "exact")]),
    ("支持安徽长江钢铁股份有限公司建设雨山湖文化旅游项目,固定资产投资增长8%。",
     [("ENTERPRISE", "安徽长江钢铁股份有限公司"), ("PROJECT", "雨山湖文化旅游项目"), ("INDICATOR", "固定资产投资"),
      ("PERCENT", "8%")],
     [(3, 2, "growth", "target", "exact")]),
]


def tiny_records(copies: int = 6) -> list:
    recs = []
    for i in range(copies):
        for j, (text, spans, rels) in enumerate(SENTENCES):
            recs.append(make_doc(text, spans, rels, doc_id=f"tiny-{i}-{j}"))
    return recs


def test_chunks_map_offsets_through_normalisation():
    text = "全区&amp;地区生产总值\r\n增长６%。"
    rec = make_doc(text, [("INDICATOR", "地区生产总值"), ("PERCENT", "６%")], [])
    (chunk, spans), = list(trainmod.chunks(rec))
    assert [chunk[s:e] for s, e, _ in spans] == ["地区生产总值", "6%"]
    assert [label for _, _, label in spans] == ["INDICATOR", "PERCENT"]


def test_chunks_are_whole_sentences_and_never_cut_an_entity():
    text = "。".join(f"第{i}句地区生产总值增长{i}%" for i in range(1, 40)) + "。"
    spans = []
    for i in range(1, 40):
        spans += [("INDICATOR", "地区生产总值"), ("PERCENT", f"{i}%")]
    rec = make_doc(text, spans, [])
    stats = trainmod.TrainStats()
    pieces = list(trainmod.chunks(rec, stats, max_chars=60))
    assert len(pieces) > 3
    assert all(len(p) <= 60 for p, _ in pieces)
    assert stats.entities == len(spans) and stats.dropped == 0
    assert all(p.endswith("。") for p, _ in pieces)


def test_from_original_inverts_to_original():
    text = "a\r\nb&amp;c<b>x</b>ｄ"
    norm = textmod.normalise(text)
    assert norm.text == "a\nb&cxd"
    for s, e in [(0, 1), (3, 4), (4, 9), (13, 14), (18, 19)]:
        ns, ne = norm.from_original(s, e)
        assert norm.to_original(ns, ne) == (s, e)
    assert norm.from_original(5, 7) is None  # inside &amp;


def test_char_tokenizer_keeps_text_and_gives_bigram_norms():
    from govie.components import CharTokenizer

    nlp = spacy.blank("zh")
    doc = CharTokenizer(nlp.vocab)("地区 生产\n总值")
    assert doc.text == "地区 生产\n总值"
    assert [t.norm_ for t in doc][:3] == ["地区", "区 ", " 生"]
    assert len(CharTokenizer(nlp.vocab)("")) == 0


def test_char_tokenizer_bigram_cache_gives_the_string_store_ids(monkeypatch):
    import spacy

    from govie import components
    from govie.components import CharTokenizer

    nlp = spacy.blank("zh")
    tok = CharTokenizer(nlp.vocab)
    monkeypatch.setattr(components, "_MAX_CACHED_BIGRAMS", 3)  # the cache is emptied between calls
    for text in ("规上工业增加值", "工业增加值增长8%", "规上"):
        doc = tok(text)
        assert [t.norm for t in doc] == [nlp.vocab.strings[text[i:i + 2]] for i in range(len(text))]
        assert [t.norm_ for t in doc] == [text[i:i + 2] for i in range(len(text))]


def test_dilated_window_gathers_neighbours_d_apart_and_backprops_its_adjoint():
    import numpy as np
    from govie.components import dilated_window

    layer = dilated_window(2)
    X = np.arange(12, dtype="f").reshape(6, 2)
    Y, backprop = layer(X, is_train=True)
    assert Y[0].tolist() == [0, 0, 0, 1, 4, 5]  # nothing 2 rows before row 0
    assert Y[3].tolist() == [2, 3, 6, 7, 10, 11]
    assert Y[5].tolist() == [6, 7, 10, 11, 0, 0]
    rng = np.random.default_rng(0)
    dY = rng.random(Y.shape, dtype="f")
    Z = rng.random(X.shape, dtype="f")
    # a linear map's gradient is its adjoint: <f(Z), dY> == <Z, f'(dY)>
    assert np.isclose((layer.predict(Z) * dY).sum(), (Z * backprop(dY)).sum(), rtol=1e-5)
    short = np.ones((1, 2), dtype="f")  # shorter than the dilation: only itself
    assert layer.predict(short).tolist() == [[0, 0, 1, 1, 0, 0]]


def test_dilated_encoder_keeps_docs_apart():
    import numpy as np
    from govie.components import create_dilated_encoder

    rng = np.random.default_rng(1)
    a, b = rng.random((20, 8), dtype="f"), rng.random((5, 8), dtype="f")
    encoder = create_dilated_encoder(8, [1, 2, 4, 8], 2)
    encoder.initialize(X=[a, b])
    first = encoder.predict([a, b])
    assert [y.shape for y in first] == [(20, 8), (5, 8)]
    changed = encoder.predict([a, b + 1])
    assert np.allclose(first[0], changed[0])  # b's characters never reach a's
    assert not np.allclose(first[1], changed[1])
    with pytest.raises(ValueError, match="dilations"):
        create_dilated_encoder(8, [1, 0], 2)


def test_region_reaches_the_gazetteer_features_in_training(tmp_path):
    """A county's short name (雨山) is a gazetteer feature only in its own region's reports."""
    from govie.components import GazetteerFeatures, create_corpus_reader, set_region

    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"@tokenizers": "govie.CharTokenizer.v1"}}})
    text = "雨山经开区规上工业增加值增长8%。"
    rec = make_doc(text, [("DISTRICT", "雨山经开区"), ("INDICATOR", "规上工业增加值"), ("PERCENT", "8%")], [])
    trainmod.to_docbin([rec], nlp).to_disk(tmp_path / "train.spacy")
    eg, = list(create_corpus_reader(tmp_path / "train.spacy")(nlp))
    tags = [t.tag_ for t in GazetteerFeatures()(eg.predicted)]
    assert tags[:5] == ["DISTRICT-B"] + ["DISTRICT-I"] * 4
    elsewhere = GazetteerFeatures()(set_region(nlp.make_doc(text), "湖北省宜昌市点军区"))
    assert [t.tag_ for t in elsewhere][:5] == [""] * 5


def test_train_tiny_model_and_serve_it(tmp_path):
    train_file = tmp_path / "train.jsonl"
    train_file.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in tiny_records()),
                          encoding="utf-8")
    out = tmp_path / "tiny-model"
    code = main(["train", "--train", str(train_file), "--dev", str(train_file), "--output", str(out),
                 "--set", "training.max_steps=30", "--set", "training.eval_frequency=10"])
    assert code == 0
    meta = json.loads((out / "meta.json").read_text(encoding="utf-8"))
    assert meta["pipeline"] == ["rules", "ner", "linker"] and meta["training"]["train"]["records"] == 12
    spacy_meta = json.loads((out / "nlp" / "meta.json").read_text(encoding="utf-8"))
    assert spacy_meta["spacy_version"] == ">=3.8.2,<3.9.0"  # every 3.8 release pyproject.toml allows

    import govie

    model = govie.load(out)
    assert model.nlp is not None
    text = "今年全区地区生产总值增长6%左右。支持安徽长江钢铁股份有限公司发展。"
    res = model.extract(text)
    for e in res.entities:
        assert text[e.start:e.end] == e.text
    # values come from the rules, so they are there whatever a 30-step model learned
    assert {e.text for e in res.entities if e.label == "PERCENT"} == {"6%"}


def test_train_with_silver_from_a_compressed_file(tmp_path):
    import lzma

    gold = tiny_records(2)
    silver = [dict(r, id="silver-" + r["id"], relations=[]) for r in tiny_records(3)]
    train_file, silver_file = tmp_path / "train.jsonl", tmp_path / "silver.jsonl.xz"
    train_file.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in gold), encoding="utf-8")
    with lzma.open(silver_file, "wt", encoding="utf-8") as fh:
        fh.write("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in silver))
    out = tmp_path / "m"
    assert main(["train", "--train", str(train_file), "--silver", str(silver_file), "--dev", str(train_file),
                 "--output", str(out), "--set", "training.max_steps=4", "--set", "training.eval_frequency=2"]) == 0
    training = json.loads((out / "meta.json").read_text(encoding="utf-8"))["training"]
    assert training["train"]["records"] == 4 and training["silver"]["records"] == 6
    # the linker learns from the gold records only: silver has no relations to learn from
    from govie import linker

    assert training["linker"] == linker.fit(gold)[1]


def test_train_cli_reports_bad_input(tmp_path, capsys):
    assert main(["train", "--train", str(tmp_path / "missing.jsonl"), "--dev", str(tmp_path / "x.jsonl"),
                 "-o", str(tmp_path / "m")]) == 2
    assert "no such annotation file" in capsys.readouterr().err
    empty = tmp_path / "empty.jsonl"
    empty.write_text("", encoding="utf-8")
    assert main(["train", "--train", str(empty), "--dev", str(empty), "-o", str(tmp_path / "m")]) == 2
    assert "no training records" in capsys.readouterr().err
    assert main(["train", "--train", str(empty), "--dev", str(empty), "-o", str(tmp_path / "m"),
                 "--set", "novalue"]) == 2


def test_model_directory_without_nlp_folder_is_a_clear_error(tmp_path):
    import govie

    (tmp_path / "meta.json").write_text(json.dumps({"name": "x", "format": 1, "pipeline": ["rules", "ner"]}))
    with pytest.raises(govie.ModelLoadError, match="no nlp/ folder"):
        govie.load(tmp_path)


def test_default_model_is_the_shipped_trained_model():
    import govie
    from govie import pipeline

    if not (pipeline._models_dirs()[-1] / pipeline.DEFAULT_MODEL / "meta.json").is_file():
        pytest.skip("no shipped model in models/")
    assert govie.load().name == pipeline.DEFAULT_MODEL
    assert govie.load().nlp is not None and govie.load().linker is not None


def test_fast_model_runs_the_dilated_encoder():
    import govie
    from govie import pipeline

    if not (pipeline._models_dirs()[-1] / "govie-zh-fast" / "meta.json").is_file():
        pytest.skip("no govie-zh-fast in models/")
    fast = govie.load("govie-zh-fast")
    encoder = fast.nlp.get_pipe("tok2vec").model.get_ref("encode")
    assert fast.nlp.config["components"]["tok2vec"]["model"]["encode"]["@architectures"] == \
        "govie.DilatedWindowEncoder.v1"
    assert "dilated_window" in {layer.name for layer in encoder.walk()}
    res = fast.extract("今年主要预期目标是:全区地区生产总值增长6%左右。")
    assert [(t.indicator_id, t.number, t.qualifier) for t in res.targets] == [("gdp", 6.0, "approx")]


def test_missing_default_model_falls_back_to_rules_with_a_warning(monkeypatch):
    import govie
    from govie import pipeline

    monkeypatch.setattr(pipeline, "DEFAULT_MODEL", "no-such-model")
    monkeypatch.delenv("GOVIE_MODEL", raising=False)
    monkeypatch.setattr(pipeline, "_loaded", {})
    with pytest.warns(govie.GovieWarning, match="using the built-in 'rules' model"):
        res = govie.extract("全区地区生产总值增长6%左右。")
    assert govie.load().name == "rules"
    assert [t.indicator_id for t in res.targets] == ["gdp"]


def test_model_named_by_environment_must_exist(monkeypatch):
    import govie
    from govie import pipeline

    monkeypatch.setenv("GOVIE_MODEL", "no-such-model")
    monkeypatch.setattr(pipeline, "_loaded", {})
    with pytest.raises(govie.ModelNotFoundError):
        govie.extract("全区地区生产总值增长6%左右。")


def test_mix_silver_swaps_one_label_and_keeps_the_inputs_other_names():
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parent.parent / "training" / "mix_silver.py"
    spec = importlib.util.spec_from_file_location("mix_silver", path)
    mix = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mix)
    text = "雨山区两江控股投资5亿元"
    rec = {"doc": "d", "sha256": "h", "text": text, "meta": {"source": "bert"}, "relations": [],
           "entities": [{"id": 1, "label": "DISTRICT", "start_offset": 0, "end_offset": 2},
                        {"id": 2, "label": "ENTERPRISE", "start_offset": 3, "end_offset": 7},
                        {"id": 3, "label": "AMOUNT", "start_offset": 9, "end_offset": 12}]}
    out, added, clashing = mix.swap_label(rec, [(0, 3), (3, 5)], "DISTRICT", "govie-zh")
    assert "text" not in out and (added, clashing) == (1, 1)  # 两江 overlaps the input's ENTERPRISE
    assert [(text[e["start_offset"]:e["end_offset"]], e["label"]) for e in out["entities"]] == [
        ("雨山区", "DISTRICT"), ("两江控股", "ENTERPRISE"), ("5亿元", "AMOUNT")]
    assert [e["id"] for e in out["entities"]] == [1, 2, 3]
    assert out["meta"]["source"] == "bert; DISTRICT from govie-zh" and rec["meta"]["source"] == "bert"
