"""Readers: one module per input family, all yielding :class:`RawChunk`.

A reader turns a file (or folder) into chunks of *source rows*: every column
as the source named it, every value a string (or missing), plus the 1-based
``__row`` the source row had. Rows the reader itself cannot parse (a JSON line
that is not an object, a CSV record with the wrong number of fields) are
returned as :class:`Reject` objects in the same chunk, so that
``rows_read == accepted + rejected`` holds from the first byte.

Mapping source columns onto the corpus schema happens in
:mod:`analysis.corpus`; a reader only says which *family* the file is
(``mediacloud``, ``gdelt_doc``, ``gkg``...) and may suggest a field map.

Adding a reader: write ``readers/<family>.py`` with a
``read_<family>(path, options) -> Iterator[RawChunk]`` function, register it
in :func:`readers`, and teach :func:`detect_format` to recognise it.
"""
from __future__ import annotations

import bz2
import gzip
import io
import lzma
import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterator

import pandas as pd

from .. import config

ROW = "__row"

FORMATS = (
    "csv", "tsv", "json", "jsonl", "parquet", "folder", "html", "rss",
    "mediacloud", "gdelt-doc", "gkg",
)


class IngestError(Exception):
    """An input problem a user can fix; the message names the file (and row)."""

    def __init__(self, path, message: str, *, row: int | None = None, field: str | None = None):
        self.path = str(path)
        self.row = row
        self.field = field
        where = self.path
        if row is not None:
            where += f", row {row}"
        if field is not None:
            where += f", field {field!r}"
        super().__init__(f"{where}: {message}")


@dataclass
class Reject:
    """A source row that did not enter the corpus, and why."""

    source_file: str
    source_row: int
    field: str | None
    reason: str
    detail: str = ""

    def as_dict(self) -> dict:
        return {
            "source_file": self.source_file,
            "source_row": self.source_row,
            "field": self.field or "",
            "reason": self.reason,
            "detail": self.detail,
        }


@dataclass
class RawChunk:
    """Source rows read from one file, plus the rows that could not be parsed."""

    frame: pd.DataFrame
    family: str
    rejects: list[Reject] = field(default_factory=list)
    field_map: dict[str, str] = field(default_factory=dict)
    warnings: dict[str, int] = field(default_factory=dict)
    encoding: str | None = None

    @property
    def rows_read(self) -> int:
        return len(self.frame) + len(self.rejects)


@dataclass
class ReadOptions:
    """Options shared by readers (set from the command line or ``ingest``)."""

    encoding: str | None = None
    delimiter: str | None = None
    chunk_rows: int = config.DEFAULT_CHUNK_ROWS


# --------------------------------------------------------------------------
# bytes and text
_MAGIC = {b"\x1f\x8b": gzip.open, b"BZh": bz2.open, b"\xfd7zXZ": lzma.open}


def open_binary(path: Path):
    """Open a file for reading bytes, decompressing gzip/bz2/xz by magic number."""
    with open(path, "rb") as fh:
        head = fh.read(6)
    for magic, opener in _MAGIC.items():
        if head.startswith(magic):
            return opener(path, "rb")
    return open(path, "rb")


def read_head(path: Path, size: int = 65536) -> bytes:
    """First ``size`` decompressed bytes (empty for an empty file).

    A truncated compressed file yields what could be read; the reader that
    streams the whole file then reports the truncation with a row number.
    """
    parts: list[bytes] = []
    got = 0
    truncated = False
    try:
        with open_binary(path) as fh:
            while got < size:
                block = fh.read(min(8192, size - got))
                if not block:
                    break
                parts.append(block)
                got += len(block)
    except EOFError:
        # truncated compressed file: detection works on what could be read, and the reader
        # that streams the whole file raises an IngestError naming the row where it stops
        truncated = True
    except (OSError, lzma.LZMAError) as exc:
        raise IngestError(path, f"the file is truncated or corrupt; cannot decompress it ({exc})") from None
    if truncated and not parts:
        raise IngestError(path, "the file is truncated: nothing could be decompressed")
    return b"".join(parts)


def detect_encoding(sample: bytes, path: Path | None = None) -> str:
    """Encoding of a text sample: BOMs, then UTF-8, then a guess among legacy code pages.

    Candidates are cp1252 (Western), cp949 (Korean, a superset of EUC-KR)
    and cp1251 (Cyrillic), chosen by charset-normalizer.

    Examples
    --------
    >>> detect_encoding("Путин и Ким встретились во Владивостоке".encode("cp1251"))
    'cp1251'
    >>> detect_encoding(b"\\xef\\xbb\\xbftitle")
    'utf-8-sig'
    """
    if sample.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    trimmed = sample
    for cut in range(4):  # the sample may end inside a multi-byte character
        try:
            (trimmed[: len(trimmed) - cut] if cut else trimmed).decode("utf-8")
            return "utf-8"
        except UnicodeDecodeError:
            continue
    from charset_normalizer import from_bytes

    best = from_bytes(sample, cp_isolation=["cp1252", "cp949", "cp1251", "euc_kr", "koi8_r"]).best()
    if best is None:
        raise IngestError(path or "<bytes>", "cannot tell the text encoding; pass --encoding")
    return {"euc_kr": "cp949"}.get(best.encoding, best.encoding)


