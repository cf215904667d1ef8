"""govie's spaCy factories: the pieces of a trained pipeline (needs ``pip install 'govie[train]'``).

Importing this module registers them with spaCy, so ``spacy.load("models/NAME/nlp")`` works
after ``import govie.components``:

- ``govie.CharTokenizer.v1`` (tokenizer): one token per character, so every entity boundary
  of the guide is a token boundary and offsets never drift; each token's NORM is the
  character bigram starting there (地区 for 地), which gives the character model word context.
- ``govie_values`` (component): the deterministic AMOUNT/PERCENT recogniser of the rules
  pipeline, set as entities before the statistical NER, which keeps them and predicts the
  names and indicators around them.
- ``govie.DilatedWindowEncoder.v1`` (architecture): a CNN encoder whose layers look at the
  characters ``d`` to either side for a growing ``d`` (1, 2, 4, 8: each character sees 15 on
  either side), so it reaches about as far as spaCy's window encoder at about a quarter of the
  arithmetic (Strubell et al. 2017, iterated dilated convolutions for fast NER).
- ``govie_gazetteer`` (component): the gazetteer and name patterns of the rules pipeline
  (divisions, enterprise list, project patterns) as features: each token inside a rule
  match gets ``Token.tag_`` = ``DISTRICT-B``, ``ENTERPRISE-I``…, which the tok2vec embeds
  (attrs include ``TAG``), so the NER learns when a gazetteer match is a name here and when
  it is not (马鞍山 in 马鞍山钢铁). It runs in training as an annotating component.
  Short names of counties and towns count only in the report's own region, as in the
  rules: the region travels with the doc (``set_region``), into training too
  (``govie.Corpus.v1`` hands it from the gold doc to the one the pipeline predicts on).

The statistical NER is spaCy's own ``ner`` factory, configured in ``training/configs/``.
"""

import itertools
from typing import List

import numpy as np
from spacy.attrs import NORM, TAG
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import registry
from thinc.api import Maxout, Model, chain, residual, with_array

from . import entities, quantities
from .schema import VALUE_LABELS


TEXT_KEY = "govie.text"
REGION_KEY = "govie.region"


def doc_text(doc: Doc) -> str:
    """The text a CharTokenizer doc was made from (kept in ``user_data``), else ``doc.text``."""
    text = doc.user_data.get(TEXT_KEY)
    return text if text is not None and len(text) == len(doc) else doc.text


def set_region(doc: Doc, region) -> Doc:
    """Tell the gazetteer which region the doc's report is from (安徽省马鞍山市雨山区)."""
    if region:
        doc.user_data[REGION_KEY] = region
    return doc


_MAX_CACHED_BIGRAMS = 1_000_000


class _StringIds(dict):
    """string -> its id in a spaCy StringStore, added there on first sight (a cache of ``add``)."""

    def __init__(self, strings):
        super().__init__()
        self.strings = strings

    def __missing__(self, key: str) -> int:
        value = self[key] = self.strings.add(key)
        return value


class CharTokenizer:
    """Every character (whitespace too) is a token; NORM is the bigram starting at it."""

    def __init__(self, vocab):
        self.vocab = vocab
        self._ids = _StringIds(vocab.strings)

    def __call__(self, text: str) -> Doc:
        doc = Doc(self.vocab, words=list(text), spaces=[False] * len(text))
        if text:
            if len(self._ids) > _MAX_CACHED_BIGRAMS:
                self._ids.clear()
            bigrams = map(str.__add__, text, itertools.chain(text[1:], ("",)))
            norms = np.fromiter(map(self._ids.__getitem__, bigrams), dtype="uint64", count=len(text))
            doc.from_array([NORM], norms.reshape(-1, 1))
        doc.user_data[TEXT_KEY] = text  # Doc.text would rebuild it token by token
        return doc

    def pipe(self, texts, batch_size: int = 1000):
        for text in texts:
            yield self(text)

    # nothing to save: the tokenizer has no state of its own
    def to_bytes(self, **kwargs) -> bytes:
        return b""

    def from_bytes(self, data: bytes, **kwargs) -> "CharTokenizer":
        return self

    def to_disk(self, path, **kwargs) -> None:
        return None

    def from_disk(self, path, **kwargs) -> "CharTokenizer":
        return self


