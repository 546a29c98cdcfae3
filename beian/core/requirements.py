"""Material requirement codes shared by the rules engine (``needs_material`` findings) and the materials
catalogue (design.md §7, §8). The materials app owns the catalogue rows; these codes are the contract.
"""

# code: (Chinese name, English name)
REQUIREMENT_CODES: dict[str, tuple[str, str]] = {
    "entity_certificate": ("主体证件（营业执照等）彩色扫描件", "Entity certificate (colour scan of the original)"),
    "entity_principal_id_front": ("主体负责人身份证人像面", "Entity principal's ID, portrait side"),
    "entity_principal_id_back": ("主体负责人身份证国徽面", "Entity principal's ID, emblem side"),
    "website_principal_id_front": ("网站负责人身份证人像面", "Website principal's ID, portrait side"),
    "website_principal_id_back": ("网站负责人身份证国徽面", "Website principal's ID, emblem side"),
    "handheld_id_photo": ("手持身份证照片", "Photo holding the ID card"),
    "rename_proof": ("名称变更证明（工商变更通知书等）", "Proof of the rename (registration change notice)"),
    "certificate_change_proof": ("证件号码变更证明", "Proof of the certificate number change"),
    "authorisation_letter": ("负责人授权书", "Authorisation letter for the principal"),
    "pre_approval_document": ("前置审批文件", "Pre-approval document"),
    "cross_province_explanation": ("跨省接入说明材料", "Explanation of a server outside the filing province"),
    "service_security_agreement": ("《服务信息安全协议》", "Service information security agreement"),
    "commitment_letter": ("不涉及前置审批承诺书等省份承诺书", "Province commitment letter"),
    "residence_proof": ("居住证明（居住证、社保证明等）", "Proof of residence"),
    "domain_certificate": ("域名证书", "Domain certificate"),
    "legal_rep_id": ("法定代表人身份证", "Legal representative's ID"),
}
