"""The account's budget in a store shared by processes and machines (Redis, through the ``limits`` library).

Selected by the connection extra ``rate_limit_storage`` (``redis://host:6379/0``,
``rediss://``, ``redis+unix://``, ``redis+sentinel://``, ``redis+cluster://``): every
process using the same store and account shares one window of arrivals, the pause after a
429 and the lowest rate any of them was given. Only the hooks call it (the sync hook
directly, the async hook in a thread); the request core never does.

The window is a sorted set of requests scored by the latest time each can have arrived, on
the store's clock (so machines need not agree on the time); a script takes a slot, or says
how long to wait, in one round trip. ``limits``' own moving window cannot do this: its
entries all expire after the same whole number of seconds, counted from the send.
"""

from __future__ import annotations

import secrets
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


# KEYS[1]: the account's arrivals (member -> latest arrival, epoch s on the store's clock).
# ARGV: hold (s a new request counts ahead while in flight), member, the number of settled
# requests then (member, latest arrival) pairs, then (limit, seconds) pairs of every window.
# Returns {wait, now}: wait 0 when the member was added.
_TAKE = """
if redis.replicate_commands then redis.replicate_commands() end
local t = redis.call('time')
local now = tonumber(t[1]) + tonumber(t[2]) / 1e6
local hold, n = tonumber(ARGV[1]), tonumber(ARGV[3])
local i = 4
for _ = 1, n do
  if redis.call('zscore', KEYS[1], ARGV[i]) then redis.call('zadd', KEYS[1], ARGV[i + 1], ARGV[i]) end
  i = i + 2
end
local longest, wait = 1, 0
while ARGV[i] do
  local limit, seconds = tonumber(ARGV[i]), tonumber(ARGV[i + 1])
  if seconds > longest then longest = seconds end
  local since = '(' .. tostring(now - seconds)
  if redis.call('zcount', KEYS[1], since, '+inf') >= limit then
    local nth = redis.call('zrevrangebyscore', KEYS[1], '+inf', since, 'WITHSCORES', 'LIMIT', limit - 1, 1)
    wait = math.max(wait, tonumber(nth[2]) + seconds - now)
  end
  i = i + 2
end
redis.call('zremrangebyscore', KEYS[1], '-inf', now - longest - hold)
if wait > 0 then return {tostring(wait), tostring(now)} end
redis.call('zadd', KEYS[1], now + hold, ARGV[2])
redis.call('pexpire', KEYS[1], math.ceil((longest + 2 * hold) * 1000))
return {'0', tostring(now)}
"""

# KEYS[1]: the account's arrivals; ARGV[1]: a time on the store's clock. How many may have arrived after it.
_COUNT = """
return redis.call('zcount', KEYS[1], '(' .. ARGV[1], '+inf')
"""


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
        connection = self._storage.get_connection()
        self._sync = connection.register_script(_SYNC_STATE)
        self._take = connection.register_script(_TAKE)
        self._count = connection.register_script(_COUNT)

    def __repr__(self) -> str:  # the URI may carry the store's password
        return f"SharedStore({self.host!r})"

    def sync_state(self, paused_until: float, rate: float) -> tuple[float, float]:
        """Publish this process's pause end and rate; the account's (latest pause end, lowest rate)."""
        paused, lowest = self._call(self._sync, keys=[f"{self._key}/state"], args=[repr(paused_until), repr(rate)])
        return float(paused), float(lowest)

    def take(self, windows: tuple[tuple[int, float], ...], hold: float,
             settled: list[tuple[str, float]]) -> tuple[float, str | None, float]:
        """Record ``settled`` requests' latest arrivals, then take a slot in every window.

        Returns (0, member, now) with the slot taken (counted ``hold`` seconds ahead until
        settled), or (seconds to wait, None, now); ``now`` on the store's clock.
        """
        member = secrets.token_hex(8)
        args: list[Any] = [repr(hold), member, len(settled)]
        for done, latest in settled:
            args += [done, repr(latest)]
        for limit, seconds in windows:
            args += [limit, repr(seconds)]
        wait, now = self._call(self._take, keys=[f"{self._key}/arrivals"], args=args)
        wait = float(wait)
        return (wait, None, float(now)) if wait > 0 else (0.0, member, float(now))

    def count(self, since: float) -> int:
        """How many requests may have arrived after ``since`` (the store's clock)."""
        return int(self._call(self._count, keys=[f"{self._key}/arrivals"], args=[repr(since)]))

    def _call(self, fn: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except Exception as error:  # the store's own errors may quote its URL: name only the host
            raise ActiveCampaignError(
                f"The shared rate-limit store at {self.host} (extra 'rate_limit_storage') failed: "
                f"{type(error).__name__}; no request was sent to ActiveCampaign") from None
