"""The webhook receiver, over real HTTP: ActiveCampaign deliveries become Airflow asset events.

The receiver app runs under uvicorn on 127.0.0.1, mounted at ``/activecampaign`` in a parent
app exactly as the Airflow API server mounts plugin apps. Assets are registered by parsing and
syncing a real DAG file that schedules on them.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest

from airflow_provider_activecampaign.plugins import webhooks
from airflow_provider_activecampaign.testing.webhooks import WebhookReceiver, dag_test_consumes
from airflow_provider_activecampaign.webhooks import (
    WEBHOOK_EVENTS,
    activecampaign_asset,
    forms,
    parse_bracketed_form,
)
from airflow_provider_activecampaign.webhooks import receiver as receiver_app
from tests.webhooks.helpers import (
    DEAL_ADD,
    FORM,
    OTHER_TOKEN,
    TOKEN,
    _all_event_count,
    _events,
    _post,
    _queued_dag_ids,
)

# ------------------------------------------------------------------------------------------
# A valid delivery becomes an asset event
# ------------------------------------------------------------------------------------------


def test_deal_add_delivery_becomes_an_asset_event_with_the_parsed_payload(client: httpx.Client, token: str) -> None:
    before = {event.id for event in _events("activecampaign_default_deal_add")}

    response = _post(client, DEAL_ADD)

    assert response.status_code == 200, response.text
    reply = response.json()
    assert reply["asset"] == "activecampaign_default_deal_add"
    assert reply["uri"] == "activecampaign://default/webhooks/deal_add"
    [event] = [event for event in _events("activecampaign_default_deal_add") if event.id not in before]
    assert reply["event_id"] == event.id
    extra = event.extra
    assert extra["account"] == "default"
    assert extra["event_type"] == "deal_add"
    assert extra["date_time"] == "2024-05-02T10:15:00-05:00"
    assert extra["initiated_by"] == "admin"
    assert extra["initiated_from"] == "admin"
    assert len(extra["body_sha256"]) == 64
    assert extra["payload"]["deal"] == {
        "id": "42",
        "title": "Analytical engine",
        "value": "1250000",
        "currency": "usd",
        "pipelineid": "1",
        "stageid": "3",
        "contactid": "27",
    }
    assert extra["payload"]["contact"]["fields"] == {"favourite_color": "blue", "12": "Lovelace & Co"}
    assert extra["payload"]["contact"]["tags"] == "vip, newsletter"
    # The DAG scheduled on the asset is queued for a run.
    assert "test_webhooks_on_deal_add" in _queued_dag_ids("activecampaign_default_deal_add")


def test_the_account_label_in_the_url_selects_the_asset(client: httpx.Client, token: str) -> None:
    pairs = [("type", "subscribe"), ("date_time", "2024-05-02T10:15:00-05:00"), ("contact[id]", "5")]

    response = _post(client, pairs, account="ACME-eu")

    assert response.status_code == 200, response.text
    assert response.json()["asset"] == "activecampaign_acme-eu_subscribe"
    assert _events("activecampaign_acme-eu_subscribe")[-1].extra["payload"]["contact"] == {"id": "5"}


def test_http_basic_password_is_accepted_as_the_token(client: httpx.Client, token: str) -> None:
    response = _post(client, token=None, auth=("activecampaign", OTHER_TOKEN))

    assert response.status_code == 200, response.text


def test_form_with_charset_parameter_is_accepted(client: httpx.Client, token: str) -> None:
    response = _post(client, content_type=f"{FORM}; charset=UTF-8")

    assert response.status_code == 200, response.text


def test_health_reports_whether_a_token_is_configured(client: httpx.Client, token: str) -> None:
    assert client.get("/health").json() == {"status": "ok", "token_configured": True}


# ------------------------------------------------------------------------------------------
# Bad deliveries are refused and record nothing
# ------------------------------------------------------------------------------------------

OVERSIZE = urlencode([*DEAL_ADD, ("deal[description]", "x" * 300_000)]).encode()


def _chunks(data: bytes, size: int = 16_384) -> Iterator[bytes]:
    for start in range(0, len(data), size):
        yield data[start : start + size]


@pytest.mark.parametrize(
    ("case", "request_kwargs", "status"),
    [
        ("wrong token", {"token": "not-the-token-000000000"}, 403),
        ("missing token", {"token": None}, 401),
        ("wrong basic password", {"token": None, "auth": ("x", "not-the-token-000000000")}, 403),
        ("oversize body with Content-Length", {"content": OVERSIZE}, 413),
        ("oversize chunked body", {"content": _chunks(OVERSIZE)}, 413),
        ("JSON instead of a form", {"content": b'{"type": "deal_add"}', "content_type": "application/json"}, 415),
        ("multipart instead of a form", {"content_type": "multipart/form-data; boundary=x"}, 415),
        ("unknown charset", {"content_type": f"{FORM}; charset=no-such-charset"}, 415),
        ("malformed bracket key", {"content": b"type=deal_add&contact[id=27"}, 400),
        ("garbage bytes", {"content": b"\x00\xff[[]]=&=="}, 400),
        ("unknown event type", {"pairs": [("type", "deal_exploded"), ("deal[id]", "1")]}, 400),
        ("missing event type", {"pairs": [("deal[id]", "1")]}, 400),
        ("event type given as a container", {"pairs": [("type[]", "deal_add")]}, 400),
        ("invalid account label", {"account": "bad_label!"}, 404),
    ],
)
def test_bad_delivery_is_refused_and_records_nothing(
    client: httpx.Client, token: str, case: str, request_kwargs: dict[str, Any], status: int
) -> None:
    before = _all_event_count()

    response = _post(client, **request_kwargs)

    assert response.status_code == status, (case, response.text)
    assert "detail" in response.json()
    assert _all_event_count() == before


def test_without_a_configured_token_every_delivery_is_refused_with_503(
    client: httpx.Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("AIRFLOW__ACTIVECAMPAIGN__WEBHOOK_TOKEN", raising=False)
    before = _all_event_count()

    assert _post(client, token=TOKEN).status_code == 503
    assert _post(client, token=None).status_code == 503
    health = client.get("/health")
    assert health.status_code == 503 and health.json()["token_configured"] is False
    assert _all_event_count() == before


def test_a_short_configured_token_is_refused(client: httpx.Client, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIRFLOW__ACTIVECAMPAIGN__WEBHOOK_TOKEN", "short")

    assert _post(client, token="short").status_code == 503


def test_body_limit_is_configurable(client: httpx.Client, token: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIRFLOW__ACTIVECAMPAIGN__WEBHOOK_MAX_BYTES", "100")

    assert _post(client).status_code == 413


def test_event_for_an_asset_no_dag_uses_gets_404_like_airflows_own_route(client: httpx.Client, token: str) -> None:
    before = _all_event_count()

    response = _post(client, [("type", "sms_unsub"), ("sms[id]", "1")])

    assert response.status_code == 404
    assert "no DAG uses it yet" in response.json()["detail"]
    assert _all_event_count() == before


def test_a_recording_failure_is_a_5xx_not_a_silent_2xx(
    client: httpx.Client, token: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any, **kwargs: Any) -> int:
        raise RuntimeError("database is down")

    monkeypatch.setattr(receiver_app, "record_asset_event", broken)

    assert _post(client).status_code == 500


def test_the_token_never_appears_in_any_log_record(
    client: httpx.Client, token: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)

    assert _post(client).status_code == 200
    assert _post(client, token=f"{TOKEN}-wrong").status_code == 403
    assert _post(client, content=b"type=nope").status_code == 400
    assert _post(client, content_type="text/plain").status_code == 415
    assert _post(client, content=OVERSIZE).status_code == 413

    messages = [record.getMessage() for record in caplog.records]
    assert any("rejected with 403" in message for message in messages)
    access_lines = [record.getMessage() for record in caplog.records if record.name == "uvicorn.access"]
    assert any("/activecampaign/webhooks/default?***" in line for line in access_lines), access_lines
    # httpx/httpcore records come from this test's client, which plays ActiveCampaign and must
    # send the token; everything else (receiver, uvicorn, Airflow) must never show it.
    for record in caplog.records:
        if record.name.startswith(("httpx", "httpcore")):
            continue
        text = f"{record.getMessage()} {record.args!r} {record.exc_text or ''}"
        assert TOKEN not in text, record.name
        assert OTHER_TOKEN not in text, record.name


# ------------------------------------------------------------------------------------------
# Assets and plugin
# ------------------------------------------------------------------------------------------


def test_activecampaign_asset_names_one_asset_per_account_and_event() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        asset = activecampaign_asset("deal_add")
        other = activecampaign_asset("deal_add", "Acme-EU")

    assert (asset.name, asset.uri, asset.group) == (
        "activecampaign_default_deal_add",
        "activecampaign://default/webhooks/deal_add",
        "activecampaign",
    )
    assert (other.name, other.uri) == ("activecampaign_acme-eu_deal_add", "activecampaign://acme-eu/webhooks/deal_add")


@pytest.mark.parametrize(
    ("event_type", "account"), [("deal_exploded", "default"), ("deal_add", "a_b"), ("deal_add", "")]
)
def test_activecampaign_asset_rejects_unknown_events_and_bad_account_labels(event_type: str, account: str) -> None:
    with pytest.raises(ValueError):
        activecampaign_asset(event_type, account)


def test_every_event_the_receiver_accepts_can_be_registered(emulator: Any) -> None:
    """One list of event names serves the webhook operators and the receiver (account_* included)."""
    from airflow_provider_activecampaign.operators import ActiveCampaignCreateWebhookOperator

    events = sorted(WEBHOOK_EVENTS)
    assert {"account_add", "account_contact_update", "contact_task_add"} <= WEBHOOK_EVENTS
    webhook = ActiveCampaignCreateWebhookOperator(
        task_id="t", name="all", url="https://airflow.example.com/activecampaign/webhooks/default?token=x",
        events=events).execute(context={})
    assert sorted(emulator.record("webhooks", webhook["id"])["events"]) == events


def test_every_documented_event_has_an_asset() -> None:
    assert {"deal_add", "subscribe", "contact_tag_added", "deal_task_complete", "sms_unsub"} <= WEBHOOK_EVENTS
    assert len({activecampaign_asset(event).uri for event in WEBHOOK_EVENTS}) == len(WEBHOOK_EVENTS)


def test_dag_files_importing_the_asset_helper_do_not_import_fastapi() -> None:
    code = (
        "import sys; from airflow.sdk import Asset; before = 'fastapi' in sys.modules; "
        "from airflow_provider_activecampaign.plugins.webhooks import activecampaign_asset; "
        "activecampaign_asset('deal_add'); print(before, 'fastapi' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    before, after = done.stdout.split()[-2:]
    assert after == before  # Airflow 3.0 imports FastAPI by itself; 3.1+ does not


def test_loading_the_plugin_builds_no_receiver_until_airflow_asks_for_its_apps() -> None:
    """Every Airflow process loads plugins (task runners too): only the API server, which reads the
    FastAPI apps, builds the receiver and logs its configuration error; task logs stay clean."""
    code = (
        "import logging, os, sys; os.environ.pop('AIRFLOW__ACTIVECAMPAIGN__WEBHOOK_TOKEN', None); "
        "errors = []; h = logging.Handler(); h.emit = lambda r: errors.append(r.getMessage()); "
        "logging.getLogger('airflow_provider_activecampaign').addHandler(h); "
        "from airflow_provider_activecampaign.plugins.webhooks import ActiveCampaignWebhooksPlugin as P; "
        "n = len(errors); apps = P.fastapi_apps; again = P.fastapi_apps; "
        "print(n, len(errors), apps is again)"
    )
    probe = ("import sys; from airflow_provider_activecampaign.plugins.webhooks import ActiveCampaignWebhooksPlugin; "
             "print('airflow_provider_activecampaign.webhooks.receiver' in sys.modules)")
    built = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert built.stdout.split()[-1] == "False"  # loading the plugin does not build the receiver
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split()[-3:] == ["0", "1", "True"]  # one ERROR, when the apps are read, and once


def test_plugin_mounts_the_receiver_app_under_activecampaign() -> None:
    from fastapi import FastAPI

    plugin = webhooks.ActiveCampaignWebhooksPlugin
    assert plugin.name == "activecampaign_webhooks"
    [app] = plugin.fastapi_apps
    assert app["url_prefix"] == "/activecampaign"
    assert app["name"] == "ActiveCampaign webhooks"
    assert isinstance(app["app"], FastAPI)
    assert any(base.__name__ == "AirflowPlugin" for base in plugin.__mro__)


@pytest.mark.parametrize(("token", "status", "reply"), [
    (TOKEN, 200, '{"status":"ok","token_configured":true}'),
    ("too-short", 503, '{"status":"unavailable","token_configured":false,"reason":"[activecampaign] webhook_token '
                       '(AIRFLOW__ACTIVECAMPAIGN__WEBHOOK_TOKEN): token 1 of 1 is shorter than 16 characters"}'),
], ids=["valid", "short"])
def test_the_api_server_mounts_the_plugin_from_its_entry_point(tmp_path: Path, token: str, status: int,
                                                               reply: str) -> None:
    """A fresh Airflow home (no plugins folder): only the ``airflow.plugins`` entry point can load it.
    With a short token it still mounts, and health answers 503 with the reason (not the UI's HTML)."""
    code = (
        "from airflow.api_fastapi.app import create_app; from fastapi.testclient import TestClient; "
        "http = TestClient(create_app()); reply = http.get('/activecampaign/health'); "
        "post = http.post('/activecampaign/webhooks/default', content=b'type=deal_add', "
        "headers={'Content-Type': 'application/x-www-form-urlencoded'}); "
        "print(post.status_code); print(reply.status_code, reply.text)"
    )
    env = {key: value for key, value in os.environ.items() if not key.startswith("AIRFLOW")}
    env.update(AIRFLOW_HOME=str(tmp_path), AIRFLOW__CORE__LOAD_EXAMPLES="False",
               AIRFLOW__ACTIVECAMPAIGN__WEBHOOK_TOKEN=token)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=300)

    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.splitlines()[-1] == f"{status} {reply}", done.stdout[-2000:]
    assert done.stdout.splitlines()[-2] == ("401" if status == 200 else "503")  # no token sent / none usable


