"""Validators for everything an applicant types into a filing (icp-domain.md §2.4, §2.7, §5.3, §5.6, §9).

One module, one convention: each ``validate_*`` / ``normalize_*`` / ``parse_*`` function returns the
normalised value or raises :class:`beian.core.errors.BeianError` with ONE error item carrying a stable
UPPER_SNAKE code and a Chinese and an English message. Pass ``field=`` to put a field path
(design.md §5.1) on the error. :func:`check` turns any validator call into a ``list[ErrorItem]``.

No function here touches the database or the network: the catalogues live in ``beian.registry`` and are
applied by ``beian.registry.validation``; the public suffix list is the one shipped in ``publicsuffixlist``.
Error codes are listed in ``docs/validators.md``.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import ipaddress
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal
from zoneinfo import ZoneInfo

import idna
import phonenumbers
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import EmailValidator
from stdnum.cn import ric as stdnum_ric
from stdnum.exceptions import InvalidComponent

from beian.core.errors import BeianError, ErrorItem, error

CST = ZoneInfo("Asia/Shanghai")


def today_cst() -> dt.date:
    """Today's date in China Standard Time (design.md §9)."""
    return dt.datetime.now(CST).date()


def check(func: Callable[..., Any], *args: Any, **kwargs: Any) -> list[ErrorItem]:
    """Run a validator and return its errors instead of raising (``[]`` when the value is valid)."""
    try:
        func(*args, **kwargs)
    except BeianError as exc:
        return list(exc.errors)
    return []


def _nfkc(value: str) -> str:
    """Full-width → half-width, then strip; ``None`` becomes ``""``."""
    return unicodedata.normalize("NFKC", value or "").strip()


# ================================================================ provinces (GB/T 2260 first two digits)

PROVINCE_PREFIXES: dict[str, str] = {
    "11": "北京市", "12": "天津市", "13": "河北省", "14": "山西省", "15": "内蒙古自治区",
    "21": "辽宁省", "22": "吉林省", "23": "黑龙江省",
    "31": "上海市", "32": "江苏省", "33": "浙江省", "34": "安徽省", "35": "福建省", "36": "江西省", "37": "山东省",
    "41": "河南省", "42": "湖北省", "43": "湖南省", "44": "广东省", "45": "广西壮族自治区", "46": "海南省",
    "50": "重庆市", "51": "四川省", "52": "贵州省", "53": "云南省", "54": "西藏自治区",
    "61": "陕西省", "62": "甘肃省", "63": "青海省", "64": "宁夏回族自治区", "65": "新疆维吾尔自治区",
}
"""The 31 mainland province-level divisions by the first two digits of their division code."""

USCC_NATIONAL_PREFIX = "10"
"""Division ``100000`` marks codes issued by national (central) authorities, e.g. ministries (121000…)."""


# ================================================================ resident ID (居民身份证)

MAX_AGE_YEARS = 130


def age_on(birth: dt.date, on: dt.date) -> int:
    """Completed years of age on ``on`` (a person born on 29 Feb turns a year older on 1 Mar in common years)."""
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def resident_id_birth_date(value: str) -> dt.date:
    """The birth date encoded in a (valid) 18-digit resident ID number."""
    number = validate_resident_id(value)
    return dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))


def resident_id_age(value: str, *, on: dt.date | None = None) -> int:
    """Age in completed years on ``on`` (default: today in CST) of the holder of a resident ID."""
    on = on or today_cst()
    return age_on(resident_id_birth_date(value), on)


