"""beian.core.hotsql's model helpers: the instance a prepared statement builds equals the one the ORM loads, and the
writes equal ``Model.save`` — on SQLite and on PostgreSQL (the workflow's fixed part runs on them)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from beian.core.hotsql import Table, hot_fetch, hot_insert, hot_update, hot_update_insert
from beian.orders.models import Order, OrderHistory, OrderLock
from beian.orders.services import _lock_order
from beian.registry.models import Province

pytestmark = [pytest.mark.db_specific, pytest.mark.django_db]


def _values(instance) -> dict:
    return {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields}


@pytest.fixture
def order(applicant):
    return Order.objects.create(
        type="new_filing", applicant=applicant, province=Province.objects.get(code="330000"),
        proposed={"entity": {"name": "杭州示例科技有限公司", "n": 1}, "websites": []}, diff=[{"op": "add"}],
        flags=[], change_date=dt.date(2026, 10, 1), submitted_at=timezone.now(), return_count=2, sms_failed=True)


def test_an_instance_from_a_row_equals_the_orm_instance(order):
    table = Table(Order, "o")
    row = hot_fetch(f'SELECT {table.select} FROM "orders_order" "o" WHERE "o"."id" = %s', [order.pk], one=True)
    built = table.instance(row)
    assert _values(built) == _values(Order.objects.get(pk=order.pk))
    assert built.proposed["entity"]["name"] == "杭州示例科技有限公司"  # JSON comes back as objects, not text
    assert isinstance(built.submitted_at, dt.datetime) and built.submitted_at.tzinfo is not None
    assert built._state.adding is False


def test_the_order_lock_loads_order_province_and_applicant_in_one_statement(order, applicant):
    with CaptureQueriesContext(connection) as ctx:
        locked = _lock_order(order.pk)
        assert locked.province.code == "330000" and locked.applicant.username == applicant.username
    assert len(ctx.captured_queries) == 1
    assert _values(locked) == _values(Order.objects.get(pk=order.pk))
    assert _values(locked.applicant) == _values(type(applicant).objects.get(pk=applicant.pk))
    order.province = None
    order.save()
    assert _lock_order(order.pk).province is None


def test_hot_update_and_insert_write_what_save_writes(order, reviewer):
    order.state, order.flags, order.claimed_by, order.due_at = "provider_review", [{"field": "x"}], reviewer, None
    with transaction.atomic():
        hot_update(order)
    assert _values(Order.objects.get(pk=order.pk)) == _values(order)
    history = hot_insert(OrderHistory(order=order, event="claim", from_state="a", to_state="b", actor=reviewer,
                                      data={"k": ["v"]}))
    assert history.pk is not None and history.at is not None  # auto_now_add as in save()
    assert _values(OrderHistory.objects.get(pk=history.pk)) == _values(history)


def test_update_and_insert_together_write_both_rows(order, reviewer):
    order.state, order.claimed_by = "provider_review", reviewer
    with CaptureQueriesContext(connection) as ctx, transaction.atomic():
        history = hot_update_insert(order, OrderHistory(order=order, event="claim", from_state="draft",
                                                        to_state="provider_review", actor=reviewer))
    writes = [q for q in ctx.captured_queries if q["sql"].startswith(("UPDATE", "INSERT", "WITH"))]
    assert len(writes) == (1 if connection.vendor == "postgresql" else 2)
    assert _values(Order.objects.get(pk=order.pk)) == _values(order)
    assert _values(OrderHistory.objects.get(pk=history.pk)) == _values(history) and history.order_id == order.pk


def test_a_failing_write_in_a_transaction_raises_djangos_error(order):
    OrderLock.objects.create(key="domain:example.cn", order=order)
    with pytest.raises(IntegrityError), transaction.atomic():
        hot_insert(OrderLock(key="domain:example.cn", order=order))
    assert OrderLock.objects.filter(key="domain:example.cn").count() == 1


def test_a_tracked_order_writes_only_what_changed(order, reviewer):
    """The order lock tracks what it loaded: the transition's UPDATE names the changed columns, a JSON value changed
    in place counts as changed, and a column it did not change keeps what the row holds."""
    with transaction.atomic():
        locked = _lock_order(order.pk)
        # Written behind the instance's back: an update of every column would put the loaded value back.
        Order.objects.filter(pk=order.pk).update(rules_version="elsewhere")
        locked.state, locked.claimed_by = "provider_review", reviewer
        locked.proposed["entity"]["name"] = "杭州改名科技有限公司"  # in place
        with CaptureQueriesContext(connection) as ctx:
            hot_update_insert(locked, OrderHistory(order=locked, event="claim", from_state="draft",
                                                   to_state="provider_review", actor=reviewer))
    update = next(q["sql"] for q in ctx.captured_queries if 'UPDATE "orders_order"' in q["sql"])
    assert '"state"' in update and '"claimed_by_id"' in update and '"proposed"' in update
    assert '"diff"' not in update and '"findings"' not in update and '"rules_version"' not in update
    saved = Order.objects.get(pk=order.pk)
    assert (saved.state, saved.claimed_by_id, saved.rules_version) == ("provider_review", reviewer.pk, "elsewhere")
    assert saved.proposed["entity"]["name"] == "杭州改名科技有限公司" and saved.diff == [{"op": "add"}]


def test_deferred_columns_load_when_used_and_are_written_only_when_set(order, reviewer):
    """The lock leaves the bulky JSON columns unread (orders.locks.BULKY / CONTENT): reading one loads it (one query,
    what the row holds), the snapshot of the others stays, and the UPDATE names a deferred column only if it was set
    or loaded."""
    from beian.orders.locks import CONTENT

    Order.objects.filter(pk=order.pk).update(findings=[{"code": "X"}], returned_state={"entity": {"n": 0}})
    with transaction.atomic():
        with CaptureQueriesContext(connection) as read:
            locked = _lock_order(order.pk, defer=CONTENT)
        select = read.captured_queries[0]["sql"]
        assert '"findings"' not in select and '"proposed"' not in select and '"state"' in select
        with CaptureQueriesContext(connection) as lazy:
            assert locked.findings == [{"code": "X"}]
        assert len(lazy.captured_queries) == 1
        Order.objects.filter(pk=order.pk).update(rules_version="elsewhere", diff=[{"op": "elsewhere"}])
        locked.state, locked.returned_state = "provider_review", {"entity": {"n": 2}}
        with CaptureQueriesContext(connection) as ctx:
            hot_update(locked)
    update = next(q["sql"] for q in ctx.captured_queries if q["sql"].startswith("UPDATE"))
    assert '"state"' in update and '"returned_state"' in update and '"findings"' in update
    assert '"rules_version"' not in update and '"diff"' not in update and '"proposed"' not in update
    saved = Order.objects.get(pk=order.pk)
    assert (saved.state, saved.returned_state, saved.findings) == ("provider_review", {"entity": {"n": 2}},
                                                                   [{"code": "X"}])
    assert (saved.rules_version, saved.diff) == ("elsewhere", [{"op": "elsewhere"}])  # not written back


def test_a_second_save_or_an_orm_save_writes_every_column(order):
    with transaction.atomic():
        locked = _lock_order(order.pk)
        locked.state = "provider_review"
        hot_update(locked)
        Order.objects.filter(pk=order.pk).update(rules_version="elsewhere")
        hot_update(locked)  # the snapshot is spent: every column again
    assert Order.objects.get(pk=order.pk).rules_version == ""
    with transaction.atomic():
        locked = _lock_order(order.pk)
        locked.save()
        assert "_hot_loaded" not in locked.__dict__
    with transaction.atomic():
        locked = _lock_order(order.pk)
        with CaptureQueriesContext(connection) as ctx:
            hot_update(locked)  # nothing changed: nothing written
    assert not [q for q in ctx.captured_queries if q["sql"].startswith("UPDATE")]


def test_plain_columns_skip_preparation_and_others_do_not(order, reviewer):
    """Strings, integers and booleans (foreign keys too) are sent as they are; anything else — JSON, dates, a value of
    another type — goes through the field's own preparation, so the row written is the same."""
    from beian.core.hotsql import _db_values

    fields = [Order._meta.get_field(n) for n in ("state", "return_count", "sms_failed", "claimed_by", "proposed",
                                                 "due_at")]
    order.claimed_by, order.due_at = reviewer, timezone.now()
    order.return_count = "3"  # not an int: prepared (int("3")) as Django would
    values = _db_values(order, fields, connection, add=False)
    expected = [f.get_db_prep_save(f.pre_save(order, False), connection) for f in fields]
    assert values[:4] == ["draft", 3, True, reviewer.pk] == expected[:4]
    assert str(values[4]) == str(expected[4]) and values[5] == expected[5]
    # A naive datetime is still prepared as Django does (made aware, with its warning), whatever the database.
    order.due_at = dt.datetime(2026, 12, 1, 8, 0)
    with pytest.warns(RuntimeWarning, match="naive datetime"):
        naive = _db_values(order, fields[5:], connection, add=False)[0]
    with pytest.warns(RuntimeWarning, match="naive datetime"):
        assert naive == fields[5].get_db_prep_save(order.due_at, connection)


