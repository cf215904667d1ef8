"""Annotation formats in and out: doccano JSONL, Label Studio JSON, spaCy DocBin, HF datasets.

Every converter takes and returns the guide's records (``text``, ``entities``,
``relations`` with ``type``, ``status``, ``qualifier``, ``indicator_name``), and keeps the
relation attributes on a round trip:

- doccano: the guide's format is doccano's relation-extraction JSONL with extra keys on
  relations. ``read_doccano`` also takes doccano's sequence-labelling export
  (``"label": [[start, end, "LABEL"], ...]``).
- Label Studio: a list of tasks, ``data.text`` and one annotation whose results are
  ``labels`` regions and ``relation`` links; a relation's type and attributes ride in its
  ``labels`` as ``growth``, ``status=target``, ``qualifier=approx``, ``indicator_name=…``.
- spaCy: ``to_docbin`` makes one ``Doc`` per record (character tokens, as spaCy's Chinese
  ``char`` segmenter gives), entities in ``doc.ents``, relations and meta in
  ``doc.user_data``.
- datasets: ``to_dataset`` gives columns ``id``, ``text``, ``tokens`` (characters),
  ``ner_tags`` (BIO), ``entities`` and ``relations`` (by character offsets).
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Iterable, List, Union

from .errors import AnnotationError
from .io import is_jsonl, iter_numbered, open_text, validate_record, write_jsonl
from .schema import LABELS

PathLike = Union[str, Path]
REL_KEYS = ("status", "qualifier", "indicator_name")
NER_TAGS = ["O"] + [f"{p}-{label}" for label in LABELS for p in ("B", "I")]


# --------------------------------------------------------------------------- doccano


def read_doccano(path: PathLike) -> List[dict]:
    """Records of a doccano JSONL export (relation or sequence-labelling project), checked."""
    out = []
    for lineno, rec in iter_numbered(path):
        if isinstance(rec, dict) and "entities" not in rec and isinstance(rec.get("label"), list):
            rec = _from_sequence_labels(rec)
        out.append(validate_record(rec, str(path), lineno))
    return out


def _from_sequence_labels(rec: dict) -> dict:
    ents = [{"id": i, "label": lab, "start_offset": s, "end_offset": e}
            for i, (s, e, lab) in enumerate(rec["label"], start=1)]
    out = {k: v for k, v in rec.items() if k != "label"}
    out.update({"entities": ents, "relations": []})
    return out


def write_doccano(path: PathLike, records: Iterable[dict]) -> int:
    return write_jsonl(path, records)


# --------------------------------------------------------------------------- Label Studio


def to_label_studio(records: Iterable[dict]) -> list:
    """Label Studio tasks (import them with a ``<Labels>`` + ``<Relations>`` config)."""
    tasks = []
    for rec in records:
        text = rec["text"]
        results = []
        for e in rec["entities"]:
            results.append({
                "id": f"e{e['id']}", "from_name": "label", "to_name": "text", "type": "labels",
                "value": {"start": e["start_offset"], "end": e["end_offset"],
                          "text": text[e["start_offset"]:e["end_offset"]], "labels": [e["label"]]}})
        for r in rec.get("relations", []):
            labels = [r["type"]] + [f"{k}={r[k]}" for k in REL_KEYS if r.get(k) is not None]
            results.append({"from_id": f"e{r['from_id']}", "to_id": f"e{r['to_id']}", "type": "relation",
                            "direction": "right", "labels": labels})
        data = {"text": text}
        if rec.get("meta"):
            data["meta"] = rec["meta"]
        task = {"data": data, "annotations": [{"result": results}]}
        if rec.get("id") is not None:
            data["id"] = rec["id"]
        tasks.append(task)
    return tasks


def from_label_studio(tasks: list, source: str = "<label studio>") -> List[dict]:
    """Records from Label Studio tasks (the first annotation of each; predictions if none)."""
    if not isinstance(tasks, list):
        raise AnnotationError("a Label Studio export is a JSON list of tasks", source)
    out = []
    for n, task in enumerate(tasks, start=1):
        where = f"{source} task {n}"
        data = task.get("data") or {}
        text = data.get("text")
        if not isinstance(text, str):
            raise AnnotationError("task has no data.text", where)
        annotations = task.get("annotations") or task.get("predictions") or [{"result": []}]
        results = annotations[0].get("result", [])
        ids, ents, rels = {}, [], []
        for r in results:
            if r.get("type") == "labels":
                v = r["value"]
                ids[r["id"]] = len(ents) + 1
                ents.append({"id": len(ents) + 1, "label": v["labels"][0], "start_offset": v["start"],
                             "end_offset": v["end"]})
        for r in results:
            if r.get("type") == "relation":
                if r["from_id"] not in ids or r["to_id"] not in ids:
                    raise AnnotationError(f"relation {r['from_id']}->{r['to_id']} names a region that is not there", where)
                rel = {"id": len(rels) + 1, "from_id": ids[r["from_id"]], "to_id": ids[r["to_id"]], "type": None}
                for lab in r.get("labels", []):
                    key, sep, value = lab.partition("=")
                    if sep and key in REL_KEYS:
                        rel[key] = value
                    else:
                        rel["type"] = lab
                rels.append(rel)
        rec = {"text": text, "meta": data.get("meta", {}), "entities": ents, "relations": rels}
        if data.get("id") is not None:
            rec = {"id": data["id"], **rec}
        out.append(validate_record(rec, where))
    return out


def read_label_studio(path: PathLike) -> List[dict]:
    with open(path, encoding="utf-8-sig") as fh:
        try:
            tasks = json.load(fh)
        except json.JSONDecodeError as exc:
            raise AnnotationError(f"malformed JSON ({exc.msg} at line {exc.lineno})", str(path)) from None
    return from_label_studio(tasks, str(path))


def write_label_studio(path: PathLike, records: Iterable[dict]) -> int:
    tasks = to_label_studio(records)
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text(json.dumps(tasks, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return len(tasks)


# --------------------------------------------------------------------------- spaCy


def _blank_zh():
    import spacy

    return spacy.blank("zh")  # character segmentation: needs no model


def to_docbin(records: Iterable[dict], nlp=None):
    """A spaCy DocBin of the records (install spacy: pip install 'govie[train]')."""
    from spacy.tokens import DocBin

    nlp = nlp or _blank_zh()
    db = DocBin(store_user_data=True)
    for rec in records:
        doc = nlp.make_doc(rec["text"])
        spans = []
        for e in sorted(rec["entities"], key=lambda e: e["start_offset"]):
            span = doc.char_span(e["start_offset"], e["end_offset"], label=e["label"], alignment_mode="strict")
            if span is None:
                raise AnnotationError(f"entity {e['id']} [{e['start_offset']}:{e['end_offset']}] does not fall on "
                                      "token boundaries of the tokenizer")
            spans.append(span)
        doc.ents = spans
        doc.user_data["govie"] = {"id": rec.get("id"), "meta": rec.get("meta", {}), "entities": rec["entities"],
                                  "relations": rec.get("relations", [])}
        db.add(doc)
    return db


def from_docbin(db, nlp=None) -> List[dict]:
    """Records back from a DocBin made by ``to_docbin`` (entities from ``doc.ents``)."""
    nlp = nlp or _blank_zh()
    out = []
    for doc in db.get_docs(nlp.vocab):
        stored = json.loads(json.dumps(doc.user_data.get("govie", {})))  # msgpack gives tuples: back to lists
        by_span = {(e["start_offset"], e["end_offset"]): e["id"] for e in stored.get("entities", [])}
        ents = [{"id": by_span.get((s.start_char, s.end_char), f"s{i}"), "label": s.label_,
                 "start_offset": s.start_char, "end_offset": s.end_char} for i, s in enumerate(doc.ents)]
        rec = {"text": doc.text, "meta": stored.get("meta", {}), "entities": ents,
               "relations": stored.get("relations", [])}
        if stored.get("id") is not None:
            rec = {"id": stored["id"], **rec}
        out.append(validate_record(rec))
    return out


# --------------------------------------------------------------------------- datasets


def bio_tags(record: dict) -> list:
    """One BIO tag per character of the record's text."""
    tags = ["O"] * len(record["text"])
    for e in record["entities"]:
        tags[e["start_offset"]] = f"B-{e['label']}"
        for i in range(e["start_offset"] + 1, e["end_offset"]):
            tags[i] = f"I-{e['label']}"
    return tags


