"""The notify app's periodic work, run by ``manage.py beian_worker`` (``beian.core.sweeps``)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings

from beian.core import sweeps
from beian.core.sweeps import sweep
from beian.notify.services import outbox_deliver_batch, outbox_prune


@sweep("notify.outbox_deliver", every=timedelta(0), exclusive=False)
def deliver_outbox() -> int:
    """Deliver due outbox rows: first attempts, retries whose backoff has passed, and rows whose worker died
    (lease expired). Runs on every worker at every tick — safe, because each row is claimed by one worker."""
    return outbox_deliver_batch(limit=getattr(settings, "BEIAN_OUTBOX_BATCH", 50), worker_id=sweeps.worker_id(),
                                stop=sweeps.should_stop)


@sweep("notify.prune", every=timedelta(hours=6))
def prune() -> int:
    """Delete sent outbox rows older than 90 days and finished django-tasks results older than 7 days."""
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    deleted = outbox_prune(older_than=timedelta(days=90))
    old, _ = DBTaskResult.objects.filter(status__in=["SUCCESSFUL", "FAILED"],
                                         finished_at__lt=timezone.now() - timedelta(days=7)).delete()
    return deleted + old
