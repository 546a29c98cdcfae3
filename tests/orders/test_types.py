"""Each order type's effect on the registry (design.md §5)."""

import pytest

from beian.core.errors import BeianError
from beian.orders import services
from beian.orders.models import OrderLock, OrderState
from beian.registry.demo import beijing_individual_state, zhejiang_enterprise_state
from beian.registry.models import Access, Domain, Entity, RecordStatus, Website
from tests.orders.helpers import drive_to_approval


def _new_website(key="n9", domain="yunqi-shop.cn"):
    site = zhejiang_enterprise_state()["websites"][0]
    return {**site, "key": key, "name": "云栖商城", "home_url": f"www.{domain}", "domains": [domain],
            "access": [{**site["access"][0], "key": "a9"}]}


def test_new_filing_issues_entity_number_and_websites_in_list_order(applicant, reviewer, bureau_zj):
    order = services.order_create(user=applicant, type="new_filing", proposed=zhejiang_enterprise_state())
    order = drive_to_approval(order.pk, applicant=applicant, reviewer=reviewer, bureau_reviewer=bureau_zj)
    assert order.state == OrderState.APPROVED
    entity = Entity.objects.get(owner=applicant)
    assert entity.number.startswith("浙ICP备2026") and entity.number.endswith("号")
    sites = {w.name: w.number for w in entity.websites.all()}
    assert sites == {"云栖网络官网": f"{entity.number}-1", "云栖技术文档": f"{entity.number}-2"}
    assert not OrderLock.objects.filter(order=order).exists()


def test_new_filings_get_consecutive_serials(applicant, other_applicant, reviewer, bureau_zj, bureau_bj):
    a = services.order_create(user=applicant, type="new_filing", proposed=zhejiang_enterprise_state())
    drive_to_approval(a.pk, applicant=applicant, reviewer=reviewer, bureau_reviewer=bureau_zj)
    b = services.order_create(user=other_applicant, type="new_filing", proposed=beijing_individual_state())
    drive_to_approval(b.pk, applicant=other_applicant, reviewer=reviewer, bureau_reviewer=bureau_bj)
    assert Entity.objects.get(owner=applicant).number == "浙ICP备2026000001号"
    assert Entity.objects.get(owner=other_applicant).number == "京ICP备2026000001号"


def test_add_website_creates_next_suffix_and_cancelled_suffix_never_reissued(
        applicant, reviewer, bureau_zj, zj_entity):
    second = zj_entity.websites.get(suffix=2)
    cancel = services.order_create(user=applicant, type="cancel_website", target_website_id=second.pk)
    drive_to_approval(cancel.pk, applicant=applicant, reviewer=reviewer, bureau_reviewer=bureau_zj)
    second.refresh_from_db()
    assert second.status == RecordStatus.CANCELLED
    assert not Domain.objects.filter(website=second, status=RecordStatus.ACTIVE).exists()

    order = services.order_create(user=applicant, type="add_website")
    proposed = order.proposed
    proposed["websites"].append(_new_website())
    services.order_update(user=applicant, order_id=order.pk, proposed=proposed)
    drive_to_approval(order.pk, applicant=applicant, reviewer=reviewer, bureau_reviewer=bureau_zj)
    new = Website.objects.get(entity=zj_entity, name="云栖商城")
    assert new.number == f"{zj_entity.number}-3"  # -2 was cancelled and is never issued again
    assert Domain.objects.get(website=new).ascii == "yunqi-shop.cn"


def test_cancel_entity_cancels_everything_and_frees_domains(applicant, other_applicant, reviewer, bureau_zj,
                                                            zj_entity):
    order = services.order_create(user=applicant, type="cancel_entity")
    drive_to_approval(order.pk, applicant=applicant, reviewer=reviewer, bureau_reviewer=bureau_zj)
    zj_entity.refresh_from_db()
    assert zj_entity.status == RecordStatus.CANCELLED
    assert not Website.objects.filter(entity=zj_entity, status=RecordStatus.ACTIVE).exists()
    assert not Domain.objects.filter(website__entity=zj_entity, status=RecordStatus.ACTIVE).exists()
    assert not Access.objects.filter(website__entity=zj_entity, status=RecordStatus.ACTIVE).exists()
    # The domain can be filed again, by someone else.
    state = beijing_individual_state()
    state["websites"][0]["domains"] = ["yunqi-net.cn"]
    again = services.order_create(user=other_applicant, type="new_filing", proposed=state)
    services.order_submit(user=other_applicant, order_id=again.pk)
    assert OrderLock.objects.filter(order=again, key="domain:yunqi-net.cn").exists()


