"""Actor and place tagging in English, Indonesian, Russian and Korean."""
from __future__ import annotations

import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MaxAbsScaler

from analysis.actors import ActorTagger, actor_counts, load_actor_registry


@pytest.fixture(scope="module")
def tagger():
    return ActorTagger().fit()


@pytest.mark.parametrize("language, text, expected", [
    ("en", "North Korea's Kim Jong-un hosted Vladimir Putin in Pyongyang, the Kremlin said.",
     {"PRK": 1, "KIM_JONG_UN": 1, "PUTIN": 1, "PYONGYANG": 1, "KREMLIN": 1}),
    ("en", "The DPRK and the Russian Federation signed a pact; NATO and the U.S. objected.",
     {"PRK": 1, "RUS": 1, "NATO": 1, "USA": 1}),
    ("id", "Korut dan Rusia teken pakta pertahanan, kata juru bicara Kremlin Dmitry Peskov.",
     {"PRK": 1, "RUS": 1, "KREMLIN": 1, "PESKOV": 1}),
    ("id", "Pasukan Korea Utara dikirim ke Kursk, menurut Pentagon. AS dan Korsel mengecam.",
     {"PRK": 1, "KURSK": 1, "PENTAGON": 1, "USA": 1, "KOR": 1}),
    ("ru", "Путин и Ким Чен Ын подписали договор; КНДР и Российская Федерация, по словам Пескова, партнеры.",
     {"PUTIN": 1, "KIM_JONG_UN": 1, "PRK": 1, "RUS": 1, "PESKOV": 1}),
    ("ru", "Северной Кореей и Россией заключен договор в Пхеньяне.", {"PRK": 1, "RUS": 1, "PYONGYANG": 1}),
    ("ko", "북한은 러시아와 조약을 맺었다고 조선중앙통신이 보도했다.", {"PRK": 1, "RUS": 1, "KCNA": 1}),
    ("ko", "북·러 정상회담… 김정은, 푸틴과 평양서 회담. 한·미 공조.",
     {"PRK": 1, "RUS": 1, "KIM_JONG_UN": 1, "PUTIN": 1, "PYONGYANG": 1, "KOR": 1, "USA": 1}),
    ("ko", "로씨야와 조선민주주의인민공화국 사이의 조약", {"RUS": 1, "PRK": 1}),
])
def test_aliases_in_four_languages(tagger, language, text, expected):
    assert tagger.count_one(text, language=language) == expected


@pytest.mark.parametrize("language, text", [
    ("en", "Let us hope the Putinesque style fades; the unions met."),  # "us", "Putinesque", "unions"
    ("id", "Makan nasi di Rusiana, lalu ke Koreana."),
    ("ko", "조선일보 기자 한 명이 식당에서 말했다."),  # a newspaper and "one person", not Korea
    ("ru", "Кимчи и рис на ужин."),
])
def test_no_false_matches(tagger, language, text):
    assert tagger.count_one(text, language=language) == {}


def test_korean_particles_attach(tagger):
    counts = tagger.count_one("북한은 북한의 북한과 북한이 북한에", language="ko")
    assert counts == {"PRK": 5}


def test_implied_entities_are_counted_on_request():
    text = "Putin met Kim Jong Un in Pyongyang."
    assert "RUS" not in ActorTagger().fit().count_one(text)
    implied = ActorTagger(include_implied=True).fit().count_one(text)
    assert implied["RUS"] == 1 and implied["PRK"] == 2


def test_mentions_give_field_and_span(tagger):
    corpus = pd.DataFrame({"doc_id": ["d1"], "title": ["Kim meets Putin"], "lead": [None],
                           "text": ["Vladimir Putin arrived in Pyongyang."], "language": ["en"]})
    mentions = tagger.mentions(corpus)
    putin = mentions[(mentions["actor"] == "PUTIN") & (mentions["field"] == "text")].iloc[0]
    assert corpus["text"][0][putin["start"]:putin["end"]] == "Vladimir Putin"
    assert set(mentions["field"]) == {"title", "text"}


def test_transformer_contract(tagger):
    texts = ["Putin and Kim", "Korea Utara", "북한"]
    matrix = tagger.transform(texts)
    assert matrix.shape == (3, len(tagger.actors_))
    names = list(tagger.get_feature_names_out())
    assert matrix[2, names.index("actor_PRK")] == 1
    cloned = clone(ActorTagger(include_implied=True))
    assert cloned.get_params()["include_implied"] is True and not hasattr(cloned, "actors_")
    with pytest.raises(NotFittedError):
        ActorTagger().transform(texts)
    pipeline = make_pipeline(ActorTagger(), MaxAbsScaler())
    assert pipeline.fit_transform(texts).shape == (3, len(tagger.actors_))


