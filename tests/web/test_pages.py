"""The pages without a browser: each role's pages answer, the language switch, refusals shown, and the query
counts of the list pages fixed (no N+1: the same number of queries for 2 and for 12 rows)."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from beian.notify.models import InboxMessage
from beian.orders.models import Order, OrderState


def _orders(applicant, entity, n: int, state=OrderState.PROVIDER_REVIEW):
    """Order rows for list pages (fixtures: the workflow is exercised by the browser tests)."""
    now = timezone.now()
    Order.objects.bulk_create([
        Order(type="change_entity", state=state, applicant=applicant, entity=entity, province=entity.province,
              proposed={"entity": {"name": f"主体{i}"}, "websites": []}, submitted_at=now, bureau_at=now,
              due_at=now + timezone.timedelta(days=i, hours=-12)) for i in range(n)])


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(ctx.captured_queries)


@pytest.mark.parametrize("url, user_fixture", [
    ("/filings/", "applicant"), ("/console/", "reviewer"), ("/bureau/", "bureau_zj"), ("/inbox/", "applicant"),
])
def test_list_pages_have_a_fixed_query_count(request, url, user_fixture, zj_entity, applicant, browser_client):
    user = request.getfixturevalue(user_fixture)
    state = OrderState.BUREAU_REVIEW if url == "/bureau/" else OrderState.PROVIDER_REVIEW
    client = browser_client(user)
    _orders(applicant, zj_entity, 2, state)
    InboxMessage.objects.bulk_create([InboxMessage(user=user, event="x", subject_zh="s", subject_en="s", body_zh="b",
                                                   body_en="b", outbox_key=f"k{i}") for i in range(2)])
    few = _count(client, url)
    _orders(applicant, zj_entity, 10, state)
    InboxMessage.objects.bulk_create([InboxMessage(user=user, event="x", subject_zh="s", subject_en="s", body_zh="b",
                                                   body_en="b", outbox_key=f"m{i}") for i in range(10)])
    assert _count(client, url) == few
    assert few <= 25


def test_queue_is_by_due_date_with_overdue_highlighted(reviewer, applicant, zj_entity, browser_client):
    _orders(applicant, zj_entity, 3)
    html = browser_client(reviewer).get("/console/").content.decode()
    ids = [int(i) for i in re.findall(r'href="/console/orders/(\d+)/"', html)]
    due = list(Order.objects.filter(pk__in=ids).order_by("due_at").values_list("pk", flat=True))
    assert ids == due
    assert html.count('class="overdue"') == 1  # the one due 12 hours ago


def test_filters_narrow_the_queue(reviewer, applicant, zj_entity, browser_client):
    _orders(applicant, zj_entity, 2)
    client = browser_client(reviewer)
    assert client.get("/console/?type=change_entity").content.decode().count("/console/orders/") == 2
    assert client.get("/console/?type=add_website").content.decode().count("/console/orders/") == 0
    assert client.get("/console/?province=110000").content.decode().count("/console/orders/") == 0
    assert client.get("/console/?state=approved").content.decode().count("/console/orders/") == 0


def test_english_follows_the_language_switch(applicant, zj_entity, browser_client):
    client = browser_client(applicant)
    assert "我的备案" in client.get("/filings/").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/filings/"})
    html = client.get("/filings/").content.decode()
    assert "My filings" in html and "Sign out" in html and "我的备案" not in html


def test_roles_are_kept_to_their_pages(applicant, reviewer, bureau_zj, browser_client):
    assert browser_client(applicant).get("/console/").status_code == 403
    assert browser_client(applicant).get("/bureau/").status_code == 403
    assert browser_client(reviewer).get("/bureau/").status_code == 403
    assert browser_client(reviewer).get("/filings/").status_code == 403
    assert browser_client(bureau_zj).get("/console/dashboard/").status_code == 403
    anonymous = browser_client()
    assert anonymous.get("/filings/").status_code == 302
    assert anonymous.get("/sms/").status_code == 200
    assert browser_client(reviewer).post("/console/orders/999/approve/").status_code == 404


def test_submit_without_agreement_is_refused_beside_the_form(applicant, zj_entity, browser_client):
    client = browser_client(applicant)
    order_id = int(re.search(r"/orders/(\d+)/", client.post("/orders/new/", {"type": "change"})["Location"])[1])
    response = client.post(f"/orders/{order_id}/edit/", {"entity.name": "杭州云栖智能科技有限公司", "action": "submit"})
    assert response.status_code == 422
    assert "请先阅读并同意" in response.content.decode()
    assert Order.objects.get(pk=order_id).state == OrderState.DRAFT
    assert Order.objects.get(pk=order_id).proposed["entity"]["name"] == "杭州云栖智能科技有限公司"  # draft kept


def test_preflight_puts_findings_beside_the_field(applicant, zj_entity, browser_client):
    client = browser_client(applicant)
    order_id = int(re.search(r"/orders/(\d+)/", client.post("/orders/new/", {"type": "change"})["Location"])[1])
    html = client.post(f"/orders/{order_id}/preflight/", {"entity.principal.mobile": "12345"}).content.decode()
    slot = re.search(r'<div class="field-notes" id="notes-entity.principal.mobile" hx-swap-oob="true"[^>]*>(.*?)</div>',
                     html, re.S)
    assert slot and 'class="finding error"' in slot[1]


def test_dashboard_counts_submissions(reviewer, applicant, zj_entity, browser_client):
    _orders(applicant, zj_entity, 3)
    html = browser_client(reviewer).get("/console/dashboard/").content.decode()
    assert re.search(r'id="stat-submitted">3<', html)
    assert "chart-4.5.1.umd.min.js" in html
