"""The review console's forms and the new-filing form (issue 7 gaps): return reasons flagged on fields AND
materials, the supplement request picked from the order's required materials, websites added to and removed from
a new filing's form."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from beian.orders import services
from beian.orders.models import Order, OrderHistory, OrderState, ReturnReason


@pytest.fixture
def renamed_in_review(applicant, reviewer, zj_entity):
    """A rename of the entity, submitted (its findings stored as at submission) and claimed by ``reviewer``."""
    order = services.order_create(user=applicant, type="change")
    proposed = dict(order.proposed, entity={**order.proposed["entity"], "name": "杭州云栖智能科技有限公司"})
    order = services.order_update(user=applicant, order_id=order.pk, proposed=proposed)
    findings = [f.as_dict() for f in services.order_findings(order=order, stage="submit")]
    Order.objects.filter(pk=order.pk).update(state=OrderState.PROVIDER_REVIEW, submitted_at=timezone.now(),
                                             findings=findings, claimed_by=reviewer, claimed_at=timezone.now())
    return Order.objects.get(pk=order.pk)


def _required_codes(html: str) -> list[str]:
    return re.findall(r'<li data-requirement="([^"]+)"', html)


def test_return_flags_a_material_and_the_applicant_sees_it(renamed_in_review, reviewer, applicant, browser_client):
    order = renamed_in_review
    page = browser_client(reviewer).get(f"/console/orders/{order.pk}/").content.decode()
    codes = _required_codes(page)
    assert codes, "a rename requires materials"
    select = re.search(r'<select id="material_0" name="material_0">(.*?)</select>', page, re.S)[1]
    assert re.findall(r'<option value="([^"]+)"', select) == list(dict.fromkeys(codes))
    reason = ReturnReason.objects.filter(active=True).first()
    response = browser_client(reviewer).post(f"/console/orders/{order.pk}/return/", {
        "reason_0": reason.code, "field_0": "entity.name", "material_0": codes[0], "note_0": "请重新上传清晰扫描件"})
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.state == OrderState.RETURNED
    assert order.flags[0]["field"] == "entity.name" and order.flags[0]["material"] == codes[0]
    client = browser_client(applicant)
    detail = client.get(f"/orders/{order.pk}/").content.decode()
    assert f'data-flag-material="{codes[0]}"' in detail
    edit = client.get(f"/orders/{order.pk}/edit/").content.decode()
    panel = re.search(rf'<li data-requirement="{codes[0]}".*?</li>', edit, re.S)[0]
    assert 'class="flag"' in panel and "请重新上传清晰扫描件" in panel
    # typing keeps the flag beside the material (the panel is swapped in by the pre-flight answer)
    html = client.post(f"/orders/{order.pk}/preflight/", {"entity.name": "杭州云栖智能科技有限公司"}).content.decode()
    assert f'data-flag-material="{codes[0]}"' in html


def test_supplement_is_picked_from_the_required_materials(renamed_in_review, reviewer, browser_client):
    order = renamed_in_review
    page = browser_client(reviewer).get(f"/console/orders/{order.pk}/").content.decode()
    codes = list(dict.fromkeys(_required_codes(page)))
    boxes = re.findall(r'<input type="checkbox" name="materials" value="([^"]+)"', page)
    assert boxes == codes and 'name="materials" type="text"' not in page
    response = browser_client(reviewer).post(f"/console/orders/{order.pk}/supplement/",
                                             {"materials": codes[:2], "note": "补充"})
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.state == OrderState.SUPPLEMENT_REQUESTED
    assert OrderHistory.objects.filter(order=order, event="request_supplement").get().data["materials"] == codes[:2]


def test_supplement_without_a_ticked_material_is_refused(renamed_in_review, reviewer, browser_client):
    client = browser_client(reviewer)
    response = client.post(f"/console/orders/{renamed_in_review.pk}/supplement/", {"note": "x"}, follow=True)
    assert "请指明需要补充的材料" in response.content.decode()
    renamed_in_review.refresh_from_db()
    assert renamed_in_review.state == OrderState.PROVIDER_REVIEW


def _new_filing(client) -> int:
    return int(re.search(r"/orders/(\d+)/", client.post("/orders/new/", {"type": "new_filing"})["Location"])[1])


def test_new_filing_form_adds_and_removes_websites(other_applicant, browser_client):
    client = browser_client(other_applicant)
    order_id = _new_filing(client)
    edit = client.get(f"/orders/{order_id}/edit/").content.decode()
    assert 'id="add-website"' in edit and 'value="remove_website:' not in edit  # the only website stays
    response = client.post(f"/orders/{order_id}/edit/", {"websites[w1].name": "第一个网站", "action": "add_website"})
    assert response.status_code == 302 and response["Location"].endswith("#group-websites[w2]")
    sites = Order.objects.get(pk=order_id).proposed["websites"]
    assert [w["key"] for w in sites] == ["w1", "w2"]
    assert sites[0]["name"] == "第一个网站"  # what was typed is kept
    edit = client.get(f"/orders/{order_id}/edit/").content.decode()
    assert 'name="websites[w2].name"' in edit and 'value="remove_website:w1"' in edit
    client.post(f"/orders/{order_id}/edit/", {"action": "remove_website:w1"})
    assert [w["key"] for w in Order.objects.get(pk=order_id).proposed["websites"]] == ["w2"]
    client.post(f"/orders/{order_id}/edit/", {"action": "remove_website:w2"})  # the last one stays
    assert [w["key"] for w in Order.objects.get(pk=order_id).proposed["websites"]] == ["w2"]


def test_only_new_filings_change_websites_in_the_form(applicant, zj_entity, browser_client):
    client = browser_client(applicant)
    order_id = int(re.search(r"/orders/(\d+)/", client.post("/orders/new/", {"type": "change"})["Location"])[1])
    assert 'id="add-website"' not in client.get(f"/orders/{order_id}/edit/").content.decode()
    before = Order.objects.get(pk=order_id).proposed["websites"]
    client.post(f"/orders/{order_id}/edit/", {"action": "add_website"})
    key = before[0]["key"]
    client.post(f"/orders/{order_id}/edit/", {"action": f"remove_website:{key}"})
    assert Order.objects.get(pk=order_id).proposed["websites"] == before
