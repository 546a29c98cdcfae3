"""Hot-path SQL: one statement on the driver's own cursor, prepared once per connection on PostgreSQL.

For the few statements that run thousands of times a second (the public lookup, the rate-limit counter), Django's
cursor wrapper and — far more — PostgreSQL's planning cost more than the statement itself: a three-table lookup join
plans in ≈ 270 µs of server CPU and executes in ≈ 100 µs (docs/lookup.md, measured). So these statements are sent
as *prepared* statements (psycopg's ``prepare=True`` on a server-side binding cursor; Django's own cursors bind on
the client and cannot be prepared), with ``%s`` placeholders; lists go as one array parameter (``= ANY(%s)``) so
that one statement serves every length. On SQLite the placeholders become ``?`` and the raw sqlite3 cursor runs it.

The fast path is taken only when nobody observes queries (no ``DEBUG`` query log, no execute wrappers — tests that
count queries see the ordinary path) and the connection is open and healthy; any error retries through Django,
which reports and wraps it as usual.
"""

from __future__ import annotations

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections


def _sqlite_sql(sql: str, params: list, mark: str = "?") -> tuple[str, list]:
    """``= ANY(%s)`` with a list → ``IN (?, ?, …)``; ``%s`` → ``?`` (or ``mark``: Django's cursor wants ``%s``)."""
    parts = sql.split("%s")
    out, flat = parts[0], []
    for value, tail in zip(params, parts[1:], strict=True):
        if isinstance(value, (list, tuple)) and out.endswith("= ANY("):
            out = out[: -len("= ANY(")] + "IN (" + ",".join([mark] * len(value))
            flat.extend(value)
        else:
            out += mark
            flat.append(value)
        out += tail
    return out, flat


def _fast_cursor(conn):
    """A cursor on the driver's connection, or None when the ordinary path must be taken."""
    if conn.connection is None or conn.queries_logged or conn.execute_wrappers or conn.needs_rollback:
        return None
    if conn.vendor == "postgresql":
        import psycopg

        raw = conn.connection
        if raw.prepare_threshold is None and getattr(settings, "BEIAN_DB_PREPARED", True):
            raw.prepare_threshold = 2**31 - 1  # Django turned preparing off: prepare only what asks (prepare=True)
        return psycopg.Cursor(raw)  # server-side binding: can be prepared (Django's client-side cursors cannot)
    return conn.connection.cursor()


def hot_fetch(sql: str, params: list, *, alias: str = DEFAULT_DB_ALIAS, one: bool = False):
    """Run ``sql`` (``%s`` placeholders, ``= ANY(%s)`` for a list) and return all rows (or the first, ``one``)."""
    conn = connections[alias]
    cursor = _fast_cursor(conn)
    if cursor is not None:
        try:
            try:
                if conn.vendor == "postgresql":
                    cursor.execute(sql, params, prepare=getattr(settings, "BEIAN_DB_PREPARED", True))
                else:
                    cursor.execute(*_sqlite_sql(sql, params))
                return cursor.fetchone() if one else cursor.fetchall()
            finally:
                cursor.close()
        except Exception:  # noqa: BLE001 - retried below through Django, which raises it properly
            if conn.vendor == "postgresql" and not conn.in_atomic_block:
                conn.connection.rollback()  # autocommit is on outside atomic blocks; this only clears a failed state
    if conn.vendor == "sqlite":
        sql, params = _sqlite_sql(sql, params, mark="%s")
    with conn.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone() if one else cursor.fetchall()
