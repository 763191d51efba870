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


@pytest.fixture(scope="module")
def small_demo():
    return load_demo(300)  # SIMULATED


def _edited_copy(row: pd.Series, doc_id: str) -> pd.Series:
    """``row`` with three words of its text replaced, under a new id (not an exact copy)."""
    words = row["text"].split()
    for i in (5, len(words) // 2, len(words) - 3):
        words[i] = "zzz"
    copy = row.copy()
    copy[["doc_id", "text", "content_hash"]] = [doc_id, " ".join(words), f"new-{doc_id}"]
    return copy


def test_transform_places_an_edited_copy_in_its_originals_group(small_demo):
    finder = NearDuplicateFinder().fit(small_demo)
    original = small_demo.loc[small_demo["text"].str.split().str.len().idxmax()]
    unrelated = original.copy()
    unrelated[["doc_id", "title", "lead", "text", "content_hash"]] = [
        "unrelated", "Rice harvest up in Java", "", "Farmers reported a good harvest of rice this year " * 5, "x"]
    new = pd.DataFrame([_edited_copy(original, "edited"), unrelated])
    placed = finder.transform(new).set_index("doc_id")
    fitted = finder.groups_.set_index("doc_id").loc[original["doc_id"]]
    assert placed.loc["edited", "dup_group"] == fitted["dup_group"] and not placed.loc["edited", "is_canonical"]
    assert placed.loc["edited", "group_size"] == fitted["group_size"] + 1
    assert 0.6 <= placed.loc["edited", "similarity"] < 1.0
    assert placed.loc["unrelated"].tolist() == ["unrelated", True, 1, 1.0]
    assert placed.columns.tolist() == finder.groups_.columns.tolist()[1:]


def test_transform_keeps_the_fitted_rows_and_groups_exact_copies(small_demo):
    finder = NearDuplicateFinder().fit(small_demo)
    pd.testing.assert_frame_equal(finder.transform(small_demo), finder.fit_transform(small_demo))
    copy = small_demo.iloc[[0]].assign(doc_id="exact copy")  # same content hash
    placed = finder.transform(copy).iloc[0]
    fitted = finder.groups_.iloc[0]
    assert (placed["dup_group"], placed["group_size"], placed["similarity"]) == (
        fitted["dup_group"], fitted["group_size"] + 1, fitted["similarity"])


def test_transform_before_fit_is_refused(small_demo):
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        NearDuplicateFinder().transform(small_demo)
