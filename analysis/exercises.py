"""Answer checks for the classroom exercises (``notebooks/exercises/``), from the demo's planted truth.

Each check takes the student's answer and what it needs to judge it, and returns a
:class:`Feedback` (printed in the notebook): ``correct``, or ``not yet`` with a hint. The checks
compare against the SIMULATED demo's ``truth_*`` columns, so they work only on the demo corpus.

Examples
--------
>>> import pandas as pd
>>> corpus = pd.DataFrame({"truth_story": ["treaty_signed", "treaty_signed", "x"], "language": ["en", "ko", "en"]})
>>> print(check_treaty_cluster(2, [2, 2, 0], corpus))
correct: cluster 2 holds 2 of the 2 treaty-signing articles.
>>> print(check_treaty_cluster(None, [2, 2, 0], corpus))
not answered yet: set `answer` to a cluster id (a whole number), then run the cell again.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class Feedback:
    correct: bool
    message: str

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return ("✅ " if self.correct else "➡️ ") + self.message

    def _repr_markdown_(self) -> str:
        return ("✅ " if self.correct else "➡️ ") + self.message


def _needs_truth(corpus: pd.DataFrame, column: str) -> Feedback | None:
    if column not in corpus:
        return Feedback(False, "this check needs the SIMULATED demo corpus (its planted truth); "
                               "run the exercise with corpus = None")
    return None


def _unanswered(what: str) -> Feedback:
    return Feedback(False, f"not answered yet: set `answer` to {what}, then run the cell again.")


def check_treaty_cluster(answer, labels, corpus: pd.DataFrame) -> Feedback:
    """Exercise 1, task 1: the cluster holding most articles on the treaty signing (19 June 2024)."""
    missing = _needs_truth(corpus, "truth_story")
    if missing:
        return missing
    if answer is None:
        return _unanswered("a cluster id (a whole number)")
    labels = np.asarray(labels)
    treaty = corpus["truth_story"].eq("treaty_signed").to_numpy()
    counts = pd.Series(labels[treaty]).value_counts()
    best = int(counts.index[0])
    if int(answer) == best:
        return Feedback(True, f"correct: cluster {best} holds {counts.iloc[0]} of the {treaty.sum()} "
                              "treaty-signing articles.")
    held = int(counts.get(int(answer), 0))
    return Feedback(False, f"not yet: cluster {answer} holds {held} treaty-signing articles. Hint: look for "
                           "sign together with treaty or mutual assistance in `result.summary['label']`, or read the "
                           "headlines of each cluster.")


def check_cluster_languages(answer, labels, corpus: pd.DataFrame, cluster: int) -> Feedback:
    """Exercise 1, task 2: how many languages the given cluster's articles are written in."""
    if answer is None:
        return _unanswered("a number of languages")
    languages = corpus.loc[np.asarray(labels) == cluster, "language"].dropna().nunique()
    if int(answer) == languages:
        return Feedback(True, f"correct: {languages} languages. The concept bridge lets one story form one "
                              "cluster across languages, without translation.")
    return Feedback(False, "not yet. Hint: `data.loc[result.labels == cluster, 'language'].value_counts()`.")


def reuters_share_truth(corpus: pd.DataFrame, relevant) -> float:
    """The planted share of relevant documents that are Reuters reports or copy or rewrite one."""
    frame = corpus[np.asarray(relevant, dtype=bool)]
    if not len(frame):
        return float("nan")
    return float((frame["truth_wire_origin"].eq("reuters") | frame["outlet"].eq("Reuters")).mean())


def check_reuters_share(answer, corpus: pd.DataFrame, relevant, *, tolerance: float = 0.05) -> Feedback:
    """Exercise 2, task 1: the share of the relationship coverage that comes from Reuters (0-1)."""
    missing = _needs_truth(corpus, "truth_wire_origin")
    if missing:
        return missing
    if answer is None:
        return _unanswered("a share between 0 and 1")
    truth = reuters_share_truth(corpus, relevant)
    if abs(float(answer) - truth) <= tolerance:
        return Feedback(True, f"correct: {float(answer):.1%}; the planted share is {truth:.1%}. Counting only "
                              "articles that *name* Reuters would miss the uncredited rewrites.")
    hint = ("too low: did you count only articles that credit Reuters? Use `wire_origins`, which also links "
            "copies and uncredited rewrites" if float(answer) < truth else
            "too high: the share is of the relevant documents, not of the Reuters-linked ones")
    return Feedback(False, f"not yet ({float(answer):.1%}): {hint}.")


