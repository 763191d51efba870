"""The steps of standardise_chunk, each alone, and the session that carries ids across chunks."""
from __future__ import annotations

import pandas as pd
import pytest

from analysis.corpus import validate_corpus
from analysis.ingestion import (IngestOptions, IngestSession, content_hash, date_columns, extra_columns, id_columns,
                             identity_columns, language_columns, outlet_columns, reject_rows, standardise_chunk,
                             text_columns)
from analysis.readers import ROW, IngestError, RawChunk


def source_rows(**columns) -> pd.DataFrame:
    """Source rows as a reader gives them: text columns and the 1-based row number."""
    n = len(next(iter(columns.values())))
    frame = pd.DataFrame({k: pd.array(v, dtype="str") for k, v in columns.items()})
    frame[ROW] = pd.array(range(1, n + 1), dtype="Int64")
    return frame


def corpus_rows(**columns) -> pd.DataFrame:
    """Standardised rows before judging, with every column reject_rows and id_columns read."""
    n = len(next(iter(columns.values())))
    base = {name: [None] * n for name in ("outlet", "outlet_domain", "url", "title", "lead", "text", "source_id",
                                          "published_raw")}
    base.update(source_file=["x.csv"] * n, source_row=list(range(1, n + 1)), published=[pd.NaT] * n)
    base.update(columns)
    frame = pd.DataFrame(base)
    frame["published"] = pd.to_datetime(frame["published"], utc=True)
    return frame


def test_outlet_comes_from_the_url_host_with_the_outlets_time_zone():
    rows = source_rows(link=["https://m.detik.com/news/d-1"], media=["detikcom"])
    outlets, zones = outlet_columns(rows, {"url": "link", "outlet": "media"}, IngestSession())
    assert outlets.loc[0, ["outlet", "outlet_domain", "outlet_raw"]].tolist() == ["Detik", "detik.com", "detikcom"]
    assert zones.tolist() == ["Asia/Jakarta"]


def test_unknown_outlet_reads_dates_in_the_ingest_time_zone_and_relative_urls_are_counted():
    session = IngestSession(IngestOptions(timezone="Asia/Seoul"))
    outlets, zones = outlet_columns(source_rows(url=["/world/123"]), {"url": "url"}, session)
    assert zones.tolist() == ["Asia/Seoul"]
    assert session.report.warnings == {"relative_url": 1}


def test_a_row_undated_in_its_date_column_takes_the_next_date_column_then_the_url():
    rows = source_rows(published=["2024-06-19T06:20:00Z", None, None], date=[None, "2024-06-20", None],
                       url=["https://a.example/x", "https://a.example/y", "https://a.example/2024/06/21/z"])
    zones = pd.Series(["UTC"] * 3)
    session = IngestSession()
    dates = date_columns(rows, {"published": "published", "url": "url"}, zones, rows["url"], session, "x.csv")
    assert dates["published_source"].tolist() == ["published", "date", "url"]
    assert dates["published"].dt.strftime("%Y-%m-%d").tolist() == ["2024-06-19", "2024-06-20", "2024-06-21"]
    assert dates["published_raw"].tolist()[:2] == ["2024-06-19T06:20:00Z", "2024-06-20"]
    assert session.report.warnings["date_from_url"] == 1


def test_boilerplate_leaves_lead_and_text_but_not_the_title():
    rows = source_rows(title=["Baca juga: judul"], text=["Isi berita.\nBaca juga: berita lain"])
    texts = text_columns(rows, {"title": "title", "text": "text"}, IngestSession())
    assert texts.loc[0, "title"] == "Baca juga: judul"
    assert texts.loc[0, "text"] == "Isi berita."
    assert texts.loc[0, "boilerplate_lines"] == 1


def test_language_is_detected_when_the_source_gives_no_tag_and_the_tag_is_kept_beside_it():
    texts = pd.DataFrame({"title": ["Путин и Ким подписали договор о всеобъемлющем стратегическом партнёрстве",
                                    "Putin and Kim signed a treaty on comprehensive strategic partnership"],
                          "lead": [None, None], "text": [None, None]})
    rows = source_rows(lang=[None, "en-GB"])
    languages = language_columns(rows, {"language": "lang"}, texts, IngestSession())
    assert languages["language"].tolist() == ["ru", "en"]
    assert languages["language_input"].tolist()[1] == "en"


