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
