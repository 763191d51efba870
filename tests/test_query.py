"""The boolean query language: parsing, errors with columns, and matching in four languages."""
from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pytest

from analysis.query import QuerySyntaxError, match_query, parse_query

DOCS = pd.DataFrame({
    "doc_id": list("abcdefg"),
    "title": ["Korut dan Rusia teken pakta", "Harga beras naik", "Путин встретился с Ким Чен Ыном",
              "북한은 러시아와 조약을 맺었다", "North Korea and Russia sign defence pact",
              "Briefing: Russia news, weather, sport, and separately North Korea missile tests",
              "КНДР и Россия ратифицировали договор"],
    "lead": [None, None, None, None, None, None, None],
    "text": [None, "Beras mahal di pasar.", None, None, "The pact was signed in Pyongyang.", None, None],
    "language": ["id", "id", "ru", "ko", "en", "en", "ru"],
    "outlet": ["Kompas", "Detik", "TASS", "Yonhap News Agency", "Reuters", "The New York Times", "RIA Novosti"],
    "outlet_domain": ["kompas.com", "detik.com", "tass.ru", "yna.co.kr", "reuters.com", "nytimes.com", "ria.ru"],
})


def hits(query):
    return DOCS.loc[match_query(DOCS, query), "doc_id"].tolist()


@pytest.mark.parametrize("query, expected", [
    ("actor:RUS AND actor:PRK", ["a", "d", "e", "f", "g"]),
    ("actor:DPRK", ["a", "d", "e", "f", "g"]),
    ("actor:Putin", ["c"]),
    ("korut*", ["a"]),
    ('"korea utara" OR korut', ["a"]),
    ("북한", ["d"]),
    ("조약", ["d"]),
    ("КНДР", ["g"]),
    ("договор*", ["g"]),
    ('"north korea"', ["e", "f"]),
    ('"russia korea"~3', ["e"]),
    ('"russia korea"~12', ["e", "f"]),
    ("pact NOT pyongyang", []),
    ("pact -pyongyang", []),
    ("pact", ["e"]),
    ("title:pyongyang", []),
    ("text:pyongyang", ["e"]),
    ("title:(beras OR pakta)", ["a", "b"]),
    ("language:ko OR outlet:kompas", ["a", "d"]),
    ("domain:ria.ru", ["g"]),
    ("(actor:RUS OR actor:PUTIN) AND language:ru", ["c", "g"]),
])
def test_queries_match_in_four_languages(query, expected):
    assert hits(query) == expected


@pytest.mark.parametrize("query, column, message", [
    ('"unclosed', 1, "unclosed quote"),
    ("a AND (b OR c", 14, "missing closing parenthesis"),
    ("a OR", 5, "ends where a term was expected"),
    ("foo:bar", 1, "unknown field"),
    ("a) b", 2, "unexpected )"),
    ("ki*m", 3, "only a trailing wildcard"),
    ('"a b"~x', 6, "proximity needs a number"),
    ("actor:XYZ", 1, "unknown actor"),
    ("", 1, "empty query"),
])
def test_parse_errors_point_at_the_column(query, column, message):
    with pytest.raises(QuerySyntaxError) as info:
        match_query(DOCS, query)
    assert info.value.column == column and message in str(info.value)
    assert "^" in str(info.value).splitlines()[-1]


def test_implicit_and_and_precedence():
    tree = parse_query("a b OR c")
    assert tree.op == "OR" and tree.children[0].op == "AND"


def test_accessor_on_any_corpus_table():
    assert DOCS.kit.query("actor:Putin")["doc_id"].tolist() == ["c"]


def test_query_command_on_a_store(tmp_path):
    from analysis.config import SAMPLE_DIR

    store = tmp_path / "s"
    assert subprocess.run([sys.executable, "-m", "analysis", "ingest", str(SAMPLE_DIR), "--out", str(store), "--quiet"],
                          capture_output=True, timeout=300).returncode == 0
    done = subprocess.run([sys.executable, "-m", "analysis", "query", str(store), "actor:RUS AND actor:PRK", "--count"],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    from analysis import open_store

    expected = len(open_store(store).query("actor:RUS AND actor:PRK"))
    assert int(done.stdout.strip().splitlines()[-1]) == expected >= 10
    bad = subprocess.run([sys.executable, "-m", "analysis", "query", str(store), "actor:RUS AND ("],
                         capture_output=True, text=True, timeout=300)
    assert bad.returncode == 2 and "column" in bad.stderr and "Traceback" not in bad.stderr
