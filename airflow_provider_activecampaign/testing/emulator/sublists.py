"""``GET /{parent}/{id}/{name}``: the sub-collections the emulator serves, from the catalogue's.

Each catalogue sub-collection (``catalogue.SUBCOLLECTIONS``, whose paths the catalogue alone
builds) under ``{parent path}/{id}/`` is served here when the emulator keeps its child records:
a list (:data:`SUBLISTS`) or, under a contact, one record (:data:`CONTACT_ONES`). What only the
emulator knows is how a child points at its parent (the field, and a note's ``reltype``). A few
sub-collections are served otherwise or not at all (:data:`NOT_SUBLISTS`, with the reason); a
few the emulator serves are not in the catalogue (:data:`EMULATOR_SUBLISTS`).
"""

from __future__ import annotations

from collections.abc import Mapping

from airflow_provider_activecampaign.catalogue import RESOURCES as CATALOGUE
from airflow_provider_activecampaign.catalogue import SUBCOLLECTIONS, SubCollection
from airflow_provider_activecampaign.testing.emulator.resources import EMULATED, NOTE_PARENTS

#: (child resource, its field holding the parent id, fixed fields)
Sublist = tuple[str, str, Mapping[str, str]]

#: the child's field holding the parent's id, when it is not the parent's catalogue name
PARENT_FIELDS = {"ecomOrderProduct": "orderid", "note": "relid"}

#: catalogue sub-collections the generic sub-list route does not serve, and why
NOT_SUBLISTS = {
    "customObjectSchema.{parent}": "custom object records have their own routes (v3_more: records by schema)",
    "contact.automationEntryCounts": "counted from the contact's automations by its own route (v3_more.entry_counts)",
    "geoIp.geoAddress": "the emulator keeps no geo addresses (it tracks no site)",
}

#: sub-collections the emulator serves that the catalogue does not list (yet): (parent, name) -> sublist
EMULATOR_SUBLISTS: dict[tuple[str, str], Sublist] = {
    ("deals", "tasks"): ("dealTasks", "relid", {"reltype": "Deal"}),
    ("deals", "dealCustomFieldData"): ("dealCustomFieldData", "dealId", {}),
    ("dealGroups", "stages"): ("dealStages", "group", {}),
    ("fields", "options"): ("fieldOptions", "field", {}),
    ("fields", "relations"): ("fieldRels", "field", {}),
    ("automations", "contactAutomations"): ("contactAutomations", "automation", {}),
}


def _served(sub: SubCollection) -> bool:
    """Whether the emulator serves this sub-collection at ``{parent path}/{id}/{name}``."""
    parent = CATALOGUE[sub.parent]
    return (sub.name not in NOT_SUBLISTS and sub.child in EMULATED
            and sub.path == f"{parent.path}/{{parent}}/{sub.path.rsplit('/', 1)[-1]}")


def _sublist(sub: SubCollection) -> tuple[tuple[str, str], Sublist]:
    parent = CATALOGUE[sub.parent].path
    fixed = {"reltype": NOTE_PARENTS[parent]} if sub.child == "note" else {}
    key = (parent, sub.path.rsplit("/", 1)[-1])
    return key, (EMULATED[sub.child].plural, PARENT_FIELDS.get(sub.child, sub.parent), fixed)


#: ``GET contacts/{id}/{name}`` answered with one record (or null), not a list.
CONTACT_ONES: tuple[str, ...] = tuple(
    sub.path.rsplit("/", 1)[-1] for sub in SUBCOLLECTIONS.values()
    if sub.single and sub.parent == "contact" and sub.name not in NOT_SUBLISTS)
#: ``GET /{parent}/{id}/{name}``: (child resource, its field holding the parent id, fixed fields).
SUBLISTS: dict[tuple[str, str], Sublist] = {
    **dict(_sublist(sub) for sub in SUBCOLLECTIONS.values() if not sub.single and _served(sub)),
    **EMULATOR_SUBLISTS,
}
