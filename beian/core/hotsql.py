"""Hot-path SQL: one statement on the driver's own cursor, prepared once per connection on PostgreSQL.

For the few statements that run thousands of times a second (the public lookup, the rate-limit counter), Django's
cursor wrapper and — far more — PostgreSQL's planning cost more than the statement itself: a three-table lookup join
plans in ≈ 270 µs of server CPU and executes in ≈ 100 µs (docs/lookup.md, measured). So these statements are sent
as *prepared* statements (psycopg's ``prepare=True`` on a server-side binding cursor; Django's own cursors bind on
the client and cannot be prepared), with ``%s`` placeholders; lists go as one array parameter (``= ANY(%s)``) so
that one statement serves every length. On SQLite the placeholders become ``?`` and the raw sqlite3 cursor runs it.

The fast path is taken only when nobody observes queries (no ``DEBUG`` query log, no execute wrappers — tests that
count queries see the ordinary path) and the connection is open and healthy. Outside a transaction any error
retries through Django, which reports and wraps it as usual; inside one (where the failed statement has already
aborted the transaction on PostgreSQL) the error is raised at once, wrapped as Django wraps it.

The workflow's fixed part (the order row lock, the order update, the history and outbox inserts) runs on the same
path: ``Table`` lists a model's concrete columns and turns a row back into a model instance with the converters
Django's compiler would apply, ``hot_update`` / ``hot_insert`` write an instance as ``Model.save`` would (auto-now
fields included; no model signals — these models have none). Building the ORM's SQL costs ≈ 0.3–0.9 ms of Python per
statement, running a prepared one ≈ 0.1 ms (docs/bench.md, "Fourth round").

A round trip costs ≈ 35 µs of client CPU and ≈ 30 µs of the server's whatever the statement. So on PostgreSQL
statements that need no other's result share one (a pipeline): ``hot_batch`` runs them in order and returns each
one's rows or count; ``hot_prefetch`` sends reads ahead and lets ``hot_fetch`` answer them from their rows (a rule
run's checks, a transition's lock with its first read). Elsewhere, or where queries are observed, they run one by one
as before (docs/bench.md, "Fifth round").

On PostgreSQL with prepared statements (``BEIAN_DB_PREPARED``) the statements are sent on libpq directly (``_Lean``,
through psycopg's ``pq`` layer and its adapters) rather than through psycopg's cursor: its pipeline costs ≈ 70 µs of
client CPU plus ≈ 15 µs a statement, this one ≈ 35 µs plus ≈ 3 µs, and the transaction's BEGIN goes with its first
statement instead of in a round trip of its own (docs/bench.md, "Seventh round": ≈ 20 % less CPU per order).
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable, Sequence
from contextlib import contextmanager
from contextvars import ContextVar

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


def _fast_raw(conn):
    """The driver's connection when the fast path may be taken, else None."""
    if conn.connection is None or conn.queries_logged or conn.execute_wrappers or conn.needs_rollback:
        return None
    raw = conn.connection
    if conn.vendor == "postgresql" and raw.prepare_threshold is None and getattr(settings, "BEIAN_DB_PREPARED", True):
        raw.prepare_threshold = 2**31 - 1  # Django turned preparing off: prepare only what asks (prepare=True)
    return raw


def _fast_cursor(conn, raw):
    """A cursor on the driver's connection ``raw`` (``_fast_raw``) for psycopg's or sqlite3's own path."""
    if conn.vendor == "postgresql":
        # Server-side binding: can be prepared (Django's client-side cursors cannot). One per connection, used again
        # (each statement's rows are fetched before the next runs): making a cursor costs as much as running one.
        cursor = conn.__dict__.get("_hot_cursor")
        if cursor is None or cursor.connection is not raw or cursor.closed:
            import psycopg

            cursor = conn._hot_cursor = psycopg.Cursor(raw)
        return cursor
    return raw.cursor()


