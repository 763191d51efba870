"""Charts, in seaborn's contract: ``plot_x(data, *, x=..., hue=..., ax=None, **kw) -> Axes``.

Every function draws on the ``ax`` it is given (or the current one) and touches nothing else:
no ``plt.show()``, no ``savefig``, no global style changes. Colours are the Okabe-Ito
colour-blind-safe palette; groups beyond it are pooled as "other" (grey). Axis labels carry
units, and a caption line under the axes gives n. :func:`save_figure` writes PNG and SVG at
publication size, byte for byte the same on a rerun.

Charts over time draw the rules of the period grid (:mod:`analysis.timeseries`) and say so in
their caption: every period, zeros kept; partial periods at the edges hollow (lines) or pale and
hatched (bars, stacked shares), whatever the frequency; shares with their denominators, and
periods below ``min_total`` documents hollow grey and not joined (lines) or hatched over
(stacked shares); changes in collection volume (:func:`analysis.timeseries.collection_changes`)
as dotted vermillion lines with ▲ (rise) or ▼ (drop) at the foot of the axes.

Examples
--------
>>> import matplotlib
>>> matplotlib.use("Agg")
>>> import matplotlib.pyplot as plt
>>> from analysis.demo import load_demo
>>> from analysis.timeseries import attention_over_time
>>> demo = load_demo(300)  # SIMULATED
>>> table = attention_over_time(demo, freq="M")
>>> fig, ax = plt.subplots()
>>> plot_attention_over_time(table, ax=ax) is ax
True
>>> plt.close(fig)
"""
from __future__ import annotations

import textwrap
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
OTHER_COLOUR = "#BBBBBB"
VERDICT_COLOURS = {"stable": "#0072B2", "moderate": "#E69F00", "unstable": "#D55E00"}
CHANGE_COLOUR = "#D55E00"  # vermillion: collection volume changes (events are grey and dashed)
_PERIOD_WORDS = {"D": "day", "W": "week", "M": "month", "ME": "month", "Q": "quarter", "Y": "year"}


def _axes(ax):
    if ax is None:
        import matplotlib.pyplot as plt

        ax = plt.gca()
    return ax


@lru_cache(maxsize=1)
def font_families() -> tuple[str, ...]:
    """Font families for multilingual labels: DejaVu Sans (Latin, Cyrillic), then a Hangul font.

    The Hangul font is NanumGothic (SIL OFL) shipped inside the ``koreanize-matplotlib`` package;
    it is registered with matplotlib without importing that package (which would restyle every
    figure). Matplotlib falls back glyph by glyph along the list.
    """
    import importlib.util

    from matplotlib import font_manager

    families = ["DejaVu Sans"]
    spec = importlib.util.find_spec("koreanize_matplotlib")
    if spec is not None and spec.submodule_search_locations:
        font = Path(list(spec.submodule_search_locations)[0]) / "fonts" / "NanumGothic.ttf"
        if font.exists():
            font_manager.fontManager.addfont(str(font))
            families.append(font_manager.FontProperties(fname=str(font)).get_name())
    return tuple(families)


def _finish(ax):
    """Give every text of ``ax`` (ticks, legend, captions) the multilingual font list."""
    from matplotlib.text import Text

    families = list(font_families())
    ax.tick_params(labelfontfamily=families)
    for text in ax.findobj(Text):
        text.set_fontfamily(families)
    return ax


def palette(n: int) -> list[str]:
    """``n`` colour-blind-safe colours (Okabe-Ito); beyond eight, grey."""
    return [OKABE_ITO[i] if i < len(OKABE_ITO) else OTHER_COLOUR for i in range(n)]


def _period_word(data: pd.DataFrame) -> str:
    freq = str(data.attrs.get("freq", "W")).split("-")[0]
    return _PERIOD_WORDS.get(freq, "period")


def caption(ax, text: str):
    """A small caption under the axes, below the tick labels and axis label (a fixed offset in points)."""
    # wrap to the width of the axes: about 16 characters per inch at 7.5 pt
    width = ax.get_position().width * ax.figure.get_figwidth() if ax.figure is not None else 8
    ax.annotate(textwrap.fill(text, max(40, int(width * 16))), xy=(0.0, 0.0), xycoords="axes fraction", xytext=(0, -40),
                textcoords="offset points", fontsize=7.5, va="top", ha="left", color="#333333",
                annotation_clip=False)
    return ax


