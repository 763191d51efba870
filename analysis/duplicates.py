"""Exact and near-duplicate groups (MinHash LSH via datasketch). Nothing is deleted.

Every document gets a ``dup_group`` (the doc_id of the group's canonical
document) and ``is_canonical``. Counts can then be taken with or without
copies. Exact duplicates (same ``content_hash``) are grouped first; near
duplicates are found by MinHash LSH over word shingles and kept when their
estimated Jaccard similarity reaches ``threshold``. The canonical document of
a group is its earliest (by ``published``, then ingest order).

Parameters and their defaults
-----------------------------
``shingle_size=4``   words per shingle. Smaller finds more (and looser) matches;
                     headlines shorter than a shingle use the whole headline.
``threshold=0.6``    Jaccard similarity for a near duplicate. On the SIMULATED demo,
                     0.6 groups every planted edited copy with its source and
                     joins no independently written articles (see tests/test_duplicates.py).
``num_perm=128``     MinHash permutations (precision of the Jaccard estimate).

Examples
--------
>>> import pandas as pd
>>> body = ("The two leaders signed the treaty in Pyongyang on Wednesday after talks that lasted "
...         "several hours, officials said, and promised to expand trade and transport links.")
>>> docs = pd.DataFrame({"doc_id": ["a", "b", "c"], "title": ["Putin and Kim sign pact"] * 2 + ["Rice prices rise"],
...     "lead": [None] * 3, "text": [body, body + " This story has been updated.", "Markets were calm."]})
>>> duplicate_groups(docs)["dup_group"].tolist()
['a', 'a', 'c']
"""
from __future__ import annotations

import hashlib
import re

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

_WORD_RE = re.compile(r"\w+", re.UNICODE)


def shingles(text: str, size: int) -> set[str]:
    """Word ``size``-grams of casefolded text (the whole text when it is shorter).

    Examples
    --------
    >>> sorted(shingles("North Korea and Russia", 3))
    ['korea and russia', 'north korea and']
    """
    words = _WORD_RE.findall(text.casefold()) if isinstance(text, str) else []
    if not words:
        return set()
    if len(words) <= size:
        return {" ".join(words)}
    return {" ".join(words[i:i + size]) for i in range(len(words) - size + 1)}


class _UnionFind:
    def __init__(self, n: int):
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, i: int, j: int) -> None:
        ri, rj = self.find(i), self.find(j)
        if ri != rj:
            self.parent[max(ri, rj)] = min(ri, rj)


