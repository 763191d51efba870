"""A folder of ``.txt``, ``.md`` and ``.html`` documents (or one such file).

Each file is one source row, numbered in sorted path order. YAML front matter
(``---`` lines at the top) is read into columns (``title``, ``date``,
``url``, ``outlet``... as the author wrote them). HTML pages go through
trafilatura, which keeps the article body and drops menus; headline, date,
outlet, URL and author come from the page's metadata and lines
(:mod:`analysis.readers.pages`), each with its source. For ``.txt`` and
``.md`` without a title in front matter, the most headline-like line is the
title (never a menu line such as ``Menu`` or ``Beranda``), and the date line,
byline and dateline near it give date, author and outlet. Files of other types are rejected with the reason; hidden files and
folders (``.DS_Store``, ``.ipynb_checkpoints``) and a folder's README are
skipped and counted as a warning. Data files in the folder (CSV, JSON,
Parquet, feeds) are read by their own readers, so a folder of mixed exports
ingests in one call.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Iterator

import yaml

from .base import IngestError, RawChunk, ReadOptions, Reject, detect_encoding, frame_from_records
from .pages import dateline_outlet, html_metadata, text_metadata

DOCUMENT_SUFFIXES = {".txt", ".md", ".markdown", ".html", ".htm"}
_FRONT_MATTER_RE = re.compile(r"\A---\s*\n(.*?)\n(?:---|\.\.\.)\s*(?:\n|\Z)", re.S)
_MD_IMAGE_RE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_MD_LINK_RE = re.compile(r"\[([^\]]+)\]\((?:[^)(]|\([^)]*\))*\)")
_MD_EMPHASIS_RE = re.compile(r"(\*\*|__|\*|_)(?=\S)(.+?)(?<=\S)\1")


#: Files in a folder that hold many rows each; they go to their own reader.
DATA_SUFFIXES = {".csv", ".tsv", ".json", ".jsonl", ".ndjson", ".parquet", ".xml", ".rss", ".atom"}


def _base_suffix(file: Path) -> str:
    name = file.name.lower()
    for compression in (".gz", ".bz2", ".xz"):
        if name.endswith(compression):
            name = name[: -len(compression)]
    return Path(name).suffix


def split_folder(path: Path) -> tuple[list[Path], list[Path], int]:
    """Sort a folder's files into (document files, data files, hidden count).

    Document files are ``.txt``, ``.md``, ``.html`` and anything unrecognised
    (which the folder reader then rejects with a reason); data files
    (CSV, JSON, Parquet, feeds, possibly compressed) are read by their own
    readers. Hidden files and folders are skipped and counted.
    """
    if path.is_file():
        return [path], [], 0
    documents, data, hidden = [], [], 0
    for candidate in sorted(path.rglob("*")):
        rel = candidate.relative_to(path)
        if any(part.startswith(".") for part in rel.parts):
            hidden += candidate.is_file()
            continue
        if not candidate.is_file():
            continue
        if _base_suffix(candidate) in DATA_SUFFIXES:
            data.append(candidate)
        elif candidate.name.lower() in {"readme.md", "readme.txt", "readme", "license", "licence"}:
            hidden += 1  # a folder's own notes are not articles
        else:
            documents.append(candidate)
    return documents, data, hidden


def markdown_to_text(text: str) -> str:
    """Plain text from Markdown: images dropped, links to their text, emphasis removed.

    Examples
    --------
    >>> markdown_to_text("**JAKARTA, KOMPAS.com** - Lihat [foto](http://x)")
    'JAKARTA, KOMPAS.com - Lihat foto'
    """
    text = _MD_IMAGE_RE.sub("", text)
    text = _MD_LINK_RE.sub(r"\1", text)
    text = _MD_EMPHASIS_RE.sub(r"\2", text)
    text = re.sub(r"^\s{0,3}#{1,6}\s+", "", text, flags=re.M)
    text = re.sub(r"^\s{0,3}>\s?", "", text, flags=re.M)
    return text


def _front_matter(text: str, path: Path) -> tuple[dict, str]:
    match = _FRONT_MATTER_RE.match(text)
    if not match:
        return {}, text
    try:
        meta = yaml.safe_load(match.group(1)) or {}
    except yaml.YAMLError as exc:
        raise ValueError(f"front matter is not valid YAML ({str(exc).splitlines()[0]})") from None
    if not isinstance(meta, dict):
        raise ValueError("front matter is not a mapping of keys to values")
    return {str(k): v for k, v in meta.items()}, text[match.end():]


def _read_html(raw: str) -> dict:
    """Body from trafilatura; headline, date, outlet, URL and author from :func:`~.pages.html_metadata`.

    Where the page's own metadata and lines say nothing, trafilatura's guesses
    fill in, with the source ``trafilatura``.
    """
    import trafilatura

    meta = html_metadata(raw)
    doc = trafilatura.bare_extraction(raw, with_metadata=True, include_comments=False, favor_precision=True)
    data = (doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)) if doc is not None else {}
    record = {"text": data.get("text"), "language": data.get("language"), "description": data.get("description"),
              "outlet_domain": data.get("hostname")}
    for name, key in (("title", "title"), ("published", "date"), ("outlet", "sitename"), ("url", "url"),
                      ("author", "author")):
        if meta.get(name):
            record[name], record[f"__{name}_source"] = meta[name], meta[f"__{name}_source"]
        elif data.get(key):
            record[name], record[f"__{name}_source"] = data[key], "trafilatura"
    text, title = record.get("text"), record.get("title")
    if isinstance(text, str) and isinstance(title, str):
        first, _, rest = text.partition("\n")
        if first.strip() == title.strip():  # the page's <h1> repeats the title
            record["text"] = rest.strip()
    if not record.get("outlet") and isinstance(record.get("text"), str):
        outlet = dateline_outlet(record["text"])
        if outlet:
            record["outlet"], record["__outlet_source"] = outlet, "dateline"
    return {k: v for k, v in record.items() if v not in (None, "")}


def _read_document(file: Path, text: str) -> dict:
    meta, body = _front_matter(text, file)
    suffix = file.suffix.lower()
    record: dict = {}
    if suffix in {".html", ".htm"}:
        record.update(_read_html(body))
    else:
        if suffix in {".md", ".markdown"}:
            body = markdown_to_text(body)
        record.update(text_metadata(body) if "title" not in meta else {"text": body.strip()})
    for key in meta:  # front matter wins over what the body suggests, and is its own source
        record.pop(f"__{key}_source", None)
    record.update(meta)
    return record


def read_folder(path: Path, options: ReadOptions, fmt: str) -> Iterator[RawChunk]:
    """Read every document file under ``path`` (recursively) as one row each.

    Data files inside the folder (CSV, JSON...) are not read here:
    :func:`analysis.ingestion.iter_ingest` sends them to their own readers.
    """
    files, data, hidden = split_folder(path)
    if not files and not data:
        raise IngestError(path, "the folder holds no files")
    return read_documents(path, files, hidden, options)


def read_documents(root: Path, files: list[Path], hidden: int, options) -> Iterator[RawChunk]:
    """Read the given document files (under ``root``) as one chunk."""
    records, numbers, rejects = [], [], []
    base = root if root.is_dir() else root.parent
    for number, file in enumerate(files, start=1):
        where = str(file)
        if file.suffix.lower() not in DOCUMENT_SUFFIXES:
            rejects.append(Reject(where, number, None, "unsupported_file",
                                  f"{file.suffix or 'no extension'} is not .txt, .md or .html"))
            continue
        data = file.read_bytes()
        if not data.strip():
            rejects.append(Reject(where, number, None, "empty_file", "the file is empty"))
            continue
        encoding = options.encoding or detect_encoding(data[:262144], file)
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as exc:
            rejects.append(Reject(where, number, None, "encoding",
                                  f"not valid {encoding} at byte {exc.start}; pass --encoding"))
            continue
        try:
            record = _read_document(file, text.lstrip("\ufeff"))
        except ValueError as exc:
            rejects.append(Reject(where, number, None, "front_matter", str(exc)))
            continue
        record.setdefault("path", str(file.relative_to(base)))
        record["__file"] = where
        records.append(record)
        numbers.append(number)
    chunk = RawChunk(frame_from_records(records, numbers), "folder", rejects)
    if hidden:
        chunk.warnings["hidden_file_skipped"] = hidden
    yield chunk
