"""Every write to an order: one function per transition (design.md §6), atomic and permission-checked.

Services take keyword-only arguments, lock the order row, call ``workflow.advance`` (the only writer of the
state), and queue notifications through ``orders.events`` in the same transaction (the outbox is delivered
by the worker after commit).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from pydantic import ValidationError as PydanticValidationError

from beian.core.diff import filing_diff
from beian.core.errors import BeianError, ErrorItem, Finding, conflict, error, forbidden, not_found
from beian.core.hotsql import hot_execute, hot_fetch, hot_insert, hot_prefetch
from beian.core.state import FilingState, field_path_of, strip_read_only
from beian.core.validators import normalize_domain
from beian.orders import clock, events
from beian.orders.locks import BULKY, CONTENT, order_lock_statement, order_locked, order_table
from beian.orders.models import (
    CANCEL_TYPES,
    CHANGE_TYPES,
    PROVIDER_STATES,
    IdentityVerification,
    Order,
    OrderLock,
    OrderState,
    OrderType,
    ReturnReason,
)
from beian.orders.types import change_type_from_diff
from beian.orders.workflow import EDITABLE_STATES, advance
from beian.registry.models import Entity, EntityType, Province, RecordStatus, Website
from beian.registry.selectors import entity_of_applicant, filing_state_of
from beian.registry.validation import filing_state_errors, filing_state_normalize
from beian.rules.engine import RuleContext, catalogue_version, findings_raise, rules_run
from beian.rules.workflow_rules import refusal

S = OrderState
CHANGE = "change"  # the one entry point for changes; the type is derived from the diff


# ---------------------------------------------------------------- helpers


def domain_ascii(name: str) -> str:
    """The ASCII registrable form used for locks and lookups; an invalid name (refused by the rules) as typed."""
    try:
        return normalize_domain(name).registrable_ascii
    except BeianError:
        return name.strip().lower()


def domain_lock_key(name: str) -> str:
    return f"domain:{domain_ascii(name)}"


def _parse_state(data: dict | FilingState) -> FilingState:
    if isinstance(data, FilingState):
        return data
    try:
        state = FilingState.model_validate(data or {})
    except PydanticValidationError as exc:
        items = []
        for err in exc.errors():
            items.append(ErrorItem(code="STATE_INVALID", field=field_path_of(err.get("loc", ()), data),
                                   message_zh=f"备案信息格式不正确：{err.get('msg')}",
                                   message_en=f"Invalid filing data: {err.get('msg')}"))
        raise BeianError(errors=items, status=422)
    return filing_state_normalize(state)


_ORDER = order_table(CONTENT)  # claiming reads no filing content
_QUEUE_ORDER = ' ORDER BY "o"."due_at" ASC, "o"."submitted_at" ASC, "o"."id" ASC LIMIT 1'
_CLAIMED_SQL = (f'SELECT {_ORDER.select} FROM "{Order._meta.db_table}" "o" WHERE "o"."state" = %s '
                f'AND "o"."claimed_by_id" = %s AND "o"."claimed_at" >= %s' + _QUEUE_ORDER)
_NEXT_SQL = (f'SELECT {_ORDER.select} FROM "{Order._meta.db_table}" "o" WHERE "o"."state" = %s '
             f'AND ("o"."claimed_by_id" IS NULL OR "o"."claimed_at" < %s)' + _QUEUE_ORDER)


def _lock_order(order_id: int, *, defer: tuple[str, ...] = BULKY) -> Order:
    order = order_locked(order_id, defer=defer)
    if order is None:
        raise not_found("订单", "order")
    return order


def _current_state(order: Order) -> FilingState | None:
    return filing_state_of(order.entity) if order.entity_id else None


def _require_owner(order: Order, user) -> None:
    if order.applicant_id != user.pk:
        raise not_found("订单", "order")


def _is_individual(type_name: str) -> bool:
    return EntityType.objects.filter(name=type_name, is_individual=True).exists()


def _self_provider_name() -> str:
    from beian.registry.models import AccessProvider

    provider = AccessProvider.objects.filter(is_self=True).first()
    return provider.name if provider else ""


def _recompute(order: Order, proposed: FilingState) -> None:
    """Store the proposed state, its diff against the registry, and for changes the derived type."""
    current = _current_state(order)
    if order.type != OrderType.ADD_ACCESS:
        proposed = strip_read_only(proposed, current)
    order.proposed = proposed.to_json()
    order.diff = filing_diff(current, proposed)
    province = Province.objects.filter(code=proposed.entity.province).first()
    order.province = province or (order.entity.province if order.entity_id else None)
    if order.type in CHANGE_TYPES:
        order.type = change_type_from_diff(order.diff, province_code=proposed.entity.province,
                                           individual=_is_individual(proposed.entity.type))


# ---------------------------------------------------------------- applicant


@transaction.atomic
def order_create(*, user, type: str, proposed: dict | None = None, target_website_id: int | None = None,
                 change_date: dt.date | None = None) -> Order:
    """Start a draft. ``type="change"`` is the 变更备案 entry point: pre-filled from the registry."""
    if not user.is_applicant:
        raise forbidden()
    entity = entity_of_applicant(user)
    if type != CHANGE and type not in OrderType.values:
        raise error("ORDER_TYPE_UNKNOWN", "未知的业务类型。", "Unknown order type.", field="type", status=422)
    needs_entity = type not in (OrderType.NEW_FILING, OrderType.ADD_ACCESS)
    if type == OrderType.NEW_FILING and entity is not None and entity.status == RecordStatus.ACTIVE:
        raise error("ENTITY_ALREADY_FILED", "您的账户已有备案主体，请使用“新增网站”或“变更备案”。",
                    "Your account already has a filed entity; add a website or file a change.", status=409)
    if needs_entity and (entity is None or entity.status != RecordStatus.ACTIVE):
        raise error("ENTITY_REQUIRED", "请先完成首次备案。", "File the entity first (new filing).", status=409)
    order = Order(type=OrderType.CHANGE_FILING if type == CHANGE else type, applicant=user,
                  entity=entity if (needs_entity or type == OrderType.ADD_ACCESS) else None,
                  change_date=change_date)
    current = filing_state_of(entity) if order.entity_id else None
    if type in CANCEL_TYPES or type == CHANGE or (type in CHANGE_TYPES and proposed is None):
        state = current.model_copy(deep=True)
    elif proposed is not None:
        state = _parse_state(proposed)
    else:
        state = current.model_copy(deep=True) if current else FilingState()
    if type in (OrderType.CANCEL_WEBSITE, OrderType.CANCEL_ACCESS):
        site = _active_website(entity, target_website_id)
        order.target_website_id = site.pk
        if type == OrderType.CANCEL_WEBSITE:
            state.websites = [w for w in state.websites if w.id != site.pk]
        else:
            own = _self_provider_name()
            for w in state.websites:
                if w.id == site.pk:
                    if not any(a.provider == own for a in w.access):
                        raise error("ACCESS_NOT_HERE", "该网站没有本接入商的接入信息。",
                                    "This website has no access record at this provider.",
                                    field=f"websites[{w.key}].access", status=409)
                    w.access = [a for a in w.access if a.provider != own]
    elif type == OrderType.CANCEL_ENTITY:
        state.websites = []
    _recompute(order, state)
    order.save()
    advance_draft_history(order, user)
    return order


def advance_draft_history(order: Order, user) -> None:
    from beian.orders.models import OrderHistory

    OrderHistory.objects.create(order=order, event="create", from_state="", to_state=order.state, actor=user)


def _active_website(entity: Entity, website_id: int | None) -> Website:
    site = Website.objects.filter(entity=entity, pk=website_id, status=RecordStatus.ACTIVE).first()
    if site is None:
        raise error("WEBSITE_REQUIRED", "请选择本主体下一个已备案的网站。", "Choose a filed website of this entity.",
                    field="target_website_id", status=422)
    return site


@transaction.atomic
def order_update(*, user, order_id: int, proposed: dict | None = None, change_date: dt.date | None = None,
                 clear_change_date: bool = False) -> Order:
    """Save the applicant's edits of a draft (resumable) or of a returned order."""
    order = _lock_order(order_id)
    _require_owner(order, user)
    if order.state not in EDITABLE_STATES:
        if order.state in (S.SMS_VERIFICATION, S.BUREAU_REVIEW):
            raise refusal("ORDER_AT_BUREAU_LOCKED")
        raise conflict("ORDER_NOT_EDITABLE", "当前状态下订单不能修改。", "The order cannot be edited in this state.")
    if order.type in CANCEL_TYPES and proposed is not None:
        raise error("ORDER_NOT_EDITABLE", "注销类订单没有可修改的备案信息。", "A cancellation has no data to edit.",
                    status=409)
    if proposed is not None:
        _recompute(order, _parse_state(proposed))
    if change_date is not None or clear_change_date:
        order.change_date = change_date
    order.last_edited_at = timezone.now()
    order.save()
    return order


