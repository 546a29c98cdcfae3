"""Writes to the registry. The approved state changes only here, only when an order is approved
(design.md §4): every write produces a ``RegistryVersion`` with the full snapshot and the diff.
"""

from __future__ import annotations

from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone

from beian.core.diff import filing_diff
from beian.core.state import FilingState, PrincipalState
from beian.core.validators import normalize_domain
from beian.registry.models import (
    Access,
    AccessProvider,
    Domain,
    Entity,
    PreApproval,
    Principal,
    Province,
    RecordStatus,
    RegistryVersion,
    Website,
)
from beian.registry.selectors import filing_state_of

ACTIVE, CANCELLED = RecordStatus.ACTIVE, RecordStatus.CANCELLED

# Sent after commit whenever an approval changed an entity's filing (e.g. the public lookup drops its cache).
registry_changed = Signal()


def _principal_write(principal: Principal | None, data: PrincipalState, role: str) -> Principal:
    principal = principal or Principal(role=role)
    for name in ("name", "certificate_type", "certificate_number", "valid_from", "valid_to", "mobile",
                 "emergency_phone", "email"):
        setattr(principal, name, getattr(data, name))
    principal.save()
    return principal


def _cancel_website(website: Website) -> None:
    website.status = CANCELLED
    website.save(update_fields=["status"])
    Domain.objects.filter(website=website, status=ACTIVE).update(status=CANCELLED)
    Access.objects.filter(website=website, status=ACTIVE).update(status=CANCELLED)
    PreApproval.objects.filter(website=website, status=ACTIVE).update(status=CANCELLED)


@transaction.atomic(savepoint=False)  # inside the approval's transaction: one outcome, no savepoint round trips
def registry_apply(*, state: FilingState, entity: Entity | None, order=None, actor=None, owner=None,
                   cancel_entity: bool = False) -> Entity:
    """Make the registry equal ``state`` and append a version.

    Websites, domains, access records and pre-approvals absent from ``state`` are cancelled, never deleted.
    Numbers in ``state`` (entity.number, websites[].number) are written as given: only the bureau stage sets them.
    ``state`` is returned by the caller with new records' ids filled in through the version snapshot.
    """
    before = filing_state_of(entity) if entity is not None else None
    now = timezone.now()
    e = state.entity
    province = Province.objects.get(code=e.province)
    if entity is None:
        entity = Entity(owner=owner, approved_at=now)
    entity.principal = _principal_write(entity.principal if entity.pk else None, e.principal, "entity")
    for name in ("name", "certificate_type", "certificate_number", "city", "district", "certificate_address",
                 "communication_address", "superior_unit", "remarks"):
        setattr(entity, name, getattr(e, name))
    entity.entity_type = e.type
    entity.province = province
    if e.number:
        entity.number = e.number
    entity.save()

    existing = {str(w.pk): w for w in entity.websites.filter(status=ACTIVE)}
    kept: set[str] = set()
    for site in state.websites:
        website = existing.get(site.key) or (existing.get(str(site.id)) if site.id else None)
        website = website or Website(entity=entity, approved_at=now)
        website.principal = _principal_write(website.principal if website.pk else None, site.principal, "website")
        for name in ("name", "home_url", "service_content", "languages", "remarks"):
            setattr(website, name, getattr(site, name))
        if site.number:
            website.number = site.number
            website.suffix = _suffix_of(site.number)
            entity.website_suffix_high = max(entity.website_suffix_high, website.suffix or 0)
        if site.access_limited is not None:
            website.access_limited = site.access_limited
        website.save()
        kept.add(str(website.pk))
        site.id, site.key = website.pk, str(website.pk)
        _sync_domains(website, site.domains)
        _sync_access(website, site)
        _sync_pre_approvals(website, site)
        without_access = not site.access  # _sync_access left exactly the state's access records active
        if website.without_access != without_access:
            website.without_access = without_access
            website.save(update_fields=["without_access"])
    for key, website in existing.items():
        if key not in kept:
            _cancel_website(website)

    if cancel_entity:
        for website in entity.websites.filter(status=ACTIVE):
            _cancel_website(website)
        entity.status = CANCELLED
    # The active websites now are exactly the kept ones (the others were cancelled above).
    entity.empty_shell = entity.status == ACTIVE and not kept
    entity.version += 1
    entity.save()

    after = filing_state_of(entity)
    RegistryVersion.objects.create(entity=entity, version=entity.version, snapshot=after.to_json(),
                                   diff=filing_diff(before, after), order=order, actor=actor)
    entity_id = entity.pk
    transaction.on_commit(lambda: registry_changed.send(sender=Entity, entity_id=entity_id))
    return entity


def _suffix_of(number: str) -> int | None:
    tail = number.rsplit("-", 1)
    return int(tail[1]) if len(tail) == 2 and tail[1].isdigit() else None


def _sync_domains(website: Website, names: list[str]) -> None:
    current = {d.name: d for d in website.domains.filter(status=ACTIVE)}
    for sort, name in enumerate(names):
        if name in current:
            if current[name].sort != sort:
                current[name].sort = sort
                current[name].save(update_fields=["sort"])
            continue
        Domain.objects.create(website=website, name=name, ascii=normalize_domain(name).ascii, sort=sort)
    for name, domain in current.items():
        if name not in names:
            domain.status = CANCELLED
            domain.save(update_fields=["status"])


def _sync_access(website: Website, site) -> None:
    current = {str(a.pk): a for a in website.access.filter(status=ACTIVE)}
    providers: dict[str, AccessProvider] = {}
    kept = set()
    for item in site.access:
        access = current.get(item.key) or (current.get(str(item.id)) if item.id else None)
        provider = providers.get(item.provider)
        if provider is None:
            provider = providers[item.provider] = (AccessProvider.objects.filter(name=item.provider).first()
                                                   or AccessProvider.objects.get(is_self=True))
        access = access or Access(website=website)
        access.provider = provider
        access.method = item.method
        access.region = item.region
        access.ip_ranges = [r.model_dump() for r in item.ip_ranges]
        access.save()
        kept.add(str(access.pk))
        item.id, item.key = access.pk, str(access.pk)
    for key, access in current.items():
        if key not in kept:
            access.status = CANCELLED
            access.save(update_fields=["status"])


def _sync_pre_approvals(website: Website, site) -> None:
    current = list(website.pre_approvals.filter(status=ACTIVE))
    wanted = [(p.type, p.number) for p in site.pre_approvals]
    have = [(p.type, p.number) for p in current]
    if wanted == have:
        return
    website.pre_approvals.filter(status=ACTIVE).update(status=CANCELLED)
    for type_, number in wanted:
        PreApproval.objects.create(website=website, type=type_, number=number)
