"""The applicant's expected completion date (issue 4 §2): the current stage's due date plus the remaining stages'
SLAs (provider → SMS 24 h → the province's bureau SLA), with the Monday–Friday fallback warning. Fixed dates
(time_machine) on the 2026 National Day calendar: 10/1–10/7 holidays, Saturday 10/10 a make-up workday."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from beian.bureau import services as bureau
from beian.orders import services
from beian.orders.clock import expected_completion
from beian.orders.models import Order
from beian.workdays.services import CST, calendar_year_replace

pytestmark = pytest.mark.django_db


def cst(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=CST)


def eod(y, m, d) -> dt.datetime:
    return cst(y, m, d, 23, 59, 59)


def _at(value: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value else None


def _change(me, edit) -> int:
    me = me()
    r = me.post("/api/orders/", {"type": "change"})
    assert r.status_code == 201, r.json_body
    proposed = r.json_body["proposed"]
    edit(proposed)
    r = me.put(f"/api/orders/{r.json_body['id']}", {"proposed": proposed})
    assert r.status_code == 200, r.json_body
    return r.json_body["id"]


def _rename_entity(proposed):
    proposed["entity"]["name"] = "杭州云栖智能科技有限公司"


def _detail(me, order_id) -> dict:
    r = me().get(f"/api/orders/{order_id}")
    assert r.status_code == 200, r.json_body
    return r.json_body


def test_expected_date_through_every_stage_of_a_zhejiang_change(api, applicant, reviewer, bureau_zj, zj_entity):
    def me():  # signs in at the travelled time (sessions expire after two weeks)
        return api(applicant)

    with time_machine.travel(cst(2026, 9, 30, 15, 0), tick=False):
        order_id = _change(me, _rename_entity)
        draft = _detail(me, order_id)
        assert draft["expected_completion_at"] is None and draft["expected_completion_warning"] is None
        assert me().post(f"/api/orders/{order_id}/submit").status_code == 200
        body = _detail(me, order_id)
    # provider due 10/9 → SMS window ends 10/10 23:59:59 → 浙江 bureau 30 working days after Saturday 10/10.
    assert _at(body["due_at"]) == eod(2026, 10, 9)
    assert _at(body["expected_completion_at"]) == eod(2026, 11, 20)
    assert body["expected_completion_warning"] is None

    with time_machine.travel(cst(2026, 10, 8, 10, 0), tick=False):
        services.order_claim(reviewer=reviewer, order_id=order_id)
        services.order_approve(reviewer=reviewer, order_id=order_id)
        body = _detail(me, order_id)
        assert body["state"] == "sms_verification"
        # The SMS window ends 10/9 10:00; the bureau's 30 working days start counting after 10/9.
        assert _at(body["due_at"]) == cst(2026, 10, 9, 10, 0)
        assert _at(body["expected_completion_at"]) == eod(2026, 11, 19)

        bureau.sms_stage_complete(order_id=order_id)
        body = _detail(me, order_id)
    assert body["state"] == "bureau_review"
    assert _at(body["expected_completion_at"]) == _at(body["due_at"]) == eod(2026, 11, 18)

    with time_machine.travel(cst(2026, 10, 20, 9, 0), tick=False):
        bureau.bureau_approve(reviewer=bureau_zj, order_id=order_id)
    assert _detail(me, order_id)["expected_completion_at"] is None


def test_no_sms_window_when_nobody_verifies(api, other_applicant, bj_entity):
    """北京 change_access: nobody verifies, so provider due 10/9 → 20 working days (10/10 counts) → 11/5."""
    def me():
        return api(other_applicant)


    def new_ip(proposed):
        proposed["websites"][0]["access"][0]["ip_ranges"] = [{"start": "39.107.20.9", "end": "39.107.20.9"}]

    with time_machine.travel(cst(2026, 9, 30, 15, 0), tick=False):
        order_id = _change(me, new_ip)
        assert me().post(f"/api/orders/{order_id}/submit").status_code == 200
        body = _detail(me, order_id)
    assert body["type"] == "change_access"
    assert _at(body["expected_completion_at"]) == eod(2026, 11, 5)


def test_with_sms_window_in_beijing(api, other_applicant, bj_entity):
    """北京 website rename: the principal verifies, so 10/9 → SMS 10/10 → 20 working days → 11/6."""
    def me():
        return api(other_applicant)


    def rename_site(proposed):
        proposed["websites"][0]["name"] = "小明的编程笔记"

    with time_machine.travel(cst(2026, 9, 30, 15, 0), tick=False):
        order_id = _change(me, rename_site)
        assert me().post(f"/api/orders/{order_id}/submit").status_code == 200
        body = _detail(me, order_id)
    assert _at(body["expected_completion_at"]) == eod(2026, 11, 6)


def test_supplement_pause_moves_the_expected_date(applicant, reviewer, zj_entity, api):
    def me():  # signs in at the travelled time (sessions expire after two weeks)
        return api(applicant)

    with time_machine.travel(cst(2026, 9, 30, 15, 0), tick=False):
        order_id = _change(me, _rename_entity)
        me().post(f"/api/orders/{order_id}/submit")
        services.order_claim(reviewer=reviewer, order_id=order_id)
    with time_machine.travel(cst(2026, 9, 30, 16, 0), tick=False):
        services.order_request_supplement(reviewer=reviewer, order_id=order_id, materials=["营业执照"])
        assert _at(_detail(me, order_id)["expected_completion_at"]) == eod(2026, 11, 20)  # nothing paused yet
    with time_machine.travel(cst(2026, 10, 9, 12, 0), tick=False):
        # Paused 10/8 and 10/9 (2 working days): provider due 10/9 → 10/12, SMS → 10/13, 30 wd → 11/24.
        body = _detail(me, order_id)
        assert body["state"] == "supplement_requested"
        assert _at(body["expected_completion_at"]) == eod(2026, 11, 24)
        services.order_supply(user=applicant, order_id=order_id)
        body = _detail(me, order_id)
    assert _at(body["due_at"]) == eod(2026, 10, 12)
    assert _at(body["expected_completion_at"]) == eod(2026, 11, 24)


def test_year_without_holidays_warns_and_moves_when_added(api, applicant, zj_entity,
                                                          django_capture_on_commit_callbacks):
    def me():  # signs in at the travelled time (sessions expire after two weeks)
        return api(applicant)

    with time_machine.travel(cst(2026, 12, 30, 15, 0), tick=False):
        order_id = _change(me, _rename_entity)
        assert me().post(f"/api/orders/{order_id}/submit").status_code == 200
        body = _detail(me, order_id)
    # 2027 has no data: Monday–Friday. Provider due Friday 1/1 → SMS 1/2 → 30 weekdays → 2027-02-12.
    assert _at(body["due_at"]) == eod(2027, 1, 1) and body["due_fallback"] is True
    assert _at(body["expected_completion_at"]) == eod(2027, 2, 12)
    warning = body["expected_completion_warning"]
    assert warning["code"] == "WORKDAYS_FALLBACK" and "2027" in warning["message_zh"] and "2027" in \
        warning["message_en"]

    with django_capture_on_commit_callbacks(execute=True):
        calendar_year_replace(year=2027, days=[(dt.date(2027, 1, 1), "holiday", "元旦")], source="manual")
    with time_machine.travel(cst(2026, 12, 31, 9, 0), tick=False):
        body = _detail(me, order_id)
    # 1/1 is a holiday now: provider due Monday 1/4 → SMS 1/5 → 30 working days → 2027-02-16; no warning.
    assert _at(body["due_at"]) == eod(2027, 1, 4)
    assert _at(body["expected_completion_at"]) == eod(2027, 2, 16)
    assert body["expected_completion_warning"] is None


def test_ended_and_draft_orders_have_no_expected_date(applicant, zj_entity):
    order = services.order_create(user=applicant, type="change")
    assert expected_completion(order) is None
    services.order_withdraw(user=applicant, order_id=order.pk)
    assert expected_completion(Order.objects.get(pk=order.pk)) is None
