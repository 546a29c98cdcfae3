"""The operator's admin for users and tokens."""

from __future__ import annotations

from django.test import Client

from beian.accounts.models import ApiToken
from beian.accounts.services import api_token_create


def test_operator_sees_users_and_revokes_tokens(db, operator, applicant):
    token, secret = api_token_create(user=applicant, name="ci")
    client = Client()
    client.force_login(operator, backend="django.contrib.auth.backends.ModelBackend")
    assert client.get(f"/admin/accounts/user/{applicant.pk}/change/").status_code == 200
    page = client.get("/admin/accounts/apitoken/").content.decode()
    assert token.prefix in page and secret not in page
    r = client.post("/admin/accounts/apitoken/", {"action": "revoke", "_selected_action": [token.pk]})
    assert r.status_code == 302
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None
    assert Client().get("/api/accounts/me", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 401


def test_applicant_cannot_open_the_admin(db, applicant):
    client = Client()
    client.force_login(applicant, backend="django.contrib.auth.backends.ModelBackend")
    assert client.get("/admin/accounts/user/").status_code == 302
