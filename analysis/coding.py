"""Hand coding: a stratified sample to code, coding sheets, and how far the coders agree.

The loop of a manual content analysis, one function a step::

    sample = draw_coding_sample(corpus, 200)                     # seeded, every stratum covered
    write_coding_sheet(sample, codebook, "coding_kim.xlsx", coder="kim")   # one sheet per coder
    coded = read_coding_sheets(["coding_kim.xlsx", "coding_lee.csv"], codebook)
    agreement(coded)                                             # alpha and % agreement per frame
    disagreements(coded, sample)                                 # what the coders should discuss

``frames`` is a list of frame ids or any codebook-like object whose ``.frames`` items have
``id``, ``label``, ``definition`` and ``instructions`` (such as
:class:`analysis.codebooks.Codebook`). A frame column holds 1 (the unit uses the frame), 0 (it does
not) or nothing (missing: the coder could not decide). Sheets are read back with the rules of
:data:`TRUE_CODES` and :data:`FALSE_CODES`; every cell that is neither is reported with the file,
sheet, row (as the spreadsheet shows it, header = row 1) and column.

Examples
--------
>>> corpus = pd.DataFrame({"doc_id": [f"d{i}" for i in range(12)], "outlet": ["A"] * 9 + ["B"] * 3,
...                        "title": [f"Story {i}" for i in range(12)]})
>>> sample = draw_coding_sample(corpus, 4, random_state=1)
>>> sample["outlet"].value_counts().sort_index().tolist()   # proportional: 3 of A, 1 of B
[3, 1]
>>> coded = pd.DataFrame({"unit_id": ["U1", "U1", "U2", "U2"], "doc_id": ["a", "a", "b", "b"],
...                       "coder": ["kim", "lee"] * 2, "frame": "conflict",
...                       "value": pd.array([1, 1, 0, 1], dtype="Int64")})
>>> agreement(coded)[["frame", "percent_agreement", "n_pairable"]].to_string(index=False)
'   frame  percent_agreement  n_pairable\\nconflict                0.5           2'
"""
from __future__ import annotations

from pathlib import Path

import krippendorff
import numpy as np
import pandas as pd

#: The strata a coding sample is drawn from by default; ``period`` is made from ``published``.
STRATA = ("outlet", "language", "period", "cluster")
#: Cell texts read as 1 and as 0 (compared after stripping and lower-casing); a blank cell is missing.
TRUE_CODES = frozenset({"1", "1.0", "yes", "y", "true", "x"})
FALSE_CODES = frozenset({"0", "0.0", "no", "n", "false"})
_CODES = {**dict.fromkeys(TRUE_CODES, 1), **dict.fromkeys(FALSE_CODES, 0), "": pd.NA}
LEVELS = ("nominal", "ordinal", "interval", "ratio")
#: The columns of a coding sheet before the frame columns; ``notes`` comes after them.
SHEET_COLUMNS = ("unit_id", "doc_id", "coder", "outlet", "published", "title", "text")
CODING_SHEET, INSTRUCTIONS_SHEET = "coding", "instructions"
ALL_FRAMES = "all frames"
MISSING = "(missing)"  # the stratum of a document without a value (no outlet, undated)
_WIDTHS = {"unit_id": 9, "doc_id": 19, "coder": 10, "outlet": 18, "published": 11, "title": 40, "text": 90,
           "notes": 30}
_WRAPPED = {"title", "text", "notes"}


class CodingSheetError(ValueError):
    """A filled coding sheet cannot be read: the message names file, sheet, row and column.

    ``problems`` lists the bad cells as dicts (file, sheet, row, column, value), empty for errors of
    a sheet's shape (missing columns, repeated unit ids, a coder claimed twice).
    """

    def __init__(self, message: str, problems: list[dict] | None = None):
        super().__init__(message)
        self.problems = problems or []


# --------------------------------------------------------------------------
# the sample
def _allocate(sizes, n: int) -> np.ndarray:
    """Units per stratum: proportional to ``sizes``, largest-remainder rounding, at least one each when n allows.

    Ties in the remainders go to the earlier stratum. When ``n`` covers every stratum, a stratum
    whose quota rounds to 0 gets one unit, taken from the stratum most above its quota.

    Examples
    --------
    >>> _allocate([60, 30, 10], 10).tolist(), _allocate([96, 2, 2], 10).tolist(), _allocate([5, 3, 2], 2).tolist()
    ([6, 3, 1], [8, 1, 1], [1, 1, 0])
    """
    sizes = np.asarray(sizes, dtype=np.int64)
    quota = n * sizes / sizes.sum()
    alloc = np.floor(quota).astype(np.int64)
    order = np.lexsort((np.arange(len(sizes)), -(quota - alloc)))  # largest remainder first
    alloc[order[: n - alloc.sum()]] += 1
    if n >= len(sizes):
        for empty in np.flatnonzero(alloc == 0):
            donors = np.flatnonzero(alloc > 1)
            donor = donors[np.argmax((alloc - quota)[donors])]
            alloc[donor] -= 1
            alloc[empty] += 1
    return alloc


