"""Readers: every format, encodings, and malformed input (clear error or counted reject)."""
from __future__ import annotations

import gzip
import json

import pandas as pd
import pytest

from analysis import ingest
from analysis.readers import IngestError, detect_encoding, detect_format

RU = "Путин и Ким Чен Ын подписали договор во Владивостоке"
KO = "북한과 러시아가 평양에서 조약을 체결했다"
FR = "Café à Zürich: les négociations reprennent"


def accounted(report):
    assert report.rows_read == report.rows_accepted + report.rows_rejected
    return report


# ---- CSV / TSV ---------------------------------------------------------------
def test_csv_basic_columns_map_to_schema(write):
    path = write("a.csv", "id,title,text,date,url\n1,Kim meets Putin,Body text,2024-06-19,https://tass.ru/1\n")
    corpus, report = ingest(path)
    accounted(report)
    row = corpus.iloc[0]
    assert (row.title, row.text, row.outlet, row.source_id) == ("Kim meets Putin", "Body text", "TASS", "1")
    assert row.published.isoformat() == "2024-06-19T00:00:00+00:00"
    assert detect_format(path) == "csv"


def test_tsv_and_semicolon_delimiters_are_sniffed(write):
    tsv = write("a.tsv", "title\ttext\nKim, Putin meet\tBody, with commas\n")
    semi = write("b.csv", "title;text\nKim, Putin meet;Body, with commas\n")
    for path in (tsv, semi):
        corpus, _ = ingest(path)
        assert corpus["title"].tolist() == ["Kim, Putin meet"]
        assert corpus["text"].tolist() == ["Body, with commas"]


@pytest.mark.parametrize("encoding, text", [
    ("utf-8-sig", RU), ("cp1251", RU), ("cp949", KO), ("euc-kr", KO), ("cp1252", FR),
])
def test_csv_encodings_are_detected(write, encoding, text):
    path = write(f"enc-{encoding}.csv", f"title,text\n{text},{text} {text}\n", encoding=encoding)
    corpus, report = ingest(path)
    assert corpus["title"].iloc[0] == text
    expected = {"euc-kr": "cp949"}.get(encoding, encoding)
    assert report.files[0]["encoding"].replace("_", "-") == expected


def test_encoding_detection_names_the_code_page():
    assert detect_encoding(RU.encode("cp1251") * 3) == "cp1251"
    assert detect_encoding(KO.encode("euc-kr") * 3) == "cp949"
    assert detect_encoding(("\ufeff" + RU).encode("utf-8")) == "utf-8-sig"


def test_file_in_the_wrong_encoding_gives_a_clear_error(write):
    path = write("wrong.csv", f"title,text\n{RU},{RU}\n", encoding="cp1251")
    with pytest.raises(IngestError) as info:
        ingest(path, encoding="utf-8")
    message = str(info.value)
    assert "wrong.csv" in message and "utf-8" in message and "--encoding" in message


def test_column_mapping_for_arbitrary_spreadsheets(write):
    path = write("sheet.csv", "Kolom A,Kolom B,Waktu Terbit\nJudul berita,Isi berita,19/06/2024\n")
    corpus, report = ingest(path, column_map={"title": "Kolom A", "text": "Kolom B", "published": "Waktu Terbit"})
    assert corpus["title"].iloc[0] == "Judul berita"
    assert corpus["published"].iloc[0].isoformat() == "2024-06-19T00:00:00+00:00"
    with pytest.raises(IngestError, match="'Kolom Z'.*not in the file"):
        ingest(path, column_map={"title": "Kolom Z"})
    with pytest.raises(IngestError, match="unknown corpus field"):
        ingest(path, column_map={"headline": "Kolom A"})


def test_unmappable_columns_give_a_clear_error(write):
    path = write("numbers.csv", "a,b\n1,2\n")
    with pytest.raises(IngestError, match=r"numbers\.csv.*cannot map.*--map"):
        ingest(path)


