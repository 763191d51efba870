"""The project's promises about itself: quick start, CI, dependencies, paths, labels."""
from __future__ import annotations

import re
import tomllib

import pytest
import yaml

from analysis import config

ROOT = config.PROJECT_ROOT


def quick_start_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Quick start", 1)[1]
    block = re.search(r"```[a-z]*\n(.*?)```", section, re.S).group(1)
    return [ln.split("  #")[0].strip() for ln in block.splitlines() if ln.strip() and not ln.strip().startswith("#")]


def test_readme_quick_start_has_exactly_two_commands_report_first():
    commands = quick_start_commands()
    assert len(commands) == 2
    assert "report" in commands[0] and "test" in commands[1]


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert quick_start_commands()[1] in [ln.strip() for ln in ci]


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~ ;\[]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


CONDA_TO_PIP = {"python-duckdb": "duckdb"}


def test_environment_yml_lists_the_same_dependencies_as_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = {_name(r) for r in project["dependencies"]}
    for extra in project["optional-dependencies"].values():
        wanted |= {_name(r) for r in extra}
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    assert env["channels"] == ["conda-forge"]
    conda = {CONDA_TO_PIP.get(_name(d), _name(d)) for d in env["dependencies"] if isinstance(d, str)} - {"python", "pip"}
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert "-e ." in pip_section
    from_pip = {_name(d) for d in pip_section if d != "-e ."}
    assert conda | from_pip == wanted and not conda & from_pip


def test_extras_test_and_all_exist():
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["optional-dependencies"]
    assert {"test", "all"} <= set(extras)


def test_data_home_follows_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("ANALYSIS_DATA_HOME", str(tmp_path / "home"))
    assert config.data_home() == (tmp_path / "home").resolve()
    assert (tmp_path / "home").is_dir()


def test_raw_and_processed_data_are_ignored_and_sample_is_small():
    ignored = (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert "data/raw/" in ignored and "data/processed/" in ignored
    size = sum(p.stat().st_size for p in config.SAMPLE_DIR.rglob("*") if p.is_file())
    assert size < 1_000_000


def test_demo_sample_says_it_is_simulated():
    assert "SIMULATED" in (config.SAMPLE_DIR / "README.md").read_text(encoding="utf-8")
    assert "SIMULATED" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_no_module_builds_paths_from_parent_strings():
    building = re.compile(r"""(Path\(|open\(|join\(|/ )\s*["']\.\./""")
    for path in (ROOT / "analysis").rglob("*.py"):
        assert not building.search(path.read_text(encoding="utf-8")), path


@pytest.mark.parametrize("name", ["ARCHITECTURE.md", "README.md", "pyproject.toml", "environment.yml"])
def test_project_files_exist(name):
    assert (ROOT / name).is_file()


def test_import_analysis_is_quick():
    """`import analysis` must not pull pandas, matplotlib or the language models (they load on use)."""
    import subprocess
    import sys

    code = "import sys, analysis; print(sorted(m for m in ('pandas', 'matplotlib', 'kiwipiepy', 'sklearn') if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
