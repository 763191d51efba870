"""What every notebook does first and last: load the corpus its parameters name, and write outputs.

Notebooks stay thin: their ``parameters`` cell names a corpus (files, a folder, a corpus store,
or None for the SIMULATED demo), an optional query and date range, a seed and an output folder;
:func:`load_corpus` turns that into a corpus table, and :class:`Outputs` writes each figure
(PNG + SVG) and table (CSV) under the output folder, named after the notebook. :func:`open_corpus`
is the same way in without the printed description, with ingest options: the command line uses it.

A later notebook can reuse an earlier one's results instead of recomputing them: notebook 03
records which corpus and parameters its cluster tables belong to (:func:`record_clusters`), and
notebook 06 reads them back (:func:`read_clusters`) when its own corpus and parameters are the same.

Examples
--------
>>> corpus = load_corpus(None, demo_articles=200, seed=1)   # SIMULATED
Corpus: SIMULATED demo corpus (200 articles, seed 1) - not real reporting.
>>> corpus.attrs["simulated"], len(corpus)
(True, 200)
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

SIMULATED_BANNER = "SIMULATED demo corpus ({n} articles, seed {seed}) - not real reporting."


def open_corpus(corpus=None, *, options=None, query: str | None = None, start: str | None = None,
                end: str | None = None, demo_articles: int = 4000, seed: int = 0) -> pd.DataFrame:
    """The corpus a store, files, folders or the SIMULATED demo hold, filtered by query and dates.

    The one way in for the command line (``annotate``, ``cluster``) and the notebooks
    (:func:`load_corpus`). The simulated demo ingested from its JSONL file gets its answer key
    back under the demo's own names (``src_truth_*`` -> ``truth_*``).

    Parameters
    ----------
    corpus : str, path or list of them, optional
        A corpus store folder (``python -m analysis ingest --out``), files or folders to ingest,
        or None (or the string ``"demo"``) for the SIMULATED demo corpus with its ``truth_*`` columns.
    options : IngestOptions, optional
        How files are read (format, column map, encoding, dates...); not used for a store or the demo.
    query : str, optional
        Keep only documents matching a query (``actor:RUS AND actor:PRK``; see :mod:`analysis.query`).
    start, end : str, optional
        Keep documents published on or after ``start`` and before ``end`` (UTC dates).
    demo_articles, seed : int
        Size and seed of the simulated demo.

    Returns
    -------
    pandas.DataFrame
        The documents kept, index 0..n-1, with ``attrs``: ``source`` (a description),
        ``simulated`` (bool), ``rows_before_filters``, and after a query or date filter
        ``collected_per_day`` (:func:`collected_per_day` of the whole corpus).

    Examples
    --------
    >>> from analysis.config import SAMPLE_DIR
    >>> corpus = open_corpus(SAMPLE_DIR, query="actor:PRK")
    >>> corpus.attrs["simulated"], len(corpus) < corpus.attrs["rows_before_filters"]
    (False, True)
    """
    frame, source, simulated = _read_corpus(corpus, options, demo_articles=demo_articles, seed=seed)
    rows = len(frame)
    collected = collected_per_day(frame) if (query or start or end) else None
    if query:
        from .query import filter_corpus

        frame = filter_corpus(frame, query)
        source += f"; query {query!r}"
    if start or end:
        published = pd.to_datetime(frame["published"], utc=True)
        keep = pd.Series(True, index=frame.index)
        if start:
            keep &= published >= pd.Timestamp(start, tz="UTC")
        if end:
            keep &= published < pd.Timestamp(end, tz="UTC")
        frame = frame[keep.fillna(False)]
        source += f"; published {start or '...'} to {end or '...'}"
    frame = frame.reset_index(drop=True)
    frame.attrs.update(source=source, simulated=simulated, rows_before_filters=rows)
    if collected is not None:  # the charts judge volume changes, gaps and partial edges on the whole collection
        frame.attrs["collected_per_day"] = collected
    return frame


def collected_per_day(corpus: pd.DataFrame) -> dict:
    """Documents collected per UTC day (``{"YYYY-MM-DD": n}``, days with none left out), before any filter.

    Kept in a filtered corpus's ``attrs["collected_per_day"]``: the period grid
    (:func:`analysis.timeseries.counts_by_period`) then reads changes in collection volume, weeks
    with nothing collected and partial edge periods from the whole collection, not from the
    documents a query kept (a burst of matches is not a feed added).

    Examples
    --------
    >>> corpus = pd.DataFrame({"published": pd.to_datetime(["2024-01-02 23:00", "2024-01-02 01:00", None], utc=True)})
    >>> collected_per_day(corpus)
    {'2024-01-02': 2}
    """
    days = pd.to_datetime(corpus["published"], utc=True).dropna().dt.strftime("%Y-%m-%d")
    return {day: int(n) for day, n in days.value_counts(sort=False).sort_index().items()}


def _read_corpus(corpus, options, *, demo_articles: int, seed: int) -> tuple[pd.DataFrame, str, bool]:
    """The whole corpus ``corpus`` names, a description of it, and whether it is the simulated demo."""
    if corpus is None or (isinstance(corpus, str) and corpus == "demo"):
        from .demo import load_demo

        frame = load_demo(demo_articles, random_state=seed)
        return frame, SIMULATED_BANNER.format(n=f"{demo_articles:,}", seed=seed), True
    paths = [Path(p) for p in (corpus if isinstance(corpus, (list, tuple)) else [corpus])]
    if len(paths) == 1 and (paths[0] / "corpus").is_dir():
        from .store import open_store

        frame = open_store(paths[0]).read()
        source = f"corpus store {paths[0]}"
    else:
        from .ingestion import ingest

        frame, _ = ingest(paths, options)
        source = ", ".join(str(p) for p in paths)
    # the simulated demo ingested from its JSONL file keeps its truth as src_truth_* columns
    truth = {c: c[len("src_"):] for c in frame.columns if c.startswith("src_truth_")}
    if not truth:
        return frame, source, False
    return frame.rename(columns=truth), source + " (SIMULATED demo corpus - not real reporting)", True


def load_corpus(corpus=None, *, demo_articles: int = 4000, seed: int = 0, query: str | None = None,
                start: str | None = None, end: str | None = None, quiet: bool = False) -> pd.DataFrame:
    """The corpus a notebook's parameters name, filtered by query and dates, described in one line.

    :func:`open_corpus` with the default ingest options, printing what was loaded and kept.

    Parameters
    ----------
    corpus : str, path or list of them, optional
        A corpus store folder (``python -m analysis ingest --out``), files or folders to ingest,
        or None for the SIMULATED demo corpus (with its ``truth_*`` columns).
    demo_articles, seed : size and seed of the simulated demo.
    query : str, optional
        Keep only documents matching a query (``actor:RUS AND actor:PRK``; see README).
    start, end : str, optional
        Keep documents published on or after ``start`` and before ``end`` (UTC dates).
    quiet : bool, default=False
        Do not print the one-line description.

    Returns
    -------
    DataFrame with ``attrs``: ``source`` (a description), ``simulated`` (bool), ``rows_before_filters``.
    """
    frame = open_corpus(corpus, query=query, start=start, end=end, demo_articles=demo_articles, seed=seed)
    if not quiet:
        source, rows = frame.attrs["source"], frame.attrs["rows_before_filters"]
        print(f"Corpus: {source}" + (f" ({len(frame):,} of {rows:,} documents kept)" if len(frame) != rows else ""))
    return frame


def timeline(events=None, *, corpus: pd.DataFrame | None = None) -> pd.DataFrame | None:
    """Event dates to mark on charts: a CSV path (``date``, ``label``), or the demo's timeline for the demo."""
    if events is not None:
        table = pd.read_csv(events, dtype="str")
        missing = {"date", "label"} - set(table.columns)
        if missing:
            raise ValueError(f"{events}: the timeline needs the columns date and label (missing: {sorted(missing)})")
        return table
    if corpus is not None and corpus.attrs.get("simulated"):
        from .demo import demo_events

        return demo_events()
    return None