def test_a_batch_runs_in_order_and_returns_rows_or_counts(order, reviewer):
    """``hot_batch``: the statements run in the order given (the update sees nothing of the insert after it), an
    INSERT … RETURNING gives its rows, a write its count — one pipeline on PostgreSQL, the same answers on SQLite."""
    from beian.core.hotsql import hot_batch, insert_statement, inserted

    lock = OrderLock(key="domain:batch.cn", order=order)
    with transaction.atomic():
        touched, rows, missing = hot_batch([
            ('UPDATE "orders_orderlock" SET "key" = %s WHERE "order_id" = %s', ["domain:other.cn", order.pk]),
            insert_statement(lock),
            ('SELECT "key" FROM "orders_orderlock" WHERE "key" = %s', ["domain:none.cn"])])
        inserted(lock, rows)
    assert touched == 0 and missing == [] and lock.pk is not None
    assert OrderLock.objects.get(pk=lock.pk).key == "domain:batch.cn"
    with pytest.raises(IntegrityError), transaction.atomic():  # a failing statement fails the whole batch
        hot_batch([insert_statement(OrderLock(key="domain:new.cn", order=order)),
                   insert_statement(OrderLock(key="domain:batch.cn", order=order))])
    assert not OrderLock.objects.filter(key="domain:new.cn").exists()


