"""Frames by dictionary: score documents against a codebook's cue lexicons, with the evidence.

:class:`FrameScorer` reads a codebook (:mod:`analysis.codebooks`) and counts its cues in the
title, lead and text of each document, in the document's language plus English (names and
acronyms in Latin script travel), or in every language when the language is unknown, as the
actor tagger does. Cues use the actor registry's alias syntax, so ``угроз*`` finds угрозы,
``ancaman`` finds ancamannya and ``위협`` finds 위협을. Where two cues overlap the longer match
wins; a cue listed under two frames counts for both.

The rules, stated once:

* **length**: a document's score for a frame is its counted cue matches per 100 words of the
  document (title, lead and text), so a long article does not outscore a short one by length
  alone; with ``unit="sentence"`` it is the share (in percent) of its sentences holding at
  least one counted cue of the frame. Sentences come from :func:`analysis.sentences.sentence_spans`.
* **negation**: a cue preceded, in its sentence and clause, within :data:`NEGATION_WINDOW`
  words by a negator (:data:`NEGATORS`: not, no, never, without; tidak, bukan, tanpa, belum;
  не, нет, без, ни...) is negated; in Korean a negator after the cue (않, 없, 아니, 못, within
  the cue's word and the :data:`KOREAN_NEGATION_WORDS` words after it). "not only", "tidak
  hanya", "не только" do not negate. ``negation=True`` does not count negated cues.
* **quotes**: a cue inside quotation marks (“…”, "…", «…», „…“, 「…」, '…') is quoted; a quote not
  closed runs to the end of its line. ``quotes`` chooses to count all cues, only those outside
  quotes (the journalist's own words) or only those inside (the sources' words). Russian and
  Polish news also put names in guillemets («Росатом», „Solidarność”): quoted means inside quotation
  marks, which is not always speech.

:meth:`FrameScorer.evidence` lists every match (counted or not) with its field, sentence, span,
the text matched and the two flags, so every score can be traced to words.

How well it works (``tests/test_frames.py``): on the SIMULATED demo (``load_demo(2000)``) the
planted primary frame is the top-scoring of the four planted frames in 64% of planted articles
(50% among all ten frames of ``russia_dprk``: a story about troops in Kursk also carries the war
in Ukraine). On 427 real English climate articles with Frermann et al.'s (2023) gold labels,
mapped onto ``semetko_valkenburg`` (conflict, human interest, moral and economic map one to one;
their "resolution", whether a solution is proposed, is only the solving half of Semetko and
Valkenburg's attribution of responsibility, which also holds blame), with thresholds chosen by
5-fold cross-validation, F1 is 0.61 (responsibility, no better than calling every article
responsibility: the mapping is loose), 0.38 (human interest), 0.78 (conflict), 0.51 (morality)
and 0.66 (economic), macro 0.59 against 0.45 for tagging every frame everywhere. A dictionary
finds the vocabulary of a frame, not the frame: read the evidence, and validate thresholds on
documents you coded by hand.

Examples
--------
>>> import pandas as pd
>>> docs = pd.DataFrame({"doc_id": ["a", "b"], "language": ["en", "ru"], "lead": [None, None],
...     "title": ["Sanctions on Pyongyang", "Договор о партнерстве"],
...     "text": ["The missile transfers threaten the region. They are not a threat, Moscow says.",
...              "Стороны укрепляют сотрудничество и дружбу."]})
>>> scorer = FrameScorer("russia_dprk").fit()
>>> scores = pd.DataFrame(scorer.transform(docs), index=docs.doc_id, columns=scorer.get_feature_names_out())
>>> scores.loc["a", ["security_threat", "sanctions_isolation"]].round(1).tolist()
[12.5, 6.2]
>>> scorer.evidence(docs).query("doc_id == 'a'")[["frame", "cue", "negated"]].values.tolist()
[['sanctions_isolation', 'Sanctions', False], ['security_threat', 'missile', False], ['security_threat', 'threaten', False], ['security_threat', 'threat', True]]
>>> scorer.assign(docs, threshold=5.0).loc["b"].loc[lambda s: s].index.tolist()
['strategic_partnership']
"""
from __future__ import annotations

import bisect
import re
from collections import Counter, defaultdict
from os import PathLike

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from .actors import _CASE_SENSITIVE_RE, alias_pattern, compile_alternatives
from .codebooks import Codebook, available_codebooks, load_codebook
from .sentences import sentence_spans

