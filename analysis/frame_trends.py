"""Frames over time and by outlet group: shares with intervals, differences, and effects.

A frame measurement (from :class:`analysis.frames.FrameScorer`, :class:`analysis.frame_classifier.
FrameClassifier` or hand coding) is a 0/1 table, one column per frame, aligned with the corpus.
This module turns it into what a framing paper reports, under the same rules as every chart over
time in the kit (:func:`analysis.timeseries.counts_by_period`): every period from the first to
the last kept (zeros too), partial edge periods flagged, periods with fewer than ``min_total``
documents marked unreliable, events listed per period.

* :func:`frames_over_time`: the share of each frame per period, with a bootstrap interval (the
  period's documents resampled), and, given the classifier's cross-validated error rates, the
  share corrected for misclassification (:func:`analysis.prevalence.corrected_prevalence`).
* :func:`frames_by_group`: frame x outlet group shares, each group's difference from a reference
  group in percentage points, with bootstrap intervals.
* :func:`frame_effects`: a logistic model per frame (statsmodels) of outlet group and period,
  reported as average marginal effects in percentage points with 95% intervals, so a user can
  write "Russian state media used the partnership frame 41 points more often (95% CI 35 to 47)".

Examples
--------
>>> corpus = pd.DataFrame({"published": pd.to_datetime(["2024-06-03", "2024-06-04", "2024-06-12"], utc=True)})
>>> frames = pd.DataFrame({"legality": [1, 0, 1], "human_cost": [0, 0, 1]})
>>> table = frames_over_time(corpus, frames, freq="W", min_total=1, n_boot=200)
>>> table[["period_start", "frame", "n", "total", "share"]].values.tolist()[:2]
[[Timestamp('2024-06-03 00:00:00'), 'legality', 1, 2, 0.5], [Timestamp('2024-06-03 00:00:00'), 'human_cost', 0, 2, 0.0]]
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .timeseries import MIN_TOTAL, counts_by_period

#: The columns a frames table is checked for.
_FRAME_VALUES = {0, 1}


def frame_table(frames, corpus: pd.DataFrame) -> pd.DataFrame:
    """A frames table as 0/1 integers aligned with ``corpus``; errors name the frame and the problem.

    Examples
    --------
    >>> frame_table(pd.DataFrame({"legality": [True, False]}), pd.DataFrame(index=range(2)))["legality"].tolist()
    [1, 0]
    """
    if not isinstance(frames, pd.DataFrame) or frames.shape[1] == 0:
        raise ValueError("frames must be a DataFrame with one 0/1 column per frame (FrameScorer.assign, "
                         "FrameClassifier.predict as a DataFrame, or hand codes)")
    if len(frames) != len(corpus):
        raise ValueError(f"frames has {len(frames)} rows but the corpus {len(corpus)}: they must be aligned")
    out = {}
    for name in frames.columns:
        values = pd.to_numeric(frames[name], errors="coerce")
        bad = values.isna() | ~values.isin(_FRAME_VALUES)
        if bad.any():
            row = int(np.flatnonzero(bad.to_numpy())[0])
            raise ValueError(f"frame {name!r}: row {row} is {str(frames[name].iloc[row])!r}, not 0/1 or True/False "
                             f"({int(bad.sum())} such rows)")
        out[str(name)] = values.astype("int64").to_numpy()
    return pd.DataFrame(out, index=corpus.index)


def _binomial_interval(n, total, *, n_boot: int, confidence: float, rng) -> tuple[np.ndarray, np.ndarray]:
    """Percentile bootstrap interval of n / total: resampling a period's documents is a binomial draw."""
    n, total = np.asarray(n, dtype=np.int64), np.asarray(total, dtype=np.int64)
    share = np.divide(n, total, out=np.zeros(len(n)), where=total > 0)
    draws = rng.binomial(np.maximum(total, 0)[:, None], share[:, None], size=(len(n), n_boot))
    shares = np.divide(draws, np.maximum(total, 1)[:, None])
    alpha = (1 - confidence) / 2
    low, high = np.quantile(shares, [alpha, 1 - alpha], axis=1)
    return np.where(total > 0, low, np.nan), np.where(total > 0, high, np.nan)


