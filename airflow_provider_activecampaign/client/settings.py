"""Connection settings: the account's API URL, the key and the client's limits, read from an Airflow connection."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from airflow_provider_activecampaign.client.sharedstore import check_storage_uri
from airflow_provider_activecampaign.exceptions import ActiveCampaignConfigError

DEFAULT_CONN_ID = "activecampaign_default"
DEFAULT_REQUESTS_PER_SECOND = 5.0
DEFAULT_TIMEOUT = 30.0
DEFAULT_RETRIES = 5
#: The zone the legacy API reads date/times without an offset in, unless the connection's extra ``timezone`` says.
DEFAULT_ACCOUNT_TIMEZONE = "America/Chicago"



@dataclass(frozen=True)
class ConnectionSettings:
    """What the hooks read from an Airflow connection of type ``activecampaign``."""

    base_url: str
    api_key: str = field(repr=False)
    requests_per_second: float = DEFAULT_REQUESTS_PER_SECOND
    timeout: float = DEFAULT_TIMEOUT
    retries: int = DEFAULT_RETRIES
    #: the Airflow connection these settings came from (named in every error)
    conn_id: str | None = None
    #: the bare account name the connection gave, when ``base_url`` was expanded from it
    expanded_from: str | None = None
    #: the account's time zone (Settings > Account), in which the legacy API reads date/times
    timezone: str = DEFAULT_ACCOUNT_TIMEZONE
    #: a Redis URL: share the account's rate budget with every process using that store
    rate_limit_storage: str | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "api_key", clean_api_key(self.api_key, self.conn_id))
        if self.requests_per_second < 0:
            raise ActiveCampaignConfigError(
                f"{self.label}: extra 'requests_per_second' must be 0 (no client-side limit) or more, "
                f"got {self.requests_per_second:g}"
            )
        if self.timeout <= 0:
            raise ActiveCampaignConfigError(f"{self.label}: extra 'timeout' must be a positive number of seconds")
        if self.retries < 0:
            raise ActiveCampaignConfigError(f"{self.label}: extra 'retries' must be 0 or more")
        if not _is_zone(self.timezone):
            raise ActiveCampaignConfigError(
                f"{self.label}: extra 'timezone' must be an IANA time zone such as 'America/Chicago' "
                f"(the account's zone, Settings > Account), got {self.timezone!r}")
        if self.rate_limit_storage is not None:
            object.__setattr__(self, "rate_limit_storage", check_storage_uri(self.rate_limit_storage, self.label))

    @property
    def label(self) -> str:
        """How errors name the connection: ``connection 'id'``."""
        return f"connection {self.conn_id!r}" if self.conn_id else "the ActiveCampaign connection"

    @property
    def target(self) -> str:
        """The host actually tried and the connection it came from, for error messages."""
        host = urlsplit(self.base_url).netloc
        expanded = f", expanded from the account name {self.expanded_from!r}" if self.expanded_from else ""
        return f"{host} ({self.label}{expanded})"

    @classmethod
    def from_connection(cls, conn: Any, extra: Mapping[str, Any] | None = None, **overrides: Any) -> ConnectionSettings:
        """Build settings from a connection; extras are read by name from an allowlist."""
        extra = conn.extra_dejson if extra is None else extra
        conn_id = getattr(conn, "conn_id", None)
        if not (conn.password or "").strip():
            raise ActiveCampaignConfigError(
                f"Connection {conn_id!r} has no API key: put it in the connection's password field"
            )
        values: dict[str, Any] = {
            "requests_per_second": _number(extra, "requests_per_second", DEFAULT_REQUESTS_PER_SECOND),
            "timeout": _number(extra, "timeout", DEFAULT_TIMEOUT),
            "retries": int(_number(extra, "retries", DEFAULT_RETRIES)),
            "timezone": str(extra.get("timezone") or DEFAULT_ACCOUNT_TIMEZONE).strip(),
            "rate_limit_storage": str(extra.get("rate_limit_storage") or "").strip() or None,
        }
        values.update({k: v for k, v in overrides.items() if v is not None})
        base_url = account_url(conn.host, schema=conn.schema, port=conn.port, allow_http=_flag(extra, "allow_http"))
        host = (conn.host or "").strip()
        expanded = host if "://" not in host and "." not in host and ":" not in host and host != "localhost" else None
        return cls(base_url=base_url, api_key=conn.password, conn_id=conn_id, expanded_from=expanded, **values)


def clean_api_key(raw: Any, conn_id: str | None = None) -> str:
    """The key as it must be sent: surrounding whitespace (a pasted newline) stripped, then checked.

    A blank key, whitespace or control characters inside it, or non-ASCII characters are
    refused with an error that never shows the key itself (an HTTP header cannot carry them,
    and httpx's own error would quote it).
    """
    where = f"Connection {conn_id!r}" if conn_id else "The ActiveCampaign connection"
    key = raw.strip() if isinstance(raw, str) else ""
    if not key:
        raise ActiveCampaignConfigError(f"{where} has no API key: put it in the connection's password field")
    if not key.isascii() or not key.isprintable() or any(c.isspace() for c in key):
        raise ActiveCampaignConfigError(
            f"{where}: the API key contains spaces, control or non-ASCII characters; "
            "copy it again from Settings > Developer"
        )
    return key


def _is_zone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ValueError, KeyError, OSError):  # unknown (ZoneInfoNotFoundError), malformed, unreadable
        return False
    return True


def _number(extra: Mapping[str, Any], name: str, default: float) -> float:
    value = extra.get(name)
    if value in (None, ""):
        return default
    try:
        return float(value)
    except (TypeError, ValueError):
        raise ActiveCampaignConfigError(f"Connection extra {name!r} must be a number, got {value!r}") from None


def _flag(extra: Mapping[str, Any], name: str) -> bool:
    value = extra.get(name, False)
    return value is True or str(value).strip().lower() in {"true", "1", "yes", "on"}


def account_url(
    host: str | None, *, schema: str | None = None, port: int | None = None, allow_http: bool = False
) -> str:
    """Normalise the connection's host to the account's API URL (``https://ACCOUNT.api-us1.com``).

    A bare account name is expanded; a pasted ``/api/3`` suffix is dropped; ``http://`` is
    refused unless the connection allows it (a local emulator).
    """
    host = (host or "").strip().rstrip("/")
    if not host:
        raise ActiveCampaignConfigError(
            "The connection has no host: set it to the account's API URL from Settings > Developer "
            "(https://ACCOUNT.api-us1.com)"
        )
    if "://" not in host:
        if "." not in host and ":" not in host and host != "localhost":
            host = f"{host}.api-us1.com"
        scheme = schema if schema in ("http", "https") else "https"
        host = f"{scheme}://{host}"
    parts = urlsplit(host)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ActiveCampaignConfigError(f"The connection's host is not an API URL: {host!r}")
    if parts.scheme == "http" and not allow_http:
        raise ActiveCampaignConfigError(
            "Refusing plain http:// for the ActiveCampaign API (the key would travel in clear text). "
            "Use the https:// URL from Settings > Developer, or set the extra allow_http=true for a local emulator."
        )
    netloc = parts.netloc
    if port and not parts.port:
        netloc = f"{netloc}:{port}"
    path = parts.path.rstrip("/")
    for suffix in ("/api/3", "/admin/api.php"):
        if path.endswith(suffix):
            path = path[: -len(suffix)]
    return f"{parts.scheme}://{netloc}{path}"

