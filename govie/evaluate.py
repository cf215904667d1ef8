"""The benchmark: score predictions against gold annotations (ANNOTATION.md, "What the benchmark counts").

Scorers are plain functions from examples to a dict, in the manner of spaCy's Scorer:

    score(gold, pred) -> dict          gold and pred are lists of doccano-style dicts, aligned by position
    evaluate(gold_path, model=None (the default model) | "rules" | PATH, pred_path=...) -> dict
    format_report(scores) -> str       a fixed-width table for people

Four categories are counted, each as multisets per document (a Counter intersection):

- ``entities``: exact (start, end, label), micro and per label;
- ``relations``: exact value span, exact indicator span and type;
- ``records``: (resolved indicator name, number, number_high, unit, type, status, qualifier),
  numbers rounded to 6 significant digits;
- ``records_core``: records whose resolved name maps to one of the eight core indicators.

Each category gives ``tp``, ``fp``, ``fn``, ``p``, ``r``, ``f``. When a category has neither
gold nor predicted items, P, R and F1 are 1.0 (nothing to find, nothing wrong).
"""
from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Callable, Iterable, Optional, Sequence, Union

from .errors import InputError

CATEGORIES = ("entities", "relations", "records", "records_core")
CONTEXT_CHARS = 20
SIGNIFICANT_DIGITS = 6


# --------------------------------------------------------------------------- counting


def prf(tp: int, fp: int, fn: int) -> dict:
    """Precision, recall and F1 from counts. Empty gold and empty prediction give 1.0."""
    if tp + fp:
        p = tp / (tp + fp)
    else:
        p = 1.0 if fn == 0 else 0.0
    if tp + fn:
        r = tp / (tp + fn)
    else:
        r = 1.0 if fp == 0 else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"tp": tp, "fp": fp, "fn": fn, "p": p, "r": r, "f": f}


class _Tally:
    """Counts of one category, with optional per-label counts and error examples."""

    def __init__(self, max_errors: int = 0):
        self.tp = self.fp = self.fn = 0
        self.per_label: dict = {}
        self.max_errors = max_errors
        self.examples = {"fn": [], "fp": []}

    def add(self, gold: list, pred: list, label_of: Optional[Callable] = None, doc_id=None) -> None:
        """Add one document: ``gold``/``pred`` are lists of (key, example) pairs."""
        g = Counter(k for k, _ in gold)
        p = Counter(k for k, _ in pred)
        both = g & p
        self.tp += sum(both.values())
        self.fp += sum((p - g).values())
        self.fn += sum((g - p).values())
        if label_of is not None:
            for counter, slot in ((both, 0), (p - g, 1), (g - p, 2)):
                for key, n in counter.items():
                    counts = self.per_label.setdefault(label_of(key), [0, 0, 0])
                    counts[slot] += n
        if self.max_errors:
            self._collect("fn", gold, g - p, doc_id)
            self._collect("fp", pred, p - g, doc_id)

    def _collect(self, kind: str, items: list, missing: Counter, doc_id) -> None:
        out = self.examples[kind]
        for key, example in items:
            if len(out) >= self.max_errors:
                return
            if missing[key] > 0:
                missing[key] -= 1
                out.append({"doc": doc_id, **example})

    def result(self) -> dict:
        res = prf(self.tp, self.fp, self.fn)
        res["support"] = self.tp + self.fn
        return res


# --------------------------------------------------------------------------- items of a document


def _round(x: Optional[float]) -> Optional[float]:
    if x is None:
        return None
    try:
        return float(f"{float(x):.{SIGNIFICANT_DIGITS}g}")
    except (TypeError, ValueError):
        return None


def _context(text: str, spans: Sequence[tuple]) -> str:
    """``text`` around ``spans`` with each span in [brackets] and CONTEXT_CHARS either side."""
    if not text:
        return ""
    spans = sorted((max(0, s), min(len(text), e)) for s, e in spans)
    lo, hi = spans[0][0], spans[-1][1]
    parts = ["…" if lo > CONTEXT_CHARS else "", text[max(0, lo - CONTEXT_CHARS):lo]]
    pos = lo
    for s, e in spans:
        if s < pos:  # overlapping or repeated spans: mark once
            continue
        gap = text[pos:s]
        if len(gap) > 2 * CONTEXT_CHARS:
            gap = gap[:CONTEXT_CHARS] + "…" + gap[-CONTEXT_CHARS:]
        parts += [gap, "[", text[s:e], "]"]
        pos = e
    parts += [text[hi:hi + CONTEXT_CHARS], "…" if hi + CONTEXT_CHARS < len(text) else ""]
    return "".join(parts).replace("\r", "").replace("\n", "⏎")


