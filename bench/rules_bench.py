"""Benchmark of the rules engine (issue 5): a full check of a typical change order in process, and the one-field
pre-flight call over HTTP under gunicorn.

    .venv/bin/python bench/rules_bench.py [--n 500] [--http-n 500] [--workers 2] [--no-http]

Builds a throw-away SQLite database in a temporary directory (migrated, with the seeded rules data and the demo
enterprise filed), so it never touches var/. Prints median / p95 / max in milliseconds, and the CPU time: of this
process for the in-process measurements (``time.process_time``), of the gunicorn workers per request for the HTTP
one (from ``/proc``). CPU time is what to compare on a machine shared with other jobs: the wall times there
include the time the process waited for a core.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _stats(samples) -> str:
    cpu = None
    if isinstance(samples, tuple):
        samples, cpu = samples
    ordered = sorted(samples)
    p95 = ordered[max(0, int(len(ordered) * 0.95) - 1)]
    out = (f"median {statistics.median(ordered):.2f} ms, p95 {p95:.2f} ms, max {ordered[-1]:.2f} ms "
           f"(n={len(ordered)})")
    if cpu is not None:
        out += f"; CPU median {statistics.median(cpu):.2f} ms"
    return out


def _cpu_seconds(pids: list[int]) -> float:
    """utime + stime of the processes, in seconds (Linux /proc)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def _children(pid: int) -> list[int]:
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            out.append(int(stat.parent.name))
    return out


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=500, help="in-process repetitions")
    parser.add_argument("--http-n", type=int, default=500, help="HTTP requests")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--no-http", action="store_true")
    args = parser.parse_args()

    tmp = tempfile.mkdtemp(prefix="beian-rules-bench-")
    env = {"BEIAN_DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite3", "BEIAN_VAR_DIR": tmp,
           "DJANGO_SETTINGS_MODULE": "beian.settings"}
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)  # the default cache (no Redis) is a table
    from beian.accounts.models import ApiToken, Role, User
    from beian.orders import services
    from beian.registry.demo import filed_entity_create, zhejiang_enterprise_state
    from beian.rules.preflight import rules_preflight

    user = User.objects.create_user(username="bench", password="x-bench-password-1", role=Role.APPLICANT)
    filed_entity_create(owner=user, state=zhejiang_enterprise_state())
    # A typical change: the entity is renamed, a website renamed and its server IP moved.
    order = services.order_create(user=user, type="change")
    proposed = order.proposed
    proposed["entity"]["name"] = "杭州云栖智能科技有限公司"
    proposed["websites"][0]["name"] = "云栖智能官网"
    proposed["websites"][0]["access"][0]["ip_ranges"] = [{"start": "47.96.10.30", "end": "47.96.10.31"}]
    order = services.order_update(user=user, order_id=order.pk, proposed=proposed)
    key = proposed["websites"][0]["key"]

    def timed(func, n, cpu=True):
        for _ in range(20):
            func()
        out, cpu_out = [], []
        for _ in range(n):
            t, c = time.perf_counter(), time.process_time()
            func()
            out.append((time.perf_counter() - t) * 1000)
            cpu_out.append((time.process_time() - c) * 1000)
        return (out, cpu_out) if cpu else out

    findings = services.order_findings(order=order)
    print(f"change order #{order.pk} ({order.type}): {len(findings)} finding(s): "
          f"{sorted({f.code for f in findings})}")
    print("full check (order_findings, in process):     ",
          _stats(timed(lambda: services.order_findings(order=order), args.n)))
    from beian.rules import engine

    ctx = services._rule_context(order)
    print("  of which the context (registry state, filing_state_of):",
          _stats(timed(lambda: services._rule_context(order), args.n)))
    from beian.registry.validation import filing_state_errors

    print("  of which the field validation (filing_state_errors): ",
          _stats(timed(lambda: filing_state_errors(ctx.proposed), args.n)))
    print("  of which the rule catalogue (rules_run):              ",
          _stats(timed(lambda: engine.rules_run(ctx), args.n)))
    own = {code: spec for code, spec in engine._REGISTRY.items() if spec.module.startswith("beian.rules.")}
    every = dict(engine._REGISTRY)
    engine._REGISTRY.clear()
    engine._REGISTRY.update(own)
    try:
        print("  of which the rules of beian/rules only:               ",
              _stats(timed(lambda: engine.rules_run(ctx), args.n)))
    finally:
        engine._REGISTRY.clear()
        engine._REGISTRY.update(every)
    print("one-field pre-flight (rules_preflight, in process):",
          _stats(timed(lambda: rules_preflight(user=user, order_id=order.pk, field=f"websites[{key}].name",
                                               value="云栖智能官网"), args.n)))
    if args.no_http:
        return 0

    secret = ApiToken.make_secret()
    ApiToken.objects.create(user=user, name="bench", prefix=secret[:12], digest=ApiToken.digest_of(secret))
    port = _free_port()
    proc = subprocess.Popen([str(ROOT / ".venv/bin/gunicorn"), "beian.wsgi", "-w", str(args.workers), "-b",
                             f"127.0.0.1:{port}", "--log-level", "warning"], cwd=ROOT, env={**os.environ, **env})
    try:
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                time.sleep(0.2)
        body = json.dumps({"order_id": order.pk, "field": f"websites[{key}].name", "value": "云栖智能官网"})
        headers = {"Authorization": f"Bearer {secret}", "Content-Type": "application/json"}
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)

        def call():
            conn.request("POST", "/api/rules/preflight", body=body, headers=headers)
            response = conn.getresponse()
            data = response.read()
            if response.status != 200:
                raise SystemExit(f"HTTP {response.status}: {data[:300]!r}")

        for _ in range(20):
            call()
        workers = _children(proc.pid)
        before = _cpu_seconds(workers)
        samples = timed(call, args.http_n, cpu=False)
        per_request = (_cpu_seconds(workers) - before) * 1000 / (args.http_n + 20)
        print(f"one-field pre-flight (POST /api/rules/preflight, gunicorn -w {args.workers}):", _stats(samples),
              f"; workers' CPU {per_request:.2f} ms per request (mean)")
    finally:
        proc.terminate()
        proc.wait(10)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
