"""Who speaks over time: counts on the period grid, the outlet table, chains, co-citation, wire vs own voice.

Hand-made attribution tables (the columns of ``SourceExtractor.attributions``) with answers known
in advance, the charts drawn on the ``ax`` they are given, and one test on a real corpus.
"""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from analysis import plots  # noqa: E402
from analysis.source_trends import (ATTRIBUTION_COLUMNS, co_citation, outlet_source_table,  # noqa: E402
                                    source_chains, source_counts, wire_vs_own)

#: Chains of the registry ids used below (sources_spec's examples).
CHAINS = {"SABRINA_SINGH": ("Sabrina Singh", "SABRINA_SINGH > PENTAGON > USA", "military", "USA"),
          "PESKOV": ("Dmitry Peskov", "PESKOV > KREMLIN > RUS", "government", "RUS"),
          "KCNA": ("KCNA", "KCNA > PRK", "media", "PRK"),
          "REUTERS": ("Reuters", "REUTERS", "media", "GB"),
          "NATO": ("NATO", "NATO", "international", None),
          "KOR_JCS": ("Joint Chiefs of Staff", "KOR_JCS > KOR_MND > KOR", "military", "KOR")}


def attributions(rows) -> pd.DataFrame:
    """An attribution table with every column of the spec, in order, from (doc_id, canonical or None, extra)."""
    records = []
    for doc_id, canonical, *extra in rows:
        extra = extra[0] if extra else {}
        label, chain, kind, country = CHAINS.get(canonical, ("a senior US official", None, "anonymous", "USA"))
        record = dict.fromkeys(ATTRIBUTION_COLUMNS)
        record.update(doc_id=doc_id, field="text", sentence=0, start=0, end=len(label), span=label, canonical=canonical,
                      label=label, parent=chain.split(" > ")[1] if chain and " > " in chain else None, chain=chain,
                      type=kind, country=country, registered=canonical is not None, kind="indirect", cue="said",
                      cue_start=0, cue_end=4, quote="", quote_start=0, quote_end=0, hedged=False, hedge="",
                      language="en")
        record.update(extra)
        records.append(record)
    table = pd.DataFrame(records, columns=ATTRIBUTION_COLUMNS)
    assert list(table.columns) == ATTRIBUTION_COLUMNS
    return table


def corpus_of(days, outlets=None, texts=None) -> pd.DataFrame:
    n = len(days)
    return pd.DataFrame({"doc_id": [f"d{i}" for i in range(n)], "published": pd.to_datetime(days, utc=True),
                         "outlet": outlets or ["Kompas"] * n, "title": [None] * n, "lead": [None] * n,
                         "text": texts or ["One sentence."] * n, "language": "en"})


@pytest.fixture()
def ax():
    fig, ax = plt.subplots()
    yield ax
    plt.close(fig)


# Week of 3 June: d0..d3 (d2, d3 cite nobody); week of 10 June: nothing; week of 17 June: d4.
DAYS = ["2024-06-04", "2024-06-05", "2024-06-06", "2024-06-07", "2024-06-18"]
CITED = [("d0", "PESKOV"), ("d0", "PESKOV"), ("d0", "KCNA"), ("d1", "PESKOV"), ("d4", "KCNA"), ("d4", None)]


