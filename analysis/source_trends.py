"""Who speaks, over time and by outlet: cited sources counted on the period grid.

An attribution table (:meth:`analysis.attribution.SourceExtractor.attributions`: one row per
attribution, columns ``doc_id, field, sentence, ..., canonical, label, parent, chain, type,
country, ...``) says who each document cites. This module turns it into what a "who speaks"
study reports, under the rules of every table over time in the kit
(:func:`analysis.timeseries.counts_by_period`: every period from the first to the last dated
document, zeros kept, partial edges flagged, small denominators marked):

* :func:`source_counts`: per period (and outlet group, country, language), the documents citing
  each source, source type or source country, as a share of ALL the period's documents (those
  citing nobody are in the denominator), and the attributions to it as a share of all
  attributions;
* :func:`outlet_source_table`: outlet x source type, counts and row shares, with total rows;
* :func:`source_chains`: per attribution the chain outlet -> wire -> institution -> speaker;
* :func:`co_citation`: sources cited in one document, with Jaccard and lift so the big ones do
  not win every pair by size alone;
* :func:`wire_vs_own`: per document (or outlet) the share of sentences attributed to a wire,
  to other sources, and left in the outlet's own voice.

The two counts answer two questions: ``doc_share`` "in how many of this month's articles does the
Pentagon speak?" (a document citing it five times counts once), ``attribution_share`` "of all the
voices quoted this month, how many are the Pentagon's?".

Examples
--------
>>> corpus = pd.DataFrame({"doc_id": ["a", "b", "c"],
...                        "published": pd.to_datetime(["2024-06-03", "2024-06-04", "2024-06-05"], utc=True)})
>>> cited = pd.DataFrame({"doc_id": ["a", "a", "b"], "canonical": ["PESKOV", "PESKOV", "KCNA"],
...                       "label": ["Dmitry Peskov", "Peskov", "KCNA"], "type": ["government", "government", "media"]})
>>> table = source_counts(cited, corpus, by="type", freq="W", min_total=1)
>>> table[["source", "docs", "total", "doc_share", "attributions", "attribution_share"]].values.tolist()
[['government', 1, 3, 0.3333333333333333, 2, 0.6666666666666666], ['media', 1, 3, 0.3333333333333333, 1, 0.3333333333333333]]
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .attribution import ATTRIBUTION_COLUMNS  # noqa: F401  (the attribution table's columns, re-exported)
from .timeseries import MIN_TOTAL, choose_freq, counts_by_period, outlet_attributes, wilson_interval

#: What a source can be counted as: its registry id, its source type, or its country.
SOURCE_BY = ("type", "canonical", "country")
#: Values standing for sources without a registry id or country (never a registry id: those are UPPER_SNAKE).
ANONYMOUS, UNREGISTERED, UNKNOWN_COUNTRY, OTHER = "(anonymous)", "(unregistered)", "(unknown)", "(other)"
#: The label of the total rows and columns of :func:`outlet_source_table`.
TOTAL = "total"


def _require(table: pd.DataFrame, columns, name: str, hint: str = "") -> None:
    """Raise a ValueError naming the table and every missing column."""
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise ValueError(f"{name} lacks column(s) {', '.join(map(repr, missing))}{hint}; it has "
                         f"{', '.join(map(str, table.columns))}")


def _known_documents(attributions: pd.DataFrame, corpus: pd.DataFrame) -> None:
    """Every attribution must belong to a document of the corpus (a table from another corpus is a mistake)."""
    if corpus["doc_id"].duplicated().any():
        raise ValueError(f"corpus doc_id {corpus.loc[corpus['doc_id'].duplicated(), 'doc_id'].iloc[0]!r} appears "
                         "twice: documents are counted once each")
    unknown = ~attributions["doc_id"].isin(corpus["doc_id"])
    if unknown.any():
        row = int(np.flatnonzero(unknown.to_numpy())[0])
        raise ValueError(f"attributions row {row}: doc_id {attributions['doc_id'].iloc[row]!r} is not in the corpus "
                         f"({int(unknown.sum())} such rows): the attributions come from another corpus")


def source_values(attributions: pd.DataFrame, by: str = "type") -> pd.Series:
    """What each attribution counts for: its source type, registry id, or country.

    Attributions without a registry id count as ``(anonymous)`` (type anonymous) or
    ``(unregistered)``; without a country as ``(unknown)``: they are kept, never dropped.

    Examples
    --------
    >>> cited = pd.DataFrame({"canonical": ["PESKOV", None, None], "type": ["government", "anonymous", "expert"],
    ...                       "country": ["RUS", "USA", None]})
    >>> source_values(cited, "canonical").tolist(), source_values(cited, "country").tolist()
    (['PESKOV', '(anonymous)', '(unregistered)'], ['RUS', 'USA', '(unknown)'])
    """
    if by not in SOURCE_BY:
        raise ValueError(f"by={by!r}: count sources by one of {', '.join(SOURCE_BY)}")
    _require(attributions, ["canonical", "type"] if by == "canonical" else [by], "attributions")
    if by == "type":
        return attributions["type"].astype("string").fillna("other")
    if by == "country":
        return attributions["country"].astype("string").fillna(UNKNOWN_COUNTRY)
    missing = np.where(attributions["type"].astype("string").eq("anonymous").fillna(False), ANONYMOUS, UNREGISTERED)
    return attributions["canonical"].astype("string").fillna(pd.Series(missing, index=attributions.index))


def source_labels(attributions: pd.DataFrame, values: pd.Series) -> dict:
    """A reader's name for each value: the most frequent ``label`` of a registry id, else the value itself."""
    names = {ANONYMOUS: "anonymous sources", UNREGISTERED: "unregistered sources", OTHER: "other sources"}
    if "label" in attributions and "canonical" in attributions:
        pairs = pd.DataFrame({"value": values.to_numpy(), "label": attributions["label"].astype("string").to_numpy()})
        same = values.astype("string").eq(attributions["canonical"].astype("string")).fillna(False)
        pairs = pairs[same.to_numpy(dtype=bool)].dropna()
        if len(pairs):
            common = pairs.groupby("value")["label"].agg(lambda s: s.value_counts().index[0])
            names.update(common.to_dict())
    return {v: names.get(v, v) for v in pd.unique(values)}


