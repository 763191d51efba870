"""Every estimator of the package on scikit-learn's contract, tested once.

The estimators are found by walking the package, so a new one fails
``test_every_estimator_is_listed`` until it has an entry in ``SPECS``. The generic
``check_estimator`` checks assume numeric input, so they run on :class:`StoryClusterer`
only; the text estimators are held to the same rules by the explicit tests below
(clone, get/set_params, an ``__init__`` that only stores, NotFittedError, ``fit``
returning ``self``, bad parameters refused at ``fit`` with a message naming the
parameter and what it allows, feature names, pickling).
"""
from __future__ import annotations

import importlib
import inspect
import pickle
import pkgutil
from dataclasses import dataclass, field
from typing import Callable

import numpy as np
import pandas as pd
import pytest
from scipy import sparse
from sklearn.base import BaseEstimator, clone
from sklearn.exceptions import NotFittedError
from sklearn.pipeline import make_pipeline
from sklearn.utils.estimator_checks import parametrize_with_checks

import analysis
from analysis.actors import ActorTagger
from analysis.attribution import SourceExtractor
from analysis.cluster import StoryClusterer
from analysis.demo import load_demo
from analysis.duplicates import NearDuplicateFinder
from analysis.embed import SentenceEmbedder, embeddings_available
from analysis.frame_classifier import FrameClassifier, frame_codes
from analysis.frames import FrameScorer
from analysis.relevance import RelevanceScorer
from analysis.vectorize import HashingTextVectorizer, TextVectorizer

EMBEDDINGS, WHY_NO_EMBEDDINGS = embeddings_available()


@dataclass
class Spec:
    """How to hold one estimator to the contract."""

    make: Callable[[], BaseEstimator]
    input: str = "corpus"  # "corpus": a corpus table; "matrix": TextVectorizer's document-term matrix
    fit_params: dict = field(default_factory=dict)  # smaller settings for the quick fits of this module
    before_fit: dict = field(default_factory=dict)  # method name -> call that needs a fitted estimator
    output: str | None = "transform"  # the method whose output a pickled copy must reproduce
    skip: str | None = None  # why the estimator cannot be fitted here
    target: Callable | None = None  # input -> the y that fit needs (supervised estimators)

    def fit(self, est, X):
        return est.fit(X) if self.target is None else est.fit(X, self.target(X))


def _calls(*names):
    return {name: (lambda est, X, name=name: getattr(est, name)(X)) for name in names}


def _feature_names(est, X):
    return est.get_feature_names_out()


SPECS = {
    "TextVectorizer": Spec(TextVectorizer, before_fit={**_calls("transform"), "get_feature_names_out": _feature_names}),
    "HashingTextVectorizer": Spec(
        HashingTextVectorizer, fit_params={"n_features": 2**12},
        before_fit={**_calls("transform"), "get_feature_names_out": _feature_names,
                    "weight_counts": lambda est, X: est.weight_counts((None, None))}),
    "StoryClusterer": Spec(StoryClusterer, input="matrix", fit_params={"n_clusters": 8},
                           before_fit={**_calls("transform", "predict"), "get_feature_names_out": _feature_names}),
    "ActorTagger": Spec(ActorTagger, before_fit={
        **_calls("transform", "mentions"), "get_feature_names_out": _feature_names,
        "find": lambda est, X: est.find("Putin in Pyongyang"), "count_one": lambda est, X: est.count_one("Putin")}),
    "RelevanceScorer": Spec(RelevanceScorer, output="explain", before_fit={
        **_calls("decision_function", "predict", "explain"), "score": lambda est, X: est.score(X, np.ones(len(X), bool))}),
    "NearDuplicateFinder": Spec(NearDuplicateFinder, before_fit=_calls("transform")),
    "FrameScorer": Spec(FrameScorer, before_fit={
        **_calls("transform", "evidence", "score_sentences", "assign"), "get_feature_names_out": _feature_names}),
    "SentenceEmbedder": Spec(SentenceEmbedder, before_fit={**_calls("transform"), "get_feature_names_out": _feature_names},
                             skip=None if EMBEDDINGS else f"optional embeddings extra missing: {WHY_NO_EMBEDDINGS}"),
    "SourceExtractor": Spec(SourceExtractor, output="attributions", before_fit={
        **_calls("attributions", "transform"), "get_feature_names_out": _feature_names}),
    "FrameClassifier": Spec(FrameClassifier, output="predict_proba", target=lambda X: frame_codes(X["truth_frames"]),
                            before_fit={**_calls("predict", "predict_proba", "decision_function", "transform"),
                                        "get_feature_names_out": _feature_names}),
}

