"""A trainable value→indicator linker: which INDICATOR span a value quantifies.

The rules (``govie.links``) read the text before a value; they stumble where the indicator
follows the value (建成了9个乡镇动物防疫监督站), where a list or a clause boundary hides it, or
where they cut the phrase wrongly. This component scores (value, candidate) pairs with a
logistic regression over hashed features of the pair — direction, distance, the characters
between them, what lies between (values, other indicators, punctuation), the unit, the
candidate's edges, and what the rules chose — and keeps or overrides the rules' choice:

- candidates are the statistical NER's INDICATOR spans in the value's sentence, plus the
  rules' own choice;
- a value the rules linked keeps its link unless another candidate scores higher and
  above 0.5; a value the rules left alone gets the best candidate above ``threshold``;
- relation type, qualifier and status come from the rules (verbs, bound words, section).

Trained from gold relations (``govie train``), stored as ``linker.npz`` in the model folder.
"""
from __future__ import annotations

import math
import re
import zlib
from bisect import bisect_left, bisect_right
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

import numpy as np

from . import context, entities, links, quantities, text as textmod
from .quantities import Span

N_FEATURES = 1 << 18
BEFORE, AFTER = 40, 30  # candidate window around a value, in characters
_PUNCT = re.compile(r"[,;:、。!?()“”]")


class LinkerModel:
    """Weights of the pair scorer."""

    def __init__(self, weights: Optional[np.ndarray] = None, bias: float = 0.0, threshold: float = 0.5):
        self.w = weights if weights is not None else np.zeros(N_FEATURES, dtype=np.float32)
        self.b = bias
        self.threshold = threshold

    def prob(self, feats: List[int]) -> float:
        z = self.b + float(self.w[feats].sum())
        return 1.0 / (1.0 + math.exp(-max(min(z, 30.0), -30.0)))

    def save(self, path) -> None:
        np.savez_compressed(path, w=self.w, b=np.array([self.b]), threshold=np.array([self.threshold]))

    @classmethod
    def load(cls, path) -> "LinkerModel":
        data = np.load(path)
        return cls(data["w"].astype(np.float32), float(data["b"][0]), float(data["threshold"][0]))


# --------------------------------------------------------------------------- features


def _bucket(n: int) -> str:
    for limit, name in ((0, "0"), (1, "1"), (2, "2"), (4, "3-4"), (8, "5-8"), (16, "9-16")):
        if n <= limit:
            return name
    return "17+"


def _unit(text: str, v: Span) -> str:
    s = text[v.start:v.end]
    if v.label == "PERCENT":
        return "pp" if "百分点" in s else "%"
    m = re.search(r"[^\d.\-—~至余多万亿千百十零一二两三四五六七八九]+$", s)
    return m.group(0)[-2:] if m else "?"


def pair_features(text: str, v: Span, c: Span, values_between: int, cands_between: int,
                  rule: Optional[Span]) -> List[int]:
    """Hashed feature ids of the pair (value ``v``, candidate ``c``)."""
    after = c.start >= v.end
    gap = text[v.end:c.start] if after else text[c.end:v.start]
    d = "A" if after else "B"
    dist = _bucket(len(gap))
    if rule is None:
        r = "none"
    elif rule == c:
        r = "same"
    elif rule.start < c.end and c.start < rule.end:
        r = "overlap"
    else:
        r = "other"
    unit = _unit(text, v)
    punct = "".join(sorted(set(_PUNCT.findall(gap)))) or "-"
    cand = text[c.start:c.end]
    feats = [
        f"d={d}", f"dist={d}{dist}", f"rule={r}", f"rule={r}|d={d}", f"rule={r}|dist={dist}",
        f"vals={d}{min(values_between, 2)}", f"cands={d}{min(cands_between, 2)}", f"punct={d}{punct}",
        f"unit={unit}", f"unit={unit}|d={d}", f"unit={unit}|dist={d}{dist}",
        f"clast={cand[-1:]}", f"cfirst={cand[:1]}", f"clen={_bucket(len(cand))}", f"clast2={cand[-2:]}|unit={unit}",
        f"gap={gap if len(gap) <= 6 else '<long>'}|d={d}", f"label={v.label}|d={d}",
        f"rule={r}|punct={punct}",
    ]
    feats += [f"gapc={d}{ch}" for ch in set(gap[-4:] if not after else gap[:4])]
    feats += ["bias"]
    return [zlib.crc32(f.encode("utf-8")) % N_FEATURES for f in feats]


def _pairs_for_value(text: str, v: Span, sent: textmod.Sentence, cands: Sequence[Span], values: Sequence[Span],
                     rule: Optional[Span]) -> List[Tuple[Span, List[int]]]:
    lo, hi = max(sent.start, v.start - BEFORE), min(sent.end, v.end + AFTER)
    pool = [c for c in cands if c.start >= lo and c.end <= hi and not (c.start < v.end and v.start < c.end)]
    if rule is not None and rule not in pool:
        pool.append(rule)
    vstarts = [x.start for x in values]
    out = []
    for c in pool:
        a, b = (v.end, c.start) if c.start >= v.end else (c.end, v.start)
        n_vals = bisect_left(vstarts, b) - bisect_left(vstarts, a)
        n_cands = sum(1 for x in pool if x is not c and a <= x.start and x.end <= b)
        out.append((c, pair_features(text, v, c, n_vals, n_cands, rule)))
    return out


