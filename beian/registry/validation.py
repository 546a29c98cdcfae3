"""Validate a ``FilingState`` against the catalogue TABLES (design.md §5.1, icp-domain.md §9).

Entity types, certificate types and their binding to entity types, provinces, service content, languages,
pre-approval types and access methods are read from the database on every call, so an operator's edit in
the admin changes what is accepted without a code change. Field formats (IDs, credit codes, domains,
phones, IP ranges) come from :mod:`beian.core.validators`.

Every error's ``field`` is the field path of design.md §5.1, e.g. ``websites[n1].domains`` or
``websites[12].access[a1].ip_ranges``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from beian.core import validators as v
from beian.core.errors import BeianError, ErrorItem
from beian.core.state import FilingState, PrincipalState
from beian.core.tablecache import TableCache
from beian.registry.models import (
    AccessMethod,
    CertificateType,
    EntityType,
    Language,
    PreApprovalType,
    Province,
    ServiceContent,
)


@dataclass
class _Catalogues:
    entity_types: dict[str, EntityType]
    certificate_types: dict[str, CertificateType]
    bindings: dict[str, set[str]]  # certificate type name → entity type names
    provinces: set[str]
    service_content: dict[str, ServiceContent]
    languages: set[str]
    pre_approval_types: set[str]
    access_methods: set[str]

    @classmethod
    def load(cls) -> _Catalogues:
        bindings: dict[str, set[str]] = {}
        for cert_name, type_name in CertificateType.entity_types.through.objects.values_list(
                "certificatetype__name", "entitytype__name"):
            bindings.setdefault(cert_name, set()).add(type_name)
        return cls(
            entity_types={t.name: t for t in EntityType.objects.all()},
            certificate_types={c.name: c for c in CertificateType.objects.all()},
            bindings=bindings,
            provinces=set(Province.objects.values_list("code", flat=True)),
            service_content={s.name: s for s in ServiceContent.objects.filter(active=True)},
            languages=set(Language.objects.filter(active=True).values_list("name", flat=True)),
            pre_approval_types=set(PreApprovalType.objects.filter(active=True).values_list("name", flat=True)),
            access_methods=set(AccessMethod.objects.filter(active=True).values_list("name", flat=True)),
        )


# Read on every check, changed rarely: one process-wide copy kept current through the shared cache.
_CATALOGUES = TableCache("beian:registry:catalogue-token", lambda: _Catalogues.load())
_CATALOGUES.watch(EntityType, CertificateType, Province, ServiceContent, Language, PreApprovalType, AccessMethod,
                  m2m=(CertificateType.entity_types.through,))


def _item(code: str, zh: str, en: str, field: str) -> ErrorItem:
    return ErrorItem(code=code, message_zh=zh, message_en=en, field=field)


def _required(value: str, path: str, label_zh: str, label_en: str) -> ErrorItem | None:
    if value and value.strip():
        return None
    return _item("FIELD_REQUIRED", f"请填写{label_zh}。", f"Enter the {label_en}.", path)


def _run(errors: list[ErrorItem], func, *args, **kwargs):
    """Call a validator; collect its error and return None on failure, else its value."""
    try:
        return func(*args, **kwargs)
    except BeianError as exc:
        errors.extend(exc.errors)
        return None


def _principal_errors(p: PrincipalState, path: str, cat: _Catalogues, on: dt.date | None) -> list[ErrorItem]:
    errors: list[ErrorItem] = []
    for value, name, zh, en in ((p.name, "name", "负责人姓名", "principal's name"),
                                (p.certificate_type, "certificate_type", "负责人证件类型",
                                 "principal's certificate type"),
                                (p.certificate_number, "certificate_number", "负责人证件号码",
                                 "principal's certificate number")):
        if item := _required(value, f"{path}.{name}", zh, en):
            errors.append(item)
    if p.certificate_type:
        cert = cat.certificate_types.get(p.certificate_type)
        if cert is None or not cert.active or not cert.for_person:
            errors.append(_item("PRINCIPAL_CERTIFICATE_TYPE_INVALID",
                                f"“{p.certificate_type}”不是可用于负责人的个人证件类型。",
                                f"'{p.certificate_type}' is not a personal certificate type allowed for principals.",
                                f"{path}.certificate_type"))
        elif p.certificate_number:
            _run(errors, v.validate_certificate_number, p.certificate_number, cert.number_format,
                 field=f"{path}.certificate_number", today=on)
    if p.valid_from and p.valid_to and p.valid_from > p.valid_to:
        errors.append(_item("CERTIFICATE_VALIDITY_ORDER", "证件有效期的起始日期晚于截止日期。",
                            "The certificate's validity starts after it ends.", f"{path}.valid_to"))
    elif on is not None:
        _run(errors, v.validate_certificate_validity, p.valid_from, p.valid_to, on=on, field=f"{path}.valid_to")
    mobile = _run(errors, v.validate_mobile, p.mobile, field=f"{path}.mobile")
    if p.emergency_phone:
        emergency = _run(errors, v.validate_phone, p.emergency_phone, field=f"{path}.emergency_phone")
        if mobile and emergency and mobile == emergency:
            errors.append(_item("EMERGENCY_PHONE_SAME_AS_MOBILE", "应急联系电话不能与负责人手机号码相同。",
                                "The emergency phone must differ from the principal's mobile.",
                                f"{path}.emergency_phone"))
    _run(errors, v.validate_email, p.email, field=f"{path}.email")
    return errors


def filing_state_errors(state: FilingState, *, on: dt.date | None = None) -> list[ErrorItem]:
    """Every catalogue and format error of ``state`` (empty when it is acceptable).

    ``on`` (a date, normally the submission day in CST) also checks the principals' certificate validity
    (more than 3 months left, icp §5.6); without it the validity period is only checked for order.
    Cross-record rules (phone reuse across entities, province rules, naming words) belong to the rules engine.
    """
    cat = _CATALOGUES.get()
    errors: list[ErrorItem] = []
    e = state.entity

    for value, name, zh, en in ((e.type, "type", "主办单位性质", "entity type"),
                                (e.name, "name", "主办单位名称", "entity name"),
                                (e.certificate_type, "certificate_type", "主办单位证件类型", "certificate type"),
                                (e.certificate_number, "certificate_number", "主办单位证件号码", "certificate number"),
                                (e.province, "province", "备案省份", "filing province")):
        if item := _required(value, f"entity.{name}", zh, en):
            errors.append(item)

    entity_type = cat.entity_types.get(e.type) if e.type else None
    if e.type and entity_type is None:
        errors.append(_item("ENTITY_TYPE_UNKNOWN", f"主办单位性质“{e.type}”不存在。",
                            f"The entity type '{e.type}' does not exist.", "entity.type"))
    elif entity_type is not None and not entity_type.active:
        errors.append(_item("ENTITY_TYPE_INACTIVE", f"主办单位性质“{e.type}”已停用，请重新选择。",
                            f"The entity type '{e.type}' is no longer available; choose another.", "entity.type"))

    if e.certificate_type:
        cert = cat.certificate_types.get(e.certificate_type)
        if cert is None or not cert.active:
            errors.append(_item("CERTIFICATE_TYPE_UNKNOWN", f"证件类型“{e.certificate_type}”不存在或已停用。",
                                f"The certificate type '{e.certificate_type}' does not exist or is no longer "
                                "available.", "entity.certificate_type"))
        else:
            if entity_type is not None and e.type not in cat.bindings.get(cert.name, set()):
                errors.append(_item("CERTIFICATE_TYPE_NOT_ALLOWED",
                                    f"主办单位性质“{e.type}”不能使用证件类型“{cert.name}”。",
                                    f"The certificate type '{cert.name}' cannot be used by entity type '{e.type}'.",
                                    "entity.certificate_type"))
            if e.certificate_number:
                _run(errors, v.validate_certificate_number, e.certificate_number, cert.number_format,
                     field="entity.certificate_number", today=on)

    if e.province and e.province not in cat.provinces:
        errors.append(_item("PROVINCE_UNKNOWN", f"备案省份代码“{e.province}”不存在。",
                            f"The filing province code '{e.province}' does not exist.", "entity.province"))

    errors += _principal_errors(e.principal, "entity.principal", cat, on)
    individual = bool(entity_type and entity_type.is_individual)

    seen_domains: dict[str, str] = {}
    for w in state.websites:
        base = f"websites[{w.key}]"
        if item := _required(w.name, f"{base}.name", "网站名称", "website name"):
            errors.append(item)
        if not w.domains:
            errors.append(_item("FIELD_REQUIRED", "请填写网站域名。", "Enter the website's domain.", f"{base}.domains"))
        for raw in w.domains:
            domain = _run(errors, v.normalize_domain, raw, field=f"{base}.domains")
            if domain is None:
                continue
            other = seen_domains.get(domain.registrable_ascii)
            if other is not None:
                errors.append(_item("DOMAIN_DUPLICATE", f"域名“{domain.registrable_unicode}”重复填写。",
                                    f"The domain '{domain.registrable_unicode}' is listed more than once.",
                                    f"{base}.domains"))
            seen_domains[domain.registrable_ascii] = w.key

        for name in w.service_content:
            item = cat.service_content.get(name)
            if item is None:
                errors.append(_item("SERVICE_CONTENT_UNKNOWN", f"网站服务内容“{name}”不存在或已停用。",
                                    f"The service content '{name}' does not exist or is no longer available.",
                                    f"{base}.service_content"))
            elif individual and not item.individual_allowed:
                errors.append(_item("SERVICE_CONTENT_NOT_FOR_INDIVIDUAL", f"个人网站不能选择服务内容“{name}”。",
                                    f"Individuals cannot choose the service content '{name}'.",
                                    f"{base}.service_content"))
        for name in w.languages:
            if name not in cat.languages:
                errors.append(_item("LANGUAGE_UNKNOWN", f"网站语言“{name}”不存在或已停用。",
                                    f"The language '{name}' does not exist or is no longer available.",
                                    f"{base}.languages"))
        for pre in w.pre_approvals:
            if pre.type not in cat.pre_approval_types:
                errors.append(_item("PRE_APPROVAL_TYPE_UNKNOWN", f"前置审批类型“{pre.type}”不存在或已停用。",
                                    f"The pre-approval type '{pre.type}' does not exist or is no longer available.",
                                    f"{base}.pre_approvals"))

        errors += _principal_errors(w.principal, f"{base}.principal", cat, on)

        for a in w.access:
            apath = f"{base}.access[{a.key}]"
            if item := _required(a.provider, f"{apath}.provider", "接入商", "access provider"):
                errors.append(item)
            if not a.method:
                errors.append(_item("FIELD_REQUIRED", "请选择接入方式。", "Choose the access method.",
                                    f"{apath}.method"))
            elif a.method not in cat.access_methods:
                errors.append(_item("ACCESS_METHOD_UNKNOWN", f"接入方式“{a.method}”不存在或已停用。",
                                    f"The access method '{a.method}' does not exist or is no longer available.",
                                    f"{apath}.method"))
            for r in a.ip_ranges:
                _run(errors, v.validate_ip_range, r.start, r.end, field=f"{apath}.ip_ranges")
    return errors


def _try(func, value, default):
    try:
        return func(value)
    except BeianError:
        return default


def _normalize_principal(p: PrincipalState) -> None:
    p.mobile = _try(v.validate_mobile, p.mobile, p.mobile)
    if p.emergency_phone:
        p.emergency_phone = _try(v.validate_phone, p.emergency_phone, p.emergency_phone)
    if p.email:
        p.email = _try(v.validate_email, p.email, p.email)


def filing_state_normalize(state: FilingState) -> FilingState:
    """A copy of ``state`` with domains as registrable Unicode domains (de-duplicated, order kept), mobiles as
    11 digits, phones and e-mails normalised and IP ranges in canonical form.

    Never raises: a value that does not validate is kept as typed, for :func:`filing_state_errors` to report.
    """
    data = state.model_copy(deep=True)
    _normalize_principal(data.entity.principal)
    for w in data.websites:
        domains: list[str] = []
        for raw in w.domains:
            name = _try(v.registrable_domain, raw, raw)
            if name not in domains:
                domains.append(name)
        w.domains = domains
        _normalize_principal(w.principal)
        for a in w.access:
            for r in a.ip_ranges:
                try:
                    r.start, r.end = v.validate_ip_range(r.start, r.end)
                except BeianError:
                    pass
    return data
