"""govie — entities and numeric targets from Chinese local government work reports.

    >>> import govie
    >>> res = govie.extract("今年主要预期目标是:全区地区生产总值增长6%左右。")
    >>> [(t.indicator_id, t.type, t.number, t.unit, t.qualifier, t.status) for t in res.targets]
    [('gdp', 'growth', 6.0, '%', 'approx', 'target')]

Public surface:
    extract(text, region=None, year=None, model=None) -> Result   (model: "govie-zh" default, "rules", or a path)
    extract_many(texts, batch_size=..., n_process=...) -> iterator of Result, same order
    load(name_or_path) -> Extractor with .extract(text) and .pipe(texts)
    extract_files(paths, "out.jsonl|.csv|.parquet", workers=N, resume=True) -> Summary
    to_dataframe(results) -> pandas.DataFrame, one row per target
    read_text(path, encoding="auto") -> str
    Result, Entity, Target; GovieError and its subclasses; GovieWarning
"""
from .batch import extract_files
from .errors import (AnnotationError, CorpusError, GovieError, GovieWarning, InputError, ModelLoadError,
                     ModelNotFoundError)
from .io import read_text
from .pipeline import Extractor, extract, extract_many, load
from .schema import Entity, Result, Target
from .tables import to_dataframe

__version__ = "0.1.0"

__all__ = [
    "extract", "extract_many", "extract_files", "load", "to_dataframe", "read_text",
    "Extractor", "Result", "Entity", "Target",
    "GovieError", "GovieWarning", "InputError", "ModelNotFoundError", "ModelLoadError", "AnnotationError", "CorpusError",
    "__version__",
]
