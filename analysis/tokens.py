"""Language-aware tokens with the concept bridge: one text in, its tokens out.

Tokenisation by language (all offline):

* Korean: morphemes from kiwipiepy (nouns, verb and adjective stems, foreign words), one eojeol
  at a time, each distinct eojeol analysed once per process (:func:`korean_morphemes`); the model
  loads lazily, once per process (about 2 s with its first analysis);
* Indonesian: Sastrawi stemming (``ditandatangani`` -> ``tandatangan``);
* Russian and English: Snowball stemming;
* every other language (the fallback, e.g. Polish in European RSS feeds): lower-cased words, the
  Snowball stemmer of PyStemmer when it has the language (:data:`SNOWBALL_LANGUAGES`: Polish,
  German, French, Spanish and 26 more), else the words unstemmed (Ukrainian, Japanese...);
* stop words for every language from stopwordsiso (when it has the language) plus
  ``registry/stopwords.yaml``.

The concept bridge works in any language whose terms the registries hold: ``actors.yaml`` has
Polish aliases (``Kore* Północn*``) and ``concepts.yaml`` Polish terms (``ratyfikacja``), so an
English and a Polish article on one story share ``@PRK``, ``@RATIFY`` tokens.

The **concept bridge** replaces every actor or place the registry knows (:mod:`analysis.actors`)
by one canonical token (``@PRK`` for North Korea, Korea Utara, Korut, КНДР, 북한은...), and the
terms of the concept glossary (``registry/concepts.yaml``) by ``@CONCEPT`` tokens, so that an
Indonesian and a Russian article on the same summit share features without translation.

This module holds the per-process state of tokenising: the Kiwi model (:func:`_kiwi`) and the
eojeol cache (``_EOJEOLS``). Other modules reach them through this module (``tokens._EOJEOLS``),
never by importing the names: a worker forked by :mod:`analysis.parallel_tokens` must see the
very objects its parent filled. Whole corpora are tokenised by
:func:`analysis.parallel_tokens.tokenize_fields`.

Examples
--------
>>> tokens = MultilingualTokenizer()
>>> tokens("Korut dan Rusia merundingkan perjanjian", "id")
['@PRK', '@RUS', '@SUMMIT', '@TREATY']
>>> tokens("Путин подписал договор с КНДР", "ru")
['@PUTIN', '@SIGN', '@TREATY', '@PRK']
"""
from __future__ import annotations

import os
import re
from functools import lru_cache
from itertools import compress
from pathlib import Path

import pandas as pd

from . import config

_WORD_RE = re.compile(r"[^\W\d_][\w\-']*", re.UNICODE)
_KIWI_TAGS = {"NNG", "NNP", "VV", "VA", "SL", "XR"}


_KIWI: dict = {}  # process id -> Kiwi


def _kiwi():
    # One per process: Kiwi's worker threads do not survive a fork, so a forked worker that needs
    # Kiwi loads its own. The parent's copy is kept, never freed: freeing it would wait for threads
    # that no longer exist.
    pid = os.getpid()
    if pid not in _KIWI:
        from kiwipiepy import Kiwi

        # The typo and multi-word dictionaries are for informal text; without them Kiwi loads in
        # about 1.5 s instead of 5 s and segments edited news the same way.
        _KIWI[pid] = Kiwi(load_typo_dict=False, load_multi_dict=False, num_workers=min(4, os.cpu_count() or 1))
    return _KIWI[pid]


@lru_cache(maxsize=1)
def _sastrawi():
    from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

    return StemmerFactory().create_stemmer()


@lru_cache(maxsize=8)
def _snowball(language: str):
    # with PyStemmer installed (a dependency) snowballstemmer hands over to its C implementation of
    # the same algorithms: the same stems (checked on 131,000 English and 93,000 Russian words), ~15x quicker
    import snowballstemmer

    return snowballstemmer.stemmer(language)


@lru_cache(maxsize=1)
def _extra_stop_words() -> dict:
    return config.read_yaml(config.REGISTRY_DIR / "stopwords.yaml") or {}


