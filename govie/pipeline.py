"""The pipeline: text -> normalise -> segment -> entities -> links -> records.

``Extractor`` runs the stages on one document; ``load`` finds a model by name or path;
``extract`` and ``extract_many`` use the default model.
"""
from __future__ import annotations

import functools
import json
import multiprocessing
import os
import re
import warnings
from dataclasses import replace
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path
from typing import Iterable, Iterator, Optional, Union

from . import context, entities, linker, links, quantities, records, text as textmod
from .errors import GovieWarning, ModelLoadError, ModelNotFoundError, check_text
from .schema import Entity, Result

DEFAULT_MODEL = "govie-zh"  # the shipped trained model (models/govie-zh); $GOVIE_MODEL names another
FALLBACK_MODEL = "rules"  # built in: used, with a warning, when the default cannot be loaded
WINDOW_CHARS = 100_000  # long reports are processed in windows of this size: memory stays bounded
NER_CHUNK_CHARS = 4_000  # the spaCy NER reads a window in pieces of this size (its memory grows with length)
NER_BATCH = 4  # pieces the NER holds at once, over all its threads: more is faster, at more memory (models/README.md)
# threads that run the NER's batches side by side (its matrix products and transition loop release
# the GIL); $GOVIE_THREADS sets it, 1 for one thread
NER_THREADS = min(2, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)
# a learned name or indicator must hold a Chinese character or a Latin letter or digit (OPPO, GDP, 5G);
# the models never saw other scripts, and what they tag there is noise (the models read normalised
# text, so full-width letters and digits arrive as ASCII)
_SCRIPT_CHAR = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaffA-Za-z0-9]")
# ... and never begins or ends with control characters, Latin-1 and Latin Extended letters or symbols,
# private-use or replacement characters: binary junk the model glued onto a name (úûüý地区生产总值)
_JUNK_EDGE = re.compile(r"[\x00-\x1f\x7f-\u02ff\ue000-\uf8ff\ufffd]")
# ... and no learned INDICATOR is the base of a comparison (比“八五”期间, 比年初 增长25%): 比重, 比例, 比率 are names
_COMPARISON_BASE = re.compile(r"比(?![重例率])")
MODEL_FORMAT = 1  # bump when a model directory's meta.json changes incompatibly
KNOWN_PIPELINES = (["rules"], ["rules", "ner"], ["rules", "ner", "linker"],  # meta.json "pipeline" values
                   ["rules", "transformer"], ["rules", "transformer", "linker"])
BUILTIN_MODELS = {"rules": {"name": "rules", "format": MODEL_FORMAT, "pipeline": ["rules"]}}

Doc = Union[str, dict]


