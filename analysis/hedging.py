"""Hedges: where a text marks a claim as reported, unverified, alleged or estimated.

The phrases are data (``registry/hedges.yaml``, whose header documents the syntax): per language
and per kind, phrases ("reportedly", "disebut-sebut", "по неподтверждённым данным", "것으로
알려졌다") or regular expressions. :func:`find_hedges` finds them in one text, :func:`hedge_summary`
says for every document of a corpus table whether and where it hedges. Attribution reads the same
finder to mark a cited source's claim as hedged.

The kinds (:data:`HEDGE_KINDS`):

============ =====================================================================================
reported     hearsay or unnamed reports: reportedly, dikabarkan, по имеющимся данным, 것으로 알려졌다
unverified   the reporter could not check it or it is not confirmed: could not independently verify,
             belum dapat diverifikasi, не подтверждено, 확인되지 않았다
alleged      someone's accusation or assertion: allegedly, diduga, якобы, claimed without evidence
estimated    an inference or estimate: is believed to, предположительно, 것으로 추정된다, ~라는 관측
============ =====================================================================================

Each language's phrases compile once into one regular expression, factored on first letters as
the actor tagger's aliases are (:func:`analysis.actors.compile_alternatives`), and its regexes into
a second one, so a corpus of thousands of full texts takes seconds.

Examples
--------
>>> find_hedges("The drones were reportedly made in Iran.", "en")
[(16, 26, 'reportedly', 'reported')]
>>> [h[2:] for h in find_hedges("Пхеньян якобы передал снаряды, по неподтвержденным данным.", "ru")]
[('якобы', 'alleged'), ('по неподтвержденным данным', 'unverified')]
>>> [h[2] for h in find_hedges("병력 1만 명이 파병된 것으로 알려졌다.", "ko")]
['것으로 알려졌다']
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import pandas as pd
import yaml

from . import config
from .actors import compile_alternatives
from .text import DEFAULT_LANGUAGES

HEDGES_FILE = config.REGISTRY_DIR / "hedges.yaml"
HEDGE_KINDS = ("reported", "unverified", "alleged", "estimated")
FIELDS = ("title", "lead", "text")
SUMMARY_COLUMNS = ["doc_id", "hedged", "n_hedges", "hedges", "kinds", "first_field", "first_offset"]

_HANGUL = "가-힣"
_LATIN_LEFT = r"(?<![\w.])"       # the actor tagger's left boundary: a pattern starting with it is factored
_HANGUL_LEFT = f"(?<![{_HANGUL}])"
_URL_RE = re.compile(r"https?:|www\.|\.(?:com|org|net|ru|id|kr|uk)/|/\d{4}/")
_LAST_TOKEN_RE = re.compile(r"\S*\Z")
_YO = str.maketrans({"е": "[её]", "ё": "[её]", "Е": "[её]", "Ё": "[её]"})


def _is_hangul(text: str) -> bool:
    return bool(re.search(f"[{_HANGUL}]", text))


def _phrase_core(phrase: str) -> str:
    """A phrase's words, any run of spaces between them, ``*`` endings, е and ё as one letter."""
    return r"\s+".join(re.escape(word.rstrip("*")).translate(_YO) + (r"\w*" if word.endswith("*") else "")
                       for word in phrase.split())


def hedge_pattern(entry: str) -> str:
    """The regular expression for one entry of ``registry/hedges.yaml`` (syntax in its header).

    Parameters
    ----------
    entry : str
        A phrase (``reportedly``, ``неподтверждённ* данн*``, ``~라는 관측``) or a regex between
        slashes (``/could not be (?:verified|confirmed)/``).

    Returns
    -------
    str
        A pattern with the boundaries of the entry's script: whole words in Latin and Cyrillic, a
        word start and any ending in Hangul.

    Examples
    --------
    >>> bool(re.search(hedge_pattern("неподтверждённ* данн*"), "по неподтвержденным данным"))
    True
    >>> bool(re.search(hedge_pattern("disebut-sebut"), "yang disebut sebagai"))
    False
    >>> re.search(hedge_pattern("것으로 알려졌"), "숨진 것으로 알려졌으며").group()
    '것으로 알려졌으며'
    """
    text = entry.strip()
    is_regex = len(text) > 2 and text.startswith("/") and text.endswith("/")
    attached = not is_regex and text.startswith("~")
    core = f"(?:{text[1:-1]})" if is_regex else _phrase_core(text.lstrip("~"))
    if _is_hangul(text):
        return ("" if attached else _HANGUL_LEFT) + core + f"[{_HANGUL}]*"
    return _LATIN_LEFT + core + r"(?!\w)"


