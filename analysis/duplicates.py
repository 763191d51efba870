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
from sklearn.base import BaseEstimator
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


class NearDuplicateFinder(BaseEstimator):
    """Group exact and near-duplicate documents.

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
    """

    def __init__(self, shingle_size=4, threshold=0.6, num_perm=128, random_state=0):
        self.shingle_size = shingle_size
        self.threshold = threshold
        self.num_perm = num_perm
        self.random_state = random_state

    def fit(self, X, y=None):
        from datasketch import MinHash, MinHashLSH

        if not 0 < self.threshold <= 1:
            raise ValueError(f"threshold must be in (0, 1], got {self.threshold}")
        corpus = X.reset_index(drop=True)
        n = len(corpus)
        texts = _document_texts(corpus)
        hashes = corpus["content_hash"].tolist() if "content_hash" in corpus else [
            hashlib.sha1(t.casefold().encode()).hexdigest() for t in texts]
        uf = _UnionFind(n)
        first_of: dict[str, int] = {}
        for i, h in enumerate(hashes):  # exact duplicates first
            if h in first_of:
                uf.union(first_of[h], i)
            else:
                first_of[h] = i
        lsh = MinHashLSH(threshold=self.threshold, num_perm=self.num_perm)
        sketches: dict[int, MinHash] = {}
        for i, h in enumerate(hashes):
            if first_of[h] != i:
                continue  # an exact copy adds nothing to LSH
            grams = shingles(texts[i], self.shingle_size)
            if not grams:
                continue
            sketch = MinHash(num_perm=self.num_perm, seed=self.random_state)
            sketch.update_batch([g.encode("utf-8") for g in sorted(grams)])
            for j in lsh.query(sketch):
                if sketch.jaccard(sketches[j]) >= self.threshold:
                    uf.union(j, i)
            lsh.insert(i, sketch)
            sketches[i] = sketch
        roots = [uf.find(i) for i in range(n)]
        published = pd.to_datetime(corpus["published"], utc=True) if "published" in corpus else pd.Series([pd.NaT] * n)
        order = pd.DataFrame({"root": roots, "published": published.to_numpy(), "pos": range(n)})
        order = order.sort_values(["root", "published", "pos"], na_position="last", kind="stable")
        canonical_pos = order.groupby("root")["pos"].first()
        ids = corpus["doc_id"].tolist()
        canonical = [canonical_pos[r] for r in roots]
        similarity = []
        for i, c in enumerate(canonical):
            if i == c or hashes[i] == hashes[c]:
                similarity.append(1.0)
            else:
                a, b = sketches.get(first_of[hashes[i]]), sketches.get(first_of[hashes[c]])
                similarity.append(float(a.jaccard(b)) if a is not None and b is not None else np.nan)
        sizes = pd.Series(roots).map(pd.Series(roots).value_counts())
        self.groups_ = pd.DataFrame({
            "doc_id": pd.array(ids, dtype="str"),
            "dup_group": pd.array([ids[c] for c in canonical], dtype="str"),
            "is_canonical": [i == c for i, c in enumerate(canonical)],
            "group_size": sizes.to_numpy().astype("int64"),
            "similarity": similarity,
        })
        return self

    def fit_transform(self, X, y=None) -> pd.DataFrame:
        return self.fit(X).groups_

    def transform(self, X=None) -> pd.DataFrame:
        check_is_fitted(self, "groups_")
        return self.groups_


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
