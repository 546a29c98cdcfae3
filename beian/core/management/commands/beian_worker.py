"""``manage.py beian_worker``: Beian's background process — periodic sweeps, the outbox and django-tasks.

Each tick: run the due sweeps (``beian.core.sweeps``; the outbox delivery is one of them), then run the
django-tasks database tasks that are ready (``django_tasks_db``'s own claim and run code). It sleeps
``--interval`` seconds only when a tick found nothing to do. Run more of them (against PostgreSQL) to scale:
outbox rows and tasks are claimed per row and exclusive sweeps once per interval. SIGTERM/SIGINT finish the
current item and exit; unattempted outbox rows of the current batch are given back at once.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import threading

from django.core.management.base import BaseCommand
from django.db import close_old_connections
from django.db.utils import OperationalError
from django.utils.crypto import get_random_string

from beian.core import sweeps

log = logging.getLogger("beian.worker")


class TaskRunner:
    """Runs ready django-tasks DB tasks with django_tasks_db's Worker (claim in an exclusive transaction)."""

    def __init__(self, worker_id: str):
        from django_tasks import task_backends
        from django_tasks_db.backend import DatabaseBackend

        default_task_backend = task_backends["default"]
        self.enabled = isinstance(default_task_backend, DatabaseBackend)
        self.worker = None
        if self.enabled:
            from django_tasks_db.management.commands.db_worker import Worker

            self.backend_name = default_task_backend.alias
            self.worker = Worker(queue_names=["*"], interval=0, batch=True, backend_name=self.backend_name,
                                 startup_delay=False, max_tasks=None, worker_id=worker_id, excluded_queue_names=[])

    def run_available(self, *, limit: int, stop) -> int:
        if not self.enabled:
            return 0
        from django_tasks_db.models import DBTaskResult
        from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

        ran = 0
        while ran < limit and not stop():
            tasks = DBTaskResult.objects.ready().filter(backend_name=self.backend_name)
            try:
                with exclusive_transaction(tasks.db):
                    result = tasks.get_locked()
                    if result is not None:
                        result.claim(self.worker.worker_id)
            except OperationalError as exc:
                if is_locked_database_exception(exc):
                    return ran
                raise
            if result is None:
                return ran
            self.worker.run_task(result)
            ran += 1
        return ran


class Command(BaseCommand):
    help = "Run Beian's background worker: periodic sweeps, outbox delivery and django-tasks database tasks."

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=1.0,
                            help="Seconds to sleep when there is nothing to do (default 1.0).")
        parser.add_argument("--once", action="store_true",
                            help="Work until nothing is due (sweeps, outbox, tasks), then exit.")
        parser.add_argument("--tasks-per-tick", type=int, default=20,
                            help="At most this many django-tasks per tick before sweeps run again.")
        parser.add_argument("--worker-id", default="",
                            help="Unique name of this worker in logs and claims (default host:pid:random).")

    def handle(self, *, interval: float, once: bool, tasks_per_tick: int, worker_id: str, **options):
        worker_id = (worker_id or f"{socket.gethostname()}:{os.getpid()}:{get_random_string(6)}")[:64]
        stopping = threading.Event()

        def on_signal(signum, frame):
            if stopping.is_set():
                raise SystemExit(1)  # second signal: stop now
            log.info("worker %s: %s received, finishing the current item", worker_id, signal.strsignal(signum))
            stopping.set()

        signal.signal(signal.SIGTERM, on_signal)
        signal.signal(signal.SIGINT, on_signal)
        sweeps.worker_set(worker_id=worker_id, stop=stopping.is_set)
        registry = sweeps.sweeps_discover()
        tasks = TaskRunner(worker_id)
        log.info("worker %s started: sweeps=%s tasks=%s", worker_id, ",".join(sorted(registry)),
                 "db" if tasks.enabled else "off")
        while not stopping.is_set():
            close_old_connections()
            try:
                work = sweeps.sweeps_run_due(worker_id=worker_id)
                if not stopping.is_set():
                    work += tasks.run_available(limit=tasks_per_tick, stop=stopping.is_set)
            except OperationalError as exc:  # database briefly unavailable or locked: try again next tick
                log.warning("worker %s: database error %s; retrying", worker_id, type(exc).__name__)
                close_old_connections()
                work = 0
            if work == 0:
                if once:
                    break
                stopping.wait(interval)
        log.info("worker %s stopped", worker_id)
