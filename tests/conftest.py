"""Shared fixtures: the ../shared folder (skipped when absent) and a tiny hand-made gold set."""
from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"

TINY_TEXT = "今年主要预期目标是:GDP增长6%,固定资产投资增长7%,新签约项目38个。"


@pytest.fixture
def shared_dir() -> Path:
    """../shared relative to the repository root; tests using it skip when it is absent."""
    if not SHARED.is_dir():
        pytest.skip("../shared is not available")
    return SHARED


@pytest.fixture
def gold_path(shared_dir) -> Path:
    path = shared_dir / "gold" / "dev.jsonl"
    if not path.is_file():
        pytest.skip("../shared/gold/dev.jsonl is not available")
    return path


def make_doc(text: str, spans: list, relations: list, doc_id: str = "tiny") -> dict:
    """A doccano dict. ``spans``: (label, surface) found left to right in ``text``;
    ``relations``: (value index, indicator index, type, status, qualifier[, indicator_name])
    with 0-based indexes into ``spans``."""
    entities, pos = [], 0
    for i, (label, surface) in enumerate(spans, start=1):
        start = text.index(surface, pos)
        pos = start + len(surface)
        entities.append({"id": i, "label": label, "start_offset": start, "end_offset": pos})
    rels = []
    for j, (v, ind, rtype, status, qual, *name) in enumerate(relations, start=1):
        rel = {"id": j, "from_id": v + 1, "to_id": ind + 1, "type": rtype, "status": status, "qualifier": qual}
        if name:
            rel["indicator_name"] = name[0]
        rels.append(rel)
    return {"id": doc_id, "text": text, "meta": {"region": "安徽省马鞍山市雨山区", "year": 2025},
            "entities": entities, "relations": rels}


@pytest.fixture
def tiny_gold() -> list:
    """One document: 6 entities, 3 relations, 3 records of which 2 are core (gdp, fai)."""
    spans = [("INDICATOR", "GDP"), ("PERCENT", "6%"), ("INDICATOR", "固定资产投资"), ("PERCENT", "7%"),
             ("INDICATOR", "新签约项目"), ("AMOUNT", "38个")]
    rels = [(1, 0, "growth", "target", "exact"), (3, 2, "growth", "target", "exact"),
            (5, 4, "level", "target", "exact")]
    return [make_doc(TINY_TEXT, spans, rels)]


@pytest.fixture
def tiny_gold_path(tmp_path, tiny_gold) -> Path:
    path = tmp_path / "gold.jsonl"
    path.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in tiny_gold), encoding="utf-8")
    return path


def write_reports(root: Path, texts: dict) -> Path:
    """Write {relative name: text} as UTF-8 report files under ``root``; return ``root``."""
    for name, text in texts.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


def training_script(name: str):
    """The module of ``training/NAME.py`` (the training scripts are not a package), loaded once."""
    if f"training_{name}" in sys.modules:
        return sys.modules[f"training_{name}"]
    spec = importlib.util.spec_from_file_location(f"training_{name}", REPO / "training" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the script runs
    spec.loader.exec_module(module)
    return module


def write_corpus(root: Path, texts: list) -> Path:
    """A corpus root laid out like ../shared/corpus: one city report per text and MANIFEST.tsv."""
    (root / "raw").mkdir()
    rows = ["file\tsource_repo\tsource_path\tsource_commit\tregion\tlevel\tyear\tchars"]
    for i, text in enumerate(texts):
        name = f"raw/测试省测试{i}市_2024_city.txt"
        (root / name).write_text(text, encoding="utf-8")
        rows.append(f"{name}\tx\tx\tx\t测试省测试{i}市\tcity\t2024\t{len(text)}")
    (root / "MANIFEST.tsv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return root
