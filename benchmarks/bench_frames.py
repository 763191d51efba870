"""Benchmark: the supervised frame classifier against the baseline a user would write by hand.

Real data: the 428 English climate articles of ``narrative_frames_corpus_en_2017-2019.csv.gz``
(Frermann et al. 2023) with five gold frames (resolution, human interest, conflict, moral,
economic). The file is read with ``analysis.ingestion.ingest`` (the kit's columns) and the labels
are joined back by the file's ``article_id``, which ingestion keeps as ``source_id``. Article 405
(politicususa) has no labels in the source: it is dropped, and the run says so.

On the same 5 folds (:func:`analysis.frame_classifier.multilabel_folds`, seed 0), in one run:

* ours: ``FrameClassifier()`` (framing TF-IDF over the kit's tokens, one class-balanced logistic
  regression per frame, sigmoid calibration and the F1 cut both from out-of-fold probabilities of
  the training folds only), through ``cross_validate_frames``;
* baseline: scikit-learn ``TfidfVectorizer()`` on title + lead + text and
  ``LogisticRegression(class_weight="balanced")`` per frame, predicting at 0.5;
* majority: each frame's majority class in the training folds;
* dictionary: ``FrameScorer("semetko_valkenburg")`` (the gold frames mapped onto Semetko and
  Valkenburg's five; "resolution" is only the solving half of attribution of responsibility), each
  frame's threshold chosen by :func:`analysis.frames.best_thresholds` on the training folds.

Last, dictionary scoring speed: ``FrameScorer.transform`` on 100,000 SIMULATED demo articles
(10,000 with ``--quick``; generating them is not timed), the actor tagger on the same articles as the
in-process baseline (``scoring_over_actor_tagging_time``).

``train_cv_seconds`` is the 5-fold cross-validation plus one fit on all coded articles. The full
run repeats ours and the baseline over fold seeds 0, 1, 2 and quotes the mean and the smallest gap;
``--quick`` runs seed 0 only. Then, on the SIMULATED demo: ``FrameClassifier`` trained on 400
truth-coded articles (``load_demo(400, random_state=0)``) and evaluated on 1,000 others
(``random_state=1``: no rewrite or copy of a training article can leak in), and the
shares of each frame in those 1,000 as predicted (naive) and corrected with the cross-validated
error rates of the 400 (``corrected_prevalence``), against the planted truth.

Usage::

    python benchmarks/bench_frames.py --quick   # seed 0, under a minute
    python benchmarks/bench_frames.py           # fold seeds 0, 1, 2

Prints readable tables; the last line of stdout is one JSON object with the figures. Machines
here are noisy: quote the differences and ratios, not the seconds.
"""
from __future__ import annotations

import argparse
import json
import sys
import time

import numpy as np
import pandas as pd

FILE = "narrative_frames_corpus_en_2017-2019.csv.gz"
FRAMES = ["frame_resolution", "frame_human_interest", "frame_conflict", "frame_moral", "frame_economic"]
CV = 5


def load_coded(path) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    """The ingested articles with labels, their 0/1 codes (same index) and the ids dropped for lack of labels."""
    from analysis.ingestion import ingest

    corpus, _ = ingest(path)
    raw = pd.read_csv(path, dtype={"article_id": "str"})
    unlabelled = raw[raw[FRAMES].isna().any(axis=1)]["article_id"].tolist()
    labels = raw.dropna(subset=FRAMES).set_index("article_id")[FRAMES]
    labels = labels.apply(lambda c: c.astype(str).str.strip().str.lower().map({"true": 1, "false": 0}))
    corpus = corpus[corpus["source_id"].isin(labels.index)].reset_index(drop=True)
    codes = labels.loc[corpus["source_id"]].reset_index(drop=True).astype("int64")
    return corpus, codes, unlabelled


def f1_per_frame(truth: np.ndarray, pred: np.ndarray) -> np.ndarray:
    from sklearn.metrics import f1_score

    return np.array([f1_score(truth[:, j], pred[:, j], zero_division=0) for j in range(truth.shape[1])])


