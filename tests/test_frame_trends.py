"""Frames over time and by outlet group: the period grid's rules, intervals, differences and effects."""
import numpy as np
import pandas as pd
import pytest

from analysis.frame_trends import frame_effects, frame_table, frames_by_group, frames_over_time


def _corpus(days, groups=None):
    corpus = pd.DataFrame({"published": pd.to_datetime(days, utc=True)})
    if groups is not None:
        corpus["outlet_group"] = groups
    return corpus


def test_frames_over_time_keeps_every_period_flags_partial_and_small_ones():
    corpus = _corpus(["2024-06-05"] * 30 + ["2024-06-20"] * 3 + ["2024-07-10"] * 25)
    frames = pd.DataFrame({"legality": [1] * 10 + [0] * 20 + [1] * 3 + [0] * 25,
                           "human_cost": [0] * 30 + [0] * 3 + [1] * 25})
    table = frames_over_time(corpus, frames, freq="W", n_boot=300)
    weeks = table["period_start"].drop_duplicates()
    assert len(weeks) == 6 and len(table) == 12  # June 3 .. July 8, empty weeks kept, one row per frame
    empty = table[table["total"] == 0]
    assert (empty["n"] == 0).all() and empty["low"].isna().all()
    assert table.loc[table["total"] == 3, "reliable"].eq(False).all()  # 3 documents: below min_total
    first = table[table["period_start"] == weeks.iloc[0]]
    assert first["partial"].all()  # the corpus starts on a Wednesday
    row = table[(table["total"] == 30) & (table["frame"] == "legality")].iloc[0]
    assert row["share"] == pytest.approx(1 / 3) and row["low"] < row["share"] < row["high"]


def test_bootstrap_intervals_cover_the_share_and_narrow_with_more_documents():
    corpus = _corpus(["2024-01-10"] * 40 + ["2024-02-14"] * 400)
    frames = pd.DataFrame({"legality": np.r_[np.ones(20), np.zeros(20), np.ones(200), np.zeros(200)].astype(int)})
    table = frames_over_time(corpus, frames, freq="M", min_total=1, n_boot=2000)
    small, large = table.iloc[0], table.iloc[1]
    assert small["share"] == large["share"] == 0.5
    assert (small["high"] - small["low"]) > 2 * (large["high"] - large["low"])


def test_frame_table_refuses_misaligned_or_non_binary_frames():
    corpus = _corpus(["2024-01-01", "2024-01-02"])
    with pytest.raises(ValueError, match="aligned"):
        frame_table(pd.DataFrame({"a": [1, 0, 1]}), corpus)
    with pytest.raises(ValueError, match="frame 'a': row 1 is '2'"):
        frame_table(pd.DataFrame({"a": [1, 2]}), corpus)


def test_frames_by_group_gives_differences_in_points_against_the_reference():
    rng = np.random.default_rng(1)
    groups = ["state"] * 200 + ["west"] * 300 + ["tiny"] * 5
    values = np.r_[rng.random(200) < 0.7, rng.random(300) < 0.3, np.ones(5)].astype(int)
    table = frames_by_group(_corpus(["2024-01-01"] * 505, groups), pd.DataFrame({"partnership": values}),
                            reference="west", n_boot=1000)
    state = table[table["group"] == "state"].iloc[0]
    assert 30 < state["diff"] < 50 and state["diff_low"] < state["diff"] < state["diff_high"]
    assert state["diff_low"] > 0  # a 40-point gap on hundreds of documents is not chance
    tiny = table[table["group"] == "tiny"].iloc[0]
    assert not tiny["reliable"] and np.isnan(tiny["diff"])  # five documents: a share, but no difference
    with pytest.raises(ValueError, match="reference 'east' is not a value"):
        frames_by_group(_corpus(["2024-01-01"] * 505, groups), pd.DataFrame({"p": values}), reference="east")