def _stratum_columns(corpus: pd.DataFrame, by, freq: str) -> tuple[pd.DataFrame, list[str]]:
    """The stratum columns present (``period`` made from ``published``) and the names skipped."""
    names = list(dict.fromkeys([by] if isinstance(by, str) else by))
    unknown = [b for b in names if b not in STRATA and b not in corpus.columns]
    if unknown:
        raise ValueError(f"unknown strata in by: {unknown}; use any of {', '.join(STRATA)} "
                         "or a column of the corpus")
    columns, skipped = {}, []
    for name in names:
        if name in corpus.columns:
            columns[name] = corpus[name]
        elif name == "period" and "published" in corpus.columns:
            stamps = pd.to_datetime(corpus["published"], utc=True).dt.tz_localize(None)
            try:
                columns[name] = stamps.dt.to_period(freq).astype(str)
            except ValueError as error:
                raise ValueError(f"freq={freq!r} is not a pandas period alias: use 'D', 'W', 'M', 'Q' or 'Y'") \
                    from error
        else:
            skipped.append(name)
    return pd.DataFrame(columns, index=corpus.index), skipped


def draw_coding_sample(corpus: pd.DataFrame, n: int, *, by=STRATA, freq: str = "M", random_state=0) -> pd.DataFrame:
    """A seeded stratified sample of documents to code by hand.

    Parameters
    ----------
    corpus : DataFrame
        A corpus table (``doc_id``, ``outlet``, ``language``, ``published``, ``title``, ``lead``,
        ``text``; ``cluster`` when stories were clustered).
    n : int
        Units to draw, at most the number of documents.
    by : sequence of str, default=STRATA
        Strata: ``outlet``, ``language``, ``period`` (the ``freq`` period of ``published``),
        ``cluster``, or any other column. Names absent from the table are skipped.
    freq : str, default="M"
        The period of the ``period`` stratum (a pandas period alias, periods in UTC).
    random_state : int, numpy Generator or None, default=0

    Returns
    -------
    DataFrame
        The sampled rows, in a seeded random order (so that no coder meets one outlet or month in a
        block, when tired or fresh): ``unit_id`` (``U001``...), the stratum columns used,
        ``stratum`` (their values joined), ``weight`` (documents of the stratum per sampled unit,
        to estimate corpus shares) and every column of ``corpus``. Allocation is proportional to
        stratum size (largest-remainder rounding) with at least one unit in every stratum when
        ``n`` is at least the number of strata. A document without a value of a stratum falls in
        the stratum ``"(missing)"``. ``attrs``: ``strata`` (used), ``skipped``, ``n_strata``, ``freq``.

    Examples
    --------
    >>> corpus = pd.DataFrame({"doc_id": list("abcdefgh"), "outlet": list("AAAAAABB"),
    ...     "published": pd.to_datetime(["2024-01-05"] * 4 + ["2024-02-05"] * 4, utc=True)})
    >>> sample = draw_coding_sample(corpus, 4)
    >>> sample.columns[:5].tolist(), sample.attrs["strata"], sample.attrs["skipped"]
    (['unit_id', 'outlet', 'period', 'stratum', 'weight'], ['outlet', 'period'], ['language', 'cluster'])
    >>> sorted(sample["stratum"])
    ['A | 2024-01', 'A | 2024-01', 'A | 2024-02', 'B | 2024-02']
    """
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"n must be a whole number of units, at least 1, not {n!r}")
    if n > len(corpus):
        raise ValueError(f"n={n} is larger than the corpus ({len(corpus)} documents): ask for at most "
                         f"{len(corpus)}, or code every document")
    strata, skipped = _stratum_columns(corpus, by, freq)
    keys = strata.astype(str).fillna(MISSING)
    if not len(keys.columns):  # no stratum present: a simple random sample
        keys = pd.DataFrame({"stratum": ["all"] * len(corpus)})
    groups = keys.groupby(list(keys.columns), sort=True).indices
    names = list(groups)
    sizes = np.array([len(groups[name]) for name in names])
    rng = np.random.default_rng(random_state)
    picked, weights = [], []
    for name, take, size in zip(names, _allocate(sizes, n), sizes):
        if not take:
            continue
        picked.extend(rng.choice(groups[name], size=int(take), replace=False).tolist())
        weights.extend([size / take] * int(take))
    order = rng.permutation(len(picked))
    rows = np.asarray(picked)[order]
    width = max(3, len(str(n)))
    out = pd.DataFrame({"unit_id": [f"U{i:0{width}d}" for i in range(1, n + 1)]})
    for name in strata.columns:
        out[name] = strata[name].iloc[rows].to_numpy()
    out["stratum"] = keys.iloc[rows].agg(" | ".join, axis=1).to_numpy()
    out["weight"] = np.asarray(weights)[order]
    rest = corpus.iloc[rows].drop(columns=[c for c in corpus.columns if c in out.columns]).reset_index(drop=True)
    out = pd.concat([out, rest], axis=1)
    out.attrs.update(strata=list(strata.columns), skipped=skipped, n_strata=len(names), freq=freq)
    return out


