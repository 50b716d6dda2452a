"""The account's budget in a store shared by processes and machines (Redis, through the ``limits`` library).

Selected by the connection extra ``rate_limit_storage`` (``redis://host:6379/0``,
``rediss://``, ``redis+unix://``, ``redis+sentinel://``, ``redis+cluster://``): every
process using the same store and account shares one moving window of send times, the pause
after a 429 and the lowest rate any of them was given. Only the hooks call it (the sync hook
directly, the async hook in a thread); the request core never does.
"""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import urlsplit

from limits.errors import ConfigurationError
from limits.storage import storage_from_string

from airflow_provider_activecampaign.client.redaction import protect_key
from airflow_provider_activecampaign.exceptions import ActiveCampaignConfigError, ActiveCampaignError

SCHEMES = ("redis", "rediss", "redis+unix", "redis+sentinel", "redis+cluster")
#: how long a call to the store may take before the request fails (the store is down)
STORE_TIMEOUT = 5.0

# KEYS[1]: the account's state hash; ARGV: this process's pause end (epoch s) and rate (0 = none).
# Keeps the latest pause end and the lowest rate; returns both.
_SYNC_STATE = """
local paused = tonumber(redis.call('hget', KEYS[1], 'paused_until') or '0')
local rate = tonumber(redis.call('hget', KEYS[1], 'rate') or '0')
local my_pause, my_rate = tonumber(ARGV[1]), tonumber(ARGV[2])
if my_pause > paused then paused = my_pause; redis.call('hset', KEYS[1], 'paused_until', ARGV[1]) end
if my_rate > 0 and (rate == 0 or my_rate < rate) then rate = my_rate; redis.call('hset', KEYS[1], 'rate', ARGV[2]) end
redis.call('expire', KEYS[1], 86400)
return {tostring(paused), tostring(rate)}
"""


def check_storage_uri(uri: str, where: str) -> str:
    """The store's URI, checked: a Redis URL (never quoted back: it may hold a password)."""
    scheme = urlsplit(uri.strip()).scheme.lower()
    if scheme not in SCHEMES:
        raise ActiveCampaignConfigError(
            f"{where}: extra 'rate_limit_storage' must be a Redis URL "
            f"({', '.join(s + '://' for s in SCHEMES)}), got a {scheme or 'schemeless'!s} URL")
    return uri.strip()


class SharedStore:
    """One account's moving window, pause and rate in a Redis store shared by every process using it."""

    def __init__(self, uri: str, account: str) -> None:
        self.uri = uri
        self.account = account
        self.host = urlsplit(uri).hostname or "the store"
        try:
            self._storage: Any = storage_from_string(uri, socket_timeout=STORE_TIMEOUT,
                                                     socket_connect_timeout=STORE_TIMEOUT)
        except ConfigurationError:  # the redis client is not installed
            raise ActiveCampaignConfigError(
                "extra 'rate_limit_storage' needs the redis client: "
                "pip install 'airflow-provider-activecampaign[redis]'") from None
        password = urlsplit(uri).password
        if password:
            protect_key(password)
        self._key = f"activecampaign/{account}"
        self._sync = self._storage.get_connection().register_script(_SYNC_STATE)

    def __repr__(self) -> str:  # the URI may carry the store's password
        return f"SharedStore({self.host!r})"

    def sync_state(self, paused_until: float, rate: float) -> tuple[float, float]:
        """Publish this process's pause end and rate; the account's (latest pause end, lowest rate)."""
        paused, lowest = self._call(self._sync, keys=[f"{self._key}/state"], args=[repr(paused_until), repr(rate)])
        return float(paused), float(lowest)

    def take(self, limit: int, seconds: int) -> float | None:
        """Take a slot now (None), or the seconds until the window has one."""
        key = f"{self._key}/{seconds}s"
        if self._call(self._storage.acquire_entry, key, limit, seconds):
            return None
        oldest, _ = self._call(self._storage.get_moving_window, key, limit, seconds)
        return oldest + seconds - time.time()

    def count(self, limit: int, seconds: int) -> int:
        """How many slots of the window are taken."""
        return int(self._call(self._storage.get_moving_window, f"{self._key}/{seconds}s", limit, seconds)[1])

    def _call(self, fn: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except Exception as error:  # the store's own errors may quote its URL: name only the host
            raise ActiveCampaignError(
                f"The shared rate-limit store at {self.host} (extra 'rate_limit_storage') failed: "
                f"{type(error).__name__}; no request was sent to ActiveCampaign") from None
