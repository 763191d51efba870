"""Hand coding: the stratified sample, coding sheets in CSV and XLSX, their errors, and agreement."""
from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import openpyxl
import pandas as pd
import pytest

from analysis.coding import (ALL_FRAMES, CodingSheetError, agreement, disagreements, draw_coding_sample,
                             krippendorff_alpha, read_coding_sheets, write_coding_sheet)
from analysis.demo import load_demo

FRAMES = SimpleNamespace(
    id="test_frames", label="Test frames", citation="Semetko and Valkenburg (2000), adapted",
    frames=(SimpleNamespace(id="conflict", label="Conflict", definition="Disagreement between actors.",
                            instructions="Code 1 when two sides are opposed."),
            SimpleNamespace(id="economic", label="Economic consequences", definition="Costs and gains.",
                            instructions="Code 1 when money, trade or jobs are at stake.")))
FRAME_IDS = ["conflict", "economic"]

# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C: 4 coders, 12 units,
# values 1-5, missing values; as in the docstring of the installed krippendorff package (0.9.0).
KRIPPENDORFF_2011 = [[1, 2, 3, 3, 2, 1, 4, 1, 2, np.nan, np.nan, np.nan],
                     [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, np.nan, 3],
                     [np.nan, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, np.nan],
                     [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, np.nan]]


def _corpus(sizes: dict[str, int]) -> pd.DataFrame:
    """A corpus with the given outlet sizes, two languages and three months."""
    outlets = [o for o, size in sizes.items() for _ in range(size)]
    n = len(outlets)
    return pd.DataFrame({"doc_id": [f"d{i:04d}" for i in range(n)], "outlet": outlets,
                         "language": np.where(np.arange(n) % 4 == 0, "ru", "ko"),
                         "published": pd.to_datetime("2025-08-01", utc=True) + pd.to_timedelta(np.arange(n) % 90, "D"),
                         "title": [f"title {i}" for i in range(n)], "lead": "", "text": "body"})


def _long(matrix, frame="conflict", coders=None) -> pd.DataFrame:
    """A coders x units matrix as the long table of read_coding_sheets."""
    matrix = np.asarray(matrix, dtype=float)
    coders = coders or [f"c{i}" for i in range(matrix.shape[0])]
    rows = [{"unit_id": f"U{u:02d}", "doc_id": f"d{u}", "coder": coders[c], "frame": frame,
             "value": pd.NA if np.isnan(matrix[c, u]) else int(matrix[c, u])}
            for c in range(matrix.shape[0]) for u in range(matrix.shape[1])]
    table = pd.DataFrame(rows)
    table["value"] = table["value"].astype("Int64")
    return table


# --------------------------------------------------------------------------
# the sample
def test_sample_is_seeded_and_deterministic():
    corpus = _corpus({"Chosun": 120, "Yonhap": 60, "KCNA": 20})
    first, again = draw_coding_sample(corpus, 30, random_state=7), draw_coding_sample(corpus, 30, random_state=7)
    other = draw_coding_sample(corpus, 30, random_state=8)
    pd.testing.assert_frame_equal(first, again)
    assert first["doc_id"].tolist() != other["doc_id"].tolist()
    assert first["unit_id"].tolist() == [f"U{i:03d}" for i in range(1, 31)]
    assert first["doc_id"].is_unique and set(first["doc_id"]) <= set(corpus["doc_id"])


def test_sample_is_proportional_with_largest_remainders():
    corpus = _corpus({"A": 60, "B": 30, "C": 10})
    sample = draw_coding_sample(corpus, 10, by=["outlet"])
    assert sample["outlet"].value_counts().to_dict() == {"A": 6, "B": 3, "C": 1}
    sample = draw_coding_sample(corpus, 7, by=["outlet"])  # quotas 4.2, 2.1, 0.7: C gets the last unit
    assert sample["outlet"].value_counts().to_dict() == {"A": 4, "B": 2, "C": 1}
    assert sample["weight"].sum() == pytest.approx(len(corpus))  # the weights add up to the corpus


