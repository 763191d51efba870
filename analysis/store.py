"""The corpus store: Parquet partitioned by month, DuckDB aggregates, SQLite FTS5 search.

Layout of a store folder::

    STORE/
      corpus/month=2024-06/part-00000-0.parquet   (month=unknown for undated rows)
      ingest_report.json                          what the ingest kept, refused, noticed
      rejects.csv                                 one line per refused row
      fts.sqlite                                  full-text index, built on first search

Reading is lazy: :meth:`CorpusStore.read` loads only the columns and months
asked for. Aggregations run in DuckDB with extension auto-install and
auto-load switched off (nothing is downloaded; its full-text extension is
not bundled, so keyword search uses SQLite's FTS5, which ships with Python).

Examples
--------
>>> import tempfile
>>> from analysis.config import SAMPLE_DIR
>>> store, report = ingest_to_store([SAMPLE_DIR / "wire_rewrites_id.csv"], tempfile.mkdtemp())
>>> int(store.counts(by=["language"])["n"].sum()) == report.rows_accepted
True
"""
from __future__ import annotations

import json
import re
import shutil
import sqlite3
import time
from pathlib import Path

import pandas as pd

from .corpus import IngestReport, SCHEMA, coerce_schema, empty_corpus, validate_corpus
from .ingestion import IngestOptions, iter_ingest, write_rejects, write_report
from .kwic import context_around

ORDER = "__order"
PARTITION = "month"
TIME_BUCKETS = {"day": "day", "week": "week", "month": "month", "year": "year"}
GROUP_COLUMNS = {"outlet", "outlet_domain", "language", "source_format", "published_source"}


def _month(frame: pd.DataFrame) -> pd.Series:
    return frame["published"].dt.strftime("%Y-%m").fillna("unknown").astype("str")


