"""Principals, IDs and contacts (icp §5.6): age and certificate validity per province, phones and e-mails.

The per-province values (minimum age, months of certificate validity, legal-representative rule, website
principal authorisation) come from ``ProvinceRule`` rows through ``ctx.province``.
"""

from __future__ import annotations

from beian.core.errors import BeianError
from beian.core.hotsql import hot_fetch
from beian.core.validators import age_on, resident_id_birth_date, validate_certificate_validity
from beian.rules.engine import RuleContext, finding, rule
from beian.rules.helpers import principal_changed, principals

P = ("entity.principal", "websites[].principal")


def _resident_id(p) -> bool:
    return p.certificate_type == "居民身份证"


@rule("PRINCIPAL_MIN_AGE", source="icp §5.6 (A11–A14, H7, H14)",
      reads=(*(f"{p}.certificate_number" for p in P), "entity.province"), overrides=("ProvinceRule.min_age",),
      title_zh="负责人须达到备案省份规定的最低年龄（按身份证出生日期计算）",
      title_en="Principals are at least the filing province's minimum age (from the ID's birth date)",
      hint_zh="请由达到年龄的监护人或其他负责人备案。", hint_en="Let a guardian or another adult be the principal.")
def min_age(ctx: RuleContext):
    limit = ctx.province.min_age
    if not limit:
        return
    seen = set()
    for path, p in principals(ctx):
        if not _resident_id(p) or p.certificate_number in seen:
            continue
        seen.add(p.certificate_number)
        try:
            age = age_on(resident_id_birth_date(p.certificate_number), ctx.on)
        except BeianError:
            continue  # the format error is reported by the validators
        if age < limit:
            yield finding("PRINCIPAL_MIN_AGE", f"负责人 {p.name} 未满 {limit} 周岁（{age} 岁），不能在本省备案。",
                          f"The principal {p.name} is {age}, under this province's minimum age of {limit}.",
                          field=f"{path}.certificate_number", value=age)


@rule("PRINCIPAL_CERTIFICATE_VALIDITY", source="icp §5.6 (A12–A14, H9, H13, T1); design §9",
      reads=(*(f"{p}.valid_to" for p in P), *(f"{p}.valid_from" for p in P), "entity.province"),
      overrides=("ProvinceRule.certificate_valid_months",),
      title_zh="负责人证件须已生效、未过期，且剩余有效期超过备案省份规定的月数（默认 3 个月）",
      title_en="Principals' certificates are in force with more than the province's months left (default 3)",
      hint_zh="请先更换证件，再以新证件的有效期提交。", hint_en="Renew the certificate first, then enter the new one.")
def certificate_validity(ctx: RuleContext):
    months = ctx.province.certificate_valid_months
    for path, p in principals(ctx):
        if p.valid_from and p.valid_to and p.valid_from > p.valid_to:
            continue  # CERTIFICATE_VALIDITY_ORDER from the validators
        try:
            validate_certificate_validity(p.valid_from, p.valid_to, on=ctx.on, months=months)
        except BeianError as exc:
            item = exc.errors[0]
            yield finding("PRINCIPAL_CERTIFICATE_VALIDITY", item.message_zh, item.message_en,
                          field=f"{path}.valid_to", value=p.valid_to.isoformat() if p.valid_to else None)


def _mobiles_read(mobiles) -> tuple[str, list]:
    from beian.registry.models import RecordStatus

    # One prepared statement (core.hotsql) for the entity and the website principals: every submission runs it.
    return _MOBILES_SQL, [sorted(mobiles), RecordStatus.ACTIVE] * 2


def _entities_using(mobiles: set[str]) -> dict[str, set[int]]:
    found: dict[str, set[int]] = {}
    for mobile, entity_id in hot_fetch(*_mobiles_read(mobiles)):
        found.setdefault(mobile, set()).add(entity_id)
    return found


