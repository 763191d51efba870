"""Charts: tested on their artists (lines, bars, texts), not on pixels; the seaborn contract."""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")  # unit tests only: notebooks keep the inline backend

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from analysis import plots  # noqa: E402
from analysis.demo import demo_events, load_demo  # noqa: E402
from analysis.stories import cluster_corpus, document_map  # noqa: E402
from analysis.timeseries import (actor_cooccurrence_over_time, attention_over_time, clusters_over_time,  # noqa: E402
                                 counts_over_time)


@pytest.fixture(scope="module")
def demo():
    return load_demo(800, random_state=2)  # SIMULATED


@pytest.fixture(scope="module")
def result(demo):
    return cluster_corpus(demo, n_clusters=12, stability_runs=1)


@pytest.fixture()
def ax():
    fig, ax = plt.subplots()
    yield ax
    plt.close(fig)


def _texts(ax):
    return [t.get_text() for t in ax.findobj(matplotlib.text.Text)]


def test_attention_raw_and_normalised(demo, ax):
    table = attention_over_time(demo, freq="M")
    events = demo_events()
    assert plots.plot_attention_over_time(table, events=events, ax=ax) is ax
    line = ax.get_lines()[0]
    assert list(line.get_ydata()) == table.sort_values("period_start")["n"].tolist()
    assert ax.get_ylabel() == "documents per month"
    captions = [t for t in _texts(ax) if t.startswith("n = ")]
    assert captions and f"{table['n'].sum():,}" in captions[0] and "partial" in captions[0]
    assert "2024-06-19" in captions[0]  # events are listed in the caption, numbered on the axes
    dashed = [ln for ln in ax.get_lines() if ln.get_linestyle() == "--"]
    assert len(dashed) == len(events)
    fig2, ax2 = plt.subplots()
    plots.plot_attention_over_time(table, normalise=True, ax=ax2)
    assert max(ax2.get_lines()[0].get_ydata()) <= 100 and "%" in ax2.get_ylabel()
    plt.close(fig2)


def test_draws_only_on_the_given_axes(demo):
    fig, (left, right) = plt.subplots(1, 2)
    plots.plot_attention_over_time(attention_over_time(demo, freq="M"), ax=right)
    assert not left.get_lines() and right.get_lines()
    plt.close(fig)


def test_clusters_over_time_stacks_shares(demo, result, ax):
    table = clusters_over_time(demo, result.labels, freq="M")
    labels = dict(zip(result.summary["cluster"], result.summary["label"]))
    plots.plot_clusters_over_time(table, labels=labels, top=5, ax=ax)
    bands = ax.collections
    assert len(bands) == 6  # five clusters + "other"
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend[-1] == "other clusters" and legend[0].startswith("0: ")
    assert ax.get_ylim() == (0, 100)


def test_cluster_sizes_bars_and_colours(result, ax):
    plots.plot_cluster_sizes(result.summary, ax=ax)
    bars = ax.patches[:len(result.summary)]
    assert sorted(b.get_width() for b in bars) == sorted(result.summary["size"].tolist())
    unstable = result.summary["verdict"].eq("unstable").sum()
    assert sum(b.get_hatch() == "//" for b in bars) == unstable
    assert ax.get_xlabel() == "documents"


def test_counts_map_origins_and_pairs(demo, result):
    fig, axes = plt.subplots(2, 2)
    table = counts_over_time(demo, by="outlet_type", freq="M")
    plots.plot_counts_over_time(table, ax=axes[0, 0])
    assert sum(p.get_height() for p in axes[0, 0].patches) == pytest.approx(table["n"].sum())
    points = document_map(result.clusterer.embedding_, result.labels)
    plots.plot_document_map(points, ax=axes[0, 1])
    assert sum(len(c.get_offsets()) for c in axes[0, 1].collections) == len(demo)
    daily = pd.DataFrame({"day": pd.date_range("2024-06-17", periods=4), "articles": [5, 9, 3, 1],
                          "independent_reports": [2, 3, 2, 1]})
    plots.plot_independent_origins(daily, ax=axes[1, 0])
    assert [list(ln.get_ydata()) for ln in axes[1, 0].get_lines()[:2]] == [[5, 9, 3, 1], [2, 3, 2, 1]]
    pairs = actor_cooccurrence_over_time(demo, freq="M", top=3, pairs=[("RUS", "PRK")])
    plots.plot_actor_cooccurrence(pairs, ax=axes[1, 1])
    drawn = [ln for ln in axes[1, 1].get_lines() if ln.get_linestyle() != "None"]
    assert len(drawn) == 3 and drawn[0].get_label() == "PRK + RUS (study pair)"
    assert drawn[0].get_linewidth() > drawn[1].get_linewidth()
    n_study = int(pairs.loc[pairs["study"], "n"].sum())
    assert f"n = {n_study:,} documents naming PRK + RUS" in " ".join(t.get_text() for t in axes[1, 1].texts)
    plt.close(fig)


