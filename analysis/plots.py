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
from matplotlib.artist import Artist

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


def hangul_font_file() -> Path | None:
    """NanumGothic (SIL Open Font License) as shipped inside ``koreanize-matplotlib``, or None.

    Found without importing that package (which would restyle every figure).
    """
    import importlib.util

    spec = importlib.util.find_spec("koreanize_matplotlib")
    if spec is None or not spec.submodule_search_locations:
        return None
    font = Path(list(spec.submodule_search_locations)[0]) / "fonts" / "NanumGothic.ttf"
    return font if font.exists() else None


@lru_cache(maxsize=1)
def font_families() -> tuple[str, ...]:
    """Font families for multilingual labels: DejaVu Sans (Latin, Cyrillic), then a Hangul font.

    The Hangul font is NanumGothic (:func:`hangul_font_file`), registered with matplotlib.
    Matplotlib falls back glyph by glyph along the list.
    """
    from matplotlib import font_manager

    families = ["DejaVu Sans"]
    font = hangul_font_file()
    if font is not None:
        font_manager.fontManager.addfont(str(font))
        bold = font.with_name("NanumGothicBold.ttf")
        if bold.exists():  # bold Hangul for bold titles (weight 600: matplotlib notes it uses that for "bold")
            font_manager.fontManager.addfont(str(bold))
        families.append(font_manager.FontProperties(fname=str(font)).get_name())
    return tuple(families)


def _finish(ax):
    """Give every text of ``ax`` (ticks, legend, captions) the multilingual font list; keep the plot area."""
    from matplotlib.text import Text

    families = list(font_families())
    ax.tick_params(labelfontfamily=families)
    for text in ax.findobj(Text):
        text.set_fontfamily(families)
    keep_plot_area(ax.figure)
    return ax


#: No axes is drawn less tall than this (inches): text around it makes the figure taller instead.
MIN_PLOT_HEIGHT_IN = 1.6


def keep_plot_area(fig, min_height: float = MIN_PLOT_HEIGHT_IN, *, rounds: int = 6):
    """Make ``fig`` taller until every axes with data is at least ``min_height`` inches tall.

    Captions, event legends and marker rows take the room they need; under a layout engine
    (``layout="constrained"``) that room would otherwise come out of the plot area, down to a few
    pixels. Figures without a layout engine are left alone (their text hangs outside the axes and
    ``bbox_inches="tight"`` takes it in). The only change this package makes to a figure beyond its axes.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots(figsize=(6, 2), layout="constrained")
    >>> _ = ax.plot([0, 1], [0, 1])
    >>> _ = caption(ax, "a caption of many words " * 40)
    >>> _ = keep_plot_area(fig)
    >>> bool(ax.get_position().height * fig.get_figheight() >= MIN_PLOT_HEIGHT_IN - 0.02)
    True
    >>> plt.close(fig)
    """
    if fig is None or fig.get_layout_engine() is None:
        return fig
    import warnings

    for _ in range(rounds):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            fig.draw_without_rendering()
        if any("collapsed" in str(w.message) for w in caught):  # no room at all yet: the axes kept stale sizes
            fig.set_figheight(fig.get_figheight() * 1.5)
            continue
        need = 0.0
        for ax in fig.axes:
            if not ax.get_visible() or not ax.has_data():
                continue
            spec = ax.get_subplotspec()
            rows = spec.get_gridspec().nrows if spec is not None else 1
            need = max(need, (min_height - ax.get_position().height * fig.get_figheight()) * rows)
        if need <= 0.01:
            break
        fig.set_figheight(fig.get_figheight() + need)
    return fig


def palette(n: int) -> list[str]:
    """``n`` colour-blind-safe colours (Okabe-Ito); beyond eight, grey."""
    return [OKABE_ITO[i] if i < len(OKABE_ITO) else OTHER_COLOUR for i in range(n)]


def _period_word(data: pd.DataFrame) -> str:
    freq = str(data.attrs.get("freq", "W")).split("-")[0]
    return _PERIOD_WORDS.get(freq, "period")


