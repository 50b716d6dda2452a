"""The generic action operator: any call of the catalogue beyond create, get, update, delete and list."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from airflow_provider_activecampaign.catalogue import Action, action
from airflow_provider_activecampaign.catalogue.resources import is_literal
from airflow_provider_activecampaign.exceptions import ActiveCampaignInputError, error_context
from airflow_provider_activecampaign.operators.base import ActiveCampaignBaseOperator
from airflow_provider_activecampaign.operators.custom_fields import check_custom_fields

if TYPE_CHECKING:
    from airflow.providers.common.compat.sdk import Context


class ActiveCampaignActionOperator(ActiveCampaignBaseOperator):
    """Run a catalogue action, e.g. ``dealStage.moveDeals`` (``PUT /dealStages/{id}/deals``).

    The path's ids, the query and the body are checked against the catalogue before any
    request. Returns the reply's record or list (the whole reply when the action names none).
    docs/coverage.md lists every action by name.

    :param action: the action's name (templated).
    :param path_params: the path's placeholders -> values, e.g. ``{"id": 7}`` (templated).
    :param query: the action's query parameters by their catalogue names (templated).
    :param body: the body (templated); fields the catalogue declares are checked and wrapped as the
        API expects, other actions' bodies are sent as given. Custom field ids are checked against the
        account's fields before the call (one extra read per task, only when given).
    """

    template_fields: Sequence[str] = ("action", "path_params", "query", "body")
    template_fields_renderers = {"body": "json", "query": "json", "path_params": "json"}

    def __init__(self, *, action: str, path_params: Mapping[str, Any] | None = None,
                 query: Mapping[str, Any] | None = None, body: Any = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.action = action
        self.path_params = path_params
        self.query = query
        self.body = body
        if is_literal(action):
            with error_context(self.where):
                spec = self.spec()
                if is_literal(path_params):
                    spec.fill(path_params)
                if is_literal(body):
                    spec.check_body(body)

    def spec(self) -> Action:
        return action(self.action)

    def query_params(self, spec: Action) -> dict[str, Any]:
        params: dict[str, Any] = {}
        for name, value in (self.query or {}).items():
            found = spec.query.get(name)
            if found is None:
                raise ActiveCampaignInputError(f"query.{name}", f"a query parameter of {spec.name} "
                                               f"({', '.join(spec.query) or 'none'})")
            params[found.param] = found.rule.check(value, f"query.{name}")
        for name, found in spec.query.items():
            if found.rule.required and name not in (self.query or {}):
                found.rule.check(None, f"query.{name}")
        return params

    def perform(self, context: Context) -> Any:
        spec = self.spec()
        path = spec.fill(self.path_params)
        params = self.query_params(spec)
        body = spec.check_body(self.body)
        if spec.fields and body is not None:  # custom field ids (and tags) checked against the account's fields
            inner = check_custom_fields(self.hook, spec.fields, body if spec.envelope is None else body[spec.envelope],
                                        lambda name: f"body.{name}", spec.name)
            body = inner if spec.envelope is None else {spec.envelope: inner}
        status, reply = self.hook.request_reply(spec.method, path, params=params or None, json=body)
        if spec.method != "GET":
            self.log.info("%s: %s %s done (HTTP %s)", spec.name, spec.method, path, status)
        return spec.unwrap(reply)