def test_counts_and_shares_have_uncited_documents_in_the_denominator():
    table = source_counts(attributions(CITED), corpus_of(DAYS), by="canonical", freq="W", min_total=1)
    assert table["period_start"].drop_duplicates().dt.strftime("%m-%d").tolist() == ["06-03", "06-10", "06-17"]
    assert table["source"].drop_duplicates().tolist() == ["KCNA", "PESKOV", "(anonymous)"]  # by documents citing
    first = table[table["period_start"] == "2024-06-03"].set_index("source")
    assert first.loc["PESKOV", ["docs", "total", "attributions", "attributions_total", "docs_citing"]].tolist() == \
        [2, 4, 3, 4, 2]
    assert first.loc["PESKOV", "doc_share"] == 0.5 and first.loc["PESKOV", "attribution_share"] == 0.75
    assert first.loc["KCNA", "doc_share"] == 0.25  # 1 of 4 documents: the two citing nobody count
    empty = table[table["period_start"] == "2024-06-10"]
    assert (empty[["docs", "total", "attributions"]] == 0).all().all() and empty["low"].isna().all()
    assert table["attributions"].sum() == len(CITED)
    assert table["label"][table["source"] == "PESKOV"].iloc[0] == "Dmitry Peskov"
    assert table["partial"].tolist() == [True] * 3 + [False] * 3 + [True] * 3  # starts Tuesday, ends Tuesday


def test_types_countries_and_top_pooling():
    by_type = source_counts(attributions(CITED), corpus_of(DAYS), by="type", freq="M", min_total=1)
    assert dict(zip(by_type["source"], by_type["attributions"])) == {"government": 3, "media": 2, "anonymous": 1}
    by_country = source_counts(attributions(CITED), corpus_of(DAYS), by="country", freq="M", min_total=1)
    assert by_country.set_index("source")["docs"].to_dict() == {"RUS": 2, "PRK": 2, "USA": 1}
    top = source_counts(attributions(CITED), corpus_of(DAYS), by="canonical", freq="M", top=1, min_total=1)
    assert top["source"].tolist() == ["KCNA", "(other)"]  # KCNA and Peskov both in 2 documents: by name
    other = top.set_index("source").loc["(other)"]
    assert other["docs"] == 3 and other["attributions"] == 4  # d0, d1 (Peskov) and d4 (anonymous)


def test_auto_frequency_is_the_grids_choice():
    days = pd.date_range("2024-01-01", periods=300, freq="D", tz="UTC")
    corpus = corpus_of(list(days.astype(str)))
    cited = attributions([(f"d{i}", "KCNA") for i in range(0, 300, 3)])
    table = source_counts(cited, corpus)  # 7 documents a week: too few; about 30 a month
    assert table.attrs["freq"] == "M" and table["total"].sum() == 300 and table["attributions"].sum() == 100


def test_groups_have_their_own_denominators_and_documents_without_a_group_are_left_out():
    corpus = corpus_of(DAYS).assign(outlet_group=["state", "state", "west", "west", None])
    table = source_counts(attributions(CITED), corpus, by="type", freq="M", group="outlet_group", min_total=1)
    cells = table.set_index(["outlet_group", "source"])
    assert cells.loc[("state", "government"), ["docs", "total", "doc_share"]].tolist() == [2, 2, 1.0]
    assert cells.loc[("west", "government"), ["docs", "total"]].tolist() == [0, 2]
    assert table.attrs["left_out"] == 2 and table.attrs["attributions"] == 4  # d4's two rows: no group


def test_undated_documents_and_their_attributions_are_counted_out_loud():
    corpus = corpus_of(DAYS)
    corpus.loc[4, "published"] = pd.NaT
    table = source_counts(attributions(CITED), corpus, by="type", freq="W", min_total=1)
    assert table.attrs["undated"] == 1 and table.attrs["left_out"] == 2
    assert table["attributions"].sum() == 4 and table["period_start"].nunique() == 1


def test_errors_name_the_row_and_the_column():
    with pytest.raises(ValueError, match="row 0: doc_id 'zz' is not in the corpus"):
        source_counts(attributions([("zz", "KCNA")]), corpus_of(DAYS))
    with pytest.raises(ValueError, match="lacks column.*'type'"):
        source_counts(attributions(CITED).drop(columns="type"), corpus_of(DAYS))
    with pytest.raises(ValueError, match="by='speaker'"):
        source_counts(attributions(CITED), corpus_of(DAYS), by="speaker")
    with pytest.raises(ValueError, match="no column 'outlet_group'"):
        source_counts(attributions(CITED), corpus_of(DAYS), group="outlet_group")


