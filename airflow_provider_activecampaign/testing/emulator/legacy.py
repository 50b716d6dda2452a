"""The legacy API (``/admin/api.php?api_action=...``): an explicit table of actions over the same store.

Legacy replies are always HTTP 200: ``result_code`` 1 with the action's fields, or 0 with a
``result_message``. Timestamps are local MySQL text (``2011-01-31 15:34:28``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from airflow_provider_activecampaign.testing.emulator.filters import (
    Predicate,
    contact_lists,
    contact_status,
    eq,
    id_greater,
    id_in,
    id_less,
    like,
    since,
    until,
    windows,
)
from airflow_provider_activecampaign.testing.emulator.resources import RESOURCES
from airflow_provider_activecampaign.testing.emulator.store import Store
from airflow_provider_activecampaign.testing.emulator.values import (
    BRACKET_KEY,
    FILTER_KEY,
    ApiError,
    Query,
    Record,
    Reply,
    as_int,
    as_text,
    format_time,
    legacy_time,
    parse_time,
)

LEGACY_PAGE = 20

Pairs = list[tuple[str, str]]
Action = Callable[[Store, Mapping[str, str], Pairs], Record]


class LegacyFailure(Exception):
    """A legacy action that failed: 200 with ``result_code: 0``."""


def _contact_fields(store: Store, params: Mapping[str, str], pairs: list[tuple[str, str]]
                           ) -> tuple[Record, dict[str, str], list[str], dict[str, str]]:
    """(contact fields, {list id: status}, tag names, {field id or perstag: value}) from a legacy form."""
    names = {"email": "email", "first_name": "firstName", "last_name": "lastName", "phone": "phone",
             "orgname": "orgname"}
    fields = {modern: params[legacy] for legacy, modern in names.items() if legacy in params}
    lists: dict[str, str] = {}
    statuses: dict[str, str] = {}
    custom: dict[str, str] = {}
    tags: list[str] = []
    for key, value in pairs:
        match = BRACKET_KEY.fullmatch(key)
        if match and match.group(1) == "p":
            lists[value or match.group(2)] = "1"
        elif match and match.group(1) == "status":
            statuses[match.group(2)] = value
        elif match and match.group(1) == "field":
            custom[match.group(2).split(",")[0].strip("%")] = value
        elif key in ("tags", "tags[]") or (match and match.group(1) == "tags"):
            tags.extend(t.strip() for t in value.split(",") if t.strip())
    lists = {lid: statuses.get(lid, status) for lid, status in lists.items()}
    return fields, lists, tags, custom


def _apply(store: Store, contact: Record, lists: Mapping[str, str], tags: list[str],
                  custom: Mapping[str, str]) -> None:
    for list_id, status in lists.items():
        store.set_list_status(contact["id"], list_id, status, "api")
    _add_tags(store, contact, tags)
    for key, value in custom.items():
        definition = store.get("fields", key) or next(
            (f for f in store.ordered("fields") if as_text(f.get("perstag")).lower() == key.lower()), None)
        if definition is None:
            raise LegacyFailure(f"Custom field {key} does not exist")
        store.set_field_value(contact["id"], definition["id"], value, "api")



def _add_tags(store: Store, contact: Record, tags: list[str]) -> None:
    """Tag the contact with each name, making tags that do not exist yet."""
    for name in tags:
        store.tag(contact["id"], store.tag_by_name(name, create=True, source="api")["id"], "api")  # type: ignore[index]

def _write_contact(store: Store, params: Mapping[str, str], pairs: list[tuple[str, str]], mode: str) -> Record:
    fields, lists, tags, custom = _contact_fields(store, params, pairs)
    for list_id in lists:
        if store.get("lists", list_id) is None:
            raise LegacyFailure(f"List {list_id} does not exist")
    contacts = RESOURCES["contacts"]
    if mode == "edit":
        rec = store.get("contacts", params.get("id"))
        if rec is None:
            raise LegacyFailure("Contact not found")
        if not fields.get("email"):  # contact_edit wants the e-mail even when it does not change
            raise LegacyFailure("Contact Email Address is not valid.")
        rec, message = store.save(contacts, fields, rec, "api"), "Contact updated"
    elif mode == "sync":
        if not fields.get("email"):
            raise LegacyFailure("Contact Email Address is not valid.")
        rec, created = store.sync_contact(fields, "api")
        message = "Contact added" if created else "Contact updated"
    else:
        store.check_required(contacts, fields)
        rec, message = store.save(contacts, fields, None, "api"), "Contact added"
    _apply(store, rec, lists, tags, custom)
    return {"subscriber_id": int(rec["id"]), "sendlast_should": 0, "sendlast_did": 0, "result_message": message}


def contact_add(store: Store, params: Mapping[str, str], pairs: list[tuple[str, str]]) -> Record:
    return _write_contact(store, params, pairs, "add")


def contact_edit(store: Store, params: Mapping[str, str], pairs: list[tuple[str, str]]) -> Record:
    return _write_contact(store, params, pairs, "edit")


def contact_sync(store: Store, params: Mapping[str, str], pairs: list[tuple[str, str]]) -> Record:
    return _write_contact(store, params, pairs, "sync")


def _contact_row(store: Store, contact: Record) -> Record:
    """A contact in the legacy API's flat shape."""
    lists = {cl["list"]: {"listid": cl["list"], "status": cl["status"], "sdate": legacy_time(cl.get("sdate")),
                          "unsubdate": legacy_time(cl.get("_unsubdate"))}
             for cl in store.children("contactLists", "contact", contact["id"])}
    fields = {}
    for value in store.children("fieldValues", "contact", contact["id"]):
        definition = store.get("fields", value["field"]) or {}
        fields[value["field"]] = {"id": value["field"], "title": definition.get("title"),
                                  "perstag": definition.get("perstag"), "type": definition.get("type"),
                                  "val": value.get("value")}
    return {
        "id": contact["id"], "subscriberid": contact["id"], "email": contact.get("email"),
        "first_name": contact.get("firstName"), "last_name": contact.get("lastName"),
        "phone": contact.get("phone"), "orgname": contact.get("orgname"), "hash": contact.get("hash"),
        "cdate": legacy_time(contact.get("cdate")), "udate": legacy_time(contact.get("udate")),
        "tags": [t.get("tag") for t in store.tags_of(contact["id"])], "lists": lists,
        "listslist": "-".join(lists), "fields": fields,
    }


