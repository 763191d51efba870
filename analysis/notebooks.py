"""Run the numbered notebooks with papermill and render them to self-contained HTML.

Every ``notebooks/NN-verb-topic.ipynb`` is part of the report: adding a notebook is adding one
file (with a ``parameters`` cell). Each runs in a fresh kernel with the report's parameters
injected; its figures and tables land in the report folder (see :class:`analysis.workflow.Outputs`),
the executed notebook in ``notebooks/`` and its HTML rendering (images inside the page, no
remote scripts) beside it.
"""
from __future__ import annotations

import re
import time
from pathlib import Path

from . import config

NOTEBOOK_NAME = re.compile(r"^\d\d-[a-z0-9-]+\.ipynb$")
CELL_TIMEOUT = 600  # seconds per cell: a stuck cell fails the run instead of hanging it


class NotebookError(RuntimeError):
    """A notebook cell failed; the message names the notebook, the cell and the error."""


def report_notebooks(folder=None) -> list[Path]:
    """The report's notebooks, in order: ``NN-verb-topic.ipynb`` files of ``folder``."""
    folder = Path(folder) if folder else config.NOTEBOOKS_DIR
    if not folder.is_dir():
        raise FileNotFoundError(f"{folder}: no notebooks folder (run the report from the project checkout, "
                                "or pass --notebooks)")
    return sorted(p for p in folder.iterdir() if NOTEBOOK_NAME.match(p.name))


def notebook_title(path) -> str:
    """The first markdown heading of a notebook (its file name when it has none)."""
    import nbformat

    book = nbformat.read(str(path), as_version=4)
    for cell in book.cells:
        if cell.cell_type == "markdown":
            match = re.search(r"^#\s+(.+)$", cell.source, flags=re.MULTILINE)
            if match:
                return match.group(1).strip()
    return Path(path).stem


def run_notebook(path, executed, parameters: dict, *, cwd=None, timeout: int = CELL_TIMEOUT) -> float:
    """Execute ``path`` with ``parameters`` into ``executed``; returns the wall time in seconds.

    Raises :class:`NotebookError` naming the notebook and the failing cell when a cell fails.
    """
    import papermill as pm

    executed = Path(executed)
    executed.parent.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    try:
        pm.execute_notebook(str(path), str(executed), parameters=parameters, kernel_name="python3",
                            progress_bar=False, log_output=False, cwd=str(cwd or Path(path).parent),
                            execution_timeout=timeout,
                            # the kernel's own start-up and shutdown notes (transport, interrupt) are noise here
                            extra_arguments=["--IPKernelApp.log_level=CRITICAL"])
    except pm.PapermillExecutionError as exc:
        raise NotebookError(f"{Path(path).name}: cell {exc.exec_count} failed: {exc.ename}: {exc.evalue} "
                           f"(the executed notebook with the traceback is {executed})") from None
    return time.perf_counter() - start


_REMOTE_SCRIPT = re.compile(r"<script[^>]+src=[\"']https?://[^>]*>\s*</script>", re.IGNORECASE)


def notebook_html(executed, target, *, css: str | None = None) -> Path:
    """Render an executed notebook to one HTML page: images embedded, no remote scripts needed.

    ``css`` is added at the end of the page's head (the report gives its font stack, so Hangul and
    Cyrillic in tables and printed output find a font).
    """
    import nbformat
    from nbconvert import HTMLExporter

    book = nbformat.read(str(executed), as_version=4)
    exporter = HTMLExporter(template_name="lab")
    exporter.exclude_input_prompt = False
    body, _ = exporter.from_notebook_node(book)
    body = _REMOTE_SCRIPT.sub("", body)  # MathJax/require.js from a CDN: not needed to read the page
    if css:
        body = body.replace("</head>", f"<style>{css}</style>\n</head>", 1)
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(body, encoding="utf-8")
    return target
