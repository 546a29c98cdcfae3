"""Typed helpers that read Beian's configuration from the environment.

Every setting comes from one place (``BEIAN_*`` variables) and bad values fail start-up with a message
that names the variable and says what to fix, instead of a stack trace deep inside Django.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

from django.core.exceptions import ImproperlyConfigured


def env_str(name: str, default: str | None = None, *, required: bool = False) -> str | None:
    value = os.environ.get(name)
    if value is None or value == "":
        if required:
            raise ImproperlyConfigured(f"{name} must be set (see the configuration table in README.md).")
        return default
    return value


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name}={value!r} is not a boolean: use true or false.")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not an integer.") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name}={number} must be at least {minimum}.")
    return number


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def database_from_url(url: str, *, base_dir: Path, setting: str = "BEIAN_DATABASE_URL") -> dict:
    """Turn ``sqlite:///path`` or ``postgresql://user:pass@host:port/name`` into a DATABASES entry.

    SQLite gets WAL, a busy timeout and IMMEDIATE transactions so that the web workers and the task
    worker can write to one file without "database is locked" errors (dependencies.md).
    """
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        # sqlite:///relative/path or sqlite:////absolute/path
        raw = unquote(url[len("sqlite://") :])
        if raw.startswith("/"):
            raw = raw[1:]
        if not raw:
            raise ImproperlyConfigured(f"{setting}={url!r}: name a file, e.g. sqlite:///var/beian.sqlite3.")
        path = Path(raw) if raw.startswith("/") else base_dir / raw
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(path),
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000; "
                    "PRAGMA foreign_keys=ON;"
                ),
            },
            "TEST": {"NAME": os.environ.get("BEIAN_SQLITE_TEST_NAME") or None},
        }
    if parsed.scheme in {"postgres", "postgresql", "pgsql"}:
        if not parsed.path.strip("/"):
            raise ImproperlyConfigured(f"{setting}={url!r}: name the database, e.g. postgresql://u@host/beian.")
        options = {key: values[-1] for key, values in parse_qs(parsed.query).items()}
        return {
            "ENGINE": "beian.core.postgresql",  # Django's, with hotsql's write-behind (core/postgresql/base.py)
            "NAME": unquote(parsed.path.lstrip("/")),
            "USER": unquote(parsed.username or ""),
            "PASSWORD": unquote(parsed.password or ""),
            "HOST": parsed.hostname or "",
            "PORT": str(parsed.port or ""),
            "CONN_MAX_AGE": 60,
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": options,
        }
    raise ImproperlyConfigured(
        f"{setting}={url!r}: unsupported scheme {parsed.scheme!r}; use sqlite:///FILE or postgresql://USER@HOST/DB."
    )
