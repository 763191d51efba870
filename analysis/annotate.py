"""Per-document annotations keyed by ``doc_id``: language, actors, relevance, duplicates, wire origin,
frames, cited sources.

:func:`annotate` runs the finding-the-coverage steps on a corpus table and returns one row per
document; ``python -m analysis annotate PATH`` prints them (``--json``: one object per line).
PATH may be any input the kit ingests (a single ``.txt`` or ``.html`` article too, so a teacher
can paste one article and see what the kit sees) or a corpus store.

Examples
--------
>>> from analysis.demo import load_demo
>>> notes = annotate(load_demo(120, random_state=2))   # SIMULATED demo corpus
>>> sorted(notes.columns)[:4]
['actor_links', 'actors', 'actors_where', 'doc_id']
"""
from __future__ import annotations

import json

import numpy as np
import pandas as pd

from .actors import ActorTagger
from .duplicates import duplicate_groups
from .lineage import wire_origins
from .relevance import RelevanceScorer

FIELD_ORDER = ["title", "lead", "text"]
#: Columns of the input echoed in the annotations, so they join back to the input rows.
JOIN_COLUMNS = ["url", "source_file", "source_row"]


def actor_annotations(corpus: pd.DataFrame, tagger: ActorTagger | None = None) -> pd.DataFrame:
    """``actors`` (id -> count), ``actors_where`` (id -> fields) and ``actor_links`` (the evidence
    of implied mentions) per document, all from one table: :meth:`ActorTagger.mentions` with
    implied mentions, the mentions relevance scoring counts (Putin counts for RUS, the Korean
    People's Army for PRK).

    Examples
    --------
    >>> docs = pd.DataFrame({"doc_id": ["a", "b"], "title": ["Putin meets KPA officers", "Nothing here"],
    ...                      "text": ["Russia and the Korean People's Army.", None]})
    >>> notes = actor_annotations(docs)
    >>> notes.loc[0, "actors"]
    {'KPA': 2, 'PRK': 2, 'PUTIN': 1, 'RUS': 2}
    >>> notes.loc[0, "actor_links"]
    ['Putin → RUS (leader)', 'KPA → PRK (armed forces)', "Korean People's Army → PRK (armed forces)"]
    >>> notes.loc[1, "actors"], notes.loc[1, "actors_where"]
    ({}, {})
    """
    tagger = tagger if tagger is not None else ActorTagger(include_implied=True).fit()
    mentions = tagger.mentions(corpus)
    by_doc = {doc_id: part for doc_id, part in mentions.groupby("doc_id", sort=False)}
    rows = []
    for doc_id in corpus["doc_id"]:
        part = by_doc.get(doc_id)
        if part is None:
            rows.append(({}, {}, []))
            continue
        counts = part.groupby("actor").size()
        where = part.groupby("actor")["field"].agg(lambda f: sorted(set(f), key=FIELD_ORDER.index))
        links = list(dict.fromkeys(part.loc[part["link"] != "", "link"]))
        rows.append(({k: int(v) for k, v in counts.items()}, {k: list(v) for k, v in where.items()}, links))
    return pd.DataFrame(rows, columns=["actors", "actors_where", "actor_links"])


