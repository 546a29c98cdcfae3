"""Operator surfaces: workdays_import, the admin (with the missing-year warning) and the calendar API."""

from __future__ import annotations

from datetime import UTC, date, datetime
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command

from beian.workdays import services as wd
from beian.workdays.models import CalendarDay, CalendarYear
from beian.workdays.signals import calendar_changed

pytestmark = pytest.mark.django_db


def _csv(tmp_path, text: str) -> str:
    path = tmp_path / "holidays.csv"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_import_command_loads_a_year_and_signals_once(tmp_path, django_capture_on_commit_callbacks):
    calls = []
    calendar_changed.connect(lambda sender, years, **kw: calls.append(years), weak=False, dispatch_uid="t_import")
    try:
        path = _csv(tmp_path, "date,kind,name\n2027-01-01,holiday,元旦\n2027-02-06,workday,春节\n"
                              "2027-02-08,holiday,春节\n\n")
        out = StringIO()
        with django_capture_on_commit_callbacks(execute=True):
            call_command("workdays_import", "--year", "2027", "--file", path, "--note", "国办发明电", stdout=out)
    finally:
        calendar_changed.disconnect(dispatch_uid="t_import")
    assert calls == [{2027}]
    assert "3 days imported" in out.getvalue()
    row = CalendarYear.objects.get(year=2027)
    assert row.complete and row.source == "import" and row.note == "国办发明电"
    assert wd.is_working_day(date(2027, 2, 6)) and not wd.is_working_day(date(2027, 1, 1))
    start = datetime(2026, 12, 30, 7, 0, tzinfo=UTC)
    due = wd.working_days_after(start=start, days=2)
    assert due.at == datetime(2027, 1, 4, 23, 59, 59, tzinfo=wd.CST) and not due.is_fallback


@pytest.mark.parametrize("body, message", [
    ("day,kind\n2027-01-01,holiday\n", "header"),
    ("date,kind,name\n2027-13-01,holiday,x\n", "line 2"),
    ("date,kind,name\n2027-01-01,rest,x\n", "kind must be"),
    ("date,kind,name\n2028-01-01,holiday,x\n", "not in 2027"),
    ("date,kind,name\n2027-01-04,workday,x\n", "weekday"),
    ("date,kind,name\n2027-01-01,holiday,x\n2027-01-01,holiday,x\n", "listed twice"),
])
def test_import_command_refuses_bad_files_without_writing(tmp_path, body, message):
    with pytest.raises(CommandError, match=message):
        call_command("workdays_import", "--year", "2027", "--file", _csv(tmp_path, body))
    assert not CalendarYear.objects.filter(year=2027).exists()
    assert not CalendarDay.objects.filter(date__year=2027).exists()


def test_import_command_other_modes(tmp_path):
    with pytest.raises(CommandError, match="no data for 2027"):
        call_command("workdays_import", "--year", "2027", "--from-package")
    with pytest.raises(CommandError, match="give --year"):
        call_command("workdays_import", "--year", "2027")
    with pytest.raises(CommandError, match="cannot read"):
        call_command("workdays_import", "--year", "2027", "--file", str(tmp_path / "missing.csv"))
    out = StringIO()
    call_command("workdays_import", "--year", "2026", "--from-package", stdout=out)
    assert "2026" in out.getvalue() and CalendarYear.objects.get(year=2026).source == "chinesecalendar"
    out = StringIO()
    with time_machine.travel(datetime(2026, 6, 1, 4, 0, tzinfo=UTC), tick=False):
        call_command("workdays_import", "--status", stdout=out)
    assert "2026 complete" in out.getvalue() and "[2027]" in out.getvalue()


WARNING = "年的节假日安排尚未录入"


def test_admin_warns_about_this_and_next_year(api, operator):
    client = api(operator).client
    with time_machine.travel(datetime(2026, 6, 1, 4, 0, tzinfo=UTC), tick=False):
        page = client.get("/admin/workdays/calendaryear/")
        assert page.status_code == 200
        text = page.content.decode()
        assert WARNING in text and "2027" in text
        assert "2026" in text and "✓ 完整" in text
        days = client.get("/admin/workdays/calendarday/?year=2026")
        assert days.status_code == 200 and WARNING in days.content.decode() and "国庆节" in days.content.decode()
    with time_machine.travel(datetime(2025, 6, 1, 4, 0, tzinfo=UTC), tick=False):
        page = client.get("/admin/workdays/calendaryear/")
        assert WARNING not in page.content.decode()
    # New Year's Eve in China is already the next year: on 2026-12-31 16:30 UTC the years are 2027 and 2028.
    with time_machine.travel(datetime(2026, 12, 31, 16, 30, tzinfo=UTC), tick=False):
        assert wd.years_needing_data() == [2027, 2028]
    assert client.get("/admin/workdays/stagesla/").status_code == 200


def test_admin_edit_fires_the_signal(api, operator, django_capture_on_commit_callbacks):
    calls = []
    calendar_changed.connect(lambda sender, years, **kw: calls.append(years), weak=False, dispatch_uid="t_admin")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            response = api(operator).client.post("/admin/workdays/calendarday/add/", {
                "date": "2027-01-01", "kind": "holiday", "name": "元旦"})
    finally:
        calendar_changed.disconnect(dispatch_uid="t_admin")
    assert response.status_code == 302
    assert calls == [{2027}]
    assert not wd.is_working_day(date(2027, 1, 1))


def test_admin_reload_action(api, operator):
    CalendarDay.objects.filter(date=date(2025, 10, 1)).delete()
    year = CalendarYear.objects.get(year=2025)
    response = api(operator).client.post("/admin/workdays/calendaryear/", {
        "action": "reload_from_package", "_selected_action": [year.pk]})
    assert response.status_code == 302
    assert CalendarDay.objects.filter(date=date(2025, 10, 1), kind="holiday").exists()


def test_calendar_api(api, applicant, reviewer):
    assert api().get("/api/workdays/calendar?year=2026").status_code == 401
    response = api(applicant).get("/api/workdays/calendar?year=2026")
    assert response.status_code == 200
    body = response.json_body
    assert body["has_data"] is True and body["fallback"] is False and body["warning"] is None
    assert {"date": "2026-10-10", "kind": "workday", "name": "国庆节"} in body["days"]
    assert {"date": "2026-10-05", "kind": "holiday", "name": "国庆节"} in body["days"]
    assert body["source"] == "chinesecalendar"
    later = api(reviewer).get("/api/workdays/calendar?year=2027").json_body
    assert later["fallback"] is True and later["days"] == []
    assert later["warning"]["code"] == "WORKDAYS_FALLBACK"
    for bad in ("abc", "1800", ""):
        response = api(applicant).get(f"/api/workdays/calendar?year={bad}")
        assert response.status_code == 422
        assert response.json_body["errors"][0]["field"] == "year"
