"""Uploads through HTTP: hostile files refused with a clear error and leaving nothing behind; good files stored
privately with their SHA-256 on the filesystem and on SeaweedFS; short-lived, per-user signed links."""

from __future__ import annotations

import hashlib

import pytest
import time_machine

from beian.materials.models import Material
from beian.registry.models import StaffViewLog
from tests.materials import hostile
from tests.materials.conftest import stored_objects, upload

HOSTILE = [
    ("png_bomb", lambda: hostile.png_bomb(), "bomb.png", "MATERIAL_TOO_MANY_PIXELS"),
    ("pdf_javascript", hostile.pdf_with_javascript, "form.pdf", "MATERIAL_PDF_ACTIVE_CONTENT"),
    ("pdf_hidden_javascript", hostile.pdf_with_hidden_javascript, "form.pdf", "MATERIAL_PDF_ACTIVE_CONTENT"),
    ("pdf_embedded_file", hostile.pdf_with_embedded_file, "form.pdf", "MATERIAL_PDF_ACTIVE_CONTENT"),
    ("svg_script", lambda: hostile.SVG_WITH_SCRIPT, "licence.svg", "MATERIAL_TYPE_NOT_ALLOWED"),
    ("svg_named_png", lambda: hostile.SVG_WITH_SCRIPT, "licence.png", "MATERIAL_TYPE_NOT_ALLOWED"),
    ("html_named_jpg", lambda: hostile.HTML, "licence.jpg", "MATERIAL_TYPE_NOT_ALLOWED"),
    ("jpeg_zip_polyglot", lambda: hostile.small_jpeg() + hostile.zip_bytes(), "licence.jpg",
     "MATERIAL_TRAILING_DATA"),
    ("png_zip_polyglot", lambda: hostile.small_png() + hostile.zip_bytes(), "licence.png", "MATERIAL_TRAILING_DATA"),
    ("truncated_jpeg", lambda: hostile.small_jpeg()[:-200], "licence.jpg", "MATERIAL_CORRUPT"),
    ("png_named_jpg", hostile.small_png, "licence.jpg", "MATERIAL_EXTENSION_MISMATCH"),
    ("zero_bytes", lambda: b"", "licence.jpg", "MATERIAL_EMPTY"),
    ("oversized", lambda: b"\xff\xd8" + b"\x00" * (300 * 1024), "licence.jpg", "MATERIAL_TOO_LARGE"),
    ("dotdot_name", hostile.small_jpeg, "..%2F..%2Fetc%2Fpasswd.jpg", "MATERIAL_FILENAME_INVALID"),
    ("nul_name", hostile.small_jpeg, "licence%00.php.jpg", "MATERIAL_FILENAME_INVALID"),
    ("non_utf8_name", hostile.small_jpeg, "%FF%FElicence.jpg", "MATERIAL_FILENAME_INVALID"),
    ("backslash_name", hostile.small_jpeg, "..%5Clicence.jpg", "MATERIAL_FILENAME_INVALID"),
]


@pytest.fixture
def small_limit(settings):
    settings.BEIAN_MATERIALS = {**settings.BEIAN_MATERIALS, "MAX_BYTES": 256 * 1024}


@pytest.mark.parametrize("make, filename, code", [pytest.param(m, f, c, id=i) for i, m, f, c in HOSTILE])
def test_hostile_upload_is_refused_and_leaves_nothing(make, filename, code, storage_kind, settings, small_limit,
                                                      applicant, change_order, api):
    response = upload(api(applicant), make(), filename, order_id=change_order.pk, code="entity_certificate")
    assert response.status_code in (413, 422), response.content[:300]
    errors = response.json_body["errors"]
    assert [e["code"] for e in errors] == [code]
    assert errors[0]["message_zh"] and errors[0]["message_en"]
    assert Material.objects.count() == 0
    assert stored_objects(settings, storage_kind["seaweed"]) == []