def check_top_rewriter(answer, corpus: pd.DataFrame) -> Feedback:
    """Exercise 2, task 2: the outlet that publishes the most rewrites of Reuters reports."""
    missing = _needs_truth(corpus, "truth_wire_origin")
    if missing:
        return missing
    if answer is None:
        return _unanswered("an outlet name (a string)")
    rewrites = corpus[corpus["truth_wire_origin"].eq("reuters") & corpus["outlet"].ne("Reuters")]
    counts = rewrites["outlet"].value_counts()
    if str(answer) == counts.index[0]:
        return Feedback(True, f"correct: {answer}, with {counts.iloc[0]} Reuters-based articles.")
    return Feedback(False, f"not yet: {answer} has {int(counts.get(str(answer), 0))}. Hint: filter the wire "
                           "origins to reuters, leave Reuters' own articles out, count by outlet.")


def _weekly_event_documents(corpus: pd.DataFrame) -> pd.DataFrame:
    frame = corpus[corpus["truth_event"].fillna("").ne("") & corpus["published"].notna()]
    week = pd.to_datetime(frame["published"], utc=True).dt.tz_localize(None).dt.to_period("W").dt.start_time
    return frame.assign(week=week.to_numpy())


def check_peak_week(answer, corpus: pd.DataFrame) -> Feedback:
    """Exercise 3, task 1: the start date (Monday) of the week with the most relationship coverage."""
    missing = _needs_truth(corpus, "truth_event")
    if missing:
        return missing
    if answer is None:
        return _unanswered('a date, for example "2024-06-17"')
    weeks = _weekly_event_documents(corpus)["week"].value_counts()
    peak = weeks.index[0]
    given = pd.Timestamp(answer).to_period("W").start_time
    if given == peak:
        return Feedback(True, f"correct: the week of {peak:%Y-%m-%d}, with {weeks.iloc[0]} articles on the "
                              "relationship.")
    return Feedback(False, f"not yet: the week of {given:%Y-%m-%d} is not the peak. Hint: sort "
                           "`attention` by `n` (raw counts) and read `period_start`.")


def check_peak_event(answer, corpus: pd.DataFrame) -> Feedback:
    """Exercise 3, task 2: the event (its id, ``E07``) that drove the peak week."""
    missing = _needs_truth(corpus, "truth_event")
    if missing:
        return missing
    if answer is None:
        return _unanswered('an event id from the timeline, for example "E02"')
    frame = _weekly_event_documents(corpus)
    peak = frame["week"].value_counts().index[0]
    events = frame.loc[frame["week"] == peak, "truth_event"].value_counts()
    if str(answer) in events.index:
        others = [e for e in events.index if e != str(answer)]
        also = f"; {', '.join(others)} fell in the same week too" if others else ""
        return Feedback(True, f"correct: {answer} drove {events[str(answer)]} of that week's articles{also}.")
    return Feedback(False, f"not yet: {answer} is not the main event of that week. Hint: which timeline dates "
                           "fall inside the peak week? Compare with the headlines of that week.")


def planted_codes(sample: pd.DataFrame, frames, *, coder: str = "A") -> pd.DataFrame:
    """Exercise 4: the demo's planted frames of ``sample`` as one coder's codes (the long table of
    :func:`analysis.coding.read_coding_sheets`): a stand-in for a coder who is always right."""
    missing = _needs_truth(sample, "truth_frames")
    if missing:
        raise ValueError(missing.message)
    planted = sample["truth_frames"].fillna("").str.split("|")
    rows = [(u, d, coder, f, int(f in p)) for u, d, p in zip(sample["unit_id"], sample["doc_id"], planted) for f in frames]
    return pd.DataFrame(rows, columns=["unit_id", "doc_id", "coder", "frame", "value"]).astype({"value": "Int64"})