# --------------------------------------------------------------------------
# coding sheets
def _frame_rows(frames) -> list[tuple[str, str, str, str]]:
    """(id, label, definition, instructions) of each frame, from frame ids or a codebook's ``.frames``."""
    items = getattr(frames, "frames", frames)
    if isinstance(items, str) or not hasattr(items, "__iter__"):
        raise TypeError("frames must be a list of frame ids or a codebook (an object with .frames), "
                        f"not {type(frames).__name__}")
    rows = []
    for item in items:
        if isinstance(item, str):
            rows.append((item, item, "", ""))
        else:
            rows.append((str(item.id), str(getattr(item, "label", "") or item.id),
                         str(getattr(item, "definition", "") or ""), str(getattr(item, "instructions", "") or "")))
    ids = [row[0] for row in rows]
    clash = sorted({i for i in ids if ids.count(i) > 1 or i in SHEET_COLUMNS or i in {"notes", ""}})
    if not rows or clash:
        raise ValueError(f"frames need distinct, non-empty ids that are not sheet columns; got {ids}")
    return rows


def _unit_text(title, lead, text, limit: int) -> str:
    """Title, lead and text of one unit, blank-line separated, cut at ``limit`` characters with a marker."""
    parts = [str(p).strip() for p in (title, lead, text) if isinstance(p, str) and p.strip()]
    if len(parts) == 3 and parts[2].startswith(parts[1]):
        parts.pop(1)  # a lead that opens the body is read once
    full = "\n\n".join(parts)
    if len(full) <= limit:
        return full
    return full[:limit].rstrip() + f" [… cut at {limit:,} of {len(full):,} characters]"


def _sheet_table(sample: pd.DataFrame, frame_ids: list[str], coder, text_chars: int) -> pd.DataFrame:
    """The rows of a coding sheet, every cell text (frame cells and notes empty)."""
    missing = [c for c in ("unit_id", "doc_id") if c not in sample.columns]
    if missing:
        raise ValueError(f"the sample has no {missing} column: draw it with draw_coding_sample")
    if sample["unit_id"].duplicated().any():
        raise ValueError("the sample repeats unit_ids: each unit must appear once on a sheet")
    blank = pd.Series("", index=sample.index, dtype="str")

    def column(name):
        return sample[name].astype(str).fillna("") if name in sample.columns else blank

    published = blank
    if "published" in sample.columns:
        published = pd.to_datetime(sample["published"], utc=True).dt.strftime("%Y-%m-%d").fillna("")
    texts = [_unit_text(t, le, x, text_chars)
             for t, le, x in zip(column("title"), column("lead"), column("text"))]
    table = pd.DataFrame({"unit_id": column("unit_id"), "doc_id": column("doc_id"),
                          "coder": "" if coder is None else str(coder), "outlet": column("outlet"),
                          "published": published, "title": column("title"), "text": texts})
    for frame_id in frame_ids:
        table[frame_id] = ""
    table["notes"] = ""
    return table.reset_index(drop=True)


def _how_to_fill(frame_ids: list[str]) -> list[str]:
    """The instructions for filling a sheet, one paragraph each."""
    return [
        "One row is one unit (a news item). Read `text`: title, lead and body; a long text is cut, "
        "and the marker at its end says where.",
        f"For each frame column ({', '.join(frame_ids)}) write 1 when the unit uses the frame and 0 when "
        "it does not. yes/no, y/n, true/false and x (= 1) are read too, in any case.",
        "Leave a cell blank only when you cannot decide: a blank is missing, not 0 (also when you mark "
        "frames with x).",
        "Write your name in `coder` (one coder per sheet). Do not change unit_id or doc_id; sorting the "
        "rows is fine. Use `notes` for anything to discuss.",
    ]


