"""Contact custom fields and their values."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from airflow_provider_activecampaign.catalogue import Rule, compact, ident, required, resource, text
from airflow_provider_activecampaign.catalogue.resources import is_literal, sub_collection
from airflow_provider_activecampaign.exceptions import (
    ActiveCampaignInputError,
    ActiveCampaignNotFoundError,
    error_context,
)
from airflow_provider_activecampaign.operators.base import ActiveCampaignBaseOperator, id_of
from airflow_provider_activecampaign.operators.generic import (
    ActiveCampaignCreateOperator,
    ActiveCampaignGetOperator,
    ActiveCampaignListOperator,
    ActiveCampaignUpdateOperator,
    ContactCollectionListOperator,
)
from airflow_provider_activecampaign.operators.retry_safe import create_once

if TYPE_CHECKING:
    from airflow.providers.common.compat.sdk import Context


class ActiveCampaignCreateFieldOperator(ActiveCampaignCreateOperator):
    """Create a contact custom field (``POST /fields``). Dropdown, listbox, radio and
    checkbox fields then need options (:class:`ActiveCampaignCreateFieldOptionsOperator`).

    :param title: the field's title.
    :param field_type: text, textarea, date, datetime, number,
        dropdown, listbox, radio, checkbox or hidden.
    :param description: description.
    :param perstag: personalization tag (letters, digits, _).
    :param default_value: default value.
    :param visible: shown in the form builder.
    :param ordernum: position in "My Fields".
    :param extra_fields: other field attributes of the API
        (``show_in_list``, ``rows``, ``cols``, ``service``).
    """

    parameters = {"title": "title", "field_type": "type", "description": "descript", "perstag": "perstag",
                  "default_value": "defval", "visible": "visible", "ordernum": "ordernum"}

    def __init__(self, *, title: str, field_type: str, description: str | None = None, perstag: str | None = None,
                 default_value: str | None = None, visible: bool | None = None, ordernum: int | None = None,
                 extra_fields: Mapping[str, Any] | None = None, **kwargs: Any) -> None:
        body = self.named_body({"title": title, "field_type": field_type, "description": description,
                                "perstag": perstag, "default_value": default_value, "visible": visible,
                                "ordernum": ordernum}, extra_fields)
        super().__init__(resource="field", body=body, **kwargs)


_FIELD_OPTION_RULES = {"value": required(text()), "label": text(), "orderid": Rule("int", minimum=0),
                       "isdefault": Rule("flag")}


class ActiveCampaignCreateFieldOptionsOperator(ActiveCampaignBaseOperator):
    """Add options to a dropdown/listbox/radio/checkbox custom field (``POST /fieldOption/bulk``).

    :param field_id: the custom field's id (templated).
    :param options: option values, or mappings ``{"value", "label", "orderid", "isdefault"}``
        (templated); labels default to the values, order to the given order.
    Returns the created options.
    """

    template_fields: Sequence[str] = ("field_id", "options")
    template_fields_renderers = {"options": "json"}

    def __init__(self, *, field_id: int | str, options: Sequence[Any], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.field_id = field_id
        self.options = options
        self.check_arguments(field_id=(ident(required=True), field_id))
        if is_literal(options):
            with error_context(self.where):
                self.checked_options("0")

    def checked_options(self, field_id: str) -> list[dict[str, Any]]:
        """The options as the API takes them, each checked (``options[2].orderid``)."""
        Rule("list", required=True).check(self.options, "options")
        options = []
        for number, option in enumerate(self.options, start=1):
            given = dict(option) if isinstance(option, Mapping) else {"value": option}
            unknown = sorted(set(given) - set(_FIELD_OPTION_RULES))
            if unknown:
                raise ActiveCampaignInputError(f"options[{number - 1}].{unknown[0]}",
                                               "one of " + ", ".join(_FIELD_OPTION_RULES))
            checked = {name: rule.check(given.get(name), f"options[{number - 1}].{name}")
                       for name, rule in _FIELD_OPTION_RULES.items()}
            options.append({"field": field_id, "value": checked["value"], "label": checked["label"] or checked["value"],
                            "orderid": checked["orderid"] or number, "isdefault": bool(checked["isdefault"])})
            if [str(o["value"]).strip().lower() for o in options].count(str(checked["value"]).strip().lower()) > 1:
                raise ActiveCampaignInputError(f"options[{number - 1}].value", "a value no other option has",
                                               checked["value"])
        return options

    def perform(self, context: Context) -> Any:
        field_id = ident(required=True).check(self.field_id, "field_id")
        options = self.checked_options(field_id)

        def post() -> Any:
            reply = self.hook.request("POST", "fieldOption/bulk", json={"fieldOptions": options})
            created = reply.get("fieldOptions", reply) if isinstance(reply, dict) else reply
            self.record_done("created", "fieldOptions", None, detail=f"{len(options)} options of field {field_id}")
            return created

        def find(since: Any) -> list[dict[str, Any]] | None:  # option values are unique within a field
            existing = {str(o.get("value")): o for o in self.field_options(field_id)}
            found = [existing[str(o["value"])] for o in options if str(o["value"]) in existing]
            return found if len(found) == len(options) else None

        return create_once(post, find, context=context, what=f"the options of field {field_id}")

    def field_options(self, field_id: str) -> list[Any]:
        """The field's options: ``GET /fields/{id}/options`` (its ``links``), or on 404 the documented
        ``GET /fields/{id}``, which side-loads them."""
        try:
            return list(self.hook.paginate(f"fields/{field_id}/options", "fieldOptions"))
        except ActiveCampaignNotFoundError:
            reply = self.hook.request("GET", resource("field").item_path(field_id, "field_id"))
            return [o for o in (reply or {}).get("fieldOptions") or [] if str(o.get("field")) == str(field_id)]


class ActiveCampaignListFieldsOperator(ActiveCampaignListOperator):
    """List contact custom fields (``GET /fields``, every page).

    :param perstag: only the field with this personalization tag.
    :param limit: at most this many.
    :param output_path: write JSON Lines there instead.
    """

    def __init__(self, *, perstag: str | None = None, limit: int | None = None, output_path: str | None = None,
                 **kwargs: Any) -> None:
        super().__init__(resource="field", filters=compact(perstag=perstag), limit=limit, output_path=output_path,
                         **kwargs)


class ActiveCampaignUpsertFieldValueOperator(ActiveCampaignCreateOperator):
    """Set a contact's custom field value: ``PUT /fieldValues/{id}`` when the contact has one
    for the field (``field_value_id``, or found in ``GET /contacts/{id}/fieldValues``), else
    ``POST /fieldValues``. Safe to retry.

    :param contact_id: the contact's id (templated).
    :param field_id: the custom field's id (templated); checked against the account's fields first
        (``GET /fields``: one extra read per task).
    :param value: the value (templated); dates as ``YYYY-MM-DD``, several options as ``||A||B||``.
    :param field_value_id: the id of the contact's field value to change; looked up when None.
    """

    template_fields: Sequence[str] = (*ActiveCampaignCreateOperator.template_fields, "field_value_id")
    parameters = {"contact_id": "contact", "field_id": "field", "value": "value"}
    id_param = "field_value_id"

    def __init__(self, *, contact_id: int | str, field_id: int | str, value: Any,
                 field_value_id: int | str | None = None, **kwargs: Any) -> None:
        body = self.named_body({"contact_id": contact_id, "field_id": field_id, "value": value})
        super().__init__(resource="fieldValue", body=body, **kwargs)
        self.field_value_id = field_value_id
        self.check_literals(record_id=field_value_id)

    def perform(self, context: Context) -> Any:
        spec = self.spec()
        body = self.checked_body(spec, partial=False)  # the field id checked against the account's fields
        path = None
        if self.field_value_id is not None:
            path = spec.item_path(self.field_value_id, self.id_param)
        else:
            values = self.hook.paginate(
                sub_collection("contact", "fieldValue").collection_path(body["contact"], "contact"), spec.plural)
            existing = next((v for v in values if str(v.get("field")) == body["field"]), None)
            if existing is not None:
                path = spec.item_path(existing["id"])
        method = "POST" if path is None else "PUT"
        record = self.write(spec, method, path or spec.path, body)
        self.record_done("created" if path is None else "updated", spec.name, id_of(record),
                         detail=f"field {body['field']} of contact {body['contact']}")
        return record


class ActiveCampaignGetFieldValueOperator(ActiveCampaignGetOperator):
    """Get a custom field value (``GET /fieldValues/{id}``).

    :param field_value_id: the field value's id (templated).
    """

    id_param = "field_value_id"

    def __init__(self, *, field_value_id: int | str, **kwargs: Any) -> None:
        super().__init__(resource="fieldValue", record_id=field_value_id, **kwargs)


class ActiveCampaignListFieldValuesOperator(ContactCollectionListOperator):
    """List custom field values (``GET /fieldValues``), or one contact's
    (``GET /contacts/{id}/fieldValues``).

    :param contact_id: only this contact's values (templated; not combined with the filters).
    :param field_id: only values of this custom field.
    :param value: only this value.
    :param limit: at most this many.
    :param output_path: write JSON Lines there instead.
    """

    def __init__(self, *, contact_id: int | str | None = None, field_id: int | str | None = None,
                 value: str | None = None, limit: int | None = None, output_path: str | None = None,
                 **kwargs: Any) -> None:
        super().__init__(resource="fieldValue", contact_id=contact_id, filters=compact(field_id=field_id, value=value),
                         limit=limit, output_path=output_path, **kwargs)


class ActiveCampaignUpdateFieldValueOperator(ActiveCampaignUpdateOperator):
    """Update a custom field value (``PUT /fieldValues/{id}``).

    :param field_value_id: the field value's id (templated).
    :param contact_id: the contact's id.
    :param field_id: the custom field's id.
    :param value: the new value (templated).
    """

    id_param = "field_value_id"
    parameters = {"contact_id": "contact", "field_id": "field", "value": "value"}

    def __init__(self, *, field_value_id: int | str, contact_id: int | str, field_id: int | str, value: Any,
                 **kwargs: Any) -> None:
        super().__init__(resource="fieldValue", record_id=field_value_id,
                         body=self.named_body({"contact_id": contact_id, "field_id": field_id, "value": value}),
                         **kwargs)
