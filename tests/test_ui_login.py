"""A user logs in to the Airflow UI with the provider installed, on every supported Airflow version.

On Airflow 3.0 the login (``POST /auth/token``, what the UI's login form sends) fails with
PyJWT 2.10 or later (``Issuer (iss) must be a string``); the Makefile's ``FLOOR_PINS`` and the
README's install advice keep PyJWT below 2.10 there.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

SIMPLE_AUTH_MANAGER = "airflow.api_fastapi.auth.managers.simple.simple_auth_manager.SimpleAuthManager"


@pytest.fixture
def airflow_app(airflow_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Airflow's API server app, in process, with the simple auth manager and one user (ada, an admin)."""
    from fastapi.testclient import TestClient

    passwords = tmp_path / "passwords.json"
    passwords.write_text(json.dumps({"ada": "analytical-engine-1843"}))
    monkeypatch.setenv("AIRFLOW__CORE__AUTH_MANAGER", SIMPLE_AUTH_MANAGER)
    monkeypatch.setenv("AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS", "ada:admin")
    monkeypatch.setenv("AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE", str(passwords))
    monkeypatch.setenv("AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_ALL_ADMINS", "False")
    from airflow.api_fastapi.app import create_app

    with TestClient(create_app()) as http:
        yield http


def test_a_user_logs_in_and_the_api_accepts_the_token(airflow_app) -> None:
    login = airflow_app.post("/auth/token", json={"username": "ada", "password": "analytical-engine-1843"})
    assert login.status_code == 201, login.text
    token = login.json()["access_token"]
    dags = airflow_app.get("/api/v2/dags", headers={"Authorization": f"Bearer {token}"})
    assert dags.status_code == 200, dags.text
    assert airflow_app.get("/api/v2/dags").status_code == 401  # the token is what let us in


def test_a_wrong_password_is_refused(airflow_app) -> None:
    login = airflow_app.post("/auth/token", json={"username": "ada", "password": "difference-engine"})
    assert login.status_code == 401