def _instructions_markdown(frames, rows, frame_ids) -> str:
    """The instructions of a CSV sheet, as Markdown."""
    lines = [f"# Coding instructions: {getattr(frames, 'label', None) or 'frames'}", ""]
    for attribute in ("citation", "description"):
        if getattr(frames, attribute, None):
            lines += [str(getattr(frames, attribute)).strip(), ""]
    lines += ["## How to fill the sheet", ""] + [f"- {p}" for p in _how_to_fill(frame_ids)] + ["", "## Frames", ""]
    for frame_id, label, definition, instructions in rows:
        lines += [f"### `{frame_id}`: {label}", ""]
        lines += [f"**Definition.** {definition}", ""] if definition else []
        lines += [f"**How to code.** {instructions}", ""] if instructions else []
    return "\n".join(lines)


def _text_cell(ws, row: int, column: int, value) -> None:
    """Write text as text: no control characters (Excel refuses them), never read as a formula."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if value is None or value == "":
        return
    cell = ws.cell(row=row, column=column, value=ILLEGAL_CHARACTERS_RE.sub("", str(value)))
    cell.data_type = "s"  # a title starting with "=" stays a title


def _write_coding_sheet_xlsx(ws, table: pd.DataFrame, frame_ids: list[str]) -> None:
    """The "coding" sheet: frozen bold header, wrapped long texts, a 1/0 dropdown in frame columns."""
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    for c, name in enumerate(table.columns, start=1):
        _text_cell(ws, 1, c, name)
        ws.cell(row=1, column=c).font = Font(bold=True)
        ws.column_dimensions[get_column_letter(c)].width = _WIDTHS.get(name, 12)
    top, wrapped = Alignment(vertical="top"), Alignment(vertical="top", wrap_text=True)
    for r, values in enumerate(table.itertuples(index=False), start=2):
        for c, (name, value) in enumerate(zip(table.columns, values), start=1):
            _text_cell(ws, r, c, value)
            ws.cell(row=r, column=c).alignment = wrapped if name in _WRAPPED else top
    ws.freeze_panes = "A2"
    first = get_column_letter(table.columns.get_loc(frame_ids[0]) + 1)
    last = get_column_letter(table.columns.get_loc(frame_ids[-1]) + 1)
    check = DataValidation(type="list", formula1='"1,0"', allow_blank=True, showErrorMessage=True,
                           errorTitle="1 or 0",
                           error="1: the unit uses the frame; 0: it does not; blank: cannot decide")
    check.add(f"{first}2:{last}{max(len(table), 1) + 1}")
    ws.add_data_validation(check)


def _write_instructions_xlsx(ws, frames, rows, frame_ids) -> None:
    """The "instructions" sheet: how to fill the sheet, then a table of the frames."""
    from openpyxl.styles import Alignment, Font

    _text_cell(ws, 1, 1, f"Coding instructions: {getattr(frames, 'label', None) or 'frames'}")
    ws.cell(row=1, column=1).font = Font(bold=True, size=13)
    notes = [str(getattr(frames, a)) for a in ("citation", "description") if getattr(frames, a, None)]
    paragraphs = notes + _how_to_fill(frame_ids)
    for r, paragraph in enumerate(paragraphs, start=2):
        _text_cell(ws, r, 1, paragraph)
    header = len(paragraphs) + 3
    for c, name in enumerate(("frame", "label", "definition", "how to code"), start=1):
        _text_cell(ws, header, c, name)
        ws.cell(row=header, column=c).font = Font(bold=True)
    for r, row in enumerate(rows, start=header + 1):
        for c, value in enumerate(row, start=1):
            _text_cell(ws, r, c, value)
            ws.cell(row=r, column=c).alignment = Alignment(vertical="top", wrap_text=True)
    for letter, width in zip("ABCD", (18, 28, 70, 70)):
        ws.column_dimensions[letter].width = width


def write_coding_sheet(sample: pd.DataFrame, frames, path, *, coder: str | None = None,
                       text_chars: int = 4000) -> Path:
    """Write a coding sheet for one coder: a CSV or an Excel workbook, by the file's suffix.

    Parameters
    ----------
    sample : DataFrame
        Units to code, from :func:`draw_coding_sample` (``unit_id``, ``doc_id``; ``outlet``,
        ``published``, ``title``, ``lead``, ``text`` when present).
    frames : list of str, or a codebook (an object with ``.frames``)
    path : str or Path
        ``.xlsx``: sheet "coding" (frozen header, wrapped text, a 1/0 dropdown in the frame
        columns) and sheet "instructions" (how to fill the sheet; each frame's id, label,
        definition and coding instructions). ``.csv``: UTF-8 with a byte-order mark, so Excel
        shows Hangul and Cyrillic, and the instructions in ``<name>.instructions.md`` beside it.
    coder : str, optional
        Written in the ``coder`` column; else the coder writes a name there (or the file's name
        stands for the coder when the sheet is read).
    text_chars : int, default=4000
        Longer texts are cut there, with a marker saying so.

    Returns
    -------
    Path
        The sheet. Columns: unit_id, doc_id, coder, outlet, published (UTC date), title, text, one
        empty column per frame, notes.

    Examples
    --------
    >>> import tempfile
    >>> sample = pd.DataFrame({"unit_id": ["U1"], "doc_id": ["d1"], "title": ["Путин и Ким"], "text": ["..."]})
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     sheet = write_coding_sheet(sample, ["conflict", "economic"], Path(folder) / "kim.csv", coder="kim")
    ...     columns = pd.read_csv(sheet, encoding="utf-8-sig").columns.tolist()
    ...     print(columns[-4:], sheet.with_suffix(".instructions.md").exists())
    ['text', 'conflict', 'economic', 'notes'] True
    """
    rows = _frame_rows(frames)
    frame_ids = [row[0] for row in rows]
    path = Path(path)
    if path.suffix.lower() not in (".csv", ".xlsx"):
        raise ValueError(f"a coding sheet is a .csv or .xlsx file, not {path.name!r}")
    if isinstance(text_chars, bool) or not isinstance(text_chars, (int, np.integer)) or text_chars < 1:
        raise ValueError(f"text_chars must be a positive whole number of characters, not {text_chars!r}")
    table = _sheet_table(sample, frame_ids, coder, int(text_chars))
    if path.suffix.lower() == ".csv":
        table.to_csv(path, index=False, encoding="utf-8-sig")
        notes = _instructions_markdown(frames, rows, frame_ids)
        path.with_suffix(".instructions.md").write_text(notes, encoding="utf-8")
        return path
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.title = CODING_SHEET
    _write_coding_sheet_xlsx(workbook.active, table, frame_ids)
    _write_instructions_xlsx(workbook.create_sheet(INSTRUCTIONS_SHEET), frames, rows, frame_ids)
    workbook.save(path)
    return path


# --------------------------------------------------------------------------
# reading filled sheets
def _cell_text(value) -> str:
    """A spreadsheet value as the text a coder typed: 1.0 -> "1", True -> "true", None -> ""."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _read_table(path: Path) -> tuple[pd.DataFrame, str]:
    """A sheet's cells as text with ``_row`` (the spreadsheet row, header = 1), and where it came from."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        table = pd.read_csv(path, dtype=str, keep_default_na=False, skip_blank_lines=False, encoding="utf-8-sig")
        where = path.name
    elif suffix == ".xlsx":
        from openpyxl import load_workbook

        workbook = load_workbook(path, read_only=True, data_only=True)
        try:
            ws = workbook[CODING_SHEET] if CODING_SHEET in workbook.sheetnames else workbook.worksheets[0]
            cells = [[_cell_text(v) for v in row] for row in ws.iter_rows(min_row=1, values_only=True)]
            where = f"{path.name}, sheet '{ws.title}'"
        finally:
            workbook.close()
        if not cells:
            raise CodingSheetError(f"{where} is empty: it needs the header row of a coding sheet")
        table = pd.DataFrame(cells[1:], columns=cells[0], dtype=str)
    else:
        raise CodingSheetError(f"{path.name}: a coding sheet is a .csv or .xlsx file")
    table.columns = [str(c).strip() for c in table.columns]
    table["_row"] = np.arange(len(table)) + 2
    empty = table.drop(columns="_row").apply(lambda col: col.fillna("").str.strip().eq("")).all(axis=1)
    return table[~empty].reset_index(drop=True), where


def _check_shape(table: pd.DataFrame, where: str, frame_ids: list[str]) -> None:
    """Missing columns, rows without a unit_id, unit_ids repeated: each an error naming the rows."""
    missing = [c for c in ("unit_id", "doc_id", *frame_ids) if c not in table.columns]
    if missing:
        raise CodingSheetError(f"{where} lacks the columns {missing}: was it written for another codebook, or "
                               f"was a header renamed? Columns found: {[c for c in table.columns if c != '_row']}")
    ids = table["unit_id"].fillna("").str.strip()
    if ids.eq("").any():
        raise CodingSheetError(f"{where}: rows {table.loc[ids.eq(''), '_row'].tolist()} have no unit_id: "
                               "copy it back from the sheet as written")
    repeated = table[ids.duplicated(keep=False)].groupby(ids)["_row"].agg(list)
    if len(repeated):
        listed = "; ".join(f"{unit} on rows {rows}" for unit, rows in repeated.items())
        raise CodingSheetError(f"{where} repeats unit_ids ({listed}): each unit is coded once per sheet")


def _sheet_coder(table: pd.DataFrame, path: Path, where: str) -> str:
    """The one coder of a sheet: the ``coder`` column, else the file name's stem."""
    names = set(table["coder"].fillna("").str.strip()) - {""} if "coder" in table.columns else set()
    if len(names) > 1:
        raise CodingSheetError(f"{where} names several coders {sorted(names)}: one coder per sheet "
                               "(split the sheet, or correct the names)")
    return names.pop() if names else path.stem


