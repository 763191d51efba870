"""Who can speak: the speakers registry (people, institutions, states, media) and finding them in text.

The registry is data: every ``*.yaml`` file of ``registry/sources/`` (``countries.yaml``,
``case_study.yaml``, ``media.yaml``, regional files), read in sorted order; the folder's
``README.md`` documents one entry and the alias syntax, which is that of ``registry/actors.yaml``
(``Песков*`` takes Russian endings, Hangul aliases take particles, ``-nya`` follows Indonesian
names, aliases of two to five capitals match case-sensitively). Each entry has a label, a kind
(person, institution, country, media, group), a source type (:data:`SOURCE_TYPES`), a country, a
parent (dated where it changed), aliases, short forms, titles that name a person while in office
(``in_office``), and references (phrases such as "the ministry" that name it only in a
document naming it in full).

:class:`SourceRegistry` compiles one pattern set per language, once, and finds speakers in a text:
``(start, end, id, form)``, leftmost-longest, where a title ("the Kremlin spokesman") resolves to
its holder on the date, or to the institution above the holder when nobody held it then. A title
or a state next to a name ("Pentagon spokeswoman Sabrina Singh", "South Korea's National
Intelligence Service", "드미트리 페스코프 크렘린궁 대변인") makes one span with the most specific id.
At each place a word starts only the names starting with its first characters are tried: about
0.2-0.7 ms for 3,000 characters (English slowest), the same matches as the plain alternation.

Examples
--------
>>> registry = SourceRegistry()
>>> registry.find('"We will not stop," Kremlin spokesman Dmitry Peskov said.', "en")
[(20, 51, 'PESKOV', 'name')]
>>> registry.chain("PESKOV")
['PESKOV', 'KREMLIN', 'RUS']
>>> [(i, form) for _, _, i, form in registry.find("По словам Пескова, Москва не против.", "ru")]
[('PESKOV', 'short'), ('RUS', 'name')]
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from . import config
from .actors import (_CASE_SENSITIVE_RE, _HANGUL, _LITERAL_RE, _by_next_letter, _relation_date, _same_letter,
                     alias_pattern, compile_alternatives)

#: What a source is, as coded by the gold sample and the extractor (a closed list, in this order).
SOURCE_TYPES = ("government", "military", "intelligence", "diplomatic", "legislature", "international",
                "media", "expert", "ngo", "company", "citizen", "anonymous", "other")
#: What an entry names.
KINDS = ("person", "institution", "country", "media", "group")
SOURCES_DIR = config.REGISTRY_DIR / "sources"
#: The forms :meth:`SourceRegistry.find` reports.
FORMS = ("name", "title", "short")

_ID_RE = re.compile(r"^[A-Z][A-Z0-9_]*$")
_LANGUAGE_RE = re.compile(r"^[a-z]{2}$")
_NAME_FIELDS = ("aliases", "short_forms", "titles", "references")
_KEYS = {"label", "kind", "type", "country", "gender", "parent", "in_office", "not_followed_by", "note", *_NAME_FIELDS}
# a short form followed by a capitalised word is part of another name (Kim Yo Jong, Park Geun-hye)
_SHORT_GUARD = r"(?![\s\-‐]+[A-ZА-ЯЁ])"
# what may stand between two spans that make one phrase: spaces, or an English possessive
_JOIN_RE = re.compile(r"\s+|['’]s\s+")


@dataclass(frozen=True)
class Period:
    """``target`` (a parent id, or the entry itself for a term of office) from ``start`` until ``end``
    (exclusive; None: open)."""

    target: str
    start: pd.Timestamp | None = None
    end: pd.Timestamp | None = None

    def holds(self, when) -> bool:
        """Whether the period covers ``when`` (None: unknown, so it holds)."""
        return when is None or ((self.start is None or when >= self.start) and (self.end is None or when < self.end))


# -- loading and checking ---------------------------------------------------------------------

#: A registry date (YYYY-MM-DD), or a ValueError naming where it is: the actor registry's rule.
_date = _relation_date


def _period(target: str, item: dict, where: str) -> Period:
    start, end = _date(item.get("from"), where), _date(item.get("until"), where)
    if start is not None and end is not None and start >= end:
        raise ValueError(f"{where}: from {start.date()} is not before until {end.date()}")
    return Period(target, start, end)


def _name_blocks(key: str, entry: dict, field: str, where: str) -> list[tuple[Period | None, dict]]:
    """One field's names as ``[(period, {language: [string, ...]})]``. Titles are ``{language: [...]}``
    (held over ``in_office``) or a list of blocks ``{from, until, language: [...]}``, one per office."""
    value = entry.get(field)
    if value is None:
        return []
    if field == "titles" and isinstance(value, list):
        blocks = []
        for i, block in enumerate(value):
            if not isinstance(block, dict):
                raise ValueError(f"{where}: field titles[{i}]: write {{from: YYYY-MM-DD, until: ..., en: [...]}}")
            names = {k: v for k, v in block.items() if k not in ("from", "until")}
            blocks.append((_period(key, block, f"{where}: field titles[{i}]"), names))
    elif isinstance(value, dict):
        blocks = [(_office(key, entry, where) if field == "titles" else None, value)]
    else:
        raise ValueError(f"{where}: field {field} must map languages to lists, e.g. {{en: [...], ru: [...]}}")
    for _, names in blocks:
        for language, forms in names.items():
            if not isinstance(language, str) or not _LANGUAGE_RE.match(language):
                raise ValueError(f"{where}: field {field}: {language!r} is not a two-letter language code")
            if not isinstance(forms, list):
                raise ValueError(f"{where}: field {field}.{language}: {forms!r} is not a list of names")
            for i, form in enumerate(forms):
                if not isinstance(form, str) or not form.strip("!* "):
                    raise ValueError(f"{where}: field {field}.{language}[{i}]: {form!r} is not a name; quote it")
    return blocks


def _check_entry(key, entry, where: str) -> None:
    """One entry alone: id, keys, label, kind, type, gender, names (links are checked on the whole registry)."""
    if not isinstance(key, str) or not _ID_RE.match(key):
        raise ValueError(f"{where}: field id: {key!r} is not an UPPER_SNAKE id")
    if not isinstance(entry, dict):
        raise ValueError(f"{where}: the entry must be a mapping with label, kind, type and aliases")
    unknown = sorted(map(str, set(entry) - _KEYS))
    if unknown:
        raise ValueError(f"{where}: field {unknown[0]}: unknown; use {', '.join(sorted(_KEYS))}")
    if not isinstance(entry.get("label"), str) or not entry["label"].strip():
        raise ValueError(f"{where}: field label: missing; every entry needs a label")
    if entry.get("kind") not in KINDS:
        raise ValueError(f"{where}: field kind: {entry.get('kind')!r} is unknown; use one of {', '.join(KINDS)}")
    if entry.get("type") not in SOURCE_TYPES:
        raise ValueError(f"{where}: field type: {entry.get('type')!r} is unknown; use one of {', '.join(SOURCE_TYPES)}")
    gender = entry.get("gender")
    if gender is not None and (entry["kind"] != "person" or gender not in ("m", "f")):
        raise ValueError(f"{where}: field gender: {gender!r}; persons only, m or f")


def _parents(key: str, entry: dict, where: str) -> tuple[Period, ...]:
    """The parent as dated periods: ``KREMLIN`` or ``[{id: A, until: 2024-05-12}, {id: B, from: ...}]``."""
    value = entry.get("parent")
    if value is None:
        return ()
    out = []
    for item in value if isinstance(value, list) else [{"id": value}]:
        item = item if isinstance(item, dict) else {"id": item}
        unknown = sorted(map(str, set(item) - {"id", "from", "until"}))
        if unknown or not isinstance(item.get("id"), str):
            raise ValueError(f"{where}: field parent: {item!r}; write an id or a list of {{id, from, until}}")
        out.append(_period(item["id"], item, f"{where}: field parent"))
    return tuple(out)


def _office(key: str, entry: dict, where: str) -> Period | None:
    value = entry.get("in_office")
    if value is None:
        return None
    if not isinstance(value, dict) or set(value) - {"from", "until"}:
        raise ValueError(f"{where}: field in_office: {value!r}; write {{from: YYYY-MM-DD, until: YYYY-MM-DD or null}}")
    return _period(key, value, f"{where}: field in_office")


def _read_files(path: Path) -> list[tuple[Path, dict]]:
    files = sorted(path.glob("*.yaml")) if path.is_dir() else [path]
    if not files:
        raise ValueError(f"{path}: no *.yaml file of speakers here")
    out = []
    for file in files:
        data = config.read_yaml(file) or {}
        if not isinstance(data, dict):
            raise ValueError(f"{file}: a speakers file is a mapping of ids to entries")
        out.append((file, data))
    return out


def _check_links(registry: dict, files: dict) -> None:
    """Parents and countries point to entries that exist (a country to a country), and parents never loop."""
    for key, entry in registry.items():
        where = f"{files[key]}: {key}"
        for period in entry["_parents"]:
            if period.target not in registry or period.target == key:
                raise ValueError(f"{where}: field parent: {period.target!r} is "
                                 f"{'the entry itself' if period.target == key else 'not an id of the registry'}")
        country = entry.get("country")
        if country is not None and (country not in registry or registry[country]["kind"] != "country"):
            raise ValueError(f"{where}: field country: {country!r} is not the id of a country of the registry")
    for key in registry:
        seen, todo = set(), [p.target for p in registry[key]["_parents"]]
        while todo:
            target = todo.pop()
            if target == key:
                raise ValueError(f"{files[key]}: {key}: field parent: its parents lead back to itself")
            if target not in seen:
                seen.add(target)
                todo += [p.target for p in registry[target]["_parents"]]


def _signature(path: Path) -> tuple:
    """What the cache of a registry depends on: its files and their modification times."""
    files = sorted(path.glob("*.yaml")) if path.is_dir() else [path]
    return tuple((str(f), f.stat().st_mtime_ns) for f in files)


def load_source_registry(path=None) -> dict[str, dict]:
    """The speakers registry as ``{id: entry}``, read from a YAML file or every ``*.yaml`` of a folder.

    Every entry is checked: an UPPER_SNAKE id defined once (across files), a label, a known kind and
    type, gender for persons only, names as ``{language: [names]}``, a parent and a country that are
    ids of the registry (a country of kind country), parents that never loop, dates in order. An
    error names the file, the id and the field. Entries gain ``_file``, ``_parents`` (a tuple of
    :class:`Period`), ``_office`` (a :class:`Period` or None) and ``_names`` (per field, a list of
    ``(period or None, {language: [names]})``); a country's ``country`` is itself.

    Parameters
    ----------
    path : str or Path, optional
        A ``.yaml`` file or a folder of them; default :data:`SOURCES_DIR`.

    Examples
    --------
    >>> registry = load_source_registry()
    >>> registry["PESKOV"]["label"], registry["PESKOV"]["_parents"][0].target
    ('Dmitry Peskov', 'KREMLIN')
    """
    path = Path(path) if path is not None else SOURCES_DIR
    if not path.exists():
        raise ValueError(f"{path}: no such file or folder of speakers")
    return _load(path, _signature(path))


@lru_cache(maxsize=8)
def _load(path: Path, signature: tuple) -> dict[str, dict]:
    registry, files = {}, {}
    for file, data in _read_files(path):
        for key, entry in data.items():
            where = f"{file}: {key}"
            if key in files:
                raise ValueError(f"{where}: field id: {key} is defined twice, in {files[key]} and in {file}")
            _check_entry(key, entry, where)
            entry = dict(entry)
            entry["_file"] = str(file)
            entry["_parents"] = _parents(key, entry, where)
            entry["_office"] = _office(key, entry, where)
            entry["_names"] = {field: _name_blocks(key, entry, field, where) for field in _NAME_FIELDS}
            if entry["kind"] == "country" and entry.get("country") is None:
                entry["country"] = key
            registry[key], files[key] = entry, file
    _check_links(registry, files)
    return registry


# -- matching ---------------------------------------------------------------------------------

# where a name may start: a word after a non-word character (not a dot: "U.S." is one word), or a
# Hangul syllable after anything else (AP통신, 北)
_STARTS = re.compile(r"(?<![\w.])(?=\w)|(?<![가-힣])(?=[가-힣])")
_WORD_STARTS = re.compile(r"(?<![\w.])(?=\w)")  # the same where no Hangul is: three times quicker
_HANGUL_RE = re.compile(r"[가-힣]")
_WORD_PREFIX, _HANGUL_PREFIX = r"(?<![\w.])", f"(?<![{_HANGUL}])"


@dataclass(frozen=True, eq=False)  # hashed by identity: a cache key
class _Patterns:
    """The patterns of one language. ``by_three`` / ``by_two`` / ``by_one``: for the first three (two,
    one) characters a name can start with, the compiled alternations of the names starting so (case-sensitive first);
    ``rest``: the names that may start elsewhere, one alternation per case mode; ``owners``: per named
    group, ``((id, field, period), ...)`` in registry order (``period``: a title's term, else None);
    ``items``: ``{case_sensitive: [(length, group, pattern)]}``, for the plain alternation."""

    by_three: dict
    by_two: dict
    by_one: dict
    rest: tuple
    owners: dict
    items: dict


def _variants(char: str, case_sensitive: bool) -> list[str]:
    """The characters ``re`` matches for ``char`` (itself; every case-folding one when ignoring case)."""
    if case_sensitive:
        return [char]
    return [a or b for a, b in re.findall(r"\\(.)|(.)", _same_letter(char), re.S)]


@lru_cache(maxsize=1)
def _separators() -> list[str]:
    """Every character that may join two words of a name (``[\\s\\-‐]`` in alias_pattern)."""
    return [c for c in map(chr, range(0x10000)) if re.match(r"[\s\-‐]", c)]


def _start_keys(form: str, pattern: str, case_sensitive: bool) -> tuple[int, list[str]] | None:
    """How a name is found quickly: the text's first one or two characters where it can start
    (``(2, ["Ki", "ki", "KI", ...])``), or None when it may start where no word starts."""
    body = form.strip().lstrip("!")
    first = body[0]
    if pattern.startswith(_WORD_PREFIX):
        if not re.match(r"\w", first):
            return None
    elif not (pattern.startswith(_HANGUL_PREFIX) and re.match(f"[{_HANGUL}]", first)):
        return None
    # up to three characters, up to a stem's * or the first space (words of a name are joined by
    # any run of spaces or hyphens: "a\nhuman", "N.  Korea"), after which anything may follow
    keys = _variants(first, case_sensitive)
    for char in body[1:3]:
        if char == "*":
            break
        keys = [k + c for k in keys for c in (_separators() if char.isspace() else _variants(char, case_sensitive))]
        if char.isspace():
            break
    return len(keys[0]), keys


_SEPARATOR = r"[\s\-‐]+"  # what joins the words of a name in alias_pattern


def _bucket_pattern(found: list, size: int, case_sensitive: bool) -> str:
    """One alternation for the names of a key (longest first): the boundary and the key's ``size``
    characters written once, then the rest of each name dispatched on its next character
    (``actors._by_next_letter``), so a word that starts like a name but is none fails after a few
    steps. The plain alternation of the names where they do not share their start."""
    plain = "|".join(f"(?P<{g}>{p})" for _, g, p in found)
    prefixes = {p[:len(_WORD_PREFIX)] if p.startswith(_WORD_PREFIX) else p[:len(_HANGUL_PREFIX)] for _, _, p in found}
    if len(prefixes) != 1:
        return plain
    prefix = prefixes.pop()
    heads, rests = set(), []
    for _, group, pattern in found:
        core, head = pattern[len(prefix):], ""
        for _ in range(size):
            token = _SEPARATOR if core.startswith(_SEPARATOR) else getattr(_LITERAL_RE.match(core), "group", lambda: None)()
            if token is None:
                return plain
            head, core = head + token, core[len(token):]
        heads.add(head.casefold() if not case_sensitive else head)
        rests.append((core, group))
    if len(heads) != 1:
        return plain
    flags = "(?:{})" if case_sensitive else "(?i:{})"
    return prefix + head + "(?:" + (_after_separator(rests, flags) or _by_next_letter(rests, flags)) + ")"


def _after_separator(rests: list[tuple[str, str]], flags: str) -> str | None:
    """``[\\s\\-‐]+(?:the names going on after a space, by next letter)|the others``, when that tries the
    names in the order of the plain alternation: no other name can start with a space or hyphen, and
    those that can match before one (a stem, -nya, the key alone) come after every spaced name."""
    spaced = [i for i, (rest, _) in enumerate(rests) if rest.startswith(_SEPARATOR)]
    if not spaced:
        return None
    others = [(rest, group) for rest, group in rests if not rest.startswith(_SEPARATOR)]
    for i, (rest, _) in enumerate(rests):
        literal = _LITERAL_RE.match(rest)
        if rest.startswith(_SEPARATOR) or (literal and not re.match(_SEPARATOR, literal.group(1) or literal.group(2))):
            continue
        if i < spaced[-1]:
            return None
    after = _by_next_letter([(rests[i][0][len(_SEPARATOR):], rests[i][1]) for i in spaced], flags)
    return "|".join([_SEPARATOR + "(?:" + after + ")"] + ([_by_next_letter(others, flags)] if others else []))


def _index_items(items: dict) -> tuple[dict, tuple]:
    """The names keyed by where they start; one alternation per key and case mode (longest first)."""
    keyed: dict[tuple, dict[bool, list]] = {}
    rest: dict[bool, list] = {True: [], False: []}
    for case_sensitive, members in items.items():
        for length, group, pattern, form in members:
            start = _start_keys(form, pattern, case_sensitive)
            if start is None:
                rest[case_sensitive].append((length, group, pattern))
                continue
            size, keys = start
            entry = keyed.setdefault((size, tuple(sorted(keys))), {True: [], False: []})
            entry[case_sensitive].append((length, group, pattern))
    by_size: dict[int, dict] = {1: {}, 2: {}, 3: {}}
    for (size, keys), modes in keyed.items():
        compiled = tuple(re.compile(_bucket_pattern(sorted(found, key=lambda t: -t[0]), size, case_sensitive),
                                    0 if case_sensitive else re.I)
                         for case_sensitive, found in sorted(modes.items(), reverse=True) if found)
        for key in keys:
            by_size[size][key] = by_size[size].get(key, ()) + compiled
    return by_size, tuple(compile_alternatives(rest))


def _with_apostrophes(forms: list[str]) -> list[str]:
    """Each name, and its twin with a typographic apostrophe (South Korea’s spy agency)."""
    return [twin for form in forms for twin in dict.fromkeys((form, form.replace("'", "’")))]


def _compile_language(registry: dict, languages: tuple[str, ...]) -> _Patterns:
    """The patterns of every name, short form, title and reference of ``languages``. A text written
    the same way for several entries (a title two people held) is one group owned by all of them."""
    items: dict[bool, list] = {True: [], False: []}
    owners: dict[str, list] = {}
    by_pattern: dict[tuple[bool, str], str] = {}
    for key, entry in registry.items():
        for field, blocks in entry["_names"].items():
            for period, names in blocks:
                for language in languages:
                    for form in _with_apostrophes(names.get(language) or []):
                        pattern = alias_pattern(form, language, entry.get("not_followed_by") or ())
                        if field == "short_forms":  # surnames: written with a capital, not the start of another name
                            pattern, case_sensitive = pattern + _SHORT_GUARD, True
                        else:
                            case_sensitive = bool(_CASE_SENSITIVE_RE.match(form.strip("!*")))
                        group = by_pattern.get((case_sensitive, pattern))
                        if group is None:
                            group = by_pattern[case_sensitive, pattern] = f"g{len(by_pattern)}"
                            owners[group] = []
                            items[case_sensitive].append((len(form), group, pattern, form))
                        if (key, field, period) not in owners[group]:
                            owners[group].append((key, field, period))
    by_size, rest = _index_items(items)
    return _Patterns(by_size[3], by_size[2], by_size[1], rest, {g: tuple(o) for g, o in owners.items()},
                     {mode: [t[:3] for t in found] for mode, found in items.items()})


def _matches_fast(patterns: _Patterns, text: str):
    """Every match ``(start, end, group)`` of the names: at each place a word starts, only the names
    that start with its first characters are tried (Python's ``re`` would try them all, in turn, at
    every character); the few that may start elsewhere are searched for as usual."""
    pieces = (_STARTS if _HANGUL_RE.search(text) else _WORD_STARTS).split(text)
    offset = len(pieces[0])
    by_three, by_two, by_one = patterns.by_three, patterns.by_two, patterns.by_one
    for piece in pieces[1:]:
        for compiled in by_three.get(piece[:3], ()) + by_two.get(piece[:2], ()) + by_one.get(piece[:1], ()):
            m = compiled.match(text, offset)
            if m is not None:
                yield offset, m.end(), m.lastgroup
        offset += len(piece)
    for compiled in patterns.rest:
        for m in compiled.finditer(text):
            yield m.start(), m.end(), m.lastgroup


@lru_cache(maxsize=16)
def _plain_alternation(patterns: _Patterns) -> tuple:
    """The reference the fast matcher is checked against: one plain alternation per case mode."""
    return tuple(compile_alternatives(patterns.items, factored=False))


def _matches_plain(patterns: _Patterns, text: str):
    """Every match of the plain alternation, as :func:`_matches_fast` gives them (tests compare the two)."""
    for compiled in _plain_alternation(patterns):
        for m in compiled.finditer(text):
            yield m.start(), m.end(), m.lastgroup


@lru_cache(maxsize=8)
def _shared_patterns(signature: tuple) -> dict:
    """Compiled patterns per language, shared by every :class:`SourceRegistry` of one registry."""
    return {}


def _naive(when):
    """A date as a naive UTC timestamp (None for a missing one)."""
    if when is None or (not isinstance(when, str) and pd.isna(when)):
        return None
    when = pd.Timestamp(when)
    return when.tz_convert("UTC").tz_localize(None) if when.tzinfo is not None else when


_FIELD_FORM = {"aliases": "name", "titles": "title", "short_forms": "short", "references": "short"}


class SourceRegistry:
    """The speakers registry, compiled for finding speakers in text (not an estimator: data, like
    :class:`analysis.registry.OutletRegistry`).

    Parameters
    ----------
    path : str or Path, optional
        A ``.yaml`` file or a folder of them; default :data:`SOURCES_DIR`.

    Attributes
    ----------
    ids : list of str
        Every id, sorted.
    entries : dict
        The checked entries (:func:`load_source_registry`); read them, do not change them.

    Examples
    --------
    >>> registry = SourceRegistry()
    >>> registry.label("KIM_YO_JONG"), registry.kind("WPK"), registry.source_type("NIS"), registry.country("PESKOV")
    ('Kim Yo Jong', 'institution', 'intelligence', 'RUS')
    >>> registry.chain("KIM_YO_JONG")
    ['KIM_YO_JONG', 'WPK', 'PRK']
    >>> "PESKOV" in registry, "NOBODY" in registry
    (True, False)
    """

    def __init__(self, path=None):
        self.path = Path(path) if path is not None else SOURCES_DIR
        self.entries = load_source_registry(self.path)
        self.ids = sorted(self.entries)
        self._signature = _signature(self.path)
        self._patterns = _shared_patterns(self._signature)
        self._languages = sorted({language for entry in self.entries.values() for blocks in entry["_names"].values()
                                  for _, names in blocks for language in names})
        self._static_chains = {}

    def __getstate__(self) -> dict:
        # a worker process compiles (once, lazily) rather than unpickling every pattern
        return {k: v for k, v in self.__dict__.items() if k not in ("_patterns", "_static_chains")}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state, _patterns=_shared_patterns(state["_signature"]), _static_chains={})

    def __contains__(self, id) -> bool:
        return id in self.entries

    def __len__(self) -> int:
        return len(self.entries)

    def __repr__(self) -> str:
        return f"SourceRegistry({str(self.path)!r}, {len(self)} entries)"

    # -- what an entry is ----------------------------------------------------------------
    def _entry(self, id) -> dict:
        try:
            return self.entries[id]
        except KeyError:
            raise KeyError(f"{id!r} is not an id of the speakers registry ({self.path})") from None

    def label(self, id) -> str:
        """The name a reader knows (``"Dmitry Peskov"``)."""
        return self._entry(id)["label"]

    def kind(self, id) -> str:
        """person, institution, country, media or group."""
        return self._entry(id)["kind"]

    def source_type(self, id) -> str:
        """One of :data:`SOURCE_TYPES`."""
        return self._entry(id)["type"]

    def country(self, id) -> str | None:
        """The id of the entry's country (itself for a country); None for international bodies."""
        return self._entry(id).get("country")

    def gender(self, id) -> str | None:
        """m or f for persons whose entry says so, else None."""
        return self._entry(id).get("gender")

    def parent(self, id, date=None) -> str | None:
        """The institution or state above ``id`` on ``date`` (None: the most recent one).

        Examples
        --------
        >>> SourceRegistry().parent("PENTAGON")
        'USA'
        """
        return self._parent(id, _naive(date))

    def _parent(self, id, when) -> str | None:
        periods = self._entry(id)["_parents"]
        if not periods:
            return None
        if when is None:
            return max(periods, key=lambda p: (p.end is None, p.start or pd.Timestamp.min)).target
        holding = [p for p in periods if p.holds(when)]
        return holding[-1].target if holding else None

    def chain(self, id, date=None) -> list[str]:
        """``[id, parent, grandparent, ...]`` on ``date`` (None: the most recent parents).

        Examples
        --------
        >>> SourceRegistry().chain("SABRINA_SINGH")
        ['SABRINA_SINGH', 'PENTAGON', 'USA']
        """
        return list(self._chain(id, _naive(date)))

    def _chain(self, id, when) -> tuple[str, ...]:
        if when is None and id in self._static_chains:
            return self._static_chains[id]
        out = [id]
        while (up := self._parent(out[-1], when)) is not None:
            out.append(up)
        if when is None:
            self._static_chains[id] = tuple(out)
        return tuple(out)

    # -- finding ----------------------------------------------------------------------------
    def _patterns_for(self, language) -> _Patterns:
        key = language if language in self._languages else None
        if key not in self._patterns:
            languages = tuple(self._languages) if key is None else tuple(dict.fromkeys(("en", key)))
            self._patterns[key] = _compile_language(self.entries, languages)
        return self._patterns[key]

    def find(self, text, language=None, date=None, named=()) -> list[tuple[int, int, str, str]]:
        """Speakers named in ``text``: non-overlapping ``(start, end, id, form)``, leftmost-longest, in order.

        ``form`` is ``"name"`` (an alias, or a title with a name: "Kremlin spokesman Dmitry Peskov"),
        ``"title"`` (a role phrase alone, resolved to its holder on ``date``, or to the holder's
        institution when nobody held it then) or ``"short"`` (a surname or short name, and phrases
        such as "the ministry" that count only when the text, or ``named``, names their entry).
        A state and one of its bodies or people written together ("South Korea's National
        Intelligence Service") make one span with the more specific id.

        Parameters
        ----------
        text : str
        language : str, optional
            The text's language: its aliases and the English ones (Latin names travel) are
            matched; None or a language without aliases: all.
        date : date-like, optional
            When the text speaks, for titles and dated parents; None: the most recent holder.
        named : iterable of str, default=()
            Ids the document has named already (in earlier sentences), for short forms that several
            entries share ("Kim") and references ("the ministry").

        Examples
        --------
        >>> registry = SourceRegistry()
        >>> registry.find("Песков заявил, что Пескова не удивить.", "ru")
        [(0, 6, 'PESKOV', 'short'), (19, 26, 'PESKOV', 'short')]
        >>> registry.find("the Kremlin spokesman said", "en", date="2010-01-01")
        [(4, 21, 'KREMLIN', 'title')]
        """
        if not isinstance(text, str) or not text:
            return []
        kept = self._leftmost_longest(text, language)
        if not kept:
            return []
        when = _naive(date)
        return self._merge(text, self._resolve(kept, when, named), when)

    def _leftmost_longest(self, text: str, language, matches=_matches_fast) -> list[tuple[int, int, tuple]]:
        """Non-overlapping matches ``(start, end, owners)``: the earlier, then the longer, wins; one span
        found by several patterns (a surname and a reference) is owned by all of them."""
        patterns = self._patterns_for(language)
        spans: dict[tuple[int, int], tuple] = {}
        for start, end, group in matches(patterns, text):
            owners = patterns.owners[group]
            spans[start, end] = spans[start, end] + owners if (start, end) in spans else owners
        kept, last_end = [], -1
        for (start, end) in sorted(spans, key=lambda s: (s[0], s[0] - s[1])):
            if start >= last_end:
                kept.append((start, end, spans[start, end]))
                last_end = end
        return kept

    def _resolve(self, kept: list, when, named) -> list[tuple[int, int, str, str]]:
        """Each span's id: names and titles first (titles by date), then short forms and references in
        the light of what the text names (their chains included) and ``named``."""
        resolved = [self._resolve_name(owners, when) for _, _, owners in kept]
        # what the text names without doubt: spans of one entry (a name two entries share does not count)
        sure = [r[0] for r, (_, _, owners) in zip(resolved, kept) if r is not None and len({o[0] for o in owners}) == 1]
        known = set()
        for found in (*named, *sure):
            if found in self.entries:
                known.update(self._chain(found, when))
        out = []
        for (start, end, owners), first in zip(kept, resolved):
            choice = self._resolve_short(owners, known) or first
            if choice is not None:
                out.append((start, end, *choice))
        return out

    def _resolve_name(self, owners: tuple, when) -> tuple[str, str] | None:
        """The first alias owner, else the holder of a title."""
        for key, field, _ in owners:
            if field == "aliases":
                return key, "name"
        terms = [(key, period) for key, field, period in owners if field == "titles"]
        return (self._holder(terms, when), "title") if terms else None

    def _resolve_short(self, owners: tuple, known: set) -> tuple[str, str] | None:
        """An owner the text names (any field), else the first short form's owner; None when only
        references of entries the text does not name (or names and titles) remain."""
        if len(owners) == 1 and owners[0][1] not in ("short_forms", "references"):
            return None
        for key, field, _ in owners:
            if key in known:
                return key, _FIELD_FORM[field]
        if any(field in ("aliases", "titles") for _, field, _ in owners):
            return None
        return next(((key, "short") for key, field, _ in owners if field == "short_forms"), None)

    def _holder(self, terms: list[tuple[str, Period | None]], when) -> str:
        """Who a title names on ``when`` (``terms``: who held it and when): the holder then (the latest
        to take office, if several; None: the most recent holder); nobody then: the institution above
        the nearest holder on that date."""
        def took_office(term):
            return term[1].start if term[1] is not None and term[1].start is not None else pd.Timestamp.min

        holding = [t for t in terms if t[1] is None or t[1].holds(when)]
        if when is None:
            return max(terms, key=lambda t: (t[1] is None or t[1].end is None, took_office(t)))[0]
        if holding:
            return max(holding, key=took_office)[0]

        def distance(term):
            period = term[1]
            before = period.start - when if period.start is not None and when < period.start else pd.Timedelta(0)
            after = when - period.end if period.end is not None and when >= period.end else pd.Timedelta(0)
            return before + after

        nearest = min(terms, key=distance)[0]
        # the office the holder held: above them then, else their last place (a president out of office)
        return self._parent(nearest, when) or self._parent(nearest, None) or nearest

    def _merge(self, text: str, spans: list, when) -> list[tuple[int, int, str, str]]:
        """Adjacent spans naming one speaker become one: a title and a name, a state and its body."""
        out: list[tuple[int, int, str, str]] = []
        for span in spans:
            if out and _JOIN_RE.fullmatch(text, out[-1][1], span[0]):
                merged = self._merged(out[-1], span, when)
                if merged is not None:
                    out[-1] = (out[-1][0], span[1], *merged)
                    continue
            out.append(span)
        return out

    def _merged(self, a: tuple, b: tuple, when) -> tuple[str, str] | None:
        """``(id, form)`` of two adjacent spans read as one phrase, or None when they name two speakers."""
        (_, _, id_a, form_a), (_, _, id_b, form_b) = a, b
        kind_a, kind_b = self.entries[id_a]["kind"], self.entries[id_b]["kind"]
        if id_a == id_b:
            winner, other = (a, b) if form_a == "name" or form_b == "title" else (b, a)
        elif kind_a == "person" and form_b == "title" and form_a != "title":
            winner, other = a, b          # 드미트리 페스코프 크렘린궁 대변인: the name decides
        elif kind_b == "person" and form_a == "title" and form_b != "title":
            winner, other = b, a          # Pentagon spokeswoman Sabrina Singh
        elif id_a in self._chain(id_b, when) or (kind_a == "country" and self.country(id_b) == id_a):
            winner, other = b, a          # South Korea's National Intelligence Service
        elif id_b in self._chain(id_a, when) or (kind_b == "country" and self.country(id_a) == id_b):
            winner, other = a, b          # Badan Intelijen Nasional Korea Selatan
        elif {kind_a, kind_b} == {"institution", "country"}:
            # a body named without its state, then another state (Kementerian Luar Negeri Amerika Serikat,
            # 중국 국방부): the body is that state's, which the registry may not hold; the state speaks
            winner, other = (a, b) if kind_a == "country" else (b, a)
        else:
            return None
        form = "name" if other[3] == "title" and winner[3] != "title" else winner[3]
        return winner[2], form
