"""The connection form on every supported Airflow version, the ``[activecampaign]`` options Airflow
knows of, and the form's Test button in Airflow's own API."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from airflow import __version__ as AIRFLOW_VERSION
from packaging.version import Version

from airflow_provider_activecampaign.get_provider_info import CONFIG, CONNECTION_FIELDS
from airflow_provider_activecampaign.hooks.activecampaign import ActiveCampaignHook
from tests.conftest import CANARY_KEY

READS_CONN_FIELDS = Version(Version(AIRFLOW_VERSION).base_version) >= Version("3.2")


def test_the_form_has_the_extra_fields_on_this_airflow_version():
    """3.2+ reads ``conn-fields`` from the provider info; 3.0 and 3.1 read the hook's widgets."""
    from airflow.providers_manager import ProvidersManager

    manager = ProvidersManager()
    widgets = {key: info for key, info in manager.connection_form_widgets.items() if "activecampaign" in key}
    assert sorted(widgets) == sorted(f"extra__activecampaign__{name}" for name in CONNECTION_FIELDS)
    behaviour = manager.field_behaviours["activecampaign"]
    assert behaviour["relabeling"] == {"host": "API URL", "password": "API key"}
    assert {"schema", "login"} <= set(behaviour["hidden_fields"])
    assert "port" not in behaviour["hidden_fields"]  # the Test button needs a stored port (Airflow 3.3.2)
    if not READS_CONN_FIELDS:  # the fields came from the hook's widgets
        assert {info.hook_class_name for info in widgets.values()} == {"ActiveCampaignHook"}


def test_the_ui_shows_each_extra_field_with_its_label_and_default():
    """What the connection form is built from (``/ui/connections/hook_meta``) on this version."""
    from airflow.api_fastapi.core_api.services.ui.connections import HookMetaService

    HookMetaService.hook_meta_data.cache_clear()
    (meta,) = [m for m in HookMetaService.hook_meta_data() if m.connection_type == "activecampaign"]
    extra = meta.model_dump()["extra_fields"]
    assert {name: field["schema"]["title"] for name, field in extra.items()} == {
        name: field["label"] for name, field in CONNECTION_FIELDS.items()}
    assert {name: str(field["value"]) for name, field in extra.items()} == {
        name: str(field["schema"].get("default")) for name, field in CONNECTION_FIELDS.items()}
    assert meta.standard_fields.host.title == "API URL"
    port = meta.standard_fields.port
    assert not port.hidden and port.placeholder == "443"  # typed in the form, saved, then Test works
    described = {name: field["description"] for name, field in extra.items() if field.get("description")}
    assert "whole reply" in described["timeout"]  # the Timeout field says what it bounds
    assert described.keys() == CONNECTION_FIELDS.keys()  # every field says what it does


def test_every_widget_has_a_description():
    """Airflow 3.0 and 3.1 build the form from the widgets: Timeout among them says what it bounds."""
    pytest.importorskip("wtforms")
    widgets = ActiveCampaignHook.get_connection_form_widgets()
    assert all(widget.kwargs.get("description") for widget in widgets.values())
    assert "whole reply" in widgets["timeout"].kwargs["description"]


def test_the_widgets_are_typed_so_the_connection_reads_them():
    pytest.importorskip("wtforms")
    widgets = ActiveCampaignHook.get_connection_form_widgets()
    assert sorted(widgets) == sorted(CONNECTION_FIELDS)
    kinds = {name: widget.field_class.__name__ for name, widget in widgets.items()}
    # 0.5 requests per second is a valid rate: numbers are text in the form, parsed by the connection
    assert kinds == {"requests_per_second": "StringField", "timeout": "StringField", "retries": "IntegerField",
                     "allow_http": "BooleanField", "timezone": "StringField", "rate_limit_storage": "StringField"}


def test_without_wtforms_the_form_has_no_widgets_but_still_works(monkeypatch):
    monkeypatch.setitem(sys.modules, "wtforms", None)  # import wtforms -> ImportError
    assert ActiveCampaignHook.get_connection_form_widgets() == {}


def airflow_cli(*args: str) -> str:
    return subprocess.run([sys.executable, "-m", "airflow", *args], capture_output=True, text=True, check=True,
                          env=os.environ.copy()).stdout