def _read_sheet(path: Path, frame_ids: list[str]) -> tuple[pd.DataFrame, list[dict]]:
    """One sheet as a long table, and its cells that are not codes."""
    table, where = _read_table(path)
    _check_shape(table, where, frame_ids)
    coder = _sheet_coder(table, path, where)
    sheet = where.split("sheet '")[1].rstrip("'") if "sheet '" in where else None
    bad, codes = [], {}
    for frame_id in frame_ids:
        cells = table[frame_id].fillna("").str.strip().str.lower()
        wrong = ~cells.isin(list(_CODES))
        bad += [{"file": path.name, "sheet": sheet, "row": int(r), "column": frame_id, "value": v}
                for r, v in zip(table.loc[wrong, "_row"], table.loc[wrong, frame_id])]
        codes[frame_id] = pd.array(cells.map(_CODES).where(~wrong), dtype="Int64")
    wide = pd.DataFrame({"unit_id": table["unit_id"].str.strip(), "doc_id": table["doc_id"].fillna("").str.strip(),
                         "coder": coder, **codes})
    long = wide.melt(id_vars=["unit_id", "doc_id", "coder"], value_vars=frame_ids, var_name="frame", value_name="value")
    long.attrs.update(where=where, coder=coder)
    return long, bad


def _bad_cells_message(bad: list[dict]) -> str:
    lines = [f"{len(bad)} cell{'s are' if len(bad) > 1 else ' is'} not a code: use 1/0, yes/no, y/n, true/false "
             "or x (= 1), and leave a cell blank when you cannot decide"]
    for cell in bad:
        sheet = f", sheet '{cell['sheet']}'" if cell["sheet"] else ""
        lines.append(f"  {cell['file']}{sheet}, row {cell['row']}, column '{cell['column']}': {cell['value']!r}")
    return "\n".join(lines)


