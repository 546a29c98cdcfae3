"""Orders API: applicants' drafts and actions, provider review (thin: services and selectors do the work)."""

from __future__ import annotations

from django.conf import settings
from ninja import Router

from beian.core.errors import forbidden
from beian.orders import selectors, services
from beian.orders.schemas import (
    FindingOut,
    HistoryOut,
    IdentityIn,
    IdentityOut,
    NoteIn,
    OrderCreateIn,
    OrderOut,
    OrderSummaryOut,
    OrderUpdateIn,
    RejectIn,
    ReturnIn,
    ReturnReasonOut,
    SupplementIn,
    SupplyIn,
)

router = Router(tags=["orders"])


def _out(order) -> OrderOut:
    return OrderOut.from_order(order, support_after=settings.BEIAN["RETURNS_BEFORE_SUPPORT"])


def _fresh(request, order) -> OrderOut:
    return _out(selectors.order_get(user=request.user, order_id=order.pk))


@router.get("/", response=list[OrderSummaryOut], summary="我的订单 / 可见订单")
def order_list(request, state: str | None = None, type: str | None = None, province: str | None = None,
               limit: int = 50, offset: int = 0):
    qs = selectors.order_list(user=request.user, state=state, type=type, province=province)
    return [OrderSummaryOut.from_order(o) for o in qs[max(offset, 0): max(offset, 0) + min(max(limit, 1), 200)]]


@router.post("/", response={201: OrderOut}, summary="新建订单（type=change 为变更备案入口）")
def order_create(request, payload: OrderCreateIn):
    order = services.order_create(user=request.user, type=payload.type, proposed=payload.proposed,
                                  target_website_id=payload.target_website_id, change_date=payload.change_date)
    return 201, _fresh(request, order)


@router.get("/queue", response=list[OrderSummaryOut], summary="初审队列（按截止时间）")
def provider_queue(request, overdue: bool = False, due_within_hours: int | None = None):
    if not (request.user.is_provider_reviewer or request.user.is_operator):
        raise forbidden()
    qs = selectors.provider_queue(user=request.user, overdue=overdue, due_within_hours=due_within_hours)
    return [OrderSummaryOut.from_order(o) for o in qs[:200]]


@router.post("/claim-next", response={200: OrderOut, 204: None}, summary="领取下一个订单")
def claim_next(request):
    order = services.order_claim_next(reviewer=request.user)
    if order is None:
        return 204, None
    return 200, _fresh(request, order)


@router.get("/return-reasons", response=list[ReturnReasonOut], summary="退回原因目录")
def return_reasons(request):
    if not request.user.is_staff_role:
        raise forbidden()
    return list(selectors.return_reasons(user=request.user))


@router.get("/{order_id}", response=OrderOut)
def order_detail(request, order_id: int):
    order = selectors.order_get(user=request.user, order_id=order_id)
    if request.user.is_staff_role:  # staff see full certificate numbers: audit-logged (design.md §2)
        from beian.registry.models import StaffViewLog

        StaffViewLog.objects.create(user=request.user, entity_id=order.entity_id, order_id=order.pk,
                                    what="order_certificate_numbers")
    return _out(order)


@router.put("/{order_id}", response=OrderOut, summary="保存草稿或修改被退回的订单")
def order_update(request, order_id: int, payload: OrderUpdateIn):
    selectors.order_get(user=request.user, order_id=order_id)
    order = services.order_update(user=request.user, order_id=order_id, proposed=payload.proposed,
                                  change_date=payload.change_date)
    return _fresh(request, order)


@router.get("/{order_id}/history", response=list[HistoryOut])
def order_history(request, order_id: int):
    return [HistoryOut(id=h.pk, event=h.event, from_state=h.from_state, to_state=h.to_state,
                       actor=h.actor.username if h.actor_id else None, reason=h.reason, data=h.data, at=h.at)
            for h in selectors.order_history(user=request.user, order_id=order_id)]


@router.get("/{order_id}/findings", response=list[FindingOut], summary="检查结果（预检）")
def order_findings(request, order_id: int):
    order = selectors.order_get(user=request.user, order_id=order_id)
    return [f.as_dict() for f in services.order_findings(order=order, stage="preflight")]


def _act(request, order_id: int, func, **kwargs):
    selectors.order_get(user=request.user, order_id=order_id)  # 404 before 403/409 for invisible orders
    order = func(order_id=order_id, **kwargs)
    return _fresh(request, order)


@router.post("/{order_id}/submit", response=OrderOut)
def order_submit(request, order_id: int):
    return _act(request, order_id, services.order_submit, user=request.user)


@router.post("/{order_id}/resubmit", response=OrderOut)
def order_resubmit(request, order_id: int):
    return _act(request, order_id, services.order_resubmit, user=request.user)


@router.post("/{order_id}/withdraw", response=OrderOut)
def order_withdraw(request, order_id: int, payload: NoteIn):
    return _act(request, order_id, services.order_withdraw, user=request.user, reason=payload.note)


@router.post("/{order_id}/supply", response=OrderOut)
def order_supply(request, order_id: int, payload: SupplyIn):
    return _act(request, order_id, services.order_supply, user=request.user, note=payload.note,
                materials=payload.materials)


@router.get("/{order_id}/identity-verifications", response=list[IdentityOut])
def identity_list(request, order_id: int):
    order = selectors.order_get(user=request.user, order_id=order_id)
    return [IdentityOut(id=i.pk, website_key=i.website_key, backend=i.backend, passed=i.passed,
                        created_at=i.created_at) for i in selectors.identity_verifications(order=order)]


@router.post("/{order_id}/identity-verifications", response={201: IdentityOut},
             summary="网站负责人真实性核验（开发用控制台后端）")
def identity_perform(request, order_id: int, payload: IdentityIn):
    selectors.order_get(user=request.user, order_id=order_id)
    row = services.identity_verification_perform(user=request.user, order_id=order_id,
                                                 website_key=payload.website_key)
    return 201, IdentityOut(id=row.pk, website_key=row.website_key, backend=row.backend, passed=row.passed,
                            created_at=row.created_at)


@router.post("/{order_id}/claim", response=OrderOut)
def order_claim(request, order_id: int):
    return _act(request, order_id, services.order_claim, reviewer=request.user)


@router.post("/{order_id}/release", response=OrderOut)
def order_release(request, order_id: int):
    return _act(request, order_id, services.order_release, reviewer=request.user)


@router.post("/{order_id}/approve", response=OrderOut, summary="初审通过")
def order_approve(request, order_id: int, payload: NoteIn):
    return _act(request, order_id, services.order_approve, reviewer=request.user, note=payload.note)


@router.post("/{order_id}/return", response=OrderOut, summary="退回（标记字段）")
def order_return(request, order_id: int, payload: ReturnIn):
    return _act(request, order_id, services.order_return, reviewer=request.user,
                reasons=[r.dict() for r in payload.reasons])


@router.post("/{order_id}/request-supplement", response=OrderOut, summary="要求补充材料")
def order_request_supplement(request, order_id: int, payload: SupplementIn):
    return _act(request, order_id, services.order_request_supplement, reviewer=request.user,
                materials=payload.materials, note=payload.note)


@router.post("/{order_id}/reject", response=OrderOut, summary="驳回（终止）")
def order_reject(request, order_id: int, payload: RejectIn):
    return _act(request, order_id, services.order_reject, reviewer=request.user, reason=payload.reason)
