"""Vectorisers: tokenisers per language, the concept bridge, and the scikit-learn contract."""
from __future__ import annotations

import os
import pickle

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.decomposition import TruncatedSVD
from sklearn.exceptions import NotFittedError
from sklearn.metrics.pairwise import cosine_similarity
from sklearn.pipeline import make_pipeline

from analysis.tokens import MultilingualTokenizer
from analysis.vectorize import HashingTextVectorizer, TextVectorizer


@pytest.mark.parametrize("text, language, expected", [
    ("The leaders signed treaties", "en", ["leader", "sign", "treati"]),
    ("Perjanjian itu dirundingkan para pemimpin", "id", ["janji", "runding", "pimpin"]),
    ("Договоры подписаны лидерами", "ru", ["договор", "подписа", "лидер"]),
    ("조약은 지도자들이 서명했다", "ko", ["조약", "지도자", "서명"]),
])
def test_tokenizer_per_language(text, language, expected):
    tokens = MultilingualTokenizer(concept_bridge=False)(text, language)
    assert [t for t in tokens if t in expected] == expected


@pytest.mark.parametrize("text, language", [
    ("North Korea and Russia", "en"), ("Korea Utara dan Rusia", "id"), ("Korut dan Rusia", "id"),
    ("КНДР и Россия", "ru"), ("Северная Корея и Российская Федерация", "ru"), ("북한과 러시아", "ko"),
    ("조선민주주의인민공화국과 로씨야", "ko"),
])
def test_concept_bridge_gives_the_same_tokens_in_every_language(text, language):
    assert MultilingualTokenizer()(text, language) == ["@PRK", "@RUS"]


def test_bridge_pulls_an_indonesian_and_an_english_article_on_one_event_together():
    docs = pd.DataFrame({
        "title": ["Russian parliament ratifies treaty with North Korea", "Duma Rusia ratifikasi perjanjian dengan Korut",
                  "Central bank holds interest rates", "Heavy rain floods the capital"],
        "lead": [None] * 4,
        "text": ["The State Duma voted to ratify the partnership treaty with Pyongyang, Peskov said.",
                 "Majelis rendah Rusia meratifikasi perjanjian kemitraan dengan Pyongyang, kata Peskov.",
                 "Economists had expected the decision; markets were calm.",
                 "Residents were told to avoid travel; several roads were closed."],
        "language": ["en", "id", "en", "en"]})
    bridged = cosine_similarity(TextVectorizer(min_df=1, max_df=1.0).fit_transform(docs))
    plain = cosine_similarity(TextVectorizer(min_df=1, max_df=1.0, concept_bridge=False).fit_transform(docs))
    assert bridged[0, 1] > bridged[2, 3]
    assert bridged[0, 1] > plain[0, 1]  # the bridge is what brings the two languages together


@pytest.fixture(scope="module")
def demo():
    from analysis.demo import load_demo

    return load_demo(300, random_state=4)  # SIMULATED


@pytest.mark.parametrize("make", [lambda: TextVectorizer(), lambda: TextVectorizer(analyzer="chars"),
                                  lambda: HashingTextVectorizer(n_features=2**14)])
def test_transformer_contract(demo, make):
    vectorizer = make()
    cloned = clone(vectorizer)
    assert cloned.get_params() == vectorizer.get_params()
    with pytest.raises(NotFittedError):
        vectorizer.transform(demo)
    matrix = vectorizer.fit_transform(demo)
    assert matrix.shape[0] == len(demo) and matrix.shape[1] == len(vectorizer.get_feature_names_out())
    again = make().fit(demo).transform(demo)
    assert abs(matrix - again).max() < 1e-6  # deterministic
    reduced = make_pipeline(make(), TruncatedSVD(n_components=5, random_state=0)).fit_transform(demo)
    assert reduced.shape == (len(demo), 5)
    restored = pickle.loads(pickle.dumps(vectorizer))
    assert abs(restored.transform(demo.head(5)) - matrix[:5]).max() < 1e-6