def _date_axis(ax):
    import matplotlib.dates as mdates

    locator = mdates.AutoDateLocator(minticks=3, maxticks=9)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    return ax


def add_events(ax, events: pd.DataFrame | None, *, date: str = "date", label: str = "label") -> list[str]:
    """Dashed vertical lines at event dates, numbered at the top of the axes.

    Returns the legend lines (``"1 2024-06-19 Putin and Kim sign..."``) for the caption: numbers
    stay readable where events crowd together, full labels would not.
    """
    if events is None or not len(events):
        return []
    import matplotlib.dates as mdates
    import matplotlib.transforms as transforms

    low, high = ax.get_xlim()
    dates = pd.to_datetime(events[date], utc=True).dt.tz_localize(None)
    trans = transforms.blended_transform_factory(ax.transData, ax.transAxes)
    legend, last_x, level = [], None, 0
    for when, text in sorted(zip(dates, events[label].astype(str))):
        x = mdates.date2num(when)
        if not low <= x <= high:
            continue
        ax.axvline(x, color="#555555", linestyle="--", linewidth=0.7, zorder=0)
        # stagger the numbers of events close together so they do not overlap
        level = level + 1 if last_x is not None and (x - last_x) < 0.03 * (high - low) else 0
        last_x = x
        number = len(legend) + 1
        ax.text(x, 0.97 - 0.08 * (level % 4), str(number), transform=trans, ha="center", va="top", fontsize=6.5,
                bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "#555555", "linewidth": 0.5})
        legend.append(f"{number} {when:%Y-%m-%d} {textwrap.shorten(text, 48, placeholder='…')}")
    ax.set_xlim(low, high)
    return legend


def _period_flags(data: pd.DataFrame, index: pd.Index, min_total: int | None = None) -> pd.DataFrame:
    """Per period of ``index``: all documents (``total``), ``partial`` and ``small`` (total below min_total)."""
    from .timeseries import MIN_TOTAL, period_totals

    threshold = data.attrs.get("min_total", MIN_TOTAL) if min_total is None else min_total
    if not {"total", "partial"} <= set(data.columns):
        return pd.DataFrame({"total": np.nan, "partial": False, "small": False}, index=index)
    flags = period_totals(data).set_index("period_start").reindex(index)
    flags["partial"] = flags["partial"].fillna(False).astype(bool)
    flags["small"] = flags["total"].fillna(0) < threshold
    flags.attrs["min_total"] = threshold
    return flags


def _date_format(data: pd.DataFrame) -> str:
    return "%Y-%m" if _period_word(data) in ("month", "quarter", "year") else "%Y-%m-%d"


def mark_collection_changes(ax, data: pd.DataFrame, **kw) -> str:
    """Mark where the volume collected jumps or drops (:func:`analysis.timeseries.collection_changes`).

    A dotted vermillion line and ▲ (rise) or ▼ (drop) at the foot of the axes at each change;
    returns the caption note ("" when the volume is steady or ``data`` has no ``total``).
    ``kw`` goes to ``collection_changes`` (``factor``, ``window``...).

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> days = pd.to_datetime(["2024-01-15"] * 80 + ["2024-02-15"] * 90 + ["2024-03-15"] * 85
    ...                       + ["2024-04-15"] * 1000 + ["2024-05-15"] * 950, utc=True)
    >>> from analysis.timeseries import attention_over_time
    >>> table = attention_over_time(pd.DataFrame({"published": days}), freq="M")
    >>> fig, ax = plt.subplots()
    >>> mark_collection_changes(ax, table).split(":")[0]
    '; ▲/▼ collection volume changed (2024-04 ×11.4 vs the months before)'
    >>> plt.close(fig)
    """
    if not {"period_start", "total", "partial"} <= set(data.columns):
        return ""
    import matplotlib.transforms as transforms

    from .timeseries import collection_changes

    changes = collection_changes(data, **kw)
    if changes.empty:
        return ""
    trans = transforms.blended_transform_factory(ax.transData, ax.transAxes)
    fmt, items = _date_format(data), []
    for start, ratio, change in zip(changes["period_start"], changes["ratio"], changes["change"]):
        ax.axvline(start, color=CHANGE_COLOUR, linestyle=":", linewidth=1.1, zorder=0)
        ax.text(start, 0.005, "▲" if change == "rise" else "▼", transform=trans, ha="center", va="bottom",
                fontsize=8, color=CHANGE_COLOUR, zorder=4)
        items.append(f"{start:{fmt}} " + ("from none" if np.isinf(ratio) else f"×{ratio:.1f}"))
    shown = ", ".join(items[:4]) + (f" and {len(items) - 4} more" if len(items) > 4 else "")
    return (f"; ▲/▼ collection volume changed ({shown} vs the {_period_word(data)}s before): "
            "a feed added or lost, or a lasting burst; counts across it are not comparable")


