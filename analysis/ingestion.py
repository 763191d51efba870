"""Ingestion that loses nothing: files of any supported format into the corpus table.

:func:`ingest` (or :func:`iter_ingest`, chunk by chunk) reads files and
folders with :mod:`analysis.readers`, then :func:`standardise_chunk` turns each
chunk of source rows into rows of the corpus table (:mod:`analysis.corpus`),
one step after another:

1. :func:`resolve_field_map`: which source column feeds each standard field;
2. :func:`outlet_columns`: canonical outlet and domain from the outlet registry;
3. :func:`date_columns`: publication time from the date column, another date
   column, or the URL;
4. :func:`text_columns`: cleaned title, lead and text, boilerplate lines removed;
5. :func:`language_columns`: the source's language tag weighed against detection;
6. :func:`derive_titles`: rows without a title get their first sentence,
   flagged ``title_source="derived"``;
7. :func:`author_columns`, :func:`identity_columns` and :func:`extra_columns`:
   the author, where each row came from, and every other source column kept
   as ``src_*``;
8. :func:`reject_rows`: rows with nothing to identify them (and, with
   ``on_bad_date="reject"``, rows without a date) leave with a reason;
9. :func:`id_columns`: stable document ids and exact duplicates.

Each standard field's ``*_source`` column names the source column it came
from, or what a reader noted (``__title_source`` and the like: a page's
``og:title``, ``date line``, ``dateline``...).

What spans chunks and files of one ingest (ids already given, content hashes
seen, the day/month order found per file and column) lives in an
:class:`IngestSession`.

Dates: see :mod:`analysis.dates` for the rules (time zones, day/month order,
URL dates). Values with a time but no zone are read in the outlet's time zone
from the registry, else in ``timezone``; values with only a date keep their
calendar date (00:00 UTC, precision ``day``).

Accounting: :func:`ingest` returns an :class:`~analysis.corpus.IngestReport`
in which ``rows_read == rows_accepted + rows_rejected`` always holds; each
reject names file, row, field and reason.

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
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Iterable, Iterator

import numpy as np
import pandas as pd

from . import config
from .corpus import EXTRA_PREFIX, STR, IngestReport, coerce_schema, concat_chunks, empty_corpus, validate_corpus
from .dates import DateOrderError, date_from_url, infer_dayfirst, parse_datetime_series
from .readers import ROW, IngestError, RawChunk, ReadOptions, Reject, detect_format, read_chunks
from .readers.folder import read_documents, split_folder
from .readers.pages import derive_title
from .registry import OutletRegistry
from .text import clean_text, detect_language, normalise_language_tag, resolve_language

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
    "author": ["author", "authors", "byline", "creator", "writer", "reporter", "penulis", "автор", "기자"],
}
STANDARD_FIELDS = tuple(FIELD_CANDIDATES)
#: What ``IngestOptions.on_bad_date`` may say about a row without a usable date.
DATE_POLICIES = ("keep", "reject")


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


class IngestSession:
    """What one ingest carries from chunk to chunk and file to file.

    Document ids must be unique across the whole ingest, an exact duplicate
    points at the first copy even when that was in an earlier file, and a date
    column's day/month order, once proven, holds for the rest of its file.
    One session holds all of that; pass the same session to
    :func:`standardise_chunk` for every chunk of one corpus.

    Parameters
    ----------
    options : IngestOptions, optional
    report : IngestReport, optional
        Receives the warnings the steps raise; a new one when not given.

    Attributes
    ----------
    registry : OutletRegistry
        ``options.outlets`` read as a registry, else the default one.
    doc_ids : dict of str to int
        How many rows each document id was claimed by (repeats get ``-2``, ``-3``...).
    hashes : dict of str to str
        Content hash -> doc_id of the first row with that content.
    dayfirst : dict of (file, column) to bool or None
        Day/month order found for each date column of each file.

    Examples
    --------
    >>> session = IngestSession()
    >>> rows = pd.DataFrame({"title": ["Treaty signed"], ROW: [1]})
    >>> first, _ = standardise_chunk(RawChunk(rows, "csv"), "a.csv", session)
    >>> again, _ = standardise_chunk(RawChunk(rows, "csv"), "b.csv", session)
    >>> again["doc_id"].item() == first["doc_id"].item() + "-2"
    True
    >>> again["duplicate_of"].item() == first["doc_id"].item()
    True
    """

    def __init__(self, options: IngestOptions | None = None, report: IngestReport | None = None):
        self.options = options if options is not None else IngestOptions()
        if self.options.on_bad_date not in DATE_POLICIES:
            raise ValueError(f"on_bad_date must be one of {DATE_POLICIES}, not {self.options.on_bad_date!r}")
        self.report = report if report is not None else IngestReport()
        outlets = self.options.outlets
        self.registry = OutletRegistry.from_csv(outlets) if outlets else OutletRegistry.default()
        self.doc_ids: dict[str, int] = {}
        self.hashes: dict[str, str] = {}
        self.dayfirst: dict[tuple[str, str], bool | None] = {}


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
    """Other columns that may hold the date, tried in :data:`FIELD_CANDIDATES` order."""
    keys = {_column_key(c): c for c in columns}
    return [keys[c] for c in FIELD_CANDIDATES["published"] if c in keys and keys[c] != primary]


def _col(frame: pd.DataFrame, name: str | None) -> pd.Series:
    """A source column as text; empty and blank values count as missing."""
    if name is None or name not in frame:
        return pd.Series([None] * len(frame), index=frame.index, dtype=STR)
    values = frame[name].astype(STR)
    return values.where(values.str.strip().fillna("") != "")


def _field_source(frame: pd.DataFrame, field: str, column: str | None) -> pd.Series:
    """Where each row's ``field`` came from: the reader's note (``__title_source``: ``og:title``...), else ``column``.

    Examples
    --------
    >>> rows = pd.DataFrame({"title": ["a", "b"], "__title_source": ["og:title", None]})
    >>> _field_source(rows, "title", "title").tolist()
    ['og:title', 'title']
    """
    base = pd.Series([column] * len(frame), index=frame.index, dtype=STR)
    note = f"__{field}_source"
    return frame[note].astype(STR).fillna(base) if note in frame else base


def _hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


_WS_RE = re.compile(r"\s+")


def content_hash(title, lead, text) -> str:
    """SHA-1 of casefolded, whitespace-collapsed title + lead + text.

    Examples
    --------
    >>> content_hash("Treaty  signed", None, "Text.") == content_hash("treaty signed", "", "TEXT.")
    True
    """
    parts = [p if isinstance(p, str) else "" for p in (title, lead, text)]
    return _hash(_WS_RE.sub(" ", "\n".join(parts)).strip().casefold())


# --------------------------------------------------------------------------
# the steps of standardise_chunk, in order
def outlet_columns(frame: pd.DataFrame, fmap: dict, session: IngestSession) -> tuple[pd.DataFrame, pd.Series]:
    """Outlet, its domain, the outlet as the source named it, and the URL, from the registry.

    Returns the columns ``outlet``, ``outlet_domain``, ``outlet_raw``,
    ``outlet_source`` (the URL, domain or name column that decided, or the
    page element a reader noted), ``url``, and each row's time zone (the outlet's, else ``options.timezone``) for
    reading dates. Counts relative URLs as a warning.

    Examples
    --------
    >>> rows = pd.DataFrame({"link": ["https://www.theguardian.com/world/x"]})
    >>> outlets, zones = outlet_columns(rows, {"url": "link"}, IngestSession())
    >>> outlets["outlet"].item(), zones.item()
    ('The Guardian', 'Europe/London')
    """
    urls = _col(frame, fmap.get("url"))
    names = _col(frame, fmap.get("outlet"))
    domains = _col(frame, fmap.get("outlet_domain"))
    matches = [session.registry.resolve(url=u if isinstance(u, str) else None,
                                        domain=d if isinstance(d, str) else None,
                                        name=o if isinstance(o, str) else None)
               for u, d, o in zip(urls.tolist(), domains.tolist(), names.tolist())]
    via = {"url": _field_source(frame, "url", fmap.get("url")).tolist(),
           "domain": _field_source(frame, "outlet_domain", fmap.get("outlet_domain")).tolist(),
           "name": _field_source(frame, "outlet", fmap.get("outlet")).tolist()}
    outlets = pd.DataFrame({"outlet": pd.array([m.outlet for m in matches], dtype=STR),
                            "outlet_domain": pd.array([m.outlet_domain for m in matches], dtype=STR),
                            "outlet_raw": names,
                            "outlet_source": pd.array([via[m.via][i] if m.via else None for i, m in enumerate(matches)],
                                                      dtype=STR),
                            "url": urls}, index=frame.index)
    relative = urls.str.startswith("/").fillna(False)
    session.report.add_warning("relative_url", int(relative.sum()),
                               urls[relative].iloc[0] if relative.any() else None)
    zones = pd.Series([m.timezone or session.options.timezone for m in matches], index=frame.index, dtype=STR)
    return outlets, zones


def date_columns(frame: pd.DataFrame, fmap: dict, zones: pd.Series, urls: pd.Series,
                 session: IngestSession, source_file: str) -> pd.DataFrame:
    """Publication time of each row: the mapped date column, else another date column, else the URL.

    Returns ``published``, ``published_raw`` (the text the date was read
    from), ``published_source`` (its column, or ``url``) and
    ``published_precision``. Counts dates taken from URLs and ambiguous
    day/month values as warnings.

    Examples
    --------
    >>> rows = pd.DataFrame({"tanggal": ["19/06/2024, 13:20 WIB"]})
    >>> zones = pd.Series(["Asia/Jakarta"])
    >>> dates = date_columns(rows, {"published": "tanggal"}, zones, pd.Series([None]), IngestSession(), "x.csv")
    >>> str(dates["published"].item()), dates["published_source"].item()
    ('2024-06-19 06:20:00+00:00', 'tanggal')
    """
    primary = fmap.get("published")
    raw = _col(frame, primary)
    parsed = _parse_dates(raw, zones, (source_file, primary or ""), session)
    published = parsed["published"].copy()
    dates = {"published": published, "published_raw": raw,
             "published_source": pd.Series(np.where(published.notna(), primary or "", None),
                                           index=frame.index, dtype=STR),
             "published_precision": parsed["precision"].where(published.notna())}
    _fill_from_other_date_columns(dates, frame, primary, zones, session, source_file)
    dates = _fill_from_urls(dates, urls, zones)
    source = dates["published_source"]
    from_primary = (source == (primary or "")).fillna(False).astype(bool)
    source = source.mask(from_primary, _field_source(frame, "published", primary)).astype(STR)
    session.report.add_warning("date_from_url", int((source == "url").sum()))
    ambiguous = parsed["ambiguous"] & (dates["published_source"] == (primary or "")).fillna(False)
    session.report.add_warning("ambiguous_day_month", int(ambiguous.sum()),
                               dates["published_raw"][ambiguous].iloc[0] if ambiguous.any() else None)
    return pd.DataFrame({"published": dates["published"].astype("datetime64[us, UTC]"),
                         "published_raw": dates["published_raw"], "published_source": source,
                         "published_precision": dates["published_precision"].astype(STR)}, index=frame.index)


def _fill_from_other_date_columns(dates: dict, frame: pd.DataFrame, primary: str | None, zones: pd.Series,
                                  session: IngestSession, source_file: str) -> None:
    """Date rows the primary column left undated from the other date columns (in place)."""
    published = dates["published"]
    for column in _secondary_date_columns(frame.columns, primary):
        todo = published.isna() & frame[column].notna()
        if not todo.any():
            continue
        extra = _parse_dates(frame.loc[todo, column].astype(STR), zones[todo], (source_file, column), session)
        idx = extra.index[extra["published"].notna()]
        published.loc[idx] = extra.loc[idx, "published"]
        dates["published_source"].loc[idx] = column
        dates["published_precision"].loc[idx] = extra.loc[idx, "precision"]
        dates["published_raw"].loc[idx] = frame.loc[idx, column].astype(STR)


def _fill_from_urls(dates: dict, urls: pd.Series, zones: pd.Series) -> dict:
    """Date rows still undated from a date in their URL (``/2024/06/19/``)."""
    published = dates["published"]
    todo = np.flatnonzero(published.isna().to_numpy())
    if not len(todo):
        return dates
    url_list, zone_list = urls.tolist(), zones.tolist()
    stamps = published.tolist()
    sources, precisions = dates["published_source"].tolist(), dates["published_precision"].tolist()
    for i in todo:
        found = date_from_url(url_list[i], timezone_name=zone_list[i])
        if found.value is not None:
            stamps[i], sources[i], precisions[i] = found.value, "url", found.precision
    index = published.index
    return {**dates, "published": pd.Series(pd.to_datetime(stamps, utc=True), index=index),
            "published_source": pd.Series(sources, index=index, dtype=STR),
            "published_precision": pd.Series(precisions, index=index, dtype=STR)}


def _parse_dates(values: pd.Series, zones: pd.Series, key: tuple[str, str], session: IngestSession) -> pd.DataFrame:
    """Parse one date column with the day/month rule fixed per (file, column)."""
    dayfirst = session.options.dayfirst
    if dayfirst is None:
        known = session.dayfirst.get(key)
        try:
            found = infer_dayfirst(values.dropna().unique().tolist())
        except DateOrderError as exc:
            raise IngestError(key[0], str(exc), field=key[1]) from None
        if known is not None and found is not None and known != found:
            raise IngestError(key[0], "later rows prove the other day/month order than earlier rows; "
                                      "pass --dayfirst or --monthfirst", field=key[1])
        dayfirst = known if known is not None else found
        if found is not None:
            session.dayfirst[key] = found
    return parse_datetime_series(values, dayfirst=dayfirst, timezones=zones)


def text_columns(frame: pd.DataFrame, fmap: dict, session: IngestSession) -> pd.DataFrame:
    """Cleaned ``title`` (and its ``title_source``), ``lead`` and ``text``, and the ``boilerplate_lines`` removed.

    Titles are collapsed to one line; boilerplate is removed from lead and
    text only (when ``options.remove_boilerplate``). Counts rows that look
    like mojibake as a warning.

    Examples
    --------
    >>> rows = pd.DataFrame({"headline": ["  Treaty\\n signed "], "body": ["Text."]})
    >>> text_columns(rows, {"title": "headline", "text": "body"}, IngestSession()).to_dict("records")
    [{'title': 'Treaty signed', 'title_source': 'headline', 'lead': nan, 'text': 'Text.', 'boilerplate_lines': 0}]
    """
    remove = session.options.remove_boilerplate
    boiler = np.zeros(len(frame), dtype="int32")
    mojibake = np.zeros(len(frame), dtype=bool)
    columns = {}
    for std in ("title", "lead", "text"):
        texts = []
        for i, value in enumerate(_col(frame, fmap.get(std)).tolist()):
            result = clean_text(value, remove_boilerplate=remove and std != "title")
            text = " ".join(result.text.split()) if std == "title" else result.text
            texts.append(text or None)
            boiler[i] += result.boilerplate_lines
            mojibake[i] |= result.mojibake
        columns[std] = pd.array(texts, dtype=STR)
    texts = pd.DataFrame(columns, index=frame.index)
    texts.insert(1, "title_source", _field_source(frame, "title", fmap.get("title")).where(texts["title"].notna()))
    texts["boilerplate_lines"] = boiler
    flagged = texts["title"].where(pd.Series(mojibake, index=frame.index)).dropna()
    session.report.add_warning("possible_mojibake", int(mojibake.sum()), (flagged.head(1).tolist() or [None])[0])
    return texts


def derive_titles(texts: pd.DataFrame) -> pd.DataFrame:
    """Give rows without a title one made from their lead (else text), flagged ``title_source="derived"``.

    The title is the first sentence without its dateline, cut at a word near
    100 characters (:func:`analysis.readers.pages.derive_title`): every row
    with words gets a readable title, and the flag says it is not the outlet's.

    Examples
    --------
    >>> texts = pd.DataFrame({"title": [None, "Own title"], "title_source": [None, "headline"], "lead": None,
    ...                       "text": ["Pyongyang, June 19 (KCNA) -- Kim met Putin. They talked.", "Body."]})
    >>> derive_titles(texts)[["title", "title_source"]].values.tolist()
    [['Kim met Putin.', 'derived'], ['Own title', 'headline']]
    """
    missing = texts["title"].isna()
    if not missing.any():
        return texts
    texts = texts.copy()
    derived = [derive_title(lead) or derive_title(text)
               for lead, text in zip(texts.loc[missing, "lead"].tolist(), texts.loc[missing, "text"].tolist())]
    derived = pd.Series(derived, index=texts.index[missing], dtype=STR)
    texts.loc[missing, "title"] = derived
    texts.loc[missing, "title_source"] = derived.where(derived.isna(), "derived")
    return texts


def author_columns(frame: pd.DataFrame, fmap: dict) -> pd.DataFrame:
    """``author`` (whitespace collapsed) and ``author_source``: its column, or the page element a reader noted.

    Examples
    --------
    >>> rows = pd.DataFrame({"penulis": ["  Ahmad  Fauzi "], "__author_source": ["byline"]})
    >>> author_columns(rows, {"author": "penulis"}).to_dict("records")
    [{'author': 'Ahmad Fauzi', 'author_source': 'byline'}]
    """
    authors = pd.Series([" ".join(v.split()) if isinstance(v, str) else None
                         for v in _col(frame, fmap.get("author")).tolist()], index=frame.index, dtype=STR)
    sources = _field_source(frame, "author", fmap.get("author")).where(authors.notna()).astype(STR)
    return pd.DataFrame({"author": authors, "author_source": sources}, index=frame.index)


def language_columns(frame: pd.DataFrame, fmap: dict, texts: pd.DataFrame, session: IngestSession) -> pd.DataFrame:
    """The row's ``language``: the source's tag (``language_input``) weighed against ``language_detected``.

    ``texts`` holds the cleaned title, lead and text (:func:`text_columns`);
    detection reads their first 300 characters. Disagreements and guesses
    are counted as warnings (see :func:`analysis.text.resolve_language`).

    Examples
    --------
    >>> texts = pd.DataFrame({"title": ["Putin dan Kim menandatangani perjanjian kemitraan strategis"],
    ...                       "lead": [None], "text": [None]})
    >>> rows = pd.DataFrame({"lang": ["Indonesian"]})
    >>> language_columns(rows, {"language": "lang"}, texts, IngestSession()).iloc[0].tolist()
    ['id', 'id', 'id']
    """
    tags = [normalise_language_tag(t) for t in _col(frame, fmap.get("language")).tolist()]
    detect = session.options.detect_language
    chosen, detected = [], []
    fields = zip(texts["title"].tolist(), texts["lead"].tolist(), texts["text"].tolist())
    for tag, parts in zip(tags, fields):
        sample = " ".join(x for x in parts if isinstance(x, str))[:300]
        lang, prob = detect_language(sample) if detect else (None, 0.0)
        language, warning = resolve_language(tag, lang, prob, len(sample))
        if warning and sample:
            session.report.add_warning(warning, 1, sample[:80])
        chosen.append(language)
        detected.append(lang)
    return pd.DataFrame({"language": pd.array(chosen, dtype=STR), "language_input": pd.array(tags, dtype=STR),
                         "language_detected": pd.array(detected, dtype=STR)}, index=frame.index)


def identity_columns(frame: pd.DataFrame, fmap: dict, family: str, source_file: str) -> pd.DataFrame:
    """Where each row came from: ``source_id``, ``source_file``, ``source_row``, ``source_format``.

    A folder's rows each name their own file (the reader's ``__file``);
    other rows name ``source_file``.

    Examples
    --------
    >>> rows = pd.DataFrame({"guid": ["a-1"], ROW: [7]})
    >>> identity_columns(rows, {"id": "guid"}, "rss", "feed.xml").to_dict("records")
    [{'source_id': 'a-1', 'source_file': 'feed.xml', 'source_row': 7, 'source_format': 'rss'}]
    """
    files = frame["__file"].astype(STR) if "__file" in frame else source_file
    return pd.DataFrame({"source_id": _col(frame, fmap.get("id")), "source_file": files,
                         "source_row": frame[ROW].astype("int64"), "source_format": family}, index=frame.index)


def _extra_name(column: str) -> str:
    name = re.sub(r"[^0-9a-zA-Z]+", "_", column.strip()).strip("_").lower() or "column"
    return EXTRA_PREFIX + name


def extra_columns(frame: pd.DataFrame, fmap: dict) -> pd.DataFrame:
    """Every source column no standard field took, kept as text under a ``src_*`` name.

    Examples
    --------
    >>> rows = pd.DataFrame({"title": ["a"], "Section Name": ["World"], "section-name": ["x"]})
    >>> extra_columns(rows, {"title": "title"}).columns.tolist()
    ['src_section_name', 'src_section_name_']
    """
    used = set(fmap.values()) | {ROW, "__file"}
    extras = {}
    for column in frame.columns:
        if column in used or column.startswith("__"):  # the reader's own notes (``__title_source``...)
            continue
        name = _extra_name(column)
        while name in extras:
            name += "_"
        extras[name] = frame[column].astype(STR)
    return pd.DataFrame(extras, index=frame.index)


def reject_rows(rows: pd.DataFrame, date_field: str | None, session: IngestSession
                ) -> tuple[np.ndarray, list[Reject]]:
    """Which standardised rows stay, and a :class:`~analysis.readers.Reject` for each that leaves.

    A row with no title, lead, text, URL or id leaves (``empty_row``). A row
    without a usable date leaves when ``options.on_bad_date == "reject"``
    (``unparseable_date`` or ``missing_date``, naming ``date_field``), else it
    stays and is counted as a warning.

    Examples
    --------
    >>> rows = pd.DataFrame({"title": ["A", None], "lead": None, "text": None, "url": None,
    ...                      "source_id": None, "source_file": "x.csv", "source_row": [1, 2],
    ...                      "published": pd.NaT, "published_raw": None})
    >>> keep, rejects = reject_rows(rows, None, IngestSession())
    >>> keep.tolist(), [r.reason for r in rejects]
    ([True, False], ['empty_row'])
    """
    empty = (rows["title"].isna() & rows["lead"].isna() & rows["text"].isna() & rows["url"].isna()
             & rows["source_id"].isna()).to_numpy()
    rejects = [Reject(str(rows["source_file"].iloc[i]), int(rows["source_row"].iloc[i]), None,
                      "empty_row", "no title, lead, text, URL or id") for i in np.flatnonzero(empty)]
    keep, date_rejects = _judge_dates(rows, ~empty, date_field, session)
    return keep, rejects + date_rejects


def _judge_dates(rows: pd.DataFrame, keep: np.ndarray, date_field: str | None, session: IngestSession
                 ) -> tuple[np.ndarray, list[Reject]]:
    """Reject (or count as warnings) the kept rows that have no date."""
    no_date = rows["published"].isna().to_numpy() & keep
    raw = rows["published_raw"]
    unparsed = no_date & raw.notna().to_numpy()
    if session.options.on_bad_date != "reject":
        session.report.add_warning("date_unparsed", int(unparsed.sum()), raw[unparsed].iloc[0] if unparsed.any() else None)
        session.report.add_warning("date_missing", int((no_date & ~unparsed).sum()))
        return keep, []
    rejects = []
    for i in np.flatnonzero(no_date):
        text = raw.iloc[i]
        rejects.append(Reject(str(rows["source_file"].iloc[i]), int(rows["source_row"].iloc[i]), date_field,
                              "unparseable_date" if isinstance(text, str) else "missing_date",
                              f"{text!r} is not a date the parser knows" if isinstance(text, str)
                              else "no date in any date column or the URL"))
    return keep & ~no_date, rejects


def _identity_key(row, digest: str) -> str:
    """What makes a document itself: outlet + source id, else the URL, else outlet + date + content."""
    if isinstance(row.source_id, str) and row.source_id.strip():
        return f"id|{row.outlet_domain or row.outlet or ''}|{row.source_id.strip()}"
    if isinstance(row.url, str) and row.url.strip():
        return f"url|{row.url.strip()}"
    return f"content|{row.outlet or ''}|{row.published_raw or ''}|{digest}"


def id_columns(rows: pd.DataFrame, session: IngestSession) -> pd.DataFrame:
    """``doc_id``, ``content_hash``, ``is_exact_duplicate`` and ``duplicate_of`` of kept rows.

    The id hashes the row's identity key (:func:`_identity_key`); a key the
    session has seen before gets ``-2``, ``-3``... and a warning. A content
    hash the session has seen makes the row an exact duplicate of the first
    row that had it, in any earlier chunk or file.

    Examples
    --------
    >>> rows = pd.DataFrame({"outlet_domain": None, "outlet": None, "source_id": None, "published_raw": None,
    ...                      "url": ["https://a.example/1", "https://a.example/2"], "title": "Same", "lead": None,
    ...                      "text": None})
    >>> ids = id_columns(rows, IngestSession())
    >>> ids["is_exact_duplicate"].tolist(), ids["duplicate_of"][1] == ids["doc_id"][0]
    ([False, True], True)
    """
    doc_ids, hashes, dup_of = [], [], []
    columns = ["outlet_domain", "outlet", "source_id", "url", "title", "lead", "text", "published_raw"]
    for row in rows[columns].itertuples(index=False):
        digest = content_hash(row.title, row.lead, row.text)
        key = _identity_key(row, digest)
        doc_id = "d" + _hash(key)[:16]
        seen = session.doc_ids.get(doc_id, 0)
        session.doc_ids[doc_id] = seen + 1
        if seen:
            session.report.add_warning("repeated_source_key", 1, key[:120])
            doc_id = f"{doc_id}-{seen + 1}"
        first = session.hashes.setdefault(digest, doc_id)
        doc_ids.append(doc_id)
        hashes.append(digest)
        dup_of.append(first if first != doc_id else None)
    return pd.DataFrame({"doc_id": pd.array(doc_ids, dtype=STR), "content_hash": pd.array(hashes, dtype=STR),
                         "duplicate_of": pd.array(dup_of, dtype=STR),
                         "is_exact_duplicate": np.array([d is not None for d in dup_of], dtype=bool)},
                        index=rows.index)


def standardise_chunk(chunk: RawChunk, source_file: str, session: IngestSession
                      ) -> tuple[pd.DataFrame, list[Reject]]:
    """Map, clean, date and judge one chunk of source rows.

    Runs the steps listed in the module docstring, in order; the session
    carries ids, hashes and date orders to the next chunk.

    Returns
    -------
    corpus : pandas.DataFrame
        The kept rows, in the corpus schema (plus ``src_*`` columns).
    rejects : list of Reject
        The rows that left, each with a reason.

    Examples
    --------
    >>> rows = pd.DataFrame({"judul": ["Putin tiba di Pyongyang", None], ROW: [1, 2]})
    >>> corpus, rejects = standardise_chunk(RawChunk(rows, "csv"), "berita.csv", IngestSession())
    >>> corpus["title"].tolist(), [(r.source_row, r.reason) for r in rejects]
    (['Putin tiba di Pyongyang'], [(2, 'empty_row')])
    """
    frame = chunk.frame.reset_index(drop=True)
    if not len(frame):  # every row of the chunk was already refused by the reader
        return empty_corpus(), []
    fmap = resolve_field_map(frame.columns, family_map=chunk.field_map,
                             column_map=session.options.column_map, path=source_file)
    outlets, zones = outlet_columns(frame, fmap, session)
    dates = date_columns(frame, fmap, zones, outlets["url"], session, source_file)
    texts = text_columns(frame, fmap, session)
    languages = language_columns(frame, fmap, texts, session)
    texts = derive_titles(texts)
    identity = identity_columns(frame, fmap, chunk.family, source_file)
    rows = pd.concat([outlets, dates, texts, author_columns(frame, fmap), languages, identity,
                      extra_columns(frame, fmap)], axis=1)
    keep, rejects = reject_rows(rows, fmap.get("published"), session)
    rows = rows[keep].reset_index(drop=True)
    return coerce_schema(pd.concat([rows, id_columns(rows, session)], axis=1)), rejects


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


def _count_chunk(report: IngestReport, entry: dict, rows_read: int, frame: pd.DataFrame,
                 rejects: list[Reject]) -> None:
    """Add one standardised chunk to the file's entry and to the report's totals."""
    entry["rows_read"] += rows_read
    entry["rows_accepted"] += len(frame)
    entry["rows_rejected"] += len(rejects)
    report.rows_read += rows_read
    report.rows_accepted += len(frame)
    report.rows_rejected += len(rejects)
    report.exact_duplicates += int(frame["is_exact_duplicate"].sum())
    report.boilerplate_lines += int(frame["boilerplate_lines"].sum())
    for reject in rejects:
        report.rejects.append(reject.as_dict())
        report.rejects_by_reason[reject.reason] = report.rejects_by_reason.get(reject.reason, 0) + 1


def iter_ingest(paths, options: IngestOptions | None = None, report: IngestReport | None = None,
                progress=None) -> Iterator[pd.DataFrame]:
    """Stream standardised corpus chunks from ``paths``, filling ``report``.

    Rejected rows go to ``report.rejects``. ``progress`` is an optional
    callable taking the number of rows just read.

    Examples
    --------
    >>> from analysis.config import SAMPLE_DIR
    >>> report = IngestReport()
    >>> chunks = list(iter_ingest(SAMPLE_DIR / "wire_rewrites_id.csv", report=report))
    >>> sum(len(c) for c in chunks) == report.rows_accepted
    True
    """
    options = options or IngestOptions()
    report = report if report is not None else IngestReport()
    session = IngestSession(options, report)
    report.parameters = options.as_dict()
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
            frame, rejects = standardise_chunk(chunk, str(path), session)
            _count_chunk(report, entry, chunk.rows_read, frame, chunk.rejects + rejects)
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
        Validated against :data:`analysis.corpus.SCHEMA`.
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