class Outputs:
    """Where a notebook writes: ``figures/<prefix>-<name>.png|svg|json`` and ``tables/<prefix>-<name>.csv``.

    Parameters
    ----------
    folder : path-like
        The output folder (the report's folder when run by ``python -m analysis report``).
    prefix : str
        The notebook's number (``"03"``), so names never collide between notebooks.
    simulated : bool, default=False
        The corpus is the SIMULATED demo (``data.attrs["simulated"]``): every figure saved carries
        :data:`analysis.plots.SIMULATED_MARK` inside the image, since figures travel without their page.

    Examples
    --------
    >>> import tempfile
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> from analysis import plots
    >>> from analysis.timeseries import attention_over_time
    >>> corpus = load_corpus(None, demo_articles=200, seed=1, quiet=True)   # SIMULATED
    >>> out = Outputs(tempfile.mkdtemp(), "01", simulated=corpus.attrs["simulated"])
    >>> fig, ax = plt.subplots(layout="constrained")
    >>> _ = plots.plot_attention_over_time(attention_over_time(corpus, freq="M"), events=timeline(None, corpus=corpus), ax=ax)
    >>> _ = out.figure(fig, "documents", caption="Documents per month.")
    >>> side = json.loads((out.folder / "figures" / "01-documents.json").read_text(encoding="utf-8"))
    >>> side["simulated"], side["caption"], side["image_captions"][0][:4], len(side["events"])
    (True, 'Documents per month.', 'n = ', 16)
    >>> "SIMULATED" in (out.folder / "figures" / "01-documents.svg").read_text(encoding="utf-8")
    True
    >>> plt.close(fig)
    """

    def __init__(self, folder, prefix: str, *, simulated: bool = False):
        self.folder = Path(folder)
        self.prefix = prefix
        self.simulated = bool(simulated)
        self.saved = 0  # figures saved so far: the report shows them in this order

    def figure(self, fig, name: str, *, caption: str | None = None, **kw):
        """Save ``fig`` (PNG and SVG, publication size) and its sidecar JSON; return it, so a cell shows it too.

        The sidecar ``figures/<prefix>-<name>.json`` is what the report prints beside the figure:
        ``order`` (its place among this notebook's figures),
        ``caption`` (the notebook's words: what it shows, the rule used), the captions drawn under
        each axes (n, partial periods...), ``titles``, ``ylabels``, ``period`` (first and last date on a date
        axis), ``events`` (number, date, full label of every event marked) and ``simulated``.
        """
        from .plots import save_figure

        target = self.folder / "figures" / f"{self.prefix}-{name}"
        save_figure(fig, target, simulated=self.simulated, **kw)
        self.saved += 1
        sidecar = {"figure": f"{self.prefix}-{name}", "order": self.saved, "caption": caption,
                   "simulated": self.simulated, **figure_facts(fig)}
        target.with_suffix(".json").write_text(json.dumps(sidecar, indent=2, ensure_ascii=False) + "\n",
                                               encoding="utf-8")
        return fig

    def table(self, frame: pd.DataFrame, name: str) -> pd.DataFrame:
        """Write ``frame`` as CSV (dates as ISO text, "\\n" line ends: the same bytes on a rerun)."""
        target = self.folder / "tables" / f"{self.prefix}-{name}.csv"
        target.parent.mkdir(parents=True, exist_ok=True)
        out = frame.copy()
        for column in out.columns:
            if isinstance(out[column].dtype, pd.DatetimeTZDtype) or pd.api.types.is_datetime64_any_dtype(out[column]):
                out[column] = out[column].dt.strftime("%Y-%m-%d")
        out.to_csv(target, index=False, lineterminator="\n", float_format="%.6g")
        return frame


