"""The corpus table: its schema, its validation, and the report of an ingest.

Schema
------
One row per document. Dtypes are fixed: text columns use pandas' string
dtype (``str``), never ``object``.

==================== ========================= ===========================================
column               dtype                     meaning
==================== ========================= ===========================================
doc_id               str                       stable id: hash of outlet + source id, else
                                               of the URL, else of the content; never the
                                               row number. Repeats get ``-2``, ``-3``...
outlet               str                       canonical outlet name (outlet registry)
outlet_domain        str                       the outlet's domain (``www.``/mobile stripped)
outlet_raw           str                       the outlet name as the source gave it
outlet_source        str                       what named the outlet: the URL, domain or
                                               name column, or a page's ``og:site_name``,
                                               ``canonical``, ``dateline``...
url                  str                       article URL as given
published            datetime64[us, UTC]       publication time (missing when unknown)
published_raw        str                       the date text as the source wrote it
published_source     str                       the source column the date came from, or
                                               ``url`` when taken from the URL
published_precision  str                       ``second``, ``minute``, ``day`` or ``month``
language             str                       ISO 639-1 code chosen for the row
language_input       str                       the source's own language tag (normalised)
language_detected    str                       what the offline detector found
title                str                       cleaned headline (every row with a lead or
                                               text has one)
title_source         str                       the source column (or page element:
                                               ``og:title``, ``h1``, ``text``) it came from;
                                               ``derived`` when made from the lead or text
lead                 str                       cleaned lead / summary / description
text                 str                       cleaned body (may be empty for headline data)
author               str                       author as the source or page gives it
author_source        str                       the source column or page element it came from
boilerplate_lines    int32                     lines removed from lead + text as boilerplate
content_hash         str                       SHA-1 of normalised title + lead + text
is_exact_duplicate   bool                      an earlier row has the same content_hash
duplicate_of         str                       doc_id of that earlier row
source_id            str                       the source's own id
source_file          str                       file the row came from
source_row           int64                     1-based row (record, line, entry or file)
source_format        str                       reader family (csv, mediacloud, jsonl, rss...)
src_*                str                       every other input column, kept, namespaced
==================== ========================= ===========================================

Dates follow the rules of :mod:`analysis.dates`; how each column is filled
from the source rows is :mod:`analysis.ingestion`'s business. This module only
says what a corpus table is and checks that a table is one.

Accounting: an ingest fills an :class:`IngestReport`, in which
``rows_read == rows_accepted + rows_rejected`` always holds; each reject
names file, row, field and reason.

Examples
--------
>>> corpus = validate_corpus(empty_corpus())
>>> str(corpus["published"].dtype), str(corpus["boilerplate_lines"].dtype)
('datetime64[us, UTC]', 'int32')
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd

STR = "str"
#: Column name -> dtype of the corpus table, in order.
SCHEMA: dict[str, str] = {
    "doc_id": STR, "outlet": STR, "outlet_domain": STR, "outlet_raw": STR, "outlet_source": STR, "url": STR,
    "published": "datetime64[us, UTC]", "published_raw": STR, "published_source": STR,
    "published_precision": STR, "language": STR, "language_input": STR,
    "language_detected": STR, "title": STR, "title_source": STR, "lead": STR, "text": STR,
    "author": STR, "author_source": STR,
    "boilerplate_lines": "int32", "content_hash": STR, "is_exact_duplicate": "bool",
    "duplicate_of": STR, "source_id": STR, "source_file": STR, "source_row": "int64",
    "source_format": STR,
}
EXTRA_PREFIX = "src_"
#: Prefix of the planted-truth columns of the simulated demo corpus.
TRUTH_PREFIX = "truth_"


class SchemaError(ValueError):
    """A table does not follow the corpus schema."""


# --------------------------------------------------------------------------
# schema and validation
def empty_corpus() -> pd.DataFrame:
    """A corpus table with no rows and the right dtypes."""
    return pd.DataFrame({name: pd.Series(dtype=dtype) for name, dtype in SCHEMA.items()})


def coerce_schema(frame: pd.DataFrame) -> pd.DataFrame:
    """Cast the schema columns to their dtypes and extra columns to ``str``."""
    frame = frame.copy()
    for name, dtype in SCHEMA.items():
        if name not in frame:
            frame[name] = pd.Series(index=frame.index, dtype=dtype) if dtype != "bool" else False
        if dtype == "datetime64[us, UTC]":
            frame[name] = pd.to_datetime(frame[name], utc=True).astype(dtype)
        elif dtype in {"int32", "int64"}:
            frame[name] = frame[name].fillna(0).astype(dtype)
        elif dtype == "bool":
            frame[name] = frame[name].fillna(False).astype(bool)
        else:
            frame[name] = frame[name].astype(STR)
    extras = sorted(c for c in frame.columns if c not in SCHEMA)
    for name in extras:
        frame[name] = frame[name].astype(STR)
    return frame[list(SCHEMA) + extras]


def concat_chunks(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Concatenate standardised chunks, aligning their extra columns."""
    frames = [f for f in frames if len(f)]
    if not frames:
        return empty_corpus()
    return coerce_schema(pd.concat(frames, ignore_index=True))


