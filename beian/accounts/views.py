"""Account pages: sign-in (with django-axes lockout), sign-up, password reset."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.http import HttpRequest, JsonResponse
from django.shortcuts import render


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"


def lockout_response(request: HttpRequest, credentials: dict | None = None, *args, **kwargs):
    """django-axes lockout: the API gets the one error shape, the browser a page (HTTP 429)."""
    body = {"errors": [{"code": "LOGIN_LOCKED", "field": None,
                        "message_zh": "登录失败次数过多，账户已被暂时锁定，请稍后再试或重置密码。",
                        "message_en": "Too many failed sign-ins; the account is locked for a while. "
                        "Try again later or reset your password."}]}
    if request.path.startswith("/api/"):
        return JsonResponse(body, status=429)
    return render(request, "accounts/locked.html", status=429)
