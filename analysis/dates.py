"""Publication dates from whatever a source wrote.

Parses ISO 8601, RFC 822, epoch seconds or milliseconds, GDELT's compact
``YYYYMMDDTHHMMSSZ`` and ``YYYYMMDDHHMMSS``, and messy local formats with month
names in English, Indonesian, Russian and Korean (``09/10/2023, 13:33 WIB``,
``27 Sep 2024 08:05 WIB``, ``22 April 2024, 17:22``, ``19 июня 2024 г.``,
``2024년 6월 19일 오후 3시``), with the zone abbreviations WIB, WITA, WIT, KST,
MSK and a few others. All results are timezone-aware UTC.

Rules (documented here, applied everywhere)
-------------------------------------------
* **Time zone.** An explicit offset or zone abbreviation wins. A value without
  one is read in the *source time zone*: the outlet's zone from the outlet
  registry when it is known, else the ``timezone`` the user gave (default
  UTC). Rows read this way are not warned about individually; the rule is.
* **Day or month first.** ``09/10/2023`` is ambiguous. Per source (one column
  of one file) the rule is: the user's ``dayfirst`` when given; else the
  evidence in the column (a first number above 12 means day-first, a second
  number above 12 means month-first); else day-first, the convention of
  Indonesian, Russian, Korean-English and British sources. Every value
  resolved by that last default carries the warning ``ambiguous_day_month``.
  A column whose values prove both orders is an error, not a guess.
* **Dates from URLs** (``/20240503132707-``, ``/2024/05/03/``,
  ``/2024-05-03/``) are used only when no date field gives a value, and are
  flagged in ``published_source`` as ``"url"``.

Examples
--------
>>> parse_datetime("09/10/2023, 13:33 WIB").value.isoformat()
'2023-10-09T06:33:00+00:00'
>>> parse_datetime("2024년 6월 19일").value.date().isoformat()
'2024-06-19'
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

import pandas as pd

#: Offsets (hours) of the zone abbreviations the parser knows.
ZONE_OFFSETS = {
    "WIB": 7, "WITA": 8, "WIT": 9, "KST": 9, "JST": 9, "MSK": 3, "MSD": 4,
    "UTC": 0, "GMT": 0, "Z": 0, "BST": 1, "CET": 1, "CEST": 2, "EET": 2,
    "EEST": 3, "EST": -5, "EDT": -4, "CST": -6, "CDT": -5, "PST": -8, "PDT": -7,
    "SGT": 8, "HKT": 8, "ICT": 7, "IST": 5.5, "МСК": 3,
}
#: Zone names RFC 822 itself knows; other abbreviations go to the local parser.
_RFC_ZONES = r"(?:[+-]\d{4}|GMT|UT|UTC|Z|[ECMP][SD]T)"

_MONTHS = {
    # English
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6,
    "july": 7, "august": 8, "september": 9, "october": 10, "november": 11,
    "december": 12, "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7,
    "aug": 8, "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12,
    # Indonesian
    "januari": 1, "februari": 2, "maret": 3, "mei": 5, "juni": 6, "juli": 7,
    "agustus": 8, "oktober": 10, "desember": 12, "peb": 2, "agu": 8, "agt": 8,
    "ags": 8, "okt": 10, "nop": 11, "des": 12,
    # Russian (nominative, genitive, abbreviations)
    "январь": 1, "января": 1, "янв": 1, "февраль": 2, "февраля": 2, "фев": 2,
    "март": 3, "марта": 3, "мар": 3, "апрель": 4, "апреля": 4, "апр": 4,
    "май": 5, "мая": 5, "июнь": 6, "июня": 6, "июн": 6, "июль": 7, "июля": 7,
    "июл": 7, "август": 8, "августа": 8, "авг": 8, "сентябрь": 9,
    "сентября": 9, "сен": 9, "сент": 9, "октябрь": 10, "октября": 10,
    "окт": 10, "ноябрь": 11, "ноября": 11, "ноя": 11, "нояб": 11,
    "декабрь": 12, "декабря": 12, "дек": 12,
}
_WEEKDAYS = (
    "monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|tues|wed|"
    "thu|thur|thurs|fri|sat|sun|senin|selasa|rabu|kamis|jumat|jum'at|sabtu|"
    "minggu|ahad|понедельник|вторник|среда|четверг|пятница|суббота|"
    "воскресенье|пн|вт|ср|чт|пт|сб|вс"
)
_FILLER = r"\b(?:pukul|jam|at|в|г\.?|года|год|hrs|uhr|the|of)\b"

_MONTH_RE = re.compile(
    r"(?<![a-zа-яё])(" + "|".join(sorted(map(re.escape, _MONTHS), key=len, reverse=True))
    + r")\.?(?![a-zа-яё])"
)
_WEEKDAY_RE = re.compile(r"(?<![a-zа-яё])(?:" + _WEEKDAYS + r")\.?,?(?![a-zа-яё'])")
_ZONE_RE = re.compile(
    r"(?<![A-Za-zА-Яа-я])(" + "|".join(sorted(ZONE_OFFSETS, key=len, reverse=True))
    + r")(?![A-Za-zА-Яа-я])(?:\s*([+-])\s*(\d{1,2})(?::?(\d{2}))?)?"
)
# a numeric offset after a clock time or a space ("14:30+07:00", "14:30 +0700"), never "19-06-2024"
_OFFSET_RE = re.compile(r"(?:(?<=\d\d:\d\d)|(?<=\s))([+-])(\d{2}):?(\d{2})\s*$")
_TIME_RE = re.compile(
    r"(?<!\d)(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?\s*(am|pm|a\.m\.|p\.m\.)?(?!\d)"
)
_KO_DATE_RE = re.compile(r"(\d{4})\s*년\s*(\d{1,2})\s*월\s*(\d{1,2})\s*일")
_KO_TIME_RE = re.compile(r"(오전|오후)?\s*(\d{1,2})\s*시(?:\s*(\d{1,2})\s*분)?(?:\s*(\d{1,2})\s*초)?")
_KO_AMPM_RE = re.compile(r"(오전|오후)\s*(\d{1,2}):(\d{2})")

_URL_DATE_PATTERNS = [
    # /20240503132707-128-535535/ (CNBC Indonesia, CNN Indonesia)
    (re.compile(r"/((?:19|20)\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})-"), "second"),
    # /2024/05/03/ (Kompas read/, many WordPress sites)
    (re.compile(r"/((?:19|20)\d{2})/(\d{2})/(\d{2})(?:/|$)"), "day"),
    # /2024-05-03/ or /2024-05-03- (Bloomberg, NG)
    (re.compile(r"/((?:19|20)\d{2})-(\d{2})-(\d{2})(?:[/-]|$)"), "day"),
    # /20240503/ as a whole path segment
    (re.compile(r"/((?:19|20)\d{2})(\d{2})(\d{2})(?:/|$)"), "day"),
]


class DateOrderError(ValueError):
    """A column whose values prove both day-first and month-first order."""


@dataclass(frozen=True)
class ParsedDate:
    """One parsed value.

    Attributes
    ----------
    value : pandas.Timestamp or None
        UTC timestamp, or None when the text could not be parsed.
    precision : {"second", "minute", "day", "month", None}
    ambiguous : bool
        Day and month could both be either (``09/10/2023``) and the order
        came from the ``dayfirst`` rule, not the value.
    zone_explicit : bool
        The text carried an offset or a zone abbreviation.
    """

    value: pd.Timestamp | None
    precision: str | None = None
    ambiguous: bool = False
    zone_explicit: bool = False


_FAILED = ParsedDate(None)


def _tzinfo(tz) -> timezone | ZoneInfo:
    if tz is None:
        return timezone.utc
    if isinstance(tz, (timezone, ZoneInfo)):
        return tz
    return ZoneInfo(str(tz))


def _finish(dt: datetime, precision: str, *, tz, ambiguous=False) -> ParsedDate:
    explicit = dt.tzinfo is not None
    if not explicit:
        # a date without a time keeps its calendar date: 00:00 UTC, not local midnight
        dt = dt.replace(tzinfo=timezone.utc if precision in ("day", "month") else _tzinfo(tz))
    if not 1800 <= dt.year <= 2200:
        return _FAILED
    ts = pd.Timestamp(dt).tz_convert("UTC")
    return ParsedDate(ts, precision, ambiguous, explicit)


def _epoch(text: str, tz) -> ParsedDate | None:
    if not re.fullmatch(r"-?\d+(?:\.\d+)?", text):
        return None
    digits = text.split(".")[0].lstrip("-")
    if len(digits) == 8:  # YYYYMMDD
        try:
            return _finish(datetime.strptime(text, "%Y%m%d"), "day", tz=tz)
        except ValueError:
            return _FAILED
    if len(digits) == 14:  # YYYYMMDDHHMMSS (GDELT GKG DATE)
        try:
            return _finish(datetime.strptime(text, "%Y%m%d%H%M%S").replace(tzinfo=timezone.utc), "second", tz=tz)
        except ValueError:
            return _FAILED
    if 9 <= len(digits) <= 10:
        ts = pd.Timestamp(round(float(text) * 1_000_000), unit="us", tz="UTC")
    elif 12 <= len(digits) <= 13:
        ts = pd.Timestamp(round(float(text) * 1000), unit="us", tz="UTC")
    else:
        return _FAILED
    return ParsedDate(ts, "second", False, True)


def _ymd(y: int, m: int, d: int) -> bool:
    try:
        datetime(y, m, d)
    except ValueError:
        return False
    return True


def _take_time(text: str):
    """Find a clock time; return (h, m, s, us, precision, rest)."""
    match = _TIME_RE.search(text)
    if not match:
        return 0, 0, 0, 0, "day", text
    h, m = int(match.group(1)), int(match.group(2))
    s = int(match.group(3) or 0)
    frac = match.group(4)
    us = int((frac + "000000")[:6]) if frac else 0
    ampm = (match.group(5) or "").replace(".", "")
    if ampm == "pm" and h < 12:
        h += 12
    elif ampm == "am" and h == 12:
        h = 0
    precision = "second" if match.group(3) else "minute"
    rest = text[: match.start()] + " " + text[match.end():]
    return h, m, s, us, precision, rest


def _numeric_date(rest: str, dayfirst: bool | None):
    """Return (y, m, d, ambiguous) from the numbers left in ``rest``."""
    nums = re.findall(r"\d+", rest)
    if len(nums) < 3:
        if len(nums) == 2 and len(nums[0]) == 4 and "@month@" not in rest:  # 2024-06
            return int(nums[0]), int(nums[1]), 1, False, "month"
        return None
    a, b, c = nums[:3]
    if len(a) == 4:  # Y-M-D (ISO, Korean dotted 2024.06.19)
        return int(a), int(b), int(c), False, "day"
    if len(c) in (2, 4):
        year = int(c) if len(c) == 4 else 2000 + int(c)
        x, y = int(a), int(b)
        if x > 12 and y <= 12:
            return year, y, x, False, "day"
        if y > 12 and x <= 12:
            return year, x, y, False, "day"
        if x == y:  # 05/05/2024 reads the same either way
            return year, x, y, False, "day"
        first = True if dayfirst is None else dayfirst
        day, month = (x, y) if first else (y, x)
        return year, month, day, dayfirst is None, "day"
    return None


@lru_cache(maxsize=200_000)
def _parse_cached(text: str, dayfirst: bool | None, tz: str | None) -> ParsedDate:
    return _parse_uncached(text, dayfirst, tz)


def _parse_uncached(text: str, dayfirst: bool | None, tz) -> ParsedDate:
    text = text.strip()
    if not text or text.lower() in {"nan", "nat", "none", "null", "-"}:
        return _FAILED
    # 1. epoch seconds / milliseconds / compact digits
    result = _epoch(text, tz)
    if result is not None:
        return result
    # 2. GDELT DOC seendate 20240503T132707Z
    m = re.fullmatch(r"(\d{8})T(\d{6})Z?", text)
    if m:
        try:
            dt = datetime.strptime(m.group(1) + m.group(2), "%Y%m%d%H%M%S")
        except ValueError:
            return _FAILED
        return _finish(dt.replace(tzinfo=timezone.utc), "second", tz=tz)
    # 3. ISO 8601
    try:
        dt = datetime.fromisoformat(text.replace(" UTC", "+00:00"))
    except ValueError:
        dt = None  # not ISO 8601: the RFC 822 and local-format parsers below try next
    if dt is not None:
        precision = "day" if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text) else "second"
        return _finish(dt, precision, tz=tz)
    # 4. RFC 822 (RSS pubDate)
    if re.match(r"^(?:[A-Za-z]{3},\s*)?\d{1,2}\s+[A-Za-z]{3}\s+\d{2,4}\s+\d{1,2}:\d{2}(?::\d{2})?\s*(?:"
                + _RFC_ZONES + r")?$", text):
        try:
            dt = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            dt = None
        if dt is not None:
            return _finish(dt, "second", tz=tz)
    return _parse_local(text, dayfirst, tz)


def _parse_local(text: str, dayfirst: bool | None, tz) -> ParsedDate:
    """Messy local formats: month names, zone abbreviations, Korean units."""
    zone = None
    zm = _ZONE_RE.search(text)
    if zm:
        hours = float(ZONE_OFFSETS[zm.group(1)])
        if zm.group(2):  # GMT+7, UTC+03:00
            extra = int(zm.group(3)) + int(zm.group(4) or 0) / 60
            hours += extra if zm.group(2) == "+" else -extra
        zone = timezone(timedelta(hours=hours))
        text = text[: zm.start()] + " " + text[zm.end():]
    else:
        om = _OFFSET_RE.search(text)
        if om:
            minutes = int(om.group(2)) * 60 + int(om.group(3))
            zone = timezone(timedelta(minutes=minutes if om.group(1) == "+" else -minutes))
            text = text[: om.start()]
    low = text.lower()
    # Korean: 2024년 6월 19일 (오후) 3시 20분
    km = _KO_DATE_RE.search(low)
    if km:
        y, mo, d = (int(g) for g in km.groups())
        rest = low[km.end():]
        h = mi = s = 0
        precision = "day"
        am = _KO_AMPM_RE.search(rest)
        tm = _KO_TIME_RE.search(rest)
        if am:
            h, mi, precision = int(am.group(2)), int(am.group(3)), "minute"
            h += 12 if am.group(1) == "오후" and h < 12 else 0
        elif tm:
            h, mi, s = int(tm.group(2)), int(tm.group(3) or 0), int(tm.group(4) or 0)
            h += 12 if tm.group(1) == "오후" and h < 12 else 0
            precision = "minute"
        else:
            h, mi, s, _, precision2, _ = _take_time(rest)
            precision = precision2
        if not _ymd(y, mo, d) or h > 23 or mi > 59:
            return _FAILED
        return _finish(datetime(y, mo, d, h, mi, s, tzinfo=zone), precision, tz=tz)
    # Indonesian and Russian clocks written with a dot: "pukul 13.33", "в 14.30"
    low = re.sub(r"(?:pukul|jam|в)\s*(\d{1,2})\.(\d{2})(?!\d)", r" \1:\2", low)
    low = _WEEKDAY_RE.sub(" ", low)
    low = re.sub(_FILLER, " ", low)
    h, mi, s, us, precision, rest = _take_time(low)
    mm = _MONTH_RE.search(rest)
    ambiguous = False
    if mm:
        month = _MONTHS[mm.group(1)]
        others = rest[: mm.start()] + " @month@ " + rest[mm.end():]
        nums = re.findall(r"\d+", others)
        year = next((int(n) for n in nums if len(n) == 4), None)
        small = [int(n) for n in nums if len(n) <= 2]
        if year is None:
            return _FAILED
        day = small[0] if small else 1
        date_precision = "day" if small else "month"
    else:
        found = _numeric_date(rest, dayfirst)
        if found is None:
            return _FAILED
        year, month, day, ambiguous, date_precision = found
    if not _ymd(year, month, day) or h > 23 or mi > 59 or s > 60:
        return _FAILED
    if date_precision != "day":
        precision = date_precision
    dt = datetime(year, month, day, h, mi, min(s, 59), us, tzinfo=zone)
    return _finish(dt, precision, tz=tz, ambiguous=ambiguous)


def parse_datetime(value, *, dayfirst: bool | None = None, timezone_name: str | None = None) -> ParsedDate:
    """Parse one date text into a UTC timestamp.

    Parameters
    ----------
    value : str, int, float or None
        The text as the source wrote it.
    dayfirst : bool, optional
        Order for numeric ``a/b/yyyy`` dates where both orders are valid;
        None applies the default rule (day first, flagged as ambiguous).
    timezone_name : str, optional
        IANA zone for values without an offset (default UTC).

    Returns
    -------
    ParsedDate

    Examples
    --------
    >>> parse_datetime("27 Sep 2024 08:05 WIB").value.isoformat()
    '2024-09-27T01:05:00+00:00'
    >>> parse_datetime("19 июня 2024 г.").precision
    'day'
    >>> parse_datetime("1718755200").value.isoformat()
    '2024-06-19T00:00:00+00:00'
    """
    if value is None:
        return _FAILED
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if value != value:  # NaN
            return _FAILED
        value = repr(int(value)) if float(value).is_integer() else repr(value)
    if isinstance(value, (datetime, pd.Timestamp)):
        return _finish(pd.Timestamp(value).to_pydatetime(), "second", tz=timezone_name)
    return _parse_cached(str(value), dayfirst, timezone_name)


def infer_dayfirst(values) -> bool | None:
    """Decide day/month order for one source from the evidence in its values.

    Returns True (day first), False (month first) or None (no value decides).

    Raises
    ------
    DateOrderError
        When some values can only be day-first and others only month-first.

    Examples
    --------
    >>> infer_dayfirst(["09/10/2023, 13:33 WIB", "22/12/2023, 17:25 WIB"])
    True
    >>> infer_dayfirst(["09/10/2023"]) is None
    True
    """
    day_evidence = month_evidence = None
    for value in values:
        if not isinstance(value, str):
            continue
        m = re.search(r"(?<!\d)(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})(?!\d)", value)
        if not m:
            continue
        a, b = int(m.group(1)), int(m.group(2))
        if a > 12 and b <= 12:
            day_evidence = day_evidence or value
        elif b > 12 and a <= 12:
            month_evidence = month_evidence or value
        if day_evidence and month_evidence:
            raise DateOrderError(
                f"values prove both day-first ({day_evidence!r}) and month-first "
                f"({month_evidence!r}) order; pass dayfirst explicitly or split the source"
            )
    if day_evidence:
        return True
    if month_evidence:
        return False
    return None


def date_from_url(url, *, timezone_name: str | None = None) -> ParsedDate:
    """Date encoded in a URL path, or a failed ``ParsedDate``.

    A full timestamp in the URL is read in ``timezone_name`` (the outlet's
    zone; default UTC); a date alone keeps its calendar date.

    Examples
    --------
    >>> date_from_url("https://www.cnbcindonesia.com/news/20240503132707-4-535863/x").value.isoformat()
    '2024-05-03T13:27:07+00:00'
    >>> date_from_url("https://example.org/about").value is None
    True
    """
    if not isinstance(url, str) or not url:
        return _FAILED
    for pattern, precision in _URL_DATE_PATTERNS:
        m = pattern.search(url)
        if not m:
            continue
        parts = [int(g) for g in m.groups()]
        y, mo, d = parts[:3]
        if not _ymd(y, mo, d):
            continue
        h, mi, s = (parts[3:] + [0, 0, 0])[:3]
        if h > 23 or mi > 59 or s > 59:
            continue
        return _finish(datetime(y, mo, d, h, mi, s), precision, tz=timezone_name)
    return _FAILED


def parse_datetime_series(values: pd.Series, *, dayfirst: bool | None = None,
                          timezones: pd.Series | str | None = None) -> pd.DataFrame:
    """Parse a column of date texts.

    Parameters
    ----------
    values : pandas.Series of str
    dayfirst : bool, optional
        See :func:`parse_datetime`; None infers the order from the column
        (:func:`infer_dayfirst`) before falling back to the default rule.
    timezones : pandas.Series of str or str, optional
        IANA zone per row (or one for all) for values without an offset.

    Returns
    -------
    pandas.DataFrame
        Columns ``published`` (datetime64[us, UTC]), ``precision`` (str) and
        ``ambiguous`` (bool), aligned with ``values``.

    Examples
    --------
    >>> out = parse_datetime_series(pd.Series(["05/03/2024", "25/03/2024"]))
    >>> out["published"].dt.day.tolist()
    [5, 25]
    """
    if dayfirst is None:
        dayfirst = infer_dayfirst(values.dropna().unique().tolist())
    if timezones is None or isinstance(timezones, str):
        zones = [timezones] * len(values)
    else:
        zones = timezones.tolist()
    stamps, precisions, ambiguous = [], [], []
    for raw, zone in zip(values.tolist(), zones):
        if isinstance(raw, str):
            parsed = _parse_cached(raw, dayfirst, zone if isinstance(zone, str) else None)
        else:
            parsed = parse_datetime(raw, dayfirst=dayfirst, timezone_name=zone if isinstance(zone, str) else None)
        stamps.append(parsed.value)
        precisions.append(parsed.precision)
        ambiguous.append(parsed.ambiguous)
    published = pd.Series(pd.to_datetime(stamps, utc=True), index=values.index).astype("datetime64[us, UTC]")
    return pd.DataFrame(
        {
            "published": published,
            "precision": pd.Series(precisions, index=values.index, dtype="str"),
            "ambiguous": pd.Series(ambiguous, index=values.index, dtype=bool),
        }
    )
