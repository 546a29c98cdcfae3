"""Working-day arithmetic in China Standard Time (design.md §9) — starts given in UTC like the machine clock."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from beian.workdays import services as wd
from beian.workdays.services import CST

pytestmark = pytest.mark.django_db


def cst(*args) -> datetime:
    """A CST wall-clock time, returned as the equivalent UTC datetime (what the database hands back)."""
    return datetime(*args, tzinfo=CST).astimezone(UTC)


def eod(y, m, d) -> datetime:
    return datetime(y, m, d, 23, 59, 59, tzinfo=CST)


def test_provider_due_over_national_day():
    due = wd.working_days_after(start=cst(2026, 9, 30, 15, 0), days=2)
    assert due.at == eod(2026, 10, 9)
    assert due.at.utcoffset() == timedelta(hours=8) and due.at.tzinfo is not None
    assert due.at.astimezone(UTC) == datetime(2026, 10, 9, 15, 59, 59, tzinfo=UTC)
    assert due.fallback_years == frozenset() and not due.is_fallback and due.warning() is None


def test_bureau_due_twenty_working_days_counts_the_saturday_make_up_day():
    due = wd.working_days_after(start=cst(2026, 9, 30, 10, 0), days=20)
    assert due.at == eod(2026, 11, 3)


def test_stage_deadlines_use_the_seeded_slas():
    start = cst(2026, 9, 30, 15, 0)
    assert wd.stage_deadline(stage="provider_review", province_code="110000", start=start).at == eod(2026, 10, 9)
    assert wd.stage_deadline(stage="bureau_review", province_code="110000", start=start).at == eod(2026, 11, 3)
    assert wd.stage_deadline(stage="bureau_review", province_code=None, start=start).at == eod(2026, 11, 3)
    assert wd.stage_deadline(stage="bureau_review", province_code="330000", start=start).at == eod(2026, 11, 17)
    sms = wd.stage_deadline(stage="sms_verification", province_code="330000", start=start)
    assert sms.at == datetime(2026, 10, 1, 15, 0, tzinfo=CST)  # 24 h wall clock, holiday or not
    assert not sms.is_fallback


def test_stage_sla_selector_reports_which_row_applied():
    zj = wd.stage_sla(stage="bureau_review", province_code="330000")
    assert (zj.working_days, zj.hours, zj.province_code) == (30, None, "330000")
    bj = wd.stage_sla(stage="bureau_review", province_code="110000")
    assert (bj.working_days, bj.province_code) == (20, None)
    assert wd.stage_sla(stage="sms_verification", province_code=None).hours == 24
    with pytest.raises(ValueError):
        wd.stage_sla(stage="approved", province_code=None)


def test_late_evening_counts_on_its_chinese_day():
    late = datetime(2026, 9, 30, 15, 30, tzinfo=UTC)  # 23:30 CST on 9/30
    after_midnight = datetime(2026, 9, 30, 16, 30, tzinfo=UTC)  # 00:30 CST on 10/1
    assert wd.local_date(late) == date(2026, 9, 30)
    assert wd.local_date(after_midnight) == date(2026, 10, 1)
    assert wd.working_days_after(start=late, days=0).at == eod(2026, 9, 30)
    assert wd.working_days_after(start=after_midnight, days=0).at == eod(2026, 10, 1)
    # A UTC-date bug would move these by a day: 9/29 23:30 CST is 9/29 (due 10/8), 9/30 00:30 CST is 9/30 (10/9).
    assert wd.working_days_after(start=cst(2026, 9, 29, 23, 30), days=2).at == eod(2026, 10, 8)
    assert wd.working_days_after(start=cst(2026, 9, 30, 0, 30), days=2).at == eod(2026, 10, 9)
    # And with a non-UTC offset on the input (it is the instant that matters).
    assert wd.local_date(datetime(2026, 9, 30, 23, 30, tzinfo=CST)) == date(2026, 9, 30)


def test_calendar_reads():
    assert wd.is_working_day(date(2026, 10, 10))  # Saturday make-up workday
    assert wd.is_working_day(date(2026, 9, 20))  # Sunday make-up workday
    assert not wd.is_working_day(date(2026, 10, 5))  # Monday holiday
    assert not wd.is_working_day(date(2026, 10, 3))  # Saturday inside the holiday
    assert not wd.is_working_day(date(2026, 10, 17))  # ordinary Saturday
    assert wd.is_working_day(date(2026, 10, 12))
    assert not wd.is_working_day(date(2027, 1, 2))  # Saturday, fallback
    assert wd.is_working_day(date(2027, 1, 1))  # Friday, fallback (no data yet)
    assert wd.year_has_data(2026) and wd.year_has_data(2004)
    assert not wd.year_has_data(2027) and not wd.year_has_data(2003)
    assert wd.missing_years({2025, 2026, 2027, 2028}) == {2027, 2028}


def test_working_days_between_over_national_day():
    start = cst(2026, 9, 30, 15, 0)
    assert wd.working_days_between(start=start, end=cst(2026, 9, 30, 18, 0)) == 0
    assert wd.working_days_between(start=start, end=cst(2026, 10, 7, 12, 0)) == 0
    assert wd.working_days_between(start=start, end=cst(2026, 10, 8, 9, 0)) == 1
    assert wd.working_days_between(start=start, end=cst(2026, 10, 10, 9, 0)) == 3
    assert wd.working_days_between(start=start, end=cst(2026, 10, 12, 9, 0)) == 4
    assert wd.working_days_between(start=cst(2026, 10, 12, 9, 0), end=start) == 0
    # The supplement pause moves the due date by the paused working days.
    due = wd.working_days_after(start=start, days=2).at
    paused = wd.working_days_between(start=cst(2026, 10, 8, 10, 0), end=cst(2026, 10, 9, 9, 0))
    assert paused == 1
    assert wd.working_days_after(start=due, days=paused).at == eod(2026, 10, 10)


def test_bad_input_is_refused_not_guessed():
    with pytest.raises(ValueError):
        wd.working_days_after(start=datetime(2026, 9, 30, 15, 0), days=2)  # naive
    with pytest.raises(ValueError):
        wd.working_days_after(start=cst(2026, 9, 30, 15, 0), days=-1)
    with pytest.raises(ValueError):
        wd.hours_after(start=cst(2026, 9, 30, 15, 0), hours=-1)


def test_year_without_data_falls_back_to_monday_friday_and_says_so():
    start = cst(2026, 12, 30, 15, 0)
    provider = wd.working_days_after(start=start, days=2)
    assert provider.at == eod(2027, 1, 1)  # 12/31, then Friday 1/1 counted as a weekday
    assert provider.fallback_years == frozenset({2027})
    warning = provider.warning()
    assert warning["code"] == "WORKDAYS_FALLBACK" and "2027" in warning["message_zh"]
    bureau = wd.working_days_after(start=start, days=20)
    assert bureau.at == eod(2027, 1, 27) and bureau.fallback_years == frozenset({2027})
    # Days entirely within 2026 carry no warning even when 2027 has no data.
    assert not wd.working_days_after(start=start, days=1).is_fallback
