"""Races on PostgreSQL: real threads, started together with a barrier (SKIP LOCKED, row locks)."""

import threading

import pytest
from django.db import connection, connections

from beian.core.errors import BeianError
from beian.orders import services
from beian.orders.models import Order, OrderHistory
from beian.registry.demo import filed_entity_create, zhejiang_enterprise_state

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("SKIP LOCKED races need PostgreSQL (run by scripts/pg_tests.py)")


def _run_together(funcs):
    barrier = threading.Barrier(len(funcs))
    results = [None] * len(funcs)

    def run(i, func):
        try:
            barrier.wait()
            results[i] = func()
        except BaseException as exc:  # noqa: BLE001 - the test inspects it
            results[i] = exc
        finally:
            connections.close_all()  # threads own their connections

    threads = [threading.Thread(target=run, args=(i, f)) for i, f in enumerate(funcs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


def _submitted_change(user, name):
    filed_entity_create(owner=user, state=_state_for(user.username))
    order = services.order_create(user=user, type="change")
    proposed = order.proposed
    proposed["entity"]["name"] = name
    services.order_update(user=user, order_id=order.pk, proposed=proposed)
    return services.order_submit(user=user, order_id=order.pk)


def _uscc(tag: str) -> str:
    from beian.core.validators import org_code_check_char, uscc_check_char

    org8 = f"MA{sum(map(ord, tag)) * 7919 % 1000000:06d}"
    first17 = "91330106" + org8 + org_code_check_char(org8)
    return first17 + uscc_check_char(first17)


def _state_for(tag: str) -> dict:
    state = zhejiang_enterprise_state()
    state["entity"]["certificate_number"] = _uscc(tag)
    for i, site in enumerate(state["websites"]):
        site["domains"] = [f"{tag}-{i}.cn"]
    return state


def test_two_reviewers_claim_next_never_share_an_order(make_user, reviewer, reviewer2):
    a = make_user("a1", "applicant")
    b = make_user("b1", "applicant")
    o1 = _submitted_change(a, "甲公司")
    o2 = _submitted_change(b, "乙公司")
    got = _run_together([lambda: services.order_claim_next(reviewer=reviewer),
                         lambda: services.order_claim_next(reviewer=reviewer2)])
    assert all(isinstance(g, Order) for g in got), got
    assert {got[0].pk, got[1].pk} == {o1.pk, o2.pk}
    assert Order.objects.get(pk=got[0].pk).claimed_by_id == reviewer.pk
    assert Order.objects.get(pk=got[1].pk).claimed_by_id == reviewer2.pk


def test_two_approvals_of_one_order_exactly_one_succeeds(make_user, reviewer, operator):
    a = make_user("a2", "applicant")
    order = _submitted_change(a, "丙公司")
    services.order_claim(reviewer=reviewer, order_id=order.pk)
    got = _run_together([lambda: services.order_approve(reviewer=reviewer, order_id=order.pk),
                         lambda: services.order_approve(reviewer=reviewer, order_id=order.pk)])
    ok = [g for g in got if isinstance(g, Order)]
    errors = [g for g in got if isinstance(g, BeianError)]
    assert len(ok) == 1 and len(errors) == 1, got
    assert errors[0].status == 409
    assert OrderHistory.objects.filter(order=order, event__startswith="approve").count() == 1


def test_one_thousand_concurrent_number_issues_are_distinct():
    from django.db import transaction

    from beian.bureau.numbers import _next_serial
    from beian.registry.models import Province

    province = Province.objects.get(code="330000")
    serials: list[int] = []
    lock = threading.Lock()

    def worker():
        mine = []
        for _ in range(125):
            with transaction.atomic():
                mine.append(_next_serial(province, 2026))
        with lock:
            serials.extend(mine)
        return len(mine)

    results = _run_together([worker] * 8)
    assert results == [125] * 8, results
    assert len(serials) == 1000 and len(set(serials)) == 1000
    assert sorted(serials) == list(range(1, 1001))


def test_concurrent_new_filing_approvals_get_distinct_numbers(make_user, reviewer, bureau_zj):
    from beian.bureau.services import bureau_approve, sms_stage_complete

    orders = []
    for i in range(12):
        user = make_user(f"nf{i}", "applicant")
        order = services.order_create(user=user, type="new_filing", proposed=_state_for(f"nf{i}"))
        services.order_submit(user=user, order_id=order.pk)
        for key in services.principals_to_verify(order):
            services.identity_verification_perform(user=user, order_id=order.pk, website_key=key)
        services.order_claim(reviewer=reviewer, order_id=order.pk)
        services.order_approve(reviewer=reviewer, order_id=order.pk)
        sms_stage_complete(order_id=order.pk)
        orders.append(order.pk)
    got = _run_together([lambda pk=pk: bureau_approve(reviewer=bureau_zj, order_id=pk) for pk in orders])
    assert all(isinstance(g, Order) for g in got), got
    from beian.registry.models import Entity, Website

    numbers = list(Entity.objects.values_list("number", flat=True))
    assert len(numbers) == 12 and len(set(numbers)) == 12
    assert Website.objects.values("number").distinct().count() == 24
