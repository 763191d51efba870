"""Actor and place tagging across English, Indonesian, Russian and Korean.

The registry is data (``registry/actors.yaml``): canonical entities (RUS,
PRK, PUTIN, KCNA, KURSK...) with aliases per language; its header documents
the alias syntax. Matching respects word boundaries in Latin and Cyrillic
script, takes Russian inflection and Indonesian ``-nya`` where an alias
allows it, and lets Korean aliases carry their particles (북한은, 북한의).

:class:`ActorTagger` follows scikit-learn's transformer contract: ``fit``
compiles the registry, ``transform`` returns a sparse document x actor count
matrix, and :meth:`ActorTagger.mentions` lists every mention with its field
and character span (the evidence later steps need).

Examples
--------
>>> tagger = ActorTagger().fit()
>>> sorted(tagger.count_one("Kim Jong Un bertemu Putin di Pyongyang, kata KCNA."))
['KCNA', 'KIM_JONG_UN', 'PUTIN', 'PYONGYANG']
>>> tagger.count_one("북한은 러시아와 조약을 맺었다", language="ko")
{'PRK': 1, 'RUS': 1}
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from . import config

ACTORS_FILE = config.REGISTRY_DIR / "actors.yaml"
LANGUAGES = ("en", "id", "ru", "ko")
FIELDS = ("title", "lead", "text")
_HANGUL = "가-힣"
_CASE_SENSITIVE_RE = re.compile(r"^[A-ZА-ЯЁ]{2,5}$")


#: The kinds of relation (``registry/actors.yaml``) and how evidence names them.
RELATION_KINDS = {
    "capital_of": "capital", "part_of": "part of it", "leader_of": "leader", "official_of": "official",
    "government_of": "government", "military_of": "armed forces", "intelligence_of": "intelligence service",
    "state_company_of": "state company", "state_media_of": "state media", "agent_of": "acts for it",
    "ruling_party_of": "party in power", "war_of": "its war",
}


@dataclass(frozen=True)
class Relation:
    """``source`` is the ``kind`` of ``target`` (Putin is the leader of RUS), from ``start`` until
    ``end`` (exclusive; None: open)."""

    source: str
    kind: str
    target: str
    start: pd.Timestamp | None = None
    end: pd.Timestamp | None = None

    def holds(self, when) -> bool:
        """Whether the tie holds on ``when`` (a naive UTC timestamp; None or NaT: unknown, so it holds)."""
        if when is None or pd.isna(when):
            return True
        return (self.start is None or when >= self.start) and (self.end is None or when < self.end)


def _relation_date(value, where: str) -> pd.Timestamp | None:
    if value is None:
        return None
    try:
        return pd.Timestamp(str(value))
    except ValueError:
        raise ValueError(f"{where}: {value!r} is not a date; write YYYY-MM-DD") from None


def _parse_relations(key: str, entry: dict, registry: dict, path) -> list[Relation]:
    """The relations of one entry, checked: known kind, known target other than itself, dates in order."""
    relations = entry.get("relations") or {}
    if not isinstance(relations, dict):
        raise ValueError(f"{path}: entity {key}: relations must be a mapping such as {{capital_of: PRK}}, "
                         f"not {relations!r}")
    out = []
    for kind, value in relations.items():
        where = f"{path}: entity {key}: relation {kind}"
        if kind not in RELATION_KINDS:
            raise ValueError(f"{where}: unknown kind; use one of {', '.join(RELATION_KINDS)}")
        for item in value if isinstance(value, list) else [value]:
            item = item if isinstance(item, dict) else {"actor": item}
            unknown = sorted(set(item) - {"actor", "from", "until"})
            target = item.get("actor")
            if unknown:
                raise ValueError(f"{where}: unknown key {', '.join(map(str, unknown))}; use actor, from, until")
            if target not in registry or target == key:
                raise ValueError(f"{where}: target {target!r} is {'the entity itself' if target == key else 'not an entity id of this file'}")
            start, end = _relation_date(item.get("from"), where), _relation_date(item.get("until"), where)
            if start is not None and end is not None and start >= end:
                raise ValueError(f"{where}: from {start.date()} is not before until {end.date()}")
            out.append(Relation(key, kind, target, start, end))
    return out


def _check_no_loop(relations: dict[str, list[Relation]], path) -> None:
    """Relations chain but never come back to where they started."""
    for key in relations:
        seen, todo = set(), [r.target for r in relations[key]]
        while todo:
            target = todo.pop()
            if target == key:
                raise ValueError(f"{path}: entity {key}: its relations lead back to itself")
            if target not in seen:
                seen.add(target)
                todo += [r.target for r in relations.get(target, [])]


@lru_cache(maxsize=8)
def load_actor_registry(path: str | None = None) -> dict:
    """The actor registry as a dict (entity id -> entry), read from YAML and checked.

    Each entry's ``relations`` are parsed into :class:`Relation` objects under ``"_relations"``.
    Errors name the file and the entry.

    Examples
    --------
    >>> load_actor_registry()["KPA"]["_relations"][0]
    Relation(source='KPA', kind='military_of', target='PRK', start=None, end=None)
    """
    path = Path(path or ACTORS_FILE)
    data = config.read_yaml(path)
    for key, entry in data.items():
        if not isinstance(entry, dict) or "aliases" not in entry or "label" not in entry:
            raise ValueError(f"{path}: entity {key} needs a label and aliases")
        if "implies" in entry:
            raise ValueError(f"{path}: entity {key}: `implies` is replaced by `relations` "
                             f"(e.g. relations: {{leader_of: {entry['implies'][0] if entry['implies'] else 'RUS'}}})")
    relations = {key: _parse_relations(key, entry, data, path) for key, entry in data.items()}
    _check_no_loop(relations, path)
    for key, entry in data.items():
        entry["_relations"] = relations[key]
    return data


def _closure(key: str, relations: dict[str, list[Relation]], when=None, seen=()) -> list[tuple[Relation, ...]]:
    """Every chain of relations from ``key`` that holds on ``when``: ``(KPA->PRK,)``, ``(unit->KPA, KPA->PRK)``."""
    chains = []
    for relation in relations.get(key, []):
        if relation.holds(when) and relation.target not in seen:
            chains.append((relation,))
            chains += [(relation, *rest) for rest in _closure(relation.target, relations, when, (*seen, key))]
    return chains


def _one_per_target(chains) -> list[tuple[Relation, ...]]:
    """The first chain to each entity reached (two relations to one state count it once)."""
    reached = {}
    for chain in chains:
        reached.setdefault(chain[-1].target, chain)
    return list(reached.values())


def describe_link(found: str, chain) -> str:
    """Evidence for an implied mention: ``"Korean People's Army → PRK (armed forces)"``.

    Examples
    --------
    >>> describe_link("Putin", (Relation("PUTIN", "leader_of", "RUS"),))
    'Putin → RUS (leader)'
    """
    return found + "".join(f" → {r.target} ({RELATION_KINDS[r.kind]})" for r in chain)


def _is_hangul(text: str) -> bool:
    return bool(re.search(f"[{_HANGUL}]", text))


def alias_pattern(alias: str, language: str, not_followed_by=()) -> str:
    """Regular expression for one alias (see the syntax in ``registry/actors.yaml``).

    Examples
    --------
    >>> bool(re.search(alias_pattern("Путин*", "ru"), "встреча с Путиным"))
    True
    >>> bool(re.search(alias_pattern("Putin", "en"), "Putinism"))
    False
    """
    alias = alias.strip()
    guarded = alias.startswith("!")
    alias = alias.lstrip("!")
    star = alias.endswith("*")
    body = alias.rstrip("*")
    words = [re.escape(w) + ("" if i < len(body.split()) - 1 else "") for i, w in enumerate(body.split())]
    # inside a multi-word alias, a starred word ("Северн* Коре*") takes endings too
    words = [w[:-2] + r"\w*" if w.endswith(r"\*") else w for w in words]
    core = r"[\s\-‐]+".join(words)
    if _is_hangul(body) or re.fullmatch(r"[\u4e00-\u9fff]+", body):
        lookahead = f"(?!{'|'.join(map(re.escape, not_followed_by))})" if guarded and not_followed_by else ""
        return f"(?<![{_HANGUL}]){core}{lookahead}"
    tail = r"\w*" if star else (r"(?:-?nya)?" if language == "id" else "")
    return rf"(?<![\w.]){core}{tail}(?![\w])" if not body.endswith(".") else rf"(?<![\w.]){core}{tail}"


#: Particles a one-letter headline abbreviation may take ("北, 러에 퍼주고"; "북은").
KOREAN_PARTICLES = ("에", "의", "와", "과", "는", "은", "도", "측", "로", "를", "가")


def _korean_glued(a: str, letter: str, standalone: str, abbreviations: str) -> list[str]:
    """Lookarounds (to follow the escaped letter ``a``) for ``letter`` inside a run of two or three
    abbreviations written without a dot that holds a stand-alone one (北, 러: 북러, 러북, 북중러); the run
    stands alone or takes a particle ("북러 협정", "북러는"). Runs of compound letters only (일한: "worked",
    한우: "Korean beef") are words."""
    classes = {"S": f"[{re.escape(standalone)}]", "L": f"[{re.escape(abbreviations)}]"}
    end = f"(?:{'|'.join(KOREAN_PARTICLES)})?(?![{_HANGUL}])"
    alternatives = []
    for run in ("SL", "LS", "SLL", "LSL", "LLS"):
        for i, kind in enumerate(run):
            if kind == "S" and letter not in standalone:
                continue
            before = "".join(classes[k] for k in run[:i])
            after = "".join(classes[k] for k in run[i + 1:])
            alternatives.append(f"(?<=(?<![{_HANGUL}]){before}{a})(?={after}{end})")
    return list(dict.fromkeys(alternatives))


def _korean_standalone(abbr: str, standalone: str, abbreviations: str) -> str:
    """A one-letter abbreviation matched as a word of its own (러 파병), with a particle (러에), or glued
    to other abbreviations (북러). The letter comes first, its context after: the tagger's factored
    pattern skips positions without the letter cheaply."""
    a = re.escape(abbr)
    alone = f"(?<=(?<![{_HANGUL}]){a})(?=(?:{'|'.join(KOREAN_PARTICLES)})?(?![{_HANGUL}]))"
    return f"{a}(?:{'|'.join([alone] + _korean_glued(a, abbr, standalone, abbreviations))})"


def _korean_compound(abbr: str, standalone: str, abbreviations: str) -> str:
    """A one-letter abbreviation matched next to a middle dot (한·미) or glued to a stand-alone one (한러)."""
    a = re.escape(abbr)
    dotted = [f"(?<=·{a})(?![{_HANGUL}])", f"(?<![{_HANGUL}]{a})(?=·)"]
    return f"{a}(?:{'|'.join(dotted + _korean_glued(a, abbr, standalone, abbreviations))})"


def compile_alternatives(groups: dict, factored: bool = True) -> list:
    """One compiled pattern per case mode from ``{case_sensitive: [(length, group, pattern), ...]}``, the
    longest alternative first ("North Korea" before "Korea"); ``factored``: grouped by first letter, which
    matches exactly what the plain alternation matches, only quicker (tested). Shared by the actor tagger
    and the frame scorer."""
    compiled = []
    for case_sensitive, items in groups.items():
        if not items:
            continue
        items = sorted(items, key=lambda t: -t[0])
        if factored:
            compiled.append(re.compile(_factored(items, not case_sensitive)))
        else:
            compiled.append(re.compile("|".join(f"(?P<{g}>{p})" for _, g, p in items), 0 if case_sensitive else re.I))
    return compiled


_PREFIXES = (r"(?<![\w.])", f"(?<![{_HANGUL}])", "")  # the left boundaries; "": none before the first letter


# a plain character at the start of a pattern (escaped or not), not repeated
_LITERAL_RE = re.compile(r"(?:\\(\W)|([^\\()\[\].*+?{}|^$]))(?![*+?{])")


@lru_cache(maxsize=1)
def _basic_plane() -> str:
    return "".join(map(chr, range(0xD800))) + "".join(map(chr, range(0xE000, 0x10000)))


@lru_cache(maxsize=None)
def _same_letter(char: str) -> str:
    """The contents of a character set for ``char`` and every character ``re`` takes for it when
    ignoring case ("s" -> "Ssſ", "k" -> "KkK"), found by ``re`` itself in the Basic Multilingual Plane.

    Examples
    --------
    >>> _same_letter("s"), _same_letter("ж"), _same_letter("북")
    ('Ssſ', 'Жж', '북')
    """
    if char.lower() == char.upper() == char:  # no case
        return re.escape(char)
    found = set(re.findall(f"(?i:{re.escape(char)})", _basic_plane())) | {char}
    return "".join(map(re.escape, sorted(found)))


def _disjoint(keys) -> bool:
    """Whether character sets (escaped contents) share no character."""
    members = [set(re.findall(r"\\.|.", key, re.S)) for key in keys]
    return sum(map(len, members)) == len(set().union(*members))


def _by_next_letter(alternatives: list[tuple[str, str]], flags: str) -> str:
    """``(pattern, group)`` alternatives, in order, as an alternation keyed on their next character
    when every one starts with a plain one and no two keys share a character; else as they are."""
    keyed: dict[str, list[str]] = {}
    for pattern, group in alternatives:
        head = _LITERAL_RE.match(pattern)
        if head is None:
            return flags.format("|".join(f"(?P<{g}>{p})" for p, g in alternatives))
        char = head.group(1) or head.group(2)
        key = _same_letter(char) if flags.startswith("(?i") else re.escape(char)
        keyed.setdefault(key, []).append(f"(?P<{group}>{pattern[head.end():]})")
    if not _disjoint(keyed):  # two sets sharing a character: the order would change
        return flags.format("|".join(f"(?P<{g}>{p})" for p, g in alternatives))
    return "|".join(f"[{key}]" + flags.format("|".join(alts)) for key, alts in keyed.items())


def _factored(items, ignore_case: bool) -> str:
    """One alternation that dispatches on the first characters, the left boundary checked once.

    Python's ``re`` tries every alternative of an alternation in turn, and skips one cheaply only
    when it starts with a plain literal or character set (not a case-insensitive one). So the ~300
    aliases are grouped by their first character, with an outer, case-sensitive set per character
    that ``re`` rejects with one lookup, and the case-insensitive ones again by their second:
    ``[pP](?:[uU](?i:(?P<g1>tin))|[yY](?i:(?P<g2>ongyang)))``. The named groups map a match back
    to its entity. Alternatives keep their order (longest alias first) wherever two could match
    at the same place, so the matches are those of the plain alternation.
    """
    buckets: dict[str, dict[str, list[tuple[str, str]]]] = {prefix: {} for prefix in _PREFIXES}
    rest: list[str] = []
    in_order: dict[str, list[tuple[str, str]]] = {}
    for _, group, pattern in items:
        prefix = next((p for p in _PREFIXES if pattern.startswith(p)), None)
        core = pattern[len(prefix):] if prefix is not None else ""
        first = _LITERAL_RE.match(core)
        if prefix is None or first is None:
            rest.append(f"(?P<{group}>{pattern})")
            continue
        char = first.group(1) or first.group(2)
        key = _same_letter(char) if ignore_case else re.escape(char)
        buckets[prefix].setdefault(key, []).append((core[first.end():], group))
        in_order.setdefault(prefix, []).append((core, group))
    flags = "(?i:{})" if ignore_case else "(?:{})"
    parts = []
    for prefix, by_char in buckets.items():
        if not by_char:
            continue
        if ignore_case and not _disjoint(by_char):  # cannot happen with re's case folding; kept exact anyway
            parts.append(prefix + flags.format("|".join(f"(?P<{g}>{core})" for core, g in in_order[prefix])))
        elif ignore_case:
            branches = [f"[{key}](?:{_by_next_letter(alts, flags)})" for key, alts in by_char.items()]
            parts.append(f"{prefix}(?:{'|'.join(branches)})")
        else:
            # case-sensitive aliases start with a capital or a Hangul syllable: the letter first and
            # the boundary after it (a lookbehind over the letter) lets re skip the other characters fast
            behind = f"(?<!{prefix[4:-1]}[\\s\\S])" if prefix else ""
            parts += [f"{key}{behind}" + flags.format("|".join(f"(?P<{g}>{p})" for p, g in alts))
                      for key, alts in by_char.items()]
    return "|".join(parts + [flags.format(r) for r in rest])


@dataclass(frozen=True)
class Mention:
    """One actor mention: where it is and which alias found it."""

    actor: str
    field: str
    start: int
    end: int
    text: str


class ActorTagger(TransformerMixin, BaseEstimator):
    """Tag canonical actors and places in documents.

    Parameters
    ----------
    registry : str or None, default=None
        Path of an actor registry YAML; None uses the packaged one.
    fields : tuple of str, default=("title", "lead", "text")
        Corpus columns searched when ``X`` is a corpus table.
    include_implied : bool, default=False
        Also count the entities a mention stands for through the registry's relations (Putin ->
        RUS, Pyongyang -> PRK, Korean People's Army -> PRK, Wagner -> RUS), on the document's
        ``published`` date where a relation is dated (a president's term).

    Attributes
    ----------
    actors_ : list of str
        Entity ids, the columns of :meth:`transform`'s matrix.
    registry_ : dict
    implies_ : dict of str to list of str
        For each entity, every entity its relations lead to, whatever the date.
    relations_ : dict of str to list of Relation
    """

    def __init__(self, registry=None, fields=FIELDS, include_implied=False):
        self.registry = registry
        self.fields = fields
        self.include_implied = include_implied

    def _check(self) -> None:
        if not isinstance(self.include_implied, (bool, np.bool_)):
            raise ValueError(f"include_implied must be True or False, not {self.include_implied!r}")
        # a bare string would be searched letter by letter ("t", "i", ...), finding nothing
        if not isinstance(self.fields, (list, tuple)) or not self.fields \
                or not all(isinstance(f, str) for f in self.fields):
            raise ValueError(f"fields must be a list or tuple of column names such as {FIELDS}, not {self.fields!r}")

    def fit(self, X=None, y=None):
        self._check()
        registry = load_actor_registry(None if self.registry is None else str(self.registry))
        self.registry_ = registry
        self.actors_ = sorted(registry)
        self.relations_ = {k: list(v["_relations"]) for k, v in registry.items()}
        self.implies_ = {k: list(dict.fromkeys(chain[-1].target for chain in _closure(k, self.relations_)))
                         for k in registry}
        self._dated = {k for k in registry if any(r.start is not None or r.end is not None
                                                  for chain in _closure(k, self.relations_) for r in chain)}
        self._static_chains = {k: _one_per_target(_closure(k, self.relations_)) for k in registry if k not in self._dated}
        self.languages_ = sorted({lang for entry in registry.values() for lang in entry["aliases"]})
        self.patterns_ = {lang: self._compile(registry, lang, self.languages_) for lang in (*self.languages_, None)}
        self.short_patterns_ = {lang: self._compile_short(registry, lang, self.languages_)
                                for lang in (*self.languages_, None)}
        return self

    @staticmethod
    def _compile_short(registry: dict, language: str | None, all_languages=LANGUAGES):
        """One pattern for the short forms (``short_forms``: Kim, Kimem) and their owners; a short form
        followed by a capitalised word is part of another name (Kim Yo Jong)."""
        languages = tuple(all_languages) if language is None else tuple(dict.fromkeys(("en", language)))
        parts, owners = [], {}
        for key, entry in registry.items():
            forms = {(str(f), lang) for lang in languages for f in (entry.get("short_forms") or {}).get(lang, []) or []}
            for form, lang in sorted(forms, key=lambda f: (-len(f[0]), f)):
                group = f"s{len(owners)}"
                owners[group] = key
                parts.append(f"(?P<{group}>{alias_pattern(form, lang)}(?![\\s\\-‐]+[A-ZА-ЯЁ]))")
        return (re.compile("|".join(parts)) if parts else None), owners

    @staticmethod
    def _compile(registry: dict, language: str | None, all_languages=LANGUAGES, factored: bool = True):
        """One alternation per case mode; group names map back to entities. ``factored=False``: the
        plain alternation, which the factored one matches exactly (tested), only slower."""
        languages = tuple(all_languages) if language is None else tuple(dict.fromkeys(("en", language)))
        groups = {True: [], False: []}  # case-sensitive?
        owners: dict[str, str] = {}
        n = 0
        standalone = "".join(sorted({a for entry in registry.values() for a in entry.get("korean_standalone", []) or []}))
        abbreviations = "".join(sorted({a for entry in registry.values() for field in ("korean_standalone", "korean_compound")
                                        for a in entry.get(field, []) or []}))
        for key, entry in registry.items():
            aliases = []
            for lang in languages:
                aliases += [(a, lang) for a in entry["aliases"].get(lang, []) or []]
            for alias, lang in sorted(set(aliases), key=lambda a: -len(a[0])):
                pattern = alias_pattern(str(alias), lang, entry.get("not_followed_by", ()))
                group = f"g{n}"
                n += 1
                owners[group] = key
                groups[bool(_CASE_SENSITIVE_RE.match(str(alias).strip("!*")))].append((len(str(alias)), group, pattern))
            if language in (None, "ko"):
                for abbr in entry.get("korean_standalone", []) or []:
                    group = f"g{n}"
                    n += 1
                    owners[group] = key
                    groups[True].append((1, group, _korean_standalone(abbr, standalone, abbreviations)))
                for abbr in entry.get("korean_compound", []) or []:
                    group = f"g{n}"
                    n += 1
                    owners[group] = key
                    groups[True].append((1, group, _korean_compound(abbr, standalone, abbreviations)))
        return compile_alternatives(groups, factored), owners

    # -- matching --------------------------------------------------------------
    def find(self, text: str, language: str | None = None) -> list[tuple[int, int, str, str]]:
        """Mentions in one text: ``(start, end, actor, matched text)``, in order."""
        check_is_fitted(self, "patterns_")
        return self._find(text, language)

    def _find(self, text: str, language: str | None):
        if not isinstance(text, str) or not text:
            return []
        compiled, owners = self.patterns_[language if language in self.patterns_ else None]
        spans = []
        for pattern in compiled:
            for m in pattern.finditer(text):
                spans.append((m.start(), m.end(), owners[m.lastgroup], m.group(0)))
        spans.sort(key=lambda s: (s[0], -(s[1] - s[0])))
        kept, last_end = [], -1
        for start, end, actor, found in spans:  # overlapping matches: the longer, earlier one wins
            if start >= last_end:
                kept.append((start, end, actor, found))
                last_end = end
        return kept

    def find_fields(self, fields: dict, language: str | None = None) -> dict:
        """Mentions in each text of one document (``{field: text}``): those of :meth:`find`, plus the
        short forms of the entities the document names in full ("Kimem" where it names Kim Dzong Un).

        Examples
        --------
        >>> tagger = ActorTagger().fit()
        >>> found = tagger.find_fields({"title": "Putin spotkał się z Kimem", "text": "Kim Dzong Un przyjechał."}, "pl")
        >>> [(f, k) for _, _, k, f in found["title"]]
        [('Putin', 'PUTIN'), ('Kimem', 'KIM_JONG_UN')]
        """
        check_is_fitted(self, "patterns_")
        return self._find_fields(fields, language)

    def _find_fields(self, fields: dict, language: str | None) -> dict:
        found = {field: self._find(text, language) for field, text in fields.items()}
        pattern, owners = self.short_patterns_[language if language in self.short_patterns_ else None]
        named = {span[2] for spans in found.values() for span in spans}
        if pattern is None or not named & set(owners.values()):
            return found
        for field, text in fields.items():
            if not isinstance(text, str):
                continue
            taken = found[field]
            extra = [(m.start(), m.end(), owners[m.lastgroup], m.group(0)) for m in pattern.finditer(text)
                     if owners[m.lastgroup] in named and not any(s < m.end() and m.start() < e for s, e, _, _ in taken)]
            if extra:
                found[field] = sorted(taken + extra)
        return found

    def _implied(self, actor: str, when) -> list[tuple[Relation, ...]]:
        """The chains of relations from ``actor`` holding on ``when``, one per entity reached."""
        if actor in self._static_chains:
            return self._static_chains[actor]
        return _one_per_target(_closure(actor, self.relations_, when))

    def _document_mentions(self, fields: dict, language, when):
        """``(actor, field, start, end, text, via, relation, link)`` for every mention of one document:
        the direct ones, then (with ``include_implied``) those a mention stands for, on the same span."""
        for field, spans in self._find_fields(fields, language).items():
            for start, end, actor, found in spans:
                yield actor, field, start, end, found, actor, "", ""
                if self.include_implied:
                    for chain in self._implied(actor, when):
                        yield chain[-1].target, field, start, end, found, actor, chain[0].kind, describe_link(found, chain)

    def count_one(self, text: str, *, language: str | None = None, published=None) -> dict[str, int]:
        """Actor counts in one text (``published``: its date, for dated relations)."""
        check_is_fitted(self, "patterns_")
        counts = Counter(m[0] for m in self._document_mentions({"text": text}, language, _naive(published)))
        return dict(sorted(counts.items()))

    def _documents(self, X):
        """(doc_id, language, published, {field: text}) for a corpus table, a Series or a list of strings."""
        if isinstance(X, pd.DataFrame):
            ids = X["doc_id"].tolist() if "doc_id" in X else list(range(len(X)))
            langs = X["language"].tolist() if "language" in X else [None] * len(X)
            dates = [_naive(d) for d in X["published"]] if "published" in X else [None] * len(X)
            columns = {f: X[f].tolist() for f in self.fields if f in X}
            for i, (doc_id, lang) in enumerate(zip(ids, langs)):
                yield doc_id, lang if isinstance(lang, str) else None, dates[i], {f: v[i] for f, v in columns.items()}
        else:
            for i, text in enumerate(X):
                yield i, None, None, {"text": text}

    def mentions(self, X) -> pd.DataFrame:
        """Every mention, the one source of actor counts, places and evidence.

        Columns ``doc_id``, ``actor``, ``field`` (title, lead, text), ``start``, ``end`` (the span
        in that field), ``text`` (what was matched), ``via`` (the entity whose alias matched; the
        actor itself for a direct mention), ``relation`` ("" for a direct mention, else the kind of
        the first relation, e.g. ``military_of``) and ``link`` (the evidence of an implied
        mention, "Korean People's Army → PRK (armed forces)"; "" for a direct one). Implied rows
        appear only with ``include_implied=True``, right after the direct mention they come from.

        Examples
        --------
        >>> docs = pd.DataFrame({"doc_id": ["d"], "title": ["Korean People's Army drills"], "text": [None]})
        >>> ActorTagger(include_implied=True).fit().mentions(docs)[["actor", "via", "link"]].values.tolist()
        [['KPA', 'KPA', ''], ['PRK', 'KPA', "Korean People's Army → PRK (armed forces)"]]
        """
        check_is_fitted(self, "patterns_")
        rows = [(doc_id, *m) for doc_id, lang, when, fields in self._documents(X)
                for m in self._document_mentions(fields, lang, when)]
        columns = ["doc_id", "actor", "field", "start", "end", "text", "via", "relation", "link"]
        return pd.DataFrame(rows, columns=columns).astype(
            {"actor": "str", "field": "str", "text": "str", "start": "int64", "end": "int64",
             "via": "str", "relation": "str", "link": "str"})

    def transform(self, X):
        """Sparse matrix of actor counts, documents x :attr:`actors_` (the rows of :meth:`mentions`)."""
        check_is_fitted(self, "patterns_")
        index = {a: j for j, a in enumerate(self.actors_)}
        rows, cols, vals = [], [], []
        n = 0
        for i, (_, lang, when, fields) in enumerate(self._documents(X)):
            n = i + 1
            counts = Counter(m[0] for m in self._document_mentions(fields, lang, when))
            for actor, c in counts.items():
                rows.append(i)
                cols.append(index[actor])
                vals.append(c)
        return sparse.csr_matrix((np.array(vals, dtype=np.int32), (rows, cols)), shape=(n, len(self.actors_)))

    def resolve(self, name: str) -> str:
        """The entity id ``name`` is (an id or one of its aliases in any language, in any case).

        Examples
        --------
        >>> tagger = ActorTagger().fit()
        >>> tagger.resolve("dprk"), tagger.resolve("Korea Utara"), tagger.resolve("Путин")
        ('PRK', 'PRK', 'PUTIN')
        """
        check_is_fitted(self, "registry_")
        if str(name).upper() in self.registry_:
            return str(name).upper()
        for key, entry in self.registry_.items():
            for lang, aliases in entry["aliases"].items():
                for alias in aliases or []:
                    if re.fullmatch(alias_pattern(str(alias), lang), str(name), re.I):
                        return key
        raise ValueError(f"unknown actor {name!r}; use a registry id ({', '.join(self.actors_)}) or one of their aliases")

    def distinct(self, a: str, b: str) -> bool:
        """Whether ``a`` and ``b`` are two actors, not one: neither stands for the other (a capital,
        a leader, an army of its state) and they stand for no common one (Putin and the Kremlin).

        Examples
        --------
        >>> tagger = ActorTagger().fit()
        >>> tagger.distinct("RUS", "PRK"), tagger.distinct("PRK", "PYONGYANG"), tagger.distinct("PUTIN", "KREMLIN")
        (True, False, False)
        """
        check_is_fitted(self, "implies_")
        return not ({a, *self.implies_[a]} & {b, *self.implies_[b]})

    def get_feature_names_out(self, input_features=None):
        check_is_fitted(self, "actors_")
        return np.asarray([f"actor_{a}" for a in self.actors_], dtype=object)


def _naive(when):
    """A timestamp as naive UTC (None for a missing one), for comparing with relation dates."""
    if when is None or (not isinstance(when, str) and pd.isna(when)):
        return None
    when = pd.Timestamp(when)
    return when.tz_convert("UTC").tz_localize(None) if when.tzinfo is not None else when


def actor_counts(corpus: pd.DataFrame, *, include_implied: bool = False) -> pd.DataFrame:
    """Documents x actors counts as a DataFrame indexed by ``doc_id`` (zeros kept sparse-friendly).

    Examples
    --------
    >>> from analysis.demo import load_demo
    >>> counts = actor_counts(load_demo(100))   # SIMULATED demo corpus
    >>> int(counts["PRK"].gt(0).sum()) > 10
    True
    """
    tagger = ActorTagger(include_implied=include_implied).fit()
    matrix = tagger.transform(corpus)
    return pd.DataFrame(matrix.toarray(), index=pd.Index(corpus["doc_id"], name="doc_id"), columns=tagger.actors_)
