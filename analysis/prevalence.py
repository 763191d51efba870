"""How common a frame is, corrected for the classifier's errors, with bootstrap intervals.

A classifier that finds a frame in 70% of the articles that use it (true-positive rate, ``tpr``)
and wrongly in 10% of the others (false-positive rate, ``fpr``) reports a share
``q = tpr * p + fpr * (1 - p)`` when the true share is ``p``: 0.22 for 0.2, 0.16 for 0.1, 0.34
for 0.4. The naive share is pulled towards ``fpr`` / ``tpr``, and so are its differences between
periods and outlets. The adjusted classify-and-count estimate (Forman 2008; Gart and Buck 1966 for
screening tests) inverts that line::

    corrected = clip((q - fpr) / (tpr - fpr), 0, 1)

It holds where the error rates measured on the coded documents (cross-validated:
:meth:`analysis.frame_classifier.FrameCV.error_rates`) hold for the corpus: the same kind of
articles, whatever their share of the frame. Rates measured per language or outlet group can be
passed group by group when they differ.

The intervals are a bootstrap that resamples both sources of error:

* the documents of each group: ``n`` documents drawn with replacement, so the count of predicted
  frames is binomial, ``Binomial(n, q)`` (drawn as such: the same distribution, no loop);
* the error rates, by a parametric bootstrap from the counts they were measured on:
  ``tpr* = Binomial(positives, tpr) / positives`` and ``fpr* = Binomial(negatives, fpr) / negatives``.
  That is what resampling the cross-validated documents within each coded class gives, and it
  needs only the four confusion counts, so rates from someone else's validation study serve too.
  One draw of the rates serves every group of a frame (one classifier, one set of errors).
  Without ``positives`` / ``negatives`` the rates are taken as exact and the intervals are too
  narrow.

A draw in which ``tpr* <= fpr*`` has no corrected value and is left out (it happens only when the
rates were measured on a handful of documents).

Examples
--------
>>> predicted = pd.DataFrame({"conflict": [1] * 30 + [0] * 70})
>>> table = corrected_prevalence(predicted, 0.7, 0.1, n_boot=200)
>>> table[["frame", "group", "n", "naive", "corrected"]].round(3).values.tolist()
[['conflict', 'all', 100, 0.3, 0.333]]
"""
from __future__ import annotations

import numbers

import numpy as np
import pandas as pd
from sklearn.utils import check_random_state

COLUMNS = ["frame", "group", "n", "naive", "naive_low", "naive_high", "corrected", "low", "high", "tpr", "fpr"]
MISSING_GROUP = "(missing)"


def _per_frame(value, frames, name: str) -> dict:
    """A number per frame from one number or a mapping / Series keyed by frame."""
    if value is None or isinstance(value, numbers.Real):
        return {f: value for f in frames}
    mapping = dict(value.items()) if hasattr(value, "items") else None
    if mapping is None:
        raise ValueError(f"{name} must be a number or a mapping (Series) from frame to number, not {value!r}")
    missing = [f for f in frames if f not in mapping]
    if missing:
        raise ValueError(f"{name} has no value for frame(s) {', '.join(map(repr, missing))}")
    return {f: mapping[f] for f in frames}


def _check_rates(frame, tpr, fpr, positives, negatives) -> None:
    for name, rate in (("tpr", tpr), ("fpr", fpr)):
        if not isinstance(rate, numbers.Real) or isinstance(rate, bool) or not 0 <= rate <= 1:
            raise ValueError(f"frame {frame!r}: {name} must be a rate between 0 and 1, not {rate!r}")
    if not tpr > fpr:
        raise ValueError(f"frame {frame!r}: tpr={tpr:.3g} <= fpr={fpr:.3g}: the classifier finds the frame no more "
                         "often where it is than where it is not, so its counts cannot be corrected")
    for name, count in (("positives", positives), ("negatives", negatives)):
        if count is not None and (isinstance(count, bool) or not isinstance(count, numbers.Real)
                                  or count < 1 or count != int(count)):
            raise ValueError(f"frame {frame!r}: {name} must be a count of documents >= 1 or None, not {count!r}")


def _rate_draws(rate: float, count, n_boot: int, rng) -> np.ndarray:
    if count is None:
        return np.full(n_boot, float(rate))
    return rng.binomial(int(count), rate, n_boot) / int(count)


def _groups(predicted: pd.DataFrame, by) -> np.ndarray | None:
    """The group of every row as text (missing: "(missing)"), or None without ``by``."""
    if by is None:
        return None
    if isinstance(by, str):
        if by not in predicted:
            raise ValueError(f"by={by!r} is not a column of predicted; pass a column name or one value per row")
        by = predicted[by]
    values = pd.Series(np.asarray(by, dtype=object))
    if len(values) != len(predicted):
        raise ValueError(f"by has {len(values)} values for {len(predicted)} rows of predictions")
    return values.where(values.notna(), MISSING_GROUP).astype(str).to_numpy()


def _check_options(n_boot, ci) -> None:
    if isinstance(n_boot, bool) or not isinstance(n_boot, numbers.Integral) or n_boot < 1:
        raise ValueError(f"n_boot must be an integer >= 1, not {n_boot!r}")
    if isinstance(ci, bool) or not isinstance(ci, numbers.Real) or not 0 < ci < 1:
        raise ValueError(f"ci must be a level between 0 and 1 (0.95), not {ci!r}")


