"""govie.batch / `govie extract`: resumable batch runs over folders, in three formats."""
from __future__ import annotations

import json

import pytest

import govie
import govie.pipeline
from govie.batch import extract_files
from govie.cli import main

from conftest import write_reports

TEXTS = {
    "a.txt": "今年主要预期目标是:地区生产总值增长6%左右,固定资产投资增长7%。",
    "b.txt": "过去一年,全区实现地区生产总值132亿元,新签约项目38个。",
    "c/d.txt": "力争规上工业增加值增长8%以上,城镇新增就业3000人。",
    "e.txt": "没有数字的一段话。",
}


@pytest.fixture
def reports(tmp_path):
    return write_reports(tmp_path / "reports", TEXTS)


def lines(path):
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines()]


def table(path):
    pd = pytest.importorskip("pandas")
    if path.suffix == ".csv":
        df = pd.read_csv(path, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    else:
        df = pd.read_parquet(path).astype(str).replace({"None": "", "nan": ""})
    cols = ["doc_id", "indicator_text", "value_text", "value_start", "status"]
    return sorted(map(tuple, df[cols].astype(str).values.tolist()))


def fail_on(monkeypatch, marker, exc=RuntimeError):
    real = govie.pipeline.Extractor.extract

    def extract(self, text, **kw):
        if marker in text:
            raise exc("failed on purpose")
        return real(self, text, **kw)
    monkeypatch.setattr(govie.pipeline.Extractor, "extract", extract)


def test_jsonl_resume_skips_done_and_repairs_torn_tail(tmp_path, reports):
    out = tmp_path / "out.jsonl"
    full = extract_files([reports], out, progress=False)
    assert (full.ok, full.failed, full.skipped) == (4, 0, 0)
    first = lines(out)
    text = out.read_text(encoding="utf-8").splitlines(keepends=True)
    out.write_text(text[0] + text[1][:40], encoding="utf-8")  # killed while writing line 2
    again = extract_files([reports], out, resume=True, progress=False)
    assert (again.ok, again.skipped) == (3, 1)
    assert lines(out) == first


def test_resume_retries_failures_and_redoes_changed_files(tmp_path, reports, monkeypatch):
    out = tmp_path / "out.jsonl"
    fail_on(monkeypatch, "132亿元")
    s = extract_files([reports], out, progress=False)
    assert s.failed == 1 and s.failures[0][0].endswith("b.txt")
    monkeypatch.undo()
    (reports / "a.txt").write_text("今年地区生产总值增长5%。", encoding="utf-8")
    s = extract_files([reports], out, resume=True, progress=False)
    assert (s.ok, s.failed, s.skipped) == (2, 0, 2)
    got = {line["doc"].rsplit("/", 1)[-1]: line for line in lines(out)}
    assert len(lines(out)) == 4 and not any("error" in line for line in got.values())
    assert got["a.txt"]["text"] == "今年地区生产总值增长5%。"


def test_cli_interrupted_run_resumes_without_duplicates(tmp_path, reports, monkeypatch, capsys):
    out = tmp_path / "out.csv"
    fail_on(monkeypatch, "规上工业", KeyboardInterrupt)
    assert main(["extract", str(reports), "-o", str(out), "-q"]) == 130
    assert "--resume" in capsys.readouterr().err
    monkeypatch.undo()
    assert main(["extract", str(reports), "-o", str(out), "-q", "--resume"]) == 0
    fresh = tmp_path / "fresh.csv"
    assert main(["extract", str(reports), "-o", str(fresh), "-q"]) == 0
    assert table(out) == table(fresh)
    assert len(lines(tmp_path / "out.csv.docs.jsonl")) == 4


def test_csv_resume_cuts_rows_written_after_the_last_logged_document(tmp_path, reports):
    out = tmp_path / "out.csv"
    extract_files([reports], out, progress=False)
    expected = table(out)
    log = tmp_path / "out.csv.docs.jsonl"
    entries = log.read_text(encoding="utf-8").splitlines(keepends=True)
    log.write_text("".join(entries[:1]), encoding="utf-8")  # rows of docs 2-4 are on disk, unlogged
    s = extract_files([reports], out, resume=True, progress=False)
    assert s.skipped == 1
    assert table(out) == expected


def test_parquet_output_matches_csv_and_to_dataframe(tmp_path, reports):
    pytest.importorskip("pyarrow")
    pq, csv = tmp_path / "out.parquet", tmp_path / "out.csv"
    extract_files([reports], pq, progress=False)
    extract_files([reports], csv, progress=False)
    assert table(pq) == table(csv) and len(table(pq)) > 0
    import pandas as pd
    files = sorted(str(p) for p in reports.rglob("*.txt"))
    results = [govie.load().extract(govie.read_text(f), id=f) for f in files]
    df = govie.to_dataframe(results)
    assert list(pd.read_parquet(pq).columns) == list(df.columns)
    assert len(df) == len(pd.read_parquet(pq))


def test_parquet_resume_drops_unlogged_parts(tmp_path, reports, monkeypatch):
    pytest.importorskip("pyarrow")
    monkeypatch.setattr("govie.batch.PART_DOCS", 1)
    out = tmp_path / "out.parquet"
    extract_files([reports], out, progress=False)
    expected = table(out)
    log = out / "_docs.jsonl"
    entries = log.read_text(encoding="utf-8").splitlines(keepends=True)
    log.write_text("".join(entries[:2]), encoding="utf-8")
    s = extract_files([reports], out, resume=True, progress=False)
    assert s.skipped == 2 and table(out) == expected


def test_two_workers_write_the_same_output(tmp_path, reports):
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    extract_files([reports], one, progress=False)
    extract_files([reports], two, workers=2, progress=False)
    assert lines(one) == lines(two)


def test_unreadable_file_is_recorded_and_retried(tmp_path, reports):
    (reports / "z.txt").write_bytes(b"\x00\x01binary\x00")
    out = tmp_path / "out.jsonl"
    s = extract_files([reports], out, progress=False)
    assert s.failed == 1 and "NUL bytes" in s.failures[0][1]
    assert sum("error" in line for line in lines(out)) == 1


def test_bad_arguments_are_clear(tmp_path, reports):
    with pytest.raises(govie.InputError, match="must end in"):
        extract_files([reports], tmp_path / "out.xlsx")
    with pytest.raises(govie.InputError, match="no such file or folder"):
        extract_files([tmp_path / "nope"], tmp_path / "out.jsonl")
    with pytest.raises(govie.InputError, match="workers"):
        extract_files([reports], tmp_path / "out.jsonl", workers=0)
