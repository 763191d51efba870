"""Who speaks: attributions in English, Indonesian, Russian and Korean (issue 18).

Each test reads a few sentences a reporter could have written and checks the source span, its
registry id, the kind, the cue, the quote and the hedge. The real development sample is scored in
``tests/test_source_gold.py``; here, the rules one at a time.
"""
from __future__ import annotations

import pandas as pd
import pytest

from analysis.attribution import (ATTRIBUTION_COLUMNS, CueError, SourceExtractor, demo_source_map, load_cues,
                                  quote_spans, score_attributions, score_demo)
from analysis.demo import load_demo

DATE = pd.Timestamp("2024-11-01", tz="UTC")


@pytest.fixture(scope="module")
def extractor():
    return SourceExtractor().fit()


def read(extractor, language, text, title=None):
    docs = pd.DataFrame({"doc_id": ["d"], "language": [language], "title": [title], "text": [text], "published": [DATE]})
    return extractor.attributions(docs)


def rows(table, *columns):
    return table[list(columns)].astype(object).where(table[list(columns)].notna(), None).values.tolist()


# -- direct, indirect, according to, in four languages ---------------------------------------------------------------
@pytest.mark.parametrize("language, text, expected", [
    ("en", '"We will not stop," Kremlin spokesman Dmitry Peskov said.',
     [["PESKOV", "direct", "said", "We will not stop,"]]),
    ("id", '"Kami tidak akan berhenti," kata juru bicara Kremlin Dmitry Peskov kepada wartawan.',
     [["PESKOV", "direct", "kata", "Kami tidak akan berhenti,"]]),
    ("ru", "«Мы не остановимся», — заявил пресс-секретарь президента Дмитрий Песков.",
     [["PESKOV", "direct", "заявил", "Мы не остановимся"]]),
    ("ko", '드미트리 페스코프 크렘린궁 대변인은 "우리는 멈추지 않을 것"이라고 말했다.',
     [["PESKOV", "direct", "말했다", "우리는 멈추지 않을 것"]]),
])
def test_a_direct_quote_names_its_speaker(extractor, language, text, expected):
    assert rows(read(extractor, language, text), "canonical", "kind", "cue", "quote") == expected


@pytest.mark.parametrize("language, text, canonical, cue, reported", [
    ("en", "Pentagon deputy press secretary Sabrina Singh said the troops were in Kursk.", "SABRINA_SINGH", "said",
     "the troops were in Kursk"),
    ("id", "Juru bicara Kremlin Dmitry Peskov mengatakan perjanjian itu sah.", "PESKOV", "mengatakan",
     "perjanjian itu sah"),
    ("ru", "Мария Захарова заявила, что обвинения беспочвенны.", "MARIA_ZAKHAROVA", "заявила", "обвинения беспочвенны"),
    ("ko", "국가정보원은 북한이 러시아에 병력을 보냈다고 밝혔다.", "NIS", "밝혔다", None),
])
def test_reported_speech_gives_the_source_and_the_reported_words(extractor, language, text, canonical, cue, reported):
    table = read(extractor, language, text)
    assert rows(table, "canonical", "kind", "cue") == [[canonical, "indirect", cue]]
    assert reported is None or table.loc[0, "quote"] == reported


@pytest.mark.parametrize("language, text, span, canonical", [
    ("id", "Badan Intelijen Nasional pada hari Sabtu mengatakan pasukan mulai dikirim.", "Badan Intelijen Nasional", "NIS"),
    ("id", "Juru bicara Kremlin Dmitry Peskov, Senin (12/10), mengatakan perjanjian itu sah.",
     "Juru bicara Kremlin Dmitry Peskov", "PESKOV"),
    ("id", "Analis Park Ji-won di Seoul mengatakan perjanjian itu mengikat.", "Analis Park Ji-won", "PARK_JI_WON"),
    ("ru", "Песков в понедельник заявил, что договор не направлен против третьих стран.", "Песков", "PESKOV"),
    ("en", "Seoul's spy agency on Monday said troops had arrived.", "Seoul's spy agency", "NIS"),
])
def test_a_day_or_a_place_between_speaker_and_cue_is_not_the_speaker(extractor, language, text, span, canonical):
    """Wire style: "X pada hari Sabtu mengatakan", "X, Senin (12/10), mengatakan", "X di Seoul mengatakan"."""
    assert rows(read(extractor, language, text), "span", "canonical") == [[span, canonical]]


