"""Character tokens vs spacy-pkuseg words as the NER's tokens: boundary ceiling and speed.

    python benchmarks/segmenters.py --pkuseg-model DIR [--gold ../shared/gold/dev.jsonl]

A token-based NER can only predict entities whose two ends fall on token boundaries, so the
share of gold entities that do is the ceiling of its recall. For each tokenizer this prints
that share per label on the gold file, and the median chars/s of tokenizing the gold texts
(3 runs). The pkuseg model is one you trained offline with `spacy_pkuseg.train` (see
models/README.md, "Segmentation"); the domain user dictionary is built from govie's own
lists (indicator names and synonyms, division names, enterprise names).
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from govie import text as textmod  # noqa: E402
from govie._data import DATA_DIR, read_tsv  # noqa: E402
from govie.corpus import read_gold  # noqa: E402


def user_dictionary() -> list:
    words = set()
    for row in read_tsv(DATA_DIR / "indicators.tsv"):
        words.update(w for w in [row["name_zh"], *row["synonyms"].split("|")] if w)
    for row in read_tsv(DATA_DIR / "districts.tsv"):
        if row["level"] != "township":
            words.update(w for w in (row["name"], row["short"]) if w)
    for row in read_tsv(DATA_DIR / "enterprises.tsv"):
        words.update(w for w in (row["short"], row["full"]) if w)
    return sorted(w for w in words if 1 < len(w) <= 20 and " " not in w)


def boundaries(text: str, words: list) -> set:
    """Token boundaries on ``text``; a segmenter may drop whitespace, so words are found in order."""
    out, pos = {0, len(text)}, 0
    for w in words:
        start = text.find(w, pos)
        if start < 0:
            continue
        out.update((start, start + len(w)))
        pos = start + len(w)
    return out


def ceiling(docs: list, segment) -> dict:
    """Per label: (entities with both ends on a token boundary, all entities)."""
    per: dict = {}
    for text, spans in docs:
        cuts = boundaries(text, segment(text))
        for s, e, label in spans:
            ok, n = per.get(label, (0, 0))
            per[label] = (ok + (s in cuts and e in cuts), n + 1)
    return per


def speed(texts: list, segment, repeat: int = 3) -> float:
    chars = sum(len(t) for t in texts)
    runs = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        for t in texts:
            segment(t)
        runs.append(time.perf_counter() - t0)
    return chars / statistics.median(runs)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--gold", default=str(REPO.parent / "shared" / "gold" / "dev.jsonl"))
    ap.add_argument("--pkuseg-model", required=True, help="a spacy_pkuseg model folder trained offline")
    args = ap.parse_args(argv)
    import spacy_pkuseg

    from govie.train import chunks

    docs = []
    for rec in read_gold(args.gold):
        for piece, spans in chunks(rec, max_chars=2000):
            docs.append((piece, spans))
    texts = [t for t, _ in docs]
    plain = spacy_pkuseg.pkuseg(model_name=args.pkuseg_model, user_dict=[])
    domain = spacy_pkuseg.pkuseg(model_name=args.pkuseg_model, user_dict=user_dictionary())
    import spacy

    from govie.components import CharTokenizer

    char = CharTokenizer(spacy.blank("zh").vocab)  # govie's: one token a character, bigram norms
    tokenizers = {"char (govie.CharTokenizer)": lambda t: [tok.text for tok in char(t)],
                  "pkuseg": plain.cut, "pkuseg + domain dictionary": domain.cut}
    labels = sorted({label for _, spans in docs for _, _, label in spans})
    print(f"gold: {args.gold}, {len(docs)} pieces, {sum(map(len, texts)):,} characters")
    print(f"{'tokenizer':28}" + "".join(f"{lab[:10]:>11}" for lab in labels) + f"{'all':>8}{'chars/s':>12}")
    for name, segment in tokenizers.items():
        per = ceiling(docs, segment)
        ok = sum(v[0] for v in per.values())
        n = sum(v[1] for v in per.values())
        row = "".join(f"{per.get(lab, (0, 1))[0] / max(per.get(lab, (0, 1))[1], 1):>11.3f}" for lab in labels)
        print(f"{name:28}{row}{ok / n:>8.3f}{speed(texts, segment):>12,.0f}")
    print("(share of gold entities whose both ends are token boundaries = ceiling of NER recall)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
