"""Fixtures of the SMS verification tests: a filed 浙江 enterprise, orders driven to ``sms_verification`` through
the API, and the codes read from the recording SMS backend after the outbox is delivered."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache

from beian.registry.demo import ZJ_LEGAL_REP_ID, ZJ_WEBMASTER_ID, filed_entity_create, zhejiang_enterprise_state

ENTITY_PHONE, ENTITY_SUFFIX = "13957112345", ZJ_LEGAL_REP_ID[-6:]
WEB_PHONE, WEB_SUFFIX = "13857154321", ZJ_WEBMASTER_ID[-6:]
CODE_RE = re.compile(r"短信核验码：(\d{6})")


@pytest.fixture(autouse=True)
def _clear_cache(db):
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def zj_entity(applicant):
    """The applicant's filed enterprise in 浙江 with two websites sharing the web principal 李晓燕's phone."""
    return filed_entity_create(owner=applicant, state=zhejiang_enterprise_state())


def codes_for(phone: str) -> list[str]:
    """Deliver the outbox, then every code sent to ``phone`` (newest first)."""
    from beian.notify.models import SmsMessage
    from beian.notify.services import outbox_deliver_batch

    while outbox_deliver_batch(limit=100):
        pass
    return [CODE_RE.search(m.text).group(1) for m in SmsMessage.objects.filter(phone=phone).order_by("-id")
            if CODE_RE.search(m.text)]


def code_for(phone: str) -> str:
    codes = codes_for(phone)
    assert codes, f"no code sent to {phone[:3]}…"
    return codes[0]


class Flow:
    """Drive a 变更备案 through the API to the SMS stage."""

    def __init__(self, api, applicant, reviewer):
        self.me, self.rv = api(applicant), api(reviewer)
        self.anon = api()

    def change(self, edit) -> dict:
        r = self.me.post("/api/orders/", {"type": "change", "change_date": "2026-11-20"})
        assert r.status_code == 201, r.json_body
        order = r.json_body
        proposed = order["proposed"]
        edit(proposed)
        r = self.me.put(f"/api/orders/{order['id']}", {"proposed": proposed})
        assert r.status_code == 200, r.json_body
        return r.json_body

    def to_sms(self, order_id: int) -> dict:
        r = self.me.post(f"/api/orders/{order_id}/submit")
        assert r.status_code == 200, r.json_body
        r = self.rv.post(f"/api/orders/{order_id}/claim")
        assert r.status_code == 200, r.json_body
        r = self.rv.post(f"/api/orders/{order_id}/approve", {"note": ""})
        assert r.status_code == 200, r.json_body
        assert r.json_body["state"] == "sms_verification"
        return r.json_body

    def verify(self, phone: str, suffix: str, code: str, client=None):
        return (client or self.anon).post("/api/bureau/sms/verify",
                                          {"phone": phone, "certificate_suffix": suffix, "code": code})

    def resend(self, phone: str, suffix: str):
        return self.anon.post("/api/bureau/sms/resend", {"phone": phone, "certificate_suffix": suffix})


@pytest.fixture
def flow(api, applicant, reviewer, zj_entity):
    return Flow(api, applicant, reviewer)


def rename_entity(proposed: dict) -> None:
    proposed["entity"]["name"] = "杭州云栖智能科技有限公司"


def rename_entity_and_site(proposed: dict) -> None:
    proposed["entity"]["name"] = "杭州云栖智能科技有限公司"
    proposed["websites"][0]["name"] = "云栖智能官网"


def rename_both_sites(proposed: dict) -> None:
    proposed["websites"][0]["name"] = "云栖智能官网"
    proposed["websites"][1]["name"] = "云栖智能文档"


@pytest.fixture
def entity_order(flow):
    """A change_entity (rename) in sms_verification: only the entity principal 王建国 verifies."""
    order = flow.change(rename_entity)
    assert order["type"] == "change_entity"
    return flow.to_sms(order["id"])


@pytest.fixture
def two_phone_order(flow):
    """A change_filing (entity + website renamed): 王建国 and 李晓燕 verify, with two phones."""
    order = flow.change(rename_entity_and_site)
    assert order["type"] == "change_filing"
    return flow.to_sms(order["id"])
