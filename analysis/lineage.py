"""Wire lineage: which wire or state agency each article comes from, with confidence and evidence.

Signals, strongest first:

1. **dateline**: the agency's own dateline opening the lead or text
   (``PYONGYANG, June 19 (KCNA) --``, ``(서울=연합뉴스)``, ``Москва, 19 июня. /ТАСС/.``);
2. **credit**: an explicit credit anywhere in the lead, text or first lines
   (``(Reuters) -``, ``ANTARA/Reuters``, ``menurut laporan Reuters``, ``по данным ТАСС``,
   ``연합뉴스에 따르면``); the patterns are data in ``registry/wire_credits.yaml``;
3. **own wire**: the outlet is itself the agency (a Reuters article on reuters.com) and no
   other agency is credited;

An agency merely quoted as a source ("KCNA said", "the state news agency KCNA") is a
*mention*: listed in ``wire_mentions``, never taken as the origin on its own.
4. **copy**: the article sits in a near-duplicate group (:mod:`analysis.duplicates`) whose
   canonical document has an origin: it inherits it;
5. **shared anchors**: a rewrite that names no wire but repeats a wire report's rare figures
   (numbers normalised across languages: 12,000 / 12.000 / 12 000 / 1만2천), published up to
   two days after it, is linked to that report (:func:`link_by_shared_anchors`).

Each document gets ``wire_origin`` (the wire id or missing), ``wire_confidence`` (0-1),
``wire_signal``, ``wire_evidence`` (the matched text) and ``wire_mentions``. :func:`independent_origins_per_day`
counts, beside raw articles, the number of independent reports (near-duplicate groups)
and of distinct wire origins per day.

Examples
--------
>>> import pandas as pd
>>> docs = pd.DataFrame({"doc_id": ["a"], "title": ["Duma ratifikasi pakta"], "lead": [None],
...     "text": ["Parlemen Rusia meratifikasi perjanjian, menurut laporan Reuters."],
...     "outlet_domain": ["detik.com"], "language": ["id"]})
>>> wire_origins(docs)[["wire_origin", "wire_signal"]].iloc[0].tolist()
['reuters', 'credit']
"""
from __future__ import annotations

import re
from functools import lru_cache

import numpy as np
import pandas as pd

from . import config

WIRES_FILE = config.REGISTRY_DIR / "wire_credits.yaml"
#: Confidence given by each signal.
SIGNAL_CONFIDENCE = {"dateline": 0.95, "credit": 0.85, "own_wire": 0.9, "copy": 0.75}
#: The outlet domain of each wire (an article from there is the wire's own report).
WIRE_DOMAINS = {"reuters": "reuters.com", "ap": "apnews.com", "afp": "afp.com", "yonhap": "yna.co.kr",
                "tass": "tass.ru", "ria": "ria.ru", "kcna": "kcna.kp", "antara": "antaranews.com"}


@lru_cache(maxsize=2)
def load_wire_patterns(path: str | None = None) -> dict:
    """Compiled dateline and credit patterns per wire."""
    data = config.read_yaml(path or WIRES_FILE)
    compiled = {}
    for wire, entry in data.items():
        compiled[wire] = {
            "label": entry.get("label", wire),
            "source_id": entry.get("source_id", wire.upper()),  # the wire's id in the source registry
            "dateline": [re.compile(p, re.M) for p in entry.get("dateline", [])],
            "credit": [re.compile(p, re.I) for p in entry.get("credit", [])],
            "mention": [re.compile(p, re.I) for p in entry.get("mention", []) or []],
        }
    return compiled