def baseline_predictions(corpus: pd.DataFrame, codes: pd.DataFrame, folds: np.ndarray) -> tuple[np.ndarray, float]:
    """Out-of-fold predictions of the hand-written baseline, and its seconds."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    text = (corpus["title"].fillna("") + "\n" + corpus["lead"].fillna("") + "\n" + corpus["text"].fillna("")).to_numpy()
    Y = codes.to_numpy()
    pred = np.zeros(Y.shape, dtype=np.int64)
    start = time.perf_counter()
    for fold in np.unique(folds):
        train, test = folds != fold, folds == fold
        vectorizer = TfidfVectorizer()
        X_train, X_test = vectorizer.fit_transform(text[train]), vectorizer.transform(text[test])
        for j in range(Y.shape[1]):
            pred[test, j] = LogisticRegression(class_weight="balanced").fit(X_train, Y[train, j]).predict(X_test)
    return pred, time.perf_counter() - start


#: The gold narrative frames as frames of the semetko_valkenburg codebook (its header says where it is loose).
DICTIONARY_FRAMES = {"frame_resolution": "attribution_of_responsibility", "frame_human_interest": "human_interest",
                     "frame_conflict": "conflict", "frame_moral": "morality", "frame_economic": "economic_consequences"}


def dictionary_predictions(corpus: pd.DataFrame, codes: pd.DataFrame, folds: np.ndarray) -> np.ndarray:
    """Out-of-fold predictions of FrameScorer (semetko_valkenburg), thresholds chosen on the training folds."""
    from analysis.frames import FrameScorer, best_thresholds

    scorer = FrameScorer("semetko_valkenburg").fit()
    scores = pd.DataFrame(scorer.transform(corpus), columns=scorer.get_feature_names_out())
    scores = scores[[DICTIONARY_FRAMES[f] for f in codes.columns]].set_axis(list(codes.columns), axis=1)
    pred = np.zeros(codes.shape, dtype=np.int64)
    for fold in np.unique(folds):
        train, test = folds != fold, folds == fold
        limits = best_thresholds(scores[train], codes[train])
        pred[test] = (scores[test].to_numpy() >= np.array([limits[f] for f in codes.columns])).astype(np.int64)
    return pred


def scoring_speed(n: int) -> dict:
    """Dictionary scoring (FrameScorer.transform) on ``n`` SIMULATED demo articles, the actor tagger as baseline."""
    from analysis.actors import ActorTagger
    from analysis.demo import load_demo
    from analysis.frames import FrameScorer

    demo = load_demo(n)
    scorer, tagger = FrameScorer().fit(), ActorTagger().fit()
    start = time.perf_counter()
    scorer.transform(demo)
    frames = time.perf_counter() - start
    start = time.perf_counter()
    tagger.transform(demo)
    actors = time.perf_counter() - start
    return {"docs": n, "seconds": frames, "docs_per_s": n / frames, "actor_seconds": actors}


def majority_predictions(codes: pd.DataFrame, folds: np.ndarray) -> np.ndarray:
    Y = codes.to_numpy()
    pred = np.zeros(Y.shape, dtype=np.int64)
    for fold in np.unique(folds):
        train, test = folds != fold, folds == fold
        pred[test] = (Y[train].mean(axis=0) > 0.5).astype(np.int64)
    return pred


def real_run(corpus: pd.DataFrame, codes: pd.DataFrame, seed: int) -> dict:
    """Ours, the baseline and the majority class on the folds of one seed."""
    from analysis.frame_classifier import FrameClassifier, cross_validate_frames

    start = time.perf_counter()
    cv = cross_validate_frames(FrameClassifier(), corpus, codes, cv=CV, by=None, random_state=seed)
    FrameClassifier().fit(corpus, codes)  # the model one would then apply to a corpus
    train_cv = time.perf_counter() - start
    truth = codes.to_numpy()
    base, base_seconds = baseline_predictions(corpus, codes, cv.folds)
    return {"seed": seed, "ours": f1_per_frame(truth, cv.oof_pred.to_numpy()), "baseline": f1_per_frame(truth, base),
            "dictionary": f1_per_frame(truth, dictionary_predictions(corpus, codes, cv.folds)),
            "majority": f1_per_frame(truth, majority_predictions(codes, cv.folds)), "train_cv_seconds": train_cv,
            "cv_seconds": cv.seconds, "baseline_seconds": base_seconds, "table": cv.table}


SHIFT_KEEP = 0.35  # share of the articles with (or without) a frame kept to shift its prevalence


def _shifted(codes: pd.DataFrame, frame: str, rng) -> dict:
    """Rows kept for each shift of one frame's prevalence: none, fewer (35% of its articles kept), more."""
    has = codes[frame].to_numpy() == 1
    draw = rng.random_sample(len(has)) < SHIFT_KEEP
    return {"none": np.ones(len(has), dtype=bool), "fewer": ~has | draw, "more": has | draw}


