"""Normalisation with an offset map, and sentence splitting.

``normalise`` folds full-width ASCII to half-width, odd spaces to ' ', drops zero-width
characters and carriage returns, unescapes HTML entities and removes HTML tags, scripts
and styles. ``Normalised.to_original`` maps a span of the normalised text back to the
caller's string, so offsets reported to users are always on the original text.
"""
from __future__ import annotations

import html
import re
from bisect import bisect_right
from typing import List, NamedTuple, Tuple

# One-to-one character folding (length preserving).
_FOLD = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}  # full-width ASCII -> ASCII
_FOLD.update({0x3000: 0x20, 0x00A0: 0x20, 0x202F: 0x20, 0x205F: 0x20, 0x2028: 0x0A, 0x2029: 0x0A,
              0x0009: 0x20, 0x000B: 0x20, 0x000C: 0x0A, 0x2212: 0x2D, 0xFE6A: 0x25})
_FOLD.update({c: 0x20 for c in range(0x2000, 0x200B)})
_FOLD.update({0xFF5E: 0x7E})

# Length-changing edits, found by one regex: (pattern, replacement function).
_SPECIAL = re.compile(
    r"(?P<block><(?P<tag>script|style)\b[^>]*>.*?</(?P=tag)\s*>)"
    r"|(?P<html><!--.*?-->|</?[A-Za-z][A-Za-z0-9:-]*(?:\s[^<>]{0,500})?/?>)"
    r"|(?P<ent>&(?:#\d{1,7}|#[xX][0-9A-Fa-f]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});)"
    r"|(?P<drop>[\r\u200b\u200c\u200d\u2060\ufeff\u00ad])"
    r"|(?P<esc>(?:\\r)?\\n|\\r)",  # line breaks escaped as text by spreadsheet exports: \r\n
    re.S | re.I,
)
_HAS_SPECIAL = re.compile(r"[<&\r\u200b\u200c\u200d\u2060\ufeff\u00ad]|\\[rn]")

_SENTENCE_END = re.compile(r"[。!?;\n]+|\.(?!\d)(?=\s|$)")


class Normalised:
    """Normalised text plus the map back to the original string.

    The map is piecewise: a list of (norm_start, orig_start, orig_len, copied) pieces; a
    copied piece maps character for character, a replaced piece maps wholly to its
    original span.
    """

    __slots__ = ("text", "original", "_nstarts", "_ostarts", "_pieces")

    def __init__(self, text: str, original: str, pieces: List[Tuple[int, int, int, bool]]):
        self.text = text
        self.original = original
        self._pieces = pieces
        self._nstarts = [p[0] for p in pieces]
        self._ostarts = [p[1] for p in pieces]

    @property
    def identity(self) -> bool:
        return not self._pieces

    def _piece(self, i: int):
        k = bisect_right(self._nstarts, i) - 1
        return self._pieces[k]

    def to_original(self, start: int, end: int) -> Tuple[int, int]:
        """Map the normalised span [start, end) to the original string."""
        if not self._pieces:
            return start, end
        if end <= start:
            o = self._orig_start(start)
            return o, o
        return self._orig_start(start), self._orig_end(end - 1)

    def from_original(self, start: int, end: int):
        """The normalised span of the original span [start, end), or None when an end falls
        inside a replaced piece (an HTML entity, a dropped tag) and has no counterpart."""
        if not self._pieces:
            return start, end
        n_start, n_end = self._to_norm(start), self._to_norm(end)
        if n_start is None or n_end is None or n_end < n_start:
            return None
        return n_start, n_end

    def _to_norm(self, i: int):
        k = bisect_right(self._ostarts, i) - 1
        if k < 0:
            return 0
        nstart, ostart, olen, copied = self._pieces[k]
        if i == ostart:
            return nstart
        if i < ostart + olen:
            return nstart + (i - ostart) if copied else None
        return self._pieces[k + 1][0] if k + 1 < len(self._pieces) else len(self.text)  # after the piece

    def _orig_start(self, i: int) -> int:
        if i >= len(self.text):
            return len(self.original)
        nstart, ostart, olen, copied = self._piece(i)
        return ostart + (i - nstart) if copied else ostart

    def _orig_end(self, i: int) -> int:
        nstart, ostart, olen, copied = self._piece(i)
        return ostart + (i - nstart) + 1 if copied else ostart + olen


