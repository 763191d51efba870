"""Metadata of one news page: headline, date, outlet and author, each with where it came from.

A page saved from a browser (``.html``) or pasted as text (``.txt``, ``.md``)
carries its metadata in a few places. This module looks in them in a fixed
order and returns the first value that holds, with its source:

========== ======================================================= ===========================
field      HTML, in order                                          text, in order
========== ======================================================= ===========================
title      ``og:title``, ``twitter:title``, ``<title>`` minus its   the most headline-like line
           `` | Site`` suffix, JSON-LD ``headline``, ``<h1>``,      (``text``)
           then the page's lines as for text (``text``)
published  ``article:published_time`` (and other date metas),      a date line near the
           JSON-LD ``datePublished``, ``<time datetime>``, a date   headline (``date line``)
           line near the headline, trafilatura's guess
outlet     ``og:site_name``, JSON-LD ``publisher``, a dateline      a dateline, a copyright
           (``OUTLET.COM -``, ``(KCNA) --``, ``Jakarta,           line (``© 2024 Site``)
           KOMPAS.com -``), a copyright line
url        ``<link rel=canonical>``, ``og:url``                     --
author     ``<meta name=author>``, JSON-LD ``author``, a byline     a byline (``By ...``,
           (``By ...``)                                             ``Oleh ...``, ``Автор:``...)
========== ======================================================= ===========================

A line is never a headline when it is navigation: made only of the words and
phrases in ``registry/navigation.yaml`` (menus, account links, section names in
English, Indonesian, Russian, Korean and Polish), alone or joined by ``|``,
``·``, ``/`` or ``>``. Sources are recorded as ``og:title``, ``h1``, ``text``,
``date line``, ``dateline``... in the record's ``__title_source``,
``__published_source``, ``__outlet_source``, ``__url_source`` and
``__author_source`` keys, which ingestion turns into the corpus' ``*_source``
columns. When the page gives a URL but no site name, ingestion names the outlet
from the URL's domain (and says so in ``outlet_source``).

Examples
--------
>>> meta = text_metadata("Menu\\nHome | World | Search\\nPutin and Kim sign a defence pact\\n"
...                      "By Jane Doe\\n19 June 2024, 14:05\\nPYONGYANG (KCNA) -- Text.")
>>> meta["title"], meta["published"], meta["author"], meta["outlet"]
('Putin and Kim sign a defence pact', '19 June 2024, 14:05', 'Jane Doe', 'KCNA')
>>> meta["__title_source"], meta["__published_source"], meta["__outlet_source"]
('text', 'date line', 'dateline')
"""
from __future__ import annotations

import json
import re
from functools import lru_cache

import yaml

from .. import config
from ..dates import parse_datetime

NAVIGATION_FILE = config.REGISTRY_DIR / "navigation.yaml"
#: How many lines after the headline a date line or byline may stand.
NEAR_LINES = 6
_SEPARATORS_RE = re.compile(r"\s*(?:[|·•/>»›]|\s-\s)\s*")
_TITLE_SUFFIX_RE = re.compile(r"\s+(?:\||–|—|-|::|·)\s+")
_BYLINE_RE = re.compile(r"^(?:by|oleh|penulis|reporter|wartawan|автор|текст|autor|napisał[a]?)\s*:?\s+"
                        r"(?P<name>[^\d|·•]{2,80}?)\s*(?:[|·•,]\s*.*)?$", re.I)
_KO_BYLINE_RE = re.compile(r"^(?P<name>[가-힣]{2,4})\s*(?:기자|특파원)\b")
_DATELINE_DOMAIN_RE = re.compile(r"^\s*(?:[^,\n]{1,40},\s+)?(?P<outlet>[A-Za-z0-9-]+(?:\.[A-Za-z]{2,4}){1,2})"
                                 r"\s*(?:--|[-–—]\s)\s*")
_DATELINE_AGENCY_RE = re.compile(r"^\s*[^(\n]{0,60}\((?P<outlet>[A-Z][A-Za-z]{1,14}(?:[ -][A-Z][A-Za-z]+)?)\)"
                                 r"\s*(?:--|[-–—]\s)\s*")  # KCNA writes "(KCNA) --Kim Jong Un"
