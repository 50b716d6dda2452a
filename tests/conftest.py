"""Shared test set-up: an isolated Airflow home, the emulator fixtures and a canary API key.

Airflow reads its configuration when first imported, so the environment is set here,
before any test module imports Airflow.
"""

from __future__ import annotations

import atexit
import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

_AIRFLOW_HOME = Path(tempfile.mkdtemp(prefix="ac-airflow-home-"))
atexit.register(shutil.rmtree, _AIRFLOW_HOME, ignore_errors=True)  # the suite leaves nothing behind
os.environ["AIRFLOW_HOME"] = str(_AIRFLOW_HOME)
os.environ["AIRFLOW__CORE__LOAD_EXAMPLES"] = "False"
os.environ["AIRFLOW__CORE__DAGS_FOLDER"] = str(Path(__file__).parent.parent / "example_dags")
os.environ["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"] = f"sqlite:///{_AIRFLOW_HOME / 'airflow.db'}"
os.environ["AIRFLOW__CORE__UNIT_TEST_MODE"] = "True"
os.environ.pop("AIRFLOW_CONN_ACTIVECAMPAIGN_DEFAULT", None)
os.environ["ACTIVECAMPAIGN_DATE_FILTERS_CACHE"] = str(_AIRFLOW_HOME / "date-filters")

# The emulator fixtures come from the installed package's pytest11 entry point (activecampaign);
# naming the plugin here as well would register it twice, which pytest refuses.

#: A key that must never show up in any log record, exception text or XCom of the suite.
CANARY_KEY = "canary-5ecret-key-0123456789abcdef"


@pytest.fixture(scope="session")
def airflow_db() -> Path:
    """Migrate Airflow's SQLite metadata database once per test session."""
    subprocess.run(
        [sys.executable, "-m", "airflow", "db", "migrate"],
        check=True,
        capture_output=True,
        env=os.environ.copy(),
    )
    return _AIRFLOW_HOME


@pytest.fixture
def emulator(monkeypatch):
    """A started emulator (API key = the canary) with the default connection pointing at it.

    The client-side rate limit is off so the suite runs fast; tests of the limiter set it.
    Requests reach it after a random network-like delay (the plugin's ``EMULATOR_LATENCY``).
    """
    from airflow_provider_activecampaign.testing import ActiveCampaignEmulator
    from airflow_provider_activecampaign.testing.pytest_plugin import EMULATOR_LATENCY

    with ActiveCampaignEmulator(api_key=CANARY_KEY, latency=EMULATOR_LATENCY) as server:
        monkeypatch.setenv("AIRFLOW_CONN_ACTIVECAMPAIGN_DEFAULT", emulator_connection(server))
        yield server


def emulator_connection(server, **extra) -> str:
    """The JSON connection for ``server``, with the client-side rate limit off unless given."""
    conn = json.loads(server.connection_json())
    conn["extra"].update({"requests_per_second": 0, "retries": 3, **extra})
    return json.dumps(conn)


@pytest.fixture(autouse=True)
def _canary_never_logged(caplog):
    """Every test: the canary API key appears in no log record, whatever the level."""
    caplog.set_level(logging.DEBUG)
    yield
    leaked = [r for r in caplog.records if CANARY_KEY in r.getMessage()]
    assert not leaked, f"API key leaked into logs: {[r.name for r in leaked]}"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """A failing test's report never prints the canary key (so CI logs stay clean)."""
    outcome = yield
    report = outcome.get_result()
    if report.failed and CANARY_KEY in report.longreprtext:
        report.longrepr = f"API key leaked into exception text/traceback of {item.nodeid}"


@pytest.fixture(autouse=True)
def _fresh_rate_limiters():
    """Every test starts with no account budget left over (an emulator may reuse an earlier one's port)."""
    yield
    from airflow_provider_activecampaign.client.ratelimit import forget_limiters

    forget_limiters()


@pytest.fixture(autouse=True)
def _fresh_date_filters(tmp_path, monkeypatch):
    """Every test finds its own account's date-filter reading (an emulator may reuse an earlier one's port)."""
    from airflow_provider_activecampaign.client.date_filters import CACHE_ENV, forget

    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "date-filters"))
    forget()
    yield
    forget()
