"""The supervised frame classifier: calibration, thresholds, errors, folds and cross-validated figures."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import brier_score_loss

from analysis.demo import load_demo
from analysis.frame_classifier import (FrameClassifier, _best_cut, cross_validate_frames, frame_codes,
                                       multilabel_folds)
from analysis.ingestion import ingest

NARRATIVE_FRAMES = ["frame_resolution", "frame_human_interest", "frame_conflict", "frame_moral", "frame_economic"]


@pytest.fixture(scope="module")
def coded():
    demo = load_demo(300)  # SIMULATED
    return demo, frame_codes(demo["truth_frames"])


@pytest.fixture(scope="module")
def held_out(coded):
    other = load_demo(300, random_state=1)  # SIMULATED: other articles, no copies of the coded ones
    return other, frame_codes(other["truth_frames"]).reindex(columns=coded[1].columns, fill_value=0)


@pytest.fixture(scope="module")
def fitted(coded):
    return FrameClassifier().fit(*coded)


@pytest.fixture(scope="module")
def demo_cv(coded):
    return cross_validate_frames(FrameClassifier(), *coded, cv=3, by="language")


def _brier(truth: pd.DataFrame, proba: np.ndarray) -> float:
    return float(np.mean([brier_score_loss(truth.iloc[:, j], proba[:, j]) for j in range(proba.shape[1])]))


def test_frames_come_from_the_code_columns(fitted, coded):
    assert fitted.frames_.tolist() == list(coded[1].columns) == fitted.get_feature_names_out().tolist()
    assert len(fitted.estimators_) == len(fitted.calibrators_) == len(fitted.thresholds_) == 4


def test_calibrated_probabilities_beat_the_uncalibrated_ones_on_held_out_articles(coded, held_out, fitted):
    raw = FrameClassifier(calibration=None).fit(*coded)
    other, truth = held_out
    calibrated = fitted.predict_proba(other)
    assert calibrated.shape == truth.shape and ((calibrated >= 0) & (calibrated <= 1)).all()
    # class_weight="balanced" makes the regression's own probabilities overstate every frame
    assert _brier(truth, calibrated) < 0.8 * _brier(truth, raw.predict_proba(other))


def test_isotonic_calibration_also_gives_probabilities(coded, held_out):
    proba = FrameClassifier(calibration="isotonic").fit(*coded).predict_proba(held_out[0])
    assert ((proba >= 0) & (proba <= 1)).all() and _brier(held_out[1], proba) < 0.1


def test_predict_and_decision_function_agree_with_the_thresholds(fitted, held_out):
    other, truth = held_out
    proba, predicted, decision = fitted.predict_proba(other), fitted.predict(other), fitted.decision_function(other)
    assert set(np.unique(predicted)) <= {0, 1}
    np.testing.assert_array_equal(predicted, (proba >= fitted.thresholds_).astype(int))
    np.testing.assert_array_equal(decision > 0, proba > fitted.thresholds_)
    assert fitted.score(other, truth) > 0.7  # macro-F1 on articles of another seed


def test_frames_fitted_in_parallel_give_the_same_model(coded, fitted, held_out):
    parallel = FrameClassifier(n_jobs=2).fit(*coded)
    np.testing.assert_array_equal(parallel.predict_proba(held_out[0]), fitted.predict_proba(held_out[0]))
    # score reads the codes by frame name, whatever their column order
    assert fitted.score(*held_out) == fitted.score(held_out[0], held_out[1].iloc[:, ::-1])


def test_a_fixed_threshold_is_every_frames_threshold(coded):
    clf = FrameClassifier(threshold=0.3).fit(*coded)
    assert clf.thresholds_.tolist() == [0.3] * 4


def test_f1_and_youden_cuts():
    proba, y = np.array([0.9, 0.8, 0.7, 0.6]), np.array([1, 0, 1, 0])
    # F1 is best keeping three (2 * 2 / (3 + 2) = 0.8); tpr - fpr is 0.5 keeping one or three: the first
    assert _best_cut(proba, y, "f1") == pytest.approx(0.65)
    assert _best_cut(proba, y, "youden") == pytest.approx(0.85)
    tied = np.array([0.9, 0.5, 0.5, 0.1])
    assert _best_cut(tied, np.array([1, 1, 0, 0]), "f1") not in (0.5,)  # never on a tied probability


def test_youden_cuts_separate_the_classes_more_than_f1_cuts_on_a_rare_frame(coded):
    f1 = FrameClassifier().fit(*coded)
    youden = FrameClassifier(threshold="youden").fit(*coded)
    assert not np.allclose(f1.thresholds_, youden.thresholds_)


@pytest.mark.parametrize("column, message", [
    ([0] * 300, r"frame 'never' is coded in no training document"),
    ([1] * 300, r"frame 'never' is coded in every training document"),
    ([1, 1] + [0] * 298, r"frame 'never' has only 2 coded training documents, fewer than calibration_cv=3"),
    ([2] + [0] * 299, r"frame 'never' must be coded 0/1 or False/True, found 2"),
    ([np.nan] + [0] * 299, r"frame 'never' has 1 uncoded documents"),
])
def test_a_frame_that_cannot_be_learnt_is_named(coded, column, message):
    demo, codes = coded
    with pytest.raises(ValueError, match=message):
        FrameClassifier().fit(demo, codes.assign(never=column))


def test_codes_must_be_a_table_in_the_documents_order(coded):
    demo, codes = coded
    with pytest.raises(ValueError, match="Y must be a DataFrame of 0/1 frame columns"):
        FrameClassifier().fit(demo, codes.to_numpy())
    with pytest.raises(ValueError, match="Y's index differs from X's"):
        FrameClassifier().fit(demo, codes.iloc[::-1])
    with pytest.raises(ValueError, match="X has 300 documents but Y has 299 rows"):
        FrameClassifier().fit(demo, codes.iloc[:299])


def test_frame_codes_reads_separated_names():
    codes = frame_codes(pd.Series(["b|a", None, "a", ""]))
    assert codes.columns.tolist() == ["a", "b"] and codes.values.tolist() == [[1, 1], [0, 0], [1, 0], [0, 0]]


def test_multilabel_folds_share_out_every_frame(coded):
    codes = coded[1].to_numpy()
    folds = multilabel_folds(codes, 5, random_state=0)
    assert np.bincount(folds).max() - np.bincount(folds).min() <= 1
    for j in range(codes.shape[1]):
        per_fold = np.bincount(folds[codes[:, j] == 1], minlength=5)
        assert per_fold.max() - per_fold.min() <= 1  # each frame's coded articles split evenly
    np.testing.assert_array_equal(folds, multilabel_folds(codes, 5, random_state=0))
    assert not np.array_equal(folds, multilabel_folds(codes, 5, random_state=1))
    with pytest.raises(ValueError, match=r"cv must be an integer between 2 and the number of documents \(300\), not 1"):
        multilabel_folds(codes, 1)


def test_cross_validation_table_has_a_row_per_frame_and_group(demo_cv, coded):
    demo, codes = coded
    table = demo_cv.table
    languages = sorted(demo["language"].dropna().unique())
    assert table["group"].unique().tolist() == ["all", *languages]
    assert len(table) == codes.shape[1] * (1 + len(languages))
    assert list(table.columns[:12]) == ["frame", "group", "n", "support", "predicted", "tp", "fp", "fn", "tn",
                                        "precision", "recall", "f1"]
    everyone = table[table["group"] == "all"].set_index("frame")
    assert (everyone["n"] == len(demo)).all()
    assert (table[table["group"] != "all"].groupby("frame")["n"].sum() == len(demo)).all()
    assert everyone["support"].tolist() == codes.sum().tolist()
    assert everyone["tp"].tolist() == (demo_cv.oof_pred & codes).sum().tolist()
    np.testing.assert_allclose(everyone["tpr"], everyone["recall"])
    assert demo_cv.macro_f1() > 0.6 and demo_cv.macro_f1("en") > 0.5


def test_out_of_fold_predictions_cover_every_document(demo_cv, coded):
    proba = demo_cv.oof_proba
    assert proba.index.equals(coded[0].index) and not proba.isna().any().any()
    assert ((proba >= 0) & (proba <= 1)).all().all()
    assert np.bincount(demo_cv.folds).tolist() == [100, 100, 100]


def test_error_rates_at_given_thresholds(demo_cv, coded):
    at_own = demo_cv.error_rates()
    assert (at_own["positives"] == coded[1].sum()).all() and (at_own["positives"] + at_own["negatives"] == 300).all()
    lenient, strict = demo_cv.error_rates(thresholds=[0.05] * 4), demo_cv.error_rates(thresholds=[0.95] * 4)
    assert (lenient["tpr"] >= strict["tpr"]).all() and (lenient["fpr"] >= strict["fpr"]).all()
    with pytest.raises(ValueError, match="thresholds has 2 values for 4 frames"):
        demo_cv.error_rates(thresholds=[0.5, 0.5])
    with pytest.raises(ValueError, match="group 'xx' is not in the table"):
        demo_cv.error_rates("xx")


def test_cross_validation_by_nothing_or_by_an_unknown_column(coded):
    demo, codes = coded
    with pytest.raises(ValueError, match="by='outlet_group' is not a column of X"):
        cross_validate_frames(FrameClassifier(), demo, codes, by="outlet_group")
    result = cross_validate_frames(FrameClassifier(threshold=0.5), demo, codes, cv=2, by=None)
    assert result.table["group"].unique().tolist() == ["all"]


@pytest.fixture(scope="module")
def narrative_frames(shared_data):
    """The 427 labelled articles of the real narrative-frames corpus, ingested; labels joined by id."""
    path = shared_data / "narrative_frames_corpus_en_2017-2019.csv.gz"
    corpus, _ = ingest(path)
    raw = pd.read_csv(path, dtype={"article_id": "str"})
    labels = raw.dropna(subset=NARRATIVE_FRAMES).set_index("article_id")[NARRATIVE_FRAMES]
    labels = labels.apply(lambda c: c.astype(str).str.lower().map({"true": 1, "false": 0}))
    corpus = corpus[corpus["source_id"].isin(labels.index)].reset_index(drop=True)
    return corpus, labels.loc[corpus["source_id"]].reset_index(drop=True)


@pytest.mark.shared
def test_narrative_frames_are_learnt_better_than_by_chance(narrative_frames):
    corpus, codes = narrative_frames
    assert len(corpus) == 427  # article 405 has no labels
    result = cross_validate_frames(FrameClassifier(), corpus, codes, cv=5, by=None)
    f1 = result.table.set_index("frame")["f1"]
    # measured 0.602 (fold seed 0; 0.607 over seeds 0-2); a hand-written TF-IDF + logistic regression: 0.53
    assert result.macro_f1() >= 0.57
    assert f1["frame_moral"] >= 0.4 and f1["frame_human_interest"] >= 0.25  # the rare frames are found
    assert f1["frame_conflict"] > 2 * 0.628 / 1.628  # better than calling every article a conflict