def real_prevalence(corpus: pd.DataFrame, codes: pd.DataFrame) -> pd.DataFrame:
    """Frame shares in one half of the real articles, predicted by a classifier coded on the other half,
    naive and corrected, against the gold share; each frame's share also shifted down and up by dropping
    articles. The recipe: ``FrameClassifier(threshold="youden")`` (largest tpr - fpr) and the rates of
    the coded half's out-of-fold probabilities at its thresholds."""
    from analysis.frame_classifier import FrameClassifier, cross_validate_frames, multilabel_folds
    from analysis.prevalence import corrected_prevalence

    halves = multilabel_folds(codes.to_numpy(), 2, random_state=0)
    rng = np.random.RandomState(0)
    rows = []
    for half in (0, 1):
        coded, target = halves == half, halves != half
        clf = FrameClassifier(threshold="youden").fit(corpus[coded], codes[coded])
        cv = cross_validate_frames(clf, corpus[coded], codes[coded], cv=CV, by=None)
        rates = cv.error_rates(thresholds=clf.thresholds_)
        predicted = pd.DataFrame(clf.predict(corpus[target]), columns=clf.frames_)
        gold = codes[target].reset_index(drop=True)
        for frame in clf.frames_:
            for shift, keep in _shifted(gold, frame, rng).items():
                share = corrected_prevalence(predicted.loc[keep, [frame]], rates["tpr"][[frame]], rates["fpr"][[frame]],
                                             positives=rates["positives"], negatives=rates["negatives"])
                rows.append(share.assign(truth=gold.loc[keep, frame].mean(), shift=shift, half=half))
    return pd.concat(rows, ignore_index=True)


def demo_run() -> dict:
    """Train on 400 truth-coded SIMULATED articles, test on 1,000 of another seed; frame shares too."""
    from analysis.demo import load_demo
    from analysis.frame_classifier import FrameClassifier, cross_validate_frames, frame_codes
    from analysis.prevalence import corrected_prevalence

    coded, other = load_demo(400, random_state=0), load_demo(1000, random_state=1)  # SIMULATED
    codes = frame_codes(coded["truth_frames"])
    truth = frame_codes(other["truth_frames"]).reindex(columns=codes.columns, fill_value=0)
    clf = FrameClassifier().fit(coded, codes)
    counter = FrameClassifier(threshold="youden").fit(coded, codes)  # the cuts for counting
    rates = cross_validate_frames(counter, coded, codes, cv=CV, by=None).error_rates(thresholds=counter.thresholds_)
    counted = pd.DataFrame(counter.predict(other), columns=counter.frames_, index=other.index)
    shares = corrected_prevalence(counted, rates["tpr"], rates["fpr"], positives=rates["positives"],
                                  negatives=rates["negatives"])
    predicted = pd.DataFrame(clf.predict(other), columns=clf.frames_, index=other.index)
    shares["truth"] = truth.mean().reindex(shares["frame"]).to_numpy()
    return {"f1": f1_per_frame(truth.to_numpy(), predicted.to_numpy()), "frames": list(clf.frames_), "shares": shares}


def print_shares(shares: pd.DataFrame, f1=None) -> None:
    print(f"{'frame':<24}{'F1' if f1 is not None else '':>7}{'truth':>8}{'naive':>8}{'corrected':>11}{'95% interval':>16}")
    for j, (_, row) in enumerate(shares.iterrows()):
        score = f"{f1[j]:.3f}" if f1 is not None else ""
        print(f"{row['frame']:<24}{score:>7}{row['truth']:>8.3f}{row['naive']:>8.3f}{row['corrected']:>11.3f}"
              f"{f'{row.low:.3f}-{row.high:.3f}':>16}")


