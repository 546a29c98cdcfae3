"""Dashboard figures of the review console (scoped reads over ``orders.selectors.order_visible_to``).

- orders submitted per day (China Standard Time), last 30 days;
- pass rate of provider decisions (approvals / approvals + returns + final rejections);
- share of provider reviews decided on time (decision before the stage's deadline, working days);
- average time spent in each stage, from the history (time between entering and leaving the state).

Everything is counted by the database (three queries, no Python pass over the rows):

1. per day: one conditional count per CST day (fixed UTC+8 boundaries, so no per-row date function — on SQLite
   ``TruncDate`` with a time zone is a Python function called for every row);
2. decisions and approvals: conditional counts over the history;
3. stages: every history row that leaves a stage is paired with the latest row that entered that stage (a
   correlated subquery, the same pairing as walking the history in order); the outer query sums the durations
   (seconds since 1970, computed by the database) and counts the provider decisions made by their deadline.
   The deadline depends only on the SLA and the CST day the review started (working days end at 23:59:59 CST),
   so it is computed in Python once per (SLA, day) and handed to the query as one condition per day. Starts
   outside the 30-day window (rare: an order first submitted earlier) are checked one by one in Python.
"""

from __future__ import annotations

import datetime as dt
import logging
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.cache import cache
from django.db import NotSupportedError, connection
from django.db.models import Case, CharField, Count, F, Func, OuterRef, Q, Subquery, Value, When
from django.utils import timezone

from beian.orders.models import OrderHistory
from beian.orders.selectors import order_visible_to

log = logging.getLogger(__name__)
CST = ZoneInfo("Asia/Shanghai")
CST_OFFSET = dt.timedelta(hours=8)  # no daylight saving time since 1991
DAYS = 30
APPROVALS = {"approve_to_sms", "approve_to_bureau"}
DECISIONS = APPROVALS | {"return", "reject"}
STAGES = ("provider_review", "supplement_requested", "sms_verification", "bureau_review")


def _epoch(column: str) -> str:
    """SQL for the seconds since 1970 of a datetime column (float)."""
    if connection.vendor == "sqlite":
        return f"((julianday({column}) - 2440587.5) * 86400.0)"
    if connection.vendor == "postgresql":
        return f"CAST(EXTRACT(EPOCH FROM {column}) AS DOUBLE PRECISION)"
    raise NotSupportedError("dashboard: SQLite or PostgreSQL only")


class UtcHour(Func):
    """``YYYY-MM-DD HH`` of a datetime in UTC, as text: exact, and a plain string operation on SQLite (where
    ``TruncDate``/``TruncHour`` with a time zone call a Python function for every row). China Standard Time is a
    whole number of hours ahead of UTC, so the hours add up to CST days exactly."""

    output_field = CharField()

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="substr(%(expressions)s, 1, 13)", **extra)

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection,
                           template="to_char(%(expressions)s AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24')", **extra)


def _hours_after(start: str, at: str, hours) -> tuple[str, list]:
    """SQL: ``at`` is at or before ``start`` plus ``hours`` (exact to the microsecond, like the Python check)."""
    if connection.vendor == "sqlite":  # text 'YYYY-MM-DD HH:MM:SS[.ffffff]' in UTC: shift, keep the fraction
        seconds = round(float(hours) * 3600)
        return (f"{at} <= (strftime('%%Y-%%m-%%d %%H:%%M:%%S', {start}, %s) || substr({start}, 20))",
                [f"+{seconds} seconds"])
    return f"{at} <= {start} + (%s * INTERVAL '1 second')", [round(float(hours) * 3600)]


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), tzinfo=CST)


def _sla_groups() -> list[tuple[object, list[str] | None, list[str]]]:
    """``(sla, codes, excluded)``: the default SLA for every province not listed in ``excluded`` (and orders
    without a province), then one entry per other SLA with the province codes that have it."""
    from beian.workdays.models import StageSla
    from beian.workdays.services import stage_sla

    default = stage_sla(stage="provider_review", province_code=None)
    own: dict[tuple, list[str]] = {}
    slas = {}
    codes = (StageSla.objects.filter(stage="provider_review", province__isnull=False)
             .order_by("province__code").values_list("province__code", flat=True))
    for code in codes:
        sla = stage_sla(stage="provider_review", province_code=code)
        key = (sla.working_days, sla.hours)
        if key != (default.working_days, default.hours):
            own.setdefault(key, []).append(code)
            slas[key] = sla
    excluded = [c for codes in own.values() for c in codes]
    return [(default, None, excluded)] + [(slas[key], codes, []) for key, codes in own.items()]


