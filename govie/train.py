"""Training a statistical pipeline from annotation files (``govie train``).

Records (any format ``govie.formats.read_any`` reads) -> normalised text cut into chunks of
whole sentences -> spaCy DocBins -> ``spacy train`` with a config from
``training/configs/`` -> a govie model directory::

    models/NAME/
        meta.json    {"name", "format", "pipeline": ["rules", "ner", "linker"], "labels", ...}
        nlp/         the spaCy pipeline (govie.CharTokenizer, govie_values, govie_gazetteer, tok2vec, ner)
        linker.npz   the value→indicator pair scorer (govie.linker), trained on the same records

The model sees the text as the pipeline does at run time: normalised (``govie.text``), so
full-width digits and HTML entities look the same in training and in use.
"""
from __future__ import annotations

import json
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator, List, Optional, Sequence, Tuple

from . import text as textmod
from .errors import AnnotationError

CONFIG_DIR = Path(__file__).resolve().parent.parent / "training" / "configs"
DEFAULT_CONFIG = CONFIG_DIR / "ner.cfg"
NER_LABELS = ("DISTRICT", "ENTERPRISE", "PROJECT", "INDICATOR", "AMOUNT", "PERCENT")
CHUNK_CHARS = 300  # training examples are runs of whole sentences up to about this long
# spaCy releases a trained model works under: every 3.8 release gives the same predictions
# (models/README.md, "spaCy version and speed"); spaCy itself writes ">=its own version".
SPACY_VERSIONS = ">=3.8.2,<3.9.0"


@dataclass
class TrainStats:
    records: int = 0
    chunks: int = 0
    characters: int = 0
    entities: int = 0
    dropped: int = 0  # entities lost to normalisation (inside an HTML entity or tag)
    labels: dict = field(default_factory=dict)


def chunks(record: dict, stats: Optional[TrainStats] = None,
           max_chars: int = CHUNK_CHARS) -> Iterator[Tuple[str, List[Tuple[int, int, str]]]]:
    """(normalised text, [(start, end, label)]) pieces of one record, whole sentences each.

    A piece never cuts an entity: a sentence holding the end of an entity that began in
    the previous one joins it.
    """
    stats = stats if stats is not None else TrainStats()
    norm = textmod.normalise(record["text"])
    spans = []
    for e in record["entities"]:
        mapped = norm.from_original(e["start_offset"], e["end_offset"])
        if mapped is None or mapped[0] >= mapped[1] or e["label"] not in NER_LABELS:
            stats.dropped += 1
            continue
        spans.append((mapped[0], mapped[1], e["label"]))
    spans.sort()
    ntext = norm.text
    stats.records += 1
    piece_start, piece_end, i = None, None, 0
    for sent in textmod.split_sentences(ntext):
        if piece_start is None:
            piece_start = sent.start
        elif sent.end - piece_start > max_chars and not _crosses(spans, piece_end):
            yield _piece(ntext, piece_start, piece_end, spans, stats)
            piece_start = sent.start
        piece_end = sent.end
    if piece_start is not None:
        yield _piece(ntext, piece_start, piece_end, spans, stats)


def _crosses(spans, pos: int) -> bool:
    return any(s < pos < e for s, e, _ in spans)


def _piece(text: str, start: int, end: int, spans, stats: TrainStats):
    inside = [(s - start, e - start, label) for s, e, label in spans if start <= s and e <= end]
    stats.chunks += 1
    stats.characters += end - start
    stats.entities += len(inside)
    for _, _, label in inside:
        stats.labels[label] = stats.labels.get(label, 0) + 1
    return text[start:end], inside


def to_docbin(records: Iterable[dict], nlp, stats: Optional[TrainStats] = None):
    """A DocBin of normalised sentence chunks with their entities, tokenised by ``nlp``."""
    from spacy.tokens import DocBin

    from .components import set_region

    db = DocBin(store_user_data=True)  # the region, for the gazetteer features
    for rec in records:
        region = (rec.get("meta") or {}).get("region")
        for chunk_text, spans in chunks(rec, stats):
            doc = set_region(nlp.make_doc(chunk_text), region)
            ents = [doc.char_span(s, e, label=label, alignment_mode="strict") for s, e, label in spans]
            if any(x is None for x in ents):
                raise AnnotationError(f"an entity of {rec.get('id')} does not fall on token boundaries")
            doc.ents = ents
            db.add(doc)
    return db