@pytest.mark.parametrize("language, text, canonical, span", [
    ("en", "According to South Korea's National Intelligence Service, 10,000 troops are in Kursk.", "NIS",
     "South Korea's National Intelligence Service"),
    ("id", "Menurut laporan Reuters, pasukan itu tiba di Kursk.", "REUTERS", "Reuters"),
    ("ru", "По данным ТАСС, переговоры продолжатся.", "TASS", "ТАСС"),
    ("ko", "연합뉴스에 따르면 북한군은 쿠르스크에 있다.", "YONHAP", "연합뉴스"),
])
def test_according_to_takes_the_source_after_it_or_before_it_in_korean(extractor, language, text, canonical, span):
    assert rows(read(extractor, language, text), "span", "canonical", "kind") == [[span, canonical, "according_to"]]


# -- references: pronouns, -nya, surnames, demonstratives ----------------------------------------------------------------
@pytest.mark.parametrize("language, text, reference", [
    ("en", "Kremlin spokesman Dmitry Peskov said the deal was legal. He added that it harmed nobody.", "He"),
    ("id", 'Dmitry Peskov mengatakan perjanjian itu sah. "Kami tidak akan berhenti," ujarnya.', "nya"),
    ("ru", "Дмитрий Песков заявил, что договор законен. По его словам, он никому не вредит.", "его"),
    ("ko", "드미트리 페스코프 크렘린궁 대변인은 조약이 합법적이라고 말했다. 그는 누구도 해치지 않는다고 덧붙였다.", "그"),
])
def test_a_pronoun_refers_to_the_last_speaker(extractor, language, text, reference):
    table = read(extractor, language, text)
    last = table.iloc[-1]
    assert (last["span"], last["canonical"], last["kind"]) == (reference, "PESKOV", "reference")


def test_pronouns_follow_the_speakers_gender(extractor):
    text = ("Maria Zakharova said the claims were groundless. Dmitry Peskov said the deal was legal. "
            "She added that Moscow would answer.")
    assert read(extractor, "en", text).iloc[-1][["span", "canonical"]].tolist() == ["She", "MARIA_ZAKHAROVA"]


def test_a_surname_refers_to_a_speaker_named_before(extractor):
    table = read(extractor, "en", "John Smithfield, a farmer, said he was worried. Smithfield said prices rose.")
    assert rows(table, "span", "registered", "kind") == [["John Smithfield", False, "indirect"],
                                                         ["Smithfield", False, "reference"]]


def test_a_demonstrative_phrase_refers_to_the_last_speaker(extractor):
    text = ('"Dana dipangkas," demikian bunyi memo internal Kementerian Luar Negeri AS. '
            '"Tidak ada yang berubah," imbuh memo tersebut.')
    table = read(extractor, "id", text)
    assert rows(table, "span", "kind") == [["memo internal Kementerian Luar Negeri AS", "direct"], ["memo", "reference"]]
    assert table.loc[1, "canonical"] == table.loc[0, "canonical"] is not None