def test_outlet_table_rows_and_columns_add_up():
    corpus = corpus_of(DAYS, outlets=["TASS", "TASS", "Kompas", "Kompas", "Detik"])
    table = outlet_source_table(attributions(CITED), corpus)
    wide = table.pivot(index="outlet", columns="source", values="attributions")
    assert wide.index.tolist()[-1] == "total" or "total" in wide.index
    body = wide.drop(index="total", columns="total")
    assert (body.sum(axis=1) == wide["total"].drop("total")).all()  # each row's total
    assert (body.sum(axis=0) == wide.loc["total"].drop("total")).all()  # each column's total
    assert wide.loc["total", "total"] == len(CITED)
    kompas = table[table["outlet"] == "Kompas"]
    assert (kompas["attributions"] == 0).all() and kompas["share"].isna().all() and (kompas["documents"] == 2).all()
    tass = table[(table["outlet"] == "TASS")].set_index("source")
    assert tass.loc["government", "share"] == 0.75 and tass.loc["government", "doc_share"] == 1.0
    assert table.loc[(table["outlet"] == "total") & (table["source"] == "total"), "documents"].item() == 5
    assert table["outlet"].drop_duplicates().tolist() == ["TASS", "Detik", "Kompas", "total"]


def test_chains_run_outlet_wire_institution_speaker():
    corpus = corpus_of(DAYS).assign(wire_origin=["reuters", None, None, None, "kcna"])
    chains = source_chains(attributions(CITED), corpus)
    assert len(chains) == len(CITED) and chains["doc_id"].tolist() == [d for d, *_ in CITED]
    kremlin = "Kremlin (Presidential Executive Office of Russia)"  # the packaged registry's label
    assert chains["path"].iloc[0] == f"Kompas → Reuters → {kremlin} → Dmitry Peskov"
    assert chains["path"].iloc[3] == f"Kompas → {kremlin} → Dmitry Peskov"  # no wire
    assert chains["institution"].iloc[4] == "KCNA" and pd.isna(chains["speaker"].iloc[4])  # an agency speaking
    assert chains["path"].iloc[5] == "Kompas → Korean Central News Agency → a senior US official"

    class Registry:  # an office inside a ministry is an institution, not a person
        def kind(self, id_):
            return "person" if id_ in ("PESKOV", "SABRINA_SINGH") else "institution"

        def label(self, id_):
            return id_.title().replace("_", " ")

    jcs = source_chains(attributions([("d0", "KOR_JCS")]), corpus_of(DAYS), registry=Registry())
    assert jcs["institution"].iloc[0] == "Joint Chiefs of Staff" and pd.isna(jcs["speaker"].iloc[0])
    packaged = source_chains(attributions([("d0", "KOR_JCS")]), corpus_of(DAYS))
    assert pd.isna(packaged["speaker"].iloc[0])  # the packaged registry knows the JCS is an institution


def test_co_citation_counts_documents_and_corrects_for_size():
    rows = [("a", "PESKOV"), ("a", "PESKOV"), ("a", "NATO"), ("b", "PESKOV"), ("b", "NATO"), ("c", "NATO"),
            ("c", "KCNA"), ("d", "NATO"), ("d", "KCNA"), ("e", "NATO"), ("a", None), ("b", None)]
    pairs = co_citation(attributions(rows))
    assert pairs[["source_a", "source_b", "docs_both", "docs_a", "docs_b"]].values.tolist() == \
        [["KCNA", "NATO", 2, 2, 5], ["NATO", "PESKOV", 2, 5, 2]]  # ties: by name
    assert pairs["jaccard"].tolist() == [0.4, 0.4] and pairs["lift"].tolist() == [1.0, 1.0]  # NATO is everywhere
    assert pairs.attrs["documents"] == 5  # anonymous sources are not one source: never in a pair
    assert co_citation(attributions(rows), min_docs=1)["docs_both"].tolist() == [2, 2]  # KCNA-PESKOV never meet
    rare = co_citation(attributions([("a", "KCNA"), ("a", "PESKOV"), ("b", "KCNA"), ("b", "PESKOV"), ("c", "NATO"),
                                     ("d", "NATO")]))
    assert rare["lift"].item() == 2.0 and rare["jaccard"].item() == 1.0
    by_type = co_citation(attributions(rows), by="type")
    assert ("anonymous", "government") in set(zip(by_type["source_a"], by_type["source_b"]))
    with pytest.raises(ValueError, match="min_docs=0"):
        co_citation(attributions(rows), min_docs=0)


