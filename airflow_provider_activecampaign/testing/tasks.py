"""Run one operator or sensor in a unit test, outside Airflow's task runner.

``operator.execute({})`` called directly logs "cannot be called outside of the Task Runner!" and
raises with ``allow_nested_operators=False``; :func:`run_operator` runs it the way Airflow's own
unit tests do (its execution guard in test mode), on every supported Airflow version.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def run_operator(operator: Any, context: Mapping[str, Any] | None = None) -> Any:
    """``operator.execute(context)`` (an empty context by default) and its return value.

    Templates are not rendered and nothing is pushed to XCom: give literal arguments, or run a
    DAG with ``dag.test()`` to have them. A deferral raises ``TaskDeferred`` as usual.
    """
    from airflow.sdk.bases.operator import ExecutorSafeguard

    before = ExecutorSafeguard.test_mode
    ExecutorSafeguard.test_mode = True
    try:
        return operator.execute(dict(context or {}))
    finally:
        ExecutorSafeguard.test_mode = before
