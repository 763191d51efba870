"""Cleaning and language identification."""
from __future__ import annotations

import unicodedata

import pytest

from analysis.text import clean_text, detect_language, normalise_language_tag, resolve_language, strip_html


def test_html_tags_scripts_and_entities_are_stripped():
    out = clean_text("<div><p>Putin &amp; Kim&nbsp;met</p><script>track()</script><p>Second&#8212;para</p></div>")
    assert out.text == "Putin & Kim met\n\nSecond—para"
    assert out.had_html


def test_text_is_nfc_normalised():
    decomposed = unicodedata.normalize("NFD", "Café 북한")
    assert clean_text(decomposed).text == unicodedata.normalize("NFC", "Café 북한")


@pytest.mark.parametrize("line", [
    "Baca juga: Putin Tiba di Pyongyang",
    "Bagikan",
    "(***)",
    "Share this article",
    "Читайте также: Визит Путина в КНДР",
    "무단 전재 및 재배포 금지",
    "ADVERTISEMENT",
    "[video.1]",
])
def test_boilerplate_lines_are_removed_and_counted(line):
    out = clean_text(f"Kim Jong Un menerima Putin.\n{line}\nPerjanjian ditandatangani.")
    assert line not in out.text
    assert out.boilerplate_lines == 1
    assert "Perjanjian ditandatangani." in out.text


def test_duplicated_caption_line_is_removed_once():
    caption = "Kim Jong Un dan Vladimir Putin di Pyongyang."
    out = clean_text(f"{caption}\nIsi berita pertama.\n{caption}\nIsi berita kedua.")
    assert out.text.count(caption) == 1
    assert out.boilerplate_lines == 1


def test_boilerplate_removal_can_be_switched_off():
    out = clean_text("Isi.\nBaca juga: lain", remove_boilerplate=False)
    assert "Baca juga" in out.text and out.boilerplate_lines == 0


def test_whitespace_normalised_but_paragraphs_kept():
    assert clean_text("  One   two \t three \n\n\n\n Four  ").text == "One two three\n\nFour"


def test_mojibake_is_noticed():
    assert clean_text("Nowy wymiar opÄ\x99tania â\x80\x9eMÃ³w").mojibake
    assert not clean_text("Nowy wymiar opętania „Mów").mojibake


def test_strip_html_keeps_block_breaks():
    assert strip_html("<h1>T</h1><p>a<br>b</p>") == "T\n\na\n\nb"


@pytest.mark.parametrize("text, lang", [
    ("Presiden Rusia Vladimir Putin bertemu pemimpin Korea Utara Kim Jong Un di Pyongyang pada hari Rabu", "id"),
    ("Президент России Владимир Путин встретился с лидером КНДР Ким Чен Ыном во Владивостоке", "ru"),
    ("북한과 러시아가 평양에서 포괄적 전략동반자 조약을 체결했다", "ko"),
    ("North Korean leader Kim Jong Un met Russian President Vladimir Putin at the Vostochny cosmodrome", "en"),
    ("Korea Północna wysłała żołnierzy do Rosji, twierdzi wywiad Korei Południowej", "pl"),
])
def test_language_detection_offline(text, lang):
    assert detect_language(text)[0] == lang


def test_malay_detection_is_reported_as_indonesian_unless_the_source_says_ms():
    text = "Kerajaan akan mengumumkan bajet baharu minggu hadapan kata menteri"
    assert detect_language(text)[0] == "id"
    assert resolve_language("ms", "id", 0.99, 80) == ("ms", None)


@pytest.mark.parametrize("tag, code", [("en-US", "en"), ("English", "en"), ("Indonesian", "id"), ("rus", "ru"),
                                       ("in", "id"), ("ko_KR", "ko"), ("", None), (None, None), ("klingon", None)])
def test_language_tags_normalise_to_iso_639_1(tag, code):
    assert normalise_language_tag(tag) == code


def test_source_tag_wins_unless_detector_is_confident():
    assert resolve_language("en", "pl", 0.5, 200) == ("en", None)
    assert resolve_language("en", "pl", 0.99, 200) == ("pl", "language_mismatch")
    assert resolve_language(None, "ru", 0.1, 10) == (None, "language_undetermined")
    assert resolve_language(None, "ru", 0.9, 10) == ("ru", None)
