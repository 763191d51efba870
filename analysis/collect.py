"""Collectors for users with internet: GDELT DOC 2.0 article lists and URL rehydration.

Nothing in the test suite or the demo calls these with a network: every
function takes a ``fetch`` callable (URL -> bytes) so that tests replay
recorded responses. The defaults use :mod:`urllib` with a timeout and an
honest User-Agent.

GDELT DOC 2.0 returns at most 250 articles per request. :func:`collect_gdelt_doc`
slices the period (a day by default) and splits any slice that comes back
full in halves, down to ``min_slice_minutes``; it waits ``pause`` seconds
between requests (GDELT asks for one request every 5 seconds). Every request
is logged with its status, so a failed slice is reported, not lost.

:func:`rehydrate` fetches article pages and extracts title, text and date
with trafilatura; a page that fails or yields no text is kept in the output
with its status and reason.

Examples
--------
>>> from datetime import datetime
>>> url = gdelt_doc_url('"north korea" russia', datetime(2024, 6, 19), datetime(2024, 6, 20))
>>> "mode=ArtList" in url and "startdatetime=20240619000000" in url
True
"""
from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Callable, Iterable
from urllib.parse import urlencode, urlsplit

GDELT_DOC_API = "https://api.gdeltproject.org/api/v2/doc/doc"
GDELT_MAX_RECORDS = 250
USER_AGENT = "analysis-notebook-kit/0.1 (media research; polite collector)"


def default_fetch(url: str, *, timeout: float = 30.0) -> bytes:
    """GET ``url`` and return the body (raises ``OSError`` subclasses on failure)."""
    from urllib.request import Request, urlopen

    request = Request(url, headers={"User-Agent": USER_AGENT})
    with urlopen(request, timeout=timeout) as response:  # noqa: S310 (http(s) URLs given by the user)
        return response.read()


def gdelt_doc_url(query: str, start: datetime, end: datetime, *, max_records: int = GDELT_MAX_RECORDS,
                  sort: str = "DateAsc") -> str:
    """The DOC 2.0 ArtList request for ``query`` between ``start`` and ``end`` (UTC)."""
    params = {
        "query": query, "mode": "ArtList", "format": "json", "maxrecords": str(max_records), "sort": sort,
        "startdatetime": start.strftime("%Y%m%d%H%M%S"), "enddatetime": end.strftime("%Y%m%d%H%M%S"),
    }
    return f"{GDELT_DOC_API}?{urlencode(params)}"


@dataclass
class CollectLog:
    """One line per request: what was asked, what came back."""

    entries: list[dict] = field(default_factory=list)

    def add(self, **entry) -> None:
        self.entries.append(entry)

    @property
    def failed(self) -> list[dict]:
        """Requests that errored, or slices that stayed full (articles may be missing there)."""
        return [e for e in self.entries if e["status"] in {"error", "capped"}]


def _parse_gdelt(body: bytes) -> list[dict]:
    """Articles from a DOC 2.0 JSON body; GDELT answers plain text on errors."""
    text = body.decode("utf-8", errors="replace").strip()
    if not text:
        return []
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        raise ValueError(f"GDELT answered with text, not JSON: {text[:200]!r}") from None
    if not isinstance(data, dict):
        raise ValueError(f"unexpected GDELT JSON of type {type(data).__name__}")
    articles = data.get("articles", [])
    if not isinstance(articles, list):
        raise ValueError("GDELT JSON 'articles' is not a list")
    return [a for a in articles if isinstance(a, dict)]


