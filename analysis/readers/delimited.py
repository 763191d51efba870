"""CSV and TSV files, including Media Cloud and GDELT exports.

Streams with Python's ``csv`` module so that every record can be checked:
a record with the wrong number of fields is rejected with its line numbers;
when such a record spans several lines (an unbalanced quote swallowed them),
its first line is rejected and the swallowed lines are parsed again, so one
stray quote costs one row, not the rest of the file.

Families recognised by their header:

* ``mediacloud``: Media Cloud search export (``id, indexed_date, language,
  media_name, media_url, publish_date, title, url``, or a subset with
  ``media_url`` and ``publish_date``);
* ``mediacloud-aggregate``: Media Cloud top-sources / top-words exports;
  aggregate rows, not articles: every row is rejected with that reason;
* ``gdelt-doc``: GDELT DOC 2.0 article list (``url, url_mobile, title,
  seendate, socialimage, domain, language, sourcecountry``);
* ``gkg``: GDELT GKG 2.1, tab-separated, 27 columns, no header.
"""
from __future__ import annotations

import csv
import re
import sys
from pathlib import Path
from typing import Iterator

import pandas as pd

from .base import ROW, IngestError, RawChunk, ReadOptions, Reject, detect_encoding, open_text, read_head

csv.field_size_limit(min(sys.maxsize, 2**31 - 1))

#: GDELT GKG 2.1 column names, in file order.
GKG_COLUMNS = [
    "GKGRECORDID", "DATE", "SourceCollectionIdentifier", "SourceCommonName",
    "DocumentIdentifier", "Counts", "V2Counts", "Themes", "V2Themes", "Locations",
    "V2Locations", "Persons", "V2Persons", "Organizations", "V2Organizations",
    "V2Tone", "Dates", "GCAM", "SharingImage", "RelatedImages", "SocialImageEmbeds",
    "SocialVideoEmbeds", "Quotations", "AllNames", "Amounts", "TranslationInfo",
    "Extras",
]
GDELT_DOC_COLUMNS = ["url", "url_mobile", "title", "seendate", "socialimage", "domain", "language", "sourcecountry"]

#: Field maps suggested per family (standard field -> source column).
FAMILY_FIELDS = {
    "mediacloud": {"id": "id", "outlet": "media_name", "outlet_domain": "media_url",
                   "published": "publish_date", "title": "title", "url": "url", "language": "language"},
    "gdelt-doc": {"url": "url", "title": "title", "published": "seendate",
                  "outlet_domain": "domain", "language": "language"},
    "gkg": {"id": "GKGRECORDID", "published": "DATE", "outlet_domain": "SourceCommonName",
            "url": "DocumentIdentifier", "title": "page_title", "language": "translation_language"},
}
_GKG_ID_RE = re.compile(r"^\d{14}-T?\d+$")


def _sniff_delimiter(text: str) -> str:
    lines = [ln for ln in text.splitlines()[:20] if ln.strip()]
    if not lines:
        return ","
    try:
        return csv.Sniffer().sniff("\n".join(lines[:10]), delimiters=",\t;|").delimiter
    except csv.Error:
        counts = {d: lines[0].count(d) for d in ",\t;|"}
        return max(counts, key=counts.get) if max(counts.values()) else ","


def sniff_family(path: Path, text: str) -> str:
    """Family of a delimited file from its first lines."""
    first = text.splitlines()[0] if text else ""
    if first.count("\t") >= 20 and _GKG_ID_RE.match(first.split("\t")[0]):
        return "gkg"
    delimiter = _sniff_delimiter(text)
    header = {h.strip().strip('"').lower() for h in next(csv.reader([first], delimiter=delimiter), [])}
    if header in ({"source", "count"},) or {"term", "term_count", "doc_count"} <= header:
        return "mediacloud-aggregate"
    if {"media_url", "publish_date"} <= header or {"media_name", "publish_date"} <= header:
        return "mediacloud"
    if {"seendate", "url"} <= header and ({"domain"} <= header or {"sourcecountry"} <= header):
        return "gdelt-doc"
    return "tsv" if delimiter == "\t" else "csv"


