"""workflow: notebook 06 reuses notebook 03's clusters only for the same corpus and parameters."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis import workflow
from analysis.stories import cluster_corpus
from analysis.timeseries import clusters_over_time

PARAMETERS = {"n_clusters": 6, "ks": [6, 8], "random_state": 0}


@pytest.fixture(scope="module")
def demo():
    return workflow.load_corpus(None, demo_articles=300, seed=0, quiet=True)  # SIMULATED


@pytest.fixture(scope="module")
def clustered(demo):
    return cluster_corpus(demo, n_clusters=6, stability_runs=0, random_state=0)


@pytest.fixture
def written(tmp_path, demo, clustered):
    """An output folder as notebook 03 leaves it: its clusters and assignments tables, then the record."""
    out = workflow.Outputs(tmp_path, "03")
    out.table(clustered.summary.drop(columns=["first", "peak_day"], errors="ignore"), "clusters")
    out.table(clustered.assignments(demo), "assignments")
    workflow.record_clusters(tmp_path, demo, **PARAMETERS)
    return tmp_path


def test_read_clusters_gives_back_the_labels_and_summary_notebook_03_wrote(written, demo, clustered):
    stored = workflow.read_clusters(written, demo, **PARAMETERS)
    assert np.array_equal(stored.labels, clustered.labels)
    assert stored.summary["cluster"].tolist() == clustered.summary["cluster"].tolist()
    assert stored.summary["label"].tolist() == clustered.summary["label"].tolist()


def test_the_clusters_over_time_from_stored_labels_are_the_same(written, demo, clustered):
    stored = workflow.read_clusters(written, demo, **PARAMETERS)
    pd.testing.assert_frame_equal(clusters_over_time(demo, stored.labels, freq="W"),
                                  clusters_over_time(demo, clustered.labels, freq="W"))


@pytest.mark.parametrize("change", [{"n_clusters": 7}, {"n_clusters": "auto"}, {"ks": [6, 10]}, {"random_state": 1}])
def test_read_clusters_refuses_other_parameters(written, demo, change):
    assert workflow.read_clusters(written, demo, **{**PARAMETERS, **change}) is None


def test_read_clusters_refuses_another_corpus(written, demo):
    assert workflow.read_clusters(written, demo.iloc[1:], **PARAMETERS) is None
    edited = demo.assign(title=demo["title"].str.upper())
    assert workflow.read_clusters(written, edited, **PARAMETERS) is None


def test_read_clusters_refuses_a_table_changed_after_the_record(written, demo):
    table = written / "tables" / "03-assignments.csv"
    table.write_text(table.read_text(encoding="utf-8").replace(",0,", ",1,", 1), encoding="utf-8")
    assert workflow.read_clusters(written, demo, **PARAMETERS) is None


def test_read_clusters_is_none_when_notebook_03_has_not_run(tmp_path, demo):
    assert workflow.read_clusters(tmp_path, demo, **PARAMETERS) is None


def test_record_clusters_needs_the_tables_first(tmp_path, demo):
    with pytest.raises(FileNotFoundError, match="03-assignments.csv"):
        workflow.record_clusters(tmp_path, demo, **PARAMETERS)