def validate_resident_id(value: str, *, today: dt.date | None = None, field: str | None = None) -> str:
    """An 18-digit resident ID card number (GB 11643): format, MOD 11-2 check, birth date, area, plausibility.

    Returns the compact number with an upper-case ``X``. Each failure has its own code so the applicant
    knows what to fix; 15-digit (first-generation) numbers are refused with ``ID_LEGACY_15_DIGIT``.
    """
    number = re.sub(r"[\s-]", "", _nfkc(value)).upper()
    if not number:
        raise error("ID_REQUIRED", "请填写身份证号码。", "Enter the resident ID number.", field=field)
    if len(number) == 15 and number.isdigit():
        raise error("ID_LEGACY_15_DIGIT", "不支持 15 位第一代身份证号码，请填写 18 位号码。",
                    "15-digit first-generation ID numbers are not accepted; enter the 18-digit number.", field=field)
    if len(number) != 18:
        raise error("ID_LENGTH", "身份证号码应为 18 位。", "A resident ID number has 18 characters.", field=field)
    if not (number[:17].isdigit() and number[:17].isascii() and (number[17].isdigit() or number[17] == "X")):
        raise error("ID_FORMAT", "身份证号码应为 17 位数字加 1 位数字或 X。",
                    "A resident ID number is 17 digits followed by a digit or X.", field=field)
    if stdnum_ric.calc_check_digit(number) != number[17]:
        raise error("ID_CHECKSUM", "身份证号码校验位不正确，请核对。",
                    "The check character of the ID number is wrong; please check the number.", field=field)
    year, month, day = int(number[6:10]), int(number[10:12]), int(number[12:14])
    try:
        birth = dt.date(year, month, day)
    except ValueError:
        raise error("ID_BIRTH_DATE_INVALID", f"身份证号码中的出生日期 {year}年{month}月{day}日 不存在。",
                    f"The birth date in the ID number ({year:04d}-{month:02d}-{day:02d}) does not exist.", field=field)
    today = today or today_cst()
    if birth > today:
        raise error("ID_BIRTH_DATE_FUTURE", "身份证号码中的出生日期晚于今天。",
                    "The birth date in the ID number is in the future.", field=field)
    if age_on(birth, today) >= MAX_AGE_YEARS:
        raise error("ID_BIRTH_DATE_IMPLAUSIBLE", f"身份证号码中的出生日期早于 {MAX_AGE_YEARS} 年前，请核对。",
                    f"The birth date in the ID number is more than {MAX_AGE_YEARS} years ago; please check.",
                    field=field)
    if not _division_known(number[:6], number[6:10]):
        raise error("ID_AREA_UNKNOWN", "身份证号码前 6 位不是有效的行政区划代码。",
                    "The first 6 digits of the ID number are not a known division code.", field=field)
    return number


@functools.lru_cache(maxsize=8192)
def _division_known(division: str, year: str) -> bool:
    """Whether a resident ID's first 6 digits name a division that existed in its birth year (stdnum's table
    walk, ≈ 65 µs: kept per code and year)."""
    try:
        stdnum_ric.get_birth_place(division + year + "0101" + "0000")
    except InvalidComponent:
        return False
    return True


# ================================================================ USCC and organisation code

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # GB 32100: no I, O, Z, S, V
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
USCC_REGISTRATION_AUTHORITIES = {
    "1": "机构编制", "2": "外交", "3": "司法行政", "4": "文化", "5": "民政", "6": "旅游", "7": "宗教",
    "8": "工会", "9": "工商（市场监管）", "A": "中央军委改革和编制办公室", "N": "农业", "Y": "其他",
}


def uscc_check_char(first17: str) -> str:
    """GB 32100 / GB/T 17710 (ISO 7064 MOD 31-3) check character of the first 17 characters."""
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def org_code_check_char(first8: str) -> str:
    """GB 11714 check character of an organisation code's first 8 characters (``X`` for 10)."""
    total = sum((int(c) if c.isdigit() else ord(c) - 55) * w for c, w in zip(first8, _ORG_WEIGHTS, strict=True))
    check = (11 - total % 11) % 11
    return "X" if check == 10 else str(check)


