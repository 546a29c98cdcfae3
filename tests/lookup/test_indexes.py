"""Every lookup query is index-backed (design.md §4): SQLite ``EXPLAIN QUERY PLAN`` has no full scan of a registry
table; PostgreSQL plans with sequential scans disabled contain no ``Seq Scan`` and name searches use the trigram
indexes. Plus: pg_trgm makes trigrams of Chinese text under the test server's locale."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from beian.lookup import search_index, selectors

LOOKUPS = {
    "domain": lambda e: selectors.lookup_domain(host="www.yunqi-net.cn"),
    "batch": lambda e: selectors.lookup_domains(hosts=["yunqi-net.cn", "a.yunqi-cloud.com", "unfiled.cn"]),
    "entity_number": lambda e: selectors.lookup_number(number=e.number),
    "website_number": lambda e: selectors.lookup_number(number=f"{e.number}-1"),
    "name_2": lambda e: selectors.lookup_name(q="云栖"),
    "name_3": lambda e: selectors.lookup_name(q="云栖网络"),
    "name_prefix": lambda e: selectors.lookup_name(q="杭州", mode="prefix"),
}


def _plans(sqls: list[str]) -> list[tuple[str, str]]:
    out = []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET enable_seqscan = off")
        for sql in sqls:
            if connection.vendor == "sqlite":
                cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
                out.append((sql, "\n".join(row[-1] for row in cursor.fetchall())))
            else:
                cursor.execute(f"EXPLAIN {sql}")
                out.append((sql, "\n".join(row[0] for row in cursor.fetchall())))
        if connection.vendor == "postgresql":
            cursor.execute("RESET enable_seqscan")
    return out


@pytest.fixture
def crowd(zj_entity, bj_entity):
    """1,000 more filed entities (bulk-created, so the index is rebuilt) and fresh statistics: on a table of two
    rows any plan is as good as another, with a crowd the planner must pick the index to be cheap."""
    from beian.registry.models import Domain, Entity, Principal, Province, Website

    principal = Principal.objects.create(role="entity", name="某", certificate_type="居民身份证",
                                         certificate_number="x", mobile="13900000000")
    province = Province.objects.get(code="330000")
    entities = Entity.objects.bulk_create([
        Entity(entity_type="企业", name=f"测试{i:04d}号贸易有限公司", certificate_type="营业执照",
               certificate_number=f"c{i}", province=province, principal=principal, number=f"浙ICP备2020{i:06d}号")
        for i in range(1000)])
    sites = Website.objects.bulk_create([
        Website(entity=e, name="网站", principal=principal, number=f"{e.number}-1", suffix=1) for e in entities])
    Domain.objects.bulk_create([Domain(website=w, name=f"crowd{w.pk}.cn", ascii=f"crowd{w.pk}.cn") for w in sites])
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            search_index.name_index_rebuild()  # PostgreSQL maintains its indexes itself
        else:  # what autovacuum does in production: move the GIN pending list into the index proper
            for name in search_index.PG_INDEXES:
                cursor.execute("SELECT gin_clean_pending_list(%s::regclass)", [name])
        cursor.execute("ANALYZE")


@pytest.mark.db_specific
@pytest.mark.parametrize("kind", list(LOOKUPS))
def test_each_lookup_query_uses_an_index(kind, zj_entity, crowd):
    with CaptureQueriesContext(connection) as ctx:
        LOOKUPS[kind](zj_entity)
    sqls = [q["sql"] for q in ctx.captured_queries if q["sql"].lstrip().upper().startswith("SELECT")]
    assert sqls, "the lookup ran no query?"
    for sql, plan in _plans(sqls):
        if connection.vendor == "sqlite":
            scans = [line for line in plan.splitlines()
                     if line.startswith("SCAN ") and "VIRTUAL TABLE INDEX" not in line]
            assert scans == [], f"{kind}: full scan in\n{sql}\n{plan}"
        else:
            assert "Seq Scan" not in plan, f"{kind}: sequential scan in\n{sql}\n{plan}"
    if kind.startswith("name_") and kind != "name_prefix":
        joined = "\n".join(plan for _, plan in _plans(sqls))
        wanted = {"sqlite": "lookup_entity_name VIRTUAL TABLE INDEX",
                  "postgresql": "lookup_entity_pairs_trgm" if kind == "name_2" else "lookup_entity_name_trgm"}
        assert wanted[connection.vendor] in joined, joined


@pytest.mark.db_specific
def test_the_trigram_index_serves_chinese_text_under_the_server_locale(db):
    assert search_index.trigram_locale_ok()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW lc_ctype")
            locale = cursor.fetchone()[0]
            cursor.execute("SELECT cardinality(show_trgm('阿里')), beian_name_pairs('阿里巴巴')")
            count, pairs = cursor.fetchone()
        assert count == 3, f"pg_trgm makes {count} trigrams of 阿里 under LC_CTYPE={locale}"
        assert pairs == "\x1f阿里\x1f里巴\x1f巴巴\x1f"


@pytest.mark.db_specific
def test_rebuild_refills_the_name_index(zj_entity, bj_entity):
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # CREATE INDEX refuses pending deferred FK checks in the transaction
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    assert search_index.name_index_rebuild(drop=True) == 0
    if connection.vendor == "sqlite":
        assert selectors.lookup_name(q="云栖")["results"] == []
    assert search_index.name_index_rebuild() == 2
    assert [e["entity_name"] for e in selectors.lookup_name(q="云栖")["results"]] == ["杭州云栖网络科技有限公司"]
    assert [e["entity_name"] for e in selectors.lookup_name(q="小明")["results"]] == ["张小明"]


def test_pairs_and_fts_query_quoting():
    assert search_index.name_pairs("阿里巴") == "阿里\x1f里巴\x1f"
    assert search_index.fts_query("name", 'a"b') == 'name : "a""b"'
    assert search_index.normalize_name(" ＡＢＣ\x00  公司 ") == "ABC 公司"
