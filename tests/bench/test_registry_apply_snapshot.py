"""``registry_apply`` builds the version snapshot from the records it wrote instead of reading them back: that
snapshot must be exactly what ``filing_state_of`` reads from the database, for every kind of change."""

from __future__ import annotations

import pytest

from beian.bureau.numbers import numbers_issue
from beian.core.state import FilingState, PreApprovalState
from beian.registry import services as registry_services
from beian.registry.demo import beijing_individual_state, filed_entity_create, zhejiang_enterprise_state
from beian.registry.models import Entity, RegistryVersion
from beian.registry.selectors import filing_state_of
from beian.registry.services import registry_apply

pytestmark = pytest.mark.django_db


@pytest.fixture
def built(monkeypatch):
    """Counts the snapshots built in memory (not read back)."""
    calls = {"built": 0}
    original = registry_services._applied_state

    def counting(*args, **kwargs):
        state = original(*args, **kwargs)
        calls["built"] += state is not None
        return state

    monkeypatch.setattr(registry_services, "_applied_state", counting)
    return calls


def _apply(entity: Entity, edit, *, cancel_entity: bool = False) -> Entity:
    state = filing_state_of(entity)
    edit(state)
    numbers_issue(state=state, entity=entity, province=entity.province)
    entity = registry_apply(state=state, entity=Entity.objects.get(pk=entity.pk), cancel_entity=cancel_entity)
    _check(entity)
    return entity


def _check(entity: Entity) -> None:
    entity = Entity.objects.select_related("province", "principal").get(pk=entity.pk)
    version = RegistryVersion.objects.get(entity=entity, version=entity.version)
    assert version.snapshot == filing_state_of(entity).to_json()


def test_new_entity_snapshot_is_what_the_database_reads(applicant, built):
    for owner, raw in ((applicant, zhejiang_enterprise_state()), (None, beijing_individual_state())):
        state = FilingState.model_validate(raw)
        from beian.registry.models import Province

        numbers_issue(state=state, entity=None, province=Province.objects.get(code=state.entity.province))
        entity = registry_apply(state=state, entity=None, owner=owner)
        _check(entity)
        # The caller's state got the new ids; the numbers the approval announces come from the applied state.
        assert [w.id for w in state.websites] == [w.id for w in entity.applied_state.websites]
    assert built["built"] == 2


def test_changes_snapshot_is_what_the_database_reads(applicant, built):
    entity = filed_entity_create(owner=applicant, state=zhejiang_enterprise_state())

    def domains_and_access(state):
        site = state.websites[0]
        site.domains = [*reversed(site.domains), "yunqi-extra.cn"]
        first = site.access[0]
        first.region = "浙江省杭州市"
        site.access.append(first.model_copy(update={"key": "a-new", "id": None}))
        state.websites[1].pre_approvals = [PreApprovalState(type="新闻", number="浙新办〔2026〕1号"),
                                           PreApprovalState(type="出版", number="浙新出〔2026〕2号")]

    def drop_access_and_site(state):
        state.websites[0].access = state.websites[0].access[1:]
        state.websites = state.websites[:1]

    def add_site(state):
        site = state.websites[0].model_copy(deep=True)
        site.key, site.id, site.number, site.name = "n-new", None, "", "云栖商城"
        site.domains = ["yunqi-shop.cn"]
        for access in site.access:
            access.key, access.id = f"{access.key}-n", None
        state.websites.append(site)

    def swap_pre_approvals(state):
        state.websites[1].pre_approvals = state.websites[1].pre_approvals[::-1]

    def rename(state):
        state.entity.communication_address = "西湖区文三路 100 号"
        state.websites[0].principal.mobile = "13900000001"

    for edit in (domains_and_access, swap_pre_approvals, rename, drop_access_and_site, add_site):
        entity = _apply(entity, edit)
    assert built["built"] == 6  # with the filing of the entity itself
    entity = _apply(entity, lambda state: None, cancel_entity=True)
    assert entity.applied_state.websites == [] and built["built"] == 7