class _LineRecorder:
    """Iterates lines for ``csv.reader`` and remembers the raw lines of each record."""

    def __init__(self, stream):
        self.stream = stream
        self.buffer: list[str] = []
        self.lines_done = 0

    def __iter__(self):
        return self

    def __next__(self):
        line = next(self.stream)
        self.buffer.append(line)
        return line

    def take(self) -> tuple[list[str], int]:
        lines, first = self.buffer, self.lines_done + 1
        self.lines_done += len(lines)
        self.buffer = []
        return lines, first


def _gkg_extras(frame: pd.DataFrame) -> pd.DataFrame:
    """Page title and source language out of GKG's Extras and TranslationInfo."""
    from ..text import normalise_language_tag

    extras = frame.get("Extras", pd.Series(dtype="str"))
    frame["page_title"] = extras.str.extract(r"<PAGE_TITLE>(.*?)</PAGE_TITLE>", flags=re.S)[0].astype("str")
    info = frame.get("TranslationInfo", pd.Series(dtype="str"))
    lang = info.str.extract(r"srclc:([a-z]{2,3})")[0]
    frame["translation_language"] = pd.array(
        [normalise_language_tag(v) if isinstance(v, str) else "en" for v in lang.tolist()], dtype="str"
    )
    return frame


def read_delimited(path: Path, options: ReadOptions, fmt: str) -> Iterator[RawChunk]:
    """Stream a CSV/TSV file as :class:`RawChunk` objects."""
    head = read_head(path, 262144)
    if not head.strip():
        raise IngestError(path, "the file is empty")
    encoding = options.encoding or detect_encoding(head, path)
    sample = head.decode(encoding, errors="replace").lstrip("\ufeff")
    family = fmt if fmt in {"mediacloud", "gdelt-doc", "gkg", "mediacloud-aggregate"} else sniff_family(path, sample)
    if fmt == "tsv":
        delimiter = "\t"
    elif fmt == "csv" and family in {"csv", "tsv"}:
        delimiter = options.delimiter or _sniff_delimiter(sample)
    else:
        delimiter = options.delimiter or ("\t" if family == "gkg" else _sniff_delimiter(sample))
    stream, encoding = open_text(path, encoding)
    return _records(path, stream, encoding, delimiter, family, options)


