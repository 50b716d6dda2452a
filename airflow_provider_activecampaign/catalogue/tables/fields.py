"""Custom fields beyond the contact's: account and deal fields (their definitions, "meta", and
values, "data"), field groups, field-to-list relations and field options."""

from __future__ import annotations

from airflow_provider_activecampaign.catalogue.model import (
    CREATE,
    DELETE,
    Action,
    Filter,
    NaturalKey,
    Resource,
    SubCollection,
)
from airflow_provider_activecampaign.catalogue.types import Rule, enum, ident, required, text

#: The field types of account and deal custom fields.
FIELD_TYPES = ("text", "textarea", "date", "datetime", "dropdown", "multiselect", "radio", "checkbox", "hidden",
               "currency", "number")


def _meta(owner: str) -> Resource:
    """An account's or a deal's custom field definitions (``accountCustomFieldMeta``)."""
    return Resource(
        f"{owner}CustomFieldMetum", f"{owner}CustomFieldMeta", f"{owner}CustomFieldMetum", f"{owner}CustomFieldMeta",
        fields={
            "fieldLabel": required(text()), "fieldType": enum(*FIELD_TYPES, required=True),
            "fieldOptions": Rule("list"), "fieldDefault": text(), "fieldDefaultCurrency": Rule("currency"),
            "isFormVisible": Rule("bool"), "displayOrder": Rule("int", minimum=0),
        },
        created="createdTimestamp", updated="updatedTimestamp",
        natural_key=NaturalKey(("fieldLabel", "fieldType")),
    )


def _data(owner: str, id_field: str) -> Resource:
    """The values of an account's or a deal's custom fields (``dealCustomFieldData``)."""
    return Resource(
        f"{owner}CustomFieldDatum", f"{owner}CustomFieldData", f"{owner}CustomFieldDatum", f"{owner}CustomFieldData",
        fields={
            id_field: ident(required=True),
            "customFieldId": Rule("int", required=True, minimum=1, defined_by=f"{owner}CustomFieldMetum"),
            "fieldValue": Rule("any", required=True), "fieldCurrency": Rule("currency"),
        },
        filters={id_field: Filter(f"filters[{id_field}]", ident())},
        created="createdTimestamp", updated="updatedTimestamp",
        natural_key=NaturalKey((id_field, "customFieldId"), {id_field: id_field}),
    )


def _bulk(owner: str, id_field: str) -> tuple[Action, ...]:
    path = f"{owner}CustomFieldData"
    return (
        Action(f"{owner}CustomFieldDatum.bulkCreate", "POST", f"{path}/bulkCreate",
               doc=f"create many {owner} custom field values: a list of {{{id_field}, customFieldId, fieldValue}}"),
        Action(f"{owner}CustomFieldDatum.bulkUpdate", "PATCH", f"{path}/bulkUpdate",
               doc=f"update many {owner} custom field values: a list of {{id, fieldValue}}"),
    )


RESOURCES: tuple[Resource, ...] = (
    _meta("account"), _data("account", "customerAccountId"),
    _meta("deal"), _data("deal", "dealId"),
    Resource(
        "groupMember", "groupMembers", "groupMember", "groupDefinitions",
        fields={"rel_id": ident(), "ordernum": Rule("int", minimum=0), "group_id": ident()},
        created=None, updated=None,
    ),
    Resource(
        "groupDefinition", "groupDefinitions", "groupDefinition", "groupDefinitions", frozenset({CREATE}),
        fields={"label": required(text()), "ordernum": Rule("int", minimum=0), "groupType": text()},
        created=None, updated=None,
    ),
    Resource(
        "fieldRel", "fieldRels", "fieldRel", "fieldRels", frozenset({CREATE, DELETE}),
        fields={"field": ident(required=True), "relid": Rule("int", required=True, minimum=0)},  # 0: every list
        updated=None,
        natural_key=NaturalKey(("field", "relid")),
    ),
)

SUBCOLLECTIONS: tuple[SubCollection, ...] = ()

ACTIONS: tuple[Action, ...] = (
    *_bulk("account", "customerAccountId"),
    *_bulk("deal", "dealId"),
    Action("field.createOptions", "POST", "fieldOption/bulk", reply="fieldOptions",
           doc="add options to a dropdown, listbox, radio or checkbox field: {fieldOptions: [...]}"),
)

