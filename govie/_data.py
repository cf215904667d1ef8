"""Access to the package data files in govie/data (tables are data, not code)."""
from __future__ import annotations

import csv
import re
from functools import lru_cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"


@lru_cache(maxsize=None)
def read_tsv(name: str) -> tuple:
    """Rows of ``govie/data/<name>`` as a tuple of dicts (header row gives the keys)."""
    with open(DATA_DIR / name, encoding="utf-8", newline="") as fh:
        return tuple(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))


def alternation(words) -> str:
    """A regex alternation of literal words, longest first (so 亿元 wins over 元)."""
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


@lru_cache(maxsize=None)
def read_lines(name: str) -> tuple:
    """Non-empty, non-comment lines of a word list in govie/data."""
    with open(DATA_DIR / name, encoding="utf-8") as fh:
        return tuple(ln.strip() for ln in fh if ln.strip() and not ln.startswith("#"))
