"""What every notebook does first and last: load the corpus its parameters name, and write outputs.

Notebooks stay thin: their ``parameters`` cell names a corpus (files, a folder, a corpus store,
or None for the SIMULATED demo), an optional query and date range, a seed and an output folder;
:func:`load_corpus` turns that into a corpus table, and :class:`Outputs` writes each figure
(PNG + SVG) and table (CSV) under the output folder, named after the notebook. :func:`open_corpus`
is the same way in without the printed description, with ingest options: the command line uses it.

Examples
--------
>>> corpus = load_corpus(None, demo_articles=200, seed=1)   # SIMULATED
Corpus: SIMULATED demo corpus (200 articles, seed 1) - not real reporting.
>>> corpus.attrs["simulated"], len(corpus)
(True, 200)
"""
from __future__ import annotations

from pathlib import Path

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
        ``simulated`` (bool), ``rows_before_filters``.

    Examples
    --------
    >>> from analysis.config import SAMPLE_DIR
    >>> corpus = open_corpus(SAMPLE_DIR, query="actor:PRK")
    >>> corpus.attrs["simulated"], len(corpus) < corpus.attrs["rows_before_filters"]
    (False, True)
    """
    frame, source, simulated = _read_corpus(corpus, options, demo_articles=demo_articles, seed=seed)
    rows = len(frame)
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
    return frame


def _read_corpus(corpus, options, *, demo_articles: int, seed: int) -> tuple[pd.DataFrame, str, bool]:
    """The whole corpus ``corpus`` names, a description of it, and whether it is the simulated demo."""
    if corpus is None or (isinstance(corpus, str) and corpus == "demo"):
        from .datasets import load_demo

        frame = load_demo(demo_articles, random_state=seed)
        return frame, SIMULATED_BANNER.format(n=f"{demo_articles:,}", seed=seed), True
    paths = [Path(p) for p in (corpus if isinstance(corpus, (list, tuple)) else [corpus])]
    if len(paths) == 1 and (paths[0] / "corpus").is_dir():
        from .store import open_store

        frame = open_store(paths[0]).read()
        source = f"corpus store {paths[0]}"
    else:
        from .corpus import ingest

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
        from .datasets import demo_events

        return demo_events()
    return None


class Outputs:
    """Where a notebook writes: ``figures/<prefix>-<name>.png|svg`` and ``tables/<prefix>-<name>.csv``.

    Parameters
    ----------
    folder : path-like
        The output folder (the report's folder when run by ``python -m analysis report``).
    prefix : str
        The notebook's number (``"03"``), so names never collide between notebooks.
    """

    def __init__(self, folder, prefix: str):
        self.folder = Path(folder)
        self.prefix = prefix

    def figure(self, fig, name: str, **kw):
        """Save ``fig`` (PNG and SVG, publication size) and return it, so a cell shows it too."""
        from .plots import save_figure

        save_figure(fig, self.folder / "figures" / f"{self.prefix}-{name}", **kw)
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