def caption(ax, text: str):
    """A small caption under the axes, below the tick labels and axis label (a fixed offset in points).

    The text is wrapped when drawn, to the width of the figure as it is then (a figure saved at
    publication width wraps anew), so a caption never widens the figure nor squeezes the axes
    sideways. Tagged ``gid="caption"``: :class:`analysis.workflow.Outputs` copies it into the
    figure's sidecar for the report.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> [t.get_text() for t in ax.texts if t.get_gid() == "caption"] == [] and caption(ax, "n = 3") is ax
    True
    >>> [t.get_text() for t in ax.texts if t.get_gid() == "caption"]
    ['n = 3']
    >>> plt.close(fig)
    """
    import matplotlib.transforms as transforms

    below = transforms.offset_copy(ax.transAxes, fig=ax.figure, x=0, y=-40, units="points")
    ax.text(0.0, 0.0, text, transform=below, fontsize=7.5, va="top", ha="left", color="#333333", wrap=True,
            gid="caption", clip_on=False)
    return ax


def _date_axis(ax):
    import matplotlib.dates as mdates

    locator = mdates.AutoDateLocator(minticks=3, maxticks=9)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    return ax


#: Rows of event markers above an axes; markers that find no room in any row move right.
EVENT_ROWS = 3
#: Event labels in the image's compact legend are cut to this many characters (the full ones go to the report).
EVENT_LABEL_CHARS = 26


class EventMarkers(Artist):
    """Numbered event markers in rows above an axes, laid out each time the figure is drawn.

    Each event keeps its dashed line inside the axes; its number sits in a band above the axes, in
    the lowest of :data:`EVENT_ROWS` rows where it fits at its date, else where it moves least to
    the right, with a leader line from the number down to its date. Laid out in pixels at draw
    time, so markers never overlap at any figure size (a figure saved at publication width is laid
    out anew). The band (and a title above it) is part of the axes' tight box, so a layout engine
    makes room for it instead of drawing over it.

    Made by :func:`add_events`. ``table`` holds the events drawn (``number``, ``date``, ``label``)
    for the legend and the report; ``placed`` the row and the rightward shift (pixels) of each.
    """

    row_gap_pt = 2.0
    gap_pt = 2.0

    def __init__(self, ax, xs, table: pd.DataFrame, *, fontsize: float = 6.5, rows: int = EVENT_ROWS):
        from matplotlib.lines import Line2D
        from matplotlib.text import Text
        from matplotlib.transforms import IdentityTransform

        super().__init__()
        self._ax, self.xs, self.table, self.rows = ax, list(xs), table, rows
        self.set_zorder(2.5)  # laid out before the title (zorder 3) is drawn, so the title can move up
        self.set_clip_on(False)
        box = {"boxstyle": "round,pad=0.2", "facecolor": "white", "edgecolor": "#555555", "linewidth": 0.5}
        self.markers = [Text(0, 0, str(n), ha="center", va="center", fontsize=fontsize, bbox=box,
                             transform=IdentityTransform(), clip_on=False, gid=f"event-{n}")
                        for n in table["number"]]
        self.leaders = [Line2D([0, 0], [0, 0], color="#555555", linewidth=0.5, transform=IdentityTransform(),
                               clip_on=False) for _ in self.markers]
        for artist in self.markers + self.leaders:
            artist.set_figure(ax.figure)
        self.placed: list[tuple[int, float]] = []

    def get_children(self):
        return [*self.leaders, *self.markers]

    def _layout(self, renderer) -> float:
        """Place every marker; returns the band's height in points (all rows used)."""
        points = renderer.points_to_pixels(1.0)
        sizes = []
        for marker in self.markers:
            extent = marker.get_window_extent(renderer)
            pad = 2 * 0.2 * marker.get_fontsize() * points  # the round box's pad on both sides
            sizes.append((extent.width + pad, extent.height + pad))
        height = max((h for _, h in sizes), default=0.0)
        row_step = height + self.row_gap_pt * points
        base = self._ax.bbox.y1 + 3 * points
        ends = [-np.inf] * self.rows
        self.placed = []
        pixels = self._ax.transData.transform([(x, 0) for x in self.xs])[:, 0] if self.xs else []
        for marker, leader, x, (width, _) in zip(self.markers, self.leaders, pixels, sizes):
            options = [(max(x, ends[r] + self.gap_pt * points + width / 2), r) for r in range(self.rows)]
            centre, row = min(options, key=lambda o: (round(o[0] - x, 3), o[1]))
            ends[row] = centre + width / 2
            y = base + row * row_step + height / 2
            marker.set_position((centre, y))
            leader.set_data([centre, x], [y - height / 2, self._ax.bbox.y1])
            self.placed.append((row, centre - x))
        used = (max(r for r, _ in self.placed) + 1) if self.placed else 0
        band_pt = (3 + used * row_step / points) if used else 0.0
        import matplotlib as mpl

        self._ax._set_title_offset_trans(float(mpl.rcParams["axes.titlepad"]) + band_pt)
        return band_pt

    def draw(self, renderer):
        if not self.get_visible():
            return
        self._layout(renderer)
        for artist in self.get_children():
            artist.draw(renderer)
        self.stale = False

    def get_window_extent(self, renderer=None):
        from matplotlib.transforms import Bbox

        if renderer is None:
            renderer = self._ax.figure._get_renderer()
        self._layout(renderer)
        for marker in self.markers:
            marker.update_bbox_position_size(renderer)
        boxes = [marker.get_bbox_patch().get_window_extent(renderer) for marker in self.markers]
        if boxes and self._ax.title.get_text():  # the title moved above the band: room for it too
            boxes.append(self._ax.title.get_window_extent(renderer))
        return Bbox.union(boxes) if boxes else Bbox.null()

    def get_tightbbox(self, renderer=None):
        return self.get_window_extent(renderer)


