"""Seed the return-reason catalogue (icp-domain.md §5.8) and the province rules forcing change_filing (§1.4)."""

from django.db import migrations

REASONS = [
    ("DOMAIN_REALNAME", "域名未实名或实名信息与主体不一致", "Domain not real-name verified or holder differs from the entity",
     "完成域名实名认证或将域名过户至主体名下，等待同步后重新提交。",
     "Complete the domain real-name check or transfer it to the entity, then resubmit.", ""),
    ("DOMAIN_NOT_IN_MIIT", "域名未入库", "Domain not in the MIIT database",
     "在具备资质的注册商重新实名，等待入库后提交。", "Redo real-name at an approved registrar and wait for it to sync.", ""),
    ("DOMAIN_TLD_OR_EXPIRED", "域名后缀或注册商未获批，或域名已过期", "TLD or registrar not approved, or domain expired",
     "转入获批注册商或续费域名。", "Transfer to an approved registrar or renew the domain.", ""),
    ("WEBSITE_NAME", "网站名称不合格", "Website name non-compliant", "按网站名称规则修改名称，必要时在备注说明。",
     "Rename the website following the naming rules; explain in the remarks if needed.", ""),
    ("CROSS_PROVINCE", "跨省备案", "Cross-province filing", "在证件所在省份重新创建订单。",
     "Create the order again in the certificate's province.", "entity.province"),
    ("SITE_OPEN_DURING_FILING", "备案期间网站不得开通访问", "Unfiled site opened during filing",
     "暂停域名解析或关闭网站。", "Stop DNS resolution or close the site.", ""),
    ("FOOTER_MISSING", "已备案网站未开通或未悬挂备案号", "Filed site unreachable or footer number missing",
     "开通网站并在底部悬挂备案号并链接至 https://beian.miit.gov.cn。",
     "Open the site and show the filing number linked to https://beian.miit.gov.cn in its footer.", ""),
    ("CONTENT_MISMATCH", "网站内容与主体性质不符或需前置审批", "Content does not match the entity or needs pre-approval",
     "调整内容或取得前置审批。", "Adjust the content or obtain the pre-approval.", ""),
    ("MATERIAL_UNCLEAR", "证件材料不合格（模糊、复印件、翻拍）", "Certificate images unclear, copies or screen photos",
     "上传彩色原件扫描件或照片，有效期需超过 3 个月。", "Upload colour scans of originals, valid for more than 3 months.", ""),
    ("IDENTITY_CHECK_FAILED", "真实性核验不通过", "Identity verification failed",
     "在光线充足、背景简洁处重新核验，确保信息一致。", "Verify again in good light with a plain background.", ""),
    ("PHONE_PROBLEM", "电话号码不可用或已被其他主体使用", "Phone unreachable or used by another entity",
     "使用本省可接通的号码，或先变更其他主体的号码。", "Use a reachable local number, or change the other entity's number.",
     "entity.principal.mobile"),
    ("NOT_LEGAL_REPRESENTATIVE", "主体负责人不是法定代表人", "Entity principal is not the legal representative",
     "改为法定代表人，或按省份要求提供授权书。", "Use the legal representative, or provide an authorisation letter.",
     "entity.principal.name"),
    ("ALREADY_FILED_ELSEWHERE", "已在工信部存在备案记录或业务类型有误", "Already filed at MIIT with other data, or wrong order type",
     "使用原证件信息办理新增接入或新增网站，或先变更。", "Use add-access / add-website with the old data, or change first.", ""),
    ("ORDER_CONFLICT", "存在进行中的其他订单（主办者或域名冲突）", "Another order in progress (entity or domain conflict)",
     "完成或撤销另一订单。", "Finish or withdraw the other order.", ""),
    ("EMPTY_SHELL", "空壳主体", "Empty-shell entity", "注销主体后重新备案。", "Cancel the entity, then file anew.", ""),
    ("INFO_INCONSISTENT", "信息与国家企业信用信息公示系统不一致", "Data inconsistent with the national enterprise credit system",
     "核对名称、证件号码、住所、法定代表人后修改。",
     "Check the name, number, address and legal representative, then correct them.", "entity.name"),
    ("RENAME_PROOF_MISSING", "主体名称变更缺少变更证明", "Rename without proof of the change",
     "上传工商变更通知书或公示系统截图（加盖公章）。",
     "Upload the registration change notice or a stamped screenshot of the credit system.", "entity.name"),
    ("MISSED_CALL", "核验电话未接通", "Verification phone call missed", "保持电话畅通，重新提交。",
     "Keep the phone reachable and resubmit.", ""),
]

CHANGE_RULES = [("630000", "always", "icp §1.4 青海"), ("430000", "entity_principal_changed", "icp §1.4 湖南"),
                ("520000", "entity_principal_changed", "icp §1.4 贵州"),
                (None, "individual_contact_changed", "icp §1.4 (QingCloud Q3)")]


def load(apps, schema_editor):
    ReturnReason = apps.get_model("orders", "ReturnReason")
    ChangeTypeRule = apps.get_model("orders", "ChangeTypeRule")
    Province = apps.get_model("registry", "Province")
    for i, (code, zh, en, fix_zh, fix_en, field) in enumerate(REASONS):
        ReturnReason.objects.create(code=code, title_zh=zh, title_en=en, fix_zh=fix_zh, fix_en=fix_en,
                                    default_field=field, sort=i)
    for code, condition, source in CHANGE_RULES:
        province = Province.objects.get(code=code) if code else None
        ChangeTypeRule.objects.create(province=province, condition=condition, source=source)


def unload(apps, schema_editor):
    apps.get_model("orders", "ReturnReason").objects.all().delete()
    apps.get_model("orders", "ChangeTypeRule").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("orders", "0003_order_bureau_at_order_due_fallback_and_more"), ("registry", "0002_catalogues")]
    operations = [migrations.RunPython(load, unload)]
