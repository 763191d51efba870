#!/usr/bin/env python3
"""Set-up and entry points, so that a fresh clone needs only Python 3.11+.

    python3 tasks.py report   # build the report on the bundled, simulated demo sample
    python3 tasks.py test     # run the whole test suite
    python3 tasks.py lab      # open the notebooks in JupyterLab (adds --allow-root when run as root)

Each task creates ``.venv`` in the project folder when it is missing and
installs the package with the extras it needs; it reinstalls only when
``pyproject.toml`` changed, so running a task twice is harmless. Arguments
after the task name go to the command (``python3 tasks.py test -k dates``).
"""
from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
EXTRAS = {"report": "all", "test": "test,all,embeddings", "lab": "all"}  # tests exercise the optional embeddings too


def venv_python() -> Path:
    return VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def ensure_environment(extras: str) -> Path:
    """Create the virtual environment and install the package with ``extras``."""
    if sys.version_info < (3, 11):
        sys.exit(f"Python 3.11 or newer is needed; this is {sys.version.split()[0]}")
    python = venv_python()
    if not python.exists():
        print(f"creating virtual environment in {VENV}", flush=True)
        venv.EnvBuilder(with_pip=True, clear=True).create(VENV)
    stamp_file = VENV / f".installed-{extras.replace(',', '-')}"
    stamp = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if stamp_file.exists() and stamp_file.read_text() == stamp:
        return python
    print(f"installing the package with extras [{extras}] (first run only)", flush=True)
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", "-e", f".[{extras}]"], cwd=ROOT, check=True)
    stamp_file.write_text(stamp)
    return python


def lab_command(python, rest: list[str], *, root: bool | None = None) -> list[str]:
    """JupyterLab on the notebooks; ``--allow-root`` when run as root (as in a container), which Jupyter refuses otherwise.

    >>> lab_command("py", ["--no-browser"], root=True)
    ['py', '-m', 'jupyter', 'lab', '--allow-root', '--no-browser']
    >>> lab_command("py", [], root=False)
    ['py', '-m', 'jupyter', 'lab']
    """
    if root is None:
        root = hasattr(os, "geteuid") and os.geteuid() == 0
    allow = ["--allow-root"] if root and "--allow-root" not in rest else []
    return [str(python), "-m", "jupyter", "lab", *allow, *rest]


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in EXTRAS:
        print(__doc__)
        return 2
    task, rest = argv[0], argv[1:]
    python = ensure_environment(EXTRAS[task])
    env = dict(os.environ)
    if task == "report":
        command = [str(python), "-m", "analysis", "report", *rest]
    elif task == "lab":
        command = lab_command(python, rest)
    else:
        command = [str(python), "-m", "pytest", *rest]
    return subprocess.run(command, cwd=ROOT, env=env).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
