"""Every real corpus in ../shared/data ingests through the command line, rows reconciled."""
from __future__ import annotations

import gzip
import json
import shutil
import subprocess
import sys

import pandas as pd
import pytest

from analysis import config, open_store

pytestmark = pytest.mark.shared

CORPORA = {
    # file: (rows in the file, per the shared README)
    "rss2023_multioutlet_headlines.csv.gz": 9982,
    "rss2023_news_sample_50k.csv.gz": 50000,
    "kcna_en_2024.jsonl.gz": 2111,
    "ru_news_rt_ng_kw_2000-2018.jsonl.gz": 1199,
    "ko_news_yonhap_chosun_2025-2026.csv.gz": 4969,
    "id_news_kompas_fulltext_2025.jsonl.gz": 1945,
    "indonesian_headlines_narasipal_2023-2025.csv.gz": 26285,
    "narrative_frames_corpus_en_2017-2019.csv.gz": 428,
    "dprk_new_year_addresses_ko_1946-2019.jsonl.gz": 73,
    "gdelt_gkg_simsearch_sample_2019.csv.gz": 1000,
    "mediacloud_uk_protest_story_list_2020-2024.csv.gz": 12506,
    "mediacloud_uk_protest_2020-2024_top_sources.csv": 100,
    "mediacloud_uk_protest_2020-2024_top_words.csv": 100,
}


@pytest.fixture(scope="module")
def ingested(shared_data, tmp_path_factory):
    """Ingest each shared corpus once, through the command line."""
    results = {}
    root = tmp_path_factory.mktemp("shared")

    def _get(name):
        if name not in results:
            path = shared_data / name
            if not path.exists():
                pytest.skip(f"{path} is absent")
            out = root / name.split(".")[0]
            done = subprocess.run([sys.executable, "-m", "analysis", "ingest", str(path), "--out", str(out), "--json"],
                                  capture_output=True, text=True, timeout=900)
            assert done.returncode == 0, done.stderr
            results[name] = (json.loads(done.stdout.strip().splitlines()[-1]), out)
        return results[name]

    return _get


def test_every_shared_file_is_listed(shared_data):
    present = {p.name for p in shared_data.iterdir() if p.suffix in {".gz", ".csv"}}
    assert present - {"key_events_russia_dprk_2023-2025.csv"} == set(CORPORA)


@pytest.mark.parametrize("name", sorted(CORPORA))
def test_shared_corpus_ingests_with_rows_reconciled(ingested, name):
    figures, out = ingested(name)
    assert figures["rows_read"] == CORPORA[name]
    assert figures["rows_read"] == figures["rows_accepted"] + figures["rows_rejected"]
    rejects = pd.read_csv(figures["rejects_path"])
    assert len(rejects) == figures["rows_rejected"]
    if figures["rows_accepted"]:
        assert len(open_store(out).read(["doc_id"])) == figures["rows_accepted"]


def test_media_cloud_aggregates_are_rejected_as_aggregates(ingested):
    for name in ("mediacloud_uk_protest_2020-2024_top_sources.csv", "mediacloud_uk_protest_2020-2024_top_words.csv"):
        figures, _ = ingested(name)
        assert figures["rows_accepted"] == 0
        assert set(pd.read_csv(figures["rejects_path"])["reason"]) == {"aggregate_row"}


def test_indonesian_headlines_dated_for_every_outlet_whose_format_has_a_date(ingested):
    _, out = ingested("indonesian_headlines_narasipal_2023-2025.csv.gz")
    corpus = open_store(out).read(["outlet", "published", "published_source", "published_raw"])
    dated = corpus.groupby("outlet")["published"].apply(lambda s: s.notna().mean())
    for outlet in ("CNBC Indonesia", "CNN Indonesia", "Detik", "Kompas", "Republika"):
        assert dated[outlet] == 1.0, outlet
    assert dated["Tempo"] == 0.0  # Tempo rows carry no date and relative URLs
    cnbc = corpus[corpus["outlet"] == "CNBC Indonesia"]
    assert (cnbc["published_source"] == "url").all()
    kompas = corpus[corpus["published_raw"] == "09/10/2023, 13:33 WIB"]
    assert (kompas["published"].dt.strftime("%Y-%m-%d %H:%M") == "2023-10-09 06:33").all()
    detik = corpus[corpus["published_raw"].str.contains(" Des ", na=False)]
    assert len(detik) and (detik["published"].dt.month == 12).all()