@pytest.mark.parametrize("n_jobs", [1, 2])
@pytest.mark.parametrize("params", [{}, {"body_weight": 0.5, "min_df": 0.01, "max_df": 0.3, "max_features": 80}])
def test_counts_made_in_the_workers_match_scikit_learn(demo, n_jobs, params):
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.preprocessing import normalize

    from analysis.parallel_tokens import tokenize_fields
    from analysis.vectorize import _identity

    fit, new = demo.iloc[:200], demo.iloc[200:]
    ours = TextVectorizer(n_jobs=n_jobs, **params)
    X, Y = ours.fit_transform(fit), ours.transform(new)
    body_weight = params.get("body_weight", 0.0)
    reference = TfidfVectorizer(analyzer=_identity, min_df=params.get("min_df", 2), max_df=params.get("max_df", 0.5),
                                max_features=params.get("max_features"), sublinear_tf=True, dtype=np.float32)
    heads, bodies = tokenize_fields(fit, n_jobs=1)
    reference.fit([h + b for h, b in zip(heads, bodies)] if body_weight else heads)

    from scipy import sparse

    # the shared actor and concept tokens weigh bridge_weight (2 by default), rows normalised again
    scale = np.where([n.startswith("@") for n in reference.get_feature_names_out()], 2.0, 1.0).astype(np.float32)

    def weigh(frame):
        heads, bodies = tokenize_fields(frame, n_jobs=1)
        if not body_weight:
            plain = reference.transform(heads)
        else:
            plain = normalize(normalize(reference.transform(heads)) + body_weight * normalize(reference.transform(bodies)))
        return normalize(plain @ sparse.diags(scale), copy=False).astype(np.float32)

    assert list(ours.get_feature_names_out()) == list(reference.get_feature_names_out())
    assert (X != weigh(fit)).nnz == 0 and (Y != weigh(new)).nnz == 0  # bit for bit


@pytest.mark.parametrize("params, message", [({"min_df": -1}, "min_df"), ({"max_df": 1.5}, "max_df"),
                                             ({"min_df": 50, "max_df": 2}, "fewer documents"),
                                             ({"max_features": 0}, "max_features"),
                                             ({"min_df": 0.95, "max_df": 1.0}, "no term is left")])
def test_bad_frequency_limits_say_which(demo, params, message):
    with pytest.raises(ValueError, match=message):
        TextVectorizer(**params).fit(demo)


def test_no_tokens_at_all_is_a_clear_error():
    with pytest.raises(ValueError, match="no document has a token"):
        TextVectorizer().fit(["", "  ", "42"])


def test_stemming_runs_in_c_with_the_pure_python_stems():
    from snowballstemmer.english_stemmer import EnglishStemmer
    from snowballstemmer.russian_stemmer import RussianStemmer

    from analysis.tokens import _snowball

    words = {"english": ["ratified", "ratification", "sanctions", "generously", "troops", "dying", "skies"],
             "russian": ["ратифицировал", "договора", "войсками", "переговоров", "северокорейских"]}
    for language, pure in (("english", EnglishStemmer()), ("russian", RussianStemmer())):
        stemmer = _snowball(language)
        assert type(stemmer).__module__ == "Stemmer"  # PyStemmer's C extension, not the pure-Python fallback
        assert [stemmer.stemWord(w) for w in words[language]] == [pure.stemWord(w) for w in words[language]]


def test_hashing_idf_learns_chunk_by_chunk(demo):
    whole = HashingTextVectorizer(n_features=2**14).fit(demo)
    chunked = HashingTextVectorizer(n_features=2**14)
    for start in range(0, len(demo), 100):
        chunked.partial_fit(demo.iloc[start:start + 100])
    assert chunked.n_documents_ == whole.n_documents_ == len(demo)
    assert np.array_equal(chunked.document_frequency_, whole.document_frequency_)


def test_plain_strings_are_accepted():
    matrix = TextVectorizer(min_df=1, max_df=1.0).fit_transform(["Putin met Kim Jong Un", "Putin visited Pyongyang"])
    assert matrix.shape[0] == 2


def test_glossary_terms_do_not_collide():
    """Two concepts must not claim the same tokens in one language (the first would win silently)."""
    from analysis.tokens import MultilingualTokenizer, load_concept_glossary

    words = MultilingualTokenizer(concept_bridge=False)._words
    owners: dict[tuple, str] = {}
    clashes = []
    for concept, entry in load_concept_glossary().items():
        for language, terms in entry["terms"].items():
            for term in terms:
                key = (language, tuple(words(str(term), language, keep_stop=True)))
                if key[1] and owners.setdefault(key, concept) != concept:
                    clashes.append((term, language, owners[key], concept))
    assert not clashes


@pytest.mark.parametrize("text, language, concepts", [
    ("Russia's upper house approved the ratification", "en", {"@UPPER_HOUSE", "@RATIFY"}),
    ("Majelis rendah parlemen Rusia meratifikasi perjanjian", "id", {"@LOWER_HOUSE", "@RATIFY", "@TREATY"}),
    ("Сенаторы одобрили ратификацию договора", "ru", {"@UPPER_HOUSE", "@RATIFY", "@TREATY"}),
    ("러시아 하원이 조약 비준안을 가결했다", "ko", {"@LOWER_HOUSE", "@RATIFY", "@TREATY"}),
])
def test_glossary_maps_inflected_forms_in_each_language(text, language, concepts):
    tokens = set(MultilingualTokenizer()(text, language))
    assert concepts <= tokens


