"""Public lookup reads (design.md §11): by host name, by filing number, by entity name.

Every answer mirrors MIIT's public record — entity number, name and nature; website number, name, domain,
home URL, approval date, access-limited flag — and nothing else: no certificate numbers, phones, e-mail
addresses, postal addresses or principals. The record is built field by field from ``values()`` rows, never
from a model, so a new model field cannot leak into an answer.

Domain and number answers are cached (``beian.lookup.cache``: in each worker, and in Redis when configured); name
searches are not (they are index-backed and their results change with any filing).
"""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.utils import timezone

from beian.core.errors import BeianError, error
from beian.core.hotsql import hot_fetch
from beian.core.validators import PROVINCE_ABBRS, parse_filing_number
from beian.lookup import cache as lookup_cache
from beian.lookup.hosts import normalize_host
from beian.lookup.search_index import FTS_TABLE, SEP, fts_query, normalize_name
from beian.registry.models import Domain, Entity, RecordStatus, Website

ACTIVE, CANCELLED = RecordStatus.ACTIVE, RecordStatus.CANCELLED
MAX_QUERY = 300
MAX_NAME_QUERY = 100
MAX_BATCH = 100
MAX_WEBSITES = 100

STATUS_TEXT = {
    "filed": ("已备案", "Filed"),
    "cancelled": ("备案已注销", "The filing has been cancelled"),
    "unfiled": ("未备案", "Not filed"),
}

_WEBSITE_FIELDS = ("id", "number", "name", "home_url", "approved_at", "access_limited", "status")
_ENTITY_FIELDS = ("id", "number", "name", "entity_type", "approved_at", "status")


_CST = dt.timezone(dt.timedelta(hours=8))
_NO_DST_SINCE = dt.datetime(1992, 1, 1, tzinfo=dt.UTC)  # Asia/Shanghai: UTC+8 without summer time since 1991


def _day(value) -> str | None:
    """The day in China Standard Time (a fixed +08:00 since 1992: 10× cheaper than the zoneinfo lookup)."""
    if not value:
        return None
    if value >= _NO_DST_SINCE:
        return value.astimezone(_CST).date().isoformat()
    return timezone.localtime(value).date().isoformat()


def _status(active: bool) -> str:
    return "filed" if active else "cancelled"


def _message(status: str) -> dict:
    zh, en = STATUS_TEXT[status]
    return {"message_zh": zh, "message_en": en}


def too_long(field: str, limit: int) -> BeianError:
    return error("LOOKUP_QUERY_TOO_LONG", f"查询内容过长（最多 {limit} 个字符）。",
                 f"The query is too long (at most {limit} characters).", field=field)


# ---------------------------------------------------------------- by host name


_DOMAIN_SQL = (
    "SELECT d.ascii, d.name, d.status, w.number, w.name, w.home_url, w.approved_at, w.access_limited, w.status, "
    "e.number, e.name, e.entity_type, e.status FROM registry_domain d "
    "JOIN registry_website w ON w.id = d.website_id JOIN registry_entity e ON e.id = w.entity_id "
    "WHERE d.ascii {} ORDER BY d.ascii, d.status, d.id DESC")
# One name: a plain equality, whose generic plan PostgreSQL keeps (with ``= ANY($1)`` it re-plans every execution,
# since a generic plan for an array of unknown length looks dearer than a custom one: 380 µs instead of 100 µs).
_DOMAIN_ONE_SQL, _DOMAIN_MANY_SQL = _DOMAIN_SQL.format("= %s"), _DOMAIN_SQL.format("= ANY(%s)")


def _aware(value):
    """A datetime column from a raw cursor (SQLite gives text in UTC, PostgreSQL an aware datetime)."""
    if value is None or isinstance(value, dt.datetime):
        return value if value is None or value.tzinfo else value.replace(tzinfo=dt.UTC)
    return dt.datetime.fromisoformat(str(value)).replace(tzinfo=dt.UTC)


def _domain_rows(asciis: list[str]) -> list[tuple]:
    """The registry rows of ``asciis``: one prepared statement (``beian.core.hotsql``), whatever their number."""
    if len(asciis) == 1:
        return hot_fetch(_DOMAIN_ONE_SQL, asciis)
    return hot_fetch(_DOMAIN_MANY_SQL, [asciis])


