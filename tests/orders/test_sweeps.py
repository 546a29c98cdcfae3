"""The orders sweeps the worker runs: reminders are queued once per day, never twice."""

import datetime as dt

from django.utils import timezone

from beian.notify.models import Outbox
from beian.orders import services
from beian.orders.sweeps import change_date_reminders, overdue_reminders


def test_change_date_reminder_once_per_day(applicant, zj_entity):
    order = services.order_create(user=applicant, type="change",
                                  change_date=timezone.localdate() - dt.timedelta(days=40))
    assert change_date_reminders() == 1
    change_date_reminders()
    rows = Outbox.objects.filter(idempotency_key__contains="change_date_reminder")
    assert rows.filter(channel="inbox").count() == 1
    assert order.pk in {r.order_id for r in rows}


def test_overdue_reminder_goes_to_reviewers(applicant, reviewer, zj_entity):
    from beian.orders.models import Order

    order = services.order_create(user=applicant, type="change")
    proposed = order.proposed
    proposed["entity"]["remarks"] = "x"
    services.order_update(user=applicant, order_id=order.pk, proposed=proposed)
    services.order_submit(user=applicant, order_id=order.pk)
    Order.objects.filter(pk=order.pk).update(due_at=timezone.now() - dt.timedelta(hours=1))
    assert overdue_reminders() == 1
    overdue_reminders()
    rows = Outbox.objects.filter(idempotency_key__contains="order_overdue", channel="inbox")
    assert rows.count() == 1 and rows.get().recipient_id == reviewer.pk
