"""``hotsql.hot_later``: writes that need no result go with the transaction's next statement or its COMMIT
(PostgreSQL, ``beian.core.postgresql``); they are seen by every later read of the transaction, committed with it,
dropped with its rollback, and a failing one fails the transaction. Elsewhere they run at once."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, connections, transaction
from django.test.utils import CaptureQueriesContext

from beian.core.hotsql import hot_execute, hot_fetch, hot_later
from beian.registry.models import Province

NAME = "SELECT name FROM registry_province WHERE code = %s"
RENAME = "UPDATE registry_province SET name = %s WHERE code = %s"


def _pending() -> int:
    lean = connections["default"].__dict__.get("_hot_lean")  # the wrapper's, not the proxy's
    return len(lean.pending) if lean is not None else 0


@pytest.mark.db_specific
@pytest.mark.django_db
def test_a_later_write_is_seen_by_the_next_read_hot_or_orm():
    hot_fetch(NAME, ["330000"])
    with transaction.atomic():
        hot_later([(RENAME, ["改过一", "330000"])])
        if connection.vendor == "postgresql":
            assert _pending() == 1  # not sent yet
        assert hot_fetch(NAME, ["330000"], one=True)[0] == "改过一"
        assert _pending() == 0
        hot_later([(RENAME, ["改过二", "330000"])])
        assert Province.objects.get(code="330000").name == "改过二"  # Django's cursor sends it first
        assert _pending() == 0
        transaction.set_rollback(True)


@pytest.mark.db_specific
@pytest.mark.django_db
def test_writes_asked_before_a_savepoint_survive_its_rollback():
    with transaction.atomic():
        hot_later([(RENAME, ["改过", "330000"])])
        with pytest.raises(RuntimeError):
            with transaction.atomic():  # the savepoint is made after the pending write is sent
                raise RuntimeError
        assert Province.objects.get(code="330000").name == "改过"
        transaction.set_rollback(True)


@pytest.mark.db_specific
@pytest.mark.django_db
def test_where_queries_are_observed_a_later_write_runs_at_once():
    with transaction.atomic():
        with CaptureQueriesContext(connection) as ctx:
            hot_later([(RENAME, ["改过", "330000"])])
        assert [q["sql"] for q in ctx.captured_queries if "UPDATE" in q["sql"]]
        assert _pending() == 0
        transaction.set_rollback(True)


# Real transactions (no test transaction around): the COMMIT and the rollback of the outermost block.
real_transactions = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.mark.parametrize("outcome", ["commit", "rollback"])
@pytest.mark.db_specific
@real_transactions
def test_the_commit_carries_the_later_writes_and_a_rollback_drops_them(outcome):
    hot_fetch(NAME, ["330000"])
    with transaction.atomic():
        hot_execute(RENAME, ["甲", "110000"])
        hot_later([(RENAME, ["改过", "330000"])])
        if outcome == "rollback":
            transaction.set_rollback(True)
    assert _pending() == 0
    expected = ("北京市", "浙江省") if outcome == "rollback" else ("甲", "改过")
    assert (hot_fetch(NAME, ["110000"], one=True)[0], hot_fetch(NAME, ["330000"], one=True)[0]) == expected


@pytest.mark.db_specific
@real_transactions
def test_a_failing_later_write_fails_the_commit_and_nothing_is_kept():
    hot_fetch(NAME, ["330000"])
    with pytest.raises(IntegrityError):
        with transaction.atomic():
            hot_execute(RENAME, ["甲", "110000"])
            hot_later([("UPDATE registry_province SET code = %s WHERE code = %s", ["110000", "330000"])])
    assert _pending() == 0
    assert (hot_fetch(NAME, ["110000"], one=True)[0], hot_fetch(NAME, ["330000"], one=True)[0]) == ("北京市", "浙江省")
