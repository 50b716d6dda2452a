"""The provider's exception family.

Every error raised by the hook, operators, sensors and triggers is an
:class:`ActiveCampaignError` (itself an ``AirflowException``). Messages name the method,
the path and the HTTP status, and quote ActiveCampaign's own words; they never carry
the API key.
"""

from __future__ import annotations

from typing import Any

from airflow.providers.common.compat.sdk import AirflowException


class ActiveCampaignError(AirflowException):
    """Base class of every error of this provider."""


class ActiveCampaignInputError(ActiveCampaignError, ValueError):
    """Bad input, found before any request was sent."""

    def __init__(self, where: str, field: str, expected: str, got: Any = None) -> None:
        self.where = where
        self.field = field
        self.expected = expected
        shown = "" if got is None else f", got {got!r}"
        super().__init__(f"{where}: field {field!r} must be {expected}{shown}")


class ActiveCampaignConfigError(ActiveCampaignError):
    """The Airflow connection is incomplete or unsafe."""


class ActiveCampaignConnectionError(ActiveCampaignError):
    """The request could not be completed (connection refused, timeout, dropped, DNS, TLS)."""

    def __init__(self, method: str, path: str, reason: str, *, target: str | None = None,
                 may_have_been_processed: bool = False) -> None:
        self.method = method
        self.path = path
        self.target = target
        self.may_have_been_processed = may_have_been_processed
        super().__init__(f"ActiveCampaign {method} {path} failed: {reason}{_on(target)}")


class ActiveCampaignApiError(ActiveCampaignError):
    """ActiveCampaign answered with an error (HTTP status >= 400, or a 200 that says it failed)."""

    def __init__(
        self,
        method: str,
        path: str,
        status: int,
        message: str,
        *,
        errors: list[dict[str, Any]] | None = None,
        retry_after: float | None = None,
        target: str | None = None,
        may_have_been_processed: bool = False,
    ) -> None:
        self.method = method
        self.path = path
        self.status = status
        self.message = message
        self.errors = errors or []
        self.retry_after = retry_after
        self.target = target
        self.may_have_been_processed = may_have_been_processed
        super().__init__(f"ActiveCampaign {method} {path} returned HTTP {status}: {message}{_on(target)}")


def _on(target: str | None) -> str:
    return f" [{target}]" if target else ""


class ActiveCampaignReplyError(ActiveCampaignApiError):
    """A 2xx reply that is not what the API promises (not JSON, or without the expected record or list)."""


class ActiveCampaignAuthError(ActiveCampaignApiError):
    """401/403: the API key is wrong or lacks the permission."""


class ActiveCampaignNotFoundError(ActiveCampaignApiError):
    """404: no such record or path."""


class ActiveCampaignValidationError(ActiveCampaignApiError):
    """422: ActiveCampaign refused the request's content."""


class ActiveCampaignRateLimitError(ActiveCampaignApiError):
    """429 still returned after every retry."""


def error_class_for(status: int) -> type[ActiveCampaignApiError]:
    """Return the exception class for an HTTP error status."""
    return {
        401: ActiveCampaignAuthError,
        403: ActiveCampaignAuthError,
        404: ActiveCampaignNotFoundError,
        422: ActiveCampaignValidationError,
        429: ActiveCampaignRateLimitError,
    }.get(status, ActiveCampaignApiError)
