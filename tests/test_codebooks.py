"""Codebooks as data files: the packaged ones load, a user's copy loads by path, and every problem of
a broken file is reported with its file name and line."""
from __future__ import annotations

import os
import shutil

import pytest

from analysis.codebooks import (CODEBOOK_DIR, Codebook, CodebookError, Frame, available_codebooks,
                                load_codebook)

KIT_LANGUAGES = {"en", "id", "ru", "ko"}


def test_the_three_codebooks_are_packaged():
    assert available_codebooks() == ("policy_frames", "russia_dprk", "semetko_valkenburg")


@pytest.mark.parametrize("name", ["policy_frames", "russia_dprk", "semetko_valkenburg"])
def test_each_packaged_codebook_loads_with_lexicons_in_the_kits_languages(name):
    book = load_codebook(name)
    assert isinstance(book, Codebook) and book.id == name and book.path == CODEBOOK_DIR / f"{name}.yaml"
    assert book.citation and book.description and len(set(book.frame_ids)) == len(book.frames)
    for frame in book.frames:
        assert isinstance(frame, Frame) and frame.label and frame.definition and frame.instructions
        if frame.id == "other":  # the residual dimension of the policy frames has no cues
            assert frame.cues == {}
            continue
        assert KIT_LANGUAGES <= set(frame.cues), (frame.id, sorted(frame.cues))
        for lang, cues in frame.cues.items():
            assert 10 <= len(cues) <= 40, (frame.id, lang, len(cues))


def test_the_codebooks_name_their_frames():
    assert load_codebook("policy_frames").frame_ids == (
        "economic", "capacity_and_resources", "morality", "fairness_and_equality",
        "legality_constitutionality_jurisprudence", "policy_prescription_and_evaluation", "crime_and_punishment",
        "security_and_defense", "health_and_safety", "quality_of_life", "cultural_identity", "public_opinion",
        "political", "external_regulation_and_reputation", "other")
    assert load_codebook("semetko_valkenburg").frame_ids == (
        "attribution_of_responsibility", "human_interest", "conflict", "morality", "economic_consequences")
    ids = load_codebook("russia_dprk").frame_ids
    assert ids[:4] == ("security_threat", "strategic_partnership", "legality", "human_cost")
    assert {"sanctions_isolation", "war_in_ukraine", "nuclear_risk", "economic_exchange"} <= set(ids)


def test_the_demo_plants_only_frames_of_the_russia_dprk_codebook():
    from analysis.demo import demo_spec

    assert set(demo_spec()["templates"]["frames"]) <= set(load_codebook("russia_dprk").frame_ids)


def test_a_frame_is_found_by_id_and_an_unknown_one_is_named():
    book = load_codebook("semetko_valkenburg")
    assert book.frame("morality").label == "Morality"
    with pytest.raises(KeyError, match="no frame 'moral'; its frames are attribution_of_responsibility"):
        book.frame("moral")


def test_a_users_copy_loads_by_path_and_an_edit_is_read(tmp_path):
    copy = tmp_path / "my_frames.yaml"
    shutil.copy(CODEBOOK_DIR / "semetko_valkenburg.yaml", copy)
    assert load_codebook(copy).path == copy and load_codebook(str(copy)).label == "Generic news frames"
    copy.write_text(copy.read_text(encoding="utf-8").replace("label: Generic news frames", "label: Mine"),
                    encoding="utf-8")
    os.utime(copy, ns=(1, 10**18))  # a new modification time, whatever the file system's resolution
    assert load_codebook(copy).label == "Mine"


def test_a_codebook_passes_through_and_unknown_names_are_refused(tmp_path):
    book = load_codebook("russia_dprk")
    assert load_codebook(book) is book
    with pytest.raises(ValueError, match="no packaged codebook 'russia'; use one of policy_frames, russia_dprk"):
        load_codebook("russia")
    with pytest.raises(FileNotFoundError, match="missing.yaml"):
        load_codebook(tmp_path / "missing.yaml")


