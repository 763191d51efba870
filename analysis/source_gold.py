"""Hand-annotated cited sources: read a gold file, find its documents, check they are the ones annotated.

A gold file (JSON lines, one document per line) stores where each cited source sits in a document of
a corpus file, not the document itself: ``corpus`` (the file's name), ``id`` (the file's own row id,
which ingestion keeps as ``source_id``), ``language``, ``annotated`` (per field, the offset the
annotation stops at, or null for the whole field), ``sha1`` (per field, the SHA-1 of the string
annotated) and ``sources`` (items with ``field, start, end, span, canonical, registered, type,
country, kind, cue, hedged``). The guideline the kit's own sample follows is
``tests/data/sources_gold_guideline.md``; annotate your corpus the same way to measure the extractor
on it (:func:`analysis.attribution.score_attributions`).

Examples
--------
>>> import json, tempfile, pathlib
>>> line = {"corpus": "x.csv", "id": "a1", "language": "en", "annotated": {"text": None}, "sha1": {},
...         "sources": [{"field": "text", "start": 0, "end": 5, "span": "Lavro", "canonical": "LAVROV",
...                      "registered": True, "type": "diplomatic", "country": "RUS", "kind": "indirect",
...                      "cue": "said", "hedged": False}]}
>>> path = pathlib.Path(tempfile.mkdtemp()) / "gold.jsonl"
>>> _ = path.write_text(json.dumps(line) + "\\n", encoding="utf-8")
>>> docs, items = read_source_gold([path])
>>> docs.loc[0, "key"], items.loc[0, "canonical"]
('x.csv:a1', 'LAVROV')
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pandas as pd

#: Fields of a gold item, in the order of the items table.
ITEM_FIELDS = ["field", "start", "end", "span", "canonical", "registered", "type", "country", "kind", "cue", "hedged"]
FIELDS = ("title", "lead", "text")


class GoldError(ValueError):
    """A gold file that cannot be read, or whose documents are not the ones it was annotated on."""


def read_source_gold(paths) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The documents and the items of one or more gold files.

    Returns
    -------
    docs : pandas.DataFrame
        ``key`` (``corpus:id``), ``corpus``, ``id``, ``language``, ``annotated`` (dict), ``sha1`` (dict),
        ``gold_file``.
    items : pandas.DataFrame
        ``key`` and :data:`ITEM_FIELDS`, one row per annotated source.
    """
    docs, items = [], []
    for path in map(Path, paths):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                key = f"{record['corpus']}:{record['id']}"
                docs.append({"key": key, "corpus": record["corpus"], "id": str(record["id"]),
                             "language": record.get("language"), "annotated": record.get("annotated") or {},
                             "sha1": record.get("sha1") or {}, "gold_file": path.name})
                items.extend({"key": key, **{f: item[f] for f in ITEM_FIELDS}} for item in record["sources"])
            except (json.JSONDecodeError, KeyError, TypeError) as error:
                raise GoldError(f"{path}, line {number}: not a gold record ({type(error).__name__}: {error})") from None
    docs = pd.DataFrame(docs, columns=["key", "corpus", "id", "language", "annotated", "sha1", "gold_file"])
    if docs["key"].duplicated().any():
        raise GoldError(f"documents annotated twice: {sorted(docs.loc[docs['key'].duplicated(), 'key'])[:5]}")
    return docs, pd.DataFrame(items, columns=["key", *ITEM_FIELDS])


def gold_corpus(docs: pd.DataFrame, data_dir) -> pd.DataFrame:
    """The ingested rows the gold documents were annotated on, with a ``key`` column, in ``docs`` order.

    Each corpus file is ingested as a user would (:func:`analysis.ingestion.ingest`). A document missing
    from its file, or a field whose SHA-1 differs from the annotated one (the file or the ingest
    changed), raises :class:`GoldError` naming the file, the id and the field.
    """
    from .ingestion import ingest

    parts = []
    for name, wanted in docs.groupby("corpus", sort=False):
        path = Path(data_dir) / name
        if not path.exists():
            raise GoldError(f"{path}: the corpus file of {len(wanted)} gold documents is missing")
        corpus, _ = ingest(path)
        rows = corpus[corpus["source_id"].astype("string").isin(wanted["id"])].drop_duplicates("source_id")
        found = rows.set_index(rows["source_id"].astype(str))
        missing = sorted(set(wanted["id"]) - set(found.index))
        if missing:
            raise GoldError(f"{name}: gold ids not found after ingest: {missing[:5]}")
        for doc in wanted.itertuples(index=False):
            for field, digest in doc.sha1.items():
                value = found.at[doc.id, field] if field in found else None
                actual = hashlib.sha1(("" if pd.isna(value) else str(value)).encode("utf-8")).hexdigest()
                if actual != digest:
                    raise GoldError(f"{name}, id {doc.id}, field {field!r}: the ingested text is not the one "
                                    "annotated (SHA-1 differs); re-check the offsets of this document")
        parts.append(found.loc[wanted["id"].tolist()].assign(key=wanted["key"].tolist()))
    return pd.concat(parts, ignore_index=True).set_index("key").loc[docs["key"]].reset_index()


def annotated_fields(docs: pd.DataFrame) -> pd.DataFrame:
    """Where the annotators looked: ``doc_id`` (the gold key), ``field``, ``upto`` (None: the whole field), ``language``.

    Examples
    --------
    >>> docs = pd.DataFrame({"key": ["f:1"], "language": ["ru"], "annotated": [{"title": None, "text": 1800}]})
    >>> annotated_fields(docs)["upto"].tolist()
    [<NA>, 1800]
    """
    fields = pd.DataFrame([{"doc_id": d.key, "field": f, "upto": upto, "language": d.language}
                           for d in docs.itertuples(index=False) for f, upto in d.annotated.items()],
                          columns=["doc_id", "field", "upto", "language"])
    return fields.astype({"upto": "Int64"})


def scoring_items(docs: pd.DataFrame, items: pd.DataFrame, registered) -> pd.DataFrame:
    """The gold items as :func:`analysis.attribution.score_attributions` reads them: ``doc_id`` (the gold
    key), ``language``, and ``canonical`` emptied where the id is not among ``registered`` (the right
    answer for a speaker the registry lacks is no id).

    Examples
    --------
    >>> docs = pd.DataFrame({"key": ["f:1"], "language": ["en"]})
    >>> items = pd.DataFrame({"key": ["f:1", "f:1"], "canonical": ["PESKOV", "SAM_HOLCROFT"]})
    >>> scoring_items(docs, items, {"PESKOV"})["canonical"].tolist()
    ['PESKOV', None]
    """
    gold = items.rename(columns={"key": "doc_id"}).merge(
        docs[["key", "language"]].rename(columns={"key": "doc_id"}), on="doc_id", how="left")
    gold["canonical"] = gold["canonical"].astype(object).where(gold["canonical"].isin(set(registered)), None)
    return gold
