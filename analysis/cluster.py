"""Cluster coverage into stories: LSA + k-means (or agglomerative, HDBSCAN), labels, stability, time.

The pipeline a researcher runs::

    X = TextVectorizer().fit_transform(corpus)            # analysis.vectorize
    table = choose_n_clusters(X, range(10, 41, 5))        # silhouette / Calinski-Harabasz per k
    clusterer = StoryClusterer(n_clusters=25).fit(X)
    terms = cluster_terms(X, clusterer.labels_, feature_names, languages=corpus["language"])
    stability = cluster_stability(X, clusterer)           # how far to trust each cluster
    over_time = clusters_over_time(corpus, clusterer.labels_, freq="W", events=events)

or all at once with :func:`cluster_corpus`. Every step is deterministic for a given
``random_state``; cluster ids are ordered by size (0 is the largest), so they do not depend on
the order in which an algorithm happened to find them.

Examples
--------
>>> from analysis.demo import load_demo
>>> demo = load_demo(600)  # SIMULATED
>>> result = cluster_corpus(demo, n_clusters=20, stability_runs=2)
>>> result.summary.columns[:4].tolist()
['cluster', 'size', 'share', 'label']
>>> bool((result.summary["size"].diff().dropna() <= 0).all())  # ordered by size
True
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.base import BaseEstimator, ClusterMixin, TransformerMixin, clone
from sklearn.decomposition import TruncatedSVD
from sklearn.metrics import adjusted_rand_score, calinski_harabasz_score, normalized_mutual_info_score, silhouette_score
from sklearn.preprocessing import normalize
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted

METHODS = ("kmeans", "minibatch", "agglomerative", "hdbscan")
NOISE = -1
# Hennig (2007), "Cluster-wise assessment of cluster stability": mean best-match Jaccard below 0.6
# means the cluster does not survive resampling; above 0.85, it is highly stable.
UNSTABLE_BELOW, STABLE_FROM = 0.6, 0.85
AGGLOMERATIVE_MAX_DOCS = 30_000  # ward linkage needs O(n^2) memory


def _relabel_by_size(labels: np.ndarray) -> np.ndarray:
    """Cluster ids 0..k-1 ordered by size (ties: the cluster whose first document comes first)."""
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


def _centres(embedding: np.ndarray, labels: np.ndarray, k: int) -> np.ndarray:
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

    def fit(self, X, y=None):
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
        self.labels_ = _relabel_by_size(labels)
        self.n_clusters_ = int(self.labels_.max()) + 1 if (self.labels_ >= 0).any() else 0
        self.cluster_centers_ = _centres(embedding, self.labels_, self.n_clusters_)
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
        return self._embed(X)

    def predict(self, X):
        """Nearest centre (cosine) for new documents; every document gets a cluster, even under HDBSCAN."""
        check_is_fitted(self, "cluster_centers_")
        return np.asarray(np.argmax(self._embed(X) @ self.cluster_centers_.T, axis=1), dtype=np.int64)

    def fit_predict(self, X, y=None, **kwargs):
        return self.fit(X).labels_

    def get_feature_names_out(self, input_features=None):
        check_is_fitted(self, "svd_")
        return np.asarray([f"lsa{i}" for i in range(self.svd_.n_components)], dtype=object)


def choose_n_clusters(X, ks=range(10, 41, 5), *, n_components=100, n_init=1, sample_size=2000,
                      random_state=0) -> pd.DataFrame:
    """Silhouette and Calinski-Harabasz scores of k-means for each k, as a table.

    The LSA is fitted once and shared by every k. Silhouette (cosine, on a fixed sample of at most
    ``sample_size`` documents) is the criterion: the row with the highest one is marked ``best``.
    Read the table, not only the mark: a flat curve means the data do not prefer any k.

    Examples
    --------
    >>> from analysis.demo import load_demo
    >>> from analysis.vectorize import TextVectorizer
    >>> X = TextVectorizer().fit_transform(load_demo(400))  # SIMULATED
    >>> table = choose_n_clusters(X, [5, 10, 15])
    >>> table.columns.tolist(), int(table["best"].sum())
    (['k', 'silhouette', 'calinski_harabasz', 'inertia', 'best'], 1)
    """
    from sklearn.cluster import KMeans

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


def cluster_terms(X, labels, feature_names, *, languages=None, top_n=10) -> pd.DataFrame:
    """Top terms of every cluster by class-based TF-IDF, overall and per language.

    The weight of a term in a cluster is its share of the cluster's (tf-idf) mass times
    ``log(1 + average cluster mass / the term's mass in the corpus)``, as in BERTopic's c-TF-IDF.
    Per-language rows use the cluster's documents in that language only, so a Korean reader
    sees Korean terms. Concept-bridge tokens (``@TREATY``) are shared by all languages.

    Returns
    -------
    DataFrame with columns cluster, language ("all" or a code), rank, term, weight.
    """
    labels = np.asarray(labels)
    X = sparse.csr_matrix(X)
    names = np.asarray(feature_names, dtype=object)
    clusters = [c for c in np.unique(labels) if c != NOISE]
    groups = [("all", np.ones(len(labels), dtype=bool))]
    if languages is not None:
        languages = pd.Series(languages).fillna("und").astype(str).to_numpy()
        groups += [(lang, languages == lang) for lang in sorted(set(languages))]
    term_mass = np.asarray(X.sum(axis=0)).ravel()
    mean_cluster_mass = term_mass.sum() / max(len(clusters), 1)
    idf = np.log1p(mean_cluster_mass / np.maximum(term_mass, 1e-12))
    rows = []
    for c in clusters:
        for lang, mask in groups:
            members = (labels == c) & mask
            if not members.any():
                continue
            mass = np.asarray(X[members].sum(axis=0)).ravel()
            weights = mass / max(mass.sum(), 1e-12) * idf
            top = np.argsort(-weights, kind="stable")[:top_n]
            rows += [{"cluster": int(c), "language": lang, "rank": r + 1, "term": names[t], "weight": float(weights[t])}
                     for r, t in enumerate(top) if weights[t] > 0]
    return pd.DataFrame(rows, columns=["cluster", "language", "rank", "term", "weight"])


def representative_documents(corpus: pd.DataFrame, labels, distances, *, n=3) -> pd.DataFrame:
    """The ``n`` documents of each cluster nearest its centre (columns: cluster, rank, distance, ...)."""
    frame = corpus.reset_index(drop=True).assign(cluster=np.asarray(labels), distance=np.asarray(distances))
    frame = frame[frame["cluster"] >= 0].sort_values(["cluster", "distance"], kind="stable")
    top = frame.groupby("cluster", sort=True).head(n).copy()
    top["rank"] = top.groupby("cluster").cumcount() + 1
    columns = ["cluster", "rank", "distance"] + [c for c in ("doc_id", "published", "outlet", "language", "title")
                                                 if c in top]
    return top[columns].reset_index(drop=True)


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


def _period_bounds(published: pd.Series, freq: str) -> tuple[pd.Series, pd.Series]:
    periods = published.dt.tz_convert("UTC").dt.tz_localize(None).dt.to_period(freq)
    return periods.dt.start_time, periods.dt.end_time


def clusters_over_time(corpus: pd.DataFrame, labels, *, freq="W", by=None, events=None) -> pd.DataFrame:
    """Documents per cluster and period, with the share of the period's coverage.

    Parameters
    ----------
    corpus : DataFrame with ``published`` (UTC timestamps; undated documents are left out and
        counted in ``result.attrs["undated"]``).
    labels : array of cluster ids, aligned with ``corpus`` (noise -1 is kept as its own row).
    freq : {"D", "W", "M"} or any pandas period alias, default="W" (weeks start on Monday).
    by : str, optional
        A column (``outlet``, ``language``): counts and denominators per value of it, so a share
        reads "of this outlet's coverage that week".
    events : DataFrame, optional
        Columns ``date`` and ``label`` (the timeline); each period lists the events inside it.

    Returns
    -------
    DataFrame: period_start, period_end, [by], cluster, n, total, share, partial, events.
    Every (period, cluster) pair appears, zeros included. ``partial`` is True for the first and
    last periods when the corpus starts or ends inside them: their counts are not comparable.

    Examples
    --------
    >>> corpus = pd.DataFrame({"published": pd.to_datetime(["2024-06-19", "2024-06-20", "2024-06-27"], utc=True)})
    >>> table = clusters_over_time(corpus, [0, 1, 0], freq="W")
    >>> table[["cluster", "n", "total", "share", "partial"]].values.tolist()
    [[0, 1, 2, 0.5, True], [1, 1, 2, 0.5, True], [0, 1, 1, 1.0, True], [1, 0, 1, 0.0, True]]
    """
    frame = pd.DataFrame({"published": pd.to_datetime(corpus["published"].to_numpy(), utc=True),
                          "cluster": np.asarray(labels, dtype=np.int64)})
    if by is not None:
        frame[by] = corpus[by].to_numpy()
    undated = int(frame["published"].isna().sum())
    frame = frame.dropna(subset=["published"])
    if frame.empty:
        raise ValueError("no dated documents: clusters over time need a `published` date")
    frame["period_start"], frame["period_end"] = _period_bounds(frame["published"], freq)
    keys = ["period_start"] + ([by] if by else [])
    counts = frame.groupby(keys + ["cluster"], sort=True).size().rename("n")
    periods = frame[["period_start", "period_end"]].drop_duplicates().sort_values("period_start")
    all_periods = pd.period_range(periods["period_start"].min(), periods["period_start"].max(), freq=freq)
    grid_parts = [pd.Index(all_periods.start_time, name="period_start")]
    if by:
        grid_parts.append(pd.Index(sorted(frame[by].dropna().unique()), name=by))
    grid_parts.append(pd.Index(sorted(frame["cluster"].unique()), name="cluster"))
    grid = pd.MultiIndex.from_product(grid_parts)
    table = counts.reindex(grid, fill_value=0).reset_index()
    table["total"] = table.groupby(keys)["n"].transform("sum")
    table["share"] = np.where(table["total"] > 0, table["n"] / table["total"].where(table["total"] > 0, 1), 0.0)
    ends = dict(zip(all_periods.start_time, all_periods.end_time))
    table.insert(1, "period_end", table["period_start"].map(ends))
    first, last = frame["published"].min().tz_localize(None), frame["published"].max().tz_localize(None)
    last_day_end = last.normalize() + pd.Timedelta(days=1) - pd.Timedelta(1)
    table["partial"] = (table["period_start"] < first.normalize()) | (table["period_end"] > last_day_end)
    table["events"] = ""
    if events is not None and len(events):
        dates = pd.to_datetime(events["date"], utc=True).dt.tz_localize(None)
        for date, label in zip(dates, events["label"].astype(str)):
            inside = (table["period_start"] <= date) & (date <= table["period_end"])
            table.loc[inside, "events"] = np.where(table.loc[inside, "events"] == "", label,
                                                   table.loc[inside, "events"] + "; " + label)
    table.attrs["undated"] = undated
    table.attrs["freq"] = freq
    return table


def term_pattern(term: str, language: str | None, *, glossary=None) -> re.Pattern | None:
    """A regular expression finding the surface words behind a vector token, for keyword-in-context.

    Stems match as word prefixes (``ratifi`` finds "ratified"), Indonesian stems anywhere in a
    word (``tandatangan`` finds "menandatangani"), ``@ACTOR`` tokens through the actor registry's
    aliases, and ``@CONCEPT`` tokens through the glossary's terms.
    """
    if term.startswith("@"):
        key = term[1:]
        from .actors import alias_pattern, load_actor_registry
        from .vectorize import load_concept_glossary

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

    Returns columns doc_id, language, term, left, keyword, right (at most ``limit`` per term).
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
            text = " ".join(str(doc[c]) for c in ("title", "lead", "text") if c in doc and isinstance(doc[c], str))
            match = pattern.search(text)
            if match is None:
                continue
            rows.append({"doc_id": doc.get("doc_id"), "language": language, "term": term,
                         "left": text[max(0, match.start() - width):match.start()].replace("\n", " "),
                         "keyword": match.group(0),
                         "right": text[match.end():match.end() + width].replace("\n", " ")})
            found += 1
    return pd.DataFrame(rows, columns=["doc_id", "language", "term", "left", "keyword", "right"])


@dataclass
class ClusterResult:
    """Everything :func:`cluster_corpus` computed, as tables (all deterministic for one seed)."""

    labels: np.ndarray
    distances: np.ndarray
    summary: pd.DataFrame
    terms: pd.DataFrame
    representatives: pd.DataFrame
    stability: StabilityReport | None
    k_table: pd.DataFrame | None
    clusterer: StoryClusterer
    vectorizer: object
    matrix: object

    def assignments(self, corpus: pd.DataFrame) -> pd.DataFrame:
        """One row per document: doc_id, cluster, distance to the centre."""
        ids = corpus["doc_id"].to_numpy() if "doc_id" in corpus else np.arange(len(corpus))
        return pd.DataFrame({"doc_id": ids, "cluster": self.labels, "distance": self.distances})

    def drilldown(self, corpus: pd.DataFrame, cluster: int, *, n_docs=5, n_terms=5, width=50) -> dict:
        """Representative documents, KWIC lines of the top terms, and who makes up one cluster."""
        members = corpus.reset_index(drop=True)[self.labels == cluster]
        distances = self.distances[self.labels == cluster]
        documents = members.assign(distance=distances).sort_values("distance", kind="stable").head(n_docs)
        top = self.terms[(self.terms["cluster"] == cluster) & (self.terms["language"] == "all")]["term"].head(n_terms)
        share = lambda s: s.value_counts().rename_axis(s.name).reset_index(name="n").assign(  # noqa: E731
            share=lambda t: t["n"] / t["n"].sum())
        return {"documents": documents[[c for c in ("doc_id", "published", "outlet", "language", "title", "distance")
                                        if c in documents]],
                "kwic": keyword_in_context(members.iloc[np.argsort(distances, kind="stable")], top.tolist(),
                                           width=width, limit=5),
                "outlets": share(members["outlet"]) if "outlet" in members else None,
                "languages": share(members["language"]) if "language" in members else None}


def _label_terms(terms: pd.DataFrame, cluster: int, n: int = 4) -> str:
    top = terms[(terms["cluster"] == cluster) & (terms["language"] == "all")]["term"].head(n)
    return " · ".join(top)


def cluster_corpus(corpus: pd.DataFrame, *, n_clusters="auto", ks=range(10, 41, 5), method="kmeans",
                   vectorizer=None, n_components=100, stability_runs=3, random_state=0) -> ClusterResult:
    """Vectorise, pick k (when ``"auto"``), cluster, label, and test stability, in one call.

    Parameters
    ----------
    corpus : corpus table (title, lead, text, language, and doc_id/outlet/published when present)
    n_clusters : int or "auto", default="auto"
        "auto": the k with the best silhouette in ``ks`` (see :func:`choose_n_clusters`).
    method : see :class:`StoryClusterer`.
    vectorizer : transformer, optional
        Default: :class:`analysis.vectorize.TextVectorizer` with its defaults.
    stability_runs : int, default=3
        Seed refits and as many bootstrap refits; 0 skips the stability report.
    random_state : int, default=0
    """
    from .vectorize import TextVectorizer

    if len(corpus) < 3:
        raise ValueError(f"clustering needs at least 3 documents, got {len(corpus)}")
    vectorizer = TextVectorizer() if vectorizer is None else clone(vectorizer)
    X = vectorizer.fit_transform(corpus)
    k_table = None
    if n_clusters == "auto":
        k_table = choose_n_clusters(X, ks, n_components=n_components, random_state=random_state)
        n_clusters = int(k_table.loc[k_table["best"], "k"].iloc[0])
    clusterer = StoryClusterer(n_clusters=n_clusters, method=method, n_components=n_components,
                               random_state=random_state).fit(X)
    labels, distances = clusterer.labels_, clusterer.distances_
    languages = corpus["language"].to_numpy() if "language" in corpus else None
    terms = cluster_terms(X, labels, vectorizer.get_feature_names_out(), languages=languages)
    representatives = representative_documents(corpus, labels, distances, n=3)
    stability = (cluster_stability(X, clusterer, n_seeds=stability_runs, n_bootstrap=stability_runs,
                                   random_state=random_state) if stability_runs else None)
    summary = summarise_clusters(corpus, labels, distances, terms, representatives, stability)
    return ClusterResult(labels=labels, distances=distances, summary=summary, terms=terms,
                         representatives=representatives, stability=stability, k_table=k_table,
                         clusterer=clusterer, vectorizer=vectorizer, matrix=X)


def _composition(values: pd.Series, top: int = 3) -> str:
    counts = values.fillna("unknown").astype(str).value_counts()
    return ", ".join(f"{k} {v / counts.sum():.0%}" for k, v in counts.head(top).items())


def summarise_clusters(corpus, labels, distances, terms, representatives, stability=None) -> pd.DataFrame:
    """One row per cluster: size, share, label terms, headline, languages, outlets, stability."""
    frame = corpus.reset_index(drop=True).assign(cluster=np.asarray(labels), distance=np.asarray(distances))
    rows = []
    for c, members in frame.groupby("cluster", sort=True):
        head = representatives[representatives["cluster"] == c]
        row = {"cluster": int(c), "size": len(members), "share": len(members) / len(frame),
               "label": "noise (HDBSCAN)" if c == NOISE else _label_terms(terms, c),
               "headline": head["title"].iloc[0] if len(head) and "title" in head else "",
               "mean_distance": float(members["distance"].mean()),
               "languages": _composition(members["language"]) if "language" in members else "",
               "n_outlets": int(members["outlet"].nunique()) if "outlet" in members else 0,
               "outlets": _composition(members["outlet"]) if "outlet" in members else ""}
        if "published" in members:
            dated = pd.to_datetime(members["published"], utc=True).dropna()
            row["first"], row["peak_day"] = (dated.min(), dated.dt.floor("D").mode().iloc[0]) if len(dated) else (pd.NaT, pd.NaT)
        rows.append(row)
    summary = pd.DataFrame(rows)
    if stability is not None:
        summary = summary.merge(stability.clusters[["cluster", "stability", "verdict"]], on="cluster", how="left")
    return summary.sort_values(["size", "cluster"], ascending=[False, True], kind="stable").reset_index(drop=True)


def agreement_with_truth(labels, truth, *, mask=None) -> dict:
    """ARI and NMI of a clustering against known labels (e.g. the demo's ``truth_story``)."""
    labels, truth = np.asarray(labels), np.asarray(truth)
    if mask is not None:
        labels, truth = labels[np.asarray(mask)], truth[np.asarray(mask)]
    return {"ari": float(adjusted_rand_score(truth, labels)),
            "nmi": float(normalized_mutual_info_score(truth, labels)), "n": int(len(labels))}


@dataclass
class StreamResult:
    """Labels of a corpus clustered chunk by chunk (:func:`cluster_stream`)."""

    labels: np.ndarray
    distances: np.ndarray
    cluster_centers: np.ndarray
    n_documents: int
    svd_sample: int


def cluster_stream(chunks, *, n_clusters=30, n_features=2**20, n_components=100, svd_sample=50_000,
                   body_weight=0.0, random_state=0, progress=None) -> StreamResult:
    """Vectorise and cluster a corpus too large for memory, one chunk at a time.

    Each chunk (a corpus table) is tokenised once into hashed counts (sparse, a few dozen
    numbers per document); the IDF is learnt as chunks arrive; the LSA is fitted on a seeded
    random sample of ``svd_sample`` documents; every document is projected to ``n_components``
    float32 numbers; mini-batch k-means clusters them. No dense document-term matrix exists
    at any point: memory is about ``n_documents * (n_components * 4 + 12 * tokens)`` bytes.

    Parameters
    ----------
    chunks : iterable of DataFrame
        For instance ``analysis.demo.iter_demo_records`` through ``standardise``, or
        ``CorpusStore.read`` month by month.
    n_clusters, n_components, random_state : as :class:`StoryClusterer`.
    n_features : int, default=2**20
        Hashing width.
    svd_sample : int, default=50_000
    progress : callable, optional
        Called with the number of documents done after each chunk.

    Examples
    --------
    >>> from analysis.demo import load_demo
    >>> demo = load_demo(600)  # SIMULATED
    >>> result = cluster_stream([demo.iloc[:300], demo.iloc[300:]], n_clusters=10, n_features=2**16)
    >>> result.labels.shape, result.n_documents
    ((600,), 600)
    """
    from sklearn.cluster import MiniBatchKMeans

    from .vectorize import HashingTextVectorizer, kiwi_session

    vectorizer = HashingTextVectorizer(n_features=n_features, body_weight=body_weight)
    counts, done = [], 0
    with kiwi_session():  # Kiwi loads once for the whole stream, not once per chunk
        for chunk in chunks:
            chunk_counts = vectorizer.count_fields(chunk)
            vectorizer.partial_fit(None, counts=chunk_counts)
            counts.append(chunk_counts)
            done += chunk_counts[0].shape[0]
            if progress is not None:
                progress(done)
    if done < 3:
        raise ValueError(f"clustering needs at least 3 documents, got {done}")
    # keep the hashed features seen in 2 documents or more and in at most half of them (as the
    # in-memory vectoriser's min_df=2, max_df=0.5): the LSA then works on the real vocabulary,
    # not on 2**20 mostly empty columns
    frequency = vectorizer.document_frequency_
    kept = np.flatnonzero((frequency >= 2) & (frequency <= 0.5 * done))
    if len(kept) < 2:
        raise ValueError("fewer than 2 terms occur in 2 or more documents: nothing to cluster on")
    weighted = []
    while counts:  # weight chunk by chunk, freeing the raw counts as we go
        weighted.append(normalize(vectorizer.weight_counts(counts.pop(0))[:, kept]))
    X = sparse.vstack(weighted, format="csr")
    del weighted
    rng = np.random.default_rng(random_state)
    sample = np.sort(rng.choice(done, size=min(svd_sample, done), replace=False))
    components = max(1, min(int(n_components), len(sample) - 1))
    svd = TruncatedSVD(n_components=components, random_state=random_state).fit(X[sample])
    embedding = np.empty((done, components), dtype=np.float32)
    step = 100_000
    for start in range(0, done, step):
        embedding[start:start + step] = normalize(svd.transform(X[start:start + step]))
    del X
    model = MiniBatchKMeans(n_clusters=int(n_clusters), batch_size=4096, n_init=1, random_state=random_state,
                            init_size=min(done, max(3 * int(n_clusters), 20_000))).fit(embedding)
    labels = _relabel_by_size(model.labels_)
    centres = _centres(embedding, labels, int(labels.max()) + 1)
    similarity = np.einsum("ij,ij->i", embedding, centres[labels])
    return StreamResult(labels=labels, distances=np.clip(1.0 - similarity, 0.0, 2.0), cluster_centers=centres,
                        n_documents=done, svd_sample=len(sample))


def document_map(embedding: np.ndarray, labels, *, random_state=0, max_points: int | None = 20_000) -> pd.DataFrame:
    """Two map coordinates per document (PCA of the unit-length LSA vectors), with its cluster.

    A seeded sample of at most ``max_points`` documents keeps the scatter readable and quick.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> table = document_map(rng.normal(size=(50, 5)), np.arange(50) % 3)
    >>> table.columns.tolist(), len(table)
    (['row', 'x', 'y', 'cluster'], 50)
    """
    from sklearn.decomposition import PCA

    embedding = np.asarray(embedding)
    labels = np.asarray(labels)
    rows = np.arange(len(labels))
    if max_points is not None and len(rows) > max_points:
        rows = np.sort(np.random.default_rng(random_state).choice(rows, size=max_points, replace=False))
    points = PCA(n_components=2, random_state=random_state).fit_transform(embedding[rows])
    return pd.DataFrame({"row": rows, "x": points[:, 0], "y": points[:, 1], "cluster": labels[rows]})
