#!/usr/bin/env python
"""Workflow benchmark (issue 4): N complete orders, in process, through the real services.

Each order is a 首次备案 (``new_filing``) of a fresh applicant — enterprises (two principals, two phones) and
individuals (one principal) in 浙江 (bureau SLA 30 wd) and 北京 — driven through

    submit → identity (website principal, console backend) → claim-next → provider approve
           → SMS verify (every code, through ``beian.bureau.sms.sms_verify``) → bureau approve (numbers issued)

with notifications queued in the outbox and not delivered. The SMS codes are read back from the queued
(undelivered) outbox SMS rows, exactly what the recording backend would be given — production code is not
changed or patched. Drafts (and the applicants' accounts) are prepared before the clock starts. Materials are not
uploaded: the run sets ``BEIAN_MATERIALS_MISSING_SEVERITY=needs_material`` (the requirement check still runs on
submit and records the missing ones as findings).

Before the timed part, ``--warmup W`` (default 1000) orders run the same way, untimed — a fifth of them left in the SMS
stage — and the statistics are refreshed (``VACUUM ANALYZE``): a provider's tables are never empty and always hold
orders in flight, and on empty ones the planner's plans scan tables sequentially as they fill up.

Reports complete orders per second (wall time of the timed part over N) and p50/p95/max per transition.
With ``--processes P`` the orders are split over P worker processes (forked; each its own connection) that
run the same waves concurrently against the same database — "on 2 cores" = ``--processes 2``.

    # PostgreSQL (the database is created, or dropped and created with --fresh, and migrated):
    .venv/bin/python bench/workflow.py --orders 2000 --processes 2 \\
        --database-url postgresql://beian:beian@127.0.0.1:5432/beian_bench_workflow --fresh
    # profile one process's timed part (cProfile, top functions by cumulative time; BENCH_PROFILE_SORT=tottime,
    # BENCH_PROFILE_OUT=file to keep the stats) and count queries per transition:
    .venv/bin/python bench/workflow.py --orders 300 --profile --queries

``run(n=...)`` is the in-process entry point on whatever database Django is configured for (the CI smoke test
calls it with a tiny N and no timing assertions).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.registry_data import make_ric, make_uscc  # noqa: E402

TRANSITIONS = ("submit", "identity", "claim", "provider_approve", "sms_verify", "bureau_approve")
CODE_RE = re.compile(r"短信核验码：(\d{6})")
DEFAULT_URL = "postgresql://beian:beian@127.0.0.1:5432/beian_bench_workflow"

# (province code, city, district, division of certificates, server region, mobile prefix, server IP /16): the two
# provinces with this provider's (demo) IP ranges in the rules' seed data — a server IP must be one of ours.
PROVINCES = (
    ("330000", "杭州市", "上城区", "330102", "浙江省", "139", "47.96"),
    ("110000", "北京市", "海淀区", "110108", "北京市", "138", "39.107"),
)
TRADE = "云栖星河辰宇博远瀚海嘉禾锦程泰和弘毅明德华章睿思卓越恒信启航"
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂"


# ---------------------------------------------------------------- data


def _trade(i: int) -> str:
    n = len(TRADE)
    return TRADE[i % n] + TRADE[(i // n) % n] + TRADE[(i // n // n) % n]


def _person(i: int, salt: int) -> str:
    return SURNAMES[(i + salt) % len(SURNAMES)] + GIVEN[(i // 7 + salt) % len(GIVEN)] + GIVEN[(i // 3) % len(GIVEN)]


def _ric(division: str, i: int, salt: int) -> str:
    """A distinct valid ID per (i, salt < 3): born 2000-01-01 plus k // 1000 days, sequence k % 1000."""
    k = 3 * i + salt
    birth = dt.date(2000, 1, 1) + dt.timedelta(days=k // 1000)  # the division codes below are valid from 2000
    return make_ric(address=division, birth=birth.strftime("%Y%m%d"), sequence=k % 1000)


def _mobile(prefix: str, i: int, salt: int) -> str:
    return f"{prefix}{(3 * i + salt) % 100_000_000:08d}"


def _principal(name: str, cert: str, mobile: str, email: str) -> dict:
    return {"name": name, "certificate_type": "居民身份证", "certificate_number": cert,
            "valid_from": "2020-05-01", "valid_to": "2040-05-01", "mobile": mobile, "emergency_phone": "",
            "email": email}


def order_state(i: int, tag: str) -> dict:
    """The proposed FilingState of benchmark order ``i``: even = enterprise (2 phones), odd = individual.

    ``i`` counts over every run on the database (certificate numbers and phones stay unique); ``tag`` names the
    run (domains)."""
    code, city, district, division, region, prefix, net = PROVINCES[(i // 2) % len(PROVINCES)]
    domain = f"wf{tag}x{i}.cn"
    ip = f"{net}.{(i // 250) % 250 + 1}.{i % 250 + 1}"
    access = [{"key": "a1", "provider": "本接入商", "method": "云接入", "region": region,
               "ip_ranges": [{"start": ip, "end": ip}]}]
    if i % 2 == 0:
        trade = _trade(i)
        org = f"{i % 10**8:08d}"
        uscc = make_uscc(authority="9", category="1", division=division, org_body=org)
        rep = _principal(_person(i, 0), _ric(division, i, 0), _mobile(prefix, i, 0), f"rep{i}@{domain}")
        web = _principal(_person(i, 5), _ric(division, i, 1), _mobile(prefix, i, 1), f"web{i}@{domain}")
        entity = {"type": "企业", "name": f"{city[:-1]}{trade}网络科技有限公司",
                  "certificate_type": "营业执照（个人或企业）", "certificate_number": uscc,
                  "province": code, "city": city, "district": district,
                  "certificate_address": f"{city}{district}文三路 {i % 900 + 1} 号",
                  "communication_address": f"{district}文三路 {i % 900 + 1} 号", "principal": rep}
        site = {"key": "n1", "name": f"{trade}官网", "home_url": f"www.{domain}", "service_content": ["单位门户网站"],
                "languages": ["中文简体"], "domains": [domain], "principal": web, "access": access}
    else:
        person = _principal(_person(i, 0), _ric(division, i, 2), _mobile(prefix, i, 2), f"me{i}@{domain}")
        entity = {"type": "个人", "name": person["name"], "certificate_type": "居民身份证",
                  "certificate_number": person["certificate_number"], "province": code, "city": city,
                  "district": district, "certificate_address": f"{city}{district}中山路 {i % 900 + 1} 号",
                  "communication_address": f"{district}中山路 {i % 900 + 1} 号", "principal": person}
        site = {"key": "n1", "name": f"{person['name'][1:]}的技术笔记", "home_url": f"www.{domain}",
                "service_content": ["博客/个人空间"], "languages": ["中文简体"], "domains": [domain],
                "principal": person, "remarks": "个人技术博客，记录编程学习笔记，无交互功能。", "access": access}
    return {"entity": entity, "websites": [site]}


# ---------------------------------------------------------------- results


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (``p`` in 0–100); 0.0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, min(len(ordered), int(-(-p * len(ordered) // 100))))
    return ordered[rank - 1]


@dataclass
class Result:
    orders: int
    seconds: float
    processes: int = 1
    timings: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    queries: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    prepare_seconds: float = 0.0
    approved: int = 0
    client_cpu: float = 0.0  # CPU seconds of the benchmark process(es) in the timed part
    server_cpu: float | None = None  # CPU seconds of their PostgreSQL backends (None: not measurable)

    @property
    def orders_per_second(self) -> float:
        return self.orders / self.seconds if self.seconds else 0.0

    def report(self) -> str:
        lines = [f"{self.approved}/{self.orders} orders approved in {self.seconds:.2f} s with {self.processes} "
                 f"process(es): {self.orders_per_second:.1f} complete orders/s "
                 f"(drafts and accounts prepared beforehand in {self.prepare_seconds:.1f} s)",
                 f"{'transition':<18}{'count':>7}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}"
                 + (f"{'queries':>9}" if self.queries else "")]
        for name in TRANSITIONS:
            values = self.timings.get(name, [])
            row = (f"{name:<18}{len(values):>7}{percentile(values, 50) * 1000:>9.1f}"
                   f"{percentile(values, 95) * 1000:>9.1f}{(max(values) if values else 0) * 1000:>9.1f}")
            if self.queries:
                q = self.queries.get(name, [])
                row += f"{(sum(q) / len(q) if q else 0):>9.1f}"
            lines.append(row)
        if self.orders:
            cpu = f"CPU per complete order: {self.client_cpu / self.orders * 1000:.1f} ms in Python"
            if self.server_cpu is not None:
                total = self.client_cpu + self.server_cpu
                cpu += (f" + {self.server_cpu / self.orders * 1000:.1f} ms in PostgreSQL = "
                        f"{total / self.orders * 1000:.1f} ms → at most {2 * self.orders / total:.0f} orders/s on 2 "
                        "fully used cores" if total else "")
            lines.append(cpu)
        return "\n".join(lines)


# ---------------------------------------------------------------- the run


@dataclass
class Actors:
    reviewer: object
    bureau: object
    applicants: list


def prepare(*, n: int, tag: str, workers: int = 1) -> tuple[Actors | list[Actors], list[int]]:
    """Accounts (one applicant per order, a reviewer and an all-province bureau reviewer per worker) and the
    drafts, created through ``order_create``. Returns the actors (a list when ``workers`` > 1) and draft ids."""
    from django.contrib.auth.hashers import make_password

    from beian.accounts.models import Role, User
    from beian.orders.models import Order
    from beian.orders.services import order_create
    from beian.registry.models import Province

    password = make_password(None)
    provinces = list(Province.objects.all())
    staff = []
    for w in range(workers):
        reviewer = User.objects.create(username=f"wf{tag}-rv{w}", role=Role.PROVIDER_REVIEWER, password=password,
                                       email=f"rv{w}@wf{tag}.example")
        bureau = User.objects.create(username=f"wf{tag}-bu{w}", role=Role.BUREAU_REVIEWER, password=password)
        bureau.bureau_provinces.set(provinces)
        staff.append((reviewer, bureau))
    User.objects.bulk_create([User(username=f"wf{tag}-a{i}", role=Role.APPLICANT, password=password,
                                   email=f"a{i}@wf{tag}.example") for i in range(n)], batch_size=1000)
    applicants = {u.username: u for u in User.objects.filter(username__startswith=f"wf{tag}-a")}
    ordered = [applicants[f"wf{tag}-a{i}"] for i in range(n)]
    base = Order.objects.count()  # earlier runs on this database: keep certificate numbers and phones unique
    order_ids = [order_create(user=ordered[i], type="new_filing", proposed=order_state(base + i, tag)).pk
                 for i in range(n)]
    actors = [Actors(reviewer=r, bureau=b, applicants=ordered[w::workers]) for w, (r, b) in enumerate(staff)]
    _analyze()
    return (actors if workers > 1 else actors[0]), order_ids


def _analyze() -> None:
    """``VACUUM ANALYZE`` before the clock starts, as autovacuum does in production: CI's PostgreSQL runs with
    ``autovacuum = off``, so without it the planner scans never-analysed registry tables sequentially and earlier
    runs' dead order rows (each order is updated six times) slow every later run on the same database."""
    from django.db import DatabaseError, connection

    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        # A checkpoint now rather than during the timed part (a --fresh run follows a dropped database's writes):
        # the server's background writes are not the workflow's. Needs a superuser or pg_checkpoint; else skipped.
        try:
            with connection.cursor() as cursor:
                cursor.execute("CHECKPOINT")
        except DatabaseError:
            pass


def sms_entries(order_ids: list[int]) -> dict[int, list[tuple[str, str, str]]]:
    """(phone, certificate suffix, code) per code sent for each order, from its queued (undelivered) SMS rows: two
    reads for the whole wave, so that the harness costs next to nothing beside the transitions it times. The
    suffix is the benchmark's own knowledge (the principals it filed, by phone)."""
    from beian.bureau.sms import phone_normalize, suffix_of
    from beian.notify.models import Channel, Outbox
    from beian.orders.models import Order

    suffixes: dict[int, dict[str, str]] = {}
    for pk, proposed in Order.objects.filter(pk__in=order_ids).values_list("pk", "proposed"):
        people = [proposed["entity"]["principal"], *(w["principal"] for w in proposed["websites"])]
        suffixes[pk] = {phone_normalize(p["mobile"]): suffix_of(p["certificate_number"]) for p in people}
    out: dict[int, list[tuple[str, str, str]]] = defaultdict(list)
    for order_id, phone, payload in (Outbox.objects.filter(order_id__in=order_ids, channel=Channel.SMS,
                                                           event="sms_code")
                                     .order_by("-id").values_list("order_id", "address", "payload")):
        match = CODE_RE.search(payload.get("text", ""))
        known = suffixes.get(order_id, {})
        if match and phone in known and all(p != phone for p, _, _ in out[order_id]):
            out[order_id].append((phone, known[phone], match.group(1)))
    return out


class _Timer:
    def __init__(self, result: Result, count_queries: bool):
        self.result = result
        self.count_queries = count_queries

    def __call__(self, name: str, fn, *args, **kwargs):
        if self.count_queries:
            from django.db import connection
            from django.test.utils import CaptureQueriesContext

            connection.queries_log.clear()  # the log keeps 9,000 queries: the capture's indices must stay below
            with CaptureQueriesContext(connection) as ctx:
                t0 = time.perf_counter()
                value = fn(*args, **kwargs)
                elapsed = time.perf_counter() - t0
            self.result.queries[name].append(len(ctx.captured_queries))
        else:
            t0 = time.perf_counter()
            value = fn(*args, **kwargs)
            elapsed = time.perf_counter() - t0
        self.result.timings[name].append(elapsed)
        return value


def _server_cpu() -> float | None:
    """CPU seconds used so far by this connection's PostgreSQL backend: from ``/proc`` when the server runs on this
    machine and the backend's process is readable; else None."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def drive(*, actors: Actors, order_ids: list[int], result: Result, count_queries: bool = False,
          in_flight: int = 0) -> None:
    """The timed waves (with the CPU they used): see ``_drive``."""
    server0, client0 = _server_cpu(), time.process_time()
    _drive(actors=actors, order_ids=order_ids, result=result, count_queries=count_queries, in_flight=in_flight)
    result.client_cpu += time.process_time() - client0
    server1 = _server_cpu()
    if server0 is not None and server1 is not None:
        result.server_cpu = (result.server_cpu or 0.0) + server1 - server0


def _drive(*, actors: Actors, order_ids: list[int], result: Result, count_queries: bool = False,
           in_flight: int = 0) -> None:
    """The timed waves: submit + identity, claim-next + approve until the queue is empty, SMS, bureau.
    ``in_flight``: that many orders (the last approved) stay in the SMS stage — open sessions, locks held."""
    from beian.bureau import services as bureau
    from beian.bureau.sms import sms_verify
    from beian.orders import services
    from beian.orders.models import Order, OrderState

    timer = _Timer(result, count_queries)
    applicant_of = dict(Order.objects.filter(pk__in=order_ids).values_list("pk", "applicant_id"))
    users = {u.pk: u for u in actors.applicants}
    for order_id in order_ids:
        user = users[applicant_of[order_id]]
        order = timer("submit", services.order_submit, user=user, order_id=order_id)
        for key in services.principals_to_verify(order):
            timer("identity", services.identity_verification_perform, user=user, order_id=order_id,
                  website_key=key)
    approved: list[tuple[int, str]] = []  # (order, state after the provider's approval)
    while True:
        order = timer("claim", services.order_claim_next, reviewer=actors.reviewer)
        if order is None:
            result.timings["claim"].pop()  # the final empty claim is not a transition
            if result.queries.get("claim"):
                result.queries["claim"].pop()
            break
        order = timer("provider_approve", services.order_approve, reviewer=actors.reviewer, order_id=order.pk)
        approved.append((order.pk, order.state))
    approved = approved[:len(approved) - in_flight]
    codes = sms_entries([pk for pk, state in approved if state == OrderState.SMS_VERIFICATION])
    for order_id, state in approved:
        if state == OrderState.SMS_VERIFICATION:
            if not codes.get(order_id):
                raise RuntimeError(f"order {order_id}: no SMS code queued")
            for phone, suffix, code in codes[order_id]:
                verdict = timer("sms_verify", sms_verify, phone=phone, certificate_suffix=suffix, code=code)
                if not verdict.verified:
                    raise RuntimeError(f"order {order_id}: SMS code not accepted")
        timer("bureau_approve", bureau.bureau_approve, reviewer=actors.bureau, order_id=order_id)


def _count_approved(order_ids: list[int]) -> int:
    from beian.orders.models import Order, OrderState

    return Order.objects.filter(pk__in=order_ids, state=OrderState.APPROVED).count()


def run(*, n: int, tag: str | None = None, count_queries: bool = False, profiler=None, in_flight: int = 0) -> Result:
    """Prepare ``n`` drafts and drive them to approval in this process; returns the measurements.

    ``profiler`` (a ``cProfile.Profile``) is enabled around the timed part only."""
    tag = tag or f"{int(time.time() * 1000) % 10**9:x}"
    t0 = time.perf_counter()
    actors, order_ids = prepare(n=n, tag=tag)
    prepared = time.perf_counter()
    result = Result(orders=n, seconds=0.0, prepare_seconds=prepared - t0)
    if profiler is not None:
        profiler.enable()  # the timed part only: preparing the drafts is not the workflow
    drive(actors=actors, order_ids=order_ids, result=result, count_queries=count_queries, in_flight=in_flight)
    if profiler is not None:
        profiler.disable()
    result.seconds = time.perf_counter() - prepared
    result.approved = _count_approved(order_ids)
    return result


def _child(actors: Actors, order_ids: list[int], start, queue, count_queries: bool) -> None:
    from django.db import connections

    connections.close_all()  # never share the parent's connection
    result = Result(orders=len(order_ids), seconds=0.0)
    start.wait()
    try:
        drive(actors=actors, order_ids=order_ids, result=result, count_queries=count_queries)
        queue.put(("ok", dict(result.timings), dict(result.queries), (result.client_cpu, result.server_cpu)))
    except BaseException as exc:  # report, then let the parent fail
        queue.put(("error", repr(exc), {}, (0.0, None)))
    finally:
        connections.close_all()


def run_parallel(*, n: int, processes: int, tag: str | None = None, count_queries: bool = False) -> Result:
    """As ``run`` with the orders split over ``processes`` forked processes started together."""
    import multiprocessing

    from django.db import connections

    tag = tag or f"{int(time.time() * 1000) % 10**9:x}"
    t0 = time.perf_counter()
    actors, order_ids = prepare(n=n, tag=tag, workers=processes)
    prepare_seconds = time.perf_counter() - t0
    connections.close_all()
    ctx = multiprocessing.get_context("fork")
    start, queue = ctx.Event(), ctx.Queue()
    chunks = [order_ids[w::processes] for w in range(processes)]
    procs = [ctx.Process(target=_child, args=(actors[w], chunks[w], start, queue, count_queries))
             for w in range(processes)]
    for p in procs:
        p.start()
    time.sleep(0.5)  # let every child import and connect before the clock starts
    t1 = time.perf_counter()
    start.set()
    outcomes = [queue.get() for _ in procs]
    seconds = time.perf_counter() - t1
    for p in procs:
        p.join()
    result = Result(orders=n, seconds=seconds, processes=processes, prepare_seconds=prepare_seconds)
    for status, timings, queries, (client_cpu, server_cpu) in outcomes:
        if status != "ok":
            raise RuntimeError(f"a benchmark process failed: {timings}")
        result.client_cpu += client_cpu
        if server_cpu is not None:
            result.server_cpu = (result.server_cpu or 0.0) + server_cpu
        for name, values in timings.items():
            result.timings[name].extend(values)
        for name, values in queries.items():
            result.queries[name].extend(values)
    result.approved = _count_approved(order_ids)
    return result


# ---------------------------------------------------------------- command line


def _ensure_database(url: str, fresh: bool) -> None:
    """Create the PostgreSQL database of ``url`` if missing (drop it first with ``fresh``)."""
    if not url.startswith("postgres"):
        if fresh and url.startswith("sqlite:///"):
            path = Path(url[len("sqlite:///"):])
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    from urllib.parse import urlsplit, urlunsplit

    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and fresh:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = None
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orders", type=int, default=1000, help="complete orders to run (default 1000)")
    parser.add_argument("--processes", type=int, default=1, help="worker processes (default 1)")
    parser.add_argument("--database-url", default=os.environ.get("BEIAN_BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--fresh", action="store_true", help="drop and re-create the database first")
    parser.add_argument("--queries", action="store_true", help="count queries per transition")
    parser.add_argument("--profile", action="store_true", help="cProfile the run (single process)")
    parser.add_argument("--warmup", type=int, default=1000,
                        help="orders driven first, untimed (default 1000; a fifth left in the SMS stage): the timed "
                             "orders meet tables that are not empty, and statistics that say so")
    args = parser.parse_args(argv)

    _ensure_database(args.database_url, args.fresh)
    os.environ["BEIAN_DATABASE_URL"] = args.database_url
    os.environ.setdefault("BEIAN_DEBUG", "false")
    os.environ.setdefault("BEIAN_LOG_LEVEL", "WARNING")
    # Uploading the materials is not part of this benchmark: a missing one is reported, not refused.
    os.environ.setdefault("BEIAN_MATERIALS_MISSING_SEVERITY", "needs_material")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "beian.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)  # the database cache (rate limits, catalogue caches)
    print(f"database: {args.database_url.split('@')[-1]}", flush=True)
    if args.warmup > 0:
        # A provider's database is never empty. Timed on empty tables, the planner's generic plans — made from
        # statistics that say "no rows" — scan the registry, SMS sessions and locks sequentially as they fill up
        # (docs/bench.md, "Sixth round": ≈ 15,000 rows read per order by the end of a 1,000-order run).
        # A fifth stays in the SMS stage, as a provider's database always has orders in flight (open SMS sessions,
        # held locks); they are not in the provider's queue, so claim-next still takes the timed orders.
        in_flight = args.warmup // 5
        warm = run(n=args.warmup, in_flight=in_flight)
        print(f"warm-up (untimed): {warm.approved} orders approved, {in_flight} left in the SMS stage", flush=True)
        if warm.approved != args.warmup - in_flight:
            return 1
    if args.profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        result = run(n=args.orders, count_queries=args.queries, profiler=profiler)
        if os.environ.get("BENCH_PROFILE_OUT"):  # for pstats / snakeviz: callers, callees
            profiler.dump_stats(os.environ["BENCH_PROFILE_OUT"])
        pstats.Stats(profiler).sort_stats(os.environ.get("BENCH_PROFILE_SORT", "cumulative")).print_stats(45)
    elif args.processes > 1:
        result = run_parallel(n=args.orders, processes=args.processes, count_queries=args.queries)
    else:
        result = run(n=args.orders, count_queries=args.queries)
    print(result.report())
    return 0 if result.approved == result.orders else 1


if __name__ == "__main__":
    sys.exit(main())
