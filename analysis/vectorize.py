"""Multilingual vectorisers: language-aware tokens, a concept bridge, TF-IDF and a streaming hashing variant.

Tokenisation by language (all offline):

* Korean: morphemes from kiwipiepy (nouns, verb and adjective stems, foreign words), one eojeol
  at a time, each distinct eojeol analysed once per process (:func:`korean_morphemes`); the model
  loads lazily, once per process (about 2 s with its first analysis);
* Indonesian: Sastrawi stemming (``ditandatangani`` -> ``tandatangan``);
* Russian and English: Snowball stemming;
* stop words for every language from stopwordsiso; other languages: lower-cased words.

The **concept bridge** replaces every actor or place the registry knows (:mod:`analysis.actors`)
by one canonical token (``@PRK`` for North Korea, Korea Utara, Korut, КНДР, 북한은...), so that an
Indonesian and a Russian article on the same summit share features without translation.

:class:`TextVectorizer` (in-memory TF-IDF) and :class:`HashingTextVectorizer` (fixed-width
hashing + IDF learnt with ``partial_fit`` chunk by chunk, for corpora that do not fit in memory)
follow scikit-learn's transformer contract. Both take a corpus table (``title``, ``lead``,
``text``, ``language``) or a list of strings (language unknown: generic tokens).

Examples
--------
>>> tokens = MultilingualTokenizer()
>>> tokens("Korut dan Rusia merundingkan perjanjian", "id")
['@PRK', '@RUS', '@SUMMIT', '@TREATY']
>>> tokens("Путин подписал договор с КНДР", "ru")
['@PUTIN', '@SIGN', '@TREATY', '@PRK']
"""
from __future__ import annotations

import numbers
import os
import re
import sys
from collections import Counter
from contextlib import ExitStack, contextmanager
from functools import lru_cache
from itertools import compress
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import HashingVectorizer, TfidfTransformer, TfidfVectorizer
from sklearn.preprocessing import normalize
from sklearn.utils.validation import check_is_fitted

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


@lru_cache(maxsize=500_000)
def _stem(word: str, language: str) -> str:
    if language == "id":
        return _sastrawi().stem(word) or word
    if language in ("en", "ru"):
        return _snowball({"en": "english", "ru": "russian"}[language]).stemWord(word)
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
                key = tuple(words(str(term), language))
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


def _word_token(word: str, language: str | None, stem: bool) -> str:
    folded = word.casefold()
    if len(folded) < 2 or (language and folded in stop_words(language)):
        return ""
    if stem and language in ("en", "id", "ru"):
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

    def _words(self, text: str, language: str | None) -> list[str]:
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
        return list(filter(None, tokens))  # stop words are ""

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
            tokens.extend(self._words(text[cursor:start], language))
            tokens.append(f"@{actor}")
            cursor = end
        tokens.extend(self._words(text[cursor:], language))
        return apply_glossary(tokens, language, self.glossary)

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


def _documents(X) -> tuple[list[str], list[str | None]]:
    """Texts and languages from a corpus table, a Series or a list of strings."""
    heads, bodies, languages = _fields(X)
    return [f"{h}\n{b}" if h else b for h, b in zip(heads, bodies)], languages


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


def _identity(tokens):
    return tokens


PARALLEL_FROM = 5_000  # below this many documents, starting worker processes costs about what it saves


def _n_jobs(n_jobs, n_documents: int) -> int:
    cores = os.cpu_count() or 1
    if n_jobs is None:
        return cores if n_documents >= PARALLEL_FROM else 1
    return cores if n_jobs < 0 else max(1, int(n_jobs))


@lru_cache(maxsize=8)
def _shared_tokenizer(concept_bridge: bool, glossary) -> MultilingualTokenizer:
    return MultilingualTokenizer(concept_bridge=concept_bridge, glossary=glossary)


def _tokenize_lists(heads, bodies, languages, concept_bridge, glossary):
    tokenizer = _shared_tokenizer(concept_bridge, glossary)
    korean = [i for i, lang in enumerate(languages) if lang == "ko"]
    morphemes: dict = {}
    if korean:
        analysed = iter(korean_morphemes([part for i in korean for part in (heads[i], bodies[i])]))
        morphemes = {i: (next(analysed), next(analysed)) for i in korean}
    head_tokens, body_tokens = [], []
    for i, (head, text, lang) in enumerate(zip(heads, bodies, languages)):
        head_m, body_m = morphemes.get(i, (None, None))
        head_tokens.append(tokenizer(head, lang, morphemes=head_m) if head else [])
        body_tokens.append(tokenizer(text, lang, morphemes=body_m) if text else [])
    return head_tokens, body_tokens


