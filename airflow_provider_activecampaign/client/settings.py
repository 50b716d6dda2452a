"""Connection settings: the account's API URL, the key and the client's limits, read from an Airflow connection."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from airflow_provider_activecampaign.exceptions import ActiveCampaignConfigError

DEFAULT_CONN_ID = "activecampaign_default"
DEFAULT_REQUESTS_PER_SECOND = 5.0
DEFAULT_TIMEOUT = 30.0
DEFAULT_RETRIES = 5



@dataclass(frozen=True)
class ConnectionSettings:
    """What the hooks read from an Airflow connection of type ``activecampaign``."""

    base_url: str
    api_key: str = field(repr=False)
    requests_per_second: float = DEFAULT_REQUESTS_PER_SECOND
    timeout: float = DEFAULT_TIMEOUT
    retries: int = DEFAULT_RETRIES

    @classmethod
    def from_connection(cls, conn: Any, extra: Mapping[str, Any] | None = None, **overrides: Any) -> ConnectionSettings:
        """Build settings from a connection; extras are read by name from an allowlist."""
        extra = conn.extra_dejson if extra is None else extra
        if not conn.password:
            raise ActiveCampaignConfigError(
                f"Connection {conn.conn_id!r} has no API key: put it in the connection's password field"
            )
        values: dict[str, Any] = {
            "requests_per_second": _number(extra, "requests_per_second", DEFAULT_REQUESTS_PER_SECOND),
            "timeout": _number(extra, "timeout", DEFAULT_TIMEOUT),
            "retries": int(_number(extra, "retries", DEFAULT_RETRIES)),
        }
        values.update({k: v for k, v in overrides.items() if v is not None})
        if values["timeout"] <= 0:
            raise ActiveCampaignConfigError("Connection extra 'timeout' must be a positive number of seconds")
        if values["retries"] < 0:
            raise ActiveCampaignConfigError("Connection extra 'retries' must be 0 or more")
        base_url = account_url(conn.host, schema=conn.schema, port=conn.port, allow_http=_flag(extra, "allow_http"))
        return cls(base_url=base_url, api_key=conn.password, **values)


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

