"""Exports (analytics.present.export): CSV cells a spreadsheet would run as formulas are
neutralised, numbers stay numbers, Parquet keeps the data as it is."""

import csv
import io

import pandas as pd
import pytest

from analytics.present.export import csv_bytes, neutralise, parquet_bytes


@pytest.mark.parametrize("text", ["=1+1", "=HYPERLINK(\"http://x\",\"y\")", "+33 6 12",
                                  "-5 %", "-5", "@SUM(A1:A2)", "\tcmd", "\rcmd"])
def test_formula_starts_are_neutralised(text):
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("value", ["5 %", "Il faut =", "a-b", "", " =1+1", "ok@example.org"])
def test_other_text_is_unchanged(value):
    assert neutralise(value) == value


@pytest.mark.parametrize("value", [-5, -5.5, 0, None, True])
def test_non_text_values_are_unchanged(value):
    assert neutralise(value) is value


def read_back(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")           # UTF-8 BOM, for Excel
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_csv_neutralises_text_cells_and_keeps_numbers():
    table = pd.DataFrame({
        "content": ["=cmd|' /C calc'!A0", "-5 %", "5 %", "@here", "+1", None, "Crème brûlée"],
        "votes": [-5, 1, 2, 3, 4, 5, 6],
        "share": [-5.5, None, 1.25, 2.0, 3.0, 4.0, 5.0],
        "mixed": pd.Series([-5, "-5", None, "=A1", 1.5, "x", "y"], dtype=object),
    })
    rows = read_back(csv_bytes(table))
    assert rows[0] == ["content", "votes", "share", "mixed"]
    assert [r[0] for r in rows[1:]] == ["'=cmd|' /C calc'!A0", "'-5 %", "5 %", "'@here", "'+1",
                                        "", "Crème brûlée"]
    assert [r[1] for r in rows[1:]] == ["-5", "1", "2", "3", "4", "5", "6"]
    assert rows[1][2] == "-5.5" and rows[2][2] == ""
    # In a column of mixed values only the text is neutralised: -5 stays a number.
    assert [r[3] for r in rows[1:]] == ["-5", "'-5", "", "'=A1", "1.5", "x", "y"]


def test_csv_neutralises_pandas_string_columns():
    table = pd.DataFrame({"name": pd.array(["=1+2", "Léa"], dtype="string")})
    assert [r[0] for r in read_back(csv_bytes(table))[1:]] == ["'=1+2", "Léa"]


def test_csv_does_not_modify_the_table():
    table = pd.DataFrame({"content": ["=1+1"]})
    csv_bytes(table)
    assert table.loc[0, "content"] == "=1+1"


def test_parquet_keeps_values_as_they_are():
    table = pd.DataFrame({"content": ["=1+1", "-5 %", "Crème"], "votes": [-5, 0, 7],
                          "share": [-5.5, None, 1.0]})
    back = pd.read_parquet(io.BytesIO(parquet_bytes(table)))
    assert back["content"].tolist() == ["=1+1", "-5 %", "Crème"]
    assert back["votes"].tolist() == [-5, 0, 7]
    assert back["votes"].dtype.kind == "i"
    assert back["share"].iloc[0] == -5.5 and pd.isna(back["share"].iloc[1])