@lru_cache(maxsize=16)
def stop_words(language: str) -> frozenset:
    """Stop words of ``language`` (ISO 639-1): stopwordsiso's list and ``registry/stopwords.yaml``."""
    import stopwordsiso

    extra = _extra_stop_words()
    words = {str(w).casefold() for w in extra.get(language, [])}
    if stopwordsiso.has_lang(language):  # otherwise only the registry's extra words
        words |= {w.casefold() for w in stopwordsiso.stopwords(language)}
    return frozenset(words)


#: ISO 639-1 code -> Snowball algorithm of PyStemmer, for every language but Indonesian (Sastrawi)
#: and Korean (Kiwi morphemes); a language not listed keeps its words unstemmed.
SNOWBALL_LANGUAGES = {"ar": "arabic", "ca": "catalan", "cs": "czech", "da": "danish", "de": "german",
                      "el": "greek", "en": "english", "es": "spanish", "et": "estonian", "eu": "basque",
                      "fa": "persian", "fi": "finnish", "fr": "french", "ga": "irish", "hi": "hindi",
                      "hu": "hungarian", "hy": "armenian", "it": "italian", "lt": "lithuanian", "ne": "nepali",
                      "nl": "dutch", "no": "norwegian", "pl": "polish", "pt": "portuguese", "ro": "romanian",
                      "ru": "russian", "sr": "serbian", "sv": "swedish", "ta": "tamil", "tr": "turkish"}


@lru_cache(maxsize=500_000)
def _stem(word: str, language: str) -> str:
    """The stem of a lower-cased word: Sastrawi for Indonesian, Snowball where PyStemmer has the language.

    Examples
    --------
    >>> _stem("ratyfikowała", "pl"), _stem("ratified", "en"), _stem("word", "xx")
    ('ratyfikow', 'ratifi', 'word')
    """
    if language == "id":
        return _sastrawi().stem(word) or word
    if language in SNOWBALL_LANGUAGES:
        return _snowball(SNOWBALL_LANGUAGES[language]).stemWord(word)
    return word


CONCEPTS_FILE = config.REGISTRY_DIR / "concepts.yaml"


@lru_cache(maxsize=8)
def load_concept_glossary(path: str | None = None) -> dict:
    """The concept glossary (concept -> ``{"label", "terms": {language: [term, ...]}}``) from YAML.

    Examples
    --------
    >>> load_concept_glossary()["RATIFY"]["terms"]["id"][:2]
    ['ratifikasi', 'meratifikasi']
    """
    source = Path(path or CONCEPTS_FILE)
    data = config.read_yaml(source)
    for key, entry in data.items():
        if not isinstance(entry, dict) or not isinstance(entry.get("terms"), dict) or "label" not in entry:
            raise ValueError(f"{source}: concept {key} needs a label and terms per language")
    return data


@lru_cache(maxsize=32)
def _glossary_table(path: str | None, language: str | None) -> tuple[dict, dict]:
    """Token sequence -> ``@CONCEPT`` for one language (the terms tokenised like the documents),
    and for each first token the lengths of the terms it starts, longest first."""
    words = MultilingualTokenizer(concept_bridge=False)._words
    table: dict[tuple, str] = {}
    for concept, entry in load_concept_glossary(path).items():
        for lang, terms in entry["terms"].items():
            if language is not None and lang != language:
                continue
            for term in terms:
                key = tuple(words(str(term), language, keep_stop=True))
                if key:
                    table.setdefault(key, f"@{concept}")
    widths: dict[str, list[int]] = {}
    for key in table:
        widths.setdefault(key[0], []).append(len(key))
    return table, {first: sorted(set(w), reverse=True) for first, w in widths.items()}


def apply_glossary(tokens: list[str], language: str | None, glossary=None) -> list[str]:
    """Replace glossary terms in a token list by ``@CONCEPT`` tokens, the longest match first.

    Examples
    --------
    >>> apply_glossary(["feder", "council", "approv", "ratif"], "en")
    ['@UPPER_HOUSE', 'approv', '@RATIFY']

    Terms keep their stop words, marked with :data:`STOP` (``_words(..., keep_stop=True)``), so
    "lower house" never shrinks to "house":

    >>> apply_glossary([STOP + "lower", "hous", "hous"], "en")
    ['@LOWER_HOUSE', 'hous']
    """
    table, widths = _glossary_table(None if glossary is None else str(glossary), language)
    starts = list(compress(range(len(tokens)), map(widths.__contains__, tokens)))  # most tokens start no term
    if not starts:
        return tokens
    out, cursor, n = [], 0, len(tokens)
    for i in starts:
        if i < cursor:  # inside a term already replaced
            continue
        for width in widths[tokens[i]]:
            concept = table.get(tuple(tokens[i:i + width])) if i + width <= n else None
            if concept is not None:
                out.extend(tokens[cursor:i])
                out.append(concept)
                cursor = i + width
                break
    out.extend(tokens[cursor:])
    return out


