"""Region, access, per-order limits and timing (icp §5.2, §5.4, §2.6; design.md §14).

Provinces are compared by division codes and by the names in the ``Province`` catalogue; what a province
allows (residence proof, servers elsewhere, website limits) is a ``ProvinceRule`` row.
"""

from __future__ import annotations

import datetime as dt

from beian.core.validators import validate_ip_range
from beian.rules.engine import RuleContext, finding, rule
from beian.rules.helpers import division_province, new_website_keys, province_of_text, self_access

CHANGES = ("change_entity", "change_website", "change_filing", "change_access")
NEW_WEBSITES = ("new_filing", "add_website")


@rule("ENTITY_CERTIFICATE_PROVINCE", source="icp §5.4 (R1, A4, T5), §5.8 跨省备案",
      reads=("entity.certificate_number", "entity.province", "entity.type"),
      title_zh="单位须在其统一社会信用代码登记地所在省份备案（不能跨省备案）",
      title_en="An organisation files in the province of its credit code's registration (no cross-province "
               "filing)",
      hint_zh="放弃本订单，在证件所在省份重新备案。",
      hint_en="Abandon the order and file in the certificate's province.")
def certificate_province(ctx: RuleContext):
    e = ctx.proposed.entity
    number = e.certificate_number.upper()
    if ctx.individual or len(number) != 18 or not e.province:
        return
    home = division_province(number[2:8])
    if home is None or home == e.province or home not in ctx.data.province_names:
        return
    yield finding("ENTITY_CERTIFICATE_PROVINCE",
                  f"证件登记地在{ctx.data.province_names[home]}，单位不能在{ctx.province.name}备案。",
                  f"The certificate was registered in {ctx.data.province_names[home]}; an organisation cannot "
                  f"file in {ctx.province.name}.", field="entity.province", value=e.province)


@rule("INDIVIDUAL_RESIDENCE", severity="needs_material", source="icp §5.4 (H7, H14, Q17)",
      reads=("entity.certificate_number", "entity.province", "entity.type"), overrides=("ProvinceRule.residence",),
      title_zh="个人在身份证所属省份以外备案须提供居住证明；部分省份只接受本省身份证",
      title_en="An individual filing outside their ID's province provides proof of residence; some provinces "
               "accept local IDs only",
      hint_zh="上传居住证、暂住证或社保证明；本省不接受时请在身份证所属省份备案。",
      hint_en="Upload a residence permit or social-insurance proof; where not accepted, file in the ID's province.")
def individual_residence(ctx: RuleContext):
    e = ctx.proposed.entity
    if not ctx.individual or e.certificate_type != "居民身份证" or not e.province:
        return
    home = division_province(e.certificate_number)
    if home is None or home == e.province:
        return
    if ctx.province.residence == "local_only":
        yield finding("INDIVIDUAL_RESIDENCE", f"{ctx.province.name}只接受本省身份证的个人备案。",
                      f"{ctx.province.name} accepts individuals with a local ID only.", field="entity.province",
                      value=e.province, severity="error")
    else:
        yield finding("INDIVIDUAL_RESIDENCE", f"身份证不属于{ctx.province.name}：请提供在本省的居住证明。",
                      f"The ID is not from {ctx.province.name}: provide proof of residence there.",
                      field="entity.certificate_number", requirement="residence_proof")


ACCESS = ("websites[].access[].ip_ranges", "websites[].access[].region", "websites[].access[].provider")


@rule("ACCESS_IP_NOT_PROVIDER", source="icp §2.6 (H-commonFAQ, H15, A4, A16)", reads=ACCESS,
      overrides=("ProviderIpRange",),
      title_zh="本接入商接入信息中的 IP 须属于本接入商在中国大陆的 IP 段",
      title_en="IPs of this provider's access records lie in this provider's mainland IP ranges",
      hint_zh="填写您在本接入商购买的云服务器公网 IP（弹性公网 IP）。",
      hint_en="Enter the public (elastic) IP of your server at this provider.")
def ip_not_provider(ctx: RuleContext):
    for _site, access, path in self_access(ctx):
        for r in access.ip_ranges:
            try:
                start, end = validate_ip_range(r.start, r.end)
            except Exception:  # noqa: BLE001 - reported by the validators
                continue
            if ctx.data.ip_range_of(start, end) is None:
                text = start if start == end else f"{start}–{end}"
                yield finding("ACCESS_IP_NOT_PROVIDER", f"IP {text} 不属于本接入商在中国大陆的 IP 段。",
                              f"The IP {text} is not in this provider's mainland IP ranges.",
                              field=f"{path}.ip_ranges", value=text)


@rule("ACCESS_REGION_MISMATCH", source="icp §2.6 (H10, A4, A16)", reads=ACCESS, overrides=("ProviderIpRange",),
      title_zh="服务器放置地须与 IP 段所在地区一致",
      title_en="The server location matches the region of its IP range",
      hint_zh="按 IP 所在地区填写服务器放置地。", hint_en="Enter the region the IP belongs to.")
