"""The SMS endpoints' access rules and rate limits."""

from __future__ import annotations

import pytest
from django.utils import timezone

from beian.bureau.models import SmsSession

from .conftest import ENTITY_PHONE, ENTITY_SUFFIX, WEB_PHONE, WEB_SUFFIX, code_for


def test_status_for_the_owner_shows_pending_and_verified(flow, two_phone_order):
    oid = two_phone_order["id"]
    r = flow.me.get(f"/api/bureau/orders/{oid}/sms")
    assert r.status_code == 200, r.json_body
    body = r.json_body
    assert body["status"] == "open" and body["pending"] == 2 and body["attempts_left"] == 5
    assert body["window_ends_at"] is not None
    assert [(p["role"], p["phone"], p["verified"]) for p in body["principals"]] == [
        ("entity", "139****2345", False), ("website", "138****4321", False)]
    flow.verify(ENTITY_PHONE, ENTITY_SUFFIX, code_for(ENTITY_PHONE))
    flow.verify(WEB_PHONE, WEB_SUFFIX, "000000")
    body = flow.me.get(f"/api/bureau/orders/{oid}/sms").json_body
    assert body["pending"] == 1 and body["wrong_attempts"] == 1 and body["attempts_left"] == 4
    assert [p["verified"] for p in body["principals"]] == [True, False]
    assert ENTITY_PHONE not in str(body) and ENTITY_SUFFIX not in str(body)


@pytest.mark.parametrize(("who", "status"), [("applicant", 200), ("other_applicant", 404), ("reviewer", 200),
                                             ("operator", 200), ("bureau_zj", 404), ("bureau_bj", 404),
                                             (None, 401)])
def test_status_is_scoped_like_the_order(request, api, entity_order, who, status):
    user = request.getfixturevalue(who) if who else None
    r = api(user).get(f"/api/bureau/orders/{entity_order['id']}/sms")
    assert r.status_code == status, r.json_body
    if status != 200:
        assert set(r.json_body["errors"][0]) == {"code", "field", "message_zh", "message_en"}


def test_status_of_an_order_without_sms_stage(api, applicant, flow):
    order = flow.change(lambda p: p["entity"].update(name="杭州云栖智能科技有限公司"))
    r = api(applicant).get(f"/api/bureau/orders/{order['id']}/sms")
    assert r.status_code == 200 and r.json_body["status"] is None and r.json_body["principals"] == []


@pytest.mark.parametrize("role", ["applicant", "other_applicant", "reviewer", "bureau_bj", "operator"])
def test_every_role_may_use_the_verification_page(request, api, flow, entity_order, role):
    client = api(request.getfixturevalue(role))
    r = flow.verify(ENTITY_PHONE, ENTITY_SUFFIX, code_for(ENTITY_PHONE), client=client)
    assert r.status_code == 200, r.json_body


def test_rate_limit_per_phone(flow, entity_order, settings):
    settings.BEIAN_SMS_VERIFY_PER_PHONE = (3, 600)
    for _ in range(3):
        assert flow.verify("13900000000", ENTITY_SUFFIX, "000000").status_code == 400
    r = flow.verify("139 0000 0000", ENTITY_SUFFIX, "000000")  # same phone, other spelling
    assert r.status_code == 429
    assert r.json_body["errors"][0]["code"] == "RATE_LIMITED"
    assert set(r.json_body["errors"][0]) == {"code", "field", "message_zh", "message_en"}
    assert 1 <= int(r["Retry-After"]) <= 601
    # Another phone from the same address is not limited by that phone's counter; the right answer works.
    r = flow.verify(ENTITY_PHONE, ENTITY_SUFFIX, code_for(ENTITY_PHONE))
    assert r.status_code == 200


def test_rate_limited_entries_do_not_count_as_wrong(flow, entity_order, settings):
    settings.BEIAN_SMS_VERIFY_PER_PHONE = (2, 600)
    for _ in range(6):
        flow.verify(ENTITY_PHONE, ENTITY_SUFFIX, "000000")
    session = SmsSession.objects.get(order_id=entity_order["id"])
    assert session.wrong_attempts == 2 and session.order.state == "sms_verification"


def test_rate_limit_per_client_address(flow, entity_order, settings):
    settings.BEIAN_SMS_VERIFY_PER_ADDRESS = (4, 600)
    for i in range(4):
        assert flow.verify(f"1390000000{i}", "123456", "000000").status_code == 400
    r = flow.verify("13900000009", "123456", "000000")
    assert r.status_code == 429 and r.has_header("Retry-After")
    # Another client address is not affected.
    from django.test import Client

    other = Client(REMOTE_ADDR="10.0.0.9")
    r = other.post("/api/bureau/sms/verify", {"phone": "13900000009", "certificate_suffix": "123456",
                                              "code": "000000"}, content_type="application/json")
    assert r.status_code == 400


def test_the_window_ends_and_the_limit_resets(flow, entity_order, settings, time_machine):
    settings.BEIAN_SMS_VERIFY_PER_PHONE = (1, 60)
    time_machine.move_to(timezone.now(), tick=False)
    assert flow.verify("13900000000", "123456", "000000").status_code == 400
    r = flow.verify("13900000000", "123456", "000000")
    assert r.status_code == 429
    time_machine.shift(int(r["Retry-After"]))
    assert flow.verify("13900000000", "123456", "000000").status_code == 400


def test_resend_is_rate_limited(flow, entity_order, settings):
    settings.BEIAN_SMS_RESEND_PER_PHONE = (2, 600)
    assert flow.resend(ENTITY_PHONE, ENTITY_SUFFIX).status_code == 200
    assert flow.resend(ENTITY_PHONE, ENTITY_SUFFIX).status_code == 200
    r = flow.resend(ENTITY_PHONE, ENTITY_SUFFIX)
    assert r.status_code == 429 and r.json_body["errors"][0]["code"] == "RATE_LIMITED" and r["Retry-After"]


def test_status_after_the_stage(flow, entity_order):
    oid = entity_order["id"]
    flow.verify(ENTITY_PHONE, ENTITY_SUFFIX, code_for(ENTITY_PHONE))
    body = flow.me.get(f"/api/bureau/orders/{oid}/sms").json_body
    assert body["status"] == "passed" and body["order_state"] == "bureau_review" and body["pending"] == 0


def test_a_stage_ended_elsewhere_is_not_shown_open(flow, entity_order):
    from beian.bureau.services import sms_stage_complete

    sms_stage_complete(order_id=entity_order["id"])
    body = flow.me.get(f"/api/bureau/orders/{entity_order['id']}/sms").json_body
    assert body["status"] == "closed" and body["order_state"] == "bureau_review"