def test_csv_with_a_stray_quote_rejects_one_row_and_keeps_the_rest(write):
    path = write("stray.csv", 'title,text,url\nGood one,Body,https://a.org/1\n"Broken,Body,https://a.org/2\n'
                              "Next,Body,https://a.org/3\nLast,Body,https://a.org/4\n")
    corpus, report = ingest(path)
    accounted(report)
    assert corpus["title"].tolist() == ["Good one", "Next", "Last"]
    assert report.rows_rejected == 1
    reject = report.rejects[0]
    assert reject["reason"] == "malformed_record" and "quote" in reject["detail"]
    assert reject["source_row"] == 2 and reject["source_file"].endswith("stray.csv")


def test_csv_row_with_extra_fields_is_rejected_with_its_line(write):
    path = write("extra.csv", "title,text\nA,B\nC,D,E\nF,G\n")
    corpus, report = ingest(path)
    accounted(report)
    assert report.rows_rejected == 1 and "line 3" in report.rejects[0]["detail"]
    assert corpus["title"].tolist() == ["A", "F"]


@pytest.mark.parametrize("content", [b"", b"   \n\n"])
def test_empty_file_gives_a_clear_error(write, content):
    path = write("empty.csv", content)
    with pytest.raises(IngestError, match=r"empty\.csv.*empty"):
        ingest(path)


def test_header_only_csv_ingests_nothing(write):
    corpus, report = ingest(write("header.csv", "title,text\n"))
    assert len(corpus) == 0 and accounted(report).rows_read == 0


