"""Inputs the fuzz harness (tests/fuzz.py) once broke govie with: they must keep passing."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

import govie
from fuzz import REGRESSIONS, check

CASES = sorted(REGRESSIONS.glob("*.json"))


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_fuzz_regression(path: Path):
    case = json.loads(path.read_text(encoding="utf-8"))
    check(case["text"], govie.load())


def test_lone_surrogate_is_a_clear_input_error():
    with pytest.raises(govie.InputError, match="lone surrogate"):
        govie.extract("地区生产总值增长6%\udce0")
