"""Who speaks in a text: attributions (direct quotes, reported speech, "according to", references,
anonymous sources) per sentence, in English, Indonesian, Russian and Korean.

One **attribution** is one act of saying that an article ascribes to someone other than its author
(the definition of ``tests/data/sources_gold_guideline.md``). :class:`SourceExtractor` reads each
sentence (:func:`analysis.sentences.sentence_spans`) that holds a reporting cue
(``registry/attribution_cues.yaml``: "said", "kata", "заявил", "밝혔다", "according to", "menurut",
"по словам", "에 따르면", a headline colon) or a quote, and finds the source the cue points at:

* the phrase next to the cue on the side the cue file says ("Peskov said", "kata Arie",
  "по словам Пескова", "국정원은 ... 밝혔다"), with its title ("Kremlin spokesman Dmitry Peskov");
* its canonical id in the speakers registry (:class:`analysis.speakers.SourceRegistry`) on the
  document's date, the parent chain, type and country; a named speaker the registry lacks is kept
  with ``registered=False``;
* references: pronouns (he, she, ia, dia, он, она, 그는), the Indonesian suffix ``-nya``
  (``ujarnya``: the span is ``nya``), a surname or demonstrative phrase ("memo tersebut") for the
  last compatible speaker named before (gender from the registry);
* anonymous sources ("a senior US official", "sumber", "источник", "소식통"), with the country they
  name;
* the quoted words (every quote style; an unclosed quote runs to the end of its sentence, a closing
  mark without an opening one from the start) or the reported clause, and whether the sentence is
  hedged (:func:`analysis.hedging.find_hedges`).

Offsets point into the field's text (``title``, ``lead``, ``text``). Only sentences with a cue,
a quote or a colon are read, with precompiled patterns: extraction runs at thousands of documents
per second per core, and ``n_jobs`` spreads chunks of documents over worker processes with the same
output, in the same order.

Examples
--------
>>> import pandas as pd
>>> docs = pd.DataFrame({"doc_id": ["a"], "language": ["en"],
...                      "text": ['"We will not stop," Kremlin spokesman Dmitry Peskov said. He added more.']})
>>> table = SourceExtractor().fit().attributions(docs)
>>> table[["span", "canonical", "kind", "quote"]].values.tolist()
[['Kremlin spokesman Dmitry Peskov', 'PESKOV', 'direct', 'We will not stop,'], ['He', 'PESKOV', 'reference', 'more']]
"""
from __future__ import annotations

import multiprocessing
import os
import re
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import yaml
from scipy import sparse
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from . import config
from .actors import compile_alternatives
from .hedging import find_hedges
from .sentences import sentence_spans
from .speakers import SourceRegistry

CUES_FILE = config.REGISTRY_DIR / "attribution_cues.yaml"
#: The attribution table's columns, in order (:meth:`SourceExtractor.attributions`).
ATTRIBUTION_COLUMNS = ["doc_id", "field", "sentence", "start", "end", "span", "canonical", "label", "parent", "chain",
                       "type", "country", "registered", "kind", "cue", "cue_start", "cue_end", "quote", "quote_start",
                       "quote_end", "hedged", "hedge", "language"]
FIELDS = ("title", "lead", "text")
KINDS = ("direct", "indirect", "according_to", "reference", "anonymous")
#: Keys of a Latin or Cyrillic language's entry in the cue file, and of the Korean one.
_LIST_KEYS = ("either", "before", "after", "according_to", "secondary", "after_prepositions", "locatives", "nya_suffix", "skip", "not_source", "roles",
              "anonymous", "documents", "demonstratives", "function_words")
_KO_KEYS = ("verbs", "according_to", "headline_verbs", "subject_particles", "roles", "anonymous")
_PRONOUN_KEYS = ("m", "f", "any", "plural")
#: Opening quote marks and the mark that closes each; ``"`` and ``'`` close themselves.
QUOTES = {"“": "”", "„": "“", "«": "»", "「": "」", "『": "』", "‘": "’", "‚": "‘", '"': '"', "'": "'", "《": "》"}
_CLOSERS = {"”", "»", "」", "』", "》"}
_QUOTE_CHARS_RE = re.compile("[" + re.escape("".join(set(QUOTES) | set(QUOTES.values()))) + "]")
_TOKEN_RE = re.compile(r"\w+(?:[-'’.]\w+)*|[^\w\s]")
_HANGUL_RE = re.compile("[가-힣]")
#: What ends a source phrase: punctuation other than a possessive's apostrophe or a hyphen.
_STOP_PUNCT = set(",.;:!?—–-\"“”«»„「」()[]…/|")  # a hyphen inside a word is part of the word's token
_CONNECTORS = {"of", "for", "the", "'s", "’s", "and", "de", "van", "von", "bin", "al", "el", "dan", "di", "(", ")",
               "и", "при", "по", "в", "из"}


class CueError(ValueError):
    """An attribution cue file that cannot be used; the message names the file, language and key."""


# -- the cue file ------------------------------------------------------------------------------------
def load_cues(path=None) -> dict:
    """The checked cue lists of ``registry/attribution_cues.yaml`` (or another file), per language.

    Examples
    --------
    >>> cues = load_cues()
    >>> sorted(cues), "said" in cues["en"]["either"], "에 따르면" in cues["ko"]["according_to"]
    (['en', 'id', 'ko', 'ru'], True, True)
    """
    path = Path(path) if path is not None else CUES_FILE
    return _load_cues(str(path))


@lru_cache(maxsize=8)
def _load_cues(path: str) -> dict:
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise CueError(f"{path}: cannot read the cue file ({error})") from None
    if not isinstance(data, dict) or not data:
        raise CueError(f"{path}: expected a mapping of languages (en, id, ru, ko ...)")
    return {language: _check_language(language, entry, path) for language, entry in data.items()}


def _check_language(language, entry, path: str) -> dict:
    if not isinstance(entry, dict):
        raise CueError(f"{path}, language {language!r}: expected a mapping of cue lists")
    keys = _KO_KEYS if language == "ko" else _LIST_KEYS
    allowed = {*keys, "pronouns", "colon", "inversion"}
    unknown = set(entry) - allowed
    if unknown:
        raise CueError(f"{path}, language {language!r}: unknown key(s) {sorted(unknown)}; allowed: {sorted(allowed)}")
    out = {"colon": bool(entry.get("colon", False)), "inversion": entry.get("inversion", "punctuation")}
    if out["inversion"] not in ("punctuation", "comma", "free"):
        raise CueError(f"{path}, language {language!r}, key 'inversion': punctuation, comma or free, "
                       f"not {out['inversion']!r}")
    for key in keys:
        out[key] = _word_list(entry.get(key) or [], f"{path}, language {language!r}, key {key!r}")
    pronouns = entry.get("pronouns") or {}
    if not isinstance(pronouns, dict) or set(pronouns) - set(_PRONOUN_KEYS):
        raise CueError(f"{path}, language {language!r}, key 'pronouns': a mapping with keys {_PRONOUN_KEYS}")
    out["pronouns"] = {k: _word_list(pronouns.get(k) or [], f"{path}, language {language!r}, pronouns {k!r}")
                       for k in _PRONOUN_KEYS}
    return out


