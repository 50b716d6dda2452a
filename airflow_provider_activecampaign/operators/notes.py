"""Notes on activities, deals, deal tasks, contacts and accounts."""

from __future__ import annotations

from typing import Any

from airflow_provider_activecampaign.catalogue import ident, required, resource, text
from airflow_provider_activecampaign.operators.generic import ActiveCampaignCreateOperator, ActiveCampaignDeleteOperator
from airflow_provider_activecampaign.operators.legacy import LegacyOperator, found_reply
from airflow_provider_activecampaign.operators.retry_safe import find_created


class ActiveCampaignCreateNoteOperator(ActiveCampaignCreateOperator):
    """Add a note to an activity, deal, deal task, contact or account (``POST /notes``).

    :param note: the note's text.
    :param object_type: ``Activity``, ``Deal``, ``DealTask``, ``Subscriber`` (a contact) or
        ``CustomerAccount`` (an account).
    :param object_id: the id of that record.
    """

    parameters = {"note": "note", "object_type": "reltype", "object_id": "relid"}

    def __init__(self, *, note: str, object_type: str, object_id: int | str, **kwargs: Any) -> None:
        body = self.named_body({"note": note, "object_type": object_type, "object_id": object_id})
        super().__init__(resource="note", body=body, **kwargs)


class ActiveCampaignDeleteNoteOperator(ActiveCampaignDeleteOperator):
    """Delete a note, e.g. a contact's (``DELETE /notes/{id}``).

    :param note_id: the note's id (templated).
    """

    id_param = "note_id"

    def __init__(self, *, note_id: int | str, **kwargs: Any) -> None:
        super().__init__(resource="note", record_id=note_id, **kwargs)


class ActiveCampaignLegacyAddContactNoteOperator(LegacyOperator):
    """Add a note to a contact (legacy ``contact_note_add``).

    :param contact_id: the contact's id.
    :param note: the text.
    :param list_id: the list the
        note is filed under (all templated).
    """

    changes = "note"
    rules = {"contact_id": ident(required=True), "note": required(text()), "list_id": ident(required=True)}

    def __init__(self, *, contact_id: int | str, note: str, list_id: int | str, **kwargs: Any) -> None:
        super().__init__(fields={"contact_id": contact_id, "note": note, "list_id": list_id}, **kwargs)

    def call(self, values: dict[str, Any]) -> tuple[str, None, dict[str, Any]]:
        return "contact_note_add", None, {"id": values["contact_id"], "listid": values["list_id"],
                                          "note": values["note"]}

    def looks_up(self, values: dict[str, Any]) -> bool:
        return True

    def find_done(self, values: dict[str, Any], since: Any) -> dict[str, Any] | None:
        key = {"note": values["note"], "relid": values["contact_id"], "reltype": "Subscriber"}
        note = find_created(self.hook, resource("note"), key, since)
        return found_reply(note and {"id": note["id"], "contact": values["contact_id"]}, "Note added")
