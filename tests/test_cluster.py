"""Clustering: the estimator contract, determinism across processes, recovery of the demo's planted stories."""
from __future__ import annotations

import json
import pickle
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.pipeline import make_pipeline

from analysis.cluster import (StoryClusterer, agreement_with_truth, best_match_jaccard, choose_n_clusters,
                              cluster_corpus, cluster_stability, cluster_stream, cluster_terms, clusters_over_time,
                              keyword_in_context, representative_documents)
from analysis.demo import demo_events, load_demo
from analysis.vectorize import TextVectorizer


@pytest.fixture(scope="module")
def demo():
    return load_demo(4000, random_state=0)  # SIMULATED


@pytest.fixture(scope="module")
def result(demo):
    return cluster_corpus(demo, n_clusters=30, stability_runs=2)


@pytest.fixture(scope="module")
def small():
    return load_demo(400, random_state=3)  # SIMULATED


@pytest.fixture(scope="module")
def small_matrix(small):
    return TextVectorizer().fit_transform(small)


@pytest.mark.parametrize("method", ["kmeans", "minibatch", "agglomerative", "hdbscan"])
def test_estimator_contract(small_matrix, method):
    clusterer = StoryClusterer(n_clusters=8, method=method, min_cluster_size=5)
    assert clone(clusterer).get_params() == clusterer.get_params()
    with pytest.raises(NotFittedError):
        clusterer.predict(small_matrix)
    assert clusterer.fit(small_matrix) is clusterer
    labels = clusterer.labels_
    assert len(labels) == small_matrix.shape[0]
    assert clusterer.distances_.shape == labels.shape
    assert np.isnan(clusterer.distances_[labels < 0]).all() and (clusterer.distances_[labels >= 0] >= 0).all()
    sizes = np.bincount(labels[labels >= 0])
    assert (np.diff(sizes) <= 0).all()  # cluster 0 is the largest
    if method != "hdbscan":
        assert clusterer.n_clusters_ == 8
    assert clusterer.transform(small_matrix).shape == (small_matrix.shape[0], clusterer.svd_.n_components)
    assert len(clusterer.get_feature_names_out()) == clusterer.svd_.n_components
    restored = pickle.loads(pickle.dumps(clusterer))
    assert (restored.predict(small_matrix) == clusterer.predict(small_matrix)).all()


def test_pipeline_round_trip(small):
    pipe = make_pipeline(TextVectorizer(), StoryClusterer(n_clusters=6))
    labels = pipe.fit_predict(small)
    assert len(set(labels)) == 6
    # new documents go to the nearest centre; the training documents mostly keep their cluster
    assert (pipe.predict(small) == labels).mean() > 0.9


def test_bad_parameters_say_what_is_wrong(small_matrix):
    with pytest.raises(ValueError, match="method must be one of"):
        StoryClusterer(method="bertopic").fit(small_matrix)
    with pytest.raises(ValueError, match="n_clusters=5000"):
        StoryClusterer(n_clusters=5000).fit(small_matrix)


def test_same_seed_same_assignments_across_processes(small, small_matrix):
    here = StoryClusterer(n_clusters=10, random_state=7).fit(small_matrix).labels_
    code = ("import json; from analysis.demo import load_demo; from analysis.vectorize import TextVectorizer;"
            "from analysis.cluster import StoryClusterer;"
            "X = TextVectorizer().fit_transform(load_demo(400, random_state=3));"
            "print(json.dumps(StoryClusterer(n_clusters=10, random_state=7).fit(X).labels_.tolist()))")
    there = json.loads(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout)
    assert here.tolist() == there


def test_kmeans_seeds_are_scikit_learns(demo):
    from sklearn.cluster import KMeans, kmeans_plusplus

    from analysis.cluster import _kmeans_plusplus

    embedding = StoryClusterer(n_clusters=2).fit(TextVectorizer().fit_transform(demo)).embedding_
    for k, seed in [(30, 0), (12, 5)]:
        theirs, chosen = kmeans_plusplus(embedding, k, random_state=np.random.RandomState(seed))
        ours = _kmeans_plusplus(embedding, k, np.random.RandomState(seed))
        assert len(set(chosen.tolist())) == k
        assert np.array_equal(ours, theirs)  # the same documents chosen, in the same order
        assert np.array_equal(KMeans(k, init=_kmeans_plusplus, n_init=1, random_state=seed).fit_predict(embedding),
                              KMeans(k, n_init=1, random_state=seed).fit_predict(embedding))


