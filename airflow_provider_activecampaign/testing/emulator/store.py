"""The emulator's state: tables of records, ids, the clock, and every way a record is made, changed or shown.

Records are stored the way the API returns them (ids and numbers as strings, US Central
timestamps); ``render`` adds ``links`` and drops internal ``_`` fields. Every change goes through
``save``/``delete``, which shape the record (``shapers``) and report it to ``on_change`` (the
webhook deliveries).
"""

from __future__ import annotations

import bisect
import copy
import threading
from collections.abc import Callable, Mapping
from datetime import datetime, timezone
from typing import Any

from airflow_provider_activecampaign.testing.emulator.kinds import check_values
from airflow_provider_activecampaign.testing.emulator.resources import CASCADES, NOTE_OWNERS, RESOURCES, Resource
from airflow_provider_activecampaign.testing.emulator.shapers import SHAPERS
from airflow_provider_activecampaign.testing.emulator.shapers_more import MORE_SHAPERS
from airflow_provider_activecampaign.testing.emulator.values import (
    ApiError,
    Record,
    as_int,
    as_text,
    format_time,
    invalid,
    legacy_time,
    not_found,
    problem,
    scalar,
    utc_text,
)

#: Told of every change: (resource, record after, record before or None, source, deleted).
ChangeListener = Callable[[Resource, Record, "Record | None", str, bool], None]


def _ignore_change(res: Resource, rec: Record, old: Record | None, source: str, deleted: bool) -> None:
    """The listener until deliveries are attached."""


class Table(dict):
    """One resource's records by id, also kept in id order: a page is a slice, never a sort of the table."""

    def __init__(self) -> None:
        super().__init__()
        self._ids: list[int] = []
        self._rows: list[Record] = []
        self._memo: dict[Any, Any] = {}  # figures over the table, dropped at every change

    def summary(self, key: Any, compute: Callable[[], Any]) -> Any:
        """``compute()`` (a figure over the table, e.g. a page's meta totals), worked out once per change."""
        if key not in self._memo:
            self._memo[key] = compute()
        return copy.deepcopy(self._memo[key])

    def __setitem__(self, key: str, rec: Record) -> None:
        self._memo.clear()
        known = key in self
        super().__setitem__(key, rec)
        number = int(key)
        at = bisect.bisect_left(self._ids, number)
        if known:
            self._rows[at] = rec
        elif at == len(self._ids):  # the usual case: a new, highest id
            self._ids.append(number)
            self._rows.append(rec)
        else:
            self._ids.insert(at, number)
            self._rows.insert(at, rec)

    def pop(self, key: str, *default: Any) -> Any:
        self._memo.clear()
        if key in self:
            at = bisect.bisect_left(self._ids, int(key))
            del self._ids[at], self._rows[at]
        return super().pop(key, *default)

    def __delitem__(self, key: str) -> None:
        self.pop(key)

    def in_order(self) -> list[Record]:
        return list(self._rows)

    def span(self, greater: int | None = None, less: int | None = None) -> tuple[int, int]:
        """Positions (start, stop) of the records with greater < id < less."""
        start = 0 if greater is None else bisect.bisect_right(self._ids, greater)
        stop = len(self._ids) if less is None else bisect.bisect_left(self._ids, less)
        return start, max(start, stop)

    def rows(self, start: int, stop: int) -> list[Record]:
        return self._rows[start:stop]


