"""The corpus table: its schema, its validation, and ingestion that loses nothing.

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
url                  str                       article URL as given
published            datetime64[us, UTC]       publication time (missing when unknown)
published_raw        str                       the date text as the source wrote it
published_source     str                       the source column the date came from, or
                                               ``url`` when taken from the URL
published_precision  str                       ``second``, ``minute``, ``day`` or ``month``
language             str                       ISO 639-1 code chosen for the row
language_input       str                       the source's own language tag (normalised)
language_detected    str                       what the offline detector found
title                str                       cleaned headline
lead                 str                       cleaned lead / summary / description
text                 str                       cleaned body (may be empty for headline data)
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

Dates: see :mod:`analysis.dates` for the rules (time zones, day/month order,
URL dates). Values with a time but no zone are read in the outlet's time zone
from the registry, else in ``timezone``; values with only a date keep their
calendar date (00:00 UTC, precision ``day``).

Accounting: :func:`ingest` returns an :class:`IngestReport` in which
``rows_read == rows_accepted + rows_rejected`` always holds; each reject names
file, row, field and reason.

Examples
--------
>>> from analysis.config import SAMPLE_DIR
>>> corpus, report = ingest([SAMPLE_DIR / "wire_rewrites_id.csv"])
>>> report.rows_read == report.rows_accepted + report.rows_rejected
True
>>> str(corpus["published"].dtype)
'datetime64[us, UTC]'
"""
from __future__ import annotations

import hashlib
import json
import re
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

import numpy as np
import pandas as pd

from . import config
from .dates import DateOrderError, date_from_url, infer_dayfirst, parse_datetime_series
from .readers import ROW, IngestError, RawChunk, ReadOptions, Reject, detect_format, read_chunks
from .readers.folder import read_documents, split_folder
from .registry import OutletRegistry
from .text import clean_text, detect_language, normalise_language_tag, resolve_language

STR = "str"
#: Column name -> dtype of the corpus table, in order.
SCHEMA: dict[str, str] = {
    "doc_id": STR, "outlet": STR, "outlet_domain": STR, "outlet_raw": STR, "url": STR,
    "published": "datetime64[us, UTC]", "published_raw": STR, "published_source": STR,
    "published_precision": STR, "language": STR, "language_input": STR,
    "language_detected": STR, "title": STR, "lead": STR, "text": STR,
    "boilerplate_lines": "int32", "content_hash": STR, "is_exact_duplicate": "bool",
    "duplicate_of": STR, "source_id": STR, "source_file": STR, "source_row": "int64",
    "source_format": STR,
}
EXTRA_PREFIX = "src_"
#: Prefix of the planted-truth columns of the simulated demo corpus.
TRUTH_PREFIX = "truth_"
#: Source column names tried for each standard field, in order (case-insensitive).
FIELD_CANDIDATES: dict[str, list[str]] = {
    "id": ["doc_id", "id", "article_id", "story_id", "stories_id", "guid", "uuid", "record_id"],
    "title": ["title", "headline", "judul", "заголовок", "제목", "page_title"],
    "lead": ["lead", "summary", "description", "snippet", "abstract", "subtitle", "excerpt",
             "standfirst", "ringkasan"],
    "text": ["text", "body", "content", "story_text", "full_text", "fulltext", "article_text",
             "maintext", "isi", "текст", "본문"],
    "url": ["url", "link", "article_url", "canonical_url", "permalink", "href", "uri", "tautan", "ссылка"],
    "published": ["published", "publish_date", "published_at", "date_published", "pubdate",
                  "pub_date", "publication_date", "datetime", "timestamp", "gkg_datetime",
                  "seendate", "date", "date_raw", "time", "created_at", "tanggal", "waktu",
                  "дата", "날짜", "일자"],
    "outlet": ["outlet", "media_name", "source_name", "publisher", "source", "sitename", "site",
               "media", "newspaper", "feed_title"],
    "outlet_domain": ["outlet_domain", "domain", "media_url", "source_domain", "hostname"],
    "language": ["language", "lang", "language_code", "lang_code"],
}
STANDARD_FIELDS = tuple(FIELD_CANDIDATES)
DATE_POLICIES = ("keep", "reject")


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


