"""CSV exports: atomic files, formula injection neutralised, both writers agree."""

from __future__ import annotations

import csv
from datetime import date, timedelta
from decimal import Decimal
from functools import partial
from pathlib import Path

import duckdb
import pytest

from store_pipeline.lib.csv_export import CopyExporter, Export, write_rows_days, write_rows_export

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


@pytest.fixture
def copy(con):
    exporter = CopyExporter(con)
    yield exporter
    exporter.close()


def _query(con, table, day):
    """A day of ``marts.<table>`` through DuckDB's DB-API: the values a driver returns."""
    cursor = con.execute(f"SELECT * FROM marts.{table} WHERE business_date = ?", [day])
    return [d[0] for d in cursor.description], cursor.fetchall()


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_copy_export_neutralises_formulas_and_keeps_numbers(copy, tmp_path):
    path, rows = copy.write(tmp_path / "exports", D, EXPORT)
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


def test_rows_writer_agrees_with_copy(con, copy, tmp_path):
    copy_path, _ = copy.write(tmp_path / "a", D, EXPORT)

    frame_path, rows = write_rows_export(partial(_query, con), tmp_path / "b", D, EXPORT)
    assert rows == len(NAMES)
    frame_rows, copy_rows = _rows(frame_path), _rows(copy_path)
    for row in frame_rows + copy_rows:
        row["net_sales"] = Decimal(row["net_sales"])
    assert frame_rows == copy_rows


def test_rewrite_is_byte_identical(copy, tmp_path):
    path, _ = copy.write(tmp_path, D, EXPORT)
    first = path.read_bytes()
    copy.write(tmp_path, D, EXPORT)
    assert path.read_bytes() == first


def test_days_written_by_parallel_workers_match_the_rows_writer(con, tmp_path):
    con.execute("INSERT INTO marts.rpt_daily_sales SELECT business_date + INTERVAL (n) DAY, "
                "store_code, store_name || n, net_sales + n FROM marts.rpt_daily_sales, "
                "range(1, 12) AS t(n) WHERE business_date = DATE '2026-03-10'")
    days = [D + timedelta(days=n) for n in range(-1, 12)]
    exporter = CopyExporter(con, workers=3)
    try:
        written = list(exporter.write_days(tmp_path / "copy", days, [EXPORT]))
    finally:
        exporter.close()

    assert [day for day, _ in written] == days
    assert written == list(write_rows_days(partial(_query, con), tmp_path / "frame", days,
                                           [EXPORT]))
    assert {day: counts["daily_sales_summary"] for day, counts in written}[D] == len(NAMES)
    for day in days:
        copied = _rows(tmp_path / "copy" / day.isoformat() / "daily_sales_summary.csv")
        framed = _rows(tmp_path / "frame" / day.isoformat() / "daily_sales_summary.csv")
        assert [r["store_name"] for r in copied] == [r["store_name"] for r in framed]
