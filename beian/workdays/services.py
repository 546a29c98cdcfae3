"""Working days, stage deadlines and the holiday table's writes (design.md §6 Clock column, §9).

Reads (pure functions over a per-process snapshot of the table):

- ``working_days_after(*, start, days) -> Deadline`` — the end (23:59:59 CST) of the N-th working day after
  the day of ``start`` in China Standard Time; the event's own day never counts.
- ``hours_after(*, start, hours) -> Deadline`` — wall-clock (the SMS window).
- ``working_days_between(*, start, end) -> int`` — working days after ``start``'s day up to and including
  ``end``'s day (the supplement pause: move the due date with ``working_days_after(start=due, days=n)``).
- ``is_working_day(day)``, ``year_has_data(year)``, ``missing_years(years)``.
- ``stage_sla(*, stage, province_code)`` and ``stage_deadline(*, stage, province_code, start)``.

A year whose list is not marked complete falls back to Monday–Friday (rows it has still count) and the
``Deadline`` names it in ``fallback_years``; nothing here raises for a missing year.

The snapshot is cached per process. Every change made through Django (admin, services, the import command)
drops it at once (``beian.workdays.signals``); other processes notice a change by a cheap fingerprint query
(row counts and latest ``updated_at`` of the three tables), so they are never stale either.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from time import monotonic
from zoneinfo import ZoneInfo

from django.db import connection, transaction
from django.utils import timezone

from beian.core.errors import error
from beian.core.hotsql import hot_fetch
from beian.core.refdata import check_due, on_reset
from beian.workdays import package
from beian.workdays.models import CalendarDay, CalendarSource, CalendarYear, DayKind, Stage, StageSla

CST = ZoneInfo("Asia/Shanghai")
END_OF_DAY = time(23, 59, 59)
MAX_WORKING_DAYS = 1000
MAX_HOURS = 24 * 366

# Used only when the SLA table has no row for a stage at all (design.md §9 defaults).
BUILTIN_SLAS: dict[str, tuple[int | None, int | None]] = {
    Stage.PROVIDER_REVIEW: (2, None),
    Stage.SMS_VERIFICATION: (None, 24),
    Stage.BUREAU_REVIEW: (20, None),
}


@dataclass(frozen=True)
class Deadline:
    """A due time (aware, China Standard Time) and the years for which Monday–Friday had to be assumed."""

    at: datetime
    fallback_years: frozenset[int] = field(default_factory=frozenset)

    @property
    def is_fallback(self) -> bool:
        return bool(self.fallback_years)

    def warning(self) -> dict | None:
        """A bilingual warning to show beside the date, or None when the table covered every day used."""
        if not self.fallback_years:
            return None
        years = "、".join(str(y) for y in sorted(self.fallback_years))
        years_en = ", ".join(str(y) for y in sorted(self.fallback_years))
        return {
            "code": "WORKDAYS_FALLBACK",
            "message_zh": f"{years} 年的节假日安排尚未录入，截止时间暂按周一至周五计算，可能变动。",
            "message_en": f"The holidays of {years_en} are not in the calendar yet; the due date assumes "
                          "Monday to Friday and may change.",
        }


@dataclass(frozen=True)
class Sla:
    """How long a stage may take: exactly one of ``working_days`` and ``hours`` is set."""

    stage: str
    working_days: int | None
    hours: int | None
    province_code: str | None  # the province whose row applied; None = the default row (or built-in)


# ---------------------------------------------------------------- the cached snapshot


@dataclass(frozen=True)
class _Snapshot:
    fingerprint: tuple
    exceptions: dict[date, bool]  # date -> is a working day
    complete_years: frozenset[int]
    slas: dict[tuple[str, str | None], tuple[int | None, int | None]]


_lock = threading.Lock()
_cache: dict[str, _Snapshot] = {}
_checked: dict[str, float] = {}  # when each snapshot was last confirmed current (core.refdata)


def _fingerprint() -> tuple:
    tables = [m._meta.db_table for m in (CalendarDay, CalendarYear, StageSla)]
    parts = ", ".join(f"(SELECT COUNT(*) FROM {t}), (SELECT MAX(updated_at) FROM {t})" for t in tables)
    return tuple(hot_fetch(f"SELECT {parts}", [], one=True))


def _load(fingerprint: tuple) -> _Snapshot:
    exceptions = {d: kind == DayKind.WORKDAY for d, kind in CalendarDay.objects.values_list("date", "kind")}
    complete = frozenset(CalendarYear.objects.filter(complete=True).values_list("year", flat=True))
    slas = {(stage, code): (wd, hours) for stage, code, wd, hours in
            StageSla.objects.values_list("stage", "province__code", "working_days", "hours")}
    return _Snapshot(fingerprint=fingerprint, exceptions=exceptions, complete_years=complete, slas=slas)


def _snapshot() -> _Snapshot:
    snap = _cache.get(connection.alias)
    now = monotonic()
    if snap is not None and not check_due(_checked.get(connection.alias), now):
        return snap
    fingerprint = _fingerprint()
    if snap is None or snap.fingerprint != fingerprint:
        snap = _load(fingerprint)
        with _lock:
            _cache[connection.alias] = snap
    _checked[connection.alias] = now
    return snap


@on_reset
def calendar_cache_clear() -> None:
    """Drop this process's snapshot (the signal handlers call it on every change)."""
    with _lock:
        _cache.clear()
        _checked.clear()


