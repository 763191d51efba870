"""Shared fixtures: a temporary data home, the shared real corpora, small file writers."""
from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from analysis import config


@pytest.fixture(autouse=True)
def _isolated_data_home(tmp_path_factory, monkeypatch):
    """No test writes into the user's real data home."""
    monkeypatch.setenv(config.DATA_HOME_ENV, str(tmp_path_factory.mktemp("data_home")))


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The folder of real corpora; tests using it skip with a reason when it is absent."""
    folder = config.shared_data_dir()
    if not (folder / "README.md").exists():
        pytest.skip(f"shared real corpora not found at {folder} (set ANALYSIS_SHARED_DATA)")
    return folder


@pytest.fixture
def write(tmp_path):
    """Write a file under tmp_path: text (with encoding) or bytes, gzip when the name ends in .gz."""

    def _write(name: str, content, encoding: str = "utf-8") -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        data = content if isinstance(content, bytes) else content.encode(encoding)
        if name.endswith(".gz"):
            data = gzip.compress(data, mtime=0)
        path.write_bytes(data)
        return path

    return _write


def pytest_sessionfinish(session, exitstatus):
    """Join pyarrow's native threads before interpreter shutdown (see analysis/__main__.py)."""
    import gc

    gc.collect()
