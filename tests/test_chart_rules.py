"""The rules every table and chart over time obeys, checked for each of them on real corpora and the demo.

Rules (STYLE.md, "Honest charts"; issue 16): every period between the first and the last dated
document, zeros kept; partial periods at the edges flagged for every frequency; shares with their
denominator and small denominators flagged (``reliable``) and drawn hollow or hatched; changes in
collection volume found and marked; rates per outlet with an interval and a minimum n.

The real corpora come from ``../shared/data`` (skipped when absent): KCNA 2024 (sparse until July
2024, then dense: a collection change and weeks of a handful of items), the 2023 multi-outlet
RSS year (steady volume, ~95 outlets, many with a few items), Yonhap/Chosun 2025-26 (a two-month
gap) and Kompas 2025 (a gap, then a restart).
"""
from __future__ import annotations

import inspect
import re

import matplotlib

matplotlib.use("Agg")  # unit tests only

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from analysis import ingest, lineage, plots, timeseries  # noqa: E402
from analysis.demo import load_demo  # noqa: E402
from analysis.duplicates import duplicate_groups  # noqa: E402
from analysis.relevance import RelevanceScorer  # noqa: E402

REAL = {
    "kcna": "kcna_en_2024.jsonl.gz",
    "rss2023": "rss2023_multioutlet_headlines.csv.gz",
    "ko_news": "ko_news_yonhap_chosun_2025-2026.csv.gz",
    "kompas": "id_news_kompas_fulltext_2025.jsonl.gz",
}
FREQS = ["D", "W", "M"]
_CACHE: dict[str, tuple[pd.DataFrame, np.ndarray]] = {}


def _load(name: str, shared_data) -> tuple[pd.DataFrame, np.ndarray]:
    """The corpus (ingested from the shared file, or the SIMULATED demo) and its relevance mask."""
    if name not in _CACHE:
        if name == "demo":
            corpus = load_demo(1500, random_state=4)  # SIMULATED
        else:
            path = shared_data / REAL[name]
            if not path.exists():
                pytest.skip(f"{path} is absent")
            corpus, _ = ingest(path)
        relevant = RelevanceScorer().fit().explain(corpus)["relevant"].to_numpy()
        _CACHE[name] = (corpus, relevant)
    return _CACHE[name]


@pytest.fixture(params=[pytest.param(n, marks=pytest.mark.shared) for n in REAL] + ["demo"])
def real(request):
    """(name, corpus, relevant): each real corpus, then the demo."""
    folder = request.getfixturevalue("shared_data") if request.param != "demo" else None
    corpus, relevant = _load(request.param, folder)
    return request.param, corpus, relevant


def _origins(corpus, relevant, freq):
    coverage = corpus[relevant].reset_index(drop=True)
    groups = duplicate_groups(coverage)
    return lineage.independent_origins_per_day(coverage, groups, lineage.wire_origins(coverage, groups))


def _outlet_codes(corpus):
    """Six groups in turn, one of them "no group" (-1): the grid does not care where groups come from."""
    return np.arange(len(corpus)) % 6 - 1


# every table over time in the package: name -> (corpus, relevant mask, freq) -> table
BUILDERS = {
    "counts_by_period": lambda c, r, f: timeseries.counts_by_period(c, _outlet_codes(c), freq=f),
    "attention_over_time": lambda c, r, f: timeseries.attention_over_time(c, r, freq=f),
    "attention_over_time by outlet": lambda c, r, f: timeseries.attention_over_time(c, r, freq=f, by="outlet"),
    "clusters_over_time": lambda c, r, f: timeseries.clusters_over_time(c, _outlet_codes(c), freq=f),
    "counts_over_time": lambda c, r, f: timeseries.counts_over_time(c, by="outlet", freq=f),
    "actor_cooccurrence_over_time": lambda c, r, f: timeseries.actor_cooccurrence_over_time(c, freq=f, top=3),
    "independent_origins_per_day": _origins,
    "frames_over_time": lambda c, r, f: _frames_table(c, r, f),
    "source_counts": lambda c, r, f: _sources_table(c, f),
}
GROUP_COLUMNS = ("outlet", "group", "cluster", "value", "pair", "frame", "source")
#: A reporting verb in each corpus's language: the tiny extractor of the source tables below.
_SAID = re.compile(r"\b(?:said|says|told|kata|ujar|mengatakan|заявил\w*|сообщил\w*)\b|밝혔다|말했다")
_SOURCES: dict[int, pd.DataFrame] = {}


