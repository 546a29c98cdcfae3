"""The requirement catalogue: for each order type and several diffs, the exact list of required materials."""

from __future__ import annotations

import pytest

from beian.materials.catalogue import requirements_for
from beian.orders import services
from beian.registry.demo import beijing_individual_state, zhejiang_enterprise_state


def needed(order) -> list[tuple[str, str]]:
    return [(r.code, r.website_key) for r in requirements_for(order=order, findings=[])]


def change(applicant, edit) -> object:
    order = services.order_create(user=applicant, type="change")
    proposed = order.proposed
    edit(proposed)
    return services.order_update(user=applicant, order_id=order.pk, proposed=proposed)


ENTITY_IDS = [("entity_principal_id_front", ""), ("entity_principal_id_back", "")]


def test_new_filing_enterprise_same_principal_and_other_principal(applicant, db):
    state = zhejiang_enterprise_state()
    order = services.order_create(user=applicant, type="new_filing", proposed=state)
    # both websites have 李晓燕, not the legal representative 王建国: her ID per website; 浙江 needs no letter
    assert needed(order) == [
        ("entity_certificate", ""), *ENTITY_IDS,
        ("website_principal_id_front", "n1"), ("website_principal_id_front", "n2"),
        ("website_principal_id_back", "n1"), ("website_principal_id_back", "n2"),
        ("service_security_agreement", ""),
    ]


def test_new_filing_individual_needs_handheld_photo_not_licence(applicant, db):
    order = services.order_create(user=applicant, type="new_filing", proposed=beijing_individual_state())
    assert needed(order) == [*ENTITY_IDS, ("handheld_id_photo", ""), ("service_security_agreement", "")]


def test_new_filing_in_shanghai_adds_commitment_and_authorisation_letters(applicant, db):
    state = zhejiang_enterprise_state()
    state["entity"]["province"] = "310000"
    state["entity"]["city"], state["entity"]["district"] = "上海市", "黄浦区"
    for site in state["websites"]:
        site["access"][0]["region"] = "上海市"
    order = services.order_create(user=applicant, type="new_filing", proposed=state)
    assert ("authorisation_letter", "n1") in needed(order)
    assert ("authorisation_letter", "n2") in needed(order)
    assert ("commitment_letter", "") in needed(order)
    assert ("cross_province_explanation", "n1") not in needed(order)


def test_individual_with_id_from_another_province_needs_residence_proof(applicant, db):
    state = beijing_individual_state()
    state["entity"]["province"] = "330000"
    state["entity"]["city"], state["entity"]["district"] = "杭州市", "西湖区"
    state["websites"][0]["access"][0]["region"] = "浙江省"
    order = services.order_create(user=applicant, type="new_filing", proposed=state)
    assert ("residence_proof", "") in needed(order)


def test_contact_phone_change_needs_nothing(applicant, zj_entity):
    order = change(applicant, lambda p: p["entity"]["principal"].update(mobile="13957199999"))
    assert order.type == "change_entity"
    assert needed(order) == []


def test_rename_needs_new_licence_and_rename_proof(applicant, zj_entity):
    order = change(applicant, lambda p: p["entity"].update(name="杭州云栖智能科技有限公司"))
    assert needed(order) == [("entity_certificate", ""), ("rename_proof", "")]


def test_legal_representative_change_needs_his_id_only(applicant, zj_entity):
    order = change(applicant, lambda p: p["entity"]["principal"].update(
        name="赵志强", certificate_number="330106198805050016"))
    assert needed(order) == ENTITY_IDS


def test_website_principal_change_needs_that_websites_ids(applicant, zj_entity):
    def edit(p):
        p["websites"][1]["principal"].update(name="陈静", certificate_number="330106199001010024")

    order = change(applicant, edit)
    key = order.proposed["websites"][1]["key"]
    assert order.type == "change_website"
    assert needed(order) == [("website_principal_id_front", key), ("website_principal_id_back", key)]


def test_website_name_change_needs_nothing(applicant, zj_entity):
    order = change(applicant, lambda p: p["websites"][0].update(name="云栖网络企业官网"))
    assert needed(order) == []


