"""Table-driven tests of beian.core.validators: each row is input, expected verdict (value or error code)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from stdnum.cn import uscc as stdnum_uscc

from beian.core import validators as v
from beian.core.errors import BeianError

from .builders import org_check, resident_id, uscc


def verdict(func, *args, **kwargs):
    """The normalised value, or ``("ERR", code)``; also checks the error shape of every refusal."""
    try:
        return func(*args, **kwargs)
    except BeianError as exc:
        assert len(exc.errors) == 1
        item = exc.errors[0]
        assert re.fullmatch(r"[A-Z][A-Z0-9_]+", item.code)
        assert item.message_zh and item.message_en and item.message_zh != item.message_en
        assert item.field == kwargs.get("field")
        return ("ERR", item.code)


# ---------------------------------------------------------------- domains

@pytest.mark.parametrize(("raw", "expected"), [
    ("例子.中国", ("例子.中国", "xn--fsqu00a.xn--fiqs8s", "例子.中国", "xn--fsqu00a.xn--fiqs8s")),
    ("例子。中国", ("例子.中国", "xn--fsqu00a.xn--fiqs8s", "例子.中国", "xn--fsqu00a.xn--fiqs8s")),
    ("xn--fsqu00a.xn--fiqs8s", ("例子.中国", "xn--fsqu00a.xn--fiqs8s", "例子.中国", "xn--fsqu00a.xn--fiqs8s")),
    ("WWW.Example.COM.cn.", ("www.example.com.cn", "www.example.com.cn", "example.com.cn", "example.com.cn")),
    ("ｅｘａｍｐｌｅ．ｃｏｍ", ("example.com", "example.com", "example.com", "example.com")),
    ("www.city.kawasaki.jp", ("www.city.kawasaki.jp", "www.city.kawasaki.jp", "city.kawasaki.jp", "city.kawasaki.jp")),
    ("www.hz.gov.cn", ("www.hz.gov.cn", "www.hz.gov.cn", "hz.gov.cn", "hz.gov.cn")),
    ("WWW.Shop.例子.中国.", ("www.shop.例子.中国", "www.shop.xn--fsqu00a.xn--fiqs8s", "例子.中国",
                           "xn--fsqu00a.xn--fiqs8s")),
    # private PSL section ignored: github.io / blogspot.com are not registries for ICP purposes
    ("me.github.io", ("me.github.io", "me.github.io", "github.io", "github.io")),
    ("  a-b.example.com  ", ("a-b.example.com", "a-b.example.com", "example.com", "example.com")),
])
def test_normalize_domain_accepts(raw, expected):
    d = v.normalize_domain(raw)
    assert (d.unicode, d.ascii, d.registrable_unicode, d.registrable_ascii) == expected
    assert v.registrable_domain(raw) == expected[2]


@pytest.mark.parametrize(("raw", "code"), [
    ("1.2.3.4", "DOMAIN_IP_LITERAL"),
    ("１．２．３．４", "DOMAIN_IP_LITERAL"),
    ("[2400:3200::1]", "DOMAIN_IP_LITERAL"),
    ("a..com", "DOMAIN_EMPTY_LABEL"),
    (".example.com", "DOMAIN_EMPTY_LABEL"),
    ("a" * 64 + ".com", "DOMAIN_LABEL_TOO_LONG"),
    (".".join(["a" * 60] * 5) + ".com", "DOMAIN_TOO_LONG"),
    ("com.cn", "DOMAIN_PUBLIC_SUFFIX"),
    ("gov.cn", "DOMAIN_PUBLIC_SUFFIX"),
    ("中国", "DOMAIN_PUBLIC_SUFFIX"),
    ("x.kawasaki.jp", "DOMAIN_PUBLIC_SUFFIX"),  # *.kawasaki.jp is an ICANN wildcard rule
    ("example.notatld", "DOMAIN_UNKNOWN_TLD"),
    ("localhost", "DOMAIN_UNKNOWN_TLD"),
    ("http://example.com/", "DOMAIN_FORMAT"),
    ("example.com:8080", "DOMAIN_FORMAT"),
    ("-bad.com", "DOMAIN_INVALID"),
    ("under_score.com", "DOMAIN_INVALID"),
    ("", "DOMAIN_REQUIRED"),
    ("   ", "DOMAIN_REQUIRED"),
])
def test_normalize_domain_refuses(raw, code):
    assert verdict(v.normalize_domain, raw, field="websites[n1].domains") == ("ERR", code)


# ---------------------------------------------------------------- USCC and organisation code

Y_CODE = uscc("Y1330106", "MA2B0XXX")
REAL_SHAPED = uscc("91330106", "MA2B0XXX")
NATIONAL = uscc("12100000", "40000062")
INNER_WRONG = uscc("91330100", "71610585", inner="3")  # correct inner digit is 2


def test_builders_agree_with_published_codes():
    assert org_check("71610585") == "2"  # Alibaba (China) Co., Ltd. 91330100716105852F
    assert uscc("91330100", "71610585") == "91330100716105852F"
    assert uscc("91440300", "71526726") == "9144030071526726XG"


def test_stdnum_gaps_are_real():
    """Why we wrap stdnum: it refuses letter registration authorities and misses the inner check digit."""
    assert not stdnum_uscc.is_valid(Y_CODE)
    assert stdnum_uscc.is_valid(INNER_WRONG)


@pytest.mark.parametrize(("raw", "expected"), [
    ("91330100716105852F", "91330100716105852F"),
    ("9144030071526726XG", "9144030071526726XG"),
    ("9133 0100 7161 0585 2f", "91330100716105852F"),
    ("９１３３０１００７１６１０５８５２Ｆ", "91330100716105852F"),
    (Y_CODE, Y_CODE),
    (REAL_SHAPED, REAL_SHAPED),
    (NATIONAL, NATIONAL),
    (INNER_WRONG, ("ERR", "USCC_ORG_CODE_CHECKSUM")),
    ("91330100716105852G", ("ERR", "USCC_CHECKSUM")),
    ("91330100716105852", ("ERR", "USCC_LENGTH")),
    ("9133010071610585I2", ("ERR", "USCC_CHARSET")),
    ("91330100O16105852F", ("ERR", "USCC_CHARSET")),
    (uscc("B1330106", "MA2B0XXX"), ("ERR", "USCC_REGISTRATION_AUTHORITY")),
    (uscc("91990000", "71610585"), ("ERR", "USCC_DIVISION")),  # 99 is no province
    (uscc("91710000", "71610585"), ("ERR", "USCC_DIVISION")),  # 71 (Taiwan) issues no USCC
    (uscc("913A0100", "71610585"), ("ERR", "USCC_DIVISION")),
    ("", ("ERR", "USCC_REQUIRED")),
])
def test_validate_uscc(raw, expected):
    assert verdict(v.validate_uscc, raw) == expected


@pytest.mark.parametrize(("raw", "expected"), [
    ("716105852", "716105852"),
    ("71610585-2", "716105852"),
    ("71526726X", "71526726X"),
    ("MA2B0XXX" + org_check("MA2B0XXX"), "MA2B0XXX" + org_check("MA2B0XXX")),
    ("716105853", ("ERR", "ORG_CODE_CHECKSUM")),
    ("7161058", ("ERR", "ORG_CODE_FORMAT")),
    ("", ("ERR", "ORG_CODE_REQUIRED")),
])
def test_validate_org_code(raw, expected):
    assert verdict(v.validate_org_code, raw) == expected


def test_uscc_inner_equals_org_code():
    assert v.validate_org_code(REAL_SHAPED[8:17]) == REAL_SHAPED[8:17]


# ---------------------------------------------------------------- resident ID

TODAY = dt.date(2026, 5, 1)
VALID_ID = resident_id("110101", "19900101")
FEB30 = resident_id("110101", "19900230")
FUTURE = resident_id("110101", "20300101")


def _id_with_x() -> str:
    for seq in range(100, 999):
        value = resident_id("330106", "19851231", str(seq))
        if value.endswith("X"):
            return value
    raise AssertionError


@pytest.mark.parametrize(("raw", "expected"), [
    (VALID_ID, VALID_ID),
    (_id_with_x().lower(), _id_with_x()),
    (" " + VALID_ID[:6] + " " + VALID_ID[6:] + " ", VALID_ID),
    ("110101900101123", ("ERR", "ID_LEGACY_15_DIGIT")),
    (FEB30, ("ERR", "ID_BIRTH_DATE_INVALID")),
    (FUTURE, ("ERR", "ID_BIRTH_DATE_FUTURE")),
    (resident_id("110101", "18800101"), ("ERR", "ID_BIRTH_DATE_IMPLAUSIBLE")),
    (VALID_ID[:17] + ("1" if VALID_ID[17] != "1" else "2"), ("ERR", "ID_CHECKSUM")),
    (resident_id("990101", "19900101"), ("ERR", "ID_AREA_UNKNOWN")),
    (VALID_ID[:17], ("ERR", "ID_LENGTH")),
    ("11010119900101A23X", ("ERR", "ID_FORMAT")),
    ("", ("ERR", "ID_REQUIRED")),
])
def test_validate_resident_id(raw, expected):
    assert verdict(v.validate_resident_id, raw, today=TODAY) == expected


def test_feb30_fails_on_the_date_not_the_checksum():
    from stdnum.cn import ric

    assert ric.calc_check_digit(FEB30) == FEB30[-1]


def test_birth_date_and_age():
    assert v.resident_id_birth_date(VALID_ID) == dt.date(1990, 1, 1)
    assert v.resident_id_age(VALID_ID, on=dt.date(2008, 1, 1)) == 18
    assert v.resident_id_age(VALID_ID, on=dt.date(2007, 12, 31)) == 17
    assert v.age_on(dt.date(2008, 2, 29), dt.date(2026, 2, 28)) == 17
    assert v.age_on(dt.date(2008, 2, 29), dt.date(2026, 3, 1)) == 18


# ---------------------------------------------------------------- phones and e-mail

@pytest.mark.parametrize(("raw", "expected"), [
    ("13800138000", "13800138000"),
    ("+86 138 0013 8000", "13800138000"),
    ("0086-138-0013-8000", "13800138000"),
    ("＋８６１３８００１３８０００", "13800138000"),
    ("19912345678", "19912345678"),
    ("010-65529988", ("ERR", "MOBILE_NOT_MOBILE")),
    ("+852 9123 4567", ("ERR", "MOBILE_NOT_MAINLAND")),
    ("+1 650 253 0000", ("ERR", "MOBILE_NOT_MAINLAND")),
    ("1380013800", ("ERR", "MOBILE_INVALID")),
    ("not a phone", ("ERR", "MOBILE_INVALID")),
    ("", ("ERR", "MOBILE_REQUIRED")),
])
def test_validate_mobile(raw, expected):
    assert verdict(v.validate_mobile, raw, field="entity.principal.mobile") == expected


@pytest.mark.parametrize(("raw", "expected"), [
    ("010-65529988", "01065529988"),
    ("0571 8888 8888", "057188888888"),
    ("+86 138 0013 8000", "13800138000"),
    ("+852 9123 4567", ("ERR", "PHONE_INVALID")),
    ("123", ("ERR", "PHONE_INVALID")),
])
def test_validate_phone(raw, expected):
    assert verdict(v.validate_phone, raw) == expected


@pytest.mark.parametrize(("raw", "expected"), [
    ("Zhang.San@Example.COM", "Zhang.San@example.com"),
    (" a@b.cn ", "a@b.cn"),
    ("abc@例子.中国", "abc@例子.中国"),
    ("用户@例子.中国", ("ERR", "EMAIL_INVALID")),  # Django refuses non-ASCII local parts
    ("no-at-sign", ("ERR", "EMAIL_INVALID")),
    ("a@b", ("ERR", "EMAIL_INVALID")),
    ("a" * 250 + "@b.cn", ("ERR", "EMAIL_INVALID")),
    ("", ("ERR", "EMAIL_REQUIRED")),
])
def test_validate_email(raw, expected):
    assert verdict(v.validate_email, raw) == expected


# ---------------------------------------------------------------- IP addresses and ranges

@pytest.mark.parametrize(("raw", "expected"), [
    ("1.2.3.4", "1.2.3.4"),
    ("８.８.８.８", "8.8.8.8"),
    ("2400:3200:0000::0001", "2400:3200::1"),
    ("10.0.0.1", ("ERR", "IP_NOT_PUBLIC")),
    ("172.16.5.4", ("ERR", "IP_NOT_PUBLIC")),
    ("192.168.1.1", ("ERR", "IP_NOT_PUBLIC")),
    ("100.64.0.1", ("ERR", "IP_NOT_PUBLIC")),
    ("127.0.0.1", ("ERR", "IP_NOT_PUBLIC")),
    ("169.254.1.1", ("ERR", "IP_NOT_PUBLIC")),
    ("224.0.0.1", ("ERR", "IP_NOT_PUBLIC")),
    ("240.0.0.1", ("ERR", "IP_NOT_PUBLIC")),
    ("255.255.255.255", ("ERR", "IP_NOT_PUBLIC")),
    ("0.0.0.0", ("ERR", "IP_NOT_PUBLIC")),
    ("192.0.2.1", ("ERR", "IP_NOT_PUBLIC")),
    ("198.51.100.7", ("ERR", "IP_NOT_PUBLIC")),
    ("203.0.113.9", ("ERR", "IP_NOT_PUBLIC")),
    ("::1", ("ERR", "IP_NOT_PUBLIC")),
    ("fe80::1", ("ERR", "IP_NOT_PUBLIC")),
    ("fd00::1", ("ERR", "IP_NOT_PUBLIC")),
    ("ff02::1", ("ERR", "IP_NOT_PUBLIC")),
    ("2001:db8::1", ("ERR", "IP_NOT_PUBLIC")),
    ("::ffff:8.8.8.8", ("ERR", "IP_NOT_PUBLIC")),
    ("1.2.3", ("ERR", "IP_INVALID")),
    ("", ("ERR", "IP_REQUIRED")),
])
def test_validate_ip(raw, expected):
    assert verdict(v.validate_ip, raw) == expected


@pytest.mark.parametrize(("start", "end", "expected"), [
    ("1.2.3.4", "1.2.3.10", ("1.2.3.4", "1.2.3.10")),
    ("1.2.3.4", "", ("1.2.3.4", "1.2.3.4")),
    ("1.2.3.4", "1.2.3.4", ("1.2.3.4", "1.2.3.4")),
    ("1.1.0.0", "1.1.255.255", ("1.1.0.0", "1.1.255.255")),  # exactly the cap
    ("2400:3200::1", "2400:3200::ff", ("2400:3200::1", "2400:3200::ff")),
    ("1.2.3.10", "1.2.3.4", ("ERR", "IP_RANGE_ORDER")),
    ("1.2.3.4", "2400:3200::1", ("ERR", "IP_RANGE_FAMILY")),
    ("1.1.0.0", "1.2.0.0", ("ERR", "IP_RANGE_TOO_LARGE")),
    ("2400:3200::", "2400:3201::", ("ERR", "IP_RANGE_TOO_LARGE")),
    ("9.255.255.250", "11.0.0.1", ("ERR", "IP_RANGE_TOO_LARGE")),
    ("192.0.1.250", "192.0.3.4", ("ERR", "IP_RANGE_NOT_PUBLIC")),  # crosses 192.0.2.0/24
    ("10.0.0.1", "10.0.0.9", ("ERR", "IP_NOT_PUBLIC")),
])
def test_validate_ip_range(start, end, expected):
    assert verdict(v.validate_ip_range, start, end, field="websites[12].access[a1].ip_ranges") == expected


# ---------------------------------------------------------------- filing and licence numbers

@pytest.mark.parametrize(("raw", "expected"), [
    ("浙ICP备2021012345号-3", ("浙", "330000", "2021012345", 3, "filing", "浙ICP备2021012345号-3")),
    ("浙ICP备2024012345号", ("浙", "330000", "2024012345", None, "filing", "浙ICP备2024012345号")),
    ("蜀ICP备12345678号", ("蜀", "510000", "12345678", None, "filing", "蜀ICP备12345678号")),
    ("川ICP备12345678号-2", ("川", "510000", "12345678", 2, "filing", "川ICP备12345678号-2")),
    ("陇ICP备2021003158号-1", ("陇", "620000", "2021003158", 1, "filing", "陇ICP备2021003158号-1")),
    ("甘ICP备19001358号", ("甘", "620000", "19001358", None, "filing", "甘ICP备19001358号")),
    ("滇ICP备09010050-5号", ("滇", "530000", "09010050", 5, "filing", "滇ICP备09010050号-5")),
    ("京ICP备１６０５９７６３号－１", ("京", "110000", "16059763", 1, "filing", "京ICP备16059763号-1")),
    (" 京 icp 备 16059763 号 — 1 ", ("京", "110000", "16059763", 1, "filing", "京ICP备16059763号-1")),
    ("京ICP备123456号", ("京", "110000", "123456", None, "filing", "京ICP备123456号")),
    ("京ICP证030173号", ("京", "110000", "030173", None, "licence", "京ICP证030173号")),
    ("粤B2-20090059", ("粤", "440000", "20090059", None, "licence", "粤B2-20090059")),
    ("粤B2-20090059-1626X", ("粤", "440000", "20090059", None, "licence", "粤B2-20090059-1626X")),
    ("garbage", ("ERR", "FILING_NUMBER_FORMAT")),
    ("京ICP备12345号", ("ERR", "FILING_NUMBER_FORMAT")),  # 5 digits
    ("京ICP备12345678901号", ("ERR", "FILING_NUMBER_FORMAT")),  # 11 digits
    ("京ICP备12345678号号", ("ERR", "FILING_NUMBER_FORMAT")),
    ("京ICP备12345678号-0", ("ERR", "FILING_NUMBER_FORMAT")),
    ("港ICP备12345678号", ("ERR", "FILING_NUMBER_PROVINCE")),
    ("", ("ERR", "FILING_NUMBER_REQUIRED")),
])
def test_parse_filing_number(raw, expected):
    result = verdict(v.parse_filing_number, raw)
    if isinstance(result, v.FilingNumber):
        result = (result.abbr, result.province_code, result.serial, result.website_suffix, result.kind,
                  result.normalized)
    assert result == expected


def test_filing_number_helpers():
    parsed = v.parse_filing_number("浙ICP备2021012345号-3")
    assert parsed.entity_number == "浙ICP备2021012345号" and parsed.is_website
    assert v.parse_filing_number("粤B2-20090059").entity_number is None
    assert v.format_entity_number("浙", 2024, 12345) == "浙ICP备2024012345号"
    assert v.format_entity_number("蜀", 2026, 1) == "蜀ICP备2026000001号"
    assert v.format_website_number("浙ICP备2024012345号", 3) == "浙ICP备2024012345号-3"
    assert v.parse_filing_number(v.format_entity_number("陇", 2025, 999_999)).serial == "2025999999"
    for bad in (lambda: v.format_entity_number("港", 2024, 1), lambda: v.format_entity_number("浙", 2024, 0),
                lambda: v.format_entity_number("浙", 2024, 1_000_000),
                lambda: v.format_website_number("浙ICP备2024012345号-1", 2),
                lambda: v.format_website_number("京ICP证030173号", 1),
                lambda: v.format_website_number("浙ICP备2024012345号", 0)):
        with pytest.raises((ValueError, BeianError)):
            bad()


# ---------------------------------------------------------------- certificate validity and numbers

ON = dt.date(2025, 11, 30)


@pytest.mark.parametrize(("valid_to", "months", "expected"), [
    (None, 3, True),
    (dt.date(2026, 2, 28), 3, False),  # 30 Nov + 3 months = 28 Feb (clamped): exactly 3 months is not "more"
    (dt.date(2026, 3, 1), 3, True),
    (dt.date(2025, 12, 1), 3, False),
    (dt.date(2025, 12, 31), 1, True),  # 30 Nov + 1 month = 30 Dec; 31 Dec is more
    (dt.date(2025, 12, 30), 1, False),
    (dt.date(2025, 11, 29), 0, False),
])
def test_certificate_valid_for(valid_to, months, expected):
    assert v.certificate_valid_for(valid_to, on=ON, months=months) is expected


def test_add_months_clamps():
    assert v.add_months(dt.date(2024, 11, 30), 3) == dt.date(2025, 2, 28)
    assert v.add_months(dt.date(2023, 11, 29), 3) == dt.date(2024, 2, 29)
    assert v.add_months(dt.date(2025, 10, 15), 3) == dt.date(2026, 1, 15)


@pytest.mark.parametrize(("valid_from", "valid_to", "expected"), [
    (dt.date(2020, 1, 1), None, None),
    (dt.date(2020, 1, 1), dt.date(2030, 1, 1), None),
    (dt.date(2020, 1, 1), dt.date(2026, 1, 15), "CERTIFICATE_EXPIRES_SOON"),
    (dt.date(2020, 1, 1), dt.date(2025, 1, 15), "CERTIFICATE_EXPIRED"),
    (dt.date(2026, 1, 1), dt.date(2036, 1, 1), "CERTIFICATE_NOT_YET_VALID"),
    (dt.date(2030, 1, 1), dt.date(2020, 1, 1), "CERTIFICATE_VALIDITY_ORDER"),
])
def test_validate_certificate_validity(valid_from, valid_to, expected):
    result = verdict(v.validate_certificate_validity, valid_from, valid_to, on=ON, field="entity.principal.valid_to")
    assert result == (("ERR", expected) if expected else None)


def test_expires_soon_message_names_the_date():
    with pytest.raises(BeianError) as exc:
        v.validate_certificate_validity(None, dt.date(2026, 1, 15), on=ON)
    assert "2026-01-15" in exc.value.errors[0].message_zh and "2026-01-15" in exc.value.errors[0].message_en


@pytest.mark.parametrize(("number", "fmt", "expected"), [
    ("91330100716105852f", "uscc", "91330100716105852F"),
    (INNER_WRONG, "uscc", ("ERR", "USCC_ORG_CODE_CHECKSUM")),
    (VALID_ID, "resident_id", VALID_ID),
    ("110101900101123", "resident_id", ("ERR", "ID_LEGACY_15_DIGIT")),
    ("71610585-2", "org_code", "716105852"),
    ("e12345678", "loose", "E12345678"),
    ("H1234567（8）", "loose", "H1234567(8)"),
    ("A", "loose", ("ERR", "CERTIFICATE_NUMBER_FORMAT")),
    ("A" * 41, "loose", ("ERR", "CERTIFICATE_NUMBER_FORMAT")),
    ("AB#12", "loose", ("ERR", "CERTIFICATE_NUMBER_FORMAT")),
    ("", "loose", ("ERR", "CERTIFICATE_NUMBER_REQUIRED")),
])
def test_validate_certificate_number(number, fmt, expected):
    assert verdict(v.validate_certificate_number, number, fmt, today=TODAY) == expected


def test_check_returns_items_instead_of_raising():
    assert v.check(v.validate_mobile, "13800138000") == []
    items = v.check(v.validate_mobile, "x", field="websites[n1].principal.mobile")
    assert [(i.code, i.field) for i in items] == [("MOBILE_INVALID", "websites[n1].principal.mobile")]


def test_province_tables_cover_31_provinces():
    assert len(v.PROVINCE_PREFIXES) == 31
    assert len(set(v.PROVINCE_ABBRS.values())) == 31
    assert {code[:2] for code in v.PROVINCE_ABBRS.values()} == set(v.PROVINCE_PREFIXES)
