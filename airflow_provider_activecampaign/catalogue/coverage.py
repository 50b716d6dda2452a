"""Which operations of ActiveCampaign's v3 OpenAPI document the catalogue serves, and why not the others.

An operation is a method and a path; ids in a path are written ``{}`` so that the document's
``/deals/{id}`` and the catalogue's ``deals/{parent}`` compare equal. ``tests/test_coverage.py``
checks these tables against the document and docs/coverage.md.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from pathlib import Path

from airflow_provider_activecampaign.catalogue.model import CREATE, DELETE, GET, LIST, UPDATE
from airflow_provider_activecampaign.catalogue.resources import ACTIONS, RESOURCES, SUBCOLLECTIONS

Operation = tuple[str, str]

#: Operations of the document the catalogue does not serve as printed, and why.
EXCLUDED: Mapping[Operation, str] = {
    ("PUT", "/taskOutccomes/{}"): "the document misspells the path; the catalogue's taskOutcome updates at "
                                  "PUT /taskOutcomes/{id}",
    ("DELETE", "/taskOutccomes/{}"): "the document misspells the path; the catalogue's taskOutcome deletes at "
                                     "DELETE /taskOutcomes/{id}",
    ("GET", "/records/{}/external/{}"): "the document leaves out the customObjects/ prefix (the DELETE beside it "
                                        "has it); the catalogue reads GET /customObjects/records/{schemaId}/external/"
                                        "{externalId}",
}

#: Operations the catalogue serves that the document does not print, and why.
NOT_IN_DOCUMENT: Mapping[Operation, str] = {
    ("GET", "/organizations"): "deprecated and left out of the document; still answered (the provider falls back "
                               "to /accounts on 404)",
    ("GET", "/organizations/{}"): "deprecated and left out of the document",
    ("PUT", "/taskOutcomes/{}"): "printed as /taskOutccomes/{id}",
    ("DELETE", "/taskOutcomes/{}"): "printed as /taskOutccomes/{id}",
    ("GET", "/customObjects/records/{}/external/{}"): "printed as /records/{schemdId}/external/{externalId}",
    ("GET", "/contacts/{}/contactTags"): "not printed, though the API answers it (a contact's tags, which a "
                                         "retried tagging looks through)",
}

_ITEM = {GET: "GET", UPDATE: "PUT", DELETE: "DELETE"}
_COLLECTION = {CREATE: "POST", LIST: "GET"}


def normal(path: str) -> str:
    """``/deals/{id}``, ``deals/{parent}`` -> ``/deals/{}``."""
    return "/" + re.sub(r"{\w*}", "{}", path.strip("/"))


def _served(path: str, operations: Iterable[str], *, single: bool = False) -> set[Operation]:
    out = {(method, normal(path)) for op, method in _COLLECTION.items() if op in operations}
    if single and GET in operations:  # one record at the collection's own path (a contact's organization)
        return out | {("GET", normal(path))}
    return out | {(method, normal(path) + "/{}") for op, method in _ITEM.items() if op in operations}


def catalogue_operations() -> dict[Operation, str]:
    """Every operation the catalogue serves -> the entry serving it (resource, sub-collection or action)."""
    served: dict[Operation, str] = {}
    for spec in RESOURCES.values():
        served.update(dict.fromkeys(_served(spec.path, spec.operations, single=spec.single), spec.name))
    for sub in SUBCOLLECTIONS.values():
        for operation in _served(sub.path, sub.operations, single=sub.single):
            served.setdefault(operation, sub.name)
    for act in ACTIONS.values():
        served[(act.method, normal(act.path))] = act.name
    return served


def document_operations(document: Path | Mapping) -> list[Operation]:
    """The document's operations, in its order (the same operation printed twice counts twice)."""
    doc = json.loads(document.read_text()) if isinstance(document, Path) else document
    return [(method.upper(), normal(path)) for path, item in doc["paths"].items()
            for method in item if method in ("get", "post", "put", "patch", "delete")]


def coverage(document: Path | Mapping) -> dict[str, object]:
    """The figures: operations of the document, covered, excluded, and those neither (should be none)."""
    ops = document_operations(document)
    served = catalogue_operations()
    covered = [op for op in ops if op in served]
    return {"operations": len(ops), "covered": len(covered), "excluded": [op for op in ops if op in EXCLUDED],
            "missing": [op for op in ops if op not in served and op not in EXCLUDED],
            "not_in_document": sorted(set(served) - set(ops))}
