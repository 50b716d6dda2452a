"""``@task.activecampaign``: a task handed the connection's hook, run in real Airflow (``dag.test()``)."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest

from tests.bundles import load, own_bundle
from tests.conftest import CANARY_KEY

DAG_FILE = '''
import pendulum
from airflow.sdk import DAG, task

with DAG("decorated", schedule=None, start_date=pendulum.datetime(2026, 1, 1)) as dag:

    @task.activecampaign(conn_id="activecampaign_default")
    def open_deals(client, **context):
        return [deal["id"] for deal in client.paginate("deals", "deals", params={{"filters[status]": 0}})]

    @task.activecampaign(multiple_outputs=True)
    def titled(prefix, client, limit=10):
        """client need not come first; arguments are templates ({{ dag.dag_id }}-: decorated-)."""
        titles = [d["title"] for d in client.paginate("deals", "deals", limit=limit)]
        return {{"titles": [t for t in titles if t.startswith(prefix)], "count": len(titles)}}

    @task.activecampaign
    def create(client, title, ti=None):
        deal = {{"title": title, "value": 1, "currency": "usd", "contact": "1", "owner": "1", "stage": "1"}}
        return client.request("POST", "deals", json={{"deal": deal}})["deal"]["id"]

    ids = open_deals()
    picked = titled("{{{{ dag.dag_id }}}}-", limit=5)
    created = create.expand(title=["one", "two"])
    ids >> picked >> created
'''


def xcom(dag_id: str, run_id: str, task_id: str, key: str = "return_value", map_index: int = -1):
    from airflow.models.xcom import XComModel
    from airflow.utils.session import create_session
    from sqlalchemy import select

    with create_session() as session:
        value = session.scalars(select(XComModel.value).where(
            XComModel.dag_id == dag_id, XComModel.run_id == run_id, XComModel.task_id == task_id,
            XComModel.key == key, XComModel.map_index == map_index)).one()
    return XComModel.deserialize_value(SimpleNamespace(value=value))


def test_the_decorated_task_calls_the_api_with_the_connections_hook(airflow_db, emulator, tmp_path):
    emulator.insert("contacts", email="owner@example.com")
    emulator.insert("deals", title="decorated-open", value=5, currency="usd", status="0")
    emulator.insert("deals", title="decorated-won", value=5, currency="usd", status="1")
    emulator.insert("deals", title="other", value=5, currency="usd", status="0")
    (tmp_path / "decorated.py").write_text(DAG_FILE.format())
    with own_bundle(tmp_path):
        dag = load(tmp_path, "decorated").dag
        run = dag.test(logical_date=None)
    assert run.state == "success"

    by_title = {d["title"]: d["id"] for d in emulator.records("deals")}
    opened = sorted(xcom("decorated", run.run_id, "open_deals"))
    assert opened == sorted([by_title["decorated-open"], by_title["other"]])
    assert xcom("decorated", run.run_id, "titled", "titles") == ["decorated-open", "decorated-won"]
    assert xcom("decorated", run.run_id, "titled", "count") == 3  # limit=5: all three
    created = [str(xcom("decorated", run.run_id, "create", map_index=i)) for i in (0, 1)]
    assert created == [by_title["one"], by_title["two"]]
    assert dag.task_dict["open_deals"].custom_operator_name == "@task.activecampaign"
    assert CANARY_KEY not in json.dumps(xcom("decorated", run.run_id, "open_deals"))


def test_a_function_without_a_client_parameter_is_refused_when_the_dag_is_parsed():
    from airflow.sdk import DAG, task

    with DAG("refused", schedule=None), pytest.raises(TypeError, match="must take a parameter 'client'"):

        @task.activecampaign
        def no_client(x):
            return x

        no_client(1)


def test_the_decorator_is_registered_with_airflow():
    from airflow.providers_manager import ProvidersManager

    from airflow_provider_activecampaign.decorators import activecampaign_task

    assert ProvidersManager().taskflow_decorators["activecampaign"] is activecampaign_task
