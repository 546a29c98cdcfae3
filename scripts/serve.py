#!/usr/bin/env python
"""Serve Beian as `make run` does: gunicorn (WSGI) and the task worker, each its own process.

Stops both when either exits or on Ctrl-C, so a crashed worker never goes unnoticed.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", default="8000")
    parser.add_argument("--web-workers", default=os.environ.get("BEIAN_WEB_WORKERS", "2"))
    args = parser.parse_args()
    bin_dir = Path(sys.executable).parent
    env = dict(os.environ)
    env.setdefault("DJANGO_SETTINGS_MODULE", "beian.settings")
    web = subprocess.Popen(
        [str(bin_dir / "gunicorn"), "beian.wsgi", "--bind", f"{args.host}:{args.port}",
         "--workers", str(args.web_workers), "--access-logfile", "-", "--worker-tmp-dir", "/dev/shm"],
        cwd=ROOT, env=env)
    worker = subprocess.Popen([sys.executable, "manage.py", "beian_worker"], cwd=ROOT, env=env)
    procs = {"web server": web, "task worker": worker}

    def stop(*_):
        for proc in procs.values():
            if proc.poll() is None:
                proc.terminate()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        while True:
            for name, proc in procs.items():
                if proc.poll() is not None:
                    print(f"beian: the {name} exited with {proc.returncode}; stopping.", file=sys.stderr)
                    stop()
                    for other in procs.values():
                        other.wait(timeout=20)
                    return proc.returncode or 0
            time.sleep(0.5)
    finally:
        stop()


if __name__ == "__main__":
    sys.exit(main())
