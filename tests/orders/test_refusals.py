"""Each workflow refusal (design.md §5) as a failing scenario with its code; locks released on end."""

import pytest

from beian.core.errors import BeianError
from beian.orders import services
from beian.orders.models import OrderLock, OrderState
from beian.registry.demo import zhejiang_enterprise_state


def _change(applicant, edit):
    order = services.order_create(user=applicant, type="change")
    proposed = order.proposed
    edit(proposed)
    services.order_update(user=applicant, order_id=order.pk, proposed=proposed)
    return order


def _codes(func, **kwargs):
    with pytest.raises(BeianError) as exc:
        func(**kwargs)
    return {e.code for e in exc.value.errors}


def _rename(p):
    p["entity"]["name"] = "杭州云栖智能科技有限公司"


@pytest.mark.parametrize("edit, code", [
    (lambda p: p["websites"][0]["domains"].append("yunqi-extra.cn"), "CHANGE_DOMAIN_ADDED"),
    (lambda p: p["websites"][0].update(domains=["yunqi-replaced.cn"]), "CHANGE_DOMAIN_ADDED"),
    (lambda p: p["entity"].update(province="310000"), "CHANGE_PROVINCE_FORBIDDEN"),
    (lambda p: p["entity"].update(certificate_number="91330106MA27XY3Q1X"), "CHANGE_CERTIFICATE_NUMBER_FORBIDDEN"),
    (lambda p: p["entity"].update(type="个人"), "CHANGE_ENTERPRISE_TO_INDIVIDUAL"),
    (lambda p: p["websites"].pop(), "CHANGE_WEBSITE_REMOVED"),
    (lambda p: None, "CHANGE_EMPTY"),
])
def test_change_refusals(applicant, zj_entity, edit, code):
    order = _change(applicant, edit)
    assert code in _codes(services.order_submit, user=applicant, order_id=order.pk)
    assert not OrderLock.objects.filter(order=order).exists()


def test_removing_a_domain_is_a_change(applicant, zj_entity):
    from beian.registry.models import Domain, Website

    site = Website.objects.get(entity=zj_entity, suffix=1)
    Domain.objects.create(website=site, name="yunqi-old.cn", ascii="yunqi-old.cn", sort=1)
    order = _change(applicant, lambda p: p["websites"][0].update(domains=["yunqi-net.cn"]))
    order = services.order_submit(user=applicant, order_id=order.pk)
    assert order.type == "change_website" and order.state == OrderState.PROVIDER_REVIEW


def test_second_in_flight_order_for_the_entity(applicant, zj_entity):
    first = _change(applicant, _rename)
    services.order_submit(user=applicant, order_id=first.pk)
    second = _change(applicant, lambda p: p["entity"].update(remarks="另一个变更"))
    assert "ORDER_ENTITY_IN_FLIGHT" in _codes(services.order_submit, user=applicant, order_id=second.pk)
    # Withdrawing the first releases the lock.
    services.order_withdraw(user=applicant, order_id=first.pk)
    assert not OrderLock.objects.filter(order=first).exists()
    assert services.order_submit(user=applicant, order_id=second.pk).state == OrderState.PROVIDER_REVIEW


def test_second_in_flight_order_for_a_domain(applicant, other_applicant):
    services.order_submit(user=applicant, order_id=services.order_create(
        user=applicant, type="new_filing", proposed=zhejiang_enterprise_state()).pk)
    from beian.registry.demo import beijing_individual_state

    state = beijing_individual_state()
    state["websites"][0]["domains"] = ["WWW.Yunqi-Net.CN."]  # the same registrable domain, typed differently
    other = services.order_create(user=other_applicant, type="new_filing", proposed=state)
    assert other.proposed["websites"][0]["domains"] == ["yunqi-net.cn"]
    assert "ORDER_DOMAIN_IN_FLIGHT" in _codes(services.order_submit, user=other_applicant, order_id=other.pk)


def test_new_website_with_two_domains(applicant):
    state = zhejiang_enterprise_state()
    state["websites"][0]["domains"] = ["yunqi-net.cn", "yunqi-net.com"]
    order = services.order_create(user=applicant, type="new_filing", proposed=state)
    assert "NEW_WEBSITE_DOMAIN_COUNT" in _codes(services.order_submit, user=applicant, order_id=order.pk)


def test_domain_already_filed(applicant, other_applicant, zj_entity):
    from beian.registry.demo import beijing_individual_state

    state = beijing_individual_state()
    state["websites"][0]["domains"] = ["yunqi-net.cn"]
    order = services.order_create(user=other_applicant, type="new_filing", proposed=state)
    assert "DOMAIN_ALREADY_FILED" in _codes(services.order_submit, user=other_applicant, order_id=order.pk)


def test_no_edit_or_withdrawal_at_the_bureau(applicant, reviewer, zj_entity):
    order = _change(applicant, _rename)
    services.order_submit(user=applicant, order_id=order.pk)
    services.order_claim(reviewer=reviewer, order_id=order.pk)
    services.order_approve(reviewer=reviewer, order_id=order.pk)  # → sms_verification (entity principal)
    assert _codes(services.order_withdraw, user=applicant, order_id=order.pk) == {"ORDER_AT_BUREAU_LOCKED"}
    assert _codes(services.order_update, user=applicant, order_id=order.pk,
                  proposed=order.proposed) == {"ORDER_AT_BUREAU_LOCKED"}