def _word_list(value, where: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise CueError(f"{where}: expected a list of words or phrases, got {value!r}")
    return list(dict.fromkeys(v.strip() for v in value))


def phrase_pattern(phrase: str, plural: bool = False) -> str:
    """Regular expression of one cue phrase (words across spaces, ``*`` for endings, whole words).

    Examples
    --------
    >>> bool(re.search(phrase_pattern("заявил*"), "Песков заявила")), bool(re.search(phrase_pattern("said"), "unsaid"))
    (True, False)
    """
    words = []
    for word in phrase.split():
        star = word.endswith("*")
        body = re.escape(word.rstrip("*"))
        words.append(body + (r"\w*" if star else ""))
    core = r"\s+".join(words) + (r"(?:e?s)?" if plural and not phrase.endswith("*") else "")
    if _HANGUL_RE.search(phrase):
        return core
    return rf"(?<![\w.]){core}(?![\w])"


def _alternation(phrases, plural: bool = False):
    """One compiled, case-insensitive alternation of phrases, the longest first, factored by first letters
    (:func:`analysis.actors.compile_alternatives`: ``re`` skips the positions no phrase starts at); None
    for no phrase. Its groups are ``c0``, ``c1``... in the order of ``phrases``."""
    if not phrases:
        return None
    items = [(len(p), f"c{i}", phrase_pattern(p, plural)) for i, p in enumerate(phrases)]
    return compile_alternatives({False: items})[0]


@dataclass
class _Language:
    """One language's compiled cues."""

    cue: re.Pattern | None
    cue_kinds: dict  # group name -> position
    nouns: re.Pattern | None  # role, anonymous and document nouns in one pattern
    noun_kinds: dict  # group name -> "anonymous" | "document" | "role"
    demonstratives: re.Pattern | None
    pronouns: dict  # lower-case word -> m | f | any | plural
    skip: set
    not_source: set
    function_words: set
    colon: bool
    inversion: str = "punctuation"
    secondary: frozenset = frozenset()
    after_prepositions: frozenset = frozenset()
    locatives: frozenset = frozenset()
    headline_verbs: re.Pattern | None = None
    skip_tail: re.Pattern | None = None  # a phrase of several skipped words right before a cue
    korean: bool = False
    subject_particles: tuple = ()
    extra: dict = field(default_factory=dict)


#: A date in parentheses after a name, as Indonesian wires write it: "Retno Marsudi, Senin (12/10), mengatakan".
_DATE_IN_PARENTHESES = r"\(\d{1,2}/\d{1,2}(?:/\d{2,4})?\)"


def _skip_tail(phrases):
    """A pattern for what may stand between a source and its cue and ending a text, or None: a phrase of
    ``skip`` words of several words (with its commas), or ``skip`` words between commas, or a date in
    parentheses ("Песков в понедельник заявил"; "Retno Marsudi, Senin (12/10), mengatakan")."""
    if not phrases:
        return None
    several = [p for p in phrases if " " in p]
    words = "|".join(r"\s+".join(map(re.escape, p.split())) for p in sorted(phrases, key=len, reverse=True))
    tails = [rf",\s*(?:(?<![\w-])(?:{words})\s*)+(?:{_DATE_IN_PARENTHESES}\s*)?,\s*$",
             rf"\s*(?<![\w-])(?:(?:{words})\s*)?{_DATE_IN_PARENTHESES}\s*,?\s*$"]
    if several:
        multi = "|".join(r"\s+".join(map(re.escape, p.split())) for p in sorted(several, key=len, reverse=True))
        tails.insert(0, rf",?\s*(?<![\w-])(?:{multi})\s*,?\s*$")
    return re.compile("|".join(f"(?:{t})" for t in tails), re.IGNORECASE)


def compile_cues(cues: dict) -> dict:
    """``{language: compiled cues}`` from :func:`load_cues`'s lists."""
    return {language: _compile_language(language, entry) for language, entry in cues.items()}


def _compile_language(language: str, entry: dict) -> _Language:
    pronouns = {w.lower(): gender for gender in _PRONOUN_KEYS for w in entry["pronouns"][gender]}
    if language == "ko":
        positions = [("verbs", "before"), ("according_to", "according_before")]
    else:
        positions = [("according_to", "according_to"), ("after", "after"), ("before", "before"), ("either", "either")]
    items = [(p, position) for key, position in positions for p in entry.get(key, [])]
    nya = [(f"{p}nya", "nya") for p in entry.get("nya_suffix", [])]
    nouns = {}  # a phrase in several lists: anonymous before document before role
    for key, kind in (("anonymous", "anonymous"), ("documents", "document"), ("roles", "role")):
        for phrase in entry.get(key, []):
            nouns.setdefault(phrase.lower(), kind)
    items = sorted(items + nya, key=lambda t: (-len(t[0]), t[0]))
    return _Language(
        cue=_alternation([p for p, _ in items]), cue_kinds={f"c{i}": position for i, (_, position) in enumerate(items)},
        nouns=_alternation(list(nouns), plural=language == "en"), noun_kinds={f"c{i}": kind for i, kind in enumerate(nouns.values())},
        demonstratives=_alternation(entry.get("demonstratives", [])), pronouns=pronouns,
        skip={w.lower() for w in entry.get("skip", [])}, not_source={w.lower() for w in entry.get("not_source", [])},
        function_words=set(entry.get("function_words", [])), colon=entry.get("colon", False),
        inversion=entry.get("inversion", "punctuation"), secondary=frozenset(p.lower() for p in entry.get("secondary", [])),
        after_prepositions=frozenset(p.lower() for p in entry.get("after_prepositions", [])),
        locatives=frozenset(p.lower() for p in entry.get("locatives", [])),
        headline_verbs=_alternation(entry.get("headline_verbs", [])),
        skip_tail=_skip_tail(list(entry.get("skip", []))),
        korean=language == "ko", subject_particles=tuple(sorted(entry.get("subject_particles", []), key=len, reverse=True)))


# -- quotes ------------------------------------------------------------------------------------------------
def quote_spans(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of the words inside each outermost quotation in ``text`` (one sentence or line).

    Every style is read (``"…"``, ``“…”``, ``«…»``, ``„…“``, ``「…」``, ``‘…’``, ``'…'``); nested quotes
    stay inside the outer one; an unclosed quote runs to the end of the text and a closing mark with
    no opening one (a quote begun in an earlier sentence) from the start. Apostrophes (Kim's, don't)
    are not quotes.

    Examples
    --------
    >>> text = '"We will not stop," he said, «nested „inner“ words» and an unclosed “tail'
    >>> [text[a:b] for a, b in quote_spans(text)]
    ['We will not stop,', 'nested „inner“ words', 'tail']
    >>> quote_spans("It's Kim's view.")
    []
    """
    if not isinstance(text, str) or not _QUOTE_CHARS_RE.search(text):
        return []
    spans, stack, last_end = [], [], 0
    for m in _QUOTE_CHARS_RE.finditer(text):
        i, char = m.start(), m.group(0)
        before, after = text[i - 1:i], text[i + 1:i + 2]
        if char in ("'", "’") and before.isalnum() and before < "\u0250" and (after.isalnum() or not stack):
            continue  # an apostrophe in Latin script: Kim's, don't, the Koreans' army (not ‘명단’에)
        if stack and char == QUOTES[stack[-1][1]]:
            opened = stack.pop()[0]
            if not stack:
                spans.append((opened + 1, i))
                last_end = i + 1
        elif char in QUOTES and _opens(char, before, after, stack):
            stack.append((i, char))
        elif not stack and (char in _CLOSERS or (char == '"' and not before.isspace())):
            if char == '"' and not text[i + 1:].strip():
                continue  # a stray mark at the very end: the opening quote of the next sentence, glued on
            spans.append((last_end, i))  # closes a quote opened before this text
            last_end = i + 1
    if stack:
        spans.append((stack[0][0] + 1, len(text)))
    return [(a, b) for a, b in spans if text[a:b].strip()]


def _opens(char: str, before: str, after: str, stack: list) -> bool:
    """Whether a quote mark opens a quotation here (symmetric marks need a space or start before them)."""
    if char in ('"', "'"):
        return (not before or before.isspace() or before in "([{—–-:;,/.!?…") and bool(after) and not after.isspace()
    if char in ("‘", "‚"):
        return not before.isalnum()
    return True


# -- the estimator ---------------------------------------------------------------------------------------
class SourceExtractor(TransformerMixin, BaseEstimator):
    """Find who is cited in each document: attributions with their source, cue, quote and hedge.

    Parameters
    ----------
    registry : str, Path or None, default=None
        The speakers registry (a ``.yaml`` file or a folder of them); None: ``registry/sources/``.
    cues : str, Path or None, default=None
        An attribution cue file; None: ``registry/attribution_cues.yaml``.
    fields : tuple of str, default=("title", "lead", "text")
        Corpus columns read, in this order (a pronoun in the text may refer to a speaker of the lead).
    n_jobs : int or None, default=None
        Worker processes for :meth:`attributions` and :meth:`transform` (None or 1: this process;
        -1: every core). Chunks of documents go to the workers; the output is the same, in the same order.

    Attributes
    ----------
    registry_ : SourceRegistry
    cues_ : dict
        Compiled cues per language.
    sources_ : list of str
        The registry's ids: the columns of :meth:`transform`.

    Examples
    --------
    >>> from analysis.demo import load_demo
    >>> demo = load_demo(50)  # SIMULATED
    >>> extractor = SourceExtractor().fit()
    >>> extractor.transform(demo).shape == (50, len(extractor.sources_))
    True
    """

    def __init__(self, registry=None, cues=None, fields=FIELDS, n_jobs=None):
        self.registry = registry
        self.cues = cues
        self.fields = fields
        self.n_jobs = n_jobs

    def _check(self) -> None:
        if not isinstance(self.fields, (list, tuple)) or not self.fields \
                or not all(isinstance(f, str) for f in self.fields):
            raise ValueError(f"fields must be a list or tuple of column names such as {FIELDS}, not {self.fields!r}")
        if self.n_jobs is not None and (isinstance(self.n_jobs, bool) or not isinstance(self.n_jobs, (int, np.integer))
                                        or self.n_jobs == 0 or self.n_jobs < -1):
            raise ValueError(f"n_jobs must be None, -1 or an integer >= 1, not {self.n_jobs!r}")

    def fit(self, X=None, y=None):
        """Load and compile the registry and the cues (``X`` and ``y`` are ignored)."""
        self._check()
        self.registry_ = SourceRegistry(self.registry)
        self.cues_ = compile_cues(load_cues(self.cues))
        self.sources_ = list(self.registry_.ids)
        return self

    def _workers(self) -> int:
        if self.n_jobs is None:
            return 1
        return os.cpu_count() or 1 if self.n_jobs == -1 else int(self.n_jobs)

    def attributions(self, X) -> pd.DataFrame:
        """Every attribution of every document, in reading order (fields in :attr:`fields` order).

        Parameters
        ----------
        X : pandas.DataFrame
            A corpus table: ``doc_id``, ``language``, the text fields, ``published`` (optional).

        Returns
        -------
        pandas.DataFrame
            The columns of :data:`ATTRIBUTION_COLUMNS`: ``doc_id``, ``field``,
            ``sentence`` (index of the sentence in the field), ``start``/``end`` (the source's span in
            the field), ``span``, ``canonical`` (registry id or None), ``label``, ``parent``, ``chain``
            (ids joined by " > "), ``type``, ``country``, ``registered``, ``kind`` (direct, indirect,
            according_to, reference, anonymous), ``cue`` with ``cue_start``/``cue_end``, ``quote``
            with ``quote_start``/``quote_end``, ``hedged``, ``hedge``, ``language``.
        """
        check_is_fitted(self, "cues_")
        documents = list(_documents(X, self.fields))
        rows = _run(self, documents, self._workers())
        return _table(rows)

    def transform(self, X):
        """Sparse documents x :attr:`sources_` counts of attributions with a registry id."""
        check_is_fitted(self, "cues_")
        table = self.attributions(X)
        index = {s: j for j, s in enumerate(self.sources_)}
        ids = X["doc_id"].tolist() if isinstance(X, pd.DataFrame) and "doc_id" in X else list(range(len(X)))
        row_of = {doc_id: i for i, doc_id in enumerate(ids)}
        known = table.dropna(subset=["canonical"])
        rows = [row_of[d] for d in known["doc_id"]]
        cols = [index[c] for c in known["canonical"]]
        matrix = sparse.csr_matrix((np.ones(len(rows), dtype=np.int32), (rows, cols)), shape=(len(ids), len(self.sources_)))
        matrix.sum_duplicates()
        return matrix

    def get_feature_names_out(self, input_features=None):
        check_is_fitted(self, "sources_")
        return np.asarray([f"source_{s}" for s in self.sources_], dtype=object)


def _documents(X, fields):
    """``(doc_id, language, published, [(field, text), ...])`` per document of a corpus table or texts."""
    if isinstance(X, pd.DataFrame):
        ids = X["doc_id"].tolist() if "doc_id" in X else list(range(len(X)))
        languages = X["language"].tolist() if "language" in X else [None] * len(X)
        dates = _naive_dates(X["published"]) if "published" in X else [None] * len(X)
        columns = [(f, X[f].tolist()) for f in fields if f in X]
        for i, doc_id in enumerate(ids):
            language = languages[i] if isinstance(languages[i], str) else None
            yield doc_id, language, dates[i], [(f, v[i]) for f, v in columns if type(v[i]) is str and v[i]]
    else:
        for i, text in enumerate(X):
            yield i, None, None, [("text", text)] if isinstance(text, str) and text else []


def _naive_dates(published: pd.Series) -> list:
    """Each date as a naive UTC timestamp (None where missing), converted once for the whole column."""
    dates = pd.to_datetime(published, utc=True, errors="coerce", format="mixed")
    dates = dates.dt.tz_localize(None)
    return [None if pd.isna(d) else d for d in dates.tolist()]


# -- running over documents, in one process or several -----------------------------------------------------
_WORKER_STATE = None


def _run(extractor, documents: list, workers: int) -> list:
    if workers <= 1 or len(documents) < 200:
        return _extract_chunk(extractor, documents)
    size = -(-len(documents) // (workers * 2))
    bounds = [(i, min(i + size, len(documents))) for i in range(0, len(documents), size)]
    global _WORKER_STATE
    if "fork" in multiprocessing.get_all_start_methods():
        # the workers inherit the fitted extractor and the documents: only offsets and rows are pickled
        _WORKER_STATE = (extractor, documents)
        try:
            with multiprocessing.get_context("fork").Pool(workers) as pool:
                parts = pool.map(_extract_inherited, bounds)
        finally:
            _WORKER_STATE = None
    else:
        with multiprocessing.get_context("spawn").Pool(workers) as pool:
            parts = pool.starmap(_extract_chunk, [(extractor, documents[a:b]) for a, b in bounds])
    return [row for part in parts for row in part]


def _extract_inherited(bounds):
    extractor, documents = _WORKER_STATE
    return _extract_chunk(extractor, documents[bounds[0]:bounds[1]])


def _extract_chunk(extractor, documents) -> list:
    reader = _Reader(extractor.registry_, extractor.cues_)
    rows = []
    for doc_id, language, date, fields in documents:
        rows.extend(reader.document(doc_id, language, date, fields))
    return rows


_DTYPES = {"sentence": "int64", "start": "int64", "end": "int64", "cue_start": "Int64", "cue_end": "Int64",
           "quote_start": "Int64", "quote_end": "Int64", "registered": "bool", "hedged": "bool"}


def _table(rows: list) -> pd.DataFrame:
    table = pd.DataFrame(rows, columns=ATTRIBUTION_COLUMNS)
    object_columns = [c for c in ATTRIBUTION_COLUMNS if c not in _DTYPES and c != "doc_id"]
    table[object_columns] = table[object_columns].astype(object)
    return table.astype(_DTYPES)



# -- reading one document ------------------------------------------------------------------------------------
@dataclass
class _Speaker:
    """A source named so far in a document (for references)."""

    canonical: str | None
    gender: str | None
    person: bool
    names: frozenset  # the words of its span: a later surname among them refers to it


@dataclass
class _Phrase:
    """A source phrase in a sentence: offsets in the sentence, and what its head word is."""

    start: int
    end: int
    head: str  # pronoun | registry | anonymous | document | role | name
    gender: str | None = None  # pronouns: m | f | any | plural


class _Reader:
    """Reads the documents of one process: the registry and cues, and caches of the registry's facts."""

    def __init__(self, registry: SourceRegistry, cues: dict):
        self.registry = registry
        self.cues = cues
        self._facts: dict = {}

    def document(self, doc_id, language, date, fields) -> list:
        cues = self.cues.get(language) or self.cues.get("en") or next(iter(self.cues.values()))
        doc = _Document(self, doc_id, language, date, cues)
        for name, text in fields:
            doc.field(name, text)
        return doc.rows

    def facts(self, canonical, day, date=None) -> tuple:
        """(label, parent, chain, type, country) of a registry id on a day ("YYYY-MM-DD" or None; cached per
        day; ``date``: the same day as a timestamp, parsed once per document)."""
        key = (canonical, day)
        if key not in self._facts:
            reg = self.registry
            chain = reg.chain(canonical, date if date is not None else day)
            self._facts[key] = (reg.label(canonical), chain[1] if len(chain) > 1 else None, " > ".join(chain),
                                reg.source_type(canonical), reg.country(canonical))
        return self._facts[key]


class _Document:
    """The state of one document while its fields are read: who spoke, who was named."""

    def __init__(self, reader: _Reader, doc_id, language, date, cues: _Language):
        self.reader, self.registry = reader, reader.registry
        self.doc_id, self.language, self.date, self.cues = doc_id, language, date, cues
        self.day = None if date is None else pd.Timestamp(date).strftime("%Y-%m-%d")
        self.speakers: list[_Speaker] = []
        self.named: list[str] = []
        self.rows: list = []
        self.previous_found: list = []
        self.last_author: str | None = None

    # -- a field: which sentences to read ------------------------------------------------------------------
    def field(self, name: str, text: str) -> None:
        cues = self.cues
        hits = [(m.start(), m.end(), cues.cue_kinds[m.lastgroup]) for m in cues.cue.finditer(text)] if cues.cue else []
        has_quote = _QUOTE_CHARS_RE.search(text) is not None
        has_colon = cues.colon and name == "title" and ":" in text
        has_colon = has_colon or (cues.headline_verbs is not None and name == "title" and "," in text)  # 러시아, ... 요구
        if not hits and not has_quote and not has_colon:
            return
        spans = sentence_spans(text)
        starts = [a for a, _ in spans]
        by_sentence: dict[int, list] = {}
        for hit in hits:
            i = bisect_right(starts, hit[0]) - 1
            if i >= 0 and hit[1] <= spans[i][1]:
                by_sentence.setdefault(i, []).append(hit)
        self.previous_found = []
        self._text, self._field_found = text, None
        for i, (a, b) in enumerate(spans):
            sentence_hits = by_sentence.get(i, [])
            sentence = text[a:b]
            if not sentence_hits and not (has_quote and _QUOTE_CHARS_RE.search(sentence)) \
                    and not (has_colon and (":" in sentence or cues.korean)):
                self.previous_found = (a, b)
                continue
            _Sentence(self, name, i, a, sentence, [(s - a, e - a, k) for s, e, k in sentence_hits]).read()

    def found_in(self, start: int, end: int) -> list:
        """The registry's names in ``text[start:end]`` of the current field, offsets from ``start`` (with
        the ids the document named before, for short forms)."""
        return self.registry.find(self._text[start:end], self.language, self.date, named=self.named)

    # -- the rows ---------------------------------------------------------------------------------------------
    def add(self, field_name, index, offset, sentence, phrase: _Phrase, canonical, kind, cue, quote, hedge,
            registered=None) -> None:
        start, end = offset + phrase.start, offset + phrase.end
        if any(r[1] == field_name and r[3] < end and start < r[4] for r in self.rows[-6:]):
            return  # one attribution per source span
        if canonical is not None and any(r[1] == field_name and r[2] == index and r[6] == canonical
                                         for r in self.rows[-6:]):
            return  # one speech act per speaker and sentence: "По словам Файнберга, ... он рассказал"
        if canonical is not None and self.registry.kind(canonical) == "country" and any(
                r[1] == field_name and r[2] == index and r[6] is not None and canonical in r[9].split(" > ")
                for r in self.rows[-6:]):
            return  # "According to the ministry, Jakarta urges ...": the state speaking through its own body
        if canonical is not None:  # "Jakarta urges ..., the ministry said": the same, the other way round
            chain = self.reader.facts(canonical, self.day, self.date)[2].split(" > ")[1:]
            self.rows[-6:] = [r for r in self.rows[-6:] if not (
                r[1] == field_name and r[2] == index and r[6] in chain and self.registry.kind(r[6]) == "country")]
        label = parent = chain = country = None
        source_type = "anonymous" if kind == "anonymous" else "other"
        if canonical is not None:
            label, parent, chain, source_type, country = self.reader.facts(canonical, self.day, self.date)
        elif isinstance(registered, str):  # an anonymous source's country
            country, registered = registered, None
        cue_start, cue_end = (None, None) if cue is None else (offset + cue[0], offset + cue[1])
        quote_start, quote_end = (None, None) if quote is None else (offset + quote[0], offset + quote[1])
        self.rows.append((
            self.doc_id, field_name, index, start, end, sentence[phrase.start:phrase.end], canonical, label, parent,
            chain, source_type, country, canonical is not None, kind,
            "" if cue is None else sentence[cue[0]:cue[1]], cue_start, cue_end,
            None if quote is None else sentence[quote[0]:quote[1]], quote_start, quote_end,
            hedge is not None, hedge, self.language))

    def remember(self, canonical, phrase_text: str, person: bool) -> None:
        gender = self.registry.gender(canonical) if canonical is not None else None
        words = frozenset(w for w in re.findall(r"\w+", phrase_text) if w[:1].isupper())
        self.speakers.append(_Speaker(canonical, gender, person, words))
        if canonical is not None and canonical not in self.named:
            self.named.append(canonical)

    def refer(self, gender: str | None) -> _Speaker | None:
        """The last speaker a pronoun of ``gender`` can stand for."""
        for speaker in reversed(self.speakers):
            if gender == "plural":
                return speaker
            if not speaker.person:
                continue
            if gender in ("m", "f") and speaker.gender not in (None, gender):
                continue
            return speaker
        return None


_RELATIVE = {"who", "which", "yang", "который", "которая", "которые", "которое"}
_THAT = re.compile(r"[\s,:—–-]*(?:(?:that|bahwa|что)\b|,)?\s*", re.IGNORECASE)


class _Sentence:
    """One sentence with its cues: finds each cue's source phrase and adds the attributions."""

    def __init__(self, doc: _Document, field_name: str, index: int, offset: int, text: str, hits: list):
        self.doc, self.cues, self.field_name, self.index, self.offset = doc, doc.cues, field_name, index, offset
        self.text, self.hits = text, hits
        self.quotes = quote_spans(text)
        self._found = self._tokens = self._marks = self._hedge = None
        self._near: dict = {}

    # -- lazily computed views of the sentence -----------------------------------------------------------------
    @property
    def found(self) -> list:
        if self._found is None:
            self._found = self.doc.found_in(self.offset, self.offset + len(self.text))
        return self._found

    @property
    def tokens(self) -> list:
        if self._tokens is None:
            self._tokens = [(m.start(), m.end(), m.group(0)) for m in _TOKEN_RE.finditer(self.text)]
        return self._tokens

    @property
    def marks(self) -> list:
        """(start, end, what) of the registry's names, then the cue file's anonymous, document and role nouns."""
        if self._marks is None:
            # Latin and Cyrillic heads are read from capitals and the cue file's nouns; the registry is asked
            # about the source phrase only (:meth:`near`). Korean has no capitals: its names mark heads.
            marks = [(s, e, "registry") for s, e, _, _ in self.found] if self.cues.korean else []
            if self.cues.nouns is not None:
                kinds = self.cues.noun_kinds
                marks += [(m.start(), m.end(), kinds[m.lastgroup]) for m in self.cues.nouns.finditer(self.text)]
            self._marks = marks
            self._kind_at = {}
            for start, end, what in marks:
                for token in self.tokens:
                    if start <= token[0] and token[1] <= end:
                        self._kind_at.setdefault(token[0], what)
        return self._marks

    def near(self, start: int, end: int) -> list:
        """The registry's names overlapping ``text[start:end]``: found in the sentence once it was read
        whole (Korean, headlines), else in a window of whole words around the span (cached)."""
        if self._found is None:
            a = self.text.rfind(" ", 0, max(0, start - 12)) + 1
            b = self.text.find(" ", min(len(self.text), end + 12))
            b = len(self.text) if b < 0 else b
            if a > 0 or b < len(self.text):
                key = (a, b)
                if key not in self._near:
                    self._near[key] = [(x + a, y + a, i, f) for x, y, i, f in self.doc.found_in(self.offset + a, self.offset + b)]
                return [f for f in self._near[key] if f[0] < end and start < f[1]]
        return [f for f in self.found if f[0] < end and start < f[1]]

    @property
    def hedge(self):
        if self._hedge is None:
            hedges = find_hedges(self.text, self.doc.language)
            self._hedge = (hedges[0][2],) if hedges else (None,)
        return self._hedge[0]

    # -- reading ---------------------------------------------------------------------------------------------------
    def read(self) -> None:
        if self.cues.korean:
            _read_korean(self)
        else:
            self._read_cues()
            if not self.hits:
                self._read_colon()
        self.doc.previous_found = self._found if self._found is not None else (self.offset, self.offset + len(self.text))

    def _read_cues(self) -> None:
        read = 0
        for start, end, position in self.hits:
            if read and self.text[start:end].lower() in self.cues.secondary:
                continue
            read += 1
            if position == "nya":
                phrase = _Phrase(end - 3, end, "pronoun", "any")
            elif position == "according_to" and (inner := self._pronoun_inside(start, end)) is not None:
                phrase = inner
            elif position in ("after", "according_to"):
                phrase = self.phrase_after(end, gap=2 if position == "according_to" else 1)
            elif position == "before":
                phrase = self.phrase_before(start)
            else:
                phrase = self._either(start, end)
            for part in self._parties(phrase) if phrase is not None else ():
                self.emit(part, (start, end), position)

    def _parties(self, phrase: _Phrase) -> list:
        """One phrase per named party of a list ("Власти Германии, Франции и Великобритании заявили"): the
        states or people of one kind joined by commas and "and" (of the cue file's connectors)."""
        if phrase.head != "registry" or phrase.start == 0:
            return [phrase]
        start = phrase.start
        while True:  # ", Франции" before the phrase: take in the parties listed before it
            before = self.text[:start].rstrip()
            if not before.endswith(","):
                break
            previous = [f for f in self.near(max(0, len(before) - 40), len(before) - 1) if f[1] == len(before) - 1]
            if not previous:
                break
            start = previous[0][0]
        named = self.near(start, phrase.end)
        kinds = {self.doc.registry.kind(f[2]) for f in named}
        joined = len(named) >= 2 and len(kinds) == 1 and all(
            re.fullmatch(r"\s*(?:,|,?\s*(?:and|и|dan|serta))\s*", self.text[a[1]:b[0]], re.IGNORECASE)
            for a, b in zip(named, named[1:]))
        if not joined:
            return [phrase]
        parts = [_Phrase(f[0], f[1], "registry") for f in named]
        parts[-1] = _Phrase(parts[-1].start, max(parts[-1].end, phrase.end), "registry")
        return parts

    def _pronoun_inside(self, start: int, end: int):
        """A pronoun written inside a cue ("по его словам", "menurutnya" is handled as -nya)."""
        for a, b, word in self.tokens:
            if start <= a and b <= end and word.lower() in self.cues.pronouns:
                return _Phrase(a, b, "pronoun", self.cues.pronouns[word.lower()])
        return None

    def _either(self, start: int, end: int):
        before = self.text[:start].rstrip()
        quoted = before[-2:-1] if before[-1:] == "," else before[-1:]
        inversion = self.cues.inversion
        if not before or quoted in "\"'”’»—–-:“" or (before[-1] == "," and inversion != "punctuation"):
            return self.phrase_after(end) or self.phrase_before(start)  # '"...," said Freire', "..., ujar NIS"
        if before[-1] == "," or inversion == "free":  # "John Smithfield, a farmer, said"
            return self.phrase_before(start) or self.phrase_after(end)
        return self.phrase_before(start)

    def _read_colon(self) -> None:
        """A headline "Saut: Enam Menteri ..." or a line "Reynolds: '...'" names its source before the colon."""
        if not self.cues.colon:
            return
        colon = self.text.find(": ")
        if colon <= 0 or (self.field_name != "title" and not any(a > colon for a, _ in self.quotes)):
            return
        after = [t for t in self.tokens if t[0] > colon]
        if self.field_name == "title" and 0 < len(after) <= 3 and self.classify(after[0]) == "registry":
            self.emit(_Phrase(after[0][0], after[-1][1], "registry"), (colon, colon + 1), "colon")
            return
        segment_start = max(self.text.rfind(c, 0, colon) for c in ",…|") + 1
        words = [t for t in self.tokens if segment_start <= t[0] < colon]
        if not words or len(words) > 5 or any(a < colon < b for a, b in self.quotes):
            return
        kinds = [self.classify(t) for t in words]
        head = next((f for f in self.found if f[0] <= words[-1][0] < f[1]), None)
        if head is not None and len(words) > 1 and self.doc.registry.kind(head[2]) == "country":
            return  # "Sejarah Hubungan Iran-Israel: ...": a topic, not a speaker
        if kinds[-1] is None or kinds[-1] == "pronoun" or any(k is None and t[2].lower() not in _CONNECTORS
                                                               for k, t in zip(kinds, words)):
            return
        self.emit(_Phrase(words[0][0], words[-1][1], kinds[-1]), (colon, colon + 1), "colon")

    # -- source phrases -------------------------------------------------------------------------------------------
    def classify(self, token) -> str | None:
        """What a word can head: pronoun, registry, anonymous, document, role, name, or None."""
        start, end, word = token
        lower = word.lower()
        if lower in self.cues.pronouns:
            return "pronoun"
        if self._marks is None:
            self.marks
        what = self._kind_at.get(start)
        if what is not None:
            return what
        if word[:1].isupper() and word not in self.cues.function_words and len(word) > 1:
            return "name"
        return None

    def _index_before(self, position: int) -> int:
        tokens = self.tokens
        i = len(tokens) - 1
        while i >= 0 and tokens[i][1] > position:
            i -= 1
        return i

    def phrase_before(self, position: int):
        tokens, skip = self.tokens, self.cues.skip
        tail = self.cues.skip_tail.search(self.text, 0, position) if self.cues.skip_tail is not None else None
        i = self._index_before(tail.start() if tail is not None else position)  # ", в свою очередь, заявили"
        while i >= 0 and tokens[i][2].lower() in skip:
            i -= 1
        appositive = i >= 1 and tokens[i][2] == ","
        if i >= 1 and tokens[i][2].lower() in _RELATIVE:
            i -= 2 if tokens[i - 1][2] == "," else 1
        elif i >= 1 and tokens[i][2] in ",)":  # "Mick Mulvaney, the director of ..., said"; "(MKD) menyatakan"
            i -= 1
        if i < 0 or self._in_quote(tokens[i][0]):
            return None
        head = self.classify(tokens[i])
        if head is None and i + 1 < len(tokens) and tokens[i + 1][2] == ",":
            i = self._before_apposition(i)  # "John Smithfield, a farmer, said"
            head = None if i is None else self.classify(tokens[i])
        if head in ("name", "registry") and i >= 1 and tokens[i - 1][2].lower() in self.cues.locatives and any(
                self.doc.registry.kind(f[2]) == "country" for f in self.near(tokens[i][0], tokens[i][1])):
            if i < 2 or self.classify(tokens[i - 2]) not in ("name", "registry"):
                return None  # "Observers in Beijing criticised": a place, the speakers are unnamed
            i -= 2  # "Analis Park Ji-won di Seoul mengatakan": the named speaker before the place
            head = self.classify(tokens[i])
        if head is None:
            return None
        j = i
        while j > 0 and i - j < 14:
            word = tokens[j - 1][2]
            if (word in _STOP_PUNCT and word not in "()") or self._in_quote(tokens[j - 1][0]):
                break
            if self.classify(tokens[j - 1]) is None and word.lower() not in _CONNECTORS:
                break
            j -= 1
        while j < i and (tokens[j][2].lower() in _CONNECTORS or tokens[j][2] in self.cues.function_words):
            j += 1
        if appositive and j >= 2 and tokens[j - 1][2] == "," and self.classify(tokens[j - 2]) == "name":
            k = j - 2  # "Mick Mulvaney, the director of ..., said": the name before the apposition
            while k > 0 and self.classify(tokens[k - 1]) == "name":
                k -= 1
            j = k
        return self._phrase(tokens[j][0], tokens[i][1], head, tokens[i][2])

    def _before_apposition(self, i: int):
        """The last word before the comma that opens an apposition ending at token ``i``, or None."""
        for k in range(i - 1, max(i - 9, 0), -1):
            if self.tokens[k][2] == ",":
                return k - 1 if k > 0 else None
            if self.tokens[k][2] in _STOP_PUNCT:
                return None
        return None

    def phrase_after(self, position: int, gap: int = 1):
        tokens, not_source = self.tokens, self.cues.not_source
        i = 0
        while i < len(tokens) and tokens[i][0] < position:
            i += 1
        if i < len(tokens) - 1 and tokens[i][2].lower() in self.cues.after_prepositions:
            i += 1  # "сообщили в пресс-службе"
        if i >= len(tokens) or tokens[i][2].lower() in not_source or tokens[i][2] in _STOP_PUNCT:
            return None
        last, j = None, i
        while j < len(tokens) and j - i < 12:
            word = tokens[j][2]
            if (word in _STOP_PUNCT and word not in "()") or (j > i and word.lower() in not_source):
                break
            if self.classify(tokens[j]) is not None:
                last = j
            elif word.lower() not in _CONNECTORS and last is not None and j - last > gap:
                break  # "министра иностранных дел Сергея Лаврова" keeps two words between its nouns
            j += 1
        if last is None:
            return None
        return self._phrase(tokens[i][0], tokens[last][1], self.classify(tokens[last]), tokens[last][2])

    def _phrase(self, start: int, end: int, head: str, head_word: str) -> _Phrase:
        heads = [self.classify(t) for t in self.tokens if start <= t[0] < end]
        if heads == ["pronoun"]:
            return _Phrase(start, end, "pronoun", self.cues.pronouns.get(head_word.lower()))
        named = self.near(start, end)
        if any(self.doc.registry.kind(f[2]) != "country" for f in named):
            head = "registry"  # "analis Park Ji-won", "a Pentagon spokesman": the registry knows who
        elif "anonymous" in heads:
            head = "anonymous"  # "a senior US official": unnamed, from a country
        elif "document" in heads:
            head = "document"
        elif named:
            head = "registry"
        return _Phrase(start, end, head)

    def _in_quote(self, position: int) -> bool:
        """Inside quoted words (a quoted name of up to three words, «Антонов», is a name, not a quote)."""
        return any(a <= position < b and self.text.count(" ", a, b) >= 3 for a, b in self.quotes)

    # -- one attribution ---------------------------------------------------------------------------------------
    def emit(self, phrase: _Phrase, cue: tuple | None, position: str) -> None:
        doc = self.doc
        resolved = self._source(phrase)
        if resolved is None:
            return
        canonical, kind, country, person = resolved
        if kind is None:
            kind = "according_to" if position in ("according_to", "according_before") else \
                "direct" if position == "colon" or self._quote_near(phrase, cue) is not None else "indirect"
        quote = self._quote_near(phrase, cue) or self._reported(phrase, cue)
        doc.add(self.field_name, self.index, self.offset, self.text, phrase, canonical, kind,
                None if position == "headline" else cue, quote, self.hedge, registered=country)
        if kind != "reference":
            person = person or any(self.classify(t) == "role" for t in self.tokens if phrase.start <= t[0] < phrase.end)
            doc.remember(canonical, self.text[phrase.start:phrase.end], person)
        elif canonical is not None and canonical not in doc.named:
            doc.named.append(canonical)

    def _source(self, phrase: _Phrase):
        """``(canonical, kind or None, country of an anonymous source, person?)`` of a phrase, or None to drop it."""
        doc = self.doc
        if phrase.head == "pronoun":
            speaker = doc.refer(phrase.gender)
            return (None if speaker is None else speaker.canonical), "reference", None, True
        inside = self.near(phrase.start, phrase.end)
        if phrase.head == "anonymous":
            country = next((doc.registry.country(f[2]) for f in inside), None)
            return None, "anonymous", country, True
        if phrase.head == "document" and self._demonstrative(phrase):  # "memo tersebut": the document cited before
            speaker = doc.speakers[-1] if doc.speakers else None
            return (None if speaker is None else speaker.canonical), "reference", None, False
        if phrase.head == "document":
            author = self._author(inside)
            if author is None:
                return None
            return author, None, None, False
        if inside:
            best = min(inside, key=lambda f: (_RANK.get(doc.registry.kind(f[2]), 1), -(f[1] - f[0])))
            if doc.registry.kind(best[2]) == "country" and best[1] < phrase.end and phrase.head != "registry":
                return self._unregistered(phrase)  # "a professor at Yonsei in Seoul": a place, not the speaker
            canonical = best[2]
            refers = best[3] == "short" and canonical in doc.named and self._demonstrative(phrase) is None
            return canonical, ("reference" if refers or self._demonstrative(phrase) else None), None, \
                doc.registry.kind(canonical) == "person"
        return self._unregistered(phrase)

    def _unregistered(self, phrase: _Phrase):
        """A source the registry lacks: a surname of a speaker named before, a demonstrative, or a new one."""
        doc = self.doc
        words = [w for w in re.findall(r"\w+", self.text[phrase.start:phrase.end]) if w[:1].isupper()]
        if self._demonstrative(phrase):
            speaker = doc.refer("any")
            return (None if speaker is None else speaker.canonical), "reference", None, True
        if len(words) == 1 and phrase.head == "name":
            for speaker in reversed(doc.speakers):
                if words[0] in speaker.names and len(speaker.names) > 1:
                    return speaker.canonical, "reference", None, True
        if phrase.head == "role" and not any(w[:1].isupper() for w in words[1:]):
            # a title alone ("the senator", "в ведомстве", "Perusahaan") names the last registered speaker
            # (not a channel it spoke on: "в эфире радио KTAR")
            speaker = next((s for s in reversed(doc.speakers) if s.canonical is not None
                            and doc.registry.kind(s.canonical) != "media"), None)
            if speaker is not None:
                return speaker.canonical, None, None, speaker.person
        return None, None, None, phrase.head in ("name", "role")

    def _demonstrative(self, phrase: _Phrase):
        pattern = self.cues.demonstratives
        if pattern is None or phrase.head not in ("role", "document", "name"):
            return None
        tail = self.text[phrase.end:phrase.end + 12]
        m = pattern.match(tail.lstrip())
        return m.group(0) if m else None

    def _author(self, inside: list):
        """The named author of a document phrase: in the phrase or sentence, the sentence before, or the last one."""
        doc = self.doc
        previous = doc.previous_found
        if isinstance(previous, tuple):  # the sentence before was not read: find its names now
            previous = doc.found_in(*previous)
        kinds = {f[2]: doc.registry.kind(f[2]) for f in (*inside, *previous)}
        for authors in ([f[2] for f in inside], [f[2] for f in previous if kinds[f[2]] == "media"],
                        [doc.last_author] if doc.last_author else [],
                        [f[2] for f in previous if kinds[f[2]] not in ("person", "country")]):
            if authors:
                doc.last_author = authors[-1]
                return authors[-1]
        return None

    def _quote_near(self, phrase: _Phrase, cue: tuple | None):
        """The quotation the cue introduces: the one nearest the cue or the source, outside the source."""
        if not self.quotes:
            return None
        anchor = cue[0] if cue is not None else phrase.start
        outside = [(a, b) for a, b in self.quotes if not (phrase.start <= a and b <= phrase.end)
                   and not (a <= phrase.start and phrase.end <= b)]
        if not outside:
            return None
        return min(outside, key=lambda q: min(abs(q[0] - anchor), abs(q[1] - anchor)))

    def _reported(self, phrase: _Phrase, cue: tuple | None):
        """The reported words: the clause after the cue, or before the comma that precedes an inverted cue."""
        text = self.text
        start = max(phrase.end, cue[1] if cue is not None else 0)
        before = text[:min(phrase.start, cue[0] if cue is not None else phrase.start)].rstrip(" ,—–-")
        if before.strip() and cue is not None and phrase.start >= cue[0]:  # '..., kata Arie', "ujarnya"
            return (0, len(before)) if before.strip() else None
        m = _THAT.match(text, start)
        a, b = m.end(), len(text.rstrip(" .!?"))
        if b <= a and before.strip():  # "The deal is legal, Peskov said."
            return 0, len(before)
        return (a, b) if b > a else None


_RANK = {"person": 0, "institution": 1, "media": 1, "group": 1, "country": 2}


# -- Korean: the source is the subject or topic of the reporting verb ---------------------------------------------
_KO_WORD_RE = re.compile(r"[^\s“”\"'‘’「」,…·]+")
_DOUBLE_QUOTES = set('“"「『')


def _read_korean(s: _Sentence) -> None:
    for start, end, position in s.hits:
        if position == "according_before":
            phrase = _korean_before(s, start)
            phrases = [] if phrase is None else [phrase]
        else:
            phrases = _korean_subject(s, start)
        for phrase in phrases:
            s.emit(phrase, (start, end), position)
    if not s.hits and s.quotes:
        for phrase in _korean_quoted_sources(s):
            s.emit(phrase, None, "headline")
    elif not s.hits and s.field_name == "title" and s.cues.headline_verbs is not None:
        _korean_headline_verb(s)


def _korean_headline_verb(s: _Sentence) -> None:
    """A headline "러시아, 북한군 포로 2명 송환 요구": a name opening it with a comma, a clause ending in a verb noun."""
    first = s.found[0] if s.found else None
    if first is None or s.text[first[1]:first[1] + 1] != "," or s.text[:first[0]].strip(" []속보"):
        return
    for clause in re.finditer(r"[^…]+", s.text):
        m = s.cues.headline_verbs.search(clause.group(0).rstrip())
        if m is not None and m.end() == len(clause.group(0).rstrip()):
            a, b = clause.start() + m.start(), clause.start() + m.end()
            s.emit(_Phrase(first[0], first[1], "registry"), (a, b), "before")
            return


def _korean_head(s: _Sentence, start: int, end: int) -> str | None:
    """What a Korean word or phrase (particle excluded) can head, from the marks over it: a registry name
    covering it ("인권단체 관계자" of a registered monitor), else an anonymous noun, a name, a title."""
    if any(a <= start and end <= b and w == "registry" for a, b, w in s.marks):
        return "registry"
    for what in ("anonymous", "registry", "role"):
        if any(a < end and start < b and w == what for a, b, w in s.marks):
            return what
    return None


def _korean_words(s: _Sentence, until: int) -> list:
    """(start, end, word) of the words before ``until`` outside quotes."""
    return [(m.start(), m.end(), m.group(0)) for m in _KO_WORD_RE.finditer(s.text, 0, until) if not s._in_quote(m.start())]


def _korean_subject(s: _Sentence, cue_start: int):
    """The topic (는/은) that opens the sentence, else the subject (이/가) nearest before the cue; an unnamed
    group after a list of named parties gives the parties (a list of phrases, empty when none)."""
    topics, subjects = [], []
    for start, end, word in _korean_words(s, cue_start):
        for pronoun, gender in s.cues.pronouns.items():
            if word == pronoun:
                (topics if word.endswith(("는", "은")) else subjects).append(_Phrase(start, start + len(word) - 1, "pronoun", gender))
        particle = next((p for p in s.cues.subject_particles if word.endswith(p) and len(word) > len(p)), None)
        if particle is None:
            continue
        core_end = end - len(particle)
        head = _korean_head(s, start, core_end)
        if head is None:
            continue
        first = start
        for a, b, w in s.marks:  # a title or name written before the word belongs to the phrase
            if b <= start and start - b <= 1 and w in ("registry", "role"):
                first = min(first, a)
        phrase = _Phrase(first, core_end, head)
        (topics if particle.endswith(("는", "은")) else subjects).append(phrase)
    chosen = topics[0] if topics else subjects[-1] if subjects else None
    if chosen is not None and chosen.head == "anonymous":
        return _korean_listed(s, chosen) or [chosen]
    return [] if chosen is None else [chosen]


_KO_LIST_GAP = re.compile(r"[\s,·]*(?:등\s*)?(?:주요\s*|여러\s*)?")


def _korean_listed(s: _Sentence, phrase: _Phrase) -> list:
    """The named parties listed before an unnamed group ("AP, 로이터 등 주요 외신들은"): one item each."""
    names, end = [], phrase.start
    for a, b, _, _ in reversed(s.found):
        if b <= end and _KO_LIST_GAP.fullmatch(s.text, b, end):
            names.append(_Phrase(a, b, "registry"))
            end = a
    return names[::-1]


def _korean_before(s: _Sentence, cue_start: int):
    """The source right before "에 따르면" (an "등" between them is allowed)."""
    words = _korean_words(s, cue_start)
    if not words:
        return None
    start, end, word = words[-1]
    if word == "등" and len(words) > 1:
        start, end, word = words[-2]
    head = _korean_head(s, start, end)
    if head is None:
        return None
    first = start
    for a, b, w in s.marks:
        if b <= start and start - b <= 1 and w in ("registry", "role"):
            first = min(first, a)
    return _Phrase(first, end, head)


def _korean_quoted_sources(s: _Sentence) -> list:
    """A headline's speaker: the names right before its first double quote, or a name opening it with a comma."""
    opener = next((a - 1 for a, _ in s.quotes if a > 0 and s.text[a - 1] in _DOUBLE_QUOTES), None)
    if opener is None:
        return []
    before = s.text[:opener].rstrip(" ,:")
    names = [f for f in s.found if f[1] <= opener]
    adjacent = []
    for f in reversed(names):
        if f[1] == len(before) or (adjacent and s.text[f[1]:adjacent[-1][0]] in ("·", ", ")):
            adjacent.append(f)
    if not adjacent:
        words = _korean_words(s, opener)
        if words and words[-1][1] == len(before) and _korean_head(s, words[-1][0], words[-1][1]) == "anonymous":
            return [_Phrase(words[-1][0], words[-1][1], "anonymous")]
        first = names[0] if names else None
        if first is not None and s.text[first[1]:first[1] + 1] == "," and not s.text[:first[0]].strip(" []속보"):
            adjacent = [first]
    return [_Phrase(a, b, "registry") for a, b, _, _ in reversed(adjacent)]


# -- scoring -----------------------------------------------------------------------------------------------------
SCORE_COLUMNS = ["gold", "predicted", "matched", "precision", "recall", "f1", "canonical_n", "canonical_accuracy"]


def _where_annotated(table: pd.DataFrame, annotated: pd.DataFrame) -> pd.DataFrame:
    """Rows of fields the annotators read, before their ``upto`` offset, with the document's language."""
    fields = annotated[["doc_id", "field", "upto", "language"]]
    kept = table.drop(columns=[c for c in ("language",) if c in table]).merge(fields, on=["doc_id", "field"], how="inner")
    upto = kept["upto"].astype("Float64")
    return kept[(upto.isna() | (kept["start"] < upto)).fillna(True).to_numpy(bool)].reset_index(drop=True)


def _match(predicted: pd.DataFrame, gold: pd.DataFrame) -> list[tuple[int, int]]:
    """One-to-one pairs (gold row, predicted row) of overlapping spans in the same document and field,
    the largest overlaps first."""
    pairs = []
    by_field = {key: part for key, part in predicted.groupby(["doc_id", "field"], sort=False)}
    for key, part in gold.groupby(["doc_id", "field"], sort=False):
        other = by_field.get(key)
        if other is None:
            continue
        for g, gs, ge in zip(part.index, part["start"], part["end"]):
            for p, ps, pe in zip(other.index, other["start"], other["end"]):
                overlap = min(ge, pe) - max(gs, ps)
                if overlap > 0:
                    pairs.append((-overlap, g, p))
    used_g, used_p, out = set(), set(), []
    for _, g, p in sorted(pairs):
        if g not in used_g and p not in used_p:
            used_g.add(g)
            used_p.add(p)
            out.append((g, p))
    return out


def score_attributions(predicted: pd.DataFrame, gold: pd.DataFrame, annotated: pd.DataFrame) -> pd.DataFrame:
    """Detection and canonical attribution against hand annotation, per language and overall.

    A predicted attribution matches a gold one of the same document and field when their spans overlap
    by a character (one to one, the largest overlaps first); only fields the annotators read count,
    up to their ``upto`` offset. Canonical accuracy: of the matched attributions whose gold id is a
    registry id (not None), the share predicted with that id.

    Parameters
    ----------
    predicted : pandas.DataFrame
        ``doc_id``, ``field``, ``start``, ``end``, ``canonical`` (:meth:`SourceExtractor.attributions`).
    gold : pandas.DataFrame
        The same columns (:func:`analysis.source_gold.scoring_items`).
    annotated : pandas.DataFrame
        ``doc_id``, ``field``, ``upto``, ``language`` (:func:`analysis.source_gold.annotated_fields`).

    Returns
    -------
    pandas.DataFrame
        Indexed by language and ``"all"``: gold, predicted, matched, precision, recall, f1,
        canonical_n, canonical_accuracy.

    Examples
    --------
    >>> annotated = pd.DataFrame({"doc_id": ["d"], "field": ["text"], "upto": [pd.NA], "language": ["en"]})
    >>> gold = pd.DataFrame({"doc_id": ["d", "d"], "field": ["text"] * 2, "start": [0, 30], "end": [6, 32],
    ...                      "canonical": ["PESKOV", None]})
    >>> predicted = pd.DataFrame({"doc_id": ["d", "d"], "field": ["text"] * 2, "start": [2, 50], "end": [6, 55],
    ...                           "canonical": ["PESKOV", None]})
    >>> scores = score_attributions(predicted, gold, annotated)
    >>> scores.loc["all", ["matched", "precision", "canonical_accuracy"]].astype(float).tolist()
    [1.0, 0.5, 1.0]
    """
    for name, table in (("predicted", predicted), ("gold", gold)):
        missing = {"doc_id", "field", "start", "end", "canonical"} - set(table.columns)
        if missing:
            raise ValueError(f"{name} lacks column(s) {sorted(missing)}")
    predicted = _where_annotated(predicted[["doc_id", "field", "start", "end", "canonical"]], annotated)
    gold = _where_annotated(gold[["doc_id", "field", "start", "end", "canonical"]], annotated)
    pairs = _match(predicted, gold)
    matched = pd.DataFrame({"language": [gold.at[g, "language"] for g, _ in pairs],
                            "gold_id": [gold.at[g, "canonical"] for g, _ in pairs],
                            "predicted_id": [predicted.at[p, "canonical"] for _, p in pairs]})
    rows = {}
    for language in [*sorted(annotated["language"].dropna().unique()), "all"]:
        pick = (lambda t: t) if language == "all" else (lambda t, lang=language: t[t["language"] == lang])
        rows[language] = _scores(len(pick(gold)), len(pick(predicted)), pick(matched))
    table = pd.DataFrame.from_dict(rows, orient="index", columns=SCORE_COLUMNS)
    return table.astype({"gold": "int64", "predicted": "int64", "matched": "int64", "canonical_n": "int64"})


def _scores(n_gold: int, n_predicted: int, matched: pd.DataFrame) -> list:
    n = len(matched)
    precision = n / n_predicted if n_predicted else 0.0
    recall = n / n_gold if n_gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    registered = matched[matched["gold_id"].notna()]
    right = sum(g == p for g, p in zip(registered["gold_id"], registered["predicted_id"]))
    accuracy = right / len(registered) if len(registered) else float("nan")
    return [n_gold, n_predicted, n, precision, recall, f1, len(registered), accuracy]


# -- the SIMULATED demo's planted sources --------------------------------------------------------------------------
def demo_source_map() -> dict:
    """``{demo key: registry id}`` for the demo's sources and wires (``registry:`` keys of
    ``registry/demo_templates.yaml``; a wire without one takes its ``source_id`` in ``wire_credits.yaml``).

    Examples
    --------
    >>> mapping = demo_source_map()
    >>> mapping["peskov"], mapping["reuters"]
    ('PESKOV', 'REUTERS')
    """
    templates = yaml.safe_load((config.REGISTRY_DIR / "demo_templates.yaml").read_text(encoding="utf-8"))
    credits = yaml.safe_load((config.REGISTRY_DIR / "wire_credits.yaml").read_text(encoding="utf-8"))
    mapping = {}
    for key, wire in (templates.get("wires") or {}).items():
        target = wire.get("registry") or (credits.get(key) or {}).get("source_id")
        if target:
            mapping[key] = target
    for key, source in (templates.get("sources") or {}).items():
        if source.get("registry"):
            mapping[key] = source["registry"]
    return mapping


def score_demo(table: pd.DataFrame, demo: pd.DataFrame) -> dict:
    """How well the attributions recover the demo's planted ``truth_cited`` (per document, as registry ids).

    The truth lists the quoted sources and credited wires the generator plants; its headlines, leads and
    context sentences also make states and bodies speak ("US says ...", "The White House said ...")
    without listing them. So precision is measured over the ids the demo can plant
    (:func:`demo_source_map`): a planted source found in a document that did not plant it counts
    against it, a speaker the demo never plants does not.

    Returns
    -------
    dict
        ``precision`` (found ids that were planted), ``recall`` (planted ids found), ``f1``, ``matched``,
        ``truth`` (planted, summed over documents), ``found`` (distinct plantable ids per document, summed).

    Examples
    --------
    >>> from analysis.demo import load_demo
    >>> demo = load_demo(100)  # SIMULATED
    >>> score = score_demo(SourceExtractor().fit().attributions(demo), demo)
    >>> score["f1"] > 0.8
    True
    """
    mapping = demo_source_map()
    plantable = set(mapping.values())  # the demo's headlines and leads name other speakers its truth does not list
    cited = table[table["canonical"].isin(plantable)]
    found = cited.groupby("doc_id")["canonical"].agg(set).to_dict()
    n_truth = n_found = n_matched = 0
    for doc_id, cited in zip(demo["doc_id"], demo["truth_cited"]):
        keys = [k for k in str(cited if isinstance(cited, str) else "").split("|") if k]
        unknown = [k for k in keys if k not in mapping]
        if unknown:
            raise ValueError(f"demo document {doc_id!r}: planted source(s) {unknown} have no registry id "
                             "(add `registry:` to registry/demo_templates.yaml)")
        truth, got = {mapping[k] for k in keys}, found.get(doc_id, set())
        n_truth, n_found, n_matched = n_truth + len(truth), n_found + len(got), n_matched + len(truth & got)
    precision = n_matched / n_found if n_found else 0.0
    recall = n_matched / n_truth if n_truth else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "matched": n_matched, "truth": n_truth, "found": n_found}