def _domain_answers(asciis: list[str]) -> dict[str, dict]:
    """Answers for many registrable ASCII names: cache first, then one query (raw SQL: this is the hot path,
    and the ORM's query compilation would cost more than the query) for the rest."""
    mark = lookup_cache.read_mark()
    found = lookup_cache.get_many("d", asciis)
    missing = [a for a in dict.fromkeys(asciis) if a not in found]
    if missing:
        fresh: dict[str, dict] = {}
        rows = _domain_rows(missing)
        for (a, name, d_status, w_number, w_name, w_url, w_approved, w_limited, w_status, e_number, e_name, e_type,
             e_status) in rows:
            if a in fresh:
                continue  # "active" sorts before "cancelled": the first row is the current one
            active = d_status == ACTIVE and w_status == ACTIVE and e_status == ACTIVE
            status = _status(active)
            fresh[a] = {"status": status, "record": {
                "entity_number": e_number, "entity_name": e_name, "entity_type": e_type,
                "website_number": w_number, "website_name": w_name, "domain": name, "home_url": w_url,
                "approved_on": _day(_aware(w_approved)), "access_limited": bool(w_limited), "status": status}}
        for a in missing:
            fresh.setdefault(a, {"status": "unfiled", "record": None})
        lookup_cache.set_many("d", fresh, mark=mark)
        found.update(fresh)
    return found


def _domain_result(query: str, name, answer: dict) -> dict:
    return {"query": query, "host": name.unicode, "domain": name.registrable_unicode,
            "domain_ascii": name.registrable_ascii, **answer, **_message(answer["status"])}


def lookup_domain(*, host: str) -> dict:
    """``WWW.Shop.例子.中国.`` → the filing of ``例子.中国`` (a sub-domain maps to its registrable domain)."""
    if len(host or "") > MAX_QUERY:
        raise too_long("host", MAX_QUERY)
    name = normalize_host(host, field="host")
    answer = _domain_answers([name.registrable_ascii])[name.registrable_ascii]
    return _domain_result(host, name, answer)


def lookup_domains(*, hosts: list[str]) -> list[dict]:
    """Batch: one answer per host, in order; a bad host gets ``{"query", "errors": [...]}`` in its place."""
    if len(hosts) > MAX_BATCH:
        raise error("LOOKUP_BATCH_TOO_LARGE", f"每次最多查询 {MAX_BATCH} 个域名。",
                    f"At most {MAX_BATCH} host names per request.", field="hosts")
    parsed: list[tuple[str, object]] = []
    for i, host in enumerate(hosts):
        field = f"hosts[{i}]"
        try:
            if len(host or "") > MAX_QUERY:
                raise too_long(field, MAX_QUERY)
            parsed.append((host, normalize_host(host, field=field)))
        except BeianError as exc:
            parsed.append((host, exc))
    answers = _domain_answers([n.registrable_ascii for _, n in parsed if not isinstance(n, BeianError)])
    out = []
    for host, name in parsed:
        if isinstance(name, BeianError):
            out.append({"query": host, "errors": [e.as_dict() for e in name.errors]})
        else:
            out.append(_domain_result(host, name, answers[name.registrable_ascii]))
    return out


# ---------------------------------------------------------------- entity records (number and name)


def _website_record(w: dict, domains: dict[int, list[str]]) -> dict:
    status = _status(w["status"] == ACTIVE)
    return {"website_number": w["number"], "website_name": w["name"], "domains": domains.get(w["id"], []),
            "home_url": w["home_url"], "approved_on": _day(w["approved_at"]), "access_limited": w["access_limited"],
            "status": status}


def _entity_records(entities: list[dict], *, only_website: int | None = None) -> list[dict]:
    """Entity rows → public records with their websites (active ones; or the one ``only_website``)."""
    ids = [e["id"] for e in entities]
    if only_website is not None:
        sites = list(Website.objects.filter(pk=only_website).values(*_WEBSITE_FIELDS, "entity_id"))
    else:
        sites = list(Website.objects.filter(entity_id__in=ids, status=ACTIVE).order_by("entity_id", "suffix", "id")
                     .values(*_WEBSITE_FIELDS, "entity_id"))
    domains: dict[int, list[str]] = {}
    wanted = [s["id"] for s in sites]
    if wanted:
        site_status = {s["id"]: s["status"] for s in sites}
        for website_id, name, status in (Domain.objects.filter(website_id__in=wanted).order_by("sort", "id")
                                         .values_list("website_id", "name", "status")):
            if status == ACTIVE or site_status[website_id] != ACTIVE:
                domains.setdefault(website_id, []).append(name)
    by_entity: dict[int, list[dict]] = {}
    for s in sites:
        by_entity.setdefault(s["entity_id"], []).append(s)
    out = []
    for e in entities:
        active = e["status"] == ACTIVE
        websites = by_entity.get(e["id"], []) if active or only_website is not None else []
        out.append({"entity_number": e["number"], "entity_name": e["name"], "entity_type": e["entity_type"],
                    "approved_on": _day(e["approved_at"]), "status": _status(active),
                    "websites": [_website_record(w, domains) for w in websites[:MAX_WEBSITES]]})
    return out


