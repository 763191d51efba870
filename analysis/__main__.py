"""Command line: ``python -m analysis COMMAND ...``.

Commands
--------
ingest   read files or folders into a corpus store, with an ingest report
counts   document counts from a store by day/week/month and outlet/language
search   full-text search (SQLite FTS5) or keyword-in-context in a store
query    boolean queries with actors, phrases, proximity and fields (analysis.query)
annotate per document: language, actors, relevance, duplicates, wire origin, frames, who speaks, hedges
cluster  cluster documents into stories; tables of sizes, terms, representatives, stability, over time
report   build the report on the SIMULATED demo corpus (default) or your corpus
collect  build a corpus from live services (needs internet): GDELT DOC 2.0 lists, page texts
demo     write the SIMULATED demo corpus to a file (with its deliberately broken rows)

Errors a user can cause (a missing file, an unknown format, columns that
cannot be mapped, a file in the wrong encoding) end with exit status 2 and one
line naming the file, never a traceback.
"""
from __future__ import annotations

import argparse
import gc
import json
import os
import sys
from pathlib import Path

from . import __version__


def _parse_map(items: list[str] | None) -> dict | None:
    if not items:
        return None
    result = {}
    for item in items:
        if "=" not in item:
            raise SystemExit(f"error: --map takes FIELD=COLUMN, got {item!r}")
        key, value = item.split("=", 1)
        result[key.strip()] = value.strip()
    return result


def _ingest_options(args):
    from .ingestion import IngestOptions

    dayfirst = True if args.dayfirst else False if args.monthfirst else None
    return IngestOptions(
        format=args.format, column_map=_parse_map(args.map), encoding=args.encoding,
        delimiter=args.delimiter, dayfirst=dayfirst, timezone=args.timezone,
        on_bad_date=args.on_bad_date, remove_boilerplate=not args.keep_boilerplate,
        detect_language=not args.no_language_detection, outlets=args.outlets,
    )


def _add_ingest_arguments(parser: argparse.ArgumentParser) -> None:
    from .readers import FORMATS

    parser.add_argument("--format", choices=FORMATS, help="reader to use (default: detect from content)")
    parser.add_argument("--map", nargs="+", metavar="FIELD=COLUMN",
                        help="map source columns to corpus fields, e.g. title=Judul text=Isi published=Tanggal")
    parser.add_argument("--encoding", help="text encoding (default: detect; UTF-8, cp1252, cp949, cp1251)")
    parser.add_argument("--delimiter", help="CSV delimiter (default: detect)")
    order = parser.add_mutually_exclusive_group()
    order.add_argument("--dayfirst", action="store_true", help="read a/b/yyyy dates as day/month")
    order.add_argument("--monthfirst", action="store_true", help="read a/b/yyyy dates as month/day")
    parser.add_argument("--timezone", default="UTC",
                        help="IANA zone for times without a zone when the outlet's zone is unknown (default UTC)")
    parser.add_argument("--on-bad-date", choices=["keep", "reject"], default="keep",
                        help="rows without a usable date: keep them undated with a warning (default) or reject them")
    parser.add_argument("--keep-boilerplate", action="store_true", help="do not remove boilerplate lines")
    parser.add_argument("--no-language-detection", action="store_true", help="trust the source's language tags")
    parser.add_argument("--outlets", help="outlet registry CSV to use instead of the packaged one")


def _progress(quiet: bool):
    if quiet:
        return None, None
    from tqdm import tqdm

    bar = tqdm(unit=" rows", desc="ingest", file=sys.stderr, disable=None, mininterval=0.5)
    return bar, bar.update


def cmd_ingest(args) -> int:
    from .store import ingest_to_store

    bar, update = _progress(args.quiet or args.json)
    try:
        store, report = ingest_to_store(args.paths, args.out, _ingest_options(args), progress=update)
    finally:
        if bar is not None:
            bar.close()
    if not args.json or not args.quiet:
        print(report.summary())
    if args.json:
        print(json.dumps({
            "rows_read": report.rows_read, "rows_accepted": report.rows_accepted,
            "rows_rejected": report.rows_rejected, "exact_duplicates": report.exact_duplicates,
            "rejects_path": report.rejects_path, "store": report.store,
            "warnings": report.warnings, "files": report.files, "seconds": report.seconds,
        }, ensure_ascii=False, default=str))
    return 0


