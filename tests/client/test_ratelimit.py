"""The account's budget in one process: keyed by account, a rolling window of send times, the API's pauses."""

from __future__ import annotations

import asyncio
import json
import time

import httpx
import pytest

from airflow_provider_activecampaign.client import ratelimit
from airflow_provider_activecampaign.client.ratelimit import (
    JITTER_FLOOR,
    MAX_MARGIN,
    WARM_UP,
    Permit,
    RateLimiter,
    limiter_for,
    window_of,
    windows_of,
)
from airflow_provider_activecampaign.exceptions import ActiveCampaignRateLimitError
from airflow_provider_activecampaign.hooks.activecampaign import ActiveCampaignAsyncHook, ActiveCampaignHook
from tests.conftest import CANARY_KEY, emulator_connection


def _use(monkeypatch, conn_id: str, connection: str) -> None:
    monkeypatch.setenv(f"AIRFLOW_CONN_{conn_id.upper()}", connection)


def _statuses(emulator) -> list[int]:
    return [r.status for r in emulator.requests]


class _Clock:
    """A clock that moves only when told (the limiter's ``time`` module in a test)."""

    def __init__(self) -> None:
        self.now = 1000.0

    def monotonic(self) -> float:
        return self.now

    def time(self) -> float:
        return 1_800_000_000.0 + self.now


