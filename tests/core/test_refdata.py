"""core.refdata: a process asks whether its copies of reference data are current at most every
BEIAN_REFDATA_CHECK_MS, sees its own edits at once and another process's once the interval is over."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from beian.core.refdata import refdata_reset
from beian.core.tablecache import TableCache
from beian.rules.data import rules_data
from beian.rules.models import Word, WordCategory
from beian.workdays import services as workdays
from beian.workdays.models import CalendarDay, DayKind

pytestmark = pytest.mark.django_db
START = dt.datetime(2026, 9, 30, 15, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


@pytest.fixture
def throttled(settings):
    settings.BEIAN_REFDATA_CHECK_MS = 200
    refdata_reset()
    yield settings
    refdata_reset()


def _queries(fn) -> int:
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


def _deadline():
    return workdays.stage_deadline(stage="provider_review", province_code=None, start=START).at


def test_the_calendar_is_checked_once_per_interval(throttled):
    first = _deadline()
    assert _queries(_deadline) == 0  # confirmed current a moment ago: no round trip
    # Another process adds a holiday (no signal here): not seen until the interval is over …
    CalendarDay.objects.bulk_create([CalendarDay(date=dt.date(2026, 10, 9), kind=DayKind.HOLIDAY, name="test")])
    assert _deadline() == first
    time.sleep(0.25)
    # … then the fingerprint changes and the deadline moves by the new holiday.
    assert _deadline() > first


def test_an_edit_in_this_process_is_seen_at_once(throttled):
    first = _deadline()
    CalendarDay.objects.create(date=dt.date(2026, 10, 9), kind=DayKind.HOLIDAY, name="test")  # signals clear the copy
    assert _deadline() > first


def test_every_read_checks_when_the_interval_is_zero(settings):
    settings.BEIAN_REFDATA_CHECK_MS = 0
    _deadline()
    assert _queries(_deadline) == 1


def test_the_rules_data_revision_is_read_once_per_interval(throttled):
    first = rules_data()
    assert _queries(rules_data) == 0
    Word.objects.create(category=WordCategory.objects.first(), word="新词")  # this process's edit: seen at once
    second = rules_data()
    assert second is not first and second.revision != first.revision
    time.sleep(0.25)
    assert _queries(rules_data) == 1  # the interval is over: the revision is read again (unchanged: no reload)
    assert rules_data() is second


def test_a_table_cache_reads_its_token_once_per_interval(throttled):
    loads = []
    table = TableCache("beian:test:refdata", lambda: loads.append(1) or len(loads))
    assert table.get() == 1
    assert _queries(table.get) == 0
    table.changed()  # a watched row was saved in this process
    assert table.get() == 2
    time.sleep(0.25)
    assert _queries(table.get) == 1 and table.get() == 2  # asks again; the token is unchanged: no reload