def _date_span(ax) -> tuple[float, float]:
    """First and last date drawn: line points and bar centres (not bar edges), else the data limits."""
    xs = [np.asarray(line.get_xdata(orig=False), dtype=float) for line in ax.lines
          if line.get_transform() == ax.transData]
    xs += [np.array([p.get_x() + p.get_width() / 2 for p in ax.patches if hasattr(p, "get_width")])]
    values = np.concatenate(xs) if xs else np.array([])
    values = values[np.isfinite(values)]
    return (float(values.min()), float(values.max())) if len(values) else tuple(ax.dataLim.intervalx)


def figure_facts(fig) -> dict:
    """What a drawn figure says about itself: titles, captions under its axes, date period, events marked.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> from analysis import plots
    >>> fig, ax = plt.subplots()
    >>> _ = ax.plot(pd.to_datetime(["2024-01-01", "2024-03-01"]), [1, 2])
    >>> _ = plots.caption(ax, "n = 3 documents")
    >>> figure_facts(fig)["image_captions"], figure_facts(fig)["period"]
    (['n = 3 documents'], ['2024-01-01', '2024-03-01'])
    >>> plt.close(fig)
    """
    import matplotlib.dates as mdates

    from .plots import EventMarkers

    facts = {"titles": [], "ylabels": [], "image_captions": [], "period": None, "events": []}
    starts, ends = [], []
    for ax in fig.axes:
        facts["titles"] += [ax.get_title()] if ax.get_title() else []
        facts["ylabels"] += [ax.get_ylabel()] if ax.get_ylabel() else []
        facts["image_captions"] += [t.get_text() for t in ax.texts if t.get_gid() == "caption"]
        for markers in (a for a in ax.artists if isinstance(a, EventMarkers)):
            facts["events"] += [{"number": int(n), "date": d, "label": lab}
                                for n, d, lab in markers.table[["number", "date", "label"]].itertuples(index=False)]
        if isinstance(ax.xaxis.get_major_formatter(), (mdates.ConciseDateFormatter, mdates.AutoDateFormatter,
                                                        mdates.DateFormatter)) and ax.has_data():
            low, high = _date_span(ax)
            starts.append(mdates.num2date(low))
            ends.append(mdates.num2date(high))
    if starts:
        facts["period"] = [f"{min(starts):%Y-%m-%d}", f"{max(ends):%Y-%m-%d}"]
    return facts