_FORKED_INPUT: tuple = ()  # the fields, set just before forking: workers inherit them instead of unpickling


def _tokenize_forked(start: int, stop: int, concept_bridge: bool, glossary, eojeols=None, reduce=None):
    if eojeols:  # Kiwi's analyses, done in the parent after this worker was forked
        _EOJEOLS.update(eojeols)
    heads, bodies, languages, order = _FORKED_INPUT
    rows = order[start:stop]
    tokens = _tokenize_lists([heads[i] for i in rows], [bodies[i] for i in rows], [languages[i] for i in rows],
                             concept_bridge, glossary)
    return tokens if reduce is None else reduce(*tokens)


def _tokenize_reduced(heads, bodies, languages, concept_bridge, glossary, reduce):
    tokens = _tokenize_lists(heads, bodies, languages, concept_bridge, glossary)
    return tokens if reduce is None else reduce(*tokens)


def _can_fork() -> bool:
    import multiprocessing

    # fork is safe with the work done here (pure Python on inherited data) on Linux; macOS and
    # Windows use joblib's loky processes instead
    return sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods()


def _analysed_eojeols(eojeols: list[str]) -> dict:
    """Kiwi's analyses of some eojeols (run in a worker, which loads its own Kiwi)."""
    _analyse_eojeols(eojeols)
    return {e: _EOJEOLS[e] for e in eojeols}


def _start_kiwi() -> None:
    """Load Kiwi and let it finish its lazy set-up (about 1.3 s in all), in a worker."""
    _kiwi().tokenize(["북한은"])


_KIWI_SESSIONS: dict = {}  # process id -> its open session's Kiwi worker (None until Korean turns up)


@contextmanager
def kiwi_session():
    """Within this block, tokenising calls share one Kiwi worker process, started when first needed.

    Without it, each call that meets Korean eojeols this process has not analysed starts a worker
    that loads Kiwi (about 1.3 s of CPU); a corpus streamed in chunks (:func:`analysis.cluster.cluster_stream`)
    would pay that for nearly every chunk. Outside Linux (no fork) the block changes nothing.

    Examples
    --------
    >>> chunks = [pd.DataFrame({"title": [text], "language": ["ko"]})
    ...           for text in ["북한은 러시아와 조약을 맺었다", "러시아 하원이 조약을 비준했다"]]
    >>> with kiwi_session():
    ...     counts = [HashingTextVectorizer(n_features=2**10).count_fields(chunk) for chunk in chunks]
    >>> [head.shape for head, _ in counts]
    [(1, 1024), (1, 1024)]
    """
    pid = os.getpid()
    if pid in _KIWI_SESSIONS:  # nested: the outer session serves
        yield
        return
    _KIWI_SESSIONS[pid] = None
    try:
        yield
    finally:
        worker = _KIWI_SESSIONS.pop(pid)
        if worker is not None:
            worker.terminate()
            worker.join()


def _kiwi_worker(stack: ExitStack):
    """A one-process pool for Kiwi: the open session's (kept for later calls) or one closed with ``stack``."""
    import multiprocessing

    pid = os.getpid()
    if pid in _KIWI_SESSIONS:
        if _KIWI_SESSIONS[pid] is None:
            _KIWI_SESSIONS[pid] = multiprocessing.get_context("fork").Pool(1)
        return _KIWI_SESSIONS[pid]
    return stack.enter_context(multiprocessing.get_context("fork").Pool(1))


def _korean_first_seen(X) -> bool:
    """Whether a corpus table has Korean documents while this process has analysed no eojeol yet,
    so that Kiwi will be needed: known from the language column alone, before the fields are built."""
    return (isinstance(X, pd.DataFrame) and "language" in X and not _EOJEOLS and os.getpid() not in _KIWI
            and bool(X["language"].eq("ko").any()))