def frame_annotations(corpus: pd.DataFrame, codebook="russia_dprk") -> list[list[dict]]:
    """Each document's frames by dictionary (:class:`analysis.frames.FrameScorer`), with their cues.

    One list per document of ``{"codebook", "frame", "score", "assigned", "cues"}`` for every
    frame with at least one counted cue, highest score first: ``score`` is cues per 100 words,
    ``assigned`` whether it reaches the scorer's default threshold, ``cues`` the words matched
    (each once, in order of appearance).

    Examples
    --------
    >>> docs = pd.DataFrame({"doc_id": ["a"], "language": ["en"], "title": ["Sanctions on Pyongyang"],
    ...                      "text": ["New sanctions target the missile trade."]})
    >>> [(f["frame"], f["cues"]) for f in frame_annotations(docs)[0]][:1]
    [('sanctions_isolation', ['Sanctions', 'sanctions'])]
    """
    from .frames import FrameScorer

    scorer = FrameScorer(codebook).fit()
    scores = scorer.transform(corpus)
    assigned = scorer.assign(corpus).to_numpy()
    evidence = scorer.evidence(corpus)
    cues = evidence[evidence["counted"]].groupby(["doc_id", "frame"], sort=False)["cue"].agg(
        lambda c: list(dict.fromkeys(c)))
    name = scorer.codebook_.id
    out = []
    for i, doc_id in enumerate(corpus["doc_id"]):
        order = np.argsort(-scores[i], kind="stable")
        out.append([{"codebook": name, "frame": scorer.frames_[j], "score": round(float(scores[i, j]), 3),
                     "assigned": bool(assigned[i, j]), "cues": cues.get((doc_id, scorer.frames_[j]), [])}
                    for j in order if scores[i, j] > 0])
    return out


#: Keys of each cited source in the ``sources`` annotation (``--json``), in this order.
SOURCE_KEYS = ["span", "canonical", "label", "parent", "chain", "type", "country", "registered", "kind", "cue",
               "quote", "hedged", "hedge", "field", "start", "end"]


def source_annotations(corpus: pd.DataFrame, extractor=None) -> list[list[dict]]:
    """Each document's cited sources (:class:`analysis.attribution.SourceExtractor`), in reading order.

    One list per document of dicts with :data:`SOURCE_KEYS`: ``span`` (the source as the text names it),
    ``canonical`` (the speakers registry's id, None for anonymous or unregistered speakers), ``parent``
    (the institution or state above it on the document's date), ``chain`` (ids joined by " > "),
    ``type``, ``country``, ``kind``, ``cue``, ``quote`` (the quoted or reported words), ``hedged``,
    and ``field``/``start``/``end``: offsets of the span in that field of the document.

    Examples
    --------
    >>> docs = pd.DataFrame({"doc_id": ["a"], "language": ["en"], "title": [None],
    ...                      "text": ['"We will not stop," Kremlin spokesman Dmitry Peskov said.']})
    >>> first = source_annotations(docs)[0][0]
    >>> first["canonical"], first["parent"], first["kind"], first["quote"]
    ('PESKOV', 'KREMLIN', 'direct', 'We will not stop,')
    """
    from .attribution import SourceExtractor

    extractor = extractor if extractor is not None else SourceExtractor().fit()
    table = extractor.attributions(corpus)
    quotes = [None if pd.isna(a) else text[int(a):int(b)] for a, b, text in zip(
        table["quote_start"], table["quote_end"], _field_texts(corpus, table))]
    table = table.assign(quote=quotes)
    by_doc = {doc_id: part for doc_id, part in table.groupby("doc_id", sort=False)}
    empty = pd.DataFrame(columns=SOURCE_KEYS)
    return [[{k: _plain_value(v) for k, v in row.items()} for row in by_doc.get(doc_id, empty)[SOURCE_KEYS].to_dict("records")]
            for doc_id in corpus["doc_id"]]


def hedging_annotations(corpus: pd.DataFrame) -> list[dict]:
    """Each document's hedging and verification markers (:func:`analysis.hedging.hedge_summary`):
    ``hedged`` (any marker in title, lead or text), ``hedges`` (the phrases as written) and ``kinds``.

    Examples
    --------
    >>> docs = pd.DataFrame({"doc_id": ["a", "b"], "language": ["en", "id"], "title": [None, None],
    ...                      "text": ["Troops were reportedly moved.", "Pasukan itu dikirim ke Kursk."]})
    >>> [note["hedged"] for note in hedging_annotations(docs)], hedging_annotations(docs)[0]["hedges"]
    ([True, False], ['reportedly'])
    """
    from .hedging import hedge_summary

    summary = hedge_summary(corpus).set_index("doc_id")
    return [{"hedged": bool(summary.at[d, "hedged"]), "hedges": list(summary.at[d, "hedges"]),
             "kinds": list(summary.at[d, "kinds"])} for d in corpus["doc_id"]]


