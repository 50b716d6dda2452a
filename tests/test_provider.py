"""The provider is registered with Airflow and its connection type is known."""

from __future__ import annotations

import importlib
import importlib.util
import json
import os
import subprocess
import sys

import pytest

import airflow_provider_activecampaign
from airflow_provider_activecampaign import __version__
from airflow_provider_activecampaign.get_provider_info import get_provider_info


def test_provider_info_lists_importable_modules_and_the_connection_type():
    info = get_provider_info()
    assert info["package-name"] == "airflow-provider-activecampaign"
    assert info["versions"] == [__version__]
    for kind in ("hooks", "operators", "sensors", "triggers"):
        for entry in info[kind]:
            for module in entry["python-modules"]:
                importlib.import_module(module)
    (conn_type,) = info["connection-types"]
    assert conn_type["connection-type"] == "activecampaign"
    module, _, name = conn_type["hook-class-name"].rpartition(".")
    assert getattr(importlib.import_module(module), name).conn_type == "activecampaign"


def test_airflow_providers_list_shows_the_provider():
    out = subprocess.run([sys.executable, "-m", "airflow", "providers", "list", "--output", "json"],
                         capture_output=True, text=True, check=True, env=os.environ.copy()).stdout
    listing = next(line for line in out.splitlines() if line.startswith("[{"))  # log lines may come first
    providers = {p["package_name"]: p for p in json.loads(listing)}
    assert providers["airflow-provider-activecampaign"]["version"] == __version__


def test_connection_type_and_form_are_known_to_airflow():
    from airflow.providers_manager import ProvidersManager

    manager = ProvidersManager()
    hook = manager.hooks["activecampaign"]
    module = hook.hook_class_name.rpartition(".")[0]
    assert hook.hook_class_name.endswith("ActiveCampaignHook")
    assert hook.connection_testable
    if "activecampaign" in manager.field_behaviours:
        behaviour = manager.field_behaviours["activecampaign"]
    else:  # Airflow < 3.2 reads the hook's classmethod, and only with flask_appbuilder installed
        pytest.importorskip("packaging")
        from airflow import __version__ as airflow_version
        from packaging.version import Version

        assert Version(airflow_version) < Version("3.2") and importlib.util.find_spec("flask_appbuilder") is None
        behaviour = importlib.import_module(module).ActiveCampaignHook.get_ui_field_behaviour()
    assert behaviour["relabeling"] == {"host": "API URL", "password": "API key"}
    assert {"schema", "login"} <= set(behaviour["hidden_fields"]) and "port" not in behaviour["hidden_fields"]


def test_provider_info_lists_every_operator_module():
    import pkgutil

    import airflow_provider_activecampaign.operators as operators

    (entry,) = get_provider_info()["operators"]
    present = {f"{operators.__name__}.{m.name}" for m in pkgutil.iter_modules(operators.__path__)}
    assert sorted(entry["python-modules"]) == sorted(present)


def test_every_activecampaign_option_the_package_reads_is_declared():
    """``airflow config list`` shows what the package reads: each option read is in the provider's config."""
    import re
    from pathlib import Path

    from airflow_provider_activecampaign.get_provider_info import CONFIG

    source = "\n".join(p.read_text() for p in Path(airflow_provider_activecampaign.__file__).parent.rglob("*.py"))
    read = set(re.findall(r'conf\.get\w*\("activecampaign", "(\w+)"', source))
    read |= set(re.findall(r'_positive\("(\w+)"', source))
    assert read and read <= set(CONFIG["activecampaign"]["options"])


def test_airflow_providers_get_full_shows_what_registries_list():
    """Integrations with logo and how-to guides, the asset URI scheme, the task decorator, the connection type."""
    out = subprocess.run([sys.executable, "-m", "airflow", "providers", "get", "airflow-provider-activecampaign",
                          "--full", "--output", "json"],
                         capture_output=True, text=True, check=True, env=os.environ.copy()).stdout
    (shown,) = json.loads(next(line for line in out.splitlines() if line.startswith("[{")))
    (integration,) = shown["integrations"]
    assert integration["logo"].endswith("/_static/activecampaign-logo.svg")
    assert any(guide.endswith("/connections.html") for guide in integration["how-to-guide"])
    assert [(u["schemes"], u["handler"]) for u in shown["asset-uris"]] == [
        (["activecampaign"], "airflow_provider_activecampaign.assets.sanitize_uri")]
    assert shown["task-decorators"] == [
        {"name": "activecampaign", "class-name": "airflow_provider_activecampaign.decorators.activecampaign_task"}]
    assert [c["connection-type"] for c in shown["connection-types"]] == ["activecampaign"]


def test_the_linked_docs_pages_and_logo_exist():
    from pathlib import Path

    docs = Path(__file__).parents[1] / "docs"
    (integration,) = get_provider_info()["integrations"]
    for url in [*integration["how-to-guide"], integration["logo"]]:
        page = url.split("/en/latest/", 1)[1]
        assert (docs / page.replace(".html", ".md")).exists() or (docs / page).exists(), url
    assert "(howto/connection:activecampaign)=" in (docs / "connections.md").read_text()
