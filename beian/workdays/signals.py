"""``calendar_changed``: sent after commit when the holiday table changes, so open orders get new due dates.

Receivers get ``years: set[int]`` — every calendar year whose rows (``CalendarDay``, ``CalendarYear``)
were saved or deleted in the committed transaction, through the admin, a service or plain model code.
One transaction sends one signal (changes are batched per transaction); a rolled-back change sends none.
Receivers run with ``send_robust``: an exception is logged and does not undo the committed change.

    from django.dispatch import receiver
    from beian.workdays.signals import calendar_changed

    @receiver(calendar_changed)
    def _recompute(sender, years, **kwargs): ...

``QuerySet.update()`` and ``bulk_create`` send no row signals: code using them calls
``calendar_change_noted(years=...)`` itself (the services do).
"""

from __future__ import annotations

import logging
import threading

from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import Signal, receiver

from beian.workdays.models import CalendarDay, CalendarYear, StageSla

log = logging.getLogger(__name__)

calendar_changed = Signal()  # kwargs: years: set[int]

_local = threading.local()


class _Batch:
    """The years changed in one transaction; ``flush`` runs once, on commit."""

    def __init__(self) -> None:
        self.years: set[int] = set()
        self.sent = False

    def flush(self) -> None:
        if self.sent:
            return
        self.sent = True
        from beian.workdays.services import calendar_cache_clear

        calendar_cache_clear()
        for receiver_, result in calendar_changed.send_robust(sender=CalendarDay, years=set(self.years)):
            if isinstance(result, Exception):
                log.error("calendar_changed receiver %r failed for years %s", receiver_, sorted(self.years),
                          exc_info=result)


def _pending(batch: _Batch) -> bool:
    """Whether ``batch.flush`` is still queued on the current transaction (not rolled back, not run)."""
    conn = transaction.get_connection()
    if not conn.in_atomic_block or batch.sent:
        return False
    return any(len(entry) > 1 and entry[1] == batch.flush for entry in getattr(conn, "run_on_commit", ()))


def calendar_change_noted(*, years: set[int]) -> None:
    """Record that ``years`` changed: drop the cache now, send ``calendar_changed`` after commit."""
    from beian.workdays.services import calendar_cache_clear

    calendar_cache_clear()
    if not years:
        return
    batch = getattr(_local, "batch", None)
    if batch is not None and _pending(batch):
        batch.years |= set(years)
        return
    batch = _Batch()
    batch.years |= set(years)
    _local.batch = batch
    transaction.on_commit(batch.flush)  # runs at once outside a transaction


@receiver(pre_save, sender=CalendarDay, dispatch_uid="workdays_day_pre_save")
@receiver(pre_save, sender=CalendarYear, dispatch_uid="workdays_year_pre_save")
def _remember_old_year(sender, instance, raw=False, **kwargs):
    """An edit may move a day (or a year row) to another year: both years change."""
    instance._workdays_old_year = None
    if raw or instance.pk is None:
        return
    if sender is CalendarDay:
        old = sender.objects.filter(pk=instance.pk).values_list("date", flat=True).first()
        instance._workdays_old_year = old.year if old else None
    else:
        instance._workdays_old_year = sender.objects.filter(pk=instance.pk).values_list("year", flat=True).first()


def _year_of(instance) -> int:
    return instance.date.year if isinstance(instance, CalendarDay) else instance.year


@receiver(post_save, sender=CalendarDay, dispatch_uid="workdays_day_saved")
@receiver(post_save, sender=CalendarYear, dispatch_uid="workdays_year_saved")
@receiver(post_delete, sender=CalendarDay, dispatch_uid="workdays_day_deleted")
@receiver(post_delete, sender=CalendarYear, dispatch_uid="workdays_year_deleted")
def _calendar_row_changed(sender, instance, raw=False, **kwargs):
    if raw:  # loaddata: the fixture's own transaction; no recompute needed
        return
    years = {_year_of(instance)}
    old = getattr(instance, "_workdays_old_year", None)
    if old is not None:
        years.add(old)
    calendar_change_noted(years=years)


@receiver(post_save, sender=StageSla, dispatch_uid="workdays_sla_saved")
@receiver(post_delete, sender=StageSla, dispatch_uid="workdays_sla_deleted")
def _sla_changed(sender, instance, **kwargs):
    """SLA edits apply to stages started afterwards; only the cache is dropped."""
    from beian.workdays.services import calendar_cache_clear

    calendar_cache_clear()