def validate_uscc(value: str, *, field: str | None = None) -> str:
    """A unified social credit code (GB 32100-2015), checked fully — stdnum's own check is incomplete.

    Verifies: 18 characters from the GB 32100 alphabet (no I, O, Z, S, V); a known registration authority
    (digits 1–9 or ``A``/``N``/``Y``); a division code whose first two digits name a real province (or
    ``10`` for national authorities); the inner GB 11714 organisation-code check digit (positions 9–17);
    the final check character. Returns the compact upper-case code.
    """
    number = re.sub(r"[\s-]", "", _nfkc(value)).upper()
    if not number:
        raise error("USCC_REQUIRED", "请填写统一社会信用代码。", "Enter the unified social credit code.", field=field)
    if len(number) != 18:
        raise error("USCC_LENGTH", "统一社会信用代码应为 18 位。", "A unified social credit code has 18 characters.",
                    field=field)
    bad = sorted({c for c in number if c not in USCC_ALPHABET})
    if bad:
        raise error("USCC_CHARSET", f"统一社会信用代码含有不允许的字符：{''.join(bad)}（不使用 I、O、Z、S、V）。",
                    f"The code contains characters that are not allowed: {''.join(bad)} (I, O, Z, S, V are never "
                    "used).", field=field)
    if number[0] not in USCC_REGISTRATION_AUTHORITIES:
        raise error("USCC_REGISTRATION_AUTHORITY", "统一社会信用代码第 1 位（登记管理部门代码）无效。",
                    "The first character (registration authority) of the code is not valid.", field=field)
    division = number[2:8]
    if not division.isdigit() or (division[:2] not in PROVINCE_PREFIXES and division[:2] != USCC_NATIONAL_PREFIX):
        raise error("USCC_DIVISION", "统一社会信用代码第 3–8 位不是有效的行政区划代码。",
                    "Characters 3–8 of the code are not a valid administrative division code.", field=field)
    if number[-1] != uscc_check_char(number[:17]):
        raise error("USCC_CHECKSUM", "统一社会信用代码校验位（第 18 位）不正确，请核对。",
                    "The check character (18th) of the code is wrong; please check the code.", field=field)
    if org_code_check_char(number[8:16]) != number[16]:
        raise error("USCC_ORG_CODE_CHECKSUM", "统一社会信用代码第 9–17 位（组织机构代码）校验位不正确，请核对。",
                    "The organisation code inside the credit code (characters 9–17) has a wrong check digit.",
                    field=field)
    return number


def validate_org_code(value: str, *, field: str | None = None) -> str:
    """A 9-character organisation code (GB 11714), also accepted as ``XXXXXXXX-X``; returns it without hyphen."""
    number = re.sub(r"[\s-]", "", _nfkc(value)).upper()
    if not number:
        raise error("ORG_CODE_REQUIRED", "请填写组织机构代码。", "Enter the organisation code.", field=field)
    if not re.fullmatch(r"[0-9A-Z]{8}[0-9X]", number):
        raise error("ORG_CODE_FORMAT", "组织机构代码应为 8 位数字或大写字母加 1 位校验码。",
                    "An organisation code is 8 digits or capital letters followed by a check character.",
                    field=field)
    if org_code_check_char(number[:8]) != number[8]:
        raise error("ORG_CODE_CHECKSUM", "组织机构代码校验位不正确，请核对。",
                    "The check character of the organisation code is wrong.", field=field)
    return number


# ================================================================ certificate numbers by catalogue format

CertificateFormat = Literal["uscc", "resident_id", "org_code", "loose"]
_LOOSE = re.compile(r"[0-9A-Z()\-]{2,40}")


def validate_loose_certificate_number(value: str, *, field: str | None = None) -> str:
    """Other certificates (no published format, icp §2.4): 2–40 letters, digits, brackets or hyphens."""
    number = re.sub(r"\s", "", _nfkc(value)).upper()  # NFKC: full-width （） → ()
    if not number:
        raise error("CERTIFICATE_NUMBER_REQUIRED", "请填写证件号码。", "Enter the certificate number.", field=field)
    if not _LOOSE.fullmatch(number):
        raise error("CERTIFICATE_NUMBER_FORMAT", "证件号码应为 2–40 位字母、数字、括号或连字符。",
                    "A certificate number is 2–40 letters, digits, brackets or hyphens.", field=field)
    return number


_BY_FORMAT: dict[str, Callable[..., str]] = {
    "uscc": validate_uscc, "resident_id": validate_resident_id, "org_code": validate_org_code,
    "loose": validate_loose_certificate_number,
}


def validate_certificate_number(number: str, number_format: str, *, field: str | None = None,
                                today: dt.date | None = None) -> str:
    """Validate ``number`` by a ``registry.CertificateType.Format`` value; returns the normalised number."""
    func = _BY_FORMAT.get(number_format, validate_loose_certificate_number)
    if func is validate_resident_id:
        return func(number, today=today, field=field)
    return func(number, field=field)


# ================================================================ certificate validity period

