"""Readers: one module per input family, all yielding :class:`RawChunk`.

A reader turns a file (or folder) into chunks of *source rows*: every column
as the source named it, every value a string (or missing), plus the 1-based
``__row`` the source row had. Rows the reader itself cannot parse (a JSON line
that is not an object, a CSV record with the wrong number of fields) are
returned as :class:`Reject` objects in the same chunk, so that
``rows_read == accepted + rejected`` holds from the first byte.

Mapping source columns onto the corpus schema happens in
:mod:`analysis.ingestion`; a reader only says which *family* the file is
(``mediacloud``, ``gdelt-doc``, ``gkg``...) and may suggest a field map.

What the readers share (:class:`RawChunk`, :class:`Reject`,
:class:`IngestError`, :class:`ReadOptions`, opening compressed files and
guessing encodings) lives in :mod:`analysis.readers.base`; this package
re-exports it, so ``from analysis.readers import RawChunk`` is the way to
import it.

Adding a reader: write ``readers/<family>.py`` with a function
``read_<family>(path, options, fmt) -> Iterator[RawChunk]`` (``path`` a
:class:`~pathlib.Path`, ``options`` a :class:`ReadOptions`, ``fmt`` the format
name asked for, so that one function can serve several formats), importing
what it needs from :mod:`analysis.readers.base`; register it in
:func:`readers`, and teach :func:`detect_format` to recognise it.
"""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Callable, Iterator

from .base import (ROW, IngestError, RawChunk, ReadOptions, Reject, detect_encoding, frame_from_records,
                   open_binary, open_text, read_head)
from .delimited import read_delimited, sniff_family
from .feeds import read_feed
from .folder import read_folder
from .jsonfile import read_json
from .parquet import read_parquet

__all__ = ["FORMATS", "ROW", "IngestError", "RawChunk", "ReadOptions", "Reject", "detect_encoding",
           "detect_format", "frame_from_records", "open_binary", "open_text", "read_chunks", "read_head",
           "readers"]

#: Format names a user may pass (``--format``); detection may also name ``mediacloud-aggregate``.
FORMATS = (
    "csv", "tsv", "json", "jsonl", "parquet", "folder", "html", "rss",
    "mediacloud", "gdelt-doc", "gkg",
)


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


def readers() -> dict[str, Callable]:
    """Reader function for each format name.

    Examples
    --------
    >>> readers()["mediacloud"].__name__
    'read_delimited'
    """
    return {
        "csv": read_delimited, "tsv": read_delimited, "mediacloud": read_delimited,
        "gdelt-doc": read_delimited, "gkg": read_delimited,
        "mediacloud-aggregate": read_delimited,
        "json": read_json, "jsonl": read_json,
        "parquet": read_parquet, "folder": read_folder, "html": read_folder,
        "rss": read_feed,
    }
