"""Coverage over time: attention (raw and normalised), clusters, outlets, actor co-occurrence.

Every table here comes from one period grid, :func:`counts_by_period`: one row per period (and
group), every period between the first and last dated document, zeros included, a ``total``
denominator (all documents of the period, or of the period and group with ``by=``), a
``share``, a ``reliable`` flag (the denominator reaches ``min_total``: below it a share is noise,
one relevant item of 18 is not a peak), and a ``partial`` flag on the first and last periods when
the corpus starts or ends inside them. Undated documents are left out and counted in
``table.attrs["undated"]``.

The rules every chart over time obeys live here, so each chart inherits them:

- every period between the first and last dated document, zeros kept (:func:`counts_by_period`);
- partial periods at the edges flagged, for every frequency (``partial``);
- shares with their denominator (``total``) and small denominators flagged (``reliable``,
  :func:`is_reliable`, ``attrs["min_total"]``);
- changes in collection volume found (:func:`collection_changes`: a feed added or lost);
- rates per outlet (or any group) with a Wilson interval and a minimum n, ranked by the
  interval's lower bound, never on n = 1 (:func:`rates_by_group`).

Examples
--------
>>> from analysis.demo import load_demo
>>> demo = load_demo(500)  # SIMULATED
>>> about = demo["truth_story"].str.startswith("background").eq(False)
>>> table = attention_over_time(demo, about, freq="M")
>>> bool((table["n"] <= table["total"]).all()), bool(table["n"].sum() == about[demo["published"].notna()].sum())
(True, True)
"""
from __future__ import annotations

import itertools
import math
from statistics import NormalDist

import numpy as np
import pandas as pd

NOT_COUNTED = -1  # the code of a document in no group: left out of ``n``, kept in ``total``
MIN_TOTAL = 20  # a period (or outlet) with fewer documents gives a share that is noise


def _group_codes(codes, n_docs: int) -> tuple[np.ndarray, bool]:
    """Integer group codes (NOT_COUNTED for NaN and negatives), and whether ``codes`` was a mask."""
    values = np.asarray(codes)
    if len(values) != n_docs:
        raise ValueError(f"codes has {len(values)} values for {n_docs} documents: one per document is needed")
    if values.dtype == bool:
        return np.where(values, 0, NOT_COUNTED).astype(np.int64), True
    if values.dtype.kind not in "iu":
        values = pd.to_numeric(pd.Series(values)).to_numpy(dtype=np.float64, na_value=np.nan)
        values = np.where(np.isnan(values), NOT_COUNTED, values)
    return np.where(values < 0, NOT_COUNTED, values).astype(np.int64), False


def _is_partial(table: pd.DataFrame, published: pd.Series) -> pd.Series:
    """Periods that start before the first dated day or end after the last: the corpus covers part of them."""
    first, last = published.min().tz_localize(None), published.max().tz_localize(None)
    last_day_end = last.normalize() + pd.Timedelta(days=1) - pd.Timedelta(1)
    return (table["period_start"] < first.normalize()) | (table["period_end"] > last_day_end)


def _edges_and_collection(table: pd.DataFrame, published: pd.Series, collected: dict | None, freq: str) -> None:
    """Fill ``partial`` and, for a filtered corpus (``collected``: documents per day of the whole collection),
    ``collected``: the edges and the volume are the whole collection's, not the matches'."""
    if not collected:
        table["partial"] = _is_partial(table, published)
        return
    days = pd.to_datetime(pd.Series(list(collected)), utc=True)
    per_period = pd.Series(list(collected.values()), index=days.dt.tz_localize(None).dt.to_period(freq).dt.start_time)
    table["collected"] = table["period_start"].map(per_period.groupby(level=0).sum()).fillna(0).astype("int64")
    table["partial"] = _is_partial(table, days)


def _mark_events(table: pd.DataFrame, events: pd.DataFrame | None) -> None:
    """Fill ``table["events"]`` with the labels of the events inside each period ("; " between)."""
    table["events"] = ""
    if events is None or not len(events):
        return
    dates = pd.to_datetime(events["date"], utc=True).dt.tz_localize(None)
    for date, label in zip(dates, events["label"].astype(str)):
        inside = (table["period_start"] <= date) & (date <= table["period_end"])
        table.loc[inside, "events"] = np.where(table.loc[inside, "events"] == "", label,
                                               table.loc[inside, "events"] + "; " + label)