class NearDuplicateFinder(TransformerMixin, BaseEstimator):
    """Group exact and near-duplicate documents; place new documents in the fitted groups.

    Parameters
    ----------
    shingle_size : int, default=4
    threshold : float, default=0.6
    num_perm : int, default=128
    random_state : int, default=0
        Seed of the MinHash permutations (same seed, same groups).

    Attributes
    ----------
    groups_ : pandas.DataFrame
        ``doc_id``, ``dup_group``, ``is_canonical``, ``group_size``,
        ``similarity`` (estimated Jaccard to the canonical document, 1 for it).
    lsh_ : datasketch.MinHashLSH
        The MinHash index of the fitted documents (one per distinct content hash).
    sketches_ : dict
        Position of a fitted document -> its MinHash (documents with text and a content hash
        first seen there).
    first_with_hash_ : dict
        Content hash -> position of the first fitted document with it.
    content_hashes_ : list of str
        Content hash of every fitted document.
    canonical_ : numpy.ndarray
        Position of every fitted document's canonical document.

    Examples
    --------
    >>> import pandas as pd
    >>> body = ("The two leaders signed the treaty in Pyongyang on Wednesday after talks that lasted "
    ...         "several hours, officials said, and promised to expand trade and transport links.")
    >>> docs = pd.DataFrame({"doc_id": ["a", "b"], "title": ["Putin and Kim sign pact", "Rice prices rise"],
    ...                      "text": [body, "Markets were calm."]})
    >>> finder = NearDuplicateFinder().fit(docs)
    >>> new = pd.DataFrame({"doc_id": ["c", "d"], "title": ["Putin and Kim sign pact", "Storm hits coast"],
    ...                     "text": [body.replace("Wednesday", "Thursday"), "Ferries were cancelled."]})
    >>> finder.transform(new)[["doc_id", "dup_group", "group_size"]].values.tolist()
    [['c', 'a', 2], ['d', 'd', 1]]
    """

    def __init__(self, shingle_size=4, threshold=0.6, num_perm=128, random_state=0):
        self.shingle_size = shingle_size
        self.threshold = threshold
        self.num_perm = num_perm
        self.random_state = random_state

    def _check(self) -> None:
        if isinstance(self.shingle_size, bool) or not isinstance(self.shingle_size, (int, np.integer)) \
                or self.shingle_size < 1:
            raise ValueError(f"shingle_size must be an integer >= 1, not {self.shingle_size!r}")
        if not 0 < self.threshold <= 1:
            raise ValueError(f"threshold must be in (0, 1], got {self.threshold}")

    def _index(self):
        from datasketch import MinHashLSH

        try:
            return MinHashLSH(threshold=self.threshold, num_perm=self.num_perm)
        except ValueError as exc:  # datasketch's message names neither parameter
            raise ValueError(f"num_perm={self.num_perm!r} permutations are too few for threshold={self.threshold} "
                             f"({exc}); use more, e.g. the default 128") from exc

    def _sketch(self, text: str):
        """The MinHash of a text's shingles, or None when it has no word."""
        from datasketch import MinHash

        grams = shingles(text, self.shingle_size)
        if not grams:
            return None
        sketch = MinHash(num_perm=self.num_perm, seed=self.random_state)
        sketch.update_batch([g.encode("utf-8") for g in sorted(grams)])
        return sketch

    def fit(self, X, y=None):
        self._check()
        corpus = X.reset_index(drop=True)
        n = len(corpus)
        texts = _document_texts(corpus)
        hashes = _content_hashes(corpus, texts)
        uf = _UnionFind(n)
        first_of: dict[str, int] = {}
        for i, h in enumerate(hashes):  # exact duplicates first
            if h in first_of:
                uf.union(first_of[h], i)
            else:
                first_of[h] = i
        lsh = self._index()
        sketches = {}
        for i, h in enumerate(hashes):
            if first_of[h] != i:
                continue  # an exact copy adds nothing to LSH
            sketch = self._sketch(texts[i])
            if sketch is None:
                continue
            for j in lsh.query(sketch):
                if sketch.jaccard(sketches[j]) >= self.threshold:
                    uf.union(j, i)
            lsh.insert(i, sketch)
            sketches[i] = sketch
        self.lsh_, self.sketches_, self.first_with_hash_, self.content_hashes_ = lsh, sketches, first_of, hashes
        roots = [uf.find(i) for i in range(n)]
        published = pd.to_datetime(corpus["published"], utc=True) if "published" in corpus else pd.Series([pd.NaT] * n)
        order = pd.DataFrame({"root": roots, "published": published.to_numpy(), "pos": range(n)})
        order = order.sort_values(["root", "published", "pos"], na_position="last", kind="stable")
        canonical_pos = order.groupby("root")["pos"].first()
        canonical = [canonical_pos[r] for r in roots]
        self.canonical_ = np.asarray(canonical, dtype=np.int64)
        similarity = [1.0 if i == c or hashes[i] == hashes[c] else self._similarity(sketches.get(first_of[hashes[i]]), c)
                      for i, c in enumerate(canonical)]
        sizes = pd.Series(roots).map(pd.Series(roots).value_counts())
        ids = corpus["doc_id"].tolist()
        self.groups_ = _groups_table(ids, [ids[c] for c in canonical],
                                     [i == c for i, c in enumerate(canonical)], sizes.to_numpy(), similarity)
        return self

    def _similarity(self, sketch, canonical: int) -> float:
        """Estimated Jaccard of a sketch to the fitted document at position ``canonical`` (NaN if either has none)."""
        other = self.sketches_.get(self.first_with_hash_[self.content_hashes_[canonical]])
        return float(sketch.jaccard(other)) if sketch is not None and other is not None else np.nan

    def fit_transform(self, X, y=None) -> pd.DataFrame:
        return self.fit(X).groups_

    def _best_match(self, text: str) -> tuple[int | None, object]:
        """The fitted document most similar to ``text`` at ``threshold`` or above (the earliest among
        equals), and the text's sketch."""
        sketch = self._sketch(text)
        if sketch is None:
            return None, None
        found = [(sketch.jaccard(self.sketches_[j]), -j) for j in self.lsh_.query(sketch)]
        found = [f for f in found if f[0] >= self.threshold]
        return (-max(found)[1] if found else None), sketch

    def transform(self, X) -> pd.DataFrame:
        """Place documents in the fitted groups, with the columns of :attr:`groups_`.

        A document the finder was fitted on (same ``doc_id``, same content) keeps its fitted row.
        Another document joins the group of a fitted document with the same content hash, else
        of its most similar fitted document at ``threshold`` or above (never as the canonical
        one; ``group_size`` counts the fitted group and the new document), else it is a group of
        its own. Each document is placed on its own: two new copies of each other that match no
        fitted document stay apart (fit on them all to group them).
        """
        check_is_fitted(self, "groups_")
        corpus = X.reset_index(drop=True)
        texts = _document_texts(corpus)
        fitted = {column: values.tolist() for column, values in self.groups_.items()}
        position = dict(zip(fitted["doc_id"], range(len(fitted["doc_id"]))))
        rows = []
        for doc_id, text, h in zip(corpus["doc_id"].tolist(), texts, _content_hashes(corpus, texts)):
            at = position.get(doc_id)
            if at is not None and self.content_hashes_[at] == h:
                rows.append([fitted[column][at] for column in fitted])
                continue
            match, sketch = (self.first_with_hash_[h], None) if h in self.first_with_hash_ else self._best_match(text)
            if match is None:
                rows.append([doc_id, doc_id, True, 1, 1.0])
                continue
            similarity = (fitted["similarity"][match] if sketch is None
                          else self._similarity(sketch, self.canonical_[match]))
            rows.append([doc_id, fitted["dup_group"][match], False, fitted["group_size"][match] + 1, similarity])
        columns = list(zip(*rows)) if rows else [[]] * 5
        return _groups_table(*columns)