def _new_mobiles(ctx: RuleContext) -> dict[str, str]:
    """mobile → the path of the first principal that enters it (new or changed numbers only)."""
    wanted: dict[str, str] = {}
    for path, p in principals(ctx):
        if p.mobile and principal_changed(ctx, path, p, "mobile"):
            wanted.setdefault(p.mobile, path)
    return wanted


_MOBILES_SQL = ('SELECT "p"."mobile", "e"."id" FROM "registry_entity" "e" INNER JOIN "registry_principal" "p" '
                'ON "p"."id" = "e"."principal_id" WHERE "p"."mobile" = ANY(%s) AND "e"."status" = %s '
                'UNION ALL SELECT "p"."mobile", "w"."entity_id" FROM "registry_website" "w" INNER JOIN '
                '"registry_principal" "p" ON "p"."id" = "w"."principal_id" WHERE "p"."mobile" = ANY(%s) '
                'AND "w"."status" = %s')


@rule("PRINCIPAL_MOBILE_USED_BY_OTHER_ENTITY", source="icp §5.6 (T5, T7, H9, Q17)",
      reads=tuple(f"{p}.mobile" for p in P),
      title_zh="负责人手机号码只能属于一个主体：新填写的号码不能已被其他已备案主体使用",
      title_en="A principal's mobile belongs to one entity only: a newly entered number is not used by another "
               "filed entity",
      hint_zh="使用负责人本人的其他手机号码，或先变更另一主体中的号码。",
      hint_en="Use another of the principal's own numbers, or change the number in the other filing first.",
      prefetch=lambda ctx: [_mobiles_read(wanted)] if (wanted := _new_mobiles(ctx)) else [])
def mobile_reused(ctx: RuleContext):
    own = getattr(ctx.order, "entity_id", None)
    wanted = _new_mobiles(ctx)
    if not wanted:
        return
    for mobile, entities in _entities_using(set(wanted)).items():
        if entities - {own}:
            yield finding("PRINCIPAL_MOBILE_USED_BY_OTHER_ENTITY",
                          f"手机号码 {mobile} 已被其他主体的负责人使用。",
                          f"The mobile {mobile} is already used by a principal of another entity.",
                          field=f"{wanted[mobile]}.mobile", value=mobile)


@rule("PRINCIPAL_CONTACT_SHARED", source="icp §5.6 (H3, H9, Q11, Q13)",
      reads=(*(f"{p}.mobile" for p in P), *(f"{p}.email" for p in P), *(f"{p}.certificate_number" for p in P)),
      title_zh="不同的负责人须使用不同的手机号码和电子邮箱",
      title_en="Different principals have different mobiles and e-mail addresses",
      hint_zh="每位负责人填写本人的手机号码和邮箱。", hint_en="Each principal enters their own mobile and e-mail.")
def contact_shared(ctx: RuleContext):
    owners: dict[tuple[str, str], str] = {}  # (kind, value) → certificate number
    reported = set()
    for path, p in principals(ctx):
        person = p.certificate_number.upper()
        for kind, value in (("mobile", p.mobile), ("email", p.email.lower())):
            if not value:
                continue
            other = owners.setdefault((kind, value), person)
            if other != person and (kind, value, path) not in reported:
                reported.add((kind, value, path))
                label_zh = "手机号码" if kind == "mobile" else "电子邮箱"
                yield finding("PRINCIPAL_CONTACT_SHARED", f"{label_zh} {value} 已被另一位负责人使用。",
                              f"The {'mobile' if kind == 'mobile' else 'e-mail'} {value} is used by another "
                              "principal.", field=f"{path}.{kind}", value=value)


@rule("PRINCIPAL_EMERGENCY_PHONE_SHARED", source="icp §5.6 (H3, H9, Q11)",
      reads=(*(f"{p}.mobile" for p in P), *(f"{p}.emergency_phone" for p in P)),
      title_zh="应急联系电话不能与任何负责人的手机号码相同",
      title_en="An emergency phone differs from every principal's mobile",
      hint_zh="填写负责人以外的人员可接通的电话。", hint_en="Enter a number of someone other than the principals.")
