"""Results as a pandas table: one row per target."""
from __future__ import annotations

from typing import Iterable

from .schema import TARGET_ROW_FIELDS, Result


def to_dataframe(results: Iterable[Result] | Result):
    """One row per target of each result, with the document id, region and year.

    Documents that failed (``result.error``) contribute no rows; filter them with
    ``[r for r in results if not r.ok]`` to see why.
    """
    import pandas as pd

    if isinstance(results, Result):
        results = [results]
    rows = []
    for i, res in enumerate(results):
        if not isinstance(res, Result):
            raise TypeError(f"to_dataframe expects govie.Result objects, got {type(res).__name__} at position {i}")
        doc_id = res.id if res.id is not None else i
        for t in res.targets:
            rows.append({"doc_id": doc_id, **t.to_row()})
    return pd.DataFrame(rows, columns=["doc_id", *TARGET_ROW_FIELDS])