# ------------------------------------------------------------------------------------------
# parse_bracketed_form
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pairs", "expected"),
    [
        ([("type", "update"), ("contact[id]", "27")], {"type": "update", "contact": {"id": "27"}}),
        ([("contact[fields][x]", "1"), ("contact[fields][y]", "")], {"contact": {"fields": {"x": "1", "y": ""}}}),
        ([("list[]", "a"), ("list[]", "b")], {"list": ["a", "b"]}),
        ([("l[1]", "b"), ("l[0]", "a")], {"l": ["a", "b"]}),
        ([("list[][id]", "3"), ("list[][id]", "4")], {"list": [{"id": "3"}, {"id": "4"}]}),
        ([("active_subscriptions[0]", "9")], {"active_subscriptions": ["9"]}),
        ([("fields[12]", "x"), ("fields[13]", "y")], {"fields": {"12": "x", "13": "y"}}),
        ([("a[5]", "x"), ("a[]", "y")], {"a": {"5": "x", "6": "y"}}),
        ([("a[01]", "x")], {"a": {"01": "x"}}),
        ([("0", "x"), ("1", "y")], {"0": "x", "1": "y"}),
        ([("type", "a"), ("type", "b")], {"type": "b"}),
        ([("list", "0"), ("list[id]", "5")], {"list": {"_value": "0", "id": "5"}}),
        ([("list[id]", "5"), ("list", "0")], {"list": {"id": "5", "_value": "0"}}),
        (
            [("User-Agent", "Mozilla/5.0"), ("link[url]", "https://x.test/?a=1&b[]=2")],
            {"User-Agent": "Mozilla/5.0", "link": {"url": "https://x.test/?a=1&b[]=2"}},
        ),
        ([], {}),
    ],
)
def test_parse_bracketed_form(pairs: list[tuple[str, str]], expected: dict[str, Any]) -> None:
    assert parse_bracketed_form(pairs) == expected


