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
    pairs = actor_cooccurrence_over_time(demo, freq="M", top=3)
    plots.plot_actor_cooccurrence(pairs, ax=axes[1, 1])
    assert len(axes[1, 1].get_lines()) == 3
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