def event_table(events: pd.DataFrame | None, *, date: str = "date", label: str = "label") -> pd.DataFrame:
    """Events sorted by date and numbered from 1, as markers and legends number them.

    Examples
    --------
    >>> events = pd.DataFrame({"date": ["2024-06-19", "2023-09-13"], "label": ["Treaty signed", "Summit"]})
    >>> event_table(events)[["number", "date", "label"]].values.tolist()
    [[1, '2023-09-13', 'Summit'], [2, '2024-06-19', 'Treaty signed']]
    """
    if events is None or not len(events):
        return pd.DataFrame({"number": pd.Series(dtype="int64"), "date": pd.Series(dtype="str"),
                             "label": pd.Series(dtype="str")})
    when = pd.to_datetime(events[date], utc=True).dt.tz_localize(None)
    table = pd.DataFrame({"when": when.to_numpy(), "label": events[label].astype(str).to_numpy()})
    table = table.dropna(subset=["when"]).sort_values(["when", "label"], kind="stable").reset_index(drop=True)
    table.insert(0, "number", np.arange(1, len(table) + 1))
    table.insert(1, "date", table["when"].dt.strftime("%Y-%m-%d"))
    return table


def add_events(ax, events: pd.DataFrame | None, *, date: str = "date", label: str = "label") -> list[str]:
    """Dashed vertical lines at event dates, numbered in rows above the axes (never overlapping).

    The numbers are laid out by :class:`EventMarkers` when the figure is drawn. Returns the compact
    legend lines for the caption (``"7 2024-06-19 Putin and Kim sign a partnersh…"``); the full
    labels are in the ``EventMarkers``' ``table``, which :class:`analysis.workflow.Outputs` writes
    beside the figure for the report. Events of the timeline outside the axes' dates are counted in
    the last line, and a timeline with none inside says so: a chart without markers must not read
    as a period without events when the timeline simply covers other years.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> _ = ax.plot(pd.to_datetime(["2024-01-01", "2024-12-31"]), [0, 1])
    >>> add_events(ax, pd.DataFrame({"date": ["2024-06-19"], "label": ["Treaty signed"]}))
    ['1 2024-06-19 Treaty signed']
    >>> add_events(ax, pd.DataFrame({"date": ["2023-09-13", "2025-04-28"], "label": ["Summit", "Troops"]}))
    ['none of the 2 events of the timeline (2023-09-13 to 2025-04-28) falls in this period']
    >>> plt.close(fig)
    """
    import matplotlib.dates as mdates

    timeline = event_table(events, date=date, label=label)
    if not len(timeline):
        return []
    low, high = ax.get_xlim()
    xs = mdates.date2num(timeline["when"])
    table = timeline[(xs >= low) & (xs <= high)].reset_index(drop=True)
    xs = mdates.date2num(table["when"])
    table["number"] = np.arange(1, len(table) + 1)
    for x in xs:
        ax.axvline(x, color="#555555", linestyle="--", linewidth=0.7, zorder=0)
    ax.add_artist(EventMarkers(ax, xs, table[["number", "date", "label"]]))
    ax.set_xlim(low, high)
    lines = [f"{n} {d} {textwrap.shorten(t, EVENT_LABEL_CHARS, placeholder='…')}"
             for n, d, t in zip(table["number"], table["date"], table["label"])]
    outside = len(timeline) - len(table)
    if not lines:
        return [f"none of the {outside} events of the timeline ({timeline['date'].iloc[0]} to "
                f"{timeline['date'].iloc[-1]}) falls in this period"]
    if outside:
        lines[-1] += f"; {outside} more of the timeline outside this period"
    return lines


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

    gaps = _mark_not_collected(ax, data)
    changes = collection_changes(data, **kw)
    if changes.empty:
        return gaps
    trans = transforms.blended_transform_factory(ax.transData, ax.transAxes)
    fmt, items = _date_format(data), []
    for start, ratio, change in zip(changes["period_start"], changes["ratio"], changes["change"]):
        ax.axvline(start, color=CHANGE_COLOUR, linestyle=":", linewidth=1.1, zorder=0)
        ax.text(start, 0.005, "▲" if change == "rise" else "▼", transform=trans, ha="center", va="bottom",
                fontsize=8, color=CHANGE_COLOUR, zorder=4)
        items.append(f"{start:{fmt}} " + ("from none" if np.isinf(ratio) else f"×{ratio:.1f}"))
    shown = ", ".join(items[:4]) + (f" and {len(items) - 4} more" if len(items) > 4 else "")
    return (gaps + f"; ▲/▼ collection volume changed ({shown} vs the {_period_word(data)}s before): "
            "a feed added or lost, or a lasting burst; counts across it are not comparable")