def _draw_shares(ax, frame: pd.DataFrame, x: str, colour, label, min_total, word: str, **kw) -> tuple[np.ndarray, str]:
    """Shares (%) joined only where the denominator reaches ``min_total``; the others hollow grey."""
    from .timeseries import MIN_TOTAL, is_reliable

    threshold = frame.attrs.get("min_total", MIN_TOTAL) if min_total is None else min_total
    ok = is_reliable(frame, min_total).to_numpy()
    empty = frame["total"].to_numpy() == 0
    shares = frame["share"].to_numpy(dtype=float) * 100
    ax.plot(frame[x], np.where(ok, shares, np.nan), color=colour, marker="o", markersize=3, linewidth=1.4,
            label=label, **kw)
    small = ~ok & ~empty
    if small.any():
        ax.plot(frame[x][small], shares[small], linestyle="none", marker="o", markersize=4, markerfacecolor="white",
                markeredgecolor="#888888", zorder=3)
    totals = frame.loc[~empty, "total"]
    note = (f"; denominators {int(totals.min()):,}-{int(totals.max()):,} documents a {word} "
            f"(median {int(totals.median()):,})") if len(totals) else ""
    if small.any():
        note += f"; {int(small.sum())} {word}s under {threshold} documents hollow grey, not joined (shares are noise)"
    if empty.any():
        note += f"; {int(empty.sum())} {word}s without documents left out"
    return np.where(ok, shares, np.nan), note


def _events_note(legend: list[str]) -> str:
    return ("; events: " + "; ".join(legend)) if legend else ""


def plot_attention_over_time(data: pd.DataFrame, *, x: str = "period_start", y: str = "n", normalise: bool = False,
                             partial: str = "partial", events: pd.DataFrame | None = None, label: str | None = None,
                             min_total: int | None = None, ax=None, **kw):
    """Documents per period, raw or as a share of all documents, with the rules of the period grid.

    ``data`` is :func:`analysis.timeseries.attention_over_time` output (``n``, ``total``,
    ``share``, ``reliable``, ``partial``). Partial periods are hollow. With ``normalise``, periods
    whose denominator is below ``min_total`` (default: the table's ``attrs["min_total"]``) are hollow
    grey and not joined, periods without documents are left out, and the caption gives the
    denominators. Changes in collection volume are marked (:func:`mark_collection_changes`).
    """
    ax = _axes(ax)
    frame = data.sort_values(x)
    colour = kw.pop("color", OKABE_ITO[0])
    word = _period_word(data)
    if normalise:
        values, share_note = _draw_shares(ax, frame, x, colour, label, min_total, word, **kw)
    else:
        values, share_note = frame[y].to_numpy(dtype=float), ""
        ax.plot(frame[x], values, color=colour, marker="o", markersize=3, linewidth=1.4, label=label, **kw)
    edge = frame[partial].to_numpy(dtype=bool) if partial in frame else np.zeros(len(frame), dtype=bool)
    if edge.any():
        ax.plot(frame[x][edge], values[edge], linestyle="none", marker="o", markersize=6, markerfacecolor="white",
                markeredgecolor=colour, zorder=3)
    ax.set_ylabel(f"share of all documents per {word} (%)" if normalise else f"documents per {word}")
    ax.set_xlabel("period start (UTC)")
    ax.set_ylim(bottom=0)
    _date_axis(ax)
    changes = "" if normalise else mark_collection_changes(ax, frame)  # shares: the denominators say it
    legend = add_events(ax, events)
    caption(ax, f"n = {int(frame[y].sum()):,} documents in {len(frame)} {word}s (zeros kept)"
                + (f"; {int(edge.sum())} partial {word}(s) at the edges hollow" if edge.any() else "")
                + share_note + changes
                + (f"; {data.attrs['undated']:,} undated left out" if data.attrs.get("undated") else "")
                + _events_note(legend))
    return _finish(ax)


