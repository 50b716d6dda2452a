"""RequestCore.exchange() driven directly, step by step, with no hook and no network: the sans-IO
send/retry loop yields a permit, the call, a wait; it is sent back outcomes and returns or raises."""

from __future__ import annotations

import httpx
import pytest

from airflow_provider_activecampaign.client import Call, ConnectionSettings, Permit, RequestCore
from airflow_provider_activecampaign.exceptions import ActiveCampaignConnectionError, ActiveCampaignValidationError


def core(retries: int = 2) -> RequestCore:
    return RequestCore(ConnectionSettings(base_url="https://acme.api-us1.com", api_key="k", requests_per_second=0,
                                          retries=retries), backoff=0.01)


def reply(call: Call, status: int, body: dict, headers: dict | None = None) -> httpx.Response:
    return httpx.Response(status, json=body, headers=headers, request=httpx.Request(call.method, call.url))


def finish(steps, outcome):
    with pytest.raises(StopIteration) as done:
        steps.send(outcome)
    return done.value.value


def test_a_get_retried_after_a_503_returns_the_second_reply() -> None:
    c = core()
    steps = c.exchange(c.v3("GET", "deals/7"))
    assert isinstance(next(steps), Permit)
    call = steps.send(0.0)
    assert isinstance(call, Call) and call.method == "GET" and call.url.endswith("/api/3/deals/7")
    wait = steps.send(reply(call, 503, {"message": "busy"}))
    assert isinstance(wait, float) and 0 < wait <= 0.01
    assert isinstance(steps.send(None), Permit)
    again = steps.send(0.0)
    assert finish(steps, reply(again, 200, {"deal": {"id": "7"}})) == {"deal": {"id": "7"}}


def test_a_429_waits_its_retry_after_even_for_a_post() -> None:
    c = core()
    steps = c.exchange(c.v3("POST", "deals", json={"deal": {}}))
    next(steps)
    call = steps.send(0.0)
    assert steps.send(reply(call, 429, {"message": "slow down"}, {"Retry-After": "0.02"})) == pytest.approx(0.02)


def test_a_post_is_not_sent_again_after_a_dropped_connection() -> None:
    c = core()
    steps = c.exchange(c.v3("POST", "deals", json={"deal": {}}))
    next(steps)
    call = steps.send(0.0)
    with pytest.raises(ActiveCampaignConnectionError) as caught:
        steps.send(httpx.ReadError("dropped", request=httpx.Request(call.method, call.url)))
    assert caught.value.method == "POST"


def test_a_422_is_raised_at_once_in_the_apis_words() -> None:
    c = core()
    steps = c.exchange(c.v3("PUT", "deals/7", json={"deal": {"value": -1}}))
    next(steps)
    call = steps.send(0.0)
    with pytest.raises(ActiveCampaignValidationError, match="Value must be positive"):
        steps.send(reply(call, 422, {"errors": [{"title": "Value must be positive"}]}))


def test_the_call_sent_is_the_prepared_call_with_the_attempts_timeout() -> None:
    c = RequestCore(ConnectionSettings(base_url="https://acme.api-us1.com", api_key="k", requests_per_second=0,
                                       timeout=7, conn_id="ac"))
    prepared = c.v3("PUT", "deals/7", params={"a": [1, 2]}, json={"deal": {"title": "t"}},
                    headers={"X-Trace": "1"}, expect="deal")
    steps = c.exchange(prepared)
    next(steps)
    sent = steps.send(0.0)
    assert sent is not prepared and prepared.timeout is None  # the prepared call is left as it was
    assert 0 < sent.timeout <= 7
    assert (sent.method, sent.url, sent.path, sent.params, sent.json, sent.data, sent.headers, sent.legacy,
            sent.expect) == (prepared.method, prepared.url, prepared.path, prepared.params, prepared.json,
                             prepared.data, prepared.headers, prepared.legacy, prepared.expect)
    assert repr(sent) == "Call(PUT /api/3/deals/7)"


def test_errors_name_the_host_and_connection_each_time() -> None:
    c = RequestCore(ConnectionSettings(base_url="https://acme.api-us1.com", api_key="k", requests_per_second=0,
                                       retries=0, conn_id="ac_conn"))
    for status in (404, 503):
        steps = c.exchange(c.v3("GET", "deals/7"))
        next(steps)
        call = steps.send(0.0)
        with pytest.raises(Exception) as caught:
            steps.send(reply(call, status, {"message": "no"}))
        assert "acme.api-us1.com (connection 'ac_conn')" in str(caught.value)