# ---------------------------------------------------------------- reads


def local_date(moment: datetime) -> date:
    """The day of ``moment`` in China Standard Time (a naive ``moment`` is refused)."""
    if timezone.is_naive(moment):
        raise ValueError("workdays: pass an aware datetime (USE_TZ); naive datetimes are ambiguous")
    return moment.astimezone(CST).date()


def end_of_day(day: date) -> datetime:
    """23:59:59 China Standard Time on ``day`` (aware)."""
    return datetime.combine(day, END_OF_DAY, tzinfo=CST)


def _is_working(snap: _Snapshot, day: date) -> bool:
    listed = snap.exceptions.get(day)
    return listed if listed is not None else day.weekday() < 5


def is_working_day(day: date) -> bool:
    """Whether ``day`` is worked: the table's exception if listed, else Monday–Friday."""
    return _is_working(_snapshot(), day)


def year_has_data(year: int) -> bool:
    """Whether ``year``'s holidays are in the table and marked complete."""
    return year in _snapshot().complete_years


def missing_years(years: Iterable[int]) -> set[int]:
    """The ones of ``years`` without complete data (they fall back to Monday–Friday)."""
    complete = _snapshot().complete_years
    return {y for y in years if y not in complete}


def working_days_after(*, start: datetime, days: int) -> Deadline:
    """The end (23:59:59 CST) of the ``days``-th working day after ``start``'s day in CST.

    ``days=0`` is the end of ``start``'s own day. Years crossed without complete data are in ``fallback_years``.
    """
    return _working_days_after(_snapshot(), start=start, days=days)


def _working_days_after(snap: _Snapshot, *, start: datetime, days: int) -> Deadline:
    if not 0 <= days <= MAX_WORKING_DAYS:
        raise ValueError(f"workdays: days must be between 0 and {MAX_WORKING_DAYS}")
    day = local_date(start)
    years: set[int] = set()
    remaining = days
    while remaining:
        day += timedelta(days=1)
        years.add(day.year)
        if _is_working(snap, day):
            remaining -= 1
    return Deadline(at=end_of_day(day), fallback_years=frozenset(years - snap.complete_years))


def hours_after(*, start: datetime, hours: float) -> Deadline:
    """``start`` plus ``hours`` of wall-clock time, expressed in CST (no calendar involved)."""
    if not 0 <= hours <= MAX_HOURS:
        raise ValueError(f"workdays: hours must be between 0 and {MAX_HOURS}")
    local_date(start)  # refuse naive datetimes here too
    return Deadline(at=(start + timedelta(hours=hours)).astimezone(CST))


def working_days_between(*, start: datetime, end: datetime) -> int:
    """Working days after ``start``'s CST day, up to and including ``end``'s CST day (0 if the same day).

    For the supplement pause: paused at ``start``, resumed at ``end`` → the provider due date moves by this
    many working days (``working_days_after(start=old_due, days=n)``). ``end`` before ``start`` → 0.
    """
    snap = _snapshot()
    day, last = local_date(start), local_date(end)
    count = 0
    while day < last:
        day += timedelta(days=1)
        if _is_working(snap, day):
            count += 1
    return count


def stage_sla(*, stage: str, province_code: str | None) -> Sla:
    """The SLA of ``stage`` for the province (its own row, else the default row, else the built-in default)."""
    return _stage_sla(_snapshot(), stage=stage, province_code=province_code)


def _stage_sla(snap: _Snapshot, *, stage: str, province_code: str | None) -> Sla:
    if stage not in BUILTIN_SLAS:
        raise ValueError(f"workdays: unknown stage {stage!r}")
    slas = snap.slas
    if province_code and (stage, province_code) in slas:
        wd, hours = slas[(stage, province_code)]
        return Sla(stage=stage, working_days=wd, hours=hours, province_code=province_code)
    wd, hours = slas.get((stage, None), BUILTIN_SLAS[stage])
    return Sla(stage=stage, working_days=wd, hours=hours, province_code=None)


def stage_deadline(*, stage: str, province_code: str | None, start: datetime) -> Deadline:
    """When ``stage`` started at ``start`` is due, per its SLA for ``province_code`` (design.md §6, §9)."""
    snap = _snapshot()  # one fingerprint check for the SLA and the calendar
    sla = _stage_sla(snap, stage=stage, province_code=province_code)
    if sla.hours is not None:
        return hours_after(start=start, hours=sla.hours)
    return _working_days_after(snap, start=start, days=sla.working_days or 0)


