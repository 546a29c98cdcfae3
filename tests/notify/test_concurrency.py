"""Two workers delivering at once on PostgreSQL (SKIP LOCKED): every row attempted exactly once."""

from __future__ import annotations

import threading

import pytest
from django.db import close_old_connections, connection

from beian.accounts.models import User
from beian.notify.models import DeliveryLog, Outbox, OutboxStatus
from beian.notify.services import notification_queue, outbox_deliver_batch

pytestmark = [pytest.mark.postgres_only, pytest.mark.db_specific,
              pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("SKIP LOCKED races need PostgreSQL")


def test_two_workers_never_deliver_the_same_row():
    users = User.objects.bulk_create([User(username=f"c{i}", email=f"c{i}@example.com") for i in range(60)])
    notification_queue(event="order_expired", recipients=users)
    barrier = threading.Barrier(2)
    counts = [0, 0]

    def work(i):
        try:
            barrier.wait()
            while n := outbox_deliver_batch(limit=7, worker_id=f"w{i}"):
                counts[i] += n
        finally:
            close_old_connections()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sum(counts) == 120 and all(counts)
    assert Outbox.objects.filter(status=OutboxStatus.SENT, attempts=1).count() == 120
    assert DeliveryLog.objects.count() == 120
    assert set(DeliveryLog.objects.values_list("worker", flat=True)) == {"w0", "w1"}