# --------------------------------------------------------------------------
# mapping source columns to standard fields
def _column_key(name: str) -> str:
    return name.strip().lower().replace(" ", "_").replace("-", "_")


def resolve_field_map(columns: Iterable[str], *, family_map: dict | None = None,
                      column_map: dict | None = None, path="<input>") -> dict[str, str]:
    """Which source column feeds each standard field.

    ``column_map`` (the user's, standard field -> source column) wins, then
    the reader family's map, then :data:`FIELD_CANDIDATES`.

    Raises
    ------
    IngestError
        When the user maps a field to a column the file lacks, names an
        unknown field, or when no column can provide a title, text, URL or id.

    Examples
    --------
    >>> resolve_field_map(["Judul", "Isi", "Tanggal"])
    {'title': 'Judul', 'text': 'Isi', 'published': 'Tanggal'}
    """
    columns = [c for c in columns if not c.startswith("__")]
    by_key = {_column_key(c): c for c in reversed(columns)}
    result: dict[str, str] = {}
    for std, source in (column_map or {}).items():
        if std not in STANDARD_FIELDS:
            raise IngestError(path, f"unknown corpus field {std!r} in the column map; "
                                    f"fields are {', '.join(STANDARD_FIELDS)}")
        if source not in columns and _column_key(source) not in by_key:
            raise IngestError(path, f"column {source!r} (mapped to {std}) is not in the file; "
                                    f"its columns are {columns}", field=source)
        result[std] = source if source in columns else by_key[_column_key(source)]
    for std, source in (family_map or {}).items():
        if std not in result and source in columns:
            result[std] = source
    used = set(result.values())
    for std, candidates in FIELD_CANDIDATES.items():
        if std in result:
            continue
        for candidate in candidates:
            original = by_key.get(candidate)
            if original is not None and original not in used:
                result[std] = original
                used.add(original)
                break
    if columns and not ({"title", "text", "lead", "url", "id"} & set(result)):
        raise IngestError(path, f"cannot map the columns {columns} to the corpus schema: no title, "
                                "text, URL or id column; name them with --map title=COLUMN text=COLUMN")
    return result


def _secondary_date_columns(columns: Iterable[str], primary: str | None) -> list[str]:
    keys = {_column_key(c): c for c in columns}
    return [keys[c] for c in FIELD_CANDIDATES["published"] if c in keys and keys[c] != primary]


# --------------------------------------------------------------------------
# standardising one chunk
def _hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


_WS_RE = re.compile(r"\s+")


def content_hash(title, lead, text) -> str:
    """SHA-1 of casefolded, whitespace-collapsed title + lead + text."""
    parts = [p if isinstance(p, str) else "" for p in (title, lead, text)]
    return _hash(_WS_RE.sub(" ", "\n".join(parts)).strip().casefold())


@dataclass
class IngestOptions:
    """Everything that changes how rows are read, mapped and judged."""

    format: str | None = None
    column_map: dict | None = None
    encoding: str | None = None
    delimiter: str | None = None
    dayfirst: bool | None = None
    timezone: str = "UTC"
    on_bad_date: str = "keep"
    remove_boilerplate: bool = True
    detect_language: bool = True
    chunk_rows: int = config.DEFAULT_CHUNK_ROWS
    outlets: str | None = None

    def as_dict(self) -> dict:
        return asdict(self)


class _IngestState:
    """State that spans chunks and files of one ingest: ids, hashes, date order."""

    def __init__(self, options: IngestOptions, report: IngestReport):
        self.options = options
        self.report = report
        self.registry = OutletRegistry.from_csv(options.outlets) if options.outlets else OutletRegistry.default()
        self.doc_ids: dict[str, int] = {}
        self.hashes: dict[str, str] = {}
        self.dayfirst: dict[tuple[str, str], bool | None] = {}


