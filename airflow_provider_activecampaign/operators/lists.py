"""Mailing lists, and a contact's subscription to them."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from airflow_provider_activecampaign.catalogue import Resource, compact
from airflow_provider_activecampaign.operators.generic import ActiveCampaignCreateOperator, ActiveCampaignListOperator


class ActiveCampaignCreateListOperator(ActiveCampaignCreateOperator):
    """Create a mailing list (``POST /lists``).

    :param name: the list's name.
    :param sender_url: the website the list is for.
    :param sender_reminder: why contacts are on the list (shown in e-mails).
    :param stringid: URL-safe name; derived from ``name`` when None.
    :param send_last_broadcast: send new subscribers the last campaign.
    :param subscription_notify: comma-separated e-mails.
    :param unsubscription_notify: as ``subscription_notify``.
    :param carboncopy: as ``subscription_notify``.
    :param user_id: the list owner.
    :param channel: ``email`` or ``sms``.
    :param extra_fields: other list attributes of the API (all templated).
    """

    parameters = {"name": "name", "sender_url": "sender_url", "sender_reminder": "sender_reminder",
                  "stringid": "stringid", "send_last_broadcast": "send_last_broadcast",
                  "subscription_notify": "subscription_notify", "unsubscription_notify": "unsubscription_notify",
                  "carboncopy": "carboncopy", "user_id": "user", "channel": "channel"}

    def __init__(self, *, name: str, sender_url: str, sender_reminder: str, stringid: str | None = None,
                 send_last_broadcast: bool | None = None, subscription_notify: str | None = None,
                 unsubscription_notify: str | None = None, carboncopy: str | None = None,
                 user_id: int | str | None = None, channel: str | None = None,
                 extra_fields: Mapping[str, Any] | None = None, **kwargs: Any) -> None:
        body = self.named_body({"name": name, "stringid": stringid or _stringid(name), "sender_url": sender_url,
                                "sender_reminder": sender_reminder, "send_last_broadcast": send_last_broadcast,
                                "subscription_notify": subscription_notify,
                                "unsubscription_notify": unsubscription_notify, "carboncopy": carboncopy,
                                "user_id": user_id, "channel": channel}, extra_fields)
        super().__init__(resource="list", body=body, **kwargs)
        self.derive_stringid = stringid is None

    def checked_body(self, spec: Resource, *, partial: bool, body: Any = None) -> dict[str, Any]:
        body = self.body if body is None else body
        if self.derive_stringid and isinstance(body, Mapping):  # from the rendered name, in a local body
            body = {**body, "stringid": _stringid(body.get("name"))}
        return super().checked_body(spec, partial=partial, body=body)


def _stringid(name: Any) -> Any:
    """A URL-safe list name derived from ``name`` (a templated one is derived once rendered)."""
    if not isinstance(name, str) or "{{" in name:
        return name
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "list"


class ActiveCampaignListListsOperator(ActiveCampaignListOperator):
    """List mailing lists (``GET /lists``, every page).

    :param name: only lists with this name.
    :param order: order by name, ASC or DESC.
    :param limit: at most this many.
    :param output_path: write JSON Lines there instead.
    """

    def __init__(self, *, name: str | None = None, order: str | None = None, limit: int | None = None,
                 output_path: str | None = None, **kwargs: Any) -> None:
        super().__init__(resource="list", filters=compact(name=name), orders={"name": order} if order else None,
                         limit=limit, output_path=output_path, **kwargs)


class ActiveCampaignUpdateListStatusOperator(ActiveCampaignCreateOperator):
    """Subscribe a contact to a list or unsubscribe it (``POST /contactLists``).

    :param contact_id: the contact's id (templated).
    :param list_id: the list's id (templated).
    :param status: 1 subscribe (default), 2 unsubscribe.
    :param source_id: 4 when re-subscribing a contact that unsubscribed.
    """

    parameters = {"contact_id": "contact", "list_id": "list", "status": "status", "source_id": "sourceid"}

    def __init__(self, *, contact_id: int | str, list_id: int | str, status: int | str = 1,
                 source_id: int | None = None, **kwargs: Any) -> None:
        body = self.named_body({"list_id": list_id, "contact_id": contact_id, "status": status,
                                "source_id": source_id})
        super().__init__(resource="contactList", body=body, **kwargs)