def test_cluster_stream_recovers_the_planted_stories_chunk_by_chunk():
    demo = load_demo(12_000, random_state=1)  # SIMULATED
    chunks = [demo.iloc[:6000], demo.iloc[6000:]]  # each large enough to be tokenised by forked workers
    first = cluster_stream(iter(chunks), n_clusters=30, random_state=0)
    again = cluster_stream(iter(chunks), n_clusters=30, random_state=0)  # Kiwi's analyses are known now
    assert first.n_documents == len(demo) and np.array_equal(first.labels, again.labels)
    planted = demo["truth_event"].fillna("").ne("").to_numpy()
    assert agreement_with_truth(first.labels, demo["truth_story"], mask=planted)["ari"] >= 0.8
    assert ((first.distances >= 0) & (first.distances <= 2)).all()


def test_planted_stories_are_recovered_across_languages(demo, result):
    planted = demo["truth_event"].fillna("").ne("").to_numpy()
    agreement = agreement_with_truth(result.labels, demo["truth_story"], mask=planted)
    assert agreement["ari"] >= 0.8, agreement
    # clusters are multilingual: the treaty signing is one cluster in all four languages
    treaty = demo["truth_story"].eq("treaty_signed").to_numpy()
    main = pd.Series(result.labels[treaty]).mode().iloc[0]
    languages = set(demo.loc[treaty & (result.labels == main), "language"])
    assert languages == {"en", "id", "ru", "ko"}


def test_the_concept_bridge_is_what_joins_languages(demo):
    planted = demo["truth_event"].fillna("").ne("").to_numpy()
    bridged = cluster_corpus(demo, n_clusters=30, stability_runs=0)
    plain = cluster_corpus(demo, n_clusters=30, stability_runs=0, vectorizer=TextVectorizer(concept_bridge=False))
    with_bridge = agreement_with_truth(bridged.labels, demo["truth_story"], mask=planted)["ari"]
    without = agreement_with_truth(plain.labels, demo["truth_story"], mask=planted)["ari"]
    assert with_bridge > without + 0.2


def test_k_table(small_matrix):
    table = choose_n_clusters(small_matrix, [4, 8, 12, 10000])
    assert table["k"].tolist() == [4, 8, 12]  # impossible k are left out
    assert table["best"].sum() == 1
    assert table.loc[table["best"], "silhouette"].iloc[0] == table["silhouette"].max()
    with pytest.raises(ValueError, match="no k"):
        choose_n_clusters(small_matrix, [1])


def test_labels_per_language_come_from_that_language(demo, result):
    terms = result.terms
    treaty = pd.Series(result.labels[demo["truth_story"].eq("treaty_signed").to_numpy()]).mode().iloc[0]
    korean = terms[(terms["cluster"] == treaty) & (terms["language"] == "ko")]["term"]
    assert korean.str.contains("[가-힣]|^@", regex=True).all() and len(korean) > 0
    overall = terms[(terms["cluster"] == treaty) & (terms["language"] == "all")]["term"].head(5).tolist()
    assert "@SIGN" in overall or "@TREATY" in overall or "@MUTUAL_ASSISTANCE" in overall


def test_cluster_terms_weights_favour_distinctive_terms():
    from scipy import sparse

    X = sparse.csr_matrix(np.array([[1, 1, 0], [1, 1, 0], [1, 0, 1], [1, 0, 1]], dtype=float))
    terms = cluster_terms(X, [0, 0, 1, 1], ["common", "alpha", "beta"], top_n=1)
    assert terms.set_index("cluster")["term"].to_dict() == {0: "alpha", 1: "beta"}