def test_airflow_knows_the_activecampaign_config_section():
    listing = airflow_cli("config", "list", "--section", "activecampaign")
    assert "[activecampaign]" in listing
    for option in CONFIG["activecampaign"]["options"]:
        assert f"{option} =" in listing
    from airflow_provider_activecampaign.webhooks.forms import DEFAULT_MAX_BYTES

    value = airflow_cli("config", "get-value", "activecampaign", "webhook_max_bytes").strip().splitlines()[-1]
    assert value == str(DEFAULT_MAX_BYTES)
    configs = airflow_cli("providers", "configs", "--output", "json")
    assert "webhook_token" in configs and "webhook_max_bytes" in configs


@pytest.mark.skipif(not READS_CONN_FIELDS, reason="Airflow 3.0 and 3.1 read no _CMD variant of provider options")
def test_the_webhook_token_is_sensitive_so_it_may_come_from_a_command(monkeypatch):
    from airflow.configuration import conf

    monkeypatch.setenv("AIRFLOW__ACTIVECAMPAIGN__WEBHOOK_TOKEN_CMD", "echo from-a-command-0123456789")
    conf.load_providers_configuration()
    assert conf.get("activecampaign", "webhook_token").strip() == "from-a-command-0123456789"


@pytest.fixture
def api(airflow_db, monkeypatch):
    """Airflow's own REST API (in process), with the connection Test button enabled."""
    from fastapi.testclient import TestClient

    monkeypatch.setenv("AIRFLOW__CORE__TEST_CONNECTION", "Enabled")
    monkeypatch.setenv("AIRFLOW__CORE__AUTH_MANAGER",
                       "airflow.api_fastapi.auth.managers.simple.simple_auth_manager.SimpleAuthManager")
    monkeypatch.setenv("AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_ALL_ADMINS", "True")
    from airflow.api_fastapi.app import create_app

    return TestClient(create_app())


def stored(conn_id: str, emulator, port: int | None) -> None:
    from airflow.models import Connection
    from airflow.utils.session import create_session

    with create_session() as session:
        session.query(Connection).filter(Connection.conn_id == conn_id).delete()
        session.add(Connection(conn_id=conn_id, conn_type="activecampaign", host=emulator.url, password=CANARY_KEY,
                               port=port, extra=json.dumps({"allow_http": True})))


@pytest.mark.skipif(not READS_CONN_FIELDS, reason="the Test button's stored-connection check came with Airflow 3.2")
def test_the_documented_test_button_path_works_from_the_form(api, emulator):
    """The documented path, with what the UI sends: the user types 443 in the form's Port field and
    saves (the dialog's Save: ``POST /api/v2/connections``); the Test button then posts the stored
    connection with the masked key and the stored port, and Airflow tests the stored connection."""
    from airflow.models import Connection
    from airflow.utils.session import create_session

    with create_session() as session:
        session.query(Connection).filter(Connection.conn_id == "ac_form_test").delete()
    form = {"connection_id": "ac_form_test", "conn_type": "activecampaign", "host": emulator.url, "port": 443,
            "extra": json.dumps({"allow_http": True})}
    saved = api.post("/api/v2/connections", json={**form, "password": CANARY_KEY})
    assert saved.status_code == 201, saved.text
    reply = api.post("/api/v2/connections/test", json={**form, "password": "***"})
    assert reply.status_code == 200, reply.text
    assert reply.json() == {"status": True, "message": "Connected to ActiveCampaign as admin"}


@pytest.mark.skipif(not READS_CONN_FIELDS, reason="the Test button's stored-connection check came with Airflow 3.2")
def test_without_a_stored_port_the_test_button_is_refused_by_airflow(api, emulator):
    """Why the docs ask for a port: the form sends port 0 for an empty one, which Airflow 3.3.2 refuses."""
    stored("ac_form_test", emulator, None)
    body = {"connection_id": "ac_form_test", "conn_type": "activecampaign", "host": emulator.url, "port": 0,
            "password": "***", "extra": json.dumps({"allow_http": True})}
    reply = api.post("/api/v2/connections/test", json=body)
    assert reply.status_code == 400 and "differs from the stored connection" in reply.text
