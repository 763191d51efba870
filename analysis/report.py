"""Reports: a self-contained HTML page, tables and a run record for one corpus.

Until the notebook report lands, the report is the ingest stage: what was
read, kept, refused and why, and counts by month, outlet and language, all
computed from the store with DuckDB. Everything a figure or page shows is
also written as CSV under ``tables/``; ``run.json`` records input hashes,
row counts, parameters, package versions, thread settings and the wall time
of each step. The same inputs give the same tables, byte for byte.

Examples
--------
>>> import tempfile
>>> index = build_report(out=tempfile.mkdtemp(), quiet=True)
>>> index.name
'index.html'
"""
from __future__ import annotations

import html
import json
import os
import platform
import sys
import time
from importlib import metadata
from pathlib import Path

import pandas as pd

from . import __version__, config
from .corpus import IngestOptions
from .store import ingest_to_store

SIMULATED_NOTE = ("The bundled demo sample is SIMULATED: texts written for the kit in the shapes real "
                  "sources deliver. It is not real reporting; see data/sample/README.md.")
PACKAGES = ["pandas", "numpy", "pyarrow", "duckdb", "trafilatura", "feedparser", "py3langid",
            "charset-normalizer", "tqdm", "pyyaml"]


def _versions() -> dict:
    versions = {"python": platform.python_version(), "analysis": __version__}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def _threads() -> dict:
    keys = ["OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_CORETYPE"]
    return {"cpu_count": os.cpu_count(), **{k: os.environ.get(k) for k in keys}}


def _table_html(frame: pd.DataFrame, caption: str) -> str:
    return (f"<h3>{html.escape(caption)}</h3>\n"
            + frame.to_html(index=False, na_rep="", border=0, classes="t", escape=True))


def build_report(corpus=None, out=None, *, options: IngestOptions | None = None, quiet: bool = False) -> Path:
    """Ingest ``corpus`` (default: the simulated demo sample) and write a report folder.

    Parameters
    ----------
    corpus : path-like or list of path-like, optional
        Files or folders; default :data:`analysis.config.SAMPLE_DIR`.
    out : path-like, optional
        Output folder; default :data:`analysis.config.DEFAULT_REPORT_DIR`.
    options : IngestOptions, optional
    quiet : bool, default=False
        No progress output.

    Returns
    -------
    pathlib.Path
        The report's ``index.html``.
    """
    simulated = corpus is None
    paths = [config.SAMPLE_DIR] if simulated else [Path(p) for p in ([corpus] if isinstance(corpus, (str, Path)) else corpus)]
    out = Path(out) if out else config.DEFAULT_REPORT_DIR
    tables_dir = out / "tables"
    tables_dir.mkdir(parents=True, exist_ok=True)
    options = options or IngestOptions()
    timings: dict[str, float] = {}

    start = time.perf_counter()
    bar = None
    if not quiet:
        from tqdm import tqdm

        bar = tqdm(unit=" rows", desc="ingest", file=sys.stderr, disable=None)
    try:
        store, report = ingest_to_store(paths, out / "store", options, progress=bar.update if bar is not None else None)
    finally:
        if bar is not None:
            bar.close()
    timings["ingest"] = round(time.perf_counter() - start, 3)

    start = time.perf_counter()
    tables = {
        "files": pd.DataFrame(report.files)[["path", "family", "rows_read", "rows_accepted", "rows_rejected", "sha256"]],
        "rejects_by_reason": pd.DataFrame(sorted(report.rejects_by_reason.items()), columns=["reason", "rows"]),
        "warnings": pd.DataFrame(sorted(report.warnings.items()), columns=["warning", "rows"]),
        "counts_by_month": store.counts(by=["month"]),
        "counts_by_outlet": store.counts(by=["outlet"]),
        "counts_by_language": store.counts(by=["language"]),
        "counts_by_month_language": store.counts(by=["month", "language"]),
        "counts_by_month_without_duplicates": store.counts(by=["month"], include_duplicates=False),
        "date_sources": store.counts(by=["published_source"]),
    }
    for frame in tables.values():
        for column in frame.columns:
            if pd.api.types.is_datetime64_any_dtype(frame[column]):
                frame[column] = frame[column].dt.strftime("%Y-%m-%d")
    tables["files"]["path"] = [_display_path(p) for p in tables["files"]["path"]]
    for name, frame in tables.items():
        frame.to_csv(tables_dir / f"{name}.csv", index=False, lineterminator="\n")
    timings["tables"] = round(time.perf_counter() - start, 3)

    summary = pd.DataFrame([
        ("rows read", report.rows_read), ("accepted", report.rows_accepted),
        ("rejected", report.rows_rejected), ("exact duplicates (flagged, kept)", report.exact_duplicates),
        ("boilerplate lines removed", report.boilerplate_lines),
    ], columns=["", "rows"])
    title = "Demo report (SIMULATED sample)" if simulated else "Corpus report"
    banner = (f'<p class="sim"><strong>Simulated data.</strong> {html.escape(SIMULATED_NOTE)}</p>'
              if simulated else "")
    body = [
        f"<h1>{html.escape(title)}</h1>", banner,
        "<p>Stage reported: ingestion (files &rarr; validated corpus table). Every row read is either "
        "accepted or rejected with a reason; the rejects are listed in <code>store/rejects.csv</code>. "
        "Every number below is also in <code>tables/</code> as CSV.</p>",
        _table_html(summary, "Accounting"),
        _table_html(tables["files"].drop(columns=["sha256"]), "Input files"),
        _table_html(tables["rejects_by_reason"], "Rejected rows by reason"),
        _table_html(tables["warnings"], "Warnings by kind"),
        _table_html(tables["counts_by_month"], "Articles per month (UTC, all rows)"),
        _table_html(tables["counts_by_month_without_duplicates"], "Articles per month, exact duplicates counted once"),
        _table_html(tables["counts_by_outlet"], "Articles per outlet"),
        _table_html(tables["counts_by_language"], "Articles per language"),
        _table_html(tables["date_sources"], "Where each publication date came from"),
    ]
    style = ("body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}"
             "table.t{border-collapse:collapse;margin:.5rem 0 1.5rem}table.t td,table.t th{padding:.2rem .6rem;"
             "border-bottom:1px solid #ddd;text-align:left}.sim{background:#fff3cd;padding:.6rem;border-left:4px solid #b58900}")
    page = (f"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{html.escape(title)}</title>"
            f"<style>{style}</style></head><body>\n" + "\n".join(body) + "\n</body></html>\n")
    index = out / "index.html"
    index.write_text(page, encoding="utf-8")

    run = {
        "analysis_version": __version__,
        "simulated_demo": simulated,
        "inputs": [{"path": _display_path(f["path"]), "sha256": f["sha256"], "rows_read": f["rows_read"]}
                   for f in report.files],
        "rows": {"read": report.rows_read, "accepted": report.rows_accepted, "rejected": report.rows_rejected,
                 "exact_duplicates": report.exact_duplicates},
        "parameters": options.as_dict(),
        "seeds": {},
        "versions": _versions(),
        "threads": _threads(),
        "wall_seconds": timings,
    }
    (out / "run.json").write_text(json.dumps(run, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8")
    return index


def _display_path(path: str) -> str:
    """Paths inside the project are shown relative to it, so reports do not depend on the checkout folder."""
    try:
        return str(Path(path).resolve().relative_to(config.PROJECT_ROOT))
    except ValueError:
        return str(path)