def _with_group(corpus: pd.DataFrame, group: str | None) -> pd.DataFrame:
    """``corpus`` with the column ``group`` (outlet type and country from the outlet registry when absent)."""
    if group is None or group in corpus:
        return corpus
    if group in ("outlet_type", "outlet_country") and "outlet" in corpus:
        return corpus.assign(**{group: outlet_attributes(corpus)[group].to_numpy()})
    raise ValueError(f"the corpus has no column {group!r} to group by (outlet_group, outlet_country, language...)")


def _period_start(published: pd.Series, freq: str) -> pd.Series:
    """Each document's period on the grid of :func:`analysis.timeseries.counts_by_period` (UTC, same alias)."""
    when = pd.to_datetime(published.to_numpy(), utc=True)
    return pd.Series(when, index=published.index).dt.tz_convert("UTC").dt.tz_localize(None) \
        .dt.to_period(freq).dt.start_time


def _top_values(rows: pd.DataFrame, top: int | None) -> pd.Series:
    """The ``top`` values cited in most documents (ties by name); the rest pooled as ``(other)``."""
    if top is None:
        return rows["source"]
    docs = rows.groupby("source")["doc_id"].nunique()
    keep = sorted(docs.index, key=lambda v: (-docs[v], v))[:top]
    return rows["source"].where(rows["source"].isin(keep), OTHER)