#: The periods ``freq="auto"`` tries, finest first (days only on request: two years of them are unreadable).
AUTO_FREQS = ("W", "M", "Q")
#: ``freq="auto"``: the share of the documents that must fall in periods of at least ``min_total``.
AUTO_COVERED = 0.7


def choose_freq(published, min_total: int = MIN_TOTAL, candidates=AUTO_FREQS, covered: float = AUTO_COVERED) -> str:
    """The finest period in which most documents (``covered``) fall in periods of ``min_total`` or more.

    Shares per period are only worth drawing where their denominators are: a query of 600 matches
    over a year gives most weeks 5 to 10 documents, whose shares are noise; its months are
    readable. Counted by documents, not by periods, because news comes in bursts: coverage that is
    quiet most weeks and busy in a few has most of its documents in the busy weeks, which are worth
    reading week by week (the quiet ones are drawn hollow).

    Examples
    --------
    >>> every_6h = pd.Series(pd.date_range("2024-01-01", periods=600, freq="6h", tz="UTC"))  # 28 a week
    >>> choose_freq(every_6h), choose_freq(every_6h[::8])  # every 8th: 3.5 a week, 15 a month
    ('W', 'Q')
    """
    dated = pd.to_datetime(pd.Series(published), utc=True).dropna().dt.tz_localize(None)
    if dated.empty:
        return candidates[-1]
    for freq in candidates:
        counts = dated.dt.to_period(freq).value_counts()
        if counts[counts >= min_total].sum() >= covered * counts.sum():
            return freq
    return candidates[-1]


def counts_by_period(corpus: pd.DataFrame, codes, *, freq: str = "W", by: str | None = None,
                     events: pd.DataFrame | None = None, name: str = "group", min_total: int = MIN_TOTAL):
    """Documents per period and group, on a grid with every period, zeros kept, and denominators.

    The one period grid behind every chart over time (clusters, attention, languages, outlets).

    Parameters
    ----------
    corpus : DataFrame with ``published`` (UTC; undated documents left out, counted in ``attrs["undated"]``).
    codes : array-like of int, or boolean mask, aligned with ``corpus``
        The group of each document (a cluster id, a factorized value). NaN or a negative code:
        in no group, so not in ``n``, but still in the period's ``total``. A boolean mask is one
        group (the True documents) and the table has no group column.
    freq : {"D", "W", "M", "auto"} or any pandas period alias, default="W" (weeks start on Monday);
        "auto": :func:`choose_freq`.
    by : str, optional
        A column (``outlet``, ``language``): counts and denominators per value of it, so a share
        reads "of this outlet's coverage that week". Documents without a value are left out.
    events : DataFrame, optional
        Columns ``date`` and ``label`` (the timeline); each period lists the events inside it.
    name : str, default="group": the name of the group column (``cluster``, ``frame``, ...).
    min_total : int, default=MIN_TOTAL (20): the smallest denominator whose share is worth reading.

    Returns
    -------
    DataFrame: period_start, period_end, [by], [name], n, total, share, reliable, partial, events
    [, collected]. Every period from the first to the last dated document appears with every group present
    among the dated documents (and every value of ``by``), zeros included. ``total`` is the
    number of dated documents in the period (and value of ``by``), ``share`` is ``n / total``
    (0 when the total is 0), ``reliable`` is ``total >= min_total``. ``partial`` is True for the
    first and last periods when the corpus starts or ends inside them: their counts are not
    comparable. A filtered corpus (``attrs["collected_per_day"]``, and ``by`` None) adds ``collected``,
    the whole collection's documents, and has its edges judged on the collection (:func:`_edges_and_collection`).
    ``attrs``: undated, freq, min_total, by.

    Examples
    --------
    >>> corpus = pd.DataFrame({"published": pd.to_datetime(["2024-06-19", "2024-06-20", "2024-07-02"], utc=True)})
    >>> table = counts_by_period(corpus, [0, -1, 0], freq="W", name="cluster")  # -1: in no cluster
    >>> print(table[["period_start", "cluster", "n", "total", "share", "partial"]].to_string(index=False))
    period_start  cluster  n  total  share  partial
      2024-06-17        0  1      2    0.5     True
      2024-06-24        0  0      0    0.0    False
      2024-07-01        0  1      1    1.0     True
    >>> counts_by_period(corpus, [True, False, False], freq="M", min_total=2)["reliable"].tolist()
    [True, False]
    """
    codes, is_mask = _group_codes(codes, len(corpus))
    frame = pd.DataFrame({"published": pd.to_datetime(corpus["published"].to_numpy(), utc=True), name: codes})
    if by is not None:
        frame[by] = corpus[by].to_numpy()
    undated = int(frame["published"].isna().sum())
    frame = frame.dropna(subset=["published"])
    if frame.empty:
        raise ValueError("no dated documents: counts over time need a `published` date")
    if freq == "auto":
        freq = choose_freq(frame["published"], min_total)
    naive_utc = frame["published"].dt.tz_convert("UTC").dt.tz_localize(None)
    frame["period_start"] = naive_utc.dt.to_period(freq).dt.start_time
    keys = ["period_start"] + ([by] if by else [])
    counted = frame[frame[name] != NOT_COUNTED]
    all_periods = pd.period_range(frame["period_start"].min(), frame["period_start"].max(), freq=freq)
    key_levels = [pd.Index(all_periods.start_time, name="period_start")]
    if by:
        key_levels.append(pd.Index(sorted(frame[by].dropna().unique()), name=by))
    groups = pd.Index([0] if is_mask else sorted(counted[name].unique()), name=name)
    grid = pd.MultiIndex.from_product(key_levels + [groups])
    table = counted.groupby(keys + [name], sort=True).size().rename("n").reindex(grid, fill_value=0).reset_index()
    key_grid = pd.MultiIndex.from_product(key_levels) if by else key_levels[0]
    totals = frame.groupby(keys, sort=True).size().reindex(key_grid, fill_value=0)
    table["total"] = np.repeat(totals.to_numpy(), len(groups))  # the grid runs through groups innermost
    table["share"] = np.where(table["total"] > 0, table["n"] / table["total"].where(table["total"] > 0, 1), 0.0)
    table["reliable"] = table["total"] >= min_total
    table.insert(1, "period_end", table["period_start"].map(dict(zip(all_periods.start_time, all_periods.end_time))))
    _edges_and_collection(table, frame["published"], corpus.attrs.get("collected_per_day") if by is None else None, freq)
    _mark_events(table, events)
    if is_mask:
        table = table.drop(columns=name)
    table.attrs.update(undated=undated, freq=freq, min_total=min_total, by=by)
    return table


