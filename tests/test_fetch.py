"""Loaders for real public corpora: cache path, checksums, offline errors; never the network."""
from __future__ import annotations

import shutil
import subprocess
import sys
import urllib.request

import pytest

from analysis import datasets
from analysis.datasets import ChecksumError, DatasetNotFoundError, fetch_corpus, fetch_file, public_datasets


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """Any attempt to open a network URL fails the test; file:// stays allowed."""
    real = urllib.request.urlopen

    def guarded(url, *args, **kwargs):
        target = url if isinstance(url, str) else url.full_url
        if not target.startswith("file:"):
            raise AssertionError(f"test tried the network: {target}")
        return real(url, *args, **kwargs)

    monkeypatch.setattr(urllib.request, "urlopen", guarded)


@pytest.fixture
def home_with(shared_data, tmp_path):
    """A temporary data home holding copies of some shared files."""

    def _make(*names):
        folder = tmp_path / "home" / "datasets"
        folder.mkdir(parents=True, exist_ok=True)
        for name in names:
            filename = public_datasets().set_index("name").loc[name, "filename"]
            shutil.copy(shared_data / filename, folder / filename)
        return tmp_path / "home"

    return _make


def test_catalogue_lists_every_shared_corpus_with_its_checksum(shared_data):
    catalogue = public_datasets()
    assert catalogue["name"].is_unique and len(catalogue) == 11
    for row in catalogue.itertuples():
        assert datasets._sha256(shared_data / row.filename) == row.sha256, row.filename


def test_cached_file_loads_without_network(home_with):
    home = home_with("kcna2024")
    corpus = datasets.fetch_kcna2024(data_home=home)
    assert len(corpus) == 2111 and corpus.attrs["dataset"] == "kcna2024"
    report = corpus.attrs["ingest_report"]
    assert report["rows_read"] == report["rows_accepted"] + report["rows_rejected"]


def test_data_home_comes_from_the_environment(home_with, monkeypatch):
    home = home_with("dprk_new_year")
    monkeypatch.setenv("ANALYSIS_DATA_HOME", str(home))
    assert len(datasets.fetch_dprk_new_year()) == 73


def test_missing_file_without_url_says_what_to_place_where(tmp_path):
    with pytest.raises(DatasetNotFoundError) as info:
        fetch_file("ru_rt_ng", data_home=tmp_path)
    message = str(info.value)
    assert "ru_news_rt_ng_kw_2000-2018.jsonl.gz" in message and str(tmp_path / "datasets") in message
    assert "SHA-256" in message


def test_download_checks_the_sha256(shared_data, tmp_path):
    source = shared_data / "dprk_new_year_addresses_ko_1946-2019.jsonl.gz"
    path = fetch_file("dprk_new_year", data_home=tmp_path, url=source.as_uri())
    assert path == tmp_path / "datasets" / source.name and path.read_bytes() == source.read_bytes()
    wrong = shared_data / "kcna_en_2024.jsonl.gz"
    with pytest.raises(ChecksumError, match="expected"):
        fetch_file("dprk_new_year", data_home=tmp_path / "other", url=wrong.as_uri())
    assert not (tmp_path / "other" / "datasets" / source.name).exists()
    assert not list((tmp_path / "other" / "datasets").glob("*.part"))


def test_unreachable_url_gives_the_placement_message(tmp_path):
    with pytest.raises(DatasetNotFoundError, match="could not download.*place the file"):
        fetch_file("dprk_new_year", data_home=tmp_path, url=(tmp_path / "absent.gz").as_uri())


def test_tampered_cache_is_refused_unless_told(home_with):
    home = home_with("gdelt_gkg_sample")
    target = home / "datasets" / "gdelt_gkg_simsearch_sample_2019.csv.gz"
    data = target.read_bytes()
    target.write_bytes(data[:-10] + b"0123456789")
    with pytest.raises(ChecksumError, match="check_hash=False"):
        fetch_file("gdelt_gkg_sample", data_home=home)
    assert fetch_file("gdelt_gkg_sample", data_home=home, check_hash=False) == target


def test_explicit_path_is_used_as_is(shared_data):
    corpus = fetch_corpus("gdelt_gkg_sample", path=shared_data / "gdelt_gkg_simsearch_sample_2019.csv.gz")
    assert len(corpus) == 1000
    with pytest.raises(KeyError, match="unknown dataset"):
        fetch_file("nope")


def test_importing_datasets_reads_no_file_and_the_catalogue_is_read_once():
    code = ("import pandas as pd; calls = []; real = pd.read_csv\n"
            "pd.read_csv = lambda *a, **k: calls.append(a[0]) or real(*a, **k)\n"
            "from analysis import datasets; print(len(calls))\n"
            "datasets.public_datasets(); datasets.fetch_file; datasets.public_datasets(); print(len(calls))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["0", "1"]


def test_fetchers_are_named_for_their_catalogue_row():
    assert set(f"fetch_{name}" for name in public_datasets()["name"]) <= set(dir(datasets))
    assert datasets.fetch_kcna2024.__name__ == "fetch_kcna2024" and "kcna2024" in datasets.fetch_kcna2024.__doc__
