"""The speakers registry's data files (``analysis/registry/sources/*.yaml``) against the gold sample.

The loader (:func:`analysis.speakers.load_source_registry`) checks every entry's form (tested in
``tests/test_speakers.py``); here: the packaged folder loads, every id the hand-annotated gold sample
uses is defined in it, and the registry's source type of an id agrees with the annotators'.
"""
from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT / "analysis" / "registry" / "sources"
DATA = Path(__file__).parent / "data"

def gold_ids() -> set[str]:
    """The canonical ids of the gold items and the ids of the annotators' entity lists."""
    ids = set()
    for path in sorted(DATA.glob("sources_gold_*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            ids |= {item["canonical"] for item in json.loads(line)["sources"] if item["canonical"]}
    for path in sorted(DATA.glob("sources_gold_entities_*.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            ids |= {row["id"] for row in csv.DictReader(handle)}
    return ids


def gold_types() -> dict[str, set[str]]:
    """The source types the gold items give each canonical id."""
    types: dict[str, set[str]] = {}
    for path in sorted(DATA.glob("sources_gold_*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            for item in json.loads(line)["sources"]:
                if item["canonical"]:
                    types.setdefault(item["canonical"], set()).add(item["type"])
    return types


@pytest.fixture(scope="module")
def entries():
    from analysis.speakers import load_source_registry

    return {key: (entry.get("_file", ""), entry) for key, entry in load_source_registry().items()}


def test_the_packaged_folder_loads_with_every_file(entries):
    assert len(entries) >= 250
    assert {"PESKOV", "SABRINA_SINGH", "NIS", "KCNA", "REUTERS", "RUS", "PRK"} <= set(entries)


def test_the_types_agree_with_the_gold(entries):
    # the gold gives one type per id, except where the coder typed one mention differently
    for key, types in gold_types().items():
        if key in entries and len(types) == 1:
            assert entries[key][1]["type"] in types, f"{entries[key][0]}, {key}: type {entries[key][1]['type']} vs gold {types}"


def test_every_gold_id_is_defined(entries):
    missing = sorted(gold_ids() - set(entries))
    assert not missing, f"gold ids without an entry in {SOURCES}: {missing}"
