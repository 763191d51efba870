"""Tokenising a whole corpus: head and body fields, in worker processes from 5,000 documents.

:func:`tokenize_fields` gives every document's head tokens (title and lead, or the text's first
paragraph) and body tokens, made by :class:`analysis.tokens.MultilingualTokenizer`. On Linux the
workers are forked from this process after it has built what they share (actor patterns, glossary
tables, stop words, the fields themselves), so nothing is pickled to them but row ranges; Kiwi,
whose threads a fork does not copy, runs in a process of its own (:func:`kiwi_session` keeps one
for many calls). Elsewhere the workers are joblib's loky processes. The tokens never depend on
the number of workers.

Callers that want less than token lists back (the vectorisers want term counts) pass a chunk
reducer to :func:`_tokenize_chunks`, which runs in the workers, and put the chunks' results back
in the documents' order with :func:`_rows_in_order`.

The per-process tokenising state (the Kiwi model, the eojeol cache) lives in
:mod:`analysis.tokens` and is reached through that module (``tokens._EOJEOLS``), never imported
by name, so that a forked worker and this module see the same objects; the state of the
parallel machinery itself (the shared tokenizer, the forked input, the open Kiwi sessions) lives
here.

Examples
--------
>>> docs = pd.DataFrame({"title": ["Putin and Kim Jong Un sign a treaty"],
...                      "lead": ["The leaders met in Pyongyang."],
...                      "text": ["Talks lasted two days."], "language": ["en"]})
>>> heads, bodies = tokenize_fields(docs)
>>> heads
[['@PUTIN', '@KIM_JONG_UN', '@SIGN', '@TREATY', '@LEADER', '@SUMMIT', '@PYONGYANG']]
>>> bodies
[['@SUMMIT', 'last', 'day']]
"""
from __future__ import annotations

import os
import sys
from contextlib import ExitStack, contextmanager
from functools import lru_cache

import numpy as np
import pandas as pd

from . import tokens
from .tokens import MultilingualTokenizer, _fields, korean_morphemes, load_concept_glossary

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
        tokens._EOJEOLS.update(eojeols)
    heads, bodies, languages, order = _FORKED_INPUT
    rows = order[start:stop]
    fields = _tokenize_lists([heads[i] for i in rows], [bodies[i] for i in rows], [languages[i] for i in rows],
                             concept_bridge, glossary)
    return fields if reduce is None else reduce(*fields)


def _tokenize_reduced(heads, bodies, languages, concept_bridge, glossary, reduce):
    fields = _tokenize_lists(heads, bodies, languages, concept_bridge, glossary)
    return fields if reduce is None else reduce(*fields)


def _can_fork() -> bool:
    import multiprocessing

    # fork is safe with the work done here (pure Python on inherited data) on Linux; macOS and
    # Windows use joblib's loky processes instead
    return sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods()


def _analysed_eojeols(eojeols: list[str]) -> dict:
    """Kiwi's analyses of some eojeols (run in a worker, which loads its own Kiwi)."""
    tokens._analyse_eojeols(eojeols)
    return {e: tokens._EOJEOLS[e] for e in eojeols}


def _start_kiwi() -> None:
    """Load Kiwi and let it finish its lazy set-up (about 1.3 s in all), in a worker."""
    tokens._kiwi().tokenize(["북한은"])


_KIWI_SESSIONS: dict = {}  # process id -> its open session's Kiwi worker (None until Korean turns up)


@contextmanager
def kiwi_session():
    """Within this block, tokenising calls share one Kiwi worker process, started when first needed.

    Without it, each call that meets Korean eojeols this process has not analysed starts a worker
    that loads Kiwi (about 1.3 s of CPU); a corpus streamed in chunks
    (:func:`analysis.stories.cluster_stream`) would pay that for nearly every chunk. Outside Linux
    (no fork) the block changes nothing.

    Examples
    --------
    >>> chunks = [pd.DataFrame({"title": [text], "language": ["ko"]})
    ...           for text in ["북한은 러시아와 조약을 맺었다", "러시아 하원이 조약을 비준했다"]]
    >>> with kiwi_session():
    ...     heads = [tokenize_fields(chunk, body=False, n_jobs=2)[0] for chunk in chunks]
    >>> heads
    [[['@PRK', '@RUS', '@TREATY']], [['@RUS', '@LOWER_HOUSE', '@TREATY', '@RATIFY']]]
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
    return (isinstance(X, pd.DataFrame) and "language" in X and not tokens._EOJEOLS
            and os.getpid() not in tokens._KIWI and bool(X["language"].eq("ko").any()))


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
        # str.split() cuts where tokens._EOJEOL_RE does (both use Python's whitespace), twice as quickly
        needed = list(dict.fromkeys("\n".join([*(p for i in korean for p in (heads[i], bodies[i])),
                                                *map(str, terms)]).split()))
    missing = [e for e in needed if e not in tokens._EOJEOLS]
    if missing and os.getpid() in tokens._KIWI:  # loaded here already: no start-up to hide
        tokens._analyse_eojeols(needed)  # afterwards all are known, even if the cache bound cleared it
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
                eojeols = {e: tokens._EOJEOLS[e] for e in needed if e in tokens._EOJEOLS}
                if kiwi is not None:
                    eojeols.update(kiwi.get())
                if len(tokens._EOJEOLS) + len(missing) > tokens._EOJEOLS_MAX:  # bound a long run's memory
                    tokens._EOJEOLS.clear()
                tokens._EOJEOLS.update(eojeols)
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
    [['@STATE_DUMA', '@RATIFY', '@TREATY', '@PARLIAMENT', 'vote', '@PESKOV', 'spoke']]
    """
    heads, bodies = tokenize_fields(X, concept_bridge=concept_bridge, glossary=glossary)
    return [h + b for h, b in zip(heads, bodies)]