def clusters_over_time(corpus: pd.DataFrame, labels, *, freq="W", by=None, events=None, min_total: int = MIN_TOTAL
                       ) -> pd.DataFrame:
    """Documents per cluster and period, with the share of the period's coverage.

    Parameters
    ----------
    corpus : DataFrame with ``published`` (undated documents are counted in ``attrs["undated"]``).
    labels : array of cluster ids, aligned with ``corpus`` (noise -1 is kept as its own row).
    freq, by, events, min_total : as :func:`counts_by_period`.

    Returns
    -------
    DataFrame: period_start, period_end, [by], cluster, n, total, share, reliable, partial, events
    (see :func:`counts_by_period`): every (period, cluster) pair, zeros included.

    Examples
    --------
    >>> corpus = pd.DataFrame({"published": pd.to_datetime(["2024-06-19", "2024-06-20", "2024-06-27"], utc=True)})
    >>> table = clusters_over_time(corpus, [0, 1, 0], freq="W")
    >>> table[["cluster", "n", "total", "share", "partial"]].values.tolist()
    [[0, 1, 2, 0.5, True], [1, 1, 2, 0.5, True], [0, 1, 1, 1.0, True], [1, 0, 1, 0.0, True]]
    """
    # HDBSCAN's noise (-1) is a cluster row of its own here, while counts_by_period leaves
    # negative codes out: shift the ids past it and back
    shifted = np.asarray(labels, dtype=np.int64) + 1
    table = counts_by_period(corpus, shifted, freq=freq, by=by, events=events, name="cluster", min_total=min_total)
    table["cluster"] -= 1
    return table


