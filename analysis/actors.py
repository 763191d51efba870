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


@lru_cache(maxsize=8)
def load_actor_registry(path: str | None = None) -> dict:
    """The actor registry as a dict (entity id -> entry), read from YAML."""
    data = config.read_yaml(Path(path or ACTORS_FILE))
    for key, entry in data.items():
        if "aliases" not in entry or "label" not in entry:
            raise ValueError(f"{path or ACTORS_FILE}: entity {key} needs a label and aliases")
    return data


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
        Also count the entities a mention implies (Putin -> RUS).

    Attributes
    ----------
    actors_ : list of str
        Entity ids, the columns of :meth:`transform`'s matrix.
    registry_ : dict
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
        self.implies_ = {k: list(v.get("implies", [])) for k, v in registry.items()}
        self.languages_ = sorted({lang for entry in registry.values() for lang in entry["aliases"]})
        self.patterns_ = {lang: self._compile(registry, lang, self.languages_) for lang in (*self.languages_, None)}
        return self

    @staticmethod
    def _compile(registry: dict, language: str | None, all_languages=LANGUAGES, factored: bool = True):
        """One alternation per case mode; group names map back to entities. ``factored=False``: the
        plain alternation, which the factored one matches exactly (tested), only slower."""
        languages = tuple(all_languages) if language is None else tuple(dict.fromkeys(("en", language)))
        groups = {True: [], False: []}  # case-sensitive?
        owners: dict[str, str] = {}
        n = 0
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
                    groups[True].append((1, group, f"(?<![{_HANGUL}]){re.escape(abbr)}(?![{_HANGUL}])"))
                for abbr in entry.get("korean_compound", []) or []:
                    group = f"g{n}"
                    n += 1
                    owners[group] = key
                    a = re.escape(abbr)
                    # the letter first, its context after: re skips positions without the letter cheaply
                    groups[True].append((1, group, f"{a}(?:(?<=·{a})(?![{_HANGUL}])|(?<![{_HANGUL}]{a})(?=·))"))
        compiled = []
        for case_sensitive, items in groups.items():
            if not items:
                continue
            items.sort(key=lambda t: -t[0])  # longest alias first: "North Korea" before "Korea"
            if factored:
                compiled.append(re.compile(_factored(items, not case_sensitive)))
            else:
                compiled.append(re.compile("|".join(f"(?P<{g}>{p})" for _, g, p in items), 0 if case_sensitive else re.I))
        return compiled, owners

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

    def count_one(self, text: str, *, language: str | None = None) -> dict[str, int]:
        """Actor counts in one text."""
        check_is_fitted(self, "patterns_")
        counts = Counter(actor for _, _, actor, _ in self._find(text, language))
        if self.include_implied:
            for actor, n in list(counts.items()):
                for implied in self.implies_.get(actor, []):
                    counts[implied] += n
        return dict(sorted(counts.items()))

    def _documents(self, X):
        """(doc_id, language, {field: text}) for a corpus table, a Series or a list of strings."""
        if isinstance(X, pd.DataFrame):
            ids = X["doc_id"].tolist() if "doc_id" in X else list(range(len(X)))
            langs = X["language"].tolist() if "language" in X else [None] * len(X)
            columns = {f: X[f].tolist() for f in self.fields if f in X}
            for i, (doc_id, lang) in enumerate(zip(ids, langs)):
                yield doc_id, lang if isinstance(lang, str) else None, {f: v[i] for f, v in columns.items()}
        else:
            for i, text in enumerate(X):
                yield i, None, {"text": text}

    def mentions(self, X) -> pd.DataFrame:
        """Every mention: ``doc_id``, ``actor``, ``field``, ``start``, ``end``, ``text``."""
        check_is_fitted(self, "patterns_")
        rows = []
        for doc_id, lang, fields in self._documents(X):
            for field, text in fields.items():
                for start, end, actor, found in self._find(text, lang):
                    rows.append((doc_id, actor, field, start, end, found))
        return pd.DataFrame(rows, columns=["doc_id", "actor", "field", "start", "end", "text"]).astype(
            {"actor": "str", "field": "str", "text": "str", "start": "int64", "end": "int64"})

    def transform(self, X):
        """Sparse matrix of actor counts, documents x :attr:`actors_`."""
        check_is_fitted(self, "patterns_")
        index = {a: j for j, a in enumerate(self.actors_)}
        rows, cols, vals = [], [], []
        n = 0
        for i, (_, lang, fields) in enumerate(self._documents(X)):
            n = i + 1
            counts: Counter = Counter()
            for text in fields.values():
                counts.update(actor for _, _, actor, _ in self._find(text, lang))
            if self.include_implied:
                for actor, c in list(counts.items()):
                    for implied in self.implies_.get(actor, []):
                        counts[implied] += c
            for actor, c in counts.items():
                rows.append(i)
                cols.append(index[actor])
                vals.append(c)
        return sparse.csr_matrix((np.array(vals, dtype=np.int32), (rows, cols)), shape=(n, len(self.actors_)))

    def get_feature_names_out(self, input_features=None):
        check_is_fitted(self, "actors_")
        return np.asarray([f"actor_{a}" for a in self.actors_], dtype=object)


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
