"""A real JupyterLab in a real browser: open a notebook, Run All, check every cell ran and figures show.

JupyterLab runs on 127.0.0.1 (a free port, a temporary config and a temporary copy of the
notebooks); Debian's Chromium is driven by pip's Playwright (``executable_path=/usr/bin/chromium``;
Playwright's own browser download does not work here). ``.ci/run`` installs Chromium with apt
when it is missing. The screenshot is kept in ``reports/screenshots/`` for a human to look at.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest

from analysis import config

CHROMIUM = Path(os.environ.get("ANALYSIS_CHROMIUM", "/usr/bin/chromium"))
NOTEBOOK = "01-ingest-and-explore.ipynb"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture()
def lab(tmp_path):
    pytest.importorskip("jupyterlab", reason="JupyterLab is not installed (pip install -e .[test])")
    pytest.importorskip("playwright", reason="Playwright is not installed (pip install -e .[test])")
    if not CHROMIUM.exists():
        pytest.skip(f"no Chromium at {CHROMIUM}: install Debian's chromium (apt-get install chromium)")
    work = tmp_path / "notebooks"
    work.mkdir()
    book = nbformat.read(str(config.NOTEBOOKS_DIR / NOTEBOOK), as_version=4)
    for cell in book.cells:  # what a user does: edit the parameters cell
        if "parameters" in cell.metadata.get("tags", []):
            cell.source = re.sub(r"^output_dir = .*$", f'output_dir = "{tmp_path / "out"}"', cell.source, flags=re.MULTILINE)
    nbformat.write(book, str(work / NOTEBOOK))
    port, token = _free_port(), "analysis-browser-test"
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(tmp_path / "config"), "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"),
           "JUPYTERLAB_SETTINGS_DIR": str(tmp_path / "settings"), "JUPYTERLAB_WORKSPACES_DIR": str(tmp_path / "ws")}
    env.pop("MPLBACKEND", None)  # figures must reach the outputs
    log = open(tmp_path / "lab.log", "w")
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1", f"--port={port}", "--allow-root",
         f"--ServerApp.token={token}", f"--ServerApp.root_dir={work}", "--LabApp.news_url=",
         "--ServerApp.disable_check_xsrf=False"], env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 90
    while time.time() < deadline:
        try:
            urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=2)
            break
        except OSError:
            if server.poll() is not None:
                pytest.fail(f"JupyterLab exited: {(tmp_path / 'lab.log').read_text()[-2000:]}")
            time.sleep(0.5)
    else:
        server.terminate()
        pytest.fail("JupyterLab did not answer within 90 s")
    try:
        yield {"url": url, "token": token, "work": work, "tmp": tmp_path}
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


def test_run_all_in_jupyterlab_in_chromium(lab):
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import sync_playwright

    shots = config.PROJECT_ROOT / "reports" / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync"])
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(f"{lab['url']}/lab/tree/{NOTEBOOK}?token={lab['token']}")
        page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=90_000)
        try:  # JupyterLab may ask which kernel to start: take the proposed Python 3
            page.locator(".jp-Dialog >> text=Select Kernel").wait_for(timeout=10_000)
        except PlaywrightTimeout:
            asked_for_kernel = False
        else:
            page.click(".jp-Dialog button.jp-mod-accept")
            asked_for_kernel = True
        page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=90_000)
        page.click("text=Run >> nth=0")  # the Run menu
        page.click("text=Run All Cells")
        code_cells = sum(c.cell_type == "code" for c in nbformat.read(str(lab["work"] / NOTEBOOK), as_version=4).cells)

        def prompts():
            return page.eval_on_selector_all(".jp-CodeCell .jp-InputPrompt", "els => els.map(e => e.textContent.trim())")

        deadline = time.time() + 240
        while time.time() < deadline:
            seen = prompts()
            done = [p for p in seen if p.startswith("[") and p[1:-2].strip().isdigit()]
            if len(done) == code_cells:
                break
            time.sleep(1)
        page.wait_for_timeout(1000)
        errors = page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr'] >> text=Traceback").count()
        images = page.eval_on_selector_all(".jp-OutputArea-output img",
                                           "imgs => imgs.map(i => [i.complete, i.naturalWidth])")
        page.keyboard.press("Control+s")
        page.wait_for_timeout(1500)
        page.screenshot(path=str(shots / "jupyterlab-run-all.png"), full_page=False)
        browser.close()
    assert len(done) == code_cells, f"only {len(done)} of {code_cells} cells ran: {seen} (kernel dialog: {asked_for_kernel})"
    assert errors == 0
    assert images and all(complete and width > 0 for complete, width in images), images
    saved = nbformat.read(str(lab["work"] / NOTEBOOK), as_version=4)
    outputs = [o for c in saved.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    assert any("image/png" in o.get("data", {}) for o in outputs)
    loading = next(c for c in saved.cells if c.cell_type == "code" and "load_corpus(" in c.source)
    assert json.dumps(loading.outputs).find("SIMULATED") >= 0  # the demo says what it is

