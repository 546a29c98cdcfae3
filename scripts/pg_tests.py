#!/usr/bin/env python
"""Run the database-dependent tests (marked db_specific / postgres_only) on PostgreSQL.

The URL comes from BEIAN_TEST_DATABASE_URL. Without it: with CI=true the run fails (CI must test
PostgreSQL); on a laptop it is skipped with a loud notice.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    url = os.environ.get("BEIAN_TEST_DATABASE_URL", "")
    ci = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
    if not url:
        banner = "#" * 78
        message = ("PostgreSQL tests SKIPPED: BEIAN_TEST_DATABASE_URL is not set.\n"
                   "Set it (e.g. postgresql://postgres@127.0.0.1:5432/postgres) or run .ci/run.")
        print(f"\n{banner}\n{message}\n{banner}\n", file=sys.stderr)
        return 1 if ci else 0
    env = dict(os.environ, BEIAN_DATABASE_URL=url)
    cmd = [str(Path(sys.executable).parent / "pytest"), "-q", "-m", "db_specific or postgres_only", "-p", "no:xdist"]
    result = subprocess.run(cmd, cwd=ROOT, env=env)
    # pytest exits 5 when nothing was selected; that is not a failure here.
    return 0 if result.returncode == 5 else result.returncode


if __name__ == "__main__":
    sys.exit(main())
