"""Access rows of /api/materials/ (docs/materials.md; design.md §2 "Materials (files)").

Columns: owner other reviewer bureau_own bureau_other operator anonymous. Materials follow their order's
visibility (a bureau reviewer from bureau_review on, own province only); uploads and signing are the
applicant's; the evidence export and the catalogue are for staff; a signed file link works only for the user
it was made for (404 for everyone else).
"""

from tests.access.harness import Row

SIGN = {"code": "service_security_agreement", "version": "2026.1", "text_sha256": "0"}

ROWS = [
    # The harness posts "{}" as the body: an upload of that is refused as a text file (422) — after the checks
    # of who may upload where (staff 403; someone else's order 404).
    Row("materials.upload.order", "POST",
        "/api/materials/upload?filename=a.jpg&order_id={order_draft}&code=entity_certificate",
        "422 404 403 403 403 403 401"),
    Row("materials.upload.unclaimed", "POST", "/api/materials/upload?filename=a.jpg",
        "422 422 403 403 403 403 401"),
    Row("materials.catalogue", "GET", "/api/materials/catalogue", "— — 200 200 200 200 401"),
    Row("materials.requirements.draft", "GET", "/api/materials/orders/{order_draft}/requirements",
        "200 — — — — 200 401"),
    Row("materials.requirements.bureau_review", "GET", "/api/materials/orders/{order_bureau_review}/requirements",
        "200 — 200 200 — 200 401"),
    Row("materials.order_materials.provider_review", "GET",
        "/api/materials/orders/{order_provider_review}/materials", "200 — 200 — — 200 401"),
    Row("materials.evidence", "GET", "/api/materials/orders/{order_bureau_review}/evidence?m={material_bureau}",
        "403 — 200 200 — 200 401"),
    Row("materials.agreements.list", "GET", "/api/materials/orders/{order_bureau_review}/agreements",
        "200 — 200 200 — 200 401"),
    Row("materials.agreements.sign.draft", "POST", "/api/materials/orders/{order_draft}/agreements",
        "422 — — — — — 401", body=SIGN),
    Row("materials.agreement.current", "GET", "/api/materials/agreements/service_security_agreement",
        "200 200 200 200 200 200 401", kind="list"),
    Row("materials.signature.pdf", "GET", "/api/materials/signatures/{signature_bureau}/pdf",
        "200 — 200 200 — 200 401"),
    Row("materials.detail", "GET", "/api/materials/{material_bureau}", "200 — 200 200 — 200 401"),
    Row("materials.attach.unclaimed", "POST", "/api/materials/{material_loose}/attach", "200 — — — — — 401",
        body={"order_id": "{order_draft}", "code": "entity_certificate"}),
    Row("materials.link", "POST", "/api/materials/{material_bureau}/link", "200 — 200 200 — 200 401"),
    Row("materials.file.owner_link", "GET", "/api/materials/files/{material_owner_link}", "200 — — — — — 401"),
]
