"""The SIMULATED demo corpus: determinism, planted truth, noise, and ingestion from its file."""
from __future__ import annotations

import hashlib
import json
import subprocess
import sys

import pandas as pd
import pytest

from analysis import demo as demo_module
from analysis.corpus import validate_corpus
from analysis.demo import COVERAGE_GAP, TRUTH_COLUMNS, iter_demo_records, load_demo, write_demo


@pytest.fixture(scope="module")
def demo():
    return load_demo()  # the default: about 4,000 SIMULATED articles


def _digest(frame: pd.DataFrame) -> str:
    return hashlib.sha256(frame.to_csv(index=False).encode()).hexdigest()


def test_same_seed_same_bytes_other_seed_other_corpus():
    first, second = load_demo(400, random_state=7), load_demo(400, random_state=7)
    assert _digest(first) == _digest(second)
    assert _digest(load_demo(400, random_state=8)) != _digest(first)


def test_demo_passes_the_corpus_validator_and_carries_truth(demo):
    validate_corpus(demo)
    assert len(demo) == 4000
    assert set(TRUTH_COLUMNS) <= set(demo.columns)
    assert demo["truth_story"].notna().all()


def test_four_languages_and_25_outlets(demo):
    assert set(demo["language"].dropna()) >= {"en", "id", "ru", "ko"}
    assert demo["outlet"].nunique() == 25


def test_every_planted_story_in_two_outlets_and_two_languages(demo):
    stories = demo[~demo["truth_story"].str.startswith("background")]
    per_story = stories.groupby("truth_story").agg(outlets=("outlet", "nunique"), languages=("language", "nunique"))
    assert set(per_story.index) == set(demo_module.demo_events()["story"])
    assert (per_story["outlets"] >= 2).all() and (per_story["languages"] >= 2).all()


def test_at_least_ten_percent_rewrites_or_copies(demo):
    copies = demo["truth_copy_kind"].isin(["rewrite", "syndicated", "near_duplicate"])
    assert copies.mean() >= 0.10
    rewrites = demo[demo["truth_copy_kind"] == "rewrite"]
    originals = demo.set_index("doc_id").loc[rewrites["truth_is_rewrite_of"]]
    assert (originals["truth_story"].to_numpy() == rewrites["truth_story"].to_numpy()).all()
    cross = originals["language"].to_numpy() != rewrites["language"].to_numpy()
    assert cross.sum() >= 0.05 * len(demo)  # regional outlets rewriting wires in another language
    pairs = set(zip(originals["outlet"].to_numpy()[cross], rewrites["language"].to_numpy()[cross]))
    assert ("Reuters", "id") in pairs and ("Yonhap News Agency", "en") in pairs


def test_syndicated_copies_are_the_exact_duplicates(demo):
    syndicated = demo["truth_copy_kind"] == "syndicated"
    assert syndicated.sum() > 0
    assert (demo.loc[demo["is_exact_duplicate"], "truth_copy_kind"] == "syndicated").all()
    assert demo.loc[syndicated, "is_exact_duplicate"].mean() > 0.95


def test_no_two_articles_are_the_same_string_unless_planted(demo):
    unplanted = demo[demo["truth_copy_kind"] != "syndicated"]
    assert unplanted["content_hash"].is_unique


def test_attribution_and_hedging_in_each_language(demo):
    text = demo.groupby("language")["text"].apply(lambda s: "\n".join(s.dropna()))
    assert "according to" in text["en"] and "reportedly" in text["en"]
    assert "menurut laporan" in text["id"] and "disebut-sebut" in text["id"] and "kepada wartawan" in text["id"]
    assert "По словам" in text["ru"] and "сообщает ТАСС" in text["ru"]
    assert "에 따르면" in text["ko"]


def test_cited_sources_appear_in_the_text(demo):
    spec = demo_module.demo_spec()["templates"]
    rows = demo[(demo["truth_cited"].fillna("") != "") & (demo["truth_noise"] != "mojibake")].head(300)
    for row in rows.itertuples():
        for source in row.truth_cited.split("|"):
            if source in spec["sources"]:
                entry = spec["sources"][source]
                names = [entry["name"][row.language], entry["short"][row.language], entry.get("gen", ""),
                         *entry.get("misspelt", {}).values()]
                assert any(n and n.split()[-1] in row.text for n in names), (source, row.text)
            else:
                assert spec["wires"][source][row.language] in row.text


def test_timeline_spikes_on_events(demo):
    daily = demo.dropna(subset=["published"]).groupby(demo["published"].dt.date).size()
    treaty = pd.Timestamp("2024-06-19").date()
    window = [d for d in daily.index if 0 <= (d - treaty).days <= 2]
    assert daily[window].sum() > 10 * daily.median()


def test_coverage_gap_and_noise_are_planted(demo):
    outlet = demo_module.demo_outlets().set_index("key").loc[COVERAGE_GAP[0], "outlet"]
    months = demo.loc[demo["outlet"] == outlet, "published"].dt.strftime("%Y-%m")
    assert COVERAGE_GAP[1] not in set(months) and len(months) > 50
    noisy_dates = demo["truth_noise"].isin(["missing_date", "messy_date"])
    # a broken date field leaves the row undated, unless its URL carries a date (flagged as such)
    fallback = demo.loc[noisy_dates, "published_source"].fillna("none")
    assert noisy_dates.sum() > 0 and fallback.isin(["none", "url"]).all()
    assert demo.loc[noisy_dates & (fallback == "none").reindex(demo.index, fill_value=False), "published"].isna().all()
    mojibake = demo[demo["truth_noise"] == "mojibake"]
    assert len(mojibake) > 0 and mojibake["text"].str.contains("[\u0080-\u00ff]").all()
    assert demo["boilerplate_lines"].sum() > 100


def test_generator_streams_in_chunks_with_unique_ids():
    chunks = list(iter_demo_records(2500, random_state=1, chunk_size=1000))
    assert [len(c) for c in chunks] == [1000, 1000, 500]
    ids = pd.concat(chunks)["id"]
    assert ids.is_unique


def test_demo_file_ingests_through_the_cli_with_broken_rows_rejected(tmp_path):
    path = write_demo(tmp_path / "demo.jsonl.gz", 1000, random_state=2)
    result = subprocess.run([sys.executable, "-m", "analysis", "ingest", str(path), "--out", str(tmp_path / "s"), "--json"],
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    assert figures["rows_read"] == 1003 == figures["rows_accepted"] + figures["rows_rejected"]
    assert figures["rows_rejected"] == 3
    reasons = set(pd.read_csv(figures["rejects_path"])["reason"])
    assert reasons == {"invalid_json", "not_an_object", "empty_row"}


def test_written_file_is_deterministic(tmp_path):
    a = write_demo(tmp_path / "a.jsonl.gz", 300, random_state=4).read_bytes()
    b = write_demo(tmp_path / "b.jsonl.gz", 300, random_state=4).read_bytes()
    assert a == b


def test_demo_is_called_simulated_where_it_appears():
    assert "SIMULATED" in demo_module.load_demo.__doc__ and "SIMULATED" in demo_module.__doc__
    assert "SIMULATED" in demo_module.SIMULATED_NOTE
    assert "analysis.demo.load_demo" in demo_module.SIMULATED_NOTE