def contact_view(store: Store, params: Mapping[str, str], pairs: list[tuple[str, str]]) -> Record:
    contact = store.get("contacts", params.get("id"))
    if contact is None:
        raise LegacyFailure("Failed: Nothing is returned")
    return {**_contact_row(store, contact), "result_message": "Success: Something is returned"}


def contact_view_email(store: Store, params: Mapping[str, str], pairs: list[tuple[str, str]]) -> Record:
    email = as_text(params.get("email")).lower()
    contact = next((c for c in store.ordered("contacts") if as_text(c.get("email")).lower() == email), None)
    if contact is None:
        raise LegacyFailure("Failed: Nothing is returned")
    return {**_contact_row(store, contact), "result_message": "Success: Something is returned"}


def contact_list(store: Store, params: Mapping[str, str], pairs: list[tuple[str, str]]) -> Record:
    """Contacts subscribed to at least one list; ``ids`` all or a list; filters; 20 a ``page``."""
    filters = {m.group(1): v for k, v in params.items() if (m := FILTER_KEY.fullmatch(k)) and v != ""}
    checks: list[tuple[Predicate, str]] = [(id_in, params["ids"])] if params.get("ids", "all") != "all" else []
    names = {"email": eq("email"), "first_name": like("firstName"), "last_name": like("lastName"),
             "listid": contact_lists, "id_greater": id_greater,
             "id_less": id_less, "since_datetime": since("udate", "cdate"),
             "until_datetime": until("udate", "cdate"), **windows("cdate", "udate")}
    query: Query = {"status": [filters.get("status", "-1")]}
    checks += [(names[k], v) for k, v in filters.items() if k in names]
    if "tagname" in filters:
        checks.append((lambda store, rec, value, q: any(as_text(t.get("tag")).lower() == value.lower()
                                                     for t in store.tags_of(rec["id"])), filters["tagname"]))
    if "status" in filters and "listid" not in filters:
        checks.append((contact_status, filters["status"]))
    found = [c for c in store.ordered("contacts") if store.children("contactLists", "contact", c["id"])
             and all(check(store, c, value, query) for check, value in checks)]
    return _page(store, [_contact_row(store, c) for c in found], params)


