"""One engine, three uses: the pre-flight API (whole draft or one field), the submit gate, the reviewer's view."""

from __future__ import annotations

from beian.orders import services
from beian.orders.models import Order
from beian.registry.demo import beijing_individual_state, filed_entity_create, zhejiang_enterprise_state

URL = "/api/rules/preflight"


def _codes(body):
    return {f["code"] for f in body["findings"]}


def test_whole_draft_lists_every_finding_with_its_shape(api, applicant):
    state = zhejiang_enterprise_state()
    state["websites"][0]["name"] = "云栖賭博"
    state["websites"][1]["access"][0]["ip_ranges"] = [{"start": "8.8.8.8", "end": "8.8.8.8"}]
    r = api(applicant).post(URL, {"order_type": "new_filing", "proposed": state})
    assert r.status_code == 200, r.json_body
    body = r.json_body
    assert body["blocking"] is True and body["order_type"] == "new_filing"
    assert body["rules_version"].startswith("2026.11-2+d")
    by_code = {f["code"]: f for f in body["findings"]}
    gamble = by_code["CONTENT_FORBIDDEN_WORD"]
    assert gamble == {**gamble, "severity": "error", "field": "websites[n1].name", "value": "赌博"}
    assert gamble["hint_zh"] and gamble["hint_en"] and gamble["source"]
    assert by_code["ACCESS_IP_NOT_PROVIDER"]["field"] == "websites[n2].access[a1].ip_ranges"
    assert "PRINCIPAL_LEGAL_REPRESENTATIVE" in by_code  # a warning: informs, does not block


def test_clean_draft_is_not_blocking(api, other_applicant):
    r = api(other_applicant).post(URL, {"order_type": "new_filing", "proposed": beijing_individual_state()})
    assert r.status_code == 200 and r.json_body["blocking"] is False, r.json_body


def test_one_field_returns_that_field_and_its_dependants_only(api, applicant):
    me = api(applicant)
    order = services.order_create(user=applicant, type="new_filing", proposed=zhejiang_enterprise_state())
    # the second website's IP is bad, but a keystroke in the first website's name must not report it
    proposed = order.proposed
    proposed["websites"][1]["access"][0]["ip_ranges"] = [{"start": "8.8.8.8", "end": "8.8.8.8"}]
    services.order_update(user=applicant, order_id=order.pk, proposed=proposed)
    r = me.post(URL, {"order_id": order.pk, "field": "websites[n1].name", "value": "云栖 賭 博"})
    assert r.status_code == 200, r.json_body
    fields = {f["field"] for f in r.json_body["findings"]}
    assert "CONTENT_FORBIDDEN_WORD" in _codes(r.json_body)
    assert fields <= {"websites[n1].name", "websites[n1].pre_approvals", "entity.principal.name"}, fields
    assert "ACCESS_IP_NOT_PROVIDER" not in _codes(r.json_body)
    # the stored draft is untouched
    assert Order.objects.get(pk=order.pk).proposed["websites"][0]["name"] == "云栖网络官网"

    # a field others depend on: making the entity an individual re-checks the website names against the
    # personal word list
    r = me.post(URL, {"order_id": order.pk, "field": "websites[n1].name", "value": "云栖网络工作室"})
    assert "WEBSITE_NAME_PERSONAL_FORBIDDEN_WORD" not in _codes(r.json_body)
    proposed["websites"][0]["name"] = "云栖网络工作室"
    r = me.post(URL, {"order_type": "new_filing", "proposed": proposed, "field": "entity.type", "value": "个人"})
    assert "WEBSITE_NAME_PERSONAL_FORBIDDEN_WORD" in _codes(r.json_body)


def test_one_field_of_a_new_website_item(api, applicant, zj_entity):
    site = {**zhejiang_enterprise_state()["websites"][0], "key": "n9", "name": "云栖商城", "domains": ["yunqi.io"]}
    r = api(applicant).post(URL, {"order_type": "add_website", "field": "websites[n9]", "value": site})
    assert r.status_code == 200, r.json_body
    assert "DOMAIN_TLD_NOT_FILEABLE" in _codes(r.json_body)
    assert r.json_body["order_type"] == "add_website"


