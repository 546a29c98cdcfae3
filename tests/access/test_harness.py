"""The harness itself: how "—" resolves, how rows map to operations, that every registered object builds."""

from __future__ import annotations

import pytest

from beian.core.api import api as beian_api
from tests.access.harness import OBJECTS, Row, api_operations, load_rows, row_operation, uncovered_operations

load_rows()  # registers the objects of every objects_*.py


def test_dash_is_404_for_objects_and_403_for_lists():
    obj = Row("x", "GET", "/api/x/{owner_entity}", "200 — 200 200 — 200 401")
    lst = Row("y", "GET", "/api/x/", "200 — 200 200 — 200 401")
    assert [obj.expected(r) for r in ("owner", "other", "bureau_other", "anonymous")] == [200, 404, 404, 401]
    assert [lst.expected(r) for r in ("owner", "other", "bureau_other")] == [200, 403, 403]
    assert Row("z", "POST", "/api/x/claim", "— — 200 — — 200 401", kind="object").expected("owner") == 404


def test_bad_rows_are_reported():
    assert Row("a", "GET", "/api/x", "200 200").problems()  # too few cells
    assert Row("b", "GET", "/api/x/{no_such_object}", "200 200 200 200 200 200 200").problems()
    assert Row("c", "FETCH", "/api/x", "200 200 200 200 200 200 200").problems()
    assert not Row("d", "GET", "/api/x/{owner_token}", "200 — — — — — 401").problems()


def test_rows_map_to_the_most_literal_operation():
    ops = [("GET", "/api/o/{id}", "detail"), ("GET", "/api/o/queue", "queue"), ("POST", "/api/o/{id}", "post")]
    assert row_operation(Row("q", "GET", "/api/o/queue", ""), ops)[2] == "queue"
    assert row_operation(Row("d", "GET", "/api/o/{order_draft}", ""), ops)[2] == "detail"
    assert row_operation(Row("p", "GET", "/api/o/{order_draft}/sub", ""), ops) is None


def test_completeness_lists_operations_without_rows(db):
    accounts = [op for op in api_operations(beian_api) if op[1].startswith("/api/accounts/")]
    assert ("DELETE", "/api/accounts/tokens/{token_id}", "beian.accounts.api.token_revoke") in accounts
    missing = uncovered_operations(beian_api, [])
    assert set(accounts) <= set(missing)
    only_me = [Row("me", "GET", "/api/accounts/me", "")]
    assert ("GET", "/api/accounts/me", "beian.accounts.api.me") not in uncovered_operations(beian_api, only_me)


@pytest.mark.parametrize("name", sorted(OBJECTS))
def test_every_access_object_builds(name, access_world):
    assert access_world.value(name)
    assert access_world.get(name) is access_world.get(name)  # built once per test