def _rule_context(order: Order, *, user=None, extra: dict | None = None) -> RuleContext:
    return RuleContext(order=order, proposed=FilingState.model_validate(order.proposed),
                       current=_current_state(order), diff=order.diff, user=user, extra=extra or {})


def order_findings(*, order: Order, stage: str = "submit", extra: dict | None = None) -> list:
    """Run the rule catalogue over the order (also the catalogue validation of the state)."""
    return _findings(order, stage=stage, extra=extra)[0]


def _findings(order: Order, *, stage: str = "submit", extra: dict | None = None) -> tuple[list, RuleContext]:
    """``order_findings`` and the rule context it ran with (its parsed state and rule data snapshot)."""
    ctx = _rule_context(order, extra=extra)
    findings = rules_run(ctx, stage=stage)
    for item in filing_state_errors(ctx.proposed):
        findings.append(Finding(code=item.code, severity="error", message_zh=item.message_zh,
                                message_en=item.message_en, field=item.field))
    return findings, ctx


def _lock_keys(order: Order, state: FilingState | None = None) -> list[str]:
    state = state or FilingState.model_validate(order.proposed)
    keys = [f"entity:{order.entity_id}" if order.entity_id else f"cert:{state.entity.certificate_number.upper()}"]
    for site in state.websites:
        keys.extend(domain_lock_key(d) for d in site.domains)
    for entry in order.diff:  # domains removed by the order are held too
        if entry["path"].endswith(".domains") and entry["op"] == "remove":
            keys.append(domain_lock_key(entry["old"]))
    return sorted(set(keys))