def dashboard_cached(*, user) -> dict:
    """:func:`dashboard` kept ``BEIAN_DASHBOARD_CACHE_SECONDS`` (default 60; 0 = off) in the cache, per scope
    (operators see every order, provider reviewers every submitted one) and CST day."""
    seconds = getattr(settings, "BEIAN_DASHBOARD_CACHE_SECONDS", 60)
    if not seconds or not (user.is_operator or user.is_provider_reviewer):
        return dashboard(user=user)
    scope = "all" if user.is_operator else "submitted"
    key = f"beian-web-dashboard:{scope}:{timezone.now().astimezone(CST).date().isoformat()}"
    try:
        data = cache.get(key)
    except Exception:  # noqa: BLE001 — an unavailable cache only costs the computation
        log.warning("dashboard cache unavailable", exc_info=True)
        return dashboard(user=user)
    if data is None:
        data = dashboard(user=user)
        try:
            cache.set(key, data, seconds)
        except Exception:  # noqa: BLE001
            log.warning("dashboard cache unavailable", exc_info=True)
    return data


def dashboard(*, user, now: dt.datetime | None = None) -> dict:
    from beian.workdays.services import stage_deadline

    now = now or timezone.now()
    since = now - dt.timedelta(days=DAYS)
    today = now.astimezone(CST).date()
    days = [today - dt.timedelta(days=i) for i in range(DAYS - 1, -1, -1)]
    bounds = [_midnight(d) for d in days] + [_midnight(today + dt.timedelta(days=1))]

    recent = order_visible_to(user).filter(submitted_at__gte=since)
    per_hour = recent.order_by().annotate(hour=UtcHour("submitted_at")).values("hour").annotate(n=Count("id"))
    per_day: dict[dt.date, int] = {}
    for hour, n in per_hour.values_list("hour", "n"):
        utc = dt.datetime(int(hour[:4]), int(hour[5:7]), int(hour[8:10]), int(hour[11:13]), tzinfo=dt.UTC)
        day = (utc + CST_OFFSET).date()
        per_day[day] = per_day.get(day, 0) + n
    ids = recent.order_by().values("id")
    figures = _history_figures(ids, bounds, stage_deadline)
    decisions = figures["decisions"]
    return {
        "days": [d.isoformat() for d in days],
        "per_day": [per_day.get(d, 0) for d in days],
        "submitted": sum(per_day.values()),
        "decisions": decisions,
        "pass_rate": round(100 * figures["approvals"] / decisions, 1) if decisions else None,
        "on_time": round(100 * figures["on_time"] / figures["decided"], 1) if figures["decided"] else None,
        "stages": list(STAGES),
        "stage_hours": figures["stage_hours"],
    }


def _in(column: str, values) -> tuple[str, list]:
    values = sorted(values)
    return f"{column} IN ({', '.join(['%s'] * len(values))})", values