#: One bad value per parameter that an estimator checks: (estimator, parameter, value, expected message).
BAD_PARAMETERS = [
    ("TextVectorizer", "analyzer", "bytes", r"analyzer must be 'words' or 'chars', not 'bytes'"),
    ("HashingTextVectorizer", "n_features", 0, r"n_features must be an integer >= 1, not 0"),
    ("TextVectorizer", "bridge_weight", 0, r"bridge_weight must be a number > 0, not 0"),
    ("HashingTextVectorizer", "bridge_weight", -1.0, r"bridge_weight must be a number > 0, not -1.0"),
    ("StoryClusterer", "method", "spectral",
     r"method must be one of kmeans, minibatch, agglomerative, hdbscan, not 'spectral'"),
    ("StoryClusterer", "n_clusters", 0, r"n_clusters=0 needs 1 <= n_clusters <= 300 documents"),
    ("ActorTagger", "fields", "title", r"fields must be a list or tuple of column names such as \('title', "),
    ("ActorTagger", "include_implied", "yes", r"include_implied must be True or False, not 'yes'"),
    ("RelevanceScorer", "actor_a", "XXX", r"actor_a='XXX' is an unknown actor; use one of the registry's ids: .*PRK"),
    ("RelevanceScorer", "threshold", 1.5, r"threshold must be a number between 0 and 1, not 1.5"),
    ("RelevanceScorer", "weights", {"titel": 0.9}, r"weights has unknown signals 'titel'; the signals are title, lead"),
    ("NearDuplicateFinder", "threshold", 0, r"threshold must be in \(0, 1\], got 0"),
    ("NearDuplicateFinder", "shingle_size", 0, r"shingle_size must be an integer >= 1, not 0"),
    ("NearDuplicateFinder", "num_perm", 2, r"num_perm=2 permutations are too few for threshold=0.6 .*default 128"),
    ("FrameScorer", "codebook", "no_such_book", r"no packaged codebook 'no_such_book'; use one of policy_frames, "),
    ("FrameScorer", "codebook", 5, r"codebook must be a packaged codebook's name \(policy_frames, russia_dprk, "),
    ("FrameScorer", "unit", "word", r"unit must be 'document' or 'sentence', not 'word'"),
    ("FrameScorer", "negation", "yes", r"negation must be True or False, not 'yes'"),
    ("FrameScorer", "quotes", "drop", r"quotes must be one of include, exclude, only, not 'drop'"),
    ("SourceExtractor", "n_jobs", 0, r"n_jobs must be None, -1 or an integer >= 1, not 0"),
    ("SourceExtractor", "fields", "text", r"fields must be a list or tuple of column names such as \('title', "),
    ("SentenceEmbedder", "batch_size", 0, r"batch_size must be an integer >= 1, not 0"),
    ("FrameClassifier", "calibration", "platt", r"calibration must be 'sigmoid', 'isotonic' or None, not 'platt'"),
    ("FrameClassifier", "threshold", 1.5, r"threshold must be a probability in \(0, 1\), 'f1' or 'youden', not 1.5"),
    ("FrameClassifier", "C", 0, r"C must be a number > 0, not 0"),
    ("FrameClassifier", "calibration_cv", 1, r"calibration_cv must be an integer >= 2, not 1"),
    ("FrameClassifier", "class_weight", "auto", r"class_weight must be 'balanced', None or a dict"),
    ("FrameClassifier", "vectorizer", "tfidf", r"vectorizer must be a transformer with fit_transform and transform"),
]


def discovered_estimators() -> dict[str, type]:
    """Every public BaseEstimator subclass defined in a module of the package."""
    found = {}
    for module_info in pkgutil.walk_packages(analysis.__path__, "analysis."):
        if module_info.name.endswith("__main__"):
            continue
        module = importlib.import_module(module_info.name)
        for name, obj in vars(module).items():
            if (inspect.isclass(obj) and issubclass(obj, BaseEstimator) and obj.__module__ == module.__name__
                    and not name.startswith("_")):
                found[name] = obj
    return found


@pytest.fixture(scope="module")
def demo():
    return load_demo(300)  # SIMULATED


@pytest.fixture(scope="module")
def inputs(demo):
    return {"corpus": demo, "matrix": TextVectorizer().fit_transform(demo)}


@pytest.fixture(scope="module")
def fitted(inputs):
    """Fit each estimator once: ``fitted(name)`` -> (estimator, what ``fit`` returned, its input)."""
    cache = {}

    def fit(name):
        spec = SPECS[name]
        if spec.skip:
            pytest.skip(spec.skip)
        if name not in cache:
            est = spec.make().set_params(**spec.fit_params)
            X = inputs[spec.input]
            cache[name] = est, spec.fit(est, X), X
        return cache[name]

    return fit


