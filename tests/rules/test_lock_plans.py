"""The submission's reads of the lock table go to its key index under the generic plan every hot statement runs
(core.hotsql: prepared, ``plan_cache_mode = force_generic_plan``) — already with a few hundred locks held, the
number a provider always has in flight. With ``"key" = ANY($1)`` the plan scanned the whole table below ≈ 1,500
rows (docs/bench.md, seventh round)."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
from django.db import connection

from beian.orders.models import Order, OrderType
from beian.rules.workflow_rules import _domain_holder_reads

pytestmark = [pytest.mark.db_specific, pytest.mark.django_db]


def _generic_plan(sql: str, params: list) -> str:
    with connection.cursor() as cursor:
        numbered = iter(range(1, len(params) + 1))
        cursor.execute("PREPARE beian_lock_read AS " + re.sub("%s", lambda _m: f"${next(numbered)}", sql))
        try:
            values = ", ".join(["%s"] * len(params))
            cursor.execute(f"EXPLAIN EXECUTE beian_lock_read({values})", params)
            return "\n".join(row[0] for row in cursor.fetchall())
        finally:
            cursor.execute("DEALLOCATE beian_lock_read")


def test_the_domain_holder_read_uses_the_key_index_under_a_generic_plan(applicant):
    if connection.vendor != "postgresql":
        pytest.skip("generic plans are PostgreSQL's")
    order = Order.objects.create(type=OrderType.NEW_FILING, applicant=applicant)
    with connection.cursor() as cursor:  # 400 locks of in-flight orders
        cursor.execute("INSERT INTO orders_orderlock (key, order_id, created_at) "
                       "SELECT 'domain:d' || g || '.cn', %s, now() FROM generate_series(1, 400) g", [order.pk])
        cursor.execute("ANALYZE orders_orderlock")
        cursor.execute("SET LOCAL plan_cache_mode = force_generic_plan")
    ctx = SimpleNamespace(proposed=SimpleNamespace(websites=[SimpleNamespace(domains=["d7.cn", "new.cn"])]),
                          order=SimpleNamespace(pk=order.pk + 1))
    (sql, params), = _domain_holder_reads(ctx)
    plan = _generic_plan(sql, params)
    assert "Seq Scan" not in plan, plan
    assert plan.count("Index Scan using orders_orderlock_key") == 2, plan
