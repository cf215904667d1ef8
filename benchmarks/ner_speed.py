"""Time the statistical NER alone (spaCy's transition-based ``ner``) on the installed spaCy.

    python benchmarks/ner_speed.py [--corpus ../shared/corpus] [--model govie-zh] [--chars 100000] [--repeat 3]

Takes the first CHARS characters of the speed benchmark's sample (speed.py's ``pick``),
cuts them into 1,000-character pieces, runs the tokenizer, the gazetteer features and
tok2vec once, then times ``ner.predict`` over all pieces ``repeat`` times. Prints the
median microseconds per character and the spaCy and thinc versions, to check a spaCy
upgrade against the pin in pyproject.toml (see models/README.md, "spaCy version and speed").
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from speed import REPO, pick  # noqa: E402


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", default="../shared/corpus", help="corpus directory with MANIFEST.tsv")
    ap.add_argument("--model", default="govie-zh", help="a trained govie model with a spaCy NER")
    ap.add_argument("--chars", type=int, default=100_000, help="characters to time (default 100000)")
    ap.add_argument("--repeat", type=int, default=3, help="timed passes (default 3)")
    args = ap.parse_args(argv)

    import spacy
    import thinc

    import govie

    corpus = Path(args.corpus)
    if not corpus.is_absolute():
        corpus = (REPO / corpus).resolve()
    text = ""
    for row in pick(corpus, 50, 0):
        text += govie.read_text(corpus / row["file"])
        if len(text) >= args.chars:
            break
    text = text[:args.chars]
    nlp = govie.load(args.model).nlp
    if nlp is None:
        sys.exit(f"ner_speed.py: model {args.model!r} has no spaCy NER")
    docs = [nlp.make_doc(text[i:i + 1000]) for i in range(0, len(text), 1000)]
    for name, proc in nlp.pipeline:
        if name not in ("ner", "govie_values"):
            docs = [proc(d) for d in docs]
    ner = nlp.get_pipe("ner")
    times = []
    for _ in range(args.repeat):
        t = time.perf_counter()
        ner.predict(docs)
        times.append(time.perf_counter() - t)
    us = statistics.median(times) / len(text) * 1e6
    print(f"spaCy {spacy.__version__}, thinc {thinc.__version__}: ner.predict {us:.1f} µs/char "
          f"({len(text):,} chars in {len(docs)} pieces, median of {args.repeat})")
    print(json.dumps({"spacy": spacy.__version__, "thinc": thinc.__version__, "chars": len(text),
                      "ner_us_per_char": round(us, 2)}))


if __name__ == "__main__":
    main()