def attention_over_time(corpus: pd.DataFrame, mask=None, *, freq: str = "W", by: str | None = None,
                        events: pd.DataFrame | None = None, min_total: int = MIN_TOTAL) -> pd.DataFrame:
    """Documents matching ``mask`` per period: ``n`` (raw), ``total`` (all documents), ``share``, ``reliable``.

    Parameters
    ----------
    corpus : corpus table with ``published``.
    mask : boolean array-like, optional
        The coverage of interest (a query, relevance above a threshold); all documents when None.
    freq : pandas period alias, default="W"
    by : str, optional
        A column (``outlet``, ``language``): counts and denominators per value.
    events : DataFrame with ``date`` and ``label``, optional
    min_total : int, default=MIN_TOTAL
        Periods with fewer documents in all get ``reliable`` False: their share is not drawn as a value.
    """
    mask = np.ones(len(corpus), dtype=bool) if mask is None else np.asarray(mask, dtype=bool)
    return counts_by_period(corpus, mask, freq=freq, by=by, events=events, min_total=min_total)


def is_reliable(table: pd.DataFrame, min_total: int | None = None) -> pd.Series:
    """Rows whose denominator reaches ``min_total`` (a share from fewer documents is noise).

    Uses the table's ``reliable`` column when ``min_total`` is not given, else ``total >=
    min_total`` (``attrs["min_total"]``, else :data:`MIN_TOTAL`), so tables made before the
    column existed, or cut down to a few columns, obey the same rule.

    Examples
    --------
    >>> table = pd.DataFrame({"total": [18, 400, 0]})
    >>> is_reliable(table).tolist(), is_reliable(table, 10).tolist()
    ([False, True, False], [True, True, False])
    """
    if min_total is None and "reliable" in table:
        return table["reliable"].astype(bool)
    threshold = table.attrs.get("min_total", MIN_TOTAL) if min_total is None else min_total
    return table["total"] >= threshold


def period_totals(table: pd.DataFrame) -> pd.DataFrame:
    """All documents per period of a grid table (summed over ``by`` values), with its ``partial`` flag.

    Examples
    --------
    >>> corpus = pd.DataFrame({"published": pd.to_datetime(["2024-01-10", "2024-01-11", "2024-03-05"], utc=True),
    ...                        "outlet": ["a", "b", "b"]})
    >>> table = counts_by_period(corpus, [0, 1, 1], freq="M", by="outlet")
    >>> period_totals(table)["total"].tolist()
    [2, 0, 1]
    """
    by = table.attrs.get("by")
    keys = ["period_start"] + ([by] if by in table.columns else [])
    cells = table.drop_duplicates(keys)
    sums = {"total": ("total", "sum"), "partial": ("partial", "any")}
    if "collected" in cells:
        sums["collected"] = ("collected", "max")
    totals = cells.groupby("period_start", sort=True).agg(**sums)
    return totals.reset_index()


