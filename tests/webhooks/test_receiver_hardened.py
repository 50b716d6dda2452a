"""The receiver hardened: no delivery lost to a short database outage, a stable key per event,
short tokens refused at start, the token in no log line wherever a sender puts it, odd charsets
and slow bodies answered with a 4xx. Over real HTTP (uvicorn on 127.0.0.1) and Airflow's database.
"""

from __future__ import annotations

import logging
import os
import socket
import sqlite3
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import quote, urlencode

import httpx
import pytest
from sqlalchemy.exc import OperationalError

from airflow_provider_activecampaign.plugins import webhooks as plugin
from airflow_provider_activecampaign.webhooks import receiver as receiver_app
from airflow_provider_activecampaign.webhooks.recording import delivery_key, record_with_retry
from tests.webhooks.helpers import DEAL_ADD, FORM, OTHER_TOKEN, TOKEN, _events, _post


def deal(deal_id: str, date_time: str = "2024-05-02T10:15:00-05:00") -> list[tuple[str, str]]:
    return [(k, deal_id if k == "deal[id]" else date_time if k == "date_time" else v) for k, v in DEAL_ADD]


def extras(event_ids: list[int]) -> dict[int, dict]:
    return {e.id: e.extra for e in _events("activecampaign_default_deal_add") if e.id in event_ids}


# --------------------------------------------------------------------------- none lost


def _sqlite_path() -> str:
    url = os.environ["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"]
    assert url.startswith("sqlite:///")
    return url.removeprefix("sqlite:///")


def hold_exclusive_lock(seconds: float, locked: threading.Event) -> None:
    """Another connection holds an exclusive transaction on Airflow's SQLite database."""
    conn = sqlite3.connect(_sqlite_path(), timeout=30, isolation_level=None)
    try:
        conn.execute("BEGIN EXCLUSIVE")
        locked.set()
        time.sleep(seconds)
        conn.execute("COMMIT")
    finally:
        conn.close()


