"""Derive govie's word lists from jieba's dictionary (MIT licence; jieba 0.42.1 dict.txt).

    pip install jieba==0.42.1 && python training/build_lexicons.py

Writes two lists of words (no frequencies, no other content of the dictionary):
- govie/data/function_words.txt: frequent verbs, adverbs, prepositions, conjunctions,
  pronouns and particles; trimmed from the left edge of enterprise and project names
  (确保国药控股 -> 国药控股).
- govie/data/common_words.txt: frequent common words (nouns, verbs, adjectives,
  abbreviations); a name made only of them is generic (重点项目, 污水处理工程), not a
  named PROJECT or ENTERPRISE.
"""
from __future__ import annotations

import argparse
from pathlib import Path

FUNCTION_POS = {"v", "vd", "vi", "d", "ad", "p", "c", "u", "r", "uj", "ul", "uz", "ug", "ud", "uv", "y", "zg"}
COMMON_POS = {"n", "vn", "v", "a", "an", "ad", "d", "j", "s", "f", "b", "l", "i", "z", "vd", "m", "q", "t"}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--dict", help="path of jieba's dict.txt (default: the installed jieba's)")
    ap.add_argument("--out", default=str(Path(__file__).resolve().parent.parent / "govie" / "data"))
    ap.add_argument("--function-min-freq", type=int, default=300)
    ap.add_argument("--common-min-freq", type=int, default=300)
    args = ap.parse_args()
    path = args.dict
    if path is None:
        import jieba

        path = Path(jieba.__file__).parent / "dict.txt"
    function, common = set(), set()
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            parts = line.split()
            if len(parts) != 3:
                continue
            word, freq, pos = parts[0], int(parts[1]), parts[2]
            if not all("\u4e00" <= ch <= "\u9fff" for ch in word):
                continue
            if pos in FUNCTION_POS and freq >= args.function_min_freq and len(word) <= 4:
                function.add(word)
            if pos in COMMON_POS and freq >= args.common_min_freq and 2 <= len(word) <= 4:
                common.add(word)
    out = Path(args.out)
    header = "# derived from jieba 0.42.1 dict.txt (MIT) by training/build_lexicons.py\n"
    (out / "function_words.txt").write_text(header + "\n".join(sorted(function)) + "\n", encoding="utf-8")
    (out / "common_words.txt").write_text(header + "\n".join(sorted(common)) + "\n", encoding="utf-8")
    print(f"function words: {len(function)}, common words: {len(common)}")


if __name__ == "__main__":
    main()