def _groups_table(doc_ids, dup_groups, is_canonical, group_sizes, similarity) -> pd.DataFrame:
    return pd.DataFrame({
        "doc_id": pd.array(list(doc_ids), dtype="str"),
        "dup_group": pd.array(list(dup_groups), dtype="str"),
        "is_canonical": np.asarray(is_canonical, dtype=bool),
        "group_size": np.asarray(group_sizes).astype("int64"),
        "similarity": np.asarray(similarity, dtype=np.float64),
    })


def _content_hashes(corpus: pd.DataFrame, texts: list[str]) -> list[str]:
    """The ``content_hash`` column, or a hash of the casefolded texts when there is none."""
    if "content_hash" in corpus:
        return corpus["content_hash"].tolist()
    return [hashlib.sha1(t.casefold().encode()).hexdigest() for t in texts]


def _document_texts(corpus: pd.DataFrame) -> list[str]:
    parts = [corpus[c].fillna("").astype("str") for c in ("title", "lead", "text") if c in corpus]
    joined = parts[0]
    for p in parts[1:]:
        joined = joined + "\n" + p
    return joined.tolist()


def duplicate_groups(corpus: pd.DataFrame, *, shingle_size: int = 4, threshold: float = 0.6,
                     num_perm: int = 128, random_state: int = 0) -> pd.DataFrame:
    """``doc_id``, ``dup_group``, ``is_canonical``, ``group_size``, ``similarity`` for every document."""
    return NearDuplicateFinder(shingle_size, threshold, num_perm, random_state).fit(corpus).groups_