def _check_entry(entry, kind: str, language: str, where: str) -> str:
    """The entry as a clean string, or a ValueError naming file, language, kind and entry."""
    if not isinstance(entry, str) or not entry.strip().lstrip("~").strip():
        raise ValueError(f"{where}: {language}.{kind}: an entry must be a non-empty phrase or /regex/, not {entry!r}")
    try:
        compiled = re.compile(hedge_pattern(entry), re.I)
    except re.error as error:
        raise ValueError(f"{where}: {language}.{kind}: entry {entry!r} is not a valid regular expression ({error})") from None
    if compiled.groupindex:
        raise ValueError(f"{where}: {language}.{kind}: entry {entry!r} has a named group; use (?:...) instead")
    if compiled.match(""):
        raise ValueError(f"{where}: {language}.{kind}: entry {entry!r} matches an empty string")
    return entry.strip()


def _check_language(language, kinds, where: str) -> list[dict]:
    """The entries of one language block, checked."""
    if language not in DEFAULT_LANGUAGES:
        raise ValueError(f"{where}: unknown language key {language!r}; use an ISO 639-1 code among "
                         f"{', '.join(DEFAULT_LANGUAGES)}")
    if not isinstance(kinds, dict):
        raise ValueError(f"{where}: {language}: expected a mapping of kinds ({', '.join(HEDGE_KINDS)}) to lists of entries")
    entries = []
    for kind, items in kinds.items():
        if kind not in HEDGE_KINDS:
            raise ValueError(f"{where}: {language}: unknown kind {kind!r}; the kinds are {', '.join(HEDGE_KINDS)}")
        if not isinstance(items, list):
            raise ValueError(f"{where}: {language}.{kind}: expected a list of entries, not {items!r}")
        for item in items:
            entry = _check_entry(item, kind, language, where)
            entries.append({"entry": entry, "kind": kind, "pattern": hedge_pattern(entry)})
    return entries


@lru_cache(maxsize=8)
def _load(path: str) -> dict[str, tuple[dict, ...]]:
    where = Path(path).name
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise ValueError(f"{where}: cannot read the hedges file ({error})") from None
    if not isinstance(data, dict):
        raise ValueError(f"{where}: expected a mapping of languages to kinds, not {type(data).__name__}")
    return {str(language): tuple(_check_language(language, kinds, where)) for language, kinds in data.items()}


def load_hedges(path=None) -> dict[str, list[dict]]:
    """Read and check a hedges file.

    Parameters
    ----------
    path : str or Path, optional
        A YAML file in the syntax of ``registry/hedges.yaml`` (its header); default that file.

    Returns
    -------
    dict
        ``{language: [{"entry": ..., "kind": ..., "pattern": ...}, ...]}``, entries in file order.

    Raises
    ------
    ValueError
        For an unknown language key or kind, an entry that is not a string, a regex that does not
        compile, has a named group or matches nothing at all; the message names file and entry.

    Examples
    --------
    >>> hedges = load_hedges()
    >>> sorted(hedges)
    ['en', 'id', 'ko', 'ru']
    >>> hedges["id"][0]["entry"], hedges["id"][0]["kind"]
    ('disebut-sebut', 'reported')
    """
    loaded = _load(str(Path(path) if path is not None else HEDGES_FILE))
    return {language: [dict(e) for e in entries] for language, entries in loaded.items()}


@lru_cache(maxsize=64)
def compile_hedges(language: str | None = None, path: str | None = None, factored: bool = True):
    """The compiled patterns for one language (None: every language of the file) and their owners.

    Returns ``(patterns, owners)``: the phrases as one alternation (longest entry first, so
    "unconfirmed reports" wins over "unconfirmed"), factored on their first letters as the actor
    tagger's aliases are; the regexes as a second one, each script's left boundary checked once
    (inside the phrases' alternation they would be tried at every character: four times slower);
    and for each named group, the entry's kind. ``factored=False`` gives one plain alternation of
    everything, which finds the same hedges (tested), only slower. A language the file does not
    know has no pattern.
    """
    hedges = _load(str(path) if path is not None else str(HEDGES_FILE))
    languages = list(hedges) if language is None else [language]
    phrases, regexes, owners, seen = [], {}, {}, set()
    for lang in languages:
        for entry in hedges.get(lang, ()):
            if entry["pattern"] in seen:
                continue
            seen.add(entry["pattern"])
            group = f"h{len(owners)}"
            owners[group] = entry["kind"]
            if not factored or not entry["entry"].startswith("/"):
                phrases.append((len(entry["entry"]), group, entry["pattern"]))
                continue
            left = _HANGUL_LEFT if entry["pattern"].startswith(_HANGUL_LEFT) else _LATIN_LEFT
            regexes.setdefault(left, []).append(f"(?P<{group}>{entry['pattern'][len(left):]})")
    patterns = compile_alternatives({False: phrases}, factored)
    if regexes:
        patterns.append(re.compile("|".join(f"{left}(?:{'|'.join(alts)})" for left, alts in regexes.items()), re.I))
    return patterns, owners


