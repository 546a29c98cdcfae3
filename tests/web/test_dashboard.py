"""The dashboard's figures are counted by the database (``beian/web/metrics.py``); they must equal the first
version's Python pass over the history (``tests/web/dashboard_reference.py``) on a varied small data set: both
provinces and none, returns, supplements, resubmissions, non-moving events, decisions exactly at and just after
the deadline, a review that started before the 30-day window, an hours SLA, and each role's scope."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from beian.orders.models import Order, OrderHistory
from beian.registry.demo import beijing_individual_state, filed_entity_create
from beian.registry.models import Province
from beian.web import metrics
from beian.workdays.services import stage_deadline
from tests.web.dashboard_reference import dashboard_python

PATHS = [
    [("approve_to_bureau", "provider_review", "bureau_review"), ("bureau_approve", "bureau_review", "approved")],
    [("claim", "provider_review", "provider_review"), ("return", "provider_review", "returned"),
     ("resubmit", "returned", "provider_review"), ("approve_to_sms", "provider_review", "sms_verification"),
     ("sms_verified", "sms_verification", "bureau_review")],
    [("request_supplement", "provider_review", "supplement_requested"),
     ("supply", "supplement_requested", "provider_review"), ("reject", "provider_review", "rejected")],
    [("return", "provider_review", "returned"), ("withdraw", "returned", "withdrawn")],
    [],
]


def _seed(applicant, other_applicant, zj_entity, now):
    rnd = random.Random(11)
    bj_entity = filed_entity_create(owner=other_applicant, state=beijing_individual_state())
    bj = Province.objects.get(code="110000")
    orders, plans = [], []
    for i in range(48):
        entity = (zj_entity, bj_entity, None)[i % 3]
        submitted = now - dt.timedelta(minutes=rnd.randint(0, 60 * 24 * 33))
        orders.append(Order(type="change_entity", state="provider_review",
                            applicant=applicant if entity is not bj_entity else other_applicant, entity=entity,
                            province=entity.province if entity else (bj if i % 2 else None), proposed={},
                            submitted_at=None if i == 47 else submitted))
        plans.append(PATHS[i % len(PATHS)])
    Order.objects.bulk_create(orders)
    rows, times = [], []
    for i, (order, plan) in enumerate(zip(orders, plans, strict=True)):
        at = order.submitted_at or now
        if i == 1:  # first submitted before the window (submitted_at is a later resubmission)
            at -= dt.timedelta(days=40)
        rows.append(OrderHistory(order=order, event="submit", from_state="draft", to_state="provider_review"))
        times.append(at)
        start = at
        for j, (event, src, dst) in enumerate(plan):
            at = at + dt.timedelta(minutes=rnd.randint(1, 60 * 72))
            if src == "provider_review" and j == 0 and i % 5 == 0:  # exactly at / just after the deadline
                due = stage_deadline(stage="provider_review", province_code=order.province and order.province.code,
                                     start=start).at
                at = due if i % 10 == 0 else due + dt.timedelta(microseconds=1)
            rows.append(OrderHistory(order=order, event=event, from_state=src, to_state=dst))
            times.append(at)
            if dst == "provider_review":
                start = at
    OrderHistory.objects.bulk_create(rows)
    for row, at in zip(rows, times, strict=True):
        row.at = at
    OrderHistory.objects.bulk_update(rows, ["at"])


@pytest.mark.db_specific  # vendor SQL (SQLite text dates / PostgreSQL timestamptz)
@pytest.mark.parametrize("sla_hours", [None, 30])
@pytest.mark.parametrize("role", ["reviewer", "operator"])
def test_database_figures_equal_the_python_pass(request, role, sla_hours, applicant, other_applicant, zj_entity):
    if sla_hours:
        from beian.workdays.services import stage_sla_set

        stage_sla_set(stage="provider_review", province_code="110000", hours=sla_hours)
    now = timezone.now()
    _seed(applicant, other_applicant, zj_entity, now)
    user = request.getfixturevalue(role)
    expected = dashboard_python(user=user, now=now)
    assert expected["decisions"] > 10 and expected["on_time"] not in (None, 0.0, 100.0)
    assert all(expected["stage_hours"][:3])
    assert metrics.dashboard(user=user, now=now) == expected


@pytest.mark.db_specific
def test_dashboard_query_count_does_not_grow_with_history(reviewer, applicant, other_applicant, zj_entity):
    now = timezone.now()
    metrics.dashboard(user=reviewer, now=now)
    with CaptureQueriesContext(connection) as empty:
        metrics.dashboard(user=reviewer, now=now)
    _seed(applicant, other_applicant, zj_entity, now)
    with CaptureQueriesContext(connection) as full:
        metrics.dashboard(user=reviewer, now=now)
    # 3 counting queries + the SLA rows + the calendar's freshness check per deadline; the reviews that began
    # before the window add one query and one deadline each (checked one by one) — nothing per history row.
    outside = 4
    assert len(full.captured_queries) <= len(empty.captured_queries) + 1 + outside
    assert len(full.captured_queries) <= 45


def test_dashboard_page_is_cached_per_scope(reviewer, operator, applicant, zj_entity, browser_client, settings):
    from django.core.cache import cache

    from tests.web.test_pages import _orders

    cache.clear()
    _orders(applicant, zj_entity, 2)
    page = browser_client(reviewer)
    assert 'id="stat-submitted">2<' in page.get("/console/dashboard/").content.decode()
    _orders(applicant, zj_entity, 3)
    assert 'id="stat-submitted">2<' in page.get("/console/dashboard/").content.decode()  # cached
    assert 'id="stat-submitted">5<' in browser_client(operator).get("/console/dashboard/").content.decode()
    settings.BEIAN_DASHBOARD_CACHE_SECONDS = 0
    assert 'id="stat-submitted">5<' in page.get("/console/dashboard/").content.decode()
    cache.clear()


def test_dashboard_page_survives_an_unavailable_cache(reviewer, applicant, zj_entity, browser_client, monkeypatch):
    from beian.web import metrics as metrics_module
    from tests.web.test_pages import _orders

    def broken(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(metrics_module.cache, "get", broken)
    _orders(applicant, zj_entity, 2)
    response = browser_client(reviewer).get("/console/dashboard/")
    assert response.status_code == 200 and 'id="stat-submitted">2<' in response.content.decode()
