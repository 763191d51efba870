"""The report's own promises: what run.json records, the packaged page template, the stages' timings.

The whole report with its notebooks runs in tests/test_notebooks.py and tests/test_cli.py; these
tests build the ingest report only (``notebooks=False``) on a small simulated demo.
"""
from __future__ import annotations

import json
import re
import tomllib

import pytest

from analysis import config
from analysis.report import NUMERIC_LIBRARIES, TEMPLATE, _versions, build_report, runtime_dependencies


def _pyproject() -> dict:
    with open(config.PROJECT_ROOT / "pyproject.toml", "rb") as file:
        return tomllib.load(file)


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~ ;\[]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def _raw(requirement: str) -> str:
    return re.split(r"[<>=!~ ;\[]", requirement.strip(), maxsplit=1)[0]


def test_run_record_names_every_runtime_dependency_of_pyproject():
    versions = {_name(name) for name in _versions()}
    for requirement in _pyproject()["project"]["dependencies"]:
        assert _name(requirement) in versions, requirement


def test_runtime_dependencies_leave_out_the_extras():
    optional = {_name(r) for extra in _pyproject()["project"]["optional-dependencies"].values() for r in extra}
    required = {_name(r) for r in _pyproject()["project"]["dependencies"]}
    assert not {_name(n) for n in runtime_dependencies()} & (optional - required)


def test_a_checkout_that_is_not_installed_reads_pyproject(monkeypatch):
    from importlib import metadata

    def not_installed(name):
        raise metadata.PackageNotFoundError(name)

    monkeypatch.setattr(metadata, "requires", not_installed)
    assert runtime_dependencies() == [_raw(r) for r in _pyproject()["project"]["dependencies"]]


def test_run_record_names_the_numeric_libraries_beneath_them():
    versions = _versions()
    assert {"python", "analysis", "scikit-learn", "numpy", "pandas", *NUMERIC_LIBRARIES} <= set(versions)
    assert versions["threadpoolctl"] is not None and versions["scikit-learn"] is not None


def test_the_page_template_is_package_data():
    assert (config.PROJECT_ROOT / "analysis" / TEMPLATE).is_file()
    patterns = _pyproject()["tool"]["setuptools"]["package-data"]["analysis"]
    assert TEMPLATE in patterns or f"{TEMPLATE.rsplit('/', 1)[0]}/*.html" in patterns


@pytest.fixture(scope="module")
def ingest_report(tmp_path_factory):
    out = tmp_path_factory.mktemp("report")
    build_report(out=out, quiet=True, notebooks=False, demo_articles=300, random_state=1)
    return out


def test_every_stage_records_its_wall_time(ingest_report):
    run = json.loads((ingest_report / "run.json").read_text(encoding="utf-8"))
    assert list(run["wall_seconds"]) == ["generate_demo", "ingest", "annotate", "tables"]
    assert run["demo_articles"] == 300 and run["seeds"]["demo_random_state"] == 1


def test_the_page_is_filled_from_the_template(ingest_report):
    page = (ingest_report / "index.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and page.endswith("</body></html>\n")
    assert not re.search(r"\$(title|banner|notebooks|tables)\b", page)  # every placeholder filled
    assert page.count("<title>Demo report (SIMULATED corpus)</title>") == 1
    assert page.count('<table class="dataframe t">') == 13  # accounting, files, ..., date sources