def frames_over_time(corpus: pd.DataFrame, frames, *, freq: str = "W", by: str | None = None,
                     events: pd.DataFrame | None = None, min_total: int = MIN_TOTAL, rates: pd.DataFrame | None = None,
                     n_boot: int = 1000, confidence: float = 0.95, random_state=0) -> pd.DataFrame:
    """The share of documents with each frame per period, with a bootstrap interval.

    Parameters
    ----------
    corpus : corpus table with ``published`` (and ``by`` when given).
    frames : DataFrame of 0/1 (or bool) columns, one per frame, aligned with ``corpus``.
    freq, by, events, min_total : as in :func:`analysis.timeseries.counts_by_period`.
    rates : DataFrame, optional
        The classifier's cross-validated ``tpr`` and ``fpr`` per ``frame`` (columns frame, tpr, fpr,
        and the confusion counts :func:`analysis.prevalence.corrected_prevalence` reads). When given,
        each period also gets ``corrected``, ``corrected_low``, ``corrected_high``: the share corrected
        for misclassification, whose interval carries the uncertainty of the error rates too.
    n_boot : int, default=1000
    confidence : float, default=0.95
    random_state : int, default=0

    Returns
    -------
    DataFrame: period_start, period_end, [by], frame, n, total, share, low, high, reliable, partial,
    events [, corrected, corrected_low, corrected_high]. ``attrs``: freq, min_total, by, undated,
    n_boot, confidence.
    """
    table = frame_table(frames, corpus)
    rng = np.random.default_rng(random_state)
    parts = []
    for name in table.columns:
        part = counts_by_period(corpus, table[name].to_numpy(dtype=bool), freq=freq, by=by, events=events,
                                min_total=min_total)
        part.insert(2 + bool(by), "frame", name)
        part["low"], part["high"] = _binomial_interval(part["n"], part["total"], n_boot=n_boot,
                                                       confidence=confidence, rng=rng)
        parts.append(part)
    out = pd.concat(parts, ignore_index=True)
    out = out.sort_values(["period_start"] + ([by] if by else []), kind="stable", ignore_index=True)
    columns = ["period_start", "period_end"] + ([by] if by else []) + ["frame", "n", "total", "share", "low", "high",
                                                                       "reliable", "partial", "events"]
    columns += ["collected"] if "collected" in out else []  # the whole collection's volume, under a query
    out = out[columns]
    out.attrs.update(parts[0].attrs, n_boot=n_boot, confidence=confidence)
    if rates is not None:
        attrs = dict(out.attrs)
        out = _with_corrected(out, corpus, table, rates, by=by, n_boot=n_boot, confidence=confidence,
                              random_state=random_state)
        out.attrs.update(attrs)
    return out


def _with_corrected(table: pd.DataFrame, corpus: pd.DataFrame, frames: pd.DataFrame, rates: pd.DataFrame, *, by,
                    n_boot: int, confidence: float, random_state) -> pd.DataFrame:
    """``table`` with each period's shares corrected for misclassification (adjusted classify-and-count).

    ``rates``: one row per frame (index or ``frame`` column) with ``tpr`` and ``fpr`` and, when known,
    ``positives`` and ``negatives`` (the coded documents they were measured on, whose binomial
    uncertainty then enters the intervals): :meth:`analysis.frame_classifier.FrameCV.error_rates`.
    """
    from .prevalence import corrected_prevalence

    rates = rates.set_index("frame") if "frame" in rates.columns else rates
    published = pd.to_datetime(corpus["published"], utc=True)
    start = published.dt.tz_localize(None).dt.to_period(table.attrs["freq"]).dt.start_time
    labels = start.astype(str) + ("|" + corpus[by].astype(str) if by else "")
    dated = published.notna().to_numpy() & (corpus[by].notna().to_numpy() if by else True)
    counts = {k: rates[k].to_dict() for k in ("positives", "negatives") if k in rates}
    corrected = corrected_prevalence(frames.loc[dated, list(rates.index)], rates["tpr"].to_dict(), rates["fpr"].to_dict(),
                                     by=labels[dated].to_numpy(), n_boot=n_boot, ci=confidence,
                                     random_state=random_state, **counts)
    corrected = corrected[corrected["group"] != "all"].rename(
        columns={"group": "key", "low": "corrected_low", "high": "corrected_high"})
    keys = table["period_start"].astype(str) + ("|" + table[by].astype(str) if by else "")
    return table.assign(key=keys.to_numpy()).merge(
        corrected[["frame", "key", "corrected", "corrected_low", "corrected_high"]], on=["frame", "key"],
        how="left").drop(columns="key")