def _attributions(corpus) -> pd.DataFrame:
    """One attribution per sentence with a reporting verb; the speaker: the first registry actor in it, if any."""
    from analysis.actors import ActorTagger
    from analysis.sentences import sentence_spans

    if id(corpus) not in _SOURCES:
        tagger, rows = ActorTagger().fit(), []
        for doc_id, field, text, language in [(d, f, t, lang) for f in ("title", "text") for d, t, lang in
                                             zip(corpus["doc_id"], corpus[f], corpus["language"])]:
            for k, (start, end) in enumerate(sentence_spans(text) if isinstance(text, str) else []):
                if _SAID.search(text[start:end]):
                    found = tagger.find(text[start:end], language if isinstance(language, str) else None)
                    rows.append((doc_id, field, k, found[0][2] if found else None))
        table = pd.DataFrame(rows, columns=["doc_id", "field", "sentence", "canonical"])
        _SOURCES[id(corpus)] = table.assign(label=table["canonical"], type=np.where(
            table["canonical"].notna(), "government", "anonymous"))
    return _SOURCES[id(corpus)]


def _sources_table(corpus, freq):
    from analysis.source_trends import source_counts

    cited = _attributions(corpus)
    table = source_counts(cited, corpus, by="canonical", freq=freq, top=4)
    assert table["attributions"].sum() == cited["doc_id"].isin(corpus.loc[corpus["published"].notna(), "doc_id"]).sum()
    return table.rename(columns={"docs": "n"})


def _frames_table(corpus, relevant, freq):
    from analysis.frame_trends import frames_over_time

    return frames_over_time(corpus, _frames(corpus, relevant), freq=freq, n_boot=100)


def test_every_table_over_time_in_the_package_is_checked_here():
    over_time = {name for name, _ in inspect.getmembers(timeseries, inspect.isfunction)
                 if name.endswith("_over_time") or name == "counts_by_period"}
    over_time |= {name for name, _ in inspect.getmembers(lineage, inspect.isfunction) if name.endswith("_per_day")}
    assert over_time <= {name.split(" ")[0] for name in BUILDERS}, over_time - set(BUILDERS)


def test_every_chart_over_time_in_the_package_is_checked_here():
    charts = {name for name, _ in inspect.getmembers(plots, inspect.isfunction)
              if name.startswith("plot_") and ("over_time" in name or "origins" in name or "cooccurrence" in name)}
    assert charts == set(CHARTS), charts ^ set(CHARTS)


def _starts(table) -> pd.DatetimeIndex:
    column = "period_start" if "period_start" in table else "day"
    return pd.DatetimeIndex(table[column].drop_duplicates().sort_values())


def _check_grid(table, corpus, freq, subset=None):
    """Every period from the first to the last dated document, each group in each, zeros kept; partial edges."""
    dated = corpus["published"] if subset is None else corpus.loc[subset, "published"]
    dated = dated.dropna().dt.tz_convert("UTC").dt.tz_localize(None)
    if dated.empty:  # no dated coverage (Kompas has no Russia-DPRK item): an empty table, not an error
        assert table.empty
        return None
    starts = _starts(table)
    steps = {"D": pd.DateOffset(days=1), "W": pd.DateOffset(weeks=1), "M": pd.DateOffset(months=1)}[freq]
    assert list(starts[1:]) == [s + steps for s in starts[:-1]], "a period is missing between two present ones"
    assert starts[0] <= dated.min() < starts[0] + steps and starts[-1] <= dated.max() < starts[-1] + steps
    if freq == "W":
        assert (starts.day_of_week == 0).all()
    if freq == "M":
        assert (starts.day == 1).all()
    column = "period_start" if "period_start" in table else "day"
    groups = [c for c in GROUP_COLUMNS if c in table]
    if groups:
        per_group = table.groupby(groups).size()
        assert (per_group == len(starts)).all(), "a group lacks some periods"
    # zeros kept: the periods in which no document was published are rows with zeros
    hit = set(dated.dt.to_period(freq).dt.start_time)
    count = "articles" if "articles" in table else "total"
    empty = table[~table[column].isin(hit)]
    assert (empty[count] == 0).all() and empty[column].nunique() == len(starts) - len(hit)
    # partial edges, whatever the frequency: a period the corpus starts or ends inside
    flags = table.groupby(column)["partial"].agg(["all", "any"])
    assert (flags["all"] == flags["any"]).all()
    first_partial = dated.min().normalize() > starts[0]
    last_partial = dated.max().normalize() < (starts[-1] + steps - pd.Timedelta(days=1))
    assert bool(flags["all"].iloc[0]) == first_partial or (len(starts) == 1 and flags["all"].iloc[0])
    assert bool(flags["all"].iloc[-1]) == last_partial or (len(starts) == 1 and flags["all"].iloc[-1])
    assert not flags["any"].iloc[1:-1].any()
    return starts