def cmd_counts(args) -> int:
    from .store import open_store

    frame = open_store(args.store).counts(by=args.by, include_duplicates=not args.without_duplicates)
    if args.json:
        print(frame.to_json(orient="records", date_format="iso", force_ascii=False))
    else:
        print(frame.to_string(index=False))
    return 0


def cmd_search(args) -> int:
    from .store import open_store

    store = open_store(args.store)
    frame = store.kwic(args.query, width=args.width, limit=args.limit) if args.kwic \
        else store.search(args.query, limit=args.limit)
    if args.json:
        print(frame.to_json(orient="records", force_ascii=False))
    else:
        print(frame.to_string(index=False) if len(frame) else "no matches")
    return 0


def cmd_query(args) -> int:
    from .store import open_store

    found = open_store(args.store).query(args.query, columns=["doc_id", "published", "outlet", "language", "title"])
    if args.count:
        print(len(found))
    elif args.json:
        print(found.to_json(orient="records", date_format="iso", force_ascii=False, lines=True))
    else:
        print(found.to_string(index=False) if len(found) else "no matches")
    return 0


def cmd_annotate(args) -> int:
    from .annotate import annotate, annotation_records, dumps, format_record
    from .workflow import open_corpus

    corpus = open_corpus(Path(args.path), options=_ingest_options(args), query=args.query)
    codebook = None if args.codebook == "none" else args.codebook
    notes = annotate(corpus, actor_a=args.actors[0], actor_b=args.actors[1], threshold=args.threshold,
                     codebook=codebook)
    for record in annotation_records(notes, corpus):
        print(dumps(record) if args.json else format_record(record) + "\n")
    return 0


def cmd_cluster(args) -> int:
    from .stories import cluster_corpus
    from .workflow import open_corpus

    corpus = open_corpus(Path(args.path), options=_ingest_options(args), query=args.query)
    if args.skip_duplicates and "is_exact_duplicate" in corpus:
        corpus = corpus[~corpus["is_exact_duplicate"].fillna(False).astype(bool)].reset_index(drop=True)
    if args.k != "auto" and not args.k.isdigit():
        raise ValueError(f"-k must be a whole number or 'auto', not {args.k!r}")
    k = "auto" if args.k == "auto" else int(args.k)
    result = cluster_corpus(corpus, n_clusters=k, method=args.method, stability_runs=args.stability_runs,
                            random_state=args.seed)
    out = result.write(args.out, corpus, freq=args.freq)
    columns = ["cluster", "size", "label", "headline"] + (["verdict"] if "verdict" in result.summary else [])
    if not args.quiet:
        print(result.summary[columns].to_string(index=False, max_colwidth=60))
        print(f"\n{len(corpus):,} documents in {result.clusterer.n_clusters_} clusters; tables in {out}")
    return 0


def cmd_report(args) -> int:
    from .report import build_report

    index = build_report(corpus=args.corpus, out=args.out, options=_ingest_options(args), quiet=args.quiet,
                         random_state=args.seed, demo_articles=args.demo_articles, query=args.query,
                         notebooks=not args.no_notebooks, freq=args.freq, events=args.events)
    print(f"report written to {index}")
    return 0


def cmd_collect(args) -> int:
    from datetime import datetime

    from . import collect

    bar, update = _progress(args.quiet)
    try:
        if args.source == "gdelt":
            if not args.start or not args.end:
                raise ValueError("collect gdelt needs --start and --end")
            start = datetime.fromisoformat(args.start).replace(tzinfo=None)
            end = datetime.fromisoformat(args.end).replace(tzinfo=None)
            articles, log = collect.collect_gdelt_doc(args.query, start, end, slice_hours=args.slice_hours,
                                                      pause=args.pause, progress=update)
            path = collect.write_gdelt_artlist(articles, args.out)
            failed = log.failed
            print(f"{len(articles):,} articles from {len(log.entries)} requests -> {path}")
        else:
            urls = collect.read_url_list(args.query)
            records = collect.rehydrate(urls, pause=args.pause, progress=update)
            path = collect.write_jsonl(records, args.out)
            failed = [r for r in records if r["status"] != "ok"]
            print(f"{len(records) - len(failed):,} of {len(records):,} pages with text -> {path}")
    finally:
        if bar is not None:
            bar.close()
    for entry in failed[:20]:
        print(f"  {entry['status']}: {entry.get('url')} {entry.get('error', '')}", file=sys.stderr)
    if failed:
        print(f"{len(failed)} requests did not give full results (listed above, first 20)", file=sys.stderr)
    return 0


