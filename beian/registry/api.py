"""Registry API: an applicant reads their own record, staff read any they may see (design.md §2)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Router, Schema

from beian.core.errors import forbidden, not_found
from beian.registry import selectors
from beian.registry.models import (
    AccessMethod,
    CertificateType,
    EntityType,
    Language,
    PreApprovalType,
    Province,
    RegistryVersion,
    ServiceContent,
    StaffViewLog,
)

router = Router(tags=["registry"])


class EntityOut(Schema):
    id: int
    number: str | None
    name: str
    status: str
    empty_shell: bool
    province: str
    version: int
    approved_at: dt.datetime | None
    state: dict[str, Any]


class EntitySummaryOut(Schema):
    id: int
    number: str | None
    name: str
    entity_type: str
    province: str
    status: str


class VersionOut(Schema):
    version: int
    order_id: int | None
    actor: str | None
    created_at: dt.datetime
    diff: list[dict[str, Any]]


class OptionsOut(Schema):
    provinces: list[dict[str, str]]
    entity_types: list[dict[str, Any]]
    certificate_types: list[dict[str, Any]]
    service_content: list[dict[str, Any]]
    pre_approval_types: list[str]
    languages: list[str]
    access_methods: list[str]


def _entity_out(request, entity) -> EntityOut:
    if request.user.is_staff_role:
        StaffViewLog.objects.create(user=request.user, entity=entity, what="certificate_numbers")
    return EntityOut(id=entity.pk, number=entity.number, name=entity.name, status=entity.status,
                     empty_shell=entity.empty_shell, province=entity.province.code, version=entity.version,
                     approved_at=entity.approved_at, state=selectors.filing_state_of(entity).to_json())


@router.get("/mine", response=EntityOut, summary="我的备案")
def my_filing(request):
    entity = selectors.entity_of_applicant(request.user)
    if entity is None:
        raise not_found("备案主体", "filed entity")
    return _entity_out(request, entity)


@router.get("/entities", response=list[EntitySummaryOut], summary="备案主体列表（工作人员）")
def entity_list(request, q: str | None = None, limit: int = 50, offset: int = 0):
    if not request.user.is_staff_role:
        raise forbidden()
    qs = selectors.entity_visible_to(request.user)
    if q:
        qs = qs.filter(number=q) if "ICP" in q else qs.filter(name__startswith=q)
    qs = qs.order_by("id")[max(offset, 0): max(offset, 0) + min(max(limit, 1), 200)]
    return [EntitySummaryOut(id=e.pk, number=e.number, name=e.name, entity_type=e.entity_type,
                             province=e.province.code, status=e.status) for e in qs]


@router.get("/entities/{entity_id}", response=EntityOut)
def entity_detail(request, entity_id: int):
    return _entity_out(request, selectors.entity_get(user=request.user, entity_id=entity_id))


@router.get("/entities/{entity_id}/versions", response=list[VersionOut], summary="备案版本历史")
def entity_versions(request, entity_id: int):
    entity = selectors.entity_get(user=request.user, entity_id=entity_id)
    return [VersionOut(version=v.version, order_id=v.order_id, actor=v.actor.username if v.actor_id else None,
                       created_at=v.created_at, diff=v.diff)
            for v in RegistryVersion.objects.filter(entity=entity).select_related("actor").order_by("version")]


@router.get("/options", response=OptionsOut, summary="表单选项（目录）")
def options(request):
    certs = CertificateType.objects.filter(active=True).prefetch_related("entity_types")
    return OptionsOut(
        provinces=[{"code": p.code, "name": p.name, "abbr": p.abbr} for p in Province.objects.all()],
        entity_types=[{"name": t.name, "is_individual": t.is_individual}
                      for t in EntityType.objects.filter(active=True)],
        certificate_types=[{"name": c.name, "for_person": c.for_person,
                            "entity_types": [t.name for t in c.entity_types.all()]} for c in certs],
        service_content=[{"name": s.name, "individual_allowed": s.individual_allowed}
                         for s in ServiceContent.objects.filter(active=True)],
        pre_approval_types=list(PreApprovalType.objects.filter(active=True).values_list("name", flat=True)),
        languages=list(Language.objects.filter(active=True).values_list("name", flat=True)),
        access_methods=list(AccessMethod.objects.filter(active=True).values_list("name", flat=True)),
    )