@pytest.mark.parametrize("builder, freq", [(b, f) for b in BUILDERS for f in FREQS
                                           if b != "independent_origins_per_day" or f == "D"])  # per day only
def test_every_table_keeps_every_period_flags_partial_edges_and_small_denominators(real, builder, freq):
    name, corpus, relevant = real
    table = BUILDERS[builder](corpus, relevant, freq)
    subset = relevant if builder == "independent_origins_per_day" else None
    _check_grid(table, corpus, freq, subset)
    assert table.attrs["freq"] == freq
    if "total" in table:  # shares come with their denominator, and small ones are flagged
        assert (table["n"] <= table["total"]).all()
        assert (timeseries.is_reliable(table) == (table["total"] >= timeseries.MIN_TOTAL)).all()


@pytest.mark.shared
def test_kcna_days_without_coverage_are_zeros_not_joined_over(shared_data):
    """The known failure: days without articles were left out, so the line joined across empty weeks."""
    corpus, relevant = _load("kcna", shared_data)
    daily = _origins(corpus, relevant, "D")
    assert len(daily) == (daily["day"].max() - daily["day"].min()).days + 1
    empty = daily["articles"] == 0
    assert empty.sum() > 50 and (daily.loc[empty, "independent_reports"] == 0).all()
    assert daily["articles"].sum() == relevant.sum() - daily.attrs["undated"]
    fig, ax = plt.subplots()
    plots.plot_independent_origins(daily, ax=ax)
    raw = ax.get_lines()[0]
    assert len(raw.get_xdata()) == len(daily) and list(raw.get_ydata()).count(0) == empty.sum()
    assert f"{int(empty.sum())} without articles" in _caption(ax)
    plt.close(fig)


# ---- collection volume ---------------------------------------------------------------------------------

def test_a_feed_added_is_a_collection_change():
    """80 -> 1,000 items a month when a feed was added: flagged once, at the step."""
    days = [f"2024-{m:02d}-{d:02d}" for m, count in [(1, 80), (2, 85), (3, 78), (4, 1000), (5, 990), (6, 1010)]
            for d in np.resize(np.arange(1, 29), count)]
    corpus = pd.DataFrame({"published": pd.to_datetime(days, utc=True)})
    changes = timeseries.collection_changes(timeseries.attention_over_time(corpus, freq="M"))
    assert changes[["period_start", "change"]].values.tolist() == [[pd.Timestamp("2024-04-01"), "rise"]]
    assert changes[["total", "baseline", "level"]].values.tolist() == [[1000, 80, 995]]  # level: April and May (June ends on the 28th: partial)
    assert changes["ratio"].iloc[0] == pytest.approx(995 / 80)


def test_a_one_month_burst_is_not_a_collection_change():
    days = [f"2024-{m:02d}-{d:02d}" for m, count in [(1, 80), (2, 85), (3, 78), (4, 1000), (5, 82), (6, 79), (7, 80)]
            for d in np.resize(np.arange(1, 29), count)]
    table = timeseries.attention_over_time(pd.DataFrame({"published": pd.to_datetime(days, utc=True)}), freq="M")
    assert timeseries.collection_changes(table).empty
    assert len(timeseries.collection_changes(table, persist=1)) == 2  # the burst, and the return from it


@pytest.mark.shared
@pytest.mark.parametrize("name, expected", [
    ("kcna", [("2024-07-01", "rise"), ("2024-08-01", "rise")]),  # "dense from Jul 2024" (shared README)
    ("rss2023", []),  # a steady year: nothing to flag
    ("ko_news", [("2026-01-01", "drop")]),  # no items in January and February 2026
    ("kompas", [("2025-08-01", "drop"), ("2025-10-01", "rise")]),  # August and September missing
])
def test_collection_changes_on_real_corpora(shared_data, name, expected):
    corpus, relevant = _load(name, shared_data)
    table = timeseries.attention_over_time(corpus, relevant, freq="M")
    changes = timeseries.collection_changes(table)
    assert [(f"{s:%Y-%m-%d}", c) for s, c in zip(changes["period_start"], changes["change"])] == expected
    fig, ax = plt.subplots()
    plots.plot_attention_over_time(table, ax=ax)
    marks = [t for t in _texts(ax) if t in ("▲", "▼")]
    assert len(marks) == len(expected)
    assert ("collection volume changed" in _caption(ax)) == bool(expected)
    plt.close(fig)


