"""Benchmark: dictionary frame scoring (FrameScorer.transform) on the SIMULATED demo corpus.

Only ``transform`` is timed (generating the demo is slow: about 3 to 5 minutes for 100,000 articles).
The actor tagger runs on the same articles as a baseline in the same process: quote the ratio,
these machines are noisy.

Usage::

    python benchmarks/bench_frames.py            # 100,000 demo articles
    python benchmarks/bench_frames.py --quick    # 10,000

The last line of stdout is one JSON object with the figures.
"""
from __future__ import annotations

import argparse
import gc
import json
import sys
import time

from analysis.actors import ActorTagger
from analysis.demo import load_demo
from analysis.frames import FrameScorer


def timed(fn):
    gc.collect()
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    n = 10_000 if args.quick else 100_000
    t_demo, demo = timed(lambda: load_demo(n))
    scorer, tagger = FrameScorer().fit(), ActorTagger().fit()
    t_frames, scores = timed(lambda: scorer.transform(demo))
    t_actors, _ = timed(lambda: tagger.transform(demo))
    print(f"bench_frames: {len(demo):,} SIMULATED demo articles (generated in {t_demo:.0f} s)")
    print(f"FrameScorer.transform  {t_frames:7.1f} s  {len(demo) / t_frames:8,.0f} docs/s")
    print(f"ActorTagger.transform  {t_actors:7.1f} s  {len(demo) / t_actors:8,.0f} docs/s  (baseline)")
    print(f"documents with a frame score >= 0.5 per 100 words: {int((scores >= 0.5).any(axis=1).sum()):,}")
    print(json.dumps({"benchmark": "frames", "quick": args.quick, "documents": len(demo),
                      "frames_seconds": round(t_frames, 2), "frames_docs_per_second": round(len(demo) / t_frames),
                      "actors_seconds": round(t_actors, 2), "frames_over_actors": round(t_frames / t_actors, 2)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
