"""A boolean query language close to what Media Cloud and GDELT users write.

Syntax
------
``putin kim``                 both words (adjacent terms are joined by AND)
``putin AND kim``, ``OR``, ``NOT``, ``-kim``   operators (upper case), parentheses
``"north korea"``             a phrase (words in order, any punctuation between)
``korut*``                    a trailing wildcard (Korut, Koruts...)
``"russia korea"~10``         proximity: all the words within 10 words of each other
``title:treaty``              search one field: ``title:``, ``lead:``, ``text:``;
                              ``title:(treaty OR pact)`` applies the field to a group
``outlet:kompas``, ``domain:tass.ru``, ``language:ko``   metadata
``actor:PRK``, ``actor:DPRK``, ``actor:Putin``  a canonical actor from the registry (any of
                              its aliases names it), matched through :class:`~analysis.actors.ActorTagger`
                              in every language: ``actor:PRK`` finds North Korea, Korea Utara, Korut,
                              КНДР, 북한은...

Words match whole words, case-insensitively; Korean words also match with
particles attached (``북한`` finds 북한은). Parse errors raise
:class:`QuerySyntaxError`, which points at the column of the problem.

Examples
--------
>>> import pandas as pd
>>> docs = pd.DataFrame({"doc_id": ["a", "b"], "title": ["Korut dan Rusia teken pakta", "Harga beras naik"],
...                      "lead": [None, None], "text": [None, None], "language": ["id", "id"]})
>>> match_query(docs, "actor:RUS AND actor:DPRK").tolist()
[True, False]
>>> match_query(docs, '"korut dan rusia"~3 OR beras').tolist()
[True, True]
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field as dc_field

import numpy as np
import pandas as pd

TEXT_FIELDS = ("title", "lead", "text")
META_FIELDS = {"outlet", "domain", "language", "actor"}
FIELDS = set(TEXT_FIELDS) | META_FIELDS
_HANGUL = "가-힣"


class QuerySyntaxError(ValueError):
    """A query that cannot be parsed; ``column`` is 1-based."""

    def __init__(self, query: str, column: int, message: str):
        self.query, self.column = query, column
        pointer = " " * (column - 1) + "^"
        super().__init__(f"{message} at column {column}\n  {query}\n  {pointer}")


# ---- tokens -----------------------------------------------------------------
@dataclass
class Token:
    kind: str   # WORD PHRASE LPAREN RPAREN AND OR NOT MINUS
    value: str
    column: int
    field: str | None = None
    slop: int | None = None


_KEYWORDS = {"AND": "AND", "OR": "OR", "NOT": "NOT", "&&": "AND", "||": "OR"}


def tokenize(query: str) -> list[Token]:
    """Split a query into tokens, with 1-based columns for error messages."""
    tokens: list[Token] = []
    i, n = 0, len(query)
    while i < n:
        ch = query[i]
        if ch.isspace():
            i += 1
            continue
        if ch == "(":
            tokens.append(Token("LPAREN", ch, i + 1))
            i += 1
            continue
        if ch == ")":
            tokens.append(Token("RPAREN", ch, i + 1))
            i += 1
            continue
        if ch == "-" and i + 1 < n and not query[i + 1].isspace():
            tokens.append(Token("MINUS", ch, i + 1))
            i += 1
            continue
        start = i
        field_name = None
        m = re.match(r"([A-Za-z_]+):(?=\S)", query[i:])
        if m and m.group(1).lower() in FIELDS and query[i + m.end()] == "(":
            tokens.append(Token("FIELDGROUP", m.group(1).lower(), i + 1))  # title:(a OR b)
            i += m.end()
            continue
        if m and m.group(1).lower() in FIELDS:
            field_name = m.group(1).lower()
            i += m.end()
        elif m:
            raise QuerySyntaxError(query, i + 1, f"unknown field {m.group(1)!r} (fields: {', '.join(sorted(FIELDS))})")
        if i < n and query[i] == '"':
            close = query.find('"', i + 1)
            if close == -1:
                raise QuerySyntaxError(query, i + 1, "unclosed quote")
            phrase = query[i + 1:close]
            if not phrase.strip():
                raise QuerySyntaxError(query, i + 1, "empty phrase")
            i = close + 1
            slop = None
            m2 = re.match(r"~(\d+)", query[i:])
            if m2:
                slop = int(m2.group(1))
                i += m2.end()
            elif i < n and query[i] == "~":
                raise QuerySyntaxError(query, i + 1, "proximity needs a number, as in \"a b\"~10")
            tokens.append(Token("PHRASE", phrase, start + 1, field_name, slop))
            continue
        m3 = re.match(r'[^\s()"]+', query[i:])
        if not m3:
            raise QuerySyntaxError(query, i + 1, f"unexpected character {query[i]!r}")
        word = m3.group(0)
        i += m3.end()
        if field_name is None and word in _KEYWORDS:
            tokens.append(Token(_KEYWORDS[word], word, start + 1))
        else:
            if "*" in word.rstrip("*") or word.startswith("*"):
                raise QuerySyntaxError(query, start + 1 + (word.find("*") if not field_name else len(field_name) + 1 + word.find("*")),
                                       "only a trailing wildcard is allowed")
            tokens.append(Token("WORD", word, start + 1, field_name))
    return tokens


# ---- syntax tree -------------------------------------------------------------
@dataclass
class Term:
    text: str
    field: str | None = None
    phrase: bool = False
    slop: int | None = None
    column: int = 0


@dataclass
class Op:
    op: str               # AND OR NOT
    children: list = dc_field(default_factory=list)


class _Parser:
    def __init__(self, query: str):
        self.query = query
        self.tokens = tokenize(query)
        self.i = 0

    def peek(self):
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self):
        token = self.peek()
        self.i += 1
        return token

    def error(self, message: str, token: Token | None = None):
        column = token.column if token is not None else len(self.query) + 1
        raise QuerySyntaxError(self.query, column, message)

    def parse(self):
        if not self.tokens:
            raise QuerySyntaxError(self.query, 1, "empty query")
        node = self.or_expr()
        if self.peek() is not None:
            self.error("unexpected " + (")" if self.peek().kind == "RPAREN" else repr(self.peek().value)), self.peek())
        return node

    def or_expr(self):
        children = [self.and_expr()]
        while self.peek() is not None and self.peek().kind == "OR":
            self.take()
            children.append(self.and_expr())
        return children[0] if len(children) == 1 else Op("OR", children)

    def and_expr(self):
        children = [self.not_expr()]
        while self.peek() is not None and self.peek().kind not in {"OR", "RPAREN"}:
            if self.peek().kind == "AND":
                self.take()
            children.append(self.not_expr())
        return children[0] if len(children) == 1 else Op("AND", children)

    def not_expr(self):
        token = self.peek()
        if token is None:
            self.error("the query ends where a term was expected")
        if token.kind in {"NOT", "MINUS"}:
            self.take()
            return Op("NOT", [self.not_expr()])
        return self.atom()

    def atom(self):
        token = self.take()
        if token is None:
            self.error("the query ends where a term was expected")
        if token.kind == "LPAREN":
            node = self.or_expr()
            close = self.take()
            if close is None or close.kind != "RPAREN":
                self.error("missing closing parenthesis", close if close is not None else None)
            return node
        if token.kind == "FIELDGROUP":
            node = self.atom()
            _set_field(node, token.value)
            return node
        if token.kind in {"WORD", "PHRASE"}:
            return Term(token.value, token.field, token.kind == "PHRASE", token.slop, token.column)
        self.error(f"expected a term, found {token.value!r}", token)


def _set_field(node, field_name: str) -> None:
    """Give every term under ``node`` without a field of its own the group's field."""
    if isinstance(node, Term):
        node.field = node.field or field_name
    else:
        for child in node.children:
            _set_field(child, field_name)