def _run(sql: str, params: Sequence, alias: str, fetch):
    """Run one statement and return ``fetch(cursor)`` — on the fast path when possible (libpq directly, else the
    driver's cursor), else on Django's cursor."""
    conn = connections[alias]
    raw = _fast_raw(conn)
    if raw is not None:
        try:
            lean = _lean(conn) if conn.vendor == "postgresql" else None
            if lean is not None:
                return fetch(lean.run([(sql, params)])[0])
            cursor = _fast_cursor(conn, raw)
            try:
                if conn.vendor == "postgresql":
                    cursor.execute(sql, params, prepare=getattr(settings, "BEIAN_DB_PREPARED", True))
                else:
                    cursor.execute(*_sqlite_sql(sql, params))
                return fetch(cursor)
            finally:
                if conn.vendor != "postgresql":
                    cursor.close()
        except Exception:  # noqa: BLE001 - raised wrapped inside a transaction, retried through Django outside
            if conn.in_atomic_block:
                with conn.wrap_database_errors:
                    raise
            if conn.vendor == "postgresql":
                conn.connection.rollback()  # autocommit is on outside atomic blocks; this only clears a failed state
    if conn.vendor == "sqlite":
        sql, params = _sqlite_sql(sql, params, mark="%s")
    with conn.cursor() as cursor:
        cursor.execute(sql, params)
        return fetch(cursor)


def hot_fetch(sql: str, params: Sequence, *, alias: str = DEFAULT_DB_ALIAS, one: bool = False):
    """Run ``sql`` (``%s`` placeholders, ``= ANY(%s)`` for a list) and return all rows (or the first, ``one``).
    Inside ``hot_prefetch`` a statement it ran already is answered from its rows (once)."""
    store = _PREFETCHED.get()
    if store is not None:
        rows = store.pop((alias, sql, _params_key(params)), None)
        if rows is not None:
            return (rows[0] if rows else None) if one else rows
    return _run(sql, params, alias, (lambda c: c.fetchone()) if one else (lambda c: c.fetchall()))


_PREFETCHED: ContextVar[dict | None] = ContextVar("beian_hot_prefetched", default=None)


def _params_key(params: Sequence) -> tuple:
    return tuple(tuple(p) if isinstance(p, list) else p for p in params)