# -- anonymous sources and hedges ------------------------------------------------------------------------------------
@pytest.mark.parametrize("language, text, span, country", [
    ("en", '"It is serious," a senior US official told reporters.', "US official", "USA"),
    ("en", "Western and South Korean sources said the troops had arrived.", "Western and South Korean sources", None),
    ("id", "Sumber di kementerian mengatakan jumlah korban bertambah.", "Sumber di kementerian", None),
    ("ru", "Источник в правительстве сообщил, что войска уже там.", "Источник в правительстве", None),
    ("ko", "정부 소식통은 추가 파병 가능성이 있다고 밝혔다.", "정부 소식통", None),
])
def test_an_unnamed_source_is_anonymous_with_the_country_it_names(extractor, language, text, span, country):
    table = read(extractor, language, text)
    assert rows(table, "span", "canonical", "kind", "type", "country") == [[span, None, "anonymous", "anonymous", country]]


@pytest.mark.parametrize("language, text, hedge", [
    ("en", "Western sources said the troops had reportedly suffered losses.", "reportedly"),
    ("id", "Arie Primajaya mengatakan banjir disebut-sebut meluas.", "disebut-sebut"),
    ("ru", "Источник сообщил, что, по неподтверждённым данным, войска уже там.", "по неподтверждённым данным"),
    ("ko", "연합뉴스에 따르면 북한군은 쿠르스크에 있는 것으로 알려졌다.", "것으로 알려졌다"),
])
def test_a_hedged_claim_is_marked_with_its_hedge(extractor, language, text, hedge):
    row = read(extractor, language, text).iloc[0]
    assert bool(row["hedged"]) and row["hedge"] == hedge


def test_an_unhedged_claim_has_no_hedge(extractor):
    row = read(extractor, "en", "Dmitry Peskov said the treaty was legal.").iloc[0]
    assert not row["hedged"] and row["hedge"] is None


# -- quotes: every style, unbalanced and nested ------------------------------------------------------------------------
@pytest.mark.parametrize("text, quoted", [
    ('"straight" and “curly” and «guillemets» and „low“ and 「corner」', ["straight", "curly", "guillemets", "low", "corner"]),
    ("It's Kim's 'scare quote' here", ["scare quote"]),
    ("«outer „inner“ words»", ["outer „inner“ words"]),
    ('an unclosed “quote runs to the end', ["quote runs to the end"]),
    ('end of a quote," he said.', ["end of a quote,"]),
    ('“««»“"\'', None),
    ('»»', None),
    ("", []),
])
def test_quotes_of_every_style_never_fail(text, quoted):
    spans = quote_spans(text)
    assert all(0 <= a <= b <= len(text) for a, b in spans)
    if quoted is not None:
        assert [text[a:b] for a, b in spans] == quoted


@pytest.mark.parametrize("text", [
    '"We will not stop, Peskov said.', 'Peskov said: "We «will» not stop," and "more', '»"“ said Peskov „',
    '«Мы «не» остановимся», — заявил Песков', "Peskov said '", '"""""" said', "«»«»«» заявил Песков",
])
def test_unbalanced_and_nested_quotes_give_sensible_rows(extractor, text):
    table = read(extractor, "ru" if "Песков" in text else "en", text)
    for row in table.itertuples():
        assert text[row.start:row.end] == row.span
        if pd.notna(row.quote_start):
            assert text[row.quote_start:row.quote_end] == row.quote


def test_an_unclosed_quote_runs_to_the_end_of_its_sentence(extractor):
    table = read(extractor, "en", 'Peskov said: "We will not stop. Moscow agreed.')
    assert table.loc[0, "quote"] == "We will not stop."


# -- offsets, unregistered speakers, the chain -------------------------------------------------------------------------
def test_offsets_point_into_each_field(extractor):
    title = "Peskov: Moscow will answer"
    text = 'The deal is legal. "We will answer," Dmitry Peskov told reporters on Monday.'
    table = read(extractor, "en", text, title=title)
    assert list(table.columns) == ATTRIBUTION_COLUMNS and table["field"].tolist() == ["title", "text"]
    for row in table.itertuples():
        field = title if row.field == "title" else text
        assert field[row.start:row.end] == row.span and field[row.cue_start:row.cue_end] == row.cue
        assert field[row.quote_start:row.quote_end] == row.quote


