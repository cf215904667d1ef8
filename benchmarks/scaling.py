"""Scaling: batch throughput with 1 and 2 workers and on Dask (local mode) over the same
reports, and time per report against report length.

    python benchmarks/scaling.py [--corpus ../shared/corpus] [--n 200] [--repeat 3] [--seed 0]

Part 1 copies nothing: it runs ``govie.extract_files`` (jsonl output to a temp folder) and
``examples/dask_extract.py``'s frame (processes scheduler) over N reports sampled from the
corpus manifest, ``repeat`` times each, and prints median chars/s and docs/s.
Part 2 builds texts of 1k to 1M characters by concatenating corpus reports, times
``govie.extract`` on each (median of ``repeat``) and prints microseconds per 1,000 chars:
flat means linear cost. The last line is JSON with every figure.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))
sys.path.insert(0, str(REPO / "examples"))

import govie  # noqa: E402
from speed import pick  # noqa: E402


def timed_rate(files, run, repeat):
    """chars/s and docs/s of ``run(files, tmp_dir)`` over the files, median of ``repeat`` runs."""
    chars = sum(len(govie.read_text(f)) for f in files)
    times = []
    for _ in range(repeat):
        with tempfile.TemporaryDirectory() as tmp:
            t = time.perf_counter()
            run(files, Path(tmp))
            times.append(time.perf_counter() - t)
    med = statistics.median(times)
    return {"chars": chars, "docs": len(files), "seconds_median": round(med, 2),
            "chars_per_s": round(chars / med), "docs_per_s": round(len(files) / med, 1)}


def batch_run(workers):
    def run(files, tmp):
        s = govie.extract_files(files, tmp / "out.jsonl", workers=workers, progress=False)
        assert s.failed == 0, s.failures
    return run


def dask_run(workers):
    import dask
    import dask_extract

    def run(files, tmp):
        with dask.config.set(scheduler="processes", num_workers=workers):
            dask_extract.targets_frame(files, partitions=4 * workers).to_parquet(tmp / "o.parquet", write_index=False)
    return run


def length_curve(files, repeat):
    pool = "\n".join(govie.read_text(f) for f in files)
    while len(pool) < 1_000_000:
        pool += "\n" + pool
    extractor = govie.load()
    extractor.extract(pool[:2000])
    out = []
    for n in (1_000, 10_000, 100_000, 1_000_000):
        text = pool[:n]
        times = []
        for _ in range(repeat):
            t = time.perf_counter()
            extractor.extract(text)
            times.append(time.perf_counter() - t)
        med = statistics.median(times)
        out.append({"chars": n, "seconds_median": round(med, 4), "us_per_1k_chars": round(med / n * 1e9)})
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", default=str(REPO.parent / "shared" / "corpus"))
    ap.add_argument("--n", type=int, default=200)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    corpus = Path(args.corpus)
    files = [str(corpus / r["file"]) for r in pick(corpus, args.n, args.seed)]
    print(f"{len(files)} reports, {os.cpu_count()} CPU cores")
    figures = {"reports": len(files), "cores": os.cpu_count()}
    for w in (1, 2):
        r = timed_rate(files, batch_run(w), args.repeat)
        figures[f"batch_{w}_workers"] = r
        print(f"govie.extract_files, {w} worker(s): {r['chars_per_s']:,} chars/s, {r['docs_per_s']} docs/s "
              f"(median of {args.repeat}, {r['seconds_median']} s)")
    r = timed_rate(files, dask_run(2), args.repeat)
    figures["dask_local_2_workers"] = r
    print(f"Dask local (processes, 2 workers): {r['chars_per_s']:,} chars/s, {r['docs_per_s']} docs/s "
          f"(median of {args.repeat}, {r['seconds_median']} s)")
    curve = length_curve(files, args.repeat)
    figures["length_curve"] = curve
    for c in curve:
        print(f"{c['chars']:>9,} chars: {c['seconds_median']:.4f} s, {c['us_per_1k_chars']:,} µs per 1k chars")
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