def test_without_detection_the_language_is_the_sources_tag():
    texts = pd.DataFrame({"title": ["Putin dan Kim"], "lead": [None], "text": [None]})
    session = IngestSession(IngestOptions(detect_language=False))
    languages = language_columns(source_rows(lang=["id"]), {"language": "lang"}, texts, session)
    assert languages.loc[0, "language"] == "id" and pd.isna(languages.loc[0, "language_detected"])


def test_a_folders_rows_name_their_own_files():
    rows = source_rows(title=["a", "b"], __file=["docs/a.txt", "docs/b.md"])
    identity = identity_columns(rows, {"title": "title"}, "folder", "docs")
    assert identity["source_file"].tolist() == ["docs/a.txt", "docs/b.md"]
    assert identity["source_row"].tolist() == [1, 2] and set(identity["source_format"]) == {"folder"}


def test_unmapped_columns_are_kept_as_src_and_name_clashes_get_a_suffix():
    rows = source_rows(title=["a"], **{"Section Name": ["World"], "section-name": ["x"]})
    extras = extra_columns(rows, {"title": "title"})
    assert extras.columns.tolist() == ["src_section_name", "src_section_name_"]
    assert extras.iloc[0].tolist() == ["World", "x"]


def test_a_row_with_nothing_to_identify_it_is_rejected_with_its_row():
    keep, rejects = reject_rows(corpus_rows(title=["A", None]), None, IngestSession())
    assert keep.tolist() == [True, False]
    assert [(r.source_row, r.reason) for r in rejects] == [(2, "empty_row")]


@pytest.mark.parametrize("policy, kept, reasons", [("keep", [True, True], []),
                                                   ("reject", [False, False], ["unparseable_date", "missing_date"])])
def test_rows_without_a_date_follow_the_date_policy(policy, kept, reasons):
    rows = corpus_rows(title=["A", "B"], published_raw=["kemarin", None])
    session = IngestSession(IngestOptions(on_bad_date=policy))
    keep, rejects = reject_rows(rows, "tanggal", session)
    assert keep.tolist() == kept and [r.reason for r in rejects] == reasons
    assert all(r.field == "tanggal" for r in rejects)
    if policy == "keep":
        assert session.report.warnings == {"date_unparsed": 1, "date_missing": 1}


def test_a_repeated_source_id_gets_a_suffix_and_a_warning():
    rows = corpus_rows(outlet_domain=["kompas.com"] * 2, source_id=["17", "17"], title=["A", "B"])
    session = IngestSession()
    ids = id_columns(rows, session)
    assert ids["doc_id"][1] == ids["doc_id"][0] + "-2"
    assert session.report.warnings == {"repeated_source_key": 1}
    assert not ids["is_exact_duplicate"].any()


def test_the_content_hash_ignores_case_and_spacing_but_not_words():
    assert content_hash("Treaty  Signed", None, "Text") == content_hash("treaty signed", "", "text")
    assert content_hash("Treaty signed", None, None) != content_hash("Treaty ratified", None, None)


def test_a_chunk_the_reader_refused_entirely_gives_an_empty_corpus():
    frame, rejects = standardise_chunk(RawChunk(source_rows(title=[]), "csv"), "x.csv", IngestSession())
    assert len(frame) == 0 and rejects == []
    validate_corpus(frame)


def test_the_session_carries_ids_and_duplicates_from_one_chunk_to_the_next():
    session = IngestSession()
    first, _ = standardise_chunk(RawChunk(source_rows(id=["1"], title=["Treaty signed"]), "csv"), "a.csv", session)
    second, _ = standardise_chunk(RawChunk(source_rows(id=["1", "2"], title=["Other", "treaty  SIGNED"]), "csv"),
                                  "a.csv", session)
    assert second["doc_id"][0] == first["doc_id"][0] + "-2"   # same source id: a new, unique id
    assert second["duplicate_of"][1] == first["doc_id"][0]    # same content as the first chunk's row
    assert second["is_exact_duplicate"].tolist() == [False, True]
    assert session.doc_ids[first["doc_id"][0]] == 2


def test_a_separate_session_starts_afresh():
    chunk = RawChunk(source_rows(id=["1"], title=["Treaty signed"]), "csv")
    first, _ = standardise_chunk(chunk, "a.csv", IngestSession())
    again, _ = standardise_chunk(chunk, "a.csv", IngestSession())
    assert again["doc_id"][0] == first["doc_id"][0] and not again["is_exact_duplicate"][0]


