"""A live Beian for browser tests: a migrated file SQLite database, gunicorn and the task worker as processes.

pytest-django's ``live_server`` runs in a thread against the in-memory test database, which the worker process
cannot see; a process-started gunicorn against a file database is what ``make run`` does, so the browser tests
use that — with DEBUG off (collected, hashed static files; the real 403/404 pages). The SMS code side channel
reads the recording SMS backend's table (``notify_smsmessage``) with sqlite3.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
PASSWORD = "Passw0rd!beian"
SCREENSHOTS = Path(os.environ.get("BEIAN_SCREENSHOT_DIR", ROOT / "var" / "screenshots"))

SEED = r"""
from beian.accounts.models import Role, User
from beian.registry.demo import beijing_individual_state, filed_entity_create, zhejiang_enterprise_state
from beian.registry.models import Province

def user(name, role, provinces=()):
    u = User.objects.create_user(username=name, password="Passw0rd!beian", role=role, email=f"{name}@example.com")
    if provinces:
        u.bureau_provinces.set(Province.objects.filter(code__in=provinces))
    return u

zj = user("zj_company", Role.APPLICANT)
bj = user("bj_person", Role.APPLICANT)
user("nobody", Role.APPLICANT)
user("reviewer", Role.PROVIDER_REVIEWER)
user("bureau_zj", Role.BUREAU_REVIEWER, ("330000",))
user("bureau_bj", Role.BUREAU_REVIEWER, ("110000",))
filed_entity_create(owner=zj, state=zhejiang_enterprise_state())
filed_entity_create(owner=bj, state=beijing_individual_state())

# A second enterprise in 浙江 with two websites, for the cancellation journey (valid USCC and resident ID).
shop = user("zj_shop", Role.APPLICANT)
state = zhejiang_enterprise_state()
person = {**state["entity"]["principal"], "name": "陈明", "certificate_number": "330106198804120523",
          "mobile": "13957198765", "emergency_phone": "057188005678", "email": "chen@yunqi-mall.cn"}
state["entity"].update(name="杭州云栖电子商务有限公司", certificate_number="91330106MA2B0K9Q5G",
                       superior_unit="杭州云栖电子商务有限公司", principal=person)
for site, (name, domain, ip) in zip(state["websites"], [("云栖商城", "yunqi-mall.cn", "47.96.10.31"),
                                                       ("云栖优选", "yunqi-youxuan.cn", "47.96.10.32")]):
    site.update(name=name, home_url=f"www.{domain}", domains=[domain], principal=person)
    site["access"][0]["ip_ranges"] = [{"start": ip, "end": ip}]
filed_entity_create(owner=shop, state=state)
print("SEEDED")
"""


def require_chromium() -> None:
    """Chromium and Playwright are system parts: with CI=true their absence fails the test, else it skips loudly."""
    missing = []
    if not Path(CHROMIUM).exists():
        missing.append(f"{CHROMIUM} (apt package chromium)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing.append("the playwright package (pip)")
    if not missing:
        return
    message = "browser tests need " + " and ".join(missing)
    if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
        pytest.fail(message + " — CI=true, so this is a failure", pytrace=False)
    sys.stderr.write(f"\n*** SKIPPING BROWSER TESTS: {message} ***\n")
    pytest.skip(message)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _run(args: list[str], env: dict, timeout: int = 300) -> str:
    result = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=timeout)
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


@dataclass
class LiveSite:
    url: str
    db_file: Path
    procs: list = field(default_factory=list)

    def sql(self, query: str, args: tuple = ()) -> list:
        with sqlite3.connect(self.db_file, timeout=20) as conn:
            return conn.execute(query, args).fetchall()

    def sms_code(self, phone: str, *, after_id: int = 0, timeout: float = 30) -> tuple[int, str]:
        """The newest SMS code recorded for ``phone`` after row ``after_id`` — the one allowed side channel."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            rows = self.sql("SELECT id, text FROM notify_smsmessage WHERE phone = ? AND id > ? ORDER BY id DESC",
                            (phone, after_id))
            for row_id, text in rows:
                match = re.search(r"(?<!\d)(\d{6})(?!\d)", text)
                if match:
                    return row_id, match.group(1)
            time.sleep(0.3)
        raise AssertionError(f"no SMS code for {phone} within {timeout}s")

    def last_sms_id(self) -> int:
        return self.sql("SELECT COALESCE(MAX(id), 0) FROM notify_smsmessage")[0][0]

    def stop(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in self.procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def start_site(tmp: Path) -> LiveSite:
    db_file = tmp / "web.sqlite3"
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    env = {**os.environ, "BEIAN_DATABASE_URL": f"sqlite:///{db_file}", "BEIAN_VAR_DIR": str(tmp),
           "BEIAN_ENV": "development", "BEIAN_DEBUG": "false", "BEIAN_LOG_LEVEL": "WARNING", "BEIAN_SITE_URL": url,
           "BEIAN_LOGIN_FAILURE_LIMIT": "50", "DJANGO_SETTINGS_MODULE": "beian.settings"}
    env.pop("BEIAN_REDIS_URL", None)
    env.pop("PYTEST_CURRENT_TEST", None)
    _run(["migrate", "--noinput"], env)
    _run(["createcachetable"], env)
    _run(["collectstatic", "--noinput", "-v", "0"], env)  # DEBUG off: hashed, compressed static as in production
    assert "SEEDED" in _run(["shell", "-c", SEED], env)
    bin_dir = Path(sys.executable).parent
    site = LiveSite(url=url, db_file=db_file)
    log = open(tmp / "server.log", "w")  # noqa: SIM115 — closed with the process
    site.procs.append(subprocess.Popen(
        [str(bin_dir / "gunicorn"), "beian.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "2",
         "--threads", "2", "--timeout", "60", "--access-logfile", "-", "--worker-tmp-dir", "/dev/shm"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT))
    site.procs.append(subprocess.Popen([sys.executable, "manage.py", "beian_worker", "--interval", "0.3"],
                                       cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT))
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                break
        except OSError:
            assert site.procs[0].poll() is None, (tmp / "server.log").read_text()[-3000:]
            time.sleep(0.3)
    else:
        site.stop()
        raise AssertionError("gunicorn did not start")
    return site