class TestTheBudget:
    def test_one_limiter_per_account_at_the_lowest_rate_asked_for(self):
        fast = limiter_for("https://one.api-us1.com", 5)
        assert limiter_for("https://one.api-us1.com", 2) is fast
        assert limiter_for("https://one.api-us1.com", 10) is fast
        assert limiter_for("https://one.api-us1.com", 0) is fast  # an unpaced connection does not lift it
        assert fast.rate == 2
        assert limiter_for("https://two.api-us1.com", 5) is not fast

    def test_a_rolling_window_lets_the_whole_budget_through_then_waits_for_the_oldest_arrival(self):
        """Requests still in flight count as arriving up to MAX_MARGIN after they left."""
        limiter = RateLimiter("https://window.example", 5)
        assert [limiter.try_acquire() for _ in range(5)] == [0.0] * 5
        wait = limiter.try_acquire()
        assert 1.0 < wait <= 1.0 + MAX_MARGIN
        time.sleep(wait)
        assert limiter.try_acquire() == 0.0

    def test_a_settled_request_counts_from_its_latest_possible_arrival(self):
        """A reply read 20 ms after the slot: the request arrived at most 20 ms after it, not MAX_MARGIN."""
        limiter = RateLimiter("https://settled.example", 5)
        slots = []
        for _ in range(5):
            slots.append(limiter.take())
        time.sleep(0.02)
        for slot in slots:
            limiter.settle(slot, "GET /api/3/users/#")
        wait = limiter.try_acquire()
        assert 0.95 < wait <= 1.0 + 0.02 + 0.01

    def test_the_margin_is_measured_against_the_fastest_reply_of_its_kind(self):
        limiter = RateLimiter("https://margin.example", 1000)
        margins = limiter._margins
        for round_trip in [0.05] * WARM_UP:
            assert margins.of("GET /x", round_trip) == 0.05  # warming up: the whole round trip
        assert margins.of("GET /x", 0.01) == pytest.approx(JITTER_FLOOR)  # the fastest so far: the floor only
        assert margins.of("GET /x", 0.04) == pytest.approx(0.03 + JITTER_FLOOR)  # 30 ms slower than the fastest
        assert margins.of("GET /x", 5.0) == MAX_MARGIN
        limiter.observe(429, {"Retry-After": "0"})
        assert margins.of("GET /x", 0.04) > 0.03 + JITTER_FLOOR  # a 429 the margins did not foresee widens them

    @pytest.mark.parametrize(("rate", "window"), [(5, (5, 1)), (2.5, (5, 2)), (0.2, (1, 5)), (1000, (1000, 1))])
    def test_fractional_rates_become_whole_windows(self, rate, window):
        assert window_of(rate) == window

    @pytest.mark.parametrize(("rate", "windows"), [(5, ((5, 1.0),)), (4.5, ((5, 1.0), (9, 2.0))),
                                                   (4.9, ((5, 1.0), (49, 10.0))), (0.5, ((1, 1.0), (1, 2.0)))])
    def test_a_fractional_rate_keeps_its_ceiling_in_any_second(self, rate, windows):
        assert windows_of(rate) == windows

    def test_four_and_a_half_a_second_never_bursts_nine(self):
        limiter = RateLimiter("https://fraction.example", 4.5)
        assert [limiter.try_acquire() == 0.0 for _ in range(9)] == [True] * 5 + [False] * 4

    def test_an_unpaced_connection_takes_no_slot_but_waits_out_a_pause(self):
        limiter = RateLimiter("https://unpaced.example", 0)
        assert all(Permit(limiter, paced=False).acquire().waited < 0.05 for _ in range(50))
        limiter.pause(0.3)
        assert Permit(limiter, paced=False).acquire().waited >= 0.25

    def test_no_requests_left_after_our_own_five_does_not_pause(self, monkeypatch):
        """Our own 5 requests in the server's second, one of them slow: no one else's, so no pause.

        The slow reply's latest arrival is 1.04 s after the first four were read; counted from
        there, the four look older than a second. The server may have counted them (the slow
        one may have arrived 0.97 s after them), so ``Remaining: 0`` is ours (before: a 1 s
        pause of the whole account, a stall every few seconds when listing at the limit).
        """
        clock = _Clock()
        monkeypatch.setattr(ratelimit, "time", clock)  # the limiter's clock only: exact on a loaded machine
        limiter = RateLimiter("https://own-five.example", 5)
        kind = "GET /api/3/contacts"
        for _ in range(4):
            limiter.settle(limiter.take(), kind)  # read at once: arrived at once
        clock.now += 0.97
        slow = limiter.take()
        assert not isinstance(slow, float)
        clock.now += 0.07
        limiter.observe(200, {"RateLimit-Limit": "5", "RateLimit-Remaining": "0"}, slow, kind)
        assert not isinstance(limiter.take(), float), "paused as if someone else had used the budget"

    def test_a_slow_shared_store_reply_counts_in_the_round_trip(self):
        """The store stamps the slot, then its reply takes 50 ms: the request may arrive 50 ms after the stamp."""

        class SlowStore:
            uri = "redis://slow"

            def sync_state(self, paused_until: float, rate: float) -> tuple[float, float]:
                return paused_until, rate

            def take(self, windows, hold, settled):
                stamped = time.monotonic()
                time.sleep(0.05)
                return 0.0, "1", stamped

        limiter = RateLimiter("https://slow-store.example", 5)
        limiter._shared = SlowStore()  # type: ignore[assignment]
        slot = limiter.take()
        assert not isinstance(slot, float)
        sent = time.monotonic()  # sent now, arrived at once, answered at once
        assert limiter.settle(slot, "GET /api/3/users/me") >= sent