def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus calendar months, clamped to the month's end (2025-11-30 + 3 → 2026-02-28)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def certificate_valid_for(valid_to: dt.date | None, *, on: dt.date, months: int = 3) -> bool:
    """True when a certificate has MORE than ``months`` calendar months left on ``on``.

    ``valid_to=None`` is long-term (长期) and always valid. A certificate ending exactly ``months`` months
    after ``on`` has not "more than" that left and fails (design.md §9: 3 calendar months from submission).
    """
    if valid_to is None:
        return True
    return valid_to > add_months(on, months)


def validate_certificate_validity(valid_from: dt.date | None, valid_to: dt.date | None, *, on: dt.date,
                                  months: int = 3, field: str | None = None) -> None:
    """Refuse an inverted, not-yet-valid, expired or soon-expiring certificate period (icp §5.6)."""
    if valid_from and valid_to and valid_from > valid_to:
        raise error("CERTIFICATE_VALIDITY_ORDER", "证件有效期的起始日期晚于截止日期。",
                    "The certificate's validity starts after it ends.", field=field)
    if valid_from and valid_from > on:
        raise error("CERTIFICATE_NOT_YET_VALID", f"证件有效期自 {valid_from.isoformat()} 起，尚未生效。",
                    f"The certificate is valid only from {valid_from.isoformat()}.", field=field)
    if valid_to is not None and valid_to < on:
        raise error("CERTIFICATE_EXPIRED", f"证件已于 {valid_to.isoformat()} 过期，请更换有效证件。",
                    f"The certificate expired on {valid_to.isoformat()}; use a valid certificate.", field=field)
    if not certificate_valid_for(valid_to, on=on, months=months):
        raise error("CERTIFICATE_EXPIRES_SOON",
                    f"证件将于 {valid_to.isoformat()} 到期，剩余有效期须超过 {months} 个月，请更换证件后再提交。",
                    f"The certificate expires on {valid_to.isoformat()}; more than {months} months of validity are "
                    "required. Renew it first.", field=field)


# ================================================================ phones and e-mail

def _parse_cn_phone(value: str) -> phonenumbers.PhoneNumber | None:
    text = _nfkc(value)
    if not text or len(text) > 30:
        return None
    try:
        return phonenumbers.parse(text, "CN")
    except phonenumbers.NumberParseException:
        return None


def validate_mobile(value: str, *, field: str | None = None) -> str:
    """A mainland China mobile number; accepts ``+86``, ``0086``, spaces and hyphens; returns 11 digits."""
    if not _nfkc(value):
        raise error("MOBILE_REQUIRED", "请填写手机号码。", "Enter the mobile number.", field=field)
    parsed = _parse_cn_phone(value)
    if parsed is None or not phonenumbers.is_valid_number(parsed):
        raise error("MOBILE_INVALID", "手机号码无效。", "The mobile number is not valid.", field=field)
    if parsed.country_code != 86:
        raise error("MOBILE_NOT_MAINLAND", "请填写中国大陆手机号码（+86）。",
                    "Enter a mainland China mobile number (+86).", field=field)
    if phonenumbers.number_type(parsed) != phonenumbers.PhoneNumberType.MOBILE:
        raise error("MOBILE_NOT_MOBILE", "该号码不是手机号码，需要能接收短信核验的手机号。",
                    "This is not a mobile number; a number that can receive the SMS check is needed.", field=field)
    return str(parsed.national_number)


def validate_phone(value: str, *, field: str | None = None) -> str:
    """A mainland phone (mobile or fixed line, e.g. the emergency phone): mobiles → 11 digits, fixed lines →
    ``0`` + area code + number, digits only."""
    if not _nfkc(value):
        raise error("PHONE_REQUIRED", "请填写电话号码。", "Enter the phone number.", field=field)
    parsed = _parse_cn_phone(value)
    if parsed is None or not phonenumbers.is_valid_number(parsed) or parsed.country_code != 86:
        raise error("PHONE_INVALID", "电话号码无效，请填写中国大陆手机或带区号的固定电话。",
                    "The phone number is not valid; enter a mainland mobile or a fixed line with area code.",
                    field=field)
    if phonenumbers.number_type(parsed) == phonenumbers.PhoneNumberType.MOBILE:
        return str(parsed.national_number)
    return "0" + str(parsed.national_number)


_email_validator = EmailValidator()


