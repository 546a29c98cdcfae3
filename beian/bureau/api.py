"""The built-in bureau stage's API: province-scoped queue, approve, return."""

from __future__ import annotations

from ninja import Router

from beian.bureau import services
from beian.core.errors import forbidden
from beian.orders import selectors
from beian.orders.api import _fresh
from beian.orders.schemas import NoteIn, OrderOut, OrderSummaryOut, ReturnIn

router = Router(tags=["bureau"])


@router.get("/queue", response=list[OrderSummaryOut], summary="管局审核队列（本省）")
def bureau_queue(request):
    if not request.user.is_bureau_reviewer:
        raise forbidden()
    return [OrderSummaryOut.from_order(o) for o in selectors.bureau_queue(user=request.user)[:200]]


@router.post("/orders/{order_id}/approve", response=OrderOut, summary="管局审核通过（签发备案号）")
def bureau_approve(request, order_id: int, payload: NoteIn):
    selectors.order_get(user=request.user, order_id=order_id)
    order = services.bureau_approve(reviewer=request.user, order_id=order_id, note=payload.note)
    return _fresh(request, order)


@router.post("/orders/{order_id}/return", response=OrderOut, summary="管局退回")
def bureau_return(request, order_id: int, payload: ReturnIn):
    selectors.order_get(user=request.user, order_id=order_id)
    order = services.bureau_return(reviewer=request.user, order_id=order_id,
                                   reasons=[r.dict() for r in payload.reasons])
    return _fresh(request, order)


# SMS verification (短信核验): public verify/resend and the order's SMS status, in their own module.
from beian.bureau.sms_api import router as sms_router  # noqa: E402

router.add_router("", sms_router)
