"""Scoped reads of the registry (design.md §2): every query a user can reach goes through here."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from beian.core.errors import not_found
from beian.core.state import (
    AccessState,
    EntityState,
    FilingState,
    IpRange,
    PreApprovalState,
    PrincipalState,
    WebsiteState,
)
from beian.registry.models import Access, Domain, Entity, PreApproval, Principal, RecordStatus, Website

ACTIVE = RecordStatus.ACTIVE


def _principal_state(p: Principal) -> PrincipalState:
    return PrincipalState(name=p.name, certificate_type=p.certificate_type, certificate_number=p.certificate_number,
                          valid_from=p.valid_from, valid_to=p.valid_to, mobile=p.mobile,
                          emergency_phone=p.emergency_phone, email=p.email)


def _entity_queryset() -> QuerySet[Entity]:
    return Entity.objects.select_related("province", "principal", "owner")


def _with_province_and_principal(entity: Entity) -> Entity:
    """Load the entity's province and principal in one query when neither is loaded yet (instead of two)."""
    fields = [Entity._meta.get_field(name) for name in ("province", "principal")]
    if entity.pk is None or any(f.is_cached(entity) for f in fields):
        return entity
    fresh = Entity.objects.select_related("province", "principal").filter(pk=entity.pk).first()
    if fresh is None:
        return entity
    for f in fields:
        if getattr(fresh, f.attname) == getattr(entity, f.attname):
            f.set_cached_value(entity, getattr(fresh, f.name))
    return entity


def filing_state_of(entity: Entity) -> FilingState:
    """The entity's current approved state as a ``FilingState`` (active websites, domains and access only)."""
    entity = _with_province_and_principal(entity)
    websites = (
        Website.objects.filter(entity=entity, status=ACTIVE).select_related("principal")
        .prefetch_related(
            Prefetch("domains", queryset=Domain.objects.filter(status=ACTIVE).order_by("sort", "id")),
            Prefetch("access", queryset=Access.objects.filter(status=ACTIVE).select_related("provider")
                     .order_by("id")),
            Prefetch("pre_approvals", queryset=PreApproval.objects.filter(status=ACTIVE).order_by("id")),
        ).order_by("suffix", "id")
    )
    return FilingState(
        entity=EntityState(
            type=entity.entity_type, name=entity.name, certificate_type=entity.certificate_type,
            certificate_number=entity.certificate_number, province=entity.province.code, city=entity.city,
            district=entity.district, certificate_address=entity.certificate_address,
            communication_address=entity.communication_address, superior_unit=entity.superior_unit,
            remarks=entity.remarks, principal=_principal_state(entity.principal), number=entity.number,
            status=entity.status,
        ),
        websites=[
            WebsiteState(
                key=str(w.pk), id=w.pk, name=w.name, home_url=w.home_url, service_content=list(w.service_content),
                languages=list(w.languages), remarks=w.remarks, domains=[d.name for d in w.domains.all()],
                principal=_principal_state(w.principal),
                pre_approvals=[PreApprovalState(type=p.type, number=p.number) for p in w.pre_approvals.all()],
                access=[AccessState(key=str(a.pk), id=a.pk, provider=a.provider.name, method=a.method,
                                    region=a.region, ip_ranges=[IpRange(**r) for r in a.ip_ranges])
                        for a in w.access.all()],
                number=w.number, status=w.status, access_limited=w.access_limited,
            )
            for w in websites
        ],
    )


def entity_visible_to(user) -> QuerySet[Entity]:
    """Entities whose full record (with personal data) ``user`` may read (design.md §2, first row)."""
    qs = _entity_queryset()
    if not user.is_authenticated:
        return qs.none()
    if user.is_operator or user.is_provider_reviewer:
        return qs
    if user.is_bureau_reviewer:
        return qs.filter(province__in=user.bureau_provinces.all())
    return qs.filter(owner=user)


def entity_get(*, user, entity_id: int) -> Entity:
    entity = entity_visible_to(user).filter(pk=entity_id).first()
    if entity is None:
        raise not_found("主体", "entity")
    return entity


def entity_of_applicant(user) -> Entity | None:
    if not user.is_authenticated:
        return None
    return _entity_queryset().filter(owner=user).first()