def validate_email(value: str, *, field: str | None = None) -> str:
    """An e-mail address (Django's ``EmailValidator``); the domain part is lower-cased."""
    text = (value or "").strip()
    if not text:
        raise error("EMAIL_REQUIRED", "请填写电子邮箱。", "Enter the e-mail address.", field=field)
    try:
        if len(text) > 254:
            raise DjangoValidationError("too long")
        _email_validator(text)
    except DjangoValidationError:
        raise error("EMAIL_INVALID", "电子邮箱格式不正确。", "The e-mail address is not valid.", field=field)
    local, _, domain = text.rpartition("@")
    return f"{local}@{domain.lower()}"


# ================================================================ domain names

@dataclass(frozen=True)
class DomainName:
    """A host name in Unicode and ASCII (punycode) form with its registrable domain (ICANN section of the PSL)."""

    unicode: str
    ascii: str
    registrable_unicode: str
    registrable_ascii: str

    @property
    def is_registrable(self) -> bool:
        return self.ascii == self.registrable_ascii


@functools.cache
def _psl():
    from publicsuffixlist import PublicSuffixList

    # ICANN rules only: private suffixes (github.io, blogspot.com …) are not registries (design.md §4).
    return PublicSuffixList(only_icann=True, accept_unknown=False)


def _domain_error(code: str, zh: str, en: str, field: str | None) -> BeianError:
    return error(code, zh, en, field=field)


@functools.lru_cache(maxsize=8192)  # pure, and a submission asks for the same names several times (rules, locks)
def normalize_domain(value: str, *, field: str | None = None) -> DomainName:
    """Normalise a domain typed in any form (UTS 46: full-width letters, ``。``, upper case, trailing dot).

    ``例子。中国`` → ``例子.中国`` / ``xn--fsqu00a.xn--fiqs8s``; ``WWW.Example.COM.cn.`` → registrable
    ``example.com.cn``. Refuses IP literals, URLs, empty or over-long labels and names, unknown TLDs and a
    bare public suffix.
    """
    text = (value or "").strip()
    if not text:
        raise _domain_error("DOMAIN_REQUIRED", "请填写域名。", "Enter the domain name.", field)
    if len(text) > 1000:
        raise _domain_error("DOMAIN_TOO_LONG", "域名过长（最多 253 个字符）。",
                            "The domain name is too long (at most 253 characters).", field)
    try:
        ipaddress.ip_address(text.strip("[]"))
        raise _domain_error("DOMAIN_IP_LITERAL", "请填写域名，而不是 IP 地址。",
                            "Enter a domain name, not an IP address.", field)
    except ValueError:
        pass
    if any(c in text for c in "/:@?#"):
        raise _domain_error("DOMAIN_FORMAT", "请只填写域名，不要包含 http://、路径或端口。",
                            "Enter the domain name only, without http://, a path or a port.", field)
    try:
        mapped = idna.uts46_remap(text, std3_rules=False, transitional=False)
    except idna.IDNAError:
        raise _domain_error("DOMAIN_INVALID", "域名包含不允许的字符。", "The domain name contains invalid characters.",
                            field)
    if mapped.endswith("."):
        mapped = mapped[:-1]
    if re.fullmatch(r"[0-9.]+", mapped):  # 1.2.3.4 after mapping full-width digits; 1.2.3, 010.1.1.1 too
        raise _domain_error("DOMAIN_IP_LITERAL", "请填写域名，而不是 IP 地址。",
                            "Enter a domain name, not an IP address.", field)
    labels = mapped.split(".")
    if any(label == "" for label in labels):
        raise _domain_error("DOMAIN_EMPTY_LABEL", "域名中有空的部分（连续的点或以点开头）。",
                            "The domain name has an empty label (two dots in a row or a leading dot).", field)
    ascii_labels = []
    for label in labels:
        try:
            encoded = idna.encode(label, uts46=False).decode("ascii")
        except idna.IDNAError:
            if len(label) > 63:
                raise _domain_error("DOMAIN_LABEL_TOO_LONG", "域名的每一段最长 63 个字符。",
                                    "Each label of a domain name is at most 63 characters long.", field)
            raise _domain_error("DOMAIN_INVALID",
                                f"域名中的“{label[:63]}”无效：只能包含字母、数字、连字符或汉字，且不能以连字符开头或结尾。",
                                f"The label '{label[:63]}' is not valid: use letters, digits, hyphens or Chinese "
                                "characters, not starting or ending with a hyphen.", field)
        if len(encoded) > 63:
            raise _domain_error("DOMAIN_LABEL_TOO_LONG", "域名的每一段最长 63 个字符。",
                                "Each label of a domain name is at most 63 characters long.", field)
        ascii_labels.append(encoded)
    ascii_name = ".".join(ascii_labels)
    if len(ascii_name) > 253:
        raise _domain_error("DOMAIN_TOO_LONG", "域名过长（最多 253 个字符）。",
                            "The domain name is too long (at most 253 characters).", field)
    unicode_name = ".".join(idna.decode(label) if label.startswith("xn--") else label for label in ascii_labels)
    psl = _psl()
    if psl.publicsuffix(ascii_name) is None:
        raise _domain_error("DOMAIN_UNKNOWN_TLD", f"顶级域“{unicode_name.rsplit('.', 1)[-1]}”不存在。",
                            f"The top-level domain '{unicode_name.rsplit('.', 1)[-1]}' does not exist.", field)
    registrable = psl.privatesuffix(ascii_name)
    if registrable is None:
        raise _domain_error("DOMAIN_PUBLIC_SUFFIX", f"“{unicode_name}”是公共后缀，不能备案，请填写完整域名。",
                            f"'{unicode_name}' is a public suffix and cannot be filed; enter the full domain.", field)
    registrable_unicode = ".".join(idna.decode(p) if p.startswith("xn--") else p for p in registrable.split("."))
    return DomainName(unicode=unicode_name, ascii=ascii_name, registrable_unicode=registrable_unicode,
                      registrable_ascii=registrable)


