"""Rule-table rows of the materials' rules (collected by tests/rules/test_catalogue.py)."""

from __future__ import annotations

from tests.rules.cases import Case, rename


def _contact_change(state):
    state["entity"]["principal"]["mobile"] = "13957199999"


def _machine_check_findings(with_findings: bool):
    """A saved rename order whose licence was checked by the worker; the codes its findings carry."""

    def run(world):
        from beian.materials.models import CheckStatus, Material
        from beian.orders import services

        world.zj_entity  # noqa: B018 - files the demo enterprise
        order = services.order_create(user=world.applicant, type="change")
        proposed = order.proposed
        rename(proposed)
        services.order_update(user=world.applicant, order_id=order.pk, proposed=proposed)
        found = [{"code": "MATERIAL_NAME_MISMATCH", "severity": "warning", "message_zh": "名称不一致",
                  "message_en": "name differs", "field": "entity.name", "requirement": "entity_certificate",
                  "source": "icp §3.4"}] if with_findings else []
        Material.objects.create(owner=world.applicant, order=order, code="entity_certificate", original_name="a.jpg",
                                content_type="image/jpeg", size=1, sha256="0" * 64, storage_name=f"m/x{order.pk}",
                                check_status=CheckStatus.DONE, check_findings=found)
        codes = [f.code for f in services.order_findings(order=order, stage="preflight")]
        return ["MATERIAL_CHECKS"] if "MATERIAL_NAME_MISMATCH" in codes else []

    return run


CASES = [
    Case("MATERIAL_MISSING", "contact-change-needs-nothing", base="zj_change", edit=_contact_change),
    Case("MATERIAL_MISSING", "rename-needs-licence", base="zj_change", edit=rename, severity="needs_material",
         field="materials.entity_certificate", value="entity_certificate", requirement="entity_certificate"),
    Case("MATERIAL_MISSING", "new-website-principal-ids", base="zj_new", severity="needs_material",
         field="websites[n1].materials.website_principal_id_front", requirement="website_principal_id_front"),
    Case("MATERIAL_CHECKS", "clean-check", custom=_machine_check_findings(False)),
    Case("MATERIAL_CHECKS", "mismatch-shown", severity="warning", custom=_machine_check_findings(True)),
]