def _col(frame: pd.DataFrame, name: str | None) -> pd.Series:
    """A source column as text; empty and blank values count as missing."""
    if name is None or name not in frame:
        return pd.Series([None] * len(frame), index=frame.index, dtype=STR)
    values = frame[name].astype(STR)
    return values.where(values.str.strip().fillna("") != "")


def _extra_name(column: str) -> str:
    name = re.sub(r"[^0-9a-zA-Z]+", "_", column.strip()).strip("_").lower() or "column"
    return EXTRA_PREFIX + name


def standardise_chunk(chunk: RawChunk, source_file: str, state: _IngestState) -> tuple[pd.DataFrame, list[Reject]]:
    """Map, clean, date and judge one chunk of source rows."""
    frame = chunk.frame.reset_index(drop=True)
    options, report = state.options, state.report
    rejects: list[Reject] = []
    if not len(frame):  # every row of the chunk was already refused by the reader
        return empty_corpus(), rejects
    fmap = resolve_field_map(frame.columns, family_map=chunk.field_map,
                             column_map=options.column_map, path=source_file)
    files_col = frame["__file"] if "__file" in frame else None  # folder reader: one file per row
    n = len(frame)
    out = pd.DataFrame(index=frame.index)
    # outlets
    urls = _col(frame, fmap.get("url"))
    names = _col(frame, fmap.get("outlet"))
    domains = _col(frame, fmap.get("outlet_domain"))
    matches = [state.registry.resolve(url=u if isinstance(u, str) else None,
                                      domain=d if isinstance(d, str) else None,
                                      name=o if isinstance(o, str) else None)
               for u, d, o in zip(urls.tolist(), domains.tolist(), names.tolist())]
    out["outlet"] = pd.array([m.outlet for m in matches], dtype=STR)
    out["outlet_domain"] = pd.array([m.outlet_domain for m in matches], dtype=STR)
    out["outlet_raw"] = names
    out["url"] = urls
    relative = urls.str.startswith("/").fillna(False)
    report.add_warning("relative_url", int(relative.sum()),
                       urls[relative].iloc[0] if relative.any() else None)
    # dates
    primary = fmap.get("published")
    raw_dates = _col(frame, primary)
    zones = pd.Series([m.timezone or options.timezone for m in matches], index=frame.index, dtype=STR)
    parsed = _parse_dates(raw_dates, zones, (source_file, primary or ""), state)
    published = parsed["published"].copy()
    source = pd.Series(np.where(published.notna(), primary or "", None), index=frame.index, dtype=STR)
    precision = parsed["precision"].where(published.notna())
    for column in _secondary_date_columns(frame.columns, primary):
        todo = published.isna() & frame[column].notna()
        if not todo.any():
            continue
        extra = _parse_dates(frame.loc[todo, column].astype(STR), zones[todo], (source_file, column), state)
        ok = extra["published"].notna()
        idx = extra.index[ok]
        published.loc[idx] = extra.loc[idx, "published"]
        source.loc[idx] = column
        precision.loc[idx] = extra.loc[idx, "precision"]
        raw_dates.loc[idx] = frame.loc[idx, column].astype(STR)
    todo = np.flatnonzero(published.isna().to_numpy())
    if len(todo):
        url_list = urls.tolist()
        stamps, sources, precisions = published.tolist(), source.tolist(), precision.tolist()
        zone_list = zones.tolist()
        for i in todo:
            found = date_from_url(url_list[i], timezone_name=zone_list[i])
            if found.value is not None:
                stamps[i], sources[i], precisions[i] = found.value, "url", found.precision
        published = pd.Series(pd.to_datetime(stamps, utc=True), index=frame.index)
        source = pd.Series(sources, index=frame.index, dtype=STR)
        precision = pd.Series(precisions, index=frame.index, dtype=STR)
    url_dates = int((source == "url").sum())
    report.add_warning("date_from_url", url_dates)
    out["published"] = published.astype("datetime64[us, UTC]")
    out["published_raw"] = raw_dates
    out["published_source"] = source
    out["published_precision"] = precision.astype(STR)
    ambiguous = parsed["ambiguous"] & (source == (primary or "")).fillna(False)
    report.add_warning("ambiguous_day_month", int(ambiguous.sum()),
                       raw_dates[ambiguous].iloc[0] if ambiguous.any() else None)
    # text
    cleaned = {}
    boiler = np.zeros(n, dtype="int32")
    mojibake = np.zeros(n, dtype=bool)
    for std in ("title", "lead", "text"):
        values = _col(frame, fmap.get(std)).tolist()
        texts = []
        for i, value in enumerate(values):
            result = clean_text(value, remove_boilerplate=options.remove_boilerplate and std != "title")
            text = result.text
            if std == "title":
                text = " ".join(text.split())
            texts.append(text or None)
            boiler[i] += result.boilerplate_lines
            mojibake[i] |= result.mojibake
        cleaned[std] = pd.array(texts, dtype=STR)
        out[std] = cleaned[std]
    out["boilerplate_lines"] = boiler
    report.add_warning("possible_mojibake", int(mojibake.sum()),
                       (out["title"].where(pd.Series(mojibake, index=frame.index)).dropna().head(1).tolist() or [None])[0])
    # language
    tags = [normalise_language_tag(t) for t in _col(frame, fmap.get("language")).tolist()]
    chosen, detected = [], []
    fields = zip(out["title"].tolist(), out["lead"].tolist(), out["text"].tolist())
    for i, parts in enumerate(fields):
        sample = " ".join(x for x in parts if isinstance(x, str))[:300]
        lang, prob = detect_language(sample) if options.detect_language else (None, 0.0)
        language, warning = resolve_language(tags[i], lang, prob, len(sample))
        if warning and sample:
            report.add_warning(warning, 1, sample[:80])
        chosen.append(language)
        detected.append(lang)
    out["language"] = pd.array(chosen, dtype=STR)
    out["language_input"] = pd.array(tags, dtype=STR)
    out["language_detected"] = pd.array(detected, dtype=STR)
    # identity
    ids = _col(frame, fmap.get("id"))
    out["source_id"] = ids
    out["source_file"] = frame["__file"].astype(STR) if files_col is not None else source_file
    out["source_row"] = frame[ROW].astype("int64")
    out["source_format"] = chunk.family
    # extra columns, namespaced
    used = set(fmap.values()) | {ROW, "__file"}
    for column in frame.columns:
        if column in used:
            continue
        name = _extra_name(column)
        while name in out:
            name += "_"
        out[name] = frame[column].astype(STR)
    # reject rows with nothing to identify a document
    keep = np.ones(n, dtype=bool)
    empty = (out["title"].isna() & out["lead"].isna() & out["text"].isna() & out["url"].isna()
             & out["source_id"].isna()).to_numpy()
    for i in np.flatnonzero(empty):
        keep[i] = False
        rejects.append(Reject(str(out["source_file"].iloc[i]), int(out["source_row"].iloc[i]), None,
                              "empty_row", "no title, lead, text, URL or id"))
    no_date = (out["published"].isna().to_numpy()) & keep
    unparsed = no_date & out["published_raw"].notna().to_numpy()
    if options.on_bad_date == "reject":
        for i in np.flatnonzero(no_date):
            keep[i] = False
            raw = out["published_raw"].iloc[i]
            rejects.append(Reject(str(out["source_file"].iloc[i]), int(out["source_row"].iloc[i]),
                                  primary, "unparseable_date" if isinstance(raw, str) else "missing_date",
                                  f"{raw!r} is not a date the parser knows" if isinstance(raw, str)
                                  else "no date in any date column or the URL"))
    else:
        report.add_warning("date_unparsed", int(unparsed.sum()),
                           out["published_raw"][unparsed].iloc[0] if unparsed.any() else None)
        report.add_warning("date_missing", int((no_date & ~unparsed).sum()))
    out = out[keep].reset_index(drop=True)
    # ids and exact duplicates (state spans chunks and files)
    doc_ids, hashes, dup_of = [], [], []
    for row in out[["outlet_domain", "outlet", "source_id", "url", "title", "lead", "text", "published_raw"]].itertuples(index=False):
        digest = content_hash(row.title, row.lead, row.text)
        if isinstance(row.source_id, str) and row.source_id.strip():
            key = f"id|{row.outlet_domain or row.outlet or ''}|{row.source_id.strip()}"
        elif isinstance(row.url, str) and row.url.strip():
            key = f"url|{row.url.strip()}"
        else:
            key = f"content|{row.outlet or ''}|{row.published_raw or ''}|{digest}"
        doc_id = "d" + _hash(key)[:16]
        seen = state.doc_ids.get(doc_id, 0)
        state.doc_ids[doc_id] = seen + 1
        if seen:
            report.add_warning("repeated_source_key", 1, key[:120])
            doc_id = f"{doc_id}-{seen + 1}"
        first = state.hashes.setdefault(digest, doc_id)
        doc_ids.append(doc_id)
        hashes.append(digest)
        dup_of.append(first if first != doc_id else None)
    out["doc_id"] = pd.array(doc_ids, dtype=STR)
    out["content_hash"] = pd.array(hashes, dtype=STR)
    out["duplicate_of"] = pd.array(dup_of, dtype=STR)
    out["is_exact_duplicate"] = out["duplicate_of"].notna().to_numpy()
    return coerce_schema(out), rejects


