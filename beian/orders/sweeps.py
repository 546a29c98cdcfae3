"""The orders app's periodic sweeps (run by ``manage.py beian_worker``): claims, drafts, reminders."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from beian.core.sweeps import sweep

CHANGE_LAG_DAYS = 30  # design.md §14: flag and remind when a filing lags the real change by more than 30 days


@sweep("orders.claim_expiry", every=dt.timedelta(minutes=1))
def claim_expiry() -> int:
    """Claims older than 4 hours (configurable) go back to the queue."""
    from beian.orders.services import claims_expire

    return claims_expire()


@sweep("orders.draft_expiry", every=dt.timedelta(hours=1))
def draft_expiry() -> int:
    """Drafts without an edit for 45 days (configurable) expire."""
    from beian.orders.services import orders_expire_drafts

    return orders_expire_drafts()


@sweep("orders.overdue_reminders", every=dt.timedelta(hours=1))
def overdue_reminders() -> int:
    """Once a day per order: tell the reviewers about provider-stage orders past their due date."""
    from beian.orders import events
    from beian.orders.models import Order, OrderState

    today = timezone.localdate().isoformat()
    count = 0
    overdue = Order.objects.filter(state=OrderState.PROVIDER_REVIEW, due_at__lt=timezone.now())
    for order in overdue.select_related("claimed_by")[:500]:
        events.order_overdue(order, day=today)
        count += 1
    return count


@sweep("orders.change_date_reminders", every=dt.timedelta(hours=6))
def change_date_reminders() -> int:
    """Once a day per draft: the real change happened more than 30 days ago and the filing still lags."""
    from beian.orders import events
    from beian.orders.models import Order, OrderState

    today = timezone.localdate()
    cutoff = today - dt.timedelta(days=CHANGE_LAG_DAYS)
    count = 0
    drafts = Order.objects.filter(state=OrderState.DRAFT, change_date__lt=cutoff).select_related("applicant")
    for order in drafts[:500]:
        events.change_date_reminder(order, day=today.isoformat(), lag_days=(today - order.change_date).days)
        count += 1
    return count
