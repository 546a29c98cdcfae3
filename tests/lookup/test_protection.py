"""Rate limits (shared store, 429 + Retry-After, per address and per token) and the answer cache's invalidation."""

from __future__ import annotations

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
    cache.clear()


def test_answers_are_cached(api, cached, zj_entity):
    before = api().get("/api/lookup/domain?host=yunqi-net.cn").json_body
    Website.objects.filter(domains__ascii="yunqi-net.cn").update(name="绕过审批的改名")  # not an approval: no signal
    assert api().get("/api/lookup/domain?host=yunqi-net.cn").json_body == before  # served from the cache
    assert cache.get(lookup_cache._key("d", "yunqi-net.cn"))["record"]["website_name"] == "云栖网络官网"


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