def cmd_demo(args) -> int:
    from .demo import SIMULATED_NOTE, write_demo

    path = write_demo(args.out, args.articles, random_state=args.seed, broken_rows=not args.no_broken_rows)
    print(f"{SIMULATED_NOTE}\nwritten: {path}")
    return 0


def _add_ingest_command(commands) -> None:
    p = commands.add_parser("ingest", help="read files into a corpus store")
    p.add_argument("paths", nargs="+", help="files or folders (CSV/TSV, JSON/JSONL, Parquet, RSS/Atom, "
                                            "HTML/Markdown/text folders, Media Cloud and GDELT exports)")
    p.add_argument("--out", required=True, help="store folder to write (replaced if it exists)")
    p.add_argument("--json", action="store_true", help="end stdout with one JSON object of the figures")
    p.add_argument("--quiet", action="store_true", help="no progress bar or summary")
    _add_ingest_arguments(p)
    p.set_defaults(func=cmd_ingest)


def _add_counts_command(commands) -> None:
    p = commands.add_parser("counts", help="document counts from a store")
    p.add_argument("store")
    p.add_argument("--by", nargs="+", default=["day"], help="day week month year outlet outlet_domain language ...")
    p.add_argument("--without-duplicates", action="store_true", help="count exact duplicates once")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_counts)


def _add_search_command(commands) -> None:
    p = commands.add_parser("search", help="full-text search or keyword in context")
    p.add_argument("store")
    p.add_argument("query", help='FTS5 query: putin AND kim, "korea utara", 북한*')
    p.add_argument("--kwic", action="store_true", help="show each occurrence in context")
    p.add_argument("--width", type=int, default=40)
    p.add_argument("--limit", type=int, default=50)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_search)


def _add_query_command(commands) -> None:
    p = commands.add_parser("query", help='boolean query: actor:RUS AND actor:PRK, "korea utara"~5, title:(a OR b)')
    p.add_argument("store")
    p.add_argument("query")
    p.add_argument("--count", action="store_true", help="print only the number of matching documents")
    p.add_argument("--json", action="store_true", help="one JSON object per matching document")
    p.set_defaults(func=cmd_query)


def _add_annotate_command(commands) -> None:
    p = commands.add_parser("annotate", help="per document: language, actors, relevance, duplicates, wire origin, "
                                             "frames with their cues, cited sources")
    p.add_argument("path", help="a file, folder or corpus store (one .txt or .html article works too)")
    p.add_argument("--json", action="store_true", help="one JSON object per document per line")
    p.add_argument("--query", help="annotate only the documents matching this query")
    p.add_argument("--actors", nargs=2, default=["RUS", "PRK"], metavar=("A", "B"),
                   help="the relationship to score (default RUS PRK)")
    p.add_argument("--threshold", type=float, default=0.5, help="relevance threshold (default 0.5)")
    p.add_argument("--codebook", default="russia_dprk",
                   help="frames by dictionary: a packaged codebook (russia_dprk, semetko_valkenburg, policy_frames), "
                        "the path of your own YAML, or none (default russia_dprk)")
    _add_ingest_arguments(p)
    p.set_defaults(func=cmd_annotate)


def _add_cluster_command(commands) -> None:
    p = commands.add_parser("cluster", help="cluster documents into stories; write tables (sizes, terms, stability, time)")
    p.add_argument("path", help="a file, folder or corpus store")
    p.add_argument("--out", required=True, help="folder for the CSV tables")
    p.add_argument("-k", default="auto", help="number of clusters, or 'auto' (best silhouette over a range scaled to the corpus, about sqrt(n/2))")
    p.add_argument("--method", choices=["kmeans", "minibatch", "agglomerative", "hdbscan"], default="kmeans")
    p.add_argument("--query", help="cluster only the documents matching this query")
    p.add_argument("--skip-duplicates", action="store_true", help="leave exact duplicates out")
    p.add_argument("--stability-runs", type=int, default=3, help="seed and bootstrap refits each (0: none)")
    p.add_argument("--freq", default="auto", help="period of clusters_over_time.csv: D, W, M, or auto (default: week, month or quarter, the "
                                                  "finest in which 70%% of documents fall in periods of 20 or more)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--quiet", action="store_true")
    _add_ingest_arguments(p)
    p.set_defaults(func=cmd_cluster)


