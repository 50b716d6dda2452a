"""OpenLineage for the operators and sensors that move data (the ``openlineage`` extra).

An ActiveCampaign resource is the dataset ``activecampaign://ACCOUNT/RESOURCE`` (namespace
``activecampaign://ACCOUNT``, name the resource's API path, such as ``deals``), with a schema facet
listing the fields the catalogue knows; it is the same thing as the asset of that URI. A file is named
as Airflow's common-io provider names it: ``file`` and the absolute path for a local file,
``s3://bucket`` and the key for object storage. Nothing here sends a request: the account comes
from the connection's API URL.

OpenLineage is imported only when Airflow's OpenLineage listener asks, so the provider works without it.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from airflow_provider_activecampaign.assets import ResourceRef, account_from_url

if TYPE_CHECKING:
    from airflow.providers.openlineage.extractors import OperatorLineage

    from airflow_provider_activecampaign.catalogue import Resource

#: The schema facet's type of each catalogue value kind.
_TYPES = {"id": "string", "int": "integer", "number": "number", "bool": "boolean", "flag": "integer",
          "date": "timestamp", "list": "array", "fields": "array", "dict": "object"}


def resource_dataset(base_url: str, spec: Resource) -> Any:
    """The dataset of a catalogue resource of the account at ``base_url``, with its known fields."""
    from airflow.providers.common.compat.openlineage.facet import (
        Dataset,
        SchemaDatasetFacet,
        SchemaDatasetFacetFields,
    )

    ref = ResourceRef(account_from_url(base_url), spec.path.strip("/"))
    fields = [SchemaDatasetFacetFields(name=spec.key, type="string")] + [
        SchemaDatasetFacetFields(name=name, type=_TYPES.get(rule.kind, "string"))
        for name, rule in spec.fields.items() if name != spec.key
    ]
    facets = {"schema": SchemaDatasetFacet(fields=fields)} if spec.fields else {}
    return Dataset(namespace=ref.namespace, name=ref.path, facets=facets)


def file_dataset(path: str) -> Any:
    """The dataset of a file or object-storage path, named as Airflow's common-io provider names it."""
    from airflow.providers.common.compat.openlineage.facet import Dataset

    parts = urlsplit(path)
    if "://" not in path or parts.scheme == "file":
        local = parts.path if "://" in path else os.path.abspath(path)
        return Dataset(namespace=f"file://{parts.netloc}" if parts.netloc else "file", name=local)
    return Dataset(namespace=f"{parts.scheme}://{parts.netloc}", name=parts.path.lstrip("/"))


def operator_lineage(inputs: Iterable[Any] = (), outputs: Iterable[Any] = ()) -> OperatorLineage:
    """What a task read and wrote, for Airflow's OpenLineage listener."""
    from airflow.providers.openlineage.extractors import OperatorLineage

    return OperatorLineage(inputs=list(inputs), outputs=list(outputs))


def read_lineage(base_url: str, spec: Resource, output_path: str | None) -> OperatorLineage:
    """A read of ``spec`` (a list, an export, a Watch), written to ``output_path`` when one is given."""
    return operator_lineage([resource_dataset(base_url, spec)], [file_dataset(output_path)] if output_path else [])


def write_lineage(base_url: str, spec: Resource, source_path: str | None = None) -> OperatorLineage:
    """A write to ``spec`` (create, update, delete, import), from ``source_path`` when one is given."""
    return operator_lineage([file_dataset(source_path)] if source_path else [], [resource_dataset(base_url, spec)])
