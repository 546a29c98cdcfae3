#!/usr/bin/env python
"""The public lookup's performance harness (issue 8; docs/lookup.md): Beian's lookup against a bare endpoint.

One run: makes sure the registry holds N generated entities (``bench/generate_registry.py --resume``, which checks
free disk first; then ``manage.py lookup_index_rebuild``), starts the production server (gunicorn, WSGI, 2 sync
workers, ``BEIAN_ENV=production``), and drives it from a load generator in its own process on loopback. Keys are
registry domains drawn evenly over the whole id range, 10 % unfiled names, in varied spellings (``www.`` prefix,
upper case, trailing dot); every measurement continues through the key pool where the last one stopped. For each
cache mode (off, on — the latter after ``--warm-passes`` over the pool, with the hit rate counted from the
``X-Cache`` headers) and each concurrency level it measures, in alternating slices in the same server, the bare
endpoint ``/api/lookup/ping`` and the lookup ``/api/lookup/domain``: throughput, p50 and p99 latency; then a batch
of 100 names (p95) and the web workers' memory (RSS). Comparing with the bare endpoint of the same run, slice by
slice, keeps the ratio meaningful on a noisy, shared machine.

    # SQLite (a file of its own) or PostgreSQL (BEIAN_DATABASE_URL of a database of its own):
    .venv/bin/python bench/lookup_bench.py --entities 1000000 \\
        --database-url sqlite:////work/bench_lookup/lookup-1m.sqlite3 --json var/lookup-1m-sqlite.json
    # what CI runs (N = 1,000, no timing; exit status 1 when any answer is wrong):
    .venv/bin/python bench/lookup_bench.py --check --entities 1000 --database-url sqlite:///var/bench-ci.sqlite3

The rate limit stays on during the run, with a limit the load cannot reach (``BEIAN_LOOKUP_RATE_ADDRESS``): a
single client address takes leases of 100 requests from the shared counter (beian/lookup/ratelimit.py).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
BIN = Path(sys.executable).parent


# ---------------------------------------------------------------- the load generator (its own process)


async def _one(host: str, port: int, request: bytes) -> tuple[float, int, bool]:
    started = time.perf_counter()
    reader, writer = await asyncio.open_connection(host, port)
    writer.write(request)
    await writer.drain()
    data = await reader.read()
    writer.close()
    try:
        status = int(data[9:12])
    except ValueError:
        status = 0
    return time.perf_counter() - started, status, b"\r\nX-Cache: hit\r\n" in data[: data.find(b"\r\n\r\n")]


async def _drive(port: int, requests: list[bytes], concurrency: int, duration: float, start: int = 0) -> dict:
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    hits = [0]
    stop_at = time.perf_counter() + duration
    counter = iter(range(start, 10**12))

    async def worker():
        while time.perf_counter() < stop_at:
            i = next(counter)
            try:
                seconds, status, hit = await _one("127.0.0.1", port, requests[i % len(requests)])
            except OSError:
                seconds, status, hit = 0.0, -1, False
            hits[0] += hit
            latencies.append(seconds)
            statuses[status] = statuses.get(status, 0) + 1

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    elapsed = time.perf_counter() - started
    return {"requests": len(latencies), "seconds": elapsed, "statuses": statuses, "cache_hits": hits[0],
            "latencies_ms": sorted(x * 1000 for x in latencies)}


def client_main(spec_file: str) -> int:
    """``--client SPEC``: run one measurement described by a JSON file; print the result as JSON."""
    spec = json.loads(Path(spec_file).read_text())
    requests = [r.encode("latin-1") for r in spec["requests"]]
    result = asyncio.run(_drive(spec["port"], requests, spec["concurrency"], spec["duration"], spec.get("start", 0)))
    print(json.dumps(result))
    return 0


def _pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


_offsets: dict[int, int] = {}  # where the next measurement continues in each request list: the whole pool cycles


def _drive_once(port: int, requests: list[str], *, concurrency: int, duration: float, tmp: Path) -> dict:
    spec = tmp / f"spec-{os.getpid()}-{time.monotonic_ns()}.json"
    start = _offsets.get(id(requests), 0)
    spec.write_text(json.dumps({"port": port, "requests": requests, "concurrency": concurrency,
                                "duration": duration, "start": start}))
    out = subprocess.run([PY, __file__, "--client", str(spec)], capture_output=True, text=True, check=True)
    spec.unlink()
    raw = json.loads(out.stdout)
    _offsets[id(requests)] = (start + raw["requests"]) % len(requests)
    return raw


def _summary(raw: dict, concurrency: int) -> dict:
    lat = raw["latencies_ms"]
    ok = raw["statuses"].get("200", 0)
    return {"concurrency": concurrency, "requests": raw["requests"], "ok": ok,
            "cache_hit_rate": raw["cache_hits"] / raw["requests"] if raw["requests"] else 0.0,
            "errors": raw["requests"] - ok, "statuses": raw["statuses"],
            "rps": ok / raw["seconds"] if raw["seconds"] else 0.0,
            "p50_ms": _pct(lat, 50), "p95_ms": _pct(lat, 95), "p99_ms": _pct(lat, 99),
            "mean_ms": statistics.fmean(lat) if lat else float("nan")}


def measure(port: int, requests: list[str], *, concurrency: int, duration: float, tmp: Path) -> dict:
    return _summary(_drive_once(port, requests, concurrency=concurrency, duration=duration, tmp=tmp), concurrency)


def measure_pair(port: int, bare: list[str], lookups: list[str], *, concurrency: int, duration: float, slices: int,
                 tmp: Path) -> tuple[dict, dict]:
    """The bare endpoint and the lookup in alternating slices of ``duration / slices`` seconds each, summed: on a
    shared machine the noise then falls on both alike, which keeps their ratio meaningful."""
    totals = {"bare": [], "lookup": []}
    for _ in range(max(1, slices)):
        for name, requests in (("bare", bare), ("lookup", lookups)):
            totals[name].append(_drive_once(port, requests, concurrency=concurrency, duration=duration / slices,
                                            tmp=tmp))
    out = []
    for name in ("bare", "lookup"):
        parts = totals[name]
        statuses: dict[str, int] = {}
        for part in parts:
            for code, n in part["statuses"].items():
                statuses[code] = statuses.get(code, 0) + n
        merged = {"requests": sum(p["requests"] for p in parts), "seconds": sum(p["seconds"] for p in parts),
                  "statuses": statuses, "cache_hits": sum(p["cache_hits"] for p in parts),
                  "latencies_ms": sorted(x for p in parts for x in p["latencies_ms"])}
        out.append(_summary(merged, concurrency))
    return out[0], out[1]


def get(port: int, path: str) -> str:
    return f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"


def post_json(port: int, path: str, body: dict) -> str:
    data = json.dumps(body).encode()
    head = (f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(data)}\r\n\r\n")
    return head + data.decode("latin-1")


# ---------------------------------------------------------------- the registry and the keys


def manage(env: dict, *args: str, timeout: int = 7200) -> str:
    result = subprocess.run([PY, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=timeout)
    if result.returncode != 0:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{result.stderr[-3000:]}")
    return result.stdout + result.stderr


def shell(env: dict, code: str) -> str:
    return manage(env, "shell", "-c", code)


COUNT_CODE = """
from bench.generate_registry import generated_state
s = generated_state()
print("GENERATED", (s[1] + 1) if s else 0)
"""

KEYS_CODE = """
import json, random
from django.db import connection
rng = random.Random(%(seed)d)
with connection.cursor() as c:
    c.execute("SELECT MIN(id), MAX(id) FROM registry_domain")
    lo, hi = c.fetchone()
    ids = sorted({rng.randint(lo, hi) for _ in range(%(count)d * 2)})[:%(count)d * 2]
    rows = []
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        c.execute("SELECT d.ascii, d.status, w.status, e.status FROM registry_domain d "
                  "JOIN registry_website w ON w.id = d.website_id JOIN registry_entity e ON e.id = w.entity_id "
                  "WHERE d.id IN (%%s)" %% ",".join("%%s" for _ in chunk), chunk)
        rows += c.fetchall()