class _Lean:
    """Statements sent on libpq directly (psycopg's ``pq`` layer), for the fast path on PostgreSQL.

    psycopg's cursor costs ≈ 45 µs of client CPU a round trip, and its pipeline ≈ 70 µs plus ≈ 15 µs a statement —
    it flushes and polls the socket after every statement. Sent here, a round trip costs ≈ 35 µs and each further
    statement in it ≈ 3 µs (docs/bench.md, seventh round), so a transition's statements go together even when few:
    and the transaction's BEGIN goes with its first statement instead of in a round trip of its own.

    Parameters and rows are converted by psycopg's ``Transformer`` with the connection's adapters (as its cursor
    does: the same values either way); statements are prepared by name on first use, per parameter types, as psycopg
    prepares them (``_beian_N``: apart from psycopg's own). Results are text, as a client-side cursor's. One per
    connection (``_lean``), made again when Django opens a new one.
    """

    __slots__ = ("raw", "pg", "tx", "prepared", "count", "encoding", "poll_in", "poll_out", "idle", "ok", "pending")

    def __init__(self, raw):
        import select

        from psycopg import pq
        from psycopg.adapt import Transformer

        self.raw, self.pg, self.tx = raw, raw.pgconn, Transformer(raw)
        self.prepared: dict[tuple, bytes] = {}  # (query, parameter types) → name
        self.count = 0
        self.encoding = raw.info.encoding
        self.poll_in, self.poll_out = select.poll(), select.poll()
        self.poll_in.register(self.pg.socket, select.POLLIN)
        self.poll_out.register(self.pg.socket, select.POLLIN | select.POLLOUT)
        self.idle, self.ok = pq.TransactionStatus.IDLE, pq.ConnStatus.OK
        self.pending: list[tuple[str, Sequence]] = []  # hot_later's writes, sent with the next run

    def run(self, statements: Sequence[tuple[str, Sequence]], *, commit: bool = False) -> list[_LeanResult]:
        """Each statement's result, all sent in one pipeline: with a BEGIN first when the connection is not in
        autocommit mode and no transaction is open (psycopg would have sent one), then ``hot_later``'s pending
        writes, then ``statements``, then a COMMIT with ``commit``. The first error is raised, as psycopg raises
        it, after the pipeline is read to its end (the commands after it did not run)."""
        from psycopg import errors
        from psycopg.pq import ExecStatus

        pg, tx = self.pg, self.tx
        commands = []  # per command sent: (statement's key, prepared name, is the statement's execution)
        naming: dict[tuple, bytes] = {}  # statements prepared in this pipeline (one may come twice)
        later, self.pending = self.pending, []
        pg.enter_pipeline_mode()
        try:
            try:
                if not self.raw.autocommit and pg.transaction_status == self.idle:
                    pg.send_query_params(b"BEGIN", None)
                    commands.append((None, None, False))
                for sql, params in (*later, *statements) if later else statements:
                    query, formats = _pg_query(sql)
                    data = tx.dump_sequence(params, formats) if formats else ()
                    types = tx.types if formats else ()
                    key = (query, types)
                    name = self.prepared.get(key) or naming.get(key)
                    if name is None:
                        self.count += 1
                        name = naming[key] = f"_beian_{self.count}".encode()
                        pg.send_prepare(name, query, param_types=types)
                        commands.append((key, name, False))
                    pg.send_query_prepared(name, data, param_formats=tx.formats if formats else None)
                    commands.append((key, name, True))
                if commit:
                    pg.send_query_params(b"COMMIT", None)
                    commands.append((None, None, False))
            finally:  # also after a parameter that could not be converted: what was sent is read to its end
                if pg.status == self.ok:
                    pg.pipeline_sync()
                    self._flush()
                    results = self._read()
        finally:
            if pg.status == self.ok:
                pg.exit_pipeline_mode()
        out, error = [], None
        for (key, name, is_statement), res in zip(commands, results, strict=True):  # one result per command
            status = res.status
            if status == ExecStatus.FATAL_ERROR and error is None:
                error = errors.error_from_result(res, encoding=self.encoding)
            if is_statement:
                out.append(_LeanResult(res, tx))
            elif key is not None and status == ExecStatus.COMMAND_OK:
                self.prepared[key] = name
        if error is not None:
            raise error
        return out[len(later):] if later else out

    def _flush(self) -> None:
        pg = self.pg
        while pg.flush():
            for _fd, events in self.poll_out.poll():
                if events & 1:  # POLLIN: read what the server sends while we write, or it may stop reading
                    pg.consume_input()

    def _read(self) -> list:
        """The results up to the pipeline's end (its sync)."""
        from psycopg.pq import ExecStatus

        pg, results = self.pg, []
        while True:
            while pg.is_busy():
                self.poll_in.poll()
                pg.consume_input()
            res = pg.get_result()
            if res is None:  # between two commands' results
                continue
            if res.status == ExecStatus.PIPELINE_SYNC:
                return results
            results.append(res)


class _LeanResult:
    """A statement's result as the fast path reads a cursor: ``fetchall``/``fetchone``, ``rowcount``, ``pgresult``."""

    __slots__ = ("pgresult", "rows", "rowcount")

    def __init__(self, res, tx):
        from psycopg.pq import ExecStatus

        self.pgresult = res
        self.rows = None
        if res.status == ExecStatus.TUPLES_OK:
            tx.set_pgresult(res)
            self.rows = tx.load_rows(0, res.ntuples, tuple)
        self.rowcount = res.command_tuples if res.command_tuples is not None else -1

    def fetchall(self) -> list:
        return self.rows if self.rows is not None else []

    def fetchone(self):
        return self.rows[0] if self.rows else None


_PG_QUERIES: dict[str, tuple[bytes, list]] = {}