def _share_errors(shares: pd.DataFrame, prefix: str) -> dict:
    return {f"{prefix}_mae_naive": round(float((shares["naive"] - shares["truth"]).abs().mean()), 4),
            f"{prefix}_mae_corrected": round(float((shares["corrected"] - shares["truth"]).abs().mean()), 4),
            f"{prefix}_truth_covered": int(((shares["low"] <= shares["truth"]) & (shares["truth"] <= shares["high"])).sum()),
            f"{prefix}_shares": len(shares)}


def _spread(real_shares: pd.DataFrame) -> dict:
    by_shift = real_shares.groupby("shift")[["truth", "naive", "corrected"]].mean()
    return (by_shift.loc["more"] - by_shift.loc["fewer"]).round(3).to_dict()


def print_tables(runs: list[dict], demo: dict, n_docs: int, real_shares: pd.DataFrame) -> None:
    first = runs[0]
    header = (f"{'frame':<24}{'prevalence':>11}{'ours F1':>9}{'dictionary':>11}{'baseline':>10}{'majority':>10}"
              f"{'tpr':>7}{'fpr':>7}")
    print(f"\nReal narrative-frames corpus, {n_docs} coded articles, {CV}-fold CV (fold seed {first['seed']})")
    print(header + "\n" + "-" * len(header))
    table = first["table"].set_index("frame")
    for j, frame in enumerate(FRAMES):
        row = table.loc[frame]
        print(f"{frame:<24}{row['support'] / row['n']:>11.3f}{first['ours'][j]:>9.3f}{first['dictionary'][j]:>11.3f}"
              f"{first['baseline'][j]:>10.3f}"
              f"{first['majority'][j]:>10.3f}{row['tpr']:>7.3f}{row['fpr']:>7.3f}")
    print(f"{'macro-F1':<24}{'':>11}{first['ours'].mean():>9.3f}{first['dictionary'].mean():>11.3f}"
          f"{first['baseline'].mean():>10.3f}"
          f"{first['majority'].mean():>10.3f}")
    for run in runs[1:]:
        print(f"fold seed {run['seed']}: macro-F1 ours {run['ours'].mean():.3f}, baseline {run['baseline'].mean():.3f}")
    print("\nFrame shares in one real half, coded on the other (both ways; 5 frames), with each frame's share "
          f"shifted by keeping {SHIFT_KEEP:.0%} of its articles (fewer) or of the others (more)")
    header = f"{'shift':<8}{'shares':>7}{'truth':>8}{'naive':>8}{'corrected':>11}{'|naive err|':>13}{'|corr. err|':>13}{'covered':>9}"
    print(header + "\n" + "-" * len(header))
    for shift in ("fewer", "none", "more"):
        rows = real_shares[real_shares["shift"] == shift]
        covered = ((rows["low"] <= rows["truth"]) & (rows["truth"] <= rows["high"])).sum()
        print(f"{shift:<8}{len(rows):>7}{rows['truth'].mean():>8.3f}{rows['naive'].mean():>8.3f}"
              f"{rows['corrected'].mean():>11.3f}{(rows['naive'] - rows['truth']).abs().mean():>13.3f}"
              f"{(rows['corrected'] - rows['truth']).abs().mean():>13.3f}{f'{covered}/{len(rows)}':>9}")
    spread = _spread(real_shares)
    print(f"mean share with more minus with fewer: truth {spread['truth']:.3f}, naive {spread['naive']:.3f}, "
          f"corrected {spread['corrected']:.3f} (the naive share shrinks differences between groups by tpr - fpr)")
    print("\nSIMULATED demo: trained on 400 truth-coded articles, tested on 1,000 others (F1 at the F1 cuts; "
          "shares counted at the youden cuts)")
    print_shares(demo["shares"], demo["f1"])


