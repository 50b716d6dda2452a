"""Contact tags: add and remove them by id (v3) or by name (legacy)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from airflow_provider_activecampaign.catalogue import Rule, enum, required
from airflow_provider_activecampaign.operators.generic import ActiveCampaignCreateOperator, ActiveCampaignDeleteOperator
from airflow_provider_activecampaign.operators.legacy import LegacyOperator, legacy_tags


class ActiveCampaignAddTagToContactOperator(ActiveCampaignCreateOperator):
    """Add a tag to a contact (``POST /contactTags``); returns the contactTag record.

    :param contact_id: the contact's id (templated). :param tag_id: the tag's id (templated).
    """

    def __init__(self, *, contact_id: int | str, tag_id: int | str, **kwargs: Any) -> None:
        super().__init__(resource="contactTag", body={"contact": contact_id, "tag": tag_id}, **kwargs)


class ActiveCampaignRemoveTagFromContactOperator(ActiveCampaignDeleteOperator):
    """Remove a tag from a contact (``DELETE /contactTags/{id}``).

    :param contact_tag_id: the id of the contact-tag link (from :class:`ActiveCampaignAddTagToContactOperator` or
        ``GET /contacts/{id}/contactTags``).
    """

    def __init__(self, *, contact_tag_id: int | str, **kwargs: Any) -> None:
        super().__init__(resource="contactTag", record_id=contact_tag_id, **kwargs)


class ActiveCampaignLegacyManageTagsOperator(LegacyOperator):
    """Add tags to a contact or remove them, by tag name (legacy ``contact_tag_add`` /
    ``contact_tag_remove``; v3 only takes tag ids).

    :param action: ``"add"`` or ``"remove"``. :param tags: tag names (a list or comma-separated).
    :param contact_email: the contact's e-mail (all templated).
    """

    changes = "contact"
    rules = {"action": enum("add", "remove", required=True), "tags": Rule("any", required=True),
             "contact_email": required(Rule("email"))}

    def __init__(self, *, action: str, tags: str | Sequence[str], contact_email: str, **kwargs: Any) -> None:
        super().__init__(fields={"action": action, "tags": tags, "contact_email": contact_email}, **kwargs)

    def call(self, values: dict[str, Any]) -> tuple[str, None, dict[str, Any]]:
        form = {"email": values["contact_email"], "tags": legacy_tags(values["tags"])}
        return f"contact_tag_{values['action']}", None, form
