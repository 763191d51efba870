"""The period grid: every period, zeros kept, denominators, partial edges, events, undated documents."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.demo import demo_events, load_demo
from analysis import timeseries
from analysis.timeseries import attention_over_time, clusters_over_time, counts_by_period, counts_over_time, is_reliable


@pytest.fixture(scope="module")
def demo():
    return load_demo(4000, random_state=0)  # SIMULATED


@pytest.fixture(scope="module")
def labels(demo):
    """Story ids standing in for cluster ids: the grid does not care where the groups come from."""
    return pd.factorize(demo["truth_story"], sort=True)[0]


def test_clusters_over_time_counts_shares_partial_periods_and_events(demo, labels):
    events = demo_events()
    table = clusters_over_time(demo, labels, freq="W", events=events)
    dated = demo["published"].notna().sum()
    assert table["n"].sum() == dated and table.attrs["undated"] == len(demo) - dated
    per_period = table.groupby("period_start")["share"].sum()
    assert np.allclose(per_period[per_period > 0], 1.0)
    assert table["partial"].iloc[0] and table["partial"].iloc[-1]
    assert not table.loc[table["period_start"] == table["period_start"].unique()[5], "partial"].any()
    signing = table[table["events"].str.contains("sign a partnership treaty")]
    assert signing["period_start"].nunique() == 1
    assert signing["period_start"].iloc[0] <= pd.Timestamp("2024-06-19") <= signing["period_end"].iloc[0]


def test_clusters_over_time_per_outlet_denominators(demo, labels):
    table = clusters_over_time(demo, labels, freq="M", by="outlet")
    some = table[table["total"] > 0].iloc[0]
    same = table[(table["period_start"] == some["period_start"]) & (table["outlet"] == some["outlet"])]
    assert same["n"].sum() == some["total"] and same["share"].sum() == pytest.approx(1.0)


def test_a_mask_is_one_group_of_codes(demo):
    about = demo["truth_story"].str.startswith("background").eq(False).to_numpy()
    as_mask = counts_by_period(demo, about, freq="W", by="language")
    as_codes = counts_by_period(demo, np.where(about, 0, -1), freq="W", by="language")
    assert "group" not in as_mask and (as_codes["group"] == 0).all()
    pd.testing.assert_frame_equal(as_mask, as_codes.drop(columns="group"))


def test_documents_in_no_group_count_in_the_total_only():
    corpus = pd.DataFrame({"published": pd.to_datetime(["2024-06-03", "2024-06-04", "2024-06-05", None], utc=True)})
    table = counts_by_period(corpus, [1, np.nan, -3, 0], freq="D", name="frame")
    assert table["frame"].tolist() == [1, 1, 1] and table["n"].tolist() == [1, 0, 0]
    assert table["total"].tolist() == [1, 1, 1] and table.attrs["undated"] == 1
    with pytest.raises(ValueError, match="one per document"):
        counts_by_period(corpus, [0, 1], freq="D")
    with pytest.raises(ValueError, match="no dated documents"):
        counts_by_period(corpus.iloc[3:], [0], freq="D")


def test_gaps_are_periods_with_zeros_and_the_edges_are_partial():
    corpus = pd.DataFrame({"published": pd.to_datetime(["2024-01-10", "2024-04-20"], utc=True), "outlet": ["a", "b"]})
    table = counts_by_period(corpus, [0, 1], freq="M", by="outlet")
    assert table["period_start"].dt.month.unique().tolist() == [1, 2, 3, 4]
    assert len(table) == 4 * 2 * 2  # months x outlets x groups
    assert table.groupby("period_start")["partial"].all().tolist() == [True, False, False, True]
    assert table.loc[table["period_start"].dt.month.isin([2, 3]), ["n", "total", "share"]].eq(0).all().all()


def test_noise_keeps_its_own_row_in_clusters_over_time():
    corpus = pd.DataFrame({"published": pd.to_datetime(["2024-06-03", "2024-06-04", "2024-06-05"], utc=True)})
    table = clusters_over_time(corpus, [-1, 0, 0], freq="W")
    assert table[["cluster", "n", "total"]].values.tolist() == [[-1, 1, 3], [0, 2, 3]]


def test_attention_keeps_every_period_when_nothing_dated_matches(demo):
    undated = demo["published"].isna().to_numpy()
    assert undated.any()  # the demo has undated documents: matches among them only
    table = attention_over_time(demo, undated, freq="M")
    # every period, zeros kept, as when nothing matches at all (it was an empty table before the grid was shared)
    assert len(table) == len(attention_over_time(demo, freq="M")) and (table["n"] == 0).all()
    assert (table["total"] > 0).all() and table.attrs["undated"] == undated.sum()


def test_counts_over_time_pools_beyond_the_top_values(demo):
    table = counts_over_time(demo, by="outlet", freq="M", top=3)
    assert set(table["value"]) == set(demo["outlet"].value_counts().index[:3]) | {"other"}
    per_period = table.groupby("period_start")
    assert (per_period["n"].sum() == per_period["total"].first()).all() and table.attrs["by"] == "outlet"


# -- actor pairs: the study's pair always, distinct actors only --------------------------------

def _pair_corpus():
    texts = ["Putin met Kim Jong Un in Pyongyang.", "North Korea and the United States traded threats.",
             "Washington and Pyongyang: talks stall.", "The Kremlin said Moscow and Beijing agree.",
             "China and Russia held drills.", "Rosatom signed a deal in Beijing."]
    return pd.DataFrame({"doc_id": [f"d{i}" for i in range(6)], "text": texts, "language": "en",
                         "published": pd.to_datetime(["2024-01-03", "2024-01-10", "2024-02-01",
                                                      "2024-02-05", "2024-03-01", "2024-03-02"], utc=True)})


def test_actor_pairs_are_of_distinct_actors_and_people_count_for_their_state():
    from analysis.timeseries import actor_cooccurrence_over_time

    table = actor_cooccurrence_over_time(_pair_corpus(), freq="M", top=6)
    totals = table.groupby("pair")["n"].sum().to_dict()
    # Putin + Kim Jong Un is PRK + RUS, Washington + Pyongyang is PRK + USA, Rosatom counts for Russia;
    # never PRK + PYONGYANG, RUS + MOSCOW or KREMLIN + MOSCOW
    assert totals == {"CHN + RUS": 3, "PRK + USA": 2, "PRK + RUS": 1}
    assert not table["study"].any()


def test_the_study_pair_is_always_shown_first_even_when_rare_or_absent():
    from analysis.timeseries import actor_cooccurrence_over_time

    corpus = _pair_corpus()
    table = actor_cooccurrence_over_time(corpus, freq="M", top=2, actor_a="Russia", actor_b="DPRK")
    assert table["pair"].drop_duplicates().tolist() == ["PRK + RUS", "CHN + RUS"]
    assert table.loc[table["pair"] == "PRK + RUS", "n"].tolist() == [1, 0, 0] and table["study"].sum() == 3
    absent = actor_cooccurrence_over_time(corpus, freq="M", top=1, pairs=[("UKR", "JPN")], query="actor:CHN AND actor:USA")
    assert absent["pair"].drop_duplicates().tolist() == ["JPN + UKR", "CHN + USA"]  # both study pairs, beyond top
    assert absent["n"].sum() == 0 and absent["study"].all()


@pytest.mark.parametrize("kwargs, message", [
    ({"actor_a": "RUS", "actor_b": "Putin"}, "PUTIN and RUS are one actor"),
    ({"pairs": [("PRK", "Korean People's Army")]}, "KPA and PRK are one actor"),
    ({"actor_a": "RUS"}, "a study pair needs two actors"),
    ({"pairs": [("RUS", "Atlantis")]}, "unknown actor 'Atlantis'"),
])
def test_a_study_pair_of_one_actor_is_refused(kwargs, message):
    from analysis.timeseries import actor_cooccurrence_over_time

    with pytest.raises(ValueError, match=message):
        actor_cooccurrence_over_time(_pair_corpus(), **kwargs)


@pytest.mark.shared
@pytest.mark.parametrize("name", ["kcna_en_2024.jsonl.gz", "rss2023_multioutlet_headlines.csv.gz",
                                  "ru_news_rt_ng_kw_2000-2018.jsonl.gz"])
def test_actor_pairs_on_real_corpora_show_the_study_pair_and_no_actor_with_itself(shared_data, name):
    """Before: KCNA's six pairs were PRK + PYONGYANG, KCNA + PRK, KCNA + PYONGYANG..., RT's began
    MOSCOW + RUS, and Russia + North Korea was missing from both."""
    from analysis.actors import ActorTagger
    from analysis.timeseries import actor_cooccurrence_over_time
    from analysis.workflow import open_corpus

    corpus = open_corpus(shared_data / name)
    table = actor_cooccurrence_over_time(corpus, freq="M", top=6, query="actor:RUS AND actor:PRK")
    tagger = ActorTagger().fit()
    pairs = table["pair"].drop_duplicates().tolist()
    assert pairs[0] == "PRK + RUS" and len(pairs) == 6 and table["study"].sum() == table["pair"].eq(pairs[0]).sum()
    assert table.groupby("pair")["period_start"].nunique().nunique() == 1  # every pair on the same grid
    assert all(tagger.distinct(*pair.split(" + ")) for pair in pairs)
    assert table.loc[table["pair"] == "PRK + RUS", "n"].sum() > 40


def test_reliable_flags_small_denominators_and_follows_min_total():
    corpus = pd.DataFrame({"published": pd.to_datetime(["2024-06-03"] * 18 + ["2024-06-10"] * 40, utc=True)})
    mask = np.r_[np.ones(1, bool), np.zeros(17, bool), np.ones(4, bool), np.zeros(36, bool)]
    table = attention_over_time(corpus, mask, freq="W")
    assert table["reliable"].tolist() == [False, True] and table.attrs["min_total"] == 20
    assert attention_over_time(corpus, mask, freq="W", min_total=10)["reliable"].tolist() == [True, True]
    assert is_reliable(table[["total"]].copy(), 50).tolist() == [False, False]


def test_collection_changes_ignore_small_numbers_and_find_drops():
    def monthly(counts):
        days = [f"2024-{m:02d}-{d:02d}" for m, c in enumerate(counts, 1) for d in np.resize(np.arange(1, 29), c)]
        return attention_over_time(pd.DataFrame({"published": pd.to_datetime(days, utc=True)}), freq="M")

    assert timeseries.collection_changes(monthly([1, 2, 1, 9, 8])).empty  # x9, but 9 documents are noise
    drop = timeseries.collection_changes(monthly([300, 320, 310, 0, 0, 290, 300]))
    assert drop[["change", "total"]].values.tolist() == [["drop", 0], ["rise", 290]]
    assert len(timeseries.collection_changes(monthly([300, 320, 310, 100, 90, 95, 100]))) == 1  # 100 / 310
    assert timeseries.collection_changes(monthly([300, 320, 310, 100, 90, 95, 100]), factor=4).empty


def test_rates_by_group_never_ranks_a_pooled_or_small_group():
    table = pd.DataFrame({"outlet": list("abcdefg"), "n": [1, 30, 12, 0, 5, 5, 5], "total": [1, 100, 25, 3, 9, 9, 9]})
    rates = timeseries.rates_by_group(table, "outlet")
    assert rates["outlet"].tolist()[:2] == ["c", "b"] and rates["reliable"].tolist() == [True, True, False]
    assert rates.iloc[-1]["total"] == 31 and rates.attrs["pooled"] == ["a", "d", "e", "f", "g"]
    listed = timeseries.rates_by_group(table, "outlet", pool=False)
    assert listed["outlet"].tolist() == ["c", "b", "e", "f", "g", "a", "d"]