def test_rows_from_dicts_are_written_as_bulk_create_writes_instances(order, applicant):
    """``rows_insert_statement``: the outbox's rows from plain dicts — defaults for what a row leaves out (a callable
    default called per row), auto-now fields set, JSON and datetimes prepared — equal the rows ``bulk_create`` writes
    from instances; ``ignore_conflicts`` skips a row whose unique key is taken."""
    from beian.core.hotsql import hot_execute, rows_insert_statement
    from beian.notify.models import Outbox

    due = timezone.now() - dt.timedelta(minutes=5)
    common = {"channel": "inbox", "event": "order_submitted", "order_id": order.pk, "next_attempt_at": due}
    Outbox.objects.bulk_create([Outbox(**common, recipient=applicant, payload={"context": {"a": "甲"}},
                                       idempotency_key="orm"),
                                Outbox(**common, address="13800000000", idempotency_key="orm-2")])
    before = timezone.now()
    rows = [{**common, "recipient_id": applicant.pk, "payload": {"context": {"a": "甲"}}, "idempotency_key": "dict"},
            {**common, "address": "13800000000", "idempotency_key": "dict-2"},
            {**common, "idempotency_key": "orm"}]  # taken: skipped
    assert hot_execute(*rows_insert_statement(Outbox, rows, ignore_conflicts=True)) == 2
    written = {o.idempotency_key: o for o in Outbox.objects.filter(order=order)}
    assert len(written) == 4
    skip = {"id", "idempotency_key", "created_at", "updated_at"}
    for orm, mine in (("orm", "dict"), ("orm-2", "dict-2")):
        assert ({k: v for k, v in _values(written[orm]).items() if k not in skip}
                == {k: v for k, v in _values(written[mine]).items() if k not in skip})
        assert written[mine].created_at == written[mine].updated_at >= before
    assert written["dict-2"].payload == {} and written["dict"].payload["context"]["a"] == "甲"
    assert written["dict"].status == "pending" and written["dict"].attempts == 0 and written["dict"].sent_at is None
