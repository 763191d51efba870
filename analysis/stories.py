"""Describe and run clusterings: top terms, central documents, summaries, the all-in-one run.

:mod:`analysis.cluster` fits the clusters; this module says what they are about, in tables a
researcher reads::

    terms = cluster_terms(X, labels, feature_names, languages=corpus["language"])
    terms = label_terms(terms, corpus, labels, distances)           # + the words behind the stems
    shared = shared_top_terms(X, labels, feature_names, terms)      # top terms each document holds
    representatives = representative_documents(corpus, labels, distances, shared=shared)
    summary = summarise_clusters(corpus, labels, distances, terms, representatives, stability, shared=shared)
    points = document_map(clusterer.embedding_, labels)      # two coordinates per document

or all at once with :func:`cluster_corpus`, whose :class:`ClusterResult` also drills into one
cluster and writes every table to a folder. :func:`cluster_stream` clusters a corpus too large
for memory, chunk by chunk. Clusters over time: :func:`analysis.timeseries.clusters_over_time`.

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

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.base import clone
from sklearn.decomposition import TruncatedSVD
from sklearn.preprocessing import normalize

from .cluster import (NOISE, StabilityReport, StoryClusterer, choose_n_clusters, cluster_centres, cluster_stability,
                      relabel_by_size)
from .kwic import keyword_in_context
from .timeseries import clusters_over_time


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


#: A cluster's core: its documents sharing at least CORE_MIN_SHARED of its CORE_TERMS top terms.
CORE_TERMS, CORE_MIN_SHARED = 5, 2
#: Terms in a label; languages with at least this share of a cluster get a label of their own.
LABEL_TERMS, LABEL_LANGUAGE_SHARE = 4, 0.2


def shared_top_terms(X, labels, feature_names, terms, *, top_n=CORE_TERMS) -> np.ndarray:
    """For every document, how many of its cluster's ``top_n`` overall top terms it contains.

    Examples
    --------
    >>> from scipy import sparse
    >>> X = sparse.csr_matrix(np.array([[1, 1, 0], [1, 0, 0], [0, 0, 1]]))
    >>> terms = pd.DataFrame({"cluster": [0, 0], "language": "all", "term": ["a", "b"]})
    >>> shared_top_terms(X, [0, 0, 0], ["a", "b", "c"], terms).tolist()
    [2, 1, 0]
    """
    X = sparse.csr_matrix(X)
    labels = np.asarray(labels)
    column = {t: i for i, t in enumerate(np.asarray(feature_names, dtype=object))}
    shared = np.zeros(len(labels), dtype=np.int64)
    overall = terms[terms["language"] == "all"]
    for c, rows in overall.groupby("cluster"):
        columns = [column[t] for t in rows["term"].head(top_n) if t in column]
        members = np.flatnonzero(labels == c)
        if columns and len(members):
            shared[members] = np.asarray((X[members][:, columns] > 0).sum(axis=1)).ravel()
    return shared


def representative_documents(corpus: pd.DataFrame, labels, distances, *, n=3, shared=None) -> pd.DataFrame:
    """The ``n`` documents of each cluster's core nearest its centre (columns: cluster, rank, distance, ...).

    ``shared``: :func:`shared_top_terms` of every document. When given, only the cluster's core
    are candidates: the documents sharing at least :data:`CORE_MIN_SHARED` of its top terms (or, in
    a cluster where none does, those sharing the most), so a member near the centre that shares
    none of the cluster's words (an off-topic member) is never its headline. Without it, the
    nearest documents.
    """
    frame = corpus.reset_index(drop=True).assign(cluster=np.asarray(labels), distance=np.asarray(distances))
    if shared is not None:
        frame["shared_terms"] = np.asarray(shared)
        best = frame.groupby("cluster")["shared_terms"].transform("max")
        frame = frame[frame["shared_terms"] >= np.minimum(best, CORE_MIN_SHARED)]
    frame = frame[frame["cluster"] >= 0].sort_values(["cluster", "distance"], kind="stable")
    top = frame.groupby("cluster", sort=True).head(n).copy()
    top["rank"] = top.groupby("cluster").cumcount() + 1
    columns = ["cluster", "rank", "distance"] + [c for c in ("shared_terms", "doc_id", "published", "outlet",
                                                             "language", "title") if c in top]
    return top[columns].reset_index(drop=True)


def _head_texts(frame: pd.DataFrame, limit: int = 1500) -> list[str]:
    """Title, lead and the start of the text of each document: where a label's words are read."""
    parts = [frame[c].fillna("").astype(str) if c in frame else pd.Series("", index=frame.index)
             for c in ("title", "lead", "text")]
    return [f"{t}\n{lead}\n{text[:limit]}" for t, lead, text in zip(*parts)]


