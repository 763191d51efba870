"""Benchmark: the SIMULATED demo corpus: load time at the default size, streaming at scale.

Measures, in one process:

* ``load_demo()`` (4,000 articles through the full ingest steps) against a
  baseline of generating the same raw rows only (``iter_demo_records``);
  the acceptance target is under 5 seconds for ``load_demo()``;
* streaming ``write_demo`` for N and 2N articles with tracemalloc: if the
  generator holds only one chunk, peak memory stays flat as N doubles
  (the ratio should be close to 1).

Usage::

    python benchmarks/bench_demo.py             # N = 100,000 (about 2 minutes)
    python benchmarks/bench_demo.py --quick     # N = 10,000, under a minute
    python benchmarks/bench_demo.py --articles 1000000   # the 1M scale

The last line of stdout is one JSON object with the figures.
"""
from __future__ import annotations

import argparse
import gc
import json
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

from analysis.demo import iter_demo_records, load_demo, write_demo


def _seconds(fn) -> float:
    gc.collect()
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def _peak_mib(fn) -> float:
    gc.collect()
    tracemalloc.start()
    fn()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 2**20


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--articles", type=int, help="N for the streaming test (default 100,000; quick 10,000)")
    args = parser.parse_args(argv)
    n = args.articles or (10_000 if args.quick else 100_000)
    work = Path(tempfile.mkdtemp(prefix="bench_demo_"))

    load_demo(200)  # warm imports, templates and the language model once, outside the timings
    t_raw = _seconds(lambda: sum(len(c) for c in iter_demo_records(4000)))
    t_load = _seconds(load_demo)
    t_stream = _seconds(lambda: write_demo(work / "n.jsonl.gz", n, chunk_size=5000))
    peak_n = _peak_mib(lambda: write_demo(work / "n.jsonl.gz", n // 2, chunk_size=5000))
    peak_2n = _peak_mib(lambda: write_demo(work / "2n.jsonl.gz", n, chunk_size=5000))

    print("bench_demo: SIMULATED demo corpus")
    print(f"{'step':<46}{'seconds':>9}{'articles/s':>12}")
    print(f"{'raw rows only, 4,000 (baseline)':<46}{t_raw:>9.2f}{4000 / t_raw:>12,.0f}")
    print(f"{'load_demo(), 4,000 (target < 5 s)':<46}{t_load:>9.2f}{4000 / t_load:>12,.0f}")
    print(f"{f'write_demo streaming, {n:,}':<46}{t_stream:>9.2f}{n / t_stream:>12,.0f}")
    print(f"load_demo / raw generation: {t_load / t_raw:.1f}x")
    print(f"peak traced memory writing {n // 2:,}: {peak_n:.1f} MiB; {n:,}: {peak_2n:.1f} MiB "
          f"(ratio {peak_2n / peak_n:.2f}; flat means one chunk at a time)")
    print(json.dumps({
        "benchmark": "demo", "quick": args.quick, "load_demo_seconds": round(t_load, 3),
        "raw_generation_seconds": round(t_raw, 3), "load_over_raw": round(t_load / t_raw, 2),
        "load_demo_under_5s": t_load < 5.0, "stream_articles": n, "stream_seconds": round(t_stream, 3),
        "stream_articles_per_second": round(n / t_stream, 1), "peak_mib_half": round(peak_n, 1),
        "peak_mib_full": round(peak_2n, 1), "peak_ratio_full_over_half": round(peak_2n / peak_n, 2),
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