# ---------------------------------------------------------------- by filing number


def number_key(province_code: str, serial: str, suffix: int | None) -> str:
    return f"{province_code}:{serial}:{suffix or ''}"


def _number_answer(province_code: str, serial: str, suffix: int | None) -> dict:
    tail = f"-{suffix}" if suffix is not None else ""
    candidates = [f"{abbr}ICP备{serial}号{tail}" for abbr, code in PROVINCE_ABBRS.items() if code == province_code]
    if suffix is not None:
        site = Website.objects.filter(number__in=candidates).values("id", "entity_id").first()
        if site is None:
            return {"status": "unfiled", "results": []}
        entities = list(Entity.objects.filter(pk=site["entity_id"]).values(*_ENTITY_FIELDS))
        results = _entity_records(entities, only_website=site["id"])
        results[0]["status"] = results[0]["websites"][0]["status"] if results[0]["websites"] else "cancelled"
    else:
        entities = list(Entity.objects.filter(number__in=candidates).values(*_ENTITY_FIELDS)[:1])
        if not entities:
            return {"status": "unfiled", "results": []}
        results = _entity_records(entities)
    return {"status": results[0]["status"], "results": results}


def lookup_number(*, number: str) -> dict:
    """An entity number (``浙ICP备2024012345号``) or a website number (``…号-1``), in any usual spelling."""
    if len(number or "") > MAX_QUERY:
        raise too_long("number", MAX_QUERY)
    parsed = parse_filing_number(number, field="number")
    if parsed.kind != "filing":
        raise error("LOOKUP_NOT_A_FILING_NUMBER", "这是经营许可证编号，不是 ICP 备案号。",
                    "This is a telecom licence number, not an ICP filing number.", field="number")
    key = number_key(parsed.province_code, parsed.serial, parsed.website_suffix)
    mark = lookup_cache.read_mark()
    answer = lookup_cache.get("n", key)
    if answer is None:
        answer = _number_answer(parsed.province_code, parsed.serial, parsed.website_suffix)
        lookup_cache.set("n", key, answer, mark=mark)
    return {"query": number, "number": parsed.normalized, "kind": "website" if parsed.is_website else "entity",
            **answer, **_message(answer["status"])}


# ---------------------------------------------------------------- by entity name


# PostgreSQL contains-search. The trigram index finds the matching rows as a bitmap that must be fetched and
# rechecked in full before ORDER BY id LIMIT: fast for a rare term, ≈ 2 s at 1 M for one in a third of all names
# (科技). So, same rows in the same order, in up to three steps:
#  1. the next PG_WINDOW active entities in id order (a primary-key range, a few ms): a common term fills the page;
#  2. otherwise the trigram query for the ids past the window, under a statement timeout (PG_TIMEOUT_MS);
#  3. if that times out (a term too common for the bitmap, too rare for the window), the id-ordered scan on the
#     primary key with bitmap scans off, which meets a match every few hundred rows at such a frequency.
# Step 1 only on a registry of more than PG_WINDOW_FROM entities (planner statistics, read every 5 minutes): below
# it the trigram query is cheap for any term.
PG_WINDOW = 4000
PG_WINDOW_FROM = 50_000
PG_TIMEOUT_MS = 300
_pg_rows = {"at": -1e9, "rows": 0.0}


def _pg_entity_rows(cursor) -> float:
    import time

    now = time.monotonic()
    if now - _pg_rows["at"] > 300:
        cursor.execute("SELECT reltuples FROM pg_class WHERE oid = 'registry_entity'::regclass")
        _pg_rows.update(at=now, rows=float(cursor.fetchone()[0]))
    return _pg_rows["rows"]


def _pg_query_canceled(exc: Exception) -> bool:
    cause = exc.__cause__
    return getattr(cause, "sqlstate", None) == "57014" or getattr(cause, "pgcode", None) == "57014"


def _pg_window(cursor, like: str, *, limit: int, after: int) -> tuple[list[int], int]:
    """Step 1: matches among the next PG_WINDOW active entities; returns them and where the window ended."""
    cursor.execute(
        "WITH w AS MATERIALIZED (SELECT id, name FROM registry_entity WHERE status = 'active' AND id > %s "
        "ORDER BY id LIMIT %s) "
        "SELECT (SELECT max(id) FROM w), ARRAY(SELECT id FROM w WHERE name ILIKE %s ORDER BY id LIMIT %s)",
        [after, PG_WINDOW, f"%{like}%", limit])
    window_end, ids = cursor.fetchone()
    return list(ids or []), (window_end if window_end is not None else after)