def test_wire_vs_own_voice_per_document_and_outlet():
    texts = ["Reuters said troops moved. Peskov denied it. Talks go on. Nobody knows.",
             "Peskov spoke. KCNA said so too."]
    corpus = corpus_of(DAYS[:2], outlets=["Kompas", "TASS"], texts=texts)
    rows = [("d0", "REUTERS", {"sentence": 0}), ("d0", "PESKOV", {"sentence": 0}), ("d0", "PESKOV", {"sentence": 1}),
            ("d1", "PESKOV", {"sentence": 0}), ("d1", "KCNA", {"sentence": 1})]
    per_doc = wire_vs_own(attributions(rows), corpus, by=None).set_index("doc_id")
    assert per_doc.loc["d0", ["sentences", "wire_sentences", "other_sentences", "own_sentences"]].tolist() == [4, 1, 1, 2]
    assert per_doc.loc["d1", ["wire_sentences", "other_sentences", "own_sentences"]].tolist() == [1, 1, 0]
    summary = wire_vs_own(attributions(rows), corpus).set_index("outlet")
    assert summary.loc["Kompas", ["wire_share", "other_share", "own_share"]].tolist() == [0.25, 0.25, 0.5]
    assert summary.loc["TASS", "docs_citing_wire"] == 1
    only_reuters = wire_vs_own(attributions(rows), corpus, wires={"REUTERS"}).set_index("outlet")
    assert only_reuters.loc["TASS", "wire_sentences"] == 0
    with pytest.raises(ValueError, match="row 0: doc 'd1' field 'text' sentence 5, but that field has 2"):
        wire_vs_own(attributions([("d1", "KCNA", {"sentence": 5})]), corpus)


def test_sources_over_time_chart_draws_on_its_ax_only(ax):
    table = source_counts(attributions(CITED), corpus_of(DAYS), by="canonical", freq="W", min_total=1)
    other_fig = plt.figure()
    try:
        assert plots.plot_sources_over_time(table, top=2, ax=ax) is ax
        assert not other_fig.axes and len(plt.get_fignums()) == 2
    finally:
        plt.close(other_fig)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["KCNA", "Dmitry Peskov"]
    assert "% of all documents per week" in ax.get_ylabel()
    text = [t.get_text() for t in ax.texts if t.get_gid() == "caption"][0]
    assert "the 2 most cited of 3 sources" in text and "partial week(s)" in text and "citing nobody" in text
    kcna = ax.lines[0].get_ydata()
    assert np.isnan(kcna[1]) and kcna[0] == pytest.approx(25.0)  # the empty week is not joined over


def test_sources_over_time_refuses_several_groups_at_once(ax):
    corpus = corpus_of(DAYS).assign(language=["en", "en", "id", "id", "id"])
    table = source_counts(attributions(CITED), corpus, by="type", freq="W", group="language", min_total=1)
    with pytest.raises(ValueError, match="2 values of 'language'"):
        plots.plot_sources_over_time(table, ax=ax)
    plots.plot_sources_over_time(table[table["language"] == "en"], y="attribution_share", ax=ax)
    assert "% of all attributions" in ax.get_ylabel()


