"""Relevance scoring: about the relationship, not merely mentioning both; measured on real labels."""
from __future__ import annotations

import pandas as pd
import pytest

from analysis.relevance import RelevanceScorer, precision_recall
from analysis.config import PROJECT_ROOT

HAND_LABELS = PROJECT_ROOT / "tests" / "data" / "rss2023_relevance_hand_labels.csv"


def doc(title, text, language, lead=None):
    return {"doc_id": title[:10], "title": title, "lead": lead, "text": text, "language": language}


@pytest.fixture(scope="module")
def scorer():
    return RelevanceScorer().fit()


@pytest.mark.parametrize("item, relevant", [
    (doc("Putin and Kim Jong Un sign defence pact", "The treaty was signed in Pyongyang.", "en"), True),
    (doc("Rusia dan Korut teken pakta", "Perjanjian itu ditandatangani di Pyongyang.", "id"), True),
    (doc("Путин и Ким Чен Ын подписали договор", "Договор подписан в Пхеньяне.", "ru"), True),
    (doc("북·러 조약 체결", "김정은과 푸틴이 평양에서 조약에 서명했다.", "ko"), True),
    (doc("Your Thursday Briefing", "Russia shelled Kharkiv.\n\nSeparately, North Korea tested a missile.", "en"), False),
    (doc("Harga minyak naik", "Rusia memangkas produksi.\n\nDi tempat lain, Korut menguji rudal.", "id"), False),
    (doc("China, Russia, Iran and North Korea arm up", "Defence budgets rose everywhere.", "en"), False),
    (doc("Выборы в Сеуле", "Южная Корея выбирает парламент.", "ru"), False),
])
def test_relevance_in_four_languages(scorer, item, relevant):
    result = scorer.explain(pd.DataFrame([item])).iloc[0]
    assert bool(result["relevant"]) is relevant, result["evidence"]
    assert 0.0 <= result["score"] <= 1.0 and result["evidence"]


def test_evidence_quotes_the_sentence_where_the_actors_meet(scorer):
    item = doc("Analysis", "Markets were calm. Kim Jong Un will visit Vladimir Putin next month. Oil fell.", "en")
    evidence = scorer.explain(pd.DataFrame([item])).iloc[0]["evidence"]
    assert any("Kim Jong Un will visit Vladimir Putin" in e for e in evidence)


def test_threshold_and_weights_are_parameters():
    item = pd.DataFrame([doc("Kim Jong Un and Putin", "No more.", "en")])
    strict = RelevanceScorer(threshold=0.7).fit().explain(item).iloc[0]
    loose = RelevanceScorer(threshold=0.5).fit().explain(item).iloc[0]
    assert strict["score"] == loose["score"] == 0.6 and not strict["relevant"] and loose["relevant"]
    heavier = RelevanceScorer(weights={"title": 0.9}).fit().explain(item).iloc[0]
    assert heavier["score"] == 0.9
    with pytest.raises(ValueError, match="unknown actor"):
        RelevanceScorer(actor_a="XXX").fit()



