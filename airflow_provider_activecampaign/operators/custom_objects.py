"""Custom objects: a schema's records, their fields checked against the schema."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from airflow_provider_activecampaign.catalogue import Resource, action, compact, fill_path, resource
from airflow_provider_activecampaign.catalogue.model import TEXT_ID
from airflow_provider_activecampaign.catalogue.resources import is_literal
from airflow_provider_activecampaign.catalogue.schemas import check_record_fields, record_fields
from airflow_provider_activecampaign.exceptions import ActiveCampaignInputError, error_context
from airflow_provider_activecampaign.operators.base import ActiveCampaignBaseOperator, delete_once
from airflow_provider_activecampaign.operators.generic import ActiveCampaignListOperator

if TYPE_CHECKING:
    from airflow.providers.common.compat.sdk import Context


class ActiveCampaignUpsertCustomObjectRecordOperator(ActiveCampaignBaseOperator):
    """Create or update a custom object record (``POST /customObjects/records/{schemaId}``). Returns the record.

    The API keys the record on ``external_id`` (or ``record_id``), so a retried task updates the
    record its first attempt made: one of them is required. The fields are checked against the
    schema first (one ``GET`` of the schema), unless ``check_schema`` is off.

    :param schema_id: the schema's id (templated).
    :param fields: ``{field id: value}`` or ``[{"id", "value"}]`` (templated).
    :param external_id: the record's id in your system (templated).
    :param record_id: ActiveCampaign's id of the record, to update it (templated).
    :param relationships: e.g. ``{"primary-contact": [14]}`` (templated).
    :param check_schema: check the fields against the schema before sending.
    """

    template_fields: Sequence[str] = ("schema_id", "fields", "external_id", "record_id", "relationships")
    template_fields_renderers = {"fields": "json", "relationships": "json"}

    def __init__(self, *, schema_id: str, fields: Any, external_id: str | None = None, record_id: str | None = None,
                 relationships: Mapping[str, Any] | None = None, check_schema: bool = True, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.schema_id = schema_id
        self.fields = fields
        self.external_id = external_id
        self.record_id = record_id
        self.relationships = relationships
        self.check_schema = check_schema
        self.check_arguments(schema_id=(TEXT_ID, schema_id))

    def body(self) -> dict[str, Any]:
        """The record as the API takes it, checked (without the schema)."""
        if self.external_id in (None, "") and self.record_id in (None, ""):
            raise ActiveCampaignInputError("external_id or record_id", "given (the API keys the record on it, "
                                           "so that a retried task updates instead of creating another)")
        spec = resource("customObjectRecord")
        record = compact(externalId=self.external_id, id=self.record_id, fields=record_fields(self.fields),
                         relationships=self.relationships)
        return spec.check_body(record, partial=False, label=lambda name: {"externalId": "external_id",
                                                                            "id": "record_id"}.get(name, name))

    def perform(self, context: Context) -> Any:
        spec = resource("customObjectRecord")
        record = self.body()
        if self.check_schema:
            schema_path = resource("customObjectSchema").item_path(self.schema_id, "schema_id")
            schema = resource("customObjectSchema").unwrap(self.hook.request("GET", schema_path))
            record["fields"] = check_record_fields(schema, record["fields"], whole=self.record_id in (None, ""))
        status, saved = self.write_reply(spec, "POST", spec.collection_path(self.schema_id, "schema_id"), record)
        self.record_done("updated" if status == 200 else "created", "customObjectRecord", saved.get("id"))
        return saved


class ActiveCampaignListCustomObjectRecordsOperator(ActiveCampaignListOperator):
    """List a schema's records (``GET /customObjects/records/{schemaId}``, every page).

    :param schema_id: the schema's id (templated).
    :param external_id: only the record with this external id.
    :param limit: at most this many.
    :param output_path: write JSON Lines there instead.
    """

    def __init__(self, *, schema_id: str, external_id: str | None = None, limit: int | None = None,
                 output_path: str | None = None, **kwargs: Any) -> None:
        super().__init__(resource="customObjectRecord", parent_id=schema_id, filters=compact(external_id=external_id),
                         limit=limit, output_path=output_path, **kwargs)
        self.check_arguments(schema_id=(TEXT_ID, schema_id))

    def collection_path(self, spec: Resource) -> str:
        return spec.collection_path(self.parent_id, "schema_id")


class ActiveCampaignDeleteCustomObjectRecordOperator(ActiveCampaignBaseOperator):
    """Delete a custom object record by its external id
    (``DELETE /customObjects/records/{schemaId}/external/{externalId}``). Returns
    ``{"deleted": external_id, "resource": "customObjectRecord"}``; a retried task whose earlier
    attempt deleted the record (the API then answers 404) succeeds too.

    :param schema_id: the schema's id (templated).
    :param external_id: the record's external id (templated).
    """

    template_fields: Sequence[str] = ("schema_id", "external_id")
    #: the path's placeholders -> the parameters that fill them, as errors name them
    placeholders = {"schemaId": "schema_id", "externalId": "external_id"}

    def __init__(self, *, schema_id: str, external_id: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.schema_id = schema_id
        self.external_id = external_id
        with error_context(self.where):
            for placeholder, name in self.placeholders.items():
                if is_literal(getattr(self, name)):
                    self.fill(f"{{{placeholder}}}")

    def fill(self, template: str) -> str:
        """``template`` with the placeholders filled from this operator's parameters, checked."""
        rules = action("customObjectRecord.deleteByExternalId").params
        return fill_path(template, {placeholder: (getattr(self, name), rules[placeholder], name)
                                    for placeholder, name in self.placeholders.items()})

    def perform(self, context: Context) -> Any:
        path = self.fill(action("customObjectRecord.deleteByExternalId").path)
        if delete_once(self, path, context):
            self.log.info("Deleted the customObjectRecord with external id %s", self.external_id)
        return {"deleted": self.external_id, "resource": "customObjectRecord"}
