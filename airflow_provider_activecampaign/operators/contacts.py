"""Contacts: create, sync, update, delete, get and list them (v3), and the legacy contact actions."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from airflow_provider_activecampaign.catalogue import Filter, Resource, Rule, compact, enum, ident, resource, text
from airflow_provider_activecampaign.exceptions import (
    ActiveCampaignInputError,
    ActiveCampaignNotFoundError,
    ActiveCampaignReplyError,
)
from airflow_provider_activecampaign.operators.custom_fields import known_field_id
from airflow_provider_activecampaign.operators.generic import (
    ActiveCampaignCreateOperator,
    ActiveCampaignDeleteOperator,
    ActiveCampaignGetOperator,
    ActiveCampaignListOperator,
    ActiveCampaignUpdateOperator,
)
from airflow_provider_activecampaign.operators.legacy import (
    LegacyListOperator,
    LegacyOperator,
    found_reply,
    legacy_field_values,
    legacy_tags,
)
from airflow_provider_activecampaign.operators.links import ActiveCampaignRecordLink
from airflow_provider_activecampaign.operators.retry_safe import find_created

if TYPE_CHECKING:
    from airflow.providers.common.compat.sdk import Context


#: The contact operators' parameters -> the API's contact fields.
CONTACT_PARAMETERS = {"email": "email", "first_name": "firstName", "last_name": "lastName", "phone": "phone",
                      "field_values": "fieldValues"}


class ActiveCampaignCreateContactOperator(ActiveCampaignCreateOperator):
    """Create a contact (``POST /contacts``); 422 if the e-mail exists already.

    :param email: the contact's e-mail address (templated, required).
    :param first_name: first name.
    :param last_name: last name.
    :param phone: phone number.
    :param field_values: custom field values, ``{field id or personalization tag: value}``
        (``{"COLOUR": "blue"}``; a tag is looked up with ``GET /fields``) or the API's list
        ``[{"field": "1", "value": "x"}]``. Field ids are checked against the account's fields before
        the write (one extra read per task, only when given).
    :param extra_fields: other contact fields of the API (``orgid``, ``deleted``), as the API names them.
    """

    parameters = CONTACT_PARAMETERS

    def __init__(self, *, email: str, first_name: str | None = None, last_name: str | None = None,
                 phone: str | None = None, field_values: Mapping[Any, Any] | list[dict[str, Any]] | None = None,
                 extra_fields: Mapping[str, Any] | None = None, **kwargs: Any) -> None:
        body = self.named_body({"email": email, "first_name": first_name, "last_name": last_name, "phone": phone,
                                "field_values": field_values}, extra_fields)
        super().__init__(resource="contact", body=body, **kwargs)


class ActiveCampaignSyncContactOperator(ActiveCampaignCreateContactOperator):
    """Create a contact, or update the one with this e-mail (``POST /contact/sync``).

    Safe to retry: the API keys the sync on the e-mail address. Same parameters as
    :class:`ActiveCampaignCreateContactOperator`.
    """

    upsert = True

    def create_path(self, spec: Resource) -> str:
        return "contact/sync"


class ActiveCampaignUpdateContactOperator(ActiveCampaignUpdateOperator):
    """Update a contact (``PUT /contacts/{id}``); only the given fields change.

    :param contact_id: the contact's id (templated). Other parameters as
        :class:`ActiveCampaignCreateContactOperator`, all optional.
    """

    parameters = CONTACT_PARAMETERS
    id_param = "contact_id"

    def __init__(self, *, contact_id: int | str, email: str | None = None, first_name: str | None = None,
                 last_name: str | None = None, phone: str | None = None,
                 field_values: Mapping[Any, Any] | list[dict[str, Any]] | None = None,
                 extra_fields: Mapping[str, Any] | None = None, **kwargs: Any) -> None:
        body = self.named_body({"email": email, "first_name": first_name, "last_name": last_name, "phone": phone,
                                "field_values": field_values}, extra_fields)
        super().__init__(resource="contact", record_id=contact_id, body=body, **kwargs)


class ActiveCampaignDeleteContactOperator(ActiveCampaignDeleteOperator):
    """Delete a contact (``DELETE /contacts/{id}``).

    :param contact_id: the contact's id (templated).
    """

    id_param = "contact_id"

    def __init__(self, *, contact_id: int | str, **kwargs: Any) -> None:
        super().__init__(resource="contact", record_id=contact_id, **kwargs)


class ActiveCampaignGetContactOperator(ActiveCampaignGetOperator):
    """Get a contact (``GET /contacts/{id}``).

    :param contact_id: the contact's id (templated).
    """

    id_param = "contact_id"

    def __init__(self, *, contact_id: int | str, **kwargs: Any) -> None:
        super().__init__(resource="contact", record_id=contact_id, **kwargs)


class ActiveCampaignGetContactByEmailOperator(ActiveCampaignListOperator):
    """Get the contact with this e-mail address (``GET /contacts?email=``). Returns the record.

    :param email: the contact's e-mail address (templated).
    :param missing_ok: return None when no contact has it, instead of failing.
    """

    def __init__(self, *, email: str, missing_ok: bool = False, **kwargs: Any) -> None:
        super().__init__(resource="contact", filters={"email": email}, limit=2, **kwargs)
        self.missing_ok = missing_ok
        self.check_arguments(missing_ok=(Rule("bool", required=True), missing_ok))

    def perform(self, context: Context) -> dict[str, Any] | None:
        missing_ok = Rule("bool", required=True).check(self.missing_ok, "missing_ok")
        spec = self.spec()
        params = spec.list_params(self.filters, None)
        found = list(self.read(spec, params, limit=2))
        if len(found) > 1:  # the API keeps e-mails unique; two would mean the filter was ignored
            raise ActiveCampaignReplyError("GET", "/api/3/contacts", 200,
                                           f"{len(found)} contacts match one e-mail address")
        if not found and not missing_ok:
            raise ActiveCampaignNotFoundError("GET", "/api/3/contacts", 404,
                                              f"No contact has the e-mail address {params['email']!r}")
        self.log.info("Contact %s", found[0]["id"] if found else "not found")
        return found[0] if found else None


class ActiveCampaignListContactsOperator(ActiveCampaignListOperator):
    """List contacts, every page (keyset paging by id unless an ordering is given).

    :param email: exact e-mail.
    :param email_like: part of the e-mail.
    :param search: part of name, organization, phone or e-mail.
    :param organization: organization (account) id.
    :param list_id: list id.
    :param status: list status (-1 any, 0 unconfirmed, 1 active, 2 unsubscribed, 3 bounced).
    :param tag_id: tag id.
    :param created_after: time window.
    :param created_before: as ``created_after``.
    :param updated_after: as ``created_after``.
    :param updated_before: as ``created_after``.
    :param order_by: one of the catalogue's orderings (id, cdate, email, first_name,
        last_name, name, score).
    :param order: ``ASC`` or ``DESC``.
    """

    def __init__(self, *, email: str | None = None, email_like: str | None = None, search: str | None = None,
                 organization: int | str | None = None, list_id: int | str | None = None,
                 status: int | str | None = None, tag_id: int | str | None = None,
                 created_after: Any = None, created_before: Any = None, updated_after: Any = None,
                 updated_before: Any = None, order_by: str | None = None, order: str = "ASC",
                 limit: int | None = None, output_path: str | None = None, **kwargs: Any) -> None:
        filters = compact(email=email, email_like=email_like, search=search, organization=organization,
                          list_id=list_id, status=status, tag_id=tag_id, created_after=created_after,
                          created_before=created_before, updated_after=updated_after,
                          updated_before=updated_before)
        orders = {order_by: order} if order_by else None
        super().__init__(resource="contact", filters=filters, orders=orders, limit=limit,
                         output_path=output_path, **kwargs)


_LEGACY_CONTACT_FILTERS = {
    "email": Filter("filters[email]", Rule("email")),
    "first_name": Filter("filters[first_name]"),
    "last_name": Filter("filters[last_name]"),
    "tag": Filter("filters[tagname]"),
    "list_id": Filter("filters[listid]", ident()),
    "status": Filter("filters[status]", enum(-1, 0, 1, 2, 3)),
}


class ActiveCampaignListSubscribedContactsOperator(LegacyListOperator):
    """List the contacts subscribed to at least one list (legacy ``contact_list`` with
    ``ids=all``, every page; v3 has no such filter). Other contacts are not returned.

    :param email: match these contact fields.
    :param first_name: as ``email``.
    :param last_name: as ``email``.
    :param phone: refused (the legacy documentation lists no such filter, and the API ignores a
        filter it does not know, returning every contact); use the v3 contacts list.
    :param orgname: refused, as ``phone``.
    :param tag: a tag name.
    :param field_values: custom fields ``{perstag or field id: value}``.
    :param list_id: only this list.
    :param status: list status (-1 any, 0 unconfirmed, 1 active,
        2 unsubscribed, 3 bounced).
    :param limit: at most this many.
    :param output_path: write JSON Lines there instead.
    """

    rules = {**{name: spec.rule for name, spec in _LEGACY_CONTACT_FILTERS.items()}, "field_values": Rule("dict")}
    what = "contacts"

    def __init__(self, *, email: str | None = None, first_name: str | None = None, last_name: str | None = None,
                 phone: str | None = None, orgname: str | None = None, tag: str | None = None,
                 field_values: Mapping[str, Any] | None = None, list_id: int | str | None = None,
                 status: int | str | None = None, limit: int | None = None, output_path: str | None = None,
                 **kwargs: Any) -> None:
        fields = compact(email=email, first_name=first_name, last_name=last_name,
                         tag=tag, field_values=field_values, list_id=list_id, status=status)
        super().__init__(fields=fields, limit=limit, output_path=output_path, **kwargs)
        self.refused = compact(phone=phone, orgname=orgname)

    def checked(self) -> dict[str, Any]:
        for name in self.refused:
            valid = ", ".join([*_LEGACY_CONTACT_FILTERS, "field_values"])
            raise ActiveCampaignInputError(name, f"left out: the legacy contact list filters only by {valid}",
                                           self.refused[name])
        return super().checked()

    def call(self, values: dict[str, Any]) -> tuple[str, dict[str, Any], None]:
        params: dict[str, Any] = {"ids": "all", "full": 1}
        params.update({spec.param: values[name] for name, spec in _LEGACY_CONTACT_FILTERS.items()
                       if values[name] is not None})
        for key, value in legacy_field_values(values["field_values"] or {}, "field_values").items():
            params[f"filters[fields][{key}]"] = value
        return "contact_list", params, None


#: A legacy form's custom field value given by id (``field[7,0]``).
_LEGACY_FIELD_ID = re.compile(r"field\[\s*([0-9]+)\s*(?:,[^\]]*)?\]")


class _LegacyContactOperator(LegacyOperator):
    """The legacy contact actions' shared parameters (sync, create, update).

    :param email: the contact's e-mail.
    :param first_name: contact fields.
    :param last_name: as ``first_name``.
    :param phone: as ``first_name``.
    :param orgname: organization (company) name.
    :param tags: tag names (list or comma-separated).
    :param field_values: custom fields ``{perstag or field id: value}`` (``field[%PERS%,0]``). Field
        ids are checked against the account's fields (``GET /fields``: one extra read per task, only when given).
    :param list_id: a list to put the contact on (``p[ID]``).
    :param list_status: its status there (``status[ID]``): 1 active (default), 2 unsubscribed.
    :param extra_fields: other legacy form fields, as the legacy API names them.
    """

    action: ClassVar[str]
    changes = "contact"
    operator_extra_links = (ActiveCampaignRecordLink(),)
    rules = {
        "contact_id": ident(), "email": Rule("email"), "first_name": text(), "last_name": text(), "phone": text(),
        "orgname": text(), "tags": Rule("any"), "field_values": Rule("dict"), "list_id": ident(),
        "list_status": enum(1, 2), "extra_fields": Rule("dict"),
    }
    needed: ClassVar[tuple[str, ...]] = ()

    def __init__(self, *, contact_id: int | str | None = None, email: str | None = None,
                 first_name: str | None = None, last_name: str | None = None, phone: str | None = None,
                 orgname: str | None = None, tags: str | Sequence[str] | None = None,
                 field_values: Mapping[str, Any] | None = None, list_id: int | str | None = None,
                 list_status: int | str | None = None, extra_fields: Mapping[str, Any] | None = None,
                 **kwargs: Any) -> None:
        fields = compact(contact_id=contact_id, email=email, first_name=first_name, last_name=last_name,
                         phone=phone, orgname=orgname, tags=tags, field_values=field_values, list_id=list_id,
                         list_status=list_status, extra_fields=extra_fields)
        super().__init__(fields=fields, **kwargs)

    def checked(self) -> dict[str, Any]:
        values = super().checked()
        for group in self.needed:
            names = group.split("|")
            if all(values[name] is None for name in names):
                raise ActiveCampaignInputError(" or ".join(names), "given")
        ids = [(key, f"field_values.{key}") for key in legacy_field_values(values["field_values"] or {},
                                                                           "field_values") if key.isdigit()]
        ids += [(found.group(1), f"extra_fields.{key}") for key in values["extra_fields"] or {}
                if (found := _LEGACY_FIELD_ID.fullmatch(str(key).strip()))]
        for field_id, label in ids:  # the account must have these fields (tags are the legacy API's to match)
            known_field_id(self.hook, "field", field_id, label)
        return values

    def call(self, values: dict[str, Any]) -> tuple[str, None, dict[str, Any]]:
        form = compact(id=values["contact_id"], email=values["email"], first_name=values["first_name"],
                       last_name=values["last_name"], phone=values["phone"], orgname=values["orgname"])
        if values["tags"] is not None:
            form["tags"] = legacy_tags(values["tags"])
        for key, value in legacy_field_values(values["field_values"] or {}, "field_values").items():
            form[f"field[{key},0]"] = value
        if values["list_id"] is not None:
            form[f"p[{values['list_id']}]"] = values["list_id"]
            form[f"status[{values['list_id']}]"] = values["list_status"] or 1
        form.update(values["extra_fields"] or {})
        return self.action, None, form


class ActiveCampaignLegacySyncContactOperator(_LegacyContactOperator):
    """Create a contact or update the one with this e-mail (or ``contact_id``) (legacy ``contact_sync``).

    Parameters as :class:`_LegacyContactOperator`; ``email`` or ``contact_id`` is required.
    """

    action = "contact_sync"
    needed = ("email|contact_id",)


class ActiveCampaignLegacyCreateContactOperator(_LegacyContactOperator):
    """Create a contact on a list (legacy ``contact_add``); ``email`` and ``list_id`` are required.

    Parameters as :class:`_LegacyContactOperator`.
    """

    action = "contact_add"
    needed = ("email", "list_id")

    def looks_up(self, values: dict[str, Any]) -> bool:
        return True

    def find_done(self, values: dict[str, Any], since: Any) -> dict[str, Any] | None:
        contact = find_created(self.hook, resource("contact"), {"email": values["email"]}, since)
        return found_reply(contact and {"id": contact["id"]}, "Contact added")


class ActiveCampaignLegacyUpdateContactOperator(_LegacyContactOperator):
    """Update a contact (legacy ``contact_edit``); ``contact_id`` is required.

    Only the given fields change (``overwrite=0``: lists and custom fields not named stay).
    The legacy API refuses ``contact_edit`` without an e-mail: when ``email`` is not given, the
    contact's own is read first (``GET /contacts/{id}``). Parameters as :class:`_LegacyContactOperator`.
    """

    action = "contact_edit"
    needed = ("contact_id",)

    def call(self, values: dict[str, Any]) -> tuple[str, None, dict[str, Any]]:
        if values["email"] is None:
            try:
                path = resource("contact").item_path(values["contact_id"], "contact_id")
                contact = self.hook.request("GET", path).get("contact") or {}
            except ActiveCampaignNotFoundError:
                contact = {}  # the legacy call then says the contact is not found, in its own words
            values = {**values, "email": contact.get("email")}
        action, _, form = super().call(values)
        return action, None, {"overwrite": 0, **form}


class ActiveCampaignLegacyGetContactOperator(LegacyOperator):
    """Get a contact (legacy ``contact_view``).

    :param contact_id: the contact's id (templated).
    """

    rules = {"contact_id": ident(required=True)}

    def __init__(self, *, contact_id: int | str, **kwargs: Any) -> None:
        super().__init__(fields={"contact_id": contact_id}, **kwargs)

    def call(self, values: dict[str, Any]) -> tuple[str, dict[str, Any], None]:
        return "contact_view", {"id": values["contact_id"]}, None