def summary(runs: list[dict], demo: dict, quick: bool, n_docs: int, dropped: list[str], real_shares) -> dict:
    first = runs[0]
    out = {
        "benchmark": "frames", "quick": quick, "file": FILE, "docs": n_docs, "dropped_unlabelled": dropped,
        "folds": CV, "macro_f1_classifier": round(float(first["ours"].mean()), 3),
        "macro_f1_baseline": round(float(first["baseline"].mean()), 3),
        "macro_f1_majority": round(float(first["majority"].mean()), 3),
        "macro_f1_dictionary": round(float(first["dictionary"].mean()), 3),
        "classifier_minus_baseline": round(float(first["ours"].mean() - first["baseline"].mean()), 3),
        **{f"f1_classifier_{f.removeprefix('frame_')}": round(float(v), 3) for f, v in zip(FRAMES, first["ours"])},
        **{f"f1_baseline_{f.removeprefix('frame_')}": round(float(v), 3) for f, v in zip(FRAMES, first["baseline"])},
        "train_cv_seconds": round(first["train_cv_seconds"], 2), "cv_seconds": round(first["cv_seconds"], 2),
        "baseline_cv_seconds": round(first["baseline_seconds"], 2),
        "train_cv_over_baseline_time": round(first["train_cv_seconds"] / first["baseline_seconds"], 1),
        "demo_frame_macro_f1": round(float(demo["f1"].mean()), 3),
        **_share_errors(real_shares, "real_shift_prevalence"),
        **{f"real_shift_spread_{k}": v for k, v in _spread(real_shares).items()}, **_share_errors(demo["shares"], "demo_prevalence"),
    }
    if len(runs) > 1:
        gaps = [r["ours"].mean() - r["baseline"].mean() for r in runs]
        out.update({"fold_seeds": [r["seed"] for r in runs],
                    "macro_f1_classifier_mean": round(float(np.mean([r["ours"].mean() for r in runs])), 3),
                    "macro_f1_baseline_mean": round(float(np.mean([r["baseline"].mean() for r in runs])), 3),
                    "classifier_minus_baseline_min": round(float(min(gaps)), 3)})
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fold seed 0 only (under a minute)")
    args = parser.parse_args(argv)
    from analysis import config

    source = config.shared_data_dir() / FILE
    if not source.exists():
        print(f"skipped: {source} not found")
        print(json.dumps({"benchmark": "frames", "skipped": f"{source} not found"}))
        return 0
    corpus, codes, dropped = load_coded(source)
    print(f"{FILE}: {len(corpus)} coded articles; dropped for lack of labels: article_id {', '.join(dropped)}")
    runs = [real_run(corpus, codes, seed) for seed in ([0] if args.quick else [0, 1, 2])]
    real_shares = real_prevalence(corpus, codes)
    demo = demo_run()
    print_tables(runs, demo, len(corpus), real_shares)
    speed = scoring_speed(10_000 if args.quick else 100_000)
    print(f"\nDictionary scoring (FrameScorer.transform, russia_dprk) on {speed['docs']:,} SIMULATED demo articles: "
          f"{speed['seconds']:.1f} s, {speed['docs_per_s']:,.0f} docs/s; the actor tagger on the same articles "
          f"{speed['actor_seconds']:.1f} s ({speed['seconds'] / speed['actor_seconds']:.2f}x its time)")
    result = summary(runs, demo, args.quick, len(corpus), dropped, real_shares)
    result.update(scoring_docs=speed["docs"], scoring_docs_per_s=round(speed["docs_per_s"], 1),
                  scoring_over_actor_tagging_time=round(speed["seconds"] / speed["actor_seconds"], 2))
    print(f"\nours - baseline macro-F1: {result['classifier_minus_baseline']:+.3f} (target +0.05); "
          f"train + {CV}-fold CV {result['train_cv_seconds']:.1f} s (target < 60 s), "
          f"{result['train_cv_over_baseline_time']}x the baseline's CV time; demo macro-F1 "
          f"{result['demo_frame_macro_f1']:.3f} (target >= 0.85).\nFrame shares, mean absolute error naive vs corrected: "
          f"real halves, shifted {result['real_shift_prevalence_mae_naive']:.3f} vs "
          f"{result['real_shift_prevalence_mae_corrected']:.3f} (truth inside "
          f"{result['real_shift_prevalence_truth_covered']} of {result['real_shift_prevalence_shares']} "
          f"corrected intervals); demo {result['demo_prevalence_mae_naive']:.3f} vs "
          f"{result['demo_prevalence_mae_corrected']:.3f}.")
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
