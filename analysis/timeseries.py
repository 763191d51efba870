"""Coverage over time: attention (raw and normalised), outlets, actor co-occurrence.

Every table has one row per period (and group), zeros included, a ``total`` denominator (all
documents of the period, or of the period and group with ``by=``), a ``share``, and a
``partial`` flag on the first and last periods when the corpus starts or ends inside them.
Undated documents are left out and counted in ``table.attrs["undated"]``.

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

import numpy as np
import pandas as pd

from .cluster import clusters_over_time


def attention_over_time(corpus: pd.DataFrame, mask=None, *, freq: str = "W", by: str | None = None,
                        events: pd.DataFrame | None = None) -> pd.DataFrame:
    """Documents matching ``mask`` per period: ``n`` (raw), ``total`` (all documents), ``share``.

    Parameters
    ----------
    corpus : corpus table with ``published``.
    mask : boolean array-like, optional
        The coverage of interest (a query, relevance above a threshold); all documents when None.
    freq : pandas period alias, default="W"
    by : str, optional
        A column (``outlet``, ``language``): counts and denominators per value.
    events : DataFrame with ``date`` and ``label``, optional
    """
    mask = np.ones(len(corpus), dtype=bool) if mask is None else np.asarray(mask, dtype=bool)
    table = clusters_over_time(corpus, mask.astype(np.int64), freq=freq, by=by, events=events)
    attrs = dict(table.attrs)
    table = table[table["cluster"] == 1].drop(columns="cluster").reset_index(drop=True)
    if not mask.any():  # no matching document at all: keep the periods, with zero counts
        base = clusters_over_time(corpus, np.zeros(len(corpus), dtype=np.int64), freq=freq, by=by, events=events)
        table = base.drop(columns="cluster").assign(n=0, share=0.0)
    table.attrs.update(attrs)
    return table


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


def counts_over_time(corpus: pd.DataFrame, *, by: str = "language", freq: str = "M", top: int | None = 8
                     ) -> pd.DataFrame:
    """Documents per period and value of ``by`` (language, outlet, outlet_type, outlet_country).

    Values beyond the ``top`` most frequent are pooled as ``other`` so a chart stays readable.
    Returns period_start, period_end, value, n, total, share, partial.
    """
    frame = corpus
    if by in ("outlet_type", "outlet_country") and by not in corpus:
        frame = corpus.assign(**{by: outlet_attributes(corpus)[by]})
    values = frame[by].astype("str").fillna("unknown")
    if top is not None:
        keep = values.value_counts().index[:top]
        values = values.where(values.isin(keep), "other")
    codes, uniques = pd.factorize(values, sort=True)
    table = clusters_over_time(frame, codes, freq=freq)
    table.insert(2, "value", np.asarray(uniques, dtype=object)[table.pop("cluster").to_numpy()])
    table = table.drop(columns="events")
    table.attrs["by"] = by
    return table


def actor_cooccurrence_over_time(corpus: pd.DataFrame, *, actors=None, freq: str = "M", top: int = 6
                                 ) -> pd.DataFrame:
    """Documents naming both actors of a pair, per period, for the ``top`` most frequent pairs.

    Returns period_start, period_end, pair ("PRK + RUS"), n, total (all documents of the
    period), share, partial.
    """
    from .actors import actor_counts

    counts = actor_counts(corpus, include_implied=True) > 0
    if actors is not None:
        counts = counts[[a for a in actors if a in counts]]
    present = counts.to_numpy()
    names = counts.columns.tolist()
    pairs = []
    for i, j in itertools.combinations(range(len(names)), 2):
        both = present[:, i] & present[:, j]
        if both.any():
            pairs.append((int(both.sum()), f"{names[i]} + {names[j]}", both))
    pairs.sort(key=lambda p: (-p[0], p[1]))
    tables = []
    for _, label, both in pairs[:top]:
        part = attention_over_time(corpus, both, freq=freq)
        tables.append(part.assign(pair=label))
    if not tables:
        raise ValueError("no two registry actors appear together in any document")
    table = pd.concat(tables, ignore_index=True)
    columns = ["period_start", "period_end", "pair", "n", "total", "share", "partial"]
    return table[columns]
