"""govie.cli: `govie extract` and `govie evaluate`, called through main([...])."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

import govie
import govie.pipeline
from govie.cli import main
from govie.io import read_text

REPORTS = {
    "a.txt": ("今年主要预期目标是:地区生产总值增长6%左右,固定资产投资增长7%,社会消费品零售总额增长5%。", "utf-8"),
    "b.txt": ("过去一年,全区实现地区生产总值132亿元,新签约项目38个。", "gbk"),
    "sub/c.txt": ("力争规上工业增加值增长8%以上,城镇新增就业3000人。", "utf-8-sig"),
}


@pytest.fixture
def report_dir(tmp_path):
    root = tmp_path / "reports"
    for name, (text, encoding) in REPORTS.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode(encoding))
    (root / "notes.md").write_text("not a report", encoding="utf-8")
    return root


def read_lines(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def boom_on(marker):
    """An Extractor.extract that fails on texts containing ``marker``."""
    real = govie.pipeline.Extractor.extract

    def extract(self, text, region=None, year=None, id=None):
        if marker in text:
            raise RuntimeError("pipeline failed on purpose")
        return real(self, text, region=region, year=year, id=id)

    return extract


def test_cli_version(capsys):
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"govie {govie.__version__}"


def test_cli_python_m_govie_version():
    proc = subprocess.run([sys.executable, "-m", "govie", "--version"], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == f"govie {govie.__version__}"


def test_cli_no_command_is_usage_error(capsys):
    assert main([]) == 2
    assert "extract" in capsys.readouterr().err


def test_cli_extract_jsonl_round_trip(tmp_path, report_dir, capsys):
    out = tmp_path / "out.jsonl"
    assert main(["extract", str(report_dir), "-o", str(out), "-q"]) == 0
    lines = read_lines(out)
    assert [line["doc"] for line in lines] == [str(report_dir / n) for n in ("a.txt", "b.txt", "sub/c.txt")]
    for line in lines:
        assert line["text"] == read_text(line["doc"])
        ids = {e["id"] for e in line["entities"]}
        for e in line["entities"]:
            assert 0 <= e["start_offset"] < e["end_offset"] <= len(line["text"])
        for r in line["relations"]:
            assert {r["from_id"], r["to_id"]} <= ids
    err = capsys.readouterr().err
    assert "3 docs ok, 0 failed" in err


def test_cli_extract_output_is_valid_annotation_file(tmp_path, report_dir):
    from govie.io import read_annotations

    out = tmp_path / "out.jsonl"
    assert main(["extract", str(report_dir / "a.txt"), "-o", str(out), "-q"]) == 0
    assert len(read_annotations(out)) == 1


def test_cli_extract_files_and_region_year(tmp_path, report_dir):
    out = tmp_path / "out.jsonl"
    files = [str(report_dir / "b.txt"), str(report_dir / "a.txt")]
    assert main(["extract", *files, "-o", str(out), "--region", "安徽省马鞍山市雨山区", "--year", "2025", "-q"]) == 0
    lines = read_lines(out)
    assert [line["doc"] for line in lines] == files  # files in the order given
    assert all(line["meta"] == {"region": "安徽省马鞍山市雨山区", "year": 2025} for line in lines)


def test_cli_extract_csv(tmp_path, report_dir):
    pd = pytest.importorskip("pandas")
    out = tmp_path / "out.csv"
    assert main(["extract", str(report_dir), "-o", str(out), "-q"]) == 0
    df = pd.read_csv(out, encoding="utf-8-sig")
    assert list(df.columns[:3]) == ["doc_id", "region", "year"]
    assert set(df["doc_id"]) <= {str(report_dir / n) for n in REPORTS}
    for row in df.itertuples():
        assert read_text(row.doc_id)[row.value_start:row.value_end] == row.value_text
        assert read_text(row.doc_id)[row.indicator_start:row.indicator_end] == row.indicator_text
    log = read_lines(tmp_path / "out.csv.docs.jsonl")
    assert len(log) == 3 and all(e["error"] is None for e in log)


def test_cli_extract_unreadable_doc_is_recorded(tmp_path, report_dir, capsys):
    (report_dir / "bad.txt").write_bytes(b"\xff\xff\x80\x80")
    out = tmp_path / "out.jsonl"
    assert main(["extract", str(report_dir), "-o", str(out), "-q"]) == 1
    lines = read_lines(out)
    assert len(lines) == 4
    bad = [line for line in lines if "error" in line]
    assert [line["doc"] for line in bad] == [str(report_dir / "bad.txt")]
    assert "InputError" in bad[0]["error"] and "--encoding" in bad[0]["error"]
    assert all("text" in line for line in lines if "error" not in line)
    err = capsys.readouterr().err
    assert "3 docs ok, 1 failed" in err
    assert "Traceback" not in err


def test_cli_extract_failing_doc_is_recorded(tmp_path, report_dir, monkeypatch):
    monkeypatch.setattr(govie.pipeline.Extractor, "extract", boom_on("132亿元"))
    out = tmp_path / "out.jsonl"
    assert main(["extract", str(report_dir), "-o", str(out), "-q"]) == 1
    lines = read_lines(out)
    assert [("error" in line) for line in lines] == [False, True, False]
    assert lines[1]["doc"] == str(report_dir / "b.txt")
    assert lines[1]["error"] == "RuntimeError: pipeline failed on purpose"
    assert len(lines[1]["file_sha256"]) == 64


def test_cli_extract_csv_failure_goes_to_docs_log(tmp_path, report_dir, monkeypatch, capsys):
    monkeypatch.setattr(govie.pipeline.Extractor, "extract", boom_on("132亿元"))
    out = tmp_path / "out.csv"
    assert main(["extract", str(report_dir), "-o", str(out), "-q"]) == 1
    errors = [e for e in read_lines(tmp_path / "out.csv.docs.jsonl") if e["error"]]
    assert [(e["doc"], e["error"]) for e in errors] == [(str(report_dir / "b.txt"),
                                                         "RuntimeError: pipeline failed on purpose")]
    err = capsys.readouterr().err
    assert "b.txt: RuntimeError" in err
    assert "2 docs ok, 1 failed" in err
    assert out.exists()


@pytest.mark.parametrize("args,message", [
    (["extract", "{missing}", "-o", "{out}.jsonl"], "no such file or directory"),
    (["extract", "{reports}", "-o", "{out}.txt"], "must end in .jsonl, .csv or .parquet"),
    (["extract", "{reports}", "-o", "{out}.jsonl", "--model", "no-such-model"], "no govie model"),
    (["extract", "{reports}", "-o", "{out}.jsonl", "--workers", "0"], "--workers"),
    (["extract", "{empty}", "-o", "{out}.jsonl"], "no .txt files"),
    (["extract", "{reports}"], "required: -o"),
    (["evaluate", "{missing}"], "no such gold file"),
    (["evaluate", "{reports}/a.txt", "--pred", "{missing}"], "no such prediction file"),
    (["evaluate", "{reports}/a.txt", "--pred", "{reports}/a.txt", "--model", "rules"], "not allowed with"),
])
def test_cli_usage_errors_exit_2(tmp_path, report_dir, capsys, args, message):
    (tmp_path / "empty").mkdir()
    fill = {"missing": str(tmp_path / "missing.txt"), "out": str(tmp_path / "out"),
            "reports": str(report_dir), "empty": str(tmp_path / "empty")}
    assert main([a.format(**fill) for a in args]) == 2
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err


def test_cli_evaluate_prints_table(tiny_gold_path, capsys):
    assert main(["evaluate", str(tiny_gold_path), "--pred", str(tiny_gold_path)]) == 0
    out = capsys.readouterr().out
    assert "micro" in out and "Relations" in out and "Records (core)" in out
    rows = [line.split() for line in out.splitlines()]
    assert ["Records", "100.0", "100.0", "100.0", "3", "3"] in rows


def test_cli_evaluate_writes_json(tmp_path, tiny_gold_path):
    out = tmp_path / "scores.json"
    assert main(["evaluate", str(tiny_gold_path), "--pred", str(tiny_gold_path), "--json", str(out)]) == 0
    scores = json.loads(out.read_text(encoding="utf-8"))
    assert scores["entities"]["tp"] == 6 and scores["relations"]["f"] == 1.0


def test_cli_evaluate_errors_lists_examples(tmp_path, tiny_gold, tiny_gold_path, capsys):
    pred = tmp_path / "pred.jsonl"
    empty = {**tiny_gold[0], "entities": [], "relations": []}
    pred.write_text(json.dumps(empty, ensure_ascii=False) + "\n", encoding="utf-8")
    assert main(["evaluate", str(tiny_gold_path), "--pred", str(pred), "--errors", "2"]) == 0
    out = capsys.readouterr().out
    assert "missed (false negatives)" in out
    assert "[GDP]" in out


def test_cli_evaluate_bad_gold_line_is_usage_error(tmp_path, capsys):
    gold = tmp_path / "gold.jsonl"
    gold.write_text('{"text": "全年GDP增长6%。", "entities": [{"id": 1, "label": "X", '
                    '"start_offset": 0, "end_offset": 2}]}\n', encoding="utf-8")
    assert main(["evaluate", str(gold), "--pred", str(gold)]) == 2
    assert f"{gold}:1: " in capsys.readouterr().err


def test_cli_extract_output_scores_as_prediction(tmp_path, report_dir, capsys):
    out = tmp_path / "out.jsonl"
    assert main(["extract", str(report_dir), "-o", str(out), "-q"]) == 0
    assert main(["evaluate", str(out), "--pred", str(out), "-q"]) == 0
    assert "micro" in capsys.readouterr().out


def test_cli_evaluate_model_on_dev_gold(gold_path, capsys):
    assert main(["evaluate", str(gold_path), "--model", "rules", "-q"]) == 0
    out = capsys.readouterr().out
    assert "Records (core)" in out
