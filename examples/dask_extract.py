#!/usr/bin/env python3
"""govie on Dask: one task per report file, the targets table written as parquet.

    python examples/dask_extract.py REPORTS_DIR -o targets.parquet [--workers 2] [--scheduler processes]

Runs on Dask's local process pool by default ("local mode"); to run on a cluster, start a
`dask.distributed` Client (or dask-jobqueue's SLURMCluster on a university cluster) before
calling `targets_frame(...).to_parquet(...)`: the code does not change.

Every file gives its target rows or, when it fails, one row whose `error` says why, so no
document is dropped silently; `targets.parquet` then holds the same rows as
`govie extract REPORTS_DIR -o targets.parquet`.
"""
from __future__ import annotations

import argparse
import sys

import pandas as pd

from govie.batch import ROW_FIELDS, collect_paths, target_rows

COLUMNS = [*ROW_FIELDS, "error"]


def meta() -> pd.DataFrame:
    """An empty frame with the output's columns and types, for Dask."""
    types = {"year": "Int64", "value_start": "Int64", "value_end": "Int64", "indicator_start": "Int64",
             "indicator_end": "Int64", "number": "float64", "number_high": "float64"}
    return pd.DataFrame({c: pd.Series(dtype=types.get(c, "string")) for c in COLUMNS})


def targets_frame(paths, partitions: int):
    """A lazy dask DataFrame of every target of every report under ``paths``."""
    import dask.bag as db

    files = [str(p) for p in collect_paths(paths)]
    bag = db.from_sequence(files, npartitions=min(partitions, len(files))).map(target_rows).flatten()
    return bag.to_dataframe(meta=meta())


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("paths", nargs="+")
    ap.add_argument("-o", "--output", required=True, help="parquet folder to write")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--scheduler", default="processes", choices=("processes", "threads", "synchronous"))
    args = ap.parse_args(argv)
    import dask

    frame = targets_frame(args.paths, partitions=4 * args.workers)
    with dask.config.set(scheduler=args.scheduler, num_workers=args.workers):
        frame.to_parquet(args.output, write_index=False)
    table = pd.read_parquet(args.output)
    failed = table["error"].notna().sum()
    print(f"{table['doc_id'].nunique()} documents, {len(table) - failed} targets, {failed} failures -> {args.output}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
