"""The real worker process returns an order whose SMS window ended to the provider (file SQLite database)."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SWEEP_EVERY = 30  # seconds: beian/bureau/sweeps.py

SEED = """
import datetime as dt
from django.utils import timezone
from beian.accounts.models import Role, User
from beian.orders import services
from beian.orders.models import Order
from beian.registry.demo import filed_entity_create, zhejiang_enterprise_state

a = User.objects.create_user(username="a", password="Passw0rd!beian", role=Role.APPLICANT)
r = User.objects.create_user(username="r", password="Passw0rd!beian", role=Role.PROVIDER_REVIEWER)
filed_entity_create(owner=a, state=zhejiang_enterprise_state())
o = services.order_create(user=a, type="change")
p = o.proposed
p["entity"]["name"] = "杭州云栖智能科技有限公司"
services.order_update(user=a, order_id=o.pk, proposed=p)
services.order_submit(user=a, order_id=o.pk)
services.order_claim(reviewer=r, order_id=o.pk)
o = services.order_approve(reviewer=r, order_id=o.pk)
assert o.state == "sms_verification", o.state
Order.objects.filter(pk=o.pk).update(due_at=timezone.now() - dt.timedelta(minutes=1))
print("ORDER", o.pk)
"""


def _run(args, env, timeout=300):
    result = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=timeout)
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


@pytest.mark.slow
def test_worker_returns_an_expired_sms_order_to_the_provider(tmp_path):
    db_file = tmp_path / "worker.sqlite3"
    env = {**os.environ, "BEIAN_DATABASE_URL": f"sqlite:///{db_file}", "BEIAN_VAR_DIR": str(tmp_path),
           "BEIAN_ENV": "test", "BEIAN_LOG_LEVEL": "WARNING"}
    env.pop("BEIAN_REDIS_URL", None)
    _run(["migrate", "--noinput"], env)
    _run(["createcachetable"], env)
    out = _run(["shell", "-c", SEED], env)
    order_id = int(out.split("ORDER", 1)[1].split()[0])

    worker = subprocess.Popen([sys.executable, "manage.py", "beian_worker", "--interval", "0.5"], cwd=ROOT, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 2 * SWEEP_EVERY
        state = None
        while time.monotonic() < deadline:
            with sqlite3.connect(db_file, timeout=10) as conn:
                state, failed = conn.execute("SELECT state, sms_failed FROM orders_order WHERE id = ?",
                                             (order_id,)).fetchone()
            if state == "provider_review":
                break
            assert worker.poll() is None, worker.stdout.read()[-3000:]
            time.sleep(0.5)
        assert state == "provider_review" and failed == 1
        with sqlite3.connect(db_file, timeout=10) as conn:
            event, reason = conn.execute("SELECT event, reason FROM orders_orderhistory WHERE order_id = ? "
                                         "ORDER BY id DESC LIMIT 1", (order_id,)).fetchone()
            session = conn.execute("SELECT status, end_reason FROM bureau_smssession WHERE order_id = ?",
                                   (order_id,)).fetchone()
        assert (event, reason) == ("sms_failed", "timeout")
        assert session == ("failed", "timeout")
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