def source_counts(attributions: pd.DataFrame, corpus: pd.DataFrame, *, by: str = "type", freq: str = "auto",
                  group: str | None = None, top: int | None = None, events: pd.DataFrame | None = None,
                  min_total: int = MIN_TOTAL) -> pd.DataFrame:
    """Documents citing each source (type, country) per period, over ALL the period's documents.

    Parameters
    ----------
    attributions : the attribution table (``doc_id`` and the column ``by`` counts; ``label`` names ids).
    corpus : corpus table with ``doc_id``, ``published`` (and ``group``). Its documents are the
        denominator, those citing nobody included.
    by : {"type", "canonical", "country"}, default="type"
        What a source counts as (:func:`source_values`).
    freq : pandas period alias or "auto", default="auto"
        "auto": :func:`analysis.timeseries.choose_freq` on the corpus's dates.
    group : str, optional
        A corpus column (``outlet_group``, ``outlet_country``, ``language``; ``outlet_type`` and
        ``outlet_country`` come from the outlet registry when the corpus lacks them): counts and
        denominators per value of it. Documents without a value are left out.
    top : int, optional
        Keep the ``top`` sources cited in most documents; pool the rest as ``(other)``.
    events, min_total : as :func:`analysis.timeseries.counts_by_period`.

    Returns
    -------
    DataFrame: period_start, period_end, [group], source, label, docs (documents citing it),
    total (all documents of the period: the denominator), doc_share, low, high (Wilson interval of
    doc_share), attributions (to it), attributions_total (all attributions of the period),
    attribution_share, docs_citing (documents citing anyone), reliable, partial, events
    [, collected]. Every period x source, zeros kept. Shares are 0 where their denominator is.
    ``attrs``: freq, min_total, by (the group column, as the grid's), source_by, undated,
    attributions (counted), left_out (attributions of undated documents or without a group).
    """
    _require(corpus, ["doc_id", "published"], "corpus")
    _require(attributions, ["doc_id"], "attributions")
    values = source_values(attributions, by)
    _known_documents(attributions, corpus)
    corpus = _with_group(corpus, group)
    if freq == "auto":
        freq = choose_freq(corpus["published"], min_total)
    grid = counts_by_period(corpus, np.ones(len(corpus), dtype=bool), freq=freq, by=group, events=events,
                            min_total=min_total).drop(columns=["n", "share"])
    keys = ["period_start"] + ([group] if group else [])
    docs = corpus[["doc_id"] + ([group] if group else [])].assign(period_start=_period_start(corpus["published"], freq))
    rows = pd.DataFrame({"doc_id": attributions["doc_id"].to_numpy(), "source": values.to_numpy()}) \
        .merge(docs, on="doc_id", how="left").dropna(subset=keys)
    labels = source_labels(attributions, values)
    rows["source"] = _top_values(rows, top)
    order = rows.groupby("source")["doc_id"].nunique()
    sources = sorted(order.index, key=lambda v: (v == OTHER, -order[v], v))
    table = _count_cells(grid, rows, keys, sources)
    table.insert(table.columns.get_loc("source") + 1, "label", table["source"].map(labels).fillna(table["source"]))
    table.attrs.update(grid.attrs, source_by=by, attributions=len(rows), left_out=len(attributions) - len(rows))
    return table


def _share(n: pd.Series, total: pd.Series) -> np.ndarray:
    return np.where(total > 0, n / total.where(total > 0, 1), 0.0)


def _count_cells(grid: pd.DataFrame, rows: pd.DataFrame, keys: list, sources: list) -> pd.DataFrame:
    """Grid x sources with documents and attributions per cell, their totals, shares and intervals."""
    cells = rows.groupby(keys + ["source"]).agg(docs=("doc_id", "nunique"), attributions=("doc_id", "size"))
    per_period = rows.groupby(keys).agg(attributions_total=("doc_id", "size"), docs_citing=("doc_id", "nunique"))
    table = grid.merge(pd.DataFrame({"source": pd.Series(sources, dtype="str")}), how="cross")
    table = table.merge(cells.reset_index(), on=keys + ["source"], how="left") \
        .merge(per_period.reset_index(), on=keys, how="left")
    counts = ["docs", "attributions", "attributions_total", "docs_citing"]
    table[counts] = table[counts].fillna(0).astype("int64")
    table["doc_share"] = _share(table["docs"], table["total"])
    table["low"], table["high"] = wilson_interval(table["docs"], table["total"])
    table["attribution_share"] = _share(table["attributions"], table["attributions_total"])
    front = grid.columns[:grid.columns.get_loc("total")].tolist()
    rest = [c for c in grid.columns if c not in front and c != "total"]
    return table[front + ["source", "docs", "total", "doc_share", "low", "high", "attributions", "attributions_total",
                          "attribution_share", "docs_citing"] + rest]


