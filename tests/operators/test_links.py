"""Write operators say what they did (created / updated / unchanged / deleted, kind and id) and
offer an "ActiveCampaign" link to the record they created or changed."""

from __future__ import annotations

import importlib.util
import json
import re
from types import SimpleNamespace

import pytest

from airflow_provider_activecampaign.operators import (
    ActiveCampaignCreateDealOperator,
    ActiveCampaignDeleteDealOperator,
    ActiveCampaignEnsureWebhookOperator,
    ActiveCampaignLegacySyncContactOperator,
    ActiveCampaignSyncContactOperator,
    ActiveCampaignUpdateDealOperator,
)
from airflow_provider_activecampaign.operators.links import (
    RECORD_XCOM_KEY,
    ActiveCampaignRecordLink,
    app_url,
    record_page,
)
from tests.operators.helpers import HOOK_URL, run

VERBS = r"(?:Created|Updated|Unchanged|Deleted|Synced|Added) "


def done_lines(capsys, caplog) -> list[str]:
    """The operators' "what I did" lines: from the task log as Airflow 3.1+ prints it (structlog), or
    from stdlib logging (3.0)."""
    out = capsys.readouterr()
    printed = re.findall(r"\[[^\]]*info[^\]]*\] (" + VERBS + r".*?)\s+\[airflow\.task", out.out + out.err)
    logged = [r.getMessage() for r in caplog.records if re.match(VERBS, r.getMessage())]
    return [line.strip() for line in printed] or logged


class TestAppUrl:
    @pytest.mark.parametrize(("api", "app"), [
        ("https://acme.api-us1.com", "https://acme.activehosted.com"),
        ("https://Acme.api-us7.com:443", "https://acme.activehosted.com"),
        ("https://acme.activehosted.com", "https://acme.activehosted.com"),
        ("http://127.0.0.1:8123", ""),  # the local emulator serves no app: no link
        ("http://localhost:8123", ""),
        ("http://[::1]:8123", ""),
        ("https://crm-proxy.example.com", "https://crm-proxy.example.com"),  # a proxy serves its own app
    ])
    def test_the_app_host_derives_from_the_api_url(self, api, app):
        assert app_url(api) == app

    @pytest.mark.parametrize(("done", "page"), [
        ({"action": "created", "kind": "contact", "id": "7", "app": "https://a.activehosted.com"},
         "https://a.activehosted.com/app/contacts/7"),
        ({"action": "updated", "kind": "deal", "id": "3", "app": "https://a.activehosted.com"},
         "https://a.activehosted.com/app/deals/3"),
        ({"action": "created", "kind": "account", "id": "2", "app": "https://a.activehosted.com"},
         "https://a.activehosted.com/app/accounts/2"),
        ({"action": "deleted", "kind": "deal", "id": "3", "app": "https://a.activehosted.com"}, ""),  # gone
        ({"action": "created", "kind": "webhook", "id": "3", "app": "https://a.activehosted.com"}, ""),  # no page
        ({"action": "created", "kind": "contact", "id": None, "app": "https://a.activehosted.com"}, ""),
        (None, ""),
    ])
    def test_record_pages(self, done, page):
        assert record_page(done) == page