def _check_across(sheets: list[pd.DataFrame]) -> None:
    """A coder fills one sheet; a unit_id means the same document on every sheet."""
    seen: dict[str, str] = {}
    for sheet in sheets:
        coder, where = sheet.attrs["coder"], sheet.attrs["where"]
        if coder in seen:
            raise CodingSheetError(f"coder {coder!r} is claimed by {seen[coder]} and {where}: each coder fills "
                                   "one sheet; correct the coder column (or the file name) of one of them")
        seen[coder] = where
    units = pd.concat([s[["unit_id", "doc_id"]] for s in sheets]).drop_duplicates()
    clash = units[units["unit_id"].duplicated(keep=False)]
    if len(clash):
        raise CodingSheetError(f"unit_ids {sorted(set(clash['unit_id']))[:10]} stand for different doc_ids on "
                               "different sheets: were the sheets drawn from different samples?")


def read_coding_sheets(paths, frames) -> pd.DataFrame:
    """Read filled coding sheets (CSV or XLSX, mixed), one coder per sheet, into one long table.

    Parameters
    ----------
    paths : str, Path, or a list of them
    frames : list of str, or a codebook (an object with ``.frames``)
        The frame columns every sheet must have; other columns (title, notes...) are ignored.

    Returns
    -------
    DataFrame
        unit_id, doc_id, coder, frame, value (``Int64``: 1, 0, or ``<NA>`` for a blank cell); ordered
        by frame (as in ``frames``), unit_id, then coder (in the order of ``paths``). The coder is
        the sheet's ``coder`` column, else the file name's stem. An XLSX is read from its "coding"
        sheet, else its first sheet. Rows left entirely empty are skipped.

    Raises
    ------
    CodingSheetError
        For every cell that is not a code (see :data:`TRUE_CODES`, :data:`FALSE_CODES`), all at
        once, each named by file, sheet, row (header = row 1) and column; for missing frame
        columns, a row without unit_id, a unit_id repeated within a sheet, several coders on a
        sheet, a coder on two sheets, or a unit_id standing for different documents.

    Examples
    --------
    >>> import tempfile
    >>> sample = pd.DataFrame({"unit_id": ["U1", "U2"], "doc_id": ["d1", "d2"],
    ...                        "title": ["북러 정상회담", "Саммит"]})
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     sheet = write_coding_sheet(sample, ["conflict"], Path(folder) / "kim.csv")
    ...     filled = pd.read_csv(sheet, encoding="utf-8-sig").assign(conflict=["yes", None])
    ...     filled.to_csv(sheet, index=False, encoding="utf-8-sig")
    ...     coded = read_coding_sheets(sheet, ["conflict"])
    >>> coded.to_string(index=False)
    'unit_id doc_id coder    frame  value\\n     U1     d1   kim conflict      1\\n     U2     d2   kim conflict   <NA>'
    """
    rows = _frame_rows(frames)
    frame_ids = [row[0] for row in rows]
    paths = [paths] if isinstance(paths, (str, Path)) else list(paths)
    if not paths:
        raise ValueError("no coding sheets given: pass the path of one or more filled sheets")
    sheets, bad = [], []
    for path in paths:
        long, cells = _read_sheet(Path(path), frame_ids)
        sheets.append(long)
        bad += cells
    if bad:
        raise CodingSheetError(_bad_cells_message(bad), bad)
    _check_across(sheets)
    coded = pd.concat(sheets, ignore_index=True)
    coded["_frame"] = coded["frame"].map({f: i for i, f in enumerate(frame_ids)})
    coded = coded.sort_values(["_frame", "unit_id"], kind="stable").drop(columns="_frame").reset_index(drop=True)
    coded.attrs = {}
    return coded