def find_credits(text: str, *, patterns: dict | None = None) -> list[tuple[str, str, str, int]]:
    """All wire signals in one text: ``(wire, kind, evidence, position)``, datelines first.

    Examples
    --------
    >>> find_credits("Pyongyang, June 19 (KCNA) -- The treaty was signed.")[0][:2]
    ('kcna', 'dateline')
    >>> [c[0] for c in find_credits("Москва, 24 октября. /ТАСС/. Госдума ратифицировала договор.")]
    ['tass', 'tass']
    """
    if not isinstance(text, str) or not text:
        return []
    patterns = patterns or load_wire_patterns()
    found = []
    head = text[:300]
    for wire, entry in patterns.items():
        for pattern in entry["dateline"]:
            m = pattern.search(head)
            if m and m.start() < 5:
                found.append((wire, "dateline", m.group(0).strip(), m.start()))
        for kind in ("credit", "mention"):
            for pattern in entry[kind]:
                for m in pattern.finditer(text):
                    found.append((wire, kind, m.group(0).strip(), m.start()))
    found.sort(key=lambda f: ({"dateline": 0, "credit": 1, "mention": 2}[f[1]], f[3]))
    return found


def wire_origins(corpus: pd.DataFrame, groups: pd.DataFrame | None = None, *,
                 shared_anchors: bool = True) -> pd.DataFrame:
    """Likely wire origin of every document, with confidence and evidence.

    Parameters
    ----------
    corpus : pandas.DataFrame
        Corpus table (``doc_id``, ``title``, ``lead``, ``text``, ``outlet_domain``).
    groups : pandas.DataFrame, optional
        Output of :func:`analysis.duplicates.duplicate_groups`; when given, copies inherit
        the origin of their group's canonical document.
    shared_anchors : bool, default=True
        Then link documents still without an origin by the rare figures they share with a
        wire report (:func:`link_by_shared_anchors`).

    Returns
    -------
    pandas.DataFrame
        ``doc_id``, ``wire_origin``, ``wire_confidence``, ``wire_signal``, ``wire_evidence``.
    """
    patterns = load_wire_patterns()
    rows = []
    lead = corpus["lead"] if "lead" in corpus else pd.Series([None] * len(corpus), index=corpus.index)
    text = corpus["text"] if "text" in corpus else pd.Series([None] * len(corpus), index=corpus.index)
    domains = corpus["outlet_domain"] if "outlet_domain" in corpus else pd.Series([None] * len(corpus), index=corpus.index)
    own = {d: w for w, d in WIRE_DOMAINS.items()}
    for doc_id, title, lead_text, body, domain in zip(corpus["doc_id"], corpus.get("title", lead), lead, text, domains):
        body_text = "\n".join(x for x in (lead_text, body) if isinstance(x, str))
        found = find_credits(body_text, patterns=patterns)
        mentions = "; ".join(dict.fromkeys(f"{c[0]}: {c[2]}" for c in found if c[1] == "mention")) or None
        credits = [c for c in found if c[1] != "mention"]
        own_wire = own.get(domain) if isinstance(domain, str) else None
        foreign = [c for c in credits if c[0] != own_wire]
        if credits and credits[0][1] == "dateline" and (own_wire is None or credits[0][0] == own_wire or not foreign):
            wire, kind, evidence, _ = credits[0]
        elif foreign:
            wire, kind, evidence, _ = foreign[0]
        elif own_wire is not None:
            wire, kind, evidence = own_wire, "own_wire", f"published by {domain}"
        elif credits:
            wire, kind, evidence, _ = credits[0]
        else:
            rows.append((doc_id, None, 0.0, None, None, mentions))
            continue
        others = {c[0] for c in credits} - {wire}
        confidence = SIGNAL_CONFIDENCE[kind] * (0.8 if others else 1.0)  # several wires credited: less sure
        rows.append((doc_id, wire, round(confidence, 3), kind, evidence, mentions))
    out = pd.DataFrame(rows, columns=["doc_id", "wire_origin", "wire_confidence", "wire_signal", "wire_evidence",
                                      "wire_mentions"])
    out = out.astype({"doc_id": "str", "wire_origin": "str", "wire_signal": "str", "wire_evidence": "str",
                      "wire_confidence": "float64", "wire_mentions": "str"})
    if groups is not None:
        out = _inherit_from_groups(out, groups)
    if shared_anchors and len(out):
        out = link_by_shared_anchors(corpus, out)
    return out


