"""The built-in bureau stage behind one interface (design.md §6): SMS stage hand-offs, bureau review,
number issue. A real upstream (MIIT via a provincial bureau) would replace these functions without touching
orders or the registry.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from beian.bureau import sms
from beian.bureau.numbers import numbers_issue
from beian.core.errors import forbidden, not_found
from beian.core.state import FilingState
from beian.orders import clock, events
from beian.orders.locks import order_locked
from beian.orders.models import Order, OrderState, OrderType
from beian.orders.workflow import advance
from beian.registry.models import Entity
from beian.registry.services import registry_apply

S = OrderState


def sms_verifiers(order: Order) -> list:
    """The principals who must pass the SMS check for this order (empty: straight to the bureau)."""
    return sms.sms_verifiers(order)


def sms_stage_clock(*, order: Order) -> None:
    """Start the SMS window's clock on ``order`` (unsaved: the transition's ``advance`` saves it)."""
    clock.stage_start(order, stage="sms_verification", start=timezone.now())


def sms_stage_codes(*, order: Order, verifiers: list | None = None) -> None:
    """Issue the codes of the SMS stage whose clock ``sms_stage_clock`` started (the order row saved)."""
    sms.sms_codes_issue(order=order, verifiers=verifiers)


def bureau_stage_clock(*, order: Order) -> None:
    """The bureau stage's start and clock on ``order`` (unsaved: the transition's ``advance`` saves it)."""
    order.bureau_at = order.bureau_at or timezone.now()
    clock.stage_start(order, stage="bureau_review", start=timezone.now())


def _lock(order_id: int) -> Order:
    """The order row locked, with the province and applicant its clock and notifications read."""
    order = order_locked(order_id)
    if order is None:
        raise Order.DoesNotExist(f"order {order_id}")
    return order


@transaction.atomic(savepoint=False)  # inside sms_verify's transaction: no savepoint round trips
def sms_stage_complete(*, order_id: int, order: Order | None = None) -> Order:
    """Every required principal verified: the order moves to the bureau.

    ``order``: the order row the caller has already locked in this transaction (with its province and applicant),
    else it is locked here."""
    if order is None or order.pk != order_id:
        order = _lock(order_id)
    bureau_stage_clock(order=order)  # saved by advance: one write of the order row
    advance(order, "sms_verified")
    events.order_forwarded(order)
    return order


@transaction.atomic(savepoint=False)  # inside sms_verify's or the sweep's transaction: no savepoint round trips
def sms_stage_fail(*, order_id: int, reason: str) -> Order:
    """24 h passed or the 6th wrong entry: back to the provider, marked "SMS failed", new provider SLA."""
    order = _lock(order_id)
    order.sms_failed = True
    clock.stage_start(order, stage="provider_review", start=timezone.now())
    advance(order, "sms_failed", reason=reason)
    events.order_sms_failed(order, reason=reason)
    return order


def _bureau_order(reviewer, order_id: int) -> Order:
    if not reviewer.is_bureau_reviewer:
        raise forbidden()
    through = get_user_model().bureau_provinces.through._meta.db_table
    order = order_locked(order_id, also=f'"o"."bureau_at" IS NOT NULL AND "o"."province_id" IN '
                                        f'(SELECT "province_id" FROM "{through}" WHERE "user_id" = %s)',
                         params=[reviewer.pk])
    if order is None:
        raise not_found("订单", "order")
    order.bureau_scope_checked_for = reviewer.pk  # ``advance`` need not ask again whether the province is theirs
    return order


@transaction.atomic
def bureau_approve(*, reviewer, order_id: int, note: str = "") -> Order:
    """Apply the order to the registry in one transaction: new version, numbers, locks released."""
    from beian.orders.services import locks_release_statement

    order = _bureau_order(reviewer, order_id)
    if order.state != S.BUREAU_REVIEW:
        from beian.core.errors import conflict

        raise conflict("ORDER_STATE_CONFLICT", "订单不在管局审核中。", "The order is not in bureau review.")
    state = FilingState.model_validate(order.proposed)
    entity = Entity.objects.select_for_update().get(pk=order.entity_id) if order.entity_id else None
    if entity is None and order.type == OrderType.ADD_ACCESS:
        entity = Entity.objects.select_for_update().filter(number=state.entity.number).first() \
            if state.entity.number else None
    issued = numbers_issue(state=state, entity=entity, province=order.province)
    entity = registry_apply(state=state, entity=entity, order=order, actor=reviewer,
                            owner=order.applicant if entity is None else None,
                            cancel_entity=order.type == OrderType.CANCEL_ENTITY, province=order.province)
    order.entity = entity
    order.proposed = state.to_json()
    order.due_at = None
    advance(order, "bureau_approve", actor=reviewer, reason=note, data={"issued": issued, "version": entity.version},
            also=[locks_release_statement(order)])  # the locks are released in the same round trip
    # The entity's active websites in registry order (suffix, id), as registry_apply just wrote them.
    numbers = {"entity": entity.number,
               "websites": {w.name: w.number for w in entity.applied_state.websites}}
    events.order_approved(order, numbers=numbers)
    return order


@transaction.atomic
def bureau_return(*, reviewer, order_id: int, reasons: list[dict]) -> Order:
    from beian.orders.services import _reasons, mark_returned

    order = _bureau_order(reviewer, order_id)
    flags = _reasons(reasons)
    mark_returned(order, flags)
    advance(order, "bureau_return", actor=reviewer, reason="; ".join(f["title_zh"] for f in flags),
            data={"flags": flags})
    events.order_returned(order, by_bureau=True)
    return order
