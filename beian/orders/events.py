"""One small function per order event: who is told, with what context (design.md §10).

Each writes outbox rows through ``notify.services`` inside the caller's transaction; the worker delivers.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone


def _queue(event: str, order, recipients, **context) -> None:
    from beian.notify.services import notification_queue, order_type_zh

    # seq tells this occurrence of the event from earlier ones of the same order (idempotency keys): the history
    # row ``advance`` wrote for it in this transaction; events without one count the order's history.
    seq = getattr(order, "last_history_id", None)
    base = {"order_id": order.pk, "order_type": order.type, "order_type_display": order_type_zh(order.type),
            "state": order.state, "seq": f"h{seq}" if seq is not None else order.history.count()}
    if order.due_at:
        base["due_at"] = timezone.localtime(order.due_at).strftime("%Y-%m-%d %H:%M")
    base.update(context)
    notification_queue(event=event, recipients=[r for r in recipients if r is not None], order=order, context=base,
                       fetch=False)


def _reviewers(order):
    from beian.accounts.models import Role, User

    if order.claimed_by_id:
        return [order.claimed_by]
    return list(User.objects.filter(role=Role.PROVIDER_REVIEWER, is_active=True))


def order_submitted(order) -> None:
    _queue("order_submitted", order, [order.applicant])


def order_resubmitted(order) -> None:
    _queue("order_resubmitted", order, _reviewers(order))


def order_returned(order, *, by_bureau: bool = False) -> None:
    support = order.return_count >= settings.BEIAN["RETURNS_BEFORE_SUPPORT"]
    _queue("order_bureau_returned" if by_bureau else "order_returned", order, [order.applicant],
           reasons=order.flags, return_count=order.return_count, contact_support=support,
           support_contact=settings.BEIAN["SUPPORT_CONTACT"] if support else "")


def order_supplement_requested(order, *, materials: list[str], note: str) -> None:
    _queue("order_supplement_requested", order, [order.applicant], materials=materials, note=note)


def order_supplied(order) -> None:
    _queue("order_supplied", order, _reviewers(order))


def order_sms_started(order) -> None:
    _queue("order_sms_started", order, [order.applicant])


def order_sms_failed(order, *, reason: str) -> None:
    _queue("order_sms_failed", order, [order.applicant, *_reviewers(order)], reason=reason)


def order_forwarded(order) -> None:
    _queue("order_forwarded", order, [order.applicant])


def order_approved(order, *, numbers: dict) -> None:
    _queue("order_approved", order, [order.applicant], numbers=numbers, footer_reminder=True)


def order_rejected(order, *, reason: str) -> None:
    _queue("order_rejected", order, [order.applicant], reason=reason)


def order_expired(order) -> None:
    _queue("order_expired", order, [order.applicant])


def order_overdue(order, *, day: str) -> None:
    # "seq" = the day, so a reviewer is reminded once a day and never twice for the same day.
    _queue("order_overdue", order, _reviewers(order), seq=f"overdue-{day}")


def change_date_reminder(order, *, day: str, lag_days: int) -> None:
    _queue("change_date_reminder", order, [order.applicant], seq=f"lag-{day}", lag_days=lag_days,
           change_date=order.change_date.isoformat())