def _inherit_from_groups(origins: pd.DataFrame, groups: pd.DataFrame) -> pd.DataFrame:
    merged = origins.merge(groups[["doc_id", "dup_group"]], on="doc_id", how="left")
    by_doc = merged.set_index("doc_id")
    canonical_origin = by_doc["wire_origin"]
    for i, row in merged.iterrows():
        if isinstance(row["wire_origin"], str) or not isinstance(row["dup_group"], str):
            continue
        source = canonical_origin.get(row["dup_group"])
        if isinstance(source, str):
            merged.loc[i, ["wire_origin", "wire_signal"]] = [source, "copy"]
            merged.loc[i, "wire_confidence"] = SIGNAL_CONFIDENCE["copy"]
            merged.loc[i, "wire_evidence"] = f"near-duplicate of {row['dup_group']}"
    return merged.drop(columns=["dup_group"])


def independent_origins_per_day(corpus: pd.DataFrame, groups: pd.DataFrame, origins: pd.DataFrame) -> pd.DataFrame:
    """Per day (UTC): raw articles, independent reports (duplicate groups) and distinct wire origins.

    An independent report is a near-duplicate group, with one exception: articles taken from a wire
    (a credit, a dateline, a copy or shared figures, in another outlet) count once per wire and
    day, as rewrites of its report. A wire's own articles (its dateline on its own site: Yonhap's
    ``(서울=연합뉴스)`` on yna.co.kr) are reports in their own right, each group once: a wire
    files dozens of distinct stories a day.

    Days come from the period grid (:func:`analysis.timeseries.counts_by_period`): every day
    between the first and the last dated article, days without articles as zeros, so a line
    never joins across empty weeks. Articles without a date are left out and counted in the
    ``undated`` attribute of the result.

    Returns
    -------
    DataFrame: day, articles, duplicate_groups, independent_reports, partial (the grid's edge
    flag; a whole day is never partial); ``attrs``: undated, freq ("D").

    Examples
    --------
    >>> docs = pd.DataFrame({"doc_id": ["a", "b", "c"],
    ...                      "published": pd.to_datetime(["2024-06-19 08:00", "2024-06-19 09:00", "2024-06-22 10:00"], utc=True)})
    >>> groups = pd.DataFrame({"doc_id": ["a", "b", "c"], "dup_group": ["a", "a", "c"]})
    >>> origins = pd.DataFrame({"doc_id": ["a", "b", "c"], "wire_origin": [None, None, "kcna"]})
    >>> independent_origins_per_day(docs, groups, origins)[["articles", "independent_reports"]].values.tolist()
    [[2, 1], [0, 0], [0, 0], [1, 1]]
    >>> wire = docs.assign(outlet_domain="yna.co.kr", published=pd.Timestamp("2024-06-19", tz="UTC"))
    >>> stories = pd.DataFrame({"doc_id": ["a", "b", "c"], "dup_group": ["a", "b", "c"]})
    >>> from_wire = pd.DataFrame({"doc_id": ["a", "b", "c"], "wire_origin": "yonhap"})
    >>> independent_origins_per_day(wire, stories, from_wire)["independent_reports"].tolist()  # three stories
    [3]
    >>> independent_origins_per_day(wire.assign(outlet_domain="chosun.com"), stories, from_wire)["independent_reports"].tolist()
    [1]
    """
    from .timeseries import counts_by_period

    columns = ["doc_id", "published"] + (["outlet_domain"] if "outlet_domain" in corpus else [])
    frame = corpus[columns].merge(groups[["doc_id", "dup_group"]], on="doc_id") \
        .merge(origins[["doc_id", "wire_origin"]], on="doc_id")
    dated = frame["published"].notna()
    if not dated.any():  # no coverage with a date: no days to show
        empty = pd.DataFrame({"day": pd.Series(dtype="datetime64[ns]"), "articles": 0, "duplicate_groups": 0,
                              "independent_reports": 0, "partial": False}).iloc[:0]
        empty.attrs.update(undated=len(frame), freq="D")
        return empty
    grid = counts_by_period(frame, np.ones(len(frame), dtype=bool), freq="D")
    frame = frame[dated].copy()
    frame["day"] = frame["published"].dt.tz_convert("UTC").dt.floor("D").dt.tz_localize(None)
    frame["report"] = _report_keys(frame)
    per_day = frame.groupby("day").agg(duplicate_groups=("dup_group", "nunique"),
                                       independent_reports=("report", "nunique"))
    days = pd.Index(grid["period_start"], name="day")
    result = per_day.reindex(days, fill_value=0).reset_index()
    result.insert(1, "articles", grid["n"].to_numpy())
    result["partial"] = grid["partial"].to_numpy()
    result.attrs.update(undated=grid.attrs["undated"], freq="D")
    return result