# Each rule of issue 16, on shapes taken from the real corpora (the gold set below measures them on the items)
@pytest.mark.parametrize("item, relevant, evidence", [
    # a dateline names where a story was filed: a Moscow correspondent's DPRK story is not about Russia
    (doc("[북한단신] 최고검찰소 대표단 귀국", "(모스크바=연합뉴스) 최인영 특파원 = 북한 검찰 대표단이 귀국했다.", "ko"), False,
     "RUS named only in a dateline"),
    (doc("Press Statement", "Pyongyang, August 24 (KCNA) -- The U.S. must stop its anti-Russia hysteria.", "en"), False,
     "PRK named only in a dateline"),
    # a title made of digest items: the pair in the second item is not the story
    (doc("Up First Briefing: Google on trial; Kim Jong Un in Russia; green comet",
         "The antitrust case begins. Kim Jong Un is expected to meet Vladimir Putin in Russia.", "en"), False,
     "pair only in item 2 of 3 of the title: a digest, no title credit"),
    # a list of states inside a lead (the title names neither)
    (doc("Japonia się dozbraja", "Zagrożeniem są Chiny, Rosja czy Korea Północna.", "pl",
         lead="Tokio kupuje pociski. Zagrożeniem są Chiny, Rosja czy Korea Północna."),
     False, "named only in lists of countries"),
    # the lede, not the whole lead paragraph: background in a lead's later sentence is not the story
    (doc("USFK commander hints at troop cuts", None, "en",
         lead="The USFK commander said capabilities matter more than numbers. The change answers North Korea's "
              "closeness to Russia, he added."), False,
     "in one sentence: \"The change answers North Korea's closeness to Russia, he added.\""),
    # where a report comes from is not a party to it
    (doc("North Korea locks down Pyongyang", None, "en",
         lead="North Korea ordered a lockdown in Pyongyang, according to the Russian embassy."), False,
     "RUS named only as the source of a report"),
    # "here" in a KCNA lede is the place of its dateline
    (doc("Russian Delegation Arrives Here", None, "en",
         lead="Pyongyang, October 27 (KCNA) -- A delegation of Russia's Primorye arrived here on Oct. 27."), True,
     "both in the first sentence"),
    # a surname after the full name counts for the person (Polish inflection included)
    (doc("Putin spotkał się z Kimem", "Kim Dzong Un przyjechał pociągiem.", "pl"), True, "both in the title"),
    # Korean headline abbreviations glued or with a particle
    (doc("북러, 치안 협정 체결", "협정을 체결했다.", "ko"), True, "both in the title"),
    (doc("\"北, 러에 퍼주고 받은건 10분의 1\"", "분석이 나왔다.", "ko"), True, "both in the title"),
    # 북·중·러: Korean notation for a bloc, not a list of countries
    (doc("트럼프, 北·中·러 밀착 \"우려 안해\"", "발언했다.", "ko"), True, "both in the title"),
    # two countries after "including" (or before 포함) are a list
    (doc("AI firm cuts service to countries including Russia and North Korea", "It said so.", "en"), False,
     "named only in lists of countries"),
    # an actor in a comparison or a pair in a time reference does not make a title about the two
    (doc("Spada dzietność w Korei Północnej. Kim Dzong Un zwrócił się do kobiet. Jak Putin", None, "pl"), False,
     "title: an actor named only in a comparison, no title credit"),
    (doc("Ukraine strikes Crimean port just ahead of Putin's meeting with Kim Jong Un", None, "en"), False,
     "title: pair only in a time reference ('just ahead of'), no title credit"),
    (doc("Jak Rosja pomaga Korei Północnej", None, "pl"), True, "both in the title"),
    # a subject left implicit in the next sentence: "He" continues the sentence before
    (doc("Summit", "Putin arrived in Pyongyang on Tuesday. He signed a treaty with North Korea.", "en"), True,
     "in one sentence: 'Putin arrived in Pyongyang on Tuesday. He signed a treaty with North Korea.'"),
])
def test_issue_16_rules(scorer, item, relevant, evidence):
    result = scorer.explain(pd.DataFrame([item])).iloc[0]
    assert bool(result["relevant"]) is relevant and evidence in result["evidence"], result["evidence"]


def test_a_long_text_whose_actors_meet_only_far_from_its_top_is_not_about_them(scorer):
    filler = " ".join(f"The US and North Korea traded threats on day {i}." for i in range(14))
    late = doc("Trump warns Pyongyang", filler + " Moscow urged restraint from North Korea.", "en",
               lead="Donald Trump warned North Korea on Tuesday.")
    early = dict(late, text="Moscow urged restraint from North Korea. " + filler)
    late_row, early_row = scorer.explain(pd.DataFrame([late, early])).itertuples()
    assert not late_row.relevant and any("meet only deep in a long text" in e for e in late_row.evidence)
    assert early_row.score > late_row.score


def test_an_organisation_acting_for_a_state_counts_for_it_with_the_link_as_evidence(scorer):
    registry = scorer.tagger_.registry_
    organisations = [k for k, e in registry.items() if e.get("type") == "organisation" and "RUS" in scorer.tagger_.implies_[k]]
    assert organisations, "the registry has no organisation acting for Russia"
    key = organisations[0]
    alias = next(iter(registry[key]["aliases"]["en"])).rstrip("*")
    row = scorer.explain(pd.DataFrame([doc(f"{alias} and North Korea sign a deal", "Talks.", "en")])).iloc[0]
    assert row["relevant"] and any("counts for RUS" in e for e in row["evidence"]), row["evidence"]

@pytest.fixture(scope="module")
def rss_scored(shared_data):
    from analysis.ingestion import ingest

    corpus, _ = ingest(shared_data / "rss2023_multioutlet_headlines.csv.gz")
    scores = RelevanceScorer().fit().explain(corpus)
    return corpus[["doc_id", "source_id", "src_subset"]].merge(scores, on="doc_id")


def test_relevance_against_the_rss_silver_labels(rss_scored):
    figures = precision_recall(rss_scored["relevant"], rss_scored["src_subset"] == "positive_russia_dprk")
    print(f"\nrelevance vs RSS silver labels (keyword co-mention): {figures}")
    # the silver positives include digests and lists, which the scorer is meant to refuse
    assert figures["precision"] >= 0.95 and 0.75 <= figures["recall"] < 1.0


