"""Real public corpora, loaded into the standard corpus table in the style of ``sklearn.datasets.fetch_*``.

The catalogue (``registry/public_datasets.csv``, see :func:`public_datasets`)
names each corpus's prepared file, its SHA-256, size, origin and licence.
:func:`fetch_corpus` (or ``fetch_<name>()``, one per catalogue row) looks for
the file in ``DATA_HOME/datasets/`` first and touches no network when it is
there; otherwise it downloads the file when the catalogue gives a URL, checks
its SHA-256, and ingests it with :func:`analysis.ingestion.ingest`. Where no
download exists, :class:`DatasetNotFoundError` says which file to place where.

The SIMULATED demo corpus is not here: see :mod:`analysis.demo`.

Examples
--------
>>> catalogue = public_datasets()
>>> catalogue.loc[catalogue["name"] == "dprk_new_year", "rows"].item()
'73'
"""
from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

import pandas as pd

from . import config


class DatasetNotFoundError(FileNotFoundError):
    """A public corpus is not in the data home and cannot be downloaded; says what to place where."""


class ChecksumError(ValueError):
    """A corpus file's SHA-256 differs from the catalogue's."""


@lru_cache(maxsize=1)
def _catalogue() -> pd.DataFrame:
    """``registry/public_datasets.csv``, read on first use and kept."""
    return pd.read_csv(config.REGISTRY_DIR / "public_datasets.csv", dtype="str", keep_default_na=False)


def public_datasets() -> pd.DataFrame:
    """The catalogue of real public corpora the kit can load (``registry/public_datasets.csv``).

    Columns: name, filename, sha256, rows, url (empty when the prepared file is not published
    for download), licence, redistribute, origin, description. The file is read once, on the
    first call; each call returns a copy.

    Examples
    --------
    >>> "kcna2024" in set(public_datasets()["name"])
    True
    """
    return _catalogue().copy()


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _download(url: str, target: Path, sha256: str, *, timeout: float = 60.0) -> Path:
    """Download ``url`` to ``target`` through a temporary file, checking the SHA-256."""
    from urllib.request import urlopen

    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".part")
    with urlopen(url, timeout=timeout) as response, open(tmp, "wb") as fh:  # noqa: S310 (user-given URL)
        for block in iter(lambda: response.read(1 << 20), b""):
            fh.write(block)
    found = _sha256(tmp)
    if found != sha256:
        tmp.unlink(missing_ok=True)
        raise ChecksumError(f"{url}: downloaded file has SHA-256 {found}, expected {sha256}; nothing was kept")
    tmp.replace(target)
    return target


def fetch_file(name: str, *, data_home=None, path=None, download_if_missing: bool = True,
               url: str | None = None, check_hash: bool = True) -> Path:
    """Path of a catalogued corpus file, from the data home, a given path, or a download.

    Offline first: when the file is already in ``DATA_HOME/datasets/`` (or
    ``path`` is given) no network is touched. When it is missing it is
    downloaded from ``url`` (or the catalogue's URL) and its SHA-256 checked;
    without a URL, or when the download fails, :class:`DatasetNotFoundError`
    says which file to place where.

    Parameters
    ----------
    name : str
        A name from :func:`public_datasets`.
    data_home : path-like, optional
        Default :func:`analysis.config.data_home`.
    path : path-like, optional
        Use this file instead of the data home.
    download_if_missing : bool, default=True
    url : str, optional
        Overrides the catalogue's download URL (a mirror, or ``file://``).
    check_hash : bool, default=True
        Refuse a file whose SHA-256 differs from the catalogue's.
    """
    catalogue = public_datasets().set_index("name")
    if name not in catalogue.index:
        raise KeyError(f"unknown dataset {name!r}; known: {', '.join(catalogue.index)}")
    entry = catalogue.loc[name]
    folder = config.data_home(data_home) / "datasets"
    target = Path(path) if path is not None else folder / entry["filename"]
    if target.exists():
        if check_hash:
            found = _sha256(target)
            if found != entry["sha256"]:
                raise ChecksumError(f"{target}: SHA-256 {found} differs from the catalogue's {entry['sha256']} "
                                    f"for {name}; replace the file, or pass check_hash=False to load it anyway")
        return target
    if path is not None:
        raise DatasetNotFoundError(f"{target}: no such file")
    source = url or entry["url"]
    place = (f"place the file {entry['filename']} (SHA-256 {entry['sha256']}) in {folder}"
             f" or pass path=...; origin: {entry['origin']}")
    if not source or not download_if_missing:
        why = "no public download exists for this prepared file" if not source else "download_if_missing=False"
        raise DatasetNotFoundError(f"{name} is not in the data home and {why}: {place}")
    try:
        return _download(source, target, entry["sha256"])
    except ChecksumError:
        raise
    except OSError as exc:  # URLError, timeouts, refused connections
        raise DatasetNotFoundError(f"could not download {name} from {source} ({exc}): {place}") from None


def fetch_corpus(name: str, *, data_home=None, path=None, download_if_missing: bool = True,
                 url: str | None = None, check_hash: bool = True) -> pd.DataFrame:
    """Load a catalogued real corpus into the standard corpus table.

    See :func:`fetch_file` for where the file comes from. The ingest report
    is attached as ``corpus.attrs["ingest_report"]``.

    Examples
    --------
    >>> from analysis import config
    >>> shared = config.shared_data_dir()
    >>> if (shared / "kcna_en_2024.jsonl.gz").exists():
    ...     kcna = fetch_corpus("kcna2024", path=shared / "kcna_en_2024.jsonl.gz")
    ...     assert "src_topic" in kcna
    """
    from .ingestion import ingest

    file = fetch_file(name, data_home=data_home, path=path, download_if_missing=download_if_missing,
                      url=url, check_hash=check_hash)
    corpus, report = ingest(file)
    corpus.attrs["ingest_report"] = report.to_dict()
    corpus.attrs["dataset"] = name
    return corpus


def _make_fetcher(name: str):
    """``fetch_<name>()``: :func:`fetch_corpus` for one catalogued corpus (the catalogue is not read here)."""
    def fetch(*, data_home=None, path=None, download_if_missing: bool = True, url: str | None = None,
              check_hash: bool = True) -> pd.DataFrame:
        return fetch_corpus(name, data_home=data_home, path=path, download_if_missing=download_if_missing,
                            url=url, check_hash=check_hash)

    fetch.__name__ = f"fetch_{name}"
    fetch.__qualname__ = fetch.__name__
    fetch.__doc__ = (f"Load the real public corpus ``{name}`` into the standard corpus table.\n\n"
                     f"    What it is, its file, size, origin and licence: the ``{name}`` row of\n"
                     "    :func:`public_datasets`. Parameters as :func:`fetch_corpus`.\n")
    return fetch


fetch_rss2023_headlines = _make_fetcher("rss2023_headlines")
fetch_rss2023_sample50k = _make_fetcher("rss2023_sample50k")
fetch_kcna2024 = _make_fetcher("kcna2024")
fetch_ru_rt_ng = _make_fetcher("ru_rt_ng")
fetch_ko_yonhap_chosun = _make_fetcher("ko_yonhap_chosun")
fetch_id_kompas_fulltext = _make_fetcher("id_kompas_fulltext")
fetch_id_headlines = _make_fetcher("id_headlines")
fetch_narrative_frames = _make_fetcher("narrative_frames")
fetch_dprk_new_year = _make_fetcher("dprk_new_year")
fetch_gdelt_gkg_sample = _make_fetcher("gdelt_gkg_sample")
fetch_mediacloud_uk_protest = _make_fetcher("mediacloud_uk_protest")
