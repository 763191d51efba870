"""Collectors, replayed against recorded responses in GDELT's documented format; no network."""
from __future__ import annotations

import json
from datetime import datetime
from urllib.parse import parse_qs, urlsplit

import pytest

from analysis import ingest
from analysis.collect import (collect_gdelt_doc, gdelt_doc_url, read_url_list, rehydrate, write_gdelt_artlist,
                              write_jsonl)


def article(i: int, day: str = "20240619") -> dict:
    return {"url": f"https://www.nknews.org/2024/06/story-{i}/", "url_mobile": "", "title": f"Story {i} about Putin in Pyongyang",
            "seendate": f"{day}T{i % 24:02d}0000Z", "socialimage": "", "domain": "nknews.org",
            "language": "English", "sourcecountry": "South Korea"}


class FakeGdelt:
    """Answers like the DOC 2.0 API: 250 articles for any window over 6 hours on 19 June, fewer otherwise."""

    def __init__(self):
        self.calls = []

    def __call__(self, url: str) -> bytes:
        self.calls.append(url)
        params = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
        assert params["mode"] == "ArtList" and params["format"] == "json"
        start = datetime.strptime(params["startdatetime"], "%Y%m%d%H%M%S")
        end = datetime.strptime(params["enddatetime"], "%Y%m%d%H%M%S")
        if start.day == 21:
            return b"Please limit requests to one every 5 seconds or contact kalev.leetaru5@gmail.com"
        if start.day == 20:
            return b"{}"  # GDELT's answer when nothing matches
        hours = (end - start).total_seconds() / 3600
        if hours > 6:
            return json.dumps({"articles": [article(i) for i in range(250)]}).encode()
        base = int(start.hour)
        return json.dumps({"articles": [article(base * 10 + i) for i in range(12)] + [article(0)]}).encode()


def test_slices_split_when_full_and_results_are_unique():
    fake, pauses = FakeGdelt(), []
    articles, log = collect_gdelt_doc("russia", datetime(2024, 6, 19), datetime(2024, 6, 22), pause=5.0,
                                      fetch=fake, sleep=pauses.append)
    statuses = [e["status"] for e in log.entries]
    assert statuses.count("split") == 3  # 24 h -> 2 x 12 h -> 4 x 6 h
    assert statuses.count("ok") == 5 and statuses.count("error") == 1
    urls = [a["url"] for a in articles]
    assert len(urls) == len(set(urls)) == 4 * 12  # the article repeated in every slice counted once
    assert pauses == [5.0] * (len(fake.calls) - 1)
    failed = log.failed
    assert failed[0]["status"] == "error" and "limit requests" in failed[0]["error"]


def test_a_slice_still_full_at_minimum_length_is_logged_as_capped():
    fake = lambda url: json.dumps({"articles": [article(i) for i in range(250)]}).encode()  # noqa: E731
    articles, log = collect_gdelt_doc("x", datetime(2024, 6, 19), datetime(2024, 6, 19, 2), slice_hours=2,
                                      min_slice_minutes=60, fetch=fake, sleep=lambda s: None)
    assert [e["status"] for e in log.entries] == ["split", "capped", "capped"]
    assert len(articles) == 250


def test_collected_list_ingests_as_gdelt_doc(tmp_path):
    fake = FakeGdelt()
    articles, _ = collect_gdelt_doc("russia", datetime(2024, 6, 19), datetime(2024, 6, 20), fetch=fake,
                                    sleep=lambda s: None)
    path = write_gdelt_artlist(articles, tmp_path / "artlist.json")
    corpus, report = ingest(path)
    assert report.files[0]["family"] == "gdelt-doc" and len(corpus) == len(articles)
    assert set(corpus["outlet"]) == {"NK News"}
    assert read_url_list(path) == [a["url"] for a in articles]


def test_query_url_is_well_formed():
    url = gdelt_doc_url('"korea utara" rusia sourcelang:indonesian', datetime(2024, 10, 24), datetime(2024, 10, 25))
    params = parse_qs(urlsplit(url).query)
    assert params["query"] == ['"korea utara" rusia sourcelang:indonesian']
    assert params["maxrecords"] == ["250"] and params["enddatetime"] == ["20241025000000"]


PAGE = """<html><head><title>Treaty enters into force | Example</title></head><body>
<nav>Home | World | Asia</nav><article><h1>Treaty enters into force</h1>
<p>The mutual defence treaty between Russia and North Korea entered into force on Wednesday after both sides
exchanged ratification documents in Moscow, the foreign ministry said in a statement.</p>
<p>Kremlin spokesman Dmitry Peskov told reporters the pact was not directed against any third country.</p>
</article></body></html>"""


def test_rehydrate_keeps_failures_with_reasons(tmp_path):
    pages = {"https://example.org/a": PAGE.encode(), "https://example.org/empty": b"<html><body></body></html>"}

    def fetch(url):
        if url not in pages:
            raise OSError("HTTP Error 404: Not Found")
        return pages[url]

    waits = []
    records = rehydrate(["https://example.org/a", "https://example.org/missing", "https://example.org/empty"],
                        fetch=fetch, pause=2.0, sleep=waits.append)
    assert [r["status"] for r in records] == ["ok", "error", "no_text"]
    assert "entered into force" in records[0]["text"] and "Home | World" not in records[0]["text"]
    assert "404" in records[1]["error"]
    assert len(waits) == 2 and all(0 < w <= 2.0 for w in waits)
    corpus, report = ingest(write_jsonl(records, tmp_path / "pages.jsonl"))
    assert report.rows_read == 3 == report.rows_accepted  # failures stay, identified by URL and status
    assert corpus["src_status"].tolist() == ["ok", "error", "no_text"]


def test_url_list_file_with_comments(tmp_path):
    path = tmp_path / "urls.txt"
    path.write_text("# my list\nhttps://a.org/1\n\n  https://b.org/2  \n", encoding="utf-8")
    assert read_url_list(path) == ["https://a.org/1", "https://b.org/2"]


def test_collect_gdelt_needs_a_period(tmp_path):
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "analysis", "collect", "gdelt", "russia", "--out", str(tmp_path / "x.json")],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "--start and --end" in done.stderr