#: Where a clustering notebook records the corpus and parameters of its tables (under the output folder).
CLUSTERS_RECORD = "records/{prefix}-clusters.json"
#: The cluster tables a record vouches for: ``tables/<prefix>-<name>.csv``.
CLUSTER_TABLES = ("assignments", "clusters")


def _corpus_fingerprint(corpus: pd.DataFrame) -> str:
    """SHA-256 of what a clustering sees of a corpus: ids, languages and texts, in row order."""
    columns = [c for c in ("doc_id", "language", "title", "lead", "text") if c in corpus]
    hashes = pd.util.hash_pandas_object(corpus[columns], index=False) if columns else pd.Series([], dtype="uint64")
    return hashlib.sha256(np.asarray(hashes, dtype=np.uint64).tobytes()).hexdigest()


def _clustering_key(corpus: pd.DataFrame, n_clusters, ks, random_state) -> dict:
    from . import __version__

    return {"analysis_version": __version__, "documents": len(corpus), "corpus_sha256": _corpus_fingerprint(corpus),
            "n_clusters": n_clusters if isinstance(n_clusters, str) else int(n_clusters),
            "ks": ks if isinstance(ks, str) else [int(k) for k in ks], "random_state": int(random_state)}


def _file_sha256(path: Path) -> str | None:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None


def record_clusters(output_dir, corpus: pd.DataFrame, *, n_clusters, ks, random_state, prefix: str = "03") -> Path:
    """Record which corpus and parameters the cluster tables in ``output_dir`` belong to.

    Called by notebook 03 after it has written ``tables/03-assignments.csv`` and
    ``tables/03-clusters.csv``. The record (``records/03-clusters.json``) holds the package
    version, a SHA-256 of the corpus (doc ids, languages, titles, leads, texts, in order), the
    clustering parameters and the SHA-256 of each table, so :func:`read_clusters` can tell whether
    the tables still belong to a given corpus and parameters.

    Parameters
    ----------
    output_dir : path-like
        The folder holding ``tables/`` (a notebook's ``output_dir``).
    corpus : DataFrame
        The corpus that was clustered, in the order of the assignments table.
    n_clusters : int or "auto"
    ks : iterable of int
        The k tried when ``n_clusters="auto"``.
    random_state : int
    prefix : str, default="03"
        The number of the notebook that wrote the tables.

    Returns
    -------
    pathlib.Path
        The record written.

    Examples
    --------
    >>> import tempfile
    >>> corpus = pd.DataFrame({"doc_id": ["a", "b", "c"], "title": ["x", "y", "z"]})
    >>> out = Outputs(tempfile.mkdtemp(), "03")
    >>> _ = out.table(pd.DataFrame({"doc_id": ["a", "b", "c"], "cluster": [0, 0, 1]}), "assignments")
    >>> _ = out.table(pd.DataFrame({"cluster": [0, 1], "size": [2, 1], "label": ["x", "z"]}), "clusters")
    >>> record_clusters(out.folder, corpus, n_clusters=2, ks=[2], random_state=0).name
    '03-clusters.json'
    """
    folder = Path(output_dir)
    tables = {name: _file_sha256(folder / "tables" / f"{prefix}-{name}.csv") for name in CLUSTER_TABLES}
    missing = [name for name, digest in tables.items() if digest is None]
    if missing:
        raise FileNotFoundError(f"{folder / 'tables'}: no {', '.join(f'{prefix}-{m}.csv' for m in missing)} "
                                "to record (write the tables first)")
    record = {"key": _clustering_key(corpus, n_clusters, ks, random_state), "tables_sha256": tables}
    target = folder / CLUSTERS_RECORD.format(prefix=prefix)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    return target


