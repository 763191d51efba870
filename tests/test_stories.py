"""Describing clusterings: the all-in-one run, its tables, the drill-down, the files it writes, streaming."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.cluster import agreement_with_truth
from analysis.demo import load_demo
from analysis.stories import (cluster_corpus, cluster_stream, cluster_terms, representative_documents,
                              shared_top_terms)
from analysis.timeseries import clusters_over_time
from analysis.vectorize import TextVectorizer


@pytest.fixture(scope="module")
def demo():
    return load_demo(4000, random_state=0)  # SIMULATED


@pytest.fixture(scope="module")
def result(demo):
    return cluster_corpus(demo, n_clusters=30, stability_runs=2)


def test_cluster_stream_recovers_the_planted_stories_chunk_by_chunk():
    demo = load_demo(12_000, random_state=1)  # SIMULATED
    chunks = [demo.iloc[:6000], demo.iloc[6000:]]  # each large enough to be tokenised by forked workers
    first = cluster_stream(iter(chunks), n_clusters=30, random_state=0)
    again = cluster_stream(iter(chunks), n_clusters=30, random_state=0)  # Kiwi's analyses are known now
    assert first.n_documents == len(demo) and np.array_equal(first.labels, again.labels)
    planted = demo["truth_event"].fillna("").ne("").to_numpy()
    assert agreement_with_truth(first.labels, demo["truth_story"], mask=planted)["ari"] >= 0.8
    assert ((first.distances >= 0) & (first.distances <= 2)).all()


def test_planted_stories_are_recovered_across_languages(demo, result):
    planted = demo["truth_event"].fillna("").ne("").to_numpy()
    agreement = agreement_with_truth(result.labels, demo["truth_story"], mask=planted)
    assert agreement["ari"] >= 0.8, agreement
    # clusters are multilingual: the treaty signing is one cluster in all four languages
    treaty = demo["truth_story"].eq("treaty_signed").to_numpy()
    main = pd.Series(result.labels[treaty]).mode().iloc[0]
    languages = set(demo.loc[treaty & (result.labels == main), "language"])
    assert languages == {"en", "id", "ru", "ko"}


def test_the_concept_bridge_is_what_joins_languages(demo):
    planted = demo["truth_event"].fillna("").ne("").to_numpy()
    bridged = cluster_corpus(demo, n_clusters=30, stability_runs=0)
    plain = cluster_corpus(demo, n_clusters=30, stability_runs=0, vectorizer=TextVectorizer(concept_bridge=False))
    with_bridge = agreement_with_truth(bridged.labels, demo["truth_story"], mask=planted)["ari"]
    without = agreement_with_truth(plain.labels, demo["truth_story"], mask=planted)["ari"]
    assert with_bridge > without + 0.2


def test_labels_per_language_come_from_that_language(demo, result):
    terms = result.terms
    treaty = pd.Series(result.labels[demo["truth_story"].eq("treaty_signed").to_numpy()]).mode().iloc[0]
    korean = terms[(terms["cluster"] == treaty) & (terms["language"] == "ko")]["term"]
    assert korean.str.contains("[가-힣]|^@", regex=True).all() and len(korean) > 0
    overall = terms[(terms["cluster"] == treaty) & (terms["language"] == "all")]["term"].head(5).tolist()
    assert "@SIGN" in overall or "@TREATY" in overall or "@MUTUAL_ASSISTANCE" in overall


def test_cluster_terms_weights_favour_distinctive_terms():
    from scipy import sparse

    X = sparse.csr_matrix(np.array([[1, 1, 0], [1, 1, 0], [1, 0, 1], [1, 0, 1]], dtype=float))
    terms = cluster_terms(X, [0, 0, 1, 1], ["common", "alpha", "beta"], top_n=1)
    assert terms.set_index("cluster")["term"].to_dict() == {0: "alpha", 1: "beta"}


def test_representatives_are_the_nearest_documents_of_the_core(demo, result):
    reps = result.representatives
    shared = shared_top_terms(result.matrix, result.labels, result.vectorizer.get_feature_names_out(), result.terms)
    for cluster, rows in reps.groupby("cluster"):
        members = result.labels == cluster
        core = members & (shared >= min(2, shared[members].max()))
        assert rows["distance"].iloc[0] == pytest.approx(result.distances[core].min())
        assert rows["distance"].is_monotonic_increasing and (rows["shared_terms"] >= min(2, shared[members].max())).all()


def test_an_off_topic_member_near_the_centre_is_never_the_headline():
    corpus = pd.DataFrame({"doc_id": list("abc"), "title": ["Off topic", "Treaty signed", "Treaty ratified"]})
    terms = pd.DataFrame({"cluster": [0, 0], "language": "all", "term": ["treati", "sign"]})
    X = np.array([[0, 0, 1], [1, 1, 0], [1, 0, 0]])
    shared = shared_top_terms(X, [0, 0, 0], ["treati", "sign", "off"], terms)
    reps = representative_documents(corpus, [0, 0, 0], [0.01, 0.2, 0.1], n=1, shared=shared)
    assert reps["doc_id"].tolist() == ["b"]  # a is nearest, but shares no top term; c shares one of two


def test_stability_report(result):
    report = result.stability
    assert set(report.runs["kind"]) == {"seed", "bootstrap"}
    assert report.clusters["stability"].between(0, 1).all()
    assert set(report.clusters["verdict"]) <= {"stable", "moderate", "unstable"}
    assert 0 < report.mean_ari <= 1
    assert "verdict" in result.summary and result.summary["verdict"].notna().all()


def test_drilldown(demo, result):
    cluster = int(pd.Series(result.labels[demo["truth_story"].eq("duma_ratifies").to_numpy()]).mode().iloc[0])
    drill = result.drilldown(demo, cluster)
    assert len(drill["documents"]) == 5 and drill["documents"]["distance"].is_monotonic_increasing
    assert len(drill["kwic"]) > 0
    assert drill["kwic"].apply(lambda r: r["keyword"].strip() != "", axis=1).all()
    assert drill["outlets"]["n"].sum() == (result.labels == cluster).sum()
    assert drill["languages"]["share"].sum() == pytest.approx(1.0)


def test_assignments_table(demo, result):
    table = result.assignments(demo)
    assert table["doc_id"].tolist() == demo["doc_id"].tolist()
    assert table["cluster"].between(0, 29).all()


def test_representative_documents_keeps_noise_out():
    corpus = pd.DataFrame({"doc_id": list("abcd"), "title": list("ABCD")})
    reps = representative_documents(corpus, [0, -1, 0, 1], [0.3, np.nan, 0.1, 0.2], n=1)
    assert reps["doc_id"].tolist() == ["c", "d"]


def test_write_puts_each_table_in_its_file_byte_for_byte(demo, result, tmp_path):
    # the files `python -m analysis cluster` has always written: same names, same bytes
    folder = result.write(tmp_path / "new" / "tables", demo, freq="M")
    expected = {"clusters.csv": result.summary, "assignments.csv": result.assignments(demo),
                "cluster_terms.csv": result.terms, "representatives.csv": result.representatives,
                "stability.csv": result.stability.clusters, "stability_runs.csv": result.stability.runs,
                "clusters_over_time.csv": clusters_over_time(demo, result.labels, freq="M")}
    assert folder == tmp_path / "new" / "tables"
    assert sorted(p.name for p in folder.iterdir()) == sorted(expected)
    for name, table in expected.items():
        assert (folder / name).read_bytes() == table.to_csv(index=False).encode("utf-8"), name


def test_write_leaves_out_what_was_not_computed(tmp_path):
    corpus = load_demo(300, random_state=4).drop(columns="published")  # SIMULATED
    result = cluster_corpus(corpus, n_clusters="auto", ks=[4, 6], stability_runs=0)
    result.write(tmp_path, corpus)
    written = sorted(p.name for p in tmp_path.iterdir())
    assert written == ["assignments.csv", "cluster_terms.csv", "clusters.csv", "k_selection.csv", "representatives.csv"]
    assert (tmp_path / "k_selection.csv").read_bytes() == result.k_table.to_csv(index=False).encode("utf-8")


def _rss_days(shared_data, first, last):
    from pathlib import Path

    from analysis.workflow import open_corpus

    corpus = open_corpus(Path(shared_data) / "rss2023_multioutlet_headlines.csv.gz")
    days = pd.to_datetime(corpus["published"], utc=True).dt.strftime("%Y-%m-%d")
    return corpus[days.between(first, last)].reset_index(drop=True)


@pytest.mark.shared
def test_an_english_and_a_polish_report_of_one_story_share_concept_tokens(shared_data):
    # a real pair from the 2023 RSS archive: WSJ and rp.pl on the Vostochny summit, 13 Sep 2023
    from analysis.tokens import MultilingualTokenizer

    tokens = MultilingualTokenizer()
    english = set(tokens("Kim Jong Un and Vladimir Putin Meet at Russia's Vostochny Cosmodrome", "en"))
    polish = set(tokens("Władimir Putin spotkał się z Kim Dzong Unem na kosmodromie Wostocznyj", "pl"))
    assert {"@PUTIN", "@KIM_JONG_UN", "@SPACEPORT"} <= english & polish
    assert set(tokens("Rosja ratyfikowała traktat z Koreą Północną", "pl")) == {"@RUS", "@RATIFY", "@TREATY", "@PRK"}


@pytest.mark.shared
def test_an_english_and_a_polish_report_of_one_story_land_in_one_cluster(shared_data):
    # WSJ and rp.pl on the Vostochny summit: shared @PUTIN, @KIM_JONG_UN, @SUMMIT (meet / spotkał),
    # @SPACEPORT, @VOSTOCHNY (Wostocznyj), weighted by bridge_weight over each language's own words
    corpus = _rss_days(shared_data, "2023-09-13", "2023-09-13")
    result = cluster_corpus(corpus, stability_runs=0)
    title = corpus["title"].fillna("")
    en = title.str.startswith("Kim Jong Un and Vladimir Putin Meet at Russia")
    pl = title.str.startswith("Władimir Putin spotkał się z Kim Dzong Unem na kosmodromie")
    assert en.any() and pl.any()
    assert result.labels[en.to_numpy()][0] == result.labels[pl.to_numpy()][0]


@pytest.mark.shared
def test_polish_reports_of_the_summit_week_share_clusters_with_english_ones(shared_data):
    """The whole week of the Vostochny summit (10-16 Sep 2023, English and Polish feeds, automatic k):
    most relevant Polish reports sit in a cluster with at least three relevant English ones (measured:
    52 of 57 with bridge_weight=2, 14 of 57 with 1)."""
    from analysis.relevance import RelevanceScorer

    corpus = _rss_days(shared_data, "2023-09-10", "2023-09-16")
    relevant = RelevanceScorer().fit().predict(corpus)
    labels = cluster_corpus(corpus, stability_runs=0).labels
    table = pd.crosstab(labels[relevant], corpus.loc[relevant, "language"].to_numpy())
    mixed = table[(table["en"] >= 3) & (table["pl"] >= 1)]
    assert mixed["pl"].sum() >= 0.8 * table["pl"].sum(), table


@pytest.mark.shared
def test_auto_k_gives_a_query_subset_a_handful_of_clusters_and_readable_labels(shared_data):
    corpus = _rss_days(shared_data, "2023-09-13", "2023-09-13")
    subset = corpus[corpus["title"].fillna("").str.contains("Kim", regex=False)].head(74).reset_index(drop=True)
    result = cluster_corpus(subset, stability_runs=0)
    assert 3 <= result.clusterer.n_clusters_ <= 9, result.k_table
    labels = " · ".join(result.summary["label"])
    assert "@" not in labels  # tokens become words: Putin, North Korea, spotkanie...
    assert result.summary["labels"].str.contains("en: ").any()
    assert result.summary["coherence"].between(-1, 1).all() and result.summary["core_share"].between(0, 1).all()


@pytest.mark.parametrize("n, low, high", [(74, 3, 9), (2000, 16, 40), (50_000, 20, 40), (5, 2, 2)])
def test_auto_k_range_is_scaled_to_the_corpus(n, low, high):
    from analysis.cluster import auto_k_range

    ks = auto_k_range(n)
    assert (min(ks), max(ks)) == (low, high) and len(ks) <= 8
