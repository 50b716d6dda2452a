"""Helpers shared by the operator test modules: run an operator as a task would, and the
shapes of the API-error cases."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

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
    """The key's user lacks the permission for ``path``: 403 with ActiveCampaign's message, twice (one
    403 is retried: the API answers some intermittently under load)."""
    body = json.dumps({"message": "You do not have permission to access this resource"})
    return make, {"status": 403, "path": path, "body": body, "count": 2}, 403, "You do not have permission"