def _pg_name_ids(q: str, *, limit: int, after: int) -> list[int]:
    from django.db import OperationalError, transaction

    like = q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    with connection.cursor() as cursor:
        if _pg_entity_rows(cursor) > PG_WINDOW_FROM:
            ids, after = _pg_window(cursor, like, limit=limit, after=after)
            if len(ids) >= limit:
                return ids[:limit]
        else:
            ids = []
        wanted = limit - len(ids)
        if len(q) == 2:
            where, param = "beian_name_pairs(name) ILIKE %s", f"%{SEP}{like}{SEP}%"
        else:
            where, param = "name ILIKE %s", f"%{like}%"
        sql = "SELECT id FROM registry_entity WHERE {} AND status = 'active' AND id > %s ORDER BY id LIMIT %s"
        try:
            with transaction.atomic():
                cursor.execute("SELECT current_setting('statement_timeout'), set_config('statement_timeout', %s, true)",
                               [f"{PG_TIMEOUT_MS}ms"])
                previous = cursor.fetchone()[0]
                cursor.execute(sql.format(where), [param, after, wanted])
                rows = cursor.fetchall()
                cursor.execute("SELECT set_config('statement_timeout', %s, true)", [previous])
            return ids + [row[0] for row in rows]
        except OperationalError as exc:
            if not _pg_query_canceled(exc):
                raise
        with transaction.atomic():
            cursor.execute("SELECT current_setting('enable_bitmapscan'), current_setting('enable_seqscan'), "
                           "set_config('enable_bitmapscan', 'off', true), set_config('enable_seqscan', 'off', true)")
            bitmap, seq = cursor.fetchone()[:2]
            cursor.execute(sql.format("name ILIKE %s"), [f"%{like}%", after, wanted])
            rows = cursor.fetchall()
            cursor.execute("SELECT set_config('enable_bitmapscan', %s, true), set_config('enable_seqscan', %s, true)",
                           [bitmap, seq])
        return ids + [row[0] for row in rows]


def _name_ids(q: str, *, mode: str, limit: int, after: int) -> list[int]:
    """Ids of active entities whose name contains / starts with ``q`` — every branch index-backed."""
    if mode == "prefix":
        if connection.vendor == "sqlite":
            # LIKE is case-insensitive on SQLite and cannot use the BINARY index: a range on the name index can.
            qs = Entity.objects.filter(name__gte=q, name__lt=q + "\U0010ffff", status=ACTIVE)
        else:
            qs = Entity.objects.filter(name__startswith=q, status=ACTIVE)  # the varchar_pattern_ops index
        return list(qs.filter(pk__gt=after).order_by("pk").values_list("pk", flat=True)[:limit])
    if connection.vendor == "sqlite":
        expr = fts_query("pairs", q + SEP) if len(q) == 2 else fts_query("name", q)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s AND rowid > %s "
                           "ORDER BY rowid LIMIT %s", [expr, after, limit])
            return [row[0] for row in cursor.fetchall()]
    if connection.vendor == "postgresql":
        return _pg_name_ids(q, limit=limit, after=after)
    qs = Entity.objects.filter(name__icontains=q, status=ACTIVE, pk__gt=after)
    return list(qs.order_by("pk").values_list("pk", flat=True)[:limit])


def lookup_name(*, q: str, mode: str = "contains", limit: int = 20, after: int = 0) -> dict:
    """Active entities by name: ``contains`` (≥ 2 characters) or ``prefix`` (≥ 1); paged by ``after`` (an id)."""
    if len(q or "") > MAX_NAME_QUERY:
        raise too_long("q", MAX_NAME_QUERY)
    text = normalize_name(q)
    minimum = 2 if mode == "contains" else 1
    if len(text) < minimum:
        raise error("LOOKUP_QUERY_TOO_SHORT", f"请至少输入 {minimum} 个字符。",
                    f"Enter at least {minimum} characters.", field="q")
    limit = max(1, min(limit, 50))
    ids = _name_ids(text, mode=mode, limit=limit, after=max(0, after))
    entities = {e["id"]: e for e in Entity.objects.filter(pk__in=ids).values(*_ENTITY_FIELDS)}
    results = _entity_records([entities[i] for i in ids if i in entities])
    return {"query": q, "mode": mode, "results": results, "next_after": ids[-1] if len(ids) == limit else None}


def footer_snippet(website_number: str) -> str:
    """The footer link MIIT requires: the website's filing number linked to https://beian.miit.gov.cn/."""
    from django.utils.html import format_html

    return str(format_html('<a href="https://beian.miit.gov.cn/" target="_blank" rel="noopener">{}</a>',
                           website_number))

