"""CSV exports: atomic files, formula injection neutralised, both writers agree."""

from __future__ import annotations

import csv
from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from store_pipeline.csv_export import Export, write_export, write_frame_export

D = date(2026, 3, 10)
EXPORT = Export("daily_sales_summary", "rpt_daily_sales", ("store_code",))
NAMES = ["=HYPERLINK(\"http://x\")", "+1+1", "-2", "@SUM(A1)", "\tTabbed", "\rReturn",
         "Plain <b>name</b>", None]


@pytest.fixture
def con(tmp_path: Path):
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    con.execute("CREATE SCHEMA marts")
    con.execute("CREATE TABLE marts.rpt_daily_sales (business_date DATE, store_code VARCHAR, "
                "store_name VARCHAR, net_sales DECIMAL(18,2))")
    for i, name in enumerate(NAMES):
        con.execute("INSERT INTO marts.rpt_daily_sales VALUES (?, ?, ?, ?)",
                    [D, f"S{9 - i:03d}", name, -12.5 + i])
    con.execute("INSERT INTO marts.rpt_daily_sales VALUES ('2026-03-09', 'S001', 'x', 1)")
    yield con
    con.close()


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_copy_export_neutralises_formulas_and_keeps_numbers(con, tmp_path):
    path, rows = write_export(con, tmp_path / "exports", D, EXPORT)
    assert path == tmp_path / "exports" / "2026-03-10" / "daily_sales_summary.csv"
    assert rows == len(NAMES)
    got = _rows(path)
    assert [r["store_code"] for r in got] == sorted(r["store_code"] for r in got)
    names = {r["store_name"] for r in got}
    for risky in NAMES[:6]:
        assert "'" + risky in names and risky not in names
    assert "Plain <b>name</b>" in names
    assert got[-1]["net_sales"] == "-12.50"  # numbers are not text: never prefixed
    assert not list(path.parent.glob(".*tmp"))


def test_frame_writer_agrees_with_copy(con, tmp_path):
    copy_path, _ = write_export(con, tmp_path / "a", D, EXPORT)

    def fetch(table, start, end):
        return con.execute(f"SELECT * FROM marts.{table} WHERE business_date BETWEEN ? AND ?",
                           [start, end]).df()

    frame_path, rows = write_frame_export(fetch, tmp_path / "b", D, EXPORT)
    assert rows == len(NAMES)
    frame_rows, copy_rows = _rows(frame_path), _rows(copy_path)
    for row in frame_rows + copy_rows:
        row["net_sales"] = Decimal(row["net_sales"])
    assert frame_rows == copy_rows


def test_rewrite_is_byte_identical(con, tmp_path):
    path, _ = write_export(con, tmp_path, D, EXPORT)
    first = path.read_bytes()
    write_export(con, tmp_path, D, EXPORT)
    assert path.read_bytes() == first
