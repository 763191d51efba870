"""Relevance: is a document *about* the relationship between two actors, not merely mentioning both?

A keyword query for Russia and North Korea also returns newsletters that mention each in
unrelated paragraphs. :class:`RelevanceScorer` scores a document from 0 to 1 by where the two
actors occur together (people and places count for their country: Putin for Russia,
Pyongyang for North Korea):

=========================================  =====
signal                                     score
=========================================  =====
both in one item of the title              +0.60
both in the first sentence (the lede)      +0.25
together in one sentence (in a long text:  +0.30
only near its top)
else together in one paragraph             +0.15
each mentioned at least twice              +0.10
digest or live-blog title (unless both     -0.35
actors are in its first item), or the
pair only in a later item of a title made
of items ("Briefing: A; Kim in Russia; C")
the actors only meet where one of them is  score capped at 0.45
an item of a list of 3+ countries, in the
title, lead or body ("China, Russia, Iran
and North Korea"; "Chiny, Rosja czy Korea
Północna")
either actor absent                        = 0
=========================================  =====

The sum is clipped to [0, 1]; ``relevant`` is ``score >= threshold`` (0.5 by default).
Every score comes with its evidence: which signals fired, the first sentence in which
the actors meet, and the organisations that counted for a state ("'Wagner' counts for RUS").

What a mention is, and where two meet, follow rules measured on real corpora in five
languages (``tests/data/relevance_gold.md``):

* a dateline or agency credit names where a story was filed, not an actor in it
  ("Pyongyang, May 3 (KCNA) --", "(모스크바=연합뉴스) ... 특파원 =", "**JAKARTA, KOMPAS.com** -");
* people, places and organisations count for the state the registry ties them to (Putin,
  Pyongyang, the Kremlin; armed forces, intelligence services, state companies and private
  military companies through :class:`~analysis.actors.ActorTagger`'s relations);
* a sentence opening with a subject pronoun ("He", "Он", "Dia", "그는") is read with the
  sentence before it, whose subject it continues;
* the lead credit is for the first sentence (:data:`LEDE_SENTENCES`), which states what a story is
  about; later sentences of a lead paragraph often give background;
* in a long text (more than :data:`LONG_TEXT` sentences) the two must meet near its top (the
  lead and :data:`OPENING_SENTENCES` sentences after it): one Russian comment at the end of a
  US-DPRK crisis story does not make the story about Russia and North Korea.

Precision and recall against 227 hand-labelled items (English, Polish, Russian, Korean,
Indonesian), the RSS silver labels and an older hand-checked sample are measured in
``tests/test_relevance.py``.

Examples
--------
>>> import pandas as pd
>>> docs = pd.DataFrame({"doc_id": ["a", "b"], "language": ["en", "en"], "lead": [None, None],
...     "title": ["Putin and Kim Jong Un sign defence pact", "Your Thursday Briefing"],
...     "text": ["The treaty was signed in Pyongyang.",
...              "Russia shelled Kharkiv.\\n\\nSeparately, North Korea tested a missile."]})
>>> scorer = RelevanceScorer().fit()
>>> scorer.predict(docs).tolist(), scorer.decision_function(docs).tolist()
([True, False], [0.6, 0.0])
>>> scorer.explain(docs)[["doc_id", "relevant"]].values.tolist()
[['a', True], ['b', False]]
>>> digest = pd.DataFrame({"title": ["Up First: Google on trial; Kim Jong Un in Russia; a comet"], "text": ["."]})
>>> scorer.explain(digest).loc[0, "evidence"]
['both in the title', 'pair only in item 2 of 3 of the title: a digest, no title credit']
"""
from __future__ import annotations

import bisect
import re

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.validation import check_is_fitted

from .actors import ActorTagger
from .sentences import sentence_ends

_DIGEST_RE = re.compile(
    r"\b(briefing|digest|newsletter|live updates?|live blog|as it happened|at a glance|morning report|"
    r"evening report|firstft|week in review|news roundup|headlines|highlights of the|rangkuman|berita terpopuler|"
    r"kilas|главное за|итоги дня|дайджест|события недели|press review|przegląd prasy|обзор (?:прессы|сми)|"
    r"주요 뉴스|뉴스 브리핑|모닝 브리핑)\b", re.I)
