"""Machine checks: legibility numbers and judgements, OCR of rendered licences and ID cards compared with the
typed data (clean and degraded: rotated, JPEG-compressed, blurred), and the worker sweep end to end.

OCR costs ~1 s and ~600 MB once per process: the OCR tests are few and marked slow."""

from __future__ import annotations

import datetime as dt

import pytest

from beian.core.state import FilingState
from beian.materials import checks
from beian.registry.demo import ZJ_COMPANY_USCC, ZJ_LEGAL_REP_ID, zhejiang_enterprise_state
from tests.materials import images
from tests.materials.conftest import require_ocr, upload

NAME = "杭州云栖网络科技有限公司"


def codes(findings) -> list[str]:
    return sorted(f["code"] for f in findings)


@pytest.fixture(scope="module")
def proposed():
    return FilingState.model_validate(zhejiang_enterprise_state())


# ---------------------------------------------------------------- legibility (no OCR)


def test_legibility_numbers_separate_sharp_from_blurred():
    sharp = checks.legibility(images.licence(NAME, ZJ_COMPANY_USCC))
    blurred = checks.legibility(images.blurred(images.licence(NAME, ZJ_COMPANY_USCC)))
    assert sharp["blur"] > 10 * checks.BLUR_MIN
    assert blurred["blur"] < checks.BLUR_MIN
    assert checks.legibility_findings(sharp, requirement="entity_certificate") == []
    [finding] = checks.legibility_findings(blurred, requirement="entity_certificate")
    assert finding["code"] == "MATERIAL_BLURRY" and finding["severity"] == "warning"
    assert finding["requirement"] == "entity_certificate"


def test_too_dark_too_bright_and_low_resolution():
    from PIL import Image, ImageEnhance

    doc = images.licence(NAME, ZJ_COMPANY_USCC)
    dark = ImageEnhance.Brightness(doc).enhance(0.12)
    washed = ImageEnhance.Contrast(ImageEnhance.Brightness(doc).enhance(1.6)).enhance(0.1)
    small = doc.resize((480, 300), Image.BILINEAR)
    assert "MATERIAL_TOO_DARK" in codes(checks.legibility_findings(checks.legibility(dark), requirement=None))
    assert "MATERIAL_TOO_BRIGHT" in codes(checks.legibility_findings(checks.legibility(washed), requirement=None))
    assert codes(checks.legibility_findings(checks.legibility(small), requirement=None)) == ["MATERIAL_LOW_RESOLUTION"]


def test_blurred_licence_is_flagged_illegible_without_ocr(proposed, monkeypatch):
    monkeypatch.setattr(checks, "ocr_lines", lambda img: pytest.fail("OCR must not run on an illegible image"))
    findings, data = checks.check_image(images.blurred(images.licence(NAME, ZJ_COMPANY_USCC)),
                                        code="entity_certificate", proposed=proposed)
    assert codes(findings) == ["MATERIAL_BLURRY"]
    assert "ocr_lines" not in data


def test_readers_parse_ocr_lines():
    lines = ["营业执照", "统一社会信用代码 91330106MA2BOK7L1L", "名 称：杭州云栖网络科技有限公司"]
    assert checks.read_licence(lines) == {"name": NAME, "credit_code": "91330106MA2B0K7L1L"}
    assert checks.read_id_front(["姓名", "王建国", "公民身份号码330102198303010312"]) == {
        "name": "王建国", "number": "330102198303010312"}
    assert checks.read_id_back(["有效期限2019.05.01-长期"]) == {"valid_from": "2019-05-01", "valid_to": "long-term"}


# ---------------------------------------------------------------- OCR (rendered documents)


@pytest.fixture(scope="module")
def ocr():
    require_ocr()
    images.require_font()
    checks.ocr_engine()


def run(img, code, proposed, key=""):
    return checks.check_image(img, code=code, proposed=proposed, website_key=key)


@pytest.mark.slow
@pytest.mark.parametrize("degrade", [
    pytest.param(lambda i: i, id="clean"),
    pytest.param(images.rotated, id="rotated"),
    pytest.param(lambda i: images.compressed(i, 20), id="jpeg-q20"),
])
def test_matching_licence_passes(ocr, proposed, degrade):
    findings, data = run(degrade(images.licence(NAME, ZJ_COMPANY_USCC)), "entity_certificate", proposed)
    assert findings == [], data.get("ocr_lines")
    assert data["read"] == {"name": NAME, "credit_code": ZJ_COMPANY_USCC}


