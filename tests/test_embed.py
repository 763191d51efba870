"""Optional dense embeddings: offline, from a model shipped in a package; skipped without the extra."""
from __future__ import annotations

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.pipeline import make_pipeline

from analysis.embed import SentenceEmbedder, embeddings_available

available, reason = embeddings_available()
pytestmark = pytest.mark.skipif(not available, reason=f"optional embeddings extra missing: {reason}")


@pytest.fixture(scope="module")
def docs():
    from analysis.demo import load_demo

    demo = load_demo(200, random_state=5)  # SIMULATED
    return demo[demo["language"] == "en"].head(40).reset_index(drop=True)


def test_embedder_contract_and_offline_loading(docs, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    embedder = SentenceEmbedder()
    assert clone(embedder).get_params() == embedder.get_params()
    with pytest.raises(NotFittedError):
        embedder.transform(docs)
    vectors = embedder.fit(docs).transform(docs)
    assert vectors.shape == (len(docs), 384) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    assert np.allclose(vectors, SentenceEmbedder().fit_transform(docs), atol=1e-5)  # deterministic
    assert len(embedder.get_feature_names_out()) == 384


def test_embeddings_place_the_same_story_closer(docs):
    from analysis.cluster import StoryClusterer

    vectors = SentenceEmbedder().fit_transform(docs)
    stories = docs["truth_story"].to_numpy()
    similarity = vectors @ vectors.T
    same = similarity[stories[:, None] == stories[None, :]].mean()
    different = similarity[stories[:, None] != stories[None, :]].mean()
    assert same > different + 0.2
    labels = make_pipeline(SentenceEmbedder(), StoryClusterer(n_clusters=5, n_components=20)).fit_predict(docs)
    assert len(set(labels)) == 5


def test_a_missing_model_package_says_what_to_install():
    ok, why = embeddings_available("no-such-model-package")
    assert not ok and "pip install no-such-model-package" in why