def collection_changes(table: pd.DataFrame, *, factor: float = 3.0, window: int = 6, persist: int = 3,
                       min_history: int = 2, min_total: int | None = None) -> pd.DataFrame:
    """Periods where the volume collected jumps or drops ``factor``-fold: a feed added or lost, or a burst.

    Each complete period's volume (``collected``, the whole collection's documents, when the table
    has it; else ``total``, all documents of the table, not only the matches) is compared with the
    median of up to ``window`` complete periods before it; partial edge periods are skipped. The
    change must last: for a rise, the period and each of the ``persist - 1`` after it must cross
    the factor, so a one- or two-week burst of news is not taken for a new feed (a burst lasting
    ``persist`` periods is flagged: the note on a chart says "or a burst"); for a drop, the period
    and the median of the ``persist`` periods from it (two empty months are an outage). After a change the
    history restarts at it (one period of the new level is enough to compare with), so a step is
    flagged once, not for every period after it. Changes among small numbers are left alone: a
    rise must reach ``min_total`` documents, a drop must come from a median of at least
    ``min_total``.

    Parameters
    ----------
    table : a period-grid table (``period_start``, ``total``, ``partial``), e.g. from
        :func:`attention_over_time` or :func:`counts_over_time`.
    factor : float, default=3.0
        A rise to ``factor`` times the median, or a drop to ``1 / factor`` of it, is a change.
    window : int, default=6
        Periods of history in the median.
    persist : int, default=3
        Periods (this one and the next) whose median must cross the factor as well.
    min_history : int, default=2
        Complete periods needed before the first comparison (after a change, one).
    min_total : int, optional
        Default ``table.attrs["min_total"]`` (else :data:`MIN_TOTAL`).

    Returns
    -------
    DataFrame: period_start, total, baseline (the median it is compared with), level (the
    median of the ``persist`` periods from it), ratio (level / baseline), change ("rise" or
    "drop"). Empty when the volume is steady.

    Examples
    --------
    >>> days = pd.to_datetime(["2024-01-15"] * 80 + ["2024-02-15"] * 90 + ["2024-03-15"] * 85
    ...                       + ["2024-04-15"] * 1000 + ["2024-05-15"] * 950, utc=True)
    >>> table = attention_over_time(pd.DataFrame({"published": days}), freq="M")  # January and May: partial
    >>> print(collection_changes(table)[["period_start", "total", "baseline", "change"]].to_string(index=False))
    period_start  total  baseline change
      2024-04-01   1000      87.5   rise
    """
    threshold = table.attrs.get("min_total", MIN_TOTAL) if min_total is None else min_total
    complete = period_totals(table)
    complete = complete[~complete["partial"]]
    volume = "collected" if "collected" in complete else "total"  # a query's matches are not the collection
    totals, rows, history = complete[volume].to_numpy(dtype=float), [], []
    for i, start in enumerate(complete["period_start"]):
        recent = history[-window:]
        if len(recent) >= (min_history if not rows else 1):  # after a change, its level is the history
            baseline, ahead = float(np.median(recent)), totals[i:i + persist]
            level = float(np.median(ahead))
            # a rise must hold in every one of the ``persist`` periods: a two-week burst (65, 185, 5) is news,
            # not a feed added; a drop only in most of them: two months with nothing collected are an outage
            rise = _ratio(ahead.min(), baseline) >= factor and ahead.min() >= threshold
            drop = max(_ratio(totals[i], baseline), _ratio(level, baseline)) <= 1 / factor and baseline >= threshold
            ratio = _ratio(level, baseline)
            if rise or drop:
                rows.append((start, int(totals[i]), baseline, level, ratio, "rise" if rise else "drop"))
                history = []
        history.append(totals[i])
    return pd.DataFrame(rows, columns=["period_start", "total", "baseline", "level", "ratio", "change"])


def _ratio(value: float, baseline: float) -> float:
    return value / baseline if baseline > 0 else (math.inf if value > 0 else 1.0)