def _mark_not_collected(ax, data: pd.DataFrame) -> str:
    """Shade the periods in which the whole collection has no document (``collected`` == 0): a gap in
    collection, not a period without coverage. Returns the caption note."""
    from .timeseries import period_totals

    if "collected" not in data:
        return ""
    totals = period_totals(data)
    empty = totals[totals["collected"] == 0]
    if empty.empty:
        return ""
    ends = data.drop_duplicates("period_start").set_index("period_start")["period_end"]
    for start in empty["period_start"]:
        ax.axvspan(start, ends[start], color="#BBBBBB", alpha=0.35, linewidth=0, zorder=0)
    word = _period_word(data)
    return (f"; {len(empty)} {word}(s) shaded grey: nothing collected in the whole corpus then "
            "(a gap in the collection, not in the coverage)")


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
    """The compact events legend, on its own line of the caption."""
    return ("\nEvents: " + " · ".join(legend)) if legend else ""


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
    # shares: the denominators say how much was collected; gaps in the collection are shaded either way
    changes = _mark_not_collected(ax, frame) if normalise else mark_collection_changes(ax, frame)
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
                            partial: str = "partial", events: pd.DataFrame | None = None, ax=None, **kw):
    """Documents naming both actors of each pair, per period; the study's pairs first, drawn thicker.

    ``data`` is :func:`analysis.timeseries.actor_cooccurrence_over_time` output: every period,
    zeros kept. Partial periods at the edges are hollow, as in every chart over time (a month the
    corpus covers for ten days is not a fall). The caption gives the study pairs' n, the number of
    periods and the rule that chose the other pairs.
    """
    ax = _axes(ax)
    totals = data.groupby(hue)[y].sum()
    study = data.loc[data["study"].astype(bool), hue].drop_duplicates().tolist() if "study" in data else []
    others = [p for p in totals.sort_values(ascending=False, kind="stable").index if p not in study]
    pairs = study + others
    for pair, colour in zip(pairs, palette(len(pairs))):
        part = data[data[hue] == pair].sort_values(x)
        mine = pair in study
        ax.plot(part[x], part[y], color=colour, linewidth=2.2 if mine else 1.2, zorder=2.2 if mine else 2,
                label=f"{pair} (study pair)" if mine else pair, **kw)
        edge = part[partial].to_numpy(dtype=bool) if partial in part else np.zeros(len(part), dtype=bool)
        if edge.any():
            ax.plot(part[x][edge], part[y][edge], linestyle="none", marker="o", markersize=5,
                    markerfacecolor="white", markeredgecolor=colour, zorder=3)
    word = _period_word(data)
    ax.set_ylabel(f"documents naming both, per {word}")
    ax.set_xlabel("period start (UTC)")
    ax.set_ylim(bottom=0)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=7, frameon=False)
    _date_axis(ax)
    legend = add_events(ax, events)
    periods = data[x].nunique()
    edges = data.loc[data[partial].astype(bool), x].nunique() if partial in data else 0
    caption(ax, "; ".join([f"n = {int(totals[p]):,} documents naming {p}" for p in study]
                          + [f"{len(pairs)} actor pairs in {periods} {word}s (zeros kept)"])
                + (f"; {edges} partial {word}(s) at the edges hollow" if edges else "")
                + ("; the study's pair" + ("s" if len(study) > 1 else "") + " always drawn, the others the most frequent"
                   if study else "; the most frequent pairs")
                + " of distinct actors (never an actor with its own capital, leader or army); "
                  "a document counts for every pair it names"
                + (f"; {data.attrs['undated']:,} undated left out" if data.attrs.get("undated") else "")
                + _events_note(legend))
    return _finish(ax)