def outlet_source_table(attributions: pd.DataFrame, corpus: pd.DataFrame, *, by: str = "outlet",
                        source: str = "type") -> pd.DataFrame:
    """Outlet (or outlet group) x source type: attributions, row shares, and the documents behind them.

    Parameters
    ----------
    attributions : the attribution table.
    corpus : corpus table with ``doc_id`` and ``by``; every outlet appears, those citing nobody too.
    by : str, default="outlet"
        A corpus column: ``outlet``, ``outlet_group``, ``outlet_type``, ``outlet_country``, ``language``.
    source : {"type", "canonical", "country"}, default="type"

    Returns
    -------
    DataFrame, long: [by], source, attributions, row_total (the outlet's attributions), share
    (attributions / row_total; NaN for an outlet citing nobody), documents (the outlet's documents,
    cited or not), docs_citing (its documents citing that source), doc_share (docs_citing /
    documents). Rows ``source == "total"`` hold each outlet's totals, rows ``[by] == "total"``
    each source's over all outlets; every outlet x source, zeros kept; outlets by attributions,
    sources by attributions. ``attrs``: by, source_by, left_out (attributions of documents
    without a value of ``by``).

    Examples
    --------
    >>> corpus = pd.DataFrame({"doc_id": ["a", "b", "c"], "outlet": ["TASS", "TASS", "Kompas"]})
    >>> cited = pd.DataFrame({"doc_id": ["a", "a", "b"], "type": ["government", "military", "government"]})
    >>> table = outlet_source_table(cited, corpus)
    >>> wide = table.pivot(index="outlet", columns="source", values="attributions")  # the outlet x type table
    >>> wide.columns.tolist(), wide.loc[["TASS", "Kompas", "total"]].values.tolist()
    (['government', 'military', 'total'], [[2, 1, 3], [0, 0, 0], [2, 1, 3]])
    >>> table.loc[table["outlet"] == "TASS", "share"].round(2).tolist()
    [0.67, 0.33, 1.0]
    """
    _require(corpus, ["doc_id", by], "corpus", hint=f" (by={by!r})")
    _require(attributions, ["doc_id"], "attributions")
    values = source_values(attributions, source)
    _known_documents(attributions, corpus)
    docs = corpus[["doc_id", by]].dropna(subset=[by]).astype({by: "str"})
    rows = pd.DataFrame({"doc_id": attributions["doc_id"].to_numpy(), "source": values.to_numpy()}) \
        .merge(docs, on="doc_id", how="inner")
    both = pd.concat([rows, rows.assign(source=TOTAL), rows.assign(**{by: TOTAL}),
                      rows.assign(**{by: TOTAL, "source": TOTAL})], ignore_index=True)
    counts = both.groupby([by, "source"]).agg(attributions=("doc_id", "size"), docs_citing=("doc_id", "nunique"))
    outlets = _ordered(both[both["source"] == TOTAL], by, docs[by])
    sources = _ordered(both[both[by] == TOTAL], "source", pd.Series(dtype="str"))
    grid = pd.MultiIndex.from_product([outlets + [TOTAL], sources + [TOTAL]], names=[by, "source"])
    table = counts.reindex(grid, fill_value=0).reset_index()
    table["row_total"] = table[by].map(table[table["source"] == TOTAL].set_index(by)["attributions"])
    documents = pd.concat([docs[by].value_counts(), pd.Series({TOTAL: len(docs)})])
    table["documents"] = table[by].map(documents).astype("int64")
    table["share"] = np.where(table["row_total"] > 0, table["attributions"] / table["row_total"].where(
        table["row_total"] > 0, 1), np.nan)
    table["doc_share"] = _share(table["docs_citing"], table["documents"])
    table = table[[by, "source", "attributions", "row_total", "share", "documents", "docs_citing", "doc_share"]]
    table.attrs.update(by=by, source_by=source, left_out=len(attributions) - len(rows))
    return table


def _ordered(rows: pd.DataFrame, column: str, every: pd.Series) -> list:
    """Values of ``column`` by attributions (most first, ties by name), then those of ``every`` never cited."""
    sizes = rows[column].value_counts()
    cited = sorted((v for v in sizes.index if v != TOTAL), key=lambda v: (-sizes[v], v))
    return cited + sorted(set(every) - set(cited) - {TOTAL})


