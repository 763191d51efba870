"""Benchmark: who speaks. The attribution extractor against hand annotation, the demo's planted sources, speed.

Real data: the development sample of ``tests/data/sources_gold_{en,id,ru,ko}.jsonl`` (103 documents
drawn from the corpora in ``../shared/data``: KCNA 2024, the RSS 2023 headlines, the narrative
frames corpus, Yonhap/Chosun headlines and leads, Kompas full text, RT and Nezavisimaya Gazeta;
annotated by the guideline ``tests/data/sources_gold_guideline.md``). Each corpus file is ingested
as a user would (:func:`analysis.source_gold.gold_corpus`, which refuses a text that is not the one
annotated), ``SourceExtractor`` runs on the documents, and predictions are scored where the
annotators looked (:func:`analysis.source_gold.annotated_fields`):

* detection: a predicted attribution matches a gold one of the same document and field when their
  spans overlap (one to one); precision, recall, F1 per language;
* canonical accuracy: of the matched attributions whose gold source is in the registry, the share
  given the right registry id (a gold id the registry lacks counts as "no id", the right answer
  for an unregistered speaker).

In the same process, the baseline a user would write by hand: in every sentence with a reporting
word of a short list ("said", "according to"; "kata", "menurut"; "заявил", "по словам"; "밝혔다",
"에 따르면"), the first name the speakers registry knows is the source.

On the SIMULATED demo: the planted ``truth_cited`` (quoted sources and credited wires) recovered
per document (:func:`analysis.attribution.score_demo`), and extraction speed on 20,000 demo
articles (5,000 with ``--quick``; generating them is not timed), one process and all cores.

Usage::

    python benchmarks/bench_sources.py --quick   # under a minute
    python benchmarks/bench_sources.py

Prints readable tables; the last line of stdout is one JSON object with the figures. Machines here
are noisy: quote the ratios, not the seconds.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
GOLD = sorted((ROOT / "tests" / "data").glob("sources_gold_*.jsonl"))
LANGUAGES = ["en", "id", "ru", "ko"]
#: The hand-written baseline's reporting words (a user's first attempt).
BASELINE_CUES = {
    "en": r"\b(?:said|says|told|according to|stated|announced)\b",
    "id": r"\b(?:kata|ujar|ujarnya|katanya|menurut|mengatakan|menyatakan)\b",
    "ru": r"(?:заявил\w*|сообщил\w*|сказал\w*|по словам|по данным|отметил\w*)",
    "ko": r"(?:밝혔다|말했다|따르면|전했다)",
}


def gold_tables(data_dir: Path):
    """The gold documents, their texts as ingested (``doc_id`` = gold key), and the items as scored."""
    from analysis.source_gold import gold_corpus, read_source_gold, scoring_items
    from analysis.speakers import SourceRegistry

    docs, items = read_source_gold(GOLD)
    corpus = gold_corpus(docs, data_dir).assign(doc_id=lambda c: c["key"])
    return docs, corpus, scoring_items(docs, items, SourceRegistry().ids)


def baseline_attributions(corpus: pd.DataFrame) -> pd.DataFrame:
    """The hand-written baseline: the first registered name in each sentence with a reporting word."""
    from analysis.sentences import sentence_spans
    from analysis.speakers import SourceRegistry

    registry = SourceRegistry()
    cues = {k: re.compile(v, re.IGNORECASE) for k, v in BASELINE_CUES.items()}
    rows = []
    for doc in corpus.itertuples(index=False):
        cue = cues.get(doc.language, cues["en"])
        for field in ("title", "lead", "text"):
            text = getattr(doc, field, None)
            if not isinstance(text, str):
                continue
            for start, end in sentence_spans(text):
                sentence = text[start:end]
                if cue.search(sentence):
                    names = registry.find(sentence, doc.language)
                    if names:
                        s, e, source, _ = names[0]
                        rows.append({"doc_id": doc.doc_id, "field": field, "start": start + s, "end": start + e,
                                     "canonical": source})
    return pd.DataFrame(rows, columns=["doc_id", "field", "start", "end", "canonical"])


def real_run(data_dir: Path) -> dict:
    from analysis.attribution import SourceExtractor, score_attributions
    from analysis.source_gold import annotated_fields

    docs, corpus, gold = gold_tables(data_dir)
    annotated = annotated_fields(docs)
    started = time.perf_counter()
    ours = SourceExtractor().fit().attributions(corpus)
    ours_seconds = time.perf_counter() - started
    started = time.perf_counter()
    base = baseline_attributions(corpus)
    base_seconds = time.perf_counter() - started
    return {"docs": docs, "gold": gold, "ours": score_attributions(ours, gold, annotated),
            "baseline": score_attributions(base, gold, annotated), "ours_seconds": ours_seconds,
            "baseline_seconds": base_seconds, "attributions": ours}


def demo_run(n: int) -> dict:
    from analysis.attribution import SourceExtractor, score_demo
    from analysis.demo import load_demo

    demo = load_demo(n, random_state=0)  # SIMULATED
    extractor = SourceExtractor().fit()
    extractor.attributions(demo.head(50))  # warm caches: not a measure of the first call
    started = time.perf_counter()
    table = extractor.attributions(demo)
    seconds = time.perf_counter() - started
    speed = {"docs": n, "seconds": seconds, "docs_per_s": n / seconds}
    if "n_jobs" in extractor.get_params():
        parallel = SourceExtractor(n_jobs=os.cpu_count()).fit()
        started = time.perf_counter()
        parallel_table = parallel.attributions(demo)
        speed["parallel_seconds"] = time.perf_counter() - started
        speed["parallel_docs_per_s"] = n / speed["parallel_seconds"]
        speed["parallel_same_output"] = bool(parallel_table.equals(table))
    return {"score": score_demo(table, demo), "speed": speed, "attributions": len(table)}


def print_tables(real: dict, demo: dict) -> None:
    columns = ["gold", "predicted", "matched", "precision", "recall", "f1", "canonical_n", "canonical_accuracy"]
    docs = real["docs"]["language"].value_counts()
    print(f"Development sample: {len(real['docs'])} real documents ({', '.join(f'{k} {v}' for k, v in docs.items())}), "
          f"{len(real['gold'])} hand-annotated attributions")
    for name in ("ours", "baseline"):
        table = real[name].reindex([*LANGUAGES, "all"])[columns]
        print(f"\n{'SourceExtractor' if name == 'ours' else 'baseline (reporting word + first registered name)'}"
              f" ({real[name + '_seconds']:.2f} s)")
        print(table.round(3).to_string())
    score, speed = demo["score"], demo["speed"]
    print(f"\nSIMULATED demo ({speed['docs']:,} articles): planted sources precision {score['precision']:.3f}, "
          f"recall {score['recall']:.3f}, F1 {score['f1']:.3f} ({score['matched']} of {score['truth']} planted, "
          f"{score['found']} found)")
    print(f"speed: one process {speed['docs_per_s']:,.0f} docs/s ({speed['seconds']:.1f} s)"
          + (f"; {os.cpu_count()} processes {speed['parallel_docs_per_s']:,.0f} docs/s, same output: "
             f"{speed['parallel_same_output']}" if "parallel_docs_per_s" in speed else ""))


def summary(real: dict, demo: dict, quick: bool) -> dict:
    ours, base = real["ours"], real["baseline"]
    result = {"benchmark": "sources", "quick": quick, "gold_documents": len(real["docs"]),
              "gold_attributions": len(real["gold"])}
    for lang in LANGUAGES:
        row = ours.loc[lang] if lang in ours.index else None
        result[f"f1_{lang}"] = None if row is None else round(float(row["f1"]), 3)
        result[f"precision_{lang}"] = None if row is None else round(float(row["precision"]), 3)
        result[f"recall_{lang}"] = None if row is None else round(float(row["recall"]), 3)
        result[f"canonical_accuracy_{lang}"] = None if row is None else round(float(row["canonical_accuracy"]), 3)
        result[f"baseline_f1_{lang}"] = round(float(base.loc[lang, "f1"]), 3) if lang in base.index else None
    result["f1_all"] = round(float(ours.loc["all", "f1"]), 3)
    result["baseline_f1_all"] = round(float(base.loc["all", "f1"]), 3)
    result["canonical_accuracy"] = round(float(ours.loc["all", "canonical_accuracy"]), 3)
    result["baseline_canonical_accuracy"] = round(float(base.loc["all", "canonical_accuracy"]), 3)
    result["demo_f1"] = round(demo["score"]["f1"], 3)
    result["demo_precision"] = round(demo["score"]["precision"], 3)
    result["demo_recall"] = round(demo["score"]["recall"], 3)
    speed = demo["speed"]
    result["docs_per_s_one_process"] = round(speed["docs_per_s"], 1)
    result["docs_per_s"] = round(speed.get("parallel_docs_per_s", speed["docs_per_s"]), 1)
    result["demo_docs"] = speed["docs"]
    result["extraction_over_baseline_time"] = round(real["ours_seconds"] / real["baseline_seconds"], 2)
    return result


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="5,000 demo articles for the speed (under a minute)")
    args = parser.parse_args(argv)
    from analysis import config

    data_dir = config.shared_data_dir()
    if not data_dir.exists():
        print(f"skipped: {data_dir} not found")
        print(json.dumps({"benchmark": "sources", "skipped": f"{data_dir} not found"}))
        return 0
    real = real_run(data_dir)
    demo = demo_run(5_000 if args.quick else 20_000)
    print_tables(real, demo)
    result = summary(real, demo, args.quick)
    print(f"\nTargets: F1 >= 0.85 en ({result['f1_en']}), >= 0.75 id/ru/ko ({result['f1_id']}, {result['f1_ru']}, "
          f"{result['f1_ko']}); canonical accuracy >= 0.85 ({result['canonical_accuracy']}); demo F1 >= 0.9 "
          f"({result['demo_f1']}); >= 3,000 docs/s ({result['docs_per_s']:,.0f}). Baseline F1 all "
          f"{result['baseline_f1_all']} vs ours {result['f1_all']}.")
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