@lru_cache(maxsize=64)
def _word_tokens(language: str | None, stem: bool) -> dict:
    """Per language, surface word -> token ("" for a stop word): each distinct word is processed once."""
    return {}


#: Marks a stop word in a token list until the glossary has been applied: multi-word terms keep their
#: stop words ("lower house", "for the first time") and so never shrink to one broad word ("house", "time").
STOP = "\x00"


def _word_token(word: str, language: str | None, stem: bool) -> str:
    folded = word.casefold()
    if len(folded) < 2:
        return ""
    if language and folded in stop_words(language):
        return STOP + folded
    if stem and (language == "id" or language in SNOWBALL_LANGUAGES):
        return _stem(folded, language)
    return folded


def _keep_morpheme(morpheme) -> bool:
    return morpheme.tag in _KIWI_TAGS and len(morpheme.form) > 1 and morpheme.form not in stop_words("ko")


_EOJEOL_RE = re.compile(r"\S+")
_EOJEOLS: dict[str, tuple] = {}  # eojeol -> its kept morphemes ((start, form), ...), this process
_EOJEOLS_MAX = 1_000_000


def _analyse_eojeols(eojeols) -> None:
    """Send the eojeols not analysed yet to Kiwi, in one batch; afterwards all of them are known."""
    eojeols = list(dict.fromkeys(eojeols))
    new = [e for e in eojeols if e not in _EOJEOLS]
    if new:
        if len(_EOJEOLS) + len(new) > _EOJEOLS_MAX:  # bound the memory of a long run
            _EOJEOLS.clear()
            new = eojeols  # the ones known before are gone too
        for eojeol, analysed in zip(new, _kiwi().tokenize(new)):
            _EOJEOLS[eojeol] = tuple((m.start, m.form.casefold()) for m in analysed if _keep_morpheme(m))


def korean_morphemes(texts: list[str]) -> list[list[tuple[int, str]]]:
    """Kept Kiwi morphemes ``(start, form)`` of Korean texts, analysed one eojeol at a time.

    An eojeol (a space-separated unit: a word with its particles) is analysed once per process and
    remembered: news repeats its eojeols (북한은, 러시아와, 파병), so most are looked up, not
    analysed. Out of context Kiwi segments a few eojeols differently (on 3,000 real Yonhap and Chosun
    headlines and leads, 96.6% of the morphemes agree with a whole-text analysis); in exchange the
    same eojeol always gives the same tokens.

    Examples
    --------
    >>> [form for _, form in korean_morphemes(["북한은 러시아와 조약을 맺었다"])[0]]
    ['북한', '러시아', '조약']
    """
    out = _known_morphemes(texts)
    if out is None:  # some eojeol is new: analyse them all in one batch, then look them up
        _analyse_eojeols("\n".join(texts).split())  # the eojeols: _EOJEOL_RE's matches
        out = _known_morphemes(texts)
    return out


def _known_morphemes(texts) -> list[list[tuple[int, str]]] | None:
    """:func:`korean_morphemes` from the eojeols analysed already; None when one is not."""
    known = _EOJEOLS.get
    out = []
    for text in texts:
        morphemes = []
        for match in _EOJEOL_RE.finditer(text):
            analysed = known(match.group())
            if analysed is None:
                return None
            if analysed:
                offset = match.start()
                morphemes += [(offset + start, form) for start, form in analysed]
        out.append(morphemes)
    return out


