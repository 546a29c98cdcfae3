"""The holiday table: seed, edits, the calendar_changed signal, the cache, the SLA table."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from beian.core.errors import BeianError
from beian.workdays import package
from beian.workdays import services as wd
from beian.workdays.models import CalendarDay, CalendarYear, StageSla
from beian.workdays.services import CST
from beian.workdays.signals import calendar_changed

pytestmark = pytest.mark.django_db


def cst(*args) -> datetime:
    return datetime(*args, tzinfo=CST).astimezone(UTC)


def eod(y, m, d) -> datetime:
    return datetime(y, m, d, 23, 59, 59, tzinfo=CST)


@pytest.fixture
def received():
    """Every ``years`` set sent by calendar_changed during the test."""
    calls: list[set[int]] = []

    def _receiver(sender, years, **kwargs):
        calls.append(years)

    calendar_changed.connect(_receiver, dispatch_uid="test_workdays_receiver")
    yield calls
    calendar_changed.disconnect(dispatch_uid="test_workdays_receiver")


@pytest.mark.db_specific
def test_seed_holds_every_package_year_and_nothing_else():
    from chinese_calendar import constants

    years = set(CalendarYear.objects.values_list("year", flat=True))
    assert years == package.package_years() == set(range(2004, 2027))
    assert not CalendarYear.objects.filter(complete=False).exists()
    assert CalendarDay.objects.filter(kind="holiday").count() == len(constants.holidays)
    assert CalendarDay.objects.filter(kind="workday").count() == len(constants.workdays)
    weekday_holidays_2026 = {d for d in CalendarDay.objects.filter(date__year=2026, kind="holiday")
                             .values_list("date", flat=True) if d.weekday() < 5}
    # dependencies.md "Working days" as a cross-check of the seed (the seed itself iterates the package).
    expected = {date(2026, 1, 1), date(2026, 1, 2), *(date(2026, 2, d) for d in (16, 17, 18, 19, 20, 23)),
                date(2026, 4, 6), date(2026, 5, 1), date(2026, 5, 4), date(2026, 5, 5), date(2026, 6, 19),
                date(2026, 9, 25), date(2026, 10, 1), date(2026, 10, 2), date(2026, 10, 5), date(2026, 10, 6),
                date(2026, 10, 7)}
    assert weekday_holidays_2026 == expected
    assert set(CalendarDay.objects.filter(date__year=2026, kind="workday").values_list("date", flat=True)) == {
        date(2026, 1, 4), date(2026, 2, 14), date(2026, 2, 28), date(2026, 5, 9), date(2026, 9, 20),
        date(2026, 10, 10)}
    assert CalendarDay.objects.get(date=date(2026, 10, 1)).name == "国庆节"


def test_adding_2027_moves_the_due_date_and_signals_2027(received, django_capture_on_commit_callbacks):
    start = cst(2026, 12, 30, 15, 0)
    before = wd.working_days_after(start=start, days=2)
    assert before.at == eod(2027, 1, 1) and before.fallback_years == {2027}

    with django_capture_on_commit_callbacks(execute=True):
        wd.calendar_day_set(day=date(2027, 1, 1), kind="holiday", name="元旦")
    assert received == [{2027}]
    after = wd.working_days_after(start=start, days=2)
    assert after.at == eod(2027, 1, 4)  # Monday: 1/1 is now a holiday
    assert after.fallback_years == {2027}  # still warned: the year is not marked complete

    with django_capture_on_commit_callbacks(execute=True):
        CalendarYear.objects.create(year=2027, complete=True, source="manual", note="国办发明电")
    assert received == [{2027}, {2027}]
    final = wd.working_days_after(start=start, days=2)
    assert final.at == eod(2027, 1, 4) and not final.is_fallback
    assert wd.year_has_data(2027) and wd.missing_years({2026, 2027}) == set()


def test_signal_waits_for_commit_and_batches_one_transaction(received, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            wd.calendar_year_replace(year=2027, source="import", days=[
                (date(2027, 1, 1), "holiday", "元旦"), (date(2027, 2, 6), "workday", "春节"),
                (date(2027, 2, 8), "holiday", "春节")])
            CalendarDay.objects.create(date=date(2028, 1, 3), kind="holiday", name="元旦")
            assert received == []  # not before commit
    assert received == [{2027, 2028}]
    assert wd.year_has_data(2027) and not wd.is_working_day(date(2027, 2, 8))
    assert wd.is_working_day(date(2027, 2, 6))


def test_rolled_back_change_sends_nothing(received, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            wd.calendar_day_set(day=date(2027, 1, 1), kind="holiday")
            assert not wd.is_working_day(date(2027, 1, 1))  # visible inside the transaction
            raise RuntimeError("roll back")
        wd.calendar_day_set(day=date(2028, 1, 3), kind="holiday")
    assert received == [{2028}]
    assert wd.is_working_day(date(2027, 1, 1))  # the cache did not keep the rolled-back row


def test_moving_and_deleting_days_signal_both_years(received, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        row = CalendarDay.objects.get(date=date(2026, 10, 7))
        row.date = date(2027, 10, 7)
        row.save()
    assert received == [{2026, 2027}]
    assert wd.is_working_day(date(2026, 10, 7)) and not wd.is_working_day(date(2027, 10, 7))
    with django_capture_on_commit_callbacks(execute=True):
        assert wd.calendar_day_delete(day=date(2026, 10, 10))
    assert received[-1] == {2026}
    assert not wd.is_working_day(date(2026, 10, 10))  # an ordinary Saturday again
    # 10/7 now worked, 10/10 no longer: 10/7, 10/8, 10/9, 10/12 (10/10 if the delete were not seen).
    assert wd.working_days_after(start=cst(2026, 9, 30, 15), days=1).at == eod(2026, 10, 7)
    assert wd.working_days_after(start=cst(2026, 9, 30, 15), days=4).at == eod(2026, 10, 12)


def test_a_failing_receiver_is_logged_not_raised(django_capture_on_commit_callbacks, caplog):
    def _boom(sender, years, **kwargs):
        raise RuntimeError("recompute failed")

    calendar_changed.connect(_boom, dispatch_uid="test_workdays_boom")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            wd.calendar_day_set(day=date(2027, 1, 1), kind="holiday")
    finally:
        calendar_changed.disconnect(dispatch_uid="test_workdays_boom")
    assert CalendarDay.objects.filter(date=date(2027, 1, 1)).exists()
    assert "calendar_changed receiver" in caplog.text


def test_change_made_elsewhere_is_seen_through_the_fingerprint():
    """Another process's edit fires no signal here; the fingerprint query still notices it."""
    assert not wd.is_working_day(date(2026, 10, 7))
    CalendarDay.objects.filter(date=date(2026, 10, 7)).update(kind="workday", updated_at=timezone.now())
    assert wd.is_working_day(date(2026, 10, 7))