def test_new_website_principal_must_pass_identity_verification(applicant, reviewer):
    order = services.order_create(user=applicant, type="new_filing", proposed=zhejiang_enterprise_state())
    services.order_submit(user=applicant, order_id=order.pk)
    services.order_claim(reviewer=reviewer, order_id=order.pk)
    assert _codes(services.order_approve, reviewer=reviewer, order_id=order.pk) == {
        "ORDER_WEBSITE_PRINCIPAL_UNVERIFIED"}


def test_final_reject_releases_locks_and_three_returns_point_to_support(api, applicant, reviewer, zj_entity):
    order = _change(applicant, _rename)
    services.order_submit(user=applicant, order_id=order.pk)
    for _ in range(3):
        services.order_claim(reviewer=reviewer, order_id=order.pk)
        services.order_return(reviewer=reviewer, order_id=order.pk,
                              reasons=[{"code": "RENAME_PROOF_MISSING", "field": "entity.name"}])
        services.order_resubmit(user=applicant, order_id=order.pk)
    body = api(applicant).get(f"/api/orders/{order.pk}").json_body
    assert body["return_count"] == 3 and body["contact_support"] is True
    services.order_claim(reviewer=reviewer, order_id=order.pk)
    done = services.order_reject(reviewer=reviewer, order_id=order.pk, reason="虚假信息")
    assert done.state == OrderState.REJECTED
    assert not OrderLock.objects.filter(order=order).exists()


def test_unknown_return_reason_and_unclaimed_action(applicant, reviewer, reviewer2, zj_entity):
    order = _change(applicant, _rename)
    services.order_submit(user=applicant, order_id=order.pk)
    services.order_claim(reviewer=reviewer, order_id=order.pk)
    assert _codes(services.order_return, reviewer=reviewer, order_id=order.pk,
                  reasons=[{"code": "NOPE"}]) == {"RETURN_REASON_UNKNOWN"}
    assert _codes(services.order_approve, reviewer=reviewer2, order_id=order.pk) == {"ORDER_NOT_CLAIMED"}
    assert _codes(services.order_claim, reviewer=reviewer2, order_id=order.pk) == {"ORDER_CLAIMED_BY_OTHER"}


def test_claim_next_returns_own_claim_first_then_earliest_due(applicant, other_applicant, reviewer, zj_entity,
                                                              bj_entity):
    a = _change(applicant, _rename)
    services.order_submit(user=applicant, order_id=a.pk)
    b = _change(other_applicant, lambda p: p["entity"].update(communication_address="海淀区 2 号"))
    services.order_submit(user=other_applicant, order_id=b.pk)
    first = services.order_claim_next(reviewer=reviewer)
    assert first.pk == a.pk
    assert services.order_claim_next(reviewer=reviewer).pk == a.pk  # own claim first
    services.order_release(reviewer=reviewer, order_id=a.pk)
    from django.utils import timezone

    from beian.orders.models import Order

    Order.objects.filter(pk=b.pk).update(due_at=timezone.now())  # b is now due earlier
    assert services.order_claim_next(reviewer=reviewer).pk == b.pk


def test_claims_expire_after_four_hours(applicant, reviewer, reviewer2, zj_entity):
    import datetime as dt

    import time_machine
    from django.utils import timezone

    order = _change(applicant, _rename)
    services.order_submit(user=applicant, order_id=order.pk)
    services.order_claim_next(reviewer=reviewer)
    with time_machine.travel(timezone.now() + dt.timedelta(hours=4, minutes=1)):
        assert services.claims_expire() == 1
        assert services.order_claim_next(reviewer=reviewer2).pk == order.pk


def test_claim_next_takes_a_stale_claim_before_the_sweep_releases_it(applicant, reviewer, reviewer2, zj_entity):
    import datetime as dt

    import time_machine
    from django.utils import timezone

    order = _change(applicant, _rename)
    services.order_submit(user=applicant, order_id=order.pk)
    assert services.order_claim_next(reviewer=reviewer).pk == order.pk
    assert services.order_claim_next(reviewer=reviewer2) is None  # held by the first reviewer
    with time_machine.travel(timezone.now() + dt.timedelta(hours=4, minutes=1)):
        assert services.order_claim_next(reviewer=reviewer2).pk == order.pk
        assert services.order_claim_next(reviewer=reviewer) is None  # the stale claim is not "own" any more


def test_drafts_expire_after_45_idle_days(applicant, zj_entity):
    import datetime as dt

    import time_machine
    from django.utils import timezone

    order = _change(applicant, _rename)
    with time_machine.travel(timezone.now() + dt.timedelta(days=46)):
        assert services.orders_expire_drafts() == 1
    order.refresh_from_db()
    assert order.state == OrderState.EXPIRED


def test_approved_change_then_returned_by_bureau_keeps_lock(applicant, reviewer, bureau_zj, zj_entity):
    from beian.bureau import services as bureau

    order = _change(applicant, _rename)
    services.order_submit(user=applicant, order_id=order.pk)
    services.order_claim(reviewer=reviewer, order_id=order.pk)
    services.order_approve(reviewer=reviewer, order_id=order.pk)
    bureau.sms_stage_complete(order_id=order.pk)
    done = bureau.bureau_return(reviewer=bureau_zj, order_id=order.pk,
                                reasons=[{"code": "INFO_INCONSISTENT", "field": "entity.name"}])
    assert done.state == OrderState.RETURNED and OrderLock.objects.filter(order=order).exists()