def _acquire_locks(order: Order, state: FilingState | None = None) -> None:
    """Hold the order's entity and domain keys; the first key (sorted) held by another order refuses.

    One insert that skips keys already held (by this order: a resubmission; by another: refused below), then one
    read of the holders. A concurrent holder that has not committed makes the insert wait for it, so exactly one
    of two racing submissions gets the key. The refusal rolls back the keys inserted here with the transaction.
    """
    keys = _lock_keys(order, state)
    inserted = _insert_locks(order, keys)
    if len(inserted) == len(keys):
        return  # every key was free and is this order's now: nobody to name
    holders = dict(OrderLock.objects.filter(key__in=[k for k in keys if k not in inserted])
                   .values_list("key", "order_id"))
    for key in keys:
        other = holders.get(key)
        if other is not None and other != order.pk:
            code = "ORDER_DOMAIN_IN_FLIGHT" if key.startswith("domain:") else "ORDER_ENTITY_IN_FLIGHT"
            raise conflict(code, f"已有进行中的订单 #{other} 占用了该主体或域名。",
                           f"Order #{other} in progress already holds this entity or domain.")


def _insert_locks(order: Order, keys: list[str]) -> set[str]:
    """``INSERT … ON CONFLICT (key) DO NOTHING RETURNING key``: the keys this statement took (PostgreSQL and
    SQLite ≥ 3.35). The others are held already (by this order on a resubmission, or by another one)."""
    if not keys:
        return set()
    from django.db import connection

    qn = connection.ops.quote_name
    at = connection.ops.adapt_datetimefield_value(timezone.now())
    rows = ", ".join(["(%s, %s, %s)"] * len(keys))
    sql = (f"INSERT INTO {qn(OrderLock._meta.db_table)} ({qn('key')}, {qn('order_id')}, {qn('created_at')}) "
           f"VALUES {rows} ON CONFLICT ({qn('key')}) DO NOTHING RETURNING {qn('key')}")
    return {row[0] for row in hot_fetch(sql, [value for key in keys for value in (key, order.pk, at)])}


def locks_release_statement(order: Order) -> tuple[str, list]:
    """The statement that releases the order's locks (for ``advance(also=…)``)."""
    return f'DELETE FROM "{OrderLock._meta.db_table}" WHERE "order_id" = %s', [order.pk]


def _release_locks(order: Order) -> None:
    hot_execute(*locks_release_statement(order))


@transaction.atomic
def order_submit(*, user, order_id: int) -> Order:
    order = _lock_order(order_id)
    _require_owner(order, user)
    findings, ctx = _findings(order)
    findings_raise(findings)
    _acquire_locks(order, ctx.proposed)
    now = timezone.now()
    order.findings = [f.as_dict() for f in findings]
    order.rules_version = catalogue_version(ctx.data)  # the rule data revision the check used
    order.submitted_at = now
    clock.stage_start(order, stage="provider_review", start=now)
    advance(order, "submit", actor=user)
    events.order_submitted(order)
    return order