def read_records(paths: Sequence, corpus=None, split: Optional[str] = None) -> List[dict]:
    """Records with text from annotation files; ``split`` keeps one side of the fixed split."""
    from .corpus import split_of
    from .formats import read_any

    out = []
    for path in paths:
        recs = read_any(path, corpus)
        if split is not None:
            recs = [r for r in recs if split_of(r.get("doc") or r.get("meta", {}).get("doc") or "") == split]
        out.extend(recs)
    return out


def train(train_records: List[dict], dev_records: List[dict], output, config=DEFAULT_CONFIG,
          overrides: Optional[dict] = None, name: Optional[str] = None, use_gpu: int = -1,
          extra_meta: Optional[dict] = None, silver_records: Sequence[dict] = ()) -> Path:
    """Train the NER from ``config`` and the linker, and write a govie model directory at ``output``.

    ``silver_records`` (machine-labelled, e.g. by a larger model: distillation) join the NER's
    training data after ``train_records``; the linker is fitted on ``train_records`` alone.
    """
    import spacy
    from spacy.cli.train import train as spacy_train

    from . import components  # noqa: F401  (registers govie's factories)
    from .pipeline import MODEL_FORMAT

    if not train_records:
        raise AnnotationError("no training records: check the --train path and --train-split")
    if not dev_records:
        raise AnnotationError("no development records: check the --dev path and --dev-split")
    output = Path(output)
    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"@tokenizers": "govie.CharTokenizer.v1"}}})
    train_stats, silver_stats, dev_stats = TrainStats(), TrainStats(), TrainStats()
    with tempfile.TemporaryDirectory(prefix="govie-train-") as tmp:
        tmp = Path(tmp)
        ner_data = to_docbin(train_records, nlp, train_stats)
        ner_data.merge(to_docbin(silver_records, nlp, silver_stats))
        ner_data.to_disk(tmp / "train.spacy")
        to_docbin(dev_records, nlp, dev_stats).to_disk(tmp / "dev.spacy")
        settings = {"paths.train": str(tmp / "train.spacy"), "paths.dev": str(tmp / "dev.spacy")}
        settings.update(overrides or {})
        spacy_train(Path(config), tmp / "out", overrides=settings, use_gpu=use_gpu)
        best = tmp / "out" / "model-best"
        nlp_dir = output / "nlp"
        if nlp_dir.exists():
            shutil.rmtree(nlp_dir)
        output.mkdir(parents=True, exist_ok=True)
        shutil.copytree(best, nlp_dir)
    _set_spacy_versions(nlp_dir / "meta.json")
    from . import linker

    link_model, link_stats = linker.fit(train_records)
    link_model.save(output / "linker.npz")
    spacy_meta = json.loads((nlp_dir / "meta.json").read_text(encoding="utf-8"))
    meta = {
        "name": name or output.name,
        "format": MODEL_FORMAT,
        "pipeline": ["rules", "ner", "linker"],
        "labels": list(NER_LABELS),
        # the NER's names alone: adding gazetteer divisions where it found nothing ("ner+districts")
        # cost 0.026 DISTRICT F1 on validation (models/README.md, fourth round)
        "names": "ner",
        "indicators": "ner",
        "config": Path(config).name,
        "training": {"train": vars(train_stats), **({"silver": vars(silver_stats)} if silver_records else {}),
                     "dev": vars(dev_stats), "linker": link_stats},
        "dev_scores": {k: spacy_meta.get("performance", {}).get(k)
                       for k in ("ents_f", "ents_p", "ents_r", "ents_per_type")},
    }
    meta.update(extra_meta or {})
    (output / "meta.json").write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return output


def _set_spacy_versions(meta_path: Path) -> None:
    """Write SPACY_VERSIONS into the spaCy meta, so that older 3.8 releases load it without warning W095."""
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    meta["spacy_version"] = SPACY_VERSIONS
    meta_path.write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