def _wire_labels() -> dict:
    """Lineage's wire ids (``reuters``) -> their labels, and registry ids (``REUTERS``) -> lineage ids."""
    from .lineage import load_wire_patterns

    return {wire: entry["label"] for wire, entry in load_wire_patterns().items()}


def wire_source_ids() -> set[str]:
    """The source-registry ids of the wires and state agencies lineage knows (``registry/wire_credits.yaml``).

    Examples
    --------
    >>> {"REUTERS", "RIA_NOVOSTI", "KCNA", "YONHAP"} <= wire_source_ids()
    True
    """
    from .lineage import load_wire_patterns

    return {entry["source_id"] for entry in load_wire_patterns().values()}


def _chain_ids(chain, country) -> list[str]:
    """The ids of a ``chain`` ("SABRINA_SINGH > PENTAGON > USA") without the country at its top."""
    ids = [p.strip() for p in chain.split(">") if p.strip()] if isinstance(chain, str) else []
    return ids[:-1] if ids and isinstance(country, str) and ids[-1] == country and len(ids) > 1 else ids


def institution_ids(attributions: pd.DataFrame) -> pd.Series:
    """The body each attribution speaks for: the top of its chain below the state, as a registry id.

    A spokeswoman and a misspelt title that only the Pentagon's name resolves both speak for
    PENTAGON; a state speaks for itself; an attribution without an id gives None. Comparing bodies
    instead of people keeps a rewrite that quotes "the Pentagon's spokeswoman" from counting as one
    that dropped Sabrina Singh.

    Examples
    --------
    >>> cited = pd.DataFrame({"chain": ["SABRINA_SINGH > PENTAGON > USA", "PENTAGON > USA", "RUS", None],
    ...                       "country": ["USA", "USA", "RUS", None]})
    >>> institution_ids(cited).tolist()
    ['PENTAGON', 'PENTAGON', 'RUS', None]
    """
    _require(attributions, ["chain", "country"], "attributions")
    ids = [_chain_ids(chain, country) for chain, country in zip(attributions["chain"], attributions["country"])]
    return pd.Series([i[-1] if i else None for i in ids], index=attributions.index, dtype=object, name="institution")


def _speaker_and_institution(row, registry) -> tuple:
    """(speaker, institution) of one attribution, as readable names (or None).

    A registry id whose chain has a parent below the country is a person speaking for that parent
    (PESKOV > KREMLIN > RUS), one without is an institution (KCNA > PRK); ``registry`` (with ``kind``
    and ``label``, e.g. :class:`analysis.speakers.SourceRegistry`) settles it where given, so an office
    inside a ministry is not taken for a person. An attribution without an id is its own speaker ("a
    senior US official").
    """
    label = row.label if isinstance(row.label, str) and row.label else None
    if not isinstance(row.canonical, str):
        return label, None
    ids = _chain_ids(row.chain, row.country) or [row.canonical]
    name = (lambda i: registry.label(i)) if registry is not None else (lambda i: i)
    kind = registry.kind(row.canonical) if registry is not None else ("person" if len(ids) > 1 else "institution")
    if kind == "person":
        return label or name(row.canonical), name(ids[1]) if len(ids) > 1 else None
    return None, label or name(row.canonical)


