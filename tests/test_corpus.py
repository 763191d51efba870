"""The corpus table: schema, validation, accounting, ids, duplicates, date policy."""
from __future__ import annotations

import pandas as pd
import pytest

from analysis import ingest
from analysis.config import SAMPLE_DIR
from analysis.corpus import SCHEMA, SchemaError, coerce_schema, empty_corpus, validate_corpus
from analysis.ingestion import resolve_field_map


@pytest.fixture(scope="module")
def sample():
    return ingest(SAMPLE_DIR)


def test_schema_columns_and_dtypes(sample):
    corpus, _ = sample
    assert list(corpus.columns[: len(SCHEMA)]) == list(SCHEMA)
    for name, dtype in SCHEMA.items():
        assert str(corpus[name].dtype) == dtype, name
    assert not any(str(corpus[c].dtype) == "object" for c in corpus.columns)
    assert str(corpus["published"].dt.tz) == "UTC"


def test_every_row_is_accounted_for(sample):
    corpus, report = sample
    assert report.rows_read == report.rows_accepted + report.rows_rejected
    assert report.rows_accepted == len(corpus)
    assert sum(f["rows_read"] for f in report.files) == report.rows_read
    assert report.rows_rejected == len(report.rejects) == 2
    for reject in report.rejects:
        assert reject["source_file"] and reject["source_row"] >= 1 and reject["reason"]


def test_extra_input_columns_are_kept_and_namespaced(sample):
    corpus, _ = sample
    assert {"src_topic", "src_no", "src_sourcecountry", "src_indexed_date"} <= set(corpus.columns)
    kcna = corpus[corpus["outlet_domain"] == "kcna.kp"]
    assert set(kcna["src_topic"]) == {"Top News", "External"}


def test_exact_duplicates_are_flagged_not_deleted(sample):
    corpus, report = sample
    dups = corpus[corpus["is_exact_duplicate"]]
    assert report.exact_duplicates == len(dups) == 2
    originals = corpus.set_index("doc_id").loc[dups["duplicate_of"]]
    assert (originals["content_hash"].to_numpy() == dups["content_hash"].to_numpy()).all()
    riau = corpus[corpus["outlet"] == "Riau24"].iloc[0]
    assert riau["is_exact_duplicate"] and corpus.set_index("doc_id").loc[riau["duplicate_of"], "outlet"] == "CNN Indonesia"


def test_boilerplate_removed_and_counted(sample):
    corpus, report = sample
    assert report.boilerplate_lines == int(corpus["boilerplate_lines"].sum()) > 0
    assert not corpus["text"].fillna("").str.contains("Baca juga|\\(\\*\\*\\*\\)|Share this article").any()


def test_doc_ids_are_stable_and_not_row_numbers(tmp_path):
    rows = ["id,title,url", "a1,First,https://x.org/1", "b2,Second,https://x.org/2"]
    one = tmp_path / "one.csv"
    one.write_text("\n".join(rows) + "\n", encoding="utf-8")
    swapped = tmp_path / "two.csv"
    swapped.write_text("\n".join([rows[0], rows[2], rows[1]]) + "\n", encoding="utf-8")
    ids_one = ingest(one)[0].set_index("title")["doc_id"]
    ids_two = ingest(swapped)[0].set_index("title")["doc_id"]
    assert ids_one.to_dict() == ids_two.to_dict()
    no_id = tmp_path / "noid.csv"
    no_id.write_text("title,text\nSame,Body\nOther,Body\n", encoding="utf-8")
    first, _ = ingest(no_id)
    again, _ = ingest(no_id)
    assert first["doc_id"].tolist() == again["doc_id"].tolist()
    assert first["doc_id"].str.fullmatch(r"d[0-9a-f]{16}").all()


def test_repeated_source_ids_stay_unique(tmp_path):
    path = tmp_path / "rep.csv"
    path.write_text("id,title\n7,One\n7,Two\n", encoding="utf-8")
    corpus, report = ingest(path)
    assert corpus["doc_id"].is_unique
    assert corpus["doc_id"].iloc[1] == corpus["doc_id"].iloc[0] + "-2"
    assert report.warnings["repeated_source_key"] == 1


def test_indonesian_day_first_dates_and_wib(sample):
    corpus, _ = sample
    kompas = corpus[(corpus["outlet"] == "Kompas") & corpus["title"].str.contains("Pakta")].iloc[0]
    assert kompas["published_raw"] == "19/06/2024, 15:20 WIB"
    assert kompas["published"].isoformat() == "2024-06-19T08:20:00+00:00"