def test_change_access_changes_only_access(applicant, reviewer, bureau_zj, zj_entity):
    order = services.order_create(user=applicant, type="change")
    proposed = order.proposed
    proposed["websites"][0]["access"][0]["ip_ranges"] = [{"start": "47.96.10.30", "end": "47.96.10.31"}]
    order = services.order_update(user=applicant, order_id=order.pk, proposed=proposed)
    assert order.type == "change_access"
    assert {d["path"] for d in order.diff} == {f"websites[{proposed['websites'][0]['key']}].access"
                                              f"[{proposed['websites'][0]['access'][0]['key']}].ip_ranges"}
    order = drive_to_approval(order.pk, applicant=applicant, reviewer=reviewer, bureau_reviewer=bureau_zj)
    history = list(order.history.values_list("event", flat=True))
    assert "approve_to_bureau" in history and "approve_to_sms" not in history  # nobody verifies change_access
    access = Access.objects.get(website__entity=zj_entity, website__suffix=1, status=RecordStatus.ACTIVE)
    assert access.ip_ranges == [{"start": "47.96.10.30", "end": "47.96.10.31"}]
    zj_entity.refresh_from_db()
    assert zj_entity.name == "杭州云栖网络科技有限公司" and zj_entity.version == 2


def test_cancel_access_then_add_access_keeps_numbers(applicant, reviewer, bureau_zj, zj_entity):
    site = zj_entity.websites.get(suffix=1)
    number = site.number
    order = services.order_create(user=applicant, type="cancel_access", target_website_id=site.pk)
    drive_to_approval(order.pk, applicant=applicant, reviewer=reviewer, bureau_reviewer=bureau_zj)
    site.refresh_from_db()
    assert site.without_access and site.status == RecordStatus.ACTIVE
    order = services.order_create(user=applicant, type="add_access")
    proposed = order.proposed
    target = next(w for w in proposed["websites"] if w["id"] == site.pk)
    target["access"] = [{"key": "new", "provider": "本接入商", "method": "云接入", "region": "浙江省",
                         "ip_ranges": [{"start": "47.96.10.40", "end": "47.96.10.40"}]}]
    services.order_update(user=applicant, order_id=order.pk, proposed=proposed)
    drive_to_approval(order.pk, applicant=applicant, reviewer=reviewer, bureau_reviewer=bureau_zj)
    site.refresh_from_db()
    assert site.number == number and not site.without_access
    assert Access.objects.filter(website=site, status=RecordStatus.ACTIVE).count() == 1


def test_change_entity_forced_to_change_filing_by_province_rule(applicant, zj_entity):
    from beian.orders.models import ChangeTypeRule
    from beian.registry.models import Province

    order = services.order_create(user=applicant, type="change")
    proposed = order.proposed
    proposed["entity"]["communication_address"] = "西湖区文三路 100 号"
    assert services.order_update(user=applicant, order_id=order.pk, proposed=proposed).type == "change_entity"
    ChangeTypeRule.objects.create(province=Province.objects.get(code="330000"), condition="always")
    assert services.order_update(user=applicant, order_id=order.pk, proposed=proposed).type == "change_filing"


def test_drafts_are_resumable_and_lock_nothing(applicant, zj_entity):
    order = services.order_create(user=applicant, type="change")
    proposed = order.proposed
    proposed["entity"]["remarks"] = "草稿"
    services.order_update(user=applicant, order_id=order.pk, proposed=proposed)
    again = services.order_create(user=applicant, type="change")  # a second draft is fine
    assert not OrderLock.objects.exists()
    order.refresh_from_db()
    assert order.proposed["entity"]["remarks"] == "草稿" and again.state == OrderState.DRAFT


def test_new_domain_is_never_a_change(applicant, zj_entity):
    order = services.order_create(user=applicant, type="change")
    proposed = order.proposed
    proposed["websites"].append(_new_website())
    services.order_update(user=applicant, order_id=order.pk, proposed=proposed)
    with pytest.raises(BeianError) as exc:
        services.order_submit(user=applicant, order_id=order.pk)
    assert "CHANGE_WEBSITE_ADDED" in {e.code for e in exc.value.errors}
