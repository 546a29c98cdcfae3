"""Query budgets of the hot path: a domain lookup is one query; the rate limit one upsert per lease, none while a
lease lasts; a batch of 100 names is one query too."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext


def test_a_domain_lookup_is_one_query_and_the_rate_limit_one_upsert_per_lease(api, zj_entity):
    client = api()
    with CaptureQueriesContext(connection) as first:
        assert client.get("/api/lookup/domain?host=WWW.yunqi-net.cn.").json_body["status"] == "filed"
    sqls = [q["sql"] for q in first.captured_queries]
    assert sum("lookup_ratecounter" in s for s in sqls) == 1, sqls  # the lease (100 of 100,000 per minute)
    assert sum("registry_domain" in s for s in sqls) == 1, sqls
    assert not any("beian_cache" in s for s in sqls), sqls  # the counter no longer reads or writes the cache table
    with CaptureQueriesContext(connection) as second:
        assert client.get("/api/lookup/domain?host=nobody-here.cn").json_body["status"] == "unfiled"
    assert len(second.captured_queries) == 1, [q["sql"] for q in second.captured_queries]


def test_an_exact_limit_costs_one_statement_per_request(api, settings, zj_entity):
    settings.BEIAN_LOOKUP_RATE_ADDRESS = "300/60"  # the default: no leases, every request counted in the store
    client = api()
    for _ in range(2):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/api/lookup/domain?host=yunqi-net.cn").status_code == 200
        assert [("lookup_ratecounter" in q["sql"]) for q in ctx.captured_queries].count(True) == 1


def test_a_batch_of_100_is_one_query(api, zj_entity):
    hosts = [f"site{i}.cn" for i in range(99)] + ["yunqi-net.cn"]
    client = api()
    client.get("/api/lookup/ping")
    with CaptureQueriesContext(connection) as ctx:
        body = client.post("/api/lookup/batch", {"hosts": hosts}).json_body
    assert [r["status"] for r in body["results"]][-2:] == ["unfiled", "filed"]
    assert sum("registry_domain" in q["sql"] for q in ctx.captured_queries) == 1


def test_counters_of_windows_that_are_over_are_swept(db, monkeypatch):
    from beian.lookup import ratelimit
    from beian.lookup.models import RateCounter

    RateCounter.objects.create(key="old-window", count=5, expires_at=1)
    monkeypatch.setattr(ratelimit, "SWEEP_EVERY", 1)
    ratelimit.rate_limit_take(scope="t", ident="sweeper", rate="10/60")
    assert not RateCounter.objects.filter(key="old-window").exists()
    assert RateCounter.objects.get().count == 1