def _field_texts(corpus: pd.DataFrame, table: pd.DataFrame) -> list[str]:
    """The field string each attribution's offsets point into."""
    texts = corpus.set_index("doc_id")
    return [str(texts.at[d, f]) for d, f in zip(table["doc_id"], table["field"])]


def _plain_value(value):
    """JSON-ready: None for missing, Python bool/int for numpy ones."""
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if value is None or (not isinstance(value, (str, list, dict)) and pd.isna(value)):
        return None
    return int(value) if isinstance(value, (int, np.integer)) else value


def annotate(corpus: pd.DataFrame, *, actor_a: str = "RUS", actor_b: str = "PRK",
             threshold: float = 0.5, codebook="russia_dprk", sources: bool = True) -> pd.DataFrame:
    """Annotations for every document of ``corpus``.

    Returns
    -------
    pandas.DataFrame
        ``doc_id``, ``url``, ``source_file``, ``source_row`` (as in the input, to join back; None
        where the corpus has no such column), ``language``, ``actors`` (dict id -> count, implied
        mentions included: Putin counts for RUS), ``actors_where`` (dict id -> fields among
        title, lead, text), ``actor_links`` (the evidence of implied mentions, "Korean People's
        Army → PRK (armed forces)"), ``relevance_score``, ``relevant``, ``relevance_evidence``
        (list), ``dup_group``, ``is_canonical``, ``wire_origin``, ``wire_confidence``,
        ``wire_signal``, ``wire_evidence``, ``wire_mentions``, ``frames`` (:func:`frame_annotations`
        with ``codebook``; None: no frames), ``sources`` (:func:`source_annotations`) and ``hedging``
        (:func:`hedging_annotations`) unless ``sources=False``. Counts and fields come from
        :meth:`ActorTagger.mentions`, the mentions relevance scoring counts.
    """
    actors = actor_annotations(corpus)
    relevance = RelevanceScorer(actor_a, actor_b, threshold).fit().explain(corpus)
    groups = duplicate_groups(corpus)
    origins = wire_origins(corpus, groups)
    missing = pd.Series([None] * len(corpus), dtype=object)
    out = pd.DataFrame({"doc_id": corpus["doc_id"].to_numpy(),
                        **{c: corpus.get(c, missing).to_numpy() for c in JOIN_COLUMNS},
                        "language": corpus.get("language", missing).to_numpy()})
    out = pd.concat([out, actors], axis=1)
    out["relevance_score"] = relevance["score"].to_numpy()
    out["relevant"] = relevance["relevant"].to_numpy()
    out["relevance_evidence"] = relevance["evidence"].to_numpy()
    if codebook is not None:
        out["frames"] = frame_annotations(corpus, codebook)
    if sources:
        out["sources"] = source_annotations(corpus)
        out["hedging"] = hedging_annotations(corpus)
    out = out.merge(groups[["doc_id", "dup_group", "is_canonical"]], on="doc_id", how="left")
    return out.merge(origins, on="doc_id", how="left")


def annotation_records(notes: pd.DataFrame, corpus: pd.DataFrame) -> list[dict]:
    """One JSON-ready dict per document (the ``--json`` output of ``annotate``)."""
    meta = corpus.set_index("doc_id")
    records = []
    for row in notes.itertuples(index=False):
        info = meta.loc[row.doc_id]
        origin = None
        if isinstance(row.wire_origin, str):
            origin = {"id": row.wire_origin, "confidence": float(row.wire_confidence),
                      "signal": row.wire_signal, "evidence": row.wire_evidence}
        records.append({
            "doc_id": row.doc_id,
            "language": row.language if isinstance(row.language, str) else None,
            "outlet": info.get("outlet") if isinstance(info.get("outlet"), str) else None,
            "published": info["published"].isoformat() if "published" in info and pd.notna(info["published"]) else None,
            "title": info.get("title") if isinstance(info.get("title"), str) else None,
            **{c: _plain(getattr(row, c)) for c in JOIN_COLUMNS},
            "actors": row.actors,
            "actors_where": row.actors_where,
            "actor_links": list(row.actor_links),
            "relevance": {"score": round(float(row.relevance_score), 3), "relevant": bool(row.relevant),
                          "evidence": list(row.relevance_evidence)},
            "dup_group": row.dup_group,
            "is_canonical": bool(row.is_canonical),
            "wire_origin": origin,
            "wire_mentions": row.wire_mentions if isinstance(row.wire_mentions, str) else None,
            "frames": list(getattr(row, "frames", None) or []),
            "sources": list(getattr(row, "sources", None) or []),
            "hedging": getattr(row, "hedging", None),
        })
    return records