def _entity_map(doc: dict) -> dict:
    return {ent["id"]: ent for ent in doc.get("entities") or []}


def _doc_items(doc: dict, where: str, want_examples: bool, parse_value: Callable,
               resolve_id: Callable, core_ids: Iterable[str]) -> dict:
    """Keys (and examples) of every category for one doccano dict."""
    text = doc.get("text") or ""
    ents = _entity_map(doc)
    items = {c: [] for c in CATEGORIES}
    for ent in ents.values():
        s, e, label = ent["start_offset"], ent["end_offset"], ent["label"]
        ex = {"label": label, "text": text[s:e], "start": s, "end": e,
              "context": _context(text, [(s, e)])} if want_examples else None
        items["entities"].append(((s, e, label), ex))
    core = set(core_ids)
    for rel in doc.get("relations") or []:
        try:
            value, ind = ents[rel["from_id"]], ents[rel["to_id"]]
        except KeyError:
            raise InputError(f"{where}: relation {rel.get('id')!r} points to entity "
                             f"{rel.get('from_id')!r} -> {rel.get('to_id')!r}, which is not in its entities") from None
        vs, ve = value["start_offset"], value["end_offset"]
        is_, ie = ind["start_offset"], ind["end_offset"]
        value_text, ind_text = text[vs:ve], text[is_:ie]
        rtype = rel.get("type")
        ex = None
        if want_examples:
            ex = {"value": value_text, "indicator": ind_text, "type": rtype,
                  "context": _context(text, [(vs, ve), (is_, ie)])}
        items["relations"].append(((vs, ve, is_, ie, rtype), ex))

        name = rel.get("indicator_name") or ind_text
        if "value" in rel or "unit" in rel:
            number, high, unit = rel.get("value"), rel.get("value_high"), rel.get("unit")
        else:
            number, high, unit = parse_value(value_text)
        key = (name, _round(number), _round(high), unit, rtype, rel.get("status"), rel.get("qualifier"))
        if want_examples:
            ex = {"indicator_name": name, "number": key[1], "number_high": key[2], "unit": unit,
                  "type": rtype, "status": key[5], "qualifier": key[6], "value": value_text,
                  "context": _context(text, [(vs, ve), (is_, ie)])}
        items["records"].append((key, ex))
        if resolve_id(name) in core:
            items["records_core"].append((key, ex))
    return items


def _default_parse_value(text: str):
    from .numbers import parse_value
    return parse_value(text)


def _default_resolve_id(name: str):
    from .indicators import resolve_id
    return resolve_id(name)


def _default_core_ids():
    from .indicators import CORE_IDS
    return CORE_IDS


# --------------------------------------------------------------------------- scorers


