"""``@task.activecampaign``: a Python task that is handed a ready :class:`ActiveCampaignHook`.

.. code-block:: python

    @task.activecampaign(conn_id="activecampaign_default")
    def open_deals(client, **context):
        return [deal["id"] for deal in client.paginate("deals", "deals", params={"filters[status]": 0})]

The function's ``client`` parameter receives the hook of the connection ``conn_id``: the
account's shared rate budget, retries, redaction of the key and the provider's errors come with
it. Everything else is as for ``@task``: arguments (rendered as templates), context keywords,
the return value pushed to XCom, ``multiple_outputs``, ``.expand()``.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from airflow.providers.standard.decorators.python import _PythonDecoratedOperator

from airflow_provider_activecampaign.hooks.activecampaign import DEFAULT_CONN_ID, ActiveCampaignHook

if TYPE_CHECKING:
    from airflow.providers.common.compat.sdk import TaskDecorator

#: The parameter of the decorated function that receives the hook.
CLIENT = "client"


def _taking_client(func: Callable[..., Any]) -> Callable[..., Any]:
    """``func`` without its ``client`` parameter, as Airflow sees it; the hook comes in as a keyword
    at run time and is passed on first (when ``client`` is the first parameter) or by name."""
    signature = inspect.signature(func)
    parameters = list(signature.parameters.values())
    if CLIENT not in signature.parameters:
        raise TypeError(f"@task.activecampaign: {func.__name__}() must take a parameter {CLIENT!r} "
                        f"(the ActiveCampaignHook), as in def {func.__name__}({CLIENT}, **context)")
    first = parameters[0].name == CLIENT and parameters[0].kind is not inspect.Parameter.KEYWORD_ONLY

    @functools.wraps(func)
    def call(*args: Any, **kwargs: Any) -> Any:
        client = kwargs.pop(CLIENT)
        return func(client, *args, **kwargs) if first else func(*args, **kwargs, **{CLIENT: client})

    call.__signature__ = signature.replace(parameters=[p for p in parameters if p.name != CLIENT])  # type: ignore[attr-defined]
    return call


class _ActiveCampaignDecoratedOperator(_PythonDecoratedOperator):
    """The operator behind ``@task.activecampaign``.

    :param conn_id: the Airflow connection of type ``activecampaign`` (templated).
    """

    template_fields: Sequence[str] = (*_PythonDecoratedOperator.template_fields, "conn_id")
    custom_operator_name = "@task.activecampaign"

    def __init__(self, *, python_callable: Callable[..., Any], conn_id: str = DEFAULT_CONN_ID,
                 **kwargs: Any) -> None:
        if CLIENT in (kwargs.get("op_kwargs") or {}):
            raise TypeError(f"@task.activecampaign: {CLIENT!r} is given by the task; do not pass it")
        super().__init__(python_callable=_taking_client(python_callable), **kwargs)
        self.conn_id = conn_id

    def execute_callable(self) -> Any:
        hook = ActiveCampaignHook(activecampaign_conn_id=self.conn_id)
        self.op_kwargs = {**self.op_kwargs, CLIENT: hook}
        try:
            return super().execute_callable()
        finally:
            self.op_kwargs = {k: v for k, v in self.op_kwargs.items() if k != CLIENT}
            hook.close()


def activecampaign_task(python_callable: Callable[..., Any] | None = None, multiple_outputs: bool | None = None,
                        **kwargs: Any) -> TaskDecorator:
    """Wrap a function into a task that receives an :class:`ActiveCampaignHook` as ``client``.

    Registered as ``@task.activecampaign``; ``conn_id`` names the connection (default
    ``activecampaign_default``), other keywords are the task's, as for ``@task``.
    """
    from airflow.providers.common.compat.sdk import task_decorator_factory

    return task_decorator_factory(python_callable=python_callable, multiple_outputs=multiple_outputs,
                                  decorated_operator_class=_ActiveCampaignDecoratedOperator, **kwargs)
