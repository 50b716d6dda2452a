"""Every Python snippet in the docs runs as pasted.

A snippet is a fenced ``python`` block of a page, or the part of an example DAG a page includes
between ``[START ...]`` and ``[END ...]``. One with imports is a whole file and runs as it is; any
other runs inside ``with DAG(...):`` in a file that has the
imports the operator pages name once (every operator, sensor and ``@task`` decorator of the
provider, Airflow's ``DAG``, ``task`` and ``Asset``): a name that only an example file defines
(``DAY``, ``POKE_INTERVAL``, a helper function) fails here with NameError, as it would for a user.
Test functions a snippet defines that take the emulator fixtures are called with the emulator (a
``test_run = get_test_run(dag)`` is left to tests/examples/test_system.py, which runs the examples'). A page's earlier
regions of the same example come before a region (the reader saw them just above), and
``my_dags.crm``, the docs' stand-in for the reader's own DAG, is the CRM example.
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
DOCS = ROOT / "docs"
#: Pages whose code is not for pasting: the developers' guide shows an excerpt of the package's source.
NOT_FOR_PASTING = {"contributing.md"}
_FENCE = re.compile(r"^```python\n(.*?)^```", re.S | re.M)
_INCLUDE = re.compile(r"^```\{literalinclude\} (\S+)\n(.*?)^```", re.S | re.M)


def _included(page: Path, target: str, options: str) -> str:
    source = (page.parent / target).resolve().read_text()
    start = re.search(r':start-after: "?(.*?)"?$', options, re.M)
    end = re.search(r':end-before: "?(.*?)"?$', options, re.M)
    if start:
        source = source.split(start.group(1), 1)[1].split("\n", 1)[1]
    if end:
        source = source.split(end.group(1), 1)[0].rsplit("\n", 1)[0]
    return textwrap.dedent(source)


def snippets() -> list:
    found = []
    for page in sorted(DOCS.rglob("*.md")):
        if page.name in NOT_FOR_PASTING or "_build" in page.parts:
            continue
        text = page.read_text()
        name = page.relative_to(DOCS)
        for n, match in enumerate(_FENCE.finditer(text)):
            found.append(pytest.param(match.group(1), id=f"{name}:{n}"))
        shown: dict[str, str] = {}  # a page's earlier regions of an example come first, as the reader saw them
        for match in _INCLUDE.finditer(text):
            marker = re.search(r"\[START (\w+)\]", match.group(2))
            region = _included(page, match.group(1), match.group(2))
            earlier = shown.get(match.group(1), "")
            region += "\n"
            shown[match.group(1)] = earlier + region
            found.append(pytest.param(earlier + region, id=f"{name}:{marker.group(1) if marker else match.group(1)}"))
    return found


def _namespace(emulator) -> dict:
    import pendulum
    from airflow.sdk import DAG, Asset, task

    import airflow_provider_activecampaign.operators as operators
    import airflow_provider_activecampaign.sensors as sensors

    names = {name: getattr(operators, name) for name in operators.__all__}
    names.update({name: getattr(sensors, name) for name in sensors.__all__})
    names.update(DAG=DAG, task=task, Asset=Asset, pendulum=pendulum, emulator=emulator, __name__="snippet")
    return names


@pytest.mark.parametrize("code", snippets())
def test_the_snippet_runs_as_pasted(code, emulator, airflow_db, monkeypatch, request):
    monkeypatch.setenv("AIRFLOW_CONN_ACTIVECAMPAIGN_DEFAULT", emulator.connection_json())
    if "my_dags" in code:
        _stand_in_for_the_readers_dags(monkeypatch)
    namespace = _namespace(emulator)
    dag_id = re.sub(r"\W", "_", request.node.callspec.id)
    if re.search(r"^(?:from|import) ", code, re.M):  # a whole file: it runs as it is
        wrapped = code
    else:  # a part of a DAG file: it goes in a DAG
        wrapped = f"with DAG({dag_id!r}, schedule=None):\n" + textwrap.indent(code, "    ")
    exec(compile(wrapped, request.node.callspec.id, "exec"), namespace)
    for name, value in list(namespace.items()):
        if name.startswith("test_") and callable(value):
            fixtures = value.__code__.co_varnames[:value.__code__.co_argcount]
            if fixtures and all(f in ("activecampaign_connection", "activecampaign_emulator") for f in fixtures):
                value(*[emulator for _ in fixtures])


def _stand_in_for_the_readers_dags(monkeypatch) -> None:
    import json
    import sys
    import types

    from tests.bundles import load

    examples = ROOT / "example_dags"
    bundles = [{"name": "dags-folder", "classpath": "airflow.dag_processing.bundles.local.LocalDagBundle",
                "kwargs": {"path": str(examples)}}]
    monkeypatch.setenv("AIRFLOW__DAG_PROCESSOR__DAG_BUNDLE_CONFIG_LIST", json.dumps(bundles))
    monkeypatch.setitem(sys.modules, "my_dags", types.ModuleType("my_dags"))
    monkeypatch.setitem(sys.modules, "my_dags.crm", load(examples, "example_activecampaign_crm"))


def test_every_included_region_exists():
    for param in snippets():
        assert param.values[0].strip(), param.id
