"""The throw-away PostgreSQL server of the live benchmarks (``change_stream.py --db postgres``)."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from tests.triggers.live_airflow import LiveAirflow
from tests.triggers.live_postgres import PostgresUnavailable, TempPostgres


def test_without_binaries_it_says_what_is_missing(tmp_path, monkeypatch):
    monkeypatch.setenv("PG_BIN", str(tmp_path))
    with pytest.raises(PostgresUnavailable, match="no PostgreSQL server binaries"):
        with TempPostgres():
            pass


def test_a_server_starts_takes_airflows_migration_answers_queries_and_is_gone_after():
    try:
        TempPostgres().check()
    except PostgresUnavailable as error:
        pytest.skip(f"no PostgreSQL here: {error}")
    with TempPostgres() as server:
        folder = server.dir
        live = LiveAirflow({}, "{}", database_url=server.url)
        try:
            assert live.query("SELECT ? + 1", 41) == [(42,)]
            assert live.query("SELECT 'a%' LIKE 'a%'") == [(True,)]  # a literal %, as the benchmark's LIKE
            assert live.query("SELECT ? LIKE 'a%'", "ab") == [(True,)]
            assert not live.has_table("asset_event")  # not migrated: nothing there yet
            assert live.query("SELECT * FROM no_such_table") == []
            subprocess.run([sys.executable, "-m", "airflow", "db", "migrate"], env=live.env, check=True,
                           capture_output=True)  # Airflow's sync and async engines both reach it
            assert live.has_table("asset_event") and live.query("SELECT count(*) FROM asset_event") == [(0,)]
        finally:
            shutil.rmtree(live.home, ignore_errors=True)
    assert folder is not None and not folder.exists()
