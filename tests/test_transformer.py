"""The transformer path on CPU: a tiny encoder pretrained and fine-tuned a few steps, served by govie.load."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

import govie
from govie.errors import ModelLoadError
from govie.quantities import Span

from conftest import training_script, write_corpus
from test_train import SENTENCES, tiny_records

torch = pytest.importorskip("torch")
pytest.importorskip("transformers")

from govie.transformer import decode_bio, viterbi_bio  # noqa: E402

TINY = {"hidden_size": 32, "num_layers": 1, "num_heads": 2, "intermediate_size": 64, "batch_size": 4}


@pytest.fixture(scope="module")
def tiny_corpus(tmp_path_factory) -> Path:
    """A corpus root of hand-written reports, laid out like ../shared/corpus."""
    texts = ["".join(t for t, _, _ in SENTENCES) * 3 + f"GDP增长{i}%,5G基站{i + 10}个。\n" for i in range(12)]
    return write_corpus(tmp_path_factory.mktemp("corpus"), texts)


@pytest.fixture(scope="module")
def encoder(tiny_corpus, tmp_path_factory) -> Path:
    pretrain = training_script("pretrain_mlm")
    out = tmp_path_factory.mktemp("encoder")
    args = pretrain.PretrainArguments(corpus=str(tiny_corpus), output_dir=str(out), max_steps=4, save_steps=2,
                                      eval_steps=2, logging_steps=1, warmup_steps=0, min_count=1, **TINY)
    pretrain.main(args)
    return out


@pytest.fixture(scope="module")
def finetuned(encoder, tmp_path_factory) -> Path:
    finetune = training_script("finetune")
    work = tmp_path_factory.mktemp("finetune")
    data = work / "tiny.jsonl"
    data.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in tiny_records()), encoding="utf-8")
    args = finetune.FinetuneArguments(base_model=str(encoder), output_dir=str(work / "model"), train=[str(data)],
                                      dev=[str(data)], train_split="none", dev_split="none", max_steps=6,
                                      batch_size=4, max_length=32, stride=8)
    return finetune.main(args)


def test_pretraining_writes_an_encoder_a_character_tokenizer_and_its_log(encoder):
    from transformers import AutoTokenizer

    log = json.loads((encoder / "pretrain_log.json").read_text(encoding="utf-8"))
    assert log["steps"] == 4 and log["characters_seen"] > 0
    assert any("eval_loss" in row for row in log["log_history"])
    tok = AutoTokenizer.from_pretrained(encoder)
    enc = tok("GDP增长5G", add_special_tokens=False, return_offsets_mapping=True)
    assert tok.unk_token_id not in enc["input_ids"]  # ASCII spelt out, not [UNK]
    assert enc["offset_mapping"] == [(i, i + 1) for i in range(7)]


def test_pretraining_resumes_from_its_last_checkpoint(encoder, tiny_corpus):
    pretrain = training_script("pretrain_mlm")
    args = pretrain.PretrainArguments(corpus=str(tiny_corpus), output_dir=str(encoder), max_steps=6, save_steps=2,
                                      eval_steps=2, logging_steps=1, warmup_steps=0, min_count=1, resume=True, **TINY)
    pretrain.main(args)
    log = json.loads((encoder / "pretrain_log.json").read_text(encoding="utf-8"))
    assert log["steps"] == 6 and log["resumed_from"] == "checkpoint-4"


def test_pretraining_leaves_out_dev_regions_and_the_validation_split(tiny_corpus, tmp_path):
    pretrain = training_script("pretrain_mlm")
    (tmp_path / "raw").mkdir()
    manifest = (tiny_corpus / "MANIFEST.tsv").read_text(encoding="utf-8")
    manifest += "raw/安徽省马鞍山市_2020_city.txt\tx\tx\tx\t安徽省马鞍山市\tcity\t2020\t10\n"
    (tmp_path / "MANIFEST.tsv").write_text(manifest, encoding="utf-8")
    train, held = pretrain.pretraining_documents(tmp_path)
    assert not any("马鞍山" in d for d in train + held)
    assert held and not set(train) & set(held)


def test_finetuned_model_serves_extract_with_exact_offsets(finetuned):
    meta = json.loads((finetuned / "meta.json").read_text(encoding="utf-8"))
    assert meta["pipeline"] == ["rules", "transformer", "linker"]
    model = govie.load(finetuned)
    assert model.transformer is not None and model.nlp is None
    text = "全区地区生产总值增长6%左右,支持安徽长江钢铁股份有限公司建设雨山湖文化旅游项目。" * 20
    res = govie.extract(text, model=str(finetuned))
    assert res.error is None
    assert all(text[e.start:e.end] == e.text for e in res.entities)
    assert {"PERCENT"} <= {e.label for e in res.entities}  # values always come from the rules
    assert any(t.number == 6.0 for t in res.targets) or not any(e.label == "INDICATOR" for e in res.entities)
    assert list(model.pipe(["", "GDP增长6%。"]))[0].entities == []


def test_transformer_model_runs_in_worker_processes(finetuned):
    model = govie.load(finetuned)
    text = "全区地区生产总值增长6%左右。" * 30
    alone = model.extract(text)  # torch has run in this process before the workers start
    results = list(model.pipe([text] * 4, n_process=2))
    assert [r.error for r in results] == [None] * 4
    assert all(r.entities == alone.entities for r in results)


def test_a_transformer_model_without_its_encoder_is_a_clear_error(finetuned, tmp_path):
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "meta.json").write_text((finetuned / "meta.json").read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(ModelLoadError, match="encoder"):
        govie.load(broken)


def test_decode_bio_joins_tokens_and_never_drops_a_stray_inside_tag():
    text = "在马鞍山市建设 雨山湖项目"
    tags = ["O", "B-DISTRICT", "I-DISTRICT", "I-DISTRICT", "I-DISTRICT", "O", "O", "I-PROJECT", "B-PROJECT",
            "I-PROJECT", "I-PROJECT", "I-PROJECT", "I-PROJECT"]
    spans = decode_bio(text, [(i, i + 1, t) for i, t in enumerate(tags)])
    # the stray I- on the space opens a span of whitespace only, which is dropped
    assert [(text[s.start:s.end], s.label) for s in spans] == [("马鞍山市", "DISTRICT"), ("雨山湖项目", "PROJECT")]
    assert decode_bio("ab", [(0, 1, "B-X"), (1, 2, "I-Y")]) == [Span(0, 1, "X"), Span(1, 2, "Y")]


def test_viterbi_never_starts_a_span_with_an_inside_tag():
    import numpy as np

    labels = ["O", "B-PROJECT", "I-PROJECT", "B-DISTRICT", "I-DISTRICT"]
    # argmax alone would read I-PROJECT, I-DISTRICT, I-PROJECT: three fragments
    lp = np.log(np.array([[0.1, 0.3, 0.5, 0.05, 0.05],
                          [0.1, 0.05, 0.4, 0.05, 0.4],
                          [0.2, 0.05, 0.6, 0.05, 0.1]]))
    assert viterbi_bio(lp, labels) == ["B-PROJECT", "I-PROJECT", "I-PROJECT"]
    assert viterbi_bio(np.log(np.array([[0.2, 0.1, 0.7, 0.0, 0.0]]) + 1e-9), labels) == ["O"]


def test_token_windows_cover_a_long_text_with_the_given_overlap(encoder):
    """Every token of a text far longer than one window lands in a window, [CLS]/[SEP] around
    each, neighbours sharing ``stride`` tokens (the tokenizer's own overflow is not relied on:
    tokenizers 0.23.2 stops it after the second window)."""
    from transformers import AutoTokenizer

    from govie.transformer import token_windows

    tok = AutoTokenizer.from_pretrained(encoder)
    text = "全区地区生产总值增长6%左右,GDP达到5G基站。" * 30
    windows = token_windows(tok, text, max_length=32, stride=8)
    assert len(windows) > 2
    covered = sorted({a for _, offsets in windows for a, b in offsets if b > a})
    assert covered == list(range(len(text)))
    for ids, offsets in windows:
        assert len(ids) == len(offsets) <= 32
        assert ids[0] == tok.cls_token_id and ids[-1] == tok.sep_token_id
        assert offsets[0] == offsets[-1] == (0, 0)
    first, second = windows[0][1][1:-1], windows[1][1][1:-1]
    assert first[-8:] == second[:8]
    assert token_windows(tok, "GDP", max_length=32, stride=8)[0][1][1:-1] == [(0, 1), (1, 2), (2, 3)]


def test_transformer_model_reads_the_whole_of_a_long_text_and_takes_a_device(finetuned):
    from govie.transformer import TransformerNER

    ner = TransformerNER(finetuned / "encoder", max_length=32, stride=8, device="cpu")
    text = "".join(t for t, _, _ in SENTENCES) * 20
    spans = ner(text)
    assert ner.device == "cpu"
    assert all(text[s.start:s.end].strip() == text[s.start:s.end] for s in spans)
    # a model that reads only the first windows would tag nothing in the last quarter
    assert spans and max(s.end for s in spans) > len(text) * 3 // 4


def test_shipped_transformer_model_loads_offline_and_keeps_offsets():
    """models/govie-zh-bert (float16 weights on disk) serves extract with exact offsets."""
    from govie import pipeline

    path = pipeline._models_dirs()[-1] / "govie-zh-bert"
    if not (path / "meta.json").is_file():
        pytest.skip("models/govie-zh-bert is not in this checkout")
    model = govie.load("govie-zh-bert")
    text = "全区地区生产总值增长6%左右。加快推进马钢集团智能制造项目建设,支持安徽皖江物流公司发展。"
    res = model.extract(text)
    assert {e.label for e in res.entities} >= {"INDICATOR", "PERCENT"}
    assert all(text[e.start:e.end] == e.text for e in res.entities)
    assert next(p for p in model.transformer.model.parameters()).dtype == torch.float32