def _top_groups(data: pd.DataFrame, hue: str, y: str, top: int) -> list:
    order = data.groupby(hue)[y].sum().sort_values(ascending=False, kind="stable")
    return order.index[:top].tolist()


def plot_clusters_over_time(data: pd.DataFrame, *, x: str = "period_start", y: str = "n", hue: str = "cluster",
                            labels: dict | None = None, top: int = 7, events: pd.DataFrame | None = None,
                            min_total: int | None = None, ax=None, **kw):
    """Stacked shares of each cluster in every period (the ``top`` largest; the rest as "other").

    ``data`` is :func:`analysis.timeseries.clusters_over_time` output; ``labels`` maps cluster ids to
    short names for the legend. Periods with fewer than ``min_total`` documents (default the
    table's ``attrs["min_total"]``) and partial edge periods are hatched over in white: a share of
    one document in two is not a trend. Changes in collection volume are marked.
    """
    ax = _axes(ax)
    keep = _top_groups(data, hue, y, top)
    pooled = data.assign(_group=data[hue].where(data[hue].isin(keep), "other"))
    table = pooled.pivot_table(index=x, columns="_group", values=y, aggfunc="sum", fill_value=0)
    order = [c for c in keep if c in table.columns] + (["other"] if "other" in table.columns else [])
    table = table[order]
    totals = table.sum(axis=1).replace(0, np.nan)
    shares = table.div(totals, axis=0).fillna(0) * 100
    colours = palette(len(keep)) + ([OTHER_COLOUR] if "other" in order else [])
    names = [("other clusters" if c == "other" else
              f"{c}: {textwrap.shorten(str((labels or {}).get(c, '')), 34, placeholder='…')}".rstrip(": "))
             for c in order]
    ax.stackplot(shares.index, shares.T.to_numpy(), labels=names, colors=colours, linewidth=0, **kw)
    ax.set_ylim(0, 100)
    ax.set_ylabel(f"share of documents per {_period_word(data)} (%)")
    ax.set_xlabel("period start (UTC)")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=7, frameon=False)
    _date_axis(ax)
    flags_note = _hatch_flagged_periods(ax, _period_flags(data, shares.index, min_total), _period_word(data))
    legend = add_events(ax, events)
    caption(ax, f"n = {int(data[y].sum()):,} documents in {data[hue].nunique()} clusters; "
                f"the {len(keep)} largest shown, the rest pooled" + flags_note + _events_note(legend))
    return _finish(ax)


def _hatch_flagged_periods(ax, flags: pd.DataFrame, word: str) -> str:
    """Hatch over the periods with a small denominator or at a partial edge; the caption note."""
    flagged = flags["small"] | flags["partial"]
    if not flagged.any():
        return ""
    step = pd.Series(flags.index).diff().median() if len(flags) > 1 else pd.Timedelta(days=1)
    for start in flags.index[flagged.to_numpy()]:
        ax.axvspan(start - step / 2, start + step / 2, facecolor="white", alpha=0.6, hatch="///",
                   edgecolor="#AAAAAA", linewidth=0, zorder=2)
    totals = flags["total"][flags["total"] > 0]
    return (f"; {int(flagged.sum())} of {len(flags)} {word}s hatched: partial, or under "
            f"{flags.attrs['min_total']} documents (shares not comparable)"
            + (f"; denominators {int(totals.min()):,}-{int(totals.max()):,} a {word}" if len(totals) else ""))