rng.shuffle(rows)
print("KEYS", json.dumps([[a, "filed" if (d, w, e) == ("active",) * 3 else "cancelled"] for a, d, w, e in rows]))
"""


def ensure_registry(env: dict, entities: int, *, say) -> dict:
    """Load (resume) the generator up to ``entities`` and rebuild the name index; returns timings."""
    out = shell(env, COUNT_CODE)
    have = int(out.split("GENERATED", 1)[1].split()[0])
    timing = {"entities_before": have, "load_seconds": 0.0, "index_seconds": 0.0}
    if have >= entities:
        say(f"registry already holds {have:,} generated entities")
        return timing
    say(f"loading {entities - have:,} entities (generator --resume) …")
    vendor = "postgresql" if env["BEIAN_DATABASE_URL"].startswith("postgres") else "sqlite"
    if vendor == "postgresql":
        manage(env, "lookup_index_rebuild", "--drop", "--quiet")  # one build afterwards beats COPY maintaining it
    started = time.monotonic()
    result = subprocess.run([PY, "bench/generate_registry.py", "--entities", str(entities), "--resume", "--quiet",
                             "--sample", "20"], cwd=ROOT, env=env, capture_output=True, text=True)
    if result.returncode not in (0, 1):
        raise SystemExit(f"generator failed ({result.returncode}):\n{result.stderr[-3000:]}")
    timing["load_seconds"] = time.monotonic() - started
    started = time.monotonic()
    manage(env, "lookup_index_rebuild", "--quiet")
    timing["index_seconds"] = time.monotonic() - started
    say(f"loaded in {timing['load_seconds']:,.0f} s, name index rebuilt in {timing['index_seconds']:,.0f} s")
    return timing


def keys(env: dict, count: int, seed: int) -> list[tuple[str, str]]:
    """``count`` (host spelling, expected status) pairs: 90 % registry domains drawn evenly, 10 % unfiled."""
    out = shell(env, KEYS_CODE % {"seed": seed, "count": count})
    filed = [tuple(x) for x in json.loads(out.split("KEYS", 1)[1].strip().splitlines()[0])]
    rng = random.Random(seed)
    picked = filed[: int(count * 0.9)]
    unfiled = [(f"nobody-{rng.randrange(10**12):012d}.cn", "unfiled") for _ in range(count - len(picked))]
    keys_ = picked + unfiled
    rng.shuffle(keys_)
    spelled = []
    for ascii_name, expected in keys_:
        form = rng.randrange(4)
        host = {0: ascii_name, 1: f"www.{ascii_name}", 2: ascii_name.upper(), 3: f"Shop.{ascii_name}."}[form]
        spelled.append((host, expected))
    return spelled


# ---------------------------------------------------------------- the server


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_env(database_url: str, *, cache_seconds: int = 0, rate: str = "1000000000/60",
               var_dir: str | None = None) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BEIAN_")}
    env.update({
        "DJANGO_SETTINGS_MODULE": "beian.settings", "BEIAN_DATABASE_URL": database_url, "BEIAN_ENV": "production",
        "BEIAN_SECRET_KEY": secrets.token_urlsafe(48), "BEIAN_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "BEIAN_LOOKUP_CACHE_SECONDS": str(cache_seconds), "BEIAN_LOOKUP_RATE_ADDRESS": rate,
        "BEIAN_LOG_LEVEL": "WARNING", "PYTHONPATH": str(ROOT),
    })
    if var_dir:
        env["BEIAN_VAR_DIR"] = var_dir
    if os.environ.get("BEIAN_REDIS_URL"):
        env["BEIAN_REDIS_URL"] = os.environ["BEIAN_REDIS_URL"]
    return env


class Server:
    """gunicorn (WSGI, ``workers`` sync workers) on a free loopback port; ``stop()`` ends it and its workers."""

    def __init__(self, env: dict, *, workers: int = 2, access_log: str | None = None):
        self.port = free_port()
        args = [str(BIN / "gunicorn"), "beian.wsgi", "--bind", f"127.0.0.1:{self.port}", "--workers", str(workers),
                "--worker-tmp-dir", "/dev/shm", "--graceful-timeout", "5"]
        if access_log:
            args += ["--access-logfile", access_log, "--access-logformat", "%(p)s %(s)s"]
        self.proc = subprocess.Popen(args, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                     text=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"gunicorn exited:\n{self.proc.stderr.read()[-3000:]}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as s:
                    s.sendall(get(self.port, "/api/lookup/ping").encode())
                    if b" 200 " in s.recv(100):
                        break
            except OSError:
                time.sleep(0.2)
        else:
            self.stop()
            raise SystemExit("gunicorn did not answer within 60 s")

    def worker_pids(self) -> list[int]:
        out = subprocess.run(["pgrep", "-P", str(self.proc.pid)], capture_output=True, text=True).stdout
        return [int(x) for x in out.split()]

    def worker_rss_mib(self) -> list[float]:
        rss = []
        for pid in self.worker_pids():
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        rss.append(int(line.split()[1]) / 1024)
            except OSError:
                continue
        return rss

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


# ---------------------------------------------------------------- checks (CI) and the run


def check_answers(port: int, host_keys: list[tuple[str, str]]) -> list[str]:
    """Every key answers 200 with the expected status; a batch answers each name in order."""
    import http.client

    problems = []

    def call(method, path, body=None):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        headers = {"Content-Type": "application/json"} if body is not None else {}
        conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
        response = conn.getresponse()
        data = response.read()
        conn.close()
        return response.status, json.loads(data or b"null")

    for host, expected in host_keys:
        status, body = call("GET", f"/api/lookup/domain?host={quote(host)}")
        if status != 200 or body.get("status") != expected:
            problems.append(f"{host}: {status} {body.get('status') if isinstance(body, dict) else body} "
                            f"(expected {expected})")
    hosts = [h for h, _ in host_keys[:100]]
    status, body = call("POST", "/api/lookup/batch", {"hosts": hosts})
    if status != 200 or [r["query"] for r in body["results"]] != hosts:
        problems.append(f"batch: {status}")
    else:
        wrong = [r["query"] for r, (_, e) in zip(body["results"], host_keys[:100], strict=True) if r["status"] != e]
        problems += [f"batch {w}: wrong status" for w in wrong]
    filed = [h for h, e in host_keys if e == "filed"]
    if filed:
        status, body = call("GET", f"/api/lookup/domain?host={quote(filed[0])}")
        number = body["record"]["website_number"]
        status, body = call("GET", f"/api/lookup/number?number={quote(number)}")
        if status != 200 or body.get("status") != "filed":
            problems.append(f"number {number}: {status}")
        name = body["results"][0]["entity_name"] if status == 200 else ""
        status, body = call("GET", f"/api/lookup/name?q={quote(name[:4])}")
        if status != 200 or not body.get("results"):
            problems.append(f"name {name[:4]}: {status} {body}")
    return problems


def run(args) -> dict:
    say = (lambda line: None) if args.quiet else (lambda line: print(line, file=sys.stderr, flush=True))
    tmp = Path(args.tmp_dir)
    tmp.mkdir(parents=True, exist_ok=True)
    base_env = server_env(args.database_url, var_dir=str(tmp))
    base_env["BEIAN_ENV"] = "development"
    manage(base_env, "migrate", "--noinput")
    manage(base_env, "createcachetable")
    report: dict = {"date": time.strftime("%Y-%m-%d %H:%M %Z"), "entities": args.entities,
                    "database": "postgresql" if args.database_url.startswith("postgres") else "sqlite",
                    "workers": args.workers, "duration_s": args.duration, "machine_cpus": os.cpu_count(),
                    "loadavg_start": [round(x, 2) for x in os.getloadavg()]}
    report["load"] = ensure_registry(base_env, args.entities, say=say)
    host_keys = keys(base_env, args.keys, args.seed)
    report["keys"] = {"count": len(host_keys), "unfiled": sum(1 for _, e in host_keys if e == "unfiled")}
    lookups = [get(0, f"/api/lookup/domain?host={quote(h)}") for h, _ in host_keys]
    bare = [get(0, "/api/lookup/ping")]
    batches = [post_json(0, "/api/lookup/batch", {"hosts": [h for h, _ in host_keys[i:i + 100]]})
               for i in range(0, max(1, len(host_keys) - 100), 100)]
    report["runs"] = []
    modes = ["off"] if args.check else args.cache.split(",")
    for mode in modes:
        env = server_env(args.database_url, cache_seconds=300 if mode == "on" else 0, var_dir=str(tmp))
        server = Server(env, workers=args.workers)
        try:
            say(f"server on :{server.port}, cache {mode}, workers {server.worker_pids()}")
            if args.check:
                problems = check_answers(server.port, host_keys)
                report["problems"] = problems
                report["runs"].append({"cache": mode, "check": "ok" if not problems else f"{len(problems)} problems"})
                continue
            rss_start = server.worker_rss_mib()
            measure(server.port, lookups[:2000], concurrency=4, duration=min(5.0, args.duration), tmp=tmp)  # warm
            if mode == "on" and args.warm_passes:
                # Steady state of a working set of len(lookups) names: each gunicorn worker has its own tier and a
                # request goes to either, so k passes leave ≈ 1 − 0.5^k of the pool in each (the hit rate is
                # measured from the X-Cache headers and reported with every row).
                warm_started, sent = time.monotonic(), 0
                while sent < args.warm_passes * len(lookups) and time.monotonic() - warm_started < 600:
                    probe = measure(server.port, lookups, concurrency=4, duration=10.0, tmp=tmp)
                    sent += probe["requests"]
                say(f"cache warmed for {time.monotonic() - warm_started:.0f} s: hit rate {probe['cache_hit_rate']:.2f}")
            for c in [int(x) for x in args.concurrency.split(",")]:
                b, lk = measure_pair(server.port, bare, lookups, concurrency=c, duration=args.duration,
                                     slices=args.slices, tmp=tmp)
                row = {"cache": mode, "concurrency": c, "bare": b, "lookup": lk,
                       "ratio": lk["rps"] / b["rps"] if b["rps"] else 0.0}
                report["runs"].append(row)
                say(f"cache {mode} c={c}: bare {b['rps']:,.0f}/s p99 {b['p99_ms']:.1f} ms | lookup "
                    f"{lk['rps']:,.0f}/s p50 {lk['p50_ms']:.1f} p99 {lk['p99_ms']:.1f} ms | ratio {row['ratio']:.2f}"
                    f" | hits {lk['cache_hit_rate']:.2f} | errors {lk['errors']}")
            bt = measure(server.port, batches, concurrency=1, duration=args.duration, tmp=tmp)
            report["runs"].append({"cache": mode, "batch100": bt})
            say(f"cache {mode} batch of 100: p50 {bt['p50_ms']:.1f} p95 {bt['p95_ms']:.1f} ms, errors {bt['errors']}")
            report.setdefault("rss_mib", {})[mode] = {"start": rss_start, "end": server.worker_rss_mib()}
        finally:
            server.stop()
    report["loadavg_end"] = [round(x, 2) for x in os.getloadavg()]
    return report


def summary(report: dict) -> str:
    lines = [f"# lookup bench {report['date']}: {report['database']}, {report['entities']:,} entities, "
             f"{report['workers']} gunicorn workers, {report['machine_cpus']} CPUs",
             f"load: {report['load']}", f"keys: {report['keys']}",
             f"machine load average (1/5/15 min): start {report.get('loadavg_start')}, end {report.get('loadavg_end')}"]
    lines.append("| cache | conc. | bare req/s | bare p99 ms | lookup req/s | lookup p50 ms | lookup p99 ms | ratio "
                 "| hit rate |")
    lines.append("|---|---|---|---|---|---|---|---|---|")
    for r in report["runs"]:
        if "bare" in r:
            b, lk = r["bare"], r["lookup"]
            lines.append(f"| {r['cache']} | {r['concurrency']} | {b['rps']:,.0f} | {b['p99_ms']:.1f} | "
                         f"{lk['rps']:,.0f} | {lk['p50_ms']:.1f} | {lk['p99_ms']:.1f} | {r['ratio']:.2f} | "
                         f"{lk['cache_hit_rate']:.2f} |")
    for r in report["runs"]:
        if "batch100" in r:
            bt = r["batch100"]
            lines.append(f"batch of 100 (cache {r['cache']}): p50 {bt['p50_ms']:.1f} ms, p95 {bt['p95_ms']:.1f} ms")
        if "check" in r:
            lines.append(f"check: {r['check']}")
    for mode, rss in report.get("rss_mib", {}).items():
        lines.append(f"worker RSS (cache {mode}): start {[round(x) for x in rss['start']]} MiB, "
                     f"end {[round(x) for x in rss['end']]} MiB")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--client", help=argparse.SUPPRESS)
    parser.add_argument("--database-url", default=f"sqlite:///{ROOT / 'var' / 'bench-lookup.sqlite3'}")
    parser.add_argument("--entities", type=int, default=1000)
    parser.add_argument("--keys", type=int, default=20000, help="distinct lookup keys (default 20000)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--duration", type=float, default=15.0, help="seconds per measurement (default 15)")
    parser.add_argument("--concurrency", default="1,4,8", help="client connections, comma-separated")
    parser.add_argument("--cache", default="off,on", help="cache modes to run: off,on")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--slices", type=int, default=5,
                        help="bare and lookup alternate in this many slices of each measurement (default 5)")
    parser.add_argument("--warm-passes", type=int, default=4,
                        help="cache on: requests over the key pool before measuring, in passes (default 4; 0: none)")
    parser.add_argument("--check", action="store_true", help="CI: N small, no timing, exit 1 on a wrong answer")
    parser.add_argument("--json", help="write the report as JSON here")
    parser.add_argument("--tmp-dir", default=str(ROOT / "var" / "bench-tmp"))
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args(argv)
    if args.client:
        return client_main(args.client)
    if args.check:
        args.keys = min(args.keys, 300)
    report = run(args)
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=1, ensure_ascii=False))
    print(summary(report))
    if args.check and report.get("problems"):
        print("\n".join(report["problems"][:50]), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