def _one(frame, group, column: np.ndarray, tpr_draws, fpr_draws, rates, quantiles, rng) -> dict:
    """One row: a frame's naive and corrected share in one group of documents, with intervals."""
    tpr, fpr = rates
    n = len(column)
    naive = float(column.mean()) if n else np.nan
    if not n:
        return dict(zip(COLUMNS, [frame, group, 0, *[np.nan] * 6, tpr, fpr]))
    naive_draws = rng.binomial(n, naive, len(tpr_draws)) / n  # = resampling the n documents
    with np.errstate(divide="ignore", invalid="ignore"):
        corrected_draws = np.where(tpr_draws > fpr_draws,
                                   np.clip((naive_draws - fpr_draws) / (tpr_draws - fpr_draws), 0, 1), np.nan)
    corrected_draws = corrected_draws[~np.isnan(corrected_draws)]
    low, high = np.quantile(corrected_draws, quantiles) if len(corrected_draws) else (np.nan, np.nan)
    naive_low, naive_high = np.quantile(naive_draws, quantiles)
    corrected = float(np.clip((naive - fpr) / (tpr - fpr), 0, 1))
    return dict(zip(COLUMNS, [frame, group, n, naive, naive_low, naive_high, corrected, low, high, tpr, fpr]))


def corrected_prevalence(predicted, tpr, fpr, *, by=None, positives=None, negatives=None, n_boot: int = 1000,
                         ci: float = 0.95, random_state=0) -> pd.DataFrame:
    """Share of documents with each frame: as predicted (naive) and corrected for misclassification.

    Parameters
    ----------
    predicted : pandas.DataFrame or pandas.Series
        0/1 predictions, one column per frame (a Series: one frame, named by its name); other
        columns are ignored when ``tpr`` names the frames.
    tpr, fpr : float or mapping (Series) frame -> float
        True- and false-positive rates of the classifier, e.g. ``FrameCV.error_rates()["tpr"]``;
        ``tpr`` must exceed ``fpr``.
    by : str or array-like, optional
        A column of ``predicted`` or one value per row (period, outlet group): a row per group as
        well as "all".
    positives, negatives : int or mapping frame -> int, optional
        Numbers of coded documents with and without the frame on which the rates were measured;
        their binomial uncertainty enters the intervals. None: the rates are taken as exact.
    n_boot : int, default=1000
    ci : float, default=0.95
        Level of the percentile intervals.
    random_state : int, default=0

    Returns
    -------
    pandas.DataFrame
        ``frame, group, n, naive, naive_low, naive_high, corrected, low, high, tpr, fpr``.

    Examples
    --------
    >>> predicted = pd.DataFrame({"moral": [1, 0, 0, 0] * 50, "year": [2018] * 100 + [2019] * 100})
    >>> table = corrected_prevalence(predicted, {"moral": 0.6}, {"moral": 0.05}, by="year",
    ...                              positives={"moral": 40}, negatives={"moral": 360})
    >>> table[["group", "naive", "corrected"]].round(3).values.tolist()
    [['all', 0.25, 0.364], ['2018', 0.25, 0.364], ['2019', 0.25, 0.364]]
    >>> bool((table["low"] < table["corrected"]).all() and (table["corrected"] < table["high"]).all())
    True
    """
    _check_options(n_boot, ci)
    if isinstance(predicted, pd.Series):
        predicted = predicted.to_frame(predicted.name if predicted.name is not None else "frame")
    if not isinstance(predicted, pd.DataFrame):
        raise ValueError(f"predicted must be a DataFrame of 0/1 frame columns or a Series, not {type(predicted).__name__}")
    by_column = by if isinstance(by, str) else None
    frames = list(tpr.keys()) if hasattr(tpr, "keys") else [c for c in predicted.columns if c != by_column]
    rates = {name: _per_frame(value, frames, name)
             for name, value in (("tpr", tpr), ("fpr", fpr), ("positives", positives), ("negatives", negatives))}
    groups = _groups(predicted, by)
    rng = check_random_state(random_state)
    quantiles = [(1 - ci) / 2, 1 - (1 - ci) / 2]
    rows = []
    for frame in frames:
        if frame not in predicted:
            raise ValueError(f"frame {frame!r} has rates but no column in predicted")
        column = pd.to_numeric(predicted[frame]).to_numpy(dtype=np.float64)
        if not np.isin(column, (0, 1)).all():
            raise ValueError(f"frame {frame!r}: predictions must be 0/1 (or False/True)")
        tpr_, fpr_, pos, neg = (rates[name][frame] for name in ("tpr", "fpr", "positives", "negatives"))
        _check_rates(frame, tpr_, fpr_, pos, neg)
        draws = _rate_draws(tpr_, pos, n_boot, rng), _rate_draws(fpr_, neg, n_boot, rng)
        rows.append(_one(frame, "all", column, *draws, (float(tpr_), float(fpr_)), quantiles, rng))
        for group in ([] if groups is None else sorted(set(groups))):
            rows.append(_one(frame, group, column[groups == group], *draws, (float(tpr_), float(fpr_)), quantiles, rng))
    return pd.DataFrame(rows, columns=COLUMNS)
