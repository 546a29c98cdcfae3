"""Public lookup API (design.md §11): by host name, batch, by filing number, by entity name; rate-limited.

Anonymous callers are limited per client address, callers with an API token per token; 429 answers carry
``Retry-After``. ``/ping`` is the bare endpoint the performance harness compares against (bench/lookup_bench.py).
"""

from __future__ import annotations

import functools
import json
from typing import Literal

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from ninja import Field, Router, Schema

from beian.core.api import OptionalAuth
from beian.lookup import cache as lookup_cache
from beian.lookup import selectors
from beian.lookup.ratelimit import RateLimited, rate_limit_request

router = Router(tags=["lookup"])


class PublicAuth(OptionalAuth):
    """Anonymous unless a token or a session is sent; without either it skips the session machinery altogether."""

    def __call__(self, request):
        if "HTTP_AUTHORIZATION" not in request.META and settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return True
        return super().__call__(request)


PUBLIC = [PublicAuth()]


class ErrorOut(Schema):
    code: str
    field: str | None
    message_zh: str
    message_en: str


class DomainRecordOut(Schema):
    entity_number: str | None
    entity_name: str
    entity_type: str
    website_number: str | None
    website_name: str
    domain: str
    home_url: str
    approved_on: str | None
    access_limited: bool
    status: str


class DomainAnswerOut(Schema):
    query: str
    host: str | None = None
    domain: str | None = None
    domain_ascii: str | None = None
    status: Literal["filed", "cancelled", "unfiled"] | None = None
    record: DomainRecordOut | None = None
    message_zh: str | None = None
    message_en: str | None = None
    errors: list[ErrorOut] | None = Field(None, description="Only in a batch: why this one name was refused.")


class BatchIn(Schema):
    hosts: list[str] = Field(..., description="At most 100 host names.")


class BatchOut(Schema):
    results: list[DomainAnswerOut]


class WebsiteRecordOut(Schema):
    website_number: str | None
    website_name: str
    domains: list[str]
    home_url: str
    approved_on: str | None
    access_limited: bool
    status: str


class EntityRecordOut(Schema):
    entity_number: str | None
    entity_name: str
    entity_type: str
    approved_on: str | None
    status: str
    websites: list[WebsiteRecordOut]


class NumberAnswerOut(Schema):
    query: str
    number: str
    kind: Literal["entity", "website"]
    status: Literal["filed", "cancelled", "unfiled"]
    results: list[EntityRecordOut]
    message_zh: str
    message_en: str


class NameAnswerOut(Schema):
    query: str
    mode: str
    results: list[EntityRecordOut]
    next_after: int | None


class PingOut(Schema):
    ok: bool


def limited(view):
    """Count the request against its rate limit first; over the limit → 429 with ``Retry-After``."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            rate_limit_request(request)
        except RateLimited as exc:
            response = JsonResponse(exc.as_dict(), status=429, json_dumps_params={"ensure_ascii": False})
            response["Retry-After"] = str(exc.retry_after)
            return response
        return view(request, *args, **kwargs)

    return wrapper


RATE_LIMITED = {429: dict}


def _cache_header(response: HttpResponse) -> HttpResponse:
    """``X-Cache: hit|miss`` when the answer cache is on (as CDNs say it; the harness counts the hit rate)."""
    hit = lookup_cache.last_hit()
    if hit is not None:
        response["X-Cache"] = "hit" if hit else "miss"
    return response


def _json(data: dict) -> HttpResponse:
    return HttpResponse(json.dumps(data, ensure_ascii=False, separators=(",", ":")),
                        content_type="application/json; charset=utf-8")


@router.get("/domain", auth=PUBLIC, response={200: DomainAnswerOut, **RATE_LIMITED}, summary="按域名查询备案（公开）")
@limited
def lookup_domain(request, host: str):
    """Any host name: ``WWW.Shop.例子.中国.`` finds the filing of ``例子.中国``."""
    # The answer is built field by field by the selector (the schema documents it): rendered directly, since
    # validating a dict we just built would cost about as much as the lookup itself.
    return _cache_header(_json(selectors.lookup_domain(host=host)))


@router.post("/batch", auth=PUBLIC, response={200: BatchOut, **RATE_LIMITED}, summary="批量按域名查询（最多 100 个）")
@limited
def lookup_batch(request, payload: BatchIn):
    """Up to 100 host names; one answer per name, in order (a bad name gets ``errors`` in its place)."""
    return _json({"results": selectors.lookup_domains(hosts=payload.hosts)})


@router.get("/number", auth=PUBLIC, response={200: NumberAnswerOut, **RATE_LIMITED}, summary="按备案号查询（公开）")
@limited
def lookup_number(request, number: str):
    """An entity number (``浙ICP备2024012345号``) or a website number (``浙ICP备2024012345号-1``)."""
    return selectors.lookup_number(number=number)


@router.get("/name", auth=PUBLIC, response={200: NameAnswerOut, **RATE_LIMITED}, summary="按主办单位名称查询（公开）")
@limited
def lookup_name(request, q: str, mode: Literal["contains", "prefix"] = "contains", limit: int = 20,
                after: int = 0):
    """Filed entities whose name contains (≥ 2 characters) or starts with ``q``; page with ``after=next_after``."""
    return selectors.lookup_name(q=q, mode=mode, limit=limit, after=after)


@router.get("/ping", auth=None, response=PingOut, summary="空接口（性能基准对照）")
def ping(request):
    """A bare endpoint: no database, no rate limit — the performance harness's yardstick."""
    return {"ok": True}