def score(gold: Sequence[dict], pred: Sequence[dict], errors: int = 0, *,
          parse_value: Optional[Callable] = None, resolve_id: Optional[Callable] = None,
          core_ids: Optional[Iterable[str]] = None) -> dict:
    """Scores of ``pred`` against ``gold``, two lists of doccano-style dicts aligned by position.

    Gold numbers and units come from ``parse_value`` of the value span; predicted ones from
    a relation's ``value``/``value_high``/``unit`` keys when it has them (as
    ``Result.to_doccano()`` writes), else from ``parse_value`` too. ``errors=N`` keeps up to
    N false-negative and N false-positive examples per category under ``scores["errors"]``.
    ``parse_value``, ``resolve_id`` and ``core_ids`` default to govie.numbers.parse_value,
    govie.indicators.resolve_id and govie.indicators.CORE_IDS.

    Returns ``{"entities": {...,"per_label": {...}}, "relations": {...}, "records": {...},
    "records_core": {...}, "n_docs": int, "failed": [ids]}``, each category with
    tp, fp, fn, p, r, f and support (the number of gold items).
    """
    if len(gold) != len(pred):
        raise InputError(f"gold has {len(gold)} documents but pred has {len(pred)}; "
                         "score() aligns them by position, so pass one prediction per gold document")
    if not isinstance(errors, int) or errors < 0:
        raise ValueError(f"errors must be a non-negative int, got {errors!r}")
    parse_value = parse_value or _default_parse_value
    resolve_id = resolve_id or _default_resolve_id
    core_ids = tuple(core_ids) if core_ids is not None else tuple(_default_core_ids())

    tallies = {c: _Tally(errors) for c in CATEGORIES}
    failed = []
    for i, (g, p) in enumerate(zip(gold, pred)):
        doc_id = g.get("id", i)
        if p.get("text") is not None and g.get("text") is not None and p["text"] != g["text"]:
            raise InputError(f"document {i} ({doc_id!r}): the predicted text differs from the gold text, "
                             "so offsets cannot be compared; predict on the gold texts as they are")
        if p.get("error"):
            failed.append(doc_id)
        if "text" not in p:
            p = {**p, "text": g.get("text", "")}
        gi = _doc_items(g, f"gold document {i} ({doc_id!r})", errors > 0, parse_value, resolve_id, core_ids)
        pi = _doc_items(p, f"predicted document {i} ({doc_id!r})", errors > 0, parse_value, resolve_id, core_ids)
        for c in CATEGORIES:
            label_of = (lambda key: key[2]) if c == "entities" else None
            tallies[c].add(gi[c], pi[c], label_of=label_of, doc_id=doc_id)

    scores: dict = {}
    for c in CATEGORIES:
        t = tallies[c]
        scores[c] = t.result()
        if c == "entities":
            scores[c]["per_label"] = {
                label: {**prf(*counts), "support": counts[0] + counts[2]}
                for label, counts in sorted(t.per_label.items())
            }
    scores["n_docs"] = len(gold)
    scores["failed"] = failed
    if errors:
        scores["errors"] = {c: tallies[c].examples for c in CATEGORIES}
    return scores


def evaluate(gold_path: Union[str, Path], model: Union[str, Path, None] = None,
             pred_path: Union[str, Path, None] = None, errors: int = 0, n_process: int = 1,
             progress: bool = False, corpus: Union[str, Path, None] = None,
             split: Optional[str] = None) -> dict:
    """Score a model (run on each gold text alone) or a prediction JSONL against gold annotations.

    ``gold_path`` is a JSONL file or a folder of them, with text or stand-off (joined with
    the corpus root ``corpus`` or ``$GOVIE_CORPUS``); ``split`` keeps 'train' or
    'validation' documents. The model sees only the text: no region or year from the gold
    ``meta``, since finding them is part of the task. A passage of a stand-off report is
    scored on the model's output for the whole report, cut to the passage, so that it sees
    the section the passage stands in; each report is extracted once for all its passages.
    A prediction file is aligned to the gold by ``id`` (or by position when it has no ids);
    a gold document with no prediction counts as predicting nothing and its id is listed
    under ``missing``.
    """
    from .corpus import read_gold

    gold = read_gold(gold_path, corpus, split)
    missing: list = []
    if pred_path is not None:
        from .io import read_annotations

        preds = read_annotations(pred_path, allow_errors=True)
        pred = _align(gold, preds, str(pred_path), missing)
    else:
        from .pipeline import load

        extractor = load(model)
        groups = _groups_by_input(gold)
        results = extractor.pipe((_model_input(gold[members[0]], corpus) for members in groups), n_process=n_process)
        if progress:
            from tqdm.auto import tqdm
            results = tqdm(results, total=len(groups), unit="doc", desc="govie evaluate")
        pred = [None] * len(gold)
        for members, result in zip(groups, results):
            output = result.to_doccano()
            for i in members:
                pred[i] = _cut(output, gold[i])
    scores = score(gold, pred, errors=errors)
    scores["missing"] = missing
    scores["gold"] = str(gold_path)
    scores["split"] = split
    scores["pred"] = str(pred_path) if pred_path is not None else None
    scores["model"] = None if pred_path is not None else (str(model) if model is not None else extractor.name)
    return scores


def _groups_by_input(gold: Sequence[dict]) -> list:
    """The gold documents grouped by the text the model runs on: lists of indexes into ``gold``.

    Passages of the same stand-off report form one group, run once on the whole report;
    any other document is a group of its own.
    """
    groups: dict = {}
    for i, g in enumerate(gold):
        key = ("report", g["doc"]) if _is_passage(g) else ("text", i)
        groups.setdefault(key, []).append(i)
    return list(groups.values())


