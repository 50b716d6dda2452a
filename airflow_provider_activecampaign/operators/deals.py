"""Deals, moving them between stages, and their notes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from airflow_provider_activecampaign.catalogue import (
    Rule,
    action,
    compact,
    ident,
    resource,
    sub_collection,
    text,
)
from airflow_provider_activecampaign.exceptions import ActiveCampaignInputError
from airflow_provider_activecampaign.operators.base import ActiveCampaignBaseOperator, id_of
from airflow_provider_activecampaign.operators.generic import (
    ActiveCampaignCreateOperator,
    ActiveCampaignDeleteOperator,
    ActiveCampaignGetOperator,
    ActiveCampaignListOperator,
    ActiveCampaignUpdateOperator,
)
from airflow_provider_activecampaign.operators.retry_safe import create_once, find_created

if TYPE_CHECKING:
    from airflow.providers.common.compat.sdk import Context


#: The deal operators' parameters -> the API's deal fields.
DEAL_PARAMETERS = {"title": "title", "description": "description", "value": "value", "currency": "currency",
                   "contact_id": "contact", "account_id": "account", "pipeline_id": "group", "stage_id": "stage",
                   "owner_id": "owner", "percent": "percent", "status": "status", "custom_fields": "fields"}


class _DealBody:
    """A deal body from the named parameters (a status by name, open/won/lost, is the catalogue's alias)."""

    body: Any

    @classmethod
    def deal_body(cls, given: Mapping[str, Any]) -> dict[str, Any]:
        """The body from a constructor's arguments (its ``locals()``): the named deal parameters and
        ``extra_fields``."""
        named = {name: given[name] for name in DEAL_PARAMETERS if name in given}
        return cls.named_body(named, given.get("extra_fields"))  # type: ignore[attr-defined]


class ActiveCampaignCreateDealOperator(_DealBody, ActiveCampaignCreateOperator):
    """Create a deal (``POST /deals``). Returns the deal.

    :param title: the deal's title.
    :param value: the deal's value in cents (``45678`` is $456.78), 0 or more.
    :param currency: ISO 4217 code such as ``"usd"`` (sent lower case).
    :param contact_id: the primary contact (this or ``account_id`` is required).
    :param account_id: the deal's account (this or ``contact_id`` is required).
    :param pipeline_id: the pipeline (this or ``stage_id`` is required; without a stage the deal
        goes to the pipeline's first stage).
    :param stage_id: the stage (the deal goes to the stage's pipeline).
    :param owner_id: the user owning the deal (required when the pipeline does not auto-assign).
    :param description: the deal's description.
    :param percent: percentage of completion, 0 to 100.
    :param status: ``0``/``"open"``, ``1``/``"won"`` or ``2``/``"lost"``.
    :param custom_fields: custom field values, ``{field id or personalization tag: value}`` (a tag
        is looked up in ``GET /dealCustomFieldMeta``) or the API's list
        ``[{"customFieldId": 1, "fieldValue": "x", "fieldCurrency": "usd"}]``. Field ids are checked
        against the account's deal fields before the write (one extra read per task, only when given).
    :param extra_fields: other deal fields of the API, as the API names them (the named
        parameters cover them all today).
    """

    parameters = DEAL_PARAMETERS

    def __init__(self, *, title: str, value: int | str, currency: str, contact_id: int | str | None = None,
                 account_id: int | str | None = None, pipeline_id: int | str | None = None,
                 stage_id: int | str | None = None, owner_id: int | str | None = None,
                 description: str | None = None, percent: int | None = None, status: int | str | None = None,
                 custom_fields: Mapping[Any, Any] | list[dict[str, Any]] | None = None,
                 extra_fields: Mapping[str, Any] | None = None, **kwargs: Any) -> None:
        body = self.deal_body(locals())
        super().__init__(resource="deal", body=body, **kwargs)


class ActiveCampaignUpdateDealOperator(_DealBody, ActiveCampaignUpdateOperator):
    """Update a deal (``PUT /deals/{id}``); only the given fields change. Returns the deal.

    :param deal_id: the deal's id (templated).
    Other parameters as :class:`ActiveCampaignCreateDealOperator`, all optional; ``custom_fields``
    creates or updates the given custom field values.
    """

    parameters = DEAL_PARAMETERS

    id_param = "deal_id"

    def __init__(self, *, deal_id: int | str, title: str | None = None, value: int | str | None = None,
                 currency: str | None = None, contact_id: int | str | None = None,
                 account_id: int | str | None = None, pipeline_id: int | str | None = None,
                 stage_id: int | str | None = None, owner_id: int | str | None = None,
                 description: str | None = None, percent: int | None = None, status: int | str | None = None,
                 custom_fields: Mapping[Any, Any] | list[dict[str, Any]] | None = None,
                 extra_fields: Mapping[str, Any] | None = None, **kwargs: Any) -> None:
        body = self.deal_body(locals())
        super().__init__(resource="deal", record_id=deal_id, body=body, **kwargs)


class ActiveCampaignGetDealOperator(ActiveCampaignGetOperator):
    """Get a deal (``GET /deals/{id}``), optionally with its custom field values.

    With ``include_custom_fields`` the deal gets a ``customFields`` list: its values (side-loaded
    in the reply, else from ``GET /dealCustomFieldData?filters[dealId]=ID``), each with the field's
    ``fieldLabel`` and ``fieldType`` from ``GET /dealCustomFieldMeta``.

    :param deal_id: the deal's id (templated).
    :param include_custom_fields: also read the deal's custom field values.
    """

    id_param = "deal_id"

    def __init__(self, *, deal_id: int | str, include_custom_fields: bool = False, **kwargs: Any) -> None:
        super().__init__(resource="deal", record_id=deal_id, **kwargs)
        self.include_custom_fields = include_custom_fields
        self.check_arguments(include_custom_fields=(Rule("bool", required=True), include_custom_fields))

    def perform(self, context: Context) -> Any:
        include = Rule("bool", required=True).check(self.include_custom_fields, "include_custom_fields")
        spec = self.spec()
        reply = self.hook.request("GET", spec.item_path(self.record_id, self.id_param))
        deal = spec.unwrap(reply)
        if not include or not isinstance(deal, dict):
            return deal
        deal_id = str(deal.get("id") or self.record_id)
        values = reply.get("dealCustomFieldData") if isinstance(reply, dict) else None
        if not isinstance(values, list):
            values = self.hook.paginate("dealCustomFieldData", "dealCustomFieldData",
                                        params={"filters[dealId]": deal_id})
        values = [v for v in values if str(v.get("dealId")) == deal_id]  # unknown filters are ignored
        meta = {str(m.get("id")): m for m in self.hook.paginate("dealCustomFieldMeta", "dealCustomFieldMeta")} \
            if values else {}
        fields = []
        for value in values:
            field = meta.get(str(value.get("customFieldId") or value.get("dealCustomFieldMetumId")), {})
            fields.append({**value, "fieldLabel": field.get("fieldLabel"), "fieldType": field.get("fieldType")})
        return {**deal, "customFields": fields}


class ActiveCampaignDeleteDealOperator(ActiveCampaignDeleteOperator):
    """Delete a deal (``DELETE /deals/{id}``).

    :param deal_id: the deal's id (templated).
    """

    id_param = "deal_id"

    def __init__(self, *, deal_id: int | str, **kwargs: Any) -> None:
        super().__init__(resource="deal", record_id=deal_id, **kwargs)


class ActiveCampaignMoveDealsToStageOperator(ActiveCampaignBaseOperator):
    """Move every deal of a stage to another stage (``PUT /dealStages/{id}/deals``).

    Returns ``{"stage": ..., "target_stage": ..., "moved": n, "deals": [...]}`` (the moved deals).
    ActiveCampaign answers 422 when the target stage is in another pipeline.

    :param stage_id: the stage whose deals move (templated).
    :param target_stage_id: the stage they move to (templated).
    """

    template_fields: Sequence[str] = ("stage_id", "target_stage_id")

    def __init__(self, *, stage_id: int | str, target_stage_id: int | str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.stage_id = stage_id
        self.target_stage_id = target_stage_id
        self.check_arguments(stage_id=(ident(required=True), stage_id),
                             target_stage_id=(ident(required=True), target_stage_id))

    def perform(self, context: Context) -> dict[str, Any]:
        source = ident(required=True).check(self.stage_id, "stage_id")
        target = ident(required=True).check(self.target_stage_id, "target_stage_id")
        if target == source:
            raise ActiveCampaignInputError("target_stage_id", "a stage other than stage_id", target)
        move = action("dealStage.moveDeals")
        reply = self.hook.request(move.method, move.fill({"id": source}), json=move.check_body({"stage": target}))
        deals = reply.get("deals", []) if isinstance(reply, dict) else []
        self.log.info("Moved %d deals from stage %s to stage %s", len(deals), source, target)
        return {"stage": source, "target_stage": target, "moved": len(deals), "deals": deals}


class ActiveCampaignListDealsOperator(ActiveCampaignListOperator):
    """List deals, every page (``GET /deals``).

    :param title: deal title.
    :param search: text to search (in ``search_field``).
    :param pipeline: pipeline id.
    :param stage: stage id.
    :param owner: owner (user) id.
    :param status: ``0``/``"open"``, ``1``/``"won"``, ``2``/``"lost"``.
    :param organization: the primary contact's organization (account) id.
    :param tag: tag name of the primary contact.
    :param task_type: deals with tasks of this type.
    :param next_date_range: due dates of the deals' tasks (``filters[nextdate_range]``).
    :param minimum_value: value bounds, in dollars (not cents).
    :param maximum_value: as ``minimum_value``.
    :param created_after: time window
    :param created_before: as ``created_after``.
    :param updated_after: as ``created_after``.
    :param updated_before: as ``created_after``.
        (after: on or after; before: strictly before).
    :param order_by: title, value, cdate, contact_name, contact_orgname or next-action.
    :param order: ``ASC`` or ``DESC``.
    :param limit: return at most this many deals.
    :param output_path: write JSON Lines there and return ``{"path", "count"}``.
    """

    def __init__(self, *, title: str | None = None, search: str | None = None, search_field: str | None = None,
                 pipeline: int | str | None = None, stage: int | str | None = None, owner: int | str | None = None,
                 status: int | str | None = None, organization: int | str | None = None, tag: str | None = None,
                 task_type: str | None = None, next_date_range: str | None = None,
                 minimum_value: float | None = None, maximum_value: float | None = None,
                 created_after: Any = None, created_before: Any = None, updated_after: Any = None,
                 updated_before: Any = None, order_by: str | None = None, order: str = "ASC",
                 limit: int | None = None, output_path: str | None = None, **kwargs: Any) -> None:
        filters = compact(title=title, search=search, search_field=search_field, pipeline=pipeline, stage=stage,
                          owner=owner, status=status, organization=organization, tag=tag, task_type=task_type,
                          next_date_range=next_date_range, minimum_value=minimum_value,
                          maximum_value=maximum_value, created_after=created_after, created_before=created_before,
                          updated_after=updated_after, updated_before=updated_before)
        orders = {order_by: order} if order_by else None
        super().__init__(resource="deal", filters=filters, orders=orders, limit=limit,
                         output_path=output_path, **kwargs)


class _DealNoteOperator(ActiveCampaignBaseOperator):
    """A note on a deal: ``{"note": {"note": text}}`` sent to a path under ``/deals/{id}/notes``."""

    template_fields: Sequence[str] = ("deal_id", "note")
    method: ClassVar[str]

    def __init__(self, *, deal_id: int | str, note: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.deal_id = deal_id
        self.note = note
        self.check_arguments(deal_id=(ident(required=True), deal_id), note=(text(required=True), note))

    def note_path(self) -> str:
        return sub_collection("deal", "note").collection_path(self.deal_id, "deal_id")

    def perform(self, context: Context) -> Any:
        path = self.note_path()
        note = text(required=True).check(self.note, "note")
        notes = resource("note")

        def send() -> Any:
            record = self.write(notes, self.method, path, {"note": note})
            self.record_done("created" if self.method == "POST" else "updated", "note", id_of(record),
                             detail=f"on deal {path.split('/')[1]}")
            return record

        if self.method != "POST":
            return send()
        key = {"note": note, "relid": ident(required=True).check(self.deal_id, "deal_id"), "reltype": "Deal"}
        return create_once(send, lambda since: find_created(self.hook, notes, key, since), context=context,
                           what="deal note")


class ActiveCampaignCreateDealNoteOperator(_DealNoteOperator):
    """Add a note to a deal (``POST /deals/{id}/notes``). Returns the note.

    :param deal_id: the deal's id (templated).
    :param note: the note's text (templated).
    """

    method = "POST"


class ActiveCampaignUpdateDealNoteOperator(_DealNoteOperator):
    """Change a deal's note (``PUT /deals/{id}/notes/{noteId}``). Returns the note.

    :param deal_id: the deal's id (templated).
    :param note_id: the note's id (templated).
    :param note: the note's new text (templated).
    """

    template_fields: Sequence[str] = ("deal_id", "note_id", "note")
    method = "PUT"

    def __init__(self, *, deal_id: int | str, note_id: int | str, note: str, **kwargs: Any) -> None:
        super().__init__(deal_id=deal_id, note=note, **kwargs)
        self.note_id = note_id
        self.check_arguments(note_id=(ident(required=True), note_id))

    def note_path(self) -> str:
        return super().note_path() + "/" + ident(required=True).check(self.note_id, "note_id")
