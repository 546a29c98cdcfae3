#!/usr/bin/env python
"""E-mail delivery rate of ``manage.py beian_worker`` to a local SMTP server (aiosmtpd on 127.0.0.1).

Makes a file SQLite database in a temp dir, queues N notifications (one inbox message + one e-mail each), starts
W worker processes and times them until every outbox row is sent. Prints e-mails/s (and outbox rows/s).

    .venv/bin/python bench/notify_delivery.py --messages 1000 --workers 1
    BEIAN_BENCH_DATABASE_URL=postgresql://root@127.0.0.1/bench_notify .venv/bin/python bench/notify_delivery.py
"""

from __future__ import annotations

import argparse
import os
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

QUEUE = """
from django.contrib.auth.hashers import make_password
from django.db import transaction
from beian.accounts.models import User
from beian.notify.services import notification_queue
pw = make_password(None)
User.objects.bulk_create([User(username=f"bench{i}", email=f"bench{i}@example.com", password=pw) for i in range(N)])
users = list(User.objects.filter(username__startswith="bench"))
for i in range(0, len(users), 100):
    with transaction.atomic():
        notification_queue(event="order_expired", recipients=users[i:i + 100])
"""

COUNT = """
from beian.notify.models import Outbox
print(Outbox.objects.exclude(status="sent").count())
"""


class Sink:
    def __init__(self):
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        return "250 OK"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--batch", type=int, default=50)
    args = parser.parse_args()
    from aiosmtpd.controller import Controller

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    tmp = Path(tempfile.mkdtemp(prefix="beian-bench-notify-"))
    url = os.environ.get("BEIAN_BENCH_DATABASE_URL") or f"sqlite:///{tmp / 'db.sqlite3'}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("BEIAN_")}
    env.update({"DJANGO_SETTINGS_MODULE": "beian.settings", "BEIAN_DATABASE_URL": url, "BEIAN_VAR_DIR": str(tmp),
                "BEIAN_EMAIL_HOST": "127.0.0.1", "BEIAN_EMAIL_PORT": str(port), "BEIAN_LOG_LEVEL": "WARNING",
                "BEIAN_OUTBOX_BATCH": str(args.batch), "BEIAN_DEBUG": "false"})

    def manage(*a):
        return subprocess.run([sys.executable, "manage.py", *a], cwd=ROOT, env=env, check=True, capture_output=True,
                              text=True)

    manage("migrate", "-v0")
    manage("shell", "-c", QUEUE.replace("range(N)", f"range({args.messages})"))

    def left() -> int:
        if url.startswith("sqlite"):
            con = sqlite3.connect(tmp / "db.sqlite3", timeout=20)
            try:
                return con.execute("SELECT count(*) FROM notify_outbox WHERE status != 'sent'").fetchone()[0]
            finally:
                con.close()
        return int(manage("shell", "-c", COUNT).stdout.strip().splitlines()[-1])

    start = time.perf_counter()
    workers = [subprocess.Popen([sys.executable, "manage.py", "beian_worker", "--once"], cwd=ROOT, env=env)
               for _ in range(args.workers)]
    for w in workers:
        w.wait()
    elapsed = time.perf_counter() - start
    remaining = left()
    controller.stop()
    db = "postgresql" if url.startswith("postgres") else "sqlite"
    print(f"{args.messages} e-mails + {args.messages} inbox rows, {args.workers} worker(s), batch {args.batch}, "
          f"{db}: {elapsed:.2f} s incl. worker start-up → {sink.count / elapsed:.0f} e-mails/s, "
          f"{2 * args.messages / elapsed:.0f} outbox rows/s; {sink.count} received, {remaining} not sent")
    return 0 if remaining == 0 and sink.count >= args.messages else 1


if __name__ == "__main__":
    sys.exit(main())
