"""T-SQL of the SQL Server restore path, and the order the driver sends it in (no server needed).

Every statement sqlglot's T-SQL dialect understands is also parsed; RESTORE, ALTER DATABASE and
dynamic SQL are not supported by sqlglot, so their text is asserted exactly.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlglot
from sqlglot import exp

from store_pipeline.lib.ingest import tsql, tsql_landing
from store_pipeline.lib.ingest.landing import RestoreError
from store_pipeline.lib.ingest.mssql_restore import RestoreTarget, land_backup, verify
from store_pipeline.lib.pos_schema import POS_TABLES, TABLES_BY_NAME
from store_pipeline_tests.sqlserver_double import (
    DATA_DIR,
    FILELIST_COLUMNS,
    FILELIST_ROWS,
    LOG_DIR,
    PREFIX,
    D,
    ScriptedCursor,
)

DB = "pos_restore"
FILELIST = [dict(zip(FILELIST_COLUMNS, row, strict=True)) for row in FILELIST_ROWS]


def parsed(sql: str) -> exp.Expression:
    """sqlglot's T-SQL parse of ``sql``; a fallback to an opaque Command counts as a failure."""
    tree = sqlglot.parse_one(sql, read="tsql")
    assert not isinstance(tree, exp.Command), sql
    return tree


# --- identifiers and literals ---------------------------------------------------------------

def test_quoting_doubles_closing_brackets():
    assert tsql.quote("Transaction") == "[Transaction]"
    assert tsql.quote("pos]restore") == "[pos]]restore]"
    assert tsql.qualified("pos]restore", "dbo", "Item") == "[pos]]restore].[dbo].[Item]"
    table = parsed(f"SELECT [ID] FROM {tsql.qualified('pos]restore', 'dbo', 'Item')}").find(
        exp.Table)
    assert (table.catalog, table.db, table.name) == ("pos]restore", "dbo", "Item")


@pytest.mark.parametrize("name", [
    "", "x" * 129, "pos;DROP DATABASE x", "o'brien", 'say"cheese', " padded", "padded ",
    "a.b", "new\nline", "nul\x00", "/*x*/", "x\\y",
])
def test_invalid_identifiers_are_refused(name):
    with pytest.raises(tsql.IdentifierError, match="invalid SQL Server identifier"):
        tsql.quote(name)


def test_longest_and_unusual_identifiers_are_accepted():
    assert tsql.check_identifier("x" * 128) == "x" * 128
    assert tsql.quote("POS Restore-2026 #1") == "[POS Restore-2026 #1]"
    assert tsql.quote("Größe") == "[Größe]"


def test_string_literals():
    assert tsql.literal(r"C:\Backups\O'Brien\pos.bak") == r"N'C:\Backups\O''Brien\pos.bak'"
    with pytest.raises(ValueError, match="control characters"):
        tsql.literal("pos\r\n.bak")


@pytest.mark.parametrize(("directory", "expected"), [
    ("/var/opt/mssql/data/", "/var/opt/mssql/data/x.mdf"),
    ("/var/opt/mssql/data", "/var/opt/mssql/data/x.mdf"),
    ("C:\\SQLData\\", "C:\\SQLData\\x.mdf"),
    ("C:\\SQLData", "C:\\SQLData\\x.mdf"),
    ("D:/SQLData", "D:/SQLData/x.mdf"),
])
def test_server_paths_use_the_server_separator(directory, expected):
    assert tsql.join_server_path(directory, "x.mdf") == expected


# --- RESTORE ----------------------------------------------------------------------------------

def test_restore_moves_every_file_to_a_unique_target():
    files = tsql.parse_filelist(FILELIST)
    moves = tsql.move_targets(files, DB, DATA_DIR, LOG_DIR)
    assert moves == [
        ("RMSHQ", "/var/opt/mssql/data/pos_restore_1.mdf"),
        ("RMSHQ_log", "/var/opt/mssql/log/pos_restore_2.ldf"),
        ("RMSHQ_archive", "/var/opt/mssql/data/pos_restore_3.ndf"),
    ]
    targets = [target.lower() for _, target in moves]
    assert len(set(targets)) == len(targets)
    assert tsql.restore_database_sql(DB, "/srv/landing/pos_20260310.bak", moves) == (
        "RESTORE DATABASE [pos_restore] FROM DISK = N'/srv/landing/pos_20260310.bak' "
        "WITH REPLACE, CHECKSUM, STATS = 5, "
        "MOVE N'RMSHQ' TO N'/var/opt/mssql/data/pos_restore_1.mdf', "
        "MOVE N'RMSHQ_log' TO N'/var/opt/mssql/log/pos_restore_2.ldf', "
        "MOVE N'RMSHQ_archive' TO N'/var/opt/mssql/data/pos_restore_3.ndf'")


