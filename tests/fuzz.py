#!/usr/bin/env python3
"""Time-bounded fuzzing of govie.extract, the markup parser and the annotation reader.

    python tests/fuzz.py [--seconds 60] [--seed N] [--corpus ../shared/corpus]

Inputs are random mixes of report fragments (invented ones, plus sentences of corpus
reports when the corpus is there), markup and HTML noise, numbers in odd forms, control
and zero-width characters, random Unicode (lone surrogates included), cut at random
places and sometimes grown into one huge line. For each input the invariants are:

- ``govie.extract`` returns (or raises a ``govie.GovieError``, never anything else);
- every entity satisfies ``text[start:end] == entity.text``, spans do not overlap,
  every target points at entities of the result, ``to_doccano`` passes the guide's check;
- the same input through a window smaller than the text gives valid offsets too.

A failing input is saved as JSON to ``tests/regressions/`` (which ``test_regressions.py``
replays forever after) and the run exits 1. Prints inputs tried and time spent.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

import govie  # noqa: E402
import govie.pipeline  # noqa: E402
from govie.io import validate_record  # noqa: E402

REGRESSIONS = HERE / "regressions"

FRAGMENTS = [
    "今年主要预期目标是:", "全区地区生产总值增长6%左右,", "城镇和农村居民人均可支配收入分别增长4.8%、6%。",
    "新签约项目38个,其中固投5亿元以上重大项目5个。", "ＧＤＰ增长６．５％", "<p>固定资产投资</p>", "&nbsp;&amp;&#x4e00;&#99999999;",
    "\u200b\ufeff\u200d", "\r\n", "\\r\\n", "1,234.5亿元", "-2.3%", "下降", "马鞍山市雨山区", "两江控股", "图灵小镇项目",
    "5-10亿元", "5～10亿元", "百分之八", "三个百分点", "“十四五”", "PM2.5", "<script>x=1;</script>", "一、2024年工作回顾\n",
    "二、2025年工作安排\n", "力争", "预计全年", "分别增长", "、", "其中", "万元", "亿美元", "%", "％", "个百分点", "余",
    "以上", "左右", "不低于", "控制在", "以内", "增长", "达到", "0", "00000000000000000000", "9" * 400, ".",
    "１２３４５６７８９０", "十万八千", "两亿", "第三", "2024年", "〇", "零点五", "壹佰万元", "\t", "\u3000", " ",
    "⟦", "⟧", "|", "\x00", "\x1b[31m", "\ud800", "\udfff", "𠀀𫖯", "🙂", "é", "ﬁ", "\u0301",
]
ALPHABETS = ["0123456789.,%-~+", "亿万千百十元个家项人户吨亩%增长下降达到以上左右约近超", "<>&;#/\"'=", "\n\r\t \u3000"]


def corpus_sentences(root: Path | None, n: int = 3000, seed: int = 0) -> list:
    if root is None or not root.is_dir():
        return []
    files = sorted(root.rglob("*.txt"))
    rng = random.Random(seed)
    out = []
    for f in rng.sample(files, min(60, len(files))):
        text = f.read_text(encoding="utf-8", errors="replace")
        out.extend(s for s in text.split("。") if 0 < len(s) < 400)
    rng.shuffle(out)
    return out[:n]


def random_input(rng: random.Random, sentences: list) -> str:
    parts = []
    for _ in range(rng.randint(0, 30)):
        r = rng.random()
        if r < 0.45:
            parts.append(rng.choice(FRAGMENTS))
        elif r < 0.65 and sentences:
            s = rng.choice(sentences)
            a, b = sorted(rng.randint(0, len(s)) for _ in range(2))
            parts.append(s[a:b] if rng.random() < 0.5 else s)
        elif r < 0.85:
            alphabet = rng.choice(ALPHABETS)
            parts.append("".join(rng.choice(alphabet) for _ in range(rng.randint(1, 12))))
        else:
            parts.append("".join(chr(rng.randint(0, 0x2FFFF)) for _ in range(rng.randint(1, 6))))
    text = "".join(parts)
    if rng.random() < 0.03:  # one huge line
        text = (text.replace("\n", "") or "增长6%") * rng.randint(50, 400)
    return text


def check(text: str, extractor) -> None:
    """Raise AssertionError (or the crash) when an invariant fails."""
    try:
        res = extractor.extract(text)
    except govie.GovieError:
        return
    spans = sorted((e.start, e.end) for e in res.entities)
    for e in res.entities:
        assert 0 <= e.start < e.end <= len(text), f"offsets out of range: {e}"
        assert text[e.start:e.end] == e.text, f"offset mismatch: {e}"
    for (s1, e1), (s2, e2) in zip(spans, spans[1:]):
        assert e1 <= s2, f"overlapping spans {s1}:{e1} and {s2}:{e2}"
    ents = set(res.entities)
    for t in res.targets:
        assert t.value in ents and t.indicator in ents, "target points outside the entities"
    validate_record(res.to_doccano())
    res.to_json()
    govie.to_dataframe(res)


def save(text: str, error: str) -> Path:
    REGRESSIONS.mkdir(exist_ok=True)
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:12]
    path = REGRESSIONS / f"fuzz-{digest}.json"
    path.write_text(json.dumps({"text": text, "error": error}, ensure_ascii=True) + "\n", encoding="utf-8")
    return path


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--seed", type=int, default=None, help="default: a new seed each run (printed)")
    ap.add_argument("--corpus", default=str(HERE.parent.parent / "shared" / "corpus"))
    args = ap.parse_args(argv)
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(2 ** 32)
    rng = random.Random(seed)
    sentences = corpus_sentences(Path(args.corpus), seed=seed)
    extractor = govie.load()
    small = govie.load()
    deadline = time.monotonic() + args.seconds
    tried = chars = 0
    while time.monotonic() < deadline:
        text = random_input(rng, sentences)
        tried += 1
        chars += len(text)
        try:
            check(text, extractor)
            if len(text) > 40 and rng.random() < 0.1:  # the windowed path on the same input
                old = govie.pipeline.WINDOW_CHARS
                govie.pipeline.WINDOW_CHARS = rng.randint(20, max(21, len(text) // 2))
                try:
                    check(text, small)
                finally:
                    govie.pipeline.WINDOW_CHARS = old
        except Exception:
            error = traceback.format_exc()
            path = save(text, error)
            print(error, file=sys.stderr)
            print(f"fuzz: FAILED after {tried} inputs (seed {seed}); input saved to {path}", file=sys.stderr)
            return 1
    print(f"fuzz: {tried} inputs, {chars:,} chars in {args.seconds:.0f} s, seed {seed}, "
          f"{len(sentences)} corpus sentences in the mix: no failure")
    return 0


if __name__ == "__main__":
    sys.exit(main())