@pytest.mark.parametrize(
    "key",
    ["", "[a]", "a]", "a[b", "a[b]c", "a[b][", "a[[b]]", "a" + "[x]" * 17],
)
def test_parse_bracketed_form_rejects_malformed_keys(key: str) -> None:
    with pytest.raises(ValueError):
        parse_bracketed_form([(key, "v")])


def test_parse_bracketed_form_rejects_too_many_fields() -> None:
    with pytest.raises(ValueError):
        parse_bracketed_form([(f"f{i}", "v") for i in range(forms.MAX_FIELDS + 1)])


def test_parse_bracketed_form_accepts_maximum_depth() -> None:
    parsed = parse_bracketed_form([("a" + "[x]" * forms.MAX_DEPTH, "v")])
    for _ in range(forms.MAX_DEPTH + 1):
        parsed = parsed["a" if "a" in parsed else "x"]
    assert parsed == "v"


# ------------------------------------------------------------------------------------------
# The example DAGs, and end to end with the ActiveCampaign emulator
# ------------------------------------------------------------------------------------------


def test_the_events_example_is_scheduled_on_the_deal_add_asset() -> None:
    from tests.examples.test_example_dags import load

    dag = load("example_activecampaign_events").dag

    assert dag.dag_id == "example_activecampaign_events"
    assert list(dag.timetable.asset_condition.objects) == [activecampaign_asset("deal_add")]
    assert list(dag.task_dict) == ["summarise_new_deals"]