def plot_frames_over_time(data: pd.DataFrame, *, x: str = "period_start", y: str = "share", hue: str = "frame",
                          frames=None, events: pd.DataFrame | None = None, min_total: int | None = None, ax=None, **kw):
    """The share of documents with each frame per period (%), with its interval as a band.

    ``data`` is :func:`analysis.frame_trends.frames_over_time` output; ``y="corrected"`` draws the
    shares corrected for misclassification (with ``corrected_low``/``corrected_high``). The rules of
    every share chart: periods under ``min_total`` documents hollow grey and not joined, no band
    there; partial edge periods hollow; periods without documents left out; events marked.
    """
    ax = _axes(ax)
    low, high = ("low", "high") if y == "share" else (f"{y}_low", f"{y}_high")
    names = list(dict.fromkeys(data[hue])) if frames is None else list(frames)
    word, notes = _period_word(data), []
    for name, colour in zip(names, palette(len(names))):
        part = data[data[hue] == name].sort_values(x).assign(share=lambda t: t[y])
        part.attrs = dict(data.attrs)
        values, note = _draw_shares(ax, part, x, colour, str(name).replace("_", " "), min_total, word, **kw)
        notes.append(note)
        ok = ~np.isnan(values)
        ax.fill_between(part[x], np.where(ok, part[low] * 100, np.nan), np.where(ok, part[high] * 100, np.nan),
                        color=colour, alpha=0.18, linewidth=0, step=None)
        edge = part["partial"].to_numpy(dtype=bool) & ok
        if edge.any():
            ax.plot(part[x][edge], values[edge], linestyle="none", marker="o", markersize=6, markerfacecolor="white",
                    markeredgecolor=colour, zorder=3)
    ax.set_ylabel(f"documents with it ({'corrected ' if y != 'share' else ''}%)")
    ax.set_xlabel("period start (UTC)")
    ax.set_ylim(bottom=0)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=7, frameon=False, title="frame", title_fontsize=7)
    _date_axis(ax)
    gaps = _mark_not_collected(ax, data)
    legend = add_events(ax, events)
    confidence = data.attrs.get("confidence", 0.95)
    partial = int(data.drop_duplicates(x)["partial"].sum())
    resampled = f"each {word}'s documents" + (" and the classifier's error rates" if y != "share" else "")
    caption(ax, f"{len(names)} frames; bands: {confidence:.0%} bootstrap intervals ({data.attrs.get('n_boot', 1000):,} "
                f"resamples of {resampled})" + notes[0]
                + (f"; {partial} partial {word}(s) at the edges hollow" if partial else "") + gaps
                + (f"; {data.attrs['undated']:,} undated left out" if data.attrs.get("undated") else "")
                + _events_note(legend))
    return _finish(ax)


def plot_frame_differences(data: pd.DataFrame, *, x: str = "diff", y: str = "group", hue: str = "frame", ax=None,
                           **kw):
    """Each group's difference from the reference group, per frame, in percentage points with its interval.

    ``data`` is :func:`analysis.frame_trends.frames_by_group` output. Groups under the minimum
    number of documents carry no difference and are listed in the caption instead of drawn.
    """
    ax = _axes(ax)
    reference = data.attrs.get("reference")
    shown = data[data["reliable"] & (data[y] != reference)]
    frames_ = list(dict.fromkeys(shown[hue]))
    groups = sorted(shown[y].unique())
    step = 0.8 / max(len(frames_), 1)
    for i, (frame, colour) in enumerate(zip(frames_, palette(len(frames_)))):
        part = shown[shown[hue] == frame].set_index(y).reindex(groups)
        where = np.arange(len(groups)) + (i - (len(frames_) - 1) / 2) * step
        ax.errorbar(part[x], where, xerr=[part[x] - part["diff_low"], part["diff_high"] - part[x]], fmt="o",
                    color=colour, markersize=4, capsize=2, linewidth=1.1, label=str(frame).replace("_", " "), **kw)
    if not groups:  # one group, or every other group under the minimum: nothing to compare, and the chart says so
        ax.text(0.5, 0.5, f"nothing to compare: every group but {reference} has too few documents",
                transform=ax.transAxes, ha="center", va="center", fontsize=9, color="#555555")
    ax.axvline(0, color="#333333", linewidth=0.8)
    ax.set_yticks(np.arange(len(groups)), groups)
    ax.set_xlabel(f"difference from {reference} (percentage points)")
    if frames_:
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=7, frameon=False, title="frame", title_fontsize=7)
    small = sorted(set(data.loc[~data["reliable"], y]))
    caption(ax, f"dots: share of the group's documents with the frame minus {reference}'s; bars: "
                f"{data.attrs.get('confidence', 0.95):.0%} bootstrap intervals; n = "
                + ", ".join(f"{g} {int(t):,}" for g, t in data.drop_duplicates(y)[[y, "total"]].values)
                + (f"; not drawn (too few documents): {', '.join(map(str, small))}" if small else ""))
    return _finish(ax)