def _add_report_command(commands) -> None:
    p = commands.add_parser("report", help="build the report (default: the SIMULATED demo corpus)")
    p.add_argument("--corpus", nargs="+", help="files or folders to report on (default: the SIMULATED demo corpus)")
    p.add_argument("--seed", type=int, default=0, help="seed of the simulated demo corpus (default 0)")
    p.add_argument("--demo-articles", type=int, default=4000, help="size of the simulated demo corpus")
    p.add_argument("--out", help="output folder (default: reports/demo)")
    p.add_argument("--query", help="the notebooks analyse only the documents matching this query")
    p.add_argument("--freq", default="auto", help="period of the charts over time: D, W, M, or auto (default: week, month or quarter, the "
                                                  "finest in which 70%% of documents fall in periods of 20 or more)")
    p.add_argument("--no-notebooks", action="store_true", help="the ingest report only")
    p.add_argument("--events", help="timeline CSV (date, label) to mark on the charts over time "
                                    "(default: the demo's timeline on the demo, none on your corpus)")
    p.add_argument("--quiet", action="store_true")
    _add_ingest_arguments(p)
    p.set_defaults(func=cmd_report)


def _add_collect_command(commands) -> None:
    p = commands.add_parser("collect", help="collect from live services (needs internet)")
    p.add_argument("source", choices=["gdelt", "rehydrate"],
                   help="gdelt: DOC 2.0 article list for QUERY; rehydrate: fetch page texts for the URLs in file QUERY")
    p.add_argument("query", help="a GDELT query, or (rehydrate) a file of URLs or a GDELT article-list JSON")
    p.add_argument("--start", help="gdelt: start date/time, UTC (2024-06-01)")
    p.add_argument("--end", help="gdelt: end date/time, UTC (2024-07-01)")
    p.add_argument("--slice-hours", type=float, default=24)
    p.add_argument("--pause", type=float, default=5.0, help="seconds between requests (GDELT asks for 5)")
    p.add_argument("--out", required=True)
    p.add_argument("--quiet", action="store_true")
    p.set_defaults(func=cmd_collect)


def _add_demo_command(commands) -> None:
    p = commands.add_parser("demo", help="write the SIMULATED demo corpus to a JSON Lines file")
    p.add_argument("--out", required=True, help="file to write (.jsonl or .jsonl.gz)")
    p.add_argument("--articles", type=int, default=4000)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--no-broken-rows", action="store_true")
    p.set_defaults(func=cmd_demo)


# the subcommands in the order ``--help`` lists them; the module docstring names each one
COMMANDS = [_add_ingest_command, _add_counts_command, _add_search_command, _add_query_command,
            _add_annotate_command, _add_cluster_command, _add_report_command, _add_collect_command,
            _add_demo_command]


def build_parser() -> argparse.ArgumentParser:
    """The ``python -m analysis`` parser: one subcommand per function in :data:`COMMANDS`."""
    parser = argparse.ArgumentParser(prog="python -m analysis", description=__doc__.split("\n\n")[0])
    parser.add_argument("--version", action="version", version=f"analysis {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    for add_command in COMMANDS:
        add_command(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return _run(args)
    finally:
        # join native thread pools (pyarrow) while their libraries are still alive, so that
        # interpreter shutdown cannot abort after the work is done
        gc.collect()
        sys.stdout.flush()


def _run(args) -> int:
    from .corpus import SchemaError
    from .notebooks import NotebookError
    from .readers import IngestError

    try:
        return args.func(args)
    except (IngestError, SchemaError, FileNotFoundError, ValueError, NotebookError) as exc:
        if os.environ.get("ANALYSIS_DEBUG"):
            raise  # developers: see the whole traceback
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