def test_sample_covers_every_stratum_when_n_allows():
    corpus = _corpus({"Chosun": 300, "Yonhap": 150, "KCNA": 6})
    strata = corpus.assign(period=corpus["published"].dt.strftime("%Y-%m")).groupby(["outlet", "language", "period"])
    sample = draw_coding_sample(corpus, 40)
    assert sample.attrs["strata"] == ["outlet", "language", "period"] and sample.attrs["skipped"] == ["cluster"]
    assert sample.attrs["n_strata"] == strata.ngroups == 14
    drawn = sample.groupby(["outlet", "language", "period"]).size()
    assert len(drawn) == strata.ngroups  # every stratum, even KCNA's smallest, has a unit
    share = sample["outlet"].value_counts() / 40
    assert share["Chosun"] == pytest.approx(300 / 456, abs=0.08) and share["KCNA"] < 0.2


def test_sample_with_fewer_units_than_strata_takes_the_largest():
    corpus = _corpus({"A": 50, "B": 30, "C": 5})
    sample = draw_coding_sample(corpus, 2, by="outlet")
    assert sorted(sample["outlet"]) == ["A", "B"]


def test_sample_uses_cluster_when_present_and_puts_undated_documents_in_their_own_stratum():
    corpus = _corpus({"A": 40, "B": 20}).assign(cluster=np.arange(60) % 3)
    corpus.loc[:4, "published"] = pd.NaT
    sample = draw_coding_sample(corpus, 30, by=("period", "cluster"))
    assert sample.attrs["strata"] == ["period", "cluster"] and sample.attrs["skipped"] == []
    assert sample["stratum"].str.startswith("(missing) | ").any()
    assert set(sample["cluster"]) == {0, 1, 2}


def test_sample_of_the_demo_corpus_covers_outlets_and_months():
    demo = load_demo(600)  # SIMULATED: 25 outlets, 24 months, undated documents
    months = demo["published"].dt.strftime("%Y-%m")
    strata = demo.groupby(["outlet", months], dropna=False).ngroups
    sample = draw_coding_sample(demo, 300, by=("outlet", "period"))
    assert sample.attrs["n_strata"] == strata == sample["stratum"].nunique()
    assert set(sample["outlet"]) == set(demo["outlet"])
    assert set(sample["period"].dropna()) == set(months.dropna())


@pytest.mark.parametrize("kwargs, message", [
    ({"n": 61}, "n=61 is larger than the corpus (60 documents): ask for at most 60"),
    ({"n": 0}, "n must be a whole number of units, at least 1"),
    ({"n": 5, "by": ("outlet", "section")}, "unknown strata in by: ['section']; use any of outlet, language"),
    ({"n": 5, "freq": "fortnight"}, "freq='fortnight' is not a pandas period alias"),
])
def test_sample_errors_say_what_to_do(kwargs, message):
    with pytest.raises(ValueError) as caught:
        draw_coding_sample(_corpus({"A": 40, "B": 20}), **kwargs)
    assert message in str(caught.value)


# --------------------------------------------------------------------------
# coding sheets
@pytest.fixture
def sample():
    return pd.DataFrame({
        "unit_id": ["U001", "U002", "U003"], "doc_id": ["d1", "d2", "d3"],
        "outlet": ["Yonhap News Agency", "ТАСС", "Chosun Ilbo"],
        "published": pd.to_datetime(["2025-08-12T09:00+09:00", "2025-09-03", None], utc=True, format="ISO8601"),
        "title": ["북러 정상회담, 평양에서 열려", "Путин встретился с Ким Чен Ыном", "=SUM(A1) is not a formula"],
        "lead": ["(서울=연합뉴스) 김정은 국무위원장이", "", ""],
        "text": ["(서울=연합뉴스) 김정은 국무위원장이 러시아를 방문했다.", "Москва, 3 сентября.\x0b Переговоры.", "x" * 5000]})


