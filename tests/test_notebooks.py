"""Notebooks and exercises: conventions, executed on the demo (and on real corpora when present)."""
from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import nbformat
import pytest

from analysis import config
from analysis.notebooks import report_notebooks, run_notebook

NOTEBOOKS = report_notebooks()
EXERCISES = sorted((config.NOTEBOOKS_DIR / "exercises").glob("*.ipynb"))
SOLUTIONS = sorted((config.NOTEBOOKS_DIR / "solutions").glob("*.ipynb"))
ALL = NOTEBOOKS + EXERCISES + SOLUTIONS
#: Characters of markdown per character of code: notebooks read as methods sections (textbooks run
#: about 1.6; the notebooks aim at 1.6 and 1.2, these floors leave room for an edit).
MIN_PROSE_RATIO = {"report": 1.5, "exercise": 1.0}


def _read(path):
    return nbformat.read(str(path), as_version=4)


def _errors(book) -> list[str]:
    return [f"cell {i}: {o.get('ename')}: {o.get('evalue')}" for i, cell in enumerate(book.cells)
            if cell.cell_type == "code" for o in cell.get("outputs", []) if o.get("output_type") == "error"]


def _text_outputs(book) -> str:
    parts = []
    for cell in book.cells:
        for output in cell.get("outputs", []) if cell.cell_type == "code" else []:
            parts.append(output.get("text", ""))
            parts.append(str(output.get("data", {}).get("text/plain", "")))
    return "\n".join(parts)


def test_the_report_notebooks_are_there():
    assert [p.stem for p in NOTEBOOKS] == ["01-ingest-and-explore", "02-find-the-coverage",
                                           "03-vectorise-and-cluster", "04-frame-the-coverage", "05-who-speaks",
                                           "06-over-time"]
    assert len(EXERCISES) >= 3 and [p.name for p in EXERCISES] == [p.name for p in SOLUTIONS]
    assert (config.NOTEBOOKS_DIR / "exercises" / "README.md").exists()


