"""Writes to the registry. The approved state changes only here, only when an order is approved
(design.md §4): every write produces a ``RegistryVersion`` with the full snapshot and the diff.
"""

from __future__ import annotations

from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone

from beian.core.diff import filing_diff
from beian.core.errors import BeianError
from beian.core.hotsql import (
    hot_batch,
    hot_insert,
    hot_insert_many,
    hot_later,
    hot_save,
    insert_many_statement,
    insert_statement,
    inserted,
)
from beian.core.state import (
    AccessState,
    FilingState,
    IpRange,
    PreApprovalState,
    PrincipalState,
)
from beian.core.tablecache import TableCache
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
from beian.registry.selectors import entity_state, filing_state_of, website_state

ACTIVE, CANCELLED = RecordStatus.ACTIVE, RecordStatus.CANCELLED

# Sent whenever an approval changed an entity's filing (e.g. the public lookup drops its cache), with the domains
# (ASCII) and numbers of the filing before and after it. Sent inside the approval's transaction once the registry
# rows are written: a receiver's own rows commit (or roll back) with the approval; what it does outside the database
# it defers with ``transaction.on_commit``.
registry_changed = Signal()


def _principal_fill(principal: Principal | None, data: PrincipalState, role: str) -> Principal:
    principal = principal or Principal(role=role)
    for name in ("name", "certificate_type", "certificate_number", "valid_from", "valid_to", "mobile",
                 "emergency_phone", "email"):
        setattr(principal, name, getattr(data, name))
    return principal


def _principal_write(principal: Principal | None, data: PrincipalState, role: str) -> Principal:
    return hot_save(_principal_fill(principal, data, role))


def _cancel_website(website: Website) -> None:
    website.status = CANCELLED
    website.save(update_fields=["status"])
    Domain.objects.filter(website=website, status=ACTIVE).update(status=CANCELLED)
    Access.objects.filter(website=website, status=ACTIVE).update(status=CANCELLED)
    PreApproval.objects.filter(website=website, status=ACTIVE).update(status=CANCELLED)