class TestOverHttp:
    def test_a_sequential_loop_uses_the_whole_budget_without_429(self, emulator, monkeypatch):
        emulator.rate_limit = 5
        _use(monkeypatch, "activecampaign_default", emulator_connection(emulator, requests_per_second=5, retries=0))
        with ActiveCampaignHook() as hook:
            hook.request("GET", "users/me")  # the pooled connection opened first
            time.sleep(1.1)
            emulator.clear_requests()
            started = time.monotonic()
            for _ in range(11):
                hook.request("GET", "users/me")
            elapsed = time.monotonic() - started
        assert set(_statuses(emulator)) == {200}
        assert 2.0 <= elapsed < 2.6  # 5 at once, 5 a second later, the 11th two seconds after the 1st

    async def test_a_stalled_event_loop_does_not_release_a_burst(self, emulator, monkeypatch):
        """Slots are taken when a request goes out: coroutines woken together after a stall still queue."""
        emulator.rate_limit = 5
        _use(monkeypatch, "activecampaign_default", emulator_connection(emulator, requests_per_second=5, retries=0))

        async def stall() -> None:
            await asyncio.sleep(0.3)
            time.sleep(1.5)  # the loop blocked, as a busy triggerer's can be

        async with ActiveCampaignAsyncHook() as hook:
            await hook.get_client()
            results = await asyncio.gather(stall(), *(hook.request("GET", "users/me") for _ in range(15)))
        assert len(results) == 16
        assert set(_statuses(emulator)) == {200}

    def test_two_connections_to_one_account_share_the_lower_rate(self, emulator, monkeypatch):
        _use(monkeypatch, "ac_fast", emulator_connection(emulator, requests_per_second=5))
        _use(monkeypatch, "ac_slow", emulator_connection(emulator, requests_per_second=2))
        fast, slow = ActiveCampaignHook("ac_fast"), ActiveCampaignHook("ac_slow")
        fast.client, slow.client  # noqa: B018 -- connections read and clients made first
        fast.request("GET", "users/me")
        slow.request("GET", "users/me")
        started = time.monotonic()
        for _ in range(2):
            fast.request("GET", "users/me")
            slow.request("GET", "users/me")
        assert time.monotonic() - started >= 1.9  # 6 requests at 2 a second, not 5 + 2
        assert fast.core.limiter is slow.core.limiter

    def test_a_429_pauses_every_hook_of_the_account(self, emulator, monkeypatch):
        _use(monkeypatch, "ac_a", emulator_connection(emulator, requests_per_second=5, retries=0))
        _use(monkeypatch, "ac_b", emulator_connection(emulator, requests_per_second=5))
        emulator.inject_fault(status=429, retry_after=1, path="users/me")
        with pytest.raises(ActiveCampaignRateLimitError):
            ActiveCampaignHook("ac_a").request("GET", "users/me")
        started = time.monotonic()
        ActiveCampaignHook("ac_b").request("GET", "users/me")
        assert time.monotonic() - started >= 0.9

    def test_no_requests_left_for_someone_else_pauses_the_account(self, emulator, monkeypatch):
        """RateLimit-Remaining: 0 when this process used 1 of 5: wait for RateLimit-Reset, avoid the 429."""
        emulator.rate_limit = 5
        _use(monkeypatch, "activecampaign_default", emulator_connection(emulator, requests_per_second=5))
        with httpx.Client(base_url=emulator.url, headers={"Api-Token": CANARY_KEY}) as other_integration:
            for _ in range(4):
                assert other_integration.get("/api/3/users/me").status_code == 200
        with ActiveCampaignHook() as hook:
            hook.request("GET", "users/me")  # the 5th of the account's second: Remaining 0
            started = time.monotonic()
            hook.request("GET", "users/me")
            assert time.monotonic() - started >= 0.5
        assert set(_statuses(emulator)) == {200}

    def test_a_lower_rate_limit_header_lowers_the_budget(self, emulator, monkeypatch):
        emulator.rate_limit = 3
        _use(monkeypatch, "activecampaign_default", emulator_connection(emulator, requests_per_second=10))
        with ActiveCampaignHook() as hook:
            for _ in range(8):
                hook.request("GET", "users/me")
            assert hook.core.limiter.rate == 3
        assert _statuses(emulator).count(429) <= 1  # at most the burst before the first reply was read

    def test_the_connection_extra_names_a_redis_store_and_nothing_else(self, emulator, monkeypatch):
        from airflow_provider_activecampaign.exceptions import ActiveCampaignConfigError

        conn = json.loads(emulator_connection(emulator))
        conn["extra"]["rate_limit_storage"] = "memcached://user:pw-s3cret@cache:11211"
        _use(monkeypatch, "activecampaign_default", json.dumps(conn))
        with pytest.raises(ActiveCampaignConfigError, match="rate_limit_storage") as failure:
            ActiveCampaignHook().request("GET", "users/me")
        assert "pw-s3cret" not in str(failure.value)
        assert emulator.requests == []
