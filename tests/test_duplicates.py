"""Near-duplicate groups, measured against the planted truth of the SIMULATED demo corpus."""
from __future__ import annotations

import pandas as pd
import pytest

from analysis.demo import load_demo
from analysis.duplicates import NearDuplicateFinder, duplicate_groups, shingles


@pytest.fixture(scope="module")
def demo():
    return load_demo()


def _root(parent, doc):
    while doc in parent:
        doc = parent[doc]
    return doc


def test_duplicate_grouping_recovers_planted_copies(demo):
    groups = duplicate_groups(demo)
    merged = demo[["doc_id", "truth_copy_kind", "truth_is_rewrite_of"]].merge(groups, on="doc_id")
    group = dict(zip(merged["doc_id"], merged["dup_group"]))
    copies = merged[merged["truth_copy_kind"].isin(["syndicated", "near_duplicate"])]
    recall = sum(group[r.doc_id] == group[r.truth_is_rewrite_of] for r in copies.itertuples()) / len(copies)
    parent = {r.doc_id: r.truth_is_rewrite_of for r in merged.itertuples() if isinstance(r.truth_is_rewrite_of, str)}
    predicted = merged[~merged["is_canonical"]]
    precision = (predicted["doc_id"].map(lambda d: _root(parent, d))
                 == predicted["dup_group"].map(lambda d: _root(parent, d))).mean()
    print(f"\nnear-duplicate grouping on the simulated demo: precision {precision:.3f}, recall {recall:.3f} "
          f"({len(copies)} planted copies, {len(predicted)} grouped)")
    assert recall >= 0.97 and precision >= 0.97


def test_exact_duplicates_share_a_group_and_nothing_is_dropped(demo):
    groups = duplicate_groups(demo)
    assert len(groups) == len(demo) and groups["doc_id"].tolist() == demo["doc_id"].tolist()
    exact = demo[demo["is_exact_duplicate"]]
    by_id = groups.set_index("doc_id")["dup_group"]
    assert (by_id[exact["doc_id"]].to_numpy() == by_id[exact["duplicate_of"]].to_numpy()).all()
    canonical = groups[groups["is_canonical"]]
    assert (canonical["dup_group"] == canonical["doc_id"]).all()
    assert groups.groupby("dup_group")["is_canonical"].sum().eq(1).all()


def test_canonical_is_the_earliest(demo):
    groups = duplicate_groups(demo).merge(demo[["doc_id", "published"]], on="doc_id")
    first = groups.dropna(subset=["published"]).sort_values("published").groupby("dup_group").head(1)
    canonical_published = groups.set_index("doc_id")["published"]
    late = first[first["published"] < canonical_published[first["dup_group"]].to_numpy()]
    assert late.empty


def test_same_seed_same_groups_and_parameters_are_tunable():
    docs = load_demo(400, random_state=9)
    first = duplicate_groups(docs, random_state=3)
    assert first.equals(duplicate_groups(docs, random_state=3))
    loose = duplicate_groups(docs, threshold=0.3)
    assert (loose["dup_group"] != loose["doc_id"]).sum() >= (first["dup_group"] != first["doc_id"]).sum()
    with pytest.raises(ValueError, match="threshold"):
        NearDuplicateFinder(threshold=0).fit(docs)


@pytest.mark.parametrize("text, expected", [
    ("Korea Utara dan Rusia teken pakta", {"korea utara dan rusia", "utara dan rusia teken", "dan rusia teken pakta"}),
    ("북한은 러시아와 조약을", {"북한은 러시아와 조약을"}),
    ("", set()),
])
def test_shingles_in_several_scripts(text, expected):
    assert shingles(text, 4) == expected