def validate_corpus(frame: pd.DataFrame) -> pd.DataFrame:
    """Check a corpus table against the schema; return it unchanged.

    Raises
    ------
    SchemaError
        Naming the first column (and row) that breaks the schema.

    Examples
    --------
    >>> validate_corpus(empty_corpus()).shape[0]
    0
    """
    missing = [c for c in SCHEMA if c not in frame.columns]
    if missing:
        raise SchemaError(f"corpus lacks columns {missing}")
    for name, dtype in SCHEMA.items():
        actual = str(frame[name].dtype)
        if actual != dtype:
            raise SchemaError(f"column {name!r} has dtype {actual}, expected {dtype}")
    for name in frame.columns:
        if name not in SCHEMA and not name.startswith((EXTRA_PREFIX, TRUTH_PREFIX)):
            raise SchemaError(f"column {name!r} is neither in the schema nor namespaced "
                              f"{EXTRA_PREFIX}* (or {TRUTH_PREFIX}* for the demo's planted truth)")
        if name not in SCHEMA and str(frame[name].dtype) != STR:
            raise SchemaError(f"extra column {name!r} has dtype {frame[name].dtype}, expected str")
    if frame["doc_id"].isna().any():
        raise SchemaError(f"doc_id missing in row {int(np.flatnonzero(frame['doc_id'].isna())[0])}")
    dup = frame["doc_id"].duplicated()
    if dup.any():
        raise SchemaError(f"doc_id {frame['doc_id'][dup].iloc[0]!r} is not unique")
    empty = frame["title"].isna() & frame["lead"].isna() & frame["text"].isna() & frame["url"].isna() \
        & frame["source_id"].isna()
    if empty.any():
        raise SchemaError(f"row {int(np.flatnonzero(empty)[0])} has no title, lead, text, url or id")
    bad_lang = frame["language"].dropna()
    bad_lang = bad_lang[~bad_lang.str.fullmatch(r"[a-z]{2}")]
    if len(bad_lang):
        raise SchemaError(f"language {bad_lang.iloc[0]!r} is not an ISO 639-1 code")
    return frame


# --------------------------------------------------------------------------
# the ingest report
@dataclass
class IngestReport:
    """What an ingest kept, refused and noticed.

    ``rows_read == rows_accepted + rows_rejected`` always holds (it is
    checked when the report is finished).
    """

    files: list[dict] = field(default_factory=list)
    rows_read: int = 0
    rows_accepted: int = 0
    rows_rejected: int = 0
    exact_duplicates: int = 0
    boilerplate_lines: int = 0
    warnings: dict[str, int] = field(default_factory=dict)
    warning_examples: dict[str, list[str]] = field(default_factory=dict)
    rejects_by_reason: dict[str, int] = field(default_factory=dict)
    rejects: list[dict] = field(default_factory=list)
    rejects_path: str | None = None
    store: str | None = None
    parameters: dict = field(default_factory=dict)
    seconds: float = 0.0

    def add_warning(self, kind: str, count: int = 1, example: str | None = None) -> None:
        if count <= 0:
            return
        self.warnings[kind] = self.warnings.get(kind, 0) + int(count)
        if example is not None:
            examples = self.warning_examples.setdefault(kind, [])
            if len(examples) < 5:
                examples.append(example)

    def check(self) -> "IngestReport":
        if self.rows_read != self.rows_accepted + self.rows_rejected:
            raise AssertionError(
                f"accounting broken: read {self.rows_read} != accepted {self.rows_accepted} "
                f"+ rejected {self.rows_rejected}"
            )
        return self

    def to_dict(self, *, with_rejects: bool = False) -> dict:
        data = asdict(self)
        if not with_rejects:
            data.pop("rejects")
        return data

    def summary(self) -> str:
        """A readable multi-line summary."""
        lines = [
            f"rows read      {self.rows_read:>10,}",
            f"accepted       {self.rows_accepted:>10,}",
            f"rejected       {self.rows_rejected:>10,}",
            f"exact dups     {self.exact_duplicates:>10,}  (flagged, kept)",
            f"boilerplate    {self.boilerplate_lines:>10,}  lines removed",
        ]
        for f in self.files:
            lines.append(f"  {f['path']}  [{f['family']}, {f.get('encoding') or '-'}]  "
                         f"read {f['rows_read']:,}  accepted {f['rows_accepted']:,}  rejected {f['rows_rejected']:,}")
        if self.rejects_by_reason:
            lines.append("rejects by reason: " + ", ".join(f"{k} {v:,}" for k, v in sorted(self.rejects_by_reason.items())))
        if self.warnings:
            lines.append("warnings: " + ", ".join(f"{k} {v:,}" for k, v in sorted(self.warnings.items())))
        if self.rejects_path:
            lines.append(f"rejects file   {self.rejects_path}")
        if self.store:
            lines.append(f"store          {self.store}")
        return "\n".join(lines)