def label_terms(terms: pd.DataFrame, corpus: pd.DataFrame, labels, distances=None, *, glossary=None,
                max_docs: int = 50, top_n: int = LABEL_TERMS + 2) -> pd.DataFrame:
    """``terms`` with a ``surface`` column: each term as a reader knows it (:func:`analysis.kwic.surface_form`).

    A language's rows are read in that language's documents of the cluster; the overall rows
    ("all") in the cluster's languages, the most common first (a stem in the first language whose
    documents contain it; ``@`` tokens in the most common language). At most ``max_docs``
    documents per cluster and language are read (their first 600 characters), the nearest the
    centre first when ``distances`` is given; only the ``top_n`` first terms of each row group get
    a surface (the others: empty), which keeps labelling under a second per thousand documents.

    Examples
    --------
    >>> docs = pd.DataFrame({"title": ["The clauses of the treaty", "A clause"], "language": ["en", "en"]})
    >>> terms = pd.DataFrame({"cluster": [0, 0], "language": ["all", "en"], "rank": [1, 1],
    ...                       "term": ["claus", "@TREATY"], "weight": [1.0, 0.5]})
    >>> label_terms(terms, docs, [0, 0])["surface"].tolist()
    ['clause', 'treaty']
    """
    from .kwic import surface_form

    frame = corpus.reset_index(drop=True)
    order = np.argsort(np.asarray(distances), kind="stable") if distances is not None else np.arange(len(frame))
    frame = frame.iloc[order].assign(cluster=np.asarray(labels)[order])
    languages = frame["language"].fillna("und").astype(str) if "language" in frame else pd.Series("und", frame.index)
    texts = {}  # (cluster, language) -> head texts, the nearest first
    for (c, lang), rows in frame.groupby([frame["cluster"], languages], sort=False):
        texts[(c, lang)] = _head_texts(rows.head(max_docs), limit=600)
    by_size = languages.groupby(frame["cluster"]).value_counts()
    surfaces = []
    for row in terms.itertuples(index=False):
        if "rank" in terms and row.rank > top_n:
            surfaces.append(None)
            continue
        if row.language != "all":
            surfaces.append(surface_form(row.term, texts.get((row.cluster, row.language), []),
                                         None if row.language == "und" else row.language, glossary=glossary))
            continue
        ranked = list(by_size[row.cluster].index) if row.cluster in by_size.index else ["und"]
        tried = ranked if not row.term.startswith("@") else ranked[:1]
        found = (surface_form(row.term, texts.get((row.cluster, lang), []), None if lang == "und" else lang,
                              glossary=glossary, fallback=False) for lang in tried)
        surfaces.append(next((f for f in found if f is not None), None)
                        or surface_form(row.term, [], None if ranked[0] == "und" else ranked[0], glossary=glossary))
    return terms.assign(surface=surfaces)


def _label_terms(terms: pd.DataFrame, cluster: int, language: str = "all", n: int = LABEL_TERMS) -> str:
    rows = terms[(terms["cluster"] == cluster) & (terms["language"] == language)]
    words = rows["surface"] if "surface" in rows else rows["term"]
    seen, kept = set(), []
    for word in words:  # one word twice ("Kim" from @KIM_JONG_UN and from kim) reads badly
        if isinstance(word, str) and word and word.casefold() not in seen:
            seen.add(word.casefold())
            kept.append(word)
    return " · ".join(kept[:n])


def _labels_by_language(terms: pd.DataFrame, cluster: int, languages: pd.Series) -> str:
    """``"en: ... | pl: ..."``: a label per language holding at least LABEL_LANGUAGE_SHARE of the cluster."""
    shares = languages.fillna("und").astype(str).value_counts(normalize=True)
    main = [lang for lang, share in shares.items() if share >= LABEL_LANGUAGE_SHARE]
    labels = [(lang, _label_terms(terms, cluster, lang)) for lang in main]
    return " | ".join(f"{lang}: {label}" for lang, label in labels if label)


def _composition(values: pd.Series, top: int = 3) -> str:
    counts = values.fillna("unknown").astype(str).value_counts()
    return ", ".join(f"{k} {v / counts.sum():.0%}" for k, v in counts.head(top).items())