def to_dataset(records: Iterable[dict]):
    """A ``datasets.Dataset`` for token classification and relation training."""
    import datasets

    rows = {"id": [], "text": [], "tokens": [], "ner_tags": [], "entities": [], "relations": []}
    for n, rec in enumerate(records):
        by_id = {e["id"]: e for e in rec["entities"]}
        rows["id"].append(str(rec.get("id", n)))
        rows["text"].append(rec["text"])
        rows["tokens"].append(list(rec["text"]))
        rows["ner_tags"].append([NER_TAGS.index(t) for t in bio_tags(rec)])
        rows["entities"].append([{"label": e["label"], "start": e["start_offset"], "end": e["end_offset"]}
                                 for e in rec["entities"]])
        rows["relations"].append([{
            "value_start": by_id[r["from_id"]]["start_offset"], "value_end": by_id[r["from_id"]]["end_offset"],
            "indicator_start": by_id[r["to_id"]]["start_offset"], "indicator_end": by_id[r["to_id"]]["end_offset"],
            "type": r["type"], "status": r.get("status"), "qualifier": r.get("qualifier"),
            "indicator_name": r.get("indicator_name")} for r in rec.get("relations", [])])
    features = datasets.Features({
        "id": datasets.Value("string"), "text": datasets.Value("string"),
        "tokens": datasets.Sequence(datasets.Value("string")),
        "ner_tags": datasets.Sequence(datasets.ClassLabel(names=NER_TAGS)),
        "entities": [{"label": datasets.Value("string"), "start": datasets.Value("int64"),
                      "end": datasets.Value("int64")}],
        "relations": [{k: datasets.Value("int64") for k in ("value_start", "value_end", "indicator_start",
                                                             "indicator_end")}
                      | {k: datasets.Value("string") for k in ("type", "status", "qualifier", "indicator_name")}],
    })
    return datasets.Dataset.from_dict(rows, features=features)