def _one_group(data: pd.DataFrame) -> None:
    """Refuse a table with several groups (outlet groups, languages): one line per source and group is unreadable."""
    by = data.attrs.get("by")
    if by and by in data and data[by].nunique() > 1:
        raise ValueError(f"data has rows for {data[by].nunique()} values of {by!r}: draw one at a time, "
                         f"e.g. data[data[{by!r}] == {str(data[by].iloc[0])!r}]")


def plot_sources_over_time(data: pd.DataFrame, *, x: str = "period_start", y: str = "doc_share", hue: str = "source",
                           top: int = 6, sources=None, events: pd.DataFrame | None = None, min_total: int | None = None,
                           ax=None, **kw):
    """The share of documents citing each of the ``top`` sources (or types, countries) per period (%).

    ``data`` is :func:`analysis.source_trends.source_counts` output (one group: filter it first).
    ``y="doc_share"``: documents citing it over ALL the period's documents (those citing nobody
    too), with its Wilson interval as a band; ``y="attribution_share"``: attributions to it over
    all attributions of the period. The rules of every share chart: periods under ``min_total``
    (documents, or attributions) hollow grey and not joined; partial edge periods hollow; periods
    without any left out; events marked.
    """
    ax = _axes(ax)
    _one_group(data)
    documents = y == "doc_share"
    cited = data.groupby(hue)["docs" if documents else "attributions"].sum()
    names = list(sources) if sources is not None else sorted(cited.index, key=lambda v: (-cited[v], str(v)))[:top]
    labels = dict(zip(data[hue], data["label"])) if "label" in data else {}
    word, notes = _period_word(data), []
    for name, colour in zip(names, palette(len(names))):
        part = data[data[hue] == name].sort_values(x)
        part = part.assign(share=part[y]) if documents else \
            part.assign(share=part[y], total=part["attributions_total"]).drop(columns="reliable")
        part.attrs = dict(data.attrs)
        values, note = _draw_shares(ax, part, x, colour, textwrap.shorten(str(labels.get(name, name)), 30,
                                                                          placeholder="…"), min_total, word, **kw)
        notes.append(note)
        ok = ~np.isnan(values)
        if documents:
            ax.fill_between(part[x], np.where(ok, part["low"] * 100, np.nan), np.where(ok, part["high"] * 100, np.nan),
                            color=colour, alpha=0.15, linewidth=0)
        edge = part["partial"].to_numpy(dtype=bool) & ok
        if edge.any():
            ax.plot(part[x][edge], values[edge], linestyle="none", marker="o", markersize=6, markerfacecolor="white",
                    markeredgecolor=colour, zorder=3)
    kind = {"type": "source types", "canonical": "sources", "country": "source countries"}.get(
        data.attrs.get("source_by"), "sources")
    ax.set_ylabel(f"documents citing it (% of all documents per {word})" if documents
                  else f"attributions to it (% of all attributions per {word})")
    ax.set_xlabel("period start (UTC)")
    ax.set_ylim(bottom=0)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=7, frameon=False, title=kind, title_fontsize=7)
    _date_axis(ax)
    gaps = _mark_not_collected(ax, data)
    legend = add_events(ax, events)
    partial = int(data.drop_duplicates(x)["partial"].sum())
    periods = data.drop_duplicates(x)
    caption(ax, f"n = {int(periods['total'].sum()):,} documents, {int(periods['docs_citing'].sum()):,} citing a source, "
                f"{int(periods['attributions_total'].sum()):,} attributions; "
                f"the {len(names)} most cited of {data[hue].nunique()} {kind}; "
                + ("a document citing several counts for each; bands: 95% Wilson intervals; documents citing nobody "
                   "are in the denominator" if documents else "every attribution counts")
                + (notes[0].replace("documents", "attributions") if notes and not documents else
                   (notes[0] if notes else ""))
                + (f"; {partial} partial {word}(s) at the edges hollow" if partial else "") + gaps
                + (f"; {data.attrs['undated']:,} undated documents left out" if data.attrs.get("undated") else "")
                + _events_note(legend))
    return _finish(ax)