class MultilingualTokenizer:
    """Callable ``(text, language) -> tokens`` with the concept bridge.

    Parameters
    ----------
    concept_bridge : bool, default=True
        Replace registry actors and places (``@RUS``) and glossary concepts (``@RATIFY``) by
        canonical tokens.
    stem : bool, default=True
    glossary : str or Path, optional
        Concept glossary; the packaged ``registry/concepts.yaml`` when None.
    """

    def __init__(self, concept_bridge: bool = True, stem: bool = True, glossary=None):
        self.concept_bridge = concept_bridge
        self.stem = stem
        self.glossary = glossary
        self._tagger = None

    def __getstate__(self):  # the compiled tagger is rebuilt after pickling
        state = dict(self.__dict__)
        state["_tagger"] = None
        return state

    def _words(self, text: str, language: str | None, keep_stop: bool = False) -> list[str]:
        """Word tokens of a text; ``keep_stop``: stop words stay in, marked with :data:`STOP` (for the glossary)."""
        if not text.strip():
            return []
        if language == "ko":
            return [form for _, form in korean_morphemes([text])[0]]
        cache = _word_tokens(language, self.stem)
        words = _WORD_RE.findall(text)
        tokens = list(map(cache.get, words))  # each distinct word is stemmed once per process
        if None in tokens:
            if len(cache) > 1_000_000:  # bound the memory of a long run
                cache.clear()
            for i, word in enumerate(words):
                if tokens[i] is None:
                    tokens[i] = cache[word] = _word_token(word, language, self.stem)
        if keep_stop:
            return list(filter(None, tokens))  # one-letter words are ""
        return [t for t in tokens if t and t[0] != STOP]

    def __call__(self, text, language: str | None = None, *, morphemes=None) -> list[str]:
        """Tokens of one text; ``morphemes``: a Korean text's :func:`korean_morphemes`, when done in a batch."""
        if not isinstance(text, str) or not text:
            return []
        language = language if isinstance(language, str) else None
        if not self.concept_bridge:
            if language == "ko" and morphemes is not None:
                return self._korean_with_spans(text, [], morphemes)
            return self._words(text, language)
        if self._tagger is None:
            from .actors import ActorTagger

            self._tagger = ActorTagger().fit()
        spans = self._tagger._find(text, language)  # fitted just above; skips the per-call check
        if language == "ko":
            return apply_glossary(self._korean_with_spans(text, spans, morphemes), language, self.glossary)
        tokens, cursor = [], 0
        for start, end, actor, _ in spans:
            tokens.extend(self._words(text[cursor:start], language, keep_stop=True))
            tokens.append(f"@{actor}")
            cursor = end
        tokens.extend(self._words(text[cursor:], language, keep_stop=True))
        return [t for t in apply_glossary(tokens, language, self.glossary) if t[0] != STOP]

    @staticmethod
    def _korean_with_spans(text: str, spans, morphemes=None) -> list[str]:
        """Morphemes of one document, the actor spans winning over the morphemes inside them."""
        tokens, k = [], 0
        for start, form in (morphemes if morphemes is not None else korean_morphemes([text])[0]):
            while k < len(spans) and spans[k][1] <= start:
                tokens.append(f"@{spans[k][2]}")
                k += 1
            if k < len(spans) and spans[k][0] <= start < spans[k][1]:
                continue  # inside an actor mention: the canonical token stands for it
            tokens.append(form)
        tokens.extend(f"@{span[2]}" for span in spans[k:])
        return tokens


def _column(X: pd.DataFrame, name: str) -> list[str]:
    if name not in X:
        return [""] * len(X)
    return [v if isinstance(v, str) else "" for v in X[name].tolist()]


def _fields(X) -> tuple[list[str], list[str], list[str | None]]:
    """Head (title and lead), body and language of every document.

    When a table has no lead, the first paragraph of the text stands in for it: news articles
    put the story in the headline and the first paragraph, and the rest (quotes, background,
    boilerplate) is shared between stories.
    """
    if isinstance(X, pd.DataFrame):
        if not any(c in X for c in ("title", "lead", "text")):
            raise ValueError("the corpus table has none of the columns title, lead, text")
        heads, bodies = [], []
        for title, lead, text in zip(_column(X, "title"), _column(X, "lead"), _column(X, "text")):
            if not lead.strip() and text:
                first, _, rest = text.strip().partition("\n")
                lead, text = first, rest
            heads.append(f"{title}\n{lead}".strip())
            bodies.append(text)
        languages = X["language"].tolist() if "language" in X else [None] * len(X)
        return heads, bodies, [lang if isinstance(lang, str) else None for lang in languages]
    texts = [t if isinstance(t, str) else "" for t in X]  # a bare string is all head
    return texts, [""] * len(texts), [None] * len(texts)

