"""RSS and Atom files, parsed with feedparser (no network: bytes are passed in).

One entry is one source row. The feed's title and language become the
entries' ``feed_title`` and ``feed_language`` columns; full content
(``content:encoded`` or Atom ``content``) becomes ``content``, the
description or summary ``summary``.
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterator

from . import IngestError, RawChunk, ReadOptions, frame_from_records, open_binary

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
    if not parsed.entries and parsed.get("bozo"):
        raise IngestError(path, f"not a well-formed RSS/Atom feed ({parsed.get('bozo_exception')})")
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
    if parsed.get("bozo"):
        chunk.warnings["feed_not_well_formed"] = 1
    yield chunk
