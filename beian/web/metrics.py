"""Dashboard figures of the review console (scoped reads over ``orders.selectors.order_visible_to``).

- orders submitted per day (China Standard Time), last 30 days;
- pass rate of provider decisions (approvals / approvals + returns + final rejections);
- share of provider reviews decided on time (decision before the stage's deadline, working days);
- average time spent in each stage, from the history (time between entering and leaving the state).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from zoneinfo import ZoneInfo

from django.db.models import Count
from django.db.models.functions import TruncDate
from django.utils import timezone

from beian.orders.models import OrderHistory
from beian.orders.selectors import order_visible_to

CST = ZoneInfo("Asia/Shanghai")
DAYS = 30
MAX_HISTORY = 20000
APPROVALS = {"approve_to_sms", "approve_to_bureau"}
DECISIONS = APPROVALS | {"return", "reject"}
STAGES = ("provider_review", "supplement_requested", "sms_verification", "bureau_review")


def dashboard(*, user, now: dt.datetime | None = None) -> dict:
    from beian.workdays.services import stage_deadline, stage_sla

    deadlines: dict = {}

    def due(province: str | None, start: dt.datetime) -> dt.datetime:
        # A working-day SLA ends at the end of a day: it depends on the start's CST date only (memoised).
        sla = deadlines.get(("sla", province))
        if sla is None:
            sla = deadlines[("sla", province)] = stage_sla(stage="provider_review", province_code=province)
        key = (province, start.astimezone(CST).date() if sla.hours is None else start)
        if key not in deadlines:
            deadlines[key] = stage_deadline(stage="provider_review", province_code=province, start=start).at
        return deadlines[key]

    now = now or timezone.now()
    since = now - dt.timedelta(days=DAYS)
    orders = order_visible_to(user)
    per_day = dict(orders.filter(submitted_at__gte=since).annotate(day=TruncDate("submitted_at", tzinfo=CST))
                   .values_list("day").annotate(n=Count("id")).values_list("day", "n"))
    today = now.astimezone(CST).date()
    days = [today - dt.timedelta(days=i) for i in range(DAYS - 1, -1, -1)]
    history = list(OrderHistory.objects.filter(order__in=orders.filter(submitted_at__gte=since).values("id"))
                   .order_by("order_id", "id").values_list("order_id", "event", "from_state", "to_state", "at",
                                                           "order__province__code")[:MAX_HISTORY])
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