WEIGHTS = {"title": 0.60, "lead": 0.25, "sentence": 0.30, "paragraph": 0.15, "repeated": 0.10, "digest": -0.35}
#: Countries named one after another ("China, Russia, Iran and North Korea") form a list.
LIST_COUNTRIES = 3
_LIST_GAP_RE = re.compile(r"\s*(?:,|;|/|·|、)?\s*(?:(?:and|or|nor|as well as|dan|atau|serta|и|или|а также|i|oraz|lub|czy|및|또는|과|와|the)\s+)*", re.I)
#: Words that open or close an enumeration: with them two countries are a list too.
_LIST_OPENER_RE = re.compile(r"(?:\bincluding|\bsuch as|\bamong them|\btermasuk|\bseperti|\bв том числе|\bвключая|"
                             r"\btakich jak|\bw tym|\bm\.in\.)\s*$", re.I)
_LIST_CLOSER_RE = re.compile(r"[가-힣]{0,2}\s*(?:등|포함)(?![가-힣])|,?\s*(?:etc\b|and others\b|dan lain|и други|i inne)", re.I)
#: The highest score of a document whose actors meet only inside such lists.
LIST_CAP = 0.45
#: The top of a story, its lede: this many first sentences (of the lead when there is one, else of the
#: text). A whole lead paragraph is too wide: Korean leads of four sentences name North Korea–Russia
#: closeness as background in their second or fourth sentence (tests/data/relevance_gold.md).
LEDE_SENTENCES = 1
#: In a long text the two must meet near its top: the lead (when there is one) and this many sentences after it.
OPENING_SENTENCES = 2
#: A text of more sentences than this is "long": its actors must meet near its top to count as one sentence.
LONG_TEXT = 12
#: An attribution that makes the next noun phrase the source of a report, not an actor in it.
_SOURCE_BEFORE_RE = re.compile(r"(?:\baccording to|\bciting|\bquoting|\bas reported by|\bmenurut|\bmengutip|\bпо данным|"
                               r"\bсо ссылкой на|\bwedług|\bpowołując się na|\bcytując)(?:\s+(?:the|a|an)\b)?[^.,;:!?\n]{0,35}$",
                               re.I)
_SOURCE_AFTER_RE = re.compile(r"[^.,;:!?\n\s]{0,12}(?:\s+[가-힣]{1,6}){0,2}(?:에 따르면|에 의하면)")
#: A word by which a story's first sentence points to the place of its dateline.
_HERE_RE = re.compile(r"\b(?:here|здесь|tutaj|di sini)\b", re.I)
#: An actor right after a comparison word is a point of comparison, not in the story ("Jak Putin").
_COMPARISON_RE = re.compile(r"(?:^|[\s,.:;(\"«„“])(?P<word>like|unlike|jak|seperti|bagaikan)\s+(?:\w+\s+)?$", re.I)
#: A phrase that dates a title's event by another one ("just ahead of Putin's meeting with Kim").
_TIME_REFERENCE_RE = re.compile(r"(?:\b(?:just |days |hours |weeks )?ahead of|\bon the eve of|\b(?:just|days|hours) before|"
                                r"\bнакануне|\bw przeddzień|\btuż przed|\bmenjelang|\bjelang)\s", re.I)
#: Where a title is made of items (a digest: "Briefing: A; B; C"): after ";" or "|".
_TITLE_ITEMS_RE = re.compile(r"\s*[;|]\s*")
#: A sentence that opens with a subject pronoun continues the subject of the sentence before it.
_PRONOUN_RE = re.compile(r"\s*(?:he|she|they|his|her|their|он|она|они|его|её|их|on|ona|oni|jego|jej|ich|dia|ia|beliau|"
                         r"mereka|그는|그녀는|그들은|이들은|그의)\b", re.I)
