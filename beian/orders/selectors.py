"""Scoped reads of orders (design.md §2): what each role may see."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone

from beian.core.errors import not_found
from beian.orders.models import PROVIDER_STATES, IdentityVerification, Order, OrderHistory, OrderState, ReturnReason

S = OrderState


def order_visible_to(user) -> QuerySet[Order]:
    qs = Order.objects.select_related("province", "entity", "applicant", "claimed_by")
    if not user.is_authenticated:
        return qs.none()
    if user.is_operator:
        return qs
    if user.is_provider_reviewer:
        return qs.filter(submitted_at__isnull=False)  # drafts are the applicant's own
    if user.is_bureau_reviewer:
        return qs.filter(bureau_at__isnull=False, province__in=user.bureau_provinces.all())
    return qs.filter(applicant=user)


def order_get(*, user, order_id: int) -> Order:
    order = order_visible_to(user).filter(pk=order_id).first()
    if order is None:
        raise not_found("订单", "order")
    return order


def order_list(*, user, state: str | None = None, type: str | None = None, province: str | None = None
               ) -> QuerySet[Order]:
    qs = order_visible_to(user)
    if state:
        qs = qs.filter(state=state)
    if type:
        qs = qs.filter(type=type)
    if province:
        qs = qs.filter(province__code=province)
    return qs.order_by("-id")


def provider_queue(*, user, overdue: bool = False, due_within_hours: int | None = None) -> QuerySet[Order]:
    """Orders in the provider stages by due date; "overdue" and "due soon" use the (state, due_at) index."""
    qs = order_visible_to(user).filter(state__in=PROVIDER_STATES)
    now = timezone.now()
    if overdue:
        qs = qs.filter(due_at__lt=now)
    if due_within_hours is not None:
        qs = qs.filter(due_at__gte=now, due_at__lt=now + timezone.timedelta(hours=due_within_hours))
    return qs.order_by("due_at", "submitted_at", "id")


def bureau_queue(*, user) -> QuerySet[Order]:
    return order_visible_to(user).filter(state=S.BUREAU_REVIEW).order_by("due_at", "id")


def order_history(*, user, order_id: int) -> QuerySet[OrderHistory]:
    order = order_get(user=user, order_id=order_id)
    return OrderHistory.objects.filter(order=order).select_related("actor").order_by("id")


def identity_verifications(*, order: Order) -> QuerySet[IdentityVerification]:
    return IdentityVerification.objects.filter(order=order).order_by("id")


def return_reasons(*, user) -> QuerySet[ReturnReason]:
    if not user.is_staff_role:
        return ReturnReason.objects.none()
    return ReturnReason.objects.filter(active=True)