class Extractor:
    """A loaded pipeline. Use ``extract`` for one text and ``pipe`` for many."""

    def __init__(self, meta: Optional[dict] = None, path: Optional[Path] = None):
        self.meta = dict(meta or BUILTIN_MODELS[FALLBACK_MODEL])
        self.name = self.meta.get("name", "rules")
        self.path = path
        stages = self.meta.get("pipeline", [])
        self.nlp = _load_spacy(path) if "ner" in stages else None  # a spaCy NER (govie train)
        self.transformer = _load_transformer(path, self.meta) if "transformer" in stages else None  # finetune.py
        self.linker = _load_linker(path) if "linker" in stages else None
        self.name_source = self.meta.get("names", "ner+districts")  # ner | ner+districts | ner+rules: names a trained model keeps
        self.indicator_source = self.meta.get("indicators", "ner")  # ner | rules: indicator boundaries
        self._threads: dict = {}  # thread pools for the NER's batches by size, made on first use

    def __repr__(self) -> str:
        return f"<govie.Extractor {self.name!r}>"

    def extract(self, text: str, region: Optional[str] = None, year: Optional[int] = None,
                id: Optional[str] = None) -> Result:
        """Entities and targets of one report. ``region``/``year`` override what the text says."""
        check_text(text)
        if year is not None and not isinstance(year, int):
            raise TypeError(f"year must be an int such as 2025, got {type(year).__name__}")
        if region is not None and not isinstance(region, str):
            raise TypeError(f"region must be a str such as '安徽省马鞍山市雨山区', got {type(region).__name__}")
        spans = textmod.windows(text, WINDOW_CHARS)
        first = textmod.normalise(text[:spans[0][1]])
        doc_region, doc_year = context.document_context(first.text)  # from the opening window
        region = region or doc_region
        year = year or doc_year
        ents, targets, mode = [], [], None
        for i, (start, end) in enumerate(spans):
            norm = first if i == 0 else textmod.normalise(text[start:end])
            e, t, mode = self._extract_window(text[start:end], norm, region, year, mode)
            if start:
                e = [_shift(x, start) for x in e]
                t = [replace(x, value=_shift(x.value, start), indicator=_shift(x.indicator, start)) for x in t]
            ents += e
            targets += t
        return Result(text=text, entities=ents, targets=targets, region=region, year=year, id=id)

    def _extract_window(self, text: str, norm: "textmod.Normalised", region: Optional[str],
                        year: Optional[int], mode: Optional[str]) -> tuple:
        """(entities, targets, section mode at the end) of one window of a report."""
        sentences = textmod.split_sentences(norm.text)
        statuses, mode = context.section_statuses(norm.text, sentences, mode)
        values = quantities.find_values(norm.text)
        if self.nlp is None and self.transformer is None:
            names, model_indicators = entities.find_names(norm.text, region=region, taken=values), []
            names = sorted(names + entities.find_places_in_phrases(norm.text, region, taken=values + names))
        else:
            values, names, model_indicators = self._model_names(norm.text, values, region)
        linked = links.link(norm.text, sentences, values, statuses, taken=names)
        if model_indicators:
            linked = links.snap_indicators(norm.text, linked, model_indicators)
            if self.linker is not None:
                linked = linker.relink(norm.text, sentences, statuses, values, linked, model_indicators, self.linker)
        linked = links.verb_types(norm.text, linked)
        indicators, relations, names = _resolve_overlaps(values, linked, names)
        ents = {s: _entity(text, norm, s) for s in values + names + indicators}
        targets = records.build(text, norm, relations, ents, region=region, year=year)
        return sorted(ents.values()), targets, mode

    def _model_names(self, text: str, values: list, region: Optional[str]) -> tuple:
        """(values, names, indicator spans) from the statistical NER; the rules' values win, but
        for a threshold that the guide keeps inside an indicator's name (``join_thresholds``)."""
        found = self._spacy_spans(text, values, region) if self.nlp is not None else self._transformer_spans(text, values)
        found = [_trim_junk(text, s) for s in found]
        # a learned name must also close every quote mark and bracket it opens (“三峡智谷 is cut short)
        found = [s for s in found if _SCRIPT_CHAR.search(text, s.start, s.end)
                 and (s.label == "INDICATOR" or textmod.brackets_balanced(text[s.start:s.end]))
                 and not (s.label == "INDICATOR" and _COMPARISON_BASE.match(text, s.start))]
        found = entities.fit_districts(text, found, region, taken=values)
        values, found = entities.join_thresholds(text, values, found)
        names = [s for s in found if s.label != "INDICATOR"]
        if self.name_source in ("ner+rules", "ner+districts"):
            # rule names where the model found nothing: all of them, or the gazetteer's divisions only
            keep = ("DISTRICT", "ENTERPRISE", "PROJECT") if self.name_source == "ner+rules" else ("DISTRICT",)
            taken = entities.Occupancy(values + found)
            names += [s for s in entities.find_names(text, region=region, taken=values)
                      if s.label in keep and taken.free(s.start, s.end)]
            names.sort()
        # place names the guide tags inside phrases (“乐业雨山”, 合肥都市圈, 向山地区), which the NER misses
        names = sorted(names + entities.find_places_in_phrases(text, region, taken=values + found + names))
        indicators = [s for s in found if s.label == "INDICATOR"] if self.indicator_source == "ner" else []
        return values, names, indicators

    def _spacy_spans(self, text: str, values: list, region: Optional[str]) -> list:
        """Name and indicator spans of the spaCy NER, run with the rule values preset as entities."""
        from spacy.pipeline import TrainablePipe
        from spacy.tokens import Span as SpacySpan

        from .components import set_region

        def make_doc(start: int, end: int):
            doc = set_region(self.nlp.make_doc(text[start:end]), region)
            doc.ents = [SpacySpan(doc, v.start - start, v.end - start, label=v.label)
                        for v in values if start <= v.start and v.end <= end]
            return doc

        # Batches of pieces, NER_BATCH in all over the threads. This thread makes each batch's docs and
        # rule features (they add strings to the shared vocabulary); the trained components then run
        # over it on a pool of threads, side by side with the next batch's preparation and each other.
        pieces = textmod.windows(text, NER_CHUNK_CHARS)  # pieces end at line breaks where they can
        stages = [proc for name, proc in self.nlp.pipeline if name != "govie_values"]
        first = next((i for i, proc in enumerate(stages) if isinstance(proc, TrainablePipe)), len(stages))
        learned = functools.partial(_run_components, stages[first:])
        threads = _ner_threads()
        size = max(1, min(NER_BATCH // threads, -(-len(pieces) // threads)))  # every thread busy, memory bounded
        batches = [pieces[i:i + size] for i in range(0, len(pieces), size)]
        pool = self._thread_pool(threads) if len(batches) > 1 else None
        done = []
        for batch in batches:
            docs = _run_components(stages[:first], [make_doc(start, end) for start, end in batch])
            done.append(pool.submit(learned, docs) if pool else learned(docs))
        docs = [doc for batch in done for doc in (batch.result() if pool else batch)]
        return [quantities.Span(e.start_char + start, e.end_char + start, e.label_)
                for (start, _), doc in zip(pieces, docs) for e in doc.ents if e.label_ not in ("AMOUNT", "PERCENT")]

    def _thread_pool(self, threads: int) -> Optional[ThreadPoolExecutor]:
        """A pool of ``threads`` threads for the NER (None for one thread), made on first use."""
        if threads < 2:
            return None
        if threads not in self._threads:
            self._threads[threads] = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="govie-ner")
        return self._threads[threads]

    def _transformer_spans(self, text: str, values: list) -> list:
        """Name and indicator spans of the transformer NER that do not overlap a rule value."""
        taken = entities.Occupancy(values)
        return [s for s in self.transformer(text) if s.label not in ("AMOUNT", "PERCENT") and taken.free(s.start, s.end)]

    def pipe(self, docs: Iterable[Doc], batch_size: int = 32, n_process: int = 1,
             progress: bool = False) -> Iterator[Result]:
        """Results for many documents, in order. A document that fails yields a Result
        whose ``error`` says why; the others go on.

        Each item is a text or a dict with ``text`` and optional ``id``, ``region``, ``year``.
        """
        if not isinstance(batch_size, int) or batch_size < 1:
            raise ValueError(f"batch_size must be a positive int, got {batch_size!r}")
        if not isinstance(n_process, int) or n_process == 0 or n_process < -1:
            raise ValueError(f"n_process must be a positive int or -1 (all cores), got {n_process!r}")
        if n_process == -1:
            n_process = os.cpu_count() or 1
        results = self._results(docs, batch_size, n_process)
        if progress:
            from tqdm.auto import tqdm
            results = tqdm(results, total=len(docs) if hasattr(docs, "__len__") else None, unit="doc", desc="govie")
        return results  # arguments are checked now, documents processed lazily

    def _results(self, docs: Iterable[Doc], batch_size: int, n_process: int) -> Iterator[Result]:
        if n_process == 1:
            for doc in docs:
                yield self._safe_extract(doc)
            return
        with ProcessPoolExecutor(max_workers=n_process, initializer=_init_worker, initargs=(self.meta, self.path),
                                 mp_context=worker_context(self.meta)) as pool:
            yield from pool.map(_worker_extract, docs, chunksize=batch_size)

    def _safe_extract(self, doc: Doc) -> Result:
        text, kwargs = _unpack(doc)
        try:
            return self.extract(text, **kwargs)
        except Exception as exc:  # recorded on the result, never silently dropped
            return Result(text=text if isinstance(text, str) else "", id=kwargs.get("id"),
                          error=f"{type(exc).__name__}: {exc}")


def _trim_junk(text: str, span):
    """``span`` without junk characters (``_JUNK_EDGE``) at either end; possibly empty."""
    start, end = span.start, span.end
    while start < end and _JUNK_EDGE.match(text, start):
        start += 1
    while end > start and _JUNK_EDGE.match(text, end - 1):
        end -= 1
    return span if (start, end) == (span.start, span.end) else quantities.Span(start, end, span.label)


def _resolve_overlaps(values, linked, names):
    """Spans never overlap: values first, then indicators (in linking order), then names."""
    taken = entities.Occupancy(values)
    indicators = []
    for span in linked.indicators:
        if taken.free(span.start, span.end):
            taken.add(span.start, span.end)
            indicators.append(span)
    kept = set(indicators)
    relations = [r for r in linked.relations if r.indicator in kept]
    return indicators, relations, [n for n in names if taken.free(n.start, n.end)]


def _shift(e: Entity, by: int) -> Entity:
    return replace(e, start=e.start + by, end=e.end + by)


def _unpack(doc: Doc) -> tuple:
    if isinstance(doc, dict):
        kwargs = {k: doc.get(k) for k in ("region", "year", "id") if doc.get(k) is not None}
        return doc.get("text"), kwargs
    return doc, {}


def _entity(text: str, norm: "textmod.Normalised", span) -> Entity:
    start, end = norm.to_original(span.start, span.end)
    return Entity(start=start, end=end, label=span.label, text=text[start:end])


_worker: Optional[Extractor] = None


def worker_context(meta: dict):
    """The multiprocessing context for worker processes running a model: 'spawn' for a
    transformer model (torch's thread pools do not survive a fork: forked workers hang),
    else the platform's default."""
    return multiprocessing.get_context("spawn") if "transformer" in meta.get("pipeline", []) else None


def _run_components(components: list, docs: list) -> list:
    """``docs`` through spaCy components in turn, each over all of them at once (its ``pipe``)."""
    for proc in components:
        docs = list(proc.pipe(docs, batch_size=NER_BATCH)) if hasattr(proc, "pipe") else [proc(d) for d in docs]
    return docs


def _ner_threads() -> int:
    """NER_THREADS, or $GOVIE_THREADS when it is set."""
    value = os.environ.get("GOVIE_THREADS", "").strip()
    if not value:
        return NER_THREADS
    if not value.isdigit() or int(value) < 1:
        raise ValueError(f"GOVIE_THREADS must be a positive integer such as 1 or 2, got {value!r}")
    return int(value)


def one_ner_thread() -> None:
    """For worker processes, which share the cores already: their NER runs on one thread."""
    os.environ["GOVIE_THREADS"] = "1"


def _init_worker(meta, path):
    global _worker
    one_ner_thread()
    _worker = Extractor(meta, path)


def _worker_extract(doc: Doc) -> Result:
    return _worker._safe_extract(doc)


# --------------------------------------------------------------------------- loading

_loaded: dict = {}


def _models_dirs() -> list:
    dirs = []
    if os.environ.get("GOVIE_MODELS"):
        dirs.append(Path(os.environ["GOVIE_MODELS"]))
    dirs.append(Path(__file__).resolve().parent.parent / "models")
    return dirs


def default_model() -> str:
    """The model ``extract`` uses when none is named: ``$GOVIE_MODEL``, else govie-zh."""
    return os.environ.get("GOVIE_MODEL") or DEFAULT_MODEL


def load(name_or_path: Union[str, Path, None] = None) -> Extractor:
    """An Extractor by model name ('govie-zh', 'rules', or a directory name under models/)
    or path; ``None`` gives the default model (see ``default_model``).

    A model directory holds ``meta.json`` with at least ``name`` and ``format``.
    """
    if name_or_path is None:
        return _load_default()
    if not isinstance(name_or_path, (str, Path)):
        raise TypeError(f"model must be a name or a path, got {type(name_or_path).__name__}")
    key = str(name_or_path)
    if key in _loaded:
        return _loaded[key]
    if key in BUILTIN_MODELS:
        ext = Extractor(BUILTIN_MODELS[key])
    else:
        path = Path(name_or_path)
        if not path.exists():
            path = next((d / key for d in _models_dirs() if (d / key).exists()), path)
        if not path.exists():
            known = sorted(BUILTIN_MODELS) + sorted(
                p.name for d in _models_dirs() if d.is_dir() for p in d.iterdir() if (p / "meta.json").exists())
            raise ModelNotFoundError(
                f"no govie model {key!r}: not a built-in name, a directory under models/, or a path. "
                f"Known models: {', '.join(known)}. Pass one of these or the path of a trained model directory.")
        ext = Extractor(_read_meta(path), path)
    _loaded[key] = ext
    return ext


def _load_default() -> Extractor:
    name = default_model()
    if "<default>" in _loaded:
        return _loaded["<default>"]
    try:
        ext = load(name)
    except (ModelNotFoundError, ModelLoadError) as exc:
        if name != DEFAULT_MODEL:
            raise  # named by $GOVIE_MODEL: the user asked for it
        warnings.warn(f"govie: the default model {name!r} cannot be used ({exc}) - using the built-in "
                      f"{FALLBACK_MODEL!r} model instead. Install govie from its repository (pip install -e .) "
                      f"with spaCy, or pass model='rules' to choose the rules explicitly.", GovieWarning, stacklevel=3)
        ext = load(FALLBACK_MODEL)
    _loaded["<default>"] = ext
    return ext


def _read_meta(path: Path) -> dict:
    meta_file = path / "meta.json"
    if not meta_file.is_file():
        raise ModelLoadError(f"{path} is not a govie model directory: it has no meta.json. "
                             "Train one with `govie train` or pass a model name such as 'rules'.")
    try:
        meta = json.loads(meta_file.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise ModelLoadError(f"{meta_file} is corrupt ({exc}); retrain or re-download the model.") from None
    if not isinstance(meta, dict) or meta.get("format") != MODEL_FORMAT:
        found = meta.get("format") if isinstance(meta, dict) else None
        raise ModelLoadError(f"{path} has model format {found!r} but this govie reads format {MODEL_FORMAT}; "
                             "retrain it with this version's `govie train` or install the govie it was made with.")
    if meta.get("pipeline", ["rules"]) not in KNOWN_PIPELINES:
        raise ModelLoadError(f"{path} needs pipeline components {meta.get('pipeline')} that this govie "
                             "version does not provide; upgrade govie.")
    return meta


def _load_spacy(path: Optional[Path]):
    """The spaCy pipeline of a trained model directory (``path/nlp``)."""
    if path is None or not (Path(path) / "nlp").is_dir():
        raise ModelLoadError(f"{path} is a trained model but has no nlp/ folder; retrain it with `govie train`.")
    try:
        import spacy

        from . import components  # noqa: F401  (registers govie's factories)
    except ImportError:
        raise ModelLoadError(f"the model at {path} needs spaCy, a dependency of govie: reinstall govie "
                             "(pip install -e .) to get the spaCy version pyproject.toml names") from None
    try:
        return spacy.load(Path(path) / "nlp")
    except Exception as exc:  # a corrupt or incompatible spaCy folder
        raise ModelLoadError(f"cannot load the spaCy pipeline in {path}/nlp ({type(exc).__name__}: {exc}); "
                             "retrain it with `govie train`.") from None


def _load_transformer(path: Optional[Path], meta: dict):
    """The token classifier of a model made by training/finetune.py (``path/encoder``)."""
    from . import transformer

    return transformer.load(path, meta)


def _load_linker(path: Optional[Path]):
    try:
        model = linker.load(path)
    except Exception as exc:  # a corrupt weights file
        raise ModelLoadError(f"cannot read {path}/linker.npz ({type(exc).__name__}: {exc}); "
                             "retrain the model with `govie train`.") from None
    if model is None:
        raise ModelLoadError(f"{path} lists a linker but has no linker.npz; retrain it with `govie train`.")
    return model


def extract(text: str, region: Optional[str] = None, year: Optional[int] = None,
            model: Union[str, Path, None] = None) -> Result:
    """Entities and targets of one report, with the default model (or ``model``)."""
    return load(model).extract(text, region=region, year=year)


def extract_many(texts: Iterable[Doc], batch_size: int = 32, n_process: int = 1,
                 model: Union[str, Path, None] = None, progress: bool = False) -> Iterator[Result]:
    """Results for many texts, same order; failures come back as Results with ``error`` set."""
    return load(model).pipe(texts, batch_size=batch_size, n_process=n_process, progress=progress)