#: A dateline or agency credit opening a lead or paragraph names where a story was filed, not an actor in it:
#: "Pyongyang, September 22 (KCNA) --", "(모스크바=연합뉴스) 최인영 특파원 =", "**JAKARTA, KOMPAS.com** -",
#: "SEOUL (Reuters) -", "МОСКВА, 5 сентября. /ТАСС/."
_DATELINE_RE = re.compile(
    r"\s*(?:\([^()\n=]{1,30}=[^()\n]{1,15}\)(?:[^=\n]{0,30}(?:기자|특파원)\s*=)?"
    r"|\**[^\n*()]{1,40}?,?\s*(?:KOMPAS\.com|[A-Z][a-z]+\.com)\**\s*[-—–]"
    r"|[^\n()]{1,40}?\((?:KCNA|Reuters|AP|AFP|Yonhap|Xinhua|TASS|Kyodo|Bernama|ANTARA)\)\s*[-—–]+"
    r"|[А-ЯЁ][А-ЯЁ -]{2,30},[^\n]{1,20}?[/—-]\s*(?:ТАСС|РИА Новости|Интерфакс)\s*/?\.?)")


def _compared(title: str, start: int) -> bool:
    """Whether the mention at ``start`` follows a comparison word ("... Jak Putin", "like Putin"); Polish
    "Jak" opening a title asks "how" ("Jak Rosja pomaga Korei Północnej")."""
    m = _COMPARISON_RE.search(title[:start])
    return bool(m) and not (m.group("word").lower() == "jak" and not title[:m.start("word")].strip())


def _is_source(text: str, span) -> bool:
    """Whether a mention names only where a report comes from ("according to the Russian embassy",
    "러시아 대사관에 따르면"): the source of news about Pyongyang is not a party to it."""
    before = text[max(0, span[0] - 45):span[0]]
    return bool(_SOURCE_BEFORE_RE.search(before) or _SOURCE_AFTER_RE.match(text, span[1]))