class Store:
    """In-memory records of every resource, guarded by one re-entrant lock."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.frozen: datetime | None = None
        self.base = ""  # the server's URL, for ``links``
        self.tracking_enabled = False
        self.site_tracking = False
        self.filter_reading = "offset"  # how date filters read their bound (filters.FILTER_READINGS)
        self.tables: dict[str, Table] = {}
        self.next_ids: dict[str, int] = {}
        self.on_change: ChangeListener = _ignore_change
        self.clear()

    def clear(self) -> None:
        """No records at all (the seed adds the account's own)."""
        with self.lock:
            self.tables = {plural: Table() for plural in RESOURCES}
            self.next_ids = dict.fromkeys(RESOURCES, 1)
            self.tracking_enabled = False
            self.site_tracking = False

    # clock, ids, lookups ------------------------------------------------------

    def now(self) -> datetime:
        return self.frozen or datetime.now(timezone.utc)

    def resource(self, name: str) -> Resource:
        try:
            return RESOURCES[name]
        except KeyError:
            raise ValueError(f"Unknown resource {name!r}; known: {', '.join(sorted(RESOURCES))}") from None

    def ordered(self, plural: str) -> list[Record]:
        return self.tables[plural].in_order()

    def get(self, plural: str, record_id: Any) -> Record | None:
        return self.tables[plural].get(as_text(record_id)) if record_id not in (None, "") else None

    def find(self, res: Resource, key: str) -> Record | None:
        if res.key == "id":
            return self.tables[res.plural].get(key)
        return next((rec for rec in self.tables[res.plural].values() if as_text(rec.get(res.key)) == key), None)

    def children(self, plural: str, name: str, value: Any) -> list[Record]:
        wanted = as_text(value)
        return [rec for rec in self.ordered(plural) if as_text(rec.get(name)) == wanted]

    def tags_of(self, contact_id: str) -> list[Record]:
        ids = [ct["tag"] for ct in self.children("contactTags", "contact", contact_id)]
        return [tag for tag in (self.get("tags", i) for i in ids) if tag]

    def require(self, plural: str, record_id: Any) -> Record:
        rec = self.get(plural, record_id)
        if rec is None:
            raise not_found(RESOURCES[plural].entity, record_id)
        return rec

    # rendering ----------------------------------------------------------------

    def render(self, res: Resource, rec: Record) -> Record:
        """The record as the API shows it: a deep copy with ``links``, without internal ``_`` fields."""
        out = {k: copy.deepcopy(v) for k, v in rec.items() if not k.startswith("_")}
        if res.key != "id":
            return {k: v for k, v in out.items() if k != "id"}
        rid = rec["id"]
        for name, stamp in res.mirrors:  # the record's own udate, or its cdate while it has none
            out[name] = legacy_time(rec.get(stamp) or rec.get(res.created or ""))
            out.setdefault("created_by" if name.startswith("created") else "updated_by", None)
        for name, stamp in res.copies:
            out[name] = rec.get(stamp)
        if res.plural == "contacts":
            out["created_utc_timestamp"] = utc_text(rec.get("cdate"))
            out["updated_utc_timestamp"] = utc_text(rec.get("udate"))
        elif res.plural == "dealGroups":
            out["stages"] = [s["id"] for s in self.stages_of(rid)]
        elif res.plural == "fields":
            out["options"] = [o["id"] for o in self.children("fieldOptions", "field", rid)]
            out["relations"] = [r["id"] for r in self.children("fieldRels", "field", rid)]
        if res.linked:
            out["links"] = {name: f"{self.base}/api/3/{res.plural}/{rid}/{name}" for name in res.links}
        out["id"] = rid
        return out

    def render_all(self, plural: str, recs: list[Record]) -> list[Record]:
        return [self.render(RESOURCES[plural], rec) for rec in recs]

    def stages_of(self, group_id: str) -> list[Record]:
        stages = self.children("dealStages", "group", group_id)
        return sorted(stages, key=lambda s: (as_int(s.get("order")), int(s["id"])))

    def sideloads(self, res: Resource, recs: list[Record], kind: str) -> dict[str, list[Record]]:
        """Related records the API returns beside the main ones, as the document's examples show them
        (``kind``: get, list, sublist, create or update)."""
        ids = [rec["id"] for rec in recs]
        write = kind in ("create", "update")

        def children(plural: str, name: str) -> list[Record]:
            return self.render_all(plural, [r for i in ids for r in self.children(plural, name, i)])

        def parents(plural: str, name: str) -> list[Record]:
            return self.render_all(plural, [p for p in (self.get(plural, r.get(name)) for r in recs) if p])

        if res.plural == "contacts":
            if kind == "list":
                return {"scoreValues": []}
            loads = {"fieldValues": children("fieldValues", "contact")}
            if kind == "get":
                for plural in ("contactAutomations", "contactLists", "deals"):
                    loads[plural] = children(plural, "contact")
                loads.update(geoAddresses=[], geoIps=[])
            return loads
        if res.plural == "deals":
            return {"contacts": parents("contacts", "contact"), "dealStages": parents("dealStages", "stage")} \
                if write else {}
        if res.plural == "dealGroups":
            loads = {} if kind == "update" else {
                "dealStages": self.render_all("dealStages", [s for i in ids for s in self.stages_of(i)])}
            if write:  # the pipeline's permissions
                loads.update(dealGroupGroups=children("dealGroupGroups", "dealGroup"),
                             dealGroupUsers=children("dealGroupUsers", "dealGroup"))
            return loads
        if res.plural == "fields" and not write:
            return {"fieldOptions": children("fieldOptions", "field"), "fieldRels": children("fieldRels", "field")}
        if res.plural == "contactDeals" and (write or kind == "sublist"):
            loads = {"deals": parents("deals", "deal")}
            return {"contacts": parents("contacts", "contact"), **loads} if kind == "sublist" else loads
        if res.plural == "ecomOrders" and write:
            loads = {"connections": parents("connections", "connectionid")} if kind == "create" else {}
            return {**loads, "ecomOrderProducts": children("ecomOrderProducts", "orderid"), "ecomOrderDiscounts": []}
        if write and res.plural in ("contactLists", "contactAutomations", "fieldValues"):
            return {"contacts": parents("contacts", "contact")}
        if kind == "create" and res.plural == "notes":
            parent = NOTE_OWNERS.get(as_text(recs[0].get("reltype")))
            return {parent: parents(parent, "relid")} if parent else {}
        return {}

    # saving -------------------------------------------------------------------

    def save(self, res: Resource, fields: Mapping[str, Any], existing: Record | None, source: str) -> Record:
        """Create (``existing`` None) or update a record: validate, normalize, stamp, store, notify."""
        strict = source == "api"
        data = {k: (v if k in res.native else scalar(v)) for k, v in res.incoming(fields).items() if k != "links"}
        forced_id = as_text(data.pop("id", None)) if not strict and existing is None else None
        data.pop("id", None)
        if strict and existing is None:
            self.check_required(res, data)
        if strict:
            check_values(res, data)
        afters = [shaper(self, data, existing, source) for shaper in (SHAPERS.get(res.plural),
                                                                       MORE_SHAPERS.get(res.plural)) if shaper]
        if strict and res.unique:
            self.check_unique(res, data, existing)
        now = format_time(self.now())
        old = copy.deepcopy(existing) if existing is not None else None
        if existing is None:
            rid = forced_id or str(self.next_ids[res.plural])
            self.next_ids[res.plural] = max(self.next_ids[res.plural], int(rid) + 1)
            rec = {**copy.deepcopy(dict(res.defaults)), **data, "id": rid}
            if res.created and res.created not in data:
                rec[res.created] = now
            if res.updated and res.updated not in data:  # a new record's update time is its create time
                rec[res.updated] = rec.get(res.created) or now
        else:
            rec = existing
            rec.update(data)
            if res.updated and res.updated not in data:
                rec[res.updated] = now
        self.tables[res.plural][rec["id"]] = rec
        for after in afters:
            if after:
                after(rec)
        self.on_change(res, rec, old, source, False)
        return rec

    def check_required(self, res: Resource, data: Mapping[str, Any]) -> None:
        data = res.incoming(data)
        missing = [res.sent_name(name) for name in res.required if data.get(name) in (None, "", [])]
        missing += [res.sent_name(group[0]) for group in res.one_of
                    if all(data.get(name) in (None, "", []) for name in group)]
        if missing:
            raise ApiError(422, {"errors": [
                problem(name, f"The {res.singular} {name} was not provided.", "field_missing") for name in missing]})

    def check_unique(self, res: Resource, data: Mapping[str, Any], existing: Record | None) -> None:
        name, title = res.unique  # type: ignore[misc]
        value = as_text(data.get(name)).lower()
        if not value:
            return
        for rec in self.tables[res.plural].values():
            if rec is not existing and as_text(rec.get(name)).lower() == value:
                raise invalid(name, title.format(value=data.get(name)), "duplicate")

    def upsert(self, res: Resource, data: Mapping[str, Any], keys: tuple[str, ...],
                source: str) -> tuple[Record, bool]:
        """Update the record whose ``keys`` equal the data's, or create one; (record, created)."""
        data = res.incoming(data)
        wanted = [as_text(scalar(data.get(k))).lower() for k in keys]
        for rec in self.tables[res.plural].values():
            if [as_text(rec.get(k)).lower() for k in keys] == wanted:
                return self.save(res, data, rec, source), False
        return self.save(res, data, None, source), True

    def delete(self, res: Resource, rec: Record, source: str) -> None:
        del self.tables[res.plural][rec["id"]]
        for plural, name in CASCADES.get(res.plural, ()):
            for child in self.children(plural, name, rec["id"]):
                self.tables[plural].pop(child["id"], None)
        self.on_change(res, rec, rec, source, True)

    # field values, list status and tags: shared by v3 and legacy ----------------------

    def set_field_value(self, contact_id: str, field_id: Any, value: Any, source: str) -> Record:
        data = {"contact": contact_id, "field": field_id, "value": value}
        return self.upsert(RESOURCES["fieldValues"], data, ("contact", "field"), source)[0]

    def set_list_status(self, contact_id: str, list_id: Any, status: Any, source: str) -> Record:
        data = {"contact": contact_id, "list": list_id, "status": status}
        return self.upsert(RESOURCES["contactLists"], data, ("contact", "list"), source)[0]

    def tag(self, contact_id: str, tag_id: str, source: str) -> Record:
        data = {"contact": contact_id, "tag": tag_id}
        return self.upsert(RESOURCES["contactTags"], data, ("contact", "tag"), source)[0]

    def tag_by_name(self, name: str, *, create: bool, source: str) -> Record | None:
        for tag in self.ordered("tags"):
            if as_text(tag.get("tag")).lower() == name.lower():
                return tag
        return self.save(RESOURCES["tags"], {"tag": name, "tagType": "contact"}, None, source) if create else None

    def sync_contact(self, fields: Mapping[str, Any], source: str) -> tuple[Record, bool]:
        """Create or update the contact with this email."""
        return self.upsert(RESOURCES["contacts"], fields, ("email",), source)

