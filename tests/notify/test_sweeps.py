"""The sweep registry: one run per interval across workers, failures recorded without stopping the others."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from beian.core import sweeps
from beian.core.models import SweepRun


@pytest.fixture
def registry(monkeypatch):
    monkeypatch.setattr(sweeps, "REGISTRY", {})
    monkeypatch.setattr(sweeps, "_discovered", True)
    return sweeps.REGISTRY


@pytest.mark.db_specific
def test_an_exclusive_sweep_runs_once_per_interval(db, registry):
    calls = []

    @sweeps.sweep("test.tick", every=timedelta(minutes=5))
    def tick():
        calls.append(1)
        return 3

    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        assert sweeps.sweeps_run_due(worker_id="a") == 3
        assert sweeps.sweeps_run_due(worker_id="b") == 0  # a second worker in the same interval
        clock.shift(timedelta(minutes=4, seconds=59))
        assert sweeps.sweeps_run_due(worker_id="b") == 0
        clock.shift(timedelta(seconds=1))
        assert sweeps.sweeps_run_due(worker_id="b") == 3
    assert len(calls) == 2
    row = SweepRun.objects.get(name="test.tick")
    assert row.runs == 2 and row.claimed_by == "b" and row.last_result == "3"


@pytest.mark.db_specific
def test_claim_is_a_conditional_update(db):
    assert sweeps.sweep_claim(name="x", every=timedelta(hours=1), worker_id="a")
    assert not sweeps.sweep_claim(name="x", every=timedelta(hours=1), worker_id="b")
    assert SweepRun.objects.get(name="x").claimed_by == "a"


def test_a_failing_sweep_is_recorded_and_the_others_still_run(db, registry):
    @sweeps.sweep("test.boom", every=timedelta(minutes=1))
    def boom():
        raise ValueError("broken")

    @sweeps.sweep("test.ok", every=timedelta(minutes=1))
    def ok():
        return 1

    assert sweeps.sweeps_run_due() == 1
    row = SweepRun.objects.get(name="test.boom")
    assert row.failures == 1 and "ValueError" in row.last_error


def test_non_exclusive_sweeps_run_every_tick_without_bookkeeping(db, registry):
    calls = []
    sweeps.sweep("test.every", every=timedelta(0), exclusive=False)(lambda: calls.append(1) or 1)
    assert sweeps.sweeps_run_due() == 1 and sweeps.sweeps_run_due() == 1
    assert len(calls) == 2 and not SweepRun.objects.exists()


def test_notify_registers_the_outbox_delivery_and_prune_sweeps():
    registered = sweeps.sweeps_discover()
    assert not registered["notify.outbox_deliver"].exclusive
    assert registered["notify.prune"].exclusive


def test_the_delivery_sweep_delivers(applicant):
    from beian.notify.models import Outbox, OutboxStatus
    from beian.notify.services import notification_queue

    notification_queue(event="order_expired", recipients=[applicant])
    assert sweeps.sweeps_run_due(names=["notify.outbox_deliver"]) == 2
    assert set(Outbox.objects.values_list("status", flat=True)) == {OutboxStatus.SENT}
