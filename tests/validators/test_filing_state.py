"""Catalogue-driven validation of a FilingState: the tables, not constants, decide (registry.validation)."""

from __future__ import annotations

import datetime as dt

import pytest

from beian.core import validators as v
from beian.core.state import FilingState
from beian.registry.models import (
    AccessMethod,
    CertificateType,
    EntityType,
    Language,
    PreApprovalType,
    Province,
    ServiceContent,
)
from beian.registry.validation import filing_state_errors, filing_state_normalize

from .builders import resident_id, uscc

pytestmark = pytest.mark.django_db

PERSON_ID = resident_id("330106", "19850615")
OTHER_ID = resident_id("110101", "19900101", "246")
COMPANY = uscc("91330106", "MA2B0XXX")


def principal(number=PERSON_ID, mobile="13800138000", **extra):
    return {"name": "张三", "certificate_type": "居民身份证", "certificate_number": number,
            "valid_from": "2020-01-01", "valid_to": None, "mobile": mobile, "emergency_phone": "0571-88888888",
            "email": "zhangsan@example.com", **extra}


def base_state() -> dict:
    return {
        "entity": {"type": "企业", "name": "杭州示例科技有限公司", "certificate_type": "营业执照（个人或企业）",
                   "certificate_number": COMPANY, "province": "330000", "city": "330100", "district": "330106",
                   "communication_address": "浙江省杭州市西湖区文三路 1 号", "principal": principal()},
        "websites": [{
            "key": "n1", "name": "示例科技官网", "domains": ["WWW.Example.COM.cn."],
            "service_content": ["单位门户网站"], "languages": ["中文简体"],
            "principal": principal(OTHER_ID, "+86 139 0013 9000"),
            "pre_approvals": [],
            "access": [{"key": "a1", "provider": "本接入商", "method": "云接入", "region": "浙江",
                        "ip_ranges": [{"start": "1.2.3.4", "end": "1.2.3.8"}]}],
        }],
    }


def codes(state: FilingState | dict, **kwargs) -> list[tuple[str, str | None]]:
    if isinstance(state, dict):
        state = FilingState.model_validate(state)
    return [(e.code, e.field) for e in filing_state_errors(state, **kwargs)]


# ---------------------------------------------------------------- the seeded catalogues

def test_seeded_catalogue_counts():
    assert Province.objects.count() == 31
    assert EntityType.objects.count() == 18
    assert CertificateType.objects.count() == 31
    assert CertificateType.objects.filter(for_person=True).count() == 7
    assert ServiceContent.objects.count() == 28
    assert PreApprovalType.objects.count() == 12
    assert Language.objects.count() == 17
    assert AccessMethod.objects.count() == 5


def test_sichuan_and_gansu_have_both_abbreviations():
    sichuan = Province.objects.get(code="510000")
    gansu = Province.objects.get(code="620000")
    assert (sichuan.abbr, set(sichuan.all_abbrs)) == ("蜀", {"蜀", "川"})
    assert (gansu.abbr, set(gansu.all_abbrs)) == ("陇", {"陇", "甘"})


def test_static_abbreviation_map_agrees_with_the_province_table():
    """validators.PROVINCE_ABBRS parses numbers without the DB; it must say what the seeded table says."""
    from_table = {a: p.code for p in Province.objects.all() for a in p.all_abbrs}
    assert from_table == v.PROVINCE_ABBRS
    assert {p.code[:2] for p in Province.objects.all()} == set(v.PROVINCE_PREFIXES)


# ---------------------------------------------------------------- a valid state, then one fault per row

def test_valid_state_has_no_errors():
    assert codes(base_state()) == []


def test_individual_with_resident_id_is_valid():
    state = base_state()
    state["entity"].update(type="个人", name="张三", certificate_type="居民身份证", certificate_number=PERSON_ID)
    state["websites"][0]["service_content"] = ["博客/个人空间"]
    assert codes(state) == []


def _set(path: str, value):
    def mutate(state: dict):
        target = state
        *parts, last = path.split(".")
        for part in parts:
            target = target[int(part)] if part.isdigit() else target[part]
        target[int(last) if last.isdigit() else last] = value
    return mutate


