"""One overall deadline per request and one retry budget per call, both from the connection's timeout.

The emulator's ``trickle`` fault drips a reply one byte at a time: every socket read is quick,
so httpx's own (per-read) timeouts never trip; only an overall deadline ends the request.
The bounds asserted are loose (a multiple of what the deadline allows, far below what the
trickled replies would take), so a loaded machine does not make them flaky.
"""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest

from airflow_provider_activecampaign.exceptions import ActiveCampaignConnectionError, ActiveCampaignRateLimitError
from airflow_provider_activecampaign.hooks.activecampaign import ActiveCampaignAsyncHook, ActiveCampaignHook
from airflow_provider_activecampaign.hooks.deadline import within

#: a reply of ~200 bytes at 0.25 s a byte takes ~50 s: far beyond any bound asserted here
DRIP = 0.25


class TestTrickledReplies:
    def test_a_get_gives_up_after_the_deadline_times_the_attempts(self, emulator):
        emulator.inject_fault(path="/api/3/users/me", trickle=DRIP, count=5)
        started = time.monotonic()
        with pytest.raises(ActiveCampaignConnectionError, match="deadline"):
            ActiveCampaignHook(timeout=1.0, retries=1, retry_backoff=0.01).request("GET", "users/me")
        assert time.monotonic() - started < 2 * 1.0 + 6  # 2 attempts of 1 s, plus slack for a loaded machine
        assert 1 <= len(emulator.requests) <= 2  # the call's deadline may be spent by the first attempt

    def test_a_post_is_not_repeated_and_may_have_been_processed(self, emulator):
        emulator.inject_fault(method="POST", path="/api/3/contacts", trickle=DRIP)
        started = time.monotonic()
        with pytest.raises(ActiveCampaignConnectionError, match="may have been processed"):
            ActiveCampaignHook(timeout=1.0, retry_backoff=0.01).request(
                "POST", "contacts", json={"contact": {"email": "drip@example.com"}})
        assert time.monotonic() - started < 1.0 + 6
        assert [r.method for r in emulator.requests] == ["POST"]
        assert [c["email"] for c in emulator.records("contacts")] == ["drip@example.com"]

    def test_the_async_hook_keeps_the_same_deadline(self, emulator):
        emulator.inject_fault(path="/api/3/users/me", trickle=DRIP, count=5)

        async def call() -> None:
            async with ActiveCampaignAsyncHook(timeout=1.0, retries=1, retry_backoff=0.01) as hook:
                await hook.request("GET", "users/me")

        started = time.monotonic()
        with pytest.raises(ActiveCampaignConnectionError, match="deadline"):
            asyncio.run(call())
        assert time.monotonic() - started < 2 * 1.0 + 6
        assert 1 <= len(emulator.requests) <= 2

    def test_a_reply_in_time_is_untouched(self, emulator):
        emulator.inject_fault(path="/api/3/users/me", trickle=0.001)
        assert ActiveCampaignHook(timeout=10).request("GET", "users/me")["user"]["id"] == "1"


class TestRetryBudget:
    def test_a_retry_after_beyond_the_budget_is_not_waited_for(self, emulator):
        """timeout 1 s x 3 attempts: a 429 asking for 30 s fails at once instead of waiting."""
        emulator.inject_fault(path="/api/3/users/me", status=429, retry_after=30)
        started = time.monotonic()
        with pytest.raises(ActiveCampaignRateLimitError):
            ActiveCampaignHook(timeout=1.0, retries=2).request("GET", "users/me")
        assert time.monotonic() - started < 10
        assert len(emulator.requests) == 1

    def test_a_retry_after_within_the_budget_is_waited_for(self, emulator):
        emulator.inject_fault(path="/api/3/users/me", status=429, retry_after=1)
        assert ActiveCampaignHook(timeout=2.0, retries=2).request("GET", "users/me")["user"]["id"] == "1"
        assert [r.status for r in emulator.requests] == [429, 200]


class TestCancellation:
    """A triggerer cancels triggers (a cleared task, a trigger moved to another triggerer): the
    cancel must end the request even when its reply arrives at the same moment. Python 3.11's
    ``asyncio.wait_for`` returns the reply then and drops the cancel, and the trigger polls on."""

    async def test_a_cancel_as_the_reply_arrives_is_not_lost(self):
        reply = asyncio.get_running_loop().create_future()
        request = asyncio.create_task(within(30.0, reply))
        await asyncio.sleep(0)  # the request is waiting for its reply
        reply.set_result("the reply")
        request.cancel()
        with pytest.raises(asyncio.CancelledError):
            await request

    async def test_a_request_past_its_deadline_ends_with_the_deadline_error(self):
        with pytest.raises(httpx.ReadTimeout, match=r"deadline of 0\.05 s"):
            await within(0.05, asyncio.sleep(5))

    async def test_a_request_within_its_deadline_returns_its_reply(self):
        assert await within(1.0, asyncio.sleep(0, result="the reply")) == "the reply"
