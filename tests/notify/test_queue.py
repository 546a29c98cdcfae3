"""Queueing: outbox rows live and die with the caller's transaction, are idempotent, and render both languages."""

from __future__ import annotations

import pytest
from django.db import transaction

from beian.notify import templates
from beian.notify.channels import outbox_message
from beian.notify.models import Channel, Outbox
from beian.notify.services import notification_queue, sms_queue
from beian.notify.templates import MessageTemplate, template_register, template_render
from beian.orders.models import Order

EVENTS = ["order_submitted", "order_resubmitted", "order_returned", "order_supplement_requested", "order_supplied",
          "order_sms_started", "sms_code", "order_sms_failed", "order_forwarded", "order_approved",
          "order_bureau_returned", "order_rejected", "order_expired", "order_overdue", "change_date_reminder",
          "draft_expiry_reminder"]


@pytest.fixture
def order(applicant):
    return Order.objects.create(type="change_website", applicant=applicant)


def test_rows_commit_with_the_caller(applicant, order):
    with transaction.atomic():
        rows = notification_queue(event="order_submitted", recipients=[applicant], order=order)
    assert {r.channel for r in rows} == {Channel.INBOX, Channel.EMAIL}
    assert Outbox.objects.count() == 2
    email = next(r for r in rows if r.channel == Channel.EMAIL)
    assert email.address == "applicant@example.com" and email.order_id == order.pk


def test_rows_roll_back_with_the_caller(applicant, order):
    with pytest.raises(RuntimeError), transaction.atomic():
        notification_queue(event="order_submitted", recipients=[applicant], order=order)
        sms_queue(event="sms_code", phone="13800138000", context={"code": "123456"}, order=order)
        assert Outbox.objects.count() == 3
        raise RuntimeError("the transition failed")
    assert Outbox.objects.count() == 0


def test_queue_is_idempotent_per_seq(applicant, order):
    first = notification_queue(event="order_returned", recipients=[applicant], order=order, context={"seq": 7})
    again = notification_queue(event="order_returned", recipients=[applicant], order=order, context={"seq": 7})
    assert [r.pk for r in first] == [r.pk for r in again]
    notification_queue(event="order_returned", recipients=[applicant], order=order, context={"seq": 8})
    assert Outbox.objects.count() == 4
    keys = set(Outbox.objects.values_list("idempotency_key", flat=True))
    assert f"order_returned.o{order.pk}.u{applicant.pk}.email.7" in keys


def test_no_email_without_address(make_user):
    user = make_user("noemail", "applicant")
    user.email = ""
    user.save()
    rows = notification_queue(event="order_expired", recipients=[user])
    assert [r.channel for r in rows] == [Channel.INBOX]


def test_the_webhooks_active_flag_follows_the_endpoints(applicant, order):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from beian.accounts.models import User
    from beian.notify.services import webhook_create, webhook_delete, webhook_update

    def endpoint_reads() -> int:
        fresh = User.objects.get(pk=applicant.pk)
        with CaptureQueriesContext(connection) as ctx:
            notification_queue(event="order_approved", recipients=[fresh], order=order, context={"seq": len(seen)})
        seen.append(1)
        return sum("notify_webhookendpoint" in q["sql"] for q in ctx.captured_queries)

    seen: list = []
    assert endpoint_reads() == 0  # no endpoint: the event does not look for any
    hook = webhook_create(owner=applicant, url="https://hooks.example.com/a", events=["*"])
    assert User.objects.get(pk=applicant.pk).webhooks_active and endpoint_reads() == 1
    assert Outbox.objects.filter(channel=Channel.WEBHOOK, webhook=hook).exists()
    webhook_update(owner=applicant, webhook_id=hook.pk, active=False)
    assert not User.objects.get(pk=applicant.pk).webhooks_active and endpoint_reads() == 0
    webhook_update(owner=applicant, webhook_id=hook.pk, active=True)
    assert User.objects.get(pk=applicant.pk).webhooks_active
    webhook_delete(owner=applicant, webhook_id=hook.pk)
    assert not User.objects.get(pk=applicant.pk).webhooks_active


