#!/usr/bin/env python3
"""Train static character-bigram vectors on the report corpus for govie's NER.

    python training/train_vectors.py --corpus ../shared/corpus --output_dir models/_vectors/bigram64

govie's NER reads every character as a token whose NORM is the bigram starting at it
(``govie.CharTokenizer``). A Chinese NER learns little about a rare bigram (the 麦郎 of a
company, the 岗镇 of a town) from a few thousand annotated passages; skip-gram vectors of the
bigrams, learnt from the whole corpus, may give it what the unannotated reports know.

1. **Text.** The reports ``training/pretrain_mlm.py`` reads: every corpus report except the dev
   regions and the reports of the gold validation split, normalised as at run time.
2. **Tokens.** Each run of non-blank characters becomes the sequence of its bigrams
   (text[i:i+2], as ``CharTokenizer`` writes NORM), one line per run.
3. **Vectors.** floret skip-gram (no subwords) in floret mode: every bigram is hashed to
   ``hash_count`` rows of a table of ``rows`` rows, so the table stays small and no bigram is
   out of vocabulary. ``spacy init vectors --mode floret --attr NORM`` makes it a spaCy vectors
   table keyed by NORM (spaCy 3.8 keeps ``attr`` only for floret tables). ``output_dir`` is a
   spaCy pipeline that ``[initialize] vectors`` reads:

    govie train ... --set paths.vectors=models/_vectors/bigram64

   with ``--set components.tok2vec.model.embed.include_static_vectors=true``. A model trained
   so carries the table in its ``nlp/vocab``.

Measured (models/README.md, third round): with the shipped ``ner.cfg`` and 2,480 training
records the vectors gave no gain beyond run-to-run noise, so ``ner.cfg`` does not use them.

Needs ``pip install 'govie[train]'`` (floret, spaCy). The full corpus (43 M bigram tokens)
took 26 minutes on two cores that were also running other work.
"""
from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Iterator, List

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "training"))

from govie import text as textmod  # noqa: E402
from pretrain_mlm import pretraining_documents  # noqa: E402

BLANK_RUN = re.compile(r"\S+")


@dataclass
class VectorArguments:
    corpus: str = field(default=str(REPO.parent / "shared" / "corpus"),
                        metadata={"help": "corpus root (the folder with MANIFEST.tsv)"})
    output_dir: str = field(default=str(REPO / "models" / "_vectors" / "bigram64"),
                            metadata={"help": "spaCy pipeline holding the vectors table"})
    max_docs: int = field(default=0, metadata={"help": "use only the first N reports (0: all; tests)"})
    dim: int = 64
    window: int = 5
    epochs: int = 5
    min_count: int = 5
    negatives: int = 5
    rows: int = field(default=50000, metadata={"help": "rows of the hashed vectors table (floret's bucket)"})
    hash_count: int = field(default=2, metadata={"help": "rows each bigram is hashed to (summed)"})
    threads: int = field(default=2, metadata={"help": "fastText threads; with more than one a rerun "
                                                      "gives close, not identical, vectors"})


def bigram_lines(corpus: Path, docs: List[str]) -> Iterator[str]:
    """One line of space-separated bigrams per run of non-blank characters of each report."""
    for doc in docs:
        text = textmod.normalise((corpus / doc).read_text(encoding="utf-8")).text
        for run in BLANK_RUN.findall(text):
            yield " ".join(run[i:i + 2] for i in range(len(run)))


def main(args: VectorArguments) -> Path:
    import floret

    corpus, out = Path(args.corpus), Path(args.output_dir)
    if not (corpus / "MANIFEST.tsv").is_file():
        raise SystemExit(f"train_vectors: no MANIFEST.tsv under {corpus}")
    docs, held = pretraining_documents(corpus, args.max_docs or None)
    started = time.time()
    with tempfile.TemporaryDirectory(prefix="govie-vectors-") as tmp:
        tmp = Path(tmp)
        tokens = 0
        with open(tmp / "bigrams.txt", "w", encoding="utf-8") as fh:
            for line in bigram_lines(corpus, docs):
                fh.write(line + "\n")
                tokens += line.count(" ") + 1
        print(f"train_vectors: {len(docs)} reports, {tokens:,} bigram tokens "
              f"(held out: {len(held)} validation-split reports and the dev regions)", file=sys.stderr)
        model = floret.train_unsupervised(
            str(tmp / "bigrams.txt"), model="skipgram", mode="floret", dim=args.dim, ws=args.window,
            epoch=args.epochs, minCount=args.min_count, neg=args.negatives, minn=0, maxn=0,
            bucket=args.rows, hashCount=args.hash_count, thread=args.threads, verbose=0)
        model.save_floret_vectors(str(tmp / "bigrams.floret"))
        subprocess.run([sys.executable, "-m", "spacy", "init", "vectors", "zh", str(tmp / "bigrams.floret"),
                        str(out), "--mode", "floret", "--attr", "NORM", "--name", "govie_bigram_vectors"],
                       check=True)
        words = len(model.get_words())
    log = {"arguments": asdict(args), "reports": len(docs), "held_out_reports": len(held),
           "bigram_tokens": tokens, "bigrams": words, "seconds": round(time.time() - started)}
    (out / "vectors_log.json").write_text(json.dumps(log, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"train_vectors: saved {args.rows:,} hashed rows of {args.dim} dimensions for {words:,} bigrams to {out} "
          f"in {log['seconds']} s", file=sys.stderr)
    return out


if __name__ == "__main__":
    from transformers import HfArgumentParser

    (parsed,) = HfArgumentParser(VectorArguments).parse_args_into_dataclasses()
    main(parsed)
