"""Receiver fixtures: Airflow's database with a DAG on the assets, and the receiver on a real port."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from airflow_provider_activecampaign.testing.webhooks import WebhookReceiver
from tests.webhooks.helpers import DAG_FILE, OTHER_TOKEN, TOKEN, sync_dag_file


@pytest.fixture(scope="module")
def registered_dags(airflow_db: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    folder = tmp_path_factory.mktemp("webhook_dags")
    (folder / "ac_webhook_dags.py").write_text(DAG_FILE)
    sync_dag_file(folder)


@pytest.fixture(scope="module")
def receiver(registered_dags: None) -> Iterator[WebhookReceiver]:
    with WebhookReceiver(access_log=True) as server:
        yield server


@pytest.fixture
def token(monkeypatch: pytest.MonkeyPatch) -> str:
    """The receiver is configured with two tokens (rotation); TOKEN is the one used here."""
    monkeypatch.setenv("AIRFLOW__ACTIVECAMPAIGN__WEBHOOK_TOKEN", f"{TOKEN}, {OTHER_TOKEN}")
    monkeypatch.delenv("AIRFLOW__ACTIVECAMPAIGN__WEBHOOK_MAX_BYTES", raising=False)
    return TOKEN


@pytest.fixture
def client(receiver: WebhookReceiver) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=f"{receiver.url}/activecampaign", timeout=10) as http:
        yield http


@pytest.fixture(scope="module")
def example_bundle(airflow_db: Path) -> Iterator[Path]:
    """The example folder as the DAG bundle (``dag.test()`` on 3.1+ parses the DAG's bundle)."""
    from tests.bundles import own_bundle
    from tests.examples.test_example_dags import EXAMPLES

    with own_bundle(EXAMPLES):
        yield EXAMPLES