def test_source_types_by_outlet_chart_stacks_shares_and_keeps_silent_outlets(ax):
    outlets = ["Rossiyskaya Gazeta, the official newspaper of the Russian government", "TASS", "Kompas", "Kompas",
               "Detik"]
    table = outlet_source_table(attributions(CITED), corpus_of(DAYS, outlets=outlets))
    assert plots.plot_source_types_by_outlet(table, ax=ax) is ax
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels[-1].startswith("Rossiyskaya Gazeta") and "\n" in labels[-1] and labels[0] == "all outlets"
    assert "no attributions" in [t.get_text() for t in ax.texts]  # Kompas cites nobody
    widths = np.array([p.get_width() for p in ax.patches]).reshape(3, -1)  # 3 types x 5 bars
    assert np.allclose(widths.sum(axis=0)[[0, 2, 3, 4]], 100) and widths[:, 1].sum() == 0
    assert ax.get_xlabel() == "share of the outlet's attributions (%)"


def test_co_citation_chart_writes_its_counts(ax):
    rows = [("a", "PESKOV"), ("a", "NATO"), ("b", "PESKOV"), ("b", "NATO"), ("c", "NATO")]
    pairs = co_citation(attributions(rows))
    assert plots.plot_co_citation(pairs, ax=ax) is ax
    cells = [t.get_text() for t in ax.texts if t.get_gid() != "caption"]
    assert sorted(cells) == ["2", "2", "2", "3"]  # the pair twice, NATO 3 and Peskov 2 on the diagonal
    assert [t.get_text() for t in ax.get_yticklabels()] == ["NATO", "Dmitry Peskov"]


@pytest.mark.shared
def test_kcna_said_rows_on_the_real_grid_lose_nothing(shared_data):
    """KCNA 2024 (sparse until July): "said" sentences, the speaker from the actor tagger; the grid is the corpus's."""
    import re

    from analysis.actors import ActorTagger
    from analysis.ingestion import ingest
    from analysis.sentences import sentence_spans
    from analysis.timeseries import choose_freq

    corpus, _ = ingest(shared_data / "kcna_en_2024.jsonl.gz")
    tagger, said, rows = ActorTagger().fit(), re.compile(r"\bsaid\b"), []
    for doc_id, text in zip(corpus["doc_id"], corpus["text"]):
        for k, (start, end) in enumerate(sentence_spans(text) if isinstance(text, str) else []):
            if said.search(text[start:end]):
                found = tagger.find(text[start:end], "en")
                rows.append((doc_id, found[0][2] if found else None, {"sentence": k, "start": start, "end": end}))
    cited = attributions(rows).assign(type=lambda t: np.where(t["canonical"].notna(), "government", "anonymous"))
    assert len(cited) > 300
    table = source_counts(cited, corpus, by="canonical")
    dated = pd.to_datetime(corpus["published"], utc=True).dropna().dt.tz_localize(None)
    freq = choose_freq(corpus["published"])
    periods = pd.period_range(dated.min(), dated.max(), freq=freq)
    assert table.attrs["freq"] == freq and table["period_start"].drop_duplicates().tolist() == list(periods.start_time)
    starts_inside = dated.min() > periods[0].start_time or dated.max() < periods[-1].end_time.floor("D")
    assert table.drop_duplicates("period_start")["partial"].iloc[[0, -1]].any() == starts_inside
    assert table["attributions"].sum() == len(cited)  # nothing lost
    per_period = table.drop_duplicates("period_start")
    assert per_period["total"].sum() == len(dated) and (table["docs"] <= table["docs_citing"]).all()
    assert per_period["attributions_total"].sum() == len(cited)
    outlets = outlet_source_table(cited, corpus)
    assert outlets.loc[(outlets["outlet"] == "total") & (outlets["source"] == "total"), "attributions"].item() == len(cited)
    voices = wire_vs_own(cited, corpus, fields=("text",))
    assert voices[["wire_sentences", "other_sentences"]].sum().sum() == cited[["doc_id", "sentence"]].drop_duplicates().shape[0]
