"""A DAG bundle of a test's own: dag.test() on Airflow 3.1+ parses the whole bundle of the DAG it runs."""

from __future__ import annotations

import importlib.util
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType

import pytest


@contextmanager
def own_bundle(folder: Path) -> Iterator[Path]:
    """Make ``folder`` the only DAG bundle while the block runs."""
    bundles = [{"name": "dags-folder", "classpath": "airflow.dag_processing.bundles.local.LocalDagBundle",
                "kwargs": {"path": str(folder)}}]
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("AIRFLOW__DAG_PROCESSOR__DAG_BUNDLE_CONFIG_LIST", json.dumps(bundles))
        yield folder


def load(folder: Path, name: str) -> ModuleType:
    """Import ``folder/name.py`` (a DAG file) as a module of its own."""
    spec = importlib.util.spec_from_file_location(f"_dags_{name}", folder / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@contextmanager
def dag_file(folder: Path, name: str, source: str) -> Iterator[ModuleType]:
    """Write ``source`` to ``folder/name.py``, make ``folder`` the only bundle, and import it."""
    (folder / f"{name}.py").write_text(source)
    with own_bundle(folder):
        yield load(folder, name)