@transaction.atomic(savepoint=False)  # inside the approval's transaction: one outcome, no savepoint round trips
def registry_apply(*, state: FilingState, entity: Entity | None, order=None, actor=None, owner=None,
                   cancel_entity: bool = False, province: Province | None = None) -> Entity:
    """Make the registry equal ``state`` and append a version.

    Websites, domains, access records and pre-approvals absent from ``state`` are cancelled, never deleted.
    Numbers in ``state`` (entity.number, websites[].number) are written as given: only the bureau stage sets them.
    ``state`` is returned by the caller with new records' ids filled in through the version snapshot.
    ``province``: the ``Province`` of ``state.entity.province`` when the caller has it (saves reading it).

    Writes only what the approval needs: the entity row once (its version, numbers high-water mark and empty-shell
    flag computed up front), no reads of the children of records created here, one insert per kind of new child;
    the version snapshot is built from what was written (equal to ``filing_state_of`` of the result).
    The approved state is also left on the returned entity as ``entity.applied_state``.
    """
    before = filing_state_of(entity) if entity is not None else None
    now = timezone.now()
    e = state.entity
    if province is None or province.code != e.province:
        province = Province.objects.get(code=e.province)
    created = entity is None
    site_principals: dict[int, Principal] = {}
    if created:
        # A new entity: every principal is new, written together (one round trip on PostgreSQL, hotsql.hot_batch).
        entity = Entity(owner=owner, approved_at=now)
        principal = _principal_fill(None, e.principal, "entity")
        site_principals = {i: _principal_fill(None, site.principal, "website") for i, site in enumerate(state.websites)}
        new = [principal, *site_principals.values()]
        for written, rows in zip(new, hot_batch([insert_statement(p) for p in new]), strict=True):
            inserted(written, rows)
        entity.principal = principal  # assigned once it has its id (the foreign key copies it)
    else:
        entity.principal = _principal_write(entity.principal, e.principal, "entity")
    for name in ("name", "certificate_type", "certificate_number", "city", "district", "certificate_address",
                 "communication_address", "superior_unit", "remarks"):
        setattr(entity, name, getattr(e, name))
    entity.entity_type = e.type
    entity.province = province
    if e.number:
        entity.number = e.number
    for site in state.websites:  # the highest website suffix ever issued (the loop below writes these numbers)
        if site.number:
            entity.website_suffix_high = max(entity.website_suffix_high, _suffix_of(site.number) or 0)
    if cancel_entity:
        entity.status = CANCELLED
    # The active websites afterwards are exactly the state's (the others are cancelled below).
    entity.empty_shell = entity.status == ACTIVE and not state.websites
    entity.version += 1
    hot_save(entity, signals=True)  # the lookup's name index follows the entity (post_save)

    existing = {} if created else {str(w.pk): w for w in entity.websites.filter(status=ACTIVE)}
    kept: set[str] = set()
    applied: list[tuple] = []  # (website, domain names, active access records, pre-approvals) for the snapshot
    for i, site in enumerate(state.websites):
        website = existing.get(site.key) or (existing.get(str(site.id)) if site.id else None)
        is_new = website is None
        website = website or Website(entity=entity, approved_at=now)
        website.principal = site_principals.get(i) or _principal_write(website.principal if website.pk else None,
                                                                        site.principal, "website")
        for name in ("name", "home_url", "service_content", "languages", "remarks"):
            setattr(website, name, getattr(site, name))
        if site.number:
            website.number = site.number
            website.suffix = _suffix_of(site.number)
        if site.access_limited is not None:
            website.access_limited = site.access_limited
        website.without_access = not site.access  # _sync_access leaves exactly the state's access records active
        hot_save(website)
        kept.add(str(website.pk))
        site.id, site.key = website.pk, str(website.pk)
        if is_new:
            access = _new_children(website, site)
        else:
            _sync_domains(website, site.domains)
            access = _sync_access(website, site)
        _sync_pre_approvals(website, site, is_new=is_new)
        applied.append((website, list(site.domains), access, [(p.type, p.number) for p in site.pre_approvals]))
    for key, website in existing.items():
        if key not in kept:
            _cancel_website(website)
    if cancel_entity:
        for website in entity.websites.filter(status=ACTIVE):
            _cancel_website(website)
        applied, kept = [], set()  # no active website is left

    after = _applied_state(entity, applied, kept) or filing_state_of(entity)
    entity.applied_state = after
    # Nothing reads the version row back in the approval: it goes with the approval's next write (core.hotsql).
    hot_later([insert_statement(RegistryVersion(entity=entity, version=entity.version, snapshot=after.to_json(),
                                                diff=filing_diff(before, after), order=order, actor=actor))])
    domains, numbers = _names_of(before, after)
    registry_changed.send(sender=Entity, entity_id=entity.pk, domains=domains, numbers=numbers)
    return entity


def _names_of(*states: FilingState | None) -> tuple[list[str], list[str]]:
    """The domains (ASCII) and filing numbers of the states: what an approval may have changed an answer about."""
    domains: set[str] = set()
    numbers: set[str] = set()
    for state in states:
        if state is None:
            continue
        if state.entity.number:
            numbers.add(state.entity.number)
        for site in state.websites:
            if site.number:
                numbers.add(site.number)
            for name in site.domains:
                try:
                    domains.add(normalize_domain(name).ascii)
                except BeianError:  # refused by the rules long before; nothing can be cached under it
                    continue
    return sorted(domains), sorted(numbers)


def _applied_state(entity: Entity, applied: list[tuple], kept: set[str]) -> FilingState | None:
    """The entity's approved state as ``filing_state_of`` reads it back, built from the records just written;
    None (read it back) in the corner cases where the write order is not the read order: a website without a
    suffix (NULLs sort differently per database), a domain listed twice, two state websites on one record."""
    if len(kept) != len(applied):
        return None
    for website, domains, _, _ in applied:
        if website.suffix is None or len(set(domains)) != len(domains):
            return None
    websites = sorted(applied, key=lambda item: (item[0].suffix, item[0].pk))
    return FilingState(entity=entity_state(entity), websites=[
        website_state(w, domains=list(domains),
                      access=[AccessState(key=str(a.pk), id=a.pk, provider=a.provider.name, method=a.method,
                                          region=a.region, ip_ranges=[IpRange(**r) for r in a.ip_ranges])
                              for a in access],
                      pre_approvals=[PreApprovalState(type=t, number=n) for t, n in pre_approvals])
        for w, domains, access, pre_approvals in websites])