def registrable_domain(value: str, *, field: str | None = None) -> str:
    """The registrable domain in Unicode form (what a website's ``domains`` list holds)."""
    return normalize_domain(value, field=field).registrable_unicode


# ================================================================ IP addresses and ranges

MAX_IPV4_RANGE = 65_536  # a /16
MAX_IPV6_RANGE = 2**64  # a /64

_SPECIAL_NETWORKS = [ipaddress.ip_network(n) for n in (
    # IPv4 special-purpose registry (RFC 6890 and successors)
    "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12", "192.0.0.0/24",
    "192.0.2.0/24", "192.31.196.0/24", "192.52.193.0/24", "192.88.99.0/24", "192.168.0.0/16", "192.175.48.0/24",
    "198.18.0.0/15", "198.51.100.0/24", "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4",
    # IPv6 special-purpose registry
    "::/127", "::ffff:0:0/96", "64:ff9b:1::/48", "100::/64", "2001::/23", "2001:db8::/32", "2002::/16",
    "3fff::/20", "5f00::/16", "fc00::/7", "fe80::/10", "fec0::/10", "ff00::/8", "64:ff9b::/96",
)]


def _kind(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> tuple[str, str]:
    if ip.is_loopback:
        return "环回地址", "loopback"
    if ip.is_link_local:
        return "链路本地地址", "link-local"
    if ip.is_multicast:
        return "组播地址", "multicast"
    if ip.is_unspecified:
        return "未指定地址", "unspecified"
    if ip.is_private:
        return "内网或保留地址", "private or reserved"
    return "保留地址", "reserved"


def _is_public(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if ip.version == 6 and ip.ipv4_mapped is not None:
        return False
    return bool(ip.is_global and not ip.is_multicast and not ip.is_reserved
                and not any(ip in net for net in _SPECIAL_NETWORKS if net.version == ip.version))


@functools.lru_cache(maxsize=8192)  # pure; a submission checks each address several times (format, region, provider)
def validate_ip(value: str, *, field: str | None = None) -> str:
    """A public unicast IPv4 or IPv6 address; returns its compressed text form."""
    text = _nfkc(value)
    if not text:
        raise error("IP_REQUIRED", "请填写 IP 地址。", "Enter the IP address.", field=field)
    try:
        ip = ipaddress.ip_address(text)
    except ValueError:
        raise error("IP_INVALID", "IP 地址格式不正确。", "The IP address is not valid.", field=field)
    if not _is_public(ip):
        zh, en = _kind(ip)
        raise error("IP_NOT_PUBLIC", f"{ip} 是{zh}，请填写公网 IP 地址。",
                    f"{ip} is a {en} address; enter a public IP address.", field=field)
    return str(ip)


@functools.lru_cache(maxsize=8192)  # pure, as validate_ip
def validate_ip_range(start: str, end: str | None = None, *, field: str | None = None) -> tuple[str, str]:
    """A range of public unicast addresses of one family (a single IP: ``end`` empty or equal to ``start``).

    Refuses ranges that run backwards, mix families, cross any special-purpose block or are larger than
    ``MAX_IPV4_RANGE`` / ``MAX_IPV6_RANGE`` addresses. Returns ``(start, end)`` normalised.
    """
    first = ipaddress.ip_address(validate_ip(start, field=field))
    last = ipaddress.ip_address(validate_ip(end, field=field)) if _nfkc(end or "") else first
    if first.version != last.version:
        raise error("IP_RANGE_FAMILY", "起始和结束地址须同为 IPv4 或同为 IPv6。",
                    "Start and end must both be IPv4 or both IPv6.", field=field)
    if int(first) > int(last):
        raise error("IP_RANGE_ORDER", "起始地址大于结束地址。", "The start address is after the end address.",
                    field=field)
    size = int(last) - int(first) + 1
    cap = MAX_IPV4_RANGE if first.version == 4 else MAX_IPV6_RANGE
    if size > cap:
        raise error("IP_RANGE_TOO_LARGE", f"IP 地址段过大（最多 {cap} 个地址）。",
                    f"The IP range is too large (at most {cap} addresses).", field=field)
    for net in _SPECIAL_NETWORKS:
        if net.version == first.version and int(first) <= int(net.broadcast_address) \
                and int(last) >= int(net.network_address):
            raise error("IP_RANGE_NOT_PUBLIC", f"IP 地址段包含非公网地址（{net}）。",
                        f"The IP range includes non-public addresses ({net}).", field=field)
    return str(first), str(last)


# ================================================================ filing and licence numbers

PROVINCE_ABBRS: dict[str, str] = {
    "京": "110000", "津": "120000", "冀": "130000", "晋": "140000", "蒙": "150000", "辽": "210000", "吉": "220000",
    "黑": "230000", "沪": "310000", "苏": "320000", "浙": "330000", "皖": "340000", "闽": "350000", "赣": "360000",
    "鲁": "370000", "豫": "410000", "鄂": "420000", "湘": "430000", "粤": "440000", "桂": "450000", "琼": "460000",
    "渝": "500000", "蜀": "510000", "川": "510000", "黔": "520000", "滇": "530000", "藏": "540000", "陕": "610000",
    "陇": "620000", "甘": "620000", "青": "630000", "宁": "640000", "新": "650000",
}
"""Abbreviation in ICP numbers → province division code (icp §2.7); 川 and 甘 are accepted when parsing.

A static copy for parsing without the database; the ``registry.Province`` table is what issues numbers."""

_ABBR = "[" + "".join(PROVINCE_ABBRS) + "]"
_DASHES = str.maketrans({c: "-" for c in "‐‑‒–—―−－﹣"})
# modern 浙ICP备2021012345号-3, legacy 滇ICP备09010050-5号, and both without the final 号
_FILING = re.compile(rf"(?P<abbr>{_ABBR})ICP备(?P<serial>\d{{6,10}})"
                     r"(?:号(?:-(?P<suffix>\d{1,4}))?|-(?P<legacy>\d{1,4})号?)?")
_ICP_LICENCE = re.compile(rf"(?P<abbr>{_ABBR})ICP证(?P<serial>\d{{6,10}})号?")
_TELECOM_LICENCE = re.compile(rf"(?P<abbr>{_ABBR})(?P<cls>[AB][12])-(?P<serial>\d{{8}})"
                              r"(?:-(?P<extra>[0-9A-Z]{1,10}))?")


@dataclass(frozen=True)
class FilingNumber:
    """A parsed ICP filing number (``kind="filing"``) or an ICP / value-added telecom licence (``"licence"``)."""

    abbr: str
    province_code: str
    serial: str
    website_suffix: int | None
    kind: Literal["filing", "licence"]
    normalized: str

    @property
    def entity_number(self) -> str | None:
        """The entity's filing number (without ``-N``); None for licences."""
        if self.kind != "filing":
            return None
        return f"{self.abbr}ICP备{self.serial}号"

    @property
    def is_website(self) -> bool:
        return self.kind == "filing" and self.website_suffix is not None


def _number_text(text: str) -> str:
    return re.sub(r"\s+", "", _nfkc(text).translate(_DASHES)).replace("icp", "ICP").replace("Icp", "ICP")


def parse_filing_number(text: str, *, field: str | None = None) -> FilingNumber:
    """Parse a filing or licence number, leniently.

    Accepts full-width digits and hyphens, spaces, 6–10 digit serials, the entity form ``浙ICP备2024012345号``,
    the website form ``…号-3``, the legacy form ``滇ICP备09010050-5号`` (normalised to ``滇ICP备09010050号-5``),
    川/蜀 and 甘/陇; recognises ``京ICP证030173号``, ``粤B2-20090059`` and ``粤B2-20090059-1626X`` as licences.
    """
    raw = _number_text(text)
    if not raw:
        raise error("FILING_NUMBER_REQUIRED", "请填写备案号。", "Enter the filing number.", field=field)
    upper = raw.upper()
    if m := _TELECOM_LICENCE.fullmatch(upper):
        normalized = f"{m['abbr']}{m['cls']}-{m['serial']}" + (f"-{m['extra']}" if m["extra"] else "")
        return FilingNumber(abbr=m["abbr"], province_code=PROVINCE_ABBRS[m["abbr"]], serial=m["serial"],
                            website_suffix=None, kind="licence", normalized=normalized)
    if m := _ICP_LICENCE.fullmatch(upper):
        return FilingNumber(abbr=m["abbr"], province_code=PROVINCE_ABBRS[m["abbr"]], serial=m["serial"],
                            website_suffix=None, kind="licence", normalized=f"{m['abbr']}ICP证{m['serial']}号")
    m = _FILING.fullmatch(upper)
    if m is None:
        if re.match(r"^.ICP[备证]", upper) and upper[0] not in PROVINCE_ABBRS:
            raise error("FILING_NUMBER_PROVINCE", f"备案号的省份简称“{upper[0]}”无效。",
                        f"'{upper[0]}' is not a province abbreviation used in filing numbers.", field=field)
        raise error("FILING_NUMBER_FORMAT", "备案号格式不正确，应类似 浙ICP备2024012345号 或 浙ICP备2024012345号-1。",
                    "The filing number is not valid; it looks like 浙ICP备2024012345号 or 浙ICP备2024012345号-1.",
                    field=field)
    suffix_text = m["suffix"] or m["legacy"]
    suffix = int(suffix_text) if suffix_text else None
    if suffix == 0:
        raise error("FILING_NUMBER_FORMAT", "网站备案号的序号从 1 开始。", "Website suffixes start at 1.", field=field)
    normalized = f"{m['abbr']}ICP备{m['serial']}号" + (f"-{suffix}" if suffix is not None else "")
    return FilingNumber(abbr=m["abbr"], province_code=PROVINCE_ABBRS[m["abbr"]], serial=m["serial"],
                        website_suffix=suffix, kind="filing", normalized=normalized)


def format_entity_number(abbr: str, year: int, serial: int) -> str:
    """``浙``, 2024, 12345 → ``浙ICP备2024012345号`` (4-digit year + 6-digit zero-padded serial)."""
    if abbr not in PROVINCE_ABBRS:
        raise ValueError(f"unknown province abbreviation {abbr!r}")
    if not 1000 <= year <= 9999 or not 1 <= serial <= 999_999:
        raise ValueError("year must have 4 digits and serial be 1–999999")
    return f"{abbr}ICP备{year:04d}{serial:06d}号"


def format_website_number(entity_number: str, suffix: int) -> str:
    """``浙ICP备2024012345号``, 3 → ``浙ICP备2024012345号-3``."""
    parsed = parse_filing_number(entity_number)
    if parsed.kind != "filing" or parsed.website_suffix is not None:
        raise ValueError(f"not an entity filing number: {entity_number!r}")
    if suffix < 1:
        raise ValueError("website suffixes start at 1")
    return f"{parsed.normalized}-{suffix}"
