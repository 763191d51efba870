"""Benchmark: finding the coverage (actors, relevance, duplicates, lineage) on real RSS items.

Baseline in the same process: ingesting the same rows (the step every annotation needs
first). Quote the ratios: these machines are noisy.

Usage::

    python benchmarks/bench_annotate.py           # 20,000 rows of the 50k RSS sample
    python benchmarks/bench_annotate.py --quick   # 5,000 rows, under a minute

The last line of stdout is one JSON object with the figures.
"""
from __future__ import annotations

import argparse
import gc
import gzip
import json
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import pandas as pd

from analysis import config
from analysis.ingestion import ingest
from analysis.actors import ActorTagger
from analysis.duplicates import duplicate_groups
from analysis.lineage import wire_origins
from analysis.relevance import RelevanceScorer

FILE = "rss2023_news_sample_50k.csv.gz"


def timed(fn):
    gc.collect()
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    source = config.shared_data_dir() / FILE
    if not source.exists():
        print(f"skipped: {source} not found")
        print(json.dumps({"benchmark": "annotate", "skipped": f"{source} not found"}))
        return 0
    rows = 5_000 if args.quick else 20_000
    path = Path(tempfile.mkdtemp()) / "rows.csv.gz"
    with gzip.open(path, "wt", encoding="utf-8", newline="") as fh:
        pd.read_csv(source, dtype="str", keep_default_na=False, nrows=rows).to_csv(fh, index=False)

    t_ingest, (corpus, _) = timed(lambda: ingest(path))
    steps = {}
    steps["actors"], _ = timed(lambda: ActorTagger().fit().transform(corpus))
    steps["relevance"], scores = timed(lambda: RelevanceScorer().fit().explain(corpus))
    steps["duplicates"], groups = timed(lambda: duplicate_groups(corpus))
    steps["lineage"], origins = timed(lambda: wire_origins(corpus, groups))
    tracemalloc.start()
    duplicate_groups(corpus)
    dup_peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    total = sum(steps.values())

    print(f"bench_annotate: {rows:,} RSS rows ({FILE})")
    print(f"{'step':<22}{'seconds':>9}{'rows/s':>10}{'x ingest':>10}")
    print(f"{'ingest (baseline)':<22}{t_ingest:>9.2f}{rows / t_ingest:>10,.0f}{1.0:>10.2f}")
    for name, seconds in steps.items():
        print(f"{name:<22}{seconds:>9.2f}{rows / seconds:>10,.0f}{seconds / t_ingest:>10.2f}")
    print(f"all annotation steps: {total:.2f} s, {total / t_ingest:.2f}x the ingest time; "
          f"duplicate grouping peak traced memory {dup_peak:.1f} MiB")
    print(f"relevant to Russia-North Korea: {int(scores['relevant'].sum())}; near-duplicate groups with copies: "
          f"{int((groups['group_size'] > 1).sum())} rows; wire origin found: {int(origins['wire_origin'].notna().sum())}")
    print(json.dumps({
        "benchmark": "annotate", "quick": args.quick, "rows": rows, "ingest_seconds": round(t_ingest, 3),
        **{f"{k}_seconds": round(v, 3) for k, v in steps.items()},
        "annotate_over_ingest": round(total / t_ingest, 2), "annotate_rows_per_second": round(rows / total, 1),
        "duplicates_peak_mib": round(dup_peak, 1),
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