def test_restore_on_windows_quotes_the_path():
    moves = tsql.move_targets(tsql.parse_filelist(FILELIST[:2]), "POS Restore", "S:\\Data",
                              "L:\\Log\\")
    assert tsql.restore_database_sql("POS Restore", "\\\\nas\\pos\\O'Brien.bak", moves) == (
        "RESTORE DATABASE [POS Restore] FROM DISK = N'\\\\nas\\pos\\O''Brien.bak' "
        "WITH REPLACE, CHECKSUM, STATS = 5, "
        "MOVE N'RMSHQ' TO N'S:\\Data\\POS Restore_1.mdf', "
        "MOVE N'RMSHQ_log' TO N'L:\\Log\\POS Restore_2.ldf'")


@pytest.mark.parametrize(("rows", "message"), [
    ([*FILELIST, {**FILELIST[0], "LogicalName": "RMSHQ_fs", "Type": "S", "FileId": 65537}],
     "RMSHQ_fs has type 'S'"),
    (FILELIST[:1], "no data file or no log file"),
    ([{"LogicalName": "RMSHQ", "Type": "D"}], "unexpected RESTORE FILELISTONLY row"),
])
def test_filelists_that_cannot_be_moved(rows, message):
    with pytest.raises(tsql.FileListError, match=message):
        tsql.parse_filelist(rows)


def test_other_backup_statements():
    bak = "/srv/landing/pos_20260310.bak"
    assert tsql.filelist_sql(bak) == f"RESTORE FILELISTONLY FROM DISK = N'{bak}'"
    assert tsql.verify_backup_sql(bak) == f"RESTORE VERIFYONLY FROM DISK = N'{bak}' WITH CHECKSUM"
    assert tsql.free_database_sql("pos]restore") == (
        "IF DB_ID(N'pos]restore') IS NOT NULL "
        "ALTER DATABASE [pos]]restore] SET SINGLE_USER WITH ROLLBACK IMMEDIATE")


def test_server_queries_parse():
    assert tsql.source_columns_sql(DB) == (
        "SELECT TABLE_NAME, COLUMN_NAME FROM [pos_restore].INFORMATION_SCHEMA.COLUMNS "
        "WHERE TABLE_SCHEMA = N'dbo'")
    for sql in (tsql_landing.window_sql(DB), tsql.source_columns_sql(DB),
                tsql.DEFAULT_PATHS_SQL, tsql.RESTORE_PERMISSION_SQL):
        assert isinstance(parsed(sql), exp.Select)


# --- raw_pos ----------------------------------------------------------------------------------

def test_raw_schema_and_table_creation():
    assert tsql.ensure_raw_schema_sql() == (
        "IF SCHEMA_ID(N'raw_pos') IS NULL EXEC(N'CREATE SCHEMA [raw_pos]')")
    sql, added = tsql.ensure_raw_table_sql(TABLES_BY_NAME["Transaction"]).split("; END; ")
    sql += "; END"
    assert sql == (
        "IF OBJECT_ID(N'[raw_pos].[transaction]', N'U') IS NULL BEGIN "
        "CREATE TABLE [raw_pos].[transaction] ([StoreID] int, [TransactionNumber] bigint, "
        "[BatchNumber] int, [RegisterID] int, [CashierID] int, [CustomerID] int, "
        "[Time] datetime2, [Total] decimal(19,4), [SalesTax] decimal(19,4), [Voided] tinyint, "
        "[business_date] date NOT NULL); "
        "CREATE CLUSTERED INDEX [cx_business_date] ON [raw_pos].[transaction] ([business_date]); "
        "END")
    create, index = parsed(sql).find(exp.Block).find_all(exp.Create)
    types = {c.name: c.args["kind"].sql("tsql") for c in create.find_all(exp.ColumnDef)}
    assert types["Total"] == "NUMERIC(19, 4)" and types["Voided"] == "TINYINT"
    assert types["Time"] == "DATETIME2" and types["business_date"] == "DATE"
    assert index.args["kind"] == "CLUSTERED INDEX"
    assert added.startswith("IF COL_LENGTH(N'[raw_pos].[transaction]', N'StoreID') IS NULL "
                            "ALTER TABLE [raw_pos].[transaction] ADD [StoreID] int; ")
    assert added.count(" ADD ") == len(TABLES_BY_NAME["Transaction"].columns)