def test_rss_outlets_resolve_by_domain(ingested):
    _, out = ingested("rss2023_multioutlet_headlines.csv.gz")
    corpus = open_store(out).read(["outlet", "outlet_domain", "outlet_raw"])
    guardian = corpus[corpus["outlet_domain"] == "theguardian.com"]
    assert guardian["outlet_raw"].nunique() >= 2  # the feeds call it several names
    assert set(guardian["outlet"]) == {"The Guardian"}
    assert corpus.groupby("outlet_domain")["outlet"].nunique().max() == 1


def test_kcna_rows_keep_their_topic(ingested):
    _, out = ingested("kcna_en_2024.jsonl.gz")
    corpus = open_store(out).read(["src_topic", "is_exact_duplicate", "outlet"])
    assert corpus["src_topic"].notna().all() and corpus["src_topic"].nunique() == 14
    assert set(corpus["outlet"]) == {"Korean Central News Agency"}
    assert corpus["is_exact_duplicate"].sum() >= 2111 - 2078  # the same article under several topics


def test_truncated_copy_of_a_real_file_is_an_error_not_a_loss(shared_data, tmp_path):
    source = shared_data / "kcna_en_2024.jsonl.gz"
    data = source.read_bytes()
    cut = tmp_path / "kcna_cut.jsonl.gz"
    cut.write_bytes(data[: len(data) // 3])
    done = subprocess.run([sys.executable, "-m", "analysis", "ingest", str(cut), "--out", str(tmp_path / "s")],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 2 and "truncated" in done.stderr and "kcna_cut.jsonl.gz" in done.stderr


def test_kcna_titles_are_the_outlets_and_headline_less_items_get_derived_ones(shared_data, tmp_path):
    """KCNA 2024 ships a headline on every row; without them every item with text still gets a title."""
    from analysis import ingest

    source = shared_data / "kcna_en_2024.jsonl.gz"
    if not source.exists():
        pytest.skip(f"{source} is absent")
    corpus, _ = ingest(source)
    assert corpus["title"].notna().all() and set(corpus["title_source"]) == {"headline"}
    rows = pd.read_json(source, lines=True).drop(columns="headline")
    stripped = tmp_path / "kcna_without_headlines.jsonl"
    rows.to_json(stripped, orient="records", lines=True, date_format="iso")
    derived, _ = ingest(stripped)
    has_text = derived["text"].notna()
    assert has_text.sum() == 1862  # the rest are Photo/Video items with neither headline nor text
    assert derived.loc[has_text, "title"].notna().all() and (derived.loc[has_text, "title_source"] == "derived").all()
    titles = derived.loc[has_text, "title"]
    assert titles.str.len().max() <= 101 and not titles.str.contains(r"\(KCNA\)|^Pyongyang,", regex=True).any()
    assert derived.loc[~has_text, "title"].isna().all()  # nothing to derive from: no invented title


def test_a_corpus_without_titles_gets_one_per_row(shared_data):
    from analysis import ingest

    source = shared_data / "narrative_frames_corpus_en_2017-2019.csv.gz"
    if not source.exists():
        pytest.skip(f"{source} is absent")
    corpus, _ = ingest(source)
    assert len(corpus) == 428 and (corpus["title_source"] == "derived").all()
    assert corpus["title"].str.len().between(5, 101).all()
