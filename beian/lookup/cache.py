"""The lookup answer cache (design.md §11), dropped when an approval changes a filing.

Two tiers, both governed by ``BEIAN_LOOKUP_CACHE_SECONDS`` (0 = off):

1. **In each web worker** (this module's ``_local``): at most ``BEIAN_LOOKUP_LOCAL_ENTRIES`` answers, least
   recently used dropped first, so a worker's memory is bounded whatever the registry's size. A hit costs a dict
   lookup — no round trip to any store — which is what lets the lookup keep pace with a bare endpoint.
2. **Shared** (the Django cache), only when it is Redis (``BEIAN_REDIS_URL``): a database-cache hit costs as much
   as the lookup itself and a miss adds a write (docs/lookup.md, measured), so without Redis there is no shared tier.

Invalidation: ``registry_changed`` (sent in the approval's transaction) names every key the approval may have
changed an answer for — the domains and the entity and website numbers of the filing before and after it; they are
written to ``lookup_cachebust`` (model ``CacheBust``) in that transaction, so the bust rows commit exactly when the
approval does (a crash between the two cannot leave answers stale), and deleted from the shared tier and this
worker's tier once it has committed. Every worker reads the rows it has
not seen, at most every ``BEIAN_LOOKUP_LOCAL_POLL_MS`` (default 500 ms, one indexed query), before it answers from
its own tier, and drops those keys. So an answer is at most one poll interval stale after the approval committed.
A lookup that read the registry before the commit and stores its answer after the poll that dropped the key is
caught too: the poll remembers the keys it dropped with the bust id, and an answer read before that id is not
stored. A worker that has not polled for half the retention of the bust rows (``BUST_RETENTION``) drops its whole
tier instead.
"""

from __future__ import annotations

import builtins
import hashlib
import threading
import time
from collections import OrderedDict

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from beian.core.hotsql import hot_fetch, hot_later, insert_many_statement

PREFIX = "beian:lookup:"
BUST_RETENTION = 3600  # seconds a bust row is kept (swept by the worker's periodic sweep)
RECENT_SECONDS = 30.0  # how long a poll remembers the keys it dropped, against the read-before-commit race
SETTLE_SECONDS = 10.0  # a bust insert has surely committed this long after a higher id was read


def seconds() -> int:
    return int(getattr(settings, "BEIAN_LOOKUP_CACHE_SECONDS", 0) or 0)


def _shared() -> bool:
    return bool(getattr(settings, "REDIS_URL", None))


def _key(kind: str, key: str) -> str:
    return f"{PREFIX}{kind}:{hashlib.sha1(key.encode()).hexdigest()}"


class _LocalTier:
    """One worker's answers: ``key → (expires at, answer)``, LRU-bounded, kept in step through the bust rows."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.entries: OrderedDict[str, tuple[float, object]] = OrderedDict()
        self.reset()

    def reset(self) -> None:
        with self.lock:
            self.entries.clear()
            self.seen: int | None = None  # the highest bust id read; None until the first poll
            self.polled = 0.0
            # Bust ids come from concurrent inserts, so a lower id can commit after a higher one was read: each poll
            # re-reads from ``floor`` (the highest id read at least SETTLE seconds ago) and skips the ids in ``done``.
            self.floor = 0
            self.history: list[tuple[float, int]] = []  # (poll time, highest id read then)
            self.done: set[int] = builtins.set()  # the module defines its own ``set``
            self.recent: dict[str, tuple[int, float]] = {}  # key → (bust id, when dropped)

    def poll(self, now: float) -> None:
        """Read the bust rows not seen yet, if the poll interval is over, and drop their keys."""
        if now - self.polled < getattr(settings, "BEIAN_LOOKUP_LOCAL_POLL_MS", 500) / 1000:
            return
        if self.seen is None or now - self.polled > BUST_RETENTION / 2:
            # Start afresh (rows this worker has not read may have been swept), from the rows surely settled.
            row = hot_fetch("SELECT MAX(id) FROM lookup_cachebust WHERE created_at < %s",
                            [int(time.time() - SETTLE_SECONDS)], one=True)
            self.reset()
            self.seen = self.floor = row[0] or 0
        rows = hot_fetch("SELECT id, key FROM lookup_cachebust WHERE id > %s ORDER BY id", [self.floor])
        with self.lock:
            for bust_id, key in rows:
                if bust_id in self.done:
                    continue
                self.done.add(bust_id)
                self.entries.pop(key, None)
                self.recent[key] = (bust_id, now)
            if rows:
                self.seen = max(self.seen, rows[-1][0])
            self.history.append((now, self.seen))
            while self.history and now - self.history[0][0] >= SETTLE_SECONDS:
                self.floor = self.history.pop(0)[1]
            self.done = {i for i in self.done if i > self.floor}
            if self.recent:
                self.recent = {k: v for k, v in self.recent.items() if now - v[1] <= RECENT_SECONDS}
            self.polled = now

    def get(self, key: str, now: float):
        entry = self.entries.get(key)
        if entry is None:
            return None
        if entry[0] < now:
            self.entries.pop(key, None)
            return None
        try:
            self.entries.move_to_end(key)
        except KeyError:  # dropped by another thread in between
            pass
        return entry[1]

    def put(self, key: str, value, *, now: float, read_mark: int | None) -> None:
        limit = getattr(settings, "BEIAN_LOOKUP_LOCAL_ENTRIES", 50_000)
        if limit <= 0:
            return
        with self.lock:
            dropped = self.recent.get(key)
            if dropped is not None and (read_mark is None or dropped[0] > read_mark):
                return  # read before an approval this worker has already heard of: do not keep the old answer
            self.entries[key] = (now + seconds(), value)
            self.entries.move_to_end(key)
            while len(self.entries) > limit:
                self.entries.popitem(last=False)


_local = _LocalTier()
_last = threading.local()  # whether this thread's last get_many found every key (the X-Cache header)


def last_hit() -> bool | None:
    """Whether the last :func:`get_many` of this thread found everything (None: cache off or nothing asked)."""
    return getattr(_last, "hit", None)


def read_mark() -> int | None:
    """Where this worker stands in the bust stream; pass it to :func:`set`/:func:`set_many` for what you read next."""
    if not seconds():
        return None
    _local.poll(time.monotonic())
    return _local.seen


def get(kind: str, key: str):
    return get_many(kind, [key]).get(key)


def get_many(kind: str, keys: list[str]) -> dict:
    """The cached answers among ``keys`` (call :func:`read_mark` first: it brings the local tier up to date)."""
    _last.hit = None
    if not seconds() or not keys:
        return {}
    now = time.monotonic()
    found = {}
    for k in keys:
        value = _local.get(f"{kind}:{k}", now)
        if value is not None:
            found[k] = value
    missing = [k for k in keys if k not in found]
    if missing and _shared():
        names = {_key(kind, k): k for k in missing}
        for name, value in cache.get_many(list(names)).items():
            found[names[name]] = value
            _local.put(f"{kind}:{names[name]}", value, now=now, read_mark=_local.seen)
    _last.hit = len(found) == len(keys)
    return found


def set(kind: str, key: str, value, *, mark: int | None = None) -> None:  # noqa: A001 - mirrors the cache API
    set_many(kind, {key: value}, mark=mark)


def set_many(kind: str, values: dict, *, mark: int | None = None) -> None:
    if not seconds() or not values:
        return
    now = time.monotonic()
    for k, v in values.items():
        _local.put(f"{kind}:{k}", v, now=now, read_mark=mark)
    if _shared():
        cache.set_many({_key(kind, k): v for k, v in values.items()}, timeout=seconds())


def local_reset() -> None:
    """Forget this worker's tier (tests; a new process starts empty anyway)."""
    _local.reset()


