"""Parquet files, streamed in record batches.

Every column becomes text (timestamps in ISO 8601) so that the same mapping
and validation apply as for any other input; a Parquet file written by
:func:`analysis.store.write_store` ingests again unchanged.
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pandas as pd

from .base import ROW, IngestError, RawChunk, ReadOptions, frame_from_records


def read_parquet(path: Path, options: ReadOptions, fmt: str) -> Iterator[RawChunk]:
    """Stream a Parquet file (or a folder of them) as :class:`RawChunk` objects."""
    import pyarrow.parquet as pq

    try:
        parquet = pq.ParquetFile(path)
    except Exception as exc:  # pyarrow raises several types for a bad file
        raise IngestError(path, f"not a readable Parquet file ({exc})") from None
    return _batches(path, parquet, options)


def _batches(path, parquet, options) -> Iterator[RawChunk]:
    row = 0
    for batch in parquet.iter_batches(batch_size=options.chunk_rows):
        frame = batch.to_pandas()
        records = []
        for column in frame.columns:
            if pd.api.types.is_datetime64_any_dtype(frame[column]):
                frame[column] = frame[column].map(lambda v: v.isoformat() if pd.notna(v) else None)
        records = frame.to_dict("records")
        numbers = list(range(row + 1, row + len(records) + 1))
        row += len(records)
        chunk = frame_from_records(records, numbers)
        yield RawChunk(chunk, "parquet")
    if row == 0:
        yield RawChunk(pd.DataFrame({ROW: pd.array([], dtype="Int64")}), "parquet")