def test_webhook_rows_only_for_the_recipients_subscribed_active_endpoints(applicant, other_applicant, order):
    from beian.notify.models import WebhookEndpoint

    mine = WebhookEndpoint.objects.create(owner=applicant, url="https://hooks.example.com/a", events=["order_approved"])
    WebhookEndpoint.objects.create(owner=applicant, url="https://hooks.example.com/b", events=["order_returned"])
    WebhookEndpoint.objects.create(owner=applicant, url="https://hooks.example.com/c", events=["*"], active=False)
    WebhookEndpoint.objects.create(owner=other_applicant, url="https://hooks.example.com/d", events=["*"])
    rows = notification_queue(event="order_approved", recipients=[applicant], order=order,
                              context={"entity_number": "京ICP备2026000001号"})
    hooks = [r for r in rows if r.channel == Channel.WEBHOOK]
    assert [h.webhook_id for h in hooks] == [mine.pk]
    body = hooks[0].payload["webhook"]
    assert body["id"] == hooks[0].idempotency_key and body["event"] == "order_approved"
    assert body["order"]["id"] == order.pk and body["data"]["entity_number"] == "京ICP备2026000001号"


def test_rows_carry_the_context_and_render_on_delivery(applicant, order):
    """Queueing stores the render context (no template work in the event's transaction); the delivered text is
    rendered from it, and a row queued with the text already rendered (before this change) is delivered as is."""
    row = notification_queue(event="order_approved", recipients=[applicant], order=order,
                             context={"entity_number": "浙ICP备2026000123号"})[0]
    assert set(row.payload) == {"context"} and row.payload["context"]["entity_number"] == "浙ICP备2026000123号"
    assert "浙ICP备2026000123号" in outbox_message(row)["body_zh"]
    row.payload = {"subject_zh": "旧", "subject_en": "old", "body_zh": "旧正文", "body_en": "old body"}
    assert outbox_message(row) == row.payload


def test_every_event_has_chinese_and_english_wording():
    for event in EVENTS:
        tpl = templates.TEMPLATES[event]
        assert tpl.subject_zh and tpl.subject_en and tpl.body_zh and tpl.body_en, event


def test_returned_lists_reasons_in_both_languages(applicant, order):
    rows = notification_queue(event="order_returned", recipients=[applicant], order=order, context={
        "reasons": ["网站名称不符合要求", {"field": "websites[1].name", "message_zh": "含有敏感词",
                                    "message_en": "contains a forbidden word", "hint_zh": "删除该词"}]})
    p = outbox_message(rows[0])
    assert f"#{order.pk}" in p["subject_zh"] and "变更网站" in p["subject_zh"]
    assert "1. 网站名称不符合要求" in p["body_zh"] and "2. [websites[1].name] 含有敏感词 —— 删除该词" in p["body_zh"]
    assert "contains a forbidden word" in p["body_en"] and "website change" in p["subject_en"]


def test_approved_carries_numbers_and_the_footer_reminder(applicant, order):
    rows = notification_queue(event="order_approved", recipients=[applicant], order=order, context={
        "entity_number": "浙ICP备2026000123号",
        "website_numbers": [{"name": "示例", "domain": "example.cn", "number": "浙ICP备2026000123号-1"}]})
    p = outbox_message(rows[0])
    assert "浙ICP备2026000123号-1" in p["body_zh"] and "https://beian.miit.gov.cn" in p["body_zh"]
    assert "footer" in p["body_en"] and "https://beian.miit.gov.cn" in p["body_en"]


def test_sms_code_text_and_key_hide_the_phone(order):
    row = sms_queue(event="sms_code", phone="13800138000", order=order,
                    context={"code": "654321", "expires_at": "2026-10-01 12:00", "seq": 1})
    assert "654321" in row.payload["text"] and f"订单{order.pk}" in row.payload["text"]
    assert "13800138000" not in row.idempotency_key and row.address == "13800138000"
    assert sms_queue(event="sms_code", phone="13800138000", order=order, context={"code": "x", "seq": 1}).pk == row.pk


def test_unknown_event_falls_back_and_can_be_registered(applicant, order):
    rows = notification_queue(event="brand_new_event", recipients=[applicant], order=order)
    assert f"#{order.pk}" in outbox_message(rows[0])["subject_zh"] and outbox_message(rows[0])["body_en"]
    template_register("brand_new_event", MessageTemplate(subject_zh="新事件 {{ x }}", subject_en="New {{ x }}",
                                                         body_zh="正文", body_en="Body"))
    try:
        assert template_render("brand_new_event", {"x": 5})["subject_zh"] == "新事件 5"
    finally:
        templates.TEMPLATES.pop("brand_new_event")