def _page(store: Store, rows: list[Record], params: Mapping[str, str]) -> Record:
    page = max(1, as_int(params.get("page"), 1))
    rows = rows[(page - 1) * LEGACY_PAGE:page * LEGACY_PAGE]
    if not rows:
        raise LegacyFailure("Failed: Nothing is returned")
    return {**{str(i): row for i, row in enumerate(rows)}, "result_message": "Success: Something is returned"}


def _contact_by_email(store: Store, params: Mapping[str, str], *names: str) -> Record:
    for name in names:
        if params.get(name):
            value = params[name].lower()
            found = next((c for c in store.ordered("contacts")
                          if value in (as_text(c.get("email")).lower(), c["id"])), None)
            if found is not None:
                return found
    raise LegacyFailure("Contact not found")


def contact_tag_add(store: Store, params: Mapping[str, str], pairs: list[tuple[str, str]]) -> Record:
    contact = _contact_by_email(store, params, "email", "id")
    _, _, tags, _ = _contact_fields(store, params, pairs)
    if not tags:
        raise LegacyFailure("No tags were provided")
    _add_tags(store, contact, tags)
    return {"result_message": "Tag(s) added"}


def contact_tag_remove(store: Store, params: Mapping[str, str], pairs: list[tuple[str, str]]) -> Record:
    contact = _contact_by_email(store, params, "email", "id")
    _, _, tags, _ = _contact_fields(store, params, pairs)
    wanted = {t.lower() for t in tags}
    for link in store.children("contactTags", "contact", contact["id"]):
        tag = store.get("tags", link["tag"]) or {}
        if as_text(tag.get("tag")).lower() in wanted:
            store.delete(RESOURCES["contactTags"], link, "api")
    return {"result_message": "Tag(s) removed"}


def _contact_and_automation(store: Store, params: Mapping[str, str]) -> tuple[Record, Record]:
    contact = _contact_by_email(store, params, "contact_email", "contact_id", "email")
    automation = store.get("automations", params.get("automation"))
    if automation is None:
        raise LegacyFailure("Automation not found")
    return contact, automation


def automation_contact_add(store: Store, params: Mapping[str, str], pairs: list[tuple[str, str]]) -> Record:
    contact, automation = _contact_and_automation(store, params)
    data = {"contact": contact["id"], "automation": automation["id"]}
    store.save(RESOURCES["contactAutomations"], data, None, "api")
    return {"result_message": "Contact added to the automation"}


def automation_contact_remove(store: Store, params: Mapping[str, str], pairs: list[tuple[str, str]]) -> Record:
    contact, automation = _contact_and_automation(store, params)
    entries = [e for e in store.children("contactAutomations", "contact", contact["id"])
               if e.get("automation") == automation["id"]]
    if not entries:
        raise LegacyFailure("The contact is not in this automation")
    for entry in entries:
        store.delete(RESOURCES["contactAutomations"], entry, "api")
    return {"result_message": "Contact removed from the automation"}


def contact_note_add(store: Store, params: Mapping[str, str], pairs: list[tuple[str, str]]) -> Record:
    contact = store.get("contacts", params.get("id"))
    if contact is None:
        raise LegacyFailure("Contact not found")
    if not params.get("note"):
        raise LegacyFailure("Note is required")
    data = {"note": params["note"], "relid": contact["id"], "reltype": "Subscriber",
            "_listid": params.get("listid", "0")}
    note = store.save(RESOURCES["notes"], data, None, "api")
    return {"id": int(note["id"]), "result_message": "Note added"}


def campaign_create(store: Store, params: Mapping[str, str], pairs: list[tuple[str, str]]) -> Record:
    lists = [value or m.group(2) for key, value in pairs if (m := BRACKET_KEY.fullmatch(key)) and m.group(1) == "p"]
    messages = [m.group(2) for key, _ in pairs if (m := BRACKET_KEY.fullmatch(key)) and m.group(1) == "m"]
    if not params.get("name"):
        raise LegacyFailure("Campaign name is required")
    if not lists or not messages:
        raise LegacyFailure("You must provide at least one list (p[ID]) and one message (m[ID])")
    for plural, ids in (("lists", lists), ("messages", messages)):
        missing = [i for i in ids if store.get(plural, i) is None]
        if missing:
            raise LegacyFailure(f"{plural[:-1].capitalize()} {missing[0]} does not exist")
    names = ("type", "name", "status", "public", "tracklinks", "tracklinksanalytics", "trackreads",
             "trackreadsanalytics", "analytics_campaign_name", "tweet", "facebook", "embed_images",
             "htmlunsub", "textunsub", "recurring", "split_type", "responder_type", "bounceid")
    data: Record = {name: params[name] for name in names if name in params}
    data["segmentid"] = params.get("filterid", params.get("segmentid", "0"))
    if params.get("sdate") and parse_time(params["sdate"]):
        data["sdate"] = format_time(parse_time(params["sdate"]))  # type: ignore[arg-type]
    data.update(_lists=lists, _messages=messages)
    campaign = store.save(RESOURCES["campaigns"], data, None, "api")
    return {"id": int(campaign["id"]), "result_message": "Campaign saved"}


