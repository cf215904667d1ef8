"""govie.corpus: stand-off records join back with their text, or fail clearly."""
from __future__ import annotations

import json

import pytest

from govie import corpus
from govie.errors import AnnotationError, CorpusError

from conftest import REPO, make_doc

REPORT = "前言。\n全区地区生产总值增长6%。\n结语。"


@pytest.fixture
def root(tmp_path):
    (tmp_path / "raw").mkdir()
    (tmp_path / "raw" / "a.txt").write_text(REPORT, encoding="utf-8")
    return tmp_path


def whole():
    return make_doc(REPORT, [("INDICATOR", "地区生产总值"), ("PERCENT", "6%")], [(1, 0, "growth", "actual", "exact")])


def test_detach_drops_text_and_join_restores_it(root, tmp_path):
    rec = corpus.detach(whole(), "raw/a.txt")
    assert "text" not in rec and rec["doc"] == "raw/a.txt" and rec["sha256"] == corpus.sha256(REPORT)
    path = tmp_path / "gold.jsonl"
    corpus.write_standoff(path, [rec])
    (back,) = corpus.load_standoff(path, root)
    assert back["text"] == REPORT and back["entities"] == whole()["entities"]


def test_passage_is_cut_from_the_report(root, tmp_path):
    start = REPORT.index("全区")
    passage = "全区地区生产总值增长6%。"
    rec = make_doc(passage, [("PERCENT", "6%")], [])
    rec["meta"] = {"offset": start}
    stand = corpus.detach(rec, "raw/a.txt", report_text=REPORT)
    assert stand["meta"]["length"] == len(passage)
    assert corpus.join(stand, root)["text"] == passage


def test_passage_not_at_offset_is_refused():
    rec = make_doc("全区地区生产总值", [], [])
    rec["meta"] = {"offset": 0}
    with pytest.raises(CorpusError, match="does not match"):
        corpus.detach(rec, "raw/a.txt", report_text=REPORT)


def test_missing_document_names_file_and_line(root, tmp_path):
    rec = corpus.detach(whole(), "raw/missing.txt")
    path = tmp_path / "gold.jsonl"
    path.write_text("\n" + json.dumps(rec, ensure_ascii=False) + "\n", encoding="utf-8")
    with pytest.raises(AnnotationError, match=r"gold.jsonl:2: document 'raw/missing.txt' is not under"):
        corpus.load_standoff(path, root)


def test_hash_mismatch_is_refused(root, tmp_path):
    rec = corpus.detach(whole(), "raw/a.txt")
    (root / "raw" / "a.txt").write_text(REPORT + "补记。", encoding="utf-8")
    path = tmp_path / "gold.jsonl"
    corpus.write_standoff(path, [rec])
    with pytest.raises(AnnotationError, match="sha256 differs"):
        corpus.load_standoff(path, root)


def test_corpus_root_from_environment(root, monkeypatch):
    monkeypatch.setenv("GOVIE_CORPUS", str(root))
    assert corpus.corpus_root() == root
    monkeypatch.delenv("GOVIE_CORPUS")
    with pytest.raises(CorpusError, match="GOVIE_CORPUS"):
        corpus.corpus_root()


def test_split_is_by_report_and_stable():
    docs = [f"raw/x/report_{i}.txt" for i in range(200)]
    splits = [corpus.split_of(d) for d in docs]
    assert set(splits) == {"train", "validation"}
    assert 20 <= splits.count("validation") <= 60
    assert splits == [corpus.split_of(d) for d in docs]


def test_read_gold_filters_by_split_and_joins(root, tmp_path):
    rec = corpus.detach(whole(), "raw/a.txt")
    path = tmp_path / "gold.jsonl"
    corpus.write_standoff(path, [rec])
    mine = corpus.split_of("raw/a.txt")
    other = "train" if mine == "validation" else "validation"
    assert [r["text"] for r in corpus.read_gold(path, root, split=mine)] == [REPORT]
    assert corpus.read_gold(path, root, split=other) == []


def test_recorded_split_matches_the_rule():
    split_file = REPO / "training" / "annotations" / "split.tsv"
    rows = [line.split("\t") for line in split_file.read_text(encoding="utf-8").splitlines()[1:]]
    assert rows and all(corpus.split_of(doc) == split.strip() for doc, _, split in rows)


def test_committed_gold_joins_with_the_corpus(shared_dir):
    gold = REPO / "training" / "annotations" / "gold"
    recs = corpus.read_gold(gold, shared_dir / "corpus")
    assert len(recs) >= 30
    assert all(r["sha256"] if "sha256" in r else True for r in recs)


@pytest.mark.parametrize("suffix", [".jsonl.gz", ".jsonl.xz"])
def test_compressed_standoff_reads_alone_and_in_a_folder(root, tmp_path, suffix):
    import gzip
    import lzma

    folder = tmp_path / "ann"
    folder.mkdir()
    line = json.dumps(corpus.detach(whole(), "raw/a.txt"), ensure_ascii=False) + "\n"
    opener = gzip.open if suffix.endswith(".gz") else lzma.open
    with opener(folder / ("gold" + suffix), "wt", encoding="utf-8") as fh:
        fh.write(line)
    (folder / "notes.txt.gz").write_bytes(b"not annotations")  # not .jsonl: left alone
    assert [r["text"] for r in corpus.read_gold(folder / ("gold" + suffix), root)] == [REPORT]
    assert [r["text"] for r in corpus.read_gold(folder, root)] == [REPORT]


def test_corrupt_compressed_file_is_a_clear_error(root, tmp_path):
    path = tmp_path / "gold.jsonl.xz"
    path.write_bytes(b"\xfd7zXZ\x00 truncated")
    with pytest.raises(AnnotationError, match="cannot decompress"):
        corpus.read_gold(path, root)


def test_committed_distilled_annotations_join_with_the_corpus(shared_dir):
    folder = REPO / "training" / "annotations" / "distilled"
    recs = corpus.read_gold(folder, shared_dir / "corpus", split="train")
    shipped = json.loads((REPO / "models" / "govie-zh" / "meta.json").read_text(encoding="utf-8"))
    assert len(recs) == shipped["training"]["silver"]["records"] == 800
    assert all(r["entities"] and not r["relations"] for r in recs)
