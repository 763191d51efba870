"""Wire lineage in four languages, on the planted truth of the SIMULATED demo and on real KCNA text."""
from __future__ import annotations

import gzip
import json

import pandas as pd
import pytest

from analysis.demo import demo_outlets, load_demo
from analysis.duplicates import duplicate_groups
from analysis.lineage import WIRE_DOMAINS, find_credits, independent_origins_per_day, wire_origins


@pytest.mark.parametrize("text, wire, kind", [
    ("MOSCOW, Dec 4 (Reuters) - The treaty entered into force.", "reuters", "dateline"),
    ("The treaty entered into force, Reuters reported on Wednesday.", "reuters", "credit"),
    ("Pyongyang, June 19 (KCNA) -- The treaty was signed.", "kcna", "dateline"),
    ("SEOUL, Oct 23 (Yonhap) -- The NIS said troops moved.", "yonhap", "dateline"),
    ("Parlemen Rusia meratifikasi perjanjian itu, menurut laporan Reuters.", "reuters", "credit"),
    ("JAKARTA (ANTARA) - Kemlu menyerukan sikap menahan diri.", "antara", "dateline"),
    ("Pasukan Korut dikirim ke Kursk, seperti dilansir AFP.", "afp", "credit"),
    ("Москва, 24 октября. /ТАСС/. Госдума ратифицировала договор.", "tass", "dateline"),
    ("Договор вступил в силу, сообщает РИА Новости.", "ria", "credit"),
    ("Договор подписан, по данным агентства Рейтер.", "reuters", "credit"),
    ("(서울=연합뉴스) 북한이 러시아에 병력을 보냈다.", "yonhap", "dateline"),
    ("조선중앙통신에 따르면 김정은 위원장이 조약을 비준했다.", "kcna", "credit"),
    ("로이터통신에 따르면 러시아 하원이 조약을 비준했다.", "reuters", "credit"),
])
def test_credits_and_datelines_in_four_languages(text, wire, kind):
    found = find_credits(text)
    assert found and found[0][:2] == (wire, kind)


def test_text_without_credit_has_no_origin():
    assert find_credits("Kim Jong Un met Vladimir Putin in Pyongyang.") == []


def test_an_agency_quoted_as_a_source_is_a_mention_not_an_origin():
    docs = pd.DataFrame({"doc_id": ["a", "b", "c"], "title": ["x", "y", "z"], "lead": [None] * 3,
                         "text": ["The visit was historic, KCNA reported.", "PYONGYANG, Jun 19 (KCNA) -- A treaty.",
                                  "Kerja sama diperluas, menurut laporan AFP."],
                         "outlet_domain": ["apnews.com", "theguardian.com", "antaranews.com"]})
    origins = wire_origins(docs).set_index("doc_id")
    assert origins.loc["a", "wire_origin"] == "ap" and origins.loc["a", "wire_signal"] == "own_wire"
    assert "kcna" in origins.loc["a", "wire_mentions"]
    assert origins.loc["b", "wire_origin"] == "kcna" and origins.loc["b", "wire_signal"] == "dateline"
    assert origins.loc["c", "wire_origin"] == "afp"  # a wire rewriting another wire credits it


@pytest.fixture(scope="module")
def demo_lineage():
    demo = load_demo()
    groups = duplicate_groups(demo)
    return demo, groups, wire_origins(demo, groups)


def test_wire_origin_recovery_on_the_simulated_demo(demo_lineage):
    demo, _, origins = demo_lineage
    merged = demo[["doc_id", "outlet", "truth_wire_origin"]].merge(origins, on="doc_id")
    key_of = dict(zip(demo_outlets()["outlet"], demo_outlets()["key"]))
    own = merged["outlet"].map(key_of)
    truth = merged["truth_wire_origin"].replace("", pd.NA).fillna(own.where(own.isin(WIRE_DOMAINS)))
    predicted = merged["wire_origin"]
    correct = ((truth == predicted) & truth.notna() & predicted.notna()).sum()
    precision, recall = correct / predicted.notna().sum(), correct / truth.notna().sum()
    uncredited = merged[demo["truth_credited"].to_numpy() == "no"]
    found = (uncredited["wire_origin"] == uncredited["truth_wire_origin"]).mean()
    links = merged[merged["wire_signal"] == "shared_anchors"]
    link_precision = (links["wire_origin"] == links["truth_wire_origin"]).mean()
    print(f"\nwire origin on the simulated demo: precision {precision:.3f}, recall {recall:.3f}; "
          f"rewrites naming no wire: {found:.3f} found by shared figures ({len(uncredited)}), "
          f"precision of those links {link_precision:.3f} ({len(links)})")
    assert precision >= 0.95 and recall >= 0.9
    assert link_precision >= 0.9 and found >= 0.4