def plot_cluster_sizes(data: pd.DataFrame, *, size: str = "size", label: str = "label", cluster: str = "cluster",
                       verdict: str = "verdict", top: int = 20, ax=None, **kw):
    """Horizontal bars of cluster sizes, labelled with top terms, coloured by stability verdict."""
    ax = _axes(ax)
    frame = data.sort_values(size, ascending=False, kind="stable").head(top).iloc[::-1]
    colours = [VERDICT_COLOURS.get(v, OKABE_ITO[0]) for v in frame[verdict]] if verdict in frame \
        else [OKABE_ITO[0]] * len(frame)
    hatches = ["//" if v == "unstable" else "" for v in frame[verdict]] if verdict in frame else [""] * len(frame)
    names = [f"{c}: {textwrap.shorten(str(t), 48, placeholder='…')}" for c, t in zip(frame[cluster], frame[label])]
    bars = ax.barh(names, frame[size], color=colours, **kw)
    for bar, hatch in zip(bars, hatches):
        bar.set_hatch(hatch)
    ax.set_xlabel("documents")
    ax.tick_params(axis="y", labelsize=7)
    if verdict in frame:
        from matplotlib.patches import Patch

        ax.legend(handles=[Patch(color=c, label=v) for v, c in VERDICT_COLOURS.items()], title="stability",
                  fontsize=7, title_fontsize=7, loc="lower right", frameon=False)
    caption(ax, f"n = {int(data[size].sum()):,} documents in {len(data)} clusters"
                + (f"; {len(frame)} largest shown" if len(data) > len(frame) else ""))
    return _finish(ax)


def plot_counts_over_time(data: pd.DataFrame, *, x: str = "period_start", y: str = "n", hue: str = "value",
                          ax=None, **kw):
    """Stacked bars of documents per period by a category (language, outlet type, country).

    ``data`` is :func:`analysis.timeseries.counts_over_time` output. Every period has a bar slot
    (zeros kept); partial edge periods are pale and hatched, for days, weeks and months alike;
    changes in collection volume are marked (:func:`mark_collection_changes`).
    """
    ax = _axes(ax)
    table = data.pivot_table(index=x, columns=hue, values=y, aggfunc="sum", fill_value=0)
    order = table.sum().sort_values(ascending=False, kind="stable").index.tolist()
    if "other" in order:
        order = [c for c in order if c != "other"] + ["other"]
    table = table[order]
    colours = [OTHER_COLOUR if c == "other" else col for c, col in zip(order, palette(len(order)))]
    width = (pd.Series(table.index).diff().median() or pd.Timedelta(days=1)) * 0.8
    bottom = np.zeros(len(table))
    edge = _period_flags(data, table.index)["partial"].to_numpy()
    for column, colour in zip(order, colours):
        bars = ax.bar(table.index, table[column], width=width, bottom=bottom, color=colour, label=str(column), **kw)
        for bar in np.asarray(bars.patches, dtype=object)[edge]:
            bar.set_alpha(0.4)
            bar.set_hatch("///")
        bottom += table[column].to_numpy()
    word = _period_word(data)
    ax.set_ylabel(f"documents per {word}")
    ax.set_xlabel("period start (UTC)")
    title = str(data.attrs.get("by", hue)).replace("_", " ")
    from matplotlib.patches import Patch

    handles = [Patch(color=colour, label=str(column)) for column, colour in zip(order, colours)]  # not a hatched edge bar
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=7, frameon=False, title=title,
              title_fontsize=7)
    _date_axis(ax)
    changes = mark_collection_changes(ax, data)
    empty = int((bottom == 0).sum())
    caption(ax, f"n = {int(data[y].sum()):,} documents in {len(table)} {word}s"
                + (f" ({empty} without documents)" if empty else "")
                + (f"; {int(edge.sum())} partial {word}(s) at the edges pale, hatched" if edge.any() else "")
                + changes)
    return _finish(ax)


def plot_document_map(data: pd.DataFrame, *, x: str = "x", y: str = "y", hue: str = "cluster", top: int = 8,
                      labels: dict | None = None, ax=None, **kw):
    """Documents on two LSA axes, the ``top`` largest clusters in colour, the rest grey."""
    ax = _axes(ax)
    keep = data[hue].value_counts().index[:top].tolist()
    rest = data[~data[hue].isin(keep)]
    ax.scatter(rest[x], rest[y], s=4, color=OTHER_COLOUR, alpha=0.5, linewidths=0, label="other clusters")
    for c, colour in zip(keep, palette(len(keep))):
        part = data[data[hue] == c]
        name = f"{c}: {textwrap.shorten(str((labels or {}).get(c, '')), 30, placeholder='…')}".rstrip(": ")
        ax.scatter(part[x], part[y], s=6, color=colour, alpha=0.8, linewidths=0, label=name, **kw)
    ax.set_xlabel("first map axis (PCA of LSA, unitless)")
    ax.set_ylabel("second map axis (unitless)")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=7, frameon=False, markerscale=2)
    caption(ax, f"n = {len(data):,} documents; distances on a 2-D map are approximate")
    return _finish(ax)