def summarise_clusters(corpus, labels, distances, terms, representatives, stability=None, *,
                       shared=None) -> pd.DataFrame:
    """One row per cluster: size, share, labels, headline, coherence, languages, outlets, stability.

    ``label`` is the cluster's top terms as words (``surface`` of ``terms`` when
    :func:`label_terms` added it), ``labels`` one such label per language holding at least
    :data:`LABEL_LANGUAGE_SHARE` of the cluster (``"en: ... | pl: ..."``), ``headline`` the title of
    its first representative (from the core when ``representatives`` was made with ``shared``).
    Two coherence figures: ``coherence``, the mean cosine similarity of the documents to the
    centre in the LSA space (1 = all alike; 1 - ``mean_distance``), and ``core_share``, the share
    of its documents holding at least :data:`CORE_MIN_SHARED` of its top :data:`CORE_TERMS` terms
    (from ``shared``, :func:`shared_top_terms`; NaN without it): a cluster whose documents share
    few of its own top words is a catch-all, whatever its coherence.
    """
    frame = corpus.reset_index(drop=True).assign(cluster=np.asarray(labels), distance=np.asarray(distances))
    frame["_core"] = np.asarray(shared) >= CORE_MIN_SHARED if shared is not None else np.nan
    rows = []
    for c, members in frame.groupby("cluster", sort=True):
        head = representatives[representatives["cluster"] == c]
        noise = c == NOISE
        row = {"cluster": int(c), "size": len(members), "share": len(members) / len(frame),
               "label": "noise (HDBSCAN)" if noise else _label_terms(terms, c),
               "labels": "" if noise or "language" not in members else _labels_by_language(terms, c, members["language"]),
               "headline": head["title"].iloc[0] if len(head) and "title" in head else "",
               "coherence": float(1.0 - members["distance"].mean()),
               "core_share": float(members["_core"].astype(float).mean()),
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

    def write(self, folder, corpus: pd.DataFrame, *, freq: str = "W") -> Path:
        """Write every table as a CSV file in ``folder`` (created when missing); returns the folder.

        ``clusters.csv`` (the summary), ``assignments.csv``, ``cluster_terms.csv``,
        ``representatives.csv``; ``k_selection.csv`` when k was chosen; ``stability.csv`` and
        ``stability_runs.csv`` when stability was tested; ``clusters_over_time.csv`` (periods of
        ``freq``) when ``corpus`` has dates. ``corpus`` is the one that was clustered.

        Examples
        --------
        >>> import tempfile
        >>> from analysis.demo import load_demo
        >>> demo = load_demo(300)  # SIMULATED
        >>> folder = cluster_corpus(demo, n_clusters=6, stability_runs=0).write(tempfile.mkdtemp(), demo)
        >>> sorted(p.name for p in folder.iterdir())
        ['assignments.csv', 'cluster_terms.csv', 'clusters.csv', 'clusters_over_time.csv', 'representatives.csv']
        """
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        tables = {"clusters": self.summary, "assignments": self.assignments(corpus), "cluster_terms": self.terms,
                  "representatives": self.representatives, "k_selection": self.k_table}
        if self.stability is not None:
            tables.update(stability=self.stability.clusters, stability_runs=self.stability.runs)
        if "published" in corpus and corpus["published"].notna().any():
            tables["clusters_over_time"] = clusters_over_time(corpus, self.labels, freq=freq)
        for name, table in tables.items():
            if table is not None:
                table.to_csv(folder / f"{name}.csv", index=False)
        return folder


def cluster_corpus(corpus: pd.DataFrame, *, n_clusters="auto", ks="auto", method="kmeans",
                   vectorizer=None, n_components=100, stability_runs=3, random_state=0) -> ClusterResult:
    """Vectorise, pick k (when ``"auto"``), cluster, label, and test stability, in one call.

    Parameters
    ----------
    corpus : corpus table (title, lead, text, language, and doc_id/outlet/published when present)
    n_clusters : int or "auto", default="auto"
        "auto": the k with the best silhouette in ``ks`` (see :func:`analysis.cluster.choose_n_clusters`).
    ks : "auto" or list of int, default="auto"
        The k tried by ``n_clusters="auto"``; "auto": a range scaled to the corpus,
        :func:`analysis.cluster.auto_k_range` (3..9 for 74 documents, 20..40 from 3,200).
    method : see :class:`analysis.cluster.StoryClusterer`.
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
    names = vectorizer.get_feature_names_out()
    terms = cluster_terms(X, labels, names, languages=languages)
    terms = label_terms(terms, corpus, labels, distances, glossary=getattr(vectorizer, "glossary", None))
    shared = shared_top_terms(X, labels, names, terms)
    representatives = representative_documents(corpus, labels, distances, n=3, shared=shared)
    stability = (cluster_stability(X, clusterer, n_seeds=stability_runs, n_bootstrap=stability_runs,
                                   random_state=random_state) if stability_runs else None)
    summary = summarise_clusters(corpus, labels, distances, terms, representatives, stability, shared=shared)
    return ClusterResult(labels=labels, distances=distances, summary=summary, terms=terms,
                         representatives=representatives, stability=stability, k_table=k_table,
                         clusterer=clusterer, vectorizer=vectorizer, matrix=X)


@dataclass
class StreamResult:
    """Labels of a corpus clustered chunk by chunk (:func:`cluster_stream`)."""

    labels: np.ndarray
    distances: np.ndarray
    cluster_centers: np.ndarray
    n_documents: int
    svd_sample: int


def _hashed_tfidf(chunks, *, n_features, body_weight, progress) -> sparse.csr_matrix:
    """Unit-length TF-IDF rows of every document of ``chunks``, on the hashed features worth keeping."""
    from .parallel_tokens import kiwi_session
    from .vectorize import HashingTextVectorizer

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
    return sparse.vstack(weighted, format="csr")


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
    n_clusters, n_components, random_state : as :class:`analysis.cluster.StoryClusterer`.
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

    X = _hashed_tfidf(chunks, n_features=n_features, body_weight=body_weight, progress=progress)
    done = X.shape[0]
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
    labels = relabel_by_size(model.labels_)
    centres = cluster_centres(embedding, labels, int(labels.max()) + 1)
    similarity = np.einsum("ij,ij->i", embedding, centres[labels])
    return StreamResult(labels=labels, distances=np.clip(1.0 - similarity, 0.0, 2.0), cluster_centers=centres,
                        n_documents=done, svd_sample=len(sample))