# --------------------------------------------------------------------------
# agreement
def krippendorff_alpha(reliability_data, level: str = "nominal") -> float:
    """Krippendorff's alpha of a coders x units matrix (the ``krippendorff`` package's).

    Parameters
    ----------
    reliability_data : array-like of numbers, shape (coders, units)
        NaN where a coder did not code a unit.
    level : {"nominal", "ordinal", "interval", "ratio"}, default="nominal"

    Returns
    -------
    float
        1 is perfect agreement, 0 agreement at chance. NaN when alpha is undefined: no unit was
        coded by two coders, or the units coded by two coders all got one and the same value
        (nothing varies to agree on; look at percent agreement then).

    Examples
    --------
    >>> krippendorff_alpha([[1, 0, 1, 0], [1, 0, 1, 0]])
    1.0
    >>> krippendorff_alpha([[1, 1, np.nan], [1, 1, 0]])  # only the value 1 is pairable
    nan
    """
    if level not in LEVELS:
        raise ValueError(f"level must be one of {', '.join(LEVELS)}, not {level!r}")
    data = np.asarray(reliability_data, dtype=float)
    if data.ndim != 2:
        raise ValueError(f"reliability_data must be a coders x units matrix, not of shape {data.shape}")
    pairable = data[:, (~np.isnan(data)).sum(axis=0) >= 2]
    if len(np.unique(pairable[~np.isnan(pairable)])) < 2:
        return float("nan")
    return float(krippendorff.alpha(reliability_data=data, level_of_measurement=level))


def _pairwise_agreement(matrix: np.ndarray) -> float:
    """Agreeing pairs of values / all pairs of values, pooled over the units (columns) coded at least twice."""
    agree = pairs = 0
    for values in matrix.T:
        values = values[~np.isnan(values)]
        if len(values) >= 2:
            counts = np.unique(values, return_counts=True)[1]
            agree += int((counts * (counts - 1)).sum()) // 2
            pairs += len(values) * (len(values) - 1) // 2
    return agree / pairs if pairs else float("nan")


def _check_coded(coded: pd.DataFrame) -> pd.DataFrame:
    missing = [c for c in ("unit_id", "coder", "frame", "value") if c not in coded.columns]
    if missing:
        raise ValueError(f"coded lacks the columns {missing}: pass the table read_coding_sheets returns")
    repeated = coded.duplicated(["unit_id", "coder", "frame"])
    if repeated.any():
        first = coded.loc[repeated, ["unit_id", "coder", "frame"]].iloc[0].tolist()
        raise ValueError(f"coded has {int(repeated.sum())} repeated (unit_id, coder, frame) rows, e.g. {first}")
    return coded


def _agreement_row(frame: str, matrix: np.ndarray, level: str) -> dict:
    coded = ~np.isnan(matrix)
    per_unit = coded.sum(axis=0)
    return {"frame": frame, "alpha": krippendorff_alpha(matrix, level),
            "percent_agreement": _pairwise_agreement(matrix), "n_units": int((per_unit > 0).sum()),
            "n_coders": int(coded.any(axis=1).sum()), "n_pairable": int((per_unit >= 2).sum())}