def test_every_estimator_is_listed():
    assert set(discovered_estimators()) == set(SPECS)
    assert {name for name, *_ in BAD_PARAMETERS} == set(SPECS)  # every estimator refuses a bad value


@pytest.mark.parametrize("name", SPECS)
def test_init_only_stores_its_parameters(name):
    est = SPECS[name].make()
    signature = inspect.signature(type(est).__init__)
    parameters = {k: p.default for k, p in signature.parameters.items() if k != "self"}
    assert vars(est).keys() == parameters.keys()
    assert all(vars(est)[k] is default for k, default in parameters.items())


@pytest.mark.parametrize("name", SPECS)
def test_clone_gives_equal_parameters_and_an_unfitted_copy(name):
    est = SPECS[name].make().set_params(**SPECS[name].fit_params)
    copy = clone(est)
    assert copy is not est and copy.get_params() == est.get_params()


@pytest.mark.parametrize("name", SPECS)
def test_get_params_and_set_params_round_trip(name):
    est = SPECS[name].make()
    params = est.get_params()
    other = type(est)()
    assert other.set_params(**params) is other and other.get_params() == params
    key = sorted(params)[0]
    assert est.set_params(**{key: "changed"}).get_params()[key] == "changed"


@pytest.mark.parametrize("name, method", [(name, method) for name, spec in SPECS.items() for method in spec.before_fit])
def test_not_fitted_error_before_fit(name, method, inputs):
    spec = SPECS[name]
    with pytest.raises(NotFittedError):
        spec.before_fit[method](spec.make(), inputs[spec.input])


@pytest.mark.parametrize("name", SPECS)
def test_fit_returns_self(name, fitted):
    est, returned, _ = fitted(name)
    assert returned is est


@pytest.mark.parametrize("name, parameter, value, message", BAD_PARAMETERS)
def test_bad_parameter_is_refused_at_fit_not_at_init(name, parameter, value, message, inputs):
    spec = SPECS[name]
    est = spec.make().set_params(**{parameter: value})  # no validation before fit
    assert getattr(type(est)(**{parameter: value}), parameter) is value
    with pytest.raises(ValueError, match=message):
        spec.fit(est, inputs[spec.input])


@pytest.mark.parametrize("name", [n for n, spec in SPECS.items() if spec.before_fit.get("get_feature_names_out")])
def test_feature_names_match_the_columns(name, fitted):
    est, _, X = fitted(name)
    names = est.get_feature_names_out()
    assert names.dtype == object and len(names) == est.transform(X).shape[1] == len(set(names))


@pytest.mark.parametrize("name", SPECS)
def test_clone_of_a_fitted_estimator_is_not_fitted(name, fitted, inputs):
    est, _, X = fitted(name)
    method = next(iter(SPECS[name].before_fit.values()))
    with pytest.raises(NotFittedError):
        method(clone(est), X)


@pytest.mark.parametrize("name", SPECS)
def test_pickled_estimator_gives_the_same_output(name, fitted):
    est, _, X = fitted(name)
    output = getattr(est, SPECS[name].output)
    again = getattr(pickle.loads(pickle.dumps(est)), SPECS[name].output)
    first, second = output(X), again(X)
    if sparse.issparse(first):
        assert (first != second).nnz == 0
    elif isinstance(first, pd.DataFrame):
        pd.testing.assert_frame_equal(first, second)
    else:
        np.testing.assert_array_equal(first, second)


def test_vectorizer_and_clusterer_compose_in_a_pipeline(demo):
    pipe = make_pipeline(TextVectorizer(), StoryClusterer(n_clusters=8))
    labels = clone(pipe).fit(demo).predict(demo)
    assert labels.shape == (len(demo),) and set(labels) <= set(range(8))


def _expected_failures(estimator):
    if estimator.n_clusters > 10:
        # the checks fit on 10-15 samples: 20 clusters are refused (tested above) before the check looks
        return {"check_n_features_in_after_fitting": "the default 20 clusters exceed the check's 15 samples",
                "check_estimators_nan_inf": "the default 20 clusters exceed the check's 10 samples"}
    return {}


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")  # the checks' tiny data repeats points
@parametrize_with_checks([StoryClusterer(), StoryClusterer(n_clusters=3, n_components=5)],
                         expected_failed_checks=_expected_failures)
def test_story_clusterer_passes_scikit_learns_checks(estimator, check):
    check(estimator)
