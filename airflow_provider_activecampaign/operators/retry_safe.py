"""Creates that are safe across attempts: a retried task never makes a second record.

A create whose record can be found by its fields (the catalogue's natural key) looks first
on any Airflow attempt after the first, and looks again when its POST failed in a way that
may have been processed (the reply was lost, or was a 5xx after the server acted). Only
records created since the DAG run started (less a margin for clock skew) count, so a record
made by an earlier run is never mistaken for this run's. The look-up prefers keys no time zone
can move (an e-mail, a name, a parent's sub-collection); where it narrows a list by creation date,
the date filter is written as the account reads it (:mod:`~airflow_provider_activecampaign.client.date_filters`),
widened when that is not known, and the run-start test is applied here on the record's own stamp.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import pendulum

from airflow_provider_activecampaign.client.date_filters import known
from airflow_provider_activecampaign.exceptions import ActiveCampaignError, ActiveCampaignNotFoundError
from airflow_provider_activecampaign.watch.timestamps import parse_timestamp

if TYPE_CHECKING:
    from airflow_provider_activecampaign.catalogue import Resource
    from airflow_provider_activecampaign.hooks.activecampaign import ActiveCampaignHook

#: Records created this long before the run started still count (clocks differ between hosts).
CLOCK_MARGIN = timedelta(minutes=2)
log = logging.getLogger(__name__)


def is_retry(context: Mapping[str, Any] | None) -> bool:
    """Whether this is an Airflow attempt after the first (``ti.try_number > 1``)."""
    ti = (context or {}).get("ti")
    try:
        return int(getattr(ti, "try_number", 1) or 1) > 1
    except (TypeError, ValueError):
        return False


def run_started(context: Mapping[str, Any] | None) -> datetime | None:
    """When the DAG run started (no later than the first attempt), less the clock margin; None if unknown."""
    dag_run = (context or {}).get("dag_run")
    started = parse_timestamp(getattr(dag_run, "start_date", None))
    return None if started is None else started - CLOCK_MARGIN


def same_value(wanted: Any, found: Any) -> bool:
    """Whether a record's field holds the value a body gave (ids, numbers, text, dates, lists)."""
    if isinstance(wanted, (list, tuple, set)):
        return isinstance(found, (list, tuple, set)) and {str(v) for v in wanted} == {str(v) for v in found}
    if str(wanted).strip().lower() == str(found if found is not None else "").strip().lower():
        return True
    if isinstance(wanted, (int, float)) and not isinstance(wanted, bool):
        try:
            return float(found) == float(wanted)
        except (TypeError, ValueError):
            return False
    when, then = parse_timestamp(wanted), parse_timestamp(found)
    return when is not None and when == then and any(c in str(wanted) for c in "-:")


def find_created(hook: ActiveCampaignHook, spec: Resource, body: Mapping[str, Any],
                 since: datetime | None) -> dict[str, Any] | None:
    """The newest record of ``spec`` matching ``body`` on its natural key, created since ``since``."""
    key = spec.natural_key
    if key is None:
        return None
    wanted = {name: body[name] for name in key.fields if body.get(name) not in (None, "")}
    path = key.collection(body)
    params: dict[str, Any] = {}
    if path is None:
        path = spec.path
        filters = {key.filters[name]: value for name, value in wanted.items() if name in key.filters}
        params = spec.list_params(filters, None)
        if since is not None and "created_after" in spec.filters and not key.unique:
            params[spec.filters["created_after"].param] = known(hook.core.settings).after(since)
    matches = [record for record in _listed(hook, spec, path, params, wanted)
               if _created_since(record, spec.created, since)
               and all(same_value(value, record.get(name)) for name, value in wanted.items())]
    if len(matches) > 1:
        log.warning("%d %s match %s; taking the newest", len(matches), spec.plural, sorted(wanted))
    return max(matches, key=_id_order, default=None)


def _listed(hook: ActiveCampaignHook, spec: Resource, path: str, params: Mapping[str, Any],
            wanted: Mapping[str, Any]) -> list[Any]:
    """The records to search; a sub-collection the document does not list that answers 404 is read
    the documented way instead (:data:`DOCUMENTED_WAYS`)."""
    try:
        return list(hook.paginate(path, spec.plural, params=params))
    except ActiveCampaignNotFoundError:
        fallback = DOCUMENTED_WAYS.get(spec.name)
        if path == spec.path or fallback is None:
            raise
        log.warning("GET %s answered 404: looking for the %s the documented way", path, spec.name)
        return fallback(hook, wanted)


def _tagged(hook: ActiveCampaignHook, wanted: Mapping[str, Any]) -> list[dict[str, Any]]:
    """``GET /contacts?tagid=T&ids=C``: whether the contact has the tag (the link's own id is not told)."""
    contact, tag = str(wanted["contact"]), str(wanted["tag"])
    listed = hook.paginate("contacts", "contacts", params={"tagid": tag, "ids": contact})
    return [{"contact": contact, "tag": tag} for record in listed if str(record.get("id")) == contact]


def _all_notes(hook: ActiveCampaignHook, wanted: Mapping[str, Any]) -> list[Any]:
    """``GET /notes``: every note, matched to the parent here."""
    return list(hook.paginate("notes", "notes"))


#: How a look-up reads a resource when its undocumented sub-collection answers 404.
DOCUMENTED_WAYS: dict[str, Callable[[ActiveCampaignHook, Mapping[str, Any]], list[Any]]] = {
    "contactTag": _tagged,
    "note": _all_notes,
}


def _created_since(record: Mapping[str, Any], created: str, since: datetime | None) -> bool:
    when = parse_timestamp(record.get(created))
    return since is None or when is None or when >= since


def _id_order(record: Mapping[str, Any]) -> int:
    try:
        return int(record.get("id") or 0)
    except (TypeError, ValueError):
        return 0


def create_once(post: Callable[[], Any], find: Callable[[datetime | None], Any], *,
                context: Mapping[str, Any] | None, what: str) -> Any:
    """Run ``post`` (the create) unless ``find`` sees the record an earlier attempt made.

    ``find(since)`` returns that record or None. It is asked first on a retried task, and after
    a failure that may have been processed; when it finds nothing there, the failure stands.
    """
    if is_retry(context):
        found = find(run_started(context))
        if found is not None:
            log.info("An earlier attempt created %s %s: returning it instead of creating another",
                     what, _ident(found))
            return found
    started = pendulum.now("UTC") - CLOCK_MARGIN
    try:
        return post()
    except ActiveCampaignError as error:
        if not getattr(error, "may_have_been_processed", False):
            raise
        try:
            found = find(started)
        except ActiveCampaignError as lookup:
            log.warning("Could not check whether the failed create of %s was processed: %s", what, lookup)
            raise error from None
        if found is None:
            raise
        log.warning("The create of %s failed after it was processed (%s); found %s", what, error, _ident(found))
        return found


def _ident(found: Any) -> str:
    if isinstance(found, Mapping):
        return f"id {found.get('id')}" if found.get('id') else repr(found.get('name'))
    if isinstance(found, Iterable) and not isinstance(found, (str, bytes)):
        return f"ids {', '.join(str(item.get('id')) for item in found if isinstance(item, Mapping))}"
    return ""