@pytest.mark.parametrize("text, language, concept, absent", [
    # a multi-word term keeps its stop words: "lower house", not "house"; "first time", not "time"
    ("The lower house ratified the treaty", "en", "@LOWER_HOUSE", "New Houses Built in Pyongyang"),
    ("For the first time, the treaty was published", "en", "@FIRST_TIME", "It is time to act"),
    ("Kim toured the Far East", "en", "@FAR_EAST", "East of Kursk, shelling went on"),
    ("Interest rates rose again", "en", "@INTEREST_RATE", "The rate of fire rose"),
    ("Kim mengunjungi Timur Jauh Rusia", "id", "@FAR_EAST", "Banjir melanda Jakarta Timur"),
])
def test_a_multi_word_term_never_shrinks_to_one_broad_word(text, language, concept, absent):
    tokenize = MultilingualTokenizer()
    assert concept in tokenize(text, language)
    assert concept not in tokenize(absent, language)


@pytest.mark.parametrize("text, language, calendar", [
    ("On Friday, Oct 25, the Duma voted", "en", {"friday", "oct"}),
    ("Duma memberikan suara pada hari Jumat, 25 Oktober", "id", {"jumat", "oktober"}),
    ("Госдума проголосовала в пятницу, 25 октября", "ru", {"пятниц", "пятницу", "октябр", "октября"}),
    ("국가두마가 금요일 표결했다", "ko", {"금요일"}),
])
def test_calendar_words_are_not_features(text, language, calendar):
    tokens = MultilingualTokenizer()(text, language)
    # the Duma is a registry actor (it acts for Russia), so its actor token wins over the glossary's
    assert "@STATE_DUMA" in tokens and not calendar & set(tokens)


def test_a_registry_organisation_wins_over_the_glossary_term_it_also_matches():
    tokens = MultilingualTokenizer()("Совет Федерации одобрил ратификацию договора", "ru")
    assert {"@FEDERATION_COUNCIL", "@RATIFY", "@TREATY"} <= set(tokens) and "@UPPER_HOUSE" not in tokens


def test_own_glossary_file(tmp_path):
    glossary = tmp_path / "mine.yaml"
    glossary.write_text("HARVEST:\n  label: harvest\n  terms:\n    en: [harvest, crops]\n    id: [panen]\n",
                        encoding="utf-8")
    assert MultilingualTokenizer(glossary=glossary)("Crops and the harvest", "en") == ["@HARVEST", "@HARVEST"]
    assert MultilingualTokenizer(glossary=glossary)("Panen raya", "id")[0] == "@HARVEST"
    bad = tmp_path / "bad.yaml"
    bad.write_text("HARVEST: [harvest]\n", encoding="utf-8")
    with pytest.raises(ValueError, match="needs a label and terms"):
        MultilingualTokenizer(glossary=bad)("harvest", "en")


def test_body_weight_adds_the_body():
    docs = pd.DataFrame({"title": ["Summit in Vladivostok", "Summit in Vladivostok"], "lead": ["", ""],
                         "text": ["Talks began.\nCoal exports rose sharply.", "Talks began.\nPlayers trained."],
                         "language": ["en", "en"]})
    head_only = TextVectorizer(min_df=1, max_df=1.0).fit_transform(docs)
    assert abs(head_only[0] - head_only[1]).max() < 1e-6  # the heads are the same
    with_body = TextVectorizer(min_df=1, max_df=1.0, body_weight=0.5).fit_transform(docs)
    assert abs(with_body[0] - with_body[1]).max() > 0.1


def test_parallel_tokenising_gives_the_same_tokens(demo, monkeypatch):
    from analysis import parallel_tokens, tokens
    from analysis.parallel_tokens import tokenize_fields

    one = tokenize_fields(demo, n_jobs=1)
    assert tokenize_fields(demo, n_jobs=2) == one  # forked workers
    # Korean eojeols this process has never analysed: a worker loads Kiwi for them
    novel = pd.DataFrame({"title": ["러시아 하원이 새로운 조약안을 심의했다", "평양 시민들이 행진했다"],
                          "lead": ["", ""], "text": ["", ""], "language": ["ko", "ko"]})
    monkeypatch.setattr(tokens, "_KIWI", {})  # as if this process had never loaded Kiwi
    monkeypatch.setattr(tokens, "_EOJEOLS", {})  # ... nor analysed any eojeol
    early = []  # Kiwi starts before the fields are built when Korean is new to this process
    monkeypatch.setattr(parallel_tokens, "_korean_first_seen",
                        lambda X, seen=parallel_tokens._korean_first_seen: early.append(seen(X)) or early[-1])
    forked = tokenize_fields(novel, n_jobs=2)
    assert early == [True]
    assert os.getpid() not in tokens._KIWI  # Kiwi ran in a worker: loading it here would stall the others
    assert forked == tokenize_fields(novel, n_jobs=1) and "@TREATY" in forked[0][0]
    tokens._kiwi()
    monkeypatch.setattr(tokens, "_EOJEOLS", {})  # Kiwi loaded here now: the new eojeols are analysed here
    assert tokenize_fields(novel, n_jobs=2) == forked and "행진했다" in tokens._EOJEOLS
    assert early == [True, False, False]  # the second: every eojeol known; the third: Kiwi is here
    monkeypatch.setattr(parallel_tokens, "_can_fork", lambda: False)
    assert tokenize_fields(demo, n_jobs=2) == one  # joblib's loky workers (macOS, Windows)


