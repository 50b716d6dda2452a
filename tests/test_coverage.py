"""Every action of the action catalogue (actions.md, kept beside the checkout) is served, as docs/coverage.md says.

- each ID of actions.md has exactly one row in docs/coverage.md, and no row is invented;
- each class named there imports from ``operators`` (``sensors`` for W-*), is exported in
  ``__all__`` and is exercised by some test module;
- operator classes do not shadow BaseOperator attributes with their template fields
  (Airflow refuses to serialise such DAGs);
- the catalogue serves at least 95 % of the v3 OpenAPI document, each exclusion listed with its reason
  (here, in ``catalogue/coverage.py`` and in docs/coverage.md), and no path the document lacks unless listed.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import airflow_provider_activecampaign.operators as operators
import airflow_provider_activecampaign.sensors as sensors
from airflow_provider_activecampaign.catalogue import RESOURCES

ROOT = Path(__file__).parent.parent
SHARED = next((p / "shared" for p in (ROOT.parent, ROOT.parent.parent) if (p / "shared" / "actions.md").exists()),
              None)
ROW = re.compile(r"^\|\s*([A-Z]{1,3}-\d{2})\s*\|\s*([^|]*?)\s*\|", re.M)


def coverage_rows() -> dict[str, str]:
    rows: dict[str, str] = {}
    for action_id, cls in ROW.findall((ROOT / "docs" / "coverage.md").read_text()):
        assert action_id not in rows, f"{action_id} has two rows in docs/coverage.md"
        rows[action_id] = cls
    return rows


COVERAGE = coverage_rows()
#: operators beyond the action catalogue: rows ``| + | class | ...`` of docs/coverage.md
EXTRA = re.findall(r"^\|\s*\+\s*\|\s*([^|]*?)\s*\|", (ROOT / "docs" / "coverage.md").read_text(), re.M)
TEST_TEXT = "\n".join(p.read_text() for p in (ROOT / "tests").rglob("test_*.py") if p.name != "test_coverage.py")


@pytest.mark.skipif(SHARED is None, reason="the action catalogue (actions.md) is not available beside this checkout")
def test_every_catalogue_id_has_exactly_one_coverage_row():
    ids = {action_id for action_id, _ in ROW.findall((SHARED / "actions.md").read_text())}
    assert len(ids) >= 80
    assert sorted(ids - COVERAGE.keys()) == [], "actions without a coverage row"
    assert sorted(COVERAGE.keys() - ids) == [], "coverage rows for actions that do not exist"


@pytest.mark.parametrize(("action_id", "class_name"), sorted(COVERAGE.items()) + [("+", c) for c in EXTRA])
def test_the_class_serving_each_action_is_exported_and_tested(action_id, class_name):
    module = sensors if action_id.startswith("W-0") and class_name.endswith("Sensor") else operators
    assert class_name in module.__all__, f"{action_id}: {class_name} is not exported by {module.__name__}"
    cls = getattr(module, class_name)
    assert cls.__doc__ and cls.__doc__.strip(), f"{class_name} has no docstring"
    assert re.search(rf"\b{class_name}\b", TEST_TEXT), f"{action_id}: no test uses {class_name}"


def _operator_classes() -> list[type]:
    return [getattr(operators, name) for name in operators.__all__ if name.endswith("Operator")] + [
        getattr(sensors, name) for name in sensors.__all__ if name.endswith("Sensor")]


@pytest.mark.parametrize("cls", _operator_classes(), ids=lambda c: c.__name__)
def test_template_fields_do_not_shadow_base_operator_attributes(cls):
    from airflow.sdk import BaseOperator

    reserved = {name for name in dir(BaseOperator) if not name.startswith("_")} | {"params", "task_id", "dag"}
    clashes = sorted(set(cls.template_fields) & reserved)
    assert clashes == [], f"{cls.__name__} templates BaseOperator attributes {clashes}"


#: Class names that write (the endpoint column may name a legacy action rather than a method).
WRITE_VERBS = re.compile(r"Create|Update|Delete|Add|Remove|Sync|Upsert|Set|Move|Manage|Ensure|ApiCall")
RETRY_SAFE = re.compile(r"^(yes|looks up)( .*)?$|^no \(.+\)$")


def coverage_table() -> list[dict[str, str]]:
    text = (ROOT / "docs" / "coverage.md").read_text()
    lines = [line for line in text[:text.index("## The v3 document")].splitlines() if line.startswith("|")]
    header = [cell.strip() for cell in lines[0].strip("|").split("|")]
    return [dict(zip(header, (cell.strip() for cell in line.strip("|").split("|")), strict=True))
            for line in lines[2:]]


def test_every_write_row_says_whether_it_is_safe_to_retry():
    rows = coverage_table()
    assert "retry-safe" in rows[0]
    writes = [row for row in rows if re.search(r"\b(POST|PUT|DELETE)\b", row["hook method or endpoint"])
              or WRITE_VERBS.search(row["class"])]
    assert len(writes) >= 50
    unsaid = [row["ID"] for row in writes if not RETRY_SAFE.match(row["retry-safe"])]
    assert unsaid == [], "write rows without a retry-safe value (yes / looks up / no (why))"


def test_looks_up_rows_are_creates_of_resources_with_a_natural_key():
    """A row that says "looks up" serves a resource the catalogue says how to find."""
    keyed = {spec.path for spec in RESOURCES.values() if spec.natural_key is not None}
    for row in coverage_table():
        if row["retry-safe"].startswith("looks up") and not row["hook method or endpoint"].startswith("legacy"):
            paths = set(re.findall(r"POST /([A-Za-z]+)", row["hook method or endpoint"]))
            assert paths & (keyed | {"deals", "fieldOption"}), f"{row['ID']}: nothing to look up by"


# -- the v3 document: every operation served by the catalogue, or excluded with its reason --

DOCUMENT = SHARED / "activecampaign" / "openapi-v3.json" if SHARED is not None else None
EXCLUSION_ROW = re.compile(r"^\|\s*`(GET|POST|PUT|PATCH|DELETE) (/[^`]*)`\s*\|\s*([^|]+?)\s*\|$", re.M)


def _section(title: str) -> str:
    text = (ROOT / "docs" / "coverage.md").read_text()
    start = text.index(f"## {title}")
    end = text.find("\n## ", start + 3)
    return text[start:end if end != -1 else None]


@pytest.mark.skipif(DOCUMENT is None, reason="the OpenAPI document is not available beside this checkout")
def test_the_catalogue_serves_95_percent_of_the_document_and_excludes_the_rest_with_a_reason():
    from airflow_provider_activecampaign.catalogue.coverage import EXCLUDED, NOT_IN_DOCUMENT, coverage

    figures = coverage(DOCUMENT)
    assert figures["missing"] == [], "operations neither served nor excluded"
    assert figures["covered"] >= 0.95 * figures["operations"]
    assert sorted(set(figures["excluded"])) == sorted(EXCLUDED)
    assert figures["not_in_document"] == sorted(NOT_IN_DOCUMENT), "the catalogue serves a path the document lacks"
    # docs/coverage.md lists the same exclusions with the same reasons, and the same figures
    section = _section("The v3 document")
    listed = {(method, re.sub(r"{\w*}", "{}", path)): reason for method, path, reason in EXCLUSION_ROW.findall(section)}
    assert listed == dict(EXCLUDED)
    assert f"{figures['covered']} of the document's {figures['operations']} operations" in section


def test_every_catalogue_operation_is_named_in_the_coverage_page():
    """Each resource, sub-collection and action appears in the v3 document section (by its name)."""
    from airflow_provider_activecampaign.catalogue.coverage import catalogue_operations

    section = _section("The v3 document")
    unnamed = sorted({name for name in catalogue_operations().values() if f"`{name}`" not in section})
    assert unnamed == []
