"""The catalogue's own error, importable without Airflow (the emulator and scripts use the catalogue too).

:class:`CatalogueInputError` is a ``ValueError`` that names the parameter, what it must be and
what was given. The provider's Airflow error family wraps it:
``airflow_provider_activecampaign.exceptions.ActiveCampaignInputError`` extends it and, once that
module is imported (any operator, hook or sensor imports it), :func:`input_error` raises that
class instead, so DAG code catches one family whichever layer refused the value.
"""

from __future__ import annotations

from typing import Any


class CatalogueInputError(ValueError):
    """A value the catalogue refuses, found before any request was sent.

    ``where`` names the caller (an operator's class and task id). Code that checks values
    leaves it out; the caller attaches it once, where it is known (:meth:`locate`).
    """

    def __init__(self, field: str, expected: str, got: Any = None, *, where: str | None = None) -> None:
        self.field = field
        self.expected = expected
        self.got = got
        self.where = where
        super().__init__(self._message())

    def _message(self) -> str:
        shown = "" if self.got is None else f", got {self.got!r}"
        text = f"field {self.field!r} must be {self.expected}{shown}"
        return text if self.where is None else f"{self.where}: {text}"

    def locate(self, where: str) -> None:
        """Name the caller, unless an inner context named it already."""
        if self.where is None:
            self.where = where
            self.args = (self._message(),)


_raised: type[CatalogueInputError] = CatalogueInputError


def raise_as(error_class: type[CatalogueInputError]) -> None:
    """Make :func:`input_error` build ``error_class`` (a subclass: the Airflow family's input error)."""
    global _raised
    if not issubclass(error_class, CatalogueInputError):
        raise TypeError(f"{error_class!r} does not extend CatalogueInputError")
    _raised = error_class


def input_error(field: str, expected: str, got: Any = None) -> CatalogueInputError:
    """The error to raise for a refused value: ``raise input_error("body.email", "an e-mail address", v)``."""
    return _raised(field, expected, got)
