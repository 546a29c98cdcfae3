"""The worker as a real process: SIGKILL mid-batch against a real SMTP server, restart, nothing lost or doubled.

Uses a file SQLite database made with ``migrate`` in a temp dir (processes cannot share the in-memory test DB)
and aiosmtpd on 127.0.0.1 (random port) as the mail server.
"""

from __future__ import annotations

import asyncio
import email
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
N = 200


class Collector:
    """aiosmtpd handler: records each message's Message-ID; slow enough that a kill lands mid-batch."""

    def __init__(self, delay: float):
        self.ids: list[str] = []
        self.delay = delay
        self.kill_at: tuple[int, int] | None = None  # (n, pid): SIGKILL pid once the n-th message has arrived

    async def handle_DATA(self, server, session, envelope):
        msg = email.message_from_bytes(envelope.original_content or envelope.content)
        if self.delay:
            await asyncio.sleep(self.delay)
        self.ids.append(msg["Message-ID"])
        if self.kill_at and len(self.ids) == self.kill_at[0]:
            # The worst moment: the server has the message, the worker never hears "250".
            os.kill(self.kill_at[1], signal.SIGKILL)
        return "250 OK"


@pytest.fixture
def smtp():
    from aiosmtpd.controller import Controller

    collector = Collector(delay=0.0)
    with socket.socket() as probe:  # aiosmtpd's readiness check needs a concrete port
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(collector, hostname="127.0.0.1", port=port)
    controller.start()
    yield collector, port
    controller.stop()


def _env(tmp: Path, port: int) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BEIAN_") and k != "DJANGO_SETTINGS_MODULE"}
    env.update({"DJANGO_SETTINGS_MODULE": "beian.settings", "BEIAN_DATABASE_URL": f"sqlite:///{tmp / 'db.sqlite3'}",
                "BEIAN_VAR_DIR": str(tmp), "BEIAN_EMAIL_HOST": "127.0.0.1", "BEIAN_EMAIL_PORT": str(port),
                "BEIAN_OUTBOX_LEASE_SECONDS": "2", "BEIAN_OUTBOX_BATCH": "10", "BEIAN_LOG_LEVEL": "WARNING",
                "BEIAN_DEBUG": "false"})
    return env


def _manage(env, *args, check=True):
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=check,
                          capture_output=True, text=True, timeout=300)


def _worker(env):
    return subprocess.Popen([sys.executable, "manage.py", "beian_worker", "--interval", "0.2"], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def _query(db: Path, sql: str):
    con = sqlite3.connect(db, timeout=20)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


QUEUE = f"""
from django.contrib.auth.hashers import make_password
from beian.accounts.models import User
from beian.notify.services import notification_queue
from tests.notify.worker_tasks import touch
import sys
pw = make_password(None)
users = User.objects.bulk_create([User(username=f"crash{{i}}", email=f"crash{{i}}@example.com", password=pw)
                                  for i in range({N})])
notification_queue(event="order_expired", recipients=User.objects.filter(username__startswith="crash"))
touch.enqueue(sys.argv[-1])
"""


@pytest.mark.slow
def test_worker_killed_mid_batch_loses_nothing_and_duplicates_nothing(tmp_path, smtp):
    collector, port = smtp
    env = _env(tmp_path, port)
    db = tmp_path / "db.sqlite3"
    _manage(env, "migrate", "-v0")
    marker = tmp_path / "task-ran"
    script = tmp_path / "queue.py"
    script.write_text(QUEUE.replace("sys.argv[-1]", repr(str(marker))))
    _manage(env, "shell", "-c", script.read_text())
    keys = {k for (k,) in _query(db, "SELECT idempotency_key FROM notify_outbox WHERE channel='email'")}
    assert len(keys) == N

    first = _worker(env)
    collector.kill_at = (43, first.pid)
    first.wait(timeout=60)
    assert first.returncode == -signal.SIGKILL
    delivered_before_kill = len(collector.ids)
    assert 0 < delivered_before_kill < N, "the kill must land mid-run"
    assert _query(db, "SELECT count(*) FROM notify_outbox WHERE status='sending'")[0][0] > 0

    second = _worker(env)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            left = _query(db, "SELECT count(*) FROM notify_outbox WHERE status != 'sent'")[0][0]
            if left == 0 and marker.exists():
                break
            time.sleep(0.2)
        assert left == 0, f"{left} outbox rows not sent"
        assert marker.read_text() == "done"  # the worker also ran the django-tasks DB task
    finally:
        second.send_signal(signal.SIGTERM)
        rc = second.wait(timeout=20)
    assert rc == 0, second.stderr.read()

    received = Counter(collector.ids)
    print(f"killed after {delivered_before_kill}; received {sum(received.values())} for {N} messages")
    assert {f"<{k}@beian>" for k in keys} == set(received), "every message arrived, nothing foreign"
    # At least once: a re-send after the crash carries the same Message-ID, so duplicates are recognisable.
    assert sum(received.values()) >= N
    lost_ack = collector.ids[42]
    assert received[lost_ack] == 2, "the message whose 250 was lost is re-sent with the same Message-ID"
    retried = _query(db, "SELECT count(*) FROM notify_outbox WHERE attempts >= 2")[0][0]
    assert retried > 0, "rows claimed by the killed worker were recovered after their lease"
    total, distinct, users = _query(db, "SELECT count(*), count(DISTINCT outbox_key), count(DISTINCT user_id) "
                                        "FROM notify_inboxmessage")[0]
    assert total == distinct == users == N
    assert _query(db, "SELECT count(*) FROM notify_deliverylog WHERE ok=1")[0][0] >= 2 * N


@pytest.mark.slow
def test_worker_once_exits_when_idle_and_sigterm_stops_it(tmp_path, smtp):
    _, port = smtp
    env = _env(tmp_path, port)
    _manage(env, "migrate", "-v0")
    t0 = time.monotonic()
    assert _manage(env, "beian_worker", "--once").returncode == 0
    assert time.monotonic() - t0 < 30
    proc = _worker(env)
    time.sleep(2)
    assert proc.poll() is None
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=10) == 0
    names = {n for (n,) in _query(tmp_path / "db.sqlite3", "SELECT name FROM core_sweeprun")}
    assert "notify.prune" in names
