"""CI smoke run of the workflow benchmark (bench/workflow.py) with a tiny N — no timing asserted."""

from __future__ import annotations

import pytest

from bench.workflow import TRANSITIONS, order_state, percentile, run


@pytest.mark.db_specific
@pytest.mark.django_db
def test_workflow_benchmark_drives_every_order_to_approval():
    from beian.notify.models import Channel, Outbox, OutboxStatus
    from beian.orders.models import Order, OrderState
    from beian.registry.models import Entity

    result = run(n=4, tag="ci", count_queries=True)
    assert result.approved == result.orders == 4
    orders = list(Order.objects.filter(applicant__username__startswith="wfci-a"))
    assert len(orders) == 4 and {o.state for o in orders} == {OrderState.APPROVED}
    assert Entity.objects.filter(owner__username__startswith="wfci-a", number__contains="ICP备").count() == 4
    # Every transition ran and was measured: two enterprises answer two codes each, two individuals one.
    counts = {name: len(result.timings[name]) for name in TRANSITIONS}
    assert counts == {"submit": 4, "identity": 4, "claim": 4, "provider_approve": 4, "sms_verify": 6,
                      "bureau_approve": 4}
    assert all(q > 0 for name in TRANSITIONS for q in result.queries[name])
    # Notifications were queued, not delivered (the SMS codes were read from the queued rows).
    queued = Outbox.objects.filter(order__in=orders)
    assert queued.filter(channel=Channel.SMS, event="sms_code").count() == 6
    assert not queued.exclude(status=OutboxStatus.PENDING).exists()
    assert "complete orders/s" in result.report()


def test_generated_states_are_distinct_and_percentiles_are_nearest_rank():
    states = [order_state(i, "t") for i in range(200)]
    certs = [s["entity"]["certificate_number"] for s in states]
    phones = [s["websites"][0]["principal"]["mobile"] for s in states] + [
        s["entity"]["principal"]["mobile"] for s in states if s["entity"]["type"] == "企业"]
    assert len(set(certs)) == 200 and len(set(phones)) == len(phones)
    assert percentile([5, 1, 3, 2, 4], 95) == 5 and percentile([5, 1, 3, 2, 4], 50) == 3 and percentile([], 95) == 0
