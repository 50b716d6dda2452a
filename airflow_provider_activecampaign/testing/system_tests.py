"""Example DAGs as system tests, in Airflow's convention: each example file ends with

.. code-block:: python

    from airflow_provider_activecampaign.testing.system_tests import get_test_run

    test_run = get_test_run(dag)

and pytest (or any runner) calls ``test_run()``: the DAG runs once with ``dag.test()`` and the test
fails unless the run succeeds. This is the small equivalent of Airflow's
``tests_common.test_utils.system_tests.get_test_run``, which is not installable.

Where no ``activecampaign_default`` connection is configured (no ``AIRFLOW_CONN_ACTIVECAMPAIGN_DEFAULT``),
the run goes to an :class:`ActiveCampaignEmulator` started for it, so an example runs offline.
Airflow's metadata database must be set up (``airflow db migrate``) and, on Airflow 3.1+, the example's
folder must be a DAG bundle (``dag.test()`` parses the DAG's bundle).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from typing import Any

CONN_ENV = "AIRFLOW_CONN_ACTIVECAMPAIGN_DEFAULT"


@contextlib.contextmanager
def _connection() -> Iterator[None]:
    """The configured connection, or an emulator standing in for the account while the run lasts."""
    if os.environ.get(CONN_ENV):
        yield
        return
    from airflow_provider_activecampaign.testing.emulator import ActiveCampaignEmulator

    with ActiveCampaignEmulator() as emulator:
        os.environ[CONN_ENV] = emulator.connection_json()
        try:
            yield
        finally:
            os.environ.pop(CONN_ENV, None)


def get_test_run(dag: Any, *, logical_date: Any = None) -> Callable[[], Any]:
    """A test function running ``dag`` once (``dag.test()``) and failing unless the run succeeds.

    ``logical_date`` None makes the run ``airflow dags trigger`` without a date makes. Returns the run.
    """

    def test_run() -> Any:
        with _connection():
            run = dag.test(logical_date=logical_date)
        assert run is not None and run.state == "success", f"{dag.dag_id}: the run ended {getattr(run, 'state', None)}"
        return run

    test_run.__name__ = f"test_run_{dag.dag_id}"
    test_run.__qualname__ = test_run.__name__
    return test_run