def wilson_interval(n, total, *, confidence: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval of the proportion ``n / total`` (NaN where ``total`` is 0).

    Unlike ``share ± 1.96·se`` it stays inside [0, 1] and is wide for small ``total``: one
    article out of one gives 0.21 to 1, not a certain 100 %.

    Examples
    --------
    >>> low, high = wilson_interval([1, 40], [1, 100])
    >>> np.round(low, 2).tolist(), np.round(high, 2).tolist()
    ([0.21, 0.31], [1.0, 0.5])
    """
    n, total = np.asarray(n, dtype=float), np.asarray(total, dtype=float)
    z = NormalDist().inv_cdf(0.5 + confidence / 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = n / total
        centre = (p + z * z / (2 * total)) / (1 + z * z / total)
        half = z * np.sqrt(p * (1 - p) / total + z * z / (4 * total * total)) / (1 + z * z / total)
    low = np.where(n == 0, 0.0, np.clip(centre - half, 0, 1))  # exact at the ends, not 1e-17 off
    high = np.where(n == total, 1.0, np.clip(centre + half, 0, 1))
    return np.where(total > 0, low, np.nan), np.where(total > 0, high, np.nan)


def rates_by_group(table: pd.DataFrame, by: str = "outlet", *, n: str = "n", total: str = "total",
                   min_total: int = MIN_TOTAL, confidence: float = 0.95, pool: bool = True) -> pd.DataFrame:
    """A rate per group (outlet, language) with its Wilson interval, never ranked on a handful of documents.

    Rows of ``table`` are summed per value of ``by`` (a period-grid table per outlet sums to the
    outlet's whole coverage). Groups with at least ``min_total`` documents are ranked by the lower
    bound of their interval (a share of 1/1 = 100 % does not come first); the rest are pooled into
    one row (``pool=True``: "(k outlets with fewer than 20 documents)") or listed after, by n.

    Returns
    -------
    DataFrame: by, n, total, share, low, high, reliable; ``attrs``: min_total, confidence, pooled
    (the groups pooled).

    Examples
    --------
    >>> table = pd.DataFrame({"outlet": ["a", "b", "c", "d"], "n": [1, 30, 12, 0], "total": [1, 100, 25, 3]})
    >>> rates = rates_by_group(table, "outlet")
    >>> rates[["outlet", "n", "total", "reliable"]].values.tolist()
    [['c', 12, 25, True], ['b', 30, 100, True], ['(2 outlets with fewer than 20 documents)', 1, 4, False]]
    """
    sums = table.groupby(by, sort=True)[[n, total]].sum().reset_index()
    sums.columns = [by, "n", "total"]
    small = sums["total"] < min_total
    pooled = sums.loc[small, by].astype(str).tolist()
    if pool and small.any():
        label = f"({int(small.sum())} {by}s with fewer than {min_total} documents)"
        sums = pd.concat([sums[~small], pd.DataFrame({by: [label], "n": [sums.loc[small, "n"].sum()],
                                                      "total": [sums.loc[small, "total"].sum()]})],
                         ignore_index=True)
    sums["share"] = np.where(sums["total"] > 0, sums["n"] / sums["total"].where(sums["total"] > 0, 1), np.nan)
    sums["low"], sums["high"] = wilson_interval(sums["n"], sums["total"], confidence=confidence)
    sums["reliable"] = sums["total"] >= min_total
    if pool and small.any():
        sums.loc[sums.index[-1], "reliable"] = False  # the pooled row: many small groups, not one group's rate
    ranked = pd.concat([sums[sums["reliable"]].sort_values(["low", "n"], ascending=False, kind="stable"),
                        sums[~sums["reliable"]].sort_values("n", ascending=False, kind="stable")], ignore_index=True)
    ranked.attrs.update(min_total=min_total, confidence=confidence, pooled=pooled)
    return ranked


def outlet_attributes(corpus: pd.DataFrame) -> pd.DataFrame:
    """Type and country of each document's outlet from the outlet registry ("unknown" when absent).

    On the SIMULATED demo corpus (a table with planted-truth columns, ``truth_*`` as
    :func:`analysis.demo.load_demo` makes them or ``src_truth_*`` when the demo's file was
    ingested) the demo's own outlets (:func:`analysis.demo.demo_outlets`) are known too; where
    both name an outlet, the registry wins. On any other corpus only the registry counts.

    Examples
    --------
    >>> corpus = pd.DataFrame({"outlet": ["The Guardian", "Nowhere Daily"]})
    >>> outlet_attributes(corpus)[["outlet_type", "outlet_country"]].to_numpy().tolist()
    [['newspaper', 'GB'], ['unknown', 'unknown']]
    """
    from .registry import OutletRegistry

    tables = [OutletRegistry.default().table[["outlet", "type", "country"]]]
    if any(str(c).startswith(("truth_", "src_truth_")) for c in corpus.columns):
        from .demo import demo_outlets

        tables.append(demo_outlets()[["outlet", "type", "country"]])
    known = pd.concat(tables).drop_duplicates("outlet").set_index("outlet")
    outlets = corpus["outlet"].astype("str")
    return pd.DataFrame({"outlet": outlets.to_numpy(),
                         "outlet_type": outlets.map(known["type"]).fillna("unknown").to_numpy(),
                         "outlet_country": outlets.map(known["country"]).fillna("unknown").to_numpy()},
                        index=corpus.index)


def counts_over_time(corpus: pd.DataFrame, *, by: str = "language", freq: str = "M", top: int | None = 8,
                     min_total: int = MIN_TOTAL) -> pd.DataFrame:
    """Documents per period and value of ``by`` (language, outlet, outlet_type, outlet_country).

    Values beyond the ``top`` most frequent are pooled as ``other`` so a chart stays readable.
    Returns period_start, period_end, value, n, total, share, reliable, partial; ``attrs["by"]``
    names the column the values come from.
    """
    frame = corpus
    if by in ("outlet_type", "outlet_country") and by not in corpus:
        frame = corpus.assign(**{by: outlet_attributes(corpus)[by]})
    values = frame[by].astype("str").fillna("unknown")
    if top is not None:
        keep = values.value_counts().index[:top]
        values = values.where(values.isin(keep), "other")
    codes, uniques = pd.factorize(values, sort=True)
    table = counts_by_period(frame, codes, freq=freq, name="value", min_total=min_total)
    table.insert(2, "value", np.asarray(uniques, dtype=object)[table.pop("value").to_numpy()])
    table = table.drop(columns="events")
    table.attrs["by"] = by
    return table


def actor_cooccurrence_over_time(corpus: pd.DataFrame, *, actors=None, freq: str = "M", top: int = 6,
                                 pairs=None, actor_a: str | None = None, actor_b: str | None = None,
                                 query: str | None = None) -> pd.DataFrame:
    """Documents naming both actors of a pair, per period: the study's pairs first, then the most frequent.

    People, places and organisations count for the state they stand for (the registry's
    relations: Putin and the Kremlin for RUS, Pyongyang and the Korean People's Army for PRK),
    and a pair is of two distinct actors: never an actor with itself, its capital, its leader or
    its army (:meth:`~analysis.actors.ActorTagger.distinct`). The study's pairs are always drawn,
    with zeros where they never meet; the other pairs are the most frequent among ``actors``.

    Parameters
    ----------
    corpus : corpus table with ``published`` and the text fields.
    actors : list of str, optional
        Candidates for the frequent pairs; by default the actors that stand for no other (states,
        NATO, the UN), so a relationship appears once, not as Putin + PRK, RUS + Kim Jong Un...
    freq : pandas period alias, default="M"
    top : int, default=6
        Pairs drawn, the study's included (all of the study's are drawn, even beyond ``top``).
    pairs : list of (str, str), optional
        The study's pairs (registry ids or aliases).
    actor_a, actor_b : str, optional
        One study pair, as in notebook 02.
    query : str, optional
        The query that selected the corpus: every two of its ``actor:`` terms (outside NOT) are a
        study pair too.

    Returns
    -------
    DataFrame
        period_start, period_end, pair ("PRK + RUS"), study (bool), n, total (all documents of
        the period), share, partial, and the period grid's other columns.

    Examples
    --------
    >>> from analysis.demo import load_demo
    >>> table = actor_cooccurrence_over_time(load_demo(300), top=3, pairs=[("Russia", "North Korea")])  # SIMULATED
    >>> table.drop_duplicates("pair")[["pair", "study"]].values.tolist()[0], table["pair"].nunique()
    (['PRK + RUS', True], 3)
    """
    from .actors import ActorTagger, actor_counts
    from .query import Op, Term, parse_query

    tagger = ActorTagger(include_implied=True).fit()
    study = [tuple(p) for p in (pairs or [])] + ([(actor_a, actor_b)] if actor_a or actor_b else [])
    nodes, named = [parse_query(query)] if query else [], []
    while nodes:  # the query's actor: terms, outside NOT
        node = nodes.pop(0)
        if isinstance(node, Term) and node.field == "actor":
            named.append(node.text)
        elif isinstance(node, Op) and node.op != "NOT":
            nodes += node.children
    study += list(itertools.combinations(dict.fromkeys(tagger.resolve(n) for n in named), 2))
    chosen = []
    for a, b in study:
        if a is None or b is None:
            raise ValueError(f"a study pair needs two actors, not {a!r} and {b!r}")
        a, b = sorted((tagger.resolve(a), tagger.resolve(b)))
        if not tagger.distinct(a, b):
            raise ValueError(f"{a} and {b} are one actor in the registry's relations; a pair needs two")
        chosen += [(a, b)] if (a, b) not in chosen else []
    n_study = len(chosen)
    present = actor_counts(corpus, include_implied=True) > 0
    candidates = [tagger.resolve(a) for a in actors] if actors is not None \
        else [a for a in tagger.actors_ if not tagger.implies_[a]]
    frequent = []
    for a, b in itertools.combinations(sorted(set(candidates)), 2):
        n = int((present[a] & present[b]).sum())
        if n and tagger.distinct(a, b) and (a, b) not in chosen:
            frequent.append((-n, a, b))
    chosen += [(a, b) for _, a, b in sorted(frequent)[:max(top - n_study, 0)]]
    if not chosen:
        raise ValueError("no two distinct registry actors appear together in any document")
    tables = [attention_over_time(corpus, (present[a] & present[b]).to_numpy(), freq=freq)
              .assign(pair=f"{a} + {b}", study=k < n_study)
              for k, (a, b) in enumerate(chosen)]
    table = pd.concat(tables, ignore_index=True).drop(columns="events", errors="ignore")
    columns = ["period_start", "period_end", "pair", "study"]
    return table[columns + [c for c in table.columns if c not in columns]]