def _parse_dates(values: pd.Series, zones: pd.Series, key: tuple[str, str], state: _IngestState) -> pd.DataFrame:
    """Parse one date column with the day/month rule fixed per (file, column)."""
    options = state.options
    dayfirst = options.dayfirst
    if dayfirst is None:
        known = state.dayfirst.get(key)
        try:
            found = infer_dayfirst(values.dropna().unique().tolist())
        except DateOrderError as exc:
            raise IngestError(key[0], str(exc), field=key[1]) from None
        if known is not None and found is not None and known != found:
            raise IngestError(key[0], "later rows prove the other day/month order than earlier rows; "
                                      "pass --dayfirst or --monthfirst", field=key[1])
        dayfirst = known if known is not None else found
        if found is not None:
            state.dayfirst[key] = found
    return parse_datetime_series(values, dayfirst=dayfirst, timezones=zones)


# --------------------------------------------------------------------------
# ingest
def file_sha256(path: Path) -> str:
    """SHA-256 of a file, or of a folder's files (paths and contents) in sorted order."""
    digest = hashlib.sha256()
    files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
    for file in files:
        if path.is_dir():
            digest.update(str(file.relative_to(path)).encode())
        with open(file, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


def _sources(paths, options: IngestOptions, read_options: ReadOptions, report: IngestReport):
    """Yield (path, format, chunk iterator) for each input, expanding folders.

    A folder's data files (CSV, JSON, Parquet, feeds) each get their own
    reader; its documents (.txt, .md, .html) are read together as one source.
    """
    if isinstance(paths, (str, Path)):
        paths = [paths]
    for path in map(Path, paths):
        if not path.exists():
            raise IngestError(path, "no such file or folder")
        if path.is_dir() and options.format in (None, "folder"):
            documents, data_files, hidden = split_folder(path)
            if not documents and not data_files:
                raise IngestError(path, "the folder holds no files")
            for file in data_files:
                yield file, detect_format(file), None
            if documents:
                yield path, "folder", read_documents(path, documents, hidden, read_options)
            elif hidden:
                report.add_warning("hidden_file_skipped", hidden)
            continue
        if path.is_dir():  # an explicit format applies to every file in the folder
            documents, data_files, hidden = split_folder(path)
            report.add_warning("hidden_file_skipped", hidden)
            for file in sorted(documents + data_files):
                yield file, options.format, None
            continue
        yield path, options.format or detect_format(path), None


def iter_ingest(paths, options: IngestOptions | None = None, report: IngestReport | None = None,
                progress=None) -> Iterator[pd.DataFrame]:
    """Stream standardised corpus chunks from ``paths``, filling ``report``.

    Rejected rows go to ``report.rejects``. ``progress`` is an optional
    callable taking the number of rows just read.
    """
    options = options or IngestOptions()
    if options.on_bad_date not in DATE_POLICIES:
        raise ValueError(f"on_bad_date must be one of {DATE_POLICIES}, not {options.on_bad_date!r}")
    report = report if report is not None else IngestReport()
    report.parameters = options.as_dict()
    state = _IngestState(options, report)
    read_options = ReadOptions(encoding=options.encoding, delimiter=options.delimiter,
                               chunk_rows=options.chunk_rows)
    for path, fmt, chunks in _sources(paths, options, read_options, report):
        entry = {"path": str(path), "format": fmt, "family": fmt, "encoding": options.encoding,
                 "sha256": file_sha256(path), "rows_read": 0, "rows_accepted": 0, "rows_rejected": 0}
        report.files.append(entry)
        if chunks is None:
            chunks = read_chunks(path, fmt, read_options)
        for chunk in chunks:
            entry["family"] = chunk.family
            entry["encoding"] = chunk.encoding or entry["encoding"]
            for kind, count in chunk.warnings.items():
                report.add_warning(kind, count)
            frame, rejects = standardise_chunk(chunk, str(path), state)
            rejects = chunk.rejects + rejects
            entry["rows_read"] += chunk.rows_read
            entry["rows_accepted"] += len(frame)
            entry["rows_rejected"] += len(rejects)
            report.rows_read += chunk.rows_read
            report.rows_accepted += len(frame)
            report.rows_rejected += len(rejects)
            report.exact_duplicates += int(frame["is_exact_duplicate"].sum())
            report.boilerplate_lines += int(frame["boilerplate_lines"].sum())
            for reject in rejects:
                report.rejects.append(reject.as_dict())
                report.rejects_by_reason[reject.reason] = report.rejects_by_reason.get(reject.reason, 0) + 1
            if progress is not None:
                progress(chunk.rows_read)
            yield frame
    report.check()


def ingest(paths, options: IngestOptions | None = None, *, progress=None, **kwargs) -> tuple[pd.DataFrame, IngestReport]:
    """Read files into one validated corpus table.

    Parameters
    ----------
    paths : path-like or list of path-like
        Files or folders; the format of each is detected from its content.
    options : IngestOptions, optional
        Or pass its fields as keyword arguments (``format="csv"``,
        ``column_map={"title": "Judul"}``, ``dayfirst=True``,
        ``timezone="Asia/Jakarta"``, ``on_bad_date="reject"``...).

    Returns
    -------
    corpus : pandas.DataFrame
        Validated against :data:`SCHEMA`.
    report : IngestReport

    Examples
    --------
    >>> from analysis.config import SAMPLE_DIR
    >>> corpus, report = ingest(SAMPLE_DIR / "wire_rewrites_id.csv", dayfirst=True)
    >>> report.rows_rejected >= 0
    True
    """
    options = options or IngestOptions(**kwargs)
    report = IngestReport()
    start = time.perf_counter()
    frames = list(iter_ingest(paths, options, report, progress))
    corpus = concat_chunks(frames)
    report.seconds = round(time.perf_counter() - start, 3)
    return validate_corpus(corpus), report


def concat_chunks(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Concatenate standardised chunks, aligning their extra columns."""
    frames = [f for f in frames if len(f)]
    if not frames:
        return empty_corpus()
    return coerce_schema(pd.concat(frames, ignore_index=True))


def write_rejects(report: IngestReport, path: str | Path) -> Path:
    """Write the rejects (file, row, field, reason, detail) as CSV."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    columns = ["source_file", "source_row", "field", "reason", "detail"]
    pd.DataFrame(report.rejects, columns=columns).to_csv(path, index=False)
    report.rejects_path = str(path)
    return path


def write_report(report: IngestReport, path: str | Path) -> Path:
    """Write the ingest report as JSON (without the reject list, which is its own file)."""
    path = Path(path)
    path.write_text(json.dumps(report.to_dict(), indent=2, ensure_ascii=False, default=str) + "\n",
                    encoding="utf-8")
    return path
