"""Every API operation × every role of design.md §2, from the rows in tests/access/rows_*.py."""

from __future__ import annotations

import pytest
from django.core import mail

from beian.core.api import api as beian_api
from tests.access.harness import ROLES, load_rows, row_concrete_path, stale_rows, uncovered_operations

ROWS = load_rows()
CASES = [pytest.param(row, role, id=f"{row.name}[{role}]") for row in ROWS for role in ROLES]


@pytest.mark.parametrize("row, role", CASES)
def test_access(row, role, access_world, api, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    path = access_world.fill(row.path)
    body = access_world.fill(row.body)
    client = api(access_world.user(role))
    method = row.method.lower()
    response = client._call(method, path, body if body is not None or method == "get" else {})
    expected = row.expected(role)
    assert response.status_code == expected, (
        f"{row.name} ({row.module}) as {role}: {row.method} {path} answered {response.status_code}, "
        f"expected {expected}; body: {response.content[:300]!r}")
    if response.status_code >= 400:
        errors = (response.json_body or {}).get("errors")
        assert errors and all({"code", "field", "message_zh", "message_en"} <= set(e) for e in errors), (
            f"{row.name} as {role}: a {response.status_code} not in the error shape: {response.content[:300]!r}")
    mail.outbox.clear()


def test_rows_are_well_formed():
    problems = [f"{r.module}: {r.name}: {p}" for r in ROWS for p in r.problems()]
    names = [r.name for r in ROWS]
    problems += [f"row name {n!r} is used more than once" for n in sorted({n for n in names if names.count(n) > 1})]
    assert not problems, "\n".join(problems)


def test_every_api_operation_has_a_row():
    missing = uncovered_operations(beian_api, ROWS)
    if missing:
        listing = "\n".join(f"  {m:6} {p}   (handler {o})" for m, p, o in missing)
        pytest.fail(f"{len(missing)} API operation(s) have no row in tests/access/rows_<app>.py "
                    f"(docs/accounts.md, \"The access harness\"):\n{listing}", pytrace=False)


def test_every_row_names_an_existing_operation():
    stale = stale_rows(beian_api, ROWS)
    if stale:
        listing = "\n".join(f"  {r.module}: {r.name}: {r.method} {r.path} → {row_concrete_path(r)}" for r in stale)
        pytest.fail(f"rows that match no API operation (renamed or removed endpoint?):\n{listing}", pytrace=False)
