"""Date parsing: formats, languages, zones, day/month order, URL dates."""
from __future__ import annotations

import pandas as pd
import pytest

from analysis.dates import DateOrderError, date_from_url, infer_dayfirst, parse_datetime, parse_datetime_series


def iso(text, **kw):
    parsed = parse_datetime(text, **kw)
    return None if parsed.value is None else parsed.value.isoformat()


@pytest.mark.parametrize("text, expected", [
    ("2024-06-19T10:15:00Z", "2024-06-19T10:15:00+00:00"),
    ("2023-01-01 00:04:54+00:00", "2023-01-01T00:04:54+00:00"),
    ("2024-06-19T19:15:00+09:00", "2024-06-19T10:15:00+00:00"),
    ("2024-06-19", "2024-06-19T00:00:00+00:00"),
])
def test_iso_8601_parses(text, expected):
    assert iso(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("Wed, 19 Jun 2024 12:30:00 +0300", "2024-06-19T09:30:00+00:00"),
    ("Wed, 19 Jun 2024 10:00:00 GMT", "2024-06-19T10:00:00+00:00"),
    ("19 Jun 2024 10:00 EST", "2024-06-19T15:00:00+00:00"),
])
def test_rfc_822_parses(text, expected):
    assert iso(text) == expected


def test_epoch_seconds_and_milliseconds_parse():
    assert iso("1718755200") == "2024-06-19T00:00:00+00:00"
    assert iso("1718755200123") == "2024-06-19T00:00:00.123000+00:00"
    assert iso(1718755200) == "2024-06-19T00:00:00+00:00"


def test_gdelt_compact_forms_parse():
    assert iso("20240619T101500Z") == "2024-06-19T10:15:00+00:00"
    assert iso("20190417071500") == "2019-04-17T07:15:00+00:00"


@pytest.mark.parametrize("text, expected", [
    ("23 Mei 2024 10:06 WIB", "2024-05-23T03:06:00+00:00"),
    ("19 Agustus 2024", "2024-08-19T00:00:00+00:00"),
    ("04 Des 2023 11:45 WIB", "2023-12-04T04:45:00+00:00"),
    ("31 Okt 2023 14:00 WITA", "2023-10-31T06:00:00+00:00"),
    ("Rabu, 19 Juni 2024 pukul 15.20 WIT", "2024-06-19T06:20:00+00:00"),
    ("12 Desember 2024", "2024-12-12T00:00:00+00:00"),
])
def test_indonesian_month_names_and_zones_parse(text, expected):
    assert iso(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("19 июня 2024 г.", "2024-06-19T00:00:00+00:00"),
    ("24 октября 2024 года, 14:30 МСК", "2024-10-24T11:30:00+00:00"),
    ("6 ноября 2024, 11:00 MSK", "2024-11-06T08:00:00+00:00"),
    ("19.06.2024 14:30 MSK", "2024-06-19T11:30:00+00:00"),
])
def test_russian_month_names_and_msk_parse(text, expected):
    assert iso(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("2024년 6월 19일", "2024-06-19T00:00:00+00:00"),
    ("2024년 6월 19일 오후 3시 20분", "2024-06-19T06:20:00+00:00"),
    ("2024년 6월 19일 오전 9:05", "2024-06-19T00:05:00+00:00"),
    ("2024.06.19 15:20 KST", "2024-06-19T06:20:00+00:00"),
])
def test_korean_dates_parse_in_korean_time(text, expected):
    # Korean dates without a zone are read in Asia/Seoul here, as the outlet registry would say
    assert iso(text, timezone_name="Asia/Seoul") == expected


@pytest.mark.parametrize("text, expected", [
    ("June 19, 2024 3:05 PM EDT", "2024-06-19T19:05:00+00:00"),
    ("22 April 2024, 17:22", "2024-04-22T17:22:00+00:00"),
])
def test_english_month_names_parse(text, expected):
    assert iso(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("19-06-2024", "2024-06-19T00:00:00+00:00"),
    ("19 June 2024 14:30 +0700", "2024-06-19T07:30:00+00:00"),
    ("19 June 2024 14:30:00+07:00", "2024-06-19T07:30:00+00:00"),
    ("Senin, 19/06/2024 15:20", "2024-06-19T15:20:00+00:00"),
])
def test_dashes_and_numeric_offsets_are_not_confused(text, expected):
    assert iso(text) == expected


def test_naive_time_is_read_in_the_given_zone_but_a_date_keeps_its_calendar_day():
    assert iso("2025-02-24 16:46:10", timezone_name="Asia/Jakarta") == "2025-02-24T09:46:10+00:00"
    assert iso("2024-12-24", timezone_name="Asia/Pyongyang") == "2024-12-24T00:00:00+00:00"


@pytest.mark.parametrize("text", ["kemarin sore", "", "nan", "13/13/2024", "31 Februari 2024", "2024-02-30"])
def test_unparseable_values_give_none(text):
    assert parse_datetime(text).value is None


def test_ambiguous_day_month_defaults_to_dayfirst_and_says_so():
    parsed = parse_datetime("09/10/2023, 13:33 WIB")
    assert parsed.value.month == 10 and parsed.value.day == 9
    assert parsed.ambiguous
    explicit = parse_datetime("09/10/2023", dayfirst=False)
    assert (explicit.value.month, explicit.value.day, explicit.ambiguous) == (9, 10, False)


def test_unambiguous_values_are_not_flagged():
    assert not parse_datetime("22/12/2023").ambiguous
    assert parse_datetime("12/22/2023").value.month == 12


def test_day_month_order_is_inferred_per_column():
    assert infer_dayfirst(["09/10/2023", "22/12/2023"]) is True
    assert infer_dayfirst(["09/10/2023", "12/22/2023"]) is False
    assert infer_dayfirst(["09/10/2023"]) is None
    with pytest.raises(DateOrderError, match="both"):
        infer_dayfirst(["22/12/2023", "12/22/2023"])


def test_series_parse_uses_column_evidence():
    out = parse_datetime_series(pd.Series(["05/03/2024", "25/03/2024", None, "junk"]))
    assert out["published"].dt.day.tolist()[:2] == [5, 25]
    assert out["published"].isna().tolist() == [False, False, True, True]
    assert not out["ambiguous"].any()
    assert str(out["published"].dtype) == "datetime64[us, UTC]"


@pytest.mark.parametrize("url, expected, precision", [
    ("https://www.cnbcindonesia.com/news/20240503132707-4-535863/x", "2024-05-03T06:27:07+00:00", "second"),
    ("http://www.kompas.com/properti/read/2025/05/27/220000321/x", "2025-05-27T00:00:00+00:00", "day"),
    ("http://www.ng.ru/world/2004-06-16/3_afghanistan.html", "2004-06-16T00:00:00+00:00", "day"),
])
def test_dates_from_urls(url, expected, precision):
    parsed = date_from_url(url, timezone_name="Asia/Jakarta")
    assert parsed.value.isoformat() == expected
    assert parsed.precision == precision


def test_urls_without_dates_give_none():
    assert date_from_url("https://example.org/about/20241399").value is None
    assert date_from_url(None).value is None