@pytest.mark.slow
def test_licence_of_another_company_names_both(ocr, proposed):
    findings, _ = run(images.licence("杭州西溪贸易有限公司", "91330106MA2B0K7L1L"), "entity_certificate", proposed)
    assert codes(findings) == ["MATERIAL_NAME_MISMATCH"]
    message = findings[0]["message_zh"]
    assert "杭州西溪贸易有限公司" in message and NAME in message
    assert findings[0]["field"] == "entity.name" and findings[0]["value"] == "杭州西溪贸易有限公司"


@pytest.mark.slow
def test_licence_with_another_credit_code(ocr, proposed):
    findings, _ = run(images.licence(NAME, "91330106MA2B0K7L2J"), "entity_certificate", proposed)
    assert codes(findings) == ["MATERIAL_CREDIT_CODE_MISMATCH"]
    assert "91330106MA2B0K7L2J" in findings[0]["message_en"] and ZJ_COMPANY_USCC in findings[0]["message_en"]


@pytest.mark.slow
def test_id_card_front_and_back(ocr, proposed):
    findings, data = run(images.rotated(images.id_front("王建国", ZJ_LEGAL_REP_ID), -3), "entity_principal_id_front",
                         proposed)
    assert findings == [], data.get("ocr_lines")
    findings, _ = run(images.id_front("王建国", "330102198303010339"), "entity_principal_id_front", proposed)
    assert codes(findings) == ["MATERIAL_ID_NUMBER_MISMATCH"]
    findings, data = run(images.compressed(images.id_back("2019.05.01", "2039.05.01"), 30),
                         "entity_principal_id_back", proposed)
    assert findings == [], data.get("ocr_lines")
    findings, _ = run(images.id_back("2009.05.01", "2029.05.01"), "entity_principal_id_back", proposed)
    assert codes(findings) == ["MATERIAL_ID_VALIDITY_MISMATCH"]
    assert "2009-05-01" in findings[0]["message_zh"] and "2019-05-01" in findings[0]["message_zh"]


@pytest.mark.slow
def test_a_licence_uploaded_as_an_id_card_is_implausible(ocr, proposed):
    findings, _ = run(images.licence(NAME, ZJ_COMPANY_USCC), "entity_principal_id_front", proposed)
    assert "MATERIAL_TYPE_IMPLAUSIBLE" in codes(findings)


@pytest.mark.slow
def test_worker_sweep_checks_an_upload_and_everyone_sees_the_findings(ocr, applicant, reviewer, change_order, api):
    """Upload (no OCR in the request) → the worker's sweep checks it → applicant and reviewer see the findings."""
    from beian.core.sweeps import sweeps_discover
    from beian.materials.models import Material
    from beian.orders import services

    data = images.jpeg_bytes(images.licence(NAME, ZJ_COMPANY_USCC))  # the old name: the order renames the company
    started = dt.datetime.now()
    response = upload(api(applicant), data, "licence.jpg", order_id=change_order.pk, code="entity_certificate")
    assert response.status_code == 201 and response.json_body["check_status"] == "pending"
    assert sweeps_discover()["materials.check"].func() == 1
    assert sweeps_discover()["materials.check"].func() == 0
    assert (dt.datetime.now() - started).total_seconds() < 30
    material = Material.objects.get()
    assert material.check_status == "done"
    [finding] = material.check_findings
    assert finding["code"] == "MATERIAL_NAME_MISMATCH"
    assert NAME in finding["message_zh"] and "杭州云栖智能科技有限公司" in finding["message_zh"]

    listing = api(applicant).get(f"/api/materials/orders/{change_order.pk}/materials").json_body
    assert listing[0]["check_findings"][0]["code"] == "MATERIAL_NAME_MISMATCH"
    assert listing[0]["legibility"]["blur"] > checks.BLUR_MIN
    order_findings = api(applicant).get(f"/api/orders/{change_order.pk}/findings").json_body
    assert "MATERIAL_NAME_MISMATCH" in [f["code"] for f in order_findings]
    services.order_submit(user=applicant, order_id=change_order.pk)
    seen = api(reviewer).get(f"/api/materials/orders/{change_order.pk}/materials").json_body
    assert seen[0]["check_findings"][0]["code"] == "MATERIAL_NAME_MISMATCH"