def _report_keys(frame: pd.DataFrame) -> pd.Series:
    """The independent report each dated article counts for that day (missing: a rewrite already counted).

    One key per duplicate group and day, so there are never more reports than groups: a group with
    a wire's own article is its own report; a group taken from a wire (a credit, a copy, shared
    figures in another outlet) is that wire's report of the day, and counts nothing more when the
    wire's own reports of the day are in the corpus (it rewrites one of them); any other group is
    a report.
    """
    own_domain = frame["wire_origin"].map(WIRE_DOMAINS)
    own = own_domain.eq(frame["outlet_domain"]).fillna(False).astype(bool) if "outlet_domain" in frame \
        else pd.Series(False, index=frame.index)
    taken = frame["wire_origin"].notna() & ~own
    cells = frame.assign(own=own, taken_from=frame["wire_origin"].where(taken))
    per_group = cells.groupby(["day", "dup_group"], sort=False).agg(own=("own", "any"), wire=("taken_from", "first"))
    per_group = per_group.reset_index()
    own_wires = set(zip(cells.loc[own, "day"], cells.loc[own, "wire_origin"]))
    keys = []
    for day, group, has_own, wire in per_group[["day", "dup_group", "own", "wire"]].itertuples(index=False):
        if has_own or not isinstance(wire, str):
            keys.append(f"group:{group}")
        else:
            keys.append(None if (day, wire) in own_wires else f"wire:{wire}")
    per_group["report"] = pd.Series(keys, index=per_group.index, dtype="str")
    merged = cells[["day", "dup_group"]].merge(per_group[["day", "dup_group", "report"]], on=["day", "dup_group"],
                                               how="left")
    return pd.Series(merged["report"].to_numpy(), index=frame.index)


_NUMBER_RE = re.compile(r"(?<![\w.,])\d{1,3}(?:[ .,\u00a0]\d{3})+(?!\d)|(?<![\w.,])\d{2,}(?!\d)")
_KO_NUMBER_RE = re.compile(r"(\d+)만(?:\s*(\d+)천)?|(\d+)천(?:\s*(\d+))?")


def numeric_anchors(text: str) -> set[str]:
    """Numbers however a language writes them (1,500 / 1.500 / 1 500 / 1천500), as digits; years dropped.

    Examples
    --------
    >>> sorted(numeric_anchors("sekitar 8.000 tentara, 1,500 containers, 1만2천 명, in 2024"))
    ['12000', '1500', '8000']
    """
    if not isinstance(text, str):
        return set()
    found = set()
    for m in _KO_NUMBER_RE.finditer(text):
        if m.group(1):
            found.add(str(int(m.group(1)) * 10000 + int(m.group(2) or 0) * 1000))
        else:
            found.add(str(int(m.group(3)) * 1000 + int(m.group(4) or 0)))
    for m in _NUMBER_RE.finditer(_KO_NUMBER_RE.sub(" ", text)):
        digits = re.sub(r"\D", "", m.group(0))
        if digits and not (len(digits) == 4 and 1900 <= int(digits) <= 2100):
            found.add(str(int(digits)))
    return found