def _bootstrap_shares(values: np.ndarray, codes: np.ndarray, n_groups: int, *, n_boot: int, rng) -> np.ndarray:
    """Bootstrap replicates of each group's share (documents resampled within each group): (n_boot, n_groups)."""
    out = np.empty((n_boot, n_groups))
    for g in range(n_groups):
        members = values[codes == g]
        if len(members) == 0:
            out[:, g] = np.nan
            continue
        out[:, g] = rng.binomial(len(members), members.mean(), size=n_boot) / len(members)
    return out


def frames_by_group(corpus: pd.DataFrame, frames, *, by: str = "outlet_group", reference=None,
                    min_total: int = MIN_TOTAL, n_boot: int = 2000, confidence: float = 0.95,
                    random_state=0) -> pd.DataFrame:
    """Frame x group shares, and each group's difference from a reference group, with bootstrap intervals.

    Parameters
    ----------
    corpus : corpus table with the column ``by`` (an outlet group: ``outlet_type``, a country, the
        demo's ``truth_outlet_group``...). Documents without a value are left out.
    frames : DataFrame of 0/1 columns aligned with ``corpus``.
    reference : optional
        The group the others are compared with; default the largest group.
    min_total : int, default=MIN_TOTAL
        Groups with fewer documents are kept but marked ``reliable=False`` and get no difference.

    Returns
    -------
    DataFrame: frame, group, n, total, share, low, high, diff (percentage points against the
    reference), diff_low, diff_high, reliable. ``attrs``: reference, by, confidence, n_boot.

    Examples
    --------
    >>> corpus = pd.DataFrame({"group": ["a"] * 40 + ["b"] * 40})
    >>> frames = pd.DataFrame({"legality": [1] * 30 + [0] * 10 + [1] * 10 + [0] * 30})
    >>> table = frames_by_group(corpus, frames, by="group", reference="b", n_boot=500)
    >>> table[["group", "share", "diff"]].values.tolist()
    [['a', 0.75, 50.0], ['b', 0.25, 0.0]]
    """
    table = frame_table(frames, corpus)
    if by not in corpus:
        raise ValueError(f"the corpus has no column {by!r}: give `by` the column of outlet groups")
    keep = corpus[by].notna().to_numpy()
    groups = corpus.loc[keep, by].astype(str)
    order = groups.value_counts(sort=True).index.tolist()
    reference = order[0] if reference is None else str(reference)
    if reference not in order:
        raise ValueError(f"reference {reference!r} is not a value of {by!r}: {', '.join(order)}")
    names = sorted(order)
    codes = pd.Categorical(groups, categories=names).codes
    rng = np.random.default_rng(random_state)
    alpha = (1 - confidence) / 2
    rows = []
    for frame in table.columns:
        values = table.loc[keep, frame].to_numpy()
        boot = _bootstrap_shares(values, codes, len(names), n_boot=n_boot, rng=rng)
        ref = boot[:, names.index(reference)]
        for g, name in enumerate(names):
            members = values[codes == g]
            total = len(members)
            share = members.mean() if total else np.nan
            diffs = 100 * (boot[:, g] - ref)
            reliable = total >= min_total
            rows.append({"frame": frame, "group": name, "n": int(members.sum()), "total": total, "share": share,
                         "low": np.nanquantile(boot[:, g], alpha), "high": np.nanquantile(boot[:, g], 1 - alpha),
                         "diff": 100 * (share - values[codes == names.index(reference)].mean()) if reliable else np.nan,
                         "diff_low": np.quantile(diffs, alpha) if reliable else np.nan,
                         "diff_high": np.quantile(diffs, 1 - alpha) if reliable else np.nan,
                         "reliable": reliable})
    out = pd.DataFrame(rows)
    out.attrs.update(reference=reference, by=by, confidence=confidence, n_boot=n_boot)
    return out