def test_replace_validates_rows():
    with pytest.raises(BeianError) as exc:
        wd.calendar_year_replace(year=2027, source="import", days=[(date(2028, 1, 1), "holiday", "")])
    assert exc.value.errors[0].code == "WORKDAYS_DATE_OUTSIDE_YEAR"
    with pytest.raises(BeianError) as exc:
        wd.calendar_year_replace(year=2027, source="import", days=[(date(2027, 1, 1), "rest", "")])
    assert exc.value.errors[0].code == "WORKDAYS_KIND_INVALID"
    with pytest.raises(BeianError) as exc:
        wd.calendar_year_replace(year=2027, source="import",
                                 days=[(date(2027, 1, 1), "holiday", ""), (date(2027, 1, 1), "holiday", "")])
    assert exc.value.errors[0].code == "WORKDAYS_DATE_DUPLICATE"
    assert not CalendarYear.objects.filter(year=2027).exists()
    with pytest.raises(BeianError) as exc:
        wd.calendar_year_import_package(year=2027)
    assert exc.value.errors[0].code == "WORKDAYS_PACKAGE_NO_DATA"


def test_reimport_from_package_is_identical():
    before = list(CalendarDay.objects.filter(date__year=2025).values_list("date", "kind", "name"))
    wd.calendar_year_import_package(year=2025)
    assert list(CalendarDay.objects.filter(date__year=2025).values_list("date", "kind", "name")) == before


def test_sla_table_edits_apply_and_are_constrained():
    start = cst(2026, 9, 30, 15, 0)
    wd.stage_sla_set(stage="bureau_review", province_code="110000", working_days=5)
    assert wd.stage_deadline(stage="bureau_review", province_code="110000", start=start).at == eod(2026, 10, 13)
    wd.stage_sla_set(stage="sms_verification", province_code=None, hours=48)
    assert wd.stage_deadline(stage="sms_verification", province_code=None, start=start).at == \
        datetime(2026, 10, 2, 15, 0, tzinfo=CST)
    with pytest.raises(BeianError):
        wd.stage_sla_set(stage="bureau_review", province_code="110000", working_days=5, hours=3)
    with pytest.raises(BeianError):
        wd.stage_sla_set(stage="bureau_review", province_code="999999", working_days=5)
    with pytest.raises(IntegrityError), transaction.atomic():
        StageSla.objects.create(stage="provider_review", working_days=3)  # a second default row
    with pytest.raises(IntegrityError), transaction.atomic():
        StageSla.objects.create(stage="provider_review", working_days=3, hours=4)
    StageSla.objects.filter(stage="provider_review").delete()
    # No row at all: the built-in default of design.md §9.
    assert wd.stage_deadline(stage="provider_review", province_code=None, start=start).at == eod(2026, 10, 9)
