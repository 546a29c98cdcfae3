"""Periodic sweeps: a tiny registry of functions the worker (``manage.py beian_worker``) runs on a schedule.

Register from any app's ``sweeps`` module (discovered automatically)::

    from datetime import timedelta
    from beian.core.sweeps import sweep

    @sweep("orders.claim_expiry", every=timedelta(minutes=1))
    def expire_claims() -> int:       # return how much work was done (0 = nothing to do)
        ...

An *exclusive* sweep (the default) runs at most once per interval across all worker processes: each has a
:class:`beian.core.models.SweepRun` row, and a worker claims a run with one conditional UPDATE
(``last_run_at <= now - every``) — atomic on SQLite and PostgreSQL alike, so two workers never both run it.
A non-exclusive sweep (``exclusive=False``) runs on every worker at every tick without bookkeeping; use it
only for work that is safe to run concurrently because it claims its own rows (the outbox delivery).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.db import IntegrityError, models
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

log = logging.getLogger("beian.sweeps")


@dataclass(frozen=True)
class Sweep:
    name: str
    every: timedelta
    func: Callable[[], int | None]
    exclusive: bool = True


REGISTRY: dict[str, Sweep] = {}
_discovered = False
_worker: dict = {"id": "", "stop": None}


def worker_set(*, worker_id: str, stop: Callable[[], bool] | None) -> None:
    """Called by the worker: who is running the sweeps and how they learn that it is shutting down."""
    _worker["id"], _worker["stop"] = worker_id, stop


def worker_id() -> str:
    return _worker["id"]


def should_stop() -> bool:
    """Long sweeps check this between items and return early when the worker is shutting down."""
    stop = _worker["stop"]
    return bool(stop and stop())


def sweep(name: str, *, every: timedelta, exclusive: bool = True):
    """Decorator: register ``func`` (no arguments; returns the amount of work done or None) as a sweep."""
    if every < timedelta(0):
        raise ValueError("every must not be negative")

    def register(func):
        REGISTRY[name] = Sweep(name=name, every=every, func=func, exclusive=exclusive)
        return func

    return register


def sweeps_discover() -> dict[str, Sweep]:
    """Import ``<app>.sweeps`` of every installed app once, so their ``@sweep`` decorators run."""
    global _discovered
    if not _discovered:
        autodiscover_modules("sweeps")
        _discovered = True
    return REGISTRY


def sweep_claim(*, name: str, every: timedelta, worker_id: str = "") -> bool:
    """Claim this interval's run of an exclusive sweep; True for exactly one caller per interval."""
    from beian.core.models import SweepRun

    now = timezone.now()
    if not SweepRun.objects.filter(name=name).exists():
        try:
            SweepRun.objects.create(name=name)
        except IntegrityError:  # another worker created it first
            pass
    due = models.Q(last_run_at__isnull=True) | models.Q(last_run_at__lte=now - every)
    claimed = SweepRun.objects.filter(due, name=name).update(last_run_at=now, claimed_by=worker_id[:64])
    return claimed == 1


def _record(name: str, *, started: float, result, error: str = "") -> None:
    from beian.core.models import SweepRun

    updates = {"last_finished_at": timezone.now(), "last_duration_ms": int((time.monotonic() - started) * 1000),
               "runs": models.F("runs") + 1, "last_error": error[:2000]}
    if error:
        updates["failures"] = models.F("failures") + 1
    else:
        updates["last_result"] = str(result if result is not None else "")[:200]
    SweepRun.objects.filter(name=name).update(**updates)


def sweep_run(item: Sweep, *, worker_id: str = "", force: bool = False) -> int:
    """Run one sweep if it is due (or ``force``); returns the work it reported (0 when skipped or failed)."""
    if item.exclusive and not force and not sweep_claim(name=item.name, every=item.every, worker_id=worker_id):
        return 0
    started = time.monotonic()
    try:
        result = item.func()
    except Exception as exc:  # a failing sweep must not stop the worker; it runs again next interval
        log.error("sweep %s failed: %s", item.name, type(exc).__name__, exc_info=True)
        if item.exclusive:
            _record(item.name, started=started, result=None, error=f"{type(exc).__name__}: {exc}")
        return 0
    if item.exclusive:
        _record(item.name, started=started, result=result)
    work = result if isinstance(result, int) and not isinstance(result, bool) else 0
    if work:
        log.info("sweep %s did %d", item.name, work)
    return work


def sweeps_run_due(*, worker_id: str = "", names: list[str] | None = None) -> int:
    """Run every registered sweep that is due; returns the total work done (the worker sleeps when 0)."""
    total = 0
    for name, item in list(sweeps_discover().items()):
        if names is not None and name not in names:
            continue
        total += sweep_run(item, worker_id=worker_id)
    return total
