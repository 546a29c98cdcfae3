"""Who must verify is data: the seeded table, the 变更备案 scope, admin edits, principals' phones."""

from __future__ import annotations

import pytest

from beian.bureau.models import SmsVerifierRule
from beian.bureau.sms import change_filing_scope, phone_normalize, sms_verifiers, suffix_of
from beian.orders.models import Order
from beian.registry.demo import ZJ_LEGAL_REP_ID, ZJ_WEBMASTER_ID, zhejiang_enterprise_state

SEEDED = {
    ("new_filing", ""): (True, True), ("add_website", ""): (True, True), ("add_access", ""): (False, True),
    ("change_entity", ""): (True, False), ("change_website", ""): (False, True),
    ("change_filing", "entity"): (True, False), ("change_filing", "website"): (False, True),
    ("change_filing", "entity_and_website"): (True, True), ("change_filing", "access"): (False, False),
    ("change_access", ""): (False, False), ("cancel_entity", ""): (True, False),
    ("cancel_website", ""): (False, False), ("cancel_access", ""): (False, False),
}


def test_the_migration_seeds_the_qingcloud_table(db):
    rows = {(r.order_type, r.scope): (r.entity_principal, r.website_principal) for r in SmsVerifierRule.objects.all()}
    assert rows == SEEDED


def _order(type_: str, diff: list[dict]) -> Order:
    return Order(pk=1, type=type_, proposed=zhejiang_enterprise_state(), diff=diff)


ENTITY_NAME = {"path": "entity.name", "op": "change", "old": "a", "new": "b"}
SITE1_NAME = {"path": "websites[n1].name", "op": "change", "old": "a", "new": "b"}
SITE2_IP = {"path": "websites[n2].access[a1].ip_ranges", "op": "change", "old": [], "new": []}


@pytest.mark.parametrize(("diff", "scope"), [
    ([ENTITY_NAME], "entity"), ([SITE1_NAME], "website"), ([ENTITY_NAME, SITE1_NAME], "entity_and_website"),
    ([SITE2_IP], "access"), ([ENTITY_NAME, SITE2_IP], "entity"), ([], "access"),
])
def test_change_filing_scope_from_the_diff(diff, scope):
    assert change_filing_scope(diff) == scope


@pytest.mark.parametrize(("type_", "diff", "expected"), [
    ("change_entity", [ENTITY_NAME], [("entity", None, "13957112345")]),
    ("change_filing", [ENTITY_NAME, SITE1_NAME], [("entity", None, "13957112345"), ("website", "n1", "13857154321")]),
    ("change_filing", [SITE2_IP], []),
    ("change_access", [SITE2_IP], []),
    ("change_website", [SITE1_NAME, SITE2_IP], [("website", "n1", "13857154321"), ("website", "n2", "13857154321")]),
    ("add_access", [{"path": "websites[n2].access[a9]", "op": "add", "old": None, "new": {}}],
     [("website", "n2", "13857154321")]),
    ("cancel_website", [{"path": "websites[n2]", "op": "remove", "old": {}, "new": None}], []),
])
def test_sms_verifiers_follow_the_table(db, type_, diff, expected):
    got = [(v["role"], v["website_key"], v["phone"]) for v in sms_verifiers(_order(type_, diff))]
    assert got == expected


def test_verifiers_carry_the_certificate_number_and_never_the_emergency_phone(db):
    verifiers = sms_verifiers(_order("change_filing", [ENTITY_NAME, SITE1_NAME]))
    assert [v["certificate_number"] for v in verifiers] == [ZJ_LEGAL_REP_ID, ZJ_WEBMASTER_ID]
    assert all(v["phone"] != "057188001234" for v in verifiers)


def _edit(order_type: str, **values) -> None:
    """What the admin does: save the row (the per-process copy of the table follows)."""
    for row in SmsVerifierRule.objects.filter(order_type=order_type):
        for name, value in values.items():
            setattr(row, name, value)
        row.save()


def test_an_admin_edit_changes_who_verifies(db):
    order = _order("change_access", [SITE2_IP])
    assert sms_verifiers(order) == []
    _edit("change_access", website_principal=True)
    assert [(v["role"], v["website_key"]) for v in sms_verifiers(order)] == [("website", "n2")]
    _edit("change_entity", entity_principal=False)
    assert sms_verifiers(_order("change_entity", [ENTITY_NAME])) == []


def test_a_missing_row_falls_back_to_the_default_table(db):
    for row in SmsVerifierRule.objects.filter(order_type="add_website"):
        row.delete()  # as the admin deletes
    order = _order("add_website", [{"path": "websites[n2]", "op": "add", "old": None, "new": {}}])
    assert [v["role"] for v in sms_verifiers(order)] == ["entity", "website"]


def test_a_cancelled_website_principal_comes_from_the_diff(db):
    _edit("cancel_website", website_principal=True)
    state = zhejiang_enterprise_state()
    removed = state["websites"].pop(1)
    order = Order(pk=1, type="cancel_website", proposed=state,
                  diff=[{"path": "websites[n2]", "op": "remove", "old": removed, "new": None}])
    assert [(v["website_key"], v["phone"]) for v in sms_verifiers(order)] == [("n2", "13857154321")]


def test_the_rule_table_refuses_a_scope_outside_change_filing(db):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        SmsVerifierRule.objects.create(order_type="change_entity", scope="entity")


@pytest.mark.parametrize(("raw", "phone"), [("13957112345", "13957112345"), ("+86 139-5711-2345", "13957112345"),
                                            ("008613957112345", "13957112345"), ("８６13957112345", "13957112345")])
def test_phone_normalize(raw, phone):
    assert phone_normalize(raw) == phone


def test_suffix_is_the_last_six_upper_case():
    assert suffix_of("11010819920214025x") == "14025X"
    assert suffix_of(" １２３４５６７ ") == "234567"
