"""The catalogue rows seeded by migration 0002 (icp-domain.md §3.1, §3.2; design.md §14).

Frozen with that migration: change the catalogue in the admin or with a new data migration, not here.
"""

from __future__ import annotations

NEW = ["new_filing", "add_website", "add_access"]
CHANGES = ["change_entity", "change_website", "change_filing"]
ACCESS_CHANGES = ["change_website", "change_filing", "change_access"]
PRINCIPAL_FIELDS = "name|certificate_type|certificate_number|valid_from|valid_to"
AUTH_LETTER_PROVINCES = ["120000", "310000", "340000", "350000", "360000", "430000", "420000", "500000", "510000",
                         "520000"]


def _paths(prefix: str, fields: str) -> str:
    return "|".join(f"{prefix}.{f}" for f in fields.split("|"))


# (code, order_types, entity_kind, provinces, path, ops, condition, reason_zh, reason_en, source)
ROWS: list[tuple] = [
    ("entity_certificate", NEW, "organisation", [], "", [], "",
     "单位主体须提供主体证件（营业执照等）原件的彩色扫描件或照片。",
     "An organisation provides a colour scan or photo of its certificate (business licence).", "icp §3.1, §3.2"),
    ("entity_certificate", CHANGES, "organisation", [], "entity.name|entity.certificate_type|"
     "entity.certificate_number|entity.certificate_address", [], "",
     "主体证件上的信息变更，须提供变更后的主体证件。",
     "The certificate's data changes: provide the new certificate.", "icp §3.2"),
    ("rename_proof", CHANGES, "organisation", [], "entity.name", [], "",
     "主体名称变更须提供工商变更通知书或企业信用信息公示系统截图（加盖公章）。",
     "A rename needs the registration change notice (or a stamped credit-system screenshot).", "icp §1.4, §3.1"),
    ("certificate_change_proof", CHANGES, "any", [], "entity.certificate_number", [], "",
     "证件号码变更（组织机构代码换发统一社会信用代码）须提供证明。",
     "A certificate number change (organisation code → USCC) needs proof.", "design §14"),
    ("entity_principal_id_front", NEW, "any", [], "", [], "",
     "须提供主体负责人身份证人像面。", "Provide the entity principal's ID, portrait side.", "icp §3.1"),
    ("entity_principal_id_back", NEW, "any", [], "", [], "",
     "须提供主体负责人身份证国徽面。", "Provide the entity principal's ID, emblem side.", "icp §3.1"),
    ("entity_principal_id_front", CHANGES, "any", [], _paths("entity.principal", PRINCIPAL_FIELDS), [], "",
     "主体负责人或其证件变更，须提供新的身份证人像面。",
     "The entity principal or their ID changes: provide the ID's portrait side.", "icp §3.2"),
    ("entity_principal_id_back", CHANGES, "any", [], _paths("entity.principal", PRINCIPAL_FIELDS), [], "",
     "主体负责人或其证件变更，须提供新的身份证国徽面。",
     "The entity principal or their ID changes: provide the ID's emblem side.", "icp §3.2"),
    ("website_principal_id_front", NEW, "any", [], "websites[*]", ["add"], "website_principal_not_entity",
     "新网站的网站负责人不是主体负责人，须提供其身份证人像面。",
     "The new website's principal is not the entity principal: provide their ID, portrait side.", "icp §3.1"),
    ("website_principal_id_back", NEW, "any", [], "websites[*]", ["add"], "website_principal_not_entity",
     "新网站的网站负责人不是主体负责人，须提供其身份证国徽面。",
     "The new website's principal is not the entity principal: provide their ID, emblem side.", "icp §3.1"),
    ("website_principal_id_front", CHANGES, "any", [], _paths("websites[*].principal", PRINCIPAL_FIELDS), [], "",
     "网站负责人或其证件变更，须提供新的身份证人像面。",
     "The website principal or their ID changes: provide the ID's portrait side.", "icp §3.2"),
    ("website_principal_id_back", CHANGES, "any", [], _paths("websites[*].principal", PRINCIPAL_FIELDS), [], "",
     "网站负责人或其证件变更，须提供新的身份证国徽面。",
     "The website principal or their ID changes: provide the ID's emblem side.", "icp §3.2"),
    ("handheld_id_photo", NEW, "individual", [], "", [], "",
     "个人主体须提供手持身份证照片（省份可豁免）。",
     "An individual provides a photo holding the ID card (a province may waive it).", "design §14"),
    ("handheld_id_photo", CHANGES, "individual", [], "entity.principal.name|entity.principal.certificate_number",
     [], "", "个人主体的负责人证件变更，须提供手持身份证照片。",
     "The individual's ID changes: provide a photo holding the ID card.", "design §14"),
    ("authorisation_letter", NEW, "organisation", AUTH_LETTER_PROVINCES, "websites[*]", ["add"],
     "website_principal_not_entity",
     "本省要求：网站负责人非法定代表人时，须提供法定代表人签字并盖章的网站负责人授权书。",
     "In this province a website principal other than the legal representative needs a signed, stamped "
     "authorisation letter.", "icp §3.1 (T7)"),
    ("authorisation_letter", CHANGES, "organisation", AUTH_LETTER_PROVINCES,
     "websites[*].principal.name|websites[*].principal.certificate_number", [], "website_principal_not_entity",
     "本省要求：新的网站负责人非法定代表人时，须提供网站负责人授权书。",
     "In this province a new website principal other than the legal representative needs an authorisation "
     "letter.", "icp §3.1 (T7)"),
    ("pre_approval_document", NEW, "any", [], "websites[*]", ["add"], "has_pre_approvals",
     "网站涉及前置审批，须提供前置审批文件。", "The website needs pre-approval: provide the approval document.",
     "icp §3.1"),
    ("pre_approval_document", CHANGES, "any", [], "websites[*].pre_approvals", [], "has_pre_approvals",
     "前置审批信息变更，须提供前置审批文件。", "The pre-approvals change: provide the approval document.", "icp §3.1"),
    ("cross_province_explanation", NEW + ACCESS_CHANGES, "any", [],
     "websites[*]|websites[*].access[*]|websites[*].access[*].region", [], "access_outside_province",
     "服务器不在备案省份，须提供跨省接入说明。",
     "The server is outside the filing province: provide an explanation.", "design §14, icp §5.4"),
    ("service_security_agreement", NEW, "any", [], "", [], "",
     "接入本接入商须在线签署《服务信息安全协议》。",
     "Access at this provider needs the service information security agreement, signed in the app.",
     "icp §3.1"),
    ("service_security_agreement", ACCESS_CHANGES, "any", [],
     "websites[*].access[*]|websites[*].access[*].ip_ranges|websites[*].access[*].region|"
     "websites[*].access[*].method", ["add", "change"], "",
     "接入信息变更须重新在线签署《服务信息安全协议》。",
     "An access change needs the service information security agreement signed again.", "icp §3.1"),
    ("commitment_letter", NEW, "any", ["320000"], "", [], "",
     "江苏省要求提供《ICP备案信息真实性承诺书》。", "Jiangsu asks for the authenticity commitment letter.",
     "icp §3.1 (H3, H14)"),
    ("commitment_letter", NEW, "any", ["440000"], "", [], "",
     "广东省要求提供《互联网信息服务备案承诺书》。", "Guangdong asks for the service commitment letter.",
     "icp §3.1 (H3)"),
    ("commitment_letter", NEW, "any", ["310000"], "", [], "",
     "上海市要求提供《上海市互联网信息服务备案承诺书》。", "Shanghai asks for its service commitment letter.",
     "icp §3.1 (Q15)"),
    ("residence_proof", ["new_filing"], "individual", [], "", [], "id_outside_province",
     "身份证非备案省份签发，须提供居住证明。",
     "The ID was issued in another province: provide proof of residence.", "icp §3.1"),
]
