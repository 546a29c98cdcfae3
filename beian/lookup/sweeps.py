"""The lookup's periodic sweep (run by ``manage.py beian_worker``): old answer-cache bust rows."""

from __future__ import annotations

import datetime as dt

from beian.core.sweeps import sweep


@sweep("lookup.cache_bust_sweep", every=dt.timedelta(minutes=10))
def cache_bust_sweep() -> int:
    """Bust rows older than an hour: every web worker has read them, or drops its whole tier (cache.py)."""
    from beian.lookup.cache import bust_sweep

    return bust_sweep()