def test_good_upload_is_stored_with_checksum_and_served_by_signed_link(storage_kind, settings, applicant, reviewer,
                                                                        other_applicant, change_order, api):
    data = hostile.small_jpeg()
    response = upload(api(applicant), data, "%E8%90%A5%E4%B8%9A%E6%89%A7%E7%85%A7.jpg", order_id=change_order.pk,
                      code="entity_certificate")
    assert response.status_code == 201, response.content
    body = response.json_body
    assert body["original_name"] == "营业执照.jpg"
    assert body["sha256"] == hashlib.sha256(data).hexdigest()
    assert body["content_type"] == "image/jpeg" and body["check_status"] == "pending"
    material = Material.objects.get()
    objects = stored_objects(settings, storage_kind["seaweed"])
    assert objects == [material.storage_name] and "营业执照" not in material.storage_name
    if storage_kind["kind"] == "seaweedfs":  # private: an unsigned GET of the object is refused by the server
        import urllib.error
        import urllib.request

        url = f"{storage_kind['seaweed']['endpoint']}/{storage_kind['seaweed']['bucket']}/{material.storage_name}"
        with pytest.raises(urllib.error.HTTPError) as exc:
            urllib.request.urlopen(url, timeout=5)
        assert exc.value.code in (401, 403)

    owner = api(applicant)
    link = owner.post(f"/api/materials/{material.pk}/link").json_body
    got = owner.client.get(link["url"])
    assert got.status_code == 200 and got.content == data
    assert got["Cache-Control"] == "private, no-store" and got["Content-Disposition"].startswith("attachment")
    assert StaffViewLog.objects.count() == 0  # the owner's own view is not a staff view

    # the same link for another user: not found; another applicant cannot even make one
    assert api(other_applicant).get(link["url"]).status_code == 404
    assert api(other_applicant).post(f"/api/materials/{material.pk}/link").status_code == 404

    # a reviewer's own link works and is audit-logged, each time
    staff = api(reviewer)
    from beian.orders import services

    services.order_submit(user=applicant, order_id=change_order.pk)
    staff_link = staff.post(f"/api/materials/{material.pk}/link").json_body
    assert staff.get(staff_link["url"]).status_code == 200
    assert staff.get(staff_link["url"]).status_code == 200
    assert list(StaffViewLog.objects.values_list("what", "user__username")) == [
        (f"material:{material.pk}", "reviewer")] * 2

    # after expiry: 403
    with time_machine.travel(material.created_at.timestamp() + settings.BEIAN_MATERIALS["LINK_SECONDS"] + 60):
        expired = owner.client.get(link["url"])
    assert expired.status_code == 403 and expired.json()["errors"][0]["code"] == "MATERIAL_LINK_EXPIRED"


def test_tampered_link_is_not_found(applicant, change_order, api):
    response = upload(api(applicant), hostile.small_jpeg(), "a.jpg", order_id=change_order.pk,
                      code="entity_certificate")
    link = api(applicant).post(f"/api/materials/{response.json_body['id']}/link").json_body["url"]
    assert api(applicant).get(link[:-3] + "abc").status_code == 404


def test_exif_orientation_is_applied_on_a_derived_copy(applicant, change_order, api, settings):
    data = hostile.small_jpeg(size=(800, 600), exif_orientation=6)
    response = upload(api(applicant), data, "photo.jpeg", order_id=change_order.pk, code="entity_certificate")
    assert response.status_code == 201
    assert (response.json_body["width"], response.json_body["height"]) == (600, 800)
    material = Material.objects.get()
    assert material.display_name and material.sha256 == hashlib.sha256(data).hexdigest()  # original kept as sent
    link = api(applicant).post(f"/api/materials/{material.pk}/link").json_body["url"]
    import io

    from PIL import Image

    shown = Image.open(io.BytesIO(api(applicant).client.get(link).content))
    assert shown.size == (600, 800)