def agreement(coded: pd.DataFrame, level: str = "nominal") -> pd.DataFrame:
    """How far the coders agree, frame by frame: Krippendorff's alpha and percent agreement.

    Parameters
    ----------
    coded : DataFrame
        The long table of :func:`read_coding_sheets` (unit_id, coder, frame, value).
    level : {"nominal", "ordinal", "interval", "ratio"}, default="nominal"
        The level of measurement for alpha; 1/0 codes are nominal.

    Returns
    -------
    DataFrame
        One row per frame (in the order of ``coded``): ``alpha`` (NaN when undefined, see
        :func:`krippendorff_alpha`); ``percent_agreement``: over the pairable units (units coded by
        at least two coders), the agreeing pairs of coders' values divided by all pairs, pooled over
        units (with two coders: the share of units both coded on which they gave the same value;
        blank cells are left out); ``n_units`` (units with at least one value), ``n_coders``,
        ``n_pairable``. With more than one frame, a last row ``"all frames"`` treats every
        (unit, frame) decision as one unit: the reliability of the coders' decisions over the whole
        codebook, dominated by the most frequent frames and no substitute for the per-frame rows;
        its ``n_units`` and ``n_pairable`` count (unit, frame) decisions.

    Examples
    --------
    >>> coded = pd.DataFrame({"unit_id": ["U1", "U2", "U3"] * 2, "coder": ["kim"] * 3 + ["lee"] * 3,
    ...                       "frame": "conflict", "value": pd.array([1, 0, 1, 1, 0, 1], dtype="Int64")})
    >>> agreement(coded)[["frame", "alpha", "percent_agreement"]].to_string(index=False)
    '   frame  alpha  percent_agreement\\nconflict    1.0                1.0'
    """
    coded = _check_coded(coded)
    rows = []
    for frame, part in coded.groupby("frame", sort=False):
        matrix = part.pivot(index="coder", columns="unit_id", values="value")
        rows.append(_agreement_row(str(frame), matrix.to_numpy(dtype=float, na_value=np.nan), level))
    if len(rows) > 1:
        matrix = coded.pivot(index="coder", columns=["unit_id", "frame"], values="value")
        rows.append(_agreement_row(ALL_FRAMES, matrix.to_numpy(dtype=float, na_value=np.nan), level))
    table = pd.DataFrame(rows, columns=["frame", "alpha", "percent_agreement", "n_units", "n_coders", "n_pairable"])
    table.attrs["level"] = level
    return table


def disagreements(coded: pd.DataFrame, sample: pd.DataFrame | None = None) -> pd.DataFrame:
    """The units on which coders differ: one row per unit and frame, each coder's value in a column.

    Parameters
    ----------
    coded : DataFrame
        The long table of :func:`read_coding_sheets`.
    sample : DataFrame, optional
        The sample the sheets were written from; adds each unit's ``title``.

    Returns
    -------
    DataFrame
        unit_id, doc_id (when ``coded`` has it), title (with ``sample``), frame, then one column
        per coder (``Int64``; ``<NA>`` where the coder left the cell blank). A (unit, frame) is
        listed when at least two coders gave it different values; blanks alone are no
        disagreement. Sorted by unit_id, then frame in the order of ``coded``, so that the coders
        can go through their sheets together.

    Examples
    --------
    >>> coded = pd.DataFrame({"unit_id": ["U1", "U2", "U1", "U2"], "coder": ["kim", "kim", "lee", "lee"],
    ...                       "frame": "conflict", "value": pd.array([1, 0, 1, 1], dtype="Int64")})
    >>> disagreements(coded).to_string(index=False)
    'unit_id    frame  kim  lee\\n     U2 conflict    0    1'
    """
    coded = _check_coded(coded)
    coders = list(pd.unique(coded["coder"]))
    wide = coded.pivot(index=["unit_id", "frame"], columns="coder", values="value")[coders]
    values = wide.to_numpy(dtype=float, na_value=np.nan)
    high = np.where(np.isnan(values), -np.inf, values).max(axis=1)
    low = np.where(np.isnan(values), np.inf, values).min(axis=1)
    out = wide[high > low].reset_index()
    out.columns.name = None
    order = {f: i for i, f in enumerate(pd.unique(coded["frame"]))}
    out = out.sort_values(["unit_id", "frame"], key=lambda s: s.map(order) if s.name == "frame" else s)
    front = ["unit_id"]
    if "doc_id" in coded.columns:
        out = out.merge(coded[["unit_id", "doc_id"]].drop_duplicates("unit_id"), on="unit_id", how="left")
        front.append("doc_id")
    if sample is not None and "title" in sample.columns:
        out = out.merge(sample[["unit_id", "title"]].drop_duplicates("unit_id"), on="unit_id", how="left")
        front.append("title")
    return out[front + ["frame"] + coders].reset_index(drop=True)