def source_chains(attributions: pd.DataFrame, corpus: pd.DataFrame, *, registry=None) -> pd.DataFrame:
    """Per attribution the chain outlet -> wire -> institution -> speaker, as columns and as one line.

    Parameters
    ----------
    attributions : the attribution table (``doc_id, field, sentence, canonical, label, chain, type,
        country``; ``kind``, ``cue`` echoed when present).
    corpus : corpus table with ``doc_id`` and ``outlet``; ``wire_origin`` (from
        :func:`analysis.lineage.wire_origins`, e.g. ``corpus.merge(wire_origins(corpus)[["doc_id",
        "wire_origin"]])``) gives the wire each article was taken from; without it the wire is empty.
    registry : SourceRegistry, optional
        An object with ``kind(id)`` and ``label(id)``: who is a person and the institutions' names;
        default the packaged speakers registry (:class:`analysis.speakers.SourceRegistry`).

    Returns
    -------
    DataFrame, one row per attribution in the table's order: doc_id, field, sentence, outlet, wire
    (the wire's label), institution, speaker, country, type, [kind, cue,] path ("Kompas → Reuters →
    PENTAGON → Sabrina Singh"; missing links left out, a name repeated once: the wire's own article
    reads "Yonhap → ..."). ``attrs["has_wire_origin"]``.

    Examples
    --------
    >>> corpus = pd.DataFrame({"doc_id": ["a"], "outlet": ["Kompas"], "wire_origin": ["reuters"]})
    >>> cited = pd.DataFrame({"doc_id": ["a", "a"], "field": "text", "sentence": [0, 2],
    ...                       "canonical": ["SABRINA_SINGH", None], "label": ["Sabrina Singh", "a senior US official"],
    ...                       "chain": ["SABRINA_SINGH > PENTAGON > USA", None], "type": ["military", "anonymous"],
    ...                       "country": ["USA", "USA"]})
    >>> source_chains(cited, corpus)["path"].tolist()
    ['Kompas → Reuters → US Department of Defense (Pentagon) → Sabrina Singh', 'Kompas → Reuters → a senior US official']
    """
    _require(attributions, ["doc_id", "field", "sentence", "canonical", "label", "chain", "type", "country"],
             "attributions")
    _require(corpus, ["doc_id", "outlet"], "corpus")
    _known_documents(attributions, corpus)
    if registry is None:
        from .speakers import SourceRegistry

        registry = SourceRegistry()
    has_wire = "wire_origin" in corpus
    columns = ["doc_id", "outlet"] + (["wire_origin"] if has_wire else [])
    rows = attributions.reset_index(drop=True).merge(corpus[columns], on="doc_id", how="left")
    wires = _wire_labels()
    rows["wire"] = (rows["wire_origin"].map(lambda w: wires.get(w, w) if isinstance(w, str) else None)
                    if has_wire else None)
    pairs = [_speaker_and_institution(row, registry) for row in rows.itertuples(index=False)]
    rows["speaker"] = pd.Series([p[0] for p in pairs], dtype="str")
    rows["institution"] = pd.Series([p[1] for p in pairs], dtype="str")
    links = rows[["outlet", "wire", "institution", "speaker"]].astype("object")
    rows["path"] = [" → ".join(dict.fromkeys(v for v in row if isinstance(v, str) and v)) for row in links.to_numpy()]
    echo = [c for c in ("kind", "cue") if c in rows]
    out = rows[["doc_id", "field", "sentence", "outlet", "wire", "institution", "speaker", "country", "type"] + echo
               + ["path"]]
    out.attrs["has_wire_origin"] = has_wire
    return out