def calendar_year_detail(*, year: int) -> dict:
    """One year of the table for display: its listed days and whether it falls back to Monday–Friday."""
    row = CalendarYear.objects.filter(year=year).first()
    days = [{"date": d.date, "kind": d.kind, "name": d.name}
            for d in CalendarDay.objects.filter(date__year=year).order_by("date")]
    has_data = bool(row and row.complete)
    return {
        "year": year,
        "has_data": has_data,
        "fallback": not has_data,
        "source": row.source if row else None,
        "note": row.note if row else "",
        "days": days,
        "warning": None if has_data else Deadline(at=end_of_day(date(year, 1, 1)),
                                                  fallback_years=frozenset({year})).warning(),
    }


def years_needing_data(*, today: date | None = None) -> list[int]:
    """This year and next (CST) when they lack complete data — what the admin warns about."""
    if today is None:
        today = timezone.now().astimezone(CST).date()
    return sorted(missing_years({today.year, today.year + 1}))


# ---------------------------------------------------------------- writes


KINDS = {DayKind.HOLIDAY.value, DayKind.WORKDAY.value}


def _bad(code: str, zh: str, en: str, field: str | None = None):
    return error(code, zh, en, field=field)


@transaction.atomic
def calendar_day_set(*, day: date, kind: str, name: str = "") -> CalendarDay:
    """List ``day`` as a holiday or a make-up workday (creates or replaces its row)."""
    if kind not in KINDS:
        raise _bad("WORKDAYS_KIND_INVALID", "类型须为 holiday 或 workday。", "kind must be holiday or workday.",
                   "kind")
    row, _ = CalendarDay.objects.update_or_create(date=day, defaults={"kind": kind, "name": name[:60]})
    return row


@transaction.atomic
def calendar_day_delete(*, day: date) -> bool:
    """Remove ``day`` from the table (it becomes an ordinary Monday–Friday day). True if a row was removed."""
    rows = list(CalendarDay.objects.filter(date=day))
    for row in rows:
        row.delete()  # one by one so the change signal fires
    return bool(rows)


@transaction.atomic
def calendar_year_replace(*, year: int, days: Iterable[tuple[date, str, str]], source: str,
                          complete: bool = True, note: str = "") -> CalendarYear:
    """Replace every listed day of ``year`` with ``days`` and record the year; one ``calendar_changed``."""
    from beian.workdays.signals import calendar_change_noted

    clean: dict[date, tuple[str, str]] = {}
    for day, kind, name in days:
        if day.year != year:
            raise _bad("WORKDAYS_DATE_OUTSIDE_YEAR", f"{day.isoformat()} 不属于 {year} 年。",
                       f"{day.isoformat()} is not in {year}.", "date")
        if kind not in KINDS:
            raise _bad("WORKDAYS_KIND_INVALID", f"{day.isoformat()} 的类型须为 holiday 或 workday。",
                       f"The kind of {day.isoformat()} must be holiday or workday.", "kind")
        if day in clean:
            raise _bad("WORKDAYS_DATE_DUPLICATE", f"{day.isoformat()} 重复出现。",
                       f"{day.isoformat()} is listed twice.", "date")
        clean[day] = (kind, (name or "")[:60])
    if source not in CalendarSource.values:
        raise ValueError(f"workdays: unknown source {source!r}")
    # Row signals and the explicit note below join one batch: one calendar_changed per transaction.
    CalendarDay.objects.filter(date__year=year).delete()
    CalendarDay.objects.bulk_create([CalendarDay(date=d, kind=k, name=n) for d, (k, n) in sorted(clean.items())])
    row, _ = CalendarYear.objects.update_or_create(
        year=year, defaults={"complete": complete, "source": source, "note": note[:200]})
    calendar_change_noted(years={year})  # bulk_create sends no row signals
    return row


def calendar_year_import_package(*, year: int) -> CalendarYear:
    """Load ``year`` from the installed chinesecalendar (e.g. after upgrading the package)."""
    if year not in package.package_years():
        raise _bad("WORKDAYS_PACKAGE_NO_DATA", f"已安装的 chinesecalendar 没有 {year} 年的数据。",
                   f"The installed chinesecalendar has no data for {year}.", "year")
    return calendar_year_replace(year=year, days=package.package_days(year), source=CalendarSource.PACKAGE,
                                 complete=True, note=f"chinesecalendar {package.package_version()}")


@transaction.atomic
def stage_sla_set(*, stage: str, province_code: str | None, working_days: int | None = None,
                  hours: int | None = None) -> StageSla:
    """Set the SLA of ``stage`` for a province (or the default with ``province_code=None``)."""
    from beian.registry.models import Province

    if stage not in BUILTIN_SLAS:
        raise _bad("WORKDAYS_STAGE_INVALID", "未知的阶段。", "Unknown stage.", "stage")
    if (working_days is None) == (hours is None):
        raise _bad("WORKDAYS_SLA_INVALID", "工作日数和小时数须且只须填写一项。",
                   "Give exactly one of working_days and hours.", "working_days")
    province = None
    if province_code:
        province = Province.objects.filter(code=province_code).first()
        if province is None:
            raise _bad("WORKDAYS_PROVINCE_UNKNOWN", "省份不存在。", "Unknown province.", "province_code")
    row, _ = StageSla.objects.update_or_create(stage=stage, province=province,
                                               defaults={"working_days": working_days, "hours": hours})
    return row