def _pg_query(sql: str) -> tuple[bytes, list]:
    """``sql`` with ``%s`` → ``$1, $2, …`` (``%%`` → ``%``) as psycopg converts it, and the parameters' formats."""
    query = _PG_QUERIES.get(sql)
    if query is None:
        from psycopg.adapt import PyFormat

        parts = sql.split("%s")
        text = parts[0] + "".join(f"${i}{part}" for i, part in enumerate(parts[1:], 1))
        query = _PG_QUERIES[sql] = (text.replace("%%", "%").encode(), [PyFormat.AUTO] * (len(parts) - 1))
    return query


def _lean(conn) -> _Lean | None:
    """The connection's ``_Lean`` when statements are prepared (else psycopg's cursor runs them unprepared)."""
    if not getattr(settings, "BEIAN_DB_PREPARED", True):
        return None
    raw = conn.connection
    if raw._pipeline is not None:  # psycopg's own pipeline is open: leave the connection to it
        return None
    lean = conn.__dict__.get("_hot_lean")
    if lean is None or lean.raw is not raw:
        lean = conn._hot_lean = _Lean(raw)
    return lean


def _result(cursor):
    """The rows of a statement with a result set, else the number of rows it touched."""
    pgresult = getattr(cursor, "pgresult", _SQLITE)
    if pgresult is _SQLITE:
        return cursor.fetchall() if cursor.description is not None else cursor.rowcount
    # psycopg's ``description`` builds a Column object per column on every call: the result's status says as much.
    from psycopg.pq import ExecStatus

    has_rows = pgresult is not None and pgresult.status in (ExecStatus.TUPLES_OK, ExecStatus.SINGLE_TUPLE)
    return cursor.fetchall() if has_rows else cursor.rowcount


_SQLITE = object()


def hot_batch(statements: Sequence[tuple[str, Sequence]], *, alias: str = DEFAULT_DB_ALIAS) -> list:
    """Run ``statements`` in order — none needs another's result — and return each one's rows (a statement with a
    result set, e.g. ``INSERT … RETURNING``) or the number of rows it touched: on PostgreSQL's fast path, inside a
    transaction (a failure fails all of it), in one pipeline — one round trip instead of one each."""
    conn = connections[alias]
    if len(statements) > 1 and conn.vendor == "postgresql" and conn.in_atomic_block and _fast_raw(conn) is not None:
        return _pipeline(list(statements), alias)
    return [_run(sql, params, alias, _result) for sql, params in statements]


def _pipeline(statements: list[tuple[str, Sequence]], alias: str) -> list:
    """Each statement's ``_result``, all sent in one psycopg pipeline (the caller checked the fast path)."""
    import psycopg

    conn = connections[alias]
    raw = conn.connection
    prepare = getattr(settings, "BEIAN_DB_PREPARED", True)
    cursors = []
    try:
        lean = _lean(conn)
        if lean is not None:
            return [_result(r) for r in lean.run(statements)]
        with raw.pipeline():
            for sql, params in statements:
                cursors.append(psycopg.Cursor(raw))
                cursors[-1].execute(sql, params, prepare=prepare)
        return [_result(c) for c in cursors]
    except Exception:  # noqa: BLE001 - as in _run: wrapped inside a transaction, retried one by one outside
        if conn.in_atomic_block:
            with conn.wrap_database_errors:
                raise
        raw.rollback()
        return [_run(sql, params, alias, _result) for sql, params in statements]
    finally:
        for c in cursors:
            c.close()


@contextmanager
def hot_prefetch(statements: Iterable[tuple[str, Sequence]], *, alias: str = DEFAULT_DB_ALIAS):
    """Run the independent reads ``statements`` ((sql, params) pairs) now, together, and let each ``hot_fetch`` of
    the same statement inside the block take its rows instead of asking the database again (each once; anything
    else is asked as usual). For a block that only reads — its answers are those of the moment it began. A rule
    run reads this way (rules.engine): the checks' statements in one round trip."""
    conn = connections[alias]
    if conn.vendor != "postgresql" or _fast_raw(conn) is None:
        # Nothing to gain without a round trip to save (SQLite) or where queries are observed: each read is made
        # where it is asked, as without the block.
        yield
        return
    unique: dict[tuple, tuple[str, Sequence]] = {}
    for sql, params in statements:
        unique.setdefault((alias, sql, _params_key(params)), (sql, params))
    store = dict(zip(unique, _pipeline(list(unique.values()), alias), strict=True)) if len(unique) > 1 else {}
    token = _PREFETCHED.set(store)
    try:
        yield
    finally:
        _PREFETCHED.reset(token)