def test_the_events_example_runs_one_at_a_time_so_two_runs_cannot_both_handle_a_key() -> None:
    """Its task reads the seen-keys Variable, then writes it back: two runs at once could both miss a key."""
    from tests.examples.test_example_dags import load

    assert load("example_activecampaign_events").dag.max_active_runs == 1


def test_the_events_setup_example_registers_a_deal_add_webhook_on_the_receiver() -> None:
    from airflow_provider_activecampaign.operators import ActiveCampaignEnsureWebhookOperator
    from tests.examples.test_example_dags import load

    dag = load("example_activecampaign_events_setup").dag

    assert dag.dag_id == "example_activecampaign_events_setup"
    assert dag.schedule is None
    [register] = dag.tasks
    assert isinstance(register, ActiveCampaignEnsureWebhookOperator)
    assert register.body["events"] == ["deal_add"]
    assert "/activecampaign/webhooks/default?token={{ var.value.activecampaign_webhook_token }}" in register.body["url"]
    assert register.do_xcom_push is False  # the webhook's URL carries the token


def _rendered_fields(dag_id: str) -> list[dict[str, Any]]:
    from airflow.models.renderedtifields import RenderedTaskInstanceFields
    from airflow.utils.session import create_session
    from sqlalchemy import select

    with create_session() as session:
        query = select(RenderedTaskInstanceFields.rendered_fields).where(RenderedTaskInstanceFields.dag_id == dag_id)
        return list(session.scalars(query))


