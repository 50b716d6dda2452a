"""Webhooks: create, get, update, delete and list them, list their events, and keep one in place."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from airflow_provider_activecampaign.catalogue import EVENT_NAME_PATTERN, WEBHOOK_SOURCES, Resource, compact, text
from airflow_provider_activecampaign.exceptions import ActiveCampaignError
from airflow_provider_activecampaign.operators.base import ActiveCampaignBaseOperator, id_of
from airflow_provider_activecampaign.operators.generic import (
    ActiveCampaignCreateOperator,
    ActiveCampaignDeleteOperator,
    ActiveCampaignGetOperator,
    ActiveCampaignListOperator,
    ActiveCampaignUpdateOperator,
)

if TYPE_CHECKING:
    from airflow.providers.common.compat.sdk import Context


#: The webhook operators' parameters -> the API's webhook fields.
WEBHOOK_PARAMETERS = {"name": "name", "url": "url", "events": "events", "sources": "sources", "list_id": "listid"}


class ActiveCampaignCreateWebhookOperator(ActiveCampaignCreateOperator):
    """Create a webhook (``POST /webhooks``).

    :param name: a label.
    :param url: where ActiveCampaign POSTs (HTTPS on port 443 only).
    :param events: event names (see ``resources.WEBHOOK_EVENTS``).
    :param sources: public, admin, api, system (default: all four).
    :param list_id: only events of this list (templated, like all parameters).
    """

    operator_extra_links = ()  # the app has no page per webhook
    parameters = WEBHOOK_PARAMETERS

    def __init__(self, *, name: str, url: str, events: Sequence[str],
                 sources: Sequence[str] = WEBHOOK_SOURCES, list_id: int | str | None = None, **kwargs: Any) -> None:
        body = self.named_body({"name": name, "url": url, "events": events, "sources": sources, "list_id": list_id})
        super().__init__(resource="webhook", body=body, **kwargs)


class ActiveCampaignGetWebhookOperator(ActiveCampaignGetOperator):
    """Get a webhook (``GET /webhooks/{id}``).

    :param webhook_id: the webhook's id (templated).
    """

    id_param = "webhook_id"

    def __init__(self, *, webhook_id: int | str, **kwargs: Any) -> None:
        super().__init__(resource="webhook", record_id=webhook_id, **kwargs)


class ActiveCampaignUpdateWebhookOperator(ActiveCampaignUpdateOperator):
    """Update a webhook (``PUT /webhooks/{id}``); only the given fields change.

    :param webhook_id: the webhook's id (templated); other parameters as
        :class:`ActiveCampaignCreateWebhookOperator`.
    """

    operator_extra_links = ()  # the app has no page per webhook
    id_param = "webhook_id"
    parameters = WEBHOOK_PARAMETERS

    def __init__(self, *, webhook_id: int | str, name: str | None = None, url: str | None = None,
                 events: Sequence[str] | None = None, sources: Sequence[str] | None = None,
                 list_id: int | str | None = None, **kwargs: Any) -> None:
        body = self.named_body({"name": name, "url": url, "events": events, "sources": sources, "list_id": list_id})
        super().__init__(resource="webhook", record_id=webhook_id, body=body, **kwargs)


class ActiveCampaignDeleteWebhookOperator(ActiveCampaignDeleteOperator):
    """Delete a webhook (``DELETE /webhooks/{id}``).

    :param webhook_id: the webhook's id (templated).
    """

    id_param = "webhook_id"

    def __init__(self, *, webhook_id: int | str, **kwargs: Any) -> None:
        super().__init__(resource="webhook", record_id=webhook_id, **kwargs)


class ActiveCampaignListWebhooksOperator(ActiveCampaignListOperator):
    """List webhooks (``GET /webhooks``, every page).

    :param name: by name.
    :param url: by URL.
    :param list_id: by list.
    :param limit: at most this many.
    :param output_path: write JSON Lines there instead.
    """

    def __init__(self, *, name: str | None = None, url: str | None = None, list_id: int | str | None = None,
                 limit: int | None = None, output_path: str | None = None, **kwargs: Any) -> None:
        super().__init__(resource="webhook", filters=compact(name=name, url=url, list_id=list_id), limit=limit,
                         output_path=output_path, **kwargs)


class ActiveCampaignListWebhookEventsOperator(ActiveCampaignBaseOperator):
    """List the event names webhooks can subscribe to (``GET /webhook/events``)."""

    def perform(self, context: Context) -> list[Any]:
        return list(self.hook.paginate("webhook/events", "webhookEvents"))


class ActiveCampaignEnsureWebhookOperator(ActiveCampaignCreateWebhookOperator):
    """Make sure exactly one webhook named ``name`` sends ``events`` from ``sources`` to ``url``.

    The name is the webhook's identity: it is looked up by name (``GET /webhooks?filters[name]=``)
    and created (``POST /webhooks``) when missing, updated (``PUT /webhooks/{id}``) when its URL,
    events, sources or list differ, and never created twice. Another DAG's webhook is never
    taken over: when a webhook with another name already sends to ``url``, the task fails
    naming both and changes nothing (rename that webhook to ``name``, or give this one a URL of
    its own, e.g. with an extra query parameter the receiver ignores: ``...&hook=deals``).
    Returns the webhook. Parameters as :class:`ActiveCampaignCreateWebhookOperator`; ``name`` is
    letters, digits and spaces.
    """

    def perform(self, context: Context) -> Any:
        spec = self.spec()
        body = spec.check_body(self.body, partial=False, label=self.label)
        text(required=True, pattern=EVENT_NAME_PATTERN).check(body["name"], "name")
        found = self._find(spec, "name", body["name"])
        others = [hook for hook in self._find_all(spec, "url", body["url"]) if str(hook.get("name")) != body["name"]]
        if others:
            names = ", ".join(f"{hook.get('name')!r} (id {hook.get('id')})" for hook in others)
            raise ActiveCampaignError(
                f"{type(self).__name__}(task_id={self.task_id!r}): webhook {body['name']!r} would send to the same "
                f"URL as webhook {names}; refusing to create or change either. Rename that webhook to "
                f"{body['name']!r} if it is this task's, or give this one a URL of its own")
        if found is None:
            record = self.write(spec, "POST", spec.path, body)
            self.record_done("created", spec.name, id_of(record), detail=repr(body["name"]))
            return record
        differs = [
            key for key in ("url", "listid")
            if key in body and str(found.get(key)) != str(body[key])
        ] + [key for key in ("events", "sources") if {str(v) for v in found.get(key) or ()} != set(body[key])]
        if not differs:
            self.record_done("unchanged", spec.name, found.get("id"), detail=f"{body['name']!r} is up to date")
            return found
        path = spec.item_path(found.get("id"))
        record = spec.unwrap(self.hook.request("PUT", path, json=spec.wrap(body)))
        self.record_done("updated", spec.name, found.get("id"), detail=f"{body['name']!r}: {', '.join(differs)}")
        return record

    def _find_all(self, spec: Resource, key: str, value: str) -> list[dict[str, Any]]:
        params = spec.list_params({key: value}, None)
        hooks = self.hook.paginate(spec.path, spec.plural, params=params)
        return [hook for hook in hooks if str(hook.get(key)) == value]

    def _find(self, spec: Resource, key: str, value: str) -> dict[str, Any] | None:
        """The webhook whose ``key`` is ``value`` (the first, with a warning, if several)."""
        matches = self._find_all(spec, key, value)
        if len(matches) > 1:
            self.log.warning("%d webhooks have the %s %r; keeping the first", len(matches), key, value)
        return matches[0] if matches else None