def test_palette_is_colour_blind_safe_then_grey():
    assert plots.palette(3) == plots.OKABE_ITO[:3]
    assert plots.palette(10)[-1] == plots.OTHER_COLOUR


def test_korean_labels_have_a_font():
    families = plots.font_families()
    assert len(families) == 2, "the Hangul fallback font (koreanize-matplotlib's NanumGothic) is missing"
    from matplotlib import font_manager

    path = font_manager.findfont(font_manager.FontProperties(family=families[1]), fallback_to_default=False)
    assert path.endswith("NanumGothic.ttf")


def test_save_figure_writes_the_same_bytes_twice(tmp_path, demo):
    def draw():
        fig, ax = plt.subplots()
        plots.plot_attention_over_time(attention_over_time(demo, freq="M"), ax=ax)
        return fig

    first = plots.save_figure(draw(), tmp_path / "a" / "attention")
    second = plots.save_figure(draw(), tmp_path / "b" / "attention")
    plt.close("all")
    assert [p.suffix for p in first] == [".png", ".svg"]
    for a, b in zip(first, second):
        assert a.read_bytes() == b.read_bytes()
    from PIL import Image

    with Image.open(first[0]) as image:
        assert image.size[0] == pytest.approx(174 / 25.4 * 300, rel=0.25)  # publication width at 300 dpi


# --- layout that survives real data: markers, plot area, the SIMULATED mark -----------------------

def _marker_boxes(ax):
    """Window boxes (pixels) of the event markers, with their numbers, after drawing the figure as it is now."""
    ax.figure.canvas.draw()
    renderer = ax.figure.canvas.get_renderer()
    markers = [a for a in ax.artists if isinstance(a, plots.EventMarkers)]
    assert len(markers) == 1
    return [(int(m.get_text()), m.get_bbox_patch().get_window_extent(renderer)) for m in markers[0].markers]


def _overlaps(boxes) -> list[tuple[int, int]]:
    return [(a, b) for i, (a, box_a) in enumerate(boxes) for b, box_b in boxes[i + 1:]
            if box_a.x0 < box_b.x1 and box_b.x0 < box_a.x1 and box_a.y0 < box_b.y1 and box_b.y0 < box_a.y1]


@pytest.fixture(scope="module")
def real_timeline(shared_data):
    return pd.read_csv(shared_data / "key_events_russia_dprk_2023-2025.csv")


@pytest.fixture(scope="module")
def kcna_weekly(shared_data):
    from analysis.ingestion import ingest

    corpus, _ = ingest([shared_data / "kcna_en_2024.jsonl.gz"])
    return attention_over_time(corpus, freq="W")


def _draw_real(kcna_weekly, real_timeline, tmp_path, width_mm):
    # the whole real timeline over the demo's two years (KCNA 2024 alone would leave events out)
    table = attention_over_time(load_demo(300, random_state=3), freq="W")
    fig, ax = plt.subplots(figsize=(9, 3.4), layout="constrained")
    plots.plot_attention_over_time(table, events=real_timeline, ax=ax)
    ax.set_title("All documents")
    plots.save_figure(fig, tmp_path / f"w{width_mm}", width_mm=width_mm, formats=("png",))
    return fig, ax


