"""Frame shares corrected for misclassification: a simulated classifier with known errors, and the refusals."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.prevalence import COLUMNS, corrected_prevalence

TPR, FPR = 0.7, 0.1
POSITIVES, NEGATIVES = 200, 800  # coded documents the rates are measured on
TRUE_SHARES = {"2023": 0.1, "2024": 0.2, "2025": 0.4}  # the frame's prevalence shifts between periods


def _simulated(seed: int, n_per_group: int = 1500):
    """Predictions of a classifier with tpr 0.7 and fpr 0.1 for documents whose true share differs by
    period, and the rates as a validation study on 200 + 800 coded documents would measure them."""
    rng = np.random.RandomState(seed)
    periods = np.repeat(list(TRUE_SHARES), n_per_group)
    truth = rng.random_sample(len(periods)) < np.array([TRUE_SHARES[p] for p in periods])
    predicted = np.where(truth, rng.random_sample(len(truth)) < TPR, rng.random_sample(len(truth)) < FPR)
    tpr = rng.binomial(POSITIVES, TPR) / POSITIVES
    fpr = rng.binomial(NEGATIVES, FPR) / NEGATIVES
    return pd.DataFrame({"moral": predicted.astype(int), "period": periods}), tpr, fpr


@pytest.fixture(scope="module")
def simulations():
    tables = []
    for seed in range(40):
        predicted, tpr, fpr = _simulated(seed)
        tables.append(corrected_prevalence(predicted, {"moral": tpr}, {"moral": fpr}, by="period",
                                           positives={"moral": POSITIVES}, negatives={"moral": NEGATIVES},
                                           n_boot=400, random_state=seed).assign(seed=seed))
    table = pd.concat(tables, ignore_index=True)
    return table[table["group"] != "all"].assign(truth=lambda t: t["group"].map(TRUE_SHARES))


def test_the_naive_share_is_biased_towards_the_false_positive_rate(simulations):
    naive = simulations.groupby("group")["naive"].mean()
    for period, share in TRUE_SHARES.items():
        expected = TPR * share + FPR * (1 - share)  # 0.16, 0.22, 0.34
        assert naive[period] == pytest.approx(expected, abs=0.01)
        assert abs(naive[period] - share) >= 0.015  # 0.06, 0.02, 0.06 off
    # a difference between periods shrinks by tpr - fpr
    assert naive["2025"] - naive["2023"] == pytest.approx((TPR - FPR) * 0.3, abs=0.02)


def test_the_corrected_share_is_not_biased_and_its_interval_covers_the_truth(simulations):
    corrected = simulations.groupby("group")["corrected"].mean()
    for period, share in TRUE_SHARES.items():
        assert corrected[period] == pytest.approx(share, abs=0.01)
    covered = (simulations["low"] <= simulations["truth"]) & (simulations["truth"] <= simulations["high"])
    assert covered.mean() >= 0.85  # 95% intervals, 120 of them
    naive_covered = (simulations["naive_low"] <= simulations["truth"]) & (simulations["truth"] <= simulations["naive_high"])
    assert naive_covered.mean() < 0.2


def test_the_table_is_tidy(simulations):
    assert list(simulations.columns[:len(COLUMNS)]) == COLUMNS
    row = simulations.iloc[0]
    assert row["naive_low"] <= row["naive"] <= row["naive_high"] and row["low"] <= row["corrected"] <= row["high"]


def test_uncertain_rates_widen_the_interval():
    predicted, tpr, fpr = _simulated(0)
    exact = corrected_prevalence(predicted, {"moral": tpr}, {"moral": fpr}).iloc[0]
    counted = corrected_prevalence(predicted, {"moral": tpr}, {"moral": fpr}, positives={"moral": 50},
                                   negatives={"moral": 200}).iloc[0]
    assert counted["corrected"] == exact["corrected"]
    assert counted["high"] - counted["low"] > 1.5 * (exact["high"] - exact["low"])
    assert counted["naive_high"] - counted["naive_low"] == pytest.approx(exact["naive_high"] - exact["naive_low"], rel=0.2)


def test_a_share_below_the_false_positive_rate_is_corrected_to_zero():
    table = corrected_prevalence(pd.Series([1] * 5 + [0] * 95, name="moral"), 0.6, 0.1, n_boot=100)
    assert table["frame"].tolist() == ["moral"] and table.loc[0, "corrected"] == 0.0 and table.loc[0, "low"] == 0.0


def test_groups_from_values_with_missing_ones():
    predicted = pd.DataFrame({"a": [1, 0, 1, 0], "b": [0, 0, 1, 1]})
    table = corrected_prevalence(predicted, {"a": 0.9, "b": 0.8}, {"a": 0.1, "b": 0.2}, by=["x", "x", None, "y"],
                                 n_boot=50)
    assert table[["frame", "group", "n"]].values.tolist() == [
        ["a", "all", 4], ["a", "(missing)", 1], ["a", "x", 2], ["a", "y", 1],
        ["b", "all", 4], ["b", "(missing)", 1], ["b", "x", 2], ["b", "y", 1]]


@pytest.mark.parametrize("kwargs, message", [
    ({"tpr": 0.2, "fpr": 0.3}, r"frame 'moral': tpr=0.2 <= fpr=0.3: the classifier finds the frame no more often"),
    ({"tpr": 0.3, "fpr": 0.3}, r"frame 'moral': tpr=0.3 <= fpr=0.3"),
    ({"tpr": 1.2, "fpr": 0.1}, r"frame 'moral': tpr must be a rate between 0 and 1, not 1.2"),
    ({"tpr": {"other": 0.7}, "fpr": 0.1}, r"frame 'other' has rates but no column in predicted"),
    ({"tpr": 0.7, "fpr": 0.1, "positives": 0}, r"frame 'moral': positives must be a count of documents >= 1"),
    ({"tpr": 0.7, "fpr": 0.1, "ci": 95}, r"ci must be a level between 0 and 1 \(0.95\), not 95"),
    ({"tpr": 0.7, "fpr": 0.1, "n_boot": 0}, r"n_boot must be an integer >= 1, not 0"),
    ({"tpr": 0.7, "fpr": 0.1, "by": "period"}, r"by='period' is not a column of predicted"),
    ({"tpr": 0.7, "fpr": 0.1, "by": [1, 2]}, r"by has 2 values for 4 rows of predictions"),
])
def test_refusals_name_the_frame_and_the_value(kwargs, message):
    with pytest.raises(ValueError, match=message):
        corrected_prevalence(pd.DataFrame({"moral": [1, 0, 0, 1]}), **kwargs)


def test_predictions_must_be_zero_or_one():
    with pytest.raises(ValueError, match="frame 'moral': predictions must be 0/1"):
        corrected_prevalence(pd.DataFrame({"moral": [0.3, 0.9]}), 0.7, 0.1)