class _ChunkBuilder:
    """Judges parsed CSV records one by one and collects them into :class:`RawChunk` objects.

    Holds the header (the first record, or GKG's fixed columns), the rows of
    the right width, the rejects of the chunk being filled, and the running
    record number that rows and rejects are numbered by.
    """

    def __init__(self, path, encoding: str, delimiter: str, family: str):
        self.path, self.encoding, self.delimiter, self.family = path, encoding, delimiter, family
        self.header: list[str] | None = list(GKG_COLUMNS) if family == "gkg" else None
        self.rows: list[list[str]] = []
        self.numbers: list[int] = []
        self.rejects: list[Reject] = []
        self.record_no = 0

    @property
    def pending(self) -> int:
        """Rows and rejects waiting for the next chunk."""
        return len(self.rows) + len(self.rejects)

    def reject_next(self, detail: str) -> None:
        """Count one more record and reject it as malformed."""
        self.record_no += 1
        self.rejects.append(Reject(str(self.path), self.record_no, None, "malformed_record", detail))

    def emit(self) -> RawChunk:
        """The collected rows and rejects as one chunk; start a new one."""
        rows, numbers, family = self.rows, self.numbers, self.family
        frame = pd.DataFrame({name: pd.array([r[i] for r in rows], dtype="str") for i, name in enumerate(self.header)})
        frame = frame.replace("", pd.NA) if len(frame) else frame
        frame[ROW] = pd.array(numbers, dtype="Int64")
        if family == "gkg":
            frame = _gkg_extras(frame)
        chunk = RawChunk(frame, family, list(self.rejects), dict(FAMILY_FIELDS.get(family, {})), encoding=self.encoding)
        if family == "mediacloud-aggregate":
            chunk.rejects.extend(
                Reject(str(self.path), int(n), None, "aggregate_row",
                       "Media Cloud aggregate export (top sources/words): counts, not articles")
                for n in numbers
            )
            chunk.frame = frame.iloc[0:0]
        self.rows, self.numbers, self.rejects = [], [], []
        return chunk

    def add(self, record: list[str] | None, lines: list[str], first_line: int) -> None:
        """Take one parsed record (None when the csv module could not parse its lines)."""
        if record is None:
            self.reject_next(f"line {first_line}: unparseable CSV record")
            return
        if self.header is None:
            self.header = _unique_header([h.strip().lstrip("\ufeff") for h in record], self.path)
            return
        if not record or (len(record) == 1 and not record[0].strip()):
            return  # a blank line is not a row (a line of empty fields is, and is judged below)
        if len(record) == len(self.header):
            self.record_no += 1
            self.rows.append(record)
            self.numbers.append(self.record_no)
            return
        self._add_wrong_width(record, lines, first_line)

    def _add_wrong_width(self, record: list[str], lines: list[str], first_line: int) -> None:
        """Reject a record with too many or too few fields; re-read the lines a stray quote swallowed."""
        last_line = first_line + len(lines) - 1
        span = f"line {first_line}" if last_line == first_line else f"lines {first_line}-{last_line}"
        expected = len(self.header)
        if len(lines) > 1 and any('"' in ln for ln in lines):
            self.reject_next(f"{span}: unbalanced quote; expected {expected} fields, found {len(record)}; "
                             "the line is rejected and the lines it swallowed are read again")
            for sub_record, sub_lines, sub_first in _reparse(lines[1:], self.delimiter, first_line + 1):
                self.add(sub_record, sub_lines, sub_first)
            return
        self.reject_next(f"{span}: expected {expected} fields, found {len(record)}")


def _records(path, stream, encoding, delimiter, family, options) -> Iterator[RawChunk]:
    """Parse the stream record by record, yielding a chunk every ``options.chunk_rows`` rows."""
    recorder = _LineRecorder(stream)
    reader = csv.reader(recorder, delimiter=delimiter)
    builder = _ChunkBuilder(path, encoding, delimiter, family)
    try:
        while True:
            try:
                record = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                lines, first_line = recorder.take()
                builder.reject_next(f"line {first_line}: {exc}")
                continue
            lines, first_line = recorder.take()
            builder.add(record, lines, first_line)
            if builder.pending >= options.chunk_rows:
                yield builder.emit()
    except UnicodeDecodeError as exc:
        raise IngestError(path, f"the text is not valid {encoding} after line {recorder.lines_done} "
                                f"({exc.reason}); pass --encoding with the file's real encoding",
                          row=builder.record_no + 1) from None
    except (EOFError, OSError) as exc:
        raise IngestError(path, f"the file is truncated or corrupt after {builder.record_no} rows ({exc})") from None
    finally:
        stream.close()
    if builder.header is None:
        raise IngestError(path, "the file is empty")
    if builder.rows or builder.rejects or builder.record_no == 0:
        yield builder.emit()


def _reparse(lines: list[str], delimiter: str, first_line: int):
    """Parse raw lines again, yielding (record, lines, first_line)."""
    recorder = _LineRecorder(iter(lines))
    reader = csv.reader(recorder, delimiter=delimiter)
    offset = first_line - 1
    while True:
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error:
            taken, start = recorder.take()
            yield None, taken, start + offset
            continue
        taken, start = recorder.take()
        yield record, taken, start + offset


def _unique_header(names: list[str], path) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for i, name in enumerate(names):
        name = name or f"column_{i + 1}"
        if name in seen:
            seen[name] += 1
            name = f"{name}_{seen[name]}"
        else:
            seen[name] = 1
        out.append(name)
    return out