@pytest.mark.shared
@pytest.mark.parametrize("width_mm", [174, 84])  # two-column and one-column journal widths
def test_event_markers_never_overlap_on_the_real_timeline(kcna_weekly, real_timeline, tmp_path, width_mm):
    fig, ax = _draw_real(kcna_weekly, real_timeline, tmp_path, width_mm)
    boxes = _marker_boxes(ax)
    assert sorted(n for n, _ in boxes) == list(range(1, 17))  # 16 events, every one drawn
    assert not _overlaps(boxes)
    marker = ax.artists[0]
    rows = {row for row, _ in marker.placed}
    assert len(rows) > 1  # the October-November 2024 cluster needs the rows
    # every marker sits above the axes, and its leader line ends at its own event's date
    top = ax.bbox.y1
    assert all(box.y0 >= top for _, box in boxes)
    event_x = ax.transData.transform([(x, 0) for x in marker.xs])[:, 0]
    assert [leader.get_xdata()[1] for leader in marker.leaders] == pytest.approx(list(event_x))
    # the title moved above the marker rows instead of under them
    title = ax.title.get_window_extent(fig.canvas.get_renderer())
    assert title.y0 >= max(box.y1 for _, box in boxes) - 0.5
    plt.close(fig)


@pytest.mark.shared
def test_markers_on_a_real_corpus_keep_to_the_events_in_its_period(kcna_weekly, real_timeline, tmp_path):
    fig, ax = plt.subplots(figsize=(9, 3.4), layout="constrained")
    legend = plots.add_events(ax, None)
    assert legend == []
    plots.plot_attention_over_time(kcna_weekly, events=real_timeline, ax=ax)
    plots.save_figure(fig, tmp_path / "kcna", formats=("png",))
    boxes = _marker_boxes(ax)
    import matplotlib.dates as mdates

    low, high = ax.get_xlim()
    inside = mdates.date2num(pd.to_datetime(real_timeline["date"])).clip(-1e9, 1e9)
    expected = int(((inside >= low) & (inside <= high)).sum())
    assert 5 <= expected < len(real_timeline)  # KCNA 2024 spans part of the timeline
    assert len(boxes) == expected and not _overlaps(boxes)
    caption = next(t.get_text() for t in ax.texts if t.get_gid() == "caption")
    assert caption.count(" · ") == expected - 1  # a compact legend: one short entry per event
    assert caption.endswith(f"; {len(real_timeline) - expected} more of the timeline outside this period")
    plt.close(fig)


@pytest.mark.shared
def test_sixteen_events_do_not_squeeze_the_plot_area(kcna_weekly, real_timeline, tmp_path):
    fig, ax = _draw_real(kcna_weekly, real_timeline, tmp_path, 174)
    height = ax.get_position().height * fig.get_figheight()
    assert height >= plots.MIN_PLOT_HEIGHT_IN - 0.02
    assert height / fig.get_figheight() > 0.35
    plt.close(fig)


def test_a_long_caption_grows_the_figure_not_the_text_into_the_plot(demo):
    fig, ax = plt.subplots(figsize=(9, 3.4), layout="constrained")
    many = pd.DataFrame({"date": pd.date_range("2023-08-01", periods=40, freq="14D").strftime("%Y-%m-%d"),
                         "label": [f"A long label of event number {i} with many words" for i in range(40)]})
    plots.plot_attention_over_time(attention_over_time(demo, freq="W"), events=many, ax=ax)
    fig.canvas.draw()
    assert ax.get_position().height * fig.get_figheight() >= plots.MIN_PLOT_HEIGHT_IN - 0.02
    assert fig.get_figheight() > 3.4
    assert not _overlaps(_marker_boxes(ax))
    plt.close(fig)


def test_simulated_figures_carry_the_mark_inside_the_image(tmp_path, demo):
    from PIL import Image

    def draw():
        fig, ax = plt.subplots(figsize=(9, 3.4), layout="constrained")
        plots.plot_attention_over_time(attention_over_time(demo, freq="M"), ax=ax)
        return fig

    marked = plots.save_figure(draw(), tmp_path / "sim", simulated=True)
    plain = plots.save_figure(draw(), tmp_path / "real")
    plt.close("all")
    assert "SIMULATED" in marked[1].read_text(encoding="utf-8")
    assert "SIMULATED" not in plain[1].read_text(encoding="utf-8")

    def red_pixels(path):  # the mark is drawn in #B00020, a colour no chart element uses
        with Image.open(path) as image:
            pixels = np.asarray(image.convert("RGB")).astype(int)
        top = pixels[: pixels.shape[0] // 5]
        return int(((top[..., 0] > 140) & (top[..., 1] < 60) & (top[..., 2] < 80)).sum())

    assert red_pixels(marked[0]) > 200 and red_pixels(plain[0]) == 0