def _suffix_of(number: str) -> int | None:
    tail = number.rsplit("-", 1)
    return int(tail[1]) if len(tail) == 2 and tail[1].isdigit() else None


def _new_domain(website: Website, name: str, sort: int) -> Domain:
    return Domain(website=website, name=name, ascii=normalize_domain(name).ascii, sort=sort)


def _access_fill(access: Access, item) -> Access:
    """``access`` set to the state's access record ``item`` (provider, method, region, IP ranges)."""
    access.provider = _access_provider(item.provider)
    access.method = item.method
    access.region = item.region
    access.ip_ranges = [r.model_dump() for r in item.ip_ranges]
    return access


def _new_children(website: Website, site) -> list[Access]:
    """A new website's domains and access records, written together (one round trip on PostgreSQL); returns the
    access records in id order (what ``_sync_access`` returns)."""
    domains = [_new_domain(website, name, sort) for sort, name in enumerate(site.domains)]
    access = [_access_fill(Access(website=website), item) for item in site.access]
    results = hot_batch([*([insert_many_statement(domains)] if domains else []),
                         *(insert_statement(a) for a in access)])
    for record, item, rows in zip(access, site.access, results[len(results) - len(access):], strict=True):
        inserted(record, rows)
        item.id, item.key = record.pk, str(record.pk)
    return sorted(access, key=lambda a: a.pk)


def _sync_domains(website: Website, names: list[str]) -> None:
    current = {d.name: d for d in website.domains.filter(status=ACTIVE)}
    created = []
    for sort, name in enumerate(names):
        if name in current:
            if current[name].sort != sort:
                current[name].sort = sort
                current[name].save(update_fields=["sort"])
            continue
        created.append(_new_domain(website, name, sort))
    hot_insert_many(created)
    for name, domain in current.items():
        if name not in names:
            domain.status = CANCELLED
            domain.save(update_fields=["status"])


def _providers_load() -> tuple[dict[str, AccessProvider], AccessProvider | None]:
    rows = list(AccessProvider.objects.all())
    return {p.name: p for p in rows}, next((p for p in rows if p.is_self), None)


# Every approval names its access providers; operators change them rarely (a per-process copy, core.tablecache).
_PROVIDERS = TableCache("beian:registry:access-providers", _providers_load)
_PROVIDERS.watch(AccessProvider)


def _access_provider(name: str) -> AccessProvider:
    """The provider of that name, else this provider (``is_self``)."""
    by_name, own = _PROVIDERS.get()
    provider = by_name.get(name) or own
    if provider is None:
        raise AccessProvider.DoesNotExist(f"no access provider {name!r} and none marked as this provider")
    return provider


def _sync_access(website: Website, site) -> list[Access]:
    """Returns the website's active access records afterwards, in id order."""
    current = {str(a.pk): a for a in website.access.filter(status=ACTIVE)}
    kept: list[Access] = []
    created: list[tuple] = []
    for item in site.access:
        access = current.get(item.key) or (current.get(str(item.id)) if item.id else None)
        new = access is None
        access = _access_fill(access or Access(website=website), item)
        if new:
            created.append((access, item))
        else:
            access.save()
            kept.append(access)
            item.id, item.key = access.pk, str(access.pk)
    for access, item in created:
        hot_insert(access)
        kept.append(access)
        item.id, item.key = access.pk, str(access.pk)
    kept_keys = {str(a.pk) for a in kept}
    for key, access in current.items():
        if key not in kept_keys:
            access.status = CANCELLED
            access.save(update_fields=["status"])
    return sorted(kept, key=lambda a: a.pk)


def _sync_pre_approvals(website: Website, site, *, is_new: bool = False) -> None:
    wanted = [(p.type, p.number) for p in site.pre_approvals]
    if is_new:
        PreApproval.objects.bulk_create([PreApproval(website=website, type=t, number=n) for t, n in wanted])
        return
    current = list(website.pre_approvals.filter(status=ACTIVE))
    have = [(p.type, p.number) for p in current]
    if wanted == have:
        return
    website.pre_approvals.filter(status=ACTIVE).update(status=CANCELLED)
    for type_, number in wanted:
        PreApproval.objects.create(website=website, type=type_, number=number)
