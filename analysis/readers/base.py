"""What every reader shares: the chunk and reject types, options, and opening bytes as text.

Readers (one module per input family in :mod:`analysis.readers`) import this
module; the package's ``__init__`` imports the readers. Nothing here knows a
particular format.

Examples
--------
>>> chunk = RawChunk(frame_from_records([{"title": "a"}], [1]), "jsonl")
>>> chunk.rows_read, chunk.frame.columns.tolist()
(1, ['title', '__row'])
"""
from __future__ import annotations

import bz2
import gzip
import io
import json
import lzma
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .. import config

#: Column holding each source row's 1-based number in its file.
ROW = "__row"


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


def frame_from_records(records: list[dict], rows: list[int]) -> pd.DataFrame:
    """DataFrame of string columns (nested values as JSON text) with ``__row``."""

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
