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


# --- the report as a document: contents, captions, events beside figures, fonts, JupyterLab as root ----

def test_the_page_has_contents_and_names_its_fonts(ingest_report):
    from analysis.report import FONT_STACK

    page = (ingest_report / "index.html").read_text(encoding="utf-8")
    toc = page[page.index('<nav class="toc">'):page.index("</nav>")]
    anchors = re.findall(r'href="#([^"]+)"', toc)
    assert "ingestion" in anchors and "t-articles-per-language" in anchors
    assert all(f'id="{a}"' in page for a in anchors)  # every entry leads somewhere
    for font in ("Noto Sans CJK KR", "Malgun Gothic", "Apple SD Gothic Neo", "Nanum Gothic", "DejaVu Sans"):
        assert font in FONT_STACK and font in page
    assert "Hangul" in page and "Cyrillic" in page  # the page says which fonts it needs
    assert "@font-face" not in page  # no Hangul in the demo's ingest tables, no glyphs embedded


def test_figures_get_captions_and_their_events_beside_them(tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from analysis import plots
    from analysis.demo import demo_events, load_demo
    from analysis.report import _contents, _notebooks_html
    from analysis.timeseries import attention_over_time
    from analysis.workflow import Outputs

    out = Outputs(tmp_path, "01", simulated=True)
    fig, ax = plt.subplots(layout="constrained")
    plots.plot_attention_over_time(attention_over_time(load_demo(300, random_state=1), freq="M"),
                                   events=demo_events(), ax=ax)
    out.figure(fig, "documents", caption="Documents per month. Every month present, zeros kept.")
    fig, ax = plt.subplots(layout="constrained")
    ax.bar(["a", "b"], [1, 2])
    out.figure(fig, "bars")
    plt.close("all")
    run = {"notebook": "01-x", "title": "Explore", "html": "notebooks/01-x.html", "seconds": 1.0, "tables": [],
           "figures": ["01-bars.png", "01-documents.png"]}
    body = _notebooks_html(tmp_path, [run])
    assert body.index('id="fig-01-documents"') < body.index('id="fig-01-bars"')  # in the order saved, not by name
    documents = body[body.index('id="fig-01-documents"'):body.index('id="fig-01-bars"')]
    assert "Figure 1. Documents per month." in documents and "Every month present, zeros kept" in documents
    assert "n = " in documents and "Period: 2023-07-01 to" in documents and "SIMULATED data" in documents
    events = documents[documents.index('<table'):documents.index("</table>")]
    assert events.count("</tr>") == 1 + 16 and "Putin and Kim sign a partnership treaty" in events  # full labels
    assert 'class="fig with-events"' in body and '<div class="fig" id="fig-01-bars">' in body  # no events, no table
    assert "#fig-01-documents" in _contents(body)


def test_notebook_pages_get_the_font_stack(tmp_path):
    import nbformat

    from analysis.notebooks import notebook_html
    from analysis.report import NOTEBOOK_CSS

    book = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# 북한 и Россия\n\n| 출처 | СМИ |\n|--|--|\n| 연합뉴스 | ТАСС |")])
    executed = tmp_path / "01-x.ipynb"
    nbformat.write(book, str(executed))
    page = notebook_html(executed, tmp_path / "01-x.html", css=NOTEBOOK_CSS).read_text(encoding="utf-8")
    head = page[:page.index("</head>")]
    assert "--jp-content-font-family" in head and "Noto Sans CJK KR" in head
    assert "연합뉴스" in page and "ТАСС" in page


def test_pages_carry_the_hangul_glyphs_they_show(tmp_path):
    import base64
    import io

    from fontTools.ttLib import TTFont

    from analysis.report import with_hangul_glyphs

    page = with_hangul_glyphs("<html><head><title>x</title></head><body><td>북한 и Россия</td></body></html>")
    assert page == with_hangul_glyphs("<html><head><title>x</title></head><body><td>북한 и Россия</td></body></html>")
    assert "unicode-range:U+1100-11FF" in page  # used for Hangul only, so Latin and Cyrillic keep their fonts
    data = re.search(r"base64,([A-Za-z0-9+/=]+)", page).group(1)
    cmap = TTFont(io.BytesIO(base64.b64decode(data))).getBestCmap()
    assert {ord("북"), ord("한")} <= set(cmap) and ord("국") not in cmap  # the page's syllables, no more


def test_korean_pages_carry_the_han_characters_of_their_headlines():
    """Korean headlines write North Korea, the US and China as 北, 美, 中: boxes without a CJK font."""
    import base64
    import io

    from fontTools.ttLib import TTFont

    from analysis.report import with_hangul_glyphs

    page = with_hangul_glyphs("<html><head></head><body><td>北 최선희, 美언론</td></body></html>")
    assert "U+4E00-9FFF" in page
    cmap = TTFont(io.BytesIO(base64.b64decode(re.search(r"base64,([A-Za-z0-9+/=]+)", page).group(1)))).getBestCmap()
    assert {ord("北"), ord("美"), ord("최")} <= set(cmap) and ord("中") not in cmap
    chinese = "<html><head></head><body>北京</body></html>"  # no Hangul: the reader's own fonts
    assert with_hangul_glyphs(chinese) == chinese


def test_jupyterlab_gets_allow_root_only_as_root():
    import importlib.util

    spec = importlib.util.spec_from_file_location("tasks", config.PROJECT_ROOT / "tasks.py")
    tasks = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tasks)
    assert tasks.lab_command("py", ["--no-browser"], root=True) == ["py", "-m", "jupyter", "lab", "--allow-root",
                                                                    "--no-browser"]
    assert "--allow-root" not in tasks.lab_command("py", [], root=False)
    assert tasks.lab_command("py", ["--allow-root"], root=True).count("--allow-root") == 1
    assert "lab" in tasks.EXTRAS



def test_month_tables_show_the_months_the_collection_missed(tmp_path):
    """The Korean corpus has no items in January and February 2026: the tables say 0, not skip the rows."""
    import pandas as pd

    source = tmp_path / "gap.csv"
    pd.DataFrame({"title": ["Putin meets Kim", "Kim visits Moscow", "Lavrov in Pyongyang"],
                  "date": ["2025-12-10", "2026-03-02", "2026-03-05"],
                  "outlet": ["Example News"] * 3}).to_csv(source, index=False)
    index = build_report(source, tmp_path / "report", quiet=True, notebooks=False)
    months = pd.read_csv(index.parent / "tables" / "counts_by_month.csv")
    assert months["month"].tolist() == ["2025-12-01", "2026-01-01", "2026-02-01", "2026-03-01"]
    assert months["n"].tolist() == [1, 0, 0, 2]
    deduplicated = pd.read_csv(index.parent / "tables" / "counts_by_month_without_duplicates.csv")
    assert deduplicated["n"].tolist() == [1, 0, 0, 2]