def _in_web_address(text: str, start: int) -> bool:
    """Whether ``start`` lies inside a URL (RSS descriptions keep links: ``.../man-custody-alleged-threats``)."""
    if start == 0 or text[start - 1] not in "-/_=":  # a hedge in running text starts after a space or mark
        return False
    before = _LAST_TOKEN_RE.search(text, max(0, start - 500), start)  # the characters since the last space
    return bool(_URL_RE.search(before.group()))


def _leftmost_longest(found: list[tuple[int, int, str, str]]) -> list[tuple[int, int, str, str]]:
    """Matches of several patterns without overlaps: by start, the longest first at a start."""
    kept, end = [], -1
    for hit in sorted(found, key=lambda h: (h[0], -h[1])):
        if hit[0] >= end:
            kept.append(hit)
            end = hit[1]
    return kept


def find_hedges(text, language=None, *, path=None) -> list[tuple[int, int, str, str]]:
    """Every hedge in a text, in order and non-overlapping.

    Parameters
    ----------
    text : str
        Any text; a missing value (None, NaN) has no hedge.
    language : str, optional
        ISO 639-1 code: that language's entries only. None (or a missing value): every language's.
    path : str or Path, optional
        Another hedges file (default ``registry/hedges.yaml``).

    Returns
    -------
    list of tuple
        ``(start, end, phrase, kind)``: character offsets in ``text``, the phrase as written there
        (``text[start:end]``) and its kind (see :data:`HEDGE_KINDS`).

    Examples
    --------
    >>> find_hedges("Kim disebut-sebut akan datang; pejabat itu diduga menerima suap.", "id")
    [(4, 17, 'disebut-sebut', 'reported'), (43, 49, 'diduga', 'alleged')]
    >>> find_hedges("The ministry confirmed the report.", "en")
    []
    >>> find_hedges("We could not independently verify the claim.")
    [(3, 33, 'could not independently verify', 'unverified')]
    """
    if not isinstance(text, str) or not text:
        return []
    language = language if isinstance(language, str) and language else None
    patterns, owners = compile_hedges(language, None if path is None else str(path))
    found = [(m.start(), m.end(), m.group(0), owners[m.lastgroup]) for p in patterns for m in p.finditer(text)
             if not _in_web_address(text, m.start())]
    return _leftmost_longest(found) if len(patterns) > 1 else found


def _document_hedges(row: dict, fields, path) -> list[tuple[str, int, str, str]]:
    """``(field, start, phrase, kind)`` for every hedge of one document, fields in order."""
    language = row.get("language")
    return [(field, start, phrase, kind)
            for field in fields
            for start, _, phrase, kind in find_hedges(row.get(field), language if isinstance(language, str) else None,
                                                      path=path)]


def hedge_summary(corpus: pd.DataFrame, *, fields=FIELDS, path=None) -> pd.DataFrame:
    """Whether and where each document hedges, one row per document.

    Parameters
    ----------
    corpus : pandas.DataFrame
        A corpus table: ``doc_id``, optionally ``language`` (a missing one: every language's
        entries) and the text ``fields`` it has.
    fields : sequence of str, default ("title", "lead", "text")
        Text columns searched, in this order; missing columns are skipped.
    path : str or Path, optional
        Another hedges file.

    Returns
    -------
    pandas.DataFrame
        Columns ``doc_id``, ``hedged`` (bool), ``n_hedges``, ``hedges`` (list of phrases as written),
        ``kinds`` (list, one per phrase), ``first_field`` and ``first_offset`` (where the first
        hedge starts; missing and -1 for a document without one), in corpus order.

    Examples
    --------
    >>> corpus = pd.DataFrame({"doc_id": ["a", "b"], "language": ["en", "ru"],
    ...                        "title": ["Troops reportedly moved", "Встреча прошла"],
    ...                        "text": ["It is said to be large.", "Данные не подтверждены."]})
    >>> hedge_summary(corpus)[["doc_id", "hedged", "hedges", "first_field", "first_offset"]]
      doc_id  hedged                    hedges first_field  first_offset
    0      a    True  [reportedly, is said to]       title             7
    1      b    True         [не подтверждены]        text             7
    """
    if "doc_id" not in corpus.columns:
        raise ValueError(f"hedge_summary needs a doc_id column; the corpus has {', '.join(map(str, corpus.columns))}")
    present = [f for f in fields if f in corpus.columns]
    columns = ["doc_id"] + present + (["language"] if "language" in corpus.columns else [])
    rows = []
    for row in corpus[columns].to_dict("records"):
        hedges = _document_hedges(row, present, path)
        first = hedges[0] if hedges else (None, -1, None, None)
        rows.append({"doc_id": row["doc_id"], "hedged": bool(hedges), "n_hedges": len(hedges),
                     "hedges": [h[2] for h in hedges], "kinds": [h[3] for h in hedges],
                     "first_field": first[0], "first_offset": first[1]})
    return pd.DataFrame(rows, columns=SUMMARY_COLUMNS).astype({"hedged": bool, "n_hedges": int, "first_offset": int})