def plot_source_types_by_outlet(data: pd.DataFrame, *, top: int = 7, ax=None, **kw):
    """Stacked horizontal bars: each outlet's attributions by source type (% of the outlet's), all outlets last.

    ``data`` is :func:`analysis.source_trends.outlet_source_table` output. Types beyond the
    ``top`` most frequent are pooled as "other types" (grey); long outlet names wrap on two
    lines; each bar is labelled with its number of attributions; outlets citing nobody keep
    their row, marked "no attributions".
    """
    from .source_trends import TOTAL

    ax = _axes(ax)
    by = data.attrs.get("by", data.columns[0])
    cells = data[data["source"] != TOTAL]
    order = [s for s in dict.fromkeys(cells.loc[cells[by] == TOTAL, "source"])]
    kept = order[:top] if len(order) > top + 1 else order
    pooled = cells.assign(source=cells["source"].where(cells["source"].isin(kept), "other types"))
    table = pooled.pivot_table(index=by, columns="source", values="attributions", aggfunc="sum", sort=False)
    table = table[kept + (["other types"] if "other types" in table.columns else [])]
    outlets = [o for o in dict.fromkeys(cells[by]) if o != TOTAL] + [TOTAL]
    table = table.reindex(outlets[::-1]).fillna(0)  # barh draws bottom up: the first outlet on top, all outlets last
    sums = table.sum(axis=1)
    shares = table.div(sums.replace(0, np.nan), axis=0).fillna(0) * 100
    names = [textwrap.fill("all outlets" if o == TOTAL else str(o), 28, max_lines=2, placeholder="…")
             for o in shares.index]
    left = np.zeros(len(shares))
    colours = palette(len(kept)) + [OTHER_COLOUR]
    for column, colour in zip(shares.columns, colours):
        ax.barh(names, shares[column], left=left, color=colour, label=str(column), height=0.7, **kw)
        left += shares[column].to_numpy()
    for i, n in enumerate(sums.to_numpy()):
        ax.text(101, i, f"n = {int(n):,}" if n else "no attributions", va="center", fontsize=6.5, color="#333333")
    ax.set_xlim(0, 100)
    ax.set_xlabel("share of the outlet's attributions (%)")
    ax.tick_params(axis="y", labelsize=7)
    ax.legend(loc="upper left", bbox_to_anchor=(1.12, 1.0), fontsize=7, frameon=False, title="source type",
              title_fontsize=7)
    uncited = int((sums.drop(TOTAL, errors="ignore") == 0).sum())
    caption(ax, f"{len(outlets) - 1} {str(by).replace('_', ' ')}s; n = {int(sums.get(TOTAL, 0)):,} attributions"
                + (f"; the {len(kept)} most frequent types shown, the rest pooled" if len(kept) < len(order) else "")
                + (f"; {uncited} cite nobody" if uncited else "")
                + "; shares of attributions, not of documents (the table has both)")
    return _finish(ax)


