"""Stage clocks of an order: due dates stored per stage (design.md §6 Clock column, §9).

Due dates are stored, not recomputed on read, so "overdue" and "due within a day" are index-backed
queries; ``orders_recompute_due`` recomputes them when the holiday table changes.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from beian.workdays.services import (
    Deadline,
    local_date,
    missing_years,
    stage_deadline,
    working_days_after,
    working_days_between,
)


def _province_code(order) -> str | None:
    return order.province.code if order.province_id else None


def stage_start(order, *, stage: str, start: dt.datetime) -> None:
    """A stage begins: store its start and due date (and whether the calendar had to fall back)."""
    deadline = stage_deadline(stage=stage, province_code=_province_code(order), start=start)
    order.stage_started_at = start
    order.due_at = deadline.at
    order.due_fallback = deadline.is_fallback
    order.paused_at = None
    order.paused_working_days = 0


def pause(order, *, now: dt.datetime) -> None:
    order.paused_at = now


def resume(order, *, now: dt.datetime) -> None:
    """End a supplement pause: the provider due date moves by the paused working days."""
    if order.paused_at is None or order.due_at is None:
        return
    paused = working_days_between(start=order.paused_at, end=now)
    if paused:
        deadline = working_days_after(start=order.due_at, days=paused)
        order.due_at = deadline.at
        order.due_fallback = order.due_fallback or deadline.is_fallback
        order.paused_working_days += paused
    order.paused_at = None


PROVIDER_STAGES = frozenset({"provider_review", "supplement_requested"})

STAGE_OF_STATE = {"provider_review": "provider_review", "sms_verification": "sms_verification",
                  "bureau_review": "bureau_review"}


def orders_recompute_due(*, years: set[int] | None = None) -> int:
    """Recompute the due date of every open order whose stage clock runs (after a holiday-table change)."""
    from beian.orders.models import Order

    count = 0
    for order in Order.objects.filter(state__in=STAGE_OF_STATE, stage_started_at__isnull=False, paused_at=None
                                      ).select_related("province"):
        deadline = stage_deadline(stage=STAGE_OF_STATE[order.state], province_code=_province_code(order),
                                  start=order.stage_started_at)
        if order.paused_working_days:  # keep the extension earned by supplement pauses
            extended = working_days_after(start=deadline.at, days=order.paused_working_days)
            deadline = type(deadline)(at=extended.at, fallback_years=deadline.fallback_years | extended.fallback_years)
        if deadline.at != order.due_at or deadline.is_fallback != order.due_fallback:
            Order.objects.filter(pk=order.pk).update(due_at=deadline.at, due_fallback=deadline.is_fallback)
            count += 1
    return count


def _current_fallback_years(order) -> set[int]:
    """The years the stored due date had to assume Monday–Friday for (``due_fallback`` keeps only a flag)."""
    if not order.due_fallback or order.due_at is None:
        return set()
    first = local_date(order.stage_started_at or order.due_at).year
    return missing_years(range(first, local_date(order.due_at).year + 1))


def expected_completion(order, *, now: dt.datetime | None = None) -> Deadline | None:
    """When the order is expected to be done if every remaining stage uses its full SLA (shown to the applicant).

    From the current stage's stored due date, then the remaining stages in order: provider review → SMS window
    (24 h, only when someone must verify) → the bureau SLA of the order's province. A supplement pause moves the
    provider due date by the working days paused so far (``now``: default the current time). The ``Deadline``
    names every year that had to fall back to Monday–Friday (its ``warning()`` is what the order shows).
    None when no stage clock runs: drafts, returned orders (the applicant holds them) and ended orders.
    """
    if order.due_at is None or order.state not in PROVIDER_STAGES | {"sms_verification", "bureau_review"}:
        return None
    province = _province_code(order)
    at = order.due_at
    years = _current_fallback_years(order)

    def then(deadline: Deadline) -> None:
        nonlocal at
        at = deadline.at
        years.update(deadline.fallback_years)

    if order.state == "supplement_requested" and order.paused_at is not None:
        paused = working_days_between(start=order.paused_at, end=now or timezone.now())
        if paused:
            then(working_days_after(start=at, days=paused))
    if order.state in PROVIDER_STAGES:
        from beian.bureau.services import sms_verifiers

        if sms_verifiers(order):
            then(stage_deadline(stage="sms_verification", province_code=province, start=at))
    if order.state != "bureau_review":
        then(stage_deadline(stage="bureau_review", province_code=province, start=at))
    return Deadline(at=at, fallback_years=frozenset(years))
