"""Delivery: at least once, retried with backoff, leases recover crashed claims, the inbox never duplicates."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from beian.notify import services
from beian.notify.channels import webhook_verify
from beian.notify.models import Channel, DeliveryLog, InboxMessage, Outbox, OutboxStatus, SmsMessage, WebhookEndpoint
from beian.notify.services import MAX_ATTEMPTS, notification_queue, outbox_deliver_batch, sms_queue
from beian.orders.models import Order

FAILING = "tests.notify.conftest.FailingEmailBackend"


@pytest.fixture
def order(applicant):
    return Order.objects.create(type="change_entity", applicant=applicant)


def test_email_carries_the_idempotency_key_as_message_id(applicant, order):
    rows = notification_queue(event="order_forwarded", recipients=[applicant], order=order,
                              context={"due_date": "2026-11-03"})
    assert outbox_deliver_batch(limit=10) == 2
    assert len(mail.outbox) == 1
    msg = mail.outbox[0]
    key = next(r.idempotency_key for r in rows if r.channel == Channel.EMAIL)
    assert msg.extra_headers["Message-ID"] == f"<{key}@beian>"
    assert msg.message()["Message-ID"] == f"<{key}@beian>"
    assert msg.to == ["applicant@example.com"] and "2026-11-03" in msg.body
    assert set(Outbox.objects.values_list("status", flat=True)) == {OutboxStatus.SENT}
    assert DeliveryLog.objects.filter(ok=True).count() == 2


def test_inbox_never_shows_a_message_twice(applicant, order):
    notification_queue(event="order_submitted", recipients=[applicant], order=order)
    outbox_deliver_batch(limit=10)
    # A worker crashed after delivering but before recording: the rows come round again.
    Outbox.objects.update(status=OutboxStatus.PENDING, next_attempt_at=timezone.now())
    assert outbox_deliver_batch(limit=10) == 2
    assert InboxMessage.objects.filter(user=applicant).count() == 1
    assert len(mail.outbox) == 2 and mail.outbox[0].extra_headers == mail.outbox[1].extra_headers


def test_failures_are_retried_with_backoff_then_given_up(applicant, order, settings):
    settings.EMAIL_BACKEND = FAILING
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        notification_queue(event="order_rejected", recipients=[applicant], order=order)
        outbox_deliver_batch(limit=10)
        row = Outbox.objects.get(channel=Channel.EMAIL)
        assert row.status == OutboxStatus.FAILED and row.attempts == 1
        assert row.next_attempt_at == start + timedelta(minutes=1)
        assert "ConnectionRefusedError" in row.last_error
        assert outbox_deliver_batch(limit=10) == 0  # not due yet
        expected = [timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2),
                    timedelta(hours=6)]
        failed_at = start
        for attempt, delay in enumerate(expected, start=1):
            row.refresh_from_db()
            assert row.attempts == attempt and row.next_attempt_at - failed_at == delay
            clock.move_to(row.next_attempt_at - timedelta(seconds=1))
            assert outbox_deliver_batch(limit=10) == 0
            clock.move_to(row.next_attempt_at)
            failed_at = timezone.now()
            assert outbox_deliver_batch(limit=10) == 1
        row.refresh_from_db()
        assert row.status == OutboxStatus.DEAD and row.attempts == MAX_ATTEMPTS
        assert DeliveryLog.objects.filter(outbox=row, ok=False).count() == MAX_ATTEMPTS
        clock.shift(timedelta(days=2))
        assert outbox_deliver_batch(limit=10) == 0
        assert services.outbox_retry(outbox_ids=[row.pk]) == 1
        settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
        assert outbox_deliver_batch(limit=10) == 1
        row.refresh_from_db()
        assert row.status == OutboxStatus.SENT and len(mail.outbox) == 1


def test_a_crashed_claim_is_retried_after_its_lease(applicant, order, settings):
    settings.BEIAN_OUTBOX_LEASE_SECONDS = 120
    notification_queue(event="order_submitted", recipients=[applicant], order=order)
    claimed = services._claim(limit=10, worker_id="dead-worker")  # then the worker is killed
    assert len(claimed) == 2
    assert outbox_deliver_batch(limit=10) == 0
    with time_machine.travel(timezone.now() + timedelta(seconds=121), tick=False):
        assert outbox_deliver_batch(limit=10, worker_id="w2") == 2
    assert set(Outbox.objects.values_list("status", "attempts")) == {(OutboxStatus.SENT, 2)}


def test_graceful_stop_gives_the_rest_of_the_batch_back(applicant, make_user, order):
    users = [applicant] + [make_user(f"u{i}", "applicant") for i in range(3)]
    notification_queue(event="order_submitted", recipients=users, order=order)
    calls = iter([False, False, True])
    assert outbox_deliver_batch(limit=100, stop=lambda: next(calls, True)) == 2
    assert Outbox.objects.filter(status=OutboxStatus.SENT).count() == 2
    rest = Outbox.objects.exclude(status=OutboxStatus.SENT)
    assert rest.count() == 6 and {r.status for r in rest} == {OutboxStatus.PENDING}
    assert {r.attempts for r in rest} == {0} and all(r.next_attempt_at <= timezone.now() for r in rest)


def test_sms_is_recorded_and_the_code_removed_from_the_outbox(order):
    row = sms_queue(event="sms_code", phone="13900139000", order=order, context={"code": "246810",
                                                                                   "expires_at": "明天 10:00"})
    outbox_deliver_batch(limit=10)
    sms = SmsMessage.objects.get(phone="13900139000")
    assert "246810" in sms.text and sms.outbox_key == row.idempotency_key
    row.refresh_from_db()
    assert row.status == OutboxStatus.SENT and "246810" not in json.dumps(row.payload, ensure_ascii=False)


class ExplodingSms:
    def send(self, *, phone, text, key):
        raise TimeoutError(f"gateway timeout for {phone}")


def test_sms_backend_is_pluggable_and_errors_hide_the_phone(order, settings):
    settings.BEIAN_SMS_BACKEND = "tests.notify.test_delivery.ExplodingSms"
    row = sms_queue(event="sms_code", phone="13900139001", order=order, context={"code": "1"})
    outbox_deliver_batch(limit=10)
    row.refresh_from_db()
    assert row.status == OutboxStatus.FAILED and "TimeoutError" in row.last_error
    assert "13900139001" not in row.last_error and not SmsMessage.objects.exists()
    assert "13900139001" not in DeliveryLog.objects.get(outbox=row).error


def test_webhook_is_signed_and_verifiable(applicant, order, receiver):
    ep = WebhookEndpoint.objects.create(owner=applicant, url=receiver.url, events=["order_approved"])
    rows = notification_queue(event="order_approved", recipients=[applicant], order=order,
                              context={"entity_number": "京ICP备2026000002号"})
    hook = next(r for r in rows if r.channel == Channel.WEBHOOK)
    outbox_deliver_batch(limit=10)
    assert len(receiver.requests) == 1
    req = receiver.requests[0]
    headers = {k.lower(): v for k, v in req["headers"].items()}
    assert webhook_verify(ep.secret, req["body"], headers["x-beian-signature"])
    assert not webhook_verify("whsec_wrong", req["body"], headers["x-beian-signature"])
    assert headers["x-beian-delivery"] == hook.idempotency_key and headers["x-beian-event"] == "order_approved"
    body = json.loads(req["body"])
    assert body["id"] == hook.idempotency_key and body["order"]["id"] == order.pk
    # Subject and body are rendered at delivery, in front of the event's data.
    assert list(body)[-5:] == ["subject_zh", "subject_en", "body_zh", "body_en", "data"]
    assert "京ICP备2026000002号" in body["body_zh"] and body["data"]["entity_number"] == "京ICP备2026000002号"
    hook.refresh_from_db()
    assert hook.status == OutboxStatus.SENT and DeliveryLog.objects.get(outbox=hook).response_code == "200"


def test_webhook_errors_retry_and_gone_endpoints_die(applicant, order, receiver):
    ep = WebhookEndpoint.objects.create(owner=applicant, url=receiver.url, events=["*"])
    receiver.status = 503
    rows = notification_queue(event="order_overdue", recipients=[applicant], order=order)
    hook = next(r for r in rows if r.channel == Channel.WEBHOOK)
    outbox_deliver_batch(limit=10)
    hook.refresh_from_db()
    assert hook.status == OutboxStatus.FAILED and "503" in hook.last_error
    ep.active = False
    ep.save()
    with time_machine.travel(timezone.now() + timedelta(minutes=2), tick=False):
        outbox_deliver_batch(limit=10)
    hook.refresh_from_db()
    assert hook.status == OutboxStatus.DEAD and len(receiver.requests) == 1


def test_webhook_to_a_private_address_is_refused_when_not_allowed(applicant, order, receiver, settings):
    settings.BEIAN_WEBHOOK_ALLOW_PRIVATE = False
    WebhookEndpoint.objects.create(owner=applicant, url=receiver.url, events=["*"])
    rows = notification_queue(event="order_overdue", recipients=[applicant], order=order)
    outbox_deliver_batch(limit=10)
    hook = Outbox.objects.get(pk=next(r.pk for r in rows if r.channel == Channel.WEBHOOK))
    assert hook.status == OutboxStatus.DEAD and "not public" in hook.last_error and receiver.requests == []
