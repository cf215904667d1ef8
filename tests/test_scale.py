"""Corpus scale: the Dask example and the datasets integration give the same records as the batch run."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

from govie.batch import extract_files

from conftest import write_reports

REPO = Path(__file__).resolve().parent.parent
TEXTS = {
    "a.txt": "今年主要预期目标是:地区生产总值增长6%左右,固定资产投资增长7%。",
    "b.txt": "过去一年,全区实现地区生产总值132亿元,新签约项目38个。",
    "c/d.txt": "力争规上工业增加值增长8%以上,城镇新增就业3000人。",
}
KEY = ["doc_id", "indicator_text", "value_text", "value_start", "type", "status", "qualifier", "number"]


@pytest.fixture
def reports(tmp_path):
    return write_reports(tmp_path / "reports", TEXTS)


def rows(df):
    return sorted(tuple(str(x) for x in r) for r in df[KEY].values.tolist())


def test_dask_local_mode_matches_single_process(tmp_path, reports):
    dask = pytest.importorskip("dask")
    pd = pytest.importorskip("pandas")
    pytest.importorskip("pyarrow")
    sys.path.insert(0, str(REPO / "examples"))
    try:
        import dask_extract
    finally:
        sys.path.pop(0)
    out = tmp_path / "dask.parquet"
    with dask.config.set(scheduler="processes", num_workers=2):
        dask_extract.targets_frame([reports], partitions=3).to_parquet(out, write_index=False)
    single = tmp_path / "single.parquet"
    extract_files([reports], single, progress=False)
    got, want = pd.read_parquet(out), pd.read_parquet(single)
    assert got["error"].isna().all()
    assert rows(got) == rows(want) and len(want) == 6


def test_extract_dataset_adds_entity_and_target_columns():
    datasets = pytest.importorskip("datasets")
    from govie.hf import extract_dataset

    ds = datasets.Dataset.from_dict({"text": list(TEXTS.values()) + [""], "n": [1, 2, 3, 4]})
    out = extract_dataset(ds, batch_size=2, num_proc=2)
    assert out.column_names == ["text", "n", "entities", "targets", "govie_error"]
    first = out[0]
    assert [(t["indicator_text"], t["number"], t["qualifier"]) for t in first["targets"]] == \
           [("地区生产总值", 6.0, "approx"), ("固定资产投资", 7.0, "exact")]
    assert all(first["text"][e["start"]:e["end"]] == e["text"] for e in first["entities"])
    assert out[3]["targets"] == [] and out[3]["govie_error"] is None


def test_extract_dataset_unknown_column_is_clear():
    datasets = pytest.importorskip("datasets")
    from govie.hf import extract_dataset

    with pytest.raises(KeyError, match="no column 'body'"):
        extract_dataset(datasets.Dataset.from_dict({"text": ["x"]}), text_column="body")