def test_access_ip_change_needs_the_signed_agreement(applicant, zj_entity):
    order = change(applicant, lambda p: p["websites"][0]["access"][0].update(
        ip_ranges=[{"start": "47.96.10.30", "end": "47.96.10.30"}]))
    assert order.type == "change_access"
    assert needed(order) == [("service_security_agreement", "")]


def test_server_moved_out_of_province_needs_an_explanation(applicant, zj_entity):
    order = change(applicant, lambda p: p["websites"][0]["access"][0].update(region="上海市"))
    key = order.proposed["websites"][0]["key"]
    assert needed(order) == [("cross_province_explanation", key), ("service_security_agreement", "")]


def test_pre_approval_added_needs_the_document(applicant, zj_entity):
    order = change(applicant, lambda p: p["websites"][0].update(pre_approvals=[{"type": "新闻", "number": "X-1"}]))
    key = order.proposed["websites"][0]["key"]
    assert needed(order) == [("pre_approval_document", key)]


def test_add_website_with_its_own_principal(applicant, zj_entity):
    from beian.registry.selectors import filing_state_of

    state = filing_state_of(zj_entity).to_json()
    state["websites"].append({
        "key": "new1", "name": "云栖开发者社区", "home_url": "www.yunqi-dev.cn", "service_content": ["其他"],
        "languages": ["中文简体"], "domains": ["yunqi-dev.cn"], "principal": state["entity"]["principal"],
        "access": [{"key": "a1", "provider": "本接入商", "method": "云接入", "region": "浙江省",
                    "ip_ranges": [{"start": "47.96.10.40", "end": "47.96.10.40"}]}]})
    order = services.order_create(user=applicant, type="add_website", proposed=state)
    # the new website's principal is the legal representative: his IDs are asked once, at entity level
    assert needed(order) == [("entity_certificate", ""), *ENTITY_IDS, ("service_security_agreement", "")]


@pytest.mark.parametrize("type_", ["cancel_entity", "cancel_website", "cancel_access"])
def test_cancellations_need_nothing(applicant, zj_entity, type_):
    site = zj_entity.websites.order_by("id").first()
    order = services.order_create(user=applicant, type=type_, target_website_id=site.pk)
    assert needed(order) == []


def test_a_province_waiver_row_removes_the_handheld_photo(applicant, db):
    from beian.materials.models import MaterialRequirement

    MaterialRequirement.objects.create(code="handheld_id_photo", provinces=["110000"], waive=True,
                                       reason_zh="北京已采用电子核验", reason_en="Beijing verifies electronically")
    order = services.order_create(user=applicant, type="new_filing", proposed=beijing_individual_state())
    assert ("handheld_id_photo", "") not in needed(order)


def test_needs_material_findings_are_added_once(applicant, zj_entity):
    from beian.core.errors import Finding

    order = change(applicant, lambda p: p["entity"].update(name="杭州云栖智能科技有限公司"))
    extra = [Finding(code="X_RULE", severity="needs_material", message_zh="需要", message_en="needed",
                     field="websites[n1].domains", requirement="domain_certificate"),
             Finding(code="Y_RULE", severity="needs_material", message_zh="需要", message_en="needed",
                     field="entity.name", requirement="rename_proof"),
             Finding(code="Z_RULE", severity="warning", message_zh="w", message_en="w", requirement="legal_rep_id")]
    got = [(r.code, r.website_key, r.origin.split(":")[0]) for r in requirements_for(order=order, findings=extra)]
    assert got == [("entity_certificate", "", "catalogue"), ("rename_proof", "", "catalogue"),
                   ("domain_certificate", "n1", "rule")]


def test_requirements_endpoint_lists_them_with_status(applicant, zj_entity, api):
    order = change(applicant, lambda p: p["entity"].update(name="杭州云栖智能科技有限公司"))
    r = api(applicant).get(f"/api/materials/orders/{order.pk}/requirements")
    assert r.status_code == 200
    assert [(i["code"], i["met"]) for i in r.json_body] == [("entity_certificate", False), ("rename_proof", False)]
    assert r.json_body[1]["reason_zh"].startswith("主体名称变更")
