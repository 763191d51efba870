"""JSON and JSON Lines files (gzip, bz2 or xz too).

JSON Lines stream line by line: a line that is not valid JSON, or valid JSON
that is not an object, is rejected with its line number. A JSON document is
read whole: an array of objects, an object holding such an array (``articles``
as in the GDELT DOC 2.0 API, or ``items``, ``data``, ``results``,
``stories``, ``documents``), or a single object. Nested values are kept as
JSON text.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Iterator

from .base import IngestError, RawChunk, ReadOptions, Reject, frame_from_records, open_text
from .delimited import FAMILY_FIELDS

_LIST_KEYS = ("articles", "items", "data", "results", "stories", "documents", "records")


def read_json(path: Path, options: ReadOptions, fmt: str) -> Iterator[RawChunk]:
    """Stream a JSON or JSON Lines file as :class:`RawChunk` objects."""
    stream, encoding = open_text(path, options.encoding)
    if fmt == "jsonl":
        return _jsonl(path, stream, encoding, options)
    return _json_document(path, stream, encoding, options)


def _jsonl(path, stream, encoding, options) -> Iterator[RawChunk]:
    records, numbers, rejects = [], [], []
    line_no = 0
    try:
        for line_no, line in enumerate(stream, start=1):
            line = line.strip()
            if line_no == 1:
                line = line.lstrip("\ufeff")
            if not line:
                continue
            try:
                value = json.loads(line)
            except json.JSONDecodeError as exc:
                rejects.append(Reject(str(path), line_no, None, "invalid_json",
                                      f"line {line_no}, column {exc.colno}: {exc.msg}"))
            else:
                if isinstance(value, dict):
                    records.append(value)
                    numbers.append(line_no)
                else:
                    rejects.append(Reject(str(path), line_no, None, "not_an_object",
                                          f"line {line_no} holds a JSON {type(value).__name__}, not an object"))
            if len(records) + len(rejects) >= options.chunk_rows:
                yield RawChunk(frame_from_records(records, numbers), "jsonl", rejects, encoding=encoding)
                records, numbers, rejects = [], [], []
    except UnicodeDecodeError as exc:
        raise IngestError(path, f"the text is not valid {encoding} ({exc.reason}); pass --encoding",
                          row=line_no + 1) from None
    except (EOFError, OSError) as exc:
        raise IngestError(path, f"the file is truncated or corrupt after line {line_no} ({exc})") from None
    finally:
        stream.close()
    if line_no == 0:
        raise IngestError(path, "the file is empty")
    yield RawChunk(frame_from_records(records, numbers), "jsonl", rejects, encoding=encoding)


def _json_document(path, stream, encoding, options) -> Iterator[RawChunk]:
    try:
        text = stream.read().lstrip("\ufeff")
    except UnicodeDecodeError as exc:
        raise IngestError(path, f"the text is not valid {encoding} ({exc.reason}); pass --encoding") from None
    except (EOFError, OSError) as exc:
        raise IngestError(path, f"the file is truncated or corrupt ({exc})") from None
    finally:
        stream.close()
    if not text.strip():
        raise IngestError(path, "the file is empty")
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise IngestError(path, f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}") from None
    family = "json"
    if isinstance(value, dict):
        key = next((k for k in _LIST_KEYS if isinstance(value.get(k), list)), None)
        if key == "articles" and all(isinstance(a, dict) and "seendate" in a for a in value[key][:5]):
            family = "gdelt-doc"
        value = value[key] if key else [value]
    if not isinstance(value, list):
        raise IngestError(path, f"expected an array of objects, found a JSON {type(value).__name__}")
    field_map = dict(FAMILY_FIELDS.get(family, {}))
    for start in range(0, max(len(value), 1), options.chunk_rows):
        records, numbers, rejects = [], [], []
        for i, item in enumerate(value[start:start + options.chunk_rows], start=start + 1):
            if isinstance(item, dict):
                records.append(item)
                numbers.append(i)
            else:
                rejects.append(Reject(str(path), i, None, "not_an_object",
                                      f"array item {i} is a JSON {type(item).__name__}, not an object"))
        yield RawChunk(frame_from_records(records, numbers), family, rejects, field_map, encoding=encoding)