@pytest.mark.parametrize("table", POS_TABLES, ids=lambda t: t.name)
def test_every_raw_table_has_the_pos_columns_and_business_date(table):
    create = parsed(tsql.create_raw_table_sql(table))
    names = [c.name for c in create.find_all(exp.ColumnDef)]
    assert names == [*table.column_names, "business_date"]


WINDOW = [D - timedelta(days=n) for n in range(6, -1, -1)]


def test_landing_dates_each_row_under_its_own_date_or_the_backups():
    rows = tsql_landing.dated_rows(TABLES_BY_NAME["Transaction"], DB, D)
    assert "CASE WHEN CAST(s.[Time] AS date) >= ? THEN CAST(? AS date) " \
           "ELSE CAST(s.[Time] AS date) END AS [business_date]" in rows.sql
    assert rows.params == (D, D)
    tenders = tsql_landing.dated_rows(TABLES_BY_NAME["TenderEntry"], DB, D)
    assert "MIN(CAST([Time] AS date)) AS [d] FROM [pos_restore].[dbo].[Transaction]" in tenders.sql
    store = tsql_landing.dated_rows(TABLES_BY_NAME["Store"], DB, D)
    assert store.params == (D,) and "CASE" not in store.sql


@pytest.mark.parametrize("table", POS_TABLES, ids=lambda t: t.name)
def test_every_landing_statement_parses_with_one_value_per_marker(table):
    statements = [tsql_landing.fingerprint_statement(table, "pos]restore", D, WINDOW),
                  *tsql_landing.replace_statements(table, "pos]restore", D, WINDOW),
                  tsql_landing.count_statement(table, D)]
    for statement in statements:
        tree = parsed(statement.sql)
        assert isinstance(tree, exp.Delete | exp.Insert | exp.Select)
        assert len(list(tree.find_all(exp.Placeholder))) == len(statement.params)


def test_ledger_statements_parse_with_one_value_per_marker():
    statements = [tsql_landing.read_ledger_statement(WINDOW),
                  *tsql_landing.write_ledger_statements("rows", [(D, "pos_20260310.bak", D,
                                                                  "ab" * 16, D)])]
    for statement in statements:
        tree = parsed(statement.sql)
        assert len(list(tree.find_all(exp.Placeholder))) == len(statement.params)
    for sql in (tsql_landing.ensure_ledger_sql(), tsql_landing.landed_dates_sql()):
        assert parsed(sql) is not None


# --- messages and transactions ----------------------------------------------------------------

@pytest.mark.parametrize(("message", "percent"), [
    (f"{PREFIX}5 percent processed.", 5),
    (f"{PREFIX}100 percent processed.", 100),
    ("[FreeTDS][SQL Server]40 percent processed.", 40),
    (f"{PREFIX}Processed 1024 pages for database 'pos_restore', file 'RMSHQ' on file 1.", None),
    (f"{PREFIX}RESTORE DATABASE successfully processed 1026 pages in 0.312 seconds.", None),
    (f"{PREFIX}The backup set on file 1 is valid.", None),
])
def test_stats_progress_lines(message, percent):
    assert tsql.progress_percent(message) == percent


def test_driver_errors_lose_their_prefixes():
    error = ("[42000] [Microsoft][ODBC Driver 18 for SQL Server][SQL Server]Cannot open backup "
             "device 'D:\\x.bak'. Operating system error 2. (3201) (SQLExecDirectW); [42000] "
             f"{PREFIX}RESTORE DATABASE is terminating abnormally. (3013)")
    assert tsql.clean_message(error) == (
        "Cannot open backup device 'D:\\x.bak'. Operating system error 2. (3201); "
        "RESTORE DATABASE is terminating abnormally. (3013)")


