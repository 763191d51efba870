"""Benchmark: ingest the 50k-row RSS sample (rows/s and peak memory).

Compares, in the same process, against a baseline that only parses the same
file (``pandas.read_csv`` of every column as text): the ratio says what the
kit's mapping, cleaning, dating, outlet and language work costs on top of
reading. Machines here are noisy, so quote the ratios, not the seconds.

Usage::

    python benchmarks/bench_ingest.py           # the full 50k-row file
    python benchmarks/bench_ingest.py --quick   # the first 10k rows, under a minute

Prints a readable table; the last line of stdout is one JSON object with the figures.
The input is read from ``../shared/data`` (``$ANALYSIS_SHARED_DATA``); without it the
benchmark says so and exits 0 with ``{"skipped": ...}``.
"""
from __future__ import annotations

import argparse
import gc
import gzip
import json
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import pandas as pd

from analysis import config
from analysis.ingestion import IngestOptions
from analysis.store import ingest_to_store

FILE = "rss2023_news_sample_50k.csv.gz"


def _cold_caches():
    """Empty the parsers' memo caches so that no run profits from an earlier one."""
    from analysis.dates import _parse_cached
    from analysis.registry import OutletRegistry

    _parse_cached.cache_clear()
    OutletRegistry.default()._cache.clear()


def _timed(fn):
    _cold_caches()
    gc.collect()
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def _peak(fn) -> int:
    _cold_caches()
    gc.collect()
    tracemalloc.start()
    fn()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="first 10k rows only")
    args = parser.parse_args(argv)
    source = config.shared_data_dir() / FILE
    if not source.exists():
        print(f"skipped: {source} not found")
        print(json.dumps({"benchmark": "ingest", "skipped": f"{source} not found"}))
        return 0
    work = Path(tempfile.mkdtemp(prefix="bench_ingest_"))
    path = source
    if args.quick:  # a prefix of the same file keeps the mix of outlets and languages
        frame = pd.read_csv(source, dtype="str", keep_default_na=False, nrows=10_000)
        path = work / "quick.csv.gz"
        with gzip.open(path, "wt", encoding="utf-8", newline="") as fh:
            frame.to_csv(fh, index=False)
    rows = len(pd.read_csv(path, dtype="str", usecols=[0]))

    def baseline():
        return pd.read_csv(path, dtype="str", keep_default_na=False)

    def kit(detect_language=True):
        options = IngestOptions(detect_language=detect_language)
        return ingest_to_store([path], work / f"store-{detect_language}", options)

    t_base, _ = _timed(baseline)
    t_kit, (_, report) = _timed(kit)
    t_nolang, _ = _timed(lambda: kit(False))
    m_base = _peak(baseline)
    m_kit = _peak(kit)
    assert report.rows_read == rows == report.rows_accepted + report.rows_rejected

    table = [
        ("pandas.read_csv (baseline)", t_base, rows / t_base, m_base),
        ("ingest_to_store", t_kit, rows / t_kit, m_kit),
        ("ingest_to_store, no language detection", t_nolang, rows / t_nolang, None),
    ]
    print(f"bench_ingest: {path.name}, {rows:,} rows{' (quick)' if args.quick else ''}")
    print(f"{'step':<42}{'seconds':>9}{'rows/s':>10}{'peak MiB':>10}")
    for name, seconds, rate, peak in table:
        mib = f"{peak / 2**20:.1f}" if peak is not None else "-"
        print(f"{name:<42}{seconds:>9.2f}{rate:>10,.0f}{mib:>10}")
    print(f"ingest / baseline time: {t_kit / t_base:.1f}x; language detection share: "
          f"{(t_kit - t_nolang) / t_kit:.0%}; peak memory ratio {m_kit / m_base:.1f}x")
    print(f"accepted {report.rows_accepted:,}, rejected {report.rows_rejected:,}, "
          f"exact duplicates {report.exact_duplicates:,}; process max RSS "
          f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")
    print(json.dumps({
        "benchmark": "ingest", "file": FILE, "quick": args.quick, "rows": rows,
        "baseline_seconds": round(t_base, 3), "ingest_seconds": round(t_kit, 3),
        "ingest_no_language_seconds": round(t_nolang, 3),
        "ingest_rows_per_second": round(rows / t_kit, 1),
        "ingest_over_baseline_time": round(t_kit / t_base, 2),
        "baseline_peak_mib": round(m_base / 2**20, 1), "ingest_peak_mib": round(m_kit / 2**20, 1),
        "ingest_over_baseline_memory": round(m_kit / m_base, 2),
        "rows_accepted": report.rows_accepted, "rows_rejected": report.rows_rejected,
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