# ---- the charts --------------------------------------------------------------------------------------------

def _texts(ax):
    return [t.get_text() for t in ax.findobj(matplotlib.text.Text)]


def _caption(ax) -> str:
    """All the texts of ``ax`` as one line (captions are wrapped)."""
    return " ".join(" ".join(_texts(ax)).split())


def _hollow(ax):
    """Points drawn as hollow markers (white face), as (x, y) pairs."""
    points = []
    for line in ax.get_lines():
        if line.get_marker() == "o" and line.get_markerfacecolor() == "white":
            points += list(zip(matplotlib.dates.date2num(pd.DatetimeIndex(line.get_xdata())), line.get_ydata()))
    return points


def _chart_attention(corpus, relevant, freq, ax):
    table = timeseries.attention_over_time(corpus, relevant, freq=freq)
    plots.plot_attention_over_time(table, normalise=True, ax=ax)
    return table


def _chart_counts(corpus, relevant, freq, ax):
    table = timeseries.counts_over_time(corpus, by="language", freq=freq)
    plots.plot_counts_over_time(table, ax=ax)
    return table


def _chart_clusters(corpus, relevant, freq, ax):
    table = timeseries.clusters_over_time(corpus, _outlet_codes(corpus), freq=freq)
    plots.plot_clusters_over_time(table, ax=ax)
    return table


def _chart_origins(corpus, relevant, freq, ax):
    table = _origins(corpus, relevant, freq)
    plots.plot_independent_origins(table, ax=ax)
    return table


def _chart_pairs(corpus, relevant, freq, ax):
    table = timeseries.actor_cooccurrence_over_time(corpus, freq=freq, top=3)
    plots.plot_actor_cooccurrence(table, ax=ax)
    return table


def _frames(corpus, relevant):
    text = corpus["title"].fillna("") + " " + corpus["text"].fillna("")
    return pd.DataFrame({"relevant": np.asarray(relevant, dtype=int),
                         "nuclear": text.str.contains("nuclear|ядерн|핵|nuklir", case=False).astype(int)})


def _chart_frames(corpus, relevant, freq, ax):
    table = _frames_table(corpus, relevant, freq)
    plots.plot_frames_over_time(table, ax=ax)
    return table


@pytest.mark.parametrize("freq", ["W", "M"])
def test_frame_shares_obey_the_share_rules(real, freq):
    """Frames over time: small periods not joined and without a band, partial ones hollow, in the caption."""
    name, corpus, relevant = real
    fig, ax = plt.subplots()
    table = _chart_frames(corpus, relevant, freq, ax)
    first = table[table["frame"] == "relevant"].sort_values("period_start")
    joined = np.asarray(ax.get_lines()[0].get_ydata(), dtype=float)
    small = (first["total"] < timeseries.MIN_TOTAL).to_numpy()
    assert np.isnan(joined[small]).all() and not np.isnan(joined[~small]).any()
    hollow = {matplotlib.dates.num2date(x).replace(tzinfo=None) for x, _ in _hollow(ax)}
    shown_partial = set(first.loc[first["partial"] & (first["total"] > 0), "period_start"])
    assert {pd.Timestamp(p).to_pydatetime() for p in shown_partial} <= hollow
    assert ("partial" in _caption(ax)) == bool(first["partial"].any()) and "bootstrap intervals" in _caption(ax)
    plt.close(fig)


def _chart_sources(corpus, relevant, freq, ax):
    table = _sources_table(corpus, freq).rename(columns={"n": "docs"})
    plots.plot_sources_over_time(table, top=2, ax=ax)
    return table