def region_mismatch(ctx: RuleContext):
    for _site, access, path in self_access(ctx):
        declared = province_of_text(ctx.data, access.region)
        for r in access.ip_ranges:
            try:
                start, end = validate_ip_range(r.start, r.end)
            except Exception:  # noqa: BLE001
                continue
            found = ctx.data.ip_range_of(start, end)
            if found is not None and found[0] != declared:
                actual = ctx.data.province_names.get(found[0], found[0])
                yield finding("ACCESS_REGION_MISMATCH",
                              f"IP {start} 位于{actual}，与填写的服务器放置地“{access.region}”不一致。",
                              f"The IP {start} is in {actual}, not in the declared region '{access.region}'.",
                              field=f"{path}.region", value=access.region)


@rule("ACCESS_CROSS_PROVINCE", severity="needs_material", source="founding document; design §14; icp §5.4 (H10)",
      reads=(*ACCESS, "entity.province"), overrides=("ProvinceRule.cross_province_server",),
      title_zh="服务器不在备案省份时须提供跨省接入说明（省份可设为允许或不允许）",
      title_en="A server outside the filing province needs an explanation (a province may allow or forbid it)",
      hint_zh="上传说明服务器放置在外省原因的材料，或选择本省的服务器。",
      hint_en="Upload an explanation of why the server is in another province, or use a server in the province.")
def cross_province(ctx: RuleContext):
    policy = ctx.province.cross_province_server
    if policy == "allowed" or not ctx.proposed.entity.province:
        return
    for _site, access, path in self_access(ctx):
        where = province_of_text(ctx.data, access.region)
        if where is None or where == ctx.proposed.entity.province:
            continue
        if policy == "forbidden":
            yield finding("ACCESS_CROSS_PROVINCE", f"{ctx.province.name}不允许服务器放置在外省（{access.region}）。",
                          f"{ctx.province.name} does not allow servers in another province ({access.region}).",
                          field=f"{path}.region", value=access.region, severity="error")
        else:
            yield finding("ACCESS_CROSS_PROVINCE",
                          f"服务器放置在{access.region}，不在备案省份{ctx.province.name}：须提供跨省接入说明。",
                          f"The server is in {access.region}, outside the filing province {ctx.province.name}: an "
                          "explanation is needed.", field=f"{path}.region", value=access.region,
                          requirement="cross_province_explanation")


@rule("ORDER_WEBSITE_LIMIT", source="icp §5.2 (T7, H2, H7, H14), §2.5", order_types=NEW_WEBSITES,
      reads=("websites", "entity.province", "entity.type"),
      overrides=("ProvinceRule.max_websites_per_order_individual", "ProvinceRule.max_websites_per_order_organisation"),
      title_zh="一个订单新增的网站数不能超过备案省份的上限（默认个人 1 个、单位 10 个）",
      title_en="An order adds no more websites than the province's limit (default: individuals 1, organisations 10)",
      hint_zh="分多个订单提交。", hint_en="Split the websites over several orders.")
def order_website_limit(ctx: RuleContext):
    s = ctx.province
    limit = s.max_websites_per_order_individual if ctx.individual else s.max_websites_per_order_organisation
    count = len(new_website_keys(ctx))
    if limit and count > limit:
        yield finding("ORDER_WEBSITE_LIMIT", f"本订单新增 {count} 个网站，超过每单 {limit} 个的上限。",
                      f"The order adds {count} websites; at most {limit} per order.", field="websites", value=count)


@rule("ENTITY_WEBSITE_LIMIT", source="icp §5.2 (H15, H7)", order_types=NEW_WEBSITES,
      reads=("websites", "entity.province", "entity.type"),
      overrides=("ProvinceRule.max_websites_individual", "ProvinceRule.max_websites_organisation"),
      title_zh="主体的网站总数不能超过上限（默认个人 5 个）", title_en="An entity has no more websites than the limit "
      "(default: individuals 5)",
      hint_zh="注销不再使用的网站后再新增。", hint_en="Cancel websites no longer used first.")
def entity_website_limit(ctx: RuleContext):
    s = ctx.province
    limit = s.max_websites_individual if ctx.individual else s.max_websites_organisation
    count = len(ctx.proposed.websites)
    if limit and count > limit:
        yield finding("ENTITY_WEBSITE_LIMIT", f"主体将有 {count} 个网站，超过 {limit} 个的上限。",
                      f"The entity would have {count} websites; the limit is {limit}.", field="websites", value=count)


@rule("CHANGE_LATE", severity="warning", source="design §14; icp §5.5 (R6); founding document",
      order_types=CHANGES, reads=("change_date",),
      title_zh="变更备案应在实际变更后 30 日内提交（可提前登记计划中的变更）",
      title_en="A change is filed within 30 days after it happened (planned changes may be filed in advance)",
      hint_zh="请尽快提交；以后请在变更发生前或发生后 30 日内办理。",
      hint_en="Submit now; in future file changes before or within 30 days after they happen.")
def change_late(ctx: RuleContext):
    day = getattr(ctx.order, "change_date", None)
    if isinstance(day, dt.date) and (ctx.on - day).days > 30:
        yield finding("CHANGE_LATE", f"实际变更日期 {day.isoformat()} 距今已超过 30 天。",
                      f"The change happened on {day.isoformat()}, more than 30 days ago.", field="change_date",
                      value=day.isoformat())
