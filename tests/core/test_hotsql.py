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


# The lean path (hotsql._Lean): statements sent on libpq directly, in one pipeline per batch, on PostgreSQL.

def _pg_only():
    if connection.vendor != "postgresql":
        pytest.skip("the lean path is PostgreSQL's")


def _prepared(text: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements WHERE statement = %s AND name LIKE '\\_beian\\_%%'",
                       [text])
        return cursor.fetchone()[0]


@pytest.mark.db_specific
@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # no test transaction around: a real outermost one
def test_the_first_statement_of_a_transaction_carries_its_begin():
    """Sent together with its BEGIN: the write is inside the transaction (rolled back with it), not committed on
    its own as a statement outside any transaction would be."""
    from django.db import transaction

    from beian.core.hotsql import hot_execute

    _pg_only()
    hot_fetch(NAME, ["330000"])  # an open connection, no transaction
    with transaction.atomic():
        assert hot_execute("UPDATE registry_province SET name = %s WHERE code = %s", ["改过", "330000"]) == 1
        from psycopg.pq import TransactionStatus

        assert connection.connection.info.transaction_status == TransactionStatus.INTRANS
        transaction.set_rollback(True)
    assert hot_fetch(NAME, ["330000"], one=True)[0] == "浙江省"


@pytest.mark.db_specific
@pytest.mark.django_db
def test_a_batch_prepares_a_repeated_statement_once_and_answers_each():
    from django.db import transaction

    from beian.core.hotsql import hot_batch

    _pg_only()
    sql = "SELECT name FROM registry_province WHERE code = %s AND 'lean-once' <> %s"
    with transaction.atomic():
        rows = hot_batch([(sql, ["330000", "a"]), (sql, ["110000", "b"]), (sql, ["999999", "c"])])
    assert rows == [[("浙江省",)], [("北京市",)], []]
    assert _prepared("SELECT name FROM registry_province WHERE code = $1 AND 'lean-once' <> $2") == 1


@pytest.mark.db_specific
@pytest.mark.django_db
def test_an_error_in_a_batch_is_raised_as_djangos_and_the_connection_goes_on():
    """The failing statement's error (Django's class, as on psycopg's cursor); the statements after it did not run;
    a statement that failed to prepare is not remembered as prepared; the connection serves the next transaction."""
    from django.db import DatabaseError, IntegrityError, transaction

    from beian.core.hotsql import hot_batch, hot_execute

    _pg_only()
    update = ("UPDATE registry_province SET name = %s WHERE code = %s", ["改过", "330000"])
    with pytest.raises(IntegrityError):
        with transaction.atomic():
            hot_batch([update, ("UPDATE registry_province SET code = %s WHERE code = %s", ["110000", "330000"]),
                       ("UPDATE registry_province SET name = %s WHERE code = %s", ["也改过", "110000"])])
    broken = "SELECT nme FROM registry_province WHERE code = %s"
    for _ in range(2):  # the second time it is prepared again, and fails the same way
        with pytest.raises(DatabaseError, match="nme"):
            with transaction.atomic():
                hot_execute(*update)
                hot_fetch(broken, ["330000"])
    assert _prepared("SELECT nme FROM registry_province WHERE code = $1") == 0
    with pytest.raises(DatabaseError, match="adapt"):
        with transaction.atomic():
            hot_fetch(NAME, [object()])
    assert [hot_fetch(NAME, [code], one=True)[0] for code in ("330000", "110000")] == ["浙江省", "北京市"]