@dataclass
class StoredClusters:
    """Clusters read back from an earlier notebook's tables (:func:`read_clusters`).

    Attributes
    ----------
    labels : ndarray of int
        Cluster of each document, aligned with the corpus (0 = the largest cluster).
    summary : DataFrame
        The clusters table, one row per cluster, largest first (cluster, size, label, headline...).
    """

    labels: np.ndarray
    summary: pd.DataFrame


def read_clusters(output_dir, corpus: pd.DataFrame, *, n_clusters, ks, random_state,
                  prefix: str = "03") -> StoredClusters | None:
    """The clusters notebook 03 wrote into ``output_dir``, if they belong to this corpus and these parameters.

    Returns None, so the caller clusters itself, when there is no record (notebook 03 has not run
    into this folder), when the record was made for another corpus, other parameters or another
    version of the package, or when a table changed after it was recorded (see :func:`record_clusters`).

    Parameters
    ----------
    output_dir : path-like
        The folder holding ``tables/`` and ``records/``.
    corpus : DataFrame
        The corpus to label, as loaded by the calling notebook.
    n_clusters, ks, random_state :
        The clustering parameters the caller would use (as in :func:`analysis.stories.cluster_corpus`).
    prefix : str, default="03"

    Returns
    -------
    StoredClusters or None

    Examples
    --------
    >>> import tempfile
    >>> corpus = pd.DataFrame({"doc_id": ["a", "b", "c"], "title": ["x", "y", "z"]})
    >>> out = Outputs(tempfile.mkdtemp(), "03")
    >>> _ = out.table(pd.DataFrame({"doc_id": ["a", "b", "c"], "cluster": [0, 0, 1]}), "assignments")
    >>> _ = out.table(pd.DataFrame({"cluster": [0, 1], "size": [2, 1], "label": ["x", "z"]}), "clusters")
    >>> _ = record_clusters(out.folder, corpus, n_clusters=2, ks=[2], random_state=0)
    >>> read_clusters(out.folder, corpus, n_clusters=2, ks=[2], random_state=0).labels.tolist()
    [0, 0, 1]
    >>> read_clusters(out.folder, corpus, n_clusters=3, ks=[2], random_state=0) is None  # other parameters
    True
    >>> read_clusters(out.folder, corpus.iloc[:2], n_clusters=2, ks=[2], random_state=0) is None  # other corpus
    True
    """
    folder = Path(output_dir)
    try:
        record = json.loads((folder / CLUSTERS_RECORD.format(prefix=prefix)).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if record.get("key") != _clustering_key(corpus, n_clusters, ks, random_state):
        return None
    paths = {name: folder / "tables" / f"{prefix}-{name}.csv" for name in CLUSTER_TABLES}
    if any(_file_sha256(path) != record.get("tables_sha256", {}).get(name) for name, path in paths.items()):
        return None
    assignments = pd.read_csv(paths["assignments"], dtype={"doc_id": "str"})
    if "doc_id" in corpus and assignments["doc_id"].tolist() != corpus["doc_id"].astype("str").tolist():
        return None
    summary = pd.read_csv(paths["clusters"])
    for column in ("label", "headline"):
        if column in summary:
            summary[column] = summary[column].fillna("")
    return StoredClusters(labels=assignments["cluster"].to_numpy(dtype=np.int64), summary=summary)