FIELDS = ("title", "lead", "text")
UNITS = ("document", "sentence")
QUOTES = ("include", "exclude", "only")
#: ``assign``'s default threshold per unit: a frame's score a document must reach to have it. Per 100
#: words, 0.5 is one cue in a 200-word article, three in a 600-word one; for ``unit="sentence"``, 10 is
#: one sentence in ten. Choose your own with :func:`best_thresholds` on hand-coded documents.
DEFAULT_THRESHOLDS = {"document": 0.5, "sentence": 10.0}
#: How many words before a cue a negator reaches (``not pose a threat``: three).
NEGATION_WINDOW = 3
#: Korean negates after the word: the cue's own word and this many words after it (위협이 되지 않는다).
KOREAN_NEGATION_WORDS = 2
#: Negators per language, lower case; English also every word ending in n't (isn't, didn't).
NEGATORS = {
    "en": frozenset({"not", "no", "never", "without", "nor", "neither", "cannot"}),
    "id": frozenset({"tidak", "tak", "bukan", "tanpa", "belum", "jangan"}),
    "ru": frozenset({"не", "нет", "без", "ни", "никогда"}),
    "pl": frozenset({"nie", "bez", "ani", "nigdy"}),
}
#: Words after which a negator does not negate: "not only", "tidak hanya", "не только", "nie tylko";
#: "no less than", "не менее", "tidak kurang dari", "nie mniej"; Russian "не раз" ("more than once").
NOT_NEGATING = frozenset({"only", "just", "merely", "hanya", "saja", "только", "tylko", "less", "least", "менее",
                          "kurang", "mniej", "раз"})
#: A negator after these words is no negation: Russian "пока не" is "until" ("пока не погибли" = "until they die").
NOT_NEGATORS = frozenset({("пока", "не")})
#: Korean negators after the cue: 않(다), 없(다) (not in 끊임없이, 틀림없이...), 아니(다), 아닌, 못, and 안 alone.
_KOREAN_NEGATION_RE = re.compile(
    r"않|(?<!끊임)(?<!틀림)(?<!변함)(?<!어김)(?<!빠짐)(?<!관계)(?<!상관)(?<!여지)(?<!다름)(?<!아낌)(?<!거침)없"
    r"|아니|아닌|아냐|(?<!잘)못|(?<![가-힣])안(?![가-힣])")
#: How far (characters) :func:`_near_negator` reads for the few words around a cue.
_NEAR = 400
#: Where a clause ends inside a sentence: negation does not reach across.
_CLAUSE_BREAK_RE = re.compile(r"[,;:()\[\]—–]|\s-\s")
_QUOTE_RE = re.compile(
    r"“[^”\n]*(?:”|$)|«[^»\n]*(?:»|$)|„[^“”\n]*(?:[“”]|$)|「[^」\n]*(?:」|$)|『[^』\n]*(?:』|$)|\"[^\"\n]*(?:\"|$)"
    # single quotes only when closed, and never an apostrophe (Korea's, soldiers')
    r"|(?<!\w)‘(?:[^’\n]|’(?=\w))*’(?!\w)|(?<![\w'])'(?=\w)(?:[^'\n]|'(?=\w))*'(?!\w)", re.M)
_QUOTE_CHARS = frozenset("“«„「『\"‘'")
_WORD_RE = re.compile(r"\w+")
_HANGUL_RE = re.compile("[가-힣]")
_HANGUL_TAIL_RE = re.compile("[가-힣]*")
_PUNCTUATION = "\"'“”‘’«»„.,!?;:()[]"