def parse_query(query: str):
    """Parse a query into a tree of :class:`Op` and :class:`Term`.

    Examples
    --------
    >>> parse_query('title:"north korea" AND NOT kim*').op
    'AND'
    """
    return _Parser(query).parse()


# ---- evaluation ----------------------------------------------------------------
def _word_regex(word: str) -> str:
    star = word.endswith("*")
    body = re.escape(word.rstrip("*"))
    if re.search(f"[{_HANGUL}]", word):
        return f"(?<![{_HANGUL}]){body}"  # Korean: particles may follow
    tail = r"\w*" if star else ""
    return rf"(?<!\w){body}{tail}(?!\w)"


def _phrase_regex(phrase: str) -> str:
    words = phrase.split()
    parts = [_word_regex(w) for w in words]
    return r"\W+".join(p.replace("(?<!\\w)", "", 1) if i else p for i, p in enumerate(parts))


class _Evaluator:
    def __init__(self, corpus: pd.DataFrame, query: str, tagger=None):
        self.corpus = corpus.reset_index(drop=True)
        self.query = query
        self._texts: dict[str | None, pd.Series] = {}
        self._actors = None
        self.tagger = tagger

    def text(self, field: str | None) -> pd.Series:
        if field not in self._texts:
            fields = [field] if field else [f for f in TEXT_FIELDS if f in self.corpus]
            parts = [self.corpus[f].fillna("").astype("str") for f in fields if f in self.corpus]
            joined = parts[0] if parts else pd.Series([""] * len(self.corpus), dtype="str")
            for p in parts[1:]:
                joined = joined + "\n" + p
            self._texts[field] = joined
        return self._texts[field]

    def actors(self):
        if self._actors is None:
            from .actors import ActorTagger

            tagger = self.tagger if self.tagger is not None else ActorTagger().fit()
            self._actors = (tagger, tagger.transform(self.corpus).tocsc())
        return self._actors

    def resolve_actor(self, name: str, term: Term) -> str:
        from .actors import alias_pattern

        tagger, _ = self.actors()
        if name.upper() in tagger.actors_:
            return name.upper()
        for key, entry in tagger.registry_.items():
            for aliases in entry["aliases"].values():
                for alias in aliases or []:
                    if re.fullmatch(alias_pattern(str(alias), "en"), name, re.I if not str(alias).isupper() else 0):
                        return key
        raise QuerySyntaxError(self.query, term.column, f"unknown actor {name!r} (ids: {', '.join(tagger.actors_)})")

    def term(self, term: Term) -> np.ndarray:
        if term.field == "actor":
            key = self.resolve_actor(term.text, term)
            tagger, matrix = self.actors()
            column = matrix[:, tagger.actors_.index(key)]
            return np.asarray(column.toarray()).ravel() > 0
        if term.field == "language":
            return (self.corpus.get("language", pd.Series(dtype="str")).fillna("").str.lower() == term.text.lower()).to_numpy()
        if term.field in {"outlet", "domain"}:
            values = self.corpus.get("outlet_domain" if term.field == "domain" else "outlet", pd.Series(dtype="str"))
            if term.field == "outlet" and "outlet_domain" in self.corpus:
                values = values.fillna("") + " " + self.corpus["outlet_domain"].fillna("")
            pattern = _phrase_regex(term.text) if term.phrase else _word_regex(term.text)
            return values.fillna("").str.contains(pattern, case=False, regex=True).to_numpy()
        texts = self.text(term.field)
        if term.phrase and term.slop is not None:
            return self.proximity(texts, term.text.split(), term.slop)
        pattern = _phrase_regex(term.text) if term.phrase else _word_regex(term.text)
        return texts.str.contains(pattern, case=False, regex=True).to_numpy()

    @staticmethod
    def proximity(texts: pd.Series, words: list[str], slop: int) -> np.ndarray:
        """All ``words`` within a window of ``slop`` words (plus the words themselves)."""
        patterns = [re.compile(_word_regex(w), re.I) for w in words]
        out = np.zeros(len(texts), dtype=bool)
        for i, text in enumerate(texts.tolist()):
            if not all(p.search(text) for p in patterns):
                continue
            tokens = [(m.start(), m.group(0)) for m in re.finditer(r"\w+", text)]
            positions = [[k for k, (_, tok) in enumerate(tokens) if p.match(tok)] for p in patterns]
            if any(not ps for ps in positions):
                continue
            window = slop + len(words) - 1
            events = sorted((pos, j) for j, ps in enumerate(positions) for pos in ps)
            last: dict[int, int] = {}
            for pos, j in events:
                last[j] = pos
                if len(last) == len(words) and pos - min(last.values()) <= window:
                    out[i] = True
                    break
        return out

    def evaluate(self, node) -> np.ndarray:
        if isinstance(node, Term):
            return self.term(node)
        results = [self.evaluate(child) for child in node.children]
        if node.op == "NOT":
            return ~results[0]
        if node.op == "AND":
            return np.logical_and.reduce(results)
        return np.logical_or.reduce(results)


def match_query(corpus: pd.DataFrame, query: str, *, tagger=None) -> pd.Series:
    """Boolean Series (aligned with ``corpus``): which documents match ``query``."""
    tree = parse_query(query)
    mask = _Evaluator(corpus, query, tagger).evaluate(tree)
    return pd.Series(mask, index=corpus.index, dtype=bool)


def filter_corpus(corpus: pd.DataFrame, query: str, *, tagger=None) -> pd.DataFrame:
    """The documents of ``corpus`` that match ``query``."""
    return corpus[match_query(corpus, query, tagger=tagger)]


@pd.api.extensions.register_dataframe_accessor("kit")
class KitAccessor:
    """``corpus.kit.query("actor:RUS AND actor:PRK")`` on any corpus table."""

    def __init__(self, frame: pd.DataFrame):
        self._frame = frame

    def query(self, query: str) -> pd.DataFrame:
        return filter_corpus(self._frame, query)

    def matches(self, query: str) -> pd.Series:
        return match_query(self._frame, query)
