"""The dashboard as first written: a Python pass over the history rows (kept as the reference the database
version in ``beian/web/metrics.py`` must agree with; see ``tests/web/test_dashboard.py``)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import Count
from django.db.models.functions import TruncDate

from beian.orders.models import OrderHistory
from beian.orders.selectors import order_visible_to
from beian.web.metrics import APPROVALS, CST, DAYS, DECISIONS, STAGES


def dashboard_python(*, user, now: dt.datetime) -> dict:
    from beian.workdays.services import stage_deadline

    def due(province, start):
        return stage_deadline(stage="provider_review", province_code=province, start=start).at

    since = now - dt.timedelta(days=DAYS)
    orders = order_visible_to(user)
    per_day = dict(orders.filter(submitted_at__gte=since).annotate(day=TruncDate("submitted_at", tzinfo=CST))
                   .values_list("day").annotate(n=Count("id")).values_list("day", "n"))
    today = now.astimezone(CST).date()
    days = [today - dt.timedelta(days=i) for i in range(DAYS - 1, -1, -1)]
    history = list(OrderHistory.objects.filter(order__in=orders.filter(submitted_at__gte=since).values("id"))
                   .order_by("order_id", "id").values_list("order_id", "event", "from_state", "to_state", "at",
                                                           "order__province__code"))
    decisions = [h for h in history if h[1] in DECISIONS]
    approvals = sum(1 for h in decisions if h[1] in APPROVALS)
    stage_time: dict[str, list[float]] = defaultdict(list)
    on_time = decided = 0
    entered: dict[tuple[int, str], dt.datetime] = {}
    for order_id, event, from_state, to_state, at, province in history:
        if from_state != to_state:
            start = entered.pop((order_id, from_state), None)
            if start is not None and from_state in STAGES:
                stage_time[from_state].append((at - start).total_seconds() / 3600)
                if from_state == "provider_review" and event in DECISIONS:
                    decided += 1
                    on_time += at <= due(province, start)
            entered[(order_id, to_state)] = at
    return {
        "days": [d.isoformat() for d in days],
        "per_day": [per_day.get(d, 0) for d in days],
        "submitted": sum(per_day.values()),
        "decisions": len(decisions),
        "pass_rate": round(100 * approvals / len(decisions), 1) if decisions else None,
        "on_time": round(100 * on_time / decided, 1) if decided else None,
        "stages": list(STAGES),
        "stage_hours": [round(sum(v) / len(v), 1) if (v := stage_time.get(s)) else 0 for s in STAGES],
    }
