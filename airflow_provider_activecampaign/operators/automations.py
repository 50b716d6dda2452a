"""Automations and the contacts in them."""

from __future__ import annotations

from typing import Any

from airflow_provider_activecampaign.catalogue import Rule, enum, ident, required, resource
from airflow_provider_activecampaign.operators.generic import (
    ActiveCampaignCreateOperator,
    ActiveCampaignDeleteOperator,
    ActiveCampaignGetOperator,
    ActiveCampaignListOperator,
    ContactCollectionListOperator,
)
from airflow_provider_activecampaign.operators.legacy import LegacyOperator, found_reply
from airflow_provider_activecampaign.operators.retry_safe import find_created


class ActiveCampaignListAutomationsOperator(ActiveCampaignListOperator):
    """List automations (``GET /automations``, every page).

    :param limit: at most this many.
    :param output_path: write JSON Lines there instead.
    """

    def __init__(self, *, limit: int | None = None, output_path: str | None = None, **kwargs: Any) -> None:
        super().__init__(resource="automation", limit=limit, output_path=output_path, **kwargs)


class ActiveCampaignAddContactToAutomationOperator(ActiveCampaignCreateOperator):
    """Add a contact to an automation (``POST /contactAutomations``); returns the contactAutomation.

    :param contact_id: the contact's id.
    :param automation_id: the automation's id (templated).
    """

    parameters = {"contact_id": "contact", "automation_id": "automation"}

    def __init__(self, *, contact_id: int | str, automation_id: int | str, **kwargs: Any) -> None:
        body = self.named_body({"contact_id": contact_id, "automation_id": automation_id})
        super().__init__(resource="contactAutomation", body=body, **kwargs)


class ActiveCampaignGetContactAutomationOperator(ActiveCampaignGetOperator):
    """Get an automation a contact is in (``GET /contactAutomations/{id}``).

    :param contact_automation_id: the contactAutomation's id (templated).
    """

    id_param = "contact_automation_id"

    def __init__(self, *, contact_automation_id: int | str, **kwargs: Any) -> None:
        super().__init__(resource="contactAutomation", record_id=contact_automation_id, **kwargs)


class ActiveCampaignRemoveContactFromAutomationOperator(ActiveCampaignDeleteOperator):
    """Remove a contact from an automation (``DELETE /contactAutomations/{id}``).

    :param contact_automation_id: the contactAutomation's id (templated).
    """

    id_param = "contact_automation_id"

    def __init__(self, *, contact_automation_id: int | str, **kwargs: Any) -> None:
        super().__init__(resource="contactAutomation", record_id=contact_automation_id, **kwargs)


class ActiveCampaignListContactAutomationsOperator(ContactCollectionListOperator):
    """List the automations a contact is in (``GET /contacts/{id}/contactAutomations``).

    :param contact_id: the contact's id (templated).
    :param limit: at most this many.
    :param output_path: write JSON Lines there instead.
    """

    contact_required = True

    def __init__(self, *, contact_id: int | str, limit: int | None = None, output_path: str | None = None,
                 **kwargs: Any) -> None:
        super().__init__(resource="contactAutomation", contact_id=contact_id, limit=limit, output_path=output_path,
                         **kwargs)


class ActiveCampaignLegacyManageAutomationOperator(LegacyOperator):
    """Add a contact to an automation or remove it (legacy ``automation_contact_add`` /
    ``automation_contact_remove``).

    :param action: ``"add"`` or ``"remove"``.
    :param automation_id: the automation's id.
    :param contact_email: the contact's e-mail (all templated).
    """

    changes = "contact"
    rules = {"action": enum("add", "remove", required=True), "automation_id": ident(required=True),
             "contact_email": required(Rule("email"))}

    def __init__(self, *, action: str, automation_id: int | str, contact_email: str, **kwargs: Any) -> None:
        super().__init__(fields={"action": action, "automation_id": automation_id, "contact_email": contact_email},
                         **kwargs)

    def call(self, values: dict[str, Any]) -> tuple[str, None, dict[str, Any]]:
        form = {"contact_email": values["contact_email"], "automation": values["automation_id"]}
        return f"automation_contact_{values['action']}", None, form

    def looks_up(self, values: dict[str, Any]) -> bool:
        return values["action"] == "add"  # a removal sent again removes nothing more

    def find_done(self, values: dict[str, Any], since: Any) -> dict[str, Any] | None:
        contact = find_created(self.hook, resource("contact"), {"email": values["contact_email"]}, None)
        if contact is None:
            return None
        key = {"contact": contact["id"], "automation": values["automation_id"]}
        entered = find_created(self.hook, resource("contactAutomation"), key, since)
        return found_reply(entered and {"id": entered["id"], "contact": contact["id"]}, "Contact added to automation")