@pytest.mark.parametrize("path", ALL, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_notebook_conventions(path):
    assert re.match(r"^\d\d-[a-z0-9]+(-[a-z0-9]+)+\.ipynb$", path.name), "name it NN-verb-topic.ipynb"
    book = _read(path)
    code = [c for c in book.cells if c.cell_type == "code"]
    assert book.cells[0].cell_type == "markdown", "start with the question the notebook answers"
    assert sum("parameters" in c.metadata.get("tags", []) for c in code) == 1
    for cell in code:
        assert not cell.get("outputs") and cell.get("execution_count") is None, "commit notebooks without outputs"
        assert len(cell.source.splitlines()) <= 15, f"a code cell of {len(cell.source.splitlines())} lines"
        assert "sys.path" not in cell.source
        assert not re.search(r"^\s*def \w+\(", cell.source, flags=re.MULTILINE), "functions belong in analysis/"
    assert "SIMULATED" in book.cells[0].source


@pytest.mark.parametrize("path", ALL, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_code_cell_follows_a_markdown_cell(path):
    cells = _read(path).cells
    for i, cell in enumerate(cells):
        if cell.cell_type == "code":
            assert i > 0 and cells[i - 1].cell_type == "markdown", (
                f"code cell {i} ({cell.source.splitlines()[0][:60]!r}) has no markdown before it: say what it does "
                "and why a researcher might choose otherwise")


@pytest.mark.parametrize("path", ALL, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_notebooks_have_more_prose_than_code(path):
    cells = _read(path).cells
    prose = sum(len(c.source) for c in cells if c.cell_type == "markdown")
    code = sum(len(c.source) for c in cells if c.cell_type == "code")
    floor = MIN_PROSE_RATIO["report" if path in NOTEBOOKS else "exercise"]
    assert prose >= floor * code, f"{prose:,} characters of markdown, {code:,} of code: {prose / code:.2f} < {floor}"


def _string_constants(source: str) -> list[str]:
    return [node.value for node in ast.walk(ast.parse(source))
            if isinstance(node, ast.Constant) and isinstance(node.value, str)]


@pytest.mark.parametrize("path", ALL, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_parameters_cells_hold_no_literal_paths(path):
    cell = next(c for c in _read(path).cells if "parameters" in c.metadata.get("tags", []))
    paths = [s for s in _string_constants(cell.source) if re.search(r"[/\\]|^[.~]", s)]
    assert not paths, f"literal paths {paths} in the parameters cell: take them from analysis.config"
    if path in NOTEBOOKS:  # the report passes output_dir; run by hand, the default comes from config
        assert re.search(r"^output_dir = str\(config\.\w+", cell.source, flags=re.MULTILINE), cell.source


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    from analysis.report import build_report

    out = tmp_path_factory.mktemp("report")
    build_report(out=out, quiet=True)
    return out


def test_report_runs_every_notebook_and_links_it(report):
    index = (report / "index.html").read_text(encoding="utf-8")
    assert "Simulated data" in index
    run = json.loads((report / "run.json").read_text(encoding="utf-8"))
    assert [n["notebook"] for n in run["notebooks"]] == [p.stem for p in NOTEBOOKS]
    for entry in run["notebooks"]:
        assert f'href="{entry["html"]}"' in index
        page = (report / entry["html"]).read_text(encoding="utf-8")
        assert "data:image/png;base64" in page, f"{entry['html']} has no embedded figure"
        assert not re.search(r"<script[^>]+src=[\"']https?://", page), "no remote scripts"
        assert not _errors(_read(report / "notebooks" / f"{entry['notebook']}.ipynb"))
        assert entry["seconds"] > 0
    figures = sorted((report / "figures").glob("*.png"))
    assert len(figures) >= 9
    for png in figures:
        assert png.with_suffix(".svg").exists()
        assert f'src="figures/{png.name}"' in index
    assert {"notebooks_seed", "demo_random_state"} <= set(run["seeds"])


def test_every_demo_figure_is_marked_simulated_and_captioned(report):
    for svg in (report / "figures").glob("*.svg"):
        assert "SIMULATED" in svg.read_text(encoding="utf-8"), f"{svg.name}: no SIMULATED mark in the image"
        sidecar = json.loads(svg.with_suffix(".json").read_text(encoding="utf-8"))
        assert sidecar["simulated"] is True and sidecar["caption"], f"{svg.name}: no caption from its notebook"
    index = (report / "index.html").read_text(encoding="utf-8")
    assert '<nav class="toc">' in index and index.count('class="fig with-events"') >= 4  # events beside figures


def test_every_figure_has_its_numbers_in_a_table(report):
    tables = {p.stem for p in (report / "tables").glob("*.csv")}
    for png in (report / "figures").glob("*.png"):
        if png.stem == "03-cluster-sizes":
            assert "03-clusters" in tables  # sizes, labels and verdicts are columns of the clusters table
            continue
        assert png.stem in tables, f"{png.name} has no table of its numbers"


@pytest.mark.parametrize("path", EXERCISES + SOLUTIONS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_exercises_run_and_solutions_pass_their_checks(path, tmp_path):
    executed = tmp_path / path.name
    run_notebook(path, executed, {"demo_articles": 4000, "seed": 0}, cwd=tmp_path)
    book = _read(executed)
    assert not _errors(book)
    text = _text_outputs(book)
    if path.parent.name == "solutions":
        assert text.count("✅ correct") >= 2 and "➡️" not in text, text[-2000:]
    else:
        assert text.count("not answered yet") >= 2


@pytest.mark.shared
@pytest.mark.parametrize("notebook", ["01-ingest-and-explore", "03-vectorise-and-cluster", "05-who-speaks", "06-over-time"])
def test_notebooks_on_a_real_corpus(shared_data, tmp_path_factory, notebook):
    """Korean headlines and leads (Yonhap, Chosun): real text, no planted truth, no demo timeline."""
    from analysis.store import ingest_to_store

    store = tmp_path_factory.getbasetemp() / "real-ko-store"
    if not (store / "corpus").is_dir():
        ingest_to_store([shared_data / "ko_news_yonhap_chosun_2025-2026.csv.gz"], store)
    out = tmp_path_factory.mktemp("real")
    executed = out / f"{notebook}.ipynb"
    run_notebook(config.NOTEBOOKS_DIR / f"{notebook}.ipynb", executed,
                 {"corpus": str(store), "seed": 0, "freq": "M", "output_dir": str(out)}, cwd=out)
    book = _read(executed)
    assert not _errors(book)
    assert "SIMULATED" not in _text_outputs(book)
    assert list((out / "figures").glob(f"{notebook[:2]}-*.png"))
    for svg in (out / "figures").glob(f"{notebook[:2]}-*.svg"):  # real data: no SIMULATED mark in the image
        assert "SIMULATED" not in svg.read_text(encoding="utf-8"), svg.name