# --------------------------------------------------------------------------- inference


def relink(text: str, sentences: Sequence[textmod.Sentence], statuses: Sequence[str], values: Sequence[Span],
           linked: "links.Linked", candidates: Sequence[Span], model: LinkerModel) -> "links.Linked":
    """The rules' relations, with indicators changed or added where the model is confident."""
    if not candidates:
        return linked
    cands = sorted(candidates)
    by_value: Dict[Span, List[links.Relation]] = {}
    for r in linked.relations:
        by_value.setdefault(r.value, []).append(r)
    sstarts = [s.start for s in sentences]
    out = links.Linked()
    for v in values:
        rels = by_value.get(v, [])
        if len(rels) > 1 or (rels and rels[0].name != text[rels[0].indicator.start:rels[0].indicator.end]):
            out.relations += rels  # lists and resolved names (分别, 均, 新增…) stay the rules' work
            continue
        si = bisect_right(sstarts, v.start) - 1
        if si < 0:
            out.relations += rels
            continue
        rule = rels[0].indicator if rels else None
        scored = [(model.prob(f), c) for c, f in _pairs_for_value(text, v, sentences[si], cands, values, rule)]
        if not scored:
            out.relations += rels
            continue
        p, best = max(scored, key=lambda x: (x[0], -abs(x[1].start - v.start)))
        if rels:
            p_rule = next((q for q, c in scored if c == rule), 0.0)
            if best != rule and p > max(p_rule, 0.5):
                out.relations.append(rels[0]._replace(indicator=best, name=text[best.start:best.end]))
            else:
                out.relations += rels
        elif p > model.threshold:
            kind, qualifier = links.describe_value(text, sentences[si], v)
            out.relations.append(links.Relation(v, best, kind, statuses[si], qualifier, text[best.start:best.end]))
    return links.Linked.of(out.relations)


# --------------------------------------------------------------------------- training


def training_pairs(record: dict) -> Iterable[Tuple[List[int], int]]:
    """(features, 1/0) for each gold value and each gold INDICATOR of its sentence.

    The rules' choice is a feature, so the rules run on the record's normalised text."""
    norm = textmod.normalise(record["text"])
    t = norm.text
    spans: Dict[int, Span] = {}
    for e in record["entities"]:
        m = norm.from_original(e["start_offset"], e["end_offset"])
        if m is not None and m[0] < m[1]:
            spans[e["id"]] = Span(m[0], m[1], e["label"])
    gold = {(spans[r["from_id"]], spans[r["to_id"]]) for r in record.get("relations", [])
            if r["from_id"] in spans and r["to_id"] in spans}
    values = sorted(s for s in spans.values() if s.label in ("AMOUNT", "PERCENT"))
    cands = sorted(s for s in spans.values() if s.label == "INDICATOR")
    sentences = textmod.split_sentences(t)
    rule_of = _rule_choices(t, sentences)
    sstarts = [s.start for s in sentences]
    for v in values:
        si = bisect_right(sstarts, v.start) - 1
        if si < 0:
            continue
        rule = rule_of.get((v.start, v.end))
        for c, feats in _pairs_for_value(t, v, sentences[si], cands, values, rule):
            yield feats, int((v, c) in gold)


def _rule_choices(text: str, sentences) -> Dict[Tuple[int, int], Span]:
    statuses, _ = context.section_statuses(text, sentences, None)
    values = quantities.find_values(text)
    names = entities.find_names(text, taken=values)
    linked = links.link(text, sentences, values, statuses, taken=names)
    out = {}
    for r in linked.relations:
        out.setdefault((r.value.start, r.value.end), r.indicator)
    return out


def fit(records: Iterable[dict], epochs: int = 8, lr: float = 0.2, l2: float = 1e-6,
        seed: int = 0, progress: bool = False) -> Tuple[LinkerModel, dict]:
    """Logistic regression by SGD (AdaGrad steps) on the gold pairs of ``records``."""
    data = [pair for rec in records for pair in training_pairs(rec)]
    if not data:
        raise ValueError("no (value, indicator) pairs in the training records")
    model = LinkerModel()
    g2 = np.full(N_FEATURES, 1e-8, dtype=np.float64)
    gb = 1e-8
    rng = np.random.default_rng(seed)
    order = np.arange(len(data))
    it = range(epochs)
    if progress:
        from tqdm.auto import tqdm
        it = tqdm(it, desc="linker", unit="epoch")
    for _ in it:
        rng.shuffle(order)
        for i in order:
            feats, y = data[i]
            grad = model.prob(feats) - y
            idx = np.asarray(feats)
            g = grad + l2 * model.w[idx]
            g2[idx] += g * g
            model.w[idx] -= (lr * g / np.sqrt(g2[idx])).astype(np.float32)
            gb += grad * grad
            model.b -= lr * grad / math.sqrt(gb)
    pos = sum(y for _, y in data)
    return model, {"pairs": len(data), "positive": pos}


def load(path) -> Optional[LinkerModel]:
    path = Path(path) / "linker.npz"
    return LinkerModel.load(path) if path.is_file() else None
