"""The Parquet store, DuckDB aggregates and SQLite FTS5 search."""
from __future__ import annotations

import pandas as pd
import pytest

from analysis import ingest, ingest_to_store, open_store
from analysis.config import SAMPLE_DIR
from analysis.store import write_store


@pytest.fixture(scope="module")
def store_and_corpus(tmp_path_factory):
    path = tmp_path_factory.mktemp("store")
    store, report = ingest_to_store([SAMPLE_DIR], path, chunk_rows=4)
    corpus, _ = ingest([SAMPLE_DIR], chunk_rows=4)
    return store, report, corpus


def test_store_is_partitioned_by_month(store_and_corpus):
    store, _, corpus = store_and_corpus
    months = sorted(p.name for p in store.corpus_dir.iterdir())
    expected = sorted({f"month={m}" for m in corpus["published"].dt.strftime("%Y-%m").dropna()} | {"month=unknown"})
    assert months == expected


def test_store_round_trip_keeps_rows_order_and_dtypes(store_and_corpus):
    store, _, corpus = store_and_corpus
    back = store.read()
    pd.testing.assert_frame_equal(back, corpus)


def test_lazy_read_of_columns_and_months(store_and_corpus):
    store, _, corpus = store_and_corpus
    june = store.read(["doc_id", "title"], months=["2024-06"])
    assert list(june.columns) == ["doc_id", "title"]
    expected = corpus[corpus["published"].dt.strftime("%Y-%m") == "2024-06"]["doc_id"]
    assert sorted(june["doc_id"]) == sorted(expected)


def test_duckdb_counts_match_pandas(store_and_corpus):
    store, _, corpus = store_and_corpus
    by_language = store.counts(by=["language"]).set_index("language")["n"].to_dict()
    assert by_language == corpus["language"].value_counts().to_dict()
    by_month = store.counts(by=["month"])
    assert int(by_month["n"].sum()) == len(corpus)
    unique = store.counts(by=["outlet"], include_duplicates=False)
    assert int(unique["n"].sum()) == int((~corpus["is_exact_duplicate"]).sum())
    with pytest.raises(ValueError, match="cannot count by"):
        store.counts(by=["colour"])


def test_duckdb_never_installs_or_autoloads_extensions(store_and_corpus):
    store, _, _ = store_and_corpus
    with store.connect() as con:
        settings = dict(con.execute("SELECT name, value FROM duckdb_settings() WHERE name IN "
                                    "('autoinstall_known_extensions', 'autoload_known_extensions')").fetchall())
    assert settings == {"autoinstall_known_extensions": "false", "autoload_known_extensions": "false"}


def test_full_text_search_and_keyword_in_context(store_and_corpus):
    store, _, corpus = store_and_corpus
    hits = store.search("kursk")
    expected = corpus[(corpus["title"].fillna("") + " " + corpus["text"].fillna("") + " " + corpus["lead"].fillna(""))
                      .str.contains("kursk", case=False)]
    assert set(hits["doc_id"]) == set(expected["doc_id"])
    assert store.fts_path.exists()
    kwic = store.kwic("북한*", width=10)
    assert len(kwic) >= 3 and kwic["match"].str.startswith("북한").all()
    assert {"북한과", "북한을"} <= set(kwic["match"])
    with pytest.raises(ValueError, match="bad search query"):
        store.search('"unclosed')


def test_store_keeps_the_ingest_report_and_rejects(store_and_corpus):
    store, report, _ = store_and_corpus
    saved = store.ingest_report()
    assert saved["rows_read"] == report.rows_read == saved["rows_accepted"] + saved["rows_rejected"]
    rejects = pd.read_csv(store.path / "rejects.csv")
    assert len(rejects) == report.rows_rejected
    assert list(rejects.columns) == ["source_file", "source_row", "field", "reason", "detail"]


def test_write_store_from_a_dataframe_and_empty_corpus(tmp_path):
    corpus, report = ingest(SAMPLE_DIR / "feed_ru.xml")
    store = write_store(corpus, tmp_path / "s", report)
    pd.testing.assert_frame_equal(store.read(), corpus)
    empty = write_store(corpus.iloc[0:0], tmp_path / "e")
    assert len(empty.read()) == 0


def test_opening_a_folder_that_is_not_a_store_says_so(tmp_path):
    with pytest.raises(FileNotFoundError, match="not a corpus store"):
        open_store(tmp_path)