def campaign_delete(store: Store, params: Mapping[str, str], pairs: list[tuple[str, str]]) -> Record:
    campaign = store.get("campaigns", params.get("id"))
    if campaign is None:
        raise LegacyFailure("Campaign not found")
    store.delete(RESOURCES["campaigns"], campaign, "api")
    return {"result_message": "Campaign deleted"}


def campaign_list(store: Store, params: Mapping[str, str], pairs: list[tuple[str, str]]) -> Record:
    """``ids`` all or a list; ``filters[name|type|cdate_since_datetime|sdate_since_datetime|...]``."""
    filters = {m.group(1): v for k, v in params.items() if (m := FILTER_KEY.fullmatch(k)) and v != ""}
    ids = params.get("ids", "all")
    wanted = None if ids == "all" else {i.strip() for i in ids.split(",")}
    checks = {"name": like("name"), "type": eq("type"), "cdate_since_datetime": since("cdate"),
              "sdate_since_datetime": since("sdate"), "ldate_since_datetime": since("ldate")}
    found = [c for c in store.ordered("campaigns") if (wanted is None or c["id"] in wanted)
             and all(checks[k](store, c, v, {}) for k, v in filters.items() if k in checks)]
    rows = []
    for campaign in found:
        row = {k: v for k, v in campaign.items() if not k.startswith("_")}
        row.update({name: legacy_time(campaign.get(name)) for name in ("cdate", "mdate", "sdate", "ldate")})
        lists, messages = campaign.get("_lists", []), campaign.get("_messages", [])
        row.update(lists=[{"id": i, "listid": i} for i in lists], listslist=",".join(lists),
                   messages=[{"id": i, "messageid": i} for i in messages], messageslist=",".join(messages))
        rows.append(row)
    return _page(store, rows, params)


def _message(failure: Exception) -> str:
    if isinstance(failure, ApiError) and isinstance(failure.body, dict):
        errors = failure.body.get("errors")
        if isinstance(errors, list) and errors and isinstance(errors[0], dict):
            return as_text(errors[0].get("title"))
        return as_text(failure.body.get("message"))
    return str(failure)


#: ``api_action`` -> handler: the legacy actions the emulator serves; any other action is invalid.
ACTIONS: dict[str, Action] = {
    "contact_add": contact_add,
    "contact_edit": contact_edit,
    "contact_sync": contact_sync,
    "contact_view": contact_view,
    "contact_view_email": contact_view_email,
    "contact_list": contact_list,
    "contact_tag_add": contact_tag_add,
    "contact_tag_remove": contact_tag_remove,
    "automation_contact_add": automation_contact_add,
    "automation_contact_remove": automation_contact_remove,
    "contact_note_add": contact_note_add,
    "campaign_create": campaign_create,
    "campaign_delete": campaign_delete,
    "campaign_list": campaign_list,
}


def answer(store: Store, params: Mapping[str, str], pairs: list[tuple[str, str]]) -> Reply:
    """One legacy call: always HTTP 200, ``result_code`` 1 on success and 0 (with a message) on failure."""
    action = params.get("api_action", "")
    handler = ACTIONS.get(action)
    if handler is None:
        result: Record = {"result_code": 0, "result_message": f"Unknown api_action: {action}"}
    else:
        try:
            with store.lock:
                result = {"result_code": 1, **handler(store, params, pairs)}
        except (LegacyFailure, ApiError) as failure:
            result = {"result_code": 0, "result_message": _message(failure)}
    return Reply(200, {**result, "result_output": "json"})
