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

from .corpus import IngestOptions, IngestReport, SCHEMA, ingest, validate_corpus  # noqa: E402
from .store import CorpusStore, ingest_to_store, open_store  # noqa: E402

__all__ = ["CorpusStore", "IngestOptions", "IngestReport", "SCHEMA", "ingest", "ingest_to_store",
           "open_store", "validate_corpus", "__version__"]