def hot_later(statements: Sequence[tuple[str, Sequence]], *, alias: str = DEFAULT_DB_ALIAS) -> None:
    """Writes that need no result, sent with the transaction's next statement or with its COMMIT instead of in a
    round trip of their own (≈ 60 µs of CPU each: the outbox rows of an event, the SMS stage's codes, the bureau
    approval's version row) — on PostgreSQL's fast path inside a transaction, with ``beian.core.postgresql`` (whose
    cursors and COMMIT send them first, and whose rollback drops them); elsewhere, or where queries are observed,
    they run at once, in order. Only for writes that do not fail in normal operation (an insert that skips a
    conflict, an update by key): an error would be raised by the statement they travel with."""
    conn = connections[alias]
    if (getattr(conn, "hot_later_flushed", False) and conn.in_atomic_block and statements
            and _fast_raw(conn) is not None):
        lean = _lean(conn)
        if lean is not None:
            lean.pending.extend(statements)
            return
    hot_batch(statements, alias=alias)


def hot_execute(sql: str, params: Sequence, *, alias: str = DEFAULT_DB_ALIAS) -> int:
    """Run a write without a result set; returns the number of rows it touched."""
    return _run(sql, params, alias, lambda c: c.rowcount)


class Table:
    """A model's concrete columns, as ``<alias>."<column>", …`` for a SELECT, and the way back to an instance.

    ``instance(row, start)`` reads ``len(table)`` values from ``row[start:]``, applies the backend's and the fields'
    converters (JSON text → objects, SQLite's text → datetimes, …) and calls ``Model.from_db``: the instance equals
    what the ORM would have loaded.

    ``defer``: field names left out of the SELECT; the instance reads them from the database when they are first
    used, as after ``QuerySet.defer``.

    ``track=True``: the instance remembers what was loaded, and ``hot_update`` / ``hot_update_insert`` without
    ``fields`` then write only the columns that differ (and deferred ones that were set or read since) — an order
    row carries ≈ 3 KB of JSON that most transitions do not touch, and rewriting it costs a JSON encode here and a
    ``jsonb`` parse and compression on the server."""

    def __init__(self, model, alias: str = "", *, track: bool = False, defer: Sequence[str] = ()):
        self.model = model
        # ``defer``: columns not selected; the instance loads them when first read (Django's deferred fields).
        self.deferred = [f for f in model._meta.concrete_fields if f.name in defer]
        self.fields = [f for f in model._meta.concrete_fields if f.name not in defer]
        self.track = track
        # JSON columns are compared by their loaded text (decoded again when saving): the decoded objects are
        # mutable, and a service may change them in place.
        self.json_at = [i for i, f in enumerate(self.fields) if f.get_internal_type() == "JSONField"]
        self.prefix = f'"{alias}".' if alias else ""
        self.select = ", ".join(f'{self.prefix}"{f.column}"' for f in self.fields)
        self.attnames = [f.attname for f in self.fields]
        self._converters: dict[str, list] = {}

    def __len__(self) -> int:
        return len(self.fields)

    def converters(self, alias: str = DEFAULT_DB_ALIAS) -> list:
        if alias not in self._converters:
            conn = connections[alias]
            out = []
            for i, field in enumerate(self.fields):
                col = field.get_col(self.model._meta.db_table)
                funcs = [*conn.ops.get_db_converters(col), *field.get_db_converters(conn)]
                if funcs:
                    out.append((i, col, funcs))
            self._converters[alias] = out
        return self._converters[alias]

    def instance(self, row: Sequence, start: int = 0, *, alias: str = DEFAULT_DB_ALIAS):
        values = list(row[start:start + len(self.fields)])
        raw = [values[i] for i in self.json_at] if self.track else None
        conn = connections[alias]
        for i, col, funcs in self.converters(alias):
            for func in funcs:
                values[i] = func(values[i], col, conn)
        obj = self.model.from_db(alias, self.attnames, values)
        if self.track:
            obj._hot_loaded = (self, values, raw)
        return obj

    def changed(self, instance, values: list, raw: list, conn) -> list[str]:
        """Names of the fields of ``instance`` that differ from what was loaded (auto-now fields always)."""
        json_raw = dict(zip(self.json_at, raw, strict=True))
        out = []
        for i, f in enumerate(self.fields):
            if f.primary_key:
                continue
            current = getattr(instance, f.attname)
            if i in json_raw:
                text = json_raw[i]
                same = current is None if text is None else f.from_db_value(text, None, conn) == current
            else:
                same = current == values[i]
            if not same or getattr(f, "auto_now", False):
                out.append(f.name)
        # A deferred column holds what the service set (or what was read when it was first used): write it.
        out.extend(f.name for f in self.deferred if f.attname in instance.__dict__)
        return out


