"""The framing exercise's checks (exercise 4): right answers pass, wrong ones get a hint."""
import pandas as pd

from analysis import coding, exercises
from analysis.demo import load_demo

FRAMES = ["security_threat", "human_cost"]


def _codes():
    demo = load_demo(300, random_state=2)  # SIMULATED
    sample = coding.draw_coding_sample(demo[demo["truth_frames"].fillna("") != ""], 30, by=("language",))
    a = exercises.planted_codes(sample, FRAMES)
    return demo, pd.concat([a, exercises.second_coder(a, flip=0.2, random_state=1)])


def test_check_alpha_accepts_alpha_and_refuses_percent_agreement():
    _, codes = _codes()
    table = coding.agreement(codes).set_index("frame")
    assert exercises.check_alpha(table.loc["human_cost", "alpha"], codes, "human_cost").correct
    wrong = exercises.check_alpha(table.loc["human_cost", "percent_agreement"], codes, "human_cost")
    assert not wrong.correct and "percent agreement" in wrong.message
    assert not exercises.check_alpha(None, codes, "human_cost").correct


def test_second_coder_disagrees_on_about_the_share_asked():
    _, codes = _codes()
    a, b = codes[codes["coder"] == "A"], codes[codes["coder"] == "B"]
    assert 0.05 < (a["value"].to_numpy() != b["value"].to_numpy()).mean() < 0.4


def test_check_prevalence_against_the_planted_share():
    demo, _ = _codes()
    truth = demo["truth_frames"].fillna("").str.split("|").map(lambda f: "human_cost" in f).mean()
    assert exercises.check_prevalence(truth + 0.02, demo, "human_cost").correct
    high = exercises.check_prevalence(truth + 0.2, demo, "human_cost")
    assert not high.correct and "false positives" in high.message


def test_rewrite_source_changes_partition_each_original_s_sources():
    demo = load_demo(1500, random_state=3)  # SIMULATED
    changes = exercises.rewrite_source_changes(demo)
    assert len(changes) > 20 and set(changes["outlet"]) <= set(demo.loc[demo["language"] == "id", "outlet"])
    cited = demo.set_index("doc_id")["truth_cited"]
    wires, _ = exercises._demo_source_names()
    for row in changes.itertuples():
        original = {s for s in cited[row.original].split("|") if s and s not in wires}
        assert set(row.kept) | set(row.dropped) == original and not set(row.kept) & set(row.dropped)
        assert not set(row.added) & original and not set(row.added) & wires


def test_check_kept_share_and_changed_source():
    demo = load_demo(1500, random_state=3)  # SIMULATED
    changes = exercises.rewrite_source_changes(demo)
    kept, dropped = changes["kept"].str.len().sum(), changes["dropped"].str.len().sum()
    assert exercises.check_kept_share(kept / (kept + dropped), demo).correct
    assert not exercises.check_kept_share(kept / (kept + dropped) - 0.2, demo).correct
    top = changes["dropped"].explode().dropna().value_counts()
    assert exercises.check_changed_source(top.index[0], demo).correct
    assert not exercises.check_changed_source(top.index[-1], demo).correct
    assert not exercises.check_changed_source(None, demo).correct