def _period_labels(published: pd.Series, periods) -> pd.Series:
    """Each document's period: a pandas frequency ("Q", "M") or cut dates ("2024-10-18": before/from it)."""
    when = pd.to_datetime(published, utc=True)
    if isinstance(periods, str) and not periods[:1].isdigit():
        return when.dt.tz_localize(None).dt.to_period(periods).astype(str)
    cuts = sorted(pd.to_datetime(pd.Index([periods] if isinstance(periods, str) else list(periods)), utc=True))
    labels = np.full(len(when), f"before {cuts[0]:%Y-%m-%d}", dtype=object)
    for cut in cuts:
        labels[(when >= cut).to_numpy()] = f"from {cut:%Y-%m-%d}"
    return pd.Series(labels, index=published.index).where(when.notna())


def _design(data: pd.DataFrame, terms: dict) -> pd.DataFrame:
    """Intercept plus treatment dummies of each term (its reference level left out)."""
    import statsmodels.api as sm

    parts = []
    for column, reference in terms.items():
        levels = [reference] + sorted(set(data[column]) - {reference})
        dummies = pd.get_dummies(pd.Categorical(data[column], categories=levels), prefix=column, prefix_sep="=",
                                 dtype=float).iloc[:, 1:]
        dummies.index = data.index
        parts.append(dummies)
    return sm.add_constant(pd.concat(parts, axis=1), has_constant="add")


def _separated(y: np.ndarray, data: pd.DataFrame, terms: dict) -> str | None:
    """Why a logistic model cannot be estimated (a level in which every document has, or lacks, the frame)."""
    if y.min() == y.max():
        return "not estimable: the frame is constant"
    for term in terms:
        for level, values in pd.Series(y, index=data.index).groupby(data[term].to_numpy()):
            if values.min() == values.max():
                has = "has" if values.iloc[0] else "lacks"
                return f"not estimable: every document of {term} {level!r} {has} the frame (perfect separation)"
    return None


def _fit_effects(y: np.ndarray, design: pd.DataFrame, confidence: float) -> pd.DataFrame | str:
    """Average marginal effects (discrete changes of the dummies), or why the model cannot be estimated."""
    import warnings

    import statsmodels.api as sm
    from statsmodels.tools.sm_exceptions import PerfectSeparationError, PerfectSeparationWarning

    with warnings.catch_warnings():
        warnings.simplefilter("error", PerfectSeparationWarning)
        try:
            result = sm.Logit(y, design).fit(disp=0, maxiter=200)
        except (PerfectSeparationError, PerfectSeparationWarning, np.linalg.LinAlgError):
            return "not estimable: some group or period always or never has the frame (perfect separation)"
    if not result.mle_retvals.get("converged", True):
        return "not estimable: the model did not converge"
    effects = result.get_margeff(at="overall", dummy=True).summary_frame(alpha=1 - confidence)
    return effects.rename(columns={"dy/dx": "effect", "Std. Err.": "se", "Pr(>|z|)": "p",
                                   "Conf. Int. Low": "low", "Cont. Int. Hi.": "high"})[["effect", "se", "p", "low", "high"]]


