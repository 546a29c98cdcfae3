"""Rate limits (shared store, 429 + Retry-After, per address and per token) and the answer cache's invalidation."""

from __future__ import annotations

import time

import pytest
from django.core.cache import cache

from beian.accounts.services import api_token_create
from beian.lookup import cache as lookup_cache
from beian.lookup import ratelimit
from beian.orders import services
from beian.registry.models import Website
from tests.orders.helpers import drive_to_approval


def test_over_the_limit_is_429_with_retry_after_in_the_error_shape(api, settings, zj_entity):
    settings.BEIAN_LOOKUP_RATE_ADDRESS = "3/60"
    client = api()
    codes = [client.get("/api/lookup/domain?host=yunqi-net.cn").status_code for _ in range(3)]
    assert codes == [200, 200, 200]
    for path in ("/api/lookup/domain?host=yunqi-net.cn", f"/api/lookup/number?number={zj_entity.number}",
                 "/api/lookup/name?q=云栖"):
        r = client.get(path)
        assert r.status_code == 429
        assert r.json_body == {"errors": [{"code": "RATE_LIMITED", "field": None,
                                           "message_zh": r.json_body["errors"][0]["message_zh"],
                                           "message_en": r.json_body["errors"][0]["message_en"]}]}
        assert 1 <= int(r["Retry-After"]) <= 61
    assert client.post("/api/lookup/batch", {"hosts": ["a.cn"]}).status_code == 429
    page = client.client.get("/lookup/", {"q": "yunqi-net.cn"})
    assert page.status_code == 429 and page["Retry-After"]
    assert client.get("/api/lookup/ping").status_code == 200  # the bare endpoint is not limited


def test_the_limit_is_per_address(api, settings, zj_entity):
    settings.BEIAN_LOOKUP_RATE_ADDRESS = "2/60"
    client = api()
    for _ in range(2):
        assert client.client.get("/api/lookup/domain", {"host": "a.cn"}, REMOTE_ADDR="10.0.0.1").status_code == 200
    assert client.client.get("/api/lookup/domain", {"host": "a.cn"}, REMOTE_ADDR="10.0.0.1").status_code == 429
    assert client.client.get("/api/lookup/domain", {"host": "a.cn"}, REMOTE_ADDR="10.0.0.2").status_code == 200


