"""``activecampaign://`` URIs: one name for an account's resource, as an Airflow asset and as a lineage dataset.

``activecampaign://ACCOUNT/RESOURCE`` names a resource of an account (``activecampaign://acme/deals``);
deeper paths name a part of one (``activecampaign://acme/webhooks/deal_add``). ACCOUNT is a label of
letters, digits and inner hyphens (lower-cased); for a connection it is the account's own name, the first
part of its API host (``acme`` for ``https://acme.api-us1.com``). Registered under ``asset-uris`` in the
provider info, so Airflow normalizes such asset URIs with :func:`sanitize_uri` and OpenLineage turns such
assets into the same dataset an operator reports (namespace ``activecampaign://ACCOUNT``, name ``RESOURCE``).

Standard library only at import time: Airflow calls the normalizer while it loads DAG files.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, NamedTuple
from urllib.parse import SplitResult, urlsplit

if TYPE_CHECKING:
    from airflow.sdk import Asset

SCHEME = "activecampaign"
_ACCOUNT_RE = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")
_SEGMENT_RE = re.compile(r"[A-Za-z0-9_.-]+")
#: API hosts whose first label is the account's name (``acme.api-us1.com``, ``acme.activehosted.com``).
_ACCOUNT_HOST_RE = re.compile(r"([a-z0-9-]+)\.(?:api-[a-z0-9]+\.com|activehosted\.com)")


class ResourceRef(NamedTuple):
    """What an ``activecampaign://`` URI names."""

    account: str
    #: the path without its leading slash: ``deals``, ``webhooks/deal_add``
    path: str

    @property
    def uri(self) -> str:
        return f"{SCHEME}://{self.account}/{self.path}"

    @property
    def namespace(self) -> str:
        """The OpenLineage dataset namespace: ``activecampaign://ACCOUNT``."""
        return f"{SCHEME}://{self.account}"


def normalize_account(account: str) -> str:
    """Lower-case an account label and check it: letters, digits and inner hyphens, at most 63."""
    normalized = account.strip().lower() if isinstance(account, str) else ""
    if not _ACCOUNT_RE.fullmatch(normalized):
        raise ValueError(f"ActiveCampaign account label must be 1-63 letters, digits or inner hyphens, got {account!r}")
    return normalized


def account_from_url(base_url: str) -> str:
    """The account label of a connection's API URL.

    ``https://acme.api-us1.com`` and ``acme.activehosted.com`` give ``acme``; any other host (an
    emulator on ``http://127.0.0.1:8123``) gives the host and port with every other character as a
    hyphen (``127-0-0-1-8123``).
    """
    parts = urlsplit(base_url if "://" in base_url else f"https://{base_url}")
    host = (parts.hostname or "").lower()
    known = _ACCOUNT_HOST_RE.fullmatch(host)
    if known:
        return normalize_account(known.group(1))
    label = re.sub(r"[^a-z0-9]+", "-", parts.netloc.lower().rpartition("@")[2]).strip("-")[:63].strip("-")
    return normalize_account(label)


def _check_path(path: str, uri: str) -> str:
    path = path.strip("/")
    if not path or not all(_SEGMENT_RE.fullmatch(segment) for segment in path.split("/")):
        raise ValueError(
            f"{uri!r}: an ActiveCampaign URI names a resource, as in activecampaign://ACCOUNT/deals "
            "(path segments of letters, digits, '_', '.' and '-')"
        )
    return path


def resource_uri(account: str, resource: str) -> str:
    """``activecampaign://ACCOUNT/RESOURCE``, checked and normalized (``resource`` may hold ``/``)."""
    ref = ResourceRef(normalize_account(account), "")
    return ref._replace(path=_check_path(resource, f"{ref.namespace}/{resource}")).uri


def parse_uri(uri: str) -> ResourceRef:
    """Read ``activecampaign://ACCOUNT/PATH`` (normalized); a ValueError says what is wrong."""
    parts = urlsplit(uri)
    if parts.scheme.lower() != SCHEME:
        raise ValueError(f"{uri!r} is not an activecampaign:// URI")
    if parts.query or parts.fragment or parts.username or parts.password or parts.port:
        raise ValueError(f"{uri!r}: an ActiveCampaign URI has no credentials, port, query or fragment")
    return ResourceRef(normalize_account(parts.netloc), _check_path(parts.path, uri))


def sanitize_uri(uri: SplitResult) -> SplitResult:
    """Airflow's normalizer for ``activecampaign://`` asset URIs (``asset-uris`` handler)."""
    ref = parse_uri(uri.geturl())
    return uri._replace(scheme=SCHEME, netloc=ref.account, path=f"/{ref.path}")


def create_asset(*, account: str, resource: str, extra: dict[str, Any] | None = None) -> Asset:
    """The asset of an account's resource (``asset-uris`` factory): ``activecampaign://ACCOUNT/RESOURCE``."""
    from airflow.providers.common.compat.sdk import Asset

    return Asset(uri=resource_uri(account, resource), extra=extra)


def convert_asset_to_openlineage(asset: Asset, lineage_context: Any) -> Any:
    """The OpenLineage dataset an ``activecampaign://`` asset is (``asset-uris`` lineage converter)."""
    from airflow.providers.common.compat.openlineage.facet import Dataset

    ref = parse_uri(asset.uri)
    return Dataset(namespace=ref.namespace, name=ref.path)