@pytest.mark.parametrize("text, numbers", [
    ("about 12,000 North Korean soldiers", {"12000"}),
    ("sekitar 12.000 tentara Korea Utara", {"12000"}),
    ("около 12 000 северокорейских военных", {"12000"}),
    ("북한군 약 1만2천명", {"12000"}),
    ("in 2024, 3 ships", set()),
])
def test_numbers_are_anchors_in_four_languages(text, numbers):
    from analysis.lineage import numeric_anchors

    assert numeric_anchors(text) == numbers


def test_uncredited_rewrite_is_linked_by_its_figures():
    docs = pd.DataFrame({
        "doc_id": ["wire", "rewrite", "other"],
        "title": ["Pyongyang sends 12,000 troops", "Korut kirim 12.000 tentara", "Harga beras naik"],
        "lead": [None] * 3,
        "text": ["SEOUL, Oct 18 (Yonhap) -- The NIS said 12,000 troops and 7,321 vehicles moved.",
                 "Badan intelijen menyebut 12.000 tentara dan 7.321 kendaraan bergerak.", "Harga naik 7 persen."],
        "outlet_domain": ["yna.co.kr", "detik.com", "detik.com"], "language": ["en", "id", "id"],
        "published": pd.to_datetime(["2024-10-18T01:00Z", "2024-10-18T09:00Z", "2024-10-18T10:00Z"], utc=True)})
    origins = wire_origins(docs).set_index("doc_id")
    assert origins.loc["rewrite", "wire_origin"] == "yonhap" and origins.loc["rewrite", "wire_signal"] == "shared_anchors"
    assert "7321" in origins.loc["rewrite", "wire_evidence"]
    assert pd.isna(origins.loc["other", "wire_origin"])


def test_copies_inherit_their_group_origin(demo_lineage):
    _, _, origins = demo_lineage
    copies = origins[origins["wire_signal"] == "copy"]
    assert copies["wire_evidence"].str.startswith("near-duplicate of").all()


def test_independent_origins_per_day_beside_raw_counts(demo_lineage):
    demo, groups, origins = demo_lineage
    daily = independent_origins_per_day(demo, groups, origins)
    assert (daily["independent_reports"] <= daily["duplicate_groups"]).all()
    assert (daily["duplicate_groups"] <= daily["articles"]).all()
    assert daily["articles"].sum() + daily.attrs["undated"] == len(demo)
    treaty = daily[daily["day"] == pd.Timestamp("2024-06-20")].iloc[0]
    on_day = demo["published"].dt.tz_convert("UTC").dt.floor("D").dt.tz_localize(None) == pd.Timestamp("2024-06-20")
    originals = int((on_day & demo["truth_copy_kind"].eq("original")).sum())  # the planted independent reports
    # 115 articles, 73 planted originals: 79 found (48 before, when each wire's own stories counted once a day)
    assert treaty["independent_reports"] < treaty["articles"]
    assert abs(treaty["independent_reports"] - originals) <= 0.15 * originals


@pytest.mark.shared
def test_a_wires_own_stories_are_independent_reports(shared_data):
    """Yonhap files dozens of distinct stories a day: on the Korean corpus they counted as one report a day
    (109 independent reports for 187 duplicate groups of the Russia-North Korea coverage)."""
    from analysis import ingest
    from analysis.relevance import RelevanceScorer

    corpus, _ = ingest(shared_data / "ko_news_yonhap_chosun_2025-2026.csv.gz")
    coverage = corpus[RelevanceScorer().fit().explain(corpus)["relevant"].to_numpy()].reset_index(drop=True)
    groups = duplicate_groups(coverage, random_state=0)
    daily = independent_origins_per_day(coverage, groups, wire_origins(coverage, groups))
    assert (daily["independent_reports"] <= daily["duplicate_groups"]).all()
    assert daily["independent_reports"].sum() >= 0.95 * daily["duplicate_groups"].sum()


def test_kcna_datelines_in_the_real_file_are_recognised(shared_data):
    rows = [json.loads(line) for line in gzip.open(shared_data / "kcna_en_2024.jsonl.gz", "rt", encoding="utf-8")]
    frame = pd.DataFrame(rows)
    frame = frame[frame["story_text"].fillna("").str.contains(r"\(KCNA\)")]
    docs = pd.DataFrame({"doc_id": frame["id"], "title": frame["headline"], "lead": None,
                         "text": frame["story_text"], "outlet_domain": "example.org"})
    origins = wire_origins(docs)
    share = (origins["wire_origin"] == "kcna").mean()
    print(f"\nKCNA stories with a (KCNA) dateline recognised as KCNA-originated: {share:.3f} of {len(docs)}")
    assert len(docs) > 1000 and share >= 0.99
