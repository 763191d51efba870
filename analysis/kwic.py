"""Keyword in context: the words a term was found as, with the text either side.

One home for concordance lines, whoever finds the documents:

* :func:`keyword_in_context` reads a corpus table and finds the surface words behind vector
  tokens (stems, ``@ACTOR`` and ``@CONCEPT`` tokens) with :func:`term_pattern`; the cluster
  drill-down (:meth:`analysis.stories.ClusterResult.drilldown`) uses it for its top terms;
* :meth:`analysis.store.CorpusStore.kwic` finds the documents with its full-text index.

Both cut a line with :func:`context_around`: ``width`` characters either side of the match,
line breaks shown as spaces, so a line of a table stays one line.

Examples
--------
>>> import pandas as pd
>>> docs = pd.DataFrame({"doc_id": ["a"], "title": ["The Duma ratified the treaty"], "language": ["en"]})
>>> keyword_in_context(docs, ["ratifi"], width=9)[["left", "keyword", "right"]].values.tolist()
[['The Duma ', 'ratified', ' the trea']]
"""
from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

import pandas as pd

KWIC_FIELDS = ("title", "lead", "text")
KWIC_COLUMNS = ["doc_id", "language", "term", "left", "keyword", "right"]


def context_around(text: str, match: re.Match, width: int) -> tuple[str, str, str]:
    """The ``width`` characters left of ``match``, the matched words, and the ``width`` right of it.

    Line breaks in the context become spaces, so a concordance line prints on one line.

    Examples
    --------
    >>> text = "Putin arrived in\\nPyongyang on Tuesday"
    >>> context_around(text, re.search("Pyongyang", text), 7)
    ('ved in ', 'Pyongyang', ' on Tue')
    """
    left = text[max(0, match.start() - width):match.start()].replace("\n", " ")
    right = text[match.end():match.end() + width].replace("\n", " ")
    return left, match.group(0), right


def term_pattern(term: str, language: str | None, *, glossary=None) -> re.Pattern | None:
    """A regular expression finding the surface words behind a vector token, for keyword-in-context.

    Stems match as word prefixes (``ratifi`` finds "ratified"), Indonesian stems anywhere in a
    word (``tandatangan`` finds "menandatangani"), ``@ACTOR`` tokens through the actor registry's
    aliases, and ``@CONCEPT`` tokens through the glossary's terms. None for an ``@`` token that
    neither knows. Patterns are compiled once per process (cached).

    Examples
    --------
    >>> term_pattern("janji", "id").search("Keduanya menandatangani perjanjian").group(0)
    'perjanjian'
    >>> term_pattern("@TREATY", "ru").search("Госдума ратифицировала договор").group(0)
    'договор'
    """
    return _term_pattern(term, language if isinstance(language, str) else None,
                         None if glossary is None else str(glossary))


@lru_cache(maxsize=4096)
def _term_pattern(term: str, language: str | None, glossary: str | None) -> re.Pattern | None:
    if term.startswith("@"):
        key = term[1:]
        from .actors import alias_pattern, load_actor_registry
        from .tokens import load_concept_glossary

        registry = load_actor_registry()
        langs = ("en", language) if language else None
        if key in registry:
            aliases = [(a, lang) for lang, names in registry[key]["aliases"].items() if langs is None or lang in langs
                       for a in names or []]
            parts = [alias_pattern(str(a), lang) for a, lang in aliases]
        else:
            entry = load_concept_glossary(glossary).get(key)
            if entry is None:
                return None
            terms = [(t, lang) for lang, names in entry["terms"].items() if langs is None or lang in langs for t in names]
            parts = [rf"(?<!\w){re.escape(str(t))}\w*" for t, _ in sorted(terms, key=lambda x: -len(str(x[0])))]
        return re.compile("|".join(parts), re.IGNORECASE) if parts else None
    if language in ("ko", "id"):
        return re.compile(rf"(?<!\w)\w*{re.escape(term)}\w*", re.IGNORECASE)  # from word starts only: quicker
    return re.compile(rf"(?<!\w){re.escape(term)}\w*", re.IGNORECASE)


def _is_token_of(words: str, term: str, language: str | None, glossary) -> bool:
    """Whether ``words`` (a match of :func:`term_pattern`) tokenise to ``term`` and nothing else."""
    from .tokens import STOP, MultilingualTokenizer, apply_glossary

    tokens = MultilingualTokenizer(concept_bridge=False)._words(words, language, keep_stop=True)
    if term.startswith("@"):
        tokens = apply_glossary(tokens, language, glossary)
    return [t for t in tokens if t[0] != STOP] == [term]