def test_transaction_wrapper_commits_or_rolls_back():
    sent: list[str] = []
    with tsql.explicit_transaction(sent.append):
        sent.append("work")
    assert sent == ["SET XACT_ABORT ON; BEGIN TRANSACTION", "work", "COMMIT TRANSACTION"]
    sent.clear()
    with pytest.raises(ZeroDivisionError), tsql.explicit_transaction(sent.append):
        sent.append("work")
        _ = 1 / 0
    assert sent == ["SET XACT_ABORT ON; BEGIN TRANSACTION", "work",
                    "IF @@TRANCOUNT > 0 ROLLBACK TRANSACTION"]
    kinds = [type(e) for e in sqlglot.parse(tsql.BEGIN_TRANSACTION, read="tsql")]
    assert kinds == [exp.Set, exp.Transaction]
    assert isinstance(parsed(tsql.COMMIT_TRANSACTION), exp.Commit)
    assert parsed(tsql.ROLLBACK_TRANSACTION).find(exp.Rollback) is not None


def test_a_failing_rollback_does_not_hide_the_error():
    def execute(sql: str) -> None:
        if "ROLLBACK" in sql:
            raise ConnectionError("link down")

    with pytest.raises(ZeroDivisionError), tsql.explicit_transaction(execute):
        _ = 1 / 0


# --- the driver against a scripted cursor -----------------------------------------------------

TARGET = RestoreTarget(backup="/srv/landing/pos_20260310.bak", label="pos_20260310.bak",
                       database=DB)


def _between(sent: list[str], first: str, last: str) -> list[str]:
    begin = len(sent) - 1 - sent[::-1].index(first)
    return sent[begin + 1:sent.index(last, begin)]


def test_driver_restores_validates_and_lands_in_one_transaction():
    cursor, logged = ScriptedCursor(), []
    landed = land_backup(cursor, TARGET, D, logged.append)
    assert landed.business_date == D and landed.changed == tuple(WINDOW)
    assert landed.rows == {t.raw_name: 3 for t in POS_TABLES}
    assert logged == [f"pos_20260310.bak: {n} percent processed." for n in range(5, 101, 5)]
    sent = [sql for sql, _ in cursor.sent]
    restore = next(s for s in sent if s.startswith("RESTORE DATABASE"))
    assert "MOVE N'RMSHQ_log' TO N'/var/opt/mssql/log/pos_restore_2.ldf'" in restore
    assert sent[:6] == [tsql.filelist_sql(TARGET.backup), tsql.DEFAULT_PATHS_SQL,
                        tsql.free_database_sql(DB), restore, tsql.source_columns_sql(DB),
                        tsql_landing.window_sql(DB)]
    landing = _between(sent, tsql.BEGIN_TRANSACTION, tsql.COMMIT_TRANSACTION)
    dated = [t for t in POS_TABLES if not t.is_snapshot]
    state = [t for t in POS_TABLES if t.has_state]
    expected = [s.sql for t in dated for s in tsql_landing.replace_statements(t, DB, D, WINDOW)]
    expected += [s.sql for t in state
                 for s in tsql_landing.replace_statements(t, DB, D, [D], "state")]
    assert landing[:len(expected)] == expected
    open_lines = ("([ReceivedTime] IS NULL OR COALESCE([QuantityReceived], 0) < "
                  "COALESCE([QuantityOrdered], 0))")
    rows, state = [sql for sql in landing
                   if sql.startswith("DELETE FROM [raw_pos].[purchase_order_entry]")]
    assert rows.endswith(f"(?, ?, ?, ?, ?, ?, ?) AND NOT {open_lines}")
    assert state.endswith(f"IN (?) AND {open_lines}")
    assert sent[-1] == tsql.COMMIT_TRANSACTION
    assert {(r[0], r[1]) for r in cursor.ledger} == {
        *((d, "rows") for d in WINDOW), (D, "state")}


