"""Row locks on orders: every transition starts by locking its order (``SELECT … FOR UPDATE``).

One prepared statement (core.hotsql) loads the order with its province and applicant — the clocks and the
notifications read them — and locks only the order row (``OF "o"`` on PostgreSQL; SQLite's write transaction
serialises anyway). It runs in every transition, so it is built once and planned once per connection.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

from django.contrib.auth import get_user_model
from django.db import connection

from beian.core.hotsql import Table, hot_fetch
from beian.orders.models import Order
from beian.registry.models import Province

PROVINCE = Table(Province, "p")

# Columns a transition may leave unread (a few KB of JSON per order, decoded on every lock): the findings and the
# state before a return are read only by the (re)submission and the order's pages; claiming and the SMS check read
# none of the filing's content either. Left out of the lock's SELECT, they are loaded when first used.
BULKY = ("findings", "returned_state")
CONTENT = ("proposed", "diff", *BULKY)


@functools.cache
def order_table(defer: tuple[str, ...] = ()) -> Table:
    """The order's columns as the lock reads them, without ``defer`` (tracked: see ``Table``)."""
    return Table(Order, "o", track=True, defer=defer)


@functools.cache
def _sql(where: str, vendor: str, for_update_of: bool, defer: tuple[str, ...] = ()) -> tuple[str, Table]:
    applicant = Table(get_user_model(), "u")
    columns = f"{order_table(defer).select}, {PROVINCE.select}, {applicant.select}"
    sql = (f'SELECT {columns} FROM "{Order._meta.db_table}" "o" '
           f'LEFT JOIN "{Province._meta.db_table}" "p" ON "p"."id" = "o"."province_id" '
           f'INNER JOIN "{applicant.model._meta.db_table}" "u" ON "u"."id" = "o"."applicant_id" WHERE {where} '
           'ORDER BY "o"."id"')
    return sql + (' FOR UPDATE OF "o"' if for_update_of else ""), applicant


def lock_statement(where: str, params: Sequence, *, defer: tuple[str, ...] = BULKY) -> tuple[str, list]:
    """The statement ``orders_locked(where, params, defer=…)`` runs, as (sql, params): to send it ahead with the
    transition's first reads (core.hotsql.hot_prefetch — and the transaction's BEGIN, in one round trip)."""
    return _sql(where, connection.vendor, connection.features.has_select_for_update_of, defer)[0], list(params)


def order_lock_statement(order_id: int, *, defer: tuple[str, ...] = BULKY) -> tuple[str, list]:
    """``lock_statement`` of ``order_locked(order_id, defer=…)``."""
    return lock_statement('"o"."id" = %s', [order_id], defer=defer)


def orders_locked(where: str, params: Sequence, *, defer: tuple[str, ...] = BULKY) -> list[Order]:
    """The orders matching ``where`` (SQL on the alias ``"o"``, ``%s`` placeholders), locked in id order (two
    transactions locking the same orders cannot deadlock), each with its province and applicant loaded.
    ``defer``: columns left unread until used (``BULKY`` by default; ``()`` reads every one)."""
    sql, applicant = _sql(where, connection.vendor, connection.features.has_select_for_update_of, defer)
    table = order_table(defer)
    out = []
    for row in hot_fetch(sql, list(params)):
        order = table.instance(row)
        at = len(table)
        Order.province.field.set_cached_value(order, PROVINCE.instance(row, at) if row[at] is not None else None)
        Order.applicant.field.set_cached_value(order, applicant.instance(row, at + len(PROVINCE)))
        out.append(order)
    return out


def order_locked(order_id: int, *, also: str = "", params: Sequence = (),
                 defer: tuple[str, ...] = BULKY) -> Order | None:
    """The order, locked (None: no such order, or it does not meet ``also``, more SQL on ``"o"`` with ``params``)."""
    found = orders_locked('"o"."id" = %s' + (f" AND {also}" if also else ""), [order_id, *params], defer=defer)
    return found[0] if found else None
