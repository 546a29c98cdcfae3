"""PostgreSQL contains-search in three steps (a window in id order, the trigram query under a statement timeout,
the id-ordered fallback): every step gives the same rows in the same order as the plain query."""

from __future__ import annotations

import pytest
from django.db import OperationalError, connection

from beian.lookup import selectors
from beian.registry.models import Entity, RecordStatus

pytestmark = pytest.mark.db_specific


@pytest.fixture
def names(zj_entity, bj_entity):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only (SQLite's FTS5 returns rowids in order by itself)")
    from beian.registry.models import Principal, Province

    principal = Principal.objects.create(role="entity", name="某", certificate_type="居民身份证",
                                         certificate_number="x", mobile="13900000000")
    province = Province.objects.get(code="330000")
    Entity.objects.bulk_create([
        Entity(entity_type="企业", name=f"测试{i:03d}号{'科技' if i % 3 == 0 else '贸易'}有限公司",
               certificate_type="营业执照", certificate_number=f"c{i}", province=province, principal=principal,
               number=f"浙ICP备2021{i:06d}号", status=RecordStatus.CANCELLED if i % 17 == 0 else RecordStatus.ACTIVE)
        for i in range(300)])


def _reference(q: str) -> list[int]:
    return list(Entity.objects.filter(name__icontains=q, status=RecordStatus.ACTIVE).order_by("pk")
                .values_list("pk", flat=True))


def _all_pages(q: str, limit: int = 7) -> list[int]:
    ids, after = [], 0
    while True:
        page = selectors._name_ids(q, mode="contains", limit=limit, after=after)
        ids += page
        if len(page) < limit:
            return ids
        after = page[-1]


@pytest.mark.parametrize("q", ["科技", "贸易", "云栖", "小明", "有限公司", "测试01", "5号科"])
@pytest.mark.parametrize("window", [None, 4000, 25, 3])
def test_same_rows_and_order_as_the_plain_query(names, monkeypatch, q, window):
    monkeypatch.setattr(selectors, "PG_WINDOW_FROM", 10**9 if window is None else 0)  # None: no window step
    monkeypatch.setattr(selectors, "PG_WINDOW", window or 1)
    assert _all_pages(q) == _reference(q)


class _Canceled(Exception):
    sqlstate = "57014"


def test_a_timed_out_trigram_query_falls_back_to_the_id_ordered_scan(names, monkeypatch):
    monkeypatch.setattr(selectors, "PG_WINDOW_FROM", 0)
    monkeypatch.setattr(selectors, "PG_WINDOW", 10)
    seen = []

    def cancel_trigram_queries(execute, sql, params, many, context):
        seen.append(sql)
        if "ILIKE" in sql and "WITH w" not in sql and "enable_bitmapscan" not in " ".join(seen[-3:]):
            raise OperationalError("canceling statement due to statement timeout") from _Canceled()
        return execute(sql, params, many, context)

    with connection.execute_wrapper(cancel_trigram_queries):
        got = _all_pages("科技")
    assert got == _reference("科技")
    assert any("set_config('enable_bitmapscan', 'off'" in s for s in seen), "the fallback did not run"
    with connection.cursor() as cursor:  # settings restored after the fallback and the timed query
        cursor.execute("SELECT current_setting('enable_bitmapscan'), current_setting('statement_timeout')")
        assert cursor.fetchone() == ("on", "0")