class CorpusStore:
    """A corpus written to disk by :func:`write_store` or :func:`ingest_to_store`.

    Parameters
    ----------
    path : path-like
        The store folder.
    """

    def __init__(self, path):
        self.path = Path(path)
        self.corpus_dir = self.path / "corpus"
        if not self.corpus_dir.is_dir():
            raise FileNotFoundError(f"{self.path}: not a corpus store (no corpus/ folder); "
                                    "create one with `python -m analysis ingest PATH --out STORE`")

    def __repr__(self) -> str:
        return f"CorpusStore({str(self.path)!r})"

    # -- lazy reading -------------------------------------------------------
    def files(self) -> list[Path]:
        return sorted(self.corpus_dir.rglob("*.parquet"))

    def dataset(self):
        """A ``pyarrow.dataset.Dataset`` over all parts (nothing is read yet)."""
        import pyarrow as pa
        import pyarrow.dataset as ds
        import pyarrow.parquet as pq

        files = self.files()
        schema = pa.unify_schemas([pq.read_schema(f) for f in files]) if files else pa.schema([])
        if PARTITION not in schema.names:
            schema = schema.append(pa.field(PARTITION, pa.string()))
        return ds.dataset([str(f) for f in files], schema=schema, format="parquet",
                          partitioning=ds.partitioning(pa.schema([(PARTITION, pa.string())]), flavor="hive"),
                          partition_base_dir=str(self.corpus_dir))

    def read(self, columns: list[str] | None = None, *, months: list[str] | None = None) -> pd.DataFrame:
        """Load the corpus (or some columns / months) as a DataFrame in ingest order.

        With all columns the result is validated against the schema.
        """
        import pyarrow.dataset as ds

        dataset = self.dataset()
        wanted = None if columns is None else list(dict.fromkeys(list(columns) + [ORDER]))
        flt = ds.field(PARTITION).isin(months) if months else None
        table = dataset.to_table(columns=wanted, filter=flt)
        frame = table.to_pandas(types_mapper=_arrow_to_pandas)
        if ORDER in frame:
            frame = frame.sort_values(ORDER, kind="stable").drop(columns=[ORDER])
        frame = frame.drop(columns=[PARTITION], errors="ignore").reset_index(drop=True)
        if columns is None:
            if not len(frame.columns):
                return empty_corpus()
            return validate_corpus(coerce_schema(frame))
        return frame

    def ingest_report(self) -> dict:
        """The ingest report saved with the store."""
        return json.loads((self.path / "ingest_report.json").read_text(encoding="utf-8"))

    # -- DuckDB aggregates --------------------------------------------------
    def connect(self):
        """A DuckDB connection with a ``corpus`` view; no extension is installed or auto-loaded."""
        import duckdb

        con = duckdb.connect(config={"autoinstall_known_extensions": False,
                                     "autoload_known_extensions": False})
        con.execute("SET TimeZone = 'UTC'")
        pattern = str(self.corpus_dir / "**" / "*.parquet").replace("'", "''")
        con.execute(f"CREATE VIEW corpus AS SELECT * FROM read_parquet('{pattern}', "
                    "hive_partitioning = true, union_by_name = true)")
        return con

    def counts(self, by=("day",), *, include_duplicates: bool = True) -> pd.DataFrame:
        """Document counts grouped by time bucket and/or columns, computed in DuckDB.

        Parameters
        ----------
        by : sequence of str
            Any of ``day``, ``week``, ``month``, ``year`` (UTC buckets of
            ``published``) and ``outlet``, ``outlet_domain``, ``language``,
            ``source_format``, ``published_source``.
        include_duplicates : bool, default=True
            False counts each exact-duplicate group once.

        Returns
        -------
        pandas.DataFrame
            The ``by`` columns and ``n``, sorted by them.
        """
        by = [by] if isinstance(by, str) else list(by)
        select = []
        for key in by:
            if key in TIME_BUCKETS:
                select.append(f"CAST(date_trunc('{TIME_BUCKETS[key]}', published) AS DATE) AS {key}")
            elif key in GROUP_COLUMNS:
                select.append(key)
            else:
                raise ValueError(f"cannot count by {key!r}; use {sorted(TIME_BUCKETS) + sorted(GROUP_COLUMNS)}")
        where = "" if include_duplicates else "WHERE NOT is_exact_duplicate"
        groups = ", ".join(str(i + 1) for i in range(len(by)))
        sql = (f"SELECT {', '.join(select)}, COUNT(*) AS n FROM corpus {where} "
               f"GROUP BY {groups} ORDER BY {groups}")
        with self.connect() as con:
            frame = con.execute(sql).df()
        for key in by:
            if key in TIME_BUCKETS:
                frame[key] = pd.to_datetime(frame[key])
            else:
                frame[key] = frame[key].astype("str")
        frame["n"] = frame["n"].astype("int64")
        return frame

    # -- boolean queries ------------------------------------------------------
    def query(self, query: str, *, columns: list[str] | None = None) -> pd.DataFrame:
        """Documents matching a query of :mod:`analysis.query` (``actor:RUS AND actor:PRK``)."""
        from .query import match_query

        wanted = None if columns is None else list(dict.fromkeys(
            ["doc_id", "title", "lead", "text", "language", "outlet", "outlet_domain", *columns]))
        corpus = self.read(wanted)
        result = corpus[match_query(corpus, query)]
        return result if columns is None else result[columns]

    # -- SQLite FTS5 search ---------------------------------------------------
    @property
    def fts_path(self) -> Path:
        return self.path / "fts.sqlite"

    def build_fts(self, *, force: bool = False) -> Path:
        """Build (or rebuild when the corpus is newer) the FTS5 index over title, lead and text."""
        newest = max((f.stat().st_mtime for f in self.files()), default=0)
        if self.fts_path.exists() and not force and self.fts_path.stat().st_mtime >= newest:
            return self.fts_path
        tmp = self.fts_path.with_suffix(".tmp")
        tmp.unlink(missing_ok=True)
        with sqlite3.connect(tmp) as con:
            con.execute("CREATE VIRTUAL TABLE docs USING fts5(doc_id UNINDEXED, title, lead, text, "
                        "tokenize = 'unicode61 remove_diacritics 2')")
            frame = self.read(["doc_id", "title", "lead", "text"])
            rows = (tuple(None if pd.isna(v) else v for v in row)
                    for row in frame.itertuples(index=False, name=None))
            con.executemany("INSERT INTO docs VALUES (?, ?, ?, ?)", rows)
        tmp.replace(self.fts_path)
        return self.fts_path

    def search(self, query: str, *, limit: int | None = 100) -> pd.DataFrame:
        """Documents matching an FTS5 query (``putin AND kim``, ``"korea utara"``, ``북한*``).

        Returns ``doc_id``, ``title`` and ``rank`` (lower is better), best first.
        """
        self.build_fts()
        sql = "SELECT doc_id, title, bm25(docs) AS rank FROM docs WHERE docs MATCH ? ORDER BY rank, doc_id"
        params: list = [query]
        if limit is not None:
            sql += " LIMIT ?"
            params.append(int(limit))
        with sqlite3.connect(self.fts_path) as con:
            try:
                rows = con.execute(sql, params).fetchall()
            except sqlite3.OperationalError as exc:
                raise ValueError(f"bad search query {query!r}: {exc}") from None
        return pd.DataFrame(rows, columns=["doc_id", "title", "rank"]).astype(
            {"doc_id": "str", "title": "str", "rank": "float64"})

    def kwic(self, term: str, *, width: int = 40, limit: int | None = 200) -> pd.DataFrame:
        """Keyword in context: each occurrence of ``term`` with ``width`` characters either side.

        ``term`` is a word or phrase; documents are found with the FTS5 index
        and occurrences located case-insensitively (a trailing ``*`` matches
        word continuations, so ``북한*`` finds 북한은 and 북한의); each line is cut by
        :func:`analysis.kwic.context_around`, as the corpus-side :func:`analysis.kwic.keyword_in_context`.
        """
        prefix = term.endswith("*")
        bare = term.rstrip("*").strip()
        if not bare:
            raise ValueError("kwic needs a non-empty term")
        phrase = '"' + bare.replace('"', '""') + '"' + ("*" if prefix else "")
        hits = self.search(phrase, limit=None)
        if hits.empty:
            return pd.DataFrame(columns=["doc_id", "field", "left", "match", "right"], dtype="str")
        docs = self.read(["doc_id", "title", "lead", "text"])
        docs = docs[docs["doc_id"].isin(set(hits["doc_id"]))]
        pattern = re.compile(re.escape(bare) + (r"\w*" if prefix else ""), re.I)
        rows = []
        for doc in docs.itertuples(index=False):
            for field in ("title", "lead", "text"):
                value = getattr(doc, field)
                if not isinstance(value, str):
                    continue
                for m in pattern.finditer(value):
                    rows.append((doc.doc_id, field, *context_around(value, m, width)))
                    if limit is not None and len(rows) >= limit:
                        break
        return pd.DataFrame(rows[:limit] if limit else rows,
                            columns=["doc_id", "field", "left", "match", "right"]).astype("str")


