"""Rule tests generated from the catalogue: every rule has at least one passing and one failing row, and every
row gives the expected code, severity and field path.

Rows live in ``tests/rules/cases.py``; another app that registers rules with the engine adds its rows in
``tests/<app>/rule_cases.py`` (a module-level ``CASES`` list of :class:`tests.rules.cases.Case`).
"""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

from beian.rules.engine import rules_catalogue
from tests.rules.cases import CASES as OWN_CASES
from tests.rules.cases import Case
from tests.rules.world import run_case


def _all_cases() -> list[Case]:
    cases = list(OWN_CASES)
    tests_dir = Path(__file__).resolve().parents[1]
    for path in sorted(tests_dir.glob("*/rule_cases.py")):
        cases += importlib.import_module(f"tests.{path.parent.name}.rule_cases").CASES
    return cases


CASES = _all_cases()


def test_every_rule_has_a_passing_and_a_failing_case():
    missing = []
    for spec in rules_catalogue():
        rows = [c for c in CASES if c.code == spec.code]
        if not any(c.fails for c in rows):
            missing.append(f"{spec.code}: no failing case")
        if not any(not c.fails for c in rows):
            missing.append(f"{spec.code}: no passing case")
    unknown = sorted({c.code for c in CASES} - {s.code for s in rules_catalogue()})
    assert not missing and not unknown, "\n".join(
        missing + [f"unknown code in cases: {u}" for u in unknown]
        + ["(add rows to tests/rules/cases.py, or tests/<app>/rule_cases.py for another app's rules)"])


def test_case_ids_are_unique():
    ids = [f"{c.code}-{c.id}" for c in CASES]
    assert len(ids) == len(set(ids))


def test_failing_cases_use_the_rules_catalogued_severity_or_a_documented_one():
    for case in CASES:
        if case.fails:
            assert case.severity in ("error", "warning", "needs_material"), case


@pytest.mark.parametrize("case", CASES, ids=[f"{c.code}-{c.id}" for c in CASES])
def test_rule_case(case: Case, world):
    result = run_case(case, world)
    if case.custom is not None:
        assert (case.code in result) == case.fails, result
        return
    mine = [f for f in result.findings if f.code == case.code]
    if not case.fails:
        assert not mine, [f.as_dict() for f in mine]
        return
    field = result.fill(case.field)
    matching = [f for f in mine if f.severity == case.severity and f.field == field
                and (case.value is None or f.value == case.value)
                and (case.requirement is None or f.requirement == case.requirement)]
    assert matching, (f"expected {case.code} {case.severity} on {field} value={case.value} "
                      f"requirement={case.requirement}; got {[f.as_dict() for f in mine]}")
    for f in matching:
        assert f.message_zh and f.message_en and f.source
        if f.severity == "needs_material":
            from beian.core.requirements import REQUIREMENT_CODES

            assert f.requirement in REQUIREMENT_CODES
