"""How often a process asks whether its copies of reference data are still current.

The workflow reads reference data on every transition — the holiday calendar and SLAs (``workdays``), the rules'
data (``rules.data``), the catalogues (``core.tablecache``) — from per-process copies. Each copy has a version in the
database (a fingerprint, the newest edit, a token); asking for it is one round trip, and the workflow would ask
several times per order. So a process asks at most every ``BEIAN_REFDATA_CHECK_MS`` (default 1000 ms; 0 under
tests, where every test's rollback changes the data back): an edit made in another process is seen within that
interval, an edit made in this process at once (its save clears this process's copy).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings

_resets: list[Callable[[], None]] = []


def on_reset(fn: Callable[[], None]) -> Callable[[], None]:
    """Register a copy's "forget everything" function (each cache registers its own)."""
    _resets.append(fn)
    return fn


def refdata_reset() -> None:
    """Forget every copy in this process (a test that lengthens the interval starts from the database)."""
    for fn in _resets:
        fn()


def check_due(checked_at: float | None, now: float | None = None) -> bool:
    """Whether a copy last confirmed current at ``checked_at`` (``time.monotonic()``; None: never) must ask again."""
    if checked_at is None:
        return True
    interval = getattr(settings, "BEIAN_REFDATA_CHECK_MS", 0) / 1000
    return interval <= 0 or (time.monotonic() if now is None else now) - checked_at >= interval