class TestWhatWritesLog:
    def test_sync_contact_says_whether_it_created_or_updated(self, emulator, capsys, caplog):
        first = run(ActiveCampaignSyncContactOperator(task_id="sync", email="log@example.com", first_name="A"))
        second = run(ActiveCampaignSyncContactOperator(task_id="sync", email="log@example.com", first_name="B"))
        assert first["id"] == second["id"]
        assert done_lines(capsys, caplog) == [f"Created contact {first['id']}", f"Updated contact {first['id']}"]

    def test_create_update_delete_name_the_kind_and_id_once_each(self, emulator, capsys, caplog):
        contact = emulator.insert("contacts", email="owner@example.com")
        deal = run(ActiveCampaignCreateDealOperator(task_id="d", title="T", value=1, currency="usd",
                                                    contact_id=contact["id"], pipeline_id="1", owner_id="1"))
        run(ActiveCampaignUpdateDealOperator(task_id="u", deal_id=deal["id"], title="T2"))
        run(ActiveCampaignDeleteDealOperator(task_id="x", deal_id=deal["id"]))
        assert done_lines(capsys, caplog) == [f"Created deal {deal['id']}", f"Updated deal {deal['id']}",
                                      f"Deleted deal {deal['id']}"]

    def test_ensure_webhook_says_created_then_unchanged_then_updated(self, emulator, capsys, caplog):
        def ensure(url: str):
            return run(ActiveCampaignEnsureWebhookOperator(task_id="w", name="Log test", url=url,
                                                           events=["deal_add"], sources=["api"]))

        hook = ensure(HOOK_URL)
        ensure(HOOK_URL)
        ensure(HOOK_URL + "/v2")
        assert done_lines(capsys, caplog) == [f"Created webhook {hook['id']}: 'Log test'",
                                      f"Unchanged webhook {hook['id']}: 'Log test' is up to date",
                                      f"Updated webhook {hook['id']}: 'Log test': url"]

    def test_legacy_writes_log_the_action_and_apis_words(self, emulator, capsys, caplog):
        reply = run(ActiveCampaignLegacySyncContactOperator(task_id="l", email="legacy-log@example.com"))
        (line,) = done_lines(capsys, caplog)
        assert line.startswith(f"Synced contact {reply['subscriber_id']}: contact_sync: ")


DAG_ID = "test_activecampaign_record_links"
DAG_FILE = f"""
import pendulum
from airflow.sdk import DAG

from airflow_provider_activecampaign.operators import (
    ActiveCampaignCreateDealOperator,
    ActiveCampaignDeleteDealOperator,
    ActiveCampaignSyncContactOperator,
)

with DAG("{DAG_ID}", schedule=None, start_date=pendulum.datetime(2026, 1, 1, tz="UTC")) as dag:
    contact = ActiveCampaignSyncContactOperator(task_id="sync", email="link@example.com")
    deal = ActiveCampaignCreateDealOperator(
        task_id="deal", title="Linked", value=1, currency="usd", pipeline_id="1", owner_id="1",
        contact_id="{{{{ ti.xcom_pull(task_ids='sync')['id'] }}}}")
    gone = ActiveCampaignDeleteDealOperator(task_id="delete", deal_id="{{{{ ti.xcom_pull(task_ids='deal')['id'] }}}}")
    contact >> deal >> gone
"""


def test_the_task_offers_a_link_to_the_record_it_wrote(airflow_db, emulator, tmp_path, monkeypatch):
    """In real Airflow: the worker resolves the link when the task ends and stores it for the UI."""
    bundles = [{"name": "dags-folder", "classpath": "airflow.dag_processing.bundles.local.LocalDagBundle",
                "kwargs": {"path": str(tmp_path)}}]
    monkeypatch.setenv("AIRFLOW__DAG_PROCESSOR__DAG_BUNDLE_CONFIG_LIST", json.dumps(bundles))
    (tmp_path / "links_dag.py").write_text(DAG_FILE)
    spec = importlib.util.spec_from_file_location("_links_dag", tmp_path / "links_dag.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    run = module.dag.test(logical_date=None)
    assert run.state == "success"

    (person,) = [c for c in emulator.records("contacts") if c["email"] == "link@example.com"]
    link_key = ActiveCampaignRecordLink().xcom_key
    assert person  # the emulator (on 127.0.0.1) serves no app: its links are empty, not a 404 page
    assert not xcom(run.run_id, "sync", link_key)
    done = xcom(run.run_id, "deal", RECORD_XCOM_KEY)
    assert done == {"action": "created", "kind": "deal", "id": done["id"], "app": ""}
    assert not xcom(run.run_id, "deal", link_key)
    assert xcom(run.run_id, "delete", RECORD_XCOM_KEY)["action"] == "deleted"
    assert not module.dag.task_dict["delete"].operator_extra_links  # the record is gone: nothing to open


def xcom(run_id: str, task_id: str, key: str):
    from airflow.models.xcom import XComModel
    from airflow.utils.session import create_session
    from sqlalchemy import select

    with create_session() as session:
        value = session.scalars(select(XComModel.value).where(
            XComModel.dag_id == DAG_ID, XComModel.run_id == run_id, XComModel.task_id == task_id,
            XComModel.key == key)).one()
    return XComModel.deserialize_value(SimpleNamespace(value=value))

