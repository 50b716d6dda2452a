"""Helpers shared by the operator test modules: run an operator as a task would, the shapes of the
table rows (happy path, bad input, API error) and small readers of the emulator's state."""


from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta, timezone
from typing import Any

import pytest

from airflow_provider_activecampaign.exceptions import ActiveCampaignInputError
from tests.conftest import CANARY_KEY

#: (make the operator from the ids of the test account, fault to inject or None, HTTP status, ActiveCampaign's words)
ApiErrorCase = tuple[Callable[[dict[str, str]], Any], dict[str, Any] | None, int, str]


def run(op: Any) -> Any:
    """Execute ``op``; its result must be JSON (it goes to XCom) and carry no API key."""
    result = op.execute(context={})
    text = json.dumps(result)
    assert CANARY_KEY not in text
    assert CANARY_KEY not in repr(op)
    return result


def missing(entity: str, make: Callable[[dict[str, str]], Any]) -> ApiErrorCase:
    """The operator names a record 999 that does not exist: 404 in ActiveCampaign's words."""
    return make, None, 404, f"No Result found for {entity} with id 999"


def forbidden(path: str, make: Callable[[dict[str, str]], Any]) -> ApiErrorCase:
    """The key's user lacks the permission for ``path``: 403 with ActiveCampaign's message."""
    body = json.dumps({"message": "You do not have permission to access this resource"})
    return make, {"status": 403, "path": path, "body": body, "count": 2}, 403, "You do not have permission"


CENTRAL = timezone(timedelta(hours=-6))


#: (make the operator from the account's ids, check the emulator, the ids and the result)
CallCase = tuple[Callable[[dict[str, str]], Any], Callable[[Any, dict[str, str], Any], Any]]


#: Webhook URLs point at the discard port: the emulator's deliveries fail fast and go nowhere.
HOOK_URL = "https://127.0.0.1:9/activecampaign"


def by(emu: Any, plural: str, **fields: str) -> list[dict[str, Any]]:
    """The emulator's records of ``plural`` whose fields equal ``fields``."""
    return [r for r in emu.records(plural) if all(str(r.get(k)) == str(v) for k, v in fields.items())]


def methods(emu: Any) -> list[str]:
    return [f"{r.method} {r.path}" for r in emu.requests]


FORBIDDEN = {"status": 403, "body": '{"message": "You do not have permission"}', "count": 2}  # one is retried


def insert_contacts(emulator, n: int, **fields: Any) -> list[dict[str, Any]]:
    """``n`` contacts whose e-mails do not sort in id order."""
    return [emulator.insert("contacts", email=f"c{(i * 7919) % 1009:04d}.{i}@example.com", firstName=f"C{i}",
                            **fields) for i in range(n)]


def refused(make: Callable[[], Any], emu: Any) -> Any:
    """The input error of the operator ``make`` builds: raised when the DAG is parsed (the constructor)
    or when the task runs; either way no request reached the emulator."""
    emu.clear_requests()
    with pytest.raises(ActiveCampaignInputError) as caught:
        run(make())
    assert emu.requests == []
    return caught.value


def no_permission(operators: list[type]) -> dict[str, ApiErrorCase]:
    """One ``API_ERRORS`` row an operator: called with no arguments by a key whose user lacks the
    permission, it gets ActiveCampaign's 403."""
    return {
        f"{operator.__name__.removeprefix('ActiveCampaign')} no permission": (
            lambda w, operator=operator: operator(task_id="t"), FORBIDDEN, 403, "You do not have permission")
        for operator in operators
    }