def test_relevance_against_hand_checked_labels(rss_scored):
    labels = pd.read_csv(HAND_LABELS)
    merged = labels.merge(rss_scored, left_on="id", right_on="source_id")
    assert len(merged) == len(labels) == 62
    scorer_figures = precision_recall(merged["relevant"], merged["about_russia_dprk"] == 1)
    silver_figures = precision_recall(merged["src_subset"] == "positive_russia_dprk", merged["about_russia_dprk"] == 1)
    print(f"\nrelevance vs hand labels: {scorer_figures}; the silver keyword flag on the same sample: {silver_figures}")
    assert scorer_figures["precision"] > silver_figures["precision"]
    assert scorer_figures["precision"] >= 0.85 and scorer_figures["recall"] >= 0.9


def test_predict_decision_function_and_explain_agree_and_score_is_accuracy(scorer):
    from sklearn.metrics import accuracy_score

    from analysis.demo import load_demo

    demo = load_demo(300)  # SIMULATED
    table = scorer.explain(demo)
    scores, relevant = scorer.decision_function(demo), scorer.predict(demo)
    assert scores.dtype == "float64" and relevant.dtype == bool and scorer.classes_.tolist() == [False, True]
    assert (table["score"].to_numpy() == scores).all() and (table["relevant"].to_numpy() == relevant).all()
    assert table["doc_id"].tolist() == demo["doc_id"].tolist() and relevant.any() and not relevant.all()
    truth = ~demo["truth_story"].str.startswith("background").to_numpy()
    assert scorer.score(demo, truth) == accuracy_score(truth, relevant)


# --- the hand-labelled set across five languages (tests/data/relevance_gold.md) ---------------------------
GOLD = PROJECT_ROOT / "tests" / "data" / "relevance_gold.csv"


def _raw_titles(path):
    """``id -> title`` of a shared file as stored (not as ingested): the drift check reads the source."""
    import hashlib

    raw = pd.read_json(path, lines=True) if ".jsonl" in path.name else pd.read_csv(path)
    column = "headline" if "headline" in raw else "title"
    return raw.set_index("id")[column].map(lambda t: hashlib.sha1(str(t).encode()).hexdigest()[:8])


@pytest.fixture(scope="module")
def gold_scored(shared_data):
    """The gold items, ingested as a user would, scored with the default scorer."""
    from analysis.ingestion import ingest

    gold = pd.read_csv(GOLD)
    frames = []
    for dataset, items in gold.groupby("dataset"):
        path = shared_data / dataset
        if not path.exists():
            pytest.skip(f"{path} is absent")
        hashes = _raw_titles(path)
        drifted = items[items["source_id"].map(hashes) != items["title_sha1"]]
        assert drifted.empty, f"{dataset} changed under the gold labels: {drifted['source_id'].tolist()}"
        corpus, _ = ingest(path)
        frames.append(items.merge(corpus, on="source_id", how="left", suffixes=("", "_corpus")))
    table = pd.concat(frames, ignore_index=True)
    assert table["doc_id"].notna().all(), "a gold item was not ingested"
    scored = RelevanceScorer().fit().explain(table)
    return table[["dataset", "source_id", "language", "label", "reason", "title"]].join(
        scored[["score", "relevant", "evidence"]])


def _figures_by_language(table) -> pd.DataFrame:
    rows = {"all": precision_recall(table["relevant"], table["label"] == 1)}
    for language, part in table.groupby("language"):
        rows[language] = precision_recall(part["relevant"], part["label"] == 1)
    return pd.DataFrame(rows).T[["precision", "recall", "f1", "tp", "predicted", "actual", "n"]]


def _report(table) -> str:
    figures = _figures_by_language(table)
    wrong = table[table["relevant"] != (table["label"] == 1)]
    confusion = pd.crosstab(table["label"], table["relevant"], rownames=["label"], colnames=["predicted"])
    detail = "\n".join(f"  {r.source_id} [{r.language}] label={r.label} score={r.score:.2f} "
                       f"{str(r.title)[:70]!r} ({r.reason}); evidence: {r.evidence}" for r in wrong.itertuples())
    return f"\n{confusion}\n{figures.to_string()}\nmisclassified:\n{detail}"


@pytest.mark.shared
def test_relevance_precision_and_recall_on_the_hand_labelled_set(gold_scored):
    """Regression floor on 227 hand-labelled real items (en, pl, ru, ko, id); the figures by language print."""
    assert len(gold_scored) >= 200 and set(gold_scored["language"]) >= {"en", "pl", "id", "ru", "ko"}
    figures = _figures_by_language(gold_scored)
    print(f"\nrelevance vs the hand-labelled set (RUS-PRK, default threshold):\n{figures.to_string()}")
    overall = figures.loc["all"]
    # issue 16's target. Measured on 2026-12-01: precision 0.902, recall 0.943 (0.755 and 0.943 before the issue,
    # 0.810 and 0.966 after its first pass); 5-fold cross-validated choice of threshold: about 0.90 and 0.89
    assert overall["recall"] >= 0.9 and overall["precision"] >= 0.9, _report(gold_scored)