FILLED = {"U001": ("1", "0"), "U002": ("yes", ""), "U003": ("X", "false")}
EXPECTED = {("U001", "conflict"): 1, ("U001", "economic"): 0, ("U002", "conflict"): 1,
            ("U002", "economic"): pd.NA, ("U003", "conflict"): 1, ("U003", "economic"): 0}


def _fill_xlsx(path, values: dict, coder=None):
    workbook = openpyxl.load_workbook(path)
    ws = workbook["coding"]
    header = [c.value for c in ws[1]]
    for row in ws.iter_rows(min_row=2):
        for frame, value in zip(FRAME_IDS, values[row[0].value]):
            row[header.index(frame)].value = int(value) if value in ("0", "1") else (value or None)
        if coder:
            row[header.index("coder")].value = coder
    workbook.save(path)


def _fill_csv(path, values: dict):
    table = pd.read_csv(path, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    for frame_index, frame in enumerate(FRAME_IDS):
        table[frame] = [values[u][frame_index] for u in table["unit_id"]]
    table.to_csv(path, index=False, encoding="utf-8-sig")


def _as_dict(coded):
    return {(u, f): v for u, f, v in zip(coded["unit_id"], coded["frame"], coded["value"])}


def test_xlsx_sheet_round_trip_keeps_hangul_and_cyrillic(tmp_path, sample):
    path = write_coding_sheet(sample, FRAMES, tmp_path / "kim.xlsx", coder="kim")
    workbook = openpyxl.load_workbook(path)
    assert workbook.sheetnames == ["coding", "instructions"]
    ws = workbook["coding"]
    header = [c.value for c in ws[1]]
    assert header == ["unit_id", "doc_id", "coder", "outlet", "published", "title", "text", *FRAME_IDS, "notes"]
    assert ws.freeze_panes == "A2" and ws["G2"].alignment.wrap_text
    assert ws["F2"].value == "북러 정상회담, 평양에서 열려" and ws["F3"].value == "Путин встретился с Ким Чен Ыном"
    assert ws["F4"].value == "=SUM(A1) is not a formula" and ws["F4"].data_type == "s"
    assert ws["E2"].value == "2025-08-12" and ws["E4"].value is None
    assert ws["G2"].value.count("김정은") == 1  # the lead that opens the body is read once
    assert "\x0b" not in ws["G3"].value
    validation = ws.data_validations.dataValidation[0]
    assert validation.formula1 == '"1,0"' and str(validation.sqref) == "H2:I4"
    instructions = [c for row in workbook["instructions"].iter_rows(values_only=True) for c in row if c]
    assert {"Disagreement between actors.", "Code 1 when money, trade or jobs are at stake."} <= set(instructions)
    assert any("blank is missing, not 0" in c for c in instructions)
    _fill_xlsx(path, FILLED)
    coded = read_coding_sheets(path, FRAMES)
    assert coded.columns.tolist() == ["unit_id", "doc_id", "coder", "frame", "value"]
    assert str(coded["value"].dtype) == "Int64" and set(coded["coder"]) == {"kim"}
    assert _as_dict(coded) == EXPECTED


def test_csv_sheet_round_trip_with_instructions_beside_it(tmp_path, sample):
    path = write_coding_sheet(sample, FRAMES, tmp_path / "lee.csv", text_chars=100)
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # Excel reads a UTF-8 CSV with a BOM as UTF-8
    written = pd.read_csv(path, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert written.loc[1, "title"] == "Путин встретился с Ким Чен Ыном" and written.loc[0, "title"].startswith("북러")
    assert written.loc[2, "text"].endswith("[… cut at 100 of 5,027 characters]")
    assert len(written.loc[2, "text"]) < 150 and written["coder"].eq("").all()
    notes = (tmp_path / "lee.instructions.md").read_text(encoding="utf-8")
    assert "### `economic`: Economic consequences" in notes and "Semetko and Valkenburg" in notes
    _fill_csv(path, FILLED)
    coded = read_coding_sheets([path], [SimpleNamespace(**vars(f)) for f in FRAMES.frames])
    assert set(coded["coder"]) == {"lee"}  # no coder column filled: the file name stands for the coder
    assert _as_dict(coded) == EXPECTED


def test_sheets_of_frame_ids_and_mixed_formats_read_together(tmp_path, sample):
    kim = write_coding_sheet(sample, FRAME_IDS, tmp_path / "a.xlsx", coder="kim")
    lee = write_coding_sheet(sample, FRAME_IDS, tmp_path / "b.csv", coder="lee")
    _fill_xlsx(kim, FILLED)
    _fill_csv(lee, {"U001": ("1", "1"), "U002": ("y", "n"), "U003": ("TRUE", "no")})
    coded = read_coding_sheets([kim, lee], FRAME_IDS)
    assert len(coded) == 2 * 3 * 2 and coded["coder"].unique().tolist() == ["kim", "lee"]
    assert coded["frame"].tolist()[:6] == ["conflict"] * 6  # by frame, unit, then coder
    assert coded["unit_id"].tolist()[:4] == ["U001", "U001", "U002", "U002"]
    listed = disagreements(coded, sample)
    assert listed[["unit_id", "frame", "kim", "lee"]].astype(str).values.tolist() == [["U001", "economic", "0", "1"]]
    assert listed["title"].tolist() == ["북러 정상회담, 평양에서 열려"]


def test_every_bad_cell_is_named_by_file_sheet_row_and_column(tmp_path, sample):
    kim = write_coding_sheet(sample, FRAMES, tmp_path / "kim.xlsx", coder="kim")
    lee = write_coding_sheet(sample, FRAMES, tmp_path / "lee.csv", coder="lee")
    _fill_xlsx(kim, {"U001": ("1", "maybe"), "U002": ("0", "0"), "U003": ("2", "1")})
    _fill_csv(lee, {"U001": ("1", "0"), "U002": ("ja", "0"), "U003": ("1", "1")})
    with pytest.raises(CodingSheetError) as caught:
        read_coding_sheets([kim, lee], FRAMES)
    message = str(caught.value)
    assert "3 cells are not a code" in message
    assert "kim.xlsx, sheet 'coding', row 2, column 'economic': 'maybe'" in message
    assert "kim.xlsx, sheet 'coding', row 4, column 'conflict': '2'" in message
    assert "lee.csv, row 3, column 'conflict': 'ja'" in message
    assert [(p["file"], p["row"], p["column"]) for p in caught.value.problems] == [
        ("kim.xlsx", 4, "conflict"), ("kim.xlsx", 2, "economic"), ("lee.csv", 3, "conflict")]


def test_rows_keep_their_spreadsheet_numbers_past_an_empty_row(tmp_path, sample):
    path = write_coding_sheet(sample, FRAME_IDS, tmp_path / "kim.xlsx", coder="kim")
    _fill_xlsx(path, {"U001": ("1", "0"), "U002": ("1", "0"), "U003": ("1", "oops")})
    workbook = openpyxl.load_workbook(path)
    workbook["coding"].insert_rows(3)  # an empty row 3; U002 moves to row 4, U003 to row 5
    workbook.save(path)
    with pytest.raises(CodingSheetError, match=r"row 5, column 'economic': 'oops'"):
        read_coding_sheets(path, FRAME_IDS)


def test_sheet_shape_errors_are_clear(tmp_path, sample):
    path = write_coding_sheet(sample, ["conflict"], tmp_path / "kim.csv", coder="kim")
    with pytest.raises(CodingSheetError, match=r"kim.csv lacks the columns \['economic'\]"):
        read_coding_sheets(path, FRAME_IDS)
    table = pd.read_csv(path, encoding="utf-8-sig", dtype=str)
    pd.concat([table, table.iloc[[0]]]).to_csv(path, index=False, encoding="utf-8-sig")
    with pytest.raises(CodingSheetError, match=r"repeats unit_ids \(U001 on rows \[2, 5\]\)"):
        read_coding_sheets(path, ["conflict"])
    one = write_coding_sheet(sample, ["conflict"], tmp_path / "one.csv", coder="kim")
    two = write_coding_sheet(sample, ["conflict"], tmp_path / "two.xlsx", coder="kim")
    with pytest.raises(CodingSheetError, match=r"coder 'kim' is claimed by one.csv and two.xlsx, sheet 'coding'"):
        read_coding_sheets([one, two], ["conflict"])
    table.assign(coder=["kim", "lee", "kim"]).to_csv(path, index=False, encoding="utf-8-sig")
    with pytest.raises(CodingSheetError, match=r"names several coders \['kim', 'lee'\]"):
        read_coding_sheets(path, ["conflict"])


def test_writing_refuses_what_cannot_be_a_sheet(tmp_path, sample):
    with pytest.raises(ValueError, match="a coding sheet is a .csv or .xlsx file"):
        write_coding_sheet(sample, FRAME_IDS, tmp_path / "kim.ods")
    with pytest.raises(ValueError, match="not sheet columns"):
        write_coding_sheet(sample, ["conflict", "title"], tmp_path / "kim.csv")
    with pytest.raises(ValueError, match="draw it with draw_coding_sample"):
        write_coding_sheet(sample.drop(columns="unit_id"), FRAME_IDS, tmp_path / "kim.csv")
    with pytest.raises(TypeError, match="list of frame ids or a codebook"):
        write_coding_sheet(sample, "conflict", tmp_path / "kim.csv")


# --------------------------------------------------------------------------
# agreement
def test_alpha_is_one_for_identical_coders():
    codes = [1, 0, 0, 1, 1, np.nan, 0]
    assert krippendorff_alpha([codes, codes]) == 1.0
    table = agreement(_long([codes, codes]))
    assert table.loc[0, "alpha"] == 1.0 and table.loc[0, "percent_agreement"] == 1.0


@pytest.mark.parametrize("level, expected", [("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849),
                                             ("ratio", 0.797)])
def test_krippendorff_2011_worked_example(level, expected):
    assert round(krippendorff_alpha(KRIPPENDORFF_2011, level), 3) == expected
    table = agreement(_long(KRIPPENDORFF_2011), level=level)
    assert round(table.loc[0, "alpha"], 3) == expected
    assert table.loc[0, ["n_units", "n_coders", "n_pairable"]].tolist() == [12, 4, 11]


def test_alpha_refuses_an_unknown_level_and_is_nan_when_undefined():
    with pytest.raises(ValueError, match="level must be one of nominal, ordinal, interval, ratio, not 'binary'"):
        krippendorff_alpha(KRIPPENDORFF_2011, "binary")
    assert np.isnan(krippendorff_alpha([[0, 0, 1], [0, 0, np.nan]]))  # only 0 is pairable
    assert np.isnan(krippendorff_alpha([[0, np.nan], [np.nan, 1]]))  # no unit coded twice


def test_percent_agreement_by_hand():
    # unit 1: 1, 1, 0 -> 1 of 3 pairs agree; unit 2: 1, 1, - -> 1 of 1; unit 3: coded once, not pairable
    conflict = _long([[1, 1, 0], [1, 1, np.nan], [0, np.nan, np.nan]], "conflict")
    # economic: two coders agree on both units
    economic = _long([[0, 1, np.nan], [0, 1, np.nan], [np.nan] * 3], "economic")
    table = agreement(pd.concat([conflict, economic], ignore_index=True)).set_index("frame")
    assert table.loc["conflict", "percent_agreement"] == pytest.approx(2 / 4)
    assert table.loc["conflict", ["n_units", "n_coders", "n_pairable"]].tolist() == [3, 3, 2]
    assert table.loc["economic", ["n_units", "n_coders", "n_pairable"]].tolist() == [2, 2, 2]
    assert table.index.tolist() == ["conflict", "economic", ALL_FRAMES]
    assert table.loc[ALL_FRAMES, "percent_agreement"] == pytest.approx((2 + 2) / (4 + 2))
    assert table.loc[ALL_FRAMES, "n_pairable"] == 4


def test_disagreements_list_units_where_coders_differ_not_where_one_left_a_blank():
    coded = _long([[1, 0, 1, np.nan], [1, 1, np.nan, 0], [0, 1, np.nan, np.nan]], coders=["kim", "lee", "park"])
    coded = pd.concat([coded, _long([[1, 0, 0, 0], [0, 0, 0, 0], [np.nan] * 4], "economic", ["kim", "lee", "park"])])
    listed = disagreements(coded)
    assert listed.columns.tolist() == ["unit_id", "doc_id", "frame", "kim", "lee", "park"]
    assert listed[["unit_id", "frame"]].values.tolist() == [["U00", "conflict"], ["U00", "economic"],
                                                            ["U01", "conflict"]]
    assert listed["park"].tolist() == [0, pd.NA, 1]


# --------------------------------------------------------------------------
# real data
@pytest.mark.shared
def test_coding_a_korean_sample_end_to_end(shared_data, tmp_path):
    from analysis.ingestion import ingest

    corpus, _ = ingest(shared_data / "ko_news_yonhap_chosun_2025-2026.csv.gz")
    sample = draw_coding_sample(corpus, 40, random_state=17)
    assert sample.attrs["strata"] == ["outlet", "language", "period"] and sample["doc_id"].is_unique
    assert set(sample["outlet"]) == set(corpus["outlet"])
    assert set(sample["period"]) == set(corpus["published"].dt.tz_localize(None).dt.to_period("M").astype(str))
    xlsx = write_coding_sheet(sample, FRAMES, tmp_path / "coder_a.xlsx", coder="A")
    csv = write_coding_sheet(sample, FRAMES, tmp_path / "coder_b.csv", coder="B")
    titles = [row[5] for row in openpyxl.load_workbook(xlsx)["coding"].iter_rows(min_row=2, values_only=True)]
    assert titles == sample["title"].tolist() and all(any("가" <= ch <= "힣" for ch in t) for t in titles)
    rng = np.random.default_rng(17)
    a = (rng.random((40, 2)) < [0.4, 0.2]).astype(int)  # coder A: conflict in 40%, economic in 20%
    b = np.where(rng.random((40, 2)) < 0.10, 1 - a, a)  # coder B flips 10% of A's values
    _fill_xlsx(xlsx, {u: tuple(map(str, row)) for u, row in zip(sample["unit_id"], a)})
    _fill_csv(csv, {u: tuple(map(str, row)) for u, row in zip(sample["unit_id"], b)})
    coded = read_coding_sheets([xlsx, csv], FRAMES)
    for coder, values in (("A", a), ("B", b)):
        mine = coded[coded["coder"] == coder].pivot(index="unit_id", columns="frame", values="value")
        assert (mine[FRAME_IDS].to_numpy(dtype=int) == values).all()
    table = agreement(coded)
    listed = disagreements(coded, sample)
    print("\n" + table.to_string(index=False) + "\n" + listed.to_string(index=False))
    flips = int((a != b).sum())
    assert len(listed) == flips
    assert table.set_index("frame").loc[ALL_FRAMES, "percent_agreement"] == pytest.approx(1 - flips / 80)
    assert (table["alpha"] < 1).all() and (table["alpha"] > 0.3).all()
    assert listed["title"].str.contains("[가-힣]").all()