def _model_terms(data: pd.DataFrame, terms: list, *, reference, min_total: int, group: str):
    """The documents and terms a model can use, each term's reference level, and what was left out:
    levels under ``min_total`` documents, and terms with a single level (nothing to compare)."""
    left_out = []
    for term in terms:  # levels too small to estimate anything about
        counts = data[term].value_counts()
        small = counts.index[counts < min_total].tolist()
        left_out += [f"{term} {level!r} ({counts[level]} documents)" for level in small]
        data = data[~data[term].isin(small)]
    single = [term for term in terms if data[term].nunique() < 2]
    left_out += [f"{term}: one level only ({', '.join(map(str, data[term].unique()))})" for term in single]
    chosen = {}
    for term in (t for t in terms if t not in single):
        counts = data[term].value_counts()
        # the earliest period, and the reference (default: the largest) group
        chosen[term] = sorted(data[term].unique())[0] if term == "period" else str(reference or counts.index[0])
    if "group" in chosen and chosen["group"] not in set(data["group"]):
        raise ValueError(f"reference {chosen['group']!r} is not a value of {group!r}")
    return data, chosen, left_out


def frame_effects(corpus: pd.DataFrame, frames, *, group: str = "outlet_group", periods=None, reference=None,
                  min_total: int = MIN_TOTAL, confidence: float = 0.95) -> pd.DataFrame:
    """Effects of outlet group (and period) on each frame: a logistic model per frame, in percentage points.

    For each frame, ``frame ~ group [+ period]`` is fitted by maximum likelihood (statsmodels
    ``Logit``) and reported as average marginal effects: the change in the probability that a
    document carries the frame when it comes from this group rather than the reference group
    (holding the period mix), in percentage points with its ``confidence`` interval. A group or
    period that always or never carries the frame makes the model inestimable (perfect separation):
    the row says so instead of printing an infinite effect.

    Parameters
    ----------
    corpus : corpus table with the column ``group`` (and ``published`` when ``periods`` is given).
    frames : DataFrame of 0/1 columns aligned with ``corpus``.
    group : str, default="outlet_group"
    periods : str or list of dates, optional
        A pandas frequency ("Q") for period fixed effects, or cut dates ("2024-10-18": documents
        before and from it) to ask "did it change after ...?". None: group only.
    reference : optional
        The reference group; default the largest.
    min_total : int, default=MIN_TOTAL
        Groups and periods with fewer documents are left out of the model (``attrs["left_out"]``
        lists them): two documents of one outlet group would make every frame inestimable.
    confidence : float, default=0.95

    Returns
    -------
    DataFrame: frame, term ("group" or "period"), level, effect (points), low, high, p, n, note.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> corpus = pd.DataFrame({"outlet_group": ["state"] * 300 + ["west"] * 300})
    >>> frames = pd.DataFrame({"partnership": np.r_[rng.random(300) < 0.6, rng.random(300) < 0.2].astype(int)})
    >>> effects = frame_effects(corpus, frames, reference="west")
    >>> row = effects.iloc[0]
    >>> row["level"], bool(30 < row["effect"] < 50), bool(row["low"] < row["effect"] < row["high"])
    ('state', True, True)
    """
    table = frame_table(frames, corpus)
    if group not in corpus:
        raise ValueError(f"the corpus has no column {group!r}: give `group` the column of outlet groups")
    data = pd.DataFrame({"group": corpus[group].astype("string")}, index=corpus.index)
    terms = {"group": None}
    if periods is not None:
        data["period"] = _period_labels(corpus["published"], periods)
        terms["period"] = None
    data, terms, left_out = _model_terms(data.dropna(), list(terms), reference=reference, min_total=min_total,
                                         group=group)
    design = _design(data, terms) if terms else None
    rows = []
    for frame in table.columns:
        y = table.loc[data.index, frame].to_numpy()
        fitted = (_separated(y, data, terms) or _fit_effects(y, design, confidence) if terms else
                  f"not estimable: {'; '.join(left_out) or 'no documents'}")
        if isinstance(fitted, str):
            rows.append({"frame": frame, "term": "", "level": "", "n": len(y), "note": fitted})
            continue
        for name, values in fitted.iterrows():
            term, level = str(name).split("=", 1)
            rows.append({"frame": frame, "term": term, "level": level, "effect": 100 * values["effect"],
                         "low": 100 * values["low"], "high": 100 * values["high"], "p": values["p"], "n": len(y),
                         "note": f"against {terms[term]}"})
    out = pd.DataFrame(rows, columns=["frame", "term", "level", "effect", "low", "high", "p", "n", "note"])
    out.attrs.update(reference=terms, confidence=confidence, left_out=left_out)
    return out