def emergency_shared(ctx: RuleContext):
    mobiles = {p.mobile for _path, p in principals(ctx) if p.mobile}
    for path, p in principals(ctx):
        if p.emergency_phone and p.emergency_phone != p.mobile and p.emergency_phone in mobiles:
            yield finding("PRINCIPAL_EMERGENCY_PHONE_SHARED",
                          f"应急联系电话 {p.emergency_phone} 是另一位负责人的手机号码。",
                          f"The emergency phone {p.emergency_phone} is another principal's mobile.",
                          field=f"{path}.emergency_phone", value=p.emergency_phone)


@rule("PRINCIPAL_LEGAL_REPRESENTATIVE", severity="warning", source="icp §5.6 (H7, H14, Q16, A11–A15, H18)",
      reads=("entity.principal.name", "entity.principal.certificate_number", "entity.type", "entity.province"),
      overrides=("ProvinceRule.legal_rep",),
      title_zh="单位主体负责人须为法定代表人（部分省份可由法定代表人授权他人，须提供授权书和法定代表人身份证）",
      title_en="An organisation's entity principal is its legal representative (some provinces accept another "
               "person with the legal representative's authorisation letter and ID)",
      hint_zh="填写营业执照上的法定代表人；本省允许授权时上传授权书和法定代表人身份证。",
      hint_en="Enter the legal representative on the licence; where the province allows it, upload the "
              "authorisation letter and the legal representative's ID.")
def legal_representative(ctx: RuleContext):
    p = ctx.proposed.entity.principal
    if ctx.individual or not p.name or not principal_changed(ctx, "entity.principal", p, "name",
                                                             "certificate_number"):
        return
    if ctx.province.legal_rep == "authorisation":
        yield finding("PRINCIPAL_LEGAL_REPRESENTATIVE",
                      f"主体负责人 {p.name} 如不是法定代表人，须提供法定代表人授权书和法定代表人身份证。",
                      f"If {p.name} is not the legal representative, the authorisation letter and the legal "
                      "representative's ID are needed.", field="entity.principal.name", value=p.name)
    else:
        yield finding("PRINCIPAL_LEGAL_REPRESENTATIVE",
                      f"本省要求单位主体负责人为法定代表人：请确认 {p.name} 是营业执照上的法定代表人。",
                      f"This province requires the legal representative as entity principal: confirm that {p.name} "
                      "is the one on the licence.", field="entity.principal.name", value=p.name)


@rule("WEBSITE_PRINCIPAL_AUTHORISATION", severity="needs_material", source="icp §3.1 (T7, Q15, H7), §5.6",
      reads=("websites[].principal.certificate_number", "entity.principal.certificate_number", "entity.province",
             "entity.type"),
      overrides=("ProvinceRule.website_principal_authorisation",),
      title_zh="网站负责人不是主体负责人时，部分省份须提供网站负责人授权书",
      title_en="Where the province asks for it, a website principal other than the entity principal needs an "
               "authorisation letter",
      hint_zh="下载本省授权书模板，由法定代表人签字并加盖公章后上传。",
      hint_en="Have the legal representative sign and stamp the province's authorisation letter and upload it.")
def website_principal_authorisation(ctx: RuleContext):
    if ctx.individual or not ctx.province.website_principal_authorisation:
        return
    head = ctx.proposed.entity.principal.certificate_number.upper()
    for site in ctx.proposed.websites:
        path = f"websites[{site.key}].principal"
        number = site.principal.certificate_number.upper()
        if number and number != head and principal_changed(ctx, path, site.principal, "certificate_number"):
            yield finding("WEBSITE_PRINCIPAL_AUTHORISATION",
                          f"网站负责人 {site.principal.name} 不是主体负责人，本省须提供网站负责人授权书。",
                          f"The website principal {site.principal.name} is not the entity principal: this province "
                          "requires an authorisation letter.", field=f"{path}.name", value=site.principal.name,
                          requirement="authorisation_letter")