def test_change_entry_point_derives_the_type(api, applicant, zj_entity):
    r = api(applicant).post(URL, {"order_type": "change", "field": "entity.name", "value": "杭州云栖智能科技有限公司"})
    assert r.status_code == 200, r.json_body
    assert r.json_body["order_type"] == "change_entity"


def test_bad_requests_answer_in_the_error_shape(api, applicant, other_applicant):
    me = api(applicant)
    r = me.post(URL, {"order_type": "new_filing", "field": "entity.nonsense[3].x", "value": 1})
    assert r.status_code == 422 and r.json_body["errors"][0]["code"] == "PREFLIGHT_FIELD_UNKNOWN"
    r = me.post(URL, {"order_type": "new_filing", "proposed": {"entity": {"name": 5, "bogus": 1}}})
    assert r.status_code == 422 and r.json_body["errors"][0]["code"] == "STATE_INVALID"
    r = me.post(URL, {"order_type": "teleport"})
    assert r.status_code == 422 and r.json_body["errors"][0]["code"] == "ORDER_TYPE_UNKNOWN"
    r = me.post(URL, {"order_type": "change"})
    assert r.status_code == 409 and r.json_body["errors"][0]["code"] == "ENTITY_REQUIRED"
    order = services.order_create(user=other_applicant, type="new_filing", proposed=beijing_individual_state())
    r = me.post(URL, {"order_id": order.pk})
    assert r.status_code == 404
    r = me.post(URL, {"order_type": "change", "field": "change_date", "value": "yesterday"})
    assert r.status_code in (409, 422)


def test_submit_gate_refuses_errors_and_records_the_version(api, applicant, zj_entity):
    me = api(applicant)
    order = me.post("/api/orders/", {"type": "change"}).json_body
    proposed = order["proposed"]
    proposed["websites"][0]["name"] = "云栖色情站"
    assert me.put(f"/api/orders/{order['id']}", {"proposed": proposed}).status_code == 200
    r = me.post(f"/api/orders/{order['id']}/submit")
    assert r.status_code == 422
    assert {"code": "CONTENT_FORBIDDEN_WORD", "field": f"websites[{proposed['websites'][0]['key']}].name"} in [
        {"code": e["code"], "field": e["field"]} for e in r.json_body["errors"]]
    proposed["websites"][0]["name"] = "云栖网络主页"
    me.put(f"/api/orders/{order['id']}", {"proposed": proposed})
    r = me.post(f"/api/orders/{order['id']}/submit")
    assert r.status_code == 200, r.json_body
    assert r.json_body["rules_version"].startswith("2026.11-2+d")


def test_reviewer_sees_the_findings_of_a_submitted_order(api, applicant, reviewer, make_user):
    other = make_user("zj2", "applicant")
    filed_entity_create(owner=other, state=zhejiang_enterprise_state())
    state = beijing_individual_state()
    state["entity"]["principal"]["mobile"] = "13957112345"  # the other entity's principal
    state["websites"][0]["principal"]["mobile"] = "13957112345"
    order = services.order_create(user=applicant, type="new_filing", proposed=state)
    r = api(applicant).post(f"/api/orders/{order.pk}/submit")
    assert r.status_code == 422 and "PRINCIPAL_MOBILE_USED_BY_OTHER_ENTITY" in {e["code"] for e in
                                                                               r.json_body["errors"]}
    state = beijing_individual_state()
    state["entity"]["province"] = "310000"  # needs a residence proof: not blocking
    services.order_update(user=applicant, order_id=order.pk, proposed=state)
    assert api(applicant).post(f"/api/orders/{order.pk}/submit").status_code == 200
    body = api(reviewer).get(f"/api/orders/{order.pk}/findings").json_body
    residence = [f for f in body if f["code"] == "INDIVIDUAL_RESIDENCE"]
    assert residence and residence[0]["requirement"] == "residence_proof"


def test_catalogue_for_staff(api, reviewer, applicant):
    body = api(reviewer).get("/api/rules/catalogue").json_body
    codes = {r["code"] for r in body["rules"]}
    assert {"WEBSITE_NAME_PERSONAL_FORBIDDEN_WORD", "ACCESS_IP_NOT_PROVIDER", "CHANGE_DOMAIN_ADDED"} <= codes
    assert all(r["source"] for r in body["rules"] if r["code"] in codes)
    assert api(applicant).get("/api/rules/catalogue").status_code == 403
