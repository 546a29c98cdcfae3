"""The order workflow as data: design.md §6's transition table, one edge per entry.

``advance`` is the only code that writes ``Order.state``. It checks the edge, the actor's role, writes the
append-only history row and returns; the calling service (one per transition, in ``orders.services`` and
``bureau.services``) does the rest of the work inside the same transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils import timezone

from beian.core.errors import conflict, forbidden
from beian.core.hotsql import hot_update_insert
from beian.orders.models import Order, OrderHistory, OrderState

S = OrderState

APPLICANT, REVIEWER, BUREAU, SYSTEM = "applicant", "provider_reviewer", "bureau_reviewer", "system"


@dataclass(frozen=True)
class Edge:
    sources: frozenset[str]
    target: str | None  # None = stays in its state (claims)
    actor: str


def _e(sources, target, actor) -> Edge:
    return Edge(frozenset(sources), target, actor)


TRANSITIONS: dict[str, Edge] = {
    # The applicant sends a draft to the provider; provider SLA starts, entity and domains get locked.
    "submit": _e({S.DRAFT}, S.PROVIDER_REVIEW, APPLICANT),
    # A draft left without edits for 45 days (configurable) expires; it never held locks.
    "expire": _e({S.DRAFT}, S.EXPIRED, SYSTEM),
    # A reviewer takes the order; releasing it or the 4-hour expiry puts it back in the queue.
    "claim": _e({S.PROVIDER_REVIEW}, None, REVIEWER),
    "release": _e({S.PROVIDER_REVIEW}, None, REVIEWER),
    "claim_expire": _e({S.PROVIDER_REVIEW}, None, SYSTEM),
    # Materials only are missing: the provider clock pauses, the claim is kept.
    "request_supplement": _e({S.PROVIDER_REVIEW}, S.SUPPLEMENT_REQUESTED, REVIEWER),
    # The applicant supplies them: back to the same reviewer, due date moved by the paused working days.
    "supply": _e({S.SUPPLEMENT_REQUESTED}, S.PROVIDER_REVIEW, APPLICANT),
    # Fields or materials are wrong: back to the applicant with canned reasons flagged on field paths.
    "return": _e({S.PROVIDER_REVIEW}, S.RETURNED, REVIEWER),
    # First review passed and someone must answer the MIIT SMS check: codes go out, the 24 h window starts.
    "approve_to_sms": _e({S.PROVIDER_REVIEW}, S.SMS_VERIFICATION, REVIEWER),
    # First review passed and nobody must verify (change_access, cancel_website, cancel_access by default).
    "approve_to_bureau": _e({S.PROVIDER_REVIEW}, S.BUREAU_REVIEW, REVIEWER),
    # Every required principal verified: the order is at the bureau, bureau SLA starts.
    "sms_verified": _e({S.SMS_VERIFICATION}, S.BUREAU_REVIEW, SYSTEM),
    # 24 h passed or the 6th wrong entry: MIIT returns the order to the provider, marked "SMS failed".
    "sms_failed": _e({S.SMS_VERIFICATION}, S.PROVIDER_REVIEW, SYSTEM),
    # The bureau approves: the registry changes in the same transaction, numbers are issued, locks released.
    "bureau_approve": _e({S.BUREAU_REVIEW}, S.APPROVED, BUREAU),
    # The bureau returns it to the applicant (locks kept for the resubmission).
    "bureau_return": _e({S.BUREAU_REVIEW}, S.RETURNED, BUREAU),
    # Final refusal by the provider (illegal content, false information); locks released.
    "reject": _e({S.PROVIDER_REVIEW}, S.REJECTED, REVIEWER),
    # The applicant fixes the flagged fields and sends it again: a new provider SLA.
    "resubmit": _e({S.RETURNED}, S.PROVIDER_REVIEW, APPLICANT),
    # The applicant gives up while the order is still with them or the provider; never at the bureau.
    "withdraw": _e({S.DRAFT, S.PROVIDER_REVIEW, S.SUPPLEMENT_REQUESTED, S.RETURNED}, S.WITHDRAWN, APPLICANT),
}

# States from which the applicant may still edit the proposed state.
EDITABLE_STATES = frozenset({S.DRAFT, S.RETURNED})


def _actor_allowed(edge: Edge, actor, order: Order) -> bool:
    if edge.actor == SYSTEM:
        return actor is None
    if actor is None:
        return False
    if edge.actor == APPLICANT:
        return actor.pk == order.applicant_id
    if edge.actor == REVIEWER:
        return actor.is_provider_reviewer or actor.is_operator
    if edge.actor == BUREAU:
        if not actor.is_bureau_reviewer:
            return False
        # The bureau services load the order through the reviewer's provinces and say so (saves a query).
        if getattr(order, "bureau_scope_checked_for", None) == actor.pk:
            return True
        return actor.bureau_provinces.filter(pk=order.province_id).exists()
    return False


def advance(order: Order, event: str, *, actor=None, reason: str = "", data: dict | None = None,
            also: Sequence[tuple[str, Sequence]] = ()) -> OrderHistory:
    """Move ``order`` along ``event`` (or record a same-state event) and append the history row.

    The caller holds the order's row lock (``select_for_update``) inside its transaction. ``also``: the
    transition's other writes that need no result ((sql, params), e.g. releasing the order's locks), sent before
    the order's in the same batch (core.hotsql.hot_batch).
    """
    edge = TRANSITIONS[event]
    if not _actor_allowed(edge, actor, order):
        raise forbidden()
    if order.state not in edge.sources:
        raise conflict("ORDER_STATE_CONFLICT",
                       f"订单当前状态为“{order.get_state_display()}”，不能执行此操作。",
                       f"The order is in state {order.state}; this action is not possible now.")
    from_state = order.state
    if edge.target is not None:
        order.state = edge.target
        if edge.target in {S.APPROVED, S.REJECTED, S.WITHDRAWN, S.EXPIRED}:
            order.ended_at = timezone.now()
    # Saves what the calling service changed too (claim, clocks, flags), and the history row: one prepared statement
    # on PostgreSQL (core.hotsql), as this runs in every transition.
    history = hot_update_insert(order, OrderHistory(order=order, event=event, from_state=from_state,
                                                    to_state=order.state, actor=actor, reason=reason,
                                                    data=data or {}), before=also)
    order.last_history_id = history.pk  # the event's notifications are keyed by it (orders.events)
    return history