def _plain_type(field, vendor: str):
    """The Python type whose values ``field`` sends to the database unchanged (``get_db_prep_save`` returns them
    as they are, ``pre_save`` only reads them), or None: those skip Django's preparation (a few µs a field, on every
    column of every write). Aware datetimes too on PostgreSQL (the driver takes them as they are; a naive one is
    still prepared — made aware, with Django's warning — and auto-now fields still set their time)."""
    from django.db import models

    plain = {models.CharField: str, models.TextField: str, models.IntegerField: int, models.BigIntegerField: int,
             models.SmallIntegerField: int, models.PositiveIntegerField: int, models.PositiveSmallIntegerField: int,
             models.BigAutoField: int, models.AutoField: int, models.BooleanField: bool}
    if type(field) is models.ForeignKey:
        field = field.target_field
    if (type(field) is models.DateTimeField and vendor == "postgresql" and settings.USE_TZ
            and not field.auto_now and not field.auto_now_add):
        return _DATETIME
    return plain.get(type(field))


_PLAIN: dict = {}
_DATETIME = _dt.datetime


def _db_values(instance, fields, conn, *, add: bool) -> list:
    out = []
    vendor = conn.vendor
    for f in fields:
        kind = _PLAIN.get((f, vendor), _PLAIN)
        if kind is _PLAIN:
            kind = _PLAIN[(f, vendor)] = _plain_type(f, vendor)
        if kind is not None:
            value = getattr(instance, f.attname)
            if _as_is(value, kind):
                out.append(value)
                continue
        out.append(f.get_db_prep_save(f.pre_save(instance, add), conn))
    return out


def _as_is(value, kind) -> bool:
    """Whether ``value`` goes to the database unchanged: None, or of the field's plain type (an aware datetime)."""
    return value is None or (type(value) is kind and (kind is not _DATETIME or value.tzinfo is not None))


def _dirty(instance, conn) -> list[str] | None:
    """The fields to write for an update without explicit ``fields``: those changed since a tracked load (once —
    the snapshot is dropped, so a second save writes every column), else None (every column)."""
    loaded = instance.__dict__.pop("_hot_loaded", None)
    if loaded is None:
        return None
    table, values, raw = loaded
    return table.changed(instance, values, raw, conn)


def _update_plan(instance, fields: Sequence[str] | None) -> tuple[str, list]:
    meta = instance._meta
    key = (type(instance), "update", None if fields is None else tuple(fields))
    plan = _SQL.get(key)
    if plan is None:
        chosen = [f for f in meta.concrete_fields if not f.primary_key and (fields is None or f.name in fields
                                                                            or f.attname in fields)]
        sql = (f'UPDATE "{meta.db_table}" SET ' + ", ".join(f'"{f.column}" = %s' for f in chosen)
               + f' WHERE "{meta.pk.column}" = %s')
        plan = _SQL[key] = (sql, chosen)
    return plan