def _arrow_to_pandas(arrow_type):
    import pyarrow as pa

    if pa.types.is_string(arrow_type) or pa.types.is_large_string(arrow_type):
        return pd.StringDtype(na_value=float("nan"))
    return None


class _StoreWriter:
    """Writes corpus chunks into a temporary folder, then swaps it in."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.path.mkdir(parents=True, exist_ok=True)
        self.tmp = self.path / ".corpus.tmp"
        shutil.rmtree(self.tmp, ignore_errors=True)
        self.tmp.mkdir()
        self.part = 0
        self.order = 0

    def write(self, frame: pd.DataFrame) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        if not len(frame):
            return
        frame = frame.copy()
        frame[ORDER] = range(self.order, self.order + len(frame))
        self.order += len(frame)
        months = _month(frame)
        # one plain write per month: pyarrow's dataset writer keeps threads that can abort the
        # interpreter at exit ("terminate called without an active exception", apache/arrow#36389)
        for month in sorted(set(months)):
            folder = self.tmp / f"{PARTITION}={month}"
            folder.mkdir(exist_ok=True)
            part = frame[(months == month).to_numpy()]
            pq.write_table(pa.Table.from_pandas(part, preserve_index=False),
                           folder / f"part-{self.part:05d}-0.parquet")
        self.part += 1

    def finish(self) -> "CorpusStore":
        if self.part == 0:  # an empty corpus still gets a readable (empty) part
            import pyarrow as pa
            import pyarrow.parquet as pq

            empty = empty_corpus()
            empty[ORDER] = pd.Series(dtype="int64")
            (self.tmp / f"{PARTITION}=unknown").mkdir()
            pq.write_table(pa.Table.from_pandas(empty, preserve_index=False),
                           self.tmp / f"{PARTITION}=unknown" / "part-00000-0.parquet")
        target = self.path / "corpus"
        shutil.rmtree(target, ignore_errors=True)
        self.tmp.replace(target)
        (self.path / "fts.sqlite").unlink(missing_ok=True)
        return CorpusStore(self.path)


def write_store(corpus: pd.DataFrame, path, report: IngestReport | None = None) -> CorpusStore:
    """Write a corpus table (and its ingest report and rejects) to a store folder."""
    writer = _StoreWriter(Path(path))
    writer.write(validate_corpus(corpus))
    store = writer.finish()
    if report is not None:
        report.store = str(store.path)
        write_rejects(report, store.path / "rejects.csv")
        write_report(report, store.path / "ingest_report.json")
    return store


def ingest_to_store(paths, path, options: IngestOptions | None = None, *, progress=None,
                    **kwargs) -> tuple[CorpusStore, IngestReport]:
    """Ingest ``paths`` straight into a store, one chunk at a time (for large inputs).

    Keyword arguments are :class:`~analysis.ingestion.IngestOptions` fields.
    """
    options = options or IngestOptions(**kwargs)
    report = IngestReport()
    start = time.perf_counter()
    writer = _StoreWriter(Path(path))
    try:
        for frame in iter_ingest(paths, options, report, progress):
            writer.write(frame)
    except BaseException:
        shutil.rmtree(writer.tmp, ignore_errors=True)
        raise
    store = writer.finish()
    report.seconds = round(time.perf_counter() - start, 3)
    report.store = str(store.path)
    write_rejects(report, store.path / "rejects.csv")
    write_report(report, store.path / "ingest_report.json")
    return store, report


def open_store(path) -> CorpusStore:
    """Open an existing store folder."""
    return CorpusStore(path)


__all__ = ["CorpusStore", "ingest_to_store", "open_store", "write_store", "SCHEMA"]
