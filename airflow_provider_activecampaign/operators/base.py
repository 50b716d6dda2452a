"""The base of every operator, the base of the catalogue-resource operators, and the small
conversions they share."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cached_property
from typing import TYPE_CHECKING, Any, ClassVar

from airflow.providers.common.compat.sdk import BaseOperator

from airflow_provider_activecampaign.catalogue import Resource, Rule, resource
from airflow_provider_activecampaign.client.replies import MAY_HAVE_BEEN_PROCESSED
from airflow_provider_activecampaign.exceptions import ActiveCampaignReplyError, error_context
from airflow_provider_activecampaign.hooks.activecampaign import DEFAULT_CONN_ID, ActiveCampaignHook
from airflow_provider_activecampaign.operators.links import RECORD_XCOM_KEY, app_url

if TYPE_CHECKING:
    from airflow.providers.common.compat.sdk import Context


class ActiveCampaignBaseOperator(BaseOperator):
    """Base of every ActiveCampaign operator: the connection and the hook.

    :param activecampaign_conn_id: Airflow connection of type ``activecampaign``.
    """

    ui_color = "#dfe8fd"

    def __init__(self, *, activecampaign_conn_id: str = DEFAULT_CONN_ID, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.activecampaign_conn_id = activecampaign_conn_id

    @cached_property
    def hook(self) -> ActiveCampaignHook:
        return ActiveCampaignHook(activecampaign_conn_id=self.activecampaign_conn_id)

    @property
    def where(self) -> str:
        """How errors name this operator: class and task id."""
        return f"{type(self).__name__}(task_id={self.task_id!r})"

    def execute(self, context: Context) -> Any:
        """Run :meth:`perform`; input errors escaping it name this operator and task.

        A write recorded with :meth:`record_done` is pushed to XCom (``activecampaign_record``)
        for the task's "ActiveCampaign" link, unless ``do_xcom_push`` is off.
        """
        self._done: dict[str, Any] | None = None
        with error_context(self.where):
            result = self.perform(context)
        ti = context.get("ti") if isinstance(context, Mapping) else None
        if self._done is not None and ti is not None and self.do_xcom_push:
            ti.xcom_push(key=RECORD_XCOM_KEY, value=self._done)
        return result

    def record_done(self, action: str, kind: str, record_id: Any = None, detail: str = "") -> None:
        """Log what the task did (``created``, ``updated``, ``unchanged``, ``deleted``...) to which
        record, and keep it for the record's link in ActiveCampaign's app."""
        record_id = None if record_id in (None, "") else str(record_id)
        what = " ".join(part for part in (action.capitalize(), kind, record_id) if part)
        self.log.info("%s%s", what, f": {detail}" if detail else "")
        self._done = {"action": action, "kind": kind, "id": record_id,
                      "app": app_url(self.hook.core.settings.base_url)}

    def write(self, spec: Resource, method: str, path: str, body: Mapping[str, Any]) -> Any:
        """Send a record (``{singular: body}``) and return the record the reply holds.

        A 2xx reply without a record carrying its id (or the resource's key) is an
        :class:`ActiveCampaignReplyError`: the write may have happened, so it is not retried.
        """
        record = spec.unwrap(self.hook.request(method, path, json=spec.wrap(body)))
        if not isinstance(record, Mapping) or record.get(spec.key) in (None, ""):
            shown = type(record).__name__ if not isinstance(record, Mapping) else f"keys {sorted(record)[:8]}"
            status = 201 if method == "POST" else 200
            message = f"the reply has no {spec.singular} with an {spec.key!r} ({shown}); {MAY_HAVE_BEEN_PROCESSED}"
            raise ActiveCampaignReplyError(method, "/api/3/" + path.lstrip("/"), status, message,
                                           target=self.hook.core.settings.target, may_have_been_processed=True)
        return record

    def perform(self, context: Context) -> Any:
        """The operator's work; subclasses implement this instead of ``execute``."""
        raise NotImplementedError


class ResourceOperator(ActiveCampaignBaseOperator):
    """An operator acting on one catalogue resource (``resource``: its catalogue name)."""

    operation: ClassVar[str]

    def __init__(self, *, resource: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.resource = resource

    def spec(self) -> Resource:
        spec = resource(self.resource)
        spec.require(self.operation)
        return spec


def id_of(record: Any) -> Any:
    """The ``id`` of a returned record (None when the reply carries none)."""
    return record.get("id") if isinstance(record, Mapping) else None


def checked_limit(limit: Any) -> int | None:
    """A (rendered) ``limit`` as a whole number of 0 or more, None when not given."""
    limit = Rule("int", minimum=0).check(None if limit == "" else limit, "limit")
    return None if limit is None else int(limit)


def flag(value: Any) -> Any:
    """Booleans as the API's 1/0 (other values are left for the catalogue to check)."""
    return int(value) if isinstance(value, bool) else value


def custom_field_values(body: Any) -> Any:
    """``body`` with custom fields given as ``{field id: value}`` turned into the API's list."""
    if isinstance(body, Mapping) and isinstance(body.get("fields"), Mapping):
        fields = [{"customFieldId": int(k) if str(k).isdigit() else k, "fieldValue": v}
                  for k, v in body["fields"].items()]
        return {**body, "fields": fields}
    return body