@registry.tokenizers("govie.CharTokenizer.v1")
def create_char_tokenizer():
    def make(nlp):
        return CharTokenizer(nlp.vocab)

    return make


@Language.factory("govie_values")
def create_values(nlp: Language, name: str):
    return ValueRecogniser()


class ValueRecogniser:
    """AMOUNT and PERCENT by rule (govie.quantities), set as ``doc.ents``."""

    def __call__(self, doc: Doc) -> Doc:
        doc.ents = [Span(doc, s.start, s.end, label=s.label) for s in quantities.find_values(doc_text(doc))]
        return doc


@Language.factory("govie_gazetteer")
def create_gazetteer(nlp: Language, name: str):
    return GazetteerFeatures()


class GazetteerFeatures:
    """Rule name matches as ``Token.tag_`` features (LABEL-B / LABEL-I; untouched tokens keep '')."""

    def __call__(self, doc: Doc) -> Doc:
        spans = entities.find_names(doc_text(doc), region=doc.user_data.get(REGION_KEY))
        if not spans:
            return doc
        add = doc.vocab.strings.add
        tags = np.zeros((len(doc), 1), dtype="uint64")
        for s in spans:
            tags[s.start, 0] = add(f"{s.label}-B")
            if s.end - s.start > 1:
                tags[s.start + 1:s.end, 0] = add(f"{s.label}-I")
        doc.from_array([TAG], tags)
        return doc


@registry.readers("govie.Corpus.v1")
def create_corpus_reader(path, max_length: int = 0, limit: int = 0):
    """spaCy's DocBin reader, and each gold doc's region set on the doc the pipeline predicts on."""
    from spacy.training import Corpus

    corpus = Corpus(path, max_length=max_length, limit=limit)

    def read(nlp):
        for eg in corpus(nlp):
            set_region(eg.predicted, eg.reference.user_data.get(REGION_KEY))
            yield eg

    return read


@registry.architectures("govie.DilatedWindowEncoder.v1")
def create_dilated_encoder(width: int, dilations: List[int], maxout_pieces: int) -> Model:
    """spaCy's MaxoutWindowEncoder with one neighbour each side per layer, ``dilations[k]`` apart.

    Each layer is residual(Maxout over [x[i-d], x[i], x[i+d]]) with layer normalisation, as in
    ``spacy.MaxoutWindowEncoder.v2`` with ``window_size = 1``; docs are padded apart by the
    whole reach, ``sum(dilations)``, so no character sees another doc.
    """
    steps = [int(d) for d in dilations]
    if not steps or min(steps) < 1:
        raise ValueError(f"dilations must be positive integers, got {dilations!r}")
    layers = [
        residual(chain(
            dilated_window(d),
            Maxout(nO=width, nI=width * 3, nP=maxout_pieces, dropout=0.0, normalize=True),
        ))
        for d in steps
    ]
    model = chain(*layers) if len(layers) > 1 else layers[0]  # thinc's chain needs two
    model.set_dim("nO", width)
    return with_array(model, pad=sum(steps))


@registry.layers("govie.dilated_window.v1")
def dilated_window(dilation: int) -> Model:
    """Each row becomes [row i-d, row i, row i+d] (zeros past either end): one dilated step."""
    return Model("dilated_window", _dilated_window_forward, attrs={"dilation": dilation})


def _dilated_window_forward(model: Model, X, is_train: bool):
    d = model.attrs["dilation"]
    n, width = X.shape
    Y = model.ops.alloc2f(n, 3 * width)
    Y[:, width:2 * width] = X
    if d < n:
        Y[d:, :width] = X[:-d]
        Y[:-d, 2 * width:] = X[d:]

    def backprop(dY):
        dX = dY[:, width:2 * width].copy()
        if d < n:
            dX[:-d] += dY[d:, :width]
            dX[d:] += dY[:-d, 2 * width:]
        return dX

    return Y, backprop
