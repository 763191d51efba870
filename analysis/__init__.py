"""Media-analysis notebook kit: the helper package behind the notebooks.

The worked case study is news coverage of the Russia-North Korea relationship;
nothing in the package is specific to it.

Examples
--------
>>> from analysis import ingest
>>> from analysis.config import SAMPLE_DIR
>>> corpus, report = ingest(SAMPLE_DIR)
>>> report.rows_read == report.rows_accepted + report.rows_rejected
True
"""
from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("analysis")
except PackageNotFoundError:  # running from a source checkout without installing
    __version__ = "0.0.0+source"

# heavy libraries (pandas, pyarrow) load on first use, so `import analysis` stays quick
_LAZY = {"IngestOptions": "ingestion", "IngestReport": "corpus", "SCHEMA": "corpus", "ingest": "ingestion",
         "validate_corpus": "corpus", "CorpusStore": "store", "ingest_to_store": "store", "open_store": "store"}

__all__ = sorted(_LAZY) + ["__version__"]


def __getattr__(name):
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'analysis' has no attribute {name!r}")
