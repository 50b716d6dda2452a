"""Test support for webhook-driven DAGs: the receiver on loopback, and ``dag.test()`` on asset events.

- :class:`WebhookReceiver` serves the plugin's app (mounted at its ``url_prefix``, as the API
  server mounts it) with uvicorn on 127.0.0.1 in a thread, so the emulator's webhooks reach
  it over real HTTP and become asset events in the metadata database Airflow is configured
  with.
- :func:`dag_test_consumes` makes ``dag.test()`` runs consume given asset events, as an
  asset-triggered run made by the scheduler does (``dag.test()`` alone always makes a manual
  run with no triggering events). It wraps an Airflow-internal function, named here per
  Airflow version.

Both need the ``fastapi`` and ``uvicorn`` packages that Airflow's API server brings.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator, Sequence
from typing import Any


class WebhookReceiver:
    """The webhook receiver under uvicorn on 127.0.0.1 (a free port); ``url`` is its base URL.

    Use as a context manager; ``start()`` returns once uvicorn accepts connections.
    ``log_level`` sets uvicorn's own loggers (e.g. ``"warning"`` to keep its start/stop lines quiet).
    """

    def __init__(self, *, access_log: bool = False, log_level: str | None = None) -> None:
        import uvicorn
        from fastapi import FastAPI

        from airflow_provider_activecampaign.plugins.webhooks import ActiveCampaignWebhooksPlugin

        parent = FastAPI()
        for app in ActiveCampaignWebhooksPlugin.fastapi_apps:
            parent.mount(app["url_prefix"], app["app"])
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.bind(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self._sock.getsockname()[1]}"
        config = uvicorn.Config(parent, log_config=None, log_level=log_level, access_log=access_log, lifespan="off")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [self._sock]},
                                        name="activecampaign-webhook-receiver", daemon=True)

    def start(self, timeout: float = 10.0) -> WebhookReceiver:
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("the webhook receiver (uvicorn) did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)
        self._sock.close()
        if self._thread.is_alive():
            raise RuntimeError("the webhook receiver (uvicorn) did not stop")

    def __enter__(self) -> WebhookReceiver:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


@contextlib.contextmanager
def dag_test_consumes(event_ids: Sequence[int]) -> Iterator[None]:
    """Within the block, the runs ``dag.test()`` creates consume these asset events (by id).

    The task then sees them in ``triggering_asset_events``, as in a scheduler-made run.
    """
    from airflow.models import dag as dag_module
    from airflow.models import dagrun as dagrun_module
    from airflow.models.asset import AssetEvent
    from sqlalchemy import select

    if hasattr(dagrun_module, "get_or_create_dagrun"):  # Airflow >= 3.1
        target, name = dagrun_module, "get_or_create_dagrun"
    else:  # Airflow 3.0
        target, name = dag_module, "_get_or_create_dagrun"
    original = getattr(target, name)

    def create_consuming(*args: Any, session: Any, **kwargs: Any) -> Any:
        dag_run = original(*args, session=session, **kwargs)
        dag_run.consumed_asset_events.extend(session.scalars(select(AssetEvent).where(AssetEvent.id.in_(event_ids))))
        session.commit()
        return dag_run

    setattr(target, name, create_consuming)
    try:
        yield
    finally:
        setattr(target, name, original)