@transaction.atomic
def order_resubmit(*, user, order_id: int) -> Order:
    order = _lock_order(order_id, defer=())  # the check compares with the state before the return
    _require_owner(order, user)
    if order.state != S.RETURNED:
        raise conflict("ORDER_STATE_CONFLICT", "只有被退回的订单可以重新提交。",
                       "Only a returned order can be resubmitted.")
    extra = {"returned_state": FilingState.model_validate(order.returned_state) if order.returned_state else None,
             "flags": order.flags}
    findings, ctx = _findings(order)
    findings = findings + rules_run(_rule_context(order, extra=extra), stage="resubmit")
    findings_raise(findings)
    _acquire_locks(order, ctx.proposed)
    order.findings = [f.as_dict() for f in findings]
    order.rules_version = catalogue_version(ctx.data)  # the rule data revision the check used
    order.sms_failed = False
    clock.stage_start(order, stage="provider_review", start=timezone.now())
    advance(order, "resubmit", actor=user)
    events.order_resubmitted(order)
    return order


@transaction.atomic
def order_withdraw(*, user, order_id: int, reason: str = "") -> Order:
    order = _lock_order(order_id)
    _require_owner(order, user)
    if order.state in (S.SMS_VERIFICATION, S.BUREAU_REVIEW):
        raise refusal("ORDER_AT_BUREAU_LOCKED")
    _release_locks(order)
    order.claimed_by, order.claimed_at, order.due_at = None, None, None
    advance(order, "withdraw", actor=user, reason=reason)
    return order


@transaction.atomic
def order_supply(*, user, order_id: int, note: str = "", materials: list[str] | None = None) -> Order:
    """The applicant answers a supplement request; the provider due date moves by the paused working days."""
    order = _lock_order(order_id)
    _require_owner(order, user)
    now = timezone.now()
    if order.state == S.SUPPLEMENT_REQUESTED:
        clock.resume(order, now=now)
    advance(order, "supply", actor=user, reason=note, data={"materials": materials or []})
    events.order_supplied(order)
    return order


# ---------------------------------------------------------------- identity verification


def principals_to_verify(order: Order) -> list[str]:
    """Website keys whose principal is new to the registry: new websites and changed website principals."""
    keys: list[str] = []
    for entry in order.diff:
        path = entry["path"]
        if not path.startswith("websites["):
            continue
        key = path[len("websites["): path.index("]")]
        is_new_site = entry["op"] == "add" and path.endswith("]") and ".access[" not in path
        principal_changed = f"websites[{key}].principal." in path and path.rsplit(".", 1)[-1] in (
            "name", "certificate_number")
        if (is_new_site or principal_changed) and key not in keys:
            keys.append(key)
    if order.type == OrderType.ADD_ACCESS:
        keys.extend(w.key for w in FilingState.model_validate(order.proposed).websites if w.key not in keys
                    and any(e["path"].startswith(f"websites[{w.key}]") for e in order.diff))
    return keys


@transaction.atomic
def identity_verification_perform(*, user, order_id: int, website_key: str) -> IdentityVerification:
    from beian.orders.identity import identity_backend

    order = _lock_order(order_id)
    _require_owner(order, user)
    if order.state in (S.APPROVED, S.REJECTED, S.WITHDRAWN, S.EXPIRED):
        raise conflict("ORDER_STATE_CONFLICT", "订单已结束。", "The order has ended.")
    state = FilingState.model_validate(order.proposed)
    site = state.website(website_key)
    if site is None or website_key not in principals_to_verify(order):
        raise error("IDENTITY_NOT_REQUIRED", "该网站负责人无需核验。", "This website principal needs no verification.",
                    field=f"websites[{website_key}].principal", status=422)
    backend = identity_backend()
    passed, evidence = backend.verify(order=order, website_key=website_key, principal=site.principal)
    return hot_insert(IdentityVerification(order=order, website_key=website_key, principal_name=site.principal.name,
                                           backend=backend.name, passed=passed, evidence=evidence, actor=user))


def _passed_read(order_id: int) -> tuple[str, list]:
    return (f'SELECT "website_key" FROM "{IdentityVerification._meta.db_table}" WHERE "order_id" = %s AND "passed"',
            [order_id])