def co_citation(attributions: pd.DataFrame, *, by: str = "canonical", min_docs: int = 2) -> pd.DataFrame:
    """Pairs of sources cited in one document: how many documents, and how much more than chance.

    Counted in documents (a document quoting Peskov five times and Lavrov once is one document
    with both). ``jaccard`` (both / either) and ``lift`` (both / expected if independent, over
    the documents citing anyone) keep sources cited everywhere from topping every pair by size.
    With ``by="canonical"`` sources without a registry id (anonymous, unregistered) are left out:
    two different "officials" are not one source.

    Parameters
    ----------
    attributions : the attribution table (``doc_id`` and the column ``by``; ``label`` names ids).
    by : {"canonical", "type", "country"}, default="canonical"
    min_docs : int, default=2
        Pairs cited together in fewer documents are left out.

    Returns
    -------
    DataFrame: source_a, source_b (a < b), label_a, label_b, docs_both, docs_a, docs_b, jaccard,
    lift; most documents first, then highest lift. ``attrs``: documents (those citing at least one
    source of the kind counted: the base of ``lift``), by, min_docs.

    Examples
    --------
    >>> cited = pd.DataFrame({"doc_id": ["a", "a", "b", "b", "c"], "canonical": ["PESKOV", "NATO", "PESKOV", "NATO", "NATO"],
    ...                       "type": "government"})
    >>> co_citation(cited)[["source_a", "source_b", "docs_both", "docs_a", "docs_b", "jaccard", "lift"]].values.tolist()
    [['NATO', 'PESKOV', 2, 3, 2, 0.6666666666666666, 1.0]]
    """
    from scipy import sparse

    if min_docs < 1:
        raise ValueError(f"min_docs={min_docs!r}: a pair must be cited together in at least 1 document")
    _require(attributions, ["doc_id"], "attributions")
    values = source_values(attributions, by)
    keep = ~values.isin([ANONYMOUS, UNREGISTERED]).to_numpy() if by == "canonical" else np.ones(len(values), bool)
    docs, doc_codes = np.unique(attributions["doc_id"].astype("str").to_numpy()[keep], return_inverse=True)
    names, codes = np.unique(values.to_numpy(dtype=object)[keep].astype(str), return_inverse=True)
    incidence = sparse.csr_matrix((np.ones(len(codes)), (doc_codes, codes)), shape=(len(docs), len(names)))
    incidence.data[:] = 1  # documents, not attributions: duplicates summed above, then set back to one
    together = sparse.triu(incidence.T @ incidence, k=1).tocoo()
    per_source = np.asarray(incidence.sum(axis=0)).ravel().astype(np.int64)
    chosen = together.data >= min_docs
    a, b, both = together.row[chosen], together.col[chosen], together.data[chosen].astype(np.int64)
    labels = source_labels(attributions, values)
    out = pd.DataFrame({"source_a": names[a], "source_b": names[b]}, dtype="str")
    out["label_a"], out["label_b"] = out["source_a"].map(labels), out["source_b"].map(labels)
    out["docs_both"], out["docs_a"], out["docs_b"] = both, per_source[a], per_source[b]
    out["jaccard"] = both / (out["docs_a"] + out["docs_b"] - both)
    out["lift"] = both * len(docs) / (out["docs_a"] * out["docs_b"])
    out = out.sort_values(["docs_both", "lift", "source_a", "source_b"], ascending=[False, False, True, True],
                          kind="stable", ignore_index=True)
    out.attrs.update(documents=len(docs), by=by, min_docs=min_docs,
                     cited=dict(zip(names.tolist(), per_source.tolist())))
    return out


def _sentence_counts(corpus: pd.DataFrame, fields) -> pd.DataFrame:
    """Sentences per document and field (:func:`analysis.sentences.sentence_spans`, the extractor's splitter)."""
    from .sentences import sentence_spans

    present = [f for f in fields if f in corpus]
    counts = {f: [len(sentence_spans(t)) if isinstance(t, str) else 0 for t in corpus[f].to_numpy(dtype=object)]
              for f in present}
    return pd.DataFrame(counts, index=corpus["doc_id"].to_numpy())


def _check_sentences(attributions: pd.DataFrame, counts: pd.DataFrame) -> None:
    """Every attribution must point at a sentence the field has: else extractor and corpus disagree."""
    fields = attributions["field"].astype("str")
    unknown = ~fields.isin(counts.columns)
    if unknown.any():
        row = int(np.flatnonzero(unknown.to_numpy())[0])
        raise ValueError(f"attributions row {row}: field {fields.iloc[row]!r} is not among the counted fields "
                         f"{', '.join(counts.columns)}")
    has = counts.stack().reindex(pd.MultiIndex.from_arrays([attributions["doc_id"].astype("str"), fields]))
    beyond = attributions["sentence"].to_numpy() >= has.to_numpy()
    if beyond.any():
        row = int(np.flatnonzero(beyond)[0])
        raise ValueError(f"attributions row {row}: doc {attributions['doc_id'].iloc[row]!r} field {fields.iloc[row]!r} "
                         f"sentence {int(attributions['sentence'].iloc[row])}, but that field has "
                         f"{int(has.iloc[row])} sentence(s) (analysis.sentences): extractor and corpus disagree")