def test_deliveries_while_the_database_is_locked_are_all_recorded(client: httpx.Client, token: str,
                                                                  caplog: pytest.LogCaptureFixture,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    # A 7 s lock with SQLite's own 5 s wait per attempt: a budget that covers it (the default 5 s does not).
    monkeypatch.setenv("AIRFLOW__ACTIVECAMPAIGN__WEBHOOK_RECORD_RETRY_SECONDS", "20")
    locked = threading.Event()
    holder = threading.Thread(target=hold_exclusive_lock, args=(7.0, locked))  # longer than SQLite's 5 s wait
    holder.start()
    assert locked.wait(5)
    with ThreadPoolExecutor(6) as pool:
        replies = list(pool.map(lambda n: (time.sleep(n * 0.5), _post(client, deal(f"90{n}"), timeout=60))[1],
                                range(6)))
    holder.join()
    assert [r.status_code for r in replies] == [200] * 6  # none 5xx
    ids = [r.json()["event_id"] for r in replies]
    recorded = extras(ids)
    assert sorted(recorded) == sorted(ids)  # every 2xx has its asset event
    assert sorted(e["payload"]["deal"]["id"] for e in recorded.values()) == [f"90{n}" for n in range(6)]
    assert any("retrying in" in r.getMessage() for r in caplog.records)  # the lock outlasted one attempt


def test_an_outage_longer_than_the_retry_budget_is_a_5xx(client: httpx.Client, token: str,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIRFLOW__ACTIVECAMPAIGN__WEBHOOK_RECORD_RETRY_SECONDS", "0.3")
    calls = []

    def down(*args: Any) -> int:
        calls.append(1)
        raise OperationalError("INSERT", {}, Exception("database is locked"))

    monkeypatch.setattr(receiver_app, "record_asset_event", down)
    assert _post(client).status_code == 500
    assert len(calls) >= 2  # retried before giving up


class TestRecordWithRetry:
    def test_transient_failures_are_retried_with_growing_delays(self) -> None:
        outcomes: list[Any] = [OperationalError("x", {}, Exception("locked"))] * 3 + [7]
        slept: list[float] = []

        def record() -> int:
            outcome = outcomes.pop(0)
            if isinstance(outcome, Exception):
                raise outcome
            return outcome

        assert record_with_retry(record, budget=60, what="t", sleep=slept.append) == 7
        assert slept == [0.1, 0.2, 0.4]

    def test_other_errors_are_not_retried(self) -> None:
        calls = []

        def record() -> int:
            calls.append(1)
            raise RuntimeError("bug")

        with pytest.raises(RuntimeError):
            record_with_retry(record, budget=60, what="t", sleep=lambda s: None)
        assert calls == [1]


# --------------------------------------------------------------------------- one key per event


def test_a_redelivery_shares_the_key_and_a_second_event_does_not(client: httpx.Client, token: str) -> None:
    first = _post(client, deal("4242"))
    again = _post(client, list(reversed(deal("4242"))))  # the same event, its fields in another order
    later = _post(client, deal("4242", date_time="2024-05-02T10:15:07-05:00"))  # happened again, 7 s later
    other = _post(client, deal("4243"))
    ids = [r.json()["event_id"] for r in (first, again, later, other)]
    recorded = extras(ids)
    keys = [recorded[i]["delivery_key"] for i in ids]
    assert len(set(ids)) == 4 and keys[0] == keys[1] and len({keys[0], keys[2], keys[3]}) == 3
    assert keys[0] == delivery_key("default", recorded[ids[0]]["payload"])


def test_the_events_example_handles_a_deal_delivered_twice_in_two_runs_once(
        client: httpx.Client, token: str, example_bundle: Any, emulator: Any) -> None:
    from airflow_provider_activecampaign.testing.webhooks import dag_test_consumes
    from tests.examples.test_example_dags import load, xcom

    first, again = (_post(client, deal("4242")).json()["event_id"] for _ in range(2))
    dag = load("example_activecampaign_events").dag
    summaries = []
    for event_id in (first, again):
        with dag_test_consumes([event_id]):
            run = dag.test()
        assert run.state == "success"
        summaries.append(xcom(dag.dag_id, run.run_id, "summarise_new_deals"))
    assert [[d["id"] for d in s] for s in summaries] == [["4242"], []]  # the second run skips it


OPEN = {"type": "open", "date_time": "2024-05-02T10:15:00-05:00", "initiated_from": "public", "list": "0",
        "contact": {"id": "27", "email": "ada@example.com"}, "campaign": {"id": "5", "message": {"id": "9"}}}
SUBSCRIBE = {"type": "subscribe", "date_time": "2024-05-02T10:15:00-05:00", "list": "3",
             "contact": {"id": "27", "email": "ada@example.com"}}
STAGE_A = {"type": "deal_update", "date_time": "2024-05-02T10:15:00-05:00", "deal": {"id": "42", "stageid": "1"},
           "updated_fields": {"stageid": "stageid"}}


@pytest.mark.parametrize(("first", "second"), [
    (OPEN, {**OPEN, "date_time": "2024-05-02T11:40:12-05:00"}),  # the same campaign opened twice
    (SUBSCRIBE, {**SUBSCRIBE, "date_time": "2024-05-09T08:00:00-05:00"}),  # unsubscribed, then subscribed again
    (STAGE_A, {**STAGE_A, "date_time": "2024-05-02T10:17:30-05:00"}),  # deal moved A -> B -> A: both A events
], ids=["open twice", "re-subscribe", "deal A-B-A"])
def test_two_events_alike_but_for_their_time_get_two_keys(first: dict, second: dict) -> None:
    assert delivery_key("a", first) != delivery_key("a", second)


def test_the_key_joins_only_the_same_event_of_the_same_account() -> None:
    same_instant = {**OPEN, "date_time": "2024-05-02T15:15:00+00:00"}  # the same time, written in UTC
    reordered = dict(reversed(list(OPEN.items())))
    assert delivery_key("a", OPEN) == delivery_key("a", reordered) == delivery_key("a", same_instant)
    assert delivery_key("a", OPEN) != delivery_key("b", OPEN)
    assert delivery_key("a", OPEN) != delivery_key("a", {**OPEN, "contact": {"id": "28", "email": "b@example.com"}})
    assert delivery_key("a", {**OPEN, "date_time": "soon"}) != delivery_key("a", {**OPEN, "date_time": "later"})


# --------------------------------------------------------------------------- a bad token: mounted, and says so


@pytest.mark.parametrize("tokens", [None, "", "tiny-tok", f"{TOKEN}, tiny-tok",
                                    f"{TOKEN},{OTHER_TOKEN}, 123456789012345"])
def test_a_bad_or_missing_token_mounts_the_receiver_which_answers_503_with_the_reason(
        monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, tokens: str | None) -> None:
    from fastapi.testclient import TestClient

    if tokens is None:
        monkeypatch.delenv("AIRFLOW__ACTIVECAMPAIGN__WEBHOOK_TOKEN", raising=False)
    else:
        monkeypatch.setenv("AIRFLOW__ACTIVECAMPAIGN__WEBHOOK_TOKEN", tokens)
    caplog.set_level(logging.INFO)
    plugin_class = plugin._build_plugin_class()  # mounts: no exception
    [mounted] = plugin_class.fastapi_apps
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1 and "webhook_token" in errors[0].getMessage(), [r.getMessage() for r in errors]
    with TestClient(mounted["app"]) as http:
        health = http.get("/health")
        delivery = http.post("/webhooks/default", params={"token": "tiny-tok"}, content=urlencode(DEAL_ADD),
                             headers={"Content-Type": FORM})
    assert health.status_code == 503 and health.json()["status"] == "unavailable"
    reason = health.json()["reason"]
    assert "[activecampaign] webhook_token" in reason
    assert ("16 characters" in reason) if tokens else ("no token configured" in reason)
    assert delivery.status_code == 503 and reason in delivery.json()["detail"]
    assert len([r for r in caplog.records if r.levelno >= logging.ERROR]) == 1  # once, at start, not per request
    for secret in (t.strip() for t in (tokens or "").split(",") if t.strip()):
        assert secret not in reason and all(secret not in r.getMessage() for r in caplog.records)


def test_valid_tokens_start_healthy(monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    from fastapi.testclient import TestClient

    monkeypatch.setenv("AIRFLOW__ACTIVECAMPAIGN__WEBHOOK_TOKEN", f"{TOKEN}, {OTHER_TOKEN}")
    with TestClient(receiver_app.create_app()) as http:
        assert http.get("/health").json() == {"status": "ok", "token_configured": True}
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


# --------------------------------------------------------------------------- the token in no log line

_Q = quote(TOKEN, safe="")
FUZZ = [
    ("/webhooks/default", {"token": TOKEN}, None),
    ("/webhooks/default", {"token": TOKEN + "x"}, None),
    ("/webhooks/default", {"token": TOKEN.upper()}, None),
    (f"/webhooks/{TOKEN}", {"token": TOKEN}, None),
    (f"/webhooks/{TOKEN}", {}, None),
    (f"/webhooks/{_Q}", {"token": "wrong-but-long-enough-token"}, None),
    (f"/webhooks/{TOKEN[:20]}", {"t": TOKEN}, None),
    ("/webhooks/default", {"t": TOKEN}, None),
    ("/webhooks/default", {"account": TOKEN, "token": TOKEN}, None),
    ("/webhooks/default", {TOKEN: "1"}, None),
    ("/webhooks/default?%74oken=" + _Q, None, None),
    ("/webhooks/default?token=" + _Q.lower(), None, None),
    ("/webhooks/default?token=" + _Q + "%0A%0Dforged", None, None),
    ("/webhooks/default%0Aforged?token=" + _Q, None, None),
    ("/webhooks/" + quote(TOKEN + "\n\x1b[31m", safe=""), {"token": TOKEN}, None),
    ("/webhooks/default", {}, ("user", TOKEN)),
    ("/webhooks/default", {}, (TOKEN, "x")),
    ("/webhooks/default", {"token": OTHER_TOKEN}, None),
    ("/webhooks/" + OTHER_TOKEN, {"token": TOKEN}, None),
    ("/health", {"token": TOKEN}, None),
]


@pytest.mark.parametrize("body", [None, f"type=deal_add&token={TOKEN}&contact[email]={TOKEN}".encode(),
                                  b"type=\x00\x1b[2J&deal[id]=1", b"garbage"])
def test_the_token_reaches_no_log_line_wherever_it_is_put(client: httpx.Client, token: str, body: bytes | None,
                                                          caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    statuses = set()
    for path, params, auth in FUZZ:
        content = body if body is not None else urlencode(DEAL_ADD).encode()
        reply = client.post(path, params=params, content=content, auth=auth, headers={"Content-Type": FORM})
        statuses.add(reply.status_code)
        assert reply.status_code < 500
    assert statuses & {200, 400} and statuses & {403, 404, 405}
    forms = {TOKEN, OTHER_TOKEN, _Q, _Q.lower(), quote(OTHER_TOKEN, safe="")}
    lines = [r for r in caplog.records if not r.name.startswith(("httpx", "httpcore"))]
    assert any(r.name == "uvicorn.access" for r in lines)
    for record in lines:
        text = f"{record.getMessage()} {record.args!r} {record.exc_text or ''}"
        assert not any(form.lower() in text.lower() for form in forms), (record.name, text)
        assert "\nforged" not in text and "\x1b" not in text and "\x00" not in text


# --------------------------------------------------------------------------- charsets and slow bodies


@pytest.mark.parametrize("charset", ["rot13", "rot_13", "base64", "idna", "hex", "zlib", "bz2", "uu", "quopri",
                                     "punycode", "unicode_escape", "raw_unicode_escape", "utf-7", "nonsense", ""])
def test_charsets_no_form_is_written_in_get_a_4xx(client: httpx.Client, token: str, charset: str) -> None:
    reply = _post(client, content_type=f"{FORM}; charset={charset}")
    assert 400 <= reply.status_code < 500, reply.text
    assert "Traceback" not in reply.text


@pytest.mark.parametrize("charset", ["utf-8", "ISO-8859-1", "windows-1252", '"utf-8"'])
def test_ordinary_charsets_are_accepted(client: httpx.Client, token: str, charset: str) -> None:
    assert _post(client, content_type=f"{FORM}; charset={charset}").status_code == 200


def _raw_post(receiver_url: str, head_body: bytes, *, drip: bytes = b"", every: float = 0.0) -> tuple[bytes, float]:
    host, port = receiver_url.removeprefix("http://").split(":")
    started = time.monotonic()
    with socket.create_connection((host, int(port)), timeout=15) as sock:
        sock.sendall(head_body)
        for byte in drip:
            time.sleep(every)
            try:
                sock.sendall(bytes([byte]))
            except OSError:
                break
        reply = sock.recv(4096)
    return reply, time.monotonic() - started


@pytest.mark.parametrize("kind", ["abandoned", "slow drip"])
def test_slow_or_abandoned_bodies_time_out_cleanly(receiver: Any, token: str, monkeypatch: pytest.MonkeyPatch,
                                                   kind: str) -> None:
    monkeypatch.setenv("AIRFLOW__ACTIVECAMPAIGN__WEBHOOK_READ_TIMEOUT", "0.5")
    body = urlencode(DEAL_ADD).encode()
    head = (f"POST /activecampaign/webhooks/default?token={TOKEN} HTTP/1.1\r\nHost: x\r\n"
            f"Content-Type: {FORM}\r\nContent-Length: {len(body)}\r\n\r\n").encode()
    if kind == "abandoned":
        reply, took = _raw_post(receiver.url, head + body[:10])
    else:
        reply, took = _raw_post(receiver.url, head, drip=body[:40], every=0.05)
    assert reply.startswith(b"HTTP/1.1 408"), reply[:80]
    assert took < 5


# --------------------------------------------------------------------------- Airflow's own access line


class _AccessLines:
    """Stands in for Airflow's ``http.access`` structlog logger and keeps what it was asked to log."""

    def __init__(self) -> None:
        self.lines: list[dict[str, Any]] = []

    def info(self, event: str, **fields: Any) -> None:
        self.lines.append({"event": event, **fields})


@pytest.fixture
def airflow_api(airflow_db: Any, token: str) -> Any:
    """Airflow's own API server app, in process, with the plugin mounted as the API server mounts it."""
    from airflow.api_fastapi.app import create_app
    from fastapi.testclient import TestClient

    with TestClient(create_app()) as http:
        yield http


@pytest.mark.parametrize("path", [
    f"/activecampaign/webhooks/{TOKEN}",
    f"/activecampaign/webhooks/{_Q.lower()}",
    "/activecampaign/webhooks/" + quote(f"default\x00\x1b[2J{TOKEN}\n", safe=""),
    f"/activecampaign/health/{TOKEN}",
], ids=["token as label", "encoded token", "NUL ESC newline", "unrouted"])
def test_airflows_http_access_line_shows_no_token_and_no_control_characters(
        airflow_api: Any, monkeypatch: pytest.MonkeyPatch, path: str) -> None:
    access_log = pytest.importorskip("airflow.api_fastapi.common.http_access_log",
                                     reason="Airflow's http.access middleware came with Airflow 3.1")
    recorder = _AccessLines()
    monkeypatch.setattr(access_log, "logger", recorder)
    reply = airflow_api.post(path, params={"token": TOKEN}, content=urlencode(DEAL_ADD), headers={"Content-Type": FORM})
    assert 400 <= reply.status_code < 500
    [line] = [line for line in recorder.lines if "activecampaign" in str(line.get("path"))]
    text = repr(line)
    assert all(form.lower() not in text.lower() for form in (TOKEN, _Q)), text
    assert not any(char in line["path"] for char in "\x00\x1b\n"), text


# --------------------------------------------------------------------------- replies within a sender's wait


def test_the_default_retry_budget_answers_within_ten_seconds_even_with_slow_attempts(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A database that keeps failing, each attempt taking 1.5 s (a slow connect): the reply comes
    within the default budget, which stays under the 10 s assumed for a sender's wait."""
    from airflow_provider_activecampaign.webhooks.tokens import record_retry_seconds

    monkeypatch.delenv("AIRFLOW__ACTIVECAMPAIGN__WEBHOOK_RECORD_RETRY_SECONDS", raising=False)
    budget = record_retry_seconds()
    now = [0.0]

    def down() -> int:
        now[0] += 1.5
        raise OperationalError("INSERT", {}, Exception("could not connect"))

    with pytest.raises(OperationalError):
        record_with_retry(down, budget=budget, what="t", sleep=lambda s: now.__setitem__(0, now[0] + s),
                          clock=lambda: now[0])
    assert budget < 10 and now[0] <= budget


def _drip_headers(receiver_url: str, seconds: float) -> bytes:
    host, port = receiver_url.removeprefix("http://").split(":")
    body = urlencode(DEAL_ADD).encode()
    head = (f"POST /activecampaign/webhooks/default?token={TOKEN} HTTP/1.1\r\nHost: x\r\nContent-Type: {FORM}\r\n"
            f"Content-Length: {len(body)}\r\n").encode()
    started = time.monotonic()
    with socket.create_connection((host, int(port)), timeout=30) as sock:
        sock.sendall(head)
        try:
            while time.monotonic() - started < seconds:
                sock.sendall(b"X-Drip: 1\r\n")
                time.sleep(0.2)
            sock.sendall(b"\r\n" + body)
        except OSError:
            pass  # closed by the server
        return sock.recv(4096)


def test_headers_dripped_past_the_header_timeout_get_408(receiver: Any, token: str,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIRFLOW__ACTIVECAMPAIGN__WEBHOOK_HEADER_TIMEOUT", "1")
    receiver_app.create_app()  # the API server creates the app before it serves
    reply = _drip_headers(receiver.url, 3)
    assert reply.startswith(b"HTTP/1.1 408"), reply[:80]
    assert _drip_headers(receiver.url, 0.3).startswith(b"HTTP/1.1 200")  # headers in time: recorded


def test_a_sender_hanging_up_mid_body_logs_no_traceback(receiver: Any, token: str,
                                                        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    host, port = receiver.url.removeprefix("http://").split(":")
    body = urlencode(DEAL_ADD).encode()
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall((f"POST /activecampaign/webhooks/default?token={TOKEN} HTTP/1.1\r\nHost: x\r\n"
                      f"Content-Type: {FORM}\r\nContent-Length: {len(body)}\r\n\r\n").encode() + body[:20])
        time.sleep(0.3)
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and not any("disconnected" in r.getMessage() for r in caplog.records):
        time.sleep(0.1)
    assert any("disconnected" in r.getMessage() for r in caplog.records)
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]
