"""The founding document's story through the API: an enterprise renames itself (变更备案)."""

from beian.orders.models import OrderHistory
from beian.registry.models import RegistryVersion


def test_rename_returned_fixed_approved(api, applicant, reviewer, bureau_zj, zj_entity):
    me, rv, bz = api(applicant), api(reviewer), api(bureau_zj)

    # 变更备案 on the filing: a draft pre-filled from the registry.
    r = me.post("/api/orders/", {"type": "change", "change_date": "2026-11-20"})
    assert r.status_code == 201, r.json_body
    order = r.json_body
    proposed = order["proposed"]
    assert proposed["entity"]["name"] == "杭州云栖网络科技有限公司"
    proposed["entity"]["name"] = "杭州云栖智能科技有限公司"
    proposed["entity"]["remarks"] = "更名"
    r = me.put(f"/api/orders/{order['id']}", {"proposed": proposed})
    assert r.status_code == 200, r.json_body
    assert r.json_body["type"] == "change_entity"
    assert {d["path"] for d in r.json_body["diff"]} == {"entity.name", "entity.remarks"}

    r = me.post(f"/api/orders/{order['id']}/submit")
    assert r.status_code == 200, r.json_body
    # Provider returns with entity.name flagged.
    r = rv.post("/api/orders/claim-next")
    assert r.status_code == 200 and r.json_body["id"] == order["id"]
    r = rv.post(f"/api/orders/{order['id']}/return",
                {"reasons": [{"code": "RENAME_PROOF_MISSING", "field": "entity.name", "note": "名称与执照不符"}]})
    assert r.status_code == 200, r.json_body
    assert r.json_body["state"] == "returned"
    assert r.json_body["flags"][0]["field"] == "entity.name"

    # Touching an unflagged field is refused with its code; fixing only the flagged one is accepted.
    bad = r.json_body["proposed"]
    bad["entity"]["communication_address"] = "别处"
    me.put(f"/api/orders/{order['id']}", {"proposed": bad})
    r = me.post(f"/api/orders/{order['id']}/resubmit")
    assert r.status_code == 422
    assert r.json_body["errors"][0]["code"] == "RESUBMIT_UNFLAGGED_FIELDS"
    assert r.json_body["errors"][0]["field"] == "entity.communication_address"
    fixed = me.get(f"/api/orders/{order['id']}").json_body["proposed"]
    fixed["entity"]["communication_address"] = "西湖区文三路 90 号 8 楼"
    fixed["entity"]["name"] = "杭州云栖智能科技股份有限公司"
    assert me.put(f"/api/orders/{order['id']}", {"proposed": fixed}).status_code == 200
    r = me.post(f"/api/orders/{order['id']}/resubmit")
    assert r.status_code == 200, r.json_body

    # Provider approves → SMS stage (entity principal) → completed through its service → bureau approves.
    assert rv.post("/api/orders/claim-next").json_body["id"] == order["id"]
    r = rv.post(f"/api/orders/{order['id']}/approve", {"note": "材料齐全"})
    assert r.status_code == 200, r.json_body
    assert r.json_body["state"] == "sms_verification"
    from beian.bureau.services import sms_stage_complete

    sms_stage_complete(order_id=order["id"])
    assert bz.get("/api/bureau/queue").json_body[0]["id"] == order["id"]
    r = bz.post(f"/api/bureau/orders/{order['id']}/approve", {"note": ""})
    assert r.status_code == 200, r.json_body
    assert r.json_body["state"] == "approved"

    mine = me.get("/api/registry/mine").json_body
    assert mine["name"] == "杭州云栖智能科技股份有限公司"
    assert mine["number"] == zj_entity.number  # numbers do not change on a change
    version = RegistryVersion.objects.filter(entity=zj_entity).order_by("-version").first()
    assert version.order_id == order["id"]
    assert {d["path"] for d in version.diff} == {"entity.name", "entity.remarks"}
    events = list(OrderHistory.objects.filter(order_id=order["id"]).values_list("event", flat=True))
    assert events == ["create", "submit", "claim", "return", "resubmit", "claim", "approve_to_sms", "sms_verified",
                      "bureau_approve"]


def test_staff_views_of_certificate_numbers_are_audit_logged(api, applicant, reviewer, zj_entity):
    from beian.registry.models import StaffViewLog

    order = api(applicant).post("/api/orders/", {"type": "change"}).json_body
    api(applicant).get(f"/api/orders/{order['id']}")
    api(applicant).get("/api/registry/mine")
    assert not StaffViewLog.objects.exists()  # the owner's own views are not staff views
    api(reviewer).get(f"/api/registry/entities/{zj_entity.pk}")
    assert StaffViewLog.objects.filter(user=reviewer, entity=zj_entity, what="certificate_numbers").count() == 1
