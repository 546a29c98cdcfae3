"""Accounts API: sign-up, login with lockout, password reset, API tokens, CSRF (design.md §2, §12)."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client

from beian.accounts.models import ApiToken, Role, User
from beian.accounts.services import api_token_create

PASSWORD = "Passw0rd!beian"  # tests/conftest.py's password for every fixture user
GOOD = {"username": "newbie", "email": "newbie@example.com", "password": "Tiger-lily 2026 beian"}


def codes(response) -> list[str]:
    return [e["code"] for e in response.json_body["errors"]]


# --- sign-up ---------------------------------------------------------------------------------------------------

def test_signup_creates_an_applicant_with_a_hashed_password(db, api):
    r = api().post("/api/accounts/signup", GOOD)
    assert r.status_code == 201, r.json_body
    assert r.json_body["role"] == "applicant" and r.json_body["username"] == "newbie"
    user = User.objects.get(username="newbie")
    assert user.role == Role.APPLICANT and not user.is_staff and not user.is_superuser
    assert user.password != GOOD["password"] and user.check_password(GOOD["password"])


def test_signup_cannot_choose_a_role(db, api):
    r = api().post("/api/accounts/signup", {**GOOD, "role": "operator", "is_superuser": True})
    assert r.status_code == 201
    assert User.objects.get(username="newbie").role == Role.APPLICANT


def test_signup_duplicate_username_case_insensitive(db, api, applicant):
    r = api().post("/api/accounts/signup", {**GOOD, "username": "APPLICANT"})
    assert r.status_code == 409
    err = r.json_body["errors"][0]
    assert err["code"] == "USERNAME_TAKEN" and err["field"] == "username"
    assert "已被注册" in err["message_zh"] and "already taken" in err["message_en"]


def test_signup_duplicate_email(db, api, applicant):
    r = api().post("/api/accounts/signup", {**GOOD, "email": "Applicant@Example.com"})
    assert r.status_code == 409 and codes(r) == ["EMAIL_TAKEN"]


@pytest.mark.parametrize("password, code, zh, en", [
    ("short1!", "PASSWORD_TOO_SHORT", "至少需要 10 个字符", "at least 10 characters"),
    ("12345678901234", "PASSWORD_ENTIRELY_NUMERIC", "全是数字", "entirely numeric"),
    ("password1234", "PASSWORD_TOO_COMMON", "过于常见", "too common"),
    ("newbie2026x", "PASSWORD_TOO_SIMILAR", "相似", "too similar"),
])
def test_signup_weak_password_has_codes_in_both_languages(db, api, password, code, zh, en):
    r = api().post("/api/accounts/signup", {**GOOD, "password": password})
    assert r.status_code == 400
    items = [e for e in r.json_body["errors"] if e["code"] == code]
    assert items, r.json_body
    assert items[0]["field"] == "password"
    assert zh in items[0]["message_zh"], items[0]
    assert en in items[0]["message_en"], items[0]
    assert not User.objects.filter(username="newbie").exists()


def test_signup_bad_username_and_email(db, api):
    r = api().post("/api/accounts/signup", {**GOOD, "username": "bad name!", "email": "nope"})
    assert r.status_code == 400
    assert {"USERNAME_INVALID", "EMAIL_INVALID"} <= set(codes(r))


def test_signup_schema_error_is_in_the_error_shape(db, api):
    r = api().post("/api/accounts/signup", {"username": "x"})
    assert r.status_code == 422
    assert {e["field"] for e in r.json_body["errors"]} >= {"email", "password"}


# --- login, lockout ---------------------------------------------------------------------------------------------

def test_login_sets_a_session(db, api, applicant):
    client = api()
    r = client.post("/api/accounts/login", {"username": "applicant", "password": PASSWORD})
    assert r.status_code == 200 and r.json_body["role"] == "applicant"
    assert client.get("/api/accounts/me").json_body["username"] == "applicant"
    assert client.post("/api/accounts/logout").status_code == 204
    assert client.get("/api/accounts/me").status_code == 401


def test_wrong_password_is_401_login_failed(db, api, applicant):
    r = api().post("/api/accounts/login", {"username": "applicant", "password": "wrong"})
    assert r.status_code == 401 and codes(r) == ["LOGIN_FAILED"]
    r = api().post("/api/accounts/login", {"username": "nobody", "password": "wrong"})
    assert r.status_code == 401 and codes(r) == ["LOGIN_FAILED"]


def test_inactive_user_cannot_log_in(db, api, applicant):
    applicant.is_active = False
    applicant.save()
    r = api().post("/api/accounts/login", {"username": "applicant", "password": PASSWORD})
    assert r.status_code == 401


def test_lockout_after_failure_limit_even_for_the_right_password(db, api, applicant):
    limit = settings.AXES_FAILURE_LIMIT
    client = api()
    statuses = [client.post("/api/accounts/login", {"username": "applicant", "password": f"wrong{i}"}).status_code
                for i in range(limit)]
    assert statuses == [401] * (limit - 1) + [429]
    r = client.post("/api/accounts/login", {"username": "applicant", "password": PASSWORD})
    assert r.status_code == 429 and codes(r) == ["LOGIN_LOCKED"]
    assert "锁定" in r.json_body["errors"][0]["message_zh"]
    assert client.get("/api/accounts/me").status_code == 401  # not signed in
    # Another account from the same address is not locked (lockout is per user name and address).
    User.objects.create_user(username="second", password=PASSWORD)
    assert client.post("/api/accounts/login", {"username": "second", "password": PASSWORD}).status_code == 200


def test_lockout_page_for_browser_login(db, applicant):
    client = Client()
    for i in range(settings.AXES_FAILURE_LIMIT):
        client.post("/accounts/login/", {"username": "applicant", "password": f"bad{i}"})
    r = client.post("/accounts/login/", {"username": "applicant", "password": PASSWORD})
    assert r.status_code == 429 and "暂时锁定" in r.content.decode()


# --- password reset ---------------------------------------------------------------------------------------------

def _reset_link(message) -> str:
    match = re.search(r"https?://[^/\s]+(/accounts/reset/[^/\s]+/[^/\s]+/)", message.body)
    assert match, message.body
    return match.group(1)


def test_password_reset_mail_link_sets_a_new_password(db, api, applicant, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.BEIAN = {**settings.BEIAN, "SITE_URL": "https://beian.example.net"}
    r = api().post("/api/accounts/password-reset", {"email": "APPLICANT@example.com"})
    assert r.status_code == 202
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["applicant@example.com"]
    assert "重置密码" in message.subject and "Password reset" in message.subject
    assert "https://beian.example.net/accounts/reset/" in message.body  # SITE_URL, not the request's Host
    assert "设置新密码" in message.body and "set a new password" in message.body

    browser = Client()
    page = browser.get(_reset_link(message), follow=True)
    assert page.status_code == 200 and page.context["validlink"]
    new = "Brand-new 2026 secret"
    done = browser.post(page.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert done.status_code == 302
    applicant.refresh_from_db()
    assert applicant.check_password(new) and not applicant.check_password(PASSWORD)
    assert api().post("/api/accounts/login", {"username": "applicant", "password": new}).status_code == 200
    # The link works once only.
    again = Client().get(_reset_link(message), follow=True)
    assert not again.context["validlink"]


def test_password_reset_unknown_address_looks_the_same(db, api, applicant, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    known = api().post("/api/accounts/password-reset", {"email": "applicant@example.com"})
    unknown = api().post("/api/accounts/password-reset", {"email": "ghost@example.com"})
    invalid = api().post("/api/accounts/password-reset", {"email": "not an address"})
    assert known.status_code == unknown.status_code == invalid.status_code == 202
    assert known.json_body == unknown.json_body == invalid.json_body
    assert len(mail.outbox) == 1


def test_password_reset_lifts_the_lockout(db, api, applicant, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    client = api()
    for i in range(settings.AXES_FAILURE_LIMIT):
        client.post("/api/accounts/login", {"username": "applicant", "password": f"wrong{i}"})
    assert client.post("/api/accounts/login", {"username": "applicant", "password": PASSWORD}).status_code == 429
    api().post("/api/accounts/password-reset", {"email": "applicant@example.com"})
    browser = Client()
    page = browser.get(_reset_link(mail.outbox[0]), follow=True)
    new = "Brand-new 2026 secret"
    browser.post(page.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert client.post("/api/accounts/login", {"username": "applicant", "password": new}).status_code == 200


# --- API tokens -------------------------------------------------------------------------------------------------

def test_token_lifecycle_bearer_then_revoked_is_401(db, api, applicant):
    r = api(applicant).post("/api/accounts/tokens", {"name": "CI"})
    assert r.status_code == 201
    secret, token_id = r.json_body["secret"], r.json_body["id"]
    assert secret.startswith("bna_") and r.json_body["prefix"] == secret[:12]

    bearer = Client()
    me = bearer.get("/api/accounts/me", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert me.status_code == 200 and me.json()["username"] == "applicant"
    assert ApiToken.objects.get(pk=token_id).last_used_at is not None

    listed = api(applicant).get("/api/accounts/tokens").json_body
    assert [t["id"] for t in listed] == [token_id] and "secret" not in listed[0]

    # Revoke with the token itself (no session, no CSRF needed for Bearer clients).
    gone = bearer.delete(f"/api/accounts/tokens/{token_id}", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert gone.status_code == 204
    me = bearer.get("/api/accounts/me", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert me.status_code == 401 and me.json()["errors"][0]["code"] == "UNAUTHENTICATED"
    assert ApiToken.objects.get(pk=token_id).revoked_at is not None  # kept, marked revoked


def test_tokens_are_never_stored_in_clear_text(db, applicant):
    token, secret = api_token_create(user=applicant, name="x")
    row = ApiToken.objects.filter(pk=token.pk).values().get()
    assert secret not in {str(v) for v in row.values()}
    assert not any(secret[12:] in str(v) for v in row.values())  # not even the non-prefix part
    assert row["digest"] == ApiToken.digest_of(secret) and len(row["digest"]) == 64


def test_cannot_revoke_anothers_token(db, api, applicant, other_applicant):
    token, secret = api_token_create(user=applicant, name="x")
    r = api(other_applicant).delete(f"/api/accounts/tokens/{token.pk}")
    assert r.status_code == 404 and codes(r) == ["NOT_FOUND"]
    token.refresh_from_db()
    assert token.revoked_at is None
    assert Client().get("/api/accounts/me", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 200
    assert api(other_applicant).get("/api/accounts/tokens").json_body == []


@pytest.mark.parametrize("token_id", ["0", "99999999999999999999999", "abc"])
def test_revoke_odd_ids_never_500(db, api, applicant, token_id):
    r = api(applicant).delete(f"/api/accounts/tokens/{token_id}")
    assert r.status_code in (404, 422) and "errors" in r.json_body


def test_token_name_required_and_limit(db, api, applicant, monkeypatch):
    assert api(applicant).post("/api/accounts/tokens", {"name": "  "}).status_code == 400
    monkeypatch.setattr("beian.accounts.services.MAX_ACTIVE_TOKENS", 2)
    client = api(applicant)
    assert [client.post("/api/accounts/tokens", {"name": f"t{i}"}).status_code for i in range(3)] == [201, 201, 409]


def test_bad_bearer_token_is_401(db):
    r = Client().get("/api/accounts/me", HTTP_AUTHORIZATION="Bearer bna_not-a-token")
    assert r.status_code == 401 and r.json()["errors"][0]["code"] == "UNAUTHENTICATED"


def test_me_shows_bureau_provinces(db, api, bureau_zj):
    body = api(bureau_zj).get("/api/accounts/me").json_body
    assert body["role"] == "bureau_reviewer"
    assert [p["code"] for p in body["bureau_provinces"]] == ["330000"]


# --- CSRF -------------------------------------------------------------------------------------------------------

def test_session_api_needs_csrf_and_csrf_endpoint_provides_it(db, applicant):
    client = Client(enforce_csrf_checks=True)
    r = client.post("/api/accounts/login", {"username": "applicant", "password": PASSWORD},
                    content_type="application/json")
    assert r.status_code == 403 and r.json()["errors"][0]["code"] == "CSRF_FAILED"

    token = client.get("/api/accounts/csrf").json()["csrf_token"]
    assert client.cookies.get("csrftoken")
    r = client.post("/api/accounts/login", {"username": "applicant", "password": PASSWORD},
                    content_type="application/json", HTTP_X_CSRFTOKEN=token)
    assert r.status_code == 200

    # Signed in by session: unsafe calls without the (rotated) token are refused, with it they pass.
    r = client.post("/api/accounts/tokens", {"name": "x"}, content_type="application/json")
    assert r.status_code == 403 and not ApiToken.objects.exists()
    fresh = client.cookies["csrftoken"].value
    r = client.post("/api/accounts/tokens", {"name": "x"}, content_type="application/json", HTTP_X_CSRFTOKEN=fresh)
    assert r.status_code == 201


def test_logout_needs_csrf(db, applicant):
    client = Client(enforce_csrf_checks=True)
    client.force_login(applicant, backend="django.contrib.auth.backends.ModelBackend")
    assert client.post("/api/accounts/logout").status_code == 403
    assert client.get("/api/accounts/me").status_code == 200