def test_frame_effects_recover_a_planted_gap_and_a_change_after_a_date():
    rng = np.random.default_rng(2)
    n = 800
    days = pd.date_range("2024-06-01", periods=n, freq="6h", tz="UTC")
    groups = np.where(rng.random(n) < 0.5, "state", "west")
    after = days >= pd.Timestamp("2024-07-15", tz="UTC")
    p = 0.2 + 0.4 * (groups == "state") + 0.2 * after
    corpus = _corpus(days, groups)
    frames = pd.DataFrame({"partnership": (rng.random(n) < p).astype(int)})
    effects = frame_effects(corpus, frames, reference="west", periods=["2024-07-15"])
    group = effects[effects["term"] == "group"].iloc[0]
    period = effects[effects["term"] == "period"].iloc[0]
    assert group["level"] == "state" and group["low"] < 40 < group["high"]
    assert period["level"] == "from 2024-07-15" and period["low"] < 20 < period["high"]
    assert group["note"] == "against west"


def test_frame_effects_say_when_a_group_always_has_the_frame():
    corpus = _corpus(["2024-01-01"] * 60, ["state"] * 30 + ["west"] * 30)
    frames = pd.DataFrame({"partnership": [1] * 30 + [0, 1] * 15, "constant": [0] * 60})
    effects = frame_effects(corpus, frames, reference="west")
    notes = dict(zip(effects["frame"], effects["note"]))
    assert "perfect separation" in notes["partnership"] and "constant" in notes["constant"]


@pytest.mark.shared
def test_frames_over_time_on_a_real_corpus_obey_the_grid(shared_data):
    """KCNA 2024, a frame read off the text (the word "nuclear"): weekly shares on the real calendar."""
    from analysis.ingestion import ingest

    corpus, _ = ingest(shared_data / "kcna_en_2024.jsonl.gz")
    frames = pd.DataFrame({"nuclear": corpus["text"].fillna("").str.contains("nuclear", case=False).astype(int)})
    table = frames_over_time(corpus, frames, freq="W", n_boot=200)
    dated = pd.to_datetime(corpus["published"], utc=True).dropna()
    weeks = pd.period_range(dated.min().tz_localize(None), dated.max().tz_localize(None), freq="W")
    assert len(table) == len(weeks)  # every week between the first and the last story, zeros kept
    assert table["n"].sum() == int(frames.loc[dated.index, "nuclear"].sum())
    assert ((table["low"] <= table["share"]) & (table["share"] <= table["high"]) | (table["total"] == 0)).all()
    assert table["partial"].iloc[[0, -1]].any() or dated.min().dayofweek == 0


def test_frames_over_time_corrects_each_period_for_misclassification():
    """A classifier with tpr 0.7 and fpr 0.1 over-counts a rare frame: the corrected share comes back."""
    rng = np.random.default_rng(3)
    days = pd.date_range("2024-01-01", periods=2000, freq="h", tz="UTC")
    truth = rng.random(2000) < 0.1
    predicted = np.where(truth, rng.random(2000) < 0.7, rng.random(2000) < 0.1).astype(int)
    rates = pd.DataFrame({"frame": ["legality"], "tpr": [0.7], "fpr": [0.1], "positives": [300], "negatives": [900]})
    table = frames_over_time(_corpus(days), pd.DataFrame({"legality": predicted}), freq="W", rates=rates,
                             n_boot=500)
    full = table[~table["partial"]]
    assert full["share"].mean() > 0.13  # naive: about 0.1 * 0.7 + 0.9 * 0.1 = 0.16
    assert abs(full["corrected"].mean() - 0.1) < 0.03
    assert ((full["corrected_low"] <= 0.1) & (0.1 <= full["corrected_high"])).mean() >= 0.8
    assert table.attrs["freq"] == "W"


def test_frame_effects_with_one_group_say_so():
    corpus = _corpus(pd.date_range("2024-01-01", periods=100, freq="D", tz="UTC"), ["KR"] * 100)
    frames = pd.DataFrame({"partnership": [1, 0] * 50})
    effects = frame_effects(corpus, frames, group="outlet_group", periods=["2024-02-15"])
    assert effects["term"].tolist() == ["period"] and "one level only (KR)" in effects.attrs["left_out"][0]
    alone = frame_effects(corpus, frames, group="outlet_group")
    assert alone["effect"].isna().all() and "not estimable: group: one level only (KR)" in alone["note"].iloc[0]