def test_relanding_the_same_backup_replaces_nothing_and_a_reissue_only_its_changed_dates():
    cursor = ScriptedCursor()
    land_backup(cursor, TARGET, D, lambda line: None)
    again = land_backup(cursor, TARGET, D, lambda line: None)
    assert again.changed == ()
    landing = _between([sql for sql, _ in cursor.sent], tsql.BEGIN_TRANSACTION,
                       tsql.COMMIT_TRANSACTION)
    assert not [sql for sql in landing if sql.startswith("DELETE FROM [raw_pos].[transaction]")]
    cursor.content[D - timedelta(days=2)] = 99  # a late register's sales in the re-issue
    reissued = land_backup(cursor, TARGET, D, lambda line: None)
    assert reissued.changed == (D - timedelta(days=2),)
    deletes = [(sql, params) for sql, params in cursor.sent
               if sql.startswith("DELETE FROM [raw_pos].[transaction]")]
    assert deletes[-1][1] == (D - timedelta(days=2),)


def test_an_older_backup_leaves_the_dates_a_newer_one_landed():
    cursor = ScriptedCursor()
    newer = RestoreTarget(TARGET.backup, "pos_20260311.bak", DB)
    cursor.newest = D + timedelta(days=1)
    land_backup(cursor, newer, D + timedelta(days=1), lambda line: None)
    cursor.newest, cursor.content = D, {d: 42 for d in WINDOW}  # older, and different
    older = land_backup(cursor, TARGET, D, lambda line: None)
    assert older.changed == (D - timedelta(days=6), D)  # what the newer one did not cover
    rows = {r[0]: r[2] for r in cursor.ledger if r[1] == "rows"}
    assert rows[D - timedelta(days=1)] == "pos_20260311.bak"


def test_driver_uses_configured_file_folders():
    cursor = ScriptedCursor()
    target = RestoreTarget(TARGET.backup, TARGET.label, DB, data_dir="/data", log_dir="/log")
    land_backup(cursor, target, D, lambda line: None)
    assert tsql.DEFAULT_PATHS_SQL not in [sql for sql, _ in cursor.sent]
    assert "MOVE N'RMSHQ' TO N'/data/pos_restore_1.mdf'" in cursor.sent[2][0]


def test_a_failed_insert_rolls_back_and_names_the_file():
    cursor = ScriptedCursor(fail_on="INSERT INTO [raw_pos].[time_clock]",
                            error="Arithmetic overflow error converting numeric. (8115)")
    with pytest.raises(RestoreError) as err:
        land_backup(cursor, TARGET, D, lambda line: None)
    assert str(err.value) == ("pos_20260310.bak: landing into raw_pos failed: "
                              "Arithmetic overflow error converting numeric. (8115)")
    sent = [sql for sql, _ in cursor.sent]
    assert sent[-1] == tsql.ROLLBACK_TRANSACTION and tsql.COMMIT_TRANSACTION not in sent


def test_schema_mismatch_stops_before_raw_pos_is_touched():
    cursor = ScriptedCursor(drop_column=("Transaction", "Voided"))
    with pytest.raises(RestoreError, match=r"pos_20260310\.bak does not match the POS schema: "
                       r"dbo\.Transaction lacks column\(s\) Voided"):
        land_backup(cursor, TARGET, D, lambda line: None)
    assert not any("raw_pos" in sql for sql, _ in cursor.sent)


def test_backup_of_another_day_is_refused():
    cursor = ScriptedCursor(newest=date(2026, 3, 1))
    with pytest.raises(RestoreError, match=r"pos_20260310\.bak covers business date 2026-03-01, "
                       "not 2026-03-10"):
        land_backup(cursor, TARGET, D, lambda line: None)
    assert not any("raw_pos" in sql for sql, _ in cursor.sent)


def test_restore_errors_carry_a_hint():
    cursor = ScriptedCursor(fail_on="RESTORE DATABASE", error=(
        "RESTORE WITH CHECKSUM cannot be specified because the backup set does not contain "
        "checksum information. (3187)"))
    with pytest.raises(RestoreError, match=r"pos_20260310\.bak: restoring into \[pos_restore\] "
                       r"failed: .*\(3187\) \(the backup has no page checksums"):
        land_backup(cursor, TARGET, D, lambda line: None)


def test_verify_reads_every_message():
    cursor, logged = ScriptedCursor(), []
    verify(cursor, TARGET, logged.append)
    assert cursor.sent == [(tsql.verify_backup_sql(TARGET.backup), ())]
    assert logged == ["pos_20260310.bak: The backup set on file 1 is valid."]