def _insert_plan(instance) -> tuple[str, list]:
    meta = instance._meta
    key = (type(instance), "insert")
    plan = _SQL.get(key)
    if plan is None:
        fields = [f for f in meta.concrete_fields if not f.primary_key]
        sql = (f'INSERT INTO "{meta.db_table}" (' + ", ".join(f'"{f.column}"' for f in fields)
               + ") VALUES (" + ", ".join(["%s"] * len(fields)) + f') RETURNING "{meta.pk.column}"')
        plan = _SQL[key] = (sql, fields)
    return plan


def _inserted(instance, pk, alias: str):
    instance.pk = pk
    instance._state.adding = False
    instance._state.db = alias
    return instance


def hot_update(instance, fields: Sequence[str] | None = None, *, later: bool = False,
               alias: str = DEFAULT_DB_ALIAS) -> None:
    """``instance.save(update_fields=fields)`` of an existing row as one prepared UPDATE (every concrete column
    without ``fields`` — or those changed since a tracked load, see ``Table``; auto-now fields advance as in
    ``save``). ``later``: through ``hot_later``."""
    conn = connections[alias]
    if fields is None:
        fields = _dirty(instance, conn)
        if fields == []:
            return
    sql, chosen = _update_plan(instance, fields)
    statement = (sql, [*_db_values(instance, chosen, conn, add=False), instance.pk])
    if later:
        hot_later([statement], alias=alias)
    else:
        hot_execute(*statement, alias=alias)


def insert_statement(instance, *, alias: str = DEFAULT_DB_ALIAS) -> tuple[str, list]:
    """The INSERT … RETURNING of ``hot_insert`` as (sql, params), for ``hot_batch``; then ``inserted``."""
    sql, fields = _insert_plan(instance)
    return sql, _db_values(instance, fields, connections[alias], add=True)


def inserted(instance, rows, *, alias: str = DEFAULT_DB_ALIAS):
    """Set the primary key of an instance written by ``insert_statement`` from its statement's rows."""
    return _inserted(instance, rows[0][0], alias)


def hot_insert(instance, *, alias: str = DEFAULT_DB_ALIAS):
    """``instance.save()`` of a new row (auto primary key) as one prepared INSERT … RETURNING; sets the pk."""
    return _inserted(instance, hot_fetch(*insert_statement(instance, alias=alias), alias=alias, one=True)[0], alias)


def hot_update_insert(instance, new, *, before: Sequence[tuple[str, Sequence]] = (), alias: str = DEFAULT_DB_ALIAS):
    """``hot_update(instance)`` then ``hot_insert(new)`` (a row and the history row of its change): on PostgreSQL
    one statement, the update as a data-modifying ``WITH`` in front of the insert; elsewhere two. Only the changed
    columns of a tracked instance are written (none changed: the insert alone). ``before``: writes that need no
    result, run first in the same batch (``hot_batch``: one round trip for all on PostgreSQL)."""
    conn = connections[alias]
    fields = _dirty(instance, conn)
    if conn.vendor != "postgresql" or fields == []:
        hot_batch(before, alias=alias)
        if fields != []:
            hot_update(instance, fields, alias=alias)
        return hot_insert(new, alias=alias)
    update_sql, chosen = _update_plan(instance, fields)
    insert_sql, fields = _insert_plan(new)
    params = [*_db_values(instance, chosen, conn, add=False), instance.pk, *_db_values(new, fields, conn, add=True)]
    rows = hot_batch([*before, (f'WITH "updated" AS ({update_sql}) {insert_sql}', params)], alias=alias)[-1]
    return _inserted(new, rows[0][0], alias)


def hot_save(instance, *, signals: bool = False, alias: str = DEFAULT_DB_ALIAS):
    """``instance.save()`` for models without a ``save`` override: an INSERT without a pk, else an UPDATE.
    ``signals=True`` sends ``pre_save`` and ``post_save`` around the write as ``save`` does (for a model with
    receivers)."""
    from django.db.models.signals import post_save, pre_save

    created = instance.pk is None
    model = type(instance)
    if signals:
        pre_save.send(sender=model, instance=instance, raw=False, using=alias, update_fields=None)
    if created:
        hot_insert(instance, alias=alias)
    else:
        hot_update(instance, alias=alias)
    if signals:
        post_save.send(sender=model, instance=instance, created=created, update_fields=None, raw=False, using=alias)
    return instance


