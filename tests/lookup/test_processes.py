"""With the real server: the rate limit holds across 2 gunicorn workers (shared store), and the harness's CI mode
(bench/lookup_bench.py --check at N = 1,000, no timing) passes so it cannot rot."""

from __future__ import annotations

import collections
import http.client
import json
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from bench import lookup_bench

ROOT = Path(__file__).resolve().parents[2]
LIMIT, WINDOW = 20, 3600


@pytest.mark.slow
def test_the_rate_limit_holds_across_two_gunicorn_workers(tmp_path):
    url = f"sqlite:///{tmp_path / 'rl.sqlite3'}"
    env = lookup_bench.server_env(url, rate=f"{LIMIT}/{WINDOW}", var_dir=str(tmp_path))
    dev = {**env, "BEIAN_ENV": "development"}
    lookup_bench.manage(dev, "migrate", "--noinput")
    lookup_bench.manage(dev, "createcachetable")
    if WINDOW - time.time() % WINDOW < 60:  # do not straddle a window boundary
        time.sleep(WINDOW - time.time() % WINDOW + 1)
    log = tmp_path / "access.log"
    server = lookup_bench.Server(env, workers=2, access_log=str(log))
    try:
        assert len(server.worker_pids()) == 2

        def call(i):
            conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
            conn.request("GET", f"/api/lookup/domain?host=site{i}.cn")
            response = conn.getresponse()
            response.read()
            conn.close()
            return response.status, response.getheader("Retry-After")

        with ThreadPoolExecutor(max_workers=8) as pool:
            results = list(pool.map(call, range(3 * LIMIT)))
    finally:
        server.stop()
    counts = collections.Counter(status for status, _ in results)
    assert counts == {200: LIMIT, 429: 2 * LIMIT}, counts
    assert all(int(retry) >= 1 for status, retry in results if status == 429)
    served_by = {line.split()[0] for line in log.read_text().splitlines() if line.strip()}
    assert len(served_by) == 2, f"both workers must have served requests: {served_by}"


@pytest.mark.slow
def test_the_bench_harness_check_mode_passes(tmp_path):
    result = subprocess.run(
        [sys.executable, "bench/lookup_bench.py", "--check", "--entities", "1000", "--quiet",
         "--database-url", f"sqlite:///{tmp_path / 'bench.sqlite3'}", "--tmp-dir", str(tmp_path)],
        cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-3000:]
    assert "check: ok" in result.stdout


RENAME_CODE = """
from beian.registry.models import Entity, Website
from beian.registry.services import registry_changed
site = Website.objects.get(domains__ascii=%(ascii)r)
Website.objects.filter(pk=site.pk).update(name=%(name)r)
if %(signal)r:  # what an approval does after it commits
    registry_changed.send(sender=Entity, entity_id=site.entity_id)
"""


@pytest.mark.slow
def test_an_approval_reaches_the_answer_cache_of_every_gunicorn_worker(tmp_path):
    url = f"sqlite:///{tmp_path / 'cache.sqlite3'}"
    env = lookup_bench.server_env(url, cache_seconds=300, var_dir=str(tmp_path))
    dev = {**env, "BEIAN_ENV": "development"}
    lookup_bench.manage(dev, "migrate", "--noinput")
    lookup_bench.manage(dev, "createcachetable")
    lookup_bench.ensure_registry(dev, 20, say=lambda line: None)
    ascii_name = lookup_bench.keys(dev, 10, 1)[0][0].lower().removeprefix("www.").removeprefix("shop.").rstrip(".")
    log = tmp_path / "access.log"
    server = lookup_bench.Server(env, workers=2, access_log=str(log))

    def names() -> set[str]:
        def call(_):
            conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
            conn.request("GET", f"/api/lookup/domain?host={ascii_name}")
            body = conn.getresponse().read()
            conn.close()
            return json.loads(body)["record"]["website_name"]

        with ThreadPoolExecutor(max_workers=8) as pool:
            return set(pool.map(call, range(80)))

    try:
        # Until both workers have served (and cached) the answer: with the answer cached, one worker can take a
        # whole burst on a busy machine.
        for _ in range(20):
            original = names()
            served_by = {line.split()[0] for line in log.read_text().splitlines() if line.strip()}
            if len(served_by) == 2:
                break
        assert len(served_by) == 2, f"both workers must have served (and cached) the answer: {served_by}"
        lookup_bench.shell(dev, RENAME_CODE % {"ascii": ascii_name, "name": "不经审批的改名", "signal": False})
        assert names() == original  # both workers answer from their own tier
        lookup_bench.shell(dev, RENAME_CODE % {"ascii": ascii_name, "name": "审批后的新名称", "signal": True})
        time.sleep(0.8)  # one poll interval (500 ms) and some
        assert names() == {"审批后的新名称"}
    finally:
        server.stop()