def keys_of_entity(entity_id: int) -> list[tuple[str, str]]:
    """Every ``(kind, key)`` that could hold an answer about the entity (domains ever held, numbers)."""
    from beian.registry.models import Domain, Entity, Website

    domains = list(Domain.objects.filter(website__entity_id=entity_id).values_list("ascii", flat=True))
    numbers = list(Website.objects.filter(entity_id=entity_id).exclude(number=None).values_list("number", flat=True))
    numbers += [n for n in Entity.objects.filter(pk=entity_id).values_list("number", flat=True) if n]
    return _keys(domains, numbers)


def _keys(domains, numbers) -> list[tuple[str, str]]:
    from beian.core.validators import parse_filing_number
    from beian.lookup.selectors import number_key

    keys = [("d", a) for a in domains]
    for number in numbers:
        try:
            parsed = parse_filing_number(number)
        except Exception:  # noqa: BLE001 - a legacy oddity in the registry must not break invalidation
            continue
        keys.append(("n", number_key(parsed.province_code, parsed.serial, parsed.website_suffix)))
    return keys


def invalidate_entity(*, entity_id: int, domains: list[str] | None = None, numbers: list[str] | None = None) -> int:
    """Drop the cached answers about ``entity_id`` in every worker; returns how many keys were named.

    ``domains`` (ASCII forms) and ``numbers``: what the approval changed — the domains and numbers of the filing
    before and after it (``registry_changed`` passes them); without them every key the entity ever had is read
    back. A domain cancelled by an earlier approval was dropped then, and its answer since ("not filed") stays
    right."""
    from beian.lookup.models import CacheBust

    keys = keys_of_entity(entity_id) if domains is None and numbers is None else _keys(domains or (), numbers or ())
    if not keys:
        return 0
    created = int(time.time())
    # One prepared insert (core.hotsql), in the caller's transaction (the approval's): it commits with it, and goes
    # with the approval's next write.
    hot_later([insert_many_statement([CacheBust(key=f"{kind}:{k}", created_at=created) for kind, k in keys])])

    def drop() -> None:  # this worker at once; the others at their next poll
        with _local.lock:
            for kind, k in keys:
                _local.entries.pop(f"{kind}:{k}", None)
        if _shared():
            cache.delete_many([_key(kind, k) for kind, k in keys])

    transaction.on_commit(drop)
    return len(keys)


def bust_sweep(*, now: float | None = None) -> int:
    """Delete bust rows older than ``BUST_RETENTION`` (the worker's periodic sweep); returns how many."""
    from beian.lookup.models import CacheBust

    cutoff = int(now if now is not None else time.time()) - BUST_RETENTION
    deleted, _ = CacheBust.objects.filter(created_at__lt=cutoff).delete()
    return deleted