def test_unparseable_date_policy_keep_or_reject(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text("title,date\nA,kemarin sore\nB,2024-06-19\nC,\n", encoding="utf-8")
    corpus, report = ingest(path)
    assert len(corpus) == 3 and corpus["published"].isna().sum() == 2
    assert report.warnings["date_unparsed"] == 1 and report.warnings["date_missing"] == 1
    corpus, report = ingest(path, on_bad_date="reject")
    assert corpus["title"].tolist() == ["B"]
    assert sorted(r["reason"] for r in report.rejects) == ["missing_date", "unparseable_date"]
    bad = next(r for r in report.rejects if r["reason"] == "unparseable_date")
    assert bad["field"] == "date" and bad["source_row"] == 1 and "kemarin sore" in bad["detail"]
    with pytest.raises(ValueError, match="on_bad_date"):
        ingest(path, on_bad_date="drop")


def test_url_date_used_only_when_nothing_better_and_flagged(tmp_path):
    path = tmp_path / "u.csv"
    path.write_text("title,date,url\n"
                    "A,,https://www.cnbcindonesia.com/news/20240503132707-4-1/a\n"
                    "B,2024-05-01,https://www.cnbcindonesia.com/news/20240503132707-4-2/b\n", encoding="utf-8")
    corpus, report = ingest(path)
    assert corpus["published_source"].tolist() == ["url", "date"]
    assert corpus["published"].iloc[0].isoformat() == "2024-05-03T06:27:07+00:00"  # WIB from the registry
    assert corpus["published"].iloc[1].isoformat() == "2024-05-01T00:00:00+00:00"
    assert report.warnings["date_from_url"] == 1


def test_ambiguous_dates_are_warned_about(tmp_path):
    path = tmp_path / "amb.csv"
    path.write_text("title,date\nA,09/10/2023\nB,05/06/2024\n", encoding="utf-8")
    corpus, report = ingest(path)
    assert report.warnings["ambiguous_day_month"] == 2
    assert corpus["published"].dt.month.tolist() == [10, 6]
    corpus, report = ingest(path, dayfirst=False)
    assert "ambiguous_day_month" not in report.warnings
    assert corpus["published"].dt.month.tolist() == [9, 5]


def test_conflicting_date_orders_stop_with_a_clear_error(tmp_path):
    path = tmp_path / "conflict.csv"
    path.write_text("title,date\nA,22/12/2023\nB,12/22/2023\n", encoding="utf-8")
    from analysis.readers import IngestError

    with pytest.raises(IngestError, match=r"conflict\.csv.*'date'.*both"):
        ingest(path)


def test_language_tag_kept_beside_detection(tmp_path):
    path = tmp_path / "lang.csv"
    path.write_text("title,text,language\n"
                    "Kim wyrzuca wojskowego nr 2,Korea Północna zwolniła wysokiego rangą dowódcę wojskowego,en\n",
                    encoding="utf-8")
    corpus, report = ingest(path)
    row = corpus.iloc[0]
    assert (row.language_input, row.language_detected, row.language) == ("en", "pl", "pl")
    assert report.warnings["language_mismatch"] == 1


def test_field_candidates_cover_common_names():
    fmap = resolve_field_map(["Headline", "Body", "Published At", "Link", "Media"])
    assert fmap == {"title": "Headline", "text": "Body", "published": "Published At", "url": "Link",
                    "outlet": "Media"}


def test_validate_rejects_broken_tables():
    corpus = empty_corpus()
    validate_corpus(corpus)
    with pytest.raises(SchemaError, match="lacks columns"):
        validate_corpus(corpus.drop(columns=["title"]))
    bad = corpus.copy()
    bad["title"] = bad["title"].astype(object)
    with pytest.raises(SchemaError, match="title"):
        validate_corpus(bad)
    stray = corpus.assign(topic=pd.Series(dtype="str"))
    with pytest.raises(SchemaError, match="namespaced"):
        validate_corpus(stray)
    two = coerce_schema(pd.DataFrame({"doc_id": ["x", "x"], "title": ["a", "b"], "language": ["en", "en"]}))
    with pytest.raises(SchemaError, match="not unique"):
        validate_corpus(two)
    lang = coerce_schema(pd.DataFrame({"doc_id": ["x"], "title": ["a"], "language": ["english"]}))
    with pytest.raises(SchemaError, match="ISO 639-1"):
        validate_corpus(lang)


def test_same_input_same_output(tmp_path):
    first, _ = ingest(SAMPLE_DIR)
    second, _ = ingest(SAMPLE_DIR)
    pd.testing.assert_frame_equal(first, second)