_COPYRIGHT_RE = re.compile(r"^(?:©|\(c\)|copyright)\s*(?:©\s*)?(?:\d{4}(?:\s*[-–]\s*\d{4})?\s*)?"
                           r"(?P<outlet>[^\d\s.|,©][^|,©]{1,60}?)\s*(?:\.\s*(?:all|$)|[|,]|all rights|hak cipta|все права|$)", re.I)
_DATE_METAS = ("article:published_time", "og:published_time", "datepublished", "pubdate", "publishdate",
               "publish-date", "date", "dc.date", "dc.date.issued", "parsely-pub-date", "sailthru.date")
_BLOCK_TAGS = ("p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "nav", "header", "footer",
               "section", "article", "main", "aside", "br", "tr", "td", "time", "figcaption", "blockquote",
               "dd", "dt", "title", "button")


@lru_cache(maxsize=1)
def navigation_words() -> frozenset[str]:
    """The navigation words and phrases of every language in ``registry/navigation.yaml``.

    Examples
    --------
    >>> {"menu", "beranda", "главная", "메뉴", "strona główna"} <= navigation_words()
    True
    """
    data = yaml.safe_load(NAVIGATION_FILE.read_text(encoding="utf-8"))
    return frozenset(" ".join(str(w).casefold().split()) for words in data.values() for w in words)


def is_navigation(line: str) -> bool:
    """Whether a line is only navigation (menu items alone or joined by ``|``, ``·``, ``/``...).

    Examples
    --------
    >>> [is_navigation(x) for x in ("Menu", "Home | World | Search", "Главная", "홈  메뉴 검색",
    ...                             "World leaders meet in Pyongyang")]
    [True, True, True, True, False]
    """
    words = navigation_words()
    parts = [" ".join(p.casefold().split()) for p in _SEPARATORS_RE.split(line.strip())]
    parts = [p.strip(" :.»«") for p in parts if p.strip(" :.»«")]
    if not parts:
        return False
    if all(p in words for p in parts):
        return True
    tokens = " ".join(parts).split()
    return len(tokens) <= 12 and all(t in words for t in tokens)


def _clean(value) -> str | None:
    if not isinstance(value, str):
        return None
    value = " ".join(value.split())
    return value or None


def dateline_outlet(line: str) -> str | None:
    """The outlet a dateline names: ``OUTLET.COM -``, ``Jakarta, KOMPAS.com -``, ``(KCNA) --``.

    Examples
    --------
    >>> [dateline_outlet(x) for x in ("Jakarta, KOMPAS.com - Presiden tiba.", "Pyongyang, June 19 (KCNA) -- Text",
    ...                               "NORTHERNHERALD.COM - Text", "The treaty - signed - holds")]
    ['KOMPAS.com', 'KCNA', 'NORTHERNHERALD.COM', None]
    """
    if not isinstance(line, str):
        return None
    for pattern in (_DATELINE_DOMAIN_RE, _DATELINE_AGENCY_RE):
        match = pattern.match(line)
        if match:
            return match.group("outlet")
    return None


def byline_author(line: str) -> str | None:
    """The name in a byline (``By Jane Doe``, ``Oleh Ahmad``, ``Автор: Иван Петров``, ``홍길동 기자``).

    Examples
    --------
    >>> byline_author("By Jane Doe · 19 June 2024"), byline_author("김민수 기자 = 평양"), byline_author("By the way")
    ('Jane Doe', '김민수', None)
    """
    line = line.strip()
    match = _BYLINE_RE.match(line) or _KO_BYLINE_RE.match(line)
    if not match:
        return None
    name = match.group("name").strip(" .:")
    if not name or name.casefold().split()[0] in {"the", "a", "an", "this", "that"}:
        return None
    return name


def _is_date_line(line: str) -> bool:
    return 6 <= len(line) <= 90 and parse_datetime(line).value is not None