def _plain(value):
    """A JSON-ready scalar: None for missing, int for whole numbers (``source_row``)."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    return int(value) if isinstance(value, (int, np.integer)) else str(value)


def format_record(record: dict) -> str:
    """A readable block for one document."""
    origin = record["wire_origin"]
    origin_text = "none found" if origin is None else \
        f"{origin['id']} ({origin['confidence']:.2f}, {origin['signal']}: {origin['evidence']})"
    actors = ", ".join(f"{k} {v} ({'/'.join(record['actors_where'].get(k, []))})"
                       for k, v in sorted(record["actors"].items(), key=lambda kv: -kv[1])) or "none"
    relevance = record["relevance"]
    lines = [
        f"{record['doc_id']}  [{record['language'] or '?'}]  {record['outlet'] or ''}  {record['published'] or 'undated'}",
        f"  title      {record['title'] or ''}",
        f"  actors     {actors}",
        *([f"  links      {'; '.join(record['actor_links'])}"] if record.get("actor_links") else []),
        f"  relevance  {relevance['score']:.2f} ({'relevant' if relevance['relevant'] else 'not relevant'}): "
        + "; ".join(relevance["evidence"]),
        f"  duplicates group {record['dup_group']}{' (canonical)' if record['is_canonical'] else ''}",
        f"  wire       {origin_text}",
    ]
    source = ", ".join(f"{c} {record[c]}" for c in JOIN_COLUMNS if record.get(c) is not None)
    if source:
        lines.insert(1, f"  source     {source}")
    if record.get("wire_mentions"):
        lines.append(f"  mentions   {record['wire_mentions']}")
    for i, frame in enumerate(record.get("frames") or []):
        mark = "" if frame["assigned"] else " (below threshold)"
        lines.append(f"  {'frames' if i == 0 else '':<10} {frame['frame']} {frame['score']:.2f}/100 words{mark}: "
                     + ", ".join(frame["cues"][:6]) + (" ..." if len(frame["cues"]) > 6 else ""))
    lines.extend(_format_sources(record.get("sources") or []))
    if (record.get("hedging") or {}).get("hedged"):
        lines.append(f"  {'hedging':<10} " + ", ".join(record["hedging"]["hedges"]))
    return "\n".join(lines)


def _format_sources(sources: list[dict]) -> list[str]:
    """One line per cited source: who (id, parent), how (kind, cue), hedged, and the start of the words."""
    lines = []
    for i, s in enumerate(sources):
        who = s["span"] + (f" = {s['canonical']}" if s["canonical"] else " (not in the registry)" if s["kind"] != "anonymous" else "")
        where = f" < {s['parent']}" if s.get("parent") else ""
        quote = (s.get("quote") or "").replace("\n", " ")
        ellipsis = "…" if len(quote) > 70 else ""
        words = f': "{quote[:70]}{ellipsis}"' if quote else ""
        hedge = f" HEDGED ({s['hedge']})" if s["hedged"] else ""
        lines.append(f"  {'sources' if i == 0 else '':<10} {who}{where} [{s['type']}, {s['kind']}, {s['cue'] or 'no cue'}]"
                     f"{hedge} {s['field']} {s['start']}-{s['end']}{words}")
    return lines


def dumps(record: dict) -> str:
    return json.dumps(record, ensure_ascii=False, default=str)