def wire_vs_own(attributions: pd.DataFrame, corpus: pd.DataFrame, *, by: str | None = "outlet", wires=None,
                fields=("title", "lead", "text")) -> pd.DataFrame:
    """Sentences attributed to a wire, to other sources, and left in the outlet's own voice.

    A sentence with an attribution to a wire (type ``media`` and a wire's registry id,
    :func:`wire_source_ids`) is the wire's claim; one attributed to anybody else is another
    source's; a sentence attributing nothing speaks in the outlet's own voice. A sentence citing a
    wire and someone else counts for the wire (the claim reaches the outlet through it).

    Parameters
    ----------
    attributions : the attribution table (``doc_id, field, sentence, canonical, type``).
    corpus : corpus table with ``doc_id`` and the text ``fields`` (and ``by``).
    by : str or None, default="outlet"
        Summarise per value of this corpus column; None gives one row per document.
    wires : iterable of str, optional
        Registry ids counted as wires; default :func:`wire_source_ids`.
    fields : the fields whose sentences are counted (those the extractor read).

    Returns
    -------
    DataFrame. Per document: doc_id, [by], sentences, wire_sentences, other_sentences,
    own_sentences, wire_share, other_share, own_share (NaN for a document without sentences).
    Per ``by``: [by], documents, docs_citing_wire, sentences, the three counts summed, and the
    shares of all the group's sentences.

    Examples
    --------
    >>> corpus = pd.DataFrame({"doc_id": ["a"], "outlet": ["Kompas"],
    ...                        "text": ["Reuters said troops moved. Peskov denied it. Talks go on. Nobody knows."]})
    >>> cited = pd.DataFrame({"doc_id": ["a", "a"], "field": "text", "sentence": [0, 1],
    ...                       "canonical": ["REUTERS", "PESKOV"], "type": ["media", "government"]})
    >>> wire_vs_own(cited, corpus)[["outlet", "sentences", "wire_share", "other_share", "own_share"]].values.tolist()
    [['Kompas', 4, 0.25, 0.25, 0.5]]
    """
    _require(attributions, ["doc_id", "field", "sentence", "canonical", "type"], "attributions")
    _require(corpus, ["doc_id"] + ([by] if by else []), "corpus")
    _known_documents(attributions, corpus)
    counts = _sentence_counts(corpus, fields)
    _check_sentences(attributions, counts)
    wires = wire_source_ids() if wires is None else set(wires)
    is_wire = attributions["type"].astype("string").eq("media").fillna(False) \
        & attributions["canonical"].astype("string").isin(wires).fillna(False)
    cited = pd.DataFrame({"doc_id": attributions["doc_id"].astype("str").to_numpy(), "wire": is_wire.to_numpy(),
                          "field": attributions["field"].astype("str").to_numpy(),
                          "sentence": attributions["sentence"].to_numpy()})
    per_sentence = cited.groupby(["doc_id", "field", "sentence"])["wire"].any()
    per_doc = per_sentence.groupby(level="doc_id").agg(["size", "sum"])
    docs = pd.DataFrame({"doc_id": corpus["doc_id"].astype("str").to_numpy(), "sentences": counts.sum(axis=1).to_numpy()})
    if by:
        docs.insert(1, by, corpus[by].to_numpy())
    attributed = docs["doc_id"].map(per_doc["size"]).fillna(0).astype("int64")
    docs["wire_sentences"] = docs["doc_id"].map(per_doc["sum"]).fillna(0).astype("int64")
    docs["other_sentences"] = attributed - docs["wire_sentences"]
    docs["own_sentences"] = docs["sentences"] - attributed
    return _sentence_shares(docs) if by is None else _sentence_shares(_by_group(docs, by))


def _by_group(docs: pd.DataFrame, by: str) -> pd.DataFrame:
    """Documents summed per value of ``by`` (documents without one left out)."""
    sums = docs.dropna(subset=[by]).groupby(by, sort=True).agg(
        documents=("doc_id", "size"), docs_citing_wire=("wire_sentences", lambda s: int((s > 0).sum())),
        sentences=("sentences", "sum"), wire_sentences=("wire_sentences", "sum"),
        other_sentences=("other_sentences", "sum"), own_sentences=("own_sentences", "sum"))
    return sums.reset_index()


def _sentence_shares(table: pd.DataFrame) -> pd.DataFrame:
    total = table["sentences"].where(table["sentences"] > 0)
    for part in ("wire", "other", "own"):
        table[f"{part}_share"] = table[f"{part}_sentences"] / total
    return table
