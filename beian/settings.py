"""Beian's one settings module: everything is read from ``BEIAN_*`` environment variables (README.md)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from beian.env import database_from_url, env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("BEIAN_VAR_DIR", str(BASE_DIR / "var")))

BEIAN_ENV = env_str("BEIAN_ENV", "development")
if BEIAN_ENV not in {"development", "production", "test"}:
    raise ImproperlyConfigured(f"BEIAN_ENV={BEIAN_ENV!r}: use development, production or test.")
PRODUCTION = BEIAN_ENV == "production"
TESTING = BEIAN_ENV == "test" or "pytest" in sys.modules

DEBUG = env_bool("BEIAN_DEBUG", not PRODUCTION)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("BEIAN_DEBUG must be false when BEIAN_ENV=production.")

SECRET_KEY = env_str("BEIAN_SECRET_KEY", required=PRODUCTION) or "dev-only-insecure-key-change-me"
if PRODUCTION and len(SECRET_KEY) < 40:
    raise ImproperlyConfigured("BEIAN_SECRET_KEY must be at least 40 random characters in production.")
# Keyed hash of SMS codes (design.md §6); separate from SECRET_KEY so it can be rotated on its own.
SMS_CODE_HMAC_KEY = env_str("BEIAN_SMS_HMAC_KEY", SECRET_KEY)

ALLOWED_HOSTS = env_list("BEIAN_ALLOWED_HOSTS", [] if PRODUCTION else ["*"])
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("BEIAN_ALLOWED_HOSTS must list the host names Beian is served on.")
CSRF_TRUSTED_ORIGINS = env_list("BEIAN_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "ninja",  # serves Swagger UI from static files, not a CDN (dependencies.md)
    "axes",
    "django_tasks",
    "django_tasks_db",
    "beian.core",
    "beian.accounts",
    "beian.registry",
    "beian.workdays",
    "beian.rules",
    "beian.orders",
    "beian.bureau",
    "beian.materials",
    "beian.notify",
    "beian.lookup",
    "beian.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "beian.urls"
WSGI_APPLICATION = "beian.wsgi.application"
AUTH_USER_MODEL = "accounts.User"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "beian" / "web" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": database_from_url(
        env_str("BEIAN_DATABASE_URL", f"sqlite:///{VAR_DIR / 'beian.sqlite3'}"), base_dir=BASE_DIR
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Keep SQLite connections across requests as PostgreSQL's are: opening one with its PRAGMAs costs ~1.5 ms, more
# than a whole public lookup (docs/lookup.md, measured).
DATABASES["default"].setdefault("CONN_MAX_AGE", env_int("BEIAN_DB_CONN_MAX_AGE", 60, minimum=0))
# Prepared statements on PostgreSQL: planning a statement costs the server more than running most of Beian's (a
# three-table join: 270 µs to plan, 100 µs to run; docs/bench.md). The hot statements (public lookup, rate-limit
# counter, the workflow's transitions: beian/core/hotsql.py) are prepared once per connection and always run their
# generic plan — key lookups, where PostgreSQL's default would keep re-planning the ones with an array parameter
# (`= ANY($1)`) because it over-estimates their generic plan. Django's own statements keep client-side binding
# (planned with their values: a `LIKE 'abc%'` prefix search needs that to use its index). Off for a connection pooler
# that cannot keep prepared statements (PgBouncer before 1.21 in transaction mode).
BEIAN_DB_PREPARED = env_bool("BEIAN_DB_PREPARED", True)
if BEIAN_DB_PREPARED and DATABASES["default"]["ENGINE"] in {"django.db.backends.postgresql", "beian.core.postgresql"}:
    _options = DATABASES["default"]["OPTIONS"]
    _options["options"] = f"{_options.get('options', '')} -c plan_cache_mode=force_generic_plan".strip()

# Cache and rate limits: one store shared by all web workers (design.md §12).
REDIS_URL = env_str("BEIAN_REDIS_URL")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "beian_cache"}}
# Public lookup (docs/lookup.md): answer cache lifetime (0 = off) and rate limits as "requests/seconds".
# The cache lives in each web worker (at most BEIAN_LOOKUP_LOCAL_ENTRIES answers; an approval reaches every worker
# within BEIAN_LOOKUP_LOCAL_POLL_MS) and also in Redis when configured. Off under tests unless a test turns it on.
BEIAN_LOOKUP_CACHE_SECONDS = env_int("BEIAN_LOOKUP_CACHE_SECONDS", 0 if TESTING else 300, minimum=0)
BEIAN_LOOKUP_LOCAL_ENTRIES = env_int("BEIAN_LOOKUP_LOCAL_ENTRIES", 50_000, minimum=0)
BEIAN_LOOKUP_LOCAL_POLL_MS = env_int("BEIAN_LOOKUP_LOCAL_POLL_MS", 500, minimum=0)
BEIAN_LOOKUP_RATE_ADDRESS = env_str("BEIAN_LOOKUP_RATE_ADDRESS", "300/60")
BEIAN_LOOKUP_RATE_TOKEN = env_str("BEIAN_LOOKUP_RATE_TOKEN", "3000/60")

# Reference data (calendar, rules' data, catalogues) is copied into each process; a process asks whether its copy is
# current at most this often (an edit in another process shows within it; 0 = on every read, as under tests).
BEIAN_REFDATA_CHECK_MS = env_int("BEIAN_REFDATA_CHECK_MS", 0 if TESTING else 1000, minimum=0)

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING:
    # Argon2 costs tens of milliseconds per hash; tests create many users.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"

# django-axes: lock out after repeated failures, per user name and client address.
AXES_FAILURE_LIMIT = env_int("BEIAN_LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = env_int("BEIAN_LOGIN_COOLOFF_MINUTES", 30, minimum=1) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"] if env_bool(
    "BEIAN_BEHIND_PROXY", False
) else ["REMOTE_ADDR"]
AXES_LOCKOUT_CALLABLE = "beian.accounts.views.lockout_response"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if TESTING or DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Materials (docs/materials.md): a private storage — filesystem by default, S3-compatible when a bucket is set.
STORAGES["materials"] = {"BACKEND": "django.core.files.storage.FileSystemStorage",
                         "OPTIONS": {"location": str(VAR_DIR / "private" / "materials"), "base_url": "/-/"}}
if env_str("BEIAN_MATERIALS_S3_BUCKET"):
    STORAGES["materials"] = {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {
        "bucket_name": env_str("BEIAN_MATERIALS_S3_BUCKET"), "endpoint_url": env_str("BEIAN_MATERIALS_S3_ENDPOINT"),
        "access_key": env_str("BEIAN_MATERIALS_S3_ACCESS_KEY"), "secret_key": env_str("BEIAN_MATERIALS_S3_SECRET_KEY"),
        "region_name": env_str("BEIAN_MATERIALS_S3_REGION", "us-east-1"), "addressing_style": "path",
        "default_acl": None, "querystring_auth": True, "file_overwrite": False}}
BEIAN_MATERIALS = {
    "MAX_BYTES": env_int("BEIAN_MATERIALS_MAX_BYTES", 10 * 1024 * 1024, minimum=1024),
    "MAX_PIXELS": env_int("BEIAN_MATERIALS_MAX_PIXELS", 40_000_000, minimum=10_000),
    "LINK_SECONDS": env_int("BEIAN_MATERIALS_LINK_SECONDS", 300, minimum=1),
    "UNCLAIMED_HOURS": env_int("BEIAN_MATERIALS_UNCLAIMED_HOURS", 24, minimum=1),
    "ABANDONED_DAYS": env_int("BEIAN_MATERIALS_ABANDONED_DAYS", 90, minimum=1),
    "EVIDENCE_DAYS": env_int("BEIAN_MATERIALS_EVIDENCE_DAYS", 0, minimum=0),  # 0 = keep the evidence of approvals
    "MISSING_SEVERITY": env_str("BEIAN_MATERIALS_MISSING_SEVERITY", "needs_material" if TESTING else "error"),
}

# Background work: django-tasks with its database backend; the worker is its own process.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
if TESTING and not env_bool("BEIAN_TASKS_DATABASE", False):
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# E-mail over SMTP (a local server in tests); the console in development.
EMAIL_HOST = env_str("BEIAN_EMAIL_HOST")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("BEIAN_EMAIL_PORT", 25)
    EMAIL_HOST_USER = env_str("BEIAN_EMAIL_USER", "")
    EMAIL_HOST_PASSWORD = env_str("BEIAN_EMAIL_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("BEIAN_EMAIL_TLS", False)
    EMAIL_TIMEOUT = 10
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env_str("BEIAN_EMAIL_FROM", "beian@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Notifications (docs/notify.md): SMS plug-in, outbox worker tuning, webhook target policy (SSRF guard).
BEIAN_SMS_BACKEND = env_str("BEIAN_SMS_BACKEND", "beian.notify.channels.RecordingSmsBackend")
BEIAN_OUTBOX_BATCH = env_int("BEIAN_OUTBOX_BATCH", 50, minimum=1)
BEIAN_OUTBOX_LEASE_SECONDS = env_int("BEIAN_OUTBOX_LEASE_SECONDS", 300, minimum=1)
BEIAN_WEBHOOK_ALLOW_PRIVATE = env_bool("BEIAN_WEBHOOK_ALLOW_PRIVATE", not PRODUCTION)

# Security headers; secure cookies in production.
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SECURE_HSTS_SECONDS = env_int("BEIAN_HSTS_SECONDS", 31536000)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEIAN_BEHIND_PROXY", False) else None

# Product settings (design.md §5, §6, §9). Province-specific values live in the catalogues.
BEIAN = {
    "DRAFT_EXPIRY_DAYS": env_int("BEIAN_DRAFT_EXPIRY_DAYS", 45, minimum=1),
    "CLAIM_EXPIRY_HOURS": env_int("BEIAN_CLAIM_EXPIRY_HOURS", 4, minimum=1),
    "RETURNS_BEFORE_SUPPORT": env_int("BEIAN_RETURNS_BEFORE_SUPPORT", 3, minimum=1),
    "SUPPORT_CONTACT": env_str("BEIAN_SUPPORT_CONTACT", "400-000-0000 / beian-support@example.com"),
    "PROVIDER_NAME": env_str("BEIAN_PROVIDER_NAME", "Beian Cloud"),
    "SITE_URL": env_str("BEIAN_SITE_URL", "http://127.0.0.1:8000"),
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("BEIAN_LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

os.makedirs(STATIC_ROOT, exist_ok=True)
