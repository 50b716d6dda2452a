"""The provider's exception family.

Every error raised by the hook, operators, sensors and triggers is an
:class:`ActiveCampaignError` (itself an ``AirflowException``). Messages name the method,
the path and the HTTP status, and quote ActiveCampaign's own words; they never carry
the API key.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from airflow.providers.common.compat.sdk import AirflowException

from airflow_provider_activecampaign.catalogue.errors import CatalogueInputError, raise_as


class ActiveCampaignError(AirflowException):
    """Base class of every error of this provider."""


class ActiveCampaignInputError(ActiveCampaignError, CatalogueInputError):
    """Bad input, found before any request was sent.

    The Airflow family's form of the catalogue's own
    :class:`~airflow_provider_activecampaign.catalogue.errors.CatalogueInputError` (which the
    catalogue raises when Airflow is not loaded, e.g. in the emulator). ``where`` names the
    caller (an operator's class and task id). Code that checks values leaves it out;
    :func:`error_context` attaches it once, where the caller is known.
    """

    def __init__(self, field: str, expected: str, got: Any = None, *, where: str | None = None) -> None:
        CatalogueInputError.__init__(self, field, expected, got, where=where)


# From now on the catalogue raises the Airflow family's input error.
raise_as(ActiveCampaignInputError)


@contextmanager
def error_context(where: str) -> Iterator[None]:
    """Attach ``where`` (e.g. ``"MyOperator(task_id='t')"``) to input errors escaping the block."""
    try:
        yield
    except ActiveCampaignInputError as error:
        error.locate(where)
        raise
    except CatalogueInputError as error:  # raised before this module was imported
        wrapped = ActiveCampaignInputError(error.field, error.expected, error.got, where=error.where)
        wrapped.locate(where)
        raise wrapped from error


class ActiveCampaignConfigError(ActiveCampaignError):
    """The Airflow connection is incomplete or unsafe."""


class ActiveCampaignConnectionError(ActiveCampaignError):
    """The request could not be completed (connection refused, timeout, dropped, DNS, TLS)."""

    def __init__(self, method: str, path: str, reason: str, *, target: str | None = None,
                 may_have_been_processed: bool = False, permanent: bool = False) -> None:
        self.method = method
        self.path = path
        self.target = target
        self.may_have_been_processed = may_have_been_processed
        #: True when trying again cannot help (the host does not resolve, TLS fails)
        self.permanent = permanent
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
        #: True when this reply answered a retry made inside the same call (an earlier send may have acted)
        self.retried = False
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


class ActiveCampaignPagingError(ActiveCampaignError):
    """A listing could not guarantee every record exactly once (the server moved or ignored the position)."""

    def __init__(self, path: str, problem: str, *, seen: str = "") -> None:
        self.path = path
        self.problem = problem
        super().__init__(f"ActiveCampaign GET {path}: {problem}{f' ({seen})' if seen else ''}; "
                         "stopped rather than lose or repeat records")
