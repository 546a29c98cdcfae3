"""SMS verification API (短信核验, design.md §6): the public verify and resend endpoints (anonymous allowed,
rate-limited per phone and per client address) and the order's SMS status for its owner and staff.

Mounted on the bureau router: ``/api/bureau/sms/verify``, ``/api/bureau/sms/resend``,
``/api/bureau/orders/{order_id}/sms``.
"""

from __future__ import annotations

import datetime as dt

from django.http import JsonResponse
from ninja import Router, Schema
from pydantic import Field

from beian.bureau import sms
from beian.orders import selectors

router = Router(tags=["sms"])


class SmsVerifyIn(Schema):
    phone: str = Field(max_length=40, description="核验人手机号")
    certificate_suffix: str = Field(max_length=40, description="核验人证件号码后 6 位")
    code: str = Field(max_length=20, description="6 位短信核验码")


class SmsVerifyOut(Schema):
    verified: bool
    pending_others: bool
    message_zh: str
    message_en: str


class SmsResendIn(Schema):
    phone: str = Field(max_length=40)
    certificate_suffix: str = Field(max_length=40)


class SmsResendOut(Schema):
    sent: bool
    message_zh: str
    message_en: str


class SmsPrincipalOut(Schema):
    role: str
    website_key: str | None
    name: str
    phone: str
    verified: bool
    verified_at: dt.datetime | None


class SmsStatusOut(Schema):
    order_id: int
    order_state: str
    status: str | None
    window_ends_at: dt.datetime | None
    wrong_attempts: int
    attempts_left: int
    pending: int
    principals: list[SmsPrincipalOut]


def _rate_limited(exc: sms.RateLimited) -> JsonResponse:
    response = JsonResponse(exc.as_dict(), status=429, json_dumps_params={"ensure_ascii": False})
    response["Retry-After"] = str(exc.retry_after)
    return response


def _limit(request, *, action: str, phone: str) -> None:
    upper = action.upper()
    sms.rate_limit_hit(name=f"sms-{action}-addr", ident=sms.client_address(request),
                       setting=f"BEIAN_SMS_{upper}_PER_ADDRESS")
    sms.rate_limit_hit(name=f"sms-{action}-phone", ident=sms.phone_normalize(phone) or "-",
                       setting=f"BEIAN_SMS_{upper}_PER_PHONE")


@router.post("/sms/verify", auth=None, response={200: SmsVerifyOut}, summary="短信核验（公开，限流）")
def sms_verify(request, payload: SmsVerifyIn):
    """Phone + last 6 characters of the principal's certificate number + the code. Every mismatch answers the
    same ``SMS_VERIFICATION_FAILED``; the wrong entry counts against the order of that phone (6th ends it)."""
    try:
        _limit(request, action="verify", phone=payload.phone)
    except sms.RateLimited as exc:
        return _rate_limited(exc)
    result = sms.sms_verify(phone=payload.phone, certificate_suffix=payload.certificate_suffix, code=payload.code)
    if not result.verified:
        raise sms.verification_failed()
    if result.pending_others:
        return {"verified": True, "pending_others": True,
                "message_zh": "您的短信核验完成，请等待其他核验人进行短信核验。",
                "message_en": "Your SMS verification is complete; the other principals still need to verify."}
    return {"verified": True, "pending_others": False, "message_zh": "短信核验完成。",
            "message_en": "SMS verification complete."}


@router.post("/sms/resend", auth=None, response={200: SmsResendOut}, summary="重新发送短信核验码（公开，限流）")
def sms_resend(request, payload: SmsResendIn):
    """A new code replaces the old one (which stops working); the 24 h window is not extended."""
    try:
        _limit(request, action="resend", phone=payload.phone)
    except sms.RateLimited as exc:
        return _rate_limited(exc)
    if not sms.sms_resend(phone=payload.phone, certificate_suffix=payload.certificate_suffix):
        raise sms.nothing_pending()
    return {"sent": True, "message_zh": "核验码已重新发送，原核验码作废；核验截止时间不变。",
            "message_en": "A new code was sent and the old one no longer works; the deadline is unchanged."}


@router.get("/orders/{order_id}/sms", response=SmsStatusOut, summary="订单的短信核验进度")
def order_sms_status(request, order_id: int):
    order = selectors.order_get(user=request.user, order_id=order_id)
    return sms.sms_status(order=order)