def _xcom_count(dag_id: str) -> int:
    from airflow.models.xcom import XComModel
    from airflow.utils.session import create_session
    from sqlalchemy import func, select

    with create_session() as session:
        return session.scalar(select(func.count()).select_from(XComModel).where(XComModel.dag_id == dag_id)) or 0


def test_end_to_end_setup_dag_webhook_delivery_asset_event_and_events_dag(
    receiver: WebhookReceiver,
    token: str,
    emulator: Any,
    example_bundle: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Setup DAG registers the webhook; a deal made through the API is delivered to the receiver over
    HTTP, recorded as an asset event, and the events DAG run that consumes it summarises the deal."""
    from airflow_provider_activecampaign.hooks import ActiveCampaignHook
    from tests.examples.test_example_dags import load, xcom

    monkeypatch.setenv("AIRFLOW_VAR_ACTIVECAMPAIGN_WEBHOOK_BASE_URL", receiver.url + "/")
    monkeypatch.setenv("AIRFLOW_VAR_ACTIVECAMPAIGN_WEBHOOK_TOKEN", token)

    # 1. The setup DAG registers the webhook in the emulator; a second run changes nothing.
    setup = load("example_activecampaign_events_setup").dag
    assert setup.test().state == "success"
    assert setup.test().state == "success"
    [webhook] = emulator.records("webhooks")
    assert webhook["url"] == f"{receiver.url}/activecampaign/webhooks/default?token={token}"
    assert (webhook["name"], webhook["events"]) == ("Airflow deal add", ["deal_add"])
    # The token is a masked Variable: the rendered URL shows "***", and no XCom holds the webhook.
    rendered = _rendered_fields(setup.dag_id)
    assert rendered and all(r["body"]["url"].endswith("/webhooks/default?token=***") for r in rendered), rendered
    assert _xcom_count(setup.dag_id) == 0

    # 2. A deal created through the API is delivered form-encoded to the receiver over HTTP.
    before = {event.id for event in _events("activecampaign_default_deal_add")}
    with ActiveCampaignHook() as hook:
        contact = hook.request("POST", "contacts", json={"contact": {"email": "e2e@example.com", "firstName": "Eve"}})
        stage = next(iter(hook.paginate("dealStages", "dealStages")))
        deal = {"title": "E2E deal", "value": 4200, "currency": "usd", "contact": contact["contact"]["id"],
                "group": stage["group"], "stage": stage["id"]}
        deal_id = str(hook.request("POST", "deals", json={"deal": deal})["deal"]["id"])
    assert emulator.wait_for_deliveries(1, timeout=10.0)
    deliveries = [d for d in emulator.deliveries if d["type"] == "deal_add"]
    assert [d.get("status") for d in deliveries] == [200], deliveries

    # 3. ...and recorded as one asset event with the parsed payload in its extra.
    [event] = [event for event in _events("activecampaign_default_deal_add") if event.id not in before]
    assert (event.extra["account"], event.extra["event_type"]) == ("default", "deal_add")
    assert event.extra["initiated_from"] == "api"
    assert event.extra["payload"]["deal"]["id"] == deal_id
    assert event.extra["payload"]["deal"]["title"] == "E2E deal"
    assert event.extra["payload"]["contact"]["email"] == "e2e@example.com"
    assert "test_webhooks_on_deal_add" in _queued_dag_ids("activecampaign_default_deal_add")

    # 4. The events DAG, run on that event, sees it and summarises the deal.
    events_dag = load("example_activecampaign_events").dag
    with dag_test_consumes([event.id]):
        run = events_dag.test()
    assert run.state == "success"
    [summary] = xcom(events_dag.dag_id, run.run_id, "summarise_new_deals")
    assert summary["id"] == deal_id
    assert summary["title"] == "E2E deal"
    assert summary["contact_email"] == "e2e@example.com"
    assert summary["initiated_from"] == "api"
    # No record shows the token, httpx's included: its request line for ``GET /webhooks?filters[url]=...``
    # carries the URL, and the hook's log filter blanks ``token=``/``token%3D`` query values there
    # (Airflow's masker also blanks it in the task log: the token is a masked Variable).
    leaked = [record.name for record in caplog.records if token in record.getMessage()]
    assert not leaked