@pytest.mark.parametrize("freq", ["W", "M"])
def test_source_shares_obey_the_share_rules(real, freq):
    """Cited sources over time: documents citing nobody in the denominator, small periods not joined, partial hollow."""
    name, corpus, relevant = real
    fig, ax = plt.subplots()
    table = _chart_sources(corpus, relevant, freq, ax)
    first = table[table["source"] == table["source"].iloc[0]].sort_values("period_start")
    assert first["total"].sum() == corpus["published"].notna().sum()  # every dated document, citing or not
    joined = np.asarray(ax.get_lines()[0].get_ydata(), dtype=float)
    small = (first["total"] < timeseries.MIN_TOTAL).to_numpy()
    assert np.isnan(joined[small]).all() and not np.isnan(joined[~small]).any()
    hollow = {matplotlib.dates.num2date(x).replace(tzinfo=None) for x, _ in _hollow(ax)}
    shown_partial = set(first.loc[first["partial"] & (first["total"] > 0), "period_start"])
    assert {pd.Timestamp(p).to_pydatetime() for p in shown_partial} <= hollow
    assert ("partial" in _caption(ax)) == bool(first["partial"].any()) and "citing nobody" in _caption(ax)
    plt.close(fig)


CHARTS = {"plot_attention_over_time": _chart_attention, "plot_counts_over_time": _chart_counts,
          "plot_clusters_over_time": _chart_clusters, "plot_independent_origins": _chart_origins,
          "plot_actor_cooccurrence": _chart_pairs, "plot_frames_over_time": _chart_frames,
          "plot_sources_over_time": _chart_sources}


def _partial_starts(table):
    column = "period_start" if "period_start" in table else "day"
    return set(table.loc[table["partial"], column])


@pytest.mark.parametrize("chart", ["plot_attention_over_time", "plot_counts_over_time", "plot_clusters_over_time",
                                   "plot_actor_cooccurrence"])
@pytest.mark.parametrize("freq", FREQS)
def test_charts_mark_partial_periods_for_every_frequency(real, chart, freq):
    name, corpus, relevant = real
    fig, ax = plt.subplots()
    table = CHARTS[chart](corpus, relevant, freq, ax)
    partial = _partial_starts(table)
    word = plots._period_word(table)
    caption = _caption(ax)
    if chart != "plot_clusters_over_time":
        assert (f"partial {word}" in caption) == bool(partial)
    if chart in ("plot_attention_over_time", "plot_actor_cooccurrence"):
        hollow = {matplotlib.dates.num2date(x).replace(tzinfo=None) for x, _ in _hollow(ax)}
        assert partial <= hollow
    elif chart == "plot_counts_over_time":
        hatched = {matplotlib.dates.num2date(p.get_x() + p.get_width() / 2).replace(tzinfo=None).replace(
            hour=0, minute=0, second=0, microsecond=0) for p in ax.patches if p.get_hatch() == "///"}
        assert {pd.Timestamp(s).to_pydatetime() for s in partial} <= {pd.Timestamp(h).normalize() for h in hatched}
    else:
        spans = [p for p in ax.patches if p.get_hatch() == "///"]
        flagged = timeseries.period_totals(table)
        flagged = flagged["partial"] | (flagged["total"] < timeseries.MIN_TOTAL)
        assert len(spans) == int(flagged.sum())
        assert (f"{int(flagged.sum())} of {len(flagged)} {word}s hatched: partial, or under" in caption) == flagged.any()
    plt.close(fig)


@pytest.mark.parametrize("freq", ["W", "M"])
def test_shares_below_the_minimum_denominator_are_hollow_and_not_joined(real, freq):
    """A week with 1 relevant item of 18 must not look like the real peak."""
    name, corpus, relevant = real
    fig, ax = plt.subplots()
    table = _chart_attention(corpus, relevant, freq, ax).sort_values("period_start")
    joined = np.asarray(ax.get_lines()[0].get_ydata(), dtype=float)
    small = (table["total"] < timeseries.MIN_TOTAL).to_numpy()
    assert np.isnan(joined[small]).all() and not np.isnan(joined[~small]).any()
    hollow_grey = [ln for ln in ax.get_lines() if ln.get_markeredgecolor() == "#888888"]
    shown_small = (small & (table["total"] > 0).to_numpy()).sum()
    assert (len(hollow_grey[0].get_xdata()) if hollow_grey else 0) == shown_small
    caption = _caption(ax)
    assert "denominators" in caption and (f"under {timeseries.MIN_TOTAL} documents hollow grey" in caption) == bool(shown_small)
    plt.close(fig)


@pytest.mark.shared
def test_kcna_small_weeks_before_july_are_not_drawn_as_values(shared_data):
    corpus, relevant = _load("kcna", shared_data)
    table = timeseries.attention_over_time(corpus, relevant, freq="W")
    before = table[table["period_start"] < "2024-07-01"]
    assert (~before["reliable"]).mean() > 0.9  # KCNA collected a handful of items a week until July 2024
    assert table.loc[table["period_start"] >= "2024-08-01", "reliable"].all()


