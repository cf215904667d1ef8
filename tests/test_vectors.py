"""Static bigram vectors (training/train_vectors.py): trained on a tiny corpus, used by a tiny NER."""
from __future__ import annotations

import json

import numpy as np
import pytest

from govie.cli import main

from conftest import training_script, write_corpus
from test_train import SENTENCES, tiny_records

spacy = pytest.importorskip("spacy")
pytest.importorskip("floret")
pytest.importorskip("transformers")  # the script's argument parser


@pytest.fixture(scope="module")
def vectors(tmp_path_factory):
    texts = [("".join(t for t, _, _ in SENTENCES) + "\n") * 20 for _ in range(8)]
    root = write_corpus(tmp_path_factory.mktemp("corpus"), texts)
    script = training_script("train_vectors")
    out = tmp_path_factory.mktemp("vectors") / "bigram8"
    script.main(script.VectorArguments(corpus=str(root), output_dir=str(out), dim=8, epochs=1, min_count=1,
                                       rows=500, threads=1))
    return out


def test_vectors_are_keyed_by_the_bigram_norm(vectors):
    from spacy.attrs import NORM

    table = spacy.load(vectors).vocab.vectors
    assert table.attr == NORM and table.shape == (500, 8)
    seen, unseen = table.get_batch(["生产", "总值"]), table.get_batch(["馕馕"])
    assert np.abs(seen).sum(axis=1).min() > 0  # bigrams of the corpus have trained rows
    assert unseen.shape == (1, 8)  # a hashed table has a row for any bigram
    log = json.loads((vectors / "vectors_log.json").read_text(encoding="utf-8"))
    assert log["reports"] + log["held_out_reports"] <= 8 and log["bigram_tokens"] > 0


def test_tiny_ner_trains_with_the_static_vectors(vectors, tmp_path):
    from spacy.attrs import NORM

    train_file = tmp_path / "train.jsonl"
    train_file.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in tiny_records()),
                          encoding="utf-8")
    out = tmp_path / "tiny-vectors-model"
    code = main(["train", "--train", str(train_file), "--dev", str(train_file), "--output", str(out),
                 "--set", "training.max_steps=20", "--set", "training.eval_frequency=10",
                 "--set", "components.tok2vec.model.embed.include_static_vectors=true",
                 "--set", f"paths.vectors={vectors}"])
    assert code == 0

    import govie

    model = govie.load(out)
    assert model.nlp.vocab.vectors.attr == NORM and model.nlp.vocab.vectors.shape == (500, 8)
    text = "今年全区地区生产总值增长6%左右。"
    assert {e.text for e in model.extract(text).entities if e.label == "PERCENT"} == {"6%"}
