"""The inbox and webhook API, for every role and anonymous: own data only, 404 for others', one error shape."""

from __future__ import annotations

import pytest

from beian.notify.models import InboxMessage, WebhookEndpoint
from beian.notify.services import notification_queue, outbox_deliver_batch

ROLES = ["applicant", "reviewer", "bureau_zj", "operator"]


def _deliver(user, n=1):
    for i in range(n):
        notification_queue(event="order_expired", recipients=[user], context={"seq": i})
    outbox_deliver_batch(limit=100)


@pytest.mark.parametrize("role", ROLES)
def test_inbox_lists_own_messages_with_unread_count_and_pages(role, request, api, other_applicant):
    user = request.getfixturevalue(role)
    _deliver(user, 3)
    _deliver(other_applicant, 2)
    res = api(user).get("/api/notify/inbox?page_size=2")
    assert res.status_code == 200
    body = res.json_body
    assert body["count"] == 3 and body["unread"] == 3 and len(body["items"]) == 2
    assert {m["id"] for m in body["items"]} <= set(InboxMessage.objects.filter(user=user).values_list("pk", flat=True))
    page2 = api(user).get("/api/notify/inbox?page=2&page_size=2").json_body
    assert len(page2["items"]) == 1
    first = body["items"][0]
    assert first["subject_zh"] and first["subject_en"] and first["read_at"] is None


@pytest.mark.parametrize("role", ROLES)
def test_mark_read_own_only(role, request, api, other_applicant):
    user = request.getfixturevalue(role)
    _deliver(user)
    _deliver(other_applicant)
    mine = InboxMessage.objects.get(user=user)
    theirs = InboxMessage.objects.get(user=other_applicant)
    res = api(user).post(f"/api/notify/inbox/{mine.pk}/read")
    assert res.status_code == 200 and res.json_body["read_at"]
    assert api(user).get("/api/notify/inbox").json_body["unread"] == 0
    res = api(user).post(f"/api/notify/inbox/{theirs.pk}/read")
    assert res.status_code == 404 and res.json_body["errors"][0]["code"] == "NOT_FOUND"
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert api(user).post("/api/notify/inbox/999999/read").status_code == 404


def test_unread_filter_and_read_all(applicant, api):
    _deliver(applicant, 3)
    client = api(applicant)
    first = client.get("/api/notify/inbox").json_body["items"][0]
    client.post(f"/api/notify/inbox/{first['id']}/read")
    assert client.get("/api/notify/inbox?unread=true").json_body["count"] == 2
    assert client.post("/api/notify/inbox/read-all").json_body == {"updated": 2}
    assert client.get("/api/notify/inbox").json_body["unread"] == 0


@pytest.mark.parametrize("path,method", [("/api/notify/inbox", "get"), ("/api/notify/inbox/1/read", "post"),
                                         ("/api/notify/inbox/read-all", "post"), ("/api/notify/webhooks", "get"),
                                         ("/api/notify/webhooks", "post"), ("/api/notify/webhooks/1", "get"),
                                         ("/api/notify/webhooks/1", "patch"), ("/api/notify/webhooks/1", "delete")])
def test_anonymous_is_refused(path, method, api, db):
    res = getattr(api(), method)(path)
    assert res.status_code == 401 and res.json_body["errors"][0]["code"] == "UNAUTHENTICATED"


def test_bad_page_is_a_422_in_the_error_shape(applicant, api):
    res = api(applicant).get("/api/notify/inbox?page=0")
    assert res.status_code == 422 and res.json_body["errors"][0]["field"] == "page"


@pytest.mark.parametrize("role", ROLES)
def test_webhook_crud_for_the_signed_in_user(role, request, api, other_applicant):
    user = request.getfixturevalue(role)
    client = api(user)
    res = client.post("/api/notify/webhooks", {"url": "https://hooks.example.com/beian",
                                              "events": ["order_approved", "order_returned"]})
    assert res.status_code == 201
    created = res.json_body
    assert created["secret"].startswith("whsec_") and created["events"] == ["order_approved", "order_returned"]
    ep = WebhookEndpoint.objects.get(pk=created["id"])
    assert ep.owner == user and ep.secret == created["secret"]
    listed = client.get("/api/notify/webhooks").json_body
    assert [h["id"] for h in listed] == [ep.pk] and "secret" not in listed[0]
    res = client.patch(f"/api/notify/webhooks/{ep.pk}", {"active": False, "rotate_secret": True})
    assert res.status_code == 200 and res.json_body["active"] is False
    ep.refresh_from_db()
    assert res.json_body["secret"] == ep.secret != created["secret"]
    assert client.patch(f"/api/notify/webhooks/{ep.pk}", {"description": "x"}).json_body["secret"] is None
    # another user cannot see, change or delete it
    other = api(other_applicant)
    assert other.get(f"/api/notify/webhooks/{ep.pk}").status_code == 404
    assert other.patch(f"/api/notify/webhooks/{ep.pk}", {"active": True}).status_code == 404
    assert other.delete(f"/api/notify/webhooks/{ep.pk}").status_code == 404
    assert other.get("/api/notify/webhooks").json_body == []
    assert client.get(f"/api/notify/webhooks/{ep.pk}").status_code == 200
    assert client.delete(f"/api/notify/webhooks/{ep.pk}").status_code == 204
    assert not WebhookEndpoint.objects.filter(pk=ep.pk).exists()


@pytest.mark.parametrize("payload,code,field", [
    ({"url": "ftp://example.com/x"}, "WEBHOOK_URL_INVALID", "url"),
    ({"url": "not a url"}, "WEBHOOK_URL_INVALID", "url"),
    ({"url": "https://example.com/x", "events": ["no_such_event"]}, "WEBHOOK_EVENT_UNKNOWN", "events"),
    ({"url": "https://example.com/x", "events": []}, "WEBHOOK_EVENTS_REQUIRED", "events"),
])
def test_webhook_validation(payload, code, field, applicant, api):
    res = api(applicant).post("/api/notify/webhooks", payload)
    assert res.status_code == 400
    err = res.json_body["errors"][0]
    assert err["code"] == code and err["field"] == field and err["message_zh"] and err["message_en"]
    assert not WebhookEndpoint.objects.exists()


def test_webhook_limit(applicant, api):
    client = api(applicant)
    for i in range(10):
        assert client.post("/api/notify/webhooks", {"url": f"https://example.com/{i}"}).status_code == 201
    res = client.post("/api/notify/webhooks", {"url": "https://example.com/11"})
    assert res.status_code == 400 and res.json_body["errors"][0]["code"] == "WEBHOOK_LIMIT"


@pytest.mark.parametrize("model", ["outbox", "deliverylog", "inboxmessage", "webhookendpoint", "smsmessage"])
def test_admin_pages_render(model, operator, applicant, receiver):
    from django.test import Client

    WebhookEndpoint.objects.create(owner=applicant, url=receiver.url, events=["*"])
    _deliver(applicant)
    from beian.notify.services import sms_queue

    sms_queue(event="sms_code", phone="13800000000", context={"code": "1"})
    outbox_deliver_batch(limit=100)
    client = Client()
    client.force_login(operator, backend="django.contrib.auth.backends.ModelBackend")
    assert client.get(f"/admin/notify/{model}/").status_code == 200
    from django.apps import apps

    obj = apps.get_model("notify", model).objects.first()
    assert client.get(f"/admin/notify/{model}/{obj.pk}/change/").status_code == 200
    assert client.get("/admin/core/sweeprun/").status_code == 200
