"""A supervised frame classifier, trained on hand-coded articles, and its cross-validated figures.

Coders read a few hundred articles and mark, for each frame of a codebook, whether the article
uses it (one 0/1 column per frame). :class:`FrameClassifier` learns those codes and applies
them to the rest of the corpus; :func:`cross_validate_frames` says how well it does, per frame
and per group (language, outlet group), with the out-of-fold predictions kept::

    cv = cross_validate_frames(FrameClassifier(), coded, codes, by="language")
    cv.table                                   # frame, group, precision, recall, f1, tpr, fpr...
    clf = FrameClassifier().fit(coded, codes)
    predicted = clf.predict(corpus)            # 0/1 per document and frame

The shares of a frame in ``predicted`` are biased by the classifier's errors (towards its false-
positive rate; differences between periods shrink). To count frames, cut where tpr - fpr is largest
and correct with the error rates of the out-of-fold probabilities at those cuts::

    counter = FrameClassifier(threshold="youden").fit(coded, codes)
    rates = cross_validate_frames(counter, coded, codes).error_rates(thresholds=counter.thresholds_)
    counted = pd.DataFrame(counter.predict(corpus), columns=counter.frames_)
    corrected_prevalence(counted, rates["tpr"], rates["fpr"], positives=rates["positives"],
                         negatives=rates["negatives"], by=corpus["published"].dt.year.to_numpy())

(:func:`analysis.prevalence.corrected_prevalence`; ``benchmarks/bench_frames.py`` measures it on
the real corpus with shifted shares.)

How a frame is learnt (one model per frame, scikit-learn parts):

1. the documents become :func:`framing_vectorizer` vectors (the kit's
   :class:`~analysis.vectorize.TextVectorizer`, its body weighted above the headline: frames live
   in the whole text, not only in the story's head);
2. a class-balanced :class:`~sklearn.linear_model.LogisticRegression` gives out-of-fold decision
   values on the coded documents (``calibration_cv`` folds), on which a calibrator is fitted
   (Platt's sigmoid, or isotonic regression): what scikit-learn's ``CalibratedClassifierCV`` does
   with ``ensemble=False``; the model used afterwards is fitted on all the coded documents;
3. with ``threshold="f1"`` the cut on the calibrated probability that maximises F1 on those same
   out-of-fold probabilities, so that a frame coded in 10% of the articles is still found: a
   calibrated probability rarely reaches 0.5 for a rare frame (on the real narrative-frames corpus,
   five frames, 427 articles, 5-fold CV over fold seeds 0-2, the macro-F1 is 0.53 at 0.5 and 0.61
   at the F1 cuts).

Everything the threshold and the calibrator see comes from the training documents only.

Examples
--------
>>> from analysis.demo import load_demo
>>> coded = load_demo(300)  # SIMULATED
>>> codes = frame_codes(coded["truth_frames"])
>>> clf = FrameClassifier().fit(coded, codes)
>>> clf.frames_.tolist()
['human_cost', 'legality', 'security_threat', 'strategic_partnership']
>>> clf.predict_proba(coded).shape
(300, 4)
"""
from __future__ import annotations

import numbers
import time
from dataclasses import dataclass

import numpy as np
import pandas as pd
from joblib import Parallel, delayed
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.isotonic import IsotonicRegression
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted

from .vectorize import TextVectorizer

CALIBRATIONS = ("sigmoid", "isotonic", None)
THRESHOLD_RULES = ("f1", "youden")
#: A probability is kept this far from 0 and 1 before its log-odds are taken (isotonic gives 0 and 1).
_EPSILON = 1e-9
MISSING_GROUP = "(missing)"


