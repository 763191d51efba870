"""The speakers registry's data files (``analysis/registry/sources/*.yaml``) read as plain YAML.

These checks hold without the loader of ``analysis/speakers.py``: every file parses, no id is
defined twice, every entry has the required fields with values from the closed lists, every parent
is itself an entry, and every id the hand-annotated gold sample uses is defined somewhere in the
folder (once the case-study files are there).
"""
from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT / "analysis" / "registry" / "sources"
DATA = Path(__file__).parent / "data"
#: The closed list of source types (analysis.speakers.SOURCE_TYPES, in its order).
TYPES = ("government", "military", "intelligence", "diplomatic", "legislature", "international",
         "media", "expert", "ngo", "company", "citizen", "anonymous", "other")
KINDS = {"person", "institution", "country", "media", "group"}
LANGUAGES = {"en", "id", "ru", "ko"}


def read_folder() -> dict[str, tuple[str, dict]]:
    """Every entry of the folder as ``{id: (file name, entry)}``; an id defined twice fails."""
    entries: dict[str, tuple[str, dict]] = {}
    for path in sorted(SOURCES.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        assert isinstance(data, dict), f"{path.name}: the top level must be a mapping of ids"
        for key, entry in data.items():
            assert key not in entries, f"id {key} defined in {entries.get(key, ('?',))[0]} and {path.name}"
            entries[key] = (path.name, entry)
    return entries


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
    return read_folder()


@pytest.fixture(scope="module")
def complete_folder():
    """Skip a check that needs the states and the case study, kept in files of their own."""
    if not (SOURCES / "case_study.yaml").exists() or not (SOURCES / "countries.yaml").exists():
        pytest.skip("countries.yaml and case_study.yaml (the states and the case study) are not in this tree")


def test_every_entry_is_well_formed(entries):
    for key, (name, entry) in entries.items():
        where = f"{name}, {key}"
        assert re.fullmatch(r"[A-Z][A-Z0-9_]*", key), f"{where}: ids are UPPER_SNAKE"
        assert isinstance(entry.get("label"), str) and entry["label"], f"{where}: label"
        assert entry.get("kind") in KINDS, f"{where}: kind {entry.get('kind')!r}"
        assert entry.get("type") in TYPES, f"{where}: type {entry.get('type')!r}"
        if entry.get("gender") is not None:
            assert entry["kind"] == "person" and entry["gender"] in {"m", "f"}, f"{where}: gender"
        for field in ("aliases", "short_forms", "titles"):
            block = entry.get(field) or {}
            assert set(block) <= LANGUAGES, f"{where}: {field} languages {set(block) - LANGUAGES}"
            for language, forms in block.items():
                assert isinstance(forms, list) and all(isinstance(f, str) and f.strip() for f in forms), \
                    f"{where}: {field}.{language} must be a list of non-empty strings"
        assert entry["kind"] == "country" or entry.get("aliases"), f"{where}: no aliases"


def test_parents_are_entries_of_the_folder(entries, complete_folder):
    for key, (name, entry) in entries.items():
        parent = entry.get("parent")
        parents = [p["id"] for p in parent] if isinstance(parent, list) else [parent]
        for target in filter(None, parents):
            assert target in entries, f"{name}, {key}: parent {target} is not defined"


def test_the_types_agree_with_the_gold(entries):
    # the gold gives one type per id, except where the coder typed one mention differently
    for key, types in gold_types().items():
        if key in entries and len(types) == 1:
            assert entries[key][1]["type"] in types, f"{entries[key][0]}, {key}: type {entries[key][1]['type']} vs gold {types}"


def test_every_gold_id_is_defined(entries, complete_folder):
    missing = sorted(gold_ids() - set(entries))
    assert not missing, f"gold ids without an entry in {SOURCES}: {missing}"
