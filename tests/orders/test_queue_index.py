"""The provider queue is index-backed (issue 4: "overdue" and "due within a day", claim-next's queue order) — on
PostgreSQL planned with sequential scans disabled, as on a large table; claim-next reads ``orders_state_due_queue``
in order."""

from __future__ import annotations

import re

import pytest
from django.db import connection

from beian.orders import selectors, services
from beian.orders.models import OrderState

pytestmark = [pytest.mark.db_specific, pytest.mark.django_db]
INDEX = "orders_state_due_queue"
INDEXED = r"(Index Scan|Index Only Scan) using \S+ on orders_order |Bitmap Index Scan on orders_"


def _plan(sql: str, params, *, off: tuple[str, ...] = ("seqscan",)) -> str:
    """The plan; on PostgreSQL with the ``off`` plan kinds made dear, as on a table too large for them."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            return "\n".join(str(row[-1]) for row in cursor.fetchall())
        for kind in off:
            cursor.execute(f"SET enable_{kind} = off")
        try:
            cursor.execute(f"EXPLAIN {sql}", params)
            return "\n".join(row[0] for row in cursor.fetchall())
        finally:
            for kind in off:
                cursor.execute(f"RESET enable_{kind}")


@pytest.mark.parametrize("kind", ["overdue", "due_soon"])
def test_the_overdue_and_due_soon_queues_are_index_backed(reviewer, kind):
    qs = selectors.provider_queue(user=reviewer, overdue=kind == "overdue",
                                  due_within_hours=24 if kind == "due_soon" else None)
    plan = _plan(*qs.query.sql_with_params())
    if connection.vendor == "sqlite":
        assert "SEARCH orders_order USING INDEX" in plan
    else:  # whichever index and scan kind the planner takes: no scan of all orders
        assert "Seq Scan on orders_order" not in plan
        assert re.search(INDEXED, plan), plan


def test_claim_next_reads_the_queue_in_index_order():
    # With sorting made dear too: on a tiny test table a sort is cheaper still, on a long queue it is not. Without
    # an index in the queue order the plan would have to sort anyway.
    plan = _plan(services._NEXT_SQL, [OrderState.PROVIDER_REVIEW, "2026-01-01 00:00:00"],
                 off=("seqscan", "bitmapscan", "sort"))
    assert INDEX in plan
    if connection.vendor == "postgresql":
        assert "Sort" not in plan  # the first free order comes from the index, however long the queue


def _generic_plan(sql: str, params: list) -> str:
    """The generic plan of ``sql`` prepared as the hot statements are (core.hotsql), with scans of the whole table
    made dear: a partial index is usable only if the planner proves its predicate from the parameterised query."""
    numbered = iter(range(1, len(params) + 1))
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        cursor.execute("SET plan_cache_mode = force_generic_plan")
        cursor.execute("PREPARE beian_generic AS " + re.sub("%s", lambda _m: f"${next(numbered)}", sql))
        try:
            cursor.execute(f"EXPLAIN EXECUTE beian_generic({', '.join(['%s'] * len(params))})", params)
            return "\n".join(row[0] for row in cursor.fetchall())
        finally:
            cursor.execute("DEALLOCATE beian_generic")
            cursor.execute("RESET enable_seqscan")
            cursor.execute("RESET plan_cache_mode")


@pytest.mark.parametrize("column, index", [("claimed_by_id", "orders_order_claimed_by"),
                                           ("entity_id", "orders_order_entity")])
def test_the_partial_indexes_serve_the_generic_plans(column, index):
    """The order's claim and entity indexes cover only rows with a claim / an entity (fewer index writes on every
    transition); a read that names the column with ``=`` proves the predicate, also with a parameter (the entity
    clash rule's read, a reviewer's claimed orders, the foreign keys' PROTECT checks). With nothing else to choose
    from (no ORDER BY, no LIMIT), the plan shows whether the partial index can serve it."""
    if connection.vendor != "postgresql":
        pytest.skip("generic plans are PostgreSQL's")
    plan = _generic_plan(f'SELECT "id" FROM "orders_order" WHERE "{column}" = %s', [7])
    assert f"Index Scan using {index} on orders_order" in plan or f"Bitmap Index Scan on {index}" in plan, plan
