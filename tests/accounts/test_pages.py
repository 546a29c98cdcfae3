"""Account pages: sign-up, tokens, password reset form (server-rendered, CSRF-protected)."""

from __future__ import annotations

from django.core import mail
from django.test import Client

from beian.accounts.models import ApiToken, Role, User
from beian.accounts.services import api_token_create

PASSWORD = "Passw0rd!beian"


def test_signup_page_creates_an_applicant_and_signs_in(db):
    client = Client()
    assert "注册" in client.get("/accounts/signup/").content.decode()
    r = client.post("/accounts/signup/", {"username": "webby", "email": "webby@example.com",
                                          "password": "Tiger-lily 2026 beian", "password2": "Tiger-lily 2026 beian"})
    assert r.status_code == 302
    assert User.objects.get(username="webby").role == Role.APPLICANT
    assert client.get("/api/accounts/me").json()["username"] == "webby"


def test_signup_page_shows_weak_password_error_in_chinese_and_english(db):
    data = {"username": "webby", "email": "webby@example.com", "password": "12345678901", "password2": "12345678901"}
    r = Client().post("/accounts/signup/", data)
    assert r.status_code == 400 and "密码不能全是数字" in r.content.decode()
    r = Client().post("/accounts/signup/", data, HTTP_ACCEPT_LANGUAGE="en")
    assert "entirely numeric" in r.content.decode()
    assert not User.objects.filter(username="webby").exists()


def test_signup_page_requires_csrf(db):
    r = Client(enforce_csrf_checks=True).post("/accounts/signup/", {"username": "x"})
    assert r.status_code == 403


def test_tokens_page_shows_secret_once_and_revokes(db, applicant, other_applicant):
    client = Client()
    client.force_login(applicant, backend="django.contrib.auth.backends.ModelBackend")
    r = client.post("/accounts/tokens/", {"name": "deploy"})
    assert r.status_code == 200
    secret = r.context["secret"]
    assert secret.startswith("bna_") and secret in r.content.decode()
    assert secret not in client.get("/accounts/tokens/").content.decode()  # shown once only
    token = ApiToken.objects.get(user=applicant)
    # Someone else's token: not found, untouched.
    others, _ = api_token_create(user=other_applicant, name="theirs")
    assert client.post(f"/accounts/tokens/{others.pk}/revoke/").status_code == 404
    others.refresh_from_db()
    assert others.revoked_at is None
    assert client.post(f"/accounts/tokens/{token.pk}/revoke/").status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_tokens_page_needs_login(db):
    r = Client().get("/accounts/tokens/")
    assert r.status_code == 302 and r["Location"].startswith("/accounts/login/")


def test_password_reset_page_sends_the_mail(db, applicant, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    r = Client().post("/accounts/password-reset/", {"email": "applicant@example.com"})
    assert r.status_code == 302 and r["Location"] == "/accounts/password-reset/done/"
    assert len(mail.outbox) == 1 and "/accounts/reset/" in mail.outbox[0].body
    r = Client().post("/accounts/password-reset/", {"email": "ghost@example.com"})
    assert r.status_code == 302 and len(mail.outbox) == 1


def test_login_page_signs_in(db, applicant):
    client = Client()
    r = client.post("/accounts/login/", {"username": "applicant", "password": PASSWORD})
    assert r.status_code == 302
    assert client.get("/api/accounts/me").status_code == 200
