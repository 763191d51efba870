"""Keyword in context: surface words behind vector tokens, one way of cutting a concordance line."""
from __future__ import annotations

import re

import pandas as pd

from analysis.kwic import context_around, keyword_in_context, term_pattern


def test_kwic_finds_surface_forms_of_stems_and_concepts():
    docs = pd.DataFrame({"doc_id": ["a", "b"], "title": ["Duma meratifikasi perjanjian", "Госдума ратифицировала договор"],
                         "lead": ["", ""], "text": ["", ""], "language": ["id", "ru"]})
    kwic = keyword_in_context(docs, ["@RATIFY", "@TREATY"])
    assert sorted(kwic["keyword"].str.lower()) == ["perjanjian", "meratifikasi", "договор", "ратифицировала"] or \
        set(kwic["keyword"].str.lower()) == {"perjanjian", "meratifikasi", "договор", "ратифицировала"}


def test_context_is_cut_at_the_width_and_on_one_line():
    text = "first line\nthe treaty was\nsigned in June"
    left, keyword, right = context_around(text, re.search("treaty", text), 8)
    assert (left, keyword, right) == ("ine the ", "treaty", " was sig")
    assert context_around("treaty", re.search("treaty", "treaty"), 50) == ("", "treaty", "")


def test_unknown_concepts_give_no_pattern_and_no_lines():
    assert term_pattern("@NO_SUCH_CONCEPT", "en") is None
    docs = pd.DataFrame({"doc_id": ["a"], "title": ["a treaty"], "language": ["en"]})
    assert keyword_in_context(docs, ["@NO_SUCH_CONCEPT"]).empty


def test_at_most_limit_lines_per_term_first_match_per_document():
    docs = pd.DataFrame({"doc_id": list("abc"), "title": ["treaty treaty"] * 3, "language": ["en"] * 3})
    kwic = keyword_in_context(docs, ["treaty"], limit=2, width=3)
    assert kwic["doc_id"].tolist() == ["a", "b"] and kwic["right"].tolist() == [" tr", " tr"]


def test_short_stems_read_as_their_words():
    """'spi' (Snowball's stem of spy) labelled a real cluster of spy-satellite launches as "spi"."""
    from analysis.kwic import surface_form

    titles = ["North Korea launches spy satellite", "Second spy satellite fails", "Spies and spin"]
    assert surface_form("spi", titles, "en") == "spy"
