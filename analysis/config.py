"""Every path the kit uses, in one place.

Nothing else in the package builds paths from ``"../"``. Raw inputs are never
modified: derived data goes to a store, to ``data/processed/`` or to the data
home.

The data home holds caches and stores (downloaded corpora, full-text indexes).
It is ``$ANALYSIS_DATA_HOME`` when that variable is set, else
``~/analysis_data`` (like scikit-learn's ``~/scikit_learn_data``).

Examples
--------
>>> from analysis import config
>>> config.SAMPLE_DIR.name
'sample'
>>> config.data_home().is_absolute()
True
"""
from __future__ import annotations

import os
from pathlib import Path

#: Root of the project checkout (the folder holding ``pyproject.toml``).
PROJECT_ROOT = Path(__file__).resolve().parent.parent
#: Committed and ignored data folders (cookiecutter-data-science layout).
DATA_DIR = PROJECT_ROOT / "data"
SAMPLE_DIR = DATA_DIR / "sample"
NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"
RAW_DIR = DATA_DIR / "raw"
PROCESSED_DIR = DATA_DIR / "processed"
#: Default output folder of ``python -m analysis report``.
REPORTS_DIR = PROJECT_ROOT / "reports"
DEFAULT_REPORT_DIR = REPORTS_DIR / "demo"
#: Output folder of a notebook run by hand (the default of its ``output_dir`` parameter); the report
#: passes its own folder instead.
NOTEBOOK_OUTPUT_DIR = REPORTS_DIR / "notebooks"
#: Data files that ship inside the package (registries, boilerplate patterns).
REGISTRY_DIR = Path(__file__).resolve().parent / "registry"

DATA_HOME_ENV = "ANALYSIS_DATA_HOME"
SHARED_DATA_ENV = "ANALYSIS_SHARED_DATA"

#: Rows per chunk when readers stream large files.
DEFAULT_CHUNK_ROWS = 20_000


def data_home(path: str | os.PathLike | None = None, *, create: bool = True) -> Path:
    """Folder for caches and stores.

    Parameters
    ----------
    path : path-like, optional
        Explicit folder; wins over the environment.
    create : bool, default=True
        Create the folder when it does not exist.

    Returns
    -------
    pathlib.Path

    Examples
    --------
    >>> import tempfile
    >>> data_home(tempfile.mkdtemp()).exists()
    True
    """
    if path is None:
        path = os.environ.get(DATA_HOME_ENV) or Path.home() / "analysis_data"
    home = Path(path).expanduser().resolve()
    if create:
        home.mkdir(parents=True, exist_ok=True)
    return home


def shared_data_dir() -> Path:
    """Folder of the shared real corpora (``../shared/data`` beside the project).

    ``$ANALYSIS_SHARED_DATA`` overrides it. The folder may be absent: callers
    check ``.exists()`` and say so.
    """
    env = os.environ.get(SHARED_DATA_ENV)
    if env:
        return Path(env).expanduser().resolve()
    return PROJECT_ROOT.parent / "shared" / "data"


def read_yaml(path):
    """A YAML file as Python data, with libyaml's C loader when PyYAML has it (about 10x faster)."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with open(path, encoding="utf-8") as handle:
        return yaml.load(handle, Loader=loader)