def _headline_score(line: str) -> int:
    """How headline-like a line is: 0 = never, higher = more (short, no final period)."""
    n_chars, n_words = len(line), len(line.split())
    if (is_navigation(line) or _is_date_line(line) or byline_author(line) or line.startswith(("©", "(c)"))
            or dateline_outlet(line) or n_chars < 8 or n_chars > 200):
        return 0
    hangul = bool(re.search(r"[가-힣]", line))
    if n_words < (2 if hangul else 3):
        return 0
    score = 3 if n_chars <= 140 else 1
    if line.rstrip().endswith((".", "。")) or line.rstrip().endswith("다."):
        score -= 2  # a sentence of the body rather than a headline
    return max(score, 0)


def _near(lines: list[str], start: int, test) -> tuple[int, str] | None:
    """First line within :data:`NEAR_LINES` of ``start`` (after, then just before) passing ``test``."""
    order = list(range(start + 1, min(len(lines), start + 1 + NEAR_LINES))) + list(range(start - 1, max(-1, start - 3), -1))
    for i in order:
        if test(lines[i]):
            return i, lines[i]
    return None


def text_metadata(text: str, *, headline: str | None = None, max_lines: int = 40) -> dict:
    """Headline, date line, byline and dateline outlet of a pasted page, and the body after them.

    The headline is the first line among the first ``max_lines`` with the
    best :func:`_headline_score` (never navigation, a date, a byline or a
    dateline), or the line equal to ``headline`` when given; lines above it (menus) leave the body, and so do the date
    line and byline used.

    The outlet is the one a dateline in the first body lines names, else the
    one a copyright line at the foot names (``© 2024 Northern Herald``).
    Navigation lines leave the body wherever they stand.

    Returns
    -------
    dict
        ``title``, ``published``, ``author``, ``outlet``, ``text`` (those found)
        and ``__title_source``, ``__published_source``, ``__author_source``,
        ``__outlet_source``.
    """
    lines = [" ".join(x.split()) for x in text.split("\n")]
    lines = [x for x in lines if x]
    record: dict = {}
    if not lines:
        return record
    scores = [_headline_score(x) for x in lines[:max_lines]]
    best = max(scores) if scores else 0
    head = scores.index(best) if best else None
    if headline:  # the page's metadata named the headline: find its line
        key = " ".join(headline.split()).casefold()
        head = next((i for i, x in enumerate(lines[:max_lines]) if x.casefold() == key), head)
    used = set()
    if head is not None:
        record.update(title=lines[head], __title_source="text")
        used.add(head)
    anchor = head if head is not None else -1
    found = _near(lines, anchor, _is_date_line)
    if found:
        record.update(published=found[1], __published_source="date line")
        used.add(found[0])
    found = _near(lines, anchor, byline_author)
    if found:
        record.update(author=byline_author(found[1]), __author_source="byline")
        used.add(found[0])
    body = [x for i, x in enumerate(lines) if i > anchor and i not in used and not is_navigation(x)]
    outlet = next((dateline_outlet(x) for x in body[:3] if dateline_outlet(x)), None)
    if outlet:
        record.update(outlet=outlet, __outlet_source="dateline")
    else:
        footer = next((m for m in map(_COPYRIGHT_RE.match, reversed(lines[-8:])) if m), None)
        if footer:
            record.update(outlet=footer.group("outlet").strip(), __outlet_source="copyright line")
    record["text"] = "\n".join(body)
    return record


# --------------------------------------------------------------------------
# HTML
def _metas(tree) -> dict[str, str]:
    """``<meta>`` values by lower-cased property/name/itemprop (first one wins)."""
    found: dict[str, str] = {}
    for meta in tree.iter("meta"):
        key = meta.get("property") or meta.get("name") or meta.get("itemprop")
        value = _clean(meta.get("content"))
        if key and value:
            found.setdefault(key.strip().lower(), value)
    return found


def _json_ld(tree) -> dict:
    """The first JSON-LD object of an article type (``NewsArticle``...), else the first object."""
    objects = []
    for script in tree.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json" or not script.text:
            continue
        try:
            data = json.loads(script.text)
        except ValueError:
            continue
        stack = data if isinstance(data, list) else [data]
        for item in stack:
            if isinstance(item, dict):
                objects.extend(item.get("@graph", [item]) if isinstance(item.get("@graph"), list) else [item])
    articles = [o for o in objects if isinstance(o, dict) and "article" in str(o.get("@type", "")).lower()]
    return (articles or [o for o in objects if isinstance(o, dict)] or [{}])[0]


