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
    neither knows.

    Examples
    --------
    >>> term_pattern("janji", "id").search("Keduanya menandatangani perjanjian").group(0)
    'perjanjian'
    >>> term_pattern("@TREATY", "ru").search("Госдума ратифицировала договор").group(0)
    'договор'
    """
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
            entry = load_concept_glossary(None if glossary is None else str(glossary)).get(key)
            if entry is None:
                return None
            terms = [(t, lang) for lang, names in entry["terms"].items() if langs is None or lang in langs for t in names]
            parts = [rf"(?<!\w){re.escape(str(t))}\w*" for t, _ in sorted(terms, key=lambda x: -len(str(x[0])))]
        return re.compile("|".join(parts), re.IGNORECASE) if parts else None
    if language in ("ko", "id"):
        return re.compile(rf"\w*{re.escape(term)}\w*", re.IGNORECASE)
    return re.compile(rf"(?<!\w){re.escape(term)}\w*", re.IGNORECASE)


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