# ---- rates per outlet ------------------------------------------------------------------------------------

def test_wilson_interval_known_values():
    low, high = timeseries.wilson_interval([1, 0, 50, 0], [1, 10, 100, 0])
    assert low[0] == pytest.approx(0.2065, abs=1e-4) and high[0] == 1.0
    assert low[1] == 0.0 and high[1] == pytest.approx(0.2775, abs=1e-4)
    assert (low[2], high[2]) == pytest.approx((0.4038, 0.5962), abs=1e-4)
    assert np.isnan(low[3]) and np.isnan(high[3])


@pytest.mark.shared
def test_rss2023_outlets_are_never_ranked_on_a_handful_of_items(shared_data):
    """The naive ranking puts an outlet with 1 relevant item in 3 first; the interval's lower bound does not."""
    corpus, relevant = _load("rss2023", shared_data)
    table = timeseries.attention_over_time(corpus, relevant, freq="M", by="outlet")
    naive = table.groupby("outlet")[["n", "total"]].sum().assign(share=lambda t: t["n"] / t["total"])
    assert naive.sort_values("share", ascending=False)["total"].iloc[0] < timeseries.MIN_TOTAL  # the failure
    rates = timeseries.rates_by_group(table, "outlet")
    ranked = rates[rates["reliable"]]
    assert (ranked["total"] >= timeseries.MIN_TOTAL).all() and ranked["low"].is_monotonic_decreasing
    assert ((ranked["low"] <= ranked["share"]) & (ranked["share"] <= ranked["high"])).all()
    pooled = rates.iloc[-1]
    assert not pooled["reliable"] and pooled["outlet"].startswith(f"({len(rates.attrs['pooled'])} outlets")
    assert len(rates.attrs["pooled"]) > 10 and rates["n"].sum() == naive["n"].sum()
    assert rates["total"].sum() == naive["total"].sum()
    listed = timeseries.rates_by_group(table, "outlet", pool=False)
    assert len(listed) == len(naive) and not listed["reliable"].iloc[len(ranked):].any()


def test_notebook_06_ranks_outlets_with_the_package_function():
    import json

    from analysis import config

    cells = json.loads((config.PROJECT_ROOT / "notebooks" / "06-over-time.ipynb").read_text(encoding="utf-8"))["cells"]
    source = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
    assert "timeseries.rates_by_group(" in source and 'sort_values("share"' not in source


# ---- a query's matches are not the collection -----------------------------------------------------------

@pytest.mark.shared
def test_under_a_query_volume_gaps_and_edges_are_the_collections(shared_data):
    """Korean file, query actor:RUS AND actor:PRK: the September 2025 summit burst of matches is not a feed
    added; the weeks in which the whole file has nothing are shaded as gaps in the collection."""
    from analysis.workflow import open_corpus

    whole = open_corpus(shared_data / "ko_news_yonhap_chosun_2025-2026.csv.gz")
    matches = open_corpus(shared_data / "ko_news_yonhap_chosun_2025-2026.csv.gz", query="actor:RUS AND actor:PRK")
    assert sum(matches.attrs["collected_per_day"].values()) == whole["published"].notna().sum()
    table = timeseries.attention_over_time(matches, freq="W")
    changes = timeseries.collection_changes(table)
    of_whole = timeseries.collection_changes(timeseries.attention_over_time(whole, freq="W"))
    assert "collected" in table
    assert changes[["period_start", "change"]].values.tolist() == of_whole[["period_start", "change"]].values.tolist()
    # read from the matches alone, the end of the summit burst looks like a feed lost, and the gaps vanish
    bare = matches.copy()
    bare.attrs.pop("collected_per_day")
    alone = timeseries.collection_changes(timeseries.attention_over_time(bare, freq="W"))
    assert set(alone["period_start"]) - set(of_whole["period_start"])
    weeks = pd.to_datetime(whole["published"], utc=True).dropna().dt.tz_localize(None).dt.to_period("W").dt.start_time
    empty = set(table["period_start"]) - set(weeks)
    assert empty and set(table.loc[table["collected"] == 0, "period_start"]) == empty
    fig, ax = plt.subplots()
    plots.plot_attention_over_time(table, ax=ax)
    assert f"{len(empty)} week(s) shaded grey: nothing collected" in _caption(ax)
    plt.close(fig)