def _ld_name(value) -> str | None:
    """A name from a JSON-LD person/organisation, a list of them, or a string."""
    if isinstance(value, list):
        names = [n for n in map(_ld_name, value) if n]
        return ", ".join(names) or None
    if isinstance(value, dict):
        return _clean(value.get("name"))
    return _clean(value)


def strip_site_suffix(title: str, site: str | None = None) -> str:
    """``<title>`` without the site's name: ``Headline | Site`` -> ``Headline``.

    The last segment goes when it names the site (or its domain); after ``|``
    it also goes when it is short (up to four words) and the rest no shorter.

    Examples
    --------
    >>> strip_site_suffix("Putin arrives in Pyongyang | Northern Herald")
    'Putin arrives in Pyongyang'
    >>> strip_site_suffix("Kim - Putin talks - Kompas.com", "kompas.com")
    'Kim - Putin talks'
    >>> strip_site_suffix("Kim - Putin talks end")
    'Kim - Putin talks end'
    """
    parts = _TITLE_SUFFIX_RE.split(title)
    seps = _TITLE_SUFFIX_RE.findall(title)
    if len(parts) < 2:
        return title
    last, rest = parts[-1].strip(), title[: title.rfind(seps[-1])].strip()
    key = last.casefold().replace("www.", "")
    names = {s.casefold().replace("www.", "") for s in (site,) if s}
    if key in names or any(key in n or n in key for n in names if len(n) > 3):
        return rest
    if seps[-1].strip() in {"|", "::", "·"} and len(last.split()) <= 4 and len(rest) >= len(last):
        return rest
    return title


def _page_lines(tree) -> list[str]:
    """The visible text of a page, one line per block element."""
    from copy import deepcopy

    body = deepcopy(tree.find("body") if tree.find("body") is not None else tree)
    for bad in body.xpath("//script|//style|//noscript|//template|//svg"):
        bad.drop_tree()
    for element in body.iter(*_BLOCK_TAGS):
        element.tail = "\n" + (element.tail or "")
        element.text = "\n" + (element.text or "")
    return [" ".join(x.split()) for x in body.text_content().split("\n") if x.strip()]


def _first_good(candidates) -> tuple[str, str] | None:
    """The first (value, source) whose value is present and not navigation."""
    for value, source in candidates:
        value = _clean(value)
        if value and not is_navigation(value):
            return value, source
    return None


def html_metadata(html: str) -> dict:
    """Headline, date, outlet, URL and author of one HTML page, with their sources.

    Reads the page's own metadata (see the module's table); where it is
    silent, the page's visible lines are read as a pasted page
    (:func:`text_metadata`), so a headline, a date line under it and a
    byline are found the same way. The body text is not returned here
    (trafilatura extracts it).

    Examples
    --------
    >>> page = ('<html><head><title>Kim meets Putin | Northern Herald</title></head><body>'
    ...         '<nav><a>Menu</a> <a>Home</a></nav><h1>Kim meets Putin</h1><p>19 June 2024</p>'
    ...         '<p>NORTHERNHERALD.COM - Kim met Putin.</p></body></html>')
    >>> meta = html_metadata(page)
    >>> meta["title"], meta["__title_source"], meta["published"], meta["outlet"], meta["__outlet_source"]
    ('Kim meets Putin', '<title>', '19 June 2024', 'NORTHERNHERALD.COM', 'dateline')
    """
    import lxml.etree
    import lxml.html

    try:
        tree = lxml.html.document_fromstring(html)
    except (ValueError, lxml.etree.ParserError):
        return {}
    metas, ld = _metas(tree), _json_ld(tree)
    site = _first_good([(metas.get("og:site_name"), "og:site_name"),
                        (_ld_name(ld.get("publisher")), "JSON-LD publisher"),
                        (metas.get("application-name"), "application-name")])
    canonical = next((link.get("href") for link in tree.iter("link")
                      if "canonical" in (link.get("rel") or "").lower() and link.get("href")), None)
    url = _first_good([(canonical, "canonical"), (metas.get("og:url"), "og:url")])
    title_tag = _clean(tree.findtext(".//title"))
    h1 = next((_clean(h.text_content()) for h in tree.iter("h1") if _clean(h.text_content())), None)
    title = _first_good([(metas.get("og:title"), "og:title"), (metas.get("twitter:title"), "twitter:title"),
                         (strip_site_suffix(title_tag, site and site[0]) if title_tag else None, "<title>"),
                         (ld.get("headline"), "JSON-LD headline"), (h1, "h1")])
    times = [t.get("datetime") for t in tree.iter("time") if t.get("datetime")]
    published = _first_good([*((metas.get(k), f"meta {k}") for k in _DATE_METAS),
                             (ld.get("datePublished"), "JSON-LD datePublished"),
                             (times[0] if times else None, "<time datetime>")])
    author = _first_good([(metas.get("author"), "meta author"), (_ld_name(ld.get("author")), "JSON-LD author")])
    from_text = text_metadata("\n".join(_page_lines(tree)), headline=title and title[0])
    record: dict = {}
    for name, found in (("title", title), ("published", published), ("outlet", site), ("url", url),
                        ("author", author)):
        if found is None and name in from_text:
            found = from_text[name], from_text[f"__{name}_source"]
        if found is not None:
            record[name], record[f"__{name}_source"] = found
    return record


