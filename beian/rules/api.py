"""Rules API: the pre-flight check while typing, and the rule catalogue for staff (thin: preflight.py works)."""

from __future__ import annotations

from typing import Any

from ninja import Router, Schema
from pydantic import Field

from beian.core.errors import forbidden
from beian.rules.engine import catalogue_version, rules_catalogue
from beian.rules.preflight import rules_preflight

router = Router(tags=["rules"])


class PreflightIn(Schema):
    order_type: str | None = Field(None, description="new_filing, add_website, …, or change (the 变更备案 entry "
                                                     "point); not needed with order_id")
    proposed: dict[str, Any] | None = Field(None, description="the whole draft (FilingState); default: the order's "
                                                              "or the registry's current state")
    order_id: int | None = Field(None, description="check (a draft of) this order, as visible to the caller")
    field: str | None = Field(None, description="one field path (design.md §5.1) to set to value; only the "
                                                "findings of the rules that read it are returned")
    value: Any = None


class FindingOut(Schema):
    code: str
    severity: str
    field: str | None
    value: str | None
    message_zh: str
    message_en: str
    hint_zh: str
    hint_en: str
    source: str
    requirement: str | None


class PreflightOut(Schema):
    order_type: str
    rules_version: str
    blocking: bool = Field(description="true when a finding of severity error would refuse submission")
    findings: list[FindingOut]


class RuleOut(Schema):
    code: str
    severity: str
    title_zh: str
    title_en: str
    hint_zh: str
    hint_en: str
    source: str
    order_types: list[str] | None
    stages: list[str]
    reads: list[str]
    overrides: list[str]


class CatalogueOut(Schema):
    version: str
    rules: list[RuleOut]


@router.post("/preflight", response=PreflightOut, summary="预检：输入时检查草稿或单个字段")
def preflight(request, payload: PreflightIn):
    return rules_preflight(user=request.user, order_type=payload.order_type, proposed=payload.proposed,
                           order_id=payload.order_id, field=payload.field, value=payload.value)


@router.get("/catalogue", response=CatalogueOut, summary="规则目录")
def catalogue(request):
    if not request.user.is_staff_role:
        raise forbidden()
    return {"version": catalogue_version(), "rules": [
        {"code": r.code, "severity": r.severity, "title_zh": r.title_zh, "title_en": r.title_en,
         "hint_zh": r.hint_zh, "hint_en": r.hint_en, "source": r.source,
         "order_types": sorted(r.order_types) if r.order_types else None, "stages": list(r.stages),
         "reads": list(r.reads), "overrides": list(r.overrides)} for r in rules_catalogue()]}