def _is_passage(g: dict) -> bool:
    """True for a stand-off passage: a gold record cut at ``meta.offset`` from the report ``doc``."""
    return bool(g.get("doc")) and "offset" in (g.get("meta") or {})


def _model_input(g: dict, corpus) -> dict:
    """The whole report for a stand-off passage (so the model sees its section), else the text."""
    if _is_passage(g):
        from .corpus import corpus_root, read_doc

        return {"text": read_doc(corpus_root(corpus), g["doc"]), "id": g["doc"]}
    return {"text": g["text"], "id": g.get("id")}


def _cut(pred: dict, g: dict) -> dict:
    """The prediction for a passage: what lies inside it, offsets made relative to it."""
    if not _is_passage(g):
        return pred
    from .corpus import cut

    offset = g["meta"]["offset"]
    return cut(pred, offset, offset + len(g["text"]))


def _align(gold: list, preds: list, where: str, missing: list) -> list:
    if preds and all(p.get("id") is None for p in preds):
        if len(preds) != len(gold):
            raise InputError(f"{where} has no ids and {len(preds)} lines for {len(gold)} gold documents; "
                             "give each prediction the id of its gold document")
        return preds
    by_id = {}
    for p in preds:
        if p.get("id") is not None:
            by_id.setdefault(p["id"], p)
    out = []
    for i, g in enumerate(gold):
        p = by_id.get(g.get("id"))
        if p is None:
            missing.append(g.get("id", i))
            p = {"text": g.get("text", ""), "entities": [], "relations": []}
        out.append(p)
    return out


# --------------------------------------------------------------------------- report


_TITLES = {"entities": "Entities", "relations": "Relations", "records": "Records",
           "records_core": "Records (core)"}


def format_report(scores: dict) -> str:
    """A fixed-width table of P, R, F1 and support, then any error examples."""
    width = max([16] + [len(k) + 2 for k in scores.get("entities", {}).get("per_label", {})])
    head = f"{'':<{width}} {'P':>6} {'R':>6} {'F1':>6} {'support':>8} {'pred':>6}"
    rule = "-" * len(head)

    def row(name: str, s: dict) -> str:
        return (f"{name:<{width}} {100 * s['p']:6.1f} {100 * s['r']:6.1f} {100 * s['f']:6.1f} "
                f"{s['tp'] + s['fn']:8d} {s['tp'] + s['fp']:6d}")

    lines = []
    source = scores.get("pred") or (f"model {scores['model']}" if scores.get("model") else None)
    if scores.get("gold") or source:
        lines.append(f"gold: {scores.get('gold')}   prediction: {source}")
    lines.append(f"documents: {scores.get('n_docs', 0)}"
                 + (f", failed: {len(scores['failed'])}" if scores.get("failed") else "")
                 + (f", without prediction: {len(scores['missing'])}" if scores.get("missing") else ""))
    lines += [head, rule]
    if "entities" in scores:
        lines.append("Entities")
        for label, s in scores["entities"].get("per_label", {}).items():
            lines.append(row("  " + label, s))
        lines.append(row("  micro", scores["entities"]))
    for c in CATEGORIES[1:]:
        if c in scores:
            lines.append(row(_TITLES[c], scores[c]))
    lines.append(rule)
    lines.append("P, R, F1 in percent; support = gold items, pred = predicted items.")

    for c, ex in (scores.get("errors") or {}).items():
        for kind, title in (("fn", "missed (false negatives)"), ("fp", "spurious (false positives)")):
            if not ex.get(kind):
                continue
            lines.append("")
            lines.append(f"{_TITLES[c]}: {title}")
            for e in ex[kind]:
                lines.append("  " + _describe(c, e))
    if scores.get("failed"):
        lines.append("")
        lines.append("failed documents: " + ", ".join(map(str, scores["failed"])))
    return "\n".join(lines)


def _describe(category: str, e: dict) -> str:
    if category == "entities":
        what = f"{e['label']} {e['text']!r}"
    elif category == "relations":
        what = f"{e['value']} -> {e['indicator']} ({e['type']})"
    else:
        num = e["number"] if e.get("number_high") is None else f"{e['number']}-{e['number_high']}"
        what = (f"{e['indicator_name']} {e['type']} {num} {e['unit'] or ''} "
                f"{e['status']}/{e['qualifier']}")
    return f"[{e['doc']}] {what}  | {e['context']}"
