"""API schemas of orders."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from ninja import Field, Schema


class OrderCreateIn(Schema):
    type: str
    proposed: dict[str, Any] | None = None
    target_website_id: int | None = None
    change_date: dt.date | None = None


class OrderUpdateIn(Schema):
    proposed: dict[str, Any] | None = None
    change_date: dt.date | None = None


class ReasonIn(Schema):
    code: str
    field: str | None = None
    material: str | None = None
    note: str = ""


class ReturnIn(Schema):
    reasons: list[ReasonIn]


class NoteIn(Schema):
    note: str = ""


class RejectIn(Schema):
    reason: str


class SupplementIn(Schema):
    materials: list[str]
    note: str = ""


class SupplyIn(Schema):
    note: str = ""
    materials: list[str] = []


class IdentityIn(Schema):
    website_key: str


class WarningOut(Schema):
    code: str
    message_zh: str
    message_en: str


class OrderOut(Schema):
    id: int
    type: str
    type_display: str
    state: str
    state_display: str
    entity_id: int | None
    province: str | None
    target_website_id: int | None
    proposed: dict[str, Any]
    diff: list[dict[str, Any]]
    change_date: dt.date | None
    flags: list[dict[str, Any]]
    findings: list[dict[str, Any]]
    rules_version: str
    return_count: int
    contact_support: bool
    sms_failed: bool
    claimed_by: str | None
    submitted_at: dt.datetime | None
    due_at: dt.datetime | None
    due_fallback: bool
    expected_completion_at: dt.datetime | None = Field(
        None, description="预计办结时间：当前阶段截止 + 其余阶段时限（初审 → 短信核验 24 小时 → 本省管局时限）")
    expected_completion_warning: WarningOut | None = Field(
        None, description="所涉年份尚无节假日数据时的提示（按周一至周五估算）")
    ended_at: dt.datetime | None
    created_at: dt.datetime
    last_edited_at: dt.datetime

    @staticmethod
    def from_order(order, *, support_after: int) -> OrderOut:
        from beian.orders.clock import expected_completion

        expected = expected_completion(order)
        return OrderOut(
            id=order.pk, type=order.type, type_display=str(order.get_type_display()), state=order.state,
            state_display=str(order.get_state_display()), entity_id=order.entity_id,
            province=order.province.code if order.province_id else None, target_website_id=order.target_website_id,
            proposed=order.proposed, diff=order.diff, change_date=order.change_date, flags=order.flags,
            findings=order.findings, rules_version=order.rules_version, return_count=order.return_count,
            contact_support=order.return_count >= support_after, sms_failed=order.sms_failed,
            claimed_by=order.claimed_by.username if order.claimed_by_id else None,
            submitted_at=order.submitted_at, due_at=order.due_at, due_fallback=order.due_fallback,
            expected_completion_at=expected.at if expected else None,
            expected_completion_warning=expected.warning() if expected else None,
            ended_at=order.ended_at, created_at=order.created_at, last_edited_at=order.last_edited_at,
        )


class OrderSummaryOut(Schema):
    id: int
    type: str
    state: str
    province: str | None
    submitted_at: dt.datetime | None
    due_at: dt.datetime | None
    overdue: bool
    claimed_by: str | None

    @staticmethod
    def from_order(order) -> OrderSummaryOut:
        return OrderSummaryOut(id=order.pk, type=order.type, state=order.state,
                               province=order.province.code if order.province_id else None,
                               submitted_at=order.submitted_at, due_at=order.due_at,
                               overdue=bool(order.due_at and order.due_at < timezone.now()),
                               claimed_by=order.claimed_by.username if order.claimed_by_id else None)


class HistoryOut(Schema):
    id: int
    event: str
    from_state: str
    to_state: str
    actor: str | None
    reason: str
    data: dict[str, Any]
    at: dt.datetime


class ReturnReasonOut(Schema):
    code: str
    title_zh: str
    title_en: str
    fix_zh: str
    fix_en: str
    default_field: str


class IdentityOut(Schema):
    id: int
    website_key: str
    backend: str
    passed: bool
    created_at: dt.datetime


class FindingOut(Schema):
    code: str
    severity: str
    field: str | None
    message_zh: str
    message_en: str
    value: str | None = None
    hint_zh: str = ""
    hint_en: str = ""
    source: str = ""
    requirement: str | None = None