def test_registry_entries_have_all_four_languages():
    registry = load_actor_registry()
    for key, entry in registry.items():
        assert set(entry["aliases"]) >= {"en", "id", "ru", "ko"}, key


def test_actor_counts_on_the_demo_corpus():
    from analysis.demo import load_demo

    demo = load_demo(300, random_state=5)  # SIMULATED
    counts = actor_counts(demo)
    about = ~demo["truth_story"].str.startswith("background").to_numpy()
    both = (counts["RUS"] > 0) | (counts["PUTIN"] > 0)
    assert both[about].mean() > 0.6 and both[~about].mean() < 0.05


def test_factored_patterns_match_exactly_as_the_plain_alternation(tagger, shared_data):
    """The dispatch on first characters is for speed only: same spans, same entities."""
    import gzip
    import json

    plain = ActorTagger().fit()
    plain.patterns_ = {lang: ActorTagger._compile(plain.registry_, lang, plain.languages_, factored=False)
                       for lang in plain.patterns_}
    texts = [("en", "İran and IRAN; ſyria, the KREMLIN's U.S.-backed pro-Russia stance"),
             ("ko", "U.S.북한, G7북한과 북·러 정상"), ("ru", "Путиным и Ким Чен Ыном, в КНДР"),
             ("id", "Korut-Rusia, AS-nya, Putin.")]
    with gzip.open(shared_data / "kcna_en_2024.jsonl.gz", "rt", encoding="utf-8") as lines:
        texts += [("en", (json.loads(line)["story_text"] or "")[:600]) for _, line in zip(range(40), lines)]
    for name, language in [("ru_news_rt_ng_kw_2000-2018.jsonl.gz", "ru"), ("id_news_kompas_fulltext_2025.jsonl.gz", "id")]:
        with gzip.open(shared_data / name, "rt", encoding="utf-8") as lines:
            texts += [(language, json.loads(line)["text"][:600]) for _, line in zip(range(40), lines)]
    korean = pd.read_csv(shared_data / "ko_news_yonhap_chosun_2025-2026.csv.gz", nrows=200)
    texts += [("ko", text) for text in pd.concat([korean["title"], korean["summary"]]).dropna()]
    found = 0
    for language, text in texts:
        for lang in (language, None):
            assert tagger.find(text, lang) == plain.find(text, lang), (lang, text[:80])
            found += len(tagger.find(text, lang))
    assert found > 1000 and tagger.find("İran", "en")[0][2] == "IRN"


# -- relations: capital, leader, armed forces... ------------------------------------------------

def _registry(tmp_path, relations: str):
    text = ("RUS:\n  type: country\n  label: Russia\n  aliases: {en: [Russia]}\n"
            "PRK:\n  type: country\n  label: North Korea\n  aliases: {en: [North Korea]}\n"
            f"KPA:\n  type: organisation\n  label: Korean People's Army\n  aliases: {{en: [KPA]}}\n{relations}")
    path = tmp_path / "actors.yaml"
    path.write_text(text, encoding="utf-8")
    return str(path)


@pytest.mark.parametrize("relations, message", [
    ("  relations: {army_of: PRK}\n", r"entity KPA: relation army_of: unknown kind; use one of capital_of"),
    ("  relations: {military_of: DPRK}\n", r"entity KPA: relation military_of: target 'DPRK' is not an entity id"),
    ("  relations: {military_of: KPA}\n", r"entity KPA: relation military_of: target 'KPA' is the entity itself"),
    ("  relations: {military_of: {actor: PRK, from: 2020-01-01, until: 2019-01-01}}\n",
     r"entity KPA: relation military_of: from 2020-01-01 is not before until 2019-01-01"),
    ("  relations: {military_of: {actor: PRK, since: 2020-01-01}}\n", r"unknown key since; use actor, from, until"),
    ("  relations: {military_of: {actor: PRK, from: soon}}\n", r"'soon' is not a date"),
    ("  relations: [PRK]\n", r"entity KPA: relations must be a mapping"),
    ("  implies: [PRK]\n", r"entity KPA: `implies` is replaced by `relations`"),
])
def test_bad_relations_are_named_with_file_and_entry(tmp_path, relations, message):
    path = _registry(tmp_path, relations)
    with pytest.raises(ValueError, match=message) as error:
        ActorTagger(registry=path).fit()
    assert str(error.value).startswith(path)


