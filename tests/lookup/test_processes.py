"""With the real server: the rate limit holds across 2 gunicorn workers (shared store), and the harness's CI mode
(bench/lookup_bench.py --check at N = 1,000, no timing) passes so it cannot rot."""

from __future__ import annotations

import collections
import http.client
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