FAULTS = [
    ("entity.type", "未知性质", "ENTITY_TYPE_UNKNOWN", "entity.type"),
    ("entity.name", "", "FIELD_REQUIRED", "entity.name"),
    ("entity.certificate_type", "驾驶证", "CERTIFICATE_TYPE_UNKNOWN", "entity.certificate_type"),
    ("entity.certificate_type", "事业单位法人证书", "CERTIFICATE_TYPE_NOT_ALLOWED", "entity.certificate_type"),
    ("entity.certificate_number", COMPANY[:-1] + ("1" if COMPANY[-1] != "1" else "2"), "USCC_CHECKSUM",
     "entity.certificate_number"),
    ("entity.certificate_number", uscc("91330106", "MA2B0XXX", inner="Y"), "USCC_ORG_CODE_CHECKSUM",
     "entity.certificate_number"),
    ("entity.province", "990000", "PROVINCE_UNKNOWN", "entity.province"),
    ("entity.principal.certificate_type", "营业执照（个人或企业）", "PRINCIPAL_CERTIFICATE_TYPE_INVALID",
     "entity.principal.certificate_type"),
    ("entity.principal.certificate_number", "110101900101123", "ID_LEGACY_15_DIGIT",
     "entity.principal.certificate_number"),
    ("entity.principal.mobile", "12345", "MOBILE_INVALID", "entity.principal.mobile"),
    ("entity.principal.mobile", "010-65529988", "MOBILE_NOT_MOBILE", "entity.principal.mobile"),
    ("entity.principal.emergency_phone", "+86 13800138000", "EMERGENCY_PHONE_SAME_AS_MOBILE",
     "entity.principal.emergency_phone"),
    ("entity.principal.email", "nope", "EMAIL_INVALID", "entity.principal.email"),
    ("entity.principal.valid_to", "2019-01-01", "CERTIFICATE_VALIDITY_ORDER", "entity.principal.valid_to"),
    ("websites.0.name", "", "FIELD_REQUIRED", "websites[n1].name"),
    ("websites.0.domains", [], "FIELD_REQUIRED", "websites[n1].domains"),
    ("websites.0.domains", ["1.2.3.4"], "DOMAIN_IP_LITERAL", "websites[n1].domains"),
    ("websites.0.domains", ["com.cn"], "DOMAIN_PUBLIC_SUFFIX", "websites[n1].domains"),
    ("websites.0.domains", ["example.com.cn", "www.example.com.cn"], "DOMAIN_DUPLICATE", "websites[n1].domains"),
    ("websites.0.service_content", ["算命"], "SERVICE_CONTENT_UNKNOWN", "websites[n1].service_content"),
    ("websites.0.languages", ["克林贡语"], "LANGUAGE_UNKNOWN", "websites[n1].languages"),
    ("websites.0.pre_approvals", [{"type": "占卜", "number": "1"}], "PRE_APPROVAL_TYPE_UNKNOWN",
     "websites[n1].pre_approvals"),
    ("websites.0.principal.mobile", "+852 9123 4567", "MOBILE_NOT_MAINLAND", "websites[n1].principal.mobile"),
    ("websites.0.principal.certificate_number", resident_id("110101", "19900230"), "ID_BIRTH_DATE_INVALID",
     "websites[n1].principal.certificate_number"),
    ("websites.0.access.0.method", "卫星", "ACCESS_METHOD_UNKNOWN", "websites[n1].access[a1].method"),
    ("websites.0.access.0.method", "", "FIELD_REQUIRED", "websites[n1].access[a1].method"),
    ("websites.0.access.0.provider", "", "FIELD_REQUIRED", "websites[n1].access[a1].provider"),
    ("websites.0.access.0.ip_ranges", [{"start": "10.0.0.1", "end": "10.0.0.2"}], "IP_NOT_PUBLIC",
     "websites[n1].access[a1].ip_ranges"),
    ("websites.0.access.0.ip_ranges", [{"start": "1.2.3.9", "end": "1.2.3.1"}], "IP_RANGE_ORDER",
     "websites[n1].access[a1].ip_ranges"),
]


@pytest.mark.parametrize(("path", "value", "code", "field"), FAULTS, ids=[f"{f[2]}-{f[0]}" for f in FAULTS])
def test_one_fault_one_error_on_its_field(path, value, code, field):
    state = base_state()
    _set(path, value)(state)
    assert codes(state) == [(code, field)]


def test_field_path_uses_the_website_and_access_keys():
    state = base_state()
    state["websites"][0]["key"] = "12"
    state["websites"][0]["access"][0]["ip_ranges"] = [{"start": "192.168.1.1", "end": ""}]
    assert codes(state) == [("IP_NOT_PUBLIC", "websites[12].access[a1].ip_ranges")]


def test_same_domain_in_two_websites_is_a_duplicate():
    state = base_state()
    second = {**base_state()["websites"][0], "key": "n2", "domains": ["shop.example.com.cn"]}
    state["websites"].append(second)
    assert codes(state) == [("DOMAIN_DUPLICATE", "websites[n2].domains")]