class RelevanceScorer(ClassifierMixin, BaseEstimator):
    """Score documents for being about the relationship between two actors.

    A classifier on scikit-learn's contract: :meth:`decision_function` gives the 0-1 score,
    :meth:`predict` whether it reaches ``threshold``, :meth:`explain` the evidence behind both,
    and :meth:`score` the accuracy against labels, so ``threshold`` can be tuned with
    :class:`~sklearn.model_selection.GridSearchCV` on hand-checked labels. ``fit`` learns
    nothing from the documents (the rules are fixed); it compiles the actor registry.

    Parameters
    ----------
    actor_a, actor_b : str, default "RUS", "PRK"
        Canonical actor ids from the registry.
    threshold : float, default=0.5
        ``relevant`` when the score reaches it; between 0 and 1.
    weights : dict, optional
        Overrides of :data:`WEIGHTS` (its keys only).

    Attributes
    ----------
    classes_ : numpy.ndarray
        ``[False, True]``: not relevant, relevant.
    tagger_ : ActorTagger
    weights_ : dict
        :data:`WEIGHTS` with the overrides.

    Examples
    --------
    >>> import pandas as pd
    >>> docs = pd.DataFrame({"doc_id": ["a"], "title": ["Kim Jong Un and Putin meet"], "text": ["Talks."]})
    >>> RelevanceScorer().fit().score(docs, [True])
    1.0
    """

    def __init__(self, actor_a="RUS", actor_b="PRK", threshold=0.5, weights=None):
        self.actor_a = actor_a
        self.actor_b = actor_b
        self.threshold = threshold
        self.weights = weights

    def _check(self, actors) -> None:
        for name in ("actor_a", "actor_b"):
            if getattr(self, name) not in actors:
                raise ValueError(f"{name}={getattr(self, name)!r} is an unknown actor; "
                                 f"use one of the registry's ids: {', '.join(actors)}")
        if isinstance(self.threshold, bool) or not isinstance(self.threshold, (int, float, np.number)) \
                or not 0 <= self.threshold <= 1:
            raise ValueError(f"threshold must be a number between 0 and 1, not {self.threshold!r}")
        unknown = sorted(set(self.weights or {}) - set(WEIGHTS))
        if unknown:
            raise ValueError(f"weights has unknown signals {', '.join(map(repr, unknown))}; "
                             f"the signals are {', '.join(WEIGHTS)}")

    def fit(self, X=None, y=None):
        """Compile the actor registry; ``X`` and ``y`` are ignored (the rules learn nothing)."""
        self.tagger_ = ActorTagger(include_implied=True).fit()
        self._check(self.tagger_.actors_)
        self.classes_ = np.array([False, True])
        self.weights_ = {**WEIGHTS, **(self.weights or {})}
        self.groups_ = {a: {a} | {k for k, imp in self.tagger_.implies_.items() if a in imp}
                        for a in (self.actor_a, self.actor_b)}
        self.countries_ = {k for k, e in self.tagger_.registry_.items() if e.get("type") == "country"}
        return self

    def _in_list(self, text: str, spans) -> bool:
        """Whether actor A or B is an item of an enumeration of LIST_COUNTRIES or more countries."""
        countries = sorted((sp for sp in spans if sp[2] in self.countries_), key=lambda sp: sp[0])
        run = []
        for span in countries:
            if run and not _LIST_GAP_RE.fullmatch(text[run[-1][1]:span[0]]):
                if self._run_has_actor(text, run):
                    return True
                run = []
            run.append(span)
        return self._run_has_actor(text, run)

    def _run_has_actor(self, text: str, run) -> bool:
        keys = {sp[2] for sp in run}
        if not run or not keys & {self.actor_a, self.actor_b}:
            return False
        # "including Russia and North Korea", "북러 포함", "Rosja i Korea Północna m.in.": a list, however short
        marked = len(run) >= 2 and bool(_LIST_OPENER_RE.search(text[max(0, run[0][0] - 25):run[0][0]])
                                        or _LIST_CLOSER_RE.match(text, run[-1][1]))
        # names joined by middle dots or glued (북·중·러, 北中러 밀착) are Korean notation for a bloc, not a list
        bloc = all(text[a[1]:b[0]] in ("", "·") for a, b in zip(run, run[1:]))
        return marked or (len(run) >= LIST_COUNTRIES and not bloc)

    def _units(self, spans, actor) -> set:
        """Indices of the units (sentences or paragraphs) in which ``actor`` (or what implies it) occurs."""
        return {u for u, key in spans if key in self.groups_[actor]}

    def _find(self, title, body, language) -> tuple[list, list, list]:
        """Mentions in the title; in the body, all of them (what :class:`~analysis.actors.ActorTagger` counts,
        short forms included: "Kimem" where the story names Kim Dzong Un) and those outside a dateline
        ("Pyongyang, May 3 (KCNA) --" names where a story was filed, not an actor in it)."""
        found = self.tagger_.find_fields({"title": title, "body": body}, language)
        in_body = found["body"]
        if not in_body:
            return found["title"], [], []
        ends = [m.end() for m in re.finditer(r"(?:^|\n\s*\n)", body)]
        skip = [(e, e + len(m.group(0))) for e in ends if (m := _DATELINE_RE.match(body, e))]
        # "Pyongyang, Oct 28 (KCNA) -- A delegation arrived here": the lede's "here" is the dateline's place
        if skip and skip[0][0] == 0 and _HERE_RE.search(body, skip[0][1], sentence_ends(body[:600])[0]):
            skip = skip[1:]
        kept = [sp for sp in in_body if not any(a <= sp[0] < b for a, b in skip) and not _is_source(body, sp)]
        return found["title"], in_body, kept

    def _title_spans(self, title, spans) -> tuple[list, str | None]:
        """The title's mentions that can make a pair, and why some cannot: an actor named only in a
        comparison ("... Jak Putin", "like Putin") is not in the story, and a pair named only in a time
        reference while the rest of the title names neither ("Ukraine strikes Crimea just ahead of Putin's
        meeting with Kim") dates another story."""
        if not isinstance(title, str):
            return spans, None
        pair = self.groups_[self.actor_a] | self.groups_[self.actor_b]
        kept = [sp for sp in spans if not _compared(title, sp[0])]
        why = "an actor named only in a comparison" if len(kept) < len(spans) else None
        time = _TIME_REFERENCE_RE.search(title)
        if time and kept and not any(k in pair for start, _, k, _ in kept if start < time.start()):
            return [sp for sp in kept if sp[0] < time.start()], f"pair only in a time reference ({time.group(0).strip()!r})"
        return kept, why

    def _title(self, title, spans):
        """``(both, credit, digest)``: the pair in the title; in its first item (a title made of items,
        "Briefing: Google on trial; Kim Jong Un in Russia; ...", is a digest whose later items are not its
        story); why the title marks a digest, if it does."""
        a, b = self.groups_[self.actor_a], self.groups_[self.actor_b]
        if not isinstance(title, str):
            return False, False, None
        cuts = [m.end() for m in _TITLE_ITEMS_RE.finditer(title)] + [len(title) + 1]
        items = [{k for start, _, k, _ in spans if bisect.bisect_right(cuts, start) == i} for i in range(len(cuts))]
        anywhere = set().union(*items)
        in_title = bool(anywhere & a and anywhere & b)
        both = [i for i, keys in enumerate(items) if keys & a and keys & b]
        if in_title and not (both and both[0] == 0):
            where = f"only in item {both[0] + 1}" if both else "in different items"
            return True, False, f"pair {where} of {len(cuts)} of the title: a digest, no title credit"
        digest = _DIGEST_RE.search(title)
        return in_title, in_title, None if in_title or not digest else f"digest title: {digest.group(0)!r}"

    @staticmethod
    def _sentences(body: str, lead) -> tuple[list[int], int]:
        """Sentence ends (a sentence opening with a subject pronoun is read with the one before it: "Putin
        arrived in Pyongyang. He signed a treaty with Kim") and how many sentences are the top of the story."""
        ends = [e for e in sentence_ends(body)[:-1] if not _PRONOUN_RE.match(body, e)]
        ends.append(len(body) + 1)
        lead_end = len(lead) if isinstance(lead, str) and lead else 0
        return ends, bisect.bisect_right(ends, lead_end) + OPENING_SENTENCES

    @staticmethod
    def _sentence(body: str, ends: list[int], unit: int, spans) -> tuple[str, list]:
        """The text of sentence ``unit`` and its mentions, with offsets into that text."""
        begin = ends[unit - 1] if unit else 0
        return body[begin:ends[unit]], [(s - begin, e - begin, k, f) for s, e, k, f in spans if begin <= s < ends[unit]]

    def _links(self, spans) -> list[str]:
        """Evidence for mentions that count for an actor through an organisation acting for it."""
        links = {}
        for _, _, key, found in spans:
            entry = self.tagger_.registry_.get(key, {})
            for actor in (self.actor_a, self.actor_b):
                if key != actor and key in self.groups_[actor] and entry.get("type") == "organisation":
                    links.setdefault(f"{found!r} counts for {actor} ({entry.get('label', key)})", None)
        return list(links)

    def _score_one(self, title, lead, text, language):
        w = self.weights_
        a, b = self.actor_a, self.actor_b
        body = "\n\n".join(x for x in (lead, text) if isinstance(x, str) and x)
        title_spans, all_body, body_spans = self._find(title, body, language)  # a title has no dateline
        count = lambda spans, x: sum(k in self.groups_[x] for _, _, k, _ in title_spans + spans)  # noqa: E731
        missing = [x for x in (a, b) if not count(all_body, x)]
        if missing:
            return 0.0, [f"no mention of {', '.join(missing)}"]
        dated = [x for x in (a, b) if not count(body_spans, x)]
        if dated:
            sourced = {x for x in dated if any(_is_source(body, sp) for sp in all_body if sp[2] in self.groups_[x])}
            return 0.0, [f"{x} named only as the source of a report" if x in sourced else f"{x} named only in a dateline"
                         for x in dated]
        score, evidence = 0.0, []
        pair_spans, adjunct = self._title_spans(title, title_spans)
        _, title_credit, digest = self._title(title, pair_spans)
        if self._title(title, title_spans)[0]:
            evidence.append("both in the title")
            if adjunct and not title_credit:
                evidence.append(f"title: {adjunct}, no title credit")
        if title_credit:
            score += w["title"]
        sentence_ends, opening = self._sentences(body, lead)
        by_sentence = [(bisect.bisect_right(sentence_ends, start), key) for start, _, key, _ in body_spans]
        paragraph_ends = [m.end() for m in re.finditer(r"\n\s*\n", body)] + [len(body) + 1]
        by_paragraph = [(bisect.bisect_right(paragraph_ends, start), key) for start, _, key, _ in body_spans]
        head = [(0, key) for u, key in by_sentence if u < LEDE_SENTENCES]
        if self._units(head, a) and self._units(head, b):
            score += w["lead"]
            evidence.append("both in the first sentence")
        shared = sorted(self._units(by_sentence, a) & self._units(by_sentence, b))
        # where the two meet only inside an enumeration of countries, it is a list, not a relationship
        meeting_points = [self._sentence(body, sentence_ends, unit, body_spans) for unit in shared]
        if title_credit:
            meeting_points.append((title, title_spans))
        listed = bool(meeting_points) and all(self._in_list(text_, spans_) for text_, spans_ in meeting_points)
        if listed:
            evidence.append("named only in lists of countries")
        long_text = len(sentence_ends) > LONG_TEXT
        if shared and (not long_text or shared[0] < opening):
            score += w["sentence"]
            first = shared[0]
            begin = sentence_ends[first - 1] if first else 0
            evidence.append(f"in one sentence: {body[begin:sentence_ends[first]].strip()[:160]!r}")
        elif shared:  # a long text in which the two meet only far from its top is about something else
            evidence.append(f"meet only deep in a long text (sentence {shared[0] + 1} of {len(sentence_ends)})")
        elif self._units(by_paragraph, a) & self._units(by_paragraph, b):
            score += w["paragraph"]
            evidence.append("in one paragraph")
        if count(body_spans, a) >= 2 and count(body_spans, b) >= 2:
            score += w["repeated"]
            evidence.append(f"mentions {a} {count(all_body, a)}, {b} {count(all_body, b)}")  # as the tagger counts
        if digest:  # a live blog titled on the summit is about it
            score += w["digest"]
            evidence.append(digest)
        if listed:  # a list is never, on its own, a story about the two
            score = min(score, LIST_CAP)
        evidence += self._links(title_spans + body_spans)
        return float(np.clip(score, 0.0, 1.0)), evidence or ["both mentioned, never together"]

    def _scored(self, X: pd.DataFrame) -> list[tuple[float, list[str]]]:
        """``(score, evidence)`` per document of a corpus table."""
        check_is_fitted(self, "tagger_")
        get = lambda c: X[c].tolist() if c in X else [None] * len(X)  # noqa: E731
        return [self._score_one(t, l, x, lang if isinstance(lang, str) else None)
                for t, l, x, lang in zip(get("title"), get("lead"), get("text"), get("language"))]

    def decision_function(self, X: pd.DataFrame) -> np.ndarray:
        """The relevance score (0-1) of each document of the corpus table ``X``."""
        return np.array([score for score, _ in self._scored(X)], dtype=np.float64)

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        """Whether each document is relevant: its score reaches ``threshold``."""
        return self.decision_function(X) >= self.threshold

    def explain(self, X: pd.DataFrame) -> pd.DataFrame:
        """``doc_id``, ``score`` (0-1), ``relevant`` and ``evidence`` (list of strings) per document.

        Examples
        --------
        >>> import pandas as pd
        >>> docs = pd.DataFrame({"doc_id": ["a"], "title": ["Kim Jong Un and Putin meet"], "text": ["Talks."]})
        >>> RelevanceScorer().fit().explain(docs).loc[0, "evidence"]
        ['both in the title']
        """
        rows = self._scored(X)
        doc_ids = X["doc_id"].tolist() if "doc_id" in X else [None] * len(X)
        out = pd.DataFrame({"doc_id": doc_ids, "score": [r[0] for r in rows], "evidence": [r[1] for r in rows]})
        out["relevant"] = out["score"] >= self.threshold
        return out[["doc_id", "score", "relevant", "evidence"]]


def precision_recall(predicted, truth) -> dict:
    """Precision, recall and F1 of boolean predictions against boolean labels.

    Examples
    --------
    >>> precision_recall([True, True, False], [True, False, False])["precision"]
    0.5
    """
    predicted, truth = np.asarray(predicted, bool), np.asarray(truth, bool)
    tp = int((predicted & truth).sum())
    precision = tp / max(int(predicted.sum()), 1)
    recall = tp / max(int(truth.sum()), 1)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 3), "recall": round(recall, 3), "f1": round(f1, 3),
            "tp": tp, "predicted": int(predicted.sum()), "actual": int(truth.sum()), "n": int(len(truth))}
