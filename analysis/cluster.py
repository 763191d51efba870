"""Cluster coverage into stories: the estimator, the choice of k, and how far to trust a clustering.

The estimator and its checks::

    X = TextVectorizer().fit_transform(corpus)            # analysis.vectorize
    table = choose_n_clusters(X)                          # silhouette / Calinski-Harabasz per k ("auto" range)
    clusterer = StoryClusterer(n_clusters=25).fit(X)      # LSA + k-means (or agglomerative, HDBSCAN)
    stability = cluster_stability(X, clusterer)           # how far to trust each cluster

What describes a clustering (top terms, central documents, summaries, the all-in-one
:func:`analysis.stories.cluster_corpus`, streaming, the document map) is in
:mod:`analysis.stories`; clusters over time in :mod:`analysis.timeseries`. Every step is
deterministic for a given ``random_state``; cluster ids are ordered by size (0 is the largest),
so they do not depend on the order in which an algorithm happened to find them.

Examples
--------
>>> from analysis.demo import load_demo
>>> from analysis.vectorize import TextVectorizer
>>> X = TextVectorizer().fit_transform(load_demo(600))  # SIMULATED
>>> labels = StoryClusterer(n_clusters=20).fit(X).labels_
>>> sizes = np.bincount(labels)
>>> len(sizes), bool((np.diff(sizes) <= 0).all())  # ordered by size
(20, True)
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.base import BaseEstimator, ClusterMixin, TransformerMixin, clone
from sklearn.decomposition import TruncatedSVD
from sklearn.metrics import adjusted_rand_score, calinski_harabasz_score, normalized_mutual_info_score, silhouette_score
from sklearn.preprocessing import normalize
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted, validate_data

METHODS = ("kmeans", "minibatch", "agglomerative", "hdbscan")
NOISE = -1
# Hennig (2007), "Cluster-wise assessment of cluster stability": mean best-match Jaccard below 0.6
# means the cluster does not survive resampling; above 0.85, it is highly stable.
UNSTABLE_BELOW, STABLE_FROM = 0.6, 0.85
AGGLOMERATIVE_MAX_DOCS = 30_000  # ward linkage needs O(n^2) memory


def relabel_by_size(labels) -> np.ndarray:
    """Cluster ids 0..k-1 ordered by size (ties: the cluster whose first document comes first).

    Noise (-1) stays -1.

    Examples
    --------
    >>> relabel_by_size([7, 3, 3, -1, 7, 3]).tolist()
    [1, 0, 0, -1, 1, 0]
    """
    labels = np.asarray(labels)
    ids = [c for c in np.unique(labels) if c != NOISE]
    first = {c: int(np.argmax(labels == c)) for c in ids}
    order = sorted(ids, key=lambda c: (-int((labels == c).sum()), first[c]))
    mapping = {old: new for new, old in enumerate(order)}
    return np.array([mapping.get(c, NOISE) for c in labels], dtype=np.int64)


def _kmeans_plusplus(X: np.ndarray, n_clusters: int, random_state) -> np.ndarray:
    """Greedy k-means++ seeds, the algorithm and random draws of scikit-learn's (equal weights).

    scikit-learn computes each round's distances for float32 data in float64 chunks, re-converting
    all of ``X`` every round; this converts it once and does one matrix product per round, about
    3x quicker on a 100,000 x 100 LSA embedding, with the same seeds (tested). Passed to
    :class:`~sklearn.cluster.KMeans` as ``init``, which calls it with its own ``RandomState``.
    """
    n = X.shape[0]
    if n * X.shape[1] > 20_000_000:  # a float64 copy would cost more memory than it saves time
        from sklearn.cluster import kmeans_plusplus

        return kmeans_plusplus(X, n_clusters, random_state=random_state)[0]
    trials = 2 + int(np.log(n_clusters))  # as scikit-learn (Arthur and Vassilvitskii)
    wide = X.astype(np.float64)
    squared_norms = np.einsum("ij,ij->i", wide, wide)
    weight = np.ones(n, dtype=X.dtype)

    def squared_distances(rows) -> np.ndarray:
        d = squared_norms[rows, None] + squared_norms[None, :] - 2.0 * (wide[rows] @ wide.T)
        return np.maximum(d, 0.0, out=d).astype(X.dtype, copy=False)  # scikit-learn keeps X's dtype

    centres = np.empty((n_clusters, X.shape[1]), dtype=X.dtype)
    first = random_state.choice(n, p=weight / weight.sum())
    centres[0] = X[first]
    closest = squared_distances([first])[0]
    potential = closest @ weight
    for c in range(1, n_clusters):
        candidates = np.searchsorted(np.cumsum(weight * closest), random_state.uniform(size=trials) * potential)
        np.clip(candidates, None, n - 1, out=candidates)  # rounding can point past the end
        distances = np.minimum(closest, squared_distances(candidates))
        potentials = distances @ weight.reshape(-1, 1)
        best = int(np.argmin(potentials))
        potential, closest = potentials[best], distances[best]
        centres[c] = X[candidates[best]]
    return centres


def cluster_centres(embedding: np.ndarray, labels: np.ndarray, k: int) -> np.ndarray:
    """Unit-length mean vector of each cluster 0..k-1 (zeros for an empty cluster).

    Examples
    --------
    >>> cluster_centres(np.array([[1.0, 0.0], [0.0, 1.0], [3.0, 0.0]]), np.array([0, 0, 1]), 2).round(3).tolist()
    [[0.707, 0.707], [1.0, 0.0]]
    """
    centres = np.zeros((k, embedding.shape[1]), dtype=embedding.dtype)
    for c in range(k):
        members = labels == c
        if members.any():
            centres[c] = embedding[members].mean(axis=0)
    return normalize(centres)


class StoryClusterer(ClusterMixin, TransformerMixin, BaseEstimator):
    """LSA (TruncatedSVD) then k-means, mini-batch k-means, agglomerative (Ward) or HDBSCAN.

    Takes a document-term matrix (from :class:`analysis.vectorize.TextVectorizer`), so it
    composes after a vectoriser in a :class:`~sklearn.pipeline.Pipeline`.

    Parameters
    ----------
    n_clusters : int, default=20
        Ignored by ``hdbscan``, which finds its own number and leaves noise (label -1).
    method : {"kmeans", "minibatch", "agglomerative", "hdbscan"}, default="kmeans"
    n_components : int, default=100
        LSA dimensions (capped below the number of features).
    n_init : int, default=1
        k-means++ restarts; the lowest inertia wins. One is scikit-learn's own default for
        k-means++: on the simulated demo, more restarts lower the inertia by splitting large
        stories and *lower* the agreement with the planted stories (ARI 0.90 at 1, 0.86 at 4).
    min_cluster_size : int, default=10
        HDBSCAN only.
    svd_sample : int or None, default=50_000
        Above this many documents, the LSA is fitted on a seeded random sample of this size (every
        document is still projected and clustered); None fits it on all.
    random_state : int, default=0

    Attributes
    ----------
    svd_ : TruncatedSVD
    labels_ : ndarray of int
        Cluster of each training document, 0 = the largest cluster; -1 = noise (HDBSCAN).
    cluster_centers_ : ndarray
        Unit-length centres in the LSA space.
    distances_ : ndarray
        Cosine distance of every training document to its centre (NaN for noise).
    embedding_ : ndarray
        Unit-length LSA vectors of the training documents.
    n_clusters_ : int

    Examples
    --------
    >>> from sklearn.pipeline import make_pipeline
    >>> from analysis.vectorize import TextVectorizer
    >>> from analysis.demo import load_demo
    >>> demo = load_demo(300)  # SIMULATED
    >>> pipe = make_pipeline(TextVectorizer(), StoryClusterer(n_clusters=8)).fit(demo)
    >>> pipe[-1].n_clusters_, len(pipe[-1].labels_)
    (8, 300)
    """

    def __init__(self, n_clusters=20, method="kmeans", n_components=100, n_init=1, min_cluster_size=10,
                 svd_sample=50_000, random_state=0):
        self.n_clusters = n_clusters
        self.method = method
        self.n_components = n_components
        self.n_init = n_init
        self.min_cluster_size = min_cluster_size
        self.svd_sample = svd_sample
        self.random_state = random_state

    def _check(self, n_docs: int) -> None:
        if self.method not in METHODS:
            raise ValueError(f"method must be one of {', '.join(METHODS)}, not {self.method!r}")
        if self.method != "hdbscan" and not 1 <= int(self.n_clusters) <= n_docs:
            raise ValueError(f"n_clusters={self.n_clusters} needs 1 <= n_clusters <= {n_docs} documents")
        if self.method == "agglomerative" and n_docs > AGGLOMERATIVE_MAX_DOCS:
            raise ValueError(f"agglomerative clustering of {n_docs:,} documents needs O(n^2) memory; "
                             f"use method='kmeans' or 'minibatch' above {AGGLOMERATIVE_MAX_DOCS:,}")

    def _embed(self, X) -> np.ndarray:
        return normalize(self.svd_.transform(X)).astype(np.float32)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True  # a document-term matrix is sparse
        return tags

    def fit(self, X, y=None):
        X = validate_data(self, X, accept_sparse="csr")
        n_docs, n_features = X.shape
        self._check(n_docs)
        components = max(1, min(int(self.n_components), n_features - 1, n_docs - 1))
        fit_on = X
        if self.svd_sample is not None and n_docs > int(self.svd_sample):
            # the LSA directions of a large corpus are learnt as well from a seeded sample, 2-5x quicker
            rows = check_random_state(self.random_state).choice(n_docs, size=int(self.svd_sample), replace=False)
            fit_on = X[np.sort(rows)]
        self.svd_ = TruncatedSVD(n_components=components, random_state=self.random_state).fit(fit_on)
        embedding = self._embed(X)
        labels = self._cluster(embedding)
        self.labels_ = relabel_by_size(labels)
        self.n_clusters_ = int(self.labels_.max()) + 1 if (self.labels_ >= 0).any() else 0
        self.cluster_centers_ = cluster_centres(embedding, self.labels_, self.n_clusters_)
        self.embedding_ = embedding
        self.distances_ = self._distances(embedding, self.labels_)
        return self

    def _cluster(self, embedding: np.ndarray) -> np.ndarray:
        k = int(self.n_clusters)
        if self.method == "kmeans":
            from sklearn.cluster import KMeans

            return KMeans(n_clusters=k, init=_kmeans_plusplus, n_init=self.n_init,
                          random_state=self.random_state).fit_predict(embedding)
        if self.method == "minibatch":
            from sklearn.cluster import MiniBatchKMeans

            return MiniBatchKMeans(n_clusters=k, n_init=self.n_init, batch_size=4096,
                                   random_state=self.random_state).fit_predict(embedding)
        if self.method == "agglomerative":
            from sklearn.cluster import AgglomerativeClustering

            return AgglomerativeClustering(n_clusters=k, linkage="ward").fit_predict(embedding)
        from sklearn.cluster import HDBSCAN

        return HDBSCAN(min_cluster_size=int(self.min_cluster_size), copy=True).fit_predict(embedding)

    def _distances(self, embedding, labels) -> np.ndarray:
        distances = np.full(len(labels), np.nan, dtype=np.float64)
        members = labels >= 0
        if members.any():
            similarity = np.einsum("ij,ij->i", embedding[members], self.cluster_centers_[labels[members]])
            distances[members] = np.clip(1.0 - similarity, 0.0, 2.0)
        return distances

    def transform(self, X):
        """Unit-length LSA vectors."""
        check_is_fitted(self, "svd_")
        return self._embed(validate_data(self, X, accept_sparse="csr", reset=False))

    def predict(self, X):
        """Nearest centre (cosine) for new documents; every document gets a cluster, even under HDBSCAN."""
        check_is_fitted(self, "cluster_centers_")
        X = validate_data(self, X, accept_sparse="csr", reset=False)
        return np.asarray(np.argmax(self._embed(X) @ self.cluster_centers_.T, axis=1), dtype=np.int64)

    def fit_predict(self, X, y=None, **kwargs):
        return self.fit(X).labels_

    def get_feature_names_out(self, input_features=None):
        check_is_fitted(self, "svd_")
        return np.asarray([f"lsa{i}" for i in range(self.svd_.n_components)], dtype=object)


K_MAX = 40  # the most clusters "auto" tries: more stories than a reader can follow in one table


def auto_k_range(n_documents: int, *, steps: int = 8) -> list[int]:
    """The k that ``"auto"`` tries for ``n_documents``: around sqrt(n / 2), from half of it to 1.5 times it.

    The rule of thumb k ~ sqrt(n / 2) (Mardia et al. 1979) sets the centre; the range runs from
    half to one and a half times it, at least 2, at most :data:`K_MAX` (and below n), in at most
    ``steps`` evenly spaced values; when 1.5 times the centre passes :data:`K_MAX`, the range is
    half of it to :data:`K_MAX`. A query subset of 74 documents tries 3..9 clusters, a year of
    KCNA (2,000) 16..40, the 4,000-article demo and larger corpora 20..40.

    Examples
    --------
    >>> auto_k_range(74)
    [3, 4, 5, 6, 7, 8, 9]
    >>> auto_k_range(2000)
    [16, 19, 23, 26, 30, 33, 37, 40]
    >>> auto_k_range(5), auto_k_range(50_000)
    ([2], [20, 23, 26, 29, 31, 34, 37, 40])
    """
    centre = np.sqrt(max(int(n_documents), 1) / 2)
    high = int(min(K_MAX, max(2, round(1.5 * centre)), max(int(n_documents) - 1, 2)))
    low = int(min(high, max(2, min(round(centre / 2), high // 2))))
    return sorted({int(round(k)) for k in np.linspace(low, high, num=min(steps, high - low + 1))})


def choose_n_clusters(X, ks="auto", *, n_components=100, n_init=1, sample_size=2000,
                      random_state=0) -> pd.DataFrame:
    """Silhouette and Calinski-Harabasz scores of k-means for each k, as a table.

    The LSA is fitted once and shared by every k. Silhouette (cosine, on a fixed sample of at most
    ``sample_size`` documents) is the criterion: the row with the highest one is marked ``best``.
    Read the table, not only the mark: a flat curve means the data do not prefer any k.
    ``ks="auto"`` tries :func:`auto_k_range` of the number of documents; a list tries those k.

    Examples
    --------
    >>> from analysis.demo import load_demo
    >>> from analysis.vectorize import TextVectorizer
    >>> X = TextVectorizer().fit_transform(load_demo(400))  # SIMULATED
    >>> table = choose_n_clusters(X, [5, 10, 15])
    >>> table.columns.tolist(), int(table["best"].sum())
    (['k', 'silhouette', 'calinski_harabasz', 'inertia', 'best'], 1)
    >>> choose_n_clusters(X)["k"].tolist()  # "auto": around sqrt(400 / 2)
    [7, 9, 11, 13, 15, 17, 19, 21]
    """
    from sklearn.cluster import KMeans

    if isinstance(ks, str):
        if ks != "auto":
            raise ValueError(f"ks must be 'auto' or a list of whole numbers, not {ks!r}")
        ks = auto_k_range(X.shape[0])

    base = StoryClusterer(n_clusters=1, n_components=n_components, random_state=random_state)
    components = max(1, min(int(n_components), X.shape[1] - 1, X.shape[0] - 1))
    base.svd_ = TruncatedSVD(n_components=components, random_state=random_state).fit(X)
    embedding = base._embed(X)
    rng = np.random.default_rng(random_state)
    sample = np.sort(rng.choice(len(embedding), size=min(sample_size, len(embedding)), replace=False))
    rows = []
    for k in ks:
        if not 2 <= k < len(embedding):
            continue
        model = KMeans(n_clusters=int(k), init=_kmeans_plusplus, n_init=n_init,
                       random_state=random_state).fit(embedding)
        labels = model.labels_
        sampled = labels[sample]
        silhouette = (silhouette_score(embedding[sample], sampled, metric="cosine")
                      if len(np.unique(sampled)) > 1 else np.nan)
        rows.append({"k": int(k), "silhouette": float(silhouette),
                     "calinski_harabasz": float(calinski_harabasz_score(embedding, labels)),
                     "inertia": float(model.inertia_)})
    if not rows:
        raise ValueError(f"no k in {list(ks)} fits {len(embedding)} documents (need 2 <= k < n)")
    table = pd.DataFrame(rows)
    table["best"] = False
    table.loc[table["silhouette"].idxmax(), "best"] = True
    return table


def _contingency(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    a_ids, a_inv = np.unique(a, return_inverse=True)
    b_ids, b_inv = np.unique(b, return_inverse=True)
    table = np.zeros((len(a_ids), len(b_ids)), dtype=np.int64)
    np.add.at(table, (a_inv, b_inv), 1)
    return a_ids, b_ids, table


def best_match_jaccard(reference, other) -> dict[int, float]:
    """For each reference cluster, the Jaccard similarity of its best-matching cluster in ``other``.

    Examples
    --------
    >>> best_match_jaccard([0, 0, 1, 1], [5, 5, 5, 7])
    {0: 0.6666666666666666, 1: 0.5}
    """
    ref_ids, _, table = _contingency(np.asarray(reference), np.asarray(other))
    sizes_a = table.sum(axis=1, keepdims=True)
    sizes_b = table.sum(axis=0, keepdims=True)
    jaccard = table / (sizes_a + sizes_b - table)
    return {int(c): float(jaccard[i].max()) for i, c in enumerate(ref_ids) if c != NOISE}


@dataclass
class StabilityReport:
    """How far each cluster survives other seeds and resampled corpora.

    Attributes
    ----------
    clusters : DataFrame
        cluster, size, jaccard_seeds, jaccard_bootstrap (mean best-match Jaccard over the runs),
        stability (the lower of the two), verdict (``stable`` >= 0.85, ``moderate``, ``unstable`` < 0.6).
    runs : DataFrame
        One row per refit: kind (``seed`` or ``bootstrap``), seed, ari_vs_reference, n_documents.
    mean_ari : float
        Mean ARI of the refits against the reference clustering.
    """

    clusters: pd.DataFrame
    runs: pd.DataFrame
    mean_ari: float = field(default=float("nan"))

    @property
    def unstable(self) -> list[int]:
        return self.clusters.loc[self.clusters["verdict"] == "unstable", "cluster"].tolist()


def cluster_stability(X, clusterer: StoryClusterer, *, n_seeds=3, n_bootstrap=3, random_state=0) -> StabilityReport:
    """Refit ``clusterer`` with other seeds and on bootstrap samples; score every cluster.

    Seed runs refit everything (LSA and clustering) with seeds ``random_state + 1...``; bootstrap
    runs refit on documents drawn with replacement and compare on the documents drawn. The
    per-cluster score is the mean best-match Jaccard (Hennig 2007); the overall score is the ARI
    of each run against the reference. Unstable clusters are reported, not dropped.

    Examples
    --------
    >>> from analysis.demo import load_demo
    >>> from analysis.vectorize import TextVectorizer
    >>> X = TextVectorizer().fit_transform(load_demo(400))  # SIMULATED
    >>> report = cluster_stability(X, StoryClusterer(n_clusters=10).fit(X), n_seeds=2, n_bootstrap=2)
    >>> report.runs["kind"].tolist()
    ['seed', 'seed', 'bootstrap', 'bootstrap']
    """
    check_is_fitted(clusterer, "labels_")
    reference = clusterer.labels_
    X = sparse.csr_matrix(X)
    rng = np.random.default_rng(random_state)
    scores: dict[str, list[dict[int, float]]] = {"seed": [], "bootstrap": []}
    runs = []
    base_seed = clusterer.random_state if clusterer.random_state is not None else 0
    for i in range(n_seeds):
        seed = int(base_seed) + 1 + i
        labels = clone(clusterer).set_params(random_state=seed).fit(X).labels_
        scores["seed"].append(best_match_jaccard(reference, labels))
        runs.append({"kind": "seed", "seed": seed, "ari_vs_reference": adjusted_rand_score(reference, labels),
                     "n_documents": len(labels)})
    for i in range(n_bootstrap):
        drawn = rng.choice(len(reference), size=len(reference), replace=True)
        seed = int(base_seed) + 1 + n_seeds + i
        fitted = clone(clusterer).set_params(random_state=seed).fit(X[drawn])
        unique, first = np.unique(drawn, return_index=True)
        labels = fitted.labels_[first]
        scores["bootstrap"].append(best_match_jaccard(reference[unique], labels))
        runs.append({"kind": "bootstrap", "seed": seed,
                     "ari_vs_reference": adjusted_rand_score(reference[unique], labels), "n_documents": len(unique)})
    clusters = []
    for c in sorted(set(reference[reference >= 0].tolist())):
        row = {"cluster": c, "size": int((reference == c).sum())}
        for kind in ("seed", "bootstrap"):
            values = [run[c] for run in scores[kind] if c in run]
            row[f"jaccard_{kind}s" if kind == "seed" else "jaccard_bootstrap"] = float(np.mean(values)) if values else np.nan
        clusters.append(row)
    table = pd.DataFrame(clusters, columns=["cluster", "size", "jaccard_seeds", "jaccard_bootstrap"])
    table["stability"] = table[["jaccard_seeds", "jaccard_bootstrap"]].min(axis=1)
    table["verdict"] = np.select([table["stability"] >= STABLE_FROM, table["stability"] >= UNSTABLE_BELOW],
                                 ["stable", "moderate"], "unstable")
    runs_frame = pd.DataFrame(runs, columns=["kind", "seed", "ari_vs_reference", "n_documents"])
    mean_ari = float(runs_frame["ari_vs_reference"].mean()) if len(runs_frame) else float("nan")
    return StabilityReport(clusters=table, runs=runs_frame, mean_ari=mean_ari)


def agreement_with_truth(labels, truth, *, mask=None) -> dict:
    """ARI and NMI of a clustering against known labels (e.g. the demo's ``truth_story``).

    ``mask`` keeps only some documents (the demo's planted stories, not its background).

    Examples
    --------
    >>> agreement_with_truth([0, 0, 1, 1], ["a", "a", "b", "b"])
    {'ari': 1.0, 'nmi': 1.0, 'n': 4}
    """
    labels, truth = np.asarray(labels), np.asarray(truth)
    if mask is not None:
        labels, truth = labels[np.asarray(mask)], truth[np.asarray(mask)]
    return {"ari": float(adjusted_rand_score(truth, labels)),
            "nmi": float(normalized_mutual_info_score(truth, labels)), "n": int(len(labels))}
