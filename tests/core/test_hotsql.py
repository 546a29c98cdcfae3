"""beian.core.hotsql: one statement on the driver's cursor — same rows as Django's path, prepared on PostgreSQL."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from beian.core.hotsql import _sqlite_sql, hot_fetch, hot_prefetch
from beian.registry.models import Province

SQL = "SELECT code FROM registry_province WHERE code = ANY(%s) AND code <> %s ORDER BY code"


def test_sqlite_placeholders():
    assert _sqlite_sql(SQL, [["110000", "330000"], "x"]) == (
        "SELECT code FROM registry_province WHERE code IN (?,?) AND code <> ? ORDER BY code", ["110000", "330000", "x"])
    assert _sqlite_sql("SELECT 1 WHERE 1 = %s", [1]) == ("SELECT 1 WHERE 1 = ?", [1])


@pytest.mark.db_specific
@pytest.mark.django_db
def test_the_fast_path_and_djangos_path_give_the_same_rows():
    assert Province.objects.filter(code__in=["110000", "330000"]).count() == 2
    fast = hot_fetch(SQL, [["110000", "330000", "999999"], "330000"])
    with CaptureQueriesContext(connection):  # someone observes queries: the ordinary path
        slow = hot_fetch(SQL, [["110000", "330000", "999999"], "330000"])
    assert [tuple(r) for r in fast] == [tuple(r) for r in slow] == [("110000",)]
    assert tuple(hot_fetch("SELECT COUNT(*) FROM registry_province WHERE code = %s", ["330000"], one=True)) == (1,)


@pytest.mark.db_specific
@pytest.mark.django_db
def test_postgresql_prepares_the_statement(settings):
    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's")
    hot_fetch("SELECT code FROM registry_province WHERE code = %s", ["330000"])
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        statements = [row[0] for row in cursor.fetchall()]
    assert "SELECT code FROM registry_province WHERE code = $1" in statements


@pytest.mark.db_specific
@pytest.mark.django_db
def test_prepared_statements_run_generic_plans_and_django_binds_on_the_client():
    """Hot statements keep one plan per connection (an array parameter would otherwise re-plan on every run);
    Django's own statements carry their values, so a prefix search is planned with its pattern."""
    if connection.vendor != "postgresql":
        pytest.skip("plan caching is PostgreSQL's")
    with connection.cursor() as cursor:
        cursor.execute("SHOW plan_cache_mode")
        assert cursor.fetchone()[0] == "force_generic_plan"
    import psycopg

    with connection.cursor() as cursor:
        assert isinstance(cursor.cursor, psycopg.ClientCursor)


NAME = "SELECT name FROM registry_province WHERE code = %s"


@pytest.mark.db_specific
@pytest.mark.django_db
def test_prefetched_reads_answer_once_from_one_round_trip():
    """On PostgreSQL the reads of a prefetch block go together (a pipeline) and each answers its hot_fetch once
    from the block's start — a change made after it is not seen by the prefetched read, but by the next. On SQLite
    (no round trip to save) the block changes nothing."""
    from django.db import transaction

    hot_fetch(NAME, ["330000"])  # an open connection
    with transaction.atomic():
        with hot_prefetch([(NAME, ["330000"]), (SQL, [["110000", "330000"], "x"]), (NAME, ["330000"])]):
            Province.objects.filter(code="330000").update(name="改过")
            first = hot_fetch(NAME, ["330000"], one=True)[0]
            again = hot_fetch(NAME, ["330000"], one=True)[0]
            listed = [tuple(r) for r in hot_fetch(SQL, [["110000", "330000"], "x"])]
        transaction.set_rollback(True)
    assert listed == [("110000",), ("330000",)] and again == "改过"
    assert first == ("浙江省" if connection.vendor == "postgresql" else "改过")