def open_text(path: Path, encoding: str | None = None):
    """Open ``path`` as text with a detected (or given) encoding.

    Returns ``(text_stream, encoding)``. Decoding stays strict: bytes that do
    not fit the encoding raise ``UnicodeDecodeError``, which the readers turn
    into an :class:`IngestError` naming the row.
    """
    if encoding is None:
        encoding = detect_encoding(read_head(path, 262144), path)
    return io.TextIOWrapper(open_binary(path), encoding=encoding, errors="strict", newline=""), encoding


# --------------------------------------------------------------------------
# format detection
_TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".html", ".htm"}


def _strip_compression_suffix(name: str) -> str:
    for suffix in (".gz", ".bz2", ".xz"):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


def detect_format(path: str | os.PathLike) -> str:
    """Name of the reader for ``path``, decided by content (extension as a hint).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "x.dat"
    >>> _ = p.write_text('{"title": "a"}\\n{"title": "b"}\\n')
    >>> detect_format(p)
    'jsonl'
    """
    path = Path(path)
    if path.is_dir():
        return "folder"
    if not path.exists():
        raise IngestError(path, "no such file or folder")
    with open(path, "rb") as fh:
        if fh.read(4) == b"PAR1":
            return "parquet"
    head = read_head(path, 65536)
    if not head.strip():
        raise IngestError(path, "the file is empty")
    name = _strip_compression_suffix(path.name.lower())
    try:
        text = head.decode(detect_encoding(head, path), errors="replace").lstrip("\ufeff \t\r\n")
    except IngestError:
        text = head.decode("latin-1")
    lower = text[:4096].lower()
    if text.startswith("<"):
        if any(tag in lower for tag in ("<rss", "<feed", "<rdf:rdf")):
            return "rss"
        return "html"
    if text.startswith("["):
        return "json"
    if text.startswith("{"):
        if Path(name).suffix in {".jsonl", ".ndjson"}:
            return "jsonl"
        import json

        first, _, rest = text.partition("\n")
        try:
            value = json.loads(first)
        except json.JSONDecodeError:
            return "json"  # an object spread over several lines
        if rest.strip():
            return "jsonl"  # a complete object on line 1 and more lines after it
        # one line: a JSON Lines file of one row, unless it wraps an array of records
        if isinstance(value, dict) and any(isinstance(v, list) for v in value.values()):
            return "json"
        return "jsonl"
    if Path(name).suffix in _TEXT_SUFFIXES:
        return "folder"  # the folder reader also takes a single document file
    from .delimited import sniff_family

    return sniff_family(path, text)


def read_chunks(path: str | os.PathLike, fmt: str | None = None,
                options: ReadOptions | None = None) -> Iterator[RawChunk]:
    """Stream :class:`RawChunk` objects from ``path`` with the right reader."""
    path = Path(path)
    options = options or ReadOptions()
    if not path.exists():
        raise IngestError(path, "no such file or folder")
    fmt = (fmt or detect_format(path)).lower().replace("_", "-")
    if fmt not in readers():
        raise IngestError(path, f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    return readers()[fmt](path, options, fmt)


@lru_cache(maxsize=1)
def readers() -> dict[str, Callable]:
    """Reader function for each format name."""
    from .delimited import read_delimited
    from .feeds import read_feed
    from .folder import read_folder
    from .jsonfile import read_json
    from .parquet import read_parquet

    return {
        "csv": read_delimited, "tsv": read_delimited, "mediacloud": read_delimited,
        "gdelt-doc": read_delimited, "gkg": read_delimited,
        "mediacloud-aggregate": read_delimited,
        "json": read_json, "jsonl": read_json,
        "parquet": read_parquet, "folder": read_folder, "html": read_folder,
        "rss": read_feed,
    }


def frame_from_records(records: list[dict], rows: list[int]) -> pd.DataFrame:
    """DataFrame of string columns (nested values as JSON text) with ``__row``."""
    import json

    def as_text(value):
        if value is None:
            return None
        if isinstance(value, str):
            return value
        if value is pd.NA or value is pd.NaT or (isinstance(value, float) and value != value):
            return None
        if hasattr(value, "tolist") and not isinstance(value, (int, float)):
            value = value.tolist()  # numpy arrays and scalars from Parquet
            if not isinstance(value, (list, dict)):
                return as_text(value)
        if isinstance(value, (list, dict)):
            return json.dumps(value, ensure_ascii=False, sort_keys=True)
        if isinstance(value, bool):
            return "true" if value else "false"
        return str(value)

    columns: dict[str, list] = {}
    for i, record in enumerate(records):
        for key in record:
            if key not in columns:
                columns[key] = [None] * i
        for key, values in columns.items():
            values.append(as_text(record.get(key)))
    frame = pd.DataFrame({k: pd.array(v, dtype="str") for k, v in columns.items()})
    frame[ROW] = pd.array(rows, dtype="Int64")
    if not columns:
        frame = pd.DataFrame({ROW: pd.array(rows, dtype="Int64")})
    return frame
