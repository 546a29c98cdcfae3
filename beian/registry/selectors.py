"""Scoped reads of the registry (design.md §2): every query a user can reach goes through here."""

from __future__ import annotations

from django.db.models import QuerySet

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


def entity_state(entity: Entity) -> EntityState:
    """The entity's own part of its ``FilingState`` (province and principal loaded with it)."""
    return EntityState(
        type=entity.entity_type, name=entity.name, certificate_type=entity.certificate_type,
        certificate_number=entity.certificate_number, province=entity.province.code, city=entity.city,
        district=entity.district, certificate_address=entity.certificate_address,
        communication_address=entity.communication_address, superior_unit=entity.superior_unit,
        remarks=entity.remarks, principal=_principal_state(entity.principal), number=entity.number,
        status=entity.status,
    )


def website_state(w: Website, *, domains: list[str], access: list[AccessState],
                  pre_approvals: list[PreApprovalState]) -> WebsiteState:
    """One website of a ``FilingState`` from its record and its active children (principal loaded with it)."""
    return WebsiteState(
        key=str(w.pk), id=w.pk, name=w.name, home_url=w.home_url, service_content=list(w.service_content),
        languages=list(w.languages), remarks=w.remarks, domains=domains, principal=_principal_state(w.principal),
        pre_approvals=pre_approvals, access=access, number=w.number, status=w.status,
        access_limited=w.access_limited,
    )


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
    """The entity's current approved state as a ``FilingState`` (active websites, domains and access only).

    Four queries (websites with their principals, then the domains, access records and pre-approvals of all of
    them as plain rows), without building model instances for the children: every check reads this.
    """
    entity = _with_province_and_principal(entity)
    websites = list(Website.objects.filter(entity=entity, status=ACTIVE).select_related("principal")
                    .order_by("suffix", "id"))
    ids = [w.pk for w in websites]
    domains: dict[int, list[str]] = {}
    access: dict[int, list[AccessState]] = {}
    pre_approvals: dict[int, list[PreApprovalState]] = {}
    if ids:
        for website_id, name in (Domain.objects.filter(website_id__in=ids, status=ACTIVE).order_by("sort", "id")
                                 .values_list("website_id", "name")):
            domains.setdefault(website_id, []).append(name)
        for website_id, pk, provider, method, region, ip_ranges in (
                Access.objects.filter(website_id__in=ids, status=ACTIVE).order_by("id")
                .values_list("website_id", "pk", "provider__name", "method", "region", "ip_ranges")):
            access.setdefault(website_id, []).append(AccessState(
                key=str(pk), id=pk, provider=provider, method=method, region=region,
                ip_ranges=[IpRange(**r) for r in ip_ranges]))
        for website_id, type_, number in (PreApproval.objects.filter(website_id__in=ids, status=ACTIVE)
                                          .order_by("id").values_list("website_id", "type", "number")):
            pre_approvals.setdefault(website_id, []).append(PreApprovalState(type=type_, number=number))
    return FilingState(entity=entity_state(entity), websites=[
        website_state(w, domains=domains.get(w.pk, []), access=access.get(w.pk, []),
                      pre_approvals=pre_approvals.get(w.pk, []))
        for w in websites])


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