def framing_vectorizer() -> TextVectorizer:
    """The default vectoriser of :class:`FrameClassifier`: TF-IDF settings chosen for frames.

    Measured with 400 truth-coded SIMULATED demo articles (four languages) for training and 1,000
    others (another seed) for testing, and by 5-fold cross-validation on the 427 coded articles of
    the real narrative-frames corpus (``benchmarks/bench_frames.py``):

    * ``body_weight=10``: frames are argued in the body; demo macro-F1 0.56 with the head alone,
      0.74 at 1, 0.85 at 4, 0.88 at 10 (the real corpus has no paragraph breaks: its head is
      the whole text, so the weight does not matter there);
    * ``bridge_weight=1``: the concept bridge joins the languages (demo 0.865 without it), but its
      tokens (@TREATY, @LEADER) name stories rather than frames: demo 0.882 at 1, 0.876 at 2, 0.859
      at 0.5; real corpus 0.61 at 1, 0.60 at 2;
    * ``min_df=3, max_df=0.9``: words common to most articles of one topic still carry frames
      ("cost", "fight"); a small gain (real corpus 0.607 against 0.597 with every other setting
      at the kit's defaults, fold seeds 0-2).

    Examples
    --------
    >>> framing_vectorizer().body_weight
    10.0
    """
    return TextVectorizer(body_weight=10.0, bridge_weight=1.0, min_df=3, max_df=0.9)


def frame_codes(values, sep: str = "|") -> pd.DataFrame:
    """0/1 frame columns from one column of ``sep``-separated frame names (empty: no frame).

    Examples
    --------
    >>> frame_codes(pd.Series(["conflict|economic", "", "economic"])).values.tolist()
    [[1, 1], [0, 0], [0, 1]]
    """
    values = pd.Series(values)
    lists = [[f for f in v.split(sep) if f] if isinstance(v, str) else [] for v in values]
    frames = sorted({f for frames in lists for f in frames})
    return pd.DataFrame([[int(f in coded) for f in frames] for coded in lists], columns=frames,
                        index=values.index, dtype="int64")