def second_coder(codes: pd.DataFrame, *, coder: str = "B", flip: float = 0.15, random_state=0) -> pd.DataFrame:
    """Exercise 4: a SIMULATED second coder who disagrees with ``codes`` on a share ``flip`` of the decisions."""
    rng = np.random.default_rng(random_state)
    flipped = rng.random(len(codes)) < flip
    values = codes["value"].astype(int).to_numpy()
    return codes.assign(coder=coder, value=pd.array(np.where(flipped, 1 - values, values), dtype="Int64"))


def check_alpha(answer, codes: pd.DataFrame, frame: str, *, tolerance: float = 0.01) -> Feedback:
    """Exercise 4, task 1: Krippendorff's alpha (nominal) of ``frame`` between the coders of ``codes``."""
    from .coding import agreement

    if answer is None:
        return _unanswered("a number between -1 and 1")
    expected = float(agreement(codes).set_index("frame").loc[frame, "alpha"])
    if abs(float(answer) - expected) <= tolerance:
        return Feedback(True, f"correct: alpha = {expected:.3f} for {frame}"
                              + (" (below 0.667: not reliable enough to validate anything)." if expected < 0.667 else "."))
    return Feedback(False, f"not yet ({float(answer):.3f}): alpha is not percent agreement. Hint: "
                           "`coding.agreement(codes)` gives both; alpha corrects agreement for chance.")


def check_prevalence(answer, corpus: pd.DataFrame, frame: str, *, tolerance: float = 0.05) -> Feedback:
    """Exercise 4, task 3: the share of ``corpus`` whose planted frames include ``frame``."""
    missing = _needs_truth(corpus, "truth_frames")
    if missing:
        return missing
    if answer is None:
        return _unanswered("a share between 0 and 1")
    truth = float(corpus["truth_frames"].fillna("").str.split("|").map(lambda f: frame in f).mean())
    if abs(float(answer) - truth) <= tolerance:
        return Feedback(True, f"correct: the planted share of {frame} is {truth:.3f}; yours is {float(answer):.3f}.")
    hint = ("too high: a classifier's raw count includes its false positives; correct it with "
            "`corrected_prevalence`" if float(answer) > truth else "too low: did you take a share of the right documents?")
    return Feedback(False, f"not yet ({float(answer):.3f}): {hint}.")


def _demo_source_names() -> tuple[set[str], dict[str, str]]:
    """The demo's wire keys, and each demo source key and registry id (when the templates give one) -> key."""
    templates = _templates()
    names = {}
    for key, source in templates["sources"].items():
        names[key.casefold()] = key
        if source.get("registry"):
            names[str(source["registry"]).casefold()] = key
    for body, key in demo_voice_bodies().items():
        names.setdefault(body.casefold(), key)
    return set(templates["wires"]), names


def demo_voice_bodies() -> dict[str, str]:
    """``{body id: demo source key}``: the body each voice the demo quotes speaks for (the top of its
    registry chain below the state, :func:`analysis.source_trends.institution_ids`): PENTAGON for the
    Pentagon's spokeswoman, KREMLIN for Peskov. Wires are left out. SIMULATED truth.

    Examples
    --------
    >>> bodies = demo_voice_bodies()
    >>> bodies["PENTAGON"], bodies["NIS"]
    ('pentagon', 'nis')
    """
    from .attribution import demo_source_map
    from .source_trends import institution_ids
    from .speakers import SourceRegistry

    templates = _templates()
    registry = SourceRegistry()
    voices = {key: target for key, target in demo_source_map().items() if key in templates["sources"]}
    chains = pd.DataFrame({"chain": [" > ".join(registry.chain(v)) for v in voices.values()],
                           "country": [registry.country(v) for v in voices.values()]})
    return dict(zip(institution_ids(chains), voices))


def _templates() -> dict:
    """The demo's templates (``registry/demo_templates.yaml``)."""
    from . import config

    return config.read_yaml(config.REGISTRY_DIR / "demo_templates.yaml")


