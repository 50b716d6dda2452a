"""Fixtures of the emulator tests: a v3 client, a shared demo-seeded emulator, a webhook receiver."""

from __future__ import annotations

import http.server
import threading
import urllib.parse
from collections.abc import Iterator

import httpx
import pytest

from airflow_provider_activecampaign.testing import ActiveCampaignEmulator
from tests.emulator.helpers import v3_client


@pytest.fixture
def api(activecampaign_emulator: ActiveCampaignEmulator) -> Iterator[httpx.Client]:
    """A v3 client on a fresh emulator with the minimal seed."""
    with v3_client(activecampaign_emulator) as client:
        yield client


@pytest.fixture(scope="module")
def demo() -> Iterator[ActiveCampaignEmulator]:
    """A read-only emulator with the demo seed, shared by the filter tests of this module."""
    with ActiveCampaignEmulator(seed="demo") as emulator:
        yield emulator


@pytest.fixture(scope="module")
def demo_api(demo: ActiveCampaignEmulator) -> Iterator[httpx.Client]:
    with v3_client(demo) as client:
        yield client


@pytest.fixture
def receiver() -> Iterator[tuple[str, list[dict]]]:
    """A small local HTTP server that records form posts: (url, received)."""
    received: list[dict] = []

    class Receiver(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"])).decode()
            received.append({"content_type": self.headers["Content-Type"], "form": urllib.parse.parse_qs(body)})
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hook", received
    server.shutdown()
    server.server_close()
    thread.join()