def link_by_shared_anchors(corpus: pd.DataFrame, origins: pd.DataFrame, *, window_days: float = 2.0,
                           max_document_frequency: int = 5, min_margin: float = 0.5) -> pd.DataFrame:
    """Link documents without an origin to a wire report that shares their rare figures.

    Rewrites often drop the credit but keep the figures ("about 12,000 troops", "1.500
    kontainer", "1만2천 명"). Numbers are normalised across languages; a number counts as an
    anchor when at most ``max_document_frequency`` documents contain it. A document without an
    origin is compared with the wire reports (signal ``own_wire`` or ``dateline``) published up
    to ``window_days`` before it that share an anchor; the score is the IDF of the shared
    numbers plus half the Jaccard overlap of their actors. The best candidate wins when it leads
    the next by ``min_margin``; the origin gets signal ``shared_anchors`` and confidence 0.6.
    """
    from .actors import ActorTagger

    if "published" not in corpus:
        return origins  # no dates, no window: nothing can be linked
    tagger = ActorTagger().fit()
    frame = corpus.reset_index(drop=True)
    texts = ["\n".join(x for x in parts if isinstance(x, str))
             for parts in zip(frame.get("title", pd.Series([None] * len(frame))),
                              frame.get("lead", pd.Series([None] * len(frame))),
                              frame.get("text", pd.Series([None] * len(frame))))]
    numbers = [numeric_anchors(t) for t in texts]
    frequency: dict[str, int] = {}
    for found in numbers:
        for n in found:
            frequency[n] = frequency.get(n, 0) + 1
    n_docs = max(len(frame), 1)
    merged = frame[["doc_id", "published"]].merge(origins, on="doc_id", how="left")
    published = pd.to_datetime(merged["published"], utc=True)
    is_wire = merged["wire_signal"].isin(["own_wire", "dateline"]).to_numpy()
    index: dict[str, list[int]] = {}
    for j in np.flatnonzero(is_wire):
        for n in numbers[j]:
            if frequency[n] <= max_document_frequency:
                index.setdefault(n, []).append(int(j))
    languages = frame["language"].tolist() if "language" in frame else [None] * len(frame)
    actor_cache: dict[int, set] = {}

    def actors_of(k: int) -> set:
        if k not in actor_cache:
            lang = languages[k] if isinstance(languages[k], str) else None
            actor_cache[k] = {a for _, _, a, _ in tagger.find(texts[k], lang)}
        return actor_cache[k]

    out = origins.set_index("doc_id").copy()
    for i in range(len(merged)):
        if isinstance(merged.at[i, "wire_origin"], str) or pd.isna(published[i]):
            continue
        rare = [n for n in numbers[i] if frequency[n] <= max_document_frequency and n in index]
        candidates: dict[int, set] = {}
        for n in rare:
            for j in index[n]:
                lag = (published[i] - published[j]).total_seconds() / 86400 if pd.notna(published[j]) else -1
                if j != i and 0 <= lag <= window_days:
                    candidates.setdefault(j, set()).add(n)
        if not candidates:
            continue
        scored = []
        for j, shared in candidates.items():
            a_i, a_j = actors_of(i), actors_of(j)
            overlap = len(a_i & a_j) / len(a_i | a_j) if a_i | a_j else 0.0
            idf = sum(np.log(n_docs / frequency[n]) for n in shared)
            scored.append((idf + 0.5 * overlap, j, shared))
        scored.sort(key=lambda s: -s[0])
        if len(scored) > 1 and scored[0][0] - scored[1][0] < min_margin:
            continue
        _, j, shared = scored[0]
        doc_id = merged.at[i, "doc_id"]
        out.loc[doc_id, ["wire_origin", "wire_signal"]] = [merged.at[j, "wire_origin"], "shared_anchors"]
        out.loc[doc_id, "wire_confidence"] = 0.6
        out.loc[doc_id, "wire_evidence"] = f"shares {', '.join(sorted(shared))} with {merged.at[j, 'doc_id']}"
    return out.reset_index()