def _history_figures(ids, bounds: list[dt.datetime], stage_deadline) -> dict:
    """One query over the history of the orders ``ids``: decisions and approvals; mean hours per stage; provider
    decisions with a known start, and how many of them were on time."""
    entered = (OrderHistory.objects.filter(order_id=OuterRef("order_id"), to_state=OuterRef("from_state"),
                                           id__lt=OuterRef("id"))
               .exclude(from_state=F("to_state")).order_by("-id").values("at")[:1])
    moving = Q(from_state__in=STAGES) & ~Q(from_state=F("to_state"))
    rows_qs = (OrderHistory.objects.filter(order__in=ids).filter(moving | Q(event__in=DECISIONS))
               .annotate(prov=F("order__province__code"), start=Subquery(entered),
                         moves=Case(When(moving, then=Value(1)), default=Value(0)))
               .order_by().values("id", "from_state", "event", "prov", "at", "start", "moves"))
    inner, inner_params = rows_qs.query.sql_with_params()
    q = connection.ops.quote_name
    at, start, prov, event, state, moves = q("at"), q("start"), q("prov"), q("event"), q("from_state"), q("moves")
    adapt = connection.ops.adapt_datetimefield_value

    counted = f"{moves} = 1 AND {start} IS NOT NULL"
    is_decision, decision_params = _in(event, DECISIONS)
    is_approval, approval_params = _in(event, APPROVALS)
    decided = f"{counted} AND {state} = %s AND {is_decision}"
    decided_params = ["provider_review", *decision_params]
    in_window = f"{start} >= %s AND {start} < %s"
    window_params = [adapt(bounds[0]), adapt(bounds[-1])]
    branches, branch_params = [], []
    for sla, codes, excluded in _sla_groups():
        if codes is not None:
            where, where_params = _in(prov, codes)
        elif excluded:
            where, where_params = _in(prov, excluded)
            where = f"({prov} IS NULL OR NOT ({where}))"
        else:
            where, where_params = "1 = 1", []
        if sla.hours is not None:
            rule, rule_params = _hours_after(start, at, sla.hours)
        else:  # in the window: the deadline of the start's CST day (found by halving the window)
            code = codes[0] if codes else None
            deadlines = [adapt(stage_deadline(stage="provider_review", province_code=code, start=lo).at)
                         for lo in bounds[:-1]]
            rule, rule_params = _by_day(start, at, [adapt(b) for b in bounds], deadlines)
            rule = f"{rule} = 1"
        branches.append(f"({where} AND ({rule}))")
        branch_params += where_params + rule_params
    columns = [  # (SQL, parameters) of each column after from_state
        (f"SUM(CASE WHEN {is_decision} THEN 1 ELSE 0 END)", decision_params),
        (f"SUM(CASE WHEN {is_approval} THEN 1 ELSE 0 END)", approval_params),
        (f"SUM(CASE WHEN {counted} THEN 1 ELSE 0 END)", []),
        (f"SUM(CASE WHEN {counted} THEN {_epoch(at)} - {_epoch(start)} ELSE 0 END)", []),
        (f"SUM(CASE WHEN {decided} THEN 1 ELSE 0 END)", decided_params),
        (f"SUM(CASE WHEN {decided} AND {in_window} AND ({' OR '.join(branches)}) THEN 1 ELSE 0 END)",
         decided_params + window_params + branch_params),
        (f"SUM(CASE WHEN {decided} AND NOT ({in_window}) THEN 1 ELSE 0 END)", decided_params + window_params),
    ]
    # The rows are computed once (MATERIALIZED): the outer conditions name the start many times, and a
    # flattened subquery would repeat the correlated lookup for each.
    sql = (f"WITH h AS MATERIALIZED ({inner}) SELECT {state}, {', '.join(c for c, _p in columns)} "
           f"FROM h GROUP BY {state}")
    params = [*inner_params, *(p for _c, ps in columns for p in ps)]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    out = {"decisions": 0, "approvals": 0, "decided": 0, "on_time": 0}
    hours = {}
    outside = 0
    for state_name, n_decisions, n_approvals, n_moved, seconds, n_decided, n_on_time, n_outside in rows:
        out["decisions"] += int(n_decisions or 0)
        out["approvals"] += int(n_approvals or 0)
        out["decided"] += int(n_decided or 0)
        out["on_time"] += int(n_on_time or 0)
        outside += int(n_outside or 0)
        if n_moved:
            hours[state_name] = float(seconds) / int(n_moved) / 3600
    if outside:  # reviews that started before the window: one by one
        out["on_time"] += _on_time_outside(rows_qs.filter(moves=1), bounds, stage_deadline)
    out["stage_hours"] = [round(hours[s], 1) if s in hours else 0 for s in STAGES]
    return out


def _by_day(start: str, at: str, bounds: list, deadlines: list) -> tuple[str, list]:
    """SQL ``1`` when ``at`` is at or before the deadline of the day ``bounds[i] <= start < bounds[i+1]`` (``start``
    known to be inside the bounds), else ``0``: nested halves, about log2(days) comparisons a row."""
    if len(deadlines) == 1:
        return f"(CASE WHEN {at} <= %s THEN 1 ELSE 0 END)", [deadlines[0]]
    mid = len(deadlines) // 2
    low, low_params = _by_day(start, at, bounds[:mid + 1], deadlines[:mid])
    high, high_params = _by_day(start, at, bounds[mid:], deadlines[mid:])
    return f"(CASE WHEN {start} < %s THEN {low} ELSE {high} END)", [bounds[mid], *low_params, *high_params]


def _on_time_outside(leaves, bounds, stage_deadline) -> int:
    n = 0
    rows = (leaves.filter(from_state="provider_review", event__in=DECISIONS)
            .filter(Q(start__lt=bounds[0]) | Q(start__gte=bounds[-1])).values_list("prov", "at", "start"))
    for prov, at, start in rows:
        n += at <= stage_deadline(stage="provider_review", province_code=prov, start=start).at
    return n
