"""RSS and Atom files, parsed with feedparser (no network: bytes are passed in).

One entry is one source row. The feed's title and language become the
entries' ``feed_title`` and ``feed_language`` columns; full content
(``content:encoded`` or Atom ``content``) becomes ``content``, the
description or summary ``summary``. A feed that is not well-formed XML is
refused with the line and column of the fault: entries could be silently
lost in it.
"""
from __future__ import annotations

import xml.sax
from pathlib import Path
from typing import Iterator

from .base import IngestError, RawChunk, ReadOptions, frame_from_records, open_binary

FEED_FIELDS = {"id": "id", "title": "title", "url": "link", "published": "published",
               "lead": "summary", "text": "content", "outlet": "feed_title",
               "language": "language"}


def read_feed(path: Path, options: ReadOptions, fmt: str) -> Iterator[RawChunk]:
    """Read an RSS/Atom XML file as one :class:`RawChunk`."""
    import feedparser

    try:
        with open_binary(path) as fh:
            data = fh.read()
    except (EOFError, OSError) as exc:
        raise IngestError(path, f"the file is truncated or corrupt ({exc})") from None
    if not data.strip():
        raise IngestError(path, "the file is empty")
    parsed = feedparser.parse(data)
    problem = parsed.get("bozo_exception")
    if isinstance(problem, xml.sax.SAXParseException) or (not parsed.entries and parsed.get("bozo")):
        # a feed that is not well-formed XML may have lost entries: refuse it rather than guess
        where = ""
        if isinstance(problem, xml.sax.SAXParseException):
            where = f" at line {problem.getLineNumber()}, column {problem.getColumnNumber()}"
        raise IngestError(path, f"not a well-formed RSS/Atom feed{where} ({problem}); "
                                f"{len(parsed.entries)} entries could be guessed, none were kept")
    feed = parsed.get("feed", {})
    records, numbers = [], []
    for number, entry in enumerate(parsed.entries, start=1):
        content = entry.get("content") or []
        record = {
            "id": entry.get("id"),
            "title": entry.get("title"),
            "link": entry.get("link"),
            "published": entry.get("published") or entry.get("updated") or entry.get("created"),
            "summary": entry.get("summary"),
            "content": "\n\n".join(c.get("value", "") for c in content) or None,
            "author": entry.get("author"),
            "tags": [t.get("term") for t in entry.get("tags", []) if t.get("term")] or None,
            "feed_title": feed.get("title"),
            "feed_link": feed.get("link"),
            "language": entry.get("language") or feed.get("language"),
        }
        if record["content"] and record["summary"] and record["content"].strip() == record["summary"].strip():
            record["summary"] = None  # feedparser repeats content as summary
        records.append(record)
        numbers.append(number)
    chunk = RawChunk(frame_from_records(records, numbers), "rss", [], dict(FEED_FIELDS))
    if parsed.get("bozo"):  # e.g. a declared encoding that did not match the bytes
        chunk.warnings["feed_encoding_mismatch"] = 1
    yield chunk