def test_relations_may_not_loop(tmp_path):
    path = _registry(tmp_path, "  relations: {military_of: PRK}\n")
    text = open(path, encoding="utf-8").read().replace(
        "  label: North Korea\n", "  label: North Korea\n  relations: {part_of: KPA}\n")
    open(path, "w", encoding="utf-8").write(text)
    with pytest.raises(ValueError, match="entity (PRK|KPA): its relations lead back to itself"):
        ActorTagger(registry=path).fit()


@pytest.mark.parametrize("language, text, via, link", [
    ("en", "The Korean People's Army fired shells.", "KPA", "Korean People's Army → PRK (armed forces)"),
    ("ru", "Учения Корейской народной армии прошли у границы.", "KPA", "Корейской народной армии → PRK (armed forces)"),
    ("ko", "조선인민군 총참모부가 발표했다.", "KPA", "조선인민군 → PRK (armed forces)"),
    ("en", "Wagner Group fighters left Bakhmut.", "WAGNER", "Wagner Group → RUS (acts for it)"),
    ("ru", "Бойцы ЧВК «Вагнер» покинули Бахмут.", "WAGNER", "ЧВК «Вагнер» → RUS (acts for it)"),
    ("id", "Grup Wagner meninggalkan Bakhmut.", "WAGNER", "Grup Wagner → RUS (acts for it)"),
    ("en", "The GRU and the FSB ran the operation.", "GRU", "GRU → RUS (intelligence service)"),
    ("ru", "Как сообщили в ФСБ, задержан шпион.", "FSB", "ФСБ → RUS (intelligence service)"),
    ("id", "Rosatom akan membangun reaktor.", "ROSATOM", "Rosatom → RUS (state company)"),
    ("ko", "국정원은 북한군 파병을 확인했다.", "NIS", "국정원 → KOR (intelligence service)"),
    ("ko", "주한미군 사령관이 말했다.", "USFK", "주한미군 → USA (armed forces)"),
    ("en", "Kim Jong Un inspected a factory in Pyongyang.", "PYONGYANG", "Pyongyang → PRK (capital)"),
])
def test_organisations_tied_to_a_state_count_for_it_with_the_link(language, text, via, link):
    tagger = ActorTagger(include_implied=True, fields=("text",)).fit()
    mentions = tagger.mentions(pd.DataFrame({"doc_id": ["d"], "text": [text], "language": [language]}))
    implied = mentions[mentions["via"] == via]
    assert link in implied["link"].tolist()
    assert ActorTagger(fields=("text",)).fit().mentions(
        pd.DataFrame({"doc_id": ["d"], "text": [text], "language": [language]}))["link"].eq("").all()


def test_dated_relations_follow_the_documents_date():
    """Trump counts for the United States while in office, not as a candidate in 2023."""
    tagger = ActorTagger(include_implied=True, fields=("text",)).fit()
    docs = pd.DataFrame({"doc_id": ["2018", "2023", "2025", "undated"], "text": ["Trump spoke."] * 4,
                         "published": pd.to_datetime(["2018-06-12", "2023-06-12", "2025-06-12", None], utc=True)})
    counts = pd.DataFrame(tagger.transform(docs).toarray(), columns=tagger.actors_, index=docs["doc_id"])
    assert counts["USA"].tolist() == [1, 0, 1, 1] and counts["TRUMP"].tolist() == [1] * 4
    assert tagger.count_one("Biden spoke.", published="2015-03-01")["USA"] == 1  # vice-president then
    assert tagger.count_one("Biden spoke.", published="2019-03-01") == {"BIDEN": 1}
    assert tagger.implies_["TRUMP"] == ["USA"]  # the static view: whatever the date


def test_transform_counts_the_rows_of_mentions(tagger):
    docs = pd.DataFrame({"doc_id": ["a", "b"], "language": ["en", "ko"], "title": ["Putin in Pyongyang", "북·러"],
                         "text": ["Wagner Group and the KPA; Kim Jong Un.", "조선인민군과 러시아군"]})
    implied = ActorTagger(include_implied=True).fit()
    counts = implied.mentions(docs).groupby(["doc_id", "actor"]).size()
    matrix = pd.DataFrame(implied.transform(docs).toarray(), index=docs["doc_id"], columns=implied.actors_)
    assert matrix.stack().loc[lambda s: s > 0].sort_index().equals(counts.sort_index().astype("int32"))
    assert counts[("a", "PRK")] == 3 and counts[("a", "RUS")] == 2