GOOD = """\
id: mine
label: Mine
citation: Me (2025)
description: A test codebook.
frames:
  - id: threat
    label: Threat
    definition: Danger.
    instructions: Code 1 for danger.
    cues:
      en: [threat*, danger*]
      ko: [위협]
"""


def test_a_minimal_codebook_loads(write):
    book = load_codebook(write("mine.yaml", GOOD))
    assert book.frame("threat").cues == {"en": ("threat*", "danger*"), "ko": ("위협",)}


# (what is broken, the file, the line reported, what the message says)
BROKEN = [
    ("missing key", GOOD.replace("    definition: Danger.\n", ""), 6, "frame threat: missing key 'definition'"),
    ("missing top key", GOOD.replace("citation: Me (2025)\n", ""), 1, "missing key 'citation'"),
    ("duplicate id", GOOD + GOOD[GOOD.index("  - id: threat"):], 13, "frame threat: duplicate frame id (first at line 6)"),
    ("bad id", GOOD.replace("id: threat", "id: Threat-1"), 6, "'Threat-1' must match ^[a-z][a-z0-9_]*$"),
    ("cue not a string", GOOD.replace("[threat*, danger*]", "[threat*, no]"), 11,
     "cue 'no' is not a string (YAML reads it as bool); put it in quotes"),
    ("cue a number", GOOD.replace("[threat*, danger*]", "[threat*, 2024]"), 11, "cue '2024' is not a string"),
    ("cues not a list", GOOD.replace("[threat*, danger*]", "threat*"), 11, "cues: en must be a list of strings"),
    ("cues not a mapping", GOOD.replace("    cues:\n      en: [threat*, danger*]\n      ko: [위협]\n", "    cues: [threat]\n"),
     10, "frame threat: cues must be a mapping"),
    ("unknown language", GOOD.replace("ko: [위협]", "kor: [위협]"), 12, "'kor' is not an ISO 639-1 language code"),
    ("empty frames", GOOD[:GOOD.index("frames:")] + "frames: []\n", 5, "frames must be a non-empty list"),
    ("empty cue", GOOD.replace("[threat*, danger*]", "[threat*, '*']"), 11, "cue '*' has no letter or digit"),
    ("cue twice", GOOD.replace("[threat*, danger*]", "[threat*,\n          threat*]"), 12,
     "cue 'threat*' is listed twice (first at line 11)"),
    ("unknown key", GOOD.replace("    label: Threat\n", "    label: Threat\n    lable: x\n"), 8, "unknown key 'lable'"),
    ("duplicate key", GOOD.replace("    label: Threat\n", "    label: Threat\n    label: Again\n"), 8,
     "key 'label' appears twice"),
    ("empty text", GOOD.replace("definition: Danger.", "definition: ''"), 8, "frame threat: definition must be a non-empty text"),
    ("not YAML", GOOD.replace("en: [threat*, danger*]", "en: [threat*, danger*"), 12, "not valid YAML"),
]


@pytest.mark.parametrize("what, text, line, message", BROKEN, ids=[b[0] for b in BROKEN])
def test_each_problem_names_the_file_and_line(write, what, text, line, message):
    path = write("broken.yaml", text)
    with pytest.raises(CodebookError) as caught:
        load_codebook(path)
    assert any(p.startswith(f"{path}:{line}: ") and message in p for p in caught.value.problems), caught.value.problems
    assert isinstance(caught.value, ValueError) and str(path) in str(caught.value)


def test_every_problem_is_listed_at_once(write):
    text = GOOD.replace("id: threat", "id: Threat").replace("[threat*, danger*]", "[threat*, yes]").replace("ko:", "xx:")
    with pytest.raises(CodebookError) as caught:
        load_codebook(write("many.yaml", text))
    assert [p.split(": ", 1)[0].rsplit(":", 1)[1] for p in caught.value.problems] == ["6", "11", "12"]
    assert "has 3 problems" in str(caught.value)


def test_an_empty_file_is_a_problem_not_a_crash(write):
    with pytest.raises(CodebookError, match="the file is empty"):
        load_codebook(write("empty.yaml", ""))
