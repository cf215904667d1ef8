"""govie over a Hugging Face ``datasets.Dataset``: batched, in parallel with ``num_proc``.

    >>> import datasets, govie.hf                                       # doctest: +SKIP
    >>> ds = datasets.Dataset.from_dict({"text": ["全区地区生产总值增长6%左右。"]})
    >>> out = govie.hf.extract_dataset(ds, num_proc=2)
    >>> out[0]["targets"][0]["indicator_id"], out[0]["targets"][0]["number"]
    ('gdp', 6.0)
"""
from __future__ import annotations

from typing import Optional

from .schema import TARGET_ROW_FIELDS

_INTS = {"year", "value_start", "value_end", "indicator_start", "indicator_end"}
_FLOATS = {"number", "number_high"}


def features(base):
    """The dataset's features plus govie's columns ``entities``, ``targets``, ``govie_error``."""
    import datasets

    entity = {"label": datasets.Value("string"), "start": datasets.Value("int64"),
              "end": datasets.Value("int64"), "text": datasets.Value("string")}
    target = {k: datasets.Value("int64" if k in _INTS else "float64" if k in _FLOATS else "string")
              for k in TARGET_ROW_FIELDS}
    out = base.copy()
    out.update({"entities": [entity], "targets": [target], "govie_error": datasets.Value("string")})
    return datasets.Features(out)


def extract_dataset(ds, text_column: str = "text", model: Optional[str] = None, batch_size: int = 16,
                    num_proc: Optional[int] = None, region_column: Optional[str] = None,
                    year_column: Optional[int] = None):
    """``ds`` with three new columns: ``entities`` (label, start, end, text), ``targets`` (the
    columns of ``govie.to_dataframe``) and ``govie_error`` (None, or why the row failed; a
    failing row keeps empty lists and the others go on)."""
    if text_column not in ds.column_names:
        raise KeyError(f"no column {text_column!r} in the dataset; its columns are {ds.column_names}")
    model_name = model

    def run(batch):
        from .pipeline import load, one_ner_thread

        if num_proc and num_proc > 1:
            one_ner_thread()  # in one of num_proc worker processes
        extractor = load(model_name)
        out = {"entities": [], "targets": [], "govie_error": []}
        n = len(batch[text_column])
        for i in range(n):
            kwargs = {}
            if region_column:
                kwargs["region"] = batch[region_column][i]
            if year_column:
                kwargs["year"] = batch[year_column][i]
            try:
                res = extractor.extract(batch[text_column][i], **kwargs)
            except Exception as exc:  # recorded per row, never dropped
                out["entities"].append([])
                out["targets"].append([])
                out["govie_error"].append(f"{type(exc).__name__}: {exc}")
                continue
            out["entities"].append([{"label": e.label, "start": e.start, "end": e.end, "text": e.text}
                                    for e in res.entities])
            out["targets"].append([t.to_row() for t in res.targets])
            out["govie_error"].append(None)
        return out

    return ds.map(run, batched=True, batch_size=batch_size, num_proc=num_proc,
                  features=features(ds.features), desc="govie")