def plot_co_citation(data: pd.DataFrame, *, top: int = 12, ax=None, cmap: str = "Blues", **kw):
    """A matrix of the sources cited together: documents citing both in each cell, each source's own on the diagonal.

    ``data`` is :func:`analysis.source_trends.co_citation` output; the ``top`` sources with the
    most documents among its pairs are drawn. Cells of pairs under ``min_docs`` documents are
    left blank; the table's ``jaccard`` and ``lift`` say which pairs are more than size.
    """
    from matplotlib.patches import Rectangle

    ax = _axes(ax)
    cited = data.attrs.get("cited") or {}
    in_pairs = set(data["source_a"]) | set(data["source_b"])
    sizes = {s: cited.get(s, 0) for s in in_pairs}
    names = sorted(in_pairs, key=lambda s: (-sizes[s], s))[:top]
    labels = dict(zip(data["source_a"], data["label_a"])) | dict(zip(data["source_b"], data["label_b"]))
    matrix = pd.DataFrame(np.nan, index=names, columns=names)
    for a, b, n in data[["source_a", "source_b", "docs_both"]].itertuples(index=False):
        if a in matrix.index and b in matrix.index:
            matrix.loc[a, b] = matrix.loc[b, a] = n
    values = matrix.to_numpy(dtype=float)
    if names:  # an empty matrix has no extent to draw (matplotlib warns of a singular transform)
        image = ax.imshow(np.ma.masked_invalid(values), cmap=cmap, vmin=0, aspect="equal", **kw)
    for i, name in enumerate(names):
        ax.add_patch(Rectangle((i - 0.5, i - 0.5), 1, 1, facecolor="#EEEEEE", edgecolor="none"))
        ax.text(i, i, f"{sizes[name]:,}", ha="center", va="center", fontsize=6.5, style="italic", color="#555555")
        for j in range(len(names)):
            if i != j and np.isfinite(values[i, j]):
                ax.text(j, i, f"{int(values[i, j]):,}", ha="center", va="center", fontsize=6.5,
                        color="white" if image.norm(values[i, j]) > 0.6 else "#222222")
    readable = [textwrap.shorten(str(labels.get(n, n)), 24, placeholder="…") for n in names]
    # names on top, so rotated labels never run into the caption under the axes
    ax.tick_params(top=True, bottom=False, labeltop=True, labelbottom=False)
    ax.set_xticks(range(len(names)), readable, rotation=45, ha="left", rotation_mode="anchor", fontsize=7)
    ax.set_yticks(range(len(names)), readable, fontsize=7)
    ax.xaxis.set_label_position("top")
    ax.set_xlabel("cited with (documents citing both)")
    ax.set_ylabel("source")
    if not names:
        ax.text(0.5, 0.5, f"no pair cited together in {data.attrs.get('min_docs', 2)}+ documents",
                transform=ax.transAxes, ha="center", va="center", fontsize=9, color="#555555")
    caption(ax, f"{len(names)} sources of {len(in_pairs)} in pairs; cells: documents citing both; diagonal (italic): "
                f"documents citing each; blank: under {data.attrs.get('min_docs', 2)} documents together; "
                f"n = {data.attrs.get('documents', 0):,} documents citing a source")
    return _finish(ax)


#: The mark a figure of the simulated demo corpus carries inside the image (``gid="simulated-mark"``).
SIMULATED_MARK = "SIMULATED DATA – not real reporting"


def mark_simulated(fig):
    """Write :data:`SIMULATED_MARK` in bold red above the top left corner of ``fig`` (once).

    Above the figure's box, where no axes, legend or marker is, so it covers nothing;
    ``bbox_inches="tight"`` takes it into the saved image.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> fig = plt.figure()
    >>> _ = mark_simulated(mark_simulated(fig))
    >>> [t.get_text() for t in fig.texts]
    ['SIMULATED DATA – not real reporting']
    >>> plt.close(fig)
    """
    if not any(t.get_gid() == "simulated-mark" for t in fig.texts):
        fig.text(0.0, 1.0, SIMULATED_MARK, ha="left", va="bottom", fontsize=10, fontweight="bold",
                 color="#B00020", gid="simulated-mark", fontfamily="DejaVu Sans")
    return fig


def save_figure(fig, path, *, width_mm: float = 174, height_mm: float | None = None, dpi: int = 300,
                formats=("png", "svg"), simulated: bool = False) -> list[Path]:
    """Write ``fig`` as PNG and SVG at publication size (174 mm: a two-column journal width).

    The height scales with the width, then grows where text would squeeze an axes below
    :data:`MIN_PLOT_HEIGHT_IN` (:func:`keep_plot_area`). ``simulated=True`` puts
    :data:`SIMULATED_MARK` inside the image (:func:`mark_simulated`): figures travel without their
    page. Metadata that changes between runs (dates, SVG ids) is fixed, so a rerun writes the same
    bytes. Returns the paths written.

    Examples
    --------
    >>> import tempfile
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots(layout="constrained")
    >>> _ = ax.plot([0, 1], [0, 1])
    >>> png, svg = save_figure(fig, Path(tempfile.mkdtemp()) / "line", simulated=True)
    >>> "SIMULATED DATA" in svg.read_text(encoding="utf-8")
    True
    >>> plt.close(fig)
    """
    import matplotlib

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    width, height = fig.get_size_inches()
    new_width = width_mm / 25.4
    fig.set_size_inches(new_width, height_mm / 25.4 if height_mm else height * new_width / width)
    if not height_mm:
        keep_plot_area(fig)
    if simulated:
        mark_simulated(fig)
    written = []
    with matplotlib.rc_context({"svg.hashsalt": "analysis", "svg.fonttype": "path"}):
        for fmt in formats:
            target = path.with_suffix(f".{fmt}")
            metadata = {"Date": None} if fmt == "svg" else ({"Software": None} if fmt == "png" else None)
            fig.savefig(target, dpi=dpi, bbox_inches="tight", metadata=metadata)
            written.append(target)
    return written
