"""Shared fixtures: one user per role of the access matrix (design.md §2) and API clients for them."""

from __future__ import annotations

import json
import os

import pytest
from django.test import Client

from beian.accounts.models import Role, User

if os.environ.get("BEIAN_DATABASE_URL", "").startswith("postgres"):
    pytest_plugins: list[str] = []


def _make_user(username: str, role: str, provinces: tuple[str, ...] = ()) -> User:
    from beian.registry.models import Province

    user = User.objects.create_user(username=username, password="Passw0rd!beian", role=role,
                                    email=f"{username}@example.com")
    if provinces:
        user.bureau_provinces.set(Province.objects.filter(code__in=provinces))
    if role == Role.OPERATOR:
        user.is_staff = True
        user.is_superuser = True
        user.save()
    return user


@pytest.fixture
def make_user(db):
    return _make_user


@pytest.fixture
def applicant(db):
    return _make_user("applicant", Role.APPLICANT)


@pytest.fixture
def other_applicant(db):
    return _make_user("other", Role.APPLICANT)


@pytest.fixture
def reviewer(db):
    return _make_user("reviewer", Role.PROVIDER_REVIEWER)


@pytest.fixture
def reviewer2(db):
    return _make_user("reviewer2", Role.PROVIDER_REVIEWER)


@pytest.fixture
def bureau_zj(db):
    return _make_user("bureau_zj", Role.BUREAU_REVIEWER, ("330000",))


@pytest.fixture
def bureau_bj(db):
    return _make_user("bureau_bj", Role.BUREAU_REVIEWER, ("110000",))


@pytest.fixture
def operator(db):
    return _make_user("operator", Role.OPERATOR)


class ApiClient:
    """A thin JSON client over Django's test client, signed in as ``user`` (or anonymous)."""

    def __init__(self, user: User | None = None):
        self.client = Client()
        if user is not None:
            self.client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")

    def _call(self, method: str, path: str, data=None):
        kwargs = {}
        if data is not None:
            kwargs = {"data": json.dumps(data), "content_type": "application/json"}
        response = getattr(self.client, method)(path, **kwargs)
        try:
            response.json_body = response.json()
        except ValueError:
            response.json_body = None
        return response

    def get(self, path):
        return self._call("get", path)

    def post(self, path, data=None):
        return self._call("post", path, data if data is not None else {})

    def put(self, path, data=None):
        return self._call("put", path, data if data is not None else {})

    def patch(self, path, data=None):
        return self._call("patch", path, data if data is not None else {})

    def delete(self, path):
        return self._call("delete", path)


@pytest.fixture
def api():
    """``api(user)`` → an ApiClient signed in as ``user``; ``api()`` → anonymous."""
    return ApiClient
