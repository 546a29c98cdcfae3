"""Rate limits of the public lookup, held across all web workers in the shared cache (design.md §11, §12).

A fixed window per client address (anonymous) or per API token: ``BEIAN_LOOKUP_RATE_ADDRESS`` and
``BEIAN_LOOKUP_RATE_TOKEN`` as ``requests/seconds``. Over the limit → 429 with ``Retry-After`` in the one error
shape.

The counter is one key per identity and window, incremented atomically in one round trip without a read first:
with Redis ``INCRBY`` on the cache key; with the database cache (the default) one
``INSERT … ON CONFLICT (key) DO UPDATE SET count = count + n RETURNING count`` on the ``lookup_ratecounter`` table
(a single statement: atomic on SQLite and PostgreSQL, across all web workers); expired windows are swept now and
then. For high limits a worker takes a *lease* of several requests
from the shared counter at once and spends it locally, so a busy client costs one store round trip per lease,
not per request. Leases never let more than the limit through (a lease is granted only from what is left);
a worker's unspent lease at the end of a window is lost, which can refuse up to ``workers × (lease − 1)``
requests early. Limits up to 1,000 per window use a lease of 1, i.e. exact counting.
"""

from __future__ import annotations

import functools
import hashlib
import threading
import time

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache
from django.db import connections, router

from beian.core.errors import BeianError, ErrorItem
from beian.core.hotsql import hot_fetch

DEFAULTS = {"BEIAN_LOOKUP_RATE_ADDRESS": "300/60", "BEIAN_LOOKUP_RATE_TOKEN": "3000/60"}

_leases: dict[str, int] = {}
_lock = threading.Lock()


class RateLimited(BeianError):
    """429 with ``retry_after`` seconds (the API sets the ``Retry-After`` header)."""

    def __init__(self, retry_after: int):
        super().__init__(errors=[ErrorItem(
            code="RATE_LIMITED", field=None, message_zh=f"查询过于频繁，请 {retry_after} 秒后再试。",
            message_en=f"Too many lookups; try again in {retry_after} seconds.")], status=429)
        self.retry_after = retry_after


def parse_rate(text: str) -> tuple[int, int]:
    """``"300/60"`` → (300, 60)."""
    count, _, window = str(text).partition("/")
    limit, seconds = int(count), int(window or 60)
    if limit < 1 or seconds < 1:
        raise ValueError(f"bad rate {text!r}: use requests/seconds, e.g. 300/60")
    return limit, seconds


def lease_size(limit: int) -> int:
    return 1 if limit <= 1000 else min(100, limit // 1000)


SWEEP_EVERY = 200  # new windows between two sweeps of expired counter rows (per process)
_UPSERT = ("INSERT INTO lookup_ratecounter (key, count, expires_at) VALUES (%s, %s, %s) "
           "ON CONFLICT (key) DO UPDATE SET count = lookup_ratecounter.count + excluded.count RETURNING count")
_new_windows = [0]


def _store_add(key: str, amount: int, ttl: int) -> int:
    """Add ``amount`` to the shared counter ``key`` atomically, in one round trip; returns the new total."""
    cache = caches["default"]
    if isinstance(cache, DatabaseCache):
        alias = router.db_for_write(cache.cache_model_class)
        now = int(time.time())
        total = hot_fetch(_UPSERT, [key, amount, now + ttl], alias=alias, one=True)[0]  # prepared on PostgreSQL
        if total == amount:  # the first request of a window: now and then sweep the windows that are over
            _new_windows[0] += 1
            if _new_windows[0] % SWEEP_EVERY == 0:
                with connections[alias].cursor() as cursor:
                    cursor.execute("DELETE FROM lookup_ratecounter WHERE expires_at < %s", [now])
        return total
    if cache.add(key, amount, timeout=ttl):
        return amount
    try:
        return cache.incr(key, amount)
    except ValueError:  # expired between add and incr
        cache.add(key, amount, timeout=ttl)
        return amount


@functools.lru_cache(maxsize=64)
def _parsed(rate: str) -> tuple[int, int, int]:
    limit, window = parse_rate(rate)
    return limit, window, lease_size(limit)


@functools.lru_cache(maxsize=4096)
def _ident_key(scope: str, ident: str) -> str:
    return f"beian:lookup-rl:{scope}:{hashlib.sha256(f'{scope}:{ident}'.encode()).hexdigest()[:32]}"


def rate_limit_take(*, scope: str, ident: str, rate: str) -> None:
    """Count one request of ``ident``; raise :class:`RateLimited` when the window's limit is used up."""
    limit, window, size = _parsed(rate)
    now = time.time()
    bucket = int(now // window)
    key = f"{_ident_key(scope, ident)}:{window}:{bucket}"
    with _lock:
        left = _leases.get(key, 0)
        if left > 0:
            _leases[key] = left - 1
            return
    total = _store_add(key, size, window + 5)
    granted = size if total <= limit else max(0, limit - (total - size))
    if granted <= 0:
        raise RateLimited(retry_after=max(1, int((bucket + 1) * window - now) + 1))
    with _lock:
        if len(_leases) > 10_000:
            _leases.clear()
        _leases[key] = _leases.get(key, 0) + granted - 1


def reset_local_leases() -> None:
    """Forget this process's unspent leases (tests)."""
    with _lock:
        _leases.clear()


def client_address(request) -> str:
    """The client address as django-axes sees it (``X-Forwarded-For`` only behind a configured proxy)."""
    for name in getattr(settings, "AXES_IPWARE_META_PRECEDENCE_ORDER", ["REMOTE_ADDR"]):
        value = request.META.get(name, "")
        if value:
            return value.split(",")[0].strip()[:64]
    return "unknown"


def rate_limit_request(request) -> None:
    """Per API token when the request carries a valid one, else per client address."""
    header = request.META.get("HTTP_AUTHORIZATION", "")
    user = getattr(request, "auth", None)
    if header.startswith("Bearer ") and user not in (None, True):
        token = header[7:].strip()
        rate_limit_take(scope="token", ident=hashlib.sha256(token.encode()).hexdigest(),
                        rate=getattr(settings, "BEIAN_LOOKUP_RATE_TOKEN", DEFAULTS["BEIAN_LOOKUP_RATE_TOKEN"]))
        return
    rate_limit_take(scope="addr", ident=client_address(request),
                    rate=getattr(settings, "BEIAN_LOOKUP_RATE_ADDRESS", DEFAULTS["BEIAN_LOOKUP_RATE_ADDRESS"]))