def rewrite_source_changes(corpus: pd.DataFrame, *, language: str = "id") -> pd.DataFrame:
    """Exercise 5: the planted sources each rewrite in ``language`` keeps, drops and adds from its wire version.

    One row per rewrite whose wire original is in ``corpus``: ``doc_id``, ``original``, ``outlet``,
    ``wire``, ``credited`` (the rewrite names the wire), and lists of demo source keys ``kept``,
    ``dropped`` (quoted in the original, not in the rewrite) and ``added`` (a local voice). The
    credit to the wire itself is not a quoted source and is left out. SIMULATED truth.

    Examples
    --------
    >>> from analysis.demo import load_demo
    >>> changes = rewrite_source_changes(load_demo(400, random_state=0))
    >>> sorted(changes.columns)[:4]
    ['added', 'credited', 'doc_id', 'dropped']
    """
    wires, _ = _demo_source_names()
    cited = corpus.set_index("doc_id")["truth_cited"].fillna("")
    rewrites = corpus[corpus["truth_is_rewrite_of"].fillna("").ne("") & corpus["language"].eq(language)
                      & corpus["truth_is_rewrite_of"].isin(corpus["doc_id"])]
    rows = []
    for row in rewrites.itertuples(index=False):
        original = [s for s in cited[row.truth_is_rewrite_of].split("|") if s and s not in wires]
        own = [s for s in cited[row.doc_id].split("|") if s and s not in wires]
        rows.append({"doc_id": row.doc_id, "original": row.truth_is_rewrite_of, "outlet": row.outlet,
                     "wire": row.truth_wire_origin, "credited": row.truth_credited == "yes",
                     "kept": [s for s in original if s in own], "dropped": [s for s in original if s not in own],
                     "added": [s for s in own if s not in original]})
    return pd.DataFrame(rows, columns=["doc_id", "original", "outlet", "wire", "credited", "kept", "dropped", "added"])


def check_kept_share(answer, corpus: pd.DataFrame, *, tolerance: float = 0.05) -> Feedback:
    """Exercise 5, task 1: of the sources the wire originals quote, the share Indonesian rewrites keep (0-1)."""
    missing = _needs_truth(corpus, "truth_cited")
    if missing:
        return missing
    if answer is None:
        return _unanswered("a share between 0 and 1")
    changes = rewrite_source_changes(corpus)
    kept, dropped = changes["kept"].str.len().sum(), changes["dropped"].str.len().sum()
    truth = kept / (kept + dropped)
    if abs(float(answer) - truth) <= tolerance:
        return Feedback(True, f"correct: the {len(changes)} Indonesian rewrites keep {truth:.1%} of the "
                              f"{kept + dropped} quotes of their wire versions (yours: {float(answer):.1%}).")
    hint = ("too low: did you count the wire's credit as a dropped source, or miss quotes the extractor found "
            "under a surname? Compare registry ids, not spans" if float(answer) < truth else
            "too high: a source the rewrite adds is not one it keeps; count only the original's sources")
    return Feedback(False, f"not yet ({float(answer):.1%}): {hint}.")


def check_changed_source(answer, corpus: pd.DataFrame, *, change: str = "dropped") -> Feedback:
    """Exercise 5, task 2: the source Indonesian rewrites drop (``change="dropped"``) or add (``"added"``)
    most often, as a registry id or demo source key."""
    missing = _needs_truth(corpus, "truth_cited")
    if missing:
        return missing
    if change not in {"dropped", "added"}:
        raise ValueError(f"change must be 'dropped' or 'added', not {change!r}")
    if answer is None:
        return _unanswered("a source's registry id (a string such as 'PESKOV')")
    counts = rewrite_source_changes(corpus)[change].explode().dropna().value_counts()
    _, names = _demo_source_names()
    key = names.get(str(answer).casefold())
    if key is not None and key == counts.index[0]:
        return Feedback(True, f"correct: {answer}, {change} by {counts.iloc[0]} rewrites (the next: "
                              f"{counts.index[1]}, {counts.iloc[1]}).")
    return Feedback(False, f"not yet: {answer} is {change} {int(counts.get(key, 0))} times. Hint: for each rewrite, "
                           "compare the registry ids it cites with those of its original, leaving the wire credit out.")
