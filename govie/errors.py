"""Named exceptions. Each message says what was wrong and how to fix it."""
from __future__ import annotations

import re


class GovieError(Exception):
    """Base class of every error govie raises on purpose."""


class GovieWarning(UserWarning):
    """Something govie did differently from what was asked, e.g. falling back to the rules model."""


class InputError(GovieError, ValueError):
    """The text or argument handed to govie cannot be processed as given."""


class ModelNotFoundError(GovieError, FileNotFoundError):
    """A model name or directory that govie cannot find."""


class ModelLoadError(GovieError, ValueError):
    """A model directory that exists but is corrupt or of an incompatible version."""


class AnnotationError(GovieError, ValueError):
    """An annotation file with a malformed line, bad offset, unknown label or dangling relation.

    ``path`` and ``line`` (1-based) say where.
    """

    def __init__(self, message: str, path: str | None = None, line: int | None = None):
        where = ""
        if path is not None:
            where = f"{path}:{line}: " if line is not None else f"{path}: "
        super().__init__(where + message)
        self.path = path
        self.line = line


class CorpusError(GovieError):
    """A corpus root or document that cannot be found, or a text that is not the annotated one."""


_SURROGATE = re.compile("[\ud800-\udfff]")


def check_text(text: object, name: str = "text") -> str:
    """Return ``text`` if it is a str of valid Unicode; else a TypeError or InputError that
    says what to do."""
    if not isinstance(text, str):
        hint = " (decode bytes first, e.g. data.decode('utf-8'), or use govie.read_text(path))" if isinstance(text, (bytes, bytearray)) else ""
        raise TypeError(f"{name} must be a str, got {type(text).__name__}{hint}")
    m = _SURROGATE.search(text)
    if m:
        raise InputError(f"{name} contains a lone surrogate (U+{ord(m.group()):04X} at position {m.start()}), "
                         "which is not valid Unicode and cannot be written out; it usually comes from decoding "
                         "with errors='surrogateescape'. Decode with errors='replace' or use govie.read_text(path).")
    return text