def from_dataset(ds) -> List[dict]:
    """Records back from a dataset made by ``to_dataset``."""
    out = []
    for row in ds:
        ents, ids = [], {}
        for i, e in enumerate(row["entities"], start=1):
            ents.append({"id": i, "label": e["label"], "start_offset": e["start"], "end_offset": e["end"]})
            ids[(e["start"], e["end"])] = i
        rels = []
        for j, r in enumerate(row["relations"], start=1):
            rel = {"id": j, "from_id": ids[(r["value_start"], r["value_end"])],
                   "to_id": ids[(r["indicator_start"], r["indicator_end"])], "type": r["type"]}
            rel.update({k: r[k] for k in REL_KEYS if r.get(k) is not None})
            rels.append(rel)
        out.append(validate_record({"id": row["id"], "text": row["text"], "entities": ents, "relations": rels}))
    return out


# --------------------------------------------------------------------------- by file name


def read_any(path: PathLike, corpus: PathLike = None) -> List[dict]:
    """Records from a file by its kind: ``.jsonl`` (doccano, or stand-off joined with the
    corpus root), ``.json`` (Label Studio), ``.spacy`` (DocBin), or a folder holding a saved
    ``datasets.Dataset`` (else a folder of .jsonl files)."""
    path = Path(path)
    if path.is_dir():
        if (path / "dataset_info.json").exists():
            import datasets

            return from_dataset(datasets.load_from_disk(str(path)))
        from .corpus import read_gold

        return read_gold(path, corpus)
    suffix = path.suffix.lower()
    if is_jsonl(path):
        from .corpus import read_gold

        if _is_sequence_labelling(path):
            return read_doccano(path)
        return read_gold(path, corpus)
    if suffix == ".json":
        return read_label_studio(path)
    if suffix == ".spacy":
        from spacy.tokens import DocBin

        return from_docbin(DocBin().from_disk(path))
    raise AnnotationError("unknown annotation file kind: use .jsonl (doccano), .json (Label Studio), "
                          ".spacy (DocBin) or a saved datasets folder", str(path))


def write_any(path: PathLike, records: List[dict]) -> int:
    """Write records as the file name says: .jsonl, .json, .spacy, or a folder (datasets)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".jsonl":
        return write_doccano(path, records)
    if suffix == ".json":
        return write_label_studio(path, records)
    if suffix == ".spacy":
        path.parent.mkdir(parents=True, exist_ok=True)
        to_docbin(records).to_disk(path)
        return len(records)
    if suffix == "":
        to_dataset(records).save_to_disk(str(path))
        return len(records)
    raise AnnotationError("unknown output kind: use .jsonl, .json, .spacy or a folder name (datasets)", str(path))


def _is_sequence_labelling(path: Path) -> bool:
    with open_text(path) as fh:
        for line in fh:
            if line.strip():
                try:
                    rec = json.loads(line)
                except json.JSONDecodeError:
                    return False
                return isinstance(rec, dict) and "entities" not in rec and isinstance(rec.get("label"), list)
    return False
