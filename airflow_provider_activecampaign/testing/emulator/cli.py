"""The command line: serve an emulator on this machine until SIGINT/SIGTERM."""

from __future__ import annotations

import argparse
import signal
import threading

from airflow_provider_activecampaign.testing.emulator.filters import FILTER_READINGS
from airflow_provider_activecampaign.testing.emulator.server import ActiveCampaignEmulator


def main(argv: list[str] | None = None) -> int:
    """Serve until SIGINT/SIGTERM, after printing ``ActiveCampaign emulator serving on URL``."""
    parser = argparse.ArgumentParser(description="Serve an ActiveCampaign API emulator on this machine.")
    parser.add_argument("--port", type=int, default=8765, help="port to listen on (0 picks a free one)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--api-key", default="emulator-api-key", help="the key clients must send")
    parser.add_argument("--rate-limit", type=float, default=None, help="requests per second (default: off)")
    parser.add_argument("--latency", type=_span, default=None, metavar="LOW,HIGH",
                        help="random delay before each request arrives, in seconds (e.g. 0,0.03)")
    parser.add_argument("--seed", choices=["demo"], default=None, help="add demo data to the minimal account")
    parser.add_argument("--date-filters", choices=FILTER_READINGS, default="offset",
                        help="how date filters read the value sent: the instant (offset), its clock time as UTC "
                             "(utc) or in the account's zone (account), or its date only (date)")
    args = parser.parse_args(argv)
    emulator = ActiveCampaignEmulator(args.api_key, host=args.host, port=args.port, rate_limit=args.rate_limit,
                                      seed=args.seed, date_filters=args.date_filters, latency=args.latency)
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    with emulator:
        print(f"ActiveCampaign emulator serving on {emulator.url}", flush=True)
        while not stop.wait(0.2):
            pass
    return 0


def _span(text: str) -> tuple[float, float]:
    low, _, high = text.partition(",")
    try:
        return float(low), float(high or low)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected LOW,HIGH seconds, got {text!r}") from None
