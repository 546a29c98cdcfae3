"""The SMS stage end to end through the public API: verify, partial, wrong entries, timeout, resend."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from beian.bureau.models import SmsChallenge, SmsSession
from beian.bureau.sms import code_hmac, sms_timeouts_fail
from beian.orders.models import Order, OrderHistory

from .conftest import ENTITY_PHONE, ENTITY_SUFFIX, WEB_PHONE, WEB_SUFFIX, code_for, codes_for, rename_both_sites


def _state(order_id: int) -> str:
    return Order.objects.get(pk=order_id).state


def _events(order_id: int) -> list[str]:
    return list(OrderHistory.objects.filter(order_id=order_id).values_list("event", flat=True))


def _wrong(code: str) -> str:
    return f"{(int(code) + 1) % 10**6:06d}"


def test_the_only_verifier_verifies_and_the_order_goes_to_the_bureau(flow, entity_order):
    oid = entity_order["id"]
    assert codes_for(WEB_PHONE) == []  # change_entity: the website principal is not asked
    r = flow.verify(ENTITY_PHONE, ENTITY_SUFFIX, code_for(ENTITY_PHONE))
    assert r.status_code == 200, r.json_body
    assert r.json_body["verified"] is True and r.json_body["pending_others"] is False
    assert _state(oid) == "bureau_review"
    assert _events(oid)[-2:] == ["approve_to_sms", "sms_verified"]
    assert SmsSession.objects.get(order_id=oid).status == "passed"


def test_phone_formats_and_a_lower_case_suffix_are_accepted(flow, entity_order):
    r = flow.verify(f"+86 {ENTITY_PHONE[:3]}-{ENTITY_PHONE[3:]}", ENTITY_SUFFIX.lower(), code_for(ENTITY_PHONE))
    assert r.status_code == 200, r.json_body
    assert _state(entity_order["id"]) == "bureau_review"


def test_partial_progress_waits_for_the_other_principal(flow, two_phone_order):
    oid = two_phone_order["id"]
    r = flow.verify(ENTITY_PHONE, ENTITY_SUFFIX, code_for(ENTITY_PHONE))
    assert r.status_code == 200
    assert r.json_body == {"verified": True, "pending_others": True,
                           "message_zh": "您的短信核验完成，请等待其他核验人进行短信核验。",
                           "message_en": "Your SMS verification is complete; the other principals still need to "
                                         "verify."}
    assert _state(oid) == "sms_verification"
    # Entering the same right answer again changes nothing and is not a wrong entry.
    assert flow.verify(ENTITY_PHONE, ENTITY_SUFFIX, code_for(ENTITY_PHONE)).json_body["pending_others"] is True
    assert SmsSession.objects.get(order_id=oid).wrong_attempts == 0
    r = flow.verify(WEB_PHONE, WEB_SUFFIX, code_for(WEB_PHONE))
    assert r.json_body["pending_others"] is False
    assert _state(oid) == "bureau_review"


def test_five_wrong_entries_are_tolerated(flow, entity_order):
    oid = entity_order["id"]
    code = code_for(ENTITY_PHONE)
    wrong = [(ENTITY_PHONE, ENTITY_SUFFIX, _wrong(code)), (ENTITY_PHONE, "000000", code),
             (ENTITY_PHONE, ENTITY_SUFFIX, "12345"), (ENTITY_PHONE, ENTITY_SUFFIX, _wrong(_wrong(code))),
             (ENTITY_PHONE, "ABCDEF", _wrong(code))]
    for entry in wrong:
        r = flow.verify(*entry)
        assert r.status_code == 400 and r.json_body["errors"][0]["code"] == "SMS_VERIFICATION_FAILED"
    assert SmsSession.objects.get(order_id=oid).wrong_attempts == 5
    assert _state(oid) == "sms_verification"
    assert flow.verify(ENTITY_PHONE, ENTITY_SUFFIX, code).status_code == 200
    assert _state(oid) == "bureau_review"


def test_the_sixth_wrong_entry_returns_the_order_to_the_provider(flow, entity_order):
    oid = entity_order["id"]
    code = code_for(ENTITY_PHONE)
    for _ in range(6):
        assert flow.verify(ENTITY_PHONE, ENTITY_SUFFIX, _wrong(code)).status_code == 400
    order = Order.objects.get(pk=oid)
    assert order.state == "provider_review" and order.sms_failed is True
    history = OrderHistory.objects.filter(order_id=oid).last()
    assert history.event == "sms_failed" and history.reason == "wrong_entries"
    assert SmsSession.objects.get(order_id=oid).status == "failed"
    # The stage is over: the right code no longer works.
    r = flow.verify(ENTITY_PHONE, ENTITY_SUFFIX, code)
    assert r.status_code == 400 and r.json_body["errors"][0]["code"] == "SMS_VERIFICATION_FAILED"
    assert _state(oid) == "provider_review"


def test_a_wrong_phone_does_not_count_against_the_order(flow, entity_order):
    for _ in range(6):
        assert flow.verify("13900000000", ENTITY_SUFFIX, code_for(ENTITY_PHONE)).status_code == 400
    assert SmsSession.objects.get(order_id=entity_order["id"]).wrong_attempts == 0
    assert _state(entity_order["id"]) == "sms_verification"


def test_the_failure_answer_never_says_which_part_was_wrong(flow, entity_order):
    code = code_for(ENTITY_PHONE)
    answers = [flow.verify("13900000000", ENTITY_SUFFIX, code), flow.verify(ENTITY_PHONE, "999999", code),
               flow.verify(ENTITY_PHONE, ENTITY_SUFFIX, _wrong(code)), flow.verify("", "", "")]
    assert {r.status_code for r in answers} == {400}
    bodies = {r.content for r in answers}
    assert len(bodies) == 1
    error = answers[0].json_body["errors"][0]
    assert error == {"code": "SMS_VERIFICATION_FAILED", "field": None,
                     "message_zh": "核验失败，请检查输入的信息后重试。",
                     "message_en": "Verification failed; check what you entered and try again."}


def test_timeout_sweep_returns_the_order_to_the_provider(flow, entity_order):
    oid = entity_order["id"]
    order = Order.objects.get(pk=oid)
    window_end = order.due_at
    assert window_end - order.stage_started_at == dt.timedelta(hours=24)
    assert SmsSession.objects.get(order_id=oid).window_ends_at == window_end
    assert sms_timeouts_fail(now=window_end - dt.timedelta(seconds=1)) == 0
    assert _state(oid) == "sms_verification"
    assert sms_timeouts_fail(now=window_end) == 1
    order.refresh_from_db()
    assert order.state == "provider_review" and order.sms_failed is True
    assert OrderHistory.objects.filter(order_id=oid).last().reason == "timeout"
    assert order.due_at > window_end  # a new provider SLA
    assert sms_timeouts_fail(now=window_end + dt.timedelta(days=1)) == 0


def test_the_registered_sweep_runs_the_timeouts(flow, entity_order):
    from beian.core.sweeps import sweep_run, sweeps_discover

    Order.objects.filter(pk=entity_order["id"]).update(due_at=timezone.now() - dt.timedelta(minutes=1))
    item = sweeps_discover()["bureau.sms_timeouts"]
    assert item.every <= dt.timedelta(seconds=30)
    assert sweep_run(item, force=True) == 1
    assert _state(entity_order["id"]) == "provider_review"


def test_a_right_answer_after_the_window_fails_and_ends_the_stage(flow, entity_order, time_machine):
    oid = entity_order["id"]
    code = code_for(ENTITY_PHONE)
    time_machine.move_to(Order.objects.get(pk=oid).due_at + dt.timedelta(seconds=1))
    r = flow.verify(ENTITY_PHONE, ENTITY_SUFFIX, code)
    assert r.status_code == 400 and r.json_body["errors"][0]["code"] == "SMS_VERIFICATION_FAILED"
    assert _state(oid) == "provider_review"
    assert OrderHistory.objects.filter(order_id=oid).last().reason == "timeout"


def test_resend_kills_the_old_code_and_keeps_the_window(flow, entity_order, time_machine):
    oid = entity_order["id"]
    old = code_for(ENTITY_PHONE)
    window_end = Order.objects.get(pk=oid).due_at
    time_machine.move_to(timezone.now() + dt.timedelta(hours=3))
    r = flow.resend(ENTITY_PHONE, ENTITY_SUFFIX)
    assert r.status_code == 200 and r.json_body["sent"] is True
    codes = codes_for(ENTITY_PHONE)
    assert len(codes) == 2
    new = codes[0]
    if new == old:  # one in a million: resend again
        flow.resend(ENTITY_PHONE, ENTITY_SUFFIX)
        new = codes_for(ENTITY_PHONE)[0]
    assert Order.objects.get(pk=oid).due_at == window_end
    assert SmsSession.objects.get(order_id=oid).window_ends_at == window_end
    assert SmsChallenge.objects.get(order_id=oid).resend_count >= 1
    assert flow.verify(ENTITY_PHONE, ENTITY_SUFFIX, old).status_code == 400
    assert flow.verify(ENTITY_PHONE, ENTITY_SUFFIX, new).status_code == 200
    assert _state(oid) == "bureau_review"


def test_resend_with_nothing_pending_gives_one_generic_answer(flow, entity_order):
    answers = [flow.resend(ENTITY_PHONE, "999999"), flow.resend("13900000000", ENTITY_SUFFIX),
               flow.resend(WEB_PHONE, WEB_SUFFIX)]
    assert {r.status_code for r in answers} == {404}
    assert len({r.content for r in answers}) == 1
    assert answers[0].json_body["errors"][0]["code"] == "SMS_NOTHING_PENDING"
    assert "暂无待短信核验的备案申请" in answers[0].json_body["errors"][0]["message_zh"]
    assert len(codes_for(ENTITY_PHONE)) == 1  # nothing was sent


def test_two_websites_with_one_principal_phone_share_one_code(flow):
    order = flow.change(rename_both_sites)
    assert order["type"] == "change_website"
    oid = flow.to_sms(order["id"])["id"]
    challenges = list(SmsChallenge.objects.filter(order_id=oid))
    assert len(challenges) == 1 and challenges[0].phone == WEB_PHONE
    assert {p["website_key"] for p in challenges[0].principals} == {w["key"] for w in order["proposed"]["websites"]}
    codes = codes_for(WEB_PHONE)
    assert len(codes) == 1
    r = flow.verify(WEB_PHONE, WEB_SUFFIX, codes[0])
    assert r.json_body == {**r.json_body, "verified": True, "pending_others": False}
    assert _state(oid) == "bureau_review"


def test_new_filing_with_one_person_for_entity_and_website_sends_one_code(api, make_user, reviewer):
    from beian.registry.demo import BJ_PERSON_ID, beijing_individual_state

    person = make_user("xiaoming", "applicant")
    me, rv = api(person), api(reviewer)
    r = me.post("/api/orders/", {"type": "new_filing", "proposed": beijing_individual_state()})
    assert r.status_code == 201, r.json_body
    oid = r.json_body["id"]
    for site in r.json_body["proposed"]["websites"]:
        assert me.post(f"/api/orders/{oid}/identity-verifications", {"website_key": site["key"]}).status_code == 201
    assert me.post(f"/api/orders/{oid}/submit").status_code == 200
    assert rv.post(f"/api/orders/{oid}/claim").status_code == 200
    r = rv.post(f"/api/orders/{oid}/approve", {"note": ""})
    assert r.status_code == 200 and r.json_body["state"] == "sms_verification", r.json_body
    challenge = SmsChallenge.objects.get(order_id=oid)
    assert sorted(p["role"] for p in challenge.principals) == ["entity", "website"]
    codes = codes_for("13811112222")
    assert len(codes) == 1
    assert codes_for("13900001111") == []  # never the emergency phone
    r = api().post("/api/bureau/sms/verify", {"phone": "13811112222", "certificate_suffix": BJ_PERSON_ID[-6:],
                                              "code": codes[0]})
    assert r.status_code == 200 and r.json_body["pending_others"] is False
    assert _state(oid) == "bureau_review"


def test_codes_are_stored_as_hmac_and_never_logged(flow, entity_order, caplog):
    import logging

    caplog.set_level(logging.DEBUG)
    oid = entity_order["id"]
    code = code_for(ENTITY_PHONE)
    challenge = SmsChallenge.objects.get(order_id=oid)
    assert challenge.code_hmac == code_hmac(order_id=oid, phone=ENTITY_PHONE, code=code)
    assert code not in challenge.code_hmac
    assert all(ENTITY_SUFFIX not in str(p) for p in challenge.principals)
    flow.verify(ENTITY_PHONE, ENTITY_SUFFIX, _wrong(code))
    flow.verify(ENTITY_PHONE, ENTITY_SUFFIX, code)
    assert _state(oid) == "bureau_review"
    assert code not in caplog.text and ENTITY_SUFFIX not in caplog.text and ENTITY_PHONE not in caplog.text


def test_a_new_sms_stage_after_failure_starts_a_fresh_counter(flow, entity_order):
    oid = entity_order["id"]
    code = code_for(ENTITY_PHONE)
    for _ in range(6):
        flow.verify(ENTITY_PHONE, ENTITY_SUFFIX, _wrong(code))
    assert _state(oid) == "provider_review"
    assert flow.rv.post(f"/api/orders/{oid}/claim").status_code == 200
    assert flow.rv.post(f"/api/orders/{oid}/approve", {"note": "重新核验"}).json_body["state"] == "sms_verification"
    sessions = list(SmsSession.objects.filter(order_id=oid).order_by("id"))
    assert [s.status for s in sessions] == ["failed", "open"] and sessions[1].wrong_attempts == 0
    new = code_for(ENTITY_PHONE)
    if new != code:
        assert flow.verify(ENTITY_PHONE, ENTITY_SUFFIX, code).status_code == 400  # the old stage's code is dead
    assert flow.verify(ENTITY_PHONE, ENTITY_SUFFIX, new).status_code == 200
    assert _state(oid) == "bureau_review"


@pytest.mark.parametrize("field", ["phone", "certificate_suffix", "code"])
def test_missing_fields_are_a_422_in_the_error_shape(flow, field):
    body = {"phone": ENTITY_PHONE, "certificate_suffix": ENTITY_SUFFIX, "code": "123456"}
    del body[field]
    r = flow.anon.post("/api/bureau/sms/verify", body)
    assert r.status_code == 422
    assert r.json_body["errors"][0]["field"] == field