def quote_spans(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of every quotation in ``text``, quote marks included; an unclosed quote runs to
    the end of its line, an apostrophe is no quote.

    Examples
    --------
    >>> text = 'He said "no deal". Korea\\'s «угроза» and ‘the threat’ and “open'
    >>> [text[a:b] for a, b in quote_spans(text)]
    ['"no deal"', '«угроза»', '‘the threat’', '“open']
    """
    if not isinstance(text, str) or _QUOTE_CHARS.isdisjoint(text):
        return []
    return [m.span() for m in _QUOTE_RE.finditer(text)]


def _negated(text: str, start: int, end: int, sentence: tuple[int, int], language: str | None) -> bool:
    """Whether a negator governs the cue at ``start:end`` (see the module's rules)."""
    if language == "ko":
        after = _CLAUSE_BREAK_RE.split(text[end:sentence[1]], maxsplit=1)[0]
        words = after.split()
        reach = KOREAN_NEGATION_WORDS + (1 if after[:1] and not after[:1].isspace() else 0)
        return bool(_KOREAN_NEGATION_RE.search(" ".join(words[:reach])))
    negators = NEGATORS.get(language)
    if negators is None:
        return False
    clause = _CLAUSE_BREAK_RE.split(text[sentence[0]:start])[-1]
    words = [w.strip(_PUNCTUATION).lower() for w in clause.split()][-NEGATION_WINDOW - 1:]
    following = [*words[1:], text[start:end].split()[0].lower()]
    previous = ["", *words[:-1]]
    return any((w in negators or (language == "en" and w.endswith(("n't", "n’t"))))
               and nxt not in NOT_NEGATING and (before, w) not in NOT_NEGATORS
               for before, w, nxt in list(zip(previous, words, following))[-NEGATION_WINDOW:])


def _near_negator(text: str, start: int, end: int, language: str | None) -> bool:
    """A quick test that errs only towards True: could a negator be in :func:`_negated`'s window? The
    window's words are pieces of the last few words before the cue (in Korean, after it), so only
    then is the text split into sentences for the exact rule."""
    if language == "ko":
        after = text[end:end + _NEAR].split(None, KOREAN_NEGATION_WORDS + 1)[:KOREAN_NEGATION_WORDS + 1]
        return bool(_KOREAN_NEGATION_RE.search(" ".join(after)))
    negators = NEGATORS.get(language)
    if negators is None:
        return False
    before = " ".join(text[max(0, start - _NEAR):start].split()[-NEGATION_WINDOW:]).lower()
    return "n't" in before or "n’t" in before or not negators.isdisjoint(_WORD_RE.findall(before))


def _sentence_of(starts: list[int], position: int) -> int:
    return max(bisect.bisect_right(starts, position) - 1, 0)


class FrameScorer(TransformerMixin, BaseEstimator):
    """Score documents for the frames of a codebook by counting its cues.

    ``transform`` gives a documents x frames float matrix: counted cue matches **per 100 words**
    of the document (``unit="document"``) or the percentage of its sentences with a counted cue
    (``unit="sentence"``): both are normalised for length. ``fit`` learns nothing from the
    documents; it loads the codebook and compiles one regular expression per language (all cues
    of all frames in one alternation).

    Parameters
    ----------
    codebook : str, path or Codebook, default="russia_dprk"
        A packaged codebook's name (:func:`~analysis.codebooks.available_codebooks`), the path
        of a YAML codebook, or a loaded :class:`~analysis.codebooks.Codebook`.
    unit : {"document", "sentence"}, default="document"
        What the score counts: cue matches per 100 words, or the percentage of sentences with a cue.
    negation : bool, default=True
        Do not count negated cues ("not a threat").
    quotes : {"include", "exclude", "only"}, default="include"
        Count cues anywhere, only outside quotation marks, or only inside them.

    Attributes
    ----------
    codebook_ : Codebook
    frames_ : tuple of str
        The frame ids, the columns of :meth:`transform`.
    patterns_ : dict
        Language code (None: every language) -> compiled patterns and what each group stands for.

    Examples
    --------
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import Binarizer
    >>> from analysis.demo import load_demo
    >>> demo = load_demo(200)   # SIMULATED
    >>> pipe = make_pipeline(FrameScorer(), Binarizer(threshold=0.5)).fit(demo)
    >>> pipe.transform(demo).shape
    (200, 10)
    """

    def __init__(self, codebook="russia_dprk", unit="document", negation=True, quotes="include"):
        self.codebook = codebook
        self.unit = unit
        self.negation = negation
        self.quotes = quotes

    def _check(self) -> None:
        if not isinstance(self.codebook, (str, PathLike, Codebook)):
            raise ValueError(f"codebook must be a packaged codebook's name ({', '.join(available_codebooks())}), "
                             f"the path of a YAML codebook or a Codebook, not {self.codebook!r}")
        if self.unit not in UNITS:
            raise ValueError(f"unit must be 'document' or 'sentence', not {self.unit!r}")
        if not isinstance(self.negation, (bool, np.bool_)):
            raise ValueError(f"negation must be True or False, not {self.negation!r}")
        if self.quotes not in QUOTES:
            raise ValueError(f"quotes must be one of {', '.join(QUOTES)}, not {self.quotes!r}")

    def fit(self, X=None, y=None):
        """Load the codebook and compile its cues; ``X`` and ``y`` are ignored."""
        self._check()
        self.codebook_ = load_codebook(self.codebook)
        self.frames_ = self.codebook_.frame_ids
        languages = self.codebook_.languages
        self.patterns_ = {lang: compile_cues(self.codebook_, lang) for lang in (*languages, None)}
        return self

    def get_feature_names_out(self, input_features=None):
        """The frame ids, in the codebook's order."""
        check_is_fitted(self, "frames_")
        return np.asarray(self.frames_, dtype=object)

    # -- matching --------------------------------------------------------------
    def _find(self, text: str, language: str | None) -> list[tuple[int, int, str]]:
        """``(start, end, group)`` of the cues in ``text``, a Korean one with the rest of its word (위협이,
        not 위협: the evidence shows the word); overlapping: the longer, earlier one wins."""
        compiled, _ = self.patterns_[language if language in self.patterns_ else None]
        spans = [(m.start(), _HANGUL_TAIL_RE.match(text, m.end()).end() if _HANGUL_RE.match(text, m.end() - 1) else m.end(),
                  m.lastgroup) for pattern in compiled for m in pattern.finditer(text)]
        if len(compiled) > 1:
            spans.sort(key=lambda s: (s[0], s[0] - s[1]))
        kept, last_end = [], -1
        for span in spans:
            if span[0] >= last_end:
                kept.append(span)
                last_end = span[1]
        return kept

    def _field(self, text, language: str | None, with_sentences: bool):
        """Matches of one field as ``(frame, sentence, start, end, cue, negated, quoted)``, its number
        of sentences and of words. Without ``with_sentences`` (document scores) the text is split into
        sentences only where a negator is near a cue, and the sentence index and count are 0."""
        if not isinstance(text, str) or not text:
            return [], 0, 0
        spans = self._find(text, language)
        sentences = sentence_spans(text) if with_sentences else None
        if not spans:
            return [], len(sentences or ()), len(_WORD_RE.findall(text))
        _, owners = self.patterns_[language if language in self.patterns_ else None]
        quotes = quote_spans(text)
        quote_starts = [s for s, _ in quotes]
        starts = [s for s, _ in sentences] if sentences is not None else None
        rows = []
        for start, end, group in spans:
            frames, cue_language = owners[group]
            q = _sentence_of(quote_starts, start)
            quoted = bool(quotes) and quotes[q][0] <= start < quotes[q][1]
            rule = language if language in NEGATORS or language == "ko" else cue_language
            negated = False
            if _near_negator(text, start, end, rule):
                if sentences is None:
                    sentences = sentence_spans(text)
                    starts = [s for s, _ in sentences]
                negated = _negated(text, start, end, sentences[_sentence_of(starts, start)], rule)
            k = _sentence_of(starts, start) if with_sentences else 0
            rows += [(frame, k, start, end, text[start:end], negated, quoted) for frame in frames]
        return rows, len(sentences) if with_sentences else 0, len(_WORD_RE.findall(text))

    def _counted(self, negated: bool, quoted: bool) -> bool:
        if self.negation and negated:
            return False
        return self.quotes == "include" or quoted == (self.quotes == "only")

    def _documents(self, X):
        """(doc_id, language, {field: text}) for a corpus table, a Series or a list of strings."""
        if isinstance(X, pd.DataFrame):
            ids = X["doc_id"].tolist() if "doc_id" in X else list(range(len(X)))
            langs = X["language"].tolist() if "language" in X else [None] * len(X)
            columns = {f: X[f].tolist() for f in FIELDS if f in X}
            for i, (doc_id, lang) in enumerate(zip(ids, langs)):
                yield doc_id, lang if isinstance(lang, str) else None, {f: v[i] for f, v in columns.items()}
        else:
            for i, text in enumerate(X):
                yield i, None, {"text": text}

    def _document(self, fields: dict, language, with_sentences: bool):
        """Every match of a document with its field and running sentence index, and its sentence and
        word counts."""
        rows, n_sentences, n_words = [], 0, 0
        for field, text in fields.items():
            found, sentences, words = self._field(text, language, with_sentences)
            rows += [(frame, field, n_sentences + k, start, end, cue, negated, quoted)
                     for frame, k, start, end, cue, negated, quoted in found]
            n_sentences += sentences
            n_words += words
        return rows, n_sentences, n_words

    # -- outputs ---------------------------------------------------------------
    def transform(self, X):
        """Documents x frames scores: counted cues per 100 words (``unit="document"``) or the percentage
        of sentences with a counted cue (``unit="sentence"``)."""
        check_is_fitted(self, "patterns_")
        index = {frame: j for j, frame in enumerate(self.frames_)}
        by_sentence = self.unit == "sentence"
        scores = []
        for _, language, fields in self._documents(X):
            row = np.zeros(len(self.frames_))
            rows, n_sentences, n_words = self._document(fields, language, by_sentence)
            counted = [(r[0], r[2]) for r in rows if self._counted(r[6], r[7])]
            if by_sentence and n_sentences:
                for frame, _ in set(counted):
                    row[index[frame]] += 100.0 / n_sentences
            elif not by_sentence and n_words:
                for frame, _ in counted:
                    row[index[frame]] += 100.0 / n_words
            scores.append(row)
        return np.vstack(scores) if scores else np.zeros((0, len(self.frames_)))

    def evidence(self, X) -> pd.DataFrame:
        """One row per cue matched, counted or not: why a document scores what it scores.

        Columns ``doc_id``, ``frame``, ``field`` (title, lead, text), ``sentence`` (its index in the
        document, counting through title, lead and text), ``start``, ``end`` (the span in the
        field), ``cue`` (the text matched; for a Korean cue the whole word with its particle, 위협이),
        ``negated``, ``quoted`` and ``counted`` (whether the match counts under this scorer's
        ``negation`` and ``quotes``).
        """
        check_is_fitted(self, "patterns_")
        rows = [(doc_id, *row, self._counted(row[6], row[7]))
                for doc_id, language, fields in self._documents(X)
                for row in self._document(fields, language, True)[0]]
        columns = ["doc_id", "frame", "field", "sentence", "start", "end", "cue", "negated", "quoted", "counted"]
        return pd.DataFrame(rows, columns=columns).astype(
            {"frame": "str", "field": "str", "sentence": "int64", "start": "int64", "end": "int64", "cue": "str",
             "negated": "bool", "quoted": "bool", "counted": "bool"})

    def score_sentences(self, X) -> pd.DataFrame:
        """Per-sentence scores: the number of counted cues of each frame in each sentence.

        Columns ``doc_id``, ``field``, ``sentence`` (as in :meth:`evidence`), ``frame``, ``score``
        and ``text`` (the sentence). Sentences without a counted cue of a frame have no row for it.

        Examples
        --------
        >>> docs = pd.DataFrame({"doc_id": ["a"], "language": ["en"], "title": ["Talks"],
        ...                      "text": ["Trade grew. Officials fear a missile threat."]})
        >>> FrameScorer().fit().score_sentences(docs)[["sentence", "frame", "score"]].values.tolist()
        [[1, 'economic_exchange', 1.0], [2, 'security_threat', 3.0]]
        """
        check_is_fitted(self, "patterns_")
        out = []
        for doc_id, language, fields in self._documents(X):
            counts = Counter((field, k, frame) for frame, field, k, _, _, _, negated, quoted
                             in self._document(fields, language, True)[0] if self._counted(negated, quoted))
            if not counts:
                continue
            texts = _sentence_texts(fields)
            out += [(doc_id, field, k, frame, float(n), texts[k]) for (field, k, frame), n in sorted(counts.items(),
                    key=lambda item: (item[0][1], self.frames_.index(item[0][2])))]
        return pd.DataFrame(out, columns=["doc_id", "field", "sentence", "frame", "score", "text"]).astype(
            {"field": "str", "sentence": "int64", "frame": "str", "score": "float64", "text": "str"})

    def assign(self, X, threshold=None) -> pd.DataFrame:
        """Which frames each document has: its score reaches ``threshold``.

        Parameters
        ----------
        threshold : float or dict of str to float, optional
            One threshold for every frame or one per frame id (missing frames: the default).
            The default, :data:`DEFAULT_THRESHOLDS`, is 0.5 cues per 100 words (10% of the sentences
            with ``unit="sentence"``): a starting point, not a finding. Choose thresholds on
            documents coded by hand with :func:`best_thresholds`, cross-validated, and report them.

        Returns
        -------
        pandas.DataFrame
            Booleans, one row per document (indexed by ``doc_id``), one column per frame.
        """
        check_is_fitted(self, "patterns_")
        default = DEFAULT_THRESHOLDS[self.unit]
        chosen = threshold if isinstance(threshold, dict) else {f: default if threshold is None else threshold
                                                                for f in self.frames_}
        unknown = sorted(set(chosen) - set(self.frames_))
        if unknown:
            raise ValueError(f"threshold names unknown frames {', '.join(unknown)}; the frames are {', '.join(self.frames_)}")
        limits = np.array([chosen.get(f, default) for f in self.frames_], dtype=float)
        if np.isnan(limits).any() or (limits < 0).any():
            raise ValueError(f"threshold must be a number >= 0 or a dict of them, not {threshold!r}")
        X = X if isinstance(X, pd.DataFrame) else list(X)  # read twice: ids, then scores
        ids = [doc_id for doc_id, _, _ in self._documents(X)]
        return pd.DataFrame(self.transform(X) >= limits, index=pd.Index(ids, name="doc_id"), columns=list(self.frames_))


def _sentence_texts(fields: dict) -> list[str]:
    """The sentences of a document's fields in order (the running index of :meth:`FrameScorer.evidence`)."""
    return [text[a:b] for text in fields.values() if isinstance(text, str) for a, b in sentence_spans(text)]


def compile_cues(codebook: Codebook, language: str | None, factored: bool = True):
    """The patterns for documents in ``language`` (its cues and the English ones; None: all cues).

    Returns ``(patterns, owners)``: one alternation per case mode (cues of 2-5 capitals, NPT or ООН,
    match case-sensitively), and for each named group the frames its cue belongs to and the cue's
    language. Alternatives are sorted longest cue first and factored on their first letters as
    the actor tagger's are (:func:`analysis.actors.compile_alternatives`); ``factored=False`` gives the plain
    alternation, which matches the same (tested), only slower.
    """
    languages = codebook.languages if language is None else tuple(dict.fromkeys(("en", language)))
    groups: dict[tuple[str, bool], str] = {}
    owners: dict[str, tuple[tuple[str, ...], str]] = {}
    frames_of: dict[str, list[str]] = defaultdict(list)
    items = {True: [], False: []}
    for frame in codebook.frames:
        for lang in languages:
            for cue in frame.cues.get(lang, ()):
                case_sensitive = bool(_CASE_SENSITIVE_RE.match(cue.strip("!*")))
                key = (alias_pattern(cue, lang), case_sensitive)
                if key not in groups:
                    groups[key] = f"c{len(groups)}"
                    items[case_sensitive].append((len(cue), groups[key], key[0]))
                    owners[groups[key]] = ((), lang)
                if frame.id not in frames_of[groups[key]]:
                    frames_of[groups[key]].append(frame.id)
    owners = {group: (tuple(frames_of[group]), lang) for group, (_, lang) in owners.items()}
    return compile_alternatives(items, factored), owners  # longest cue first: "nuclear weapons" before "weapons"


def best_thresholds(scores: pd.DataFrame, labels: pd.DataFrame) -> dict[str, float]:
    """For each frame column of ``labels`` (booleans), the threshold on ``scores`` (same index and
    frame columns, e.g. from :meth:`FrameScorer.transform`) with the best F1 on these documents.

    Fit it on training documents only and measure on others (cross-validation), or the F1 you
    report is flattered. Ties go to the lowest threshold.

    Examples
    --------
    >>> scores = pd.DataFrame({"conflict": [0.0, 0.4, 1.2, 2.0]})
    >>> best_thresholds(scores, pd.DataFrame({"conflict": [False, False, True, True]}))
    {'conflict': 1.2}
    """
    out = {}
    for frame in labels.columns:
        truth = labels[frame].astype(bool).to_numpy()
        values = scores[frame].to_numpy(dtype=float)
        order = np.argsort(values, kind="stable")[::-1]  # highest score first
        ranked, hits = values[order], np.cumsum(truth[order])
        # "score >= t" for t = each distinct score predicts every document down to the last one of that score
        ends = np.flatnonzero(np.r_[ranked[1:] != ranked[:-1], True])
        f1 = 2 * hits[ends] / np.maximum(ends + 1 + truth.sum(), 1)
        best = len(ends) - 1 - int(np.argmax(f1[::-1]))  # the lowest threshold among equals
        out[frame] = float(ranked[ends[best]])
    return out