def test_representatives_are_the_nearest_documents(demo, result):
    reps = result.representatives
    for cluster, rows in reps.groupby("cluster"):
        members = result.distances[result.labels == cluster]
        assert rows["distance"].iloc[0] == pytest.approx(members.min())
        assert rows["distance"].is_monotonic_increasing


def test_stability_report(result):
    report = result.stability
    assert set(report.runs["kind"]) == {"seed", "bootstrap"}
    assert report.clusters["stability"].between(0, 1).all()
    assert set(report.clusters["verdict"]) <= {"stable", "moderate", "unstable"}
    assert 0 < report.mean_ari <= 1
    assert "verdict" in result.summary and result.summary["verdict"].notna().all()


def test_best_match_jaccard_and_a_deliberately_unstable_clustering(small_matrix):
    assert best_match_jaccard([0, 0, 1, 1], [3, 3, 4, 4]) == {0: 1.0, 1: 1.0}
    # 60 clusters on 400 documents cannot all be real: the report must say so
    report = cluster_stability(small_matrix, StoryClusterer(n_clusters=60).fit(small_matrix), n_seeds=2, n_bootstrap=2)
    assert len(report.unstable) > 0


def test_clusters_over_time_counts_shares_partial_periods_and_events(demo, result):
    events = demo_events()
    table = clusters_over_time(demo, result.labels, freq="W", events=events)
    dated = demo["published"].notna().sum()
    assert table["n"].sum() == dated and table.attrs["undated"] == len(demo) - dated
    per_period = table.groupby("period_start")["share"].sum()
    assert np.allclose(per_period[per_period > 0], 1.0)
    assert table["partial"].iloc[0] and table["partial"].iloc[-1]
    assert not table.loc[table["period_start"] == table["period_start"].unique()[5], "partial"].any()
    signing = table[table["events"].str.contains("sign a partnership treaty")]
    assert signing["period_start"].nunique() == 1
    assert signing["period_start"].iloc[0] <= pd.Timestamp("2024-06-19") <= signing["period_end"].iloc[0]


def test_clusters_over_time_per_outlet_denominators(demo, result):
    table = clusters_over_time(demo, result.labels, freq="M", by="outlet")
    some = table[table["total"] > 0].iloc[0]
    same = table[(table["period_start"] == some["period_start"]) & (table["outlet"] == some["outlet"])]
    assert same["n"].sum() == some["total"] and same["share"].sum() == pytest.approx(1.0)


def test_drilldown(demo, result):
    cluster = int(pd.Series(result.labels[demo["truth_story"].eq("duma_ratifies").to_numpy()]).mode().iloc[0])
    drill = result.drilldown(demo, cluster)
    assert len(drill["documents"]) == 5 and drill["documents"]["distance"].is_monotonic_increasing
    assert len(drill["kwic"]) > 0
    assert drill["kwic"].apply(lambda r: r["keyword"].strip() != "", axis=1).all()
    assert drill["outlets"]["n"].sum() == (result.labels == cluster).sum()
    assert drill["languages"]["share"].sum() == pytest.approx(1.0)


def test_kwic_finds_surface_forms_of_stems_and_concepts():
    docs = pd.DataFrame({"doc_id": ["a", "b"], "title": ["Duma meratifikasi perjanjian", "Госдума ратифицировала договор"],
                         "lead": ["", ""], "text": ["", ""], "language": ["id", "ru"]})
    kwic = keyword_in_context(docs, ["@RATIFY", "@TREATY"])
    assert sorted(kwic["keyword"].str.lower()) == ["perjanjian", "meratifikasi", "договор", "ратифицировала"] or \
        set(kwic["keyword"].str.lower()) == {"perjanjian", "meratifikasi", "договор", "ратифицировала"}


def test_assignments_table(demo, result):
    table = result.assignments(demo)
    assert table["doc_id"].tolist() == demo["doc_id"].tolist()
    assert table["cluster"].between(0, 29).all()


def test_representative_documents_keeps_noise_out():
    corpus = pd.DataFrame({"doc_id": list("abcd"), "title": list("ABCD")})
    reps = representative_documents(corpus, [0, -1, 0, 1], [0.3, np.nan, 0.1, 0.2], n=1)
    assert reps["doc_id"].tolist() == ["c", "d"]