def test_truncated_gzip_gives_a_clear_error(write, tmp_path):
    full = gzip.compress(("title,text\n" + "Kim meets Putin,Body text here\n" * 2000).encode())
    path = tmp_path / "cut.csv.gz"
    path.write_bytes(full[: len(full) // 2])
    with pytest.raises(IngestError, match=r"cut\.csv\.gz.*truncated"):
        ingest(path)


def test_gzip_is_detected_by_content_not_name(write):
    path = write("plain-name.csv", b"")
    path.write_bytes(gzip.compress(b"title,text\nA,B\n"))
    assert ingest(path)[0]["title"].tolist() == ["A"]


# ---- JSON / JSONL ----------------------------------------------------------
def test_jsonl_with_a_non_object_line_and_bad_json_counts_rejects(write):
    path = write("x.jsonl.gz", '{"title": "A", "text": "a"}\n[1, 2]\n{"title": "B", "text": "b"}\n{broken\n\n'
                               '{"title": "C", "tags": ["x", "y"], "meta": {"k": 1}}\n')
    corpus, report = ingest(path)
    accounted(report)
    assert corpus["title"].tolist() == ["A", "B", "C"]
    assert sorted(r["reason"] for r in report.rejects) == ["invalid_json", "not_an_object"]
    assert [r["source_row"] for r in report.rejects] == [2, 4]
    assert json.loads(corpus["src_tags"].iloc[2]) == ["x", "y"]
    assert corpus["source_row"].tolist() == [1, 3, 6]


def test_json_array_and_wrapped_array(write):
    arr = write("a.json", json.dumps([{"title": "A"}, "oops", {"title": "B"}]))
    corpus, report = ingest(arr)
    assert corpus["title"].tolist() == ["A", "B"] and report.rows_rejected == 1
    wrapped = write("b.json", json.dumps({"items": [{"headline": "C", "body": "c"}]}))
    assert ingest(wrapped)[0]["title"].tolist() == ["C"]


def test_invalid_json_document_names_line_and_column(write):
    with pytest.raises(IngestError, match=r"bad\.json.*line 2, column"):
        ingest(write("bad.json", '[{"title": "A"},\n {"title": }]'))


# ---- Parquet ----------------------------------------------------------------
def test_parquet_is_read_in_batches(tmp_path):
    frame = pd.DataFrame({"title": [f"T{i}" for i in range(50)], "published": pd.date_range("2024-06-01", periods=50, tz="UTC"),
                          "views": range(50)})
    path = tmp_path / "x.parquet"
    frame.to_parquet(path)
    corpus, report = ingest(path, chunk_rows=7)
    accounted(report)
    assert len(corpus) == 50 and corpus["title"].iloc[49] == "T49"
    assert corpus["published"].iloc[1].isoformat() == "2024-06-02T00:00:00+00:00"
    assert corpus["src_views"].iloc[3] == "3"


def test_corrupt_parquet_gives_a_clear_error(tmp_path):
    path = tmp_path / "bad.parquet"
    path.write_bytes(b"PAR1 this is not really parquet")
    with pytest.raises(IngestError, match="bad.parquet"):
        ingest(path)


# ---- folders of documents ---------------------------------------------------
def test_folder_of_txt_md_html_with_front_matter(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "a.md").write_text("---\ntitle: Judul dari front matter\ndate: 19 Juni 2024\nurl: https://www.kompas.com/a\n---\n"
                                 "**JAKARTA, KOMPAS.com** - Isi [berita](http://x) di sini.\n![foto](http://img)\n", encoding="utf-8")
    (folder / "b.txt").write_text("Headline from first line\n\nBody of the text file.", encoding="utf-8")
    (folder / "c.html").write_text("<html><head><title>Page title</title></head><body><nav>Home | World</nav><article>"
                                   "<p>" + "The treaty entered into force on Wednesday after ratification. " * 5 + "</p>"
                                   "</article></body></html>", encoding="utf-8")
    (folder / "d.pdf").write_bytes(b"%PDF-1.4")
    (folder / ".DS_Store").write_bytes(b"\0")
    (folder / "e.md").write_text("---\ntitle: [unclosed\n---\nbody", encoding="utf-8")
    corpus, report = ingest(folder)
    accounted(report)
    assert report.rows_read == 5  # hidden file skipped, counted as a warning
    assert report.warnings.get("hidden_file_skipped") == 1
    by_title = corpus.set_index("title")
    md = by_title.loc["Judul dari front matter"]
    assert md.text == "JAKARTA, KOMPAS.com - Isi berita di sini."
    assert md.outlet == "Kompas" and md.published.isoformat() == "2024-06-19T00:00:00+00:00"
    assert by_title.loc["Headline from first line"].text == "Body of the text file."
    assert "Home" not in by_title.loc["Page title"].text
    reasons = {r["reason"] for r in report.rejects}
    assert reasons == {"unsupported_file", "front_matter"}


def test_folder_with_data_files_reads_each_with_its_reader(tmp_path):
    folder = tmp_path / "mixed"
    folder.mkdir()
    (folder / "one.csv").write_text("title,text\nA,a\n", encoding="utf-8")
    (folder / "two.jsonl").write_text('{"title": "B"}\n', encoding="utf-8")
    (folder / "three.txt").write_text("C\n\nc", encoding="utf-8")
    corpus, report = ingest(folder)
    assert sorted(corpus["title"]) == ["A", "B", "C"]
    assert {f["family"] for f in report.files} == {"csv", "jsonl", "folder"}


# ---- RSS / Atom ----------------------------------------------------------------
RSS = """<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Feed</title>
<link>https://www.yna.co.kr</link><language>ko</language>
<item><title>북한, 러시아와 조약</title><link>https://www.yna.co.kr/view/AKR1</link><guid>AKR1</guid>
<pubDate>Wed, 19 Jun 2024 15:20:00 +0900</pubDate><description>&lt;p&gt;평양에서 &amp;quot;조약&amp;quot; 체결&lt;/p&gt;</description></item>
<item><title>두 번째</title><link>https://www.yna.co.kr/view/AKR2</link><pubDate>Thu, 20 Jun 2024 09:00:00 +0900</pubDate></item>
</channel></rss>"""

ATOM = """<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Atom feed</title>
<entry><title>Entry one</title><link href="https://www.reuters.com/world/a"/><id>urn:1</id>
<updated>2024-06-19T10:00:00Z</updated><content type="html">&lt;p&gt;Full body&lt;/p&gt;</content></entry></feed>"""


def test_rss_items_become_rows(write):
    corpus, report = ingest(write("feed.xml", RSS))
    accounted(report)
    assert corpus["title"].tolist() == ["북한, 러시아와 조약", "두 번째"]
    assert corpus["lead"].iloc[0] == '평양에서 "조약" 체결'
    assert corpus["published"].iloc[0].isoformat() == "2024-06-19T06:20:00+00:00"
    assert corpus["outlet"].iloc[0] == "Yonhap News Agency" and corpus["language"].iloc[0] == "ko"


def test_atom_entries_become_rows(write):
    corpus, _ = ingest(write("feed.atom", ATOM))
    assert corpus["text"].iloc[0] == "Full body" and corpus["outlet"].iloc[0] == "Reuters"


def test_broken_xml_gives_a_clear_error(write):
    with pytest.raises(IngestError, match=r"broken\.xml.*not a well-formed"):
        ingest(write("broken.xml", "<rss><channel><item><title>x</tit"))


# ---- Media Cloud and GDELT ---------------------------------------------------------
def test_media_cloud_export(write):
    path = write("mc.csv", "id,indexed_date,language,media_name,media_url,publish_date,title,url\n"
                           f"{'ab' * 32},2024-06-19 08:00:00,en,The Guardian - International,theguardian.com,"
                           "2024-06-19,Putin and Kim sign pact,https://www.theguardian.com/world/x\n")
    corpus, report = ingest(path)
    assert report.files[0]["family"] == "mediacloud"
    row = corpus.iloc[0]
    assert (row.outlet, row.source_id, row.outlet_raw) == ("The Guardian", "ab" * 32, "The Guardian - International")
    assert row.src_indexed_date == "2024-06-19 08:00:00"


def test_media_cloud_aggregate_rows_are_rejected_with_a_reason(write):
    corpus, report = ingest(write("top.csv", "source,count\ndailymail.co.uk,11329\n"))
    assert len(corpus) == 0 and accounted(report).rows_rejected == 1
    assert report.rejects[0]["reason"] == "aggregate_row"


GDELT_ROW = ["https://www.nknews.org/x", "", "Putin in Pyongyang", "20240618T223000Z", "", "nknews.org", "English", "South Korea"]


def test_gdelt_doc_article_list_csv_and_json(write):
    header = "url,url_mobile,title,seendate,socialimage,domain,language,sourcecountry\n"
    csv_path = write("artlist.csv", header + ",".join(GDELT_ROW) + "\n")
    keys = header.strip().split(",")
    json_path = write("artlist.json", json.dumps({"articles": [dict(zip(keys, GDELT_ROW))]}))
    for path in (csv_path, json_path):
        corpus, report = ingest(path)
        assert report.files[0]["family"] == "gdelt-doc"
        row = corpus.iloc[0]
        assert row.published.isoformat() == "2024-06-18T22:30:00+00:00"
        assert (row.language_input, row.outlet, row.src_sourcecountry) == ("en", "NK News", "South Korea")


def test_gdelt_gkg_21_rows(write):
    fields = [""] * 27
    fields[0], fields[1], fields[2], fields[3] = "20190425150000-1427", "20190425150000", "1", "tass.com"
    fields[4] = "https://tass.com/politics/1055000"
    fields[11] = "kim jong un;vladimir putin"
    fields[25] = "srclc:rus;eng:GT-RUS 1.0"
    fields[26] = "<PAGE_TITLE>Putin, Kim hold talks in Vladivostok</PAGE_TITLE>"
    path = write("gkg.csv", "\t".join(fields) + "\n")
    assert detect_format(path) == "gkg"
    corpus, report = ingest(path)
    row = corpus.iloc[0]
    assert row.title == "Putin, Kim hold talks in Vladivostok"
    assert row.published.isoformat() == "2019-04-25T15:00:00+00:00"
    assert (row.outlet, row.language_input, row.src_persons) == ("TASS (English)", "ru", "kim jong un;vladimir putin")


def test_unknown_format_and_missing_file_give_clear_errors(write, tmp_path):
    with pytest.raises(IngestError, match="unknown format"):
        ingest(write("a.csv", "title\nA\n"), format="docx")
    with pytest.raises(IngestError, match=r"nothing-here\.csv.*no such file"):
        ingest(tmp_path / "nothing-here.csv")


def test_explicit_format_applies_to_every_file_of_a_folder(tmp_path):
    folder = tmp_path / "dumps"
    folder.mkdir()
    (folder / "a.log").write_text('{"title": "A"}\n', encoding="utf-8")
    (folder / "b.log").write_text('{"title": "B"}\n', encoding="utf-8")
    corpus, report = ingest(folder, format="jsonl")
    assert corpus["title"].tolist() == ["A", "B"] and len(report.files) == 2


# ---- single news pages: headline, date, outlet, author with their sources -----
PAGES = {
    # language: (menu line, headline, byline, date line, first body line, footer, expected date, outlet)
    "en": ("Menu Home World Search Subscribe", "Putin and Kim sign mutual defence pact in Pyongyang", "By Jane Doe",
           "19 June 2024, 14:05 BST", "Russian President Vladimir Putin and Kim Jong Un signed a treaty on Wednesday.",
           "© 2024 Northern Herald. All rights reserved.", "2024-06-19 13:05", "Northern Herald"),
    "id": ("Beranda | Nasional | Internasional | Cari | Masuk", "Putin dan Kim Jong Un teken pakta pertahanan di Pyongyang",
           "Oleh Ahmad Fauzi", "Rabu, 19 Juni 2024 | 13:20 WIB",
           "Jakarta, KOMPAS.com - Presiden Rusia Vladimir Putin dan Kim Jong Un menandatangani perjanjian.",
           "Copyright 2008 - 2024 PT. Kompas Cyber Media", "2024-06-19 06:20", "KOMPAS.com"),
    "ru": ("Главная Новости Политика Поиск Войти", "Путин и Ким Чен Ын подписали договор о всеобъемлющем партнерстве",
           "Автор: Иван Петров", "19 июня 2024, 14:05 МСК", "Москва, 19 июня. Президент России подписал договор с КНДР.",
           "© 2024 РИА Новости", "2024-06-19 11:05", "РИА Новости"),
    "ko": ("메뉴 홈 정치 북한 검색 로그인", "푸틴·김정은, 평양서 포괄적 전략동반자 협정 서명", "김민수 기자",
           "2024년 6월 19일 15:20", "블라디미르 푸틴 러시아 대통령과 김정은 국무위원장이 협정에 서명했다.",
           "(c) Yonhap News Agency", "2024-06-19 06:20", "Yonhap News Agency"),  # read in Seoul time: the outlet is known
}


def _bare_page(menu, headline, byline, date_line, first, footer):
    """A page as a browser saves it from a site without metadata: menus, a headline, the date under it."""
    body = " ".join(f"<p>{first} Kalimat kedua sekali lagi untuk panjang teks artikel ini.</p>" for _ in range(3))
    return (f"<html><head><meta charset='utf-8'></head><body><div class='top'>"
            + "".join(f"<a href='/{i}'>{w}</a> " for i, w in enumerate(menu.replace('|', ' ').split()))
            + f"</div><div class='content'><div class='headline'>{headline}</div><div class='meta'>{byline}</div>"
            f"<div class='meta'>{date_line}</div>{body}</div><div class='foot'>{footer}</div></body></html>")


@pytest.mark.parametrize("lang", sorted(PAGES))
@pytest.mark.parametrize("suffix", [".html", ".txt"])
def test_pasted_page_gives_headline_date_outlet_author_not_the_menu(tmp_path, lang, suffix):
    menu, headline, byline, date_line, first, footer, when, outlet = PAGES[lang]
    page = tmp_path / f"page{suffix}"
    if suffix == ".html":
        page.write_text(_bare_page(menu, headline, byline, date_line, first, footer), encoding="utf-8")
    else:
        lines = [*menu.split(" | " if "|" in menu else " "), headline, byline, date_line, first, "Share", footer]
        page.write_text("\n".join(lines), encoding="utf-8")
    corpus, report = ingest(page)
    accounted(report)
    row = corpus.iloc[0]
    assert row.title == headline and row.title_source == "text"
    assert row.published.strftime("%Y-%m-%d %H:%M") == when and row.published_source == "date line"
    assert row.author == byline.replace("By ", "").replace("Oleh ", "").replace("Автор: ", "").replace(" 기자", "")
    assert row.author_source == "byline"
    assert row.outlet_raw == outlet and row.outlet_source in {"dateline", "copyright line"}
    assert not any(w in row.text.split("\n")[0] for w in ("Menu", "Beranda", "Главная", "메뉴"))


def test_page_metadata_wins_and_keeps_the_time_trafilatura_drops(tmp_path):
    import trafilatura

    html = ("<html><head><title>Putin and Kim sign a pact | Northern Herald</title>"
            "<meta property='og:site_name' content='Northern Herald'>"
            "<meta property='article:published_time' content='2024-06-19T14:05:00+01:00'>"
            "<meta name='author' content='Jane Doe'>"
            "<link rel='canonical' href='https://www.northernherald.example/world/putin-kim'></head><body>"
            "<nav><ul><li>Menu</li><li>Home</li><li>Login</li></ul></nav><article><h1>Putin and Kim sign a pact</h1>"
            + "<p>Russian President Vladimir Putin and North Korean leader Kim Jong Un signed a treaty.</p>" * 3
            + "</article></body></html>")
    assert trafilatura.extract_metadata(html).date == "2024-06-19"  # the day only: the time is lost
    (tmp_path / "p.html").write_text(html, encoding="utf-8")
    row = ingest(tmp_path / "p.html")[0].iloc[0]
    assert (row.title, row.title_source) == ("Putin and Kim sign a pact", "<title>")
    assert row.published.isoformat() == "2024-06-19T13:05:00+00:00"
    assert row.published_source == "meta article:published_time"
    assert (row.outlet_raw, row.outlet_domain, row.outlet_source) == ("Northern Herald", "northernherald.example",
                                                                      "canonical")
    assert (row.author, row.author_source) == ("Jane Doe", "meta author")


def test_a_page_whose_only_heading_is_a_menu_gets_the_headline_line(tmp_path):
    html = ("<html><head><title>Menu</title></head><body><h1>Menu</h1><h2>Beranda</h2>"
            "<p>Kim Jong Un receives Russian defence minister in Pyongyang</p><p>2024-09-13</p>"
            + "<p>Kim Jong Un received the Russian defence minister on Friday, KCNA said in a report.</p>" * 3
            + "</body></html>")
    (tmp_path / "p.html").write_text(html, encoding="utf-8")
    row = ingest(tmp_path / "p.html")[0].iloc[0]
    assert row.title == "Kim Jong Un receives Russian defence minister in Pyongyang"
    assert row.published.date().isoformat() == "2024-09-13"


def test_front_matter_beats_the_page_and_is_its_own_source(tmp_path):
    (tmp_path / "a.md").write_text("---\ntitle: From front matter\n---\nMenu\nA headline in the body\nText.\n",
                                   encoding="utf-8")
    row = ingest(tmp_path / "a.md")[0].iloc[0]
    assert row.title == "From front matter" and row.title_source == "title"