def _sigmoid_calibrator(decision: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Platt's (1999) sigmoid ``p = 1 / (1 + exp(-(a d + b)))``, fitted on smoothed targets
    ``(N+ + 1) / (N+ + 2)`` and ``1 / (N- + 2)`` (so that a few documents never give 0 or 1):
    each document enters twice, as positive and negative, weighted by its target."""
    n_pos = int(y.sum())
    target = np.where(y == 1, (n_pos + 1) / (n_pos + 2), 1 / (len(y) - n_pos + 2))
    model = LogisticRegression(C=1e6).fit(np.r_[decision, decision].reshape(-1, 1),
                                          np.r_[np.ones(len(y)), np.zeros(len(y))],
                                          sample_weight=np.r_[target, 1 - target])
    return float(model.coef_[0, 0]), float(model.intercept_[0])


def _best_cut(proba: np.ndarray, y: np.ndarray, rule: str) -> float:
    """The cut on ``proba`` that maximises F1 (``rule="f1"``) or tpr - fpr (``"youden"``): half way
    between the last probability it keeps and the next lower one (so that new documents are judged
    between the two, not on one of them)."""
    order = np.argsort(-proba, kind="stable")
    ranked, hits = proba[order], y[order]
    true_pos, kept = np.cumsum(hits), np.arange(1, len(y) + 1)
    if rule == "f1":
        score = 2 * true_pos / (kept + hits.sum())
    else:
        score = true_pos / hits.sum() - (kept - true_pos) / (len(y) - hits.sum())
    score[:-1][ranked[1:] == ranked[:-1]] = -np.inf  # a cut cannot split tied documents
    best = int(np.argmax(score))
    below = ranked[best + 1] if best + 1 < len(ranked) else 0.0
    return float((ranked[best] + below) / 2)


class FrameClassifier(ClassifierMixin, BaseEstimator):
    """Learn hand-coded frames: one calibrated linear model per frame.

    Parameters
    ----------
    vectorizer : transformer, optional
        Turns the corpus table into a document-term matrix; cloned at ``fit``. None:
        :func:`framing_vectorizer`.
    C : float, default=1.0
        Inverse strength of the logistic regressions' L2 penalty (> 0).
    class_weight : {"balanced", None} or dict, default="balanced"
        Of the logistic regressions: "balanced" weighs a rare frame's coded articles up.
    calibration : {"sigmoid", "isotonic", None}, default="sigmoid"
        Calibrator of the out-of-fold decision values; None: the regression's own probabilities
        (with ``class_weight="balanced"`` they overstate rare frames).
    calibration_cv : int, default=3
        Folds (stratified per frame) that give the out-of-fold values; every frame needs at least
        this many coded and uncoded articles.
    threshold : float, "f1" or "youden", default="f1"
        A probability in (0, 1) at which every frame counts as present, or a rule applied per frame
        to the out-of-fold calibrated probabilities of the training documents (``thresholds_``):
        ``"f1"``, the cut with the best F1 (to find the articles of a frame); ``"youden"``, the cut
        with the largest tpr - fpr (to count them: :func:`analysis.prevalence.corrected_prevalence`
        divides by tpr - fpr, so this cut amplifies the errors least; Forman's 2008 "MAX").
    random_state : int, default=0
        Seeds the calibration folds and the solver.
    n_jobs : int, optional
        Frames fitted in parallel (joblib); None: one at a time.

    Attributes
    ----------
    frames_ : numpy.ndarray
        The frame names: the columns of ``Y``, in order.
    vectorizer_ : transformer
    estimators_ : list of LogisticRegression
        Per frame, fitted on all the training documents.
    calibrators_ : list
        Per frame, ``(a, b)`` of the sigmoid, an IsotonicRegression, or None.
    thresholds_ : numpy.ndarray
        Per frame, the probability from which it is predicted.
    classes_ : list of numpy.ndarray
        ``[0, 1]`` per frame (scikit-learn's multi-label convention).

    Examples
    --------
    >>> from analysis.demo import load_demo
    >>> coded, other = load_demo(300), load_demo(200, random_state=1)  # SIMULATED
    >>> clf = FrameClassifier().fit(coded, frame_codes(coded["truth_frames"]))
    >>> truth = frame_codes(other["truth_frames"])[clf.frames_]
    >>> clf.score(other, truth) > 0.7  # macro-F1 on other articles
    True
    """

    def __init__(self, vectorizer=None, C=1.0, class_weight="balanced", calibration="sigmoid",
                 calibration_cv=3, threshold="f1", random_state=0, n_jobs=None):
        self.vectorizer = vectorizer
        self.C = C
        self.class_weight = class_weight
        self.calibration = calibration
        self.calibration_cv = calibration_cv
        self.threshold = threshold
        self.random_state = random_state
        self.n_jobs = n_jobs

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        tags.classifier_tags.multi_label = True
        return tags

    def _check_parameters(self) -> None:
        real = lambda v: isinstance(v, numbers.Real) and not isinstance(v, bool)  # noqa: E731
        if not real(self.C) or not self.C > 0:
            raise ValueError(f"C must be a number > 0, not {self.C!r}")
        if not (self.class_weight in ("balanced", None) or isinstance(self.class_weight, dict)):
            raise ValueError(f"class_weight must be 'balanced', None or a dict {{0: w0, 1: w1}}, not {self.class_weight!r}")
        if self.calibration not in CALIBRATIONS:
            raise ValueError(f"calibration must be 'sigmoid', 'isotonic' or None, not {self.calibration!r}")
        if isinstance(self.calibration_cv, bool) or not isinstance(self.calibration_cv, numbers.Integral) \
                or self.calibration_cv < 2:
            raise ValueError(f"calibration_cv must be an integer >= 2, not {self.calibration_cv!r}")
        if not (self.threshold in THRESHOLD_RULES if isinstance(self.threshold, str) else real(self.threshold)
                and 0 < self.threshold < 1):
            raise ValueError(f"threshold must be a probability in (0, 1), 'f1' or 'youden', not {self.threshold!r}")
        vectorizer = self.vectorizer
        if vectorizer is not None and not (hasattr(vectorizer, "fit_transform") and hasattr(vectorizer, "transform")):
            raise ValueError(f"vectorizer must be a transformer with fit_transform and transform "
                             f"(such as TextVectorizer) or None, not {vectorizer!r}")

    def _check_codes(self, X, Y) -> np.ndarray:
        """The 0/1 matrix of ``Y``, after checking that every frame can be learnt."""
        if not isinstance(Y, pd.DataFrame):
            raise ValueError(f"Y must be a DataFrame of 0/1 frame columns (see frame_codes), not {type(Y).__name__}")
        if len(Y) != len(X):
            raise ValueError(f"X has {len(X)} documents but Y has {len(Y)} rows of codes")
        if isinstance(X, pd.DataFrame) and not X.index.equals(Y.index):
            raise ValueError("Y's index differs from X's: the codes must be in the documents' order (Y.loc[X.index])")
        if Y.shape[1] == 0:
            raise ValueError("Y has no frame column")
        for frame in Y.columns:
            values = Y[frame]
            if values.isna().any():
                raise ValueError(f"frame {frame!r} has {int(values.isna().sum())} uncoded documents (missing values): "
                                 "drop them before fitting")
            if not values.isin([0, 1]).all():
                raise ValueError(f"frame {frame!r} must be coded 0/1 or False/True, found {values[~values.isin([0, 1])].tolist()[0]!r}")
            counts = np.bincount(values.astype("int64").to_numpy(), minlength=2)
            if counts.min() == 0:
                present = "coded in every" if counts[0] == 0 else "coded in no"
                raise ValueError(f"frame {frame!r} is {present} training document: a classifier needs both "
                                 "coded and uncoded examples; code more documents or drop the column")
            if counts.min() < self.calibration_cv:
                raise ValueError(f"frame {frame!r} has only {counts.min()} {'un' if counts[0] < counts[1] else ''}coded "
                                 f"training documents, fewer than calibration_cv={self.calibration_cv}")
        return Y.astype("int64").to_numpy()

    def fit(self, X, Y):
        """Learn every frame of ``Y`` (0/1 columns, rows in the order of the corpus table ``X``)."""
        self._check_parameters()
        codes = self._check_codes(X, Y)
        self.frames_ = np.asarray([str(c) for c in Y.columns], dtype=object)
        self.vectorizer_ = clone(self.vectorizer) if self.vectorizer is not None else framing_vectorizer()
        matrix = self.vectorizer_.fit_transform(X)
        seed = check_random_state(self.random_state).randint(np.iinfo(np.int32).max)
        fitted = Parallel(n_jobs=self.n_jobs)(delayed(self._fit_frame)(matrix, codes[:, j], seed)
                                              for j in range(codes.shape[1]))
        self.estimators_, self.calibrators_, thresholds = map(list, zip(*fitted))
        self.thresholds_ = np.asarray(thresholds, dtype=np.float64)
        self.classes_ = [np.array([0, 1]) for _ in self.frames_]
        return self

    def _fit_frame(self, matrix, y: np.ndarray, seed: int):
        """One frame: out-of-fold decisions -> calibrator -> threshold; the model fitted on all."""
        model = LogisticRegression(C=self.C, class_weight=self.class_weight, solver="liblinear", random_state=seed)
        folds = StratifiedKFold(self.calibration_cv, shuffle=True, random_state=seed)
        calibrator = None
        if self.calibration is not None or isinstance(self.threshold, str):
            decision = cross_val_predict(model, matrix, y, cv=folds, method="decision_function")
            if self.calibration == "sigmoid":
                calibrator = _sigmoid_calibrator(decision, y)
            elif self.calibration == "isotonic":
                calibrator = IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip").fit(decision, y)
            proba = self._calibrated(decision, calibrator)
        threshold = _best_cut(proba, y, self.threshold) if isinstance(self.threshold, str) else float(self.threshold)
        return model.fit(matrix, y), calibrator, threshold

    @staticmethod
    def _calibrated(decision: np.ndarray, calibrator) -> np.ndarray:
        if calibrator is None:  # the regression's own probability
            return 1.0 / (1.0 + np.exp(-decision))
        if isinstance(calibrator, tuple):
            a, b = calibrator
            return 1.0 / (1.0 + np.exp(-(a * decision + b)))
        return calibrator.predict(decision)

    def predict_proba(self, X) -> np.ndarray:
        """Calibrated probabilities, one column per frame (``frames_``): shape (n_documents, n_frames)."""
        check_is_fitted(self, "estimators_")
        matrix = self.vectorizer_.transform(X)
        return np.column_stack([self._calibrated(model.decision_function(matrix), calibrator)
                                for model, calibrator in zip(self.estimators_, self.calibrators_)])

    def transform(self, X) -> np.ndarray:
        """The calibrated probabilities, so that the classifier can be a step of a Pipeline; the columns
        are named by :meth:`get_feature_names_out`."""
        return self.predict_proba(X)

    def decision_function(self, X) -> np.ndarray:
        """Log-odds of each frame's probability minus those of its threshold: > 0 where it is predicted."""
        proba = np.clip(self.predict_proba(X), _EPSILON, 1 - _EPSILON)
        cut = np.clip(self.thresholds_, _EPSILON, 1 - _EPSILON)
        return np.log(proba / (1 - proba)) - np.log(cut / (1 - cut))

    def predict(self, X) -> np.ndarray:
        """0/1 per document and frame: the probability reaches the frame's threshold."""
        return (self.predict_proba(X) >= self.thresholds_).astype(np.int64)

    def score(self, X, Y, sample_weight=None) -> float:
        """Macro-F1 over the frames (not scikit-learn's subset accuracy, which one wrong frame of
        five makes 0): the figure to tune ``C`` on with ``GridSearchCV``."""
        from sklearn.metrics import f1_score

        if isinstance(Y, pd.DataFrame) and set(self.frames_) <= set(map(str, Y.columns)):
            Y = Y.rename(columns=str)[list(self.frames_)]  # the codes in the order of frames_
        return float(f1_score(np.asarray(Y, dtype=np.int64), self.predict(X), average="macro",
                              sample_weight=sample_weight, zero_division=0))

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        """The frame names: the columns of :meth:`predict_proba`, :meth:`predict` and :meth:`transform`."""
        check_is_fitted(self, "estimators_")
        return self.frames_.copy()


def multilabel_folds(Y, n_splits: int = 5, random_state=0) -> np.ndarray:
    """Fold number (0 .. n_splits-1) of every document, stratified over all frames at once.

    Iterative stratification (Sechidis, Tsoumakas and Vlahavas 2011): the frame with the fewest
    documents left is dealt first, each of its documents to the fold that most lacks that frame
    (ties: the fold that lacks the most documents, then at random). Per-frame stratified folds
    would balance one frame and scatter the others; the label combinations (power set) are too
    many and too rare with five frames to stratify on. Every fold gets about 1/n_splits of every
    frame's coded documents, so that the rare ones (10% of articles) are in every test fold.

    Examples
    --------
    >>> Y = np.array([[1, 0]] * 6 + [[0, 1]] * 3 + [[0, 0]] * 3)
    >>> folds = multilabel_folds(Y, 3)
    >>> [np.bincount(folds[Y[:, j] == 1]).tolist() for j in range(2)], np.bincount(folds).tolist()
    ([[2, 2, 2], [1, 1, 1]], [4, 4, 4])
    """
    codes = np.asarray(Y, dtype=bool)
    n = len(codes)
    if isinstance(n_splits, bool) or not isinstance(n_splits, numbers.Integral) or not 2 <= n_splits <= n:
        raise ValueError(f"cv must be an integer between 2 and the number of documents ({n}), not {n_splits!r}")
    rng = check_random_state(random_state)
    wanted = np.full(n_splits, n / n_splits)
    wanted_per_frame = np.tile(codes.sum(axis=0) / n_splits, (n_splits, 1))
    folds = np.full(n, -1, dtype=np.int64)
    left = np.ones(n, dtype=bool)
    while left.any():
        remaining = codes[left].sum(axis=0)
        if remaining.sum() == 0:  # documents with no frame: to the folds that lack the most documents
            for i in rng.permutation(np.flatnonzero(left)):
                folds[i] = rng.choice(np.flatnonzero(wanted == wanted.max()))
                wanted[folds[i]] -= 1
            break
        frame = int(np.argmin(np.where(remaining > 0, remaining, np.iinfo(np.int64).max)))
        for i in rng.permutation(np.flatnonzero(left & codes[:, frame])):
            candidates = np.flatnonzero(wanted_per_frame[:, frame] == wanted_per_frame[:, frame].max())
            candidates = candidates[wanted[candidates] == wanted[candidates].max()]
            folds[i] = rng.choice(candidates)
            left[i] = False
            wanted[folds[i]] -= 1
            wanted_per_frame[folds[i]] -= codes[i]
    return folds


def _confusion_rows(truth: np.ndarray, pred: np.ndarray, frames, group: str) -> list[dict]:
    """Counts and rates per frame of 0/1 codes against 0/1 predictions (NaN where a rate is undefined)."""
    rows = []
    for j, frame in enumerate(frames):
        t, p = truth[:, j] == 1, pred[:, j] == 1
        tp, fp, fn = int((t & p).sum()), int((~t & p).sum()), int((t & ~p).sum())
        tn = len(t) - tp - fp - fn
        ratio = lambda a, b: a / b if b else np.nan  # noqa: E731
        rows.append({"frame": frame, "group": group, "n": len(t), "support": tp + fn, "predicted": tp + fp,
                     "tp": tp, "fp": fp, "fn": fn, "tn": tn, "precision": ratio(tp, tp + fp),
                     "recall": ratio(tp, tp + fn), "f1": ratio(2 * tp, 2 * tp + fp + fn),
                     "tpr": ratio(tp, tp + fn), "fpr": ratio(fp, fp + tn)})
    return rows


@dataclass
class FrameCV:
    """What :func:`cross_validate_frames` measured.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per frame and group: ``frame, group`` ("all" and each value of ``by``), ``n``,
        ``support`` (coded documents), ``predicted``, ``tp, fp, fn, tn``, ``precision, recall, f1``
        (NaN where undefined: no prediction, no coded document), ``tpr`` (= recall), ``fpr``.
    oof_proba, oof_pred : pandas.DataFrame
        Out-of-fold calibrated probabilities and 0/1 predictions, indexed like ``X``, one column
        per frame: every document judged by a model that did not see it.
    codes : pandas.DataFrame
        The 0/1 codes ``Y`` the predictions are judged against.
    folds : numpy.ndarray
        The fold of every document (:func:`multilabel_folds`).
    groups : numpy.ndarray or None
        The group of every document (the values of ``by`` as text).
    seconds : float
        Wall time of the fits and predictions.
    """

    table: pd.DataFrame
    oof_proba: pd.DataFrame
    oof_pred: pd.DataFrame
    codes: pd.DataFrame
    folds: np.ndarray
    groups: np.ndarray | None
    seconds: float

    def _check_group(self, group: str) -> np.ndarray:
        if group not in set(self.table["group"]):
            raise ValueError(f"group {group!r} is not in the table; groups: {', '.join(self.table['group'].unique())}")
        return np.ones(len(self.codes), dtype=bool) if group == "all" else self.groups == group

    def macro_f1(self, group: str = "all") -> float:
        """Mean F1 over the frames in ``group`` (frames with an undefined F1 count as 0)."""
        self._check_group(group)
        return float(self.table.loc[self.table["group"] == group, "f1"].fillna(0.0).mean())

    def error_rates(self, group: str = "all", thresholds=None) -> pd.DataFrame:
        """Per frame: ``tpr``, ``fpr`` and the ``positives`` / ``negatives`` they were measured on,
        the inputs of :func:`analysis.prevalence.corrected_prevalence`.

        ``thresholds`` (one probability per frame, such as a fitted classifier's ``thresholds_``):
        the rates of the out-of-fold probabilities cut there, i.e. of a model that predicts at those
        cuts; calibrated probabilities mean the same across the fold models, so these are the rates to
        correct that model's counts with. None: the rates of the fold models at their own cuts.
        """
        rows = _confusion_rows(self.codes.to_numpy()[self._check_group(group)],
                               self._cut(thresholds)[self._check_group(group)], self.codes.columns, group)
        table = pd.DataFrame(rows).set_index("frame")
        return pd.DataFrame({"tpr": table["tpr"], "fpr": table["fpr"], "positives": table["tp"] + table["fn"],
                             "negatives": table["fp"] + table["tn"]})

    def _cut(self, thresholds) -> np.ndarray:
        if thresholds is None:
            return self.oof_pred.to_numpy()
        thresholds = np.asarray(thresholds, dtype=np.float64).ravel()
        if len(thresholds) != self.oof_proba.shape[1]:
            raise ValueError(f"thresholds has {len(thresholds)} values for {self.oof_proba.shape[1]} frames")
        return (self.oof_proba.to_numpy() >= thresholds).astype(np.int64)


def cross_validate_frames(estimator, X: pd.DataFrame, Y: pd.DataFrame, *, cv: int = 5, by: str | None = "language",
                          random_state=0) -> FrameCV:
    """K-fold cross-validation of a frame classifier, per frame and per group of documents.

    The folds are :func:`multilabel_folds` (iterative stratification over all frames at once): every
    test fold holds about 1/cv of each frame's coded documents. ``estimator`` is cloned and fitted on
    each training part (its calibration and thresholds see only that part), then predicts the test
    part; the figures are computed once on all out-of-fold predictions, then within each group.

    Parameters
    ----------
    estimator : FrameClassifier or a classifier with ``fit(X, Y)``, ``predict_proba``, ``predict``
    X : pandas.DataFrame
        The coded documents (corpus table).
    Y : pandas.DataFrame
        0/1 frame columns, indexed like ``X``.
    cv : int, default=5
    by : str or None, default="language"
        A column of ``X`` whose values get their own rows (missing values: "(missing)"); None: "all" only.
    random_state : int, default=0
        Seeds the folds.

    Returns
    -------
    FrameCV

    Examples
    --------
    >>> from analysis.demo import load_demo
    >>> coded = load_demo(300)  # SIMULATED
    >>> result = cross_validate_frames(FrameClassifier(), coded, frame_codes(coded["truth_frames"]), cv=3)
    >>> sorted(result.table["group"].unique())
    ['all', 'en', 'id', 'ko', 'ru']
    >>> result.macro_f1() > 0.6
    True
    """
    if by is not None and by not in X:
        raise ValueError(f"by={by!r} is not a column of X; use one of {', '.join(map(str, X.columns))} or None")
    if not isinstance(Y, pd.DataFrame) or len(Y) != len(X):
        raise ValueError("Y must be a DataFrame of 0/1 frame columns with one row per document of X")
    folds = multilabel_folds(Y.fillna(0).to_numpy(), cv, random_state)
    proba = np.full(Y.shape, np.nan)
    pred = np.zeros(Y.shape, dtype=np.int64)
    start = time.perf_counter()
    for fold in range(cv):
        train, test = folds != fold, folds == fold
        model = clone(estimator).fit(X[train], Y[train])
        proba[test] = model.predict_proba(X[test])
        pred[test] = model.predict(X[test])
    seconds = time.perf_counter() - start
    truth = Y.astype("int64").to_numpy()
    frames = [str(c) for c in Y.columns]
    rows = _confusion_rows(truth, pred, frames, "all")
    groups = None
    if by is not None:
        groups = X[by].astype("object").where(X[by].notna(), MISSING_GROUP).astype(str).to_numpy()
        for group in sorted(set(groups)):
            rows += _confusion_rows(truth[groups == group], pred[groups == group], frames, group)
    return FrameCV(table=pd.DataFrame(rows), oof_proba=pd.DataFrame(proba, index=X.index, columns=frames),
                   oof_pred=pd.DataFrame(pred, index=X.index, columns=frames),
                   codes=pd.DataFrame(truth, index=X.index, columns=frames), folds=folds, groups=groups, seconds=seconds)
