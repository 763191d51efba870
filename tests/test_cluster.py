"""Clustering: the estimator contract, determinism across processes, the choice of k, stability."""
from __future__ import annotations

import json
import pickle
import subprocess
import sys

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.pipeline import make_pipeline

from analysis.cluster import (StoryClusterer, agreement_with_truth, best_match_jaccard, choose_n_clusters,
                              cluster_stability, relabel_by_size)
from analysis.demo import load_demo
from analysis.vectorize import TextVectorizer


@pytest.fixture(scope="module")
def demo():
    return load_demo(4000, random_state=0)  # SIMULATED


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


def test_k_table(small_matrix):
    table = choose_n_clusters(small_matrix, [4, 8, 12, 10000])
    assert table["k"].tolist() == [4, 8, 12]  # impossible k are left out
    assert table["best"].sum() == 1
    assert table.loc[table["best"], "silhouette"].iloc[0] == table["silhouette"].max()
    with pytest.raises(ValueError, match="no k"):
        choose_n_clusters(small_matrix, [1])


def test_best_match_jaccard_and_a_deliberately_unstable_clustering(small_matrix):
    assert best_match_jaccard([0, 0, 1, 1], [3, 3, 4, 4]) == {0: 1.0, 1: 1.0}
    # 60 clusters on 400 documents cannot all be real: the report must say so
    report = cluster_stability(small_matrix, StoryClusterer(n_clusters=60).fit(small_matrix), n_seeds=2, n_bootstrap=2)
    assert len(report.unstable) > 0


def test_ids_are_ordered_by_size_and_noise_stays_noise():
    assert relabel_by_size([5, 5, 2, -1, 2, 2, 9]).tolist() == [1, 1, 0, -1, 0, 0, 2]
    assert relabel_by_size([4, 3]).tolist() == [0, 1]  # a tie: the cluster seen first comes first


def test_agreement_with_truth_reads_only_the_masked_documents():
    perfect = agreement_with_truth([0, 0, 1, 1, 0], ["a", "a", "b", "b", "b"], mask=[True, True, True, True, False])
    assert perfect == {"ari": 1.0, "nmi": 1.0, "n": 4}