def test_heic_from_a_phone_is_converted(applicant, change_order, api):
    pillow_heif = pytest.importorskip("pillow_heif")
    import io

    from PIL import Image

    pillow_heif.register_heif_opener()
    out = io.BytesIO()
    Image.new("RGB", (640, 480), (90, 140, 60)).save(out, "HEIF")
    response = upload(api(applicant), out.getvalue(), "IMG_0001.HEIC", order_id=change_order.pk,
                      code="entity_certificate")
    assert response.status_code == 201, response.content
    material = Material.objects.get()
    assert material.content_type == "image/heic" and material.display_name.endswith(".jpg")
    link = api(applicant).post(f"/api/materials/{material.pk}/link").json_body["url"]
    served = api(applicant).client.get(link)
    assert served["Content-Type"] == "image/jpeg" and served.content[:2] == b"\xff\xd8"


def test_a_clean_pdf_is_accepted(applicant, change_order, api):
    response = upload(api(applicant), hostile.pdf(), "licence.pdf", order_id=change_order.pk,
                      code="entity_certificate")
    assert response.status_code == 201 and response.json_body["content_type"] == "application/pdf"


def test_upload_refusals_about_the_target(applicant, other_applicant, reviewer, change_order, api):
    jpeg = hostile.small_jpeg()
    assert upload(api(other_applicant), jpeg, "a.jpg", order_id=change_order.pk,
                  code="entity_certificate").status_code == 404
    assert upload(api(reviewer), jpeg, "a.jpg", order_id=change_order.pk, code="x").status_code == 403
    assert upload(api(), jpeg, "a.jpg").status_code == 401
    r = upload(api(applicant), jpeg, "a.jpg", order_id=change_order.pk, code="no_such_code")
    assert r.json_body["errors"][0]["code"] == "MATERIAL_CODE_UNKNOWN"
    r = upload(api(applicant), jpeg, "a.jpg", order_id=change_order.pk, code="service_security_agreement")
    assert r.json_body["errors"][0]["code"] == "MATERIAL_SIGNED_IN_APP"
    r = upload(api(applicant), jpeg, "a.jpg", order_id=change_order.pk, code="website_principal_id_front",
               website_key="nope")
    assert r.json_body["errors"][0]["code"] == "MATERIAL_WEBSITE_UNKNOWN"
    from beian.orders import services

    services.order_submit(user=applicant, order_id=change_order.pk)
    r = upload(api(applicant), jpeg, "a.jpg", order_id=change_order.pk, code="entity_certificate")
    assert r.status_code == 409 and r.json_body["errors"][0]["code"] == "MATERIAL_ORDER_NOT_EDITABLE"
    assert Material.objects.count() == 0


def test_a_new_upload_supersedes_the_previous_one_and_unclaimed_uploads_attach(applicant, change_order, api):
    client = api(applicant)
    first = upload(client, hostile.small_jpeg(), "a.jpg", order_id=change_order.pk, code="rename_proof").json_body
    second = upload(client, hostile.small_png(), "b.png", order_id=change_order.pk, code="rename_proof").json_body
    assert Material.objects.get(pk=first["id"]).superseded and not Material.objects.get(pk=second["id"]).superseded
    loose = upload(client, hostile.small_jpeg(), "c.jpg").json_body
    assert loose["order_id"] is None
    attached = client.post(f"/api/materials/{loose['id']}/attach",
                           {"order_id": change_order.pk, "code": "entity_certificate"})
    assert attached.status_code == 200 and attached.json_body["order_id"] == change_order.pk
    status = {i["code"]: i["met"] for i in client.get(f"/api/materials/orders/{change_order.pk}/requirements")
              .json_body}
    assert status == {"entity_certificate": True, "rename_proof": True}


def test_a_form_encoded_upload_is_refused_with_a_pointer(applicant, change_order, api):
    from django.core.files.uploadedfile import SimpleUploadedFile

    r = api(applicant).client.post(f"/api/materials/upload?filename=a.jpg&order_id={change_order.pk}&code=rename_proof",
                                   {"file": SimpleUploadedFile("a.jpg", hostile.small_jpeg(), "image/jpeg")})
    assert r.status_code == 415 and r.json()["errors"][0]["code"] == "MATERIAL_RAW_BODY_REQUIRED"
    assert Material.objects.count() == 0
