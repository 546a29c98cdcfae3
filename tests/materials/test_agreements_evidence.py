"""Agreements signed in the app (text, version, signer, time, address, hash; PDF with Chinese), the evidence
archive of an approved order, retention purges, and the submit-time rule that required materials are present."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile

import pytest
from django.utils import timezone

from beian.materials.models import AgreementSignature, Material
from beian.orders import services
from beian.orders.models import Order
from beian.registry.models import StaffViewLog
from tests.materials import hostile
from tests.materials.conftest import stored_objects, upload
from tests.orders.helpers import drive_to_approval


def sign(client, order_id: int, **overrides):
    text = client.get(f"/api/materials/agreements/service_security_agreement?order_id={order_id}").json_body
    body = {"code": "service_security_agreement", "version": text["version"], "text_sha256": text["text_sha256"],
            **overrides}
    return client.client.post(f"/api/materials/orders/{order_id}/agreements", data=json.dumps(body),
                              content_type="application/json", REMOTE_ADDR="203.0.113.7",
                              HTTP_USER_AGENT="pytest-browser")


@pytest.fixture
def access_change(applicant, zj_entity):
    order = services.order_create(user=applicant, type="change")
    proposed = order.proposed
    proposed["websites"][0]["access"][0]["ip_ranges"] = [{"start": "47.96.10.30", "end": "47.96.10.30"}]
    return services.order_update(user=applicant, order_id=order.pk, proposed=proposed)


def test_signing_records_text_version_signer_time_address_and_hash(applicant, access_change, api):
    client = api(applicant)
    response = sign(client, access_change.pk)
    assert response.status_code == 201, response.content
    row = AgreementSignature.objects.get()
    assert row.agreement.version == "2026.1" and row.signer == applicant
    assert row.signer_name == "杭州云栖网络科技有限公司" and row.client_ip == "203.0.113.7"
    assert row.user_agent == "pytest-browser" and "服务信息安全协议" in row.text and f"#{access_change.pk}" in row.text
    import hashlib

    assert row.sha256 == hashlib.sha256(row.text.encode()).hexdigest() == response.json()["sha256"]
    assert (timezone.now() - row.signed_at) < dt.timedelta(seconds=30)
    status = client.get(f"/api/materials/orders/{access_change.pk}/requirements").json_body
    assert [(s["code"], s["met"], s["signed_in_app"]) for s in status] == [("service_security_agreement", True, True)]


def test_signing_refuses_a_stale_text_or_version(applicant, access_change, api):
    client = api(applicant)
    assert sign(client, access_change.pk, text_sha256="0" * 64).json()["errors"][0]["code"] == "AGREEMENT_HASH_MISMATCH"
    assert sign(client, access_change.pk, version="2025.9").json()["errors"][0]["code"] == "AGREEMENT_VERSION_OUTDATED"
    assert AgreementSignature.objects.count() == 0


def test_signed_agreement_pdf_renders_chinese(applicant, access_change, api):
    from pypdf import PdfReader

    client = api(applicant)
    signature_id = sign(client, access_change.pk).json()["id"]
    response = client.client.get(f"/api/materials/signatures/{signature_id}/pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages).replace(" ", "")
    assert "服务信息安全协议" in text and "203.0.113.7" in text and "杭州云栖网络科技有限公司" in text


def test_missing_materials_refuse_submission_when_enforced(settings, applicant, access_change, api):
    settings.BEIAN_MATERIALS = {**settings.BEIAN_MATERIALS, "MISSING_SEVERITY": "error"}
    client = api(applicant)
    refused = client.post(f"/api/orders/{access_change.pk}/submit")
    assert refused.status_code == 422
    missing = [e for e in refused.json_body["errors"] if e["code"] == "MATERIAL_MISSING"]
    assert [e["field"] for e in missing] == ["materials.service_security_agreement"]
    sign(client, access_change.pk)
    assert client.post(f"/api/orders/{access_change.pk}/submit").status_code == 200


def test_missing_materials_are_findings_with_the_requirement_code(applicant, zj_entity, api):
    order = services.order_create(user=applicant, type="change")
    proposed = order.proposed
    proposed["entity"]["name"] = "杭州云栖智能科技有限公司"
    services.order_update(user=applicant, order_id=order.pk, proposed=proposed)
    findings = api(applicant).get(f"/api/orders/{order.pk}/findings").json_body
    missing = {f["requirement"]: f["severity"] for f in findings if f["code"] == "MATERIAL_MISSING"}
    assert missing == {"entity_certificate": "needs_material", "rename_proof": "needs_material"}


def test_supplement_request_names_material_codes(applicant, reviewer, access_change, api):
    sign(api(applicant), access_change.pk)
    services.order_submit(user=applicant, order_id=access_change.pk)
    services.order_claim(reviewer=reviewer, order_id=access_change.pk)
    services.order_request_supplement(reviewer=reviewer, order_id=access_change.pk,
                                      materials=["cross_province_explanation"])
    r = upload(api(applicant), hostile.pdf(), "说明.pdf", order_id=access_change.pk, code="cross_province_explanation")
    assert r.status_code == 201
    order = services.order_supply(user=applicant, order_id=access_change.pk, materials=["cross_province_explanation"])
    assert order.state == "provider_review"


def test_evidence_archive_of_an_approved_order(applicant, reviewer, bureau_zj, access_change, api):
    client = api(applicant)
    sign(client, access_change.pk)
    r = upload(client, hostile.small_jpeg(), "扫描.jpg", order_id=access_change.pk, code="cross_province_explanation")
    assert r.status_code == 201
    drive_to_approval(access_change.pk, applicant=applicant, reviewer=reviewer, bureau_reviewer=bureau_zj)
    assert Order.objects.get(pk=access_change.pk).state == "approved"

    assert client.get(f"/api/materials/orders/{access_change.pk}/evidence").status_code == 403
    response = api(reviewer).client.get(f"/api/materials/orders/{access_change.pk}/evidence")
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    manifest = json.loads(archive.read("manifest.json"))
    [material] = manifest["materials"]
    assert archive.read(material["file"]) == hostile.small_jpeg()
    assert material["sha256"] == Material.objects.get().sha256
    [agreement] = manifest["agreements"]
    assert archive.read(agreement["file"]).startswith(b"%PDF") and agreement["client_ip"] == "203.0.113.7"
    assert manifest["order"]["state"] == "approved"
    assert "identity_verifications" in manifest
    assert StaffViewLog.objects.filter(what="evidence_export", order_id=access_change.pk).count() == 1


def test_purge_removes_unclaimed_and_abandoned_but_keeps_evidence(settings, applicant, access_change, api):
    from beian.materials.services import materials_purge

    client = api(applicant)
    loose = upload(client, hostile.small_jpeg(), "a.jpg").json_body
    kept = upload(client, hostile.small_png(), "b.png", order_id=access_change.pk,
                  code="cross_province_explanation").json_body
    assert len(stored_objects(settings)) == 2
    now = timezone.now()
    assert materials_purge(now=now) == 0
    assert materials_purge(now=now + dt.timedelta(hours=settings.BEIAN_MATERIALS["UNCLAIMED_HOURS"] + 1)) == 1
    assert not Material.objects.filter(pk=loose["id"]).exists() and len(stored_objects(settings)) == 1

    services.order_withdraw(user=applicant, order_id=access_change.pk)
    Order.objects.filter(pk=access_change.pk).update(ended_at=now)
    days = settings.BEIAN_MATERIALS["ABANDONED_DAYS"]
    assert materials_purge(now=now + dt.timedelta(days=days - 1)) == 0
    assert materials_purge(now=now + dt.timedelta(days=days + 1)) == 1
    assert not Material.objects.filter(pk=kept["id"]).exists() and stored_objects(settings) == []


def test_approved_evidence_is_kept_unless_a_retention_period_is_set(settings, applicant, access_change, api):
    from beian.materials.services import materials_purge

    upload(api(applicant), hostile.small_jpeg(), "a.jpg", order_id=access_change.pk, code="rename_proof")
    Order.objects.filter(pk=access_change.pk).update(state="approved", ended_at=timezone.now())
    later = timezone.now() + dt.timedelta(days=3650)
    assert materials_purge(now=later) == 0
    settings.BEIAN_MATERIALS = {**settings.BEIAN_MATERIALS, "EVIDENCE_DAYS": 1825}
    assert materials_purge(now=later) == 1


def test_admin_pages_render(client, operator, applicant, access_change, api):
    from django.urls import reverse

    upload(api(applicant), hostile.small_jpeg(), "a.jpg", order_id=access_change.pk, code="rename_proof")
    sign(api(applicant), access_change.pk)
    client.force_login(operator, backend="django.contrib.auth.backends.ModelBackend")
    for model in ("materialrequirement", "material", "agreementtext", "agreementsignature"):
        assert client.get(reverse(f"admin:materials_{model}_changelist")).status_code == 200
    page = client.get(reverse("admin:materials_material_change", args=[Material.objects.get().pk]))
    assert page.status_code == 200 and b"storage_name" not in page.content
