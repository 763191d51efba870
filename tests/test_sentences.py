"""Sentence ends in news copy: abbreviations, initials and numbers do not end a sentence."""
import pytest

from analysis.sentences import sentence_ends, sentence_spans


@pytest.mark.parametrize("text, sentences", [
    ("A delegation left on Oct. 28 for Pyongyang. It was met.", ["A delegation left on Oct. 28 for Pyongyang.", "It was met."]),
    ("The U.S. envoy and Mr. Kim met. Talks began.", ["The U.S. envoy and Mr. Kim met.", "Talks began."]),
    ("It serves the U.S. The army dropped bombs.", ["It serves the U.S.", "The army dropped bombs."]),
    ("Он приехал в г. Москва. Там ждали.", ["Он приехал в г. Москва.", "Там ждали."]),
    ("Spotkanie m.in. z gen. Gerasimowem. Dalej.", ["Spotkanie m.in. z gen. Gerasimowem.", "Dalej."]),
    ("Growth was 3.5 percent. It was 2024.", ["Growth was 3.5 percent.", "It was 2024."]),
    ("“Kim is here.” Putin smiled!  Why?", ["“Kim is here.”", "Putin smiled!", "Why?"]),
    ("북한이 발표했다. 러시아는 환영했다.", ["북한이 발표했다.", "러시아는 환영했다."]),
    ("Headline\n\nFirst line.\nSecond line", ["Headline", "First line.", "Second line"]),
])
def test_sentences_of_news_copy(text, sentences):
    assert [text[a:b] for a, b in sentence_spans(text)] == sentences


def test_sentence_ends_cover_the_text_and_handle_empty_input():
    text = "One. Two."
    assert sentence_ends(text)[-1] == len(text)
    assert sentence_ends("") == [0] and sentence_spans("") == [] and sentence_spans(None) == []


@pytest.mark.shared
def test_kcna_ledes_are_not_cut_at_month_abbreviations(shared_data):
    """On the real KCNA file: no sentence ends right after a month abbreviation or an initial."""
    import pandas as pd

    path = shared_data / "kcna_en_2024.jsonl.gz"
    if not path.exists():
        pytest.skip(f"{path} is absent")
    texts = pd.read_json(path, lines=True)["story_text"].dropna().head(400)
    cut = [t[a:b] for t in texts for a, b in sentence_spans(t)
           if t[a:b].rstrip().endswith((" Oct.", " Sept.", " Jan.", " Mr.", " Dr.")) or t[b + 1:b + 2].islower()]
    assert not cut, cut[:5]