def _unverified_principals(order: Order) -> list[str]:
    passed = {key for (key,) in hot_fetch(*_passed_read(order.pk))}
    return [k for k in principals_to_verify(order) if k not in passed]


# ---------------------------------------------------------------- provider review


def _claim_valid_since() -> dt.datetime:
    return timezone.now() - dt.timedelta(hours=settings.BEIAN["CLAIM_EXPIRY_HOURS"])


def _require_reviewer(user) -> None:
    if not (user.is_provider_reviewer or user.is_operator):
        raise forbidden()


@transaction.atomic
def order_claim_next(*, reviewer) -> Order | None:
    """The reviewer's current claim, else the earliest-due unclaimed order, locked and assigned."""
    _require_reviewer(reviewer)
    valid_since = connection.ops.adapt_datetimefield_value(_claim_valid_since())
    # Prepared statements (core.hotsql); the order is the one of Order.objects.filter(…).order_by(…).first().
    # Both reads go together with the BEGIN (one round trip on PostgreSQL): when the reviewer still holds a claim,
    # the next free order stays locked — unclaimed, skipped by other reviewers — until this transaction ends.
    own_read = (_CLAIMED_SQL, [S.PROVIDER_REVIEW, reviewer.pk, valid_since])
    next_read = (_NEXT_SQL + (" FOR UPDATE SKIP LOCKED" if connection.features.has_select_for_update_skip_locked
                              else ""), [S.PROVIDER_REVIEW, valid_since])
    with hot_prefetch([own_read, next_read]):
        own = hot_fetch(*own_read, one=True)
        if own is not None:
            return _ORDER.instance(own)
        row = hot_fetch(*next_read, one=True)
    if row is None:
        return None
    order = _ORDER.instance(row)
    order.claimed_by, order.claimed_at = reviewer, timezone.now()
    advance(order, "claim", actor=reviewer)
    return order


@transaction.atomic
def order_claim(*, reviewer, order_id: int) -> Order:
    _require_reviewer(reviewer)
    order = _lock_order(order_id, defer=CONTENT)
    if order.claimed_by_id not in (None, reviewer.pk) and order.claimed_at and order.claimed_at >= _claim_valid_since():
        raise conflict("ORDER_CLAIMED_BY_OTHER", "该订单已被其他审核员领取。", "Another reviewer holds this order.")
    order.claimed_by, order.claimed_at = reviewer, timezone.now()
    advance(order, "claim", actor=reviewer)
    return order


@transaction.atomic
def order_release(*, reviewer, order_id: int) -> Order:
    _require_reviewer(reviewer)
    order = _lock_order(order_id, defer=CONTENT)
    _require_claim(order, reviewer)
    order.claimed_by, order.claimed_at = None, None
    advance(order, "release", actor=reviewer)
    return order


def _require_claim(order: Order, reviewer) -> None:
    if order.state not in PROVIDER_STATES:
        raise conflict("ORDER_STATE_CONFLICT", f"订单当前状态为“{order.get_state_display()}”，不能执行此操作。",
                       f"The order is in state {order.state}; this action is not possible now.")
    if order.claimed_by_id != reviewer.pk or (order.state == S.PROVIDER_REVIEW
                                              and order.claimed_at < _claim_valid_since()):
        raise conflict("ORDER_NOT_CLAIMED", "请先领取该订单。", "Claim the order before acting on it.")


@transaction.atomic
def order_approve(*, reviewer, order_id: int, note: str = "") -> Order:
    """First review passed: to the SMS check when someone must verify, else straight to the bureau."""
    from beian.bureau import services as bureau

    _require_reviewer(reviewer)
    # The lock and the identity checks' read go together (with the BEGIN: one round trip on PostgreSQL).
    with hot_prefetch([order_lock_statement(order_id), _passed_read(order_id)]):
        order = _lock_order(order_id)
        _require_claim(order, reviewer)
        unverified = _unverified_principals(order)
    if unverified:
        raise refusal("ORDER_WEBSITE_PRINCIPAL_UNVERIFIED", field=f"websites[{unverified[0]}]")
    order.claimed_by, order.claimed_at = None, None
    verifiers = bureau.sms_verifiers(order)
    # The stage clock is set before ``advance``, which saves it with the new state (one write of the order row).
    if verifiers:
        bureau.sms_stage_clock(order=order)
        advance(order, "approve_to_sms", actor=reviewer, reason=note)
        bureau.sms_stage_codes(order=order, verifiers=verifiers)
        events.order_sms_started(order)
    else:
        bureau.bureau_stage_clock(order=order)
        advance(order, "approve_to_bureau", actor=reviewer, reason=note)
        events.order_forwarded(order)
    return order


