"""Connection errors name the operator, the task and the connection id."""

from __future__ import annotations

import json
import socket

import pytest
from airflow.providers.common.compat.sdk import AirflowNotFoundException

from airflow_provider_activecampaign import operators as ops
from airflow_provider_activecampaign.exceptions import ActiveCampaignConfigError, ActiveCampaignConnectionError

WHERE = "ActiveCampaignGetContactOperator(task_id='read')"


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _conn(monkeypatch, conn_id: str, **fields) -> None:
    extra = {"retries": 0, "allow_http": True, "requests_per_second": 0}
    conn = {"conn_type": "activecampaign", "password": "k" * 20, "extra": extra, **fields}
    monkeypatch.setenv(f"AIRFLOW_CONN_{conn_id.upper()}", json.dumps(conn))


def test_a_refused_connection_names_operator_task_and_connection(monkeypatch):
    _conn(monkeypatch, "ac_down", host=f"http://127.0.0.1:{_closed_port()}")
    with pytest.raises(ActiveCampaignConnectionError) as caught:
        ops.ActiveCampaignGetContactOperator(task_id="read", contact_id=1, activecampaign_conn_id="ac_down").execute({})
    assert str(caught.value).startswith(WHERE + ": ")
    assert "'ac_down'" in str(caught.value)


def test_an_undefined_connection_names_operator_task_and_connection():
    with pytest.raises(AirflowNotFoundException) as caught:
        ops.ActiveCampaignGetContactOperator(task_id="read", contact_id=1, activecampaign_conn_id="nowhere").execute({})
    assert str(caught.value).startswith(WHERE + ": connection 'nowhere' is not defined")


def test_a_connection_without_a_host_names_operator_task_and_connection(monkeypatch):
    _conn(monkeypatch, "ac_nohost", host="")
    with pytest.raises(ActiveCampaignConfigError) as caught:
        ops.ActiveCampaignGetContactOperator(task_id="read", contact_id=1,
                                             activecampaign_conn_id="ac_nohost").execute({})
    assert str(caught.value).startswith(WHERE + ": ")
    assert "'ac_nohost'" in str(caught.value)