def test_a_speaker_the_registry_lacks_is_kept_with_its_span(extractor):
    table = read(extractor, "en", "Professor Jane Quibble of Leeds University said the pact was fragile.")
    assert rows(table, "span", "canonical", "registered") == [["Professor Jane Quibble of Leeds University", None, False]]


def test_each_attribution_carries_the_chain_on_the_documents_date(extractor):
    row = read(extractor, "en", "Pentagon deputy press secretary Sabrina Singh said the troops were in Kursk.").iloc[0]
    assert (row["canonical"], row["parent"], row["chain"]) == ("SABRINA_SINGH", "PENTAGON", "SABRINA_SINGH > PENTAGON > USA")
    assert (row["label"], row["type"], row["country"]) == ("Sabrina Singh", extractor.registry_.source_type("SABRINA_SINGH"),
                                                           "USA")


def test_a_headline_colon_names_its_speaker(extractor):
    table = read(extractor, "id", "Prabowo akan mengakui Israel.", title="Israel dan Palestina, MUI: Bukti Anti-penjajahan")
    assert rows(table[table["field"] == "title"], "span", "cue", "kind") == [["MUI", ":", "direct"]]


# -- the estimator's behaviour -------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def demo():
    return load_demo(300)  # SIMULATED


def test_worker_processes_give_the_same_table_as_one(demo):
    one = SourceExtractor().fit().attributions(demo)
    two = SourceExtractor(n_jobs=2).fit().attributions(demo)
    pd.testing.assert_frame_equal(one, two)


def test_transform_counts_registered_sources_per_document(extractor, demo):
    matrix = extractor.transform(demo)
    table = extractor.attributions(demo)
    assert matrix.shape == (len(demo), len(extractor.get_feature_names_out()))
    assert matrix.sum() == table["canonical"].notna().sum()


def test_a_bad_cue_file_is_refused_with_file_language_and_key(tmp_path):
    path = tmp_path / "cues.yaml"
    path.write_text("en:\n  before: said\n", encoding="utf-8")
    with pytest.raises(CueError, match=r"cues.yaml, language 'en', key 'before'"):
        load_cues(path)


# -- scoring -------------------------------------------------------------------------------------------------------------
def test_scoring_matches_overlapping_spans_one_to_one():
    annotated = pd.DataFrame({"doc_id": ["a", "a", "b"], "field": ["text", "title", "text"], "upto": [40, None, None],
                              "language": ["en", "en", "ru"]}).astype({"upto": "Int64"})
    gold = pd.DataFrame({"doc_id": ["a", "a", "a", "b"], "field": ["text", "text", "title", "text"],
                         "start": [0, 20, 0, 5], "end": [10, 25, 4, 9], "canonical": ["PESKOV", None, "NIS", "TASS"]})
    predicted = pd.DataFrame({"doc_id": ["a", "a", "a", "a", "b"], "field": ["text", "text", "text", "title", "text"],
                              "start": [2, 4, 50, 1, 0], "end": [6, 8, 55, 3, 3],
                              "canonical": ["PESKOV", "PESKOV", "KCNA", "KOR", None]})
    scores = score_attributions(predicted, gold, annotated)
    # a: the second overlapping prediction is not matched again; the one after upto=40 is not scored
    assert scores.loc["en", ["gold", "predicted", "matched"]].tolist() == [3, 3, 2]
    assert scores.loc["en", "canonical_accuracy"] == 0.5 and scores.loc["ru", "matched"] == 0
    assert scores.loc["all", "precision"] == pytest.approx(2 / 4) and scores.loc["all", "recall"] == pytest.approx(2 / 4)


def test_the_demos_planted_sources_are_recovered(extractor, demo):
    assert set(demo_source_map().values()) <= set(extractor.sources_)
    score = score_demo(extractor.attributions(demo), demo)
    assert score["f1"] >= 0.9, score
