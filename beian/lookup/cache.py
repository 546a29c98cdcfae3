"""The lookup answer cache in the shared Django cache (design.md §11), dropped when an approval changes a filing.

``BEIAN_LOOKUP_CACHE_SECONDS`` (0 = off). Keys: ``d`` + registrable ASCII domain, ``n`` + province code, serial
and suffix of a filing number. ``registry_changed`` (sent after commit) deletes every key the entity could
have answered — all its domains, active or cancelled, its entity number and all its website numbers — so the
next lookup reads the new state. A lookup racing the approval's commit can re-cache the old answer for at most
the cache lifetime; that window is the price of caching and is documented in docs/lookup.md.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache

PREFIX = "beian:lookup:"


def seconds() -> int:
    return int(getattr(settings, "BEIAN_LOOKUP_CACHE_SECONDS", 0) or 0)


def _key(kind: str, key: str) -> str:
    return f"{PREFIX}{kind}:{hashlib.sha1(key.encode()).hexdigest()}"


def get(kind: str, key: str):
    if not seconds():
        return None
    return cache.get(_key(kind, key))


def get_many(kind: str, keys: list[str]) -> dict:
    if not seconds() or not keys:
        return {}
    names = {_key(kind, k): k for k in keys}
    return {names[name]: value for name, value in cache.get_many(list(names)).items()}


def set(kind: str, key: str, value) -> None:  # noqa: A001 - mirrors the cache API
    if seconds():
        cache.set(_key(kind, key), value, timeout=seconds())


def set_many(kind: str, values: dict) -> None:
    if seconds() and values:
        cache.set_many({_key(kind, k): v for k, v in values.items()}, timeout=seconds())


def keys_of_entity(entity_id: int) -> list[str]:
    """Every cache key that could hold an answer about the entity (domains ever held, numbers)."""
    from beian.core.validators import parse_filing_number
    from beian.lookup.selectors import number_key
    from beian.registry.models import Domain, Entity, Website

    keys = [_key("d", a) for a in Domain.objects.filter(website__entity_id=entity_id).values_list("ascii", flat=True)]
    numbers = list(Website.objects.filter(entity_id=entity_id).exclude(number=None).values_list("number", flat=True))
    numbers += [n for n in Entity.objects.filter(pk=entity_id).values_list("number", flat=True) if n]
    for number in numbers:
        try:
            parsed = parse_filing_number(number)
        except Exception:  # noqa: BLE001 - a legacy oddity in the registry must not break invalidation
            continue
        keys.append(_key("n", number_key(parsed.province_code, parsed.serial, parsed.website_suffix)))
    return keys


def invalidate_entity(*, entity_id: int) -> int:
    """Drop the cached answers about ``entity_id``; returns how many keys were deleted (attempted)."""
    keys = keys_of_entity(entity_id)
    if keys:
        cache.delete_many(keys)
    return len(keys)