# --------------------------------------------------------------------------
# a title for an item that has none
_SENTENCE_END_RE = re.compile(r"[.!?。](?:[\"”’»)]*)\s+(?=[\"“‘«(]?[A-ZА-ЯЁ0-9가-힣])")
_ABBREVIATIONS = {"mr", "mrs", "ms", "dr", "st", "no", "gen", "lt", "col", "sen", "rep", "gov", "prof", "jr", "sr",
                  "vs", "etc", "inc", "ltd", "co", "corp", "jan", "feb", "mar", "apr", "aug", "sep", "sept", "oct",
                  "nov", "dec", "u.s", "u.k", "u.n", "d.p.r.k", "e.g", "i.e", "pt", "tbk", "г", "им", "тыс", "млн"}


def strip_dateline(text: str) -> str:
    """Text without its opening dateline (``Pyongyang, June 19 (KCNA) --``, ``JAKARTA, KOMPAS.com -``).

    Examples
    --------
    >>> strip_dateline("Pyongyang, August 20 (KCNA) -- President Kim Il Sung made a speech.")
    'President Kim Il Sung made a speech.'
    >>> strip_dateline("Pyongyang, January 12 (KCNA) --Kim Jong Un received a message.")
    'Kim Jong Un received a message.'
    """
    for pattern in (_DATELINE_DOMAIN_RE, _DATELINE_AGENCY_RE):
        match = pattern.match(text)
        if match:
            return text[match.end():].lstrip()
    return text


def derive_title(text, *, limit: int = 100) -> str | None:
    """A readable title for an item without one: its first sentence, cut at a word near ``limit``.

    The opening dateline goes; a sentence longer than ``limit`` characters is
    cut at the last space before it and ends in ``…``. Abbreviations
    (``U.S.``, ``Mr.``, initials) do not end a sentence.

    Examples
    --------
    >>> derive_title("Pyongyang, June 19 (KCNA) -- The U.S. envoy left. Talks went on.")
    'The U.S. envoy left.'
    >>> title = derive_title("A " + "very " * 40 + "long sentence.")
    >>> len(title), title[-11:]
    (98, 'very very …')
    >>> derive_title("   ") is None
    True
    """
    if not isinstance(text, str):
        return None
    first = next((line.strip() for line in text.split("\n") if line.strip()), "")
    first = " ".join(strip_dateline(first).split())
    if not first:
        return None
    sentence = first
    for match in _SENTENCE_END_RE.finditer(first):
        word = first[: match.start()].rsplit(" ", 1)[-1].casefold()
        if word.rstrip(".") in _ABBREVIATIONS or re.fullmatch(r"[^\W\d]", word):
            continue
        sentence = first[: match.start() + 1]
        break
    if len(sentence) <= limit:
        return sentence
    cut = sentence[:limit].rsplit(" ", 1)[0] if " " in sentence[:limit] else sentence[:limit]
    return cut.rstrip(" ,;:–—-") + " …"