def test_a_token_has_its_own_limit(api, settings, applicant):
    settings.BEIAN_LOOKUP_RATE_ADDRESS = "1/60"
    settings.BEIAN_LOOKUP_RATE_TOKEN = "3/60"
    _, secret = api_token_create(user=applicant, name="lookup")
    client = api().client
    auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    codes = [client.get("/api/lookup/domain", {"host": "a.cn"}, **auth).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    # The address's own (anonymous) allowance is untouched by the token's requests; a bad token is anonymous.
    assert client.get("/api/lookup/domain", {"host": "a.cn"}).status_code == 200
    assert client.get("/api/lookup/domain", {"host": "a.cn"}, HTTP_AUTHORIZATION="Bearer nope").status_code == 429


def test_leases_never_let_more_than_the_limit_through(db):
    """Two 'workers' (local lease tables forgotten between calls) share one counter of 5,000 per window."""
    assert ratelimit.lease_size(5000) == 5 and ratelimit.lease_size(1000) == 1
    allowed = 0
    for i in range(6000):
        if i % 7 == 0:
            ratelimit.reset_local_leases()  # another process picks up the next request: its lease is lost
        try:
            ratelimit.rate_limit_take(scope="t", ident="x", rate="5000/3600")
            allowed += 1
        except ratelimit.RateLimited:
            pass
    assert 5000 - 6000 // 7 * 4 <= allowed <= 5000


def test_rate_parsing():
    assert ratelimit.parse_rate("300/60") == (300, 60)
    with pytest.raises(ValueError):
        ratelimit.parse_rate("0/60")


# ---------------------------------------------------------------- the answer cache


@pytest.fixture
def cached(settings, db):
    settings.BEIAN_LOOKUP_CACHE_SECONDS = 300
    settings.BEIAN_LOOKUP_LOCAL_POLL_MS = 0  # poll the bust rows before every answer (the default is 500 ms)
    cache.clear()
    lookup_cache.local_reset()
    yield
    lookup_cache.local_reset()


def _rename_without_approval(name: str) -> None:
    Website.objects.filter(domains__ascii="yunqi-net.cn").update(name=name)  # not an approval: no signal


def test_answers_are_cached_in_the_worker(api, cached, zj_entity):
    first = api().get("/api/lookup/domain?host=yunqi-net.cn")
    assert first["X-Cache"] == "miss"
    _rename_without_approval("绕过审批的改名")
    second = api().get("/api/lookup/domain?host=WWW.yunqi-net.cn")
    assert second["X-Cache"] == "hit"
    assert second.json_body["record"] == first.json_body["record"]  # served from the cache
    assert lookup_cache.get("d", "yunqi-net.cn")["record"]["website_name"] == "云栖网络官网"
    assert cache.get(lookup_cache._key("d", "yunqi-net.cn")) is None  # no shared tier without Redis


def test_the_shared_tier_is_used_with_redis(api, cached, settings, zj_entity, django_capture_on_commit_callbacks):
    settings.REDIS_URL = "redis://127.0.0.1:6379/0"  # only the switch: the test cache backend stands in for Redis
    api().get("/api/lookup/domain?host=yunqi-net.cn")
    assert cache.get(lookup_cache._key("d", "yunqi-net.cn"))["record"]["website_name"] == "云栖网络官网"
    lookup_cache.local_reset()  # another worker: empty local tier, answered from the shared tier
    _rename_without_approval("绕过审批的改名")
    assert api().get("/api/lookup/domain?host=yunqi-net.cn").json_body["record"]["website_name"] == "云栖网络官网"
    with django_capture_on_commit_callbacks(execute=True):
        lookup_cache.invalidate_entity(entity_id=zj_entity.pk)  # in the approval's transaction …
        assert cache.get(lookup_cache._key("d", "yunqi-net.cn")) is not None
    assert cache.get(lookup_cache._key("d", "yunqi-net.cn")) is None  # … dropped from the shared tier once committed
    assert api().get("/api/lookup/domain?host=yunqi-net.cn").json_body["record"]["website_name"] == "绕过审批的改名"


def test_a_bust_written_by_another_process_reaches_this_worker(api, cached, zj_entity):
    from beian.lookup.models import CacheBust

    api().get("/api/lookup/domain?host=yunqi-net.cn")
    _rename_without_approval("新名字")
    CacheBust.objects.create(key="d:yunqi-net.cn", created_at=0)  # what another worker's invalidation writes
    assert api().get("/api/lookup/domain?host=yunqi-net.cn").json_body["record"]["website_name"] == "新名字"


def test_a_bust_id_committed_late_is_not_missed(api, cached, zj_entity):
    from beian.lookup.models import CacheBust

    CacheBust.objects.create(id=50, key="d:yunqi-net.cn", created_at=int(time.time()) - 60)  # settled: skipped

    CacheBust.objects.create(id=100, key="d:other.cn", created_at=int(time.time()))
    api().get("/api/lookup/domain?host=yunqi-net.cn")  # first poll: reads from 50 on
    CacheBust.objects.create(id=101, key="d:other2.cn", created_at=int(time.time()))
    api().get("/api/lookup/domain?host=yunqi-net.cn")  # reads 101
    _rename_without_approval("新名字")
    # a concurrent insert that committed last:
    CacheBust.objects.create(id=99, key="d:yunqi-net.cn", created_at=int(time.time()))
    assert api().get("/api/lookup/domain?host=yunqi-net.cn").json_body["record"]["website_name"] == "新名字"


def test_an_answer_read_before_the_approval_is_not_kept(cached, zj_entity):
    from beian.lookup.models import CacheBust

    lookup_cache.read_mark()  # first poll
    mark = lookup_cache.read_mark()  # a lookup starts: reads the registry (old answer) …
    CacheBust.objects.create(key="d:yunqi-net.cn", created_at=0)  # … the approval commits and busts …
    lookup_cache.read_mark()  # … another lookup polls and drops the key …
    lookup_cache.set("d", "yunqi-net.cn", {"status": "filed", "record": "old"}, mark=mark)  # … the first one stores
    assert lookup_cache.get("d", "yunqi-net.cn") is None
    lookup_cache.set("d", "yunqi-net.cn", {"status": "filed", "record": "new"}, mark=lookup_cache.read_mark())
    assert lookup_cache.get("d", "yunqi-net.cn")["record"] == "new"


def test_no_cache_header_when_the_cache_is_off(api, zj_entity):
    assert "X-Cache" not in api().get("/api/lookup/domain?host=yunqi-net.cn")


def test_the_worker_tier_is_bounded(api, cached, settings, zj_entity):
    settings.BEIAN_LOOKUP_LOCAL_ENTRIES = 3
    for i in range(10):
        api().get(f"/api/lookup/domain?host=unfiled-{i}.cn")
    assert len(lookup_cache._local.entries) == 3
    assert lookup_cache.get("d", "unfiled-9.cn") == {"status": "unfiled", "record": None}
    assert lookup_cache.get("d", "unfiled-0.cn") is None


def test_answers_expire(cached, settings, zj_entity):
    settings.BEIAN_LOOKUP_CACHE_SECONDS = 1
    lookup_cache.set("d", "x.cn", {"status": "unfiled", "record": None}, mark=lookup_cache.read_mark())
    assert lookup_cache.get("d", "x.cn") is not None
    lookup_cache._local.entries["d:x.cn"] = (0.0, lookup_cache._local.entries["d:x.cn"][1])  # its time is up
    assert lookup_cache.get("d", "x.cn") is None


def test_old_bust_rows_are_swept(cached):
    from beian.lookup.models import CacheBust

    CacheBust.objects.create(key="d:old.cn", created_at=int(time.time()) - lookup_cache.BUST_RETENTION - 5)
    CacheBust.objects.create(key="d:new.cn", created_at=int(time.time()))
    assert lookup_cache.bust_sweep() == 1
    assert list(CacheBust.objects.values_list("key", flat=True)) == ["d:new.cn"]


def test_an_approval_drops_the_cached_answers(api, cached, applicant, reviewer, bureau_zj, zj_entity,
                                              django_capture_on_commit_callbacks):
    site = zj_entity.websites.get(suffix=1)
    client = api()
    assert client.get("/api/lookup/domain?host=www.yunqi-net.cn").json_body["record"]["website_name"] == "云栖网络官网"
    assert client.get(f"/api/lookup/number?number={site.number}").json_body["status"] == "filed"
    assert client.get("/api/lookup/domain?host=yunqi-cloud.com").json_body["status"] == "filed"
    # A change of website 1's name, then a cancellation of website 2, each through the whole workflow.
    order = services.order_create(user=applicant, type="change")
    proposed = order.proposed
    proposed["websites"][0]["name"] = "云栖网络新官网"
    services.order_update(user=applicant, order_id=order.pk, proposed=proposed)
    with django_capture_on_commit_callbacks(execute=True):
        drive_to_approval(order.pk, applicant=applicant, reviewer=reviewer, bureau_reviewer=bureau_zj)
    second = zj_entity.websites.get(suffix=2)
    cancel = services.order_create(user=applicant, type="cancel_website", target_website_id=second.pk)
    with django_capture_on_commit_callbacks(execute=True):
        drive_to_approval(cancel.pk, applicant=applicant, reviewer=reviewer, bureau_reviewer=bureau_zj)
    assert client.get("/api/lookup/domain?host=yunqi-net.cn").json_body["record"]["website_name"] == "云栖网络新官网"
    assert client.get(f"/api/lookup/number?number={site.number}").json_body["results"][0]["websites"][0][
        "website_name"] == "云栖网络新官网"
    assert client.get("/api/lookup/domain?host=yunqi-cloud.com").json_body["status"] == "cancelled"
    assert client.get(f"/api/lookup/number?number={second.number}").json_body["status"] == "cancelled"


def test_bust_rows_commit_and_roll_back_with_the_approval(cached, zj_entity):
    from django.db import transaction

    from beian.lookup.models import CacheBust

    before = CacheBust.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        assert lookup_cache.invalidate_entity(entity_id=zj_entity.pk, domains=["yunqi-net.cn"], numbers=[]) == 1
        assert CacheBust.objects.count() == before + 1
        raise RuntimeError("the approval failed after the registry was written")
    assert CacheBust.objects.count() == before  # no bust for an approval that did not happen
