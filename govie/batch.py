"""Batch extraction over many report files: parallel, resumable, every failure recorded.

``extract_files(paths, "results.jsonl" | "results.csv" | "results.parquet")`` is what
``govie extract`` runs. Each document is read and processed in a worker; outcomes are
written in input order as they arrive, so memory stays bounded however many files there
are. Every document leaves a trace in the output: its records, or its error.

Outputs
- ``.jsonl``: one doccano-style line per document (``doc``, ``file_sha256`` and the
  annotation record, or ``doc``, ``file_sha256`` and ``error``).
- ``.csv``: one row per target (``doc_id`` = the file path, then ``TARGET_ROW_FIELDS``);
  beside it ``OUT.csv.docs.jsonl`` logs every document (hash, targets, error).
- ``.parquet``: a folder of part files (read it with ``pandas.read_parquet(OUT)``), same
  columns as the CSV, and ``_docs.jsonl`` inside it logging every document.

``resume=True`` skips documents whose path and file hash (SHA-256 of the bytes) are
already in the output, retries those that failed, redoes those whose file changed, and
discards a half-written tail left by an interrupted run.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import time
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, List, Optional, Sequence, Union

from .errors import GovieError, InputError
from .schema import TARGET_ROW_FIELDS

PathLike = Union[str, Path]
FORMATS = (".jsonl", ".csv", ".parquet")
ROW_FIELDS = ("doc_id", *TARGET_ROW_FIELDS)
PART_DOCS = 500  # parquet: documents per part file


@dataclass
class Outcome:
    """What happened to one document."""

    doc: str
    file_sha256: Optional[str]
    chars: int = 0
    error: Optional[str] = None
    record: Optional[dict] = None  # jsonl payload
    rows: List[dict] = field(default_factory=list)  # csv/parquet payload
    n_targets: int = 0


@dataclass
class Summary:
    """Counts of a batch run; ``failures`` lists (doc, error)."""

    output: str
    ok: int = 0
    failed: int = 0
    skipped: int = 0
    targets: int = 0
    chars: int = 0
    seconds: float = 0.0
    failures: list = field(default_factory=list)

    def __str__(self) -> str:
        rate = self.chars / self.seconds if self.seconds else 0.0
        return (f"{self.ok} docs ok, {self.failed} failed, {self.skipped} skipped as already done, "
                f"{self.targets} targets; {self.chars:,} chars in {self.seconds:.1f} s "
                f"({rate:,.0f} chars/s) -> {self.output}")


def collect_paths(paths: Sequence[PathLike]) -> list:
    """Files named, and *.txt files under folders named (recursively, sorted)."""
    if isinstance(paths, (str, Path)):
        paths = [paths]
    files = []
    for p in paths:
        path = Path(p)
        if path.is_dir():
            found = sorted(f for f in path.rglob("*.txt") if f.is_file())
            if not found:
                raise InputError(f"no .txt files under folder {p}")
            files.extend(found)
        elif path.exists():
            files.append(path)
        else:
            raise InputError(f"no such file or folder: {p}")
    return files


def file_sha256(path: PathLike) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def extract_files(paths: Sequence[PathLike], output: PathLike, model=None, workers: int = 1,
                  encoding: str = "auto", region: Optional[str] = None, year: Optional[int] = None,
                  resume: bool = False, progress: bool = True) -> Summary:
    """Extract every report under ``paths`` into ``output`` (.jsonl, .csv or .parquet).

    Returns a Summary; documents that failed are in ``summary.failures`` and in the output.

    >>> summary = govie.extract_files(["reports/"], "results.parquet", workers=2, resume=True)  # doctest: +SKIP
    """
    from .pipeline import Extractor, load

    out = Path(output)
    fmt = out.suffix.lower()
    if fmt not in FORMATS:
        raise InputError(f"output {out} must end in .jsonl, .csv or .parquet")
    if not isinstance(workers, int) or workers == 0 or workers < -1:
        raise InputError(f"workers must be a positive number or -1 (all cores), got {workers!r}")
    if workers == -1:
        workers = os.cpu_count() or 1
    if fmt == ".parquet":
        _require_pyarrow()
    files = [str(f) for f in collect_paths(paths)]
    extractor = model if isinstance(model, Extractor) else load(model)
    sink = {".jsonl": JsonlSink, ".csv": CsvSink, ".parquet": ParquetSink}[fmt](out)
    if resume:
        hashes = {}
        for f in files:
            try:
                hashes[f] = file_sha256(f)
            except OSError:
                pass  # unreadable: it will be retried and recorded as failed
        done = sink.resume(hashes)
        todo = [f for f in files if f not in done]
    else:
        sink.start()
        todo = files
    summary = Summary(output=str(out), skipped=len(files) - len(todo))
    config = (extractor.meta, extractor.path, fmt, encoding, region, year)
    bar = _progress_bar(len(todo), progress)
    started = time.perf_counter()
    try:
        for outcome in _outcomes(todo, config, workers):
            sink.write(outcome)
            summary.chars += outcome.chars
            if outcome.error is None:
                summary.ok += 1
                summary.targets += outcome.n_targets
            else:
                summary.failed += 1
                summary.failures.append((outcome.doc, outcome.error))
            elapsed = time.perf_counter() - started
            if bar is not None:
                bar.set_postfix_str(f"{summary.chars / max(elapsed, 1e-9):,.0f} chars/s", refresh=False)
                bar.update(1)
    finally:
        sink.close()
        summary.seconds = time.perf_counter() - started
        if bar is not None:
            bar.close()
    return summary


def _progress_bar(total: int, enabled: bool):
    if not enabled:
        return None
    from tqdm import tqdm

    return tqdm(total=total, unit="doc", desc="govie", file=sys.stderr, dynamic_ncols=True)


# --------------------------------------------------------------------------- workers

_config = None
_extractor = None


def _init(config, worker: bool = False) -> None:
    global _config, _extractor
    from .pipeline import Extractor, one_ner_thread

    if worker:
        one_ner_thread()
    _config = config
    _extractor = Extractor(config[0], config[1])


def _work(path: str) -> Outcome:
    _, _, fmt, encoding, region, year = _config
    return process_file(path, _extractor, fmt, encoding, region, year)


def process_file(path: PathLike, extractor=None, fmt: str = ".csv", encoding: str = "auto",
                 region: Optional[str] = None, year: Optional[int] = None) -> Outcome:
    """Read, hash and extract one file; any failure becomes the outcome's error.

    ``outcome.rows`` holds the file's target rows (``fmt`` '.csv' or '.parquet') or
    ``outcome.record`` its doccano record ('.jsonl'). This is the unit of work to hand to
    a distributed engine (see examples/dask_extract.py).
    """
    from .io import decode

    if extractor is None:
        from .pipeline import load

        extractor = load()
    path = str(path)
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        return Outcome(doc=path, file_sha256=None, error=f"{type(exc).__name__}: {exc.strerror or exc}")
    digest = hashlib.sha256(data).hexdigest()
    try:
        text = decode(data, encoding, path)
        result = extractor.extract(text, region=region, year=year, id=path)
    except Exception as exc:  # recorded in the output, never dropped
        return Outcome(doc=path, file_sha256=digest, error=f"{type(exc).__name__}: {exc}")
    outcome = Outcome(doc=path, file_sha256=digest, chars=len(text), n_targets=len(result.targets))
    if fmt == ".jsonl":
        outcome.record = result.to_doccano()
    else:
        outcome.rows = [{"doc_id": path, **t.to_row()} for t in result.targets]
    return outcome


def target_rows(path: PathLike) -> list:
    """The target rows of one report file, each with ``error`` None; a file that fails gives
    one row with only ``doc_id`` and ``error``. A picklable unit of work for engines such as
    Dask or Spark (see examples/dask_extract.py)."""
    outcome = process_file(path)
    if outcome.error is not None:
        return [{"doc_id": outcome.doc, "error": outcome.error}]
    return [{**row, "error": None} for row in outcome.rows]


def _outcomes(files: Sequence[str], config, workers: int) -> Iterable[Outcome]:
    """Outcomes in input order; at most a few documents per worker in flight."""
    if workers == 1:
        _init(config)
        for f in files:
            yield _work(f)
        return
    from .pipeline import worker_context

    with ProcessPoolExecutor(max_workers=workers, initializer=_init, initargs=(config, True),
                             mp_context=worker_context(config[0])) as pool:
        pending: deque = deque()
        queue = iter(files)
        for f in queue:
            pending.append(pool.submit(_work, f))
            if len(pending) >= 4 * workers:
                break
        while pending:
            yield pending.popleft().result()
            nxt = next(queue, None)
            if nxt is not None:
                pending.append(pool.submit(_work, nxt))


# --------------------------------------------------------------------------- sinks


def _read_log(path: Path) -> list:
    """The complete JSON lines of a log; a torn last line (an interrupted write) is dropped."""
    if not path.exists():
        return []
    out = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if not line.endswith("\n"):
                break
            try:
                out.append(json.loads(line))
            except json.JSONDecodeError:
                break
    return out


def _write_lines(path: Path, items: Iterable[dict]) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", encoding="utf-8", newline="\n") as fh:
        for item in items:
            fh.write(json.dumps(item, ensure_ascii=False) + "\n")
    os.replace(tmp, path)


def _kept(entries: list, hashes: dict) -> tuple:
    """(entries to keep, docs done, docs whose old entries must go) for a resumed run."""
    keep, done, stale = [], set(), set()
    for e in entries:
        doc = e.get("doc")
        if e.get("error") is None and e.get("file_sha256") and hashes.get(doc) == e["file_sha256"]:
            keep.append(e)
            done.add(doc)
        else:
            stale.add(doc)
    return keep, done, stale - done


class JsonlSink:
    """One line per document; the output is its own log."""

    def __init__(self, path: Path):
        self.path = path
        self.fh = None

    def start(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.fh = open(self.path, "w", encoding="utf-8", newline="\n")

    def resume(self, hashes: dict) -> set:
        entries = _read_log(self.path)
        keep, done, _ = _kept(entries, hashes)
        if len(keep) != len(entries) or (self.path.exists() and not _ends_clean(self.path)):
            _write_lines(self.path, keep)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.fh = open(self.path, "a", encoding="utf-8", newline="\n")
        return done

    def write(self, o: Outcome) -> None:
        line = {"doc": o.doc, "file_sha256": o.file_sha256}
        line.update({"error": o.error} if o.error is not None else o.record)
        self.fh.write(json.dumps(line, ensure_ascii=False) + "\n")
        self.fh.flush()

    def close(self) -> None:
        if self.fh:
            self.fh.close()


def _ends_clean(path: Path) -> bool:
    with open(path, "rb") as fh:
        fh.seek(0, os.SEEK_END)
        if fh.tell() == 0:
            return True
        fh.seek(-1, os.SEEK_END)
        return fh.read(1) == b"\n"


class CsvSink:
    """Rows appended per document; ``OUT.docs.jsonl`` logs each document and the CSV's size
    after it, so that a resumed run cuts a half-written tail off the CSV."""

    def __init__(self, path: Path):
        self.path = path
        self.log_path = Path(str(path) + ".docs.jsonl")
        self.fh = self.log = None

    def start(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.fh = open(self.path, "w", encoding="utf-8-sig", newline="")
        self._writer().writeheader()
        self.fh.flush()
        self.log = open(self.log_path, "w", encoding="utf-8", newline="\n")

    def _writer(self):
        import csv

        return csv.DictWriter(self.fh, fieldnames=ROW_FIELDS, extrasaction="ignore")

    def resume(self, hashes: dict) -> set:
        entries = _read_log(self.log_path)
        if not self.path.exists() or not entries:
            self.start()
            return set()
        keep, done, stale = _kept(entries, hashes)
        size = entries[-1]["csv_bytes"]
        with open(self.path, "r+b") as fh:  # drop rows written after the last logged document
            fh.truncate(size)
        if stale:
            import pandas as pd

            table = pd.read_csv(self.path, encoding="utf-8-sig", dtype=str, keep_default_na=False)
            table[~table["doc_id"].isin(stale)].to_csv(self.path, index=False, encoding="utf-8-sig")
        self.fh = open(self.path, "a", encoding="utf-8", newline="")
        size = self.path.stat().st_size
        _write_lines(self.log_path, ({**e, "csv_bytes": size} for e in keep))
        self.log = open(self.log_path, "a", encoding="utf-8", newline="\n")
        return done

    def write(self, o: Outcome) -> None:
        writer = self._writer()
        for row in o.rows:
            writer.writerow(row)
        self.fh.flush()
        entry = {"doc": o.doc, "file_sha256": o.file_sha256, "targets": o.n_targets, "error": o.error,
                 "csv_bytes": self.fh.tell()}
        self.log.write(json.dumps(entry, ensure_ascii=False) + "\n")
        self.log.flush()

    def close(self) -> None:
        for fh in (self.fh, self.log):
            if fh:
                fh.close()


class ParquetSink:
    """Part files of up to PART_DOCS documents; ``_docs.jsonl`` logs the documents of each part
    once the part is on disk (parts with no log are an interrupted run's and are removed)."""

    def __init__(self, path: Path):
        self.path = path
        self.log_path = path / "_docs.jsonl"
        self.log = None
        self.buffer: list = []
        self.part = 0

    def start(self) -> None:
        if self.path.exists():
            if not self.path.is_dir():
                raise InputError(f"{self.path} exists and is not a folder; parquet output is a folder of parts")
            shutil.rmtree(self.path)
        self.path.mkdir(parents=True)
        self.log = open(self.log_path, "w", encoding="utf-8", newline="\n")

    def resume(self, hashes: dict) -> set:
        if not self.path.is_dir():
            self.start()
            return set()
        entries = [e for e in _read_log(self.log_path)
                   if e.get("part") is None or (self.path / e["part"]).exists()]
        keep, done, stale = _kept(entries, hashes)
        logged = {e["part"] for e in keep if e.get("part")}
        for part in self.path.glob("part-*.parquet"):
            if part.name not in logged:
                part.unlink()  # written by an interrupted run, or only holds redone documents
            elif stale:
                _filter_part(part, stale)
        numbers = [int(p.stem.split("-")[1]) for p in self.path.glob("part-*.parquet")]
        self.part = max(numbers, default=-1) + 1
        _write_lines(self.log_path, keep)
        self.log = open(self.log_path, "a", encoding="utf-8", newline="\n")
        return done

    def write(self, o: Outcome) -> None:
        self.buffer.append(o)
        if len(self.buffer) >= PART_DOCS:
            self.flush()

    def flush(self) -> None:
        if not self.buffer:
            return
        rows = [r for o in self.buffer for r in o.rows]
        name = None
        if rows:
            import pyarrow.parquet as pq

            name = f"part-{self.part:05d}.parquet"
            tmp = self.path / f".{name}.tmp"
            pq.write_table(_arrow_table(rows), tmp)
            os.replace(tmp, self.path / name)
            self.part += 1
        for o in self.buffer:
            entry = {"doc": o.doc, "file_sha256": o.file_sha256, "targets": o.n_targets, "error": o.error,
                     "part": name if o.rows else None}
            self.log.write(json.dumps(entry, ensure_ascii=False) + "\n")
        self.log.flush()
        self.buffer = []

    def close(self) -> None:
        if self.log:
            self.flush()
            self.log.close()


def arrow_schema():
    """The column types of a targets table (CSV and parquet outputs, ``to_dataframe``)."""
    import pyarrow as pa

    ints = {"year", "value_start", "value_end", "indicator_start", "indicator_end"}
    floats = {"number", "number_high"}
    return pa.schema([(name, pa.int64() if name in ints else pa.float64() if name in floats else pa.string())
                      for name in ROW_FIELDS])


def _arrow_table(rows: list):
    import pyarrow as pa

    schema = arrow_schema()
    return pa.Table.from_pylist([{k: r.get(k) for k in ROW_FIELDS} for r in rows], schema=schema)


def _filter_part(part: Path, stale: set) -> None:
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    table = pq.read_table(part)
    kept = table.filter(pc.invert(pc.is_in(table["doc_id"], value_set=_string_array(stale))))
    if kept.num_rows == 0:
        part.unlink()
    elif kept.num_rows != table.num_rows:
        pq.write_table(kept, part)


def _string_array(values: set):
    import pyarrow as pa

    return pa.array(sorted(values), type=pa.string())


def _require_pyarrow() -> None:
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        raise GovieError("parquet output needs pyarrow: pip install 'govie[parquet]' (or pip install pyarrow)") from None