def test_the_session_keeps_a_files_day_month_order_across_chunks():
    session = IngestSession()
    standardise_chunk(RawChunk(source_rows(title=["a"], date=["19/06/2024"]), "csv"), "a.csv", session)
    assert session.dayfirst[("a.csv", "date")] is True
    with pytest.raises(IngestError, match="day/month order"):
        standardise_chunk(RawChunk(source_rows(title=["b"], date=["06/19/2024"]), "csv"), "a.csv", session)


def test_the_session_refuses_an_unknown_date_policy():
    with pytest.raises(ValueError, match="on_bad_date"):
        IngestSession(IngestOptions(on_bad_date="drop"))


def test_the_session_uses_the_given_outlet_registry(tmp_path):
    table = tmp_path / "outlets.csv"
    table.write_text("domain,outlet,country,language,timezone,ownership,type,aliases\n"
                     "example.org,Example Daily,ID,id,Asia/Jayapura,private,newspaper,\n", encoding="utf-8")
    session = IngestSession(IngestOptions(outlets=str(table)))
    outlets, zones = outlet_columns(source_rows(url=["https://example.org/a"]), {"url": "url"}, session)
    assert outlets["outlet"].tolist() == ["Example Daily"] and zones.tolist() == ["Asia/Jayapura"]


def test_from_analysis_import_ingest_is_the_function_even_after_the_module_loaded():
    """The module is ``analysis.ingestion``, so loading it cannot rebind the package's ``ingest`` function."""
    import subprocess
    import sys

    code = ("import analysis.store, analysis.ingestion; from analysis import ingest; "
            "print(callable(ingest), ingest.__module__)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["True", "analysis.ingestion"]


@pytest.mark.parametrize("text, expected", [
    ("Pyongyang, June 19 (KCNA) -- Kim Jong Un met Putin. They signed a treaty.", "Kim Jong Un met Putin."),
    ("JAKARTA, KOMPAS.com - Presiden Joko Widodo tiba di Moskwa. Ia bertemu Putin.", "Presiden Joko Widodo tiba di Moskwa."),
    ("Mr. Kim met the U.S. envoy in Seoul. Talks followed.", "Mr. Kim met the U.S. envoy in Seoul."),
    ("Президент России прибыл в Пхеньян. Визит продлится два дня.", "Президент России прибыл в Пхеньян."),
    ("푸틴 대통령이 평양에 도착했다. 회담이 열렸다.", "푸틴 대통령이 평양에 도착했다."),
])
def test_rows_without_a_title_get_their_first_sentence_flagged_derived(text, expected):
    rows = source_rows(body=[text, text], headline=[None, "The outlet's own"])
    corpus, _ = standardise_chunk(RawChunk(rows, "csv"), "x.csv", IngestSession())
    assert corpus["title"].tolist() == [expected, "The outlet's own"]
    assert corpus["title_source"].tolist() == ["derived", "headline"]


def test_derived_titles_stop_at_a_word_near_100_characters():
    text = "The delegation of the Ministry of External Economic Relations " * 4 + "left. Next."
    rows = source_rows(body=[text])
    title = standardise_chunk(RawChunk(rows, "csv"), "x.csv", IngestSession())[0]["title"].item()
    assert len(title) <= 101 and title.endswith(" …") and title[:-2].split()[-1] in text.split()


def test_author_column_is_mapped_with_its_source():
    rows = source_rows(judul=["Putin tiba"], penulis=["  Ahmad   Fauzi "])
    corpus, _ = standardise_chunk(RawChunk(rows, "csv"), "x.csv", IngestSession())
    assert corpus[["author", "author_source"]].values.tolist() == [["Ahmad Fauzi", "penulis"]]
    assert "src_penulis" not in corpus


def test_outlet_source_names_what_decided_the_outlet():
    rows = source_rows(title=["a", "b", "c"], link=["https://www.theguardian.com/x", None, None],
                       media_name=["Guardian feed", "The Guardian - International", None])
    corpus, _ = standardise_chunk(RawChunk(rows, "csv"), "x.csv", IngestSession())
    assert corpus["outlet_source"].fillna("none").tolist() == ["link", "media_name", "none"]
    assert corpus["outlet"].tolist()[:2] == ["The Guardian", "The Guardian"]