def _tokenize_in_forks(heads, bodies, languages, concept_bridge, glossary, jobs, reduce=None, kiwi_pool=None):
    """Workers forked from this process, which prepares what they share first.

    The actor patterns, glossary tables and stop words are built here and inherited, like the
    fields themselves: nothing is pickled to the workers but row ranges. Kiwi (about 1.3 s to start,
    and threads of its own, which a fork does not copy) runs in a process of its own, forked
    first so that it loads while this one prepares (``kiwi_pool``: one already forked and
    loading); the workers start on the documents not in Korean, and the Korean documents follow
    with Kiwi's analyses. Returns the row order and ``(start, stop, result)`` per chunk of it.
    """
    global _FORKED_INPUT
    import multiprocessing

    korean = [i for i, lang in enumerate(languages) if lang == "ko"]
    others = [i for i, lang in enumerate(languages) if lang != "ko"]
    needed: list[str] = []
    if korean:
        terms = [t for entry in load_concept_glossary(None if glossary is None else str(glossary)).values()
                 for t in entry["terms"].get("ko", []) or []]
        # str.split() cuts where _EOJEOL_RE does (both use Python's whitespace), twice as quickly
        needed = list(dict.fromkeys("\n".join([*(p for i in korean for p in (heads[i], bodies[i])),
                                                *map(str, terms)]).split()))
    missing = [e for e in needed if e not in _EOJEOLS]
    if missing and os.getpid() in _KIWI:  # loaded here already: no start-up to hide
        _analyse_eojeols(needed)  # afterwards all of them are known, even if the cache bound cleared it
        missing = []
    size = max(1, -(-len(heads) // (jobs * 4)))
    order = others + korean
    n = len(order)
    bounds = [(a, min(a + size, len(others))) for a in range(0, len(others), size)]
    context = multiprocessing.get_context("fork")
    try:
        with ExitStack() as stack:
            kiwi = None
            if missing:
                kiwi_pool = kiwi_pool or _kiwi_worker(stack)
                kiwi = kiwi_pool.apply_async(_analysed_eojeols, (missing,))
            tokenizer = _shared_tokenizer(concept_bridge, glossary)
            for lang in dict.fromkeys(languages[i] for i in others):
                tokenizer("warm", lang)
            _FORKED_INPUT = (heads, bodies, languages, order)
            pool = stack.enter_context(context.Pool(jobs))
            pending = [pool.starmap_async(_tokenize_forked, [(a, b, concept_bridge, glossary, None, reduce)
                                                             for a, b in bounds])]
            if korean:
                eojeols = {e: _EOJEOLS[e] for e in needed if e in _EOJEOLS}
                if kiwi is not None:
                    eojeols.update(kiwi.get())
                if len(_EOJEOLS) + len(missing) > _EOJEOLS_MAX:  # bound the memory of a long run
                    _EOJEOLS.clear()
                _EOJEOLS.update(eojeols)
                korean_bounds = [(a, min(a + size, n)) for a in range(len(others), n, size)]
                bounds += korean_bounds
                pending.append(pool.starmap_async(_tokenize_forked, [
                    (a, b, concept_bridge, glossary, eojeols, reduce) for a, b in korean_bounds]))
            parts = [part for job in pending for part in job.get()]
    finally:
        _FORKED_INPUT = ()
    return order, [(a, b, part) for (a, b), part in zip(bounds, parts)]


def _tokenize_chunks(X, *, concept_bridge: bool = True, glossary=None, body: bool = True, n_jobs=None,
                     reduce=None) -> tuple[list[int], list[tuple[int, int, object]]]:
    """Tokenise in chunks and apply ``reduce(head_tokens, body_tokens)`` to each where it was
    tokenised (in a worker when parallel), so that workers send back small results (counts)
    rather than token lists. Returns the row order and ``(start, stop, result)`` per chunk, which
    covers the rows ``order[start:stop]``."""
    with ExitStack() as stack:
        kiwi_pool = None
        if _korean_first_seen(X) and _n_jobs(n_jobs, len(X)) > 1 and _can_fork():
            # Kiwi loads on the core this process leaves idle while it builds the fields
            kiwi_pool = _kiwi_worker(stack)
            kiwi_pool.apply_async(_start_kiwi)
        heads, bodies, languages = _fields(X)
        if not body:
            bodies = [""] * len(bodies)
        n = len(heads)
        jobs = _n_jobs(n_jobs, n)
        if jobs > 1 and n > 0 and _can_fork():
            return _tokenize_in_forks(heads, bodies, languages, concept_bridge, glossary, jobs, reduce, kiwi_pool)
    if jobs <= 1 or n == 0:
        return list(range(n)), [(0, n, _tokenize_reduced(heads, bodies, languages, concept_bridge, glossary, reduce))]
    from joblib import Parallel, delayed

    size = -(-n // (jobs * 4))
    bounds = [(a, min(a + size, n)) for a in range(0, n, size)]
    parts = Parallel(n_jobs=jobs, backend="loky")(
        delayed(_tokenize_reduced)(heads[a:b], bodies[a:b], languages[a:b], concept_bridge, glossary, reduce)
        for a, b in bounds)
    return list(range(n)), [(a, b, part) for (a, b), part in zip(bounds, parts)]


def _rows_in_order(order: list[int], chunks, stack) -> object:
    """The chunks' results (row blocks) stacked, then put back in the documents' order."""
    stacked = stack([part for _, _, part in chunks])
    if order == list(range(len(order))):
        return stacked
    inverse = np.empty(len(order), dtype=np.int64)
    inverse[np.asarray(order, dtype=np.int64)] = np.arange(len(order))
    return stacked[inverse]


def tokenize_fields(X, *, concept_bridge: bool = True, glossary=None, body: bool = True, n_jobs=None
                    ) -> tuple[list[list[str]], list[list[str]]]:
    """Head tokens (title and lead) and body tokens of every document.

    Korean eojeols not seen before go to Kiwi in one batch (see :func:`korean_morphemes`).

    Parameters
    ----------
    X : DataFrame or list of str
    concept_bridge : bool, default=True
    glossary : str or Path, optional
        Concept glossary (default: the packaged ``registry/concepts.yaml``).
    body : bool, default=True
        False skips the body (its token lists are empty): quicker when only heads are used.
    n_jobs : int, optional
        Worker processes. None: every core from 5,000 documents, one below; -1: every core.
        On Linux the workers are forked from this process after it has prepared what they share;
        elsewhere they are joblib's loky processes. The tokens do not depend on it.
    """
    order, chunks = _tokenize_chunks(X, concept_bridge=concept_bridge, glossary=glossary, body=body, n_jobs=n_jobs)
    head_tokens: list = [None] * len(order)
    body_tokens: list = [None] * len(order)
    rows = iter(order)
    for _, _, (part_heads, part_bodies) in chunks:
        for h, b in zip(part_heads, part_bodies):
            i = next(rows)
            head_tokens[i], body_tokens[i] = h, b
    return head_tokens, body_tokens


def tokenize_documents(X, *, concept_bridge: bool = True, glossary=None) -> list[list[str]]:
    r"""Tokens of every document, head then body (see :func:`tokenize_fields`).

    Examples
    --------
    >>> docs = pd.DataFrame({"title": ["Duma ratifies the treaty"], "lead": [""],
    ...                      "text": ["Lawmakers voted.\nPeskov spoke."], "language": ["en"]})
    >>> tokenize_documents(docs)
    [['@LOWER_HOUSE', '@RATIFY', '@TREATY', '@PARLIAMENT', 'vote', '@PESKOV', 'spoke']]
    """
    heads, bodies = tokenize_fields(X, concept_bridge=concept_bridge, glossary=glossary)
    return [h + b for h, b in zip(heads, bodies)]


class _CountTokens:
    """Chunk reducer: term counts of the heads (and bodies) as CSR arrays, against the chunk's own
    vocabulary (``vocabulary=None``: its terms are returned too) or a fixed one (unknown terms
    dropped). Runs in the tokenising workers, which then send back arrays, not token lists."""

    def __init__(self, vocabulary: dict | None = None, body: bool = True):
        self.vocabulary = vocabulary
        self.body = body

    def __call__(self, heads, bodies):
        fixed = self.vocabulary is not None
        vocabulary = self.vocabulary if fixed else {}
        parts = [self._count(heads, vocabulary, fixed)]
        if self.body:
            parts.append(self._count(bodies, vocabulary, fixed))
        return (None if fixed else list(vocabulary)), parts

    @staticmethod
    def _count(documents, vocabulary: dict, fixed: bool):
        indptr, indices, values = [0], [], []
        for tokens in documents:
            for term, count in Counter(tokens).items():
                j = vocabulary.get(term)
                if j is None:
                    if fixed:
                        continue
                    j = vocabulary[term] = len(vocabulary)
                indices.append(j)
                values.append(count)
            indptr.append(len(indices))
        return (np.asarray(indptr, dtype=np.int64), np.asarray(indices, dtype=np.int64),
                np.asarray(values, dtype=np.float32))


def _count_matrices(order, chunks, vocabulary: dict | None = None) -> tuple[list[str] | None, list]:
    """The counts of :class:`_CountTokens` chunks as CSR matrices (heads, then bodies), rows in the
    documents' order; columns are ``vocabulary`` or, when None, the sorted union of the chunks'
    terms (returned first)."""
    terms = None
    if vocabulary is None:
        terms = sorted(set().union(*(chunk_terms for _, _, (chunk_terms, _) in chunks)))
        index = {term: j for j, term in enumerate(terms)}
        width = len(terms)
    else:
        width = len(vocabulary)
    matrices = []
    for field in range(len(chunks[0][2][1])):
        blocks = []
        for _, _, (chunk_terms, parts) in chunks:
            indptr, indices, values = parts[field]
            if chunk_terms is not None:  # the chunk's own column numbers -> the shared ones
                indices = np.fromiter(map(index.__getitem__, chunk_terms), dtype=np.int64,
                                      count=len(chunk_terms))[indices]
            blocks.append(sparse.csr_matrix((values, indices, indptr), shape=(len(indptr) - 1, width)))
        matrix = _rows_in_order(order, [(0, 0, b) for b in blocks], lambda bs: sparse.vstack(bs, format="csr"))
        matrix.sort_indices()
        matrices.append(matrix)
    return terms, matrices


def _frequent_enough(counts, min_df, max_df, max_features) -> np.ndarray:
    """Mask of the columns kept by ``min_df``, ``max_df`` and ``max_features`` (as in
    scikit-learn's ``CountVectorizer``)."""
    n = counts.shape[0]
    for name, value in (("min_df", min_df), ("max_df", max_df)):
        if isinstance(value, numbers.Integral) and not isinstance(value, bool):
            if value < 0:
                raise ValueError(f"{name} must be a count >= 0 or a share in [0, 1], not {value!r}")
        elif not isinstance(value, numbers.Real) or isinstance(value, bool) or not 0 <= value <= 1:
            raise ValueError(f"{name} must be a count >= 0 or a share in [0, 1], not {value!r}")
    if max_features is not None and (not isinstance(max_features, numbers.Integral) or max_features < 1):
        raise ValueError(f"max_features must be a positive integer or None, not {max_features!r}")
    high = max_df if isinstance(max_df, numbers.Integral) else max_df * n
    low = min_df if isinstance(min_df, numbers.Integral) else min_df * n
    if high < low:
        raise ValueError(f"max_df={max_df!r} keeps fewer documents than min_df={min_df!r} requires")
    document_frequency = np.bincount(counts.indices, minlength=counts.shape[1])
    mask = (document_frequency >= low) & (document_frequency <= high)
    if max_features is not None and mask.sum() > max_features:
        term_frequency = np.asarray(counts.sum(axis=0)).ravel()
        mask_inds = (-term_frequency[mask]).argsort()[:max_features]
        limited = np.zeros(len(mask), dtype=bool)
        limited[np.where(mask)[0][mask_inds]] = True
        mask = limited
    if not mask.any():
        raise ValueError(f"no term is left after min_df={min_df!r}, max_df={max_df!r}: lower min_df or raise max_df")
    return mask


class _HashTokens:
    """Chunk reducer: hashed term counts of the heads and bodies (CSR), made in the workers."""

    def __init__(self, n_features: int):
        self.n_features = n_features

    def __call__(self, heads, bodies):
        hasher = HashingVectorizer(analyzer=_identity, n_features=self.n_features, alternate_sign=False,
                                   norm=None, dtype=np.float32)
        return hasher.transform(heads).tocsr(), hasher.transform(bodies).tocsr()


class _FieldWeighting:
    """Shared by the vectorisers: one vector per document from its head and a down-weighted body."""

    def _chunks(self, X, reduce):
        return _tokenize_chunks(X, concept_bridge=self.concept_bridge, glossary=self.glossary,
                                body=self.body_weight > 0, n_jobs=self.n_jobs, reduce=reduce)

    def _combine(self, head, body):
        """``normalize(head + body_weight * body)``, each part l2-normalised first."""
        if self.body_weight <= 0:
            return normalize(head, copy=False)
        return normalize(normalize(head) + self.body_weight * normalize(body), copy=False)


class TextVectorizer(_FieldWeighting, TransformerMixin, BaseEstimator):
    """TF-IDF over language-aware tokens (or character n-grams), with the concept bridge.

    News articles tell their story in the headline and first paragraph; the rest (quotes,
    background, boilerplate) is shared between stories. So each document's vector is built
    from its **head** (title and lead, or the text's first paragraph when there is no lead),
    plus its body weighted by ``body_weight``. On the simulated demo, adding the body at
    weight 1 drops the agreement with the planted stories (ARI) from about 0.85 to about 0.3.

    Parameters
    ----------
    analyzer : {"words", "chars"}, default="words"
        ``chars``: character 3-5-grams inside word boundaries, language-agnostic (whole text).
    concept_bridge : bool, default=True
        Map registry actors and glossary concepts to shared tokens across languages.
    glossary : str or Path, optional
        Concept glossary; None uses the packaged ``registry/concepts.yaml``.
    body_weight : float, default=0.0
        Weight of the body against the head (0 ignores the body and skips tokenising it).
    min_df : int or float, default=2
    max_df : float, default=0.5
    max_features : int, optional
    sublinear_tf : bool, default=True
    n_jobs : int, optional
        Tokenising processes; None: every core from 5,000 documents (see :func:`tokenize_fields`).

    Attributes
    ----------
    vocabulary_ : dict
        Token -> column (``analyzer="words"``).
    tfidf_ : sklearn.feature_extraction.text.TfidfTransformer
        The IDF weights (``analyzer="words"``); counting happens in the tokenising workers.
    vectorizer_ : sklearn.feature_extraction.text.TfidfVectorizer
        ``analyzer="chars"`` only.

    Examples
    --------
    >>> from analysis.demo import load_demo
    >>> demo = load_demo(200)  # SIMULATED
    >>> X = TextVectorizer().fit_transform(demo)
    >>> X.shape[0], "@TREATY" in set(TextVectorizer().fit(demo).get_feature_names_out())
    (200, True)
    """

    def __init__(self, analyzer="words", concept_bridge=True, glossary=None, body_weight=0.0, min_df=2, max_df=0.5,
                 max_features=None, sublinear_tf=True, n_jobs=None):
        self.analyzer = analyzer
        self.concept_bridge = concept_bridge
        self.glossary = glossary
        self.body_weight = body_weight
        self.min_df = min_df
        self.max_df = max_df
        self.max_features = max_features
        self.sublinear_tf = sublinear_tf
        self.n_jobs = n_jobs

    def _chars(self):
        return TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), min_df=self.min_df, max_df=self.max_df,
                               max_features=self.max_features, sublinear_tf=self.sublinear_tf, dtype=np.float32)

    def _counts(self, X, vocabulary=None):
        """Term counts of the heads and the bodies (the bodies' are empty when ``body_weight`` is 0)."""
        reduce = _CountTokens(vocabulary, body=self.body_weight > 0)
        terms, matrices = _count_matrices(*self._chunks(X, reduce), vocabulary)
        if len(matrices) == 1:
            matrices.append(sparse.csr_matrix(matrices[0].shape, dtype=np.float32))
        return terms, matrices

    def fit(self, X, y=None):
        self.fit_transform(X)
        return self

    def fit_transform(self, X, y=None):
        if self.analyzer not in ("words", "chars"):
            raise ValueError(f"analyzer must be 'words' or 'chars', not {self.analyzer!r}")
        if self.analyzer == "chars":
            self.vectorizer_ = self._chars()
            return self.vectorizer_.fit_transform(_documents(X)[0])
        terms, (head, body) = self._counts(X)
        if not terms:
            raise ValueError("no document has a token to count: the texts are empty or only stop words")
        both = head + body if self.body_weight > 0 else head  # the document frequencies of head and body together
        kept = np.flatnonzero(_frequent_enough(both, self.min_df, self.max_df, self.max_features))
        self.vocabulary_ = {terms[j]: i for i, j in enumerate(kept.tolist())}
        self.tfidf_ = TfidfTransformer(sublinear_tf=self.sublinear_tf).fit(both[:, kept])
        return self._weigh(head[:, kept], body[:, kept])

    def transform(self, X):
        check_is_fitted(self)
        if self.analyzer == "chars":
            return self.vectorizer_.transform(_documents(X)[0])
        _, (head, body) = self._counts(X, self.vocabulary_)
        return self._weigh(head, body)

    def _weigh(self, head, body):
        if self.body_weight <= 0:  # already l2-normalised by the IDF step
            return self.tfidf_.transform(head)
        return self._combine(self.tfidf_.transform(head), self.tfidf_.transform(body))

    def get_feature_names_out(self, input_features=None):
        check_is_fitted(self)
        if self.analyzer == "chars":
            return self.vectorizer_.get_feature_names_out()
        return np.asarray(sorted(self.vocabulary_, key=self.vocabulary_.__getitem__), dtype=object)


class HashingTextVectorizer(_FieldWeighting, TransformerMixin, BaseEstimator):
    """Streaming TF-IDF: hashed language-aware tokens, IDF learnt chunk by chunk.

    Memory is bounded by ``n_features`` (document frequencies) and one chunk; nothing
    dense is ever built. ``partial_fit`` may be called on successive chunks, then
    ``transform`` each chunk. Head and body are weighted as in :class:`TextVectorizer`.

    Parameters
    ----------
    n_features : int, default=2**20
    concept_bridge : bool, default=True
    glossary : str or Path, optional
    body_weight : float, default=0.0
    sublinear_tf : bool, default=True
    n_jobs : int, optional

    Attributes
    ----------
    document_frequency_ : numpy.ndarray
    n_documents_ : int
    """

    def __init__(self, n_features=2**20, concept_bridge=True, glossary=None, body_weight=0.0, sublinear_tf=True,
                 n_jobs=None):
        self.n_features = n_features
        self.concept_bridge = concept_bridge
        self.glossary = glossary
        self.body_weight = body_weight
        self.sublinear_tf = sublinear_tf
        self.n_jobs = n_jobs

    def count_fields(self, X):
        """Raw hashed term counts of the heads and the bodies (sparse), before any weighting."""
        order, chunks = self._chunks(X, _HashTokens(self.n_features))
        stack = lambda blocks: sparse.vstack(blocks, format="csr")  # noqa: E731
        return tuple(_rows_in_order(order, [(a, b, part[field]) for a, b, part in chunks], stack)
                     for field in (0, 1))

    def partial_fit(self, X, y=None, *, counts=None):
        """Add a chunk's document frequencies; ``counts``: its :meth:`count_fields`, when already made."""
        head, body = self.count_fields(X) if counts is None else counts
        if not hasattr(self, "document_frequency_"):
            self.document_frequency_ = np.zeros(self.n_features, dtype=np.int64)
            self.n_documents_ = 0
        present = (head + body).tocsr()
        self.document_frequency_ += np.bincount(present.indices, minlength=self.n_features)
        self.n_documents_ += present.shape[0]
        return self

    def fit(self, X, y=None):
        for name in ("document_frequency_", "n_documents_"):
            if hasattr(self, name):
                delattr(self, name)
        return self.partial_fit(X)

    def _weighted(self, counts, idf):
        counts = counts.tocsr(copy=True).astype(np.float32)
        if self.sublinear_tf:
            counts.data = 1.0 + np.log(counts.data)
        return (counts @ idf).tocsr()

    def weight_counts(self, counts):
        """TF-IDF vectors from :meth:`count_fields` output (so a chunk is tokenised only once)."""
        check_is_fitted(self, "document_frequency_")
        idf = sparse.diags((np.log((1.0 + self.n_documents_) / (1.0 + self.document_frequency_)) + 1.0
                            ).astype(np.float32))
        head, body = counts
        return self._combine(self._weighted(head, idf), self._weighted(body, idf))

    def transform(self, X):
        check_is_fitted(self, "document_frequency_")
        return self.weight_counts(self.count_fields(X))

    def get_feature_names_out(self, input_features=None):
        check_is_fitted(self, "document_frequency_")
        return np.asarray([f"hash_{i}" for i in range(self.n_features)], dtype=object)
