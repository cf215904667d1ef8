"""Single-process extraction speed on a deterministic sample of the corpus.

    python benchmarks/speed.py [--corpus ../shared/corpus] [--n 50] [--repeat 3] [--seed 0] [--model rules]

Picks N reports from the corpus MANIFEST.tsv (random.Random(seed).sample over the rows
sorted by file), warms the extractor up on one document, then times
``govie.load(model).extract(text)`` over all N documents, ``repeat`` times.
Prints plain-text lines and, last, one JSON line with the same figures.
"""
from __future__ import annotations

import argparse
import csv
import json
import platform
import random
import resource
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def parse_args(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", default="../shared/corpus",
                    help="corpus directory holding MANIFEST.tsv; relative paths are taken from the repo root "
                         "(default: ../shared/corpus)")
    ap.add_argument("--n", type=int, default=50, help="number of reports to sample (default 50)")
    ap.add_argument("--repeat", type=int, default=3, help="timed passes over the sample (default 3)")
    ap.add_argument("--seed", type=int, default=0, help="sampling seed (default 0)")
    ap.add_argument("--model", default="rules", help="model name or path for govie.load (default rules)")
    args = ap.parse_args(argv)
    if args.n < 1 or args.repeat < 1:
        ap.error("--n and --repeat must be at least 1")
    return args


def pick(corpus: Path, n: int, seed: int) -> list:
    manifest = corpus / "MANIFEST.tsv"
    if not manifest.is_file():
        sys.exit(f"speed.py: no corpus at {corpus} (expected {manifest}). "
                 "Pass --corpus DIR pointing at a directory with MANIFEST.tsv "
                 "(columns: file, source_repo, source_path, source_commit, region, level, year, chars).")
    with manifest.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    if not rows or "file" not in rows[0]:
        sys.exit(f"speed.py: {manifest} has no rows or no 'file' column.")
    rows.sort(key=lambda r: r["file"])
    if n > len(rows):
        print(f"note: --n {n} is more than the {len(rows)} reports in the corpus; using all of them",
              file=sys.stderr)
        n = len(rows)
    return random.Random(seed).sample(rows, n)


def peak_rss_mb() -> float:
    """Peak resident memory of this process. On Linux, VmHWM of /proc/self/status: ru_maxrss
    also keeps the peak of the process that spawned this one (benchmarks/report.py, which holds
    the models it has scored), so it overstates a fresh process's memory."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # ru_maxrss is in kilobytes on Linux and bytes on macOS.
    return rss / (1024 * 1024) if sys.platform == "darwin" else rss / 1024


def measure(corpus, n: int = 50, repeat: int = 3, seed: int = 0, model: str = "rules") -> dict:
    """Time single-process extraction over ``n`` sampled reports; figures as a dict."""
    args = argparse.Namespace(n=n, repeat=repeat, seed=seed, model=model)
    corpus = Path(corpus)
    if not corpus.is_absolute():
        corpus = (REPO / corpus).resolve()
    rows = pick(corpus, args.n, args.seed)

    import govie

    texts = []
    for row in rows:
        path = corpus / row["file"]
        if not path.is_file():
            sys.exit(f"speed.py: {path} is listed in MANIFEST.tsv but missing.")
        texts.append(govie.read_text(path))
    chars = sum(len(t) for t in texts)

    extractor = govie.load(args.model)
    extractor.extract(texts[0])  # warm-up: lazy tables, regex compilation, imports

    times = []
    n_entities = n_targets = 0
    for _ in range(args.repeat):
        n_entities = n_targets = 0
        t0 = time.perf_counter()
        for text in texts:
            res = extractor.extract(text)
            n_entities += len(res.entities)
            n_targets += len(res.targets)
        times.append(time.perf_counter() - t0)

    rates = [chars / t for t in times]
    out = {
        "model": args.model,
        "docs": len(texts),
        "chars": chars,
        "repeat": args.repeat,
        "seed": args.seed,
        "median_s": round(statistics.median(times), 4),
        "median_chars_per_s": round(statistics.median(rates), 1),
        "min_chars_per_s": round(min(rates), 1),
        "max_chars_per_s": round(max(rates), 1),
        "entities": n_entities,
        "targets": n_targets,
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "ner_threads": _ner_threads(extractor),
        "python": platform.python_version(),
        "govie": getattr(govie, "__version__", None),
    }
    return out


def _ner_threads(extractor) -> int:
    """Threads the model's NER ran on: 0 for a model without a spaCy NER."""
    from govie import pipeline

    return pipeline._ner_threads() if extractor.nlp is not None else 0


def main(argv=None) -> int:
    args = parse_args(argv)
    out = measure(args.corpus, args.n, args.repeat, args.seed, args.model)
    print(f"model:            {out['model']}")
    print(f"docs:             {out['docs']} (seed {args.seed})")
    print(f"total chars:      {out['chars']}")
    print(f"median wall s:    {out['median_s']:.3f} over {args.repeat} runs")
    print(f"median chars/s:   {out['median_chars_per_s']:.0f}")
    print(f"min/max chars/s:  {out['min_chars_per_s']:.0f} / {out['max_chars_per_s']:.0f}")
    print(f"entities/targets: {out['entities']} / {out['targets']}")
    print(f"peak RSS MB:      {out['peak_rss_mb']:.1f}")
    print(f"NER threads:      {out['ner_threads']}")
    print(json.dumps(out, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