def validate_frames(predicted: pd.DataFrame, truth: pd.DataFrame) -> pd.DataFrame:
    """Precision, recall and F1 of a frame measurement against hand codes, per frame.

    Parameters
    ----------
    predicted, truth : DataFrames of 0/1 indexed by ``doc_id``, one column per frame; compared on
        the documents and frames both hold (a code left blank, NaN, leaves that document out for
        that frame).

    Returns
    -------
    DataFrame: frame, n (documents compared), coded (the coder's positives), predicted, precision,
    recall, f1 (NaN where undefined: no positive on one side).

    Examples
    --------
    >>> truth = pd.DataFrame({"legality": [1, 1, 0, 0]}, index=list("abcd"))
    >>> guess = pd.DataFrame({"legality": [1, 0, 1, 0]}, index=list("abcd"))
    >>> validate_frames(guess, truth)[["frame", "precision", "recall", "f1"]].values.tolist()
    [['legality', 0.5, 0.5, 0.5]]
    """
    docs = predicted.index.intersection(truth.index)
    rows = []
    for frame in [f for f in predicted.columns if f in truth.columns]:
        coded = pd.to_numeric(truth.loc[docs, frame], errors="coerce")
        keep = coded.notna().to_numpy()
        y, p = coded.to_numpy()[keep].astype(int), predicted.loc[docs, frame].to_numpy()[keep].astype(int)
        hits = int((y & p).sum())
        precision = hits / p.sum() if p.sum() else np.nan
        recall = hits / y.sum() if y.sum() else np.nan
        f1 = 2 * precision * recall / (precision + recall) if precision + recall > 0 else np.nan
        rows.append({"frame": frame, "n": int(keep.sum()), "coded": int(y.sum()), "predicted": int(p.sum()),
                     "precision": precision, "recall": recall, "f1": f1})
    return pd.DataFrame(rows, columns=["frame", "n", "coded", "predicted", "precision", "recall", "f1"])


def describe_effect(effects: pd.DataFrame, *, group: str = "outlet group", alpha: float = 0.05) -> str:
    """The largest group effect of :func:`frame_effects` as a sentence for a paper, with its interval.

    Examples
    --------
    >>> effects = pd.DataFrame({"frame": ["partnership"], "term": ["group"], "level": ["RU"], "effect": [41.2],
    ...                         "low": [35.0], "high": [47.4], "p": [0.0001], "n": [900], "note": ["against US"]})
    >>> effects.attrs["confidence"] = 0.95
    >>> describe_effect(effects, group="outlet_country")
    'outlet_country RU used the partnership frame 41.2 points more often than outlet_country US (95% CI 35.0 to 47.4, p < 0.001; n = 900), for the same mix of periods.'
    """
    if not (effects["term"] == "group").any():
        why = "; ".join(effects.attrs.get("left_out", [])) or "no model could be fitted"
        return f"No comparison between {group}s is possible here ({why})."
    rows = effects[(effects["term"] == "group") & (effects["p"] < alpha)].dropna(subset=["effect"])
    if rows.empty:
        return f"No {group} differs from the reference group in any frame at the {alpha:.0%} level."
    row = rows.loc[rows["effect"].abs().idxmax()]
    reference = str(row["note"]).removeprefix("against ")
    more = "more" if row["effect"] > 0 else "less"
    low, high = sorted((abs(row["low"]), abs(row["high"]))) if row["high"] < 0 else (row["low"], row["high"])
    p = "p < 0.001" if row["p"] < 0.001 else f"p = {row['p']:.3f}"
    confidence = effects.attrs.get("confidence", 0.95)
    return (f"{group} {row['level']} used the {row['frame']} frame {abs(row['effect']):.1f} points {more} often than "
            f"{group} {reference} ({confidence:.0%} CI {low:.1f} to {high:.1f}, {p}; n = {int(row['n']):,}), "
            "for the same mix of periods.")