def surface_form(term: str, texts, language: str | None, *, glossary=None, fallback: bool = True) -> str | None:
    """The word a reader knows for a vector token: its most frequent surface form in ``texts``.

    Every match of :func:`term_pattern` in the texts is checked by tokenising it again (so the
    stem ``sign`` is not read as "significant"); the most frequent form wins (counted without
    case, shown in lower case when it occurs so, else in its most frequent spelling: headlines
    capitalise every word). ``@ACTOR`` tokens in English read as the registry's
    display name ("North Korea"); in other languages as the most frequent alias found ("КНДР").
    ``@CONCEPT`` tokens read as the most frequent glossary term found in the texts, else the first
    term of ``language``, else the glossary's label. Korean morphemes are words already. When
    nothing matches, the term itself (an ``@`` token without its ``@``, lower case), or None with
    ``fallback=False``.

    Examples
    --------
    >>> surface_form("claus", ["The clause on defence", "two clauses", "A clause"], "en")
    'clause'
    >>> surface_form("@RATIFY", ["Госдума ратифицировала договор"], "ru")
    'ратифицировала'
    >>> surface_form("@PRK", ["Pyongyang and North Korea's army"], "en")
    'North Korea'
    """
    from .actors import load_actor_registry
    from .tokens import load_concept_glossary

    registry = load_actor_registry()
    key = term[1:] if term.startswith("@") else None
    if key in registry and language in (None, "en"):
        return str(registry[key]["label"])
    if language == "ko" and key is None:
        return term
    pattern = term_pattern(term, language, glossary=glossary)
    if key is None and language not in ("ko", "id") and len(term) >= 3:
        # a Snowball stem is not always a prefix of its words (ministri <- ministry, spi <- spy): look a little
        # shorter; every form found is tokenised again below, so "sp" finding "space" does no harm
        pattern = re.compile(rf"(?<!\w){re.escape(term[:-1])}[\w\-']*", re.IGNORECASE)
    forms: Counter = Counter()
    if pattern is not None:
        if language != "ko" or key in registry:
            forms.update(m.group(0) for m in pattern.finditer("\n".join(texts)))
    checked = {f: n for f, n in forms.items() if key in registry or _is_token_of(f, term, language, glossary)}
    if checked:
        folded: Counter = Counter()
        for form, n in checked.items():
            folded[form.casefold()] += n
        best = max(folded.items(), key=lambda kv: (kv[1], -len(kv[0])))[0]
        spellings = [f for f in checked if f.casefold() == best]
        lower = [f for f in spellings if f == f.lower()]  # a word ever written in lower case is no name
        return max(lower or spellings, key=lambda f: (checked[f], f))
    if not fallback:
        return None
    entry = load_concept_glossary(None if glossary is None else str(glossary)).get(key or "")
    if entry is not None:
        found = entry["terms"].get(language) or []
        return str(found[0]) if found else str(entry["label"])
    return key.lower() if key else term


def keyword_in_context(corpus: pd.DataFrame, terms, *, width=50, limit=20, glossary=None) -> pd.DataFrame:
    """Keyword-in-context lines for vector tokens in the title, lead and text of ``corpus``.

    The first occurrence in each document (title, lead and text read as one string), in corpus
    order, at most ``limit`` documents per term; a term :func:`term_pattern` cannot read gives none.

    Returns
    -------
    DataFrame with columns doc_id, language, term, left, keyword, right.

    Examples
    --------
    >>> docs = pd.DataFrame({"doc_id": ["a", "b"], "language": ["id", "ru"],
    ...                      "title": ["Duma meratifikasi perjanjian", "Госдума ратифицировала договор"]})
    >>> keyword_in_context(docs, ["@TREATY"])[["doc_id", "keyword"]].values.tolist()
    [['a', 'perjanjian'], ['b', 'договор']]
    """
    rows = []
    frame = corpus.reset_index(drop=True)
    for term in terms:
        found = 0
        for _, doc in frame.iterrows():
            if found >= limit:
                break
            language = doc.get("language") if isinstance(doc.get("language"), str) else None
            pattern = term_pattern(term, language, glossary=glossary)
            if pattern is None:
                break
            text = " ".join(str(doc[c]) for c in KWIC_FIELDS if c in doc and isinstance(doc[c], str))
            match = pattern.search(text)
            if match is None:
                continue
            left, keyword, right = context_around(text, match, width)
            rows.append({"doc_id": doc.get("doc_id"), "language": language, "term": term,
                         "left": left, "keyword": keyword, "right": right})
            found += 1
    return pd.DataFrame(rows, columns=KWIC_COLUMNS)