def test_a_kiwi_session_loads_kiwi_once_for_many_chunks(monkeypatch):
    from analysis import parallel_tokens, tokens
    from analysis.parallel_tokens import kiwi_session, tokenize_fields

    sentences = ["러시아 하원이 새로운 조약안을 심의했다", "평양 시민들이 광장에서 행진했다",
                 "블라디보스토크 정상회담이 끝났다", "국경 다리 건설이 시작되었다"]
    chunks = [pd.DataFrame({"title": [text, text + " 다시"], "lead": ["", ""], "text": ["", ""],
                            "language": ["ko", "ko"]}) for text in sentences]  # new eojeols in every chunk
    monkeypatch.setattr(tokens, "_KIWI", {})
    monkeypatch.setattr(tokens, "_EOJEOLS", {})
    workers = []
    monkeypatch.setattr(parallel_tokens, "_kiwi_worker",
                        lambda stack, make=parallel_tokens._kiwi_worker: workers.append(make(stack)) or workers[-1])
    with kiwi_session():
        inside = [tokenize_fields(chunk, n_jobs=2) for chunk in chunks]
    assert len(workers) >= len(chunks) and len({id(w) for w in workers}) == 1  # one worker served every chunk
    assert not parallel_tokens._KIWI_SESSIONS and not any(p.is_alive() for p in workers[0]._pool)  # and is gone
    assert os.getpid() not in tokens._KIWI
    monkeypatch.setattr(tokens, "_EOJEOLS", {})
    assert inside == [tokenize_fields(chunk, n_jobs=1) for chunk in chunks]


def test_korean_cache_bound_keeps_every_eojeol_of_the_batch(monkeypatch):
    from analysis import tokens

    text = "북한은 러시아와 조약을 맺었다"
    expected = tokens.korean_morphemes([text])
    monkeypatch.setattr(tokens, "_EOJEOLS_MAX", 3)  # the cache is cleared inside this batch
    assert tokens.korean_morphemes([text, "평양에서 회담이 열렸다"])[0] == expected[0]
    assert len(tokens._EOJEOLS) <= 8


def test_eojeols_from_split_are_the_eojeol_pattern_s():
    # Korean eojeols are collected with str.split() for speed and located with _EOJEOL_RE: the two
    # must cut at the same characters, every code point included (NBSP, U+3000, U+001C ...)
    from analysis import tokens

    text = "".join(f"가{chr(c)}" for c in range(0x110000) if not 0xD800 <= c < 0xE000)
    assert text.split() == tokens._EOJEOL_RE.findall(text)
    assert "\n".join(["북한은  러시아와", "", "\u3000조약을"]).split() == ["북한은", "러시아와", "조약을"]


def test_tokenising_state_lives_in_one_module_only():
    # forked workers and monkeypatched tests must see the very objects analysis.tokens holds: a
    # second module binding them by name would keep its own (stale) copy after a rebinding
    from analysis import parallel_tokens, tokens, vectorize

    for name in ("_KIWI", "_EOJEOLS", "_EOJEOLS_MAX", "_kiwi", "_analyse_eojeols"):
        assert hasattr(tokens, name)
        assert not hasattr(parallel_tokens, name) and not hasattr(vectorize, name), name
    for name in ("_FORKED_INPUT", "_KIWI_SESSIONS", "_shared_tokenizer"):
        assert hasattr(parallel_tokens, name) and not hasattr(vectorize, name), name


@pytest.mark.parametrize("language, words, stem", [("pl", ["ratyfikowała", "ratyfikował"], "ratyfikow"),
                                                     ("pl", ["umowa", "umowę", "umowy"], "umow"),
                                                     ("de", ["Verträge", "Vertrag"], None)])
def test_languages_beyond_the_four_fall_back_to_snowball_and_stop_words(language, words, stem):
    from analysis.tokens import MultilingualTokenizer

    tokens = [MultilingualTokenizer(concept_bridge=False)(w, language) for w in words]
    assert all(len(t) == 1 for t in tokens)
    if stem is not None:
        assert {t[0] for t in tokens} == {stem}
    assert MultilingualTokenizer(concept_bridge=False)("i oraz się", "pl") == []  # stopwordsiso's Polish list