def test_individual_cannot_pick_organisation_service_content():
    state = base_state()
    state["entity"].update(type="个人", name="张三", certificate_type="居民身份证", certificate_number=PERSON_ID)
    state["websites"][0]["service_content"] = ["网络游戏"]
    assert codes(state) == [("SERVICE_CONTENT_NOT_FOR_INDIVIDUAL", "websites[n1].service_content")]


def test_certificate_validity_checked_when_a_date_is_given():
    state = base_state()
    state["entity"]["principal"]["valid_to"] = "2026-06-01"
    assert codes(state) == []  # without a day, only the order of the dates is checked
    on = dt.date(2026, 4, 1)
    assert codes(state, on=on) == [("CERTIFICATE_EXPIRES_SOON", "entity.principal.valid_to")]
    assert codes(state, on=dt.date(2026, 2, 28)) == []


# ---------------------------------------------------------------- admin edits change the verdict, no code change

def test_removing_a_certificate_binding_in_the_db_refuses_a_state_accepted_before():
    state = base_state()
    assert codes(state) == []
    licence = CertificateType.objects.get(name="营业执照（个人或企业）")
    licence.entity_types.remove(EntityType.objects.get(name="企业"))
    assert codes(state) == [("CERTIFICATE_TYPE_NOT_ALLOWED", "entity.certificate_type")]


def test_deactivating_catalogue_rows_in_the_db():
    state = base_state()
    EntityType.objects.filter(name="企业").update(active=False)
    Language.objects.filter(name="中文简体").update(active=False)
    AccessMethod.objects.filter(name="云接入").update(active=False)
    assert codes(state) == [("ENTITY_TYPE_INACTIVE", "entity.type"), ("LANGUAGE_UNKNOWN", "websites[n1].languages"),
                            ("ACCESS_METHOD_UNKNOWN", "websites[n1].access[a1].method")]


def test_adding_catalogue_rows_in_the_db_accepts_new_values():
    state = base_state()
    state["websites"][0]["languages"] = ["世界语"]
    state["entity"]["principal"]["certificate_type"] = "军官证"
    state["entity"]["principal"]["certificate_number"] = "军字第123456号"
    assert {c for c, _ in codes(state)} == {"LANGUAGE_UNKNOWN", "PRINCIPAL_CERTIFICATE_TYPE_INVALID"}
    Language.objects.create(name="世界语")
    CertificateType.objects.create(name="军官证", number_format="loose", for_person=True)
    assert codes(state) == [("CERTIFICATE_NUMBER_FORMAT", "entity.principal.certificate_number")]
    state["entity"]["principal"]["certificate_number"] = "123456"
    assert codes(state) == []


def test_number_format_comes_from_the_table():
    state = base_state()
    state["entity"]["certificate_type"] = "外国企业常驻代表机构登记证"  # loose
    state["entity"]["certificate_number"] = "ABC-123"
    assert codes(state) == []
    cert = CertificateType.objects.get(name="外国企业常驻代表机构登记证")
    cert.number_format = "uscc"
    cert.save()  # as the admin saves it (the cached catalogues are replaced on save)
    assert codes(state) == [("USCC_LENGTH", "entity.certificate_number")]


# ---------------------------------------------------------------- normalisation on save

def test_normalize_domains_mobiles_phones_emails_and_ranges():
    raw = base_state()
    raw["websites"][0]["domains"] = ["WWW.Example.COM.cn.", "example.com.cn", "例子。中国", "1.2.3.4"]
    raw["websites"][0]["access"][0]["ip_ranges"] = [{"start": "2400:3200:0::1", "end": ""}]
    raw["entity"]["principal"]["email"] = "Zhang@Example.COM"
    state = FilingState.model_validate(raw)
    out = filing_state_normalize(state)
    site = out.websites[0]
    assert site.domains == ["example.com.cn", "例子.中国", "1.2.3.4"]  # invalid value kept for the error report
    assert site.principal.mobile == "13900139000"
    assert out.entity.principal.emergency_phone == "057188888888"
    assert out.entity.principal.email == "Zhang@example.com"
    assert (site.access[0].ip_ranges[0].start, site.access[0].ip_ranges[0].end) == ("2400:3200::1", "2400:3200::1")
    assert state.websites[0].domains[0] == "WWW.Example.COM.cn."  # the input is not mutated
    assert state.websites[0].principal.mobile == "+86 139 0013 9000"


def test_normalized_state_validates_the_same():
    state = FilingState.model_validate(base_state())
    assert filing_state_errors(filing_state_normalize(state)) == []