def hot_insert_many(instances: Sequence, *, ignore_conflicts: bool = False, alias: str = DEFAULT_DB_ALIAS) -> None:
    """``bulk_create(instances, ignore_conflicts=…)`` as one prepared multi-row INSERT (one statement per model and
    row count). Primary keys are not read back."""
    if instances:
        hot_execute(*insert_many_statement(instances, ignore_conflicts=ignore_conflicts, alias=alias), alias=alias)


def insert_many_statement(instances: Sequence, *, ignore_conflicts: bool = False,
                          alias: str = DEFAULT_DB_ALIAS) -> tuple[str, list]:
    """The multi-row INSERT of ``hot_insert_many`` (``instances`` not empty) as (sql, params), for ``hot_batch``."""
    sql, fields = _insert_many_plan(type(instances[0]), len(instances), ignore_conflicts)
    conn = connections[alias]
    return sql, [v for obj in instances for v in _db_values(obj, fields, conn, add=True)]


def _insert_many_plan(model, count: int, ignore_conflicts: bool) -> tuple[str, list]:
    key = (model, "insert_many", count, ignore_conflicts)
    plan = _SQL.get(key)
    if plan is None:
        meta = model._meta
        fields = [f for f in meta.concrete_fields if not f.primary_key]
        row = "(" + ", ".join(["%s"] * len(fields)) + ")"
        plan = _SQL[key] = (f'INSERT INTO "{meta.db_table}" (' + ", ".join(f'"{f.column}"' for f in fields)
                            + ") VALUES " + ", ".join([row] * count)
                            + (" ON CONFLICT DO NOTHING" if ignore_conflicts else ""), fields)
    return plan


def rows_insert_statement(model, rows: Sequence[dict], *, ignore_conflicts: bool = False,
                          alias: str = DEFAULT_DB_ALIAS) -> tuple[str, list]:
    """The multi-row INSERT of ``insert_many_statement`` from plain dicts (attname → value) instead of model
    instances, for rows written by the dozen and never looked at again (the outbox: ≈ 10 per order; an instance
    and its preparation cost ≈ 25 µs a row). A column a row leaves out takes its field's default; auto-now fields
    take the time of the call, as ``bulk_create`` would give them. Values are prepared as ``save`` prepares them."""
    conn = connections[alias]
    sql = _insert_many_plan(model, len(rows), ignore_conflicts)[0]
    spec = _row_spec(model, conn.vendor)  # in the plan's column order
    now = None
    params = []
    for row in rows:
        for attname, default, kind, field in spec:
            value = row.get(attname, _MISSING)
            if value is _MISSING:
                if default is _NOW:
                    value = now = now or _now()
                else:
                    value = field.get_default() if default is _CALL else default
            if kind is not None and _as_is(value, kind):
                params.append(value)
            else:
                params.append(field.get_db_prep_save(value, conn))
    return sql, params


_MISSING, _NOW, _CALL = object(), object(), object()


def _now():
    from django.utils import timezone

    return timezone.now()


def _row_spec(model, vendor: str) -> list[tuple]:
    """Per concrete non-pk column of ``model``: (attname, default — a value, ``_NOW`` for auto-now, ``_CALL`` for a
    callable default —, the plain type of ``_plain_type``, field)."""
    spec = _SQL.get((model, "row_spec", vendor))
    if spec is None:
        spec = []
        for f in model._meta.concrete_fields:
            if f.primary_key:
                continue
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                default = _NOW
            elif f.has_default() and callable(f.default):
                default = _CALL
            else:
                default = f.get_default()
            spec.append((f.attname, default, _plain_type(f, vendor), f))
        _SQL[(model, "row_spec", vendor)] = spec
    return spec


_SQL: dict[tuple, object] = {}