def plot_independent_origins(data: pd.DataFrame, *, x: str = "day", raw: str = "articles",
                             independent: str = "independent_reports", events: pd.DataFrame | None = None,
                             ax=None, **kw):
    """Raw article counts beside independent reports (copies and rewrites of one report count once).

    ``data`` is :func:`analysis.lineage.independent_origins_per_day` output: every day, days
    without articles as zeros, so the lines drop to zero across empty weeks instead of joining
    over them; partial edge days (when a table has them) are hollow.
    """
    ax = _axes(ax)
    frame = data.sort_values(x)
    ax.plot(frame[x], frame[raw], color=OKABE_ITO[1], linewidth=1.2, label="articles (raw)", **kw)
    ax.plot(frame[x], frame[independent], color=OKABE_ITO[0], linewidth=1.4, label="independent reports", **kw)
    edge = frame["partial"].to_numpy(dtype=bool) if "partial" in frame else np.zeros(len(frame), dtype=bool)
    for column, colour in ((raw, OKABE_ITO[1]), (independent, OKABE_ITO[0])):
        if edge.any():
            ax.plot(frame[x][edge], frame[column][edge], linestyle="none", marker="o", markersize=5,
                    markerfacecolor="white", markeredgecolor=colour, zorder=3)
    empty = int((frame[raw] == 0).sum())
    ax.set_ylabel("documents per day")
    ax.set_xlabel("day (UTC)")
    ax.set_ylim(bottom=0)
    ax.legend(fontsize=7, frameon=False, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    _date_axis(ax)
    legend = add_events(ax, events)
    caption(ax, f"n = {int(frame[raw].sum()):,} articles; {int(frame[independent].sum()):,} independent reports"
                f" in {len(frame)} days" + (f" ({empty} without articles: zeros)" if empty else "")
                + (f"; {int(edge.sum())} partial day(s) at the edges (hollow)" if edge.any() else "")
                + (f"; {data.attrs['undated']:,} undated left out" if data.attrs.get("undated") else "")
                + _events_note(legend))
    return _finish(ax)


def plot_actor_cooccurrence(data: pd.DataFrame, *, x: str = "period_start", y: str = "n", hue: str = "pair",
                            events: pd.DataFrame | None = None, ax=None, **kw):
    """Documents naming both actors of each pair, per period."""
    ax = _axes(ax)
    pairs = data.groupby(hue)[y].sum().sort_values(ascending=False, kind="stable").index.tolist()
    for pair, colour in zip(pairs, palette(len(pairs))):
        part = data[data[hue] == pair].sort_values(x)
        ax.plot(part[x], part[y], color=colour, linewidth=1.2, label=pair, **kw)
    ax.set_ylabel(f"documents naming both, per {_period_word(data)}")
    ax.set_xlabel("period start (UTC)")
    ax.set_ylim(bottom=0)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=7, frameon=False)
    _date_axis(ax)
    legend = add_events(ax, events)
    caption(ax, f"{len(pairs)} actor pairs; counts are documents, a document can count for several pairs"
                + _events_note(legend))
    return _finish(ax)


def save_figure(fig, path, *, width_mm: float = 174, height_mm: float | None = None, dpi: int = 300,
                formats=("png", "svg")) -> list[Path]:
    """Write ``fig`` as PNG and SVG at publication size (174 mm: a two-column journal width).

    Metadata that changes between runs (dates, SVG ids) is fixed, so a rerun writes the same bytes.
    Returns the paths written.
    """
    import matplotlib

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    width, height = fig.get_size_inches()
    new_width = width_mm / 25.4
    fig.set_size_inches(new_width, height_mm / 25.4 if height_mm else height * new_width / width)
    written = []
    with matplotlib.rc_context({"svg.hashsalt": "analysis", "svg.fonttype": "path"}):
        for fmt in formats:
            target = path.with_suffix(f".{fmt}")
            metadata = {"Date": None} if fmt == "svg" else ({"Software": None} if fmt == "png" else None)
            fig.savefig(target, dpi=dpi, bbox_inches="tight", metadata=metadata)
            written.append(target)
    return written