def _reasons(reasons: list[dict]) -> list[dict]:
    if not reasons:
        raise error("RETURN_REASON_REQUIRED", "请至少选择一个退回原因。", "Choose at least one reason.",
                    field="reasons", status=422)
    catalogue = {r.code: r for r in ReturnReason.objects.filter(active=True)}
    out = []
    for item in reasons:
        reason = catalogue.get(item.get("code", ""))
        if reason is None:
            raise error("RETURN_REASON_UNKNOWN", f"未知的退回原因：{item.get('code')}",
                        f"Unknown return reason: {item.get('code')}", field="reasons", status=422)
        out.append({"code": reason.code, "field": item.get("field") or reason.default_field or None,
                    "material": item.get("material") or None, "note": item.get("note", ""),
                    "title_zh": reason.title_zh, "title_en": reason.title_en, "fix_zh": reason.fix_zh,
                    "fix_en": reason.fix_en})
    return out


@transaction.atomic
def order_return(*, reviewer, order_id: int, reasons: list[dict]) -> Order:
    """Back to the applicant with canned reasons flagged on field paths and materials (icp §5.8)."""
    _require_reviewer(reviewer)
    order = _lock_order(order_id)
    _require_claim(order, reviewer)
    flags = _reasons(reasons)
    _mark_returned(order, flags)
    advance(order, "return", actor=reviewer, reason="; ".join(f["title_zh"] for f in flags), data={"flags": flags})
    events.order_returned(order)
    return order


def _mark_returned(order: Order, flags: list[dict]) -> None:
    order.flags = flags
    order.returned_state = order.proposed
    order.return_count += 1
    order.claimed_by, order.claimed_at, order.due_at, order.paused_at = None, None, None, None


@transaction.atomic
def order_request_supplement(*, reviewer, order_id: int, materials: list[str], note: str = "") -> Order:
    _require_reviewer(reviewer)
    if not materials:
        raise error("SUPPLEMENT_MATERIALS_REQUIRED", "请指明需要补充的材料。", "Name the materials to supply.",
                    field="materials", status=422)
    order = _lock_order(order_id)
    _require_claim(order, reviewer)
    clock.pause(order, now=timezone.now())
    advance(order, "request_supplement", actor=reviewer, reason=note, data={"materials": materials})
    events.order_supplement_requested(order, materials=materials, note=note)
    return order


@transaction.atomic
def order_reject(*, reviewer, order_id: int, reason: str) -> Order:
    _require_reviewer(reviewer)
    if not reason.strip():
        raise error("REJECT_REASON_REQUIRED", "请填写驳回原因。", "Give the reason for the final rejection.",
                    field="reason", status=422)
    order = _lock_order(order_id)
    _require_claim(order, reviewer)
    _release_locks(order)
    order.claimed_by, order.claimed_at, order.due_at = None, None, None
    advance(order, "reject", actor=reviewer, reason=reason)
    events.order_rejected(order, reason=reason)
    return order


# ---------------------------------------------------------------- system sweeps


def orders_expire_drafts(*, now: dt.datetime | None = None) -> int:
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=settings.BEIAN["DRAFT_EXPIRY_DAYS"])
    count = 0
    for order_id in Order.objects.filter(state=S.DRAFT, last_edited_at__lt=cutoff).values_list("pk", flat=True):
        with transaction.atomic():
            order = _lock_order(order_id)
            if order.state == S.DRAFT and order.last_edited_at < cutoff:
                advance(order, "expire")
                events.order_expired(order)
                count += 1
    return count


def claims_expire(*, now: dt.datetime | None = None) -> int:
    now = now or timezone.now()
    cutoff = now - dt.timedelta(hours=settings.BEIAN["CLAIM_EXPIRY_HOURS"])
    count = 0
    for order_id in Order.objects.filter(state=S.PROVIDER_REVIEW, claimed_at__lt=cutoff).values_list("pk", flat=True):
        with transaction.atomic():
            order = _lock_order(order_id)
            if order.claimed_at and order.claimed_at < cutoff:
                order.claimed_by, order.claimed_at = None, None
                advance(order, "claim_expire")
                count += 1
    return count


def mark_returned(order: Order, flags: list[dict]) -> None:
    """Used by the bureau stage when the bureau returns an order."""
    _mark_returned(order, flags)