def normalise(text: str) -> Normalised:
    """Fold and clean ``text``; see the module docstring."""
    if not _HAS_SPECIAL.search(text):
        return Normalised(text.translate(_FOLD), text, [])
    out: List[str] = []
    pieces: List[Tuple[int, int, int, bool]] = []
    n = 0
    pos = 0
    for m in _SPECIAL.finditer(text):
        if m.start() > pos:
            chunk = text[pos:m.start()]
            pieces.append((n, pos, len(chunk), True))
            out.append(chunk)
            n += len(chunk)
        rep = _replacement(m)
        if rep:
            pieces.append((n, m.start(), m.end() - m.start(), False))
            out.append(rep)
            n += len(rep)
        pos = m.end()
    if pos < len(text):
        pieces.append((n, pos, len(text) - pos, True))
        out.append(text[pos:])
    if not pieces:
        pieces.append((0, 0, len(text), True))
    return Normalised("".join(out).translate(_FOLD), text, pieces)


_BLOCK_TAGS = re.compile(r"</?(?:p|div|br|tr|li|h[1-6]|table|section|article)\b", re.I)


def _replacement(m: re.Match) -> str:
    if m.group("esc"):
        return "\n"
    if m.group("ent"):
        rep = html.unescape(m.group("ent"))
        return rep if rep != m.group("ent") else m.group("ent")
    if m.group("html") and _BLOCK_TAGS.match(m.group("html")):
        return "\n"  # a block tag ends a sentence
    return ""


_OPENERS = {"“": "”", "‘": "’", "《": "》", "〈": "〉", "「": "」", "『": "』", "【": "】", "(": ")", "[": "]"}
_CLOSERS = {close: open_ for open_, close in _OPENERS.items()}


def brackets_balanced(s: str) -> bool:
    """True when every quote mark and bracket in ``s`` is closed inside it, in order (“三峡智谷” yes, “三峡智谷 no)."""
    stack = []
    for ch in s:
        if ch in _OPENERS:
            stack.append(ch)
        elif ch in _CLOSERS:
            if not stack or stack.pop() != _CLOSERS[ch]:
                return False
    return not stack


MAX_SENTENCE = 1000  # characters; longer runs without a stop are cut


class Sentence(NamedTuple):
    start: int
    end: int


def split_sentences(text: str, max_chars: int = MAX_SENTENCE) -> List[Sentence]:
    """Sentences of the (normalised) text as spans; ends at 。!?; and line breaks.

    A run longer than ``max_chars`` with no stop (a scraped page with its punctuation
    stripped, a table flattened to one line) is cut into pieces of at most ``max_chars``,
    after a comma or space where there is one, so that the linker's work stays bounded.
    """
    sents = []
    pos = 0
    for m in _SENTENCE_END.finditer(text):
        end = m.start() + (1 if text[m.start()] != "\n" else 0)
        _add_sentence(sents, text, pos, end, max_chars)
        pos = m.end()
    _add_sentence(sents, text, pos, len(text), max_chars)
    return sents


def _add_sentence(sents: list, text: str, start: int, end: int, max_chars: int) -> None:
    if not text[start:end].strip():
        return
    if end - start <= max_chars:
        sents.append(Sentence(start, end))
        return
    for s, e in windows(text[start:end], max_chars):
        if text[start + s:start + e].strip():
            sents.append(Sentence(start + s, start + e))


_CUT_AFTER = ("\n", "。！？；!?;", " \t\u3000，,、")
_NO_CUT = re.compile(r"[0-9A-Za-z.%％０-９Ａ-Ｚａ-ｚ．]")


def windows(text: str, size: int) -> List[Tuple[int, int]]:
    """Consecutive (start, end) pieces of ``text`` of at most ``size`` characters.

    Long reports are processed a window at a time so that memory stays bounded. A window
    ends after a line break if one falls in its second half, else after a sentence stop,
    else after a space or comma, else where no number or Latin word is split.
    """
    if size < 2:
        raise ValueError(f"window size must be at least 2, got {size}")
    out, start, n = [], 0, len(text)
    while n - start > size:
        end = _cut(text, start + size // 2, start + size)
        out.append((start, end))
        start = end
    out.append((start, n))
    return out


def _cut(text: str, lo: int, hi: int) -> int:
    for chars in _CUT_AFTER:
        best = max(text.rfind(c, lo, hi) for c in chars)
        if best >= 0:
            return best + 1
    end = hi
    while end > lo and _NO_CUT.match(text[end - 1]) and _NO_CUT.match(text[end]):
        end -= 1
    return end if end > lo else hi
