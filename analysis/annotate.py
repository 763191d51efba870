"""Per-document annotations keyed by ``doc_id``: language, actors, relevance, duplicates, wire origin.

:func:`annotate` runs the finding-the-coverage steps on a corpus table and returns one row per
document; ``python -m analysis annotate PATH`` prints them (``--json``: one object per line).
PATH may be any input the kit ingests (a single ``.txt`` or ``.html`` article too, so a teacher
can paste one article and see what the kit sees) or a corpus store.

Examples
--------
>>> from analysis.demo import load_demo
>>> notes = annotate(load_demo(120, random_state=2))   # SIMULATED demo corpus
>>> sorted(notes.columns)[:4]
['actors', 'actors_where', 'doc_id', 'dup_group']
"""
from __future__ import annotations

import json

import pandas as pd

from .actors import ActorTagger
from .duplicates import duplicate_groups
from .lineage import wire_origins
from .relevance import RelevanceScorer

FIELD_ORDER = ["title", "lead", "text"]


def annotate(corpus: pd.DataFrame, *, actor_a: str = "RUS", actor_b: str = "PRK",
             threshold: float = 0.5) -> pd.DataFrame:
    """Annotations for every document of ``corpus``.

    Returns
    -------
    pandas.DataFrame
        ``doc_id``, ``language``, ``actors`` (dict id -> count), ``actors_where`` (dict id ->
        fields among title, lead, text), ``relevance_score``,
        ``relevant``, ``relevance_evidence`` (list), ``dup_group``, ``is_canonical``,
        ``wire_origin``, ``wire_confidence``, ``wire_signal``, ``wire_evidence``, ``wire_mentions``.
    """
    tagger = ActorTagger().fit()
    mentions = tagger.mentions(corpus)
    counts = mentions.groupby(["doc_id", "actor"]).size()
    where = mentions.groupby(["doc_id", "actor"])["field"].agg(lambda f: sorted(set(f), key=FIELD_ORDER.index))
    actors, actors_where = [], []
    for doc_id in corpus["doc_id"]:
        if doc_id in counts.index.get_level_values(0):
            actors.append({k: int(v) for k, v in counts.loc[doc_id].items()})
            actors_where.append({k: list(v) for k, v in where.loc[doc_id].items()})
        else:
            actors.append({})
            actors_where.append({})
    relevance = RelevanceScorer(actor_a, actor_b, threshold).fit().explain(corpus)
    groups = duplicate_groups(corpus)
    origins = wire_origins(corpus, groups)
    out = pd.DataFrame({"doc_id": corpus["doc_id"].to_numpy(), "language": corpus.get("language", pd.Series([None] * len(corpus))).to_numpy(),
                        "actors": actors, "actors_where": actors_where})
    out["relevance_score"] = relevance["score"].to_numpy()
    out["relevant"] = relevance["relevant"].to_numpy()
    out["relevance_evidence"] = relevance["evidence"].to_numpy()
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
            "actors": row.actors,
            "actors_where": row.actors_where,
            "relevance": {"score": round(float(row.relevance_score), 3), "relevant": bool(row.relevant),
                          "evidence": list(row.relevance_evidence)},
            "dup_group": row.dup_group,
            "is_canonical": bool(row.is_canonical),
            "wire_origin": origin,
            "wire_mentions": row.wire_mentions if isinstance(row.wire_mentions, str) else None,
        })
    return records


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
        f"  relevance  {relevance['score']:.2f} ({'relevant' if relevance['relevant'] else 'not relevant'}): "
        + "; ".join(relevance["evidence"]),
        f"  duplicates group {record['dup_group']}{' (canonical)' if record['is_canonical'] else ''}",
        f"  wire       {origin_text}",
    ]
    if record.get("wire_mentions"):
        lines.append(f"  mentions   {record['wire_mentions']}")
    return "\n".join(lines)


def dumps(record: dict) -> str:
    return json.dumps(record, ensure_ascii=False, default=str)