def collect_gdelt_doc(query: str, start: datetime, end: datetime, *, slice_hours: float = 24,
                      min_slice_minutes: float = 60, max_records: int = GDELT_MAX_RECORDS, pause: float = 5.0,
                      fetch: Callable[[str], bytes] | None = None, sleep: Callable[[float], None] = time.sleep,
                      progress: Callable[[int], None] | None = None) -> tuple[list[dict], CollectLog]:
    """Collect a GDELT DOC 2.0 article list past its 250-article cap.

    Parameters
    ----------
    query : str
        GDELT query syntax (``"north korea" (russia OR putin) sourcelang:english``).
    start, end : datetime
        The period, UTC.
    slice_hours : float, default=24
        First slicing of the period.
    min_slice_minutes : float, default=60
        A slice that still returns ``max_records`` at this length is kept as
        it is and logged as ``capped`` (some articles may be missing there).
    pause : float, default=5.0
        Seconds between requests.
    fetch : callable, optional
        URL -> bytes; default :func:`default_fetch`.

    Returns
    -------
    articles : list of dict
        Unique by URL, in the order first seen.
    log : CollectLog
    """
    fetch = fetch or default_fetch
    log = CollectLog()
    seen: dict[str, dict] = {}
    slices: list[tuple[datetime, datetime]] = []
    cursor = start
    while cursor < end:
        slices.append((cursor, min(end, cursor + timedelta(hours=slice_hours))))
        cursor = slices[-1][1]
    first = True
    while slices:
        lo, hi = slices.pop(0)
        if not first:
            sleep(pause)
        first = False
        url = gdelt_doc_url(query, lo, hi, max_records=max_records)
        try:
            articles = _parse_gdelt(fetch(url))
        except (OSError, ValueError) as exc:
            log.add(start=lo.isoformat(), end=hi.isoformat(), url=url, status="error", articles=0, error=str(exc))
            continue
        full = len(articles) >= max_records
        if full and (hi - lo) > timedelta(minutes=min_slice_minutes):
            middle = lo + (hi - lo) / 2
            slices[:0] = [(lo, middle), (middle, hi)]  # ask again in halves, in date order
            log.add(start=lo.isoformat(), end=hi.isoformat(), url=url, status="split", articles=len(articles), error="")
            continue
        new = 0
        for article in articles:
            key = article.get("url")
            if key and key not in seen:
                seen[key] = article
                new += 1
        log.add(start=lo.isoformat(), end=hi.isoformat(), url=url, status="capped" if full else "ok",
                articles=len(articles), error="" if not full else "slice still full at the minimum length")
        if progress is not None:
            progress(new)
    return list(seen.values()), log


def write_gdelt_artlist(articles: list[dict], path) -> Path:
    """Write articles as a GDELT DOC 2.0 ``{"articles": [...]}`` JSON file (the kit ingests it)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"articles": articles}, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return path


def rehydrate(urls: Iterable[str], *, fetch: Callable[[str], bytes] | None = None, pause: float = 1.0,
              sleep: Callable[[float], None] = time.sleep,
              progress: Callable[[int], None] | None = None) -> list[dict]:
    """Fetch article pages and extract their text with trafilatura.

    Returns one record per URL, in order: ``url``, ``status`` (``ok``,
    ``no_text`` or ``error``), ``error``, and when found ``title``, ``text``,
    ``date``, ``sitename``, ``language``. The pause applies between requests to
    the same host.
    """
    import trafilatura

    fetch = fetch or default_fetch
    last_hit: dict[str, float] = {}
    records = []
    for url in urls:
        host = urlsplit(url).hostname or ""
        if host in last_hit:
            wait = pause - (time.monotonic() - last_hit[host])
            if wait > 0:
                sleep(wait)
        record = {"url": url, "status": "ok", "error": ""}
        try:
            body = fetch(url)
        except OSError as exc:
            record.update(status="error", error=str(exc))
        else:
            html = body.decode("utf-8", errors="replace")
            doc = trafilatura.bare_extraction(html, url=url, with_metadata=True, favor_precision=True)
            data = (doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)) if doc is not None else {}
            if not data.get("text"):
                record.update(status="no_text", error="no article text found in the page")
            for key in ("title", "text", "date", "sitename", "language"):
                if data.get(key):
                    record[key] = data[key]
        last_hit[host] = time.monotonic()
        records.append(record)
        if progress is not None:
            progress(1)
    return records


def write_jsonl(records: list[dict], path) -> Path:
    """Write records as JSON Lines (the kit ingests it; failed URLs stay as rows with a status)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as fh:
        for record in records:
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")
    return path


def read_url_list(path) -> list[str]:
    """URLs from a text file (one per line, ``#`` comments) or a GDELT article-list JSON file."""
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    if text.lstrip().startswith("{"):
        return [a["url"] for a in _parse_gdelt(text.encode("utf-8")) if a.get("url")]
    return [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
