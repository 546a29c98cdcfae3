import pytest
from django.core.exceptions import ImproperlyConfigured

from beian.env import database_from_url, env_bool, env_int


def test_sqlite_url_gets_wal_busy_timeout_and_immediate(tmp_path):
    db = database_from_url("sqlite:///var/x.sqlite3", base_dir=tmp_path)
    assert db["ENGINE"] == "django.db.backends.sqlite3"
    assert db["NAME"] == str(tmp_path / "var/x.sqlite3")
    assert db["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in db["OPTIONS"]["init_command"]


def test_absolute_sqlite_path(tmp_path):
    assert database_from_url("sqlite:////tmp/b.sqlite3", base_dir=tmp_path)["NAME"] == "/tmp/b.sqlite3"


def test_postgres_url():
    db = database_from_url("postgresql://u:p%40ss@db.local:5433/beian?sslmode=require", base_dir=None)
    assert (db["NAME"], db["USER"], db["PASSWORD"]) == ("beian", "u", "p@ss")
    assert (db["HOST"], db["PORT"]) == ("db.local", "5433")
    assert db["OPTIONS"] == {"sslmode": "require"}


@pytest.mark.parametrize("url", ["mysql://x/y", "postgresql://host/", "sqlite://"])
def test_bad_database_url_says_what_to_fix(url, tmp_path):
    with pytest.raises(ImproperlyConfigured, match="BEIAN_DATABASE_URL"):
        database_from_url(url, base_dir=tmp_path)


def test_typed_helpers(monkeypatch):
    monkeypatch.setenv("X_BOOL", "maybe")
    with pytest.raises(ImproperlyConfigured, match="X_BOOL"):
        env_bool("X_BOOL", False)
    monkeypatch.setenv("X_INT", "0")
    with pytest.raises(ImproperlyConfigured, match="at least 1"):
        env_int("X_INT", 5, minimum=1)


def test_production_requires_secret_key(tmp_path):
    import subprocess
    import sys

    env = {"BEIAN_ENV": "production", "PATH": "/usr/bin:/bin", "BEIAN_VAR_DIR": str(tmp_path)}
    result = subprocess.run([sys.executable, "-c", "import django,os;os.environ['DJANGO_SETTINGS_MODULE']="
                             "'beian.settings';django.setup()"], env=env, capture_output=True, text=True)
    assert result.returncode != 0
    assert "BEIAN_SECRET_KEY must be set" in result.stderr


def test_field_paths_of_validation_errors_use_keys():
    from beian.core.state import field_path_of

    data = {"websites": [{"key": "n1", "principal": {}}, {"principal": {}}]}
    assert field_path_of(("websites", 0, "principal", "mobile"), data) == "websites[n1].principal.mobile"
    assert field_path_of(("websites", 1, "name"), data) == "websites[1].name"
    assert field_path_of(("entity", "name")) == "entity.name"
    assert field_path_of(()) is None


def test_bad_filing_data_is_refused_with_the_field_path(api, applicant):
    r = api(applicant).post("/api/orders/", {"type": "new_filing", "proposed": {
        "entity": {"name": "甲"}, "websites": [{"key": "n1", "principal": {"valid_from": "not a date"}}]}})
    assert r.status_code == 422
    assert r.json_body["errors"][0]["field"] == "websites[n1].principal.valid_from"
    assert r.json_body["errors"][0]["code"] == "STATE_INVALID"


def test_ninja_schema_errors_use_the_error_shape(api, applicant):
    r = api(applicant).post("/api/orders/", {"proposed": {}})
    assert r.status_code == 422
    assert r.json_body["errors"][0]["field"] == "type"
    assert set(r.json_body["errors"][0]) == {"code", "field", "message_zh", "message_en"}
