"""The rule table: one row per case — input, expected code, severity and field path (or "passes").

A row's ``base`` names the starting draft (``zj_new``/``bj_new``: the demo enterprise / individual as a new
filing; ``zj_change``: a change of the filed demo enterprise; ``zj_add``: an add-website order of it);
``edit(state)`` changes the draft; ``setup(world)`` prepares the database (other filings, data rows).
``custom(world)`` replaces the whole run for action rules (returns the refusal codes).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

TODAY = dt.date(2026, 11, 2)


def rid(area: str, birth: str, seq: str = "025") -> str:
    """A resident ID number with a valid MOD 11-2 check character."""
    first17 = f"{area}{birth}{seq}"
    weights = [2 ** (17 - i) % 11 for i in range(17)]
    return first17 + "10X98765432"[sum(int(c) * w for c, w in zip(first17, weights, strict=True)) % 11]


def uscc(division: str, tag: int = 7) -> str:
    from beian.core.validators import org_code_check_char, uscc_check_char

    org8 = f"MA{tag * 7919 % 1000000:06d}"
    first17 = f"91{division}" + org8 + org_code_check_char(org8)
    return first17 + uscc_check_char(first17)


def national_uscc() -> str:
    from beian.core.validators import org_code_check_char, uscc_check_char

    org8 = "40000123"
    first17 = "12100000" + org8 + org_code_check_char(org8)
    return first17 + uscc_check_char(first17)


@dataclass
class Case:
    code: str
    id: str
    base: str = "zj_new"
    edit: Callable | None = None
    severity: str | None = None  # None = the rule passes (no finding of ``code``)
    field: str | None = None
    value: str | None = None
    requirement: str | None = None
    setup: Callable | None = None
    stage: str = "submit"
    extra: Callable | None = None
    change_date: dt.date | None = None
    custom: Callable | None = None

    @property
    def fails(self) -> bool:
        return self.severity is not None


def _set(path_fn):
    return path_fn


def site(state, i=0):
    return state["websites"][i]


def rename(state):
    state["entity"]["name"] = "杭州云栖智能科技有限公司"


def _second_site(state):
    extra = {**site(state), "key": "n3", "name": "云栖商城", "domains": ["yunqi-shop.cn"],
             "access": [{**site(state)["access"][0], "key": "a3"}]}
    state["websites"].append(extra)


def _file_zj_elsewhere(world):
    from beian.registry.demo import filed_entity_create, zhejiang_enterprise_state

    filed_entity_create(owner=world.make_user("zj_other", "applicant"), state=zhejiang_enterprise_state())


def _submit_zj_new(world):
    from beian.orders import services
    from beian.registry.demo import zhejiang_enterprise_state

    user = world.make_user("zj_other", "applicant")
    order = services.order_create(user=user, type="new_filing", proposed=zhejiang_enterprise_state())
    services.order_submit(user=user, order_id=order.pk)


def _in_flight_change(world):
    from beian.orders import services

    order = services.order_create(user=world.applicant, type="change")
    proposed = order.proposed
    proposed["entity"]["remarks"] = "另一个变更"
    services.order_update(user=world.applicant, order_id=order.pk, proposed=proposed)
    services.order_submit(user=world.applicant, order_id=order.pk)


def _data(model: str, **values):
    def setup(world):
        from beian.registry.models import Province
        from beian.rules import models

        if "province" in values and isinstance(values["province"], str):
            values["province"] = Province.objects.get(code=values["province"])
        cls = getattr(models, model)
        if model == "ProvinceRule":
            row = cls.objects.filter(province=values["province"]).first() or cls(province=values["province"])
            for k, v in values.items():
                setattr(row, k, v)
            row.save()
        else:
            cls.objects.create(**values)

    return setup


def _domain(expires_days: int = 800, verified: bool = True, holder: str = "杭州云栖网络科技有限公司"):
    return _data("DomainRegistration", domain="yunqi-net.cn", expires_on=TODAY + dt.timedelta(days=expires_days),
                 real_name_verified=verified, holder=holder)


def _pre(type_, number="浙新闻备2026001号"):
    def edit(state):
        site(state)["name"] = "云栖新闻网"
        site(state)["pre_approvals"] = [{"type": type_, "number": number}]

    return edit


def _individual_sites(n):
    def edit(state):
        base = site(state)
        state["websites"] = [{**base, "key": f"n{i}", "domains": [f"xiaoming-{i}.cn"],
                              "access": [{**base["access"][0], "key": f"a{i}"}]} for i in range(n)]

    return edit


def _resubmit_extra(flagged: str):
    def extra(world, ctx):
        from beian.core.state import FilingState

        return {"returned_state": FilingState.model_validate(ctx.current.to_json()), "flags": [{"field": flagged}]}

    return extra


def _action_bureau_locked(world, fail: bool):
    from beian.core.errors import BeianError
    from beian.orders import services

    assert world.zj_entity is not None
    order = services.order_create(user=world.applicant, type="change")
    proposed = order.proposed
    rename(proposed)
    services.order_update(user=world.applicant, order_id=order.pk, proposed=proposed)
    services.order_submit(user=world.applicant, order_id=order.pk)
    if fail:
        reviewer = world.make_user("rv", "provider_reviewer")
        services.order_claim(reviewer=reviewer, order_id=order.pk)
        services.order_approve(reviewer=reviewer, order_id=order.pk)
    try:
        services.order_withdraw(user=world.applicant, order_id=order.pk)
    except BeianError as exc:
        return [e.code for e in exc.errors]
    return []


def _action_unverified(world, fail: bool):
    from beian.core.errors import BeianError
    from beian.orders import services
    from beian.registry.demo import zhejiang_enterprise_state

    user = world.make_user("newco", "applicant")
    order = services.order_create(user=user, type="new_filing", proposed=zhejiang_enterprise_state())
    services.order_submit(user=user, order_id=order.pk)
    if not fail:
        for key in services.principals_to_verify(order):
            services.identity_verification_perform(user=user, order_id=order.pk, website_key=key)
    reviewer = world.make_user("rv", "provider_reviewer")
    services.order_claim(reviewer=reviewer, order_id=order.pk)
    try:
        services.order_approve(reviewer=reviewer, order_id=order.pk)
    except BeianError as exc:
        return [e.code for e in exc.errors]
    return []


N1 = "websites[n1]"
ZJ1 = "websites[1]"  # the filed demo enterprise's first website (registry id keys in a change)

CASES = [
    # ---------------------------------------------------------------- workflow
    Case("ORDER_ENTITY_IN_FLIGHT", "second_change", "zj_change", rename, "error", "entity",
         setup=_in_flight_change),
    Case("ORDER_ENTITY_IN_FLIGHT", "alone", "zj_change", rename),
    Case("ENTITY_ALREADY_FILED", "filed_by_other", "zj_new", None, "error", "entity.certificate_number",
         setup=_file_zj_elsewhere),
    Case("ENTITY_ALREADY_FILED", "new", "zj_new"),
    Case("ORDER_DOMAIN_IN_FLIGHT", "same_domain", "bj_new", lambda s: site(s).update(domains=["yunqi-net.cn"]),
         "error", f"{N1}.domains", "yunqi-net.cn", setup=_submit_zj_new),
    Case("ORDER_DOMAIN_IN_FLIGHT", "free", "bj_new"),
    Case("DOMAIN_ALREADY_FILED", "filed", "bj_new", lambda s: site(s).update(domains=["yunqi-net.cn"]), "error",
         f"{N1}.domains", "yunqi-net.cn", setup=_file_zj_elsewhere),
    Case("DOMAIN_ALREADY_FILED", "free", "bj_new"),
    Case("CHANGE_DOMAIN_ADDED", "added", "zj_change", lambda s: site(s)["domains"].append("yunqi-net.com"),
         "error", "websites[{w1}].domains", "yunqi-net.com"),
    Case("CHANGE_DOMAIN_ADDED", "rename", "zj_change", rename),
    Case("CHANGE_WEBSITE_ADDED", "added", "zj_change", _second_site, "error", "websites[n3]"),
    Case("CHANGE_WEBSITE_ADDED", "rename", "zj_change", rename),
    Case("CHANGE_WEBSITE_REMOVED", "removed", "zj_change", lambda s: s["websites"].pop(), "error",
         "websites[{w2}]"),
    Case("CHANGE_WEBSITE_REMOVED", "rename", "zj_change", rename),
    Case("CHANGE_EMPTY", "nothing", "zj_change", None, "error", None),
    Case("CHANGE_EMPTY", "rename", "zj_change", rename),
    Case("NEW_WEBSITE_DOMAIN_COUNT", "two", "zj_new", lambda s: site(s)["domains"].append("yunqi-net.com"), "error",
         f"{N1}.domains", "2"),
    Case("NEW_WEBSITE_DOMAIN_COUNT", "one", "zj_new"),
    Case("ADD_WEBSITE_CHANGES_EXISTING", "no_new_site", "zj_add", None, "error", "websites"),
    Case("ADD_WEBSITE_CHANGES_EXISTING", "new_site", "zj_add", _second_site),
    Case("CHANGE_PROVINCE_FORBIDDEN", "moved", "zj_change", lambda s: s["entity"].update(province="110000"), "error",
         "entity.province", "110000"),
    Case("CHANGE_PROVINCE_FORBIDDEN", "rename", "zj_change", rename),
    Case("CHANGE_CERTIFICATE_NUMBER_FORBIDDEN", "new_number", "zj_change",
         lambda s: s["entity"].update(certificate_number=uscc("330106", 99)), "error", "entity.certificate_number"),
    Case("CHANGE_CERTIFICATE_NUMBER_FORBIDDEN", "rename", "zj_change", rename),
    Case("CHANGE_ENTERPRISE_TO_INDIVIDUAL", "to_person", "zj_change", lambda s: s["entity"].update(type="个人"),
         "error", "entity.type"),
    Case("CHANGE_ENTERPRISE_TO_INDIVIDUAL", "rename", "zj_change", rename),
    Case("RESUBMIT_UNFLAGGED_FIELDS", "unflagged", "zj_change", rename, "error", "entity.name", stage="resubmit",
         extra=_resubmit_extra("entity.remarks")),
    Case("RESUBMIT_UNFLAGGED_FIELDS", "flagged", "zj_change", rename, stage="resubmit",
         extra=_resubmit_extra("entity.name")),
    Case("ORDER_AT_BUREAU_LOCKED", "at_bureau", severity="error", custom=lambda w: _action_bureau_locked(w, True)),
    Case("ORDER_AT_BUREAU_LOCKED", "in_review", custom=lambda w: _action_bureau_locked(w, False)),
    Case("ORDER_WEBSITE_PRINCIPAL_UNVERIFIED", "unverified", severity="error",
         custom=lambda w: _action_unverified(w, True)),
    Case("ORDER_WEBSITE_PRINCIPAL_UNVERIFIED", "verified", custom=lambda w: _action_unverified(w, False)),
    # ---------------------------------------------------------------- website names
    Case("WEBSITE_NAME_LENGTH", "two_chars", "zj_new", lambda s: site(s).update(name="云栖"), "error", f"{N1}.name",
         "云栖"),
    Case("WEBSITE_NAME_LENGTH", "brackets_do_not_count", "zj_new", lambda s: site(s).update(name="云(栖)-"), "error",
         f"{N1}.name"),
    Case("WEBSITE_NAME_LENGTH", "three", "zj_new", lambda s: site(s).update(name="云栖网")),
    Case("WEBSITE_NAME_DIGITS_OR_LETTERS", "letters_digits", "zj_new", lambda s: site(s).update(name="yunqi 123"),
         "error", f"{N1}.name"),
    Case("WEBSITE_NAME_DIGITS_OR_LETTERS", "with_chinese", "zj_new", lambda s: site(s).update(name="云栖yunqi")),
    Case("WEBSITE_NAME_IS_DOMAIN", "domain", "zj_new", lambda s: site(s).update(name="www.yunqi-net.cn"), "error",
         f"{N1}.name"),
    Case("WEBSITE_NAME_IS_DOMAIN", "name", "zj_new"),
    Case("WEBSITE_NAME_SYMBOL", "star", "zj_new", lambda s: site(s).update(name="云栖★官网"), "error", f"{N1}.name",
         "★"),
    Case("WEBSITE_NAME_SYMBOL", "brackets_hyphen", "zj_new", lambda s: site(s).update(name="云栖（杭州）官网-文档")),
    Case("WEBSITE_NAME_PERSONAL_FORBIDDEN_WORD", "studio", "bj_new", lambda s: site(s).update(name="小明的工作室"),
         "error", f"{N1}.name", "工作室"),
    Case("WEBSITE_NAME_PERSONAL_FORBIDDEN_WORD", "traditional_spaced", "bj_new",
         lambda s: site(s).update(name="小明的 購 物 小站"), "error", f"{N1}.name", "购物"),
    Case("WEBSITE_NAME_PERSONAL_FORBIDDEN_WORD", "personal", "bj_new"),
    Case("WEBSITE_NAME_PERSONAL_FORBIDDEN_WORD", "organisation_may", "zj_new",
         lambda s: site(s).update(name="云栖工作室")),
    Case("WEBSITE_NAME_NATIONAL_WORD", "china", "zj_new", lambda s: site(s).update(name="云栖中國官网"), "error",
         f"{N1}.name", "中国"),
    Case("WEBSITE_NAME_NATIONAL_WORD", "plain", "zj_new"),
    Case("WEBSITE_NAME_NATIONAL_WORD", "national_unit", "zj_new",
         lambda s: (site(s).update(name="云栖中国官网"), s["entity"].update(certificate_number=national_uscc()))),
    Case("WEBSITE_NAME_FORUM_WORD", "org_warning", "zj_new", lambda s: site(s).update(name="云栖开发者社区"),
         "warning", f"{N1}.name", "社区"),
    Case("WEBSITE_NAME_FORUM_WORD", "individual_error", "bj_new", lambda s: site(s).update(name="小明的交流园地"),
         "error", f"{N1}.name", "交流"),
    Case("WEBSITE_NAME_FORUM_WORD", "plain", "zj_new"),
    Case("WEBSITE_NAME_UNRELATED_TO_ENTITY", "unrelated", "zj_new", lambda s: site(s).update(name="星辰商城"),
         "warning", f"{N1}.name", "星辰商城"),
    Case("WEBSITE_NAME_UNRELATED_TO_ENTITY", "explained", "zj_new",
         lambda s: site(s).update(name="星辰商城", remarks="星辰商城为本公司的产品")),
    Case("WEBSITE_NAME_UNRELATED_TO_ENTITY", "related", "zj_new"),
    Case("INDIVIDUAL_REMARKS_REQUIRED", "empty", "bj_new", lambda s: site(s).update(remarks=""), "error",
         f"{N1}.remarks"),
    Case("INDIVIDUAL_REMARKS_REQUIRED", "described", "bj_new"),
    # ---------------------------------------------------------------- content
    Case("CONTENT_FORBIDDEN_WORD", "traditional", "zj_new", lambda s: site(s).update(name="云栖賭博官网"), "error",
         f"{N1}.name", "赌博"),
    Case("CONTENT_FORBIDDEN_WORD", "spaced_in_remarks", "bj_new",
         lambda s: site(s).update(remarks="分享赌 博技巧的个人博客"), "error", f"{N1}.remarks", "赌博"),
    Case("CONTENT_FORBIDDEN_WORD", "fullwidth_entity_remarks", "zj_new",
         lambda s: s["entity"].update(remarks="提供代开发票服务"), "error", "entity.remarks", "代开发票"),
    Case("CONTENT_FORBIDDEN_WORD", "clean", "zj_new"),
    Case("CONTENT_PRE_APPROVAL_REQUIRED", "news_without", "zj_new", lambda s: site(s).update(name="云栖新闻网"),
         "error", f"{N1}.pre_approvals", "新闻"),
    Case("CONTENT_PRE_APPROVAL_REQUIRED", "news_with", "zj_new", _pre("新闻"), "needs_material",
         f"{N1}.pre_approvals", "新闻", requirement="pre_approval_document"),
    Case("CONTENT_PRE_APPROVAL_REQUIRED", "finance_entity_name", "zj_new",
         lambda s: s["entity"].update(name="杭州云栖金融信息服务有限公司"), "needs_material", f"{N1}.pre_approvals",
         "金融", requirement="commitment_letter"),
    Case("CONTENT_PRE_APPROVAL_REQUIRED", "service_content", "zj_new",
         lambda s: site(s).update(service_content=["网络影视"]), "error", f"{N1}.pre_approvals", "影视"),
    Case("CONTENT_PRE_APPROVAL_REQUIRED", "clean", "zj_new"),
    # ---------------------------------------------------------------- principals
    Case("PRINCIPAL_MIN_AGE", "fifteen", "bj_new",
         lambda s: s["entity"]["principal"].update(certificate_number=rid("110108", "20110214")), "error",
         "entity.principal.certificate_number", "15"),
    Case("PRINCIPAL_MIN_AGE", "adult", "bj_new"),
    Case("PRINCIPAL_CERTIFICATE_VALIDITY", "two_months", "zj_new",
         lambda s: s["entity"]["principal"].update(valid_to=(TODAY + dt.timedelta(days=60)).isoformat()), "error",
         "entity.principal.valid_to"),
    Case("PRINCIPAL_CERTIFICATE_VALIDITY", "expired", "zj_new",
         lambda s: site(s)["principal"].update(valid_to="2026-01-01"), "error", f"{N1}.principal.valid_to"),
    Case("PRINCIPAL_CERTIFICATE_VALIDITY", "long", "zj_new"),
    Case("PRINCIPAL_MOBILE_USED_BY_OTHER_ENTITY", "reused", "bj_new",
         lambda s: s["entity"]["principal"].update(mobile="13957112345"), "error", "entity.principal.mobile",
         "13957112345", setup=_file_zj_elsewhere),
    Case("PRINCIPAL_MOBILE_USED_BY_OTHER_ENTITY", "own", "bj_new", setup=_file_zj_elsewhere),
    Case("PRINCIPAL_MOBILE_USED_BY_OTHER_ENTITY", "unchanged_in_change", "zj_change", rename),
    Case("PRINCIPAL_CONTACT_SHARED", "same_email", "zj_new",
         lambda s: site(s)["principal"].update(email="wang@yunqi-net.cn"), "error", f"{N1}.principal.email",
         "wang@yunqi-net.cn"),
    Case("PRINCIPAL_CONTACT_SHARED", "same_person", "bj_new"),
    Case("PRINCIPAL_EMERGENCY_PHONE_SHARED", "other_principal", "zj_new",
         lambda s: s["entity"]["principal"].update(emergency_phone="13857154321"), "error",
         "entity.principal.emergency_phone", "13857154321"),
    Case("PRINCIPAL_EMERGENCY_PHONE_SHARED", "landline", "zj_new"),
    Case("PRINCIPAL_LEGAL_REPRESENTATIVE", "organisation", "zj_new", None, "warning", "entity.principal.name"),
    Case("PRINCIPAL_LEGAL_REPRESENTATIVE", "individual", "bj_new"),
    Case("PRINCIPAL_LEGAL_REPRESENTATIVE", "unchanged_principal", "zj_change", rename),
    Case("WEBSITE_PRINCIPAL_AUTHORISATION", "province_asks", "zj_new", None, "needs_material",
         f"{N1}.principal.name", requirement="authorisation_letter",
         setup=_data("ProvinceRule", province="330000", website_principal_authorisation=True)),
    Case("WEBSITE_PRINCIPAL_AUTHORISATION", "province_does_not", "zj_new"),
    # ---------------------------------------------------------------- domains
    Case("DOMAIN_TLD_NOT_FILEABLE", "io", "zj_new", lambda s: site(s).update(domains=["yunqi-net.io"]), "error",
         f"{N1}.domains", "yunqi-net.io"),
    Case("DOMAIN_TLD_NOT_FILEABLE", "unlisted", "zj_new", lambda s: site(s).update(domains=["yunqi-net.museum"]),
         "error", f"{N1}.domains"),
    Case("DOMAIN_TLD_NOT_FILEABLE", "chinese_tld", "zj_new", lambda s: site(s).update(domains=["云栖.中国"])),
    Case("DOMAIN_TLD_NOT_FILEABLE", "cn", "zj_new"),
    Case("DOMAIN_REGISTRATION_EXPIRING", "sixty_days", "zj_new", None, "error", f"{N1}.domains",
         setup=_domain(expires_days=60)),
    Case("DOMAIN_REGISTRATION_EXPIRING", "two_years", "zj_new", setup=_domain()),
    Case("DOMAIN_REGISTRATION_EXPIRING", "unknown_domain", "zj_new"),
    Case("DOMAIN_NOT_REAL_NAME", "unverified", "zj_new", None, "error", f"{N1}.domains", "yunqi-net.cn",
         setup=_domain(verified=False)),
    Case("DOMAIN_NOT_REAL_NAME", "verified", "zj_new", setup=_domain()),
    Case("DOMAIN_HOLDER_MISMATCH", "someone_else", "zj_new", None, "error", f"{N1}.domains", "王建国",
         setup=_domain(holder="王建国")),
    Case("DOMAIN_HOLDER_MISMATCH", "traditional_same", "zj_new", setup=_domain(holder="杭州雲棲網絡科技有限公司")),
    Case("DOMAIN_HOLDER_MISMATCH", "after_rename", "zj_change", rename, "error", "websites[{w1}].domains",
         setup=_domain()),
    Case("DOMAIN_GOVERNMENT_SUFFIX", "com", "zj_new", lambda s: s["entity"].update(type="政府机关"), "error",
         f"{N1}.domains", "yunqi-net.cn"),
    Case("DOMAIN_GOVERNMENT_SUFFIX", "gov_cn", "zj_new",
         lambda s: (s["entity"].update(type="政府机关"), s["websites"].pop(),
                    site(s).update(domains=["yunqi.gov.cn"]))),
    Case("DOMAIN_PUBLIC_INSTITUTION_SUFFIX", "com", "zj_new", lambda s: s["entity"].update(type="事业单位"),
         "warning", "websites[n2].domains", "yunqi-cloud.com"),
    Case("DOMAIN_PUBLIC_INSTITUTION_SUFFIX", "cn", "zj_new",
         lambda s: (s["entity"].update(type="事业单位"), site(s, 1).update(domains=["yunqi-cloud.cn"]))),
    # ---------------------------------------------------------------- region and access
    Case("ENTITY_CERTIFICATE_PROVINCE", "other_province", "zj_new", lambda s: s["entity"].update(province="110000"),
         "error", "entity.province", "110000"),
    Case("ENTITY_CERTIFICATE_PROVINCE", "home", "zj_new"),
    Case("INDIVIDUAL_RESIDENCE", "proof", "bj_new", lambda s: s["entity"].update(province="310000"),
         "needs_material", "entity.certificate_number", requirement="residence_proof"),
    Case("INDIVIDUAL_RESIDENCE", "local_only", "bj_new", lambda s: s["entity"].update(province="650000"), "error",
         "entity.province", "650000"),
    Case("INDIVIDUAL_RESIDENCE", "local", "bj_new"),
    Case("ACCESS_IP_NOT_PROVIDER", "foreign_ip", "zj_new",
         lambda s: site(s)["access"][0].update(ip_ranges=[{"start": "8.8.8.8", "end": "8.8.8.8"}]), "error",
         f"{N1}.access[a1].ip_ranges", "8.8.8.8"),
    Case("ACCESS_IP_NOT_PROVIDER", "range_straddles", "zj_new",
         lambda s: site(s)["access"][0].update(ip_ranges=[{"start": "47.96.255.250", "end": "47.97.0.5"}]),
         "error", f"{N1}.access[a1].ip_ranges"),
    Case("ACCESS_IP_NOT_PROVIDER", "own_ip", "zj_new"),
    Case("ACCESS_IP_NOT_PROVIDER", "other_provider", "zj_new",
         lambda s: site(s)["access"][0].update(provider="别家云", ip_ranges=[{"start": "8.8.8.8", "end": "8.8.8.8"}])),
    Case("ACCESS_REGION_MISMATCH", "declared_elsewhere", "zj_new",
         lambda s: site(s)["access"][0].update(region="北京市"),
         "error", f"{N1}.access[a1].region", "北京市"),
    Case("ACCESS_REGION_MISMATCH", "matches", "zj_new"),
    Case("ACCESS_CROSS_PROVINCE", "explain", "zj_new",
         lambda s: site(s)["access"][0].update(region="北京市", ip_ranges=[{"start": "39.107.20.9",
                                                                            "end": "39.107.20.9"}]),
         "needs_material", f"{N1}.access[a1].region", "北京市", requirement="cross_province_explanation"),
    Case("ACCESS_CROSS_PROVINCE", "forbidden", "zj_new", lambda s: site(s)["access"][0].update(region="北京市"),
         "error", f"{N1}.access[a1].region",
         setup=_data("ProvinceRule", province="330000", cross_province_server="forbidden")),
    Case("ACCESS_CROSS_PROVINCE", "same_province", "zj_new"),
    Case("ORDER_WEBSITE_LIMIT", "individual_two", "bj_new", _individual_sites(2), "error", "websites", "2"),
    Case("ORDER_WEBSITE_LIMIT", "organisation_two", "zj_new"),
    Case("ENTITY_WEBSITE_LIMIT", "individual_six", "bj_new", _individual_sites(6), "error", "websites", "6"),
    Case("ENTITY_WEBSITE_LIMIT", "individual_one", "bj_new"),
    # ---------------------------------------------------------------- timing
    Case("CHANGE_LATE", "forty_days", "zj_change", rename, "warning", "change_date",
         change_date=TODAY - dt.timedelta(days=40)),
    Case("CHANGE_LATE", "ten_days", "zj_change", rename, change_date=TODAY - dt.timedelta(days=10)),
    Case("CHANGE_LATE", "planned", "zj_change", rename, change_date=TODAY + dt.timedelta(days=10)),
]
