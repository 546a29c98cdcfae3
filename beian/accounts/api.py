"""Accounts API (mounted at /api/accounts/): sign-up, session sign-in/out, profile, API tokens, password reset.

CSRF: every unsafe request that relies on the session cookie is CSRF-checked — the authenticated endpoints by
ninja's session auth, the anonymous ones here (sign-up, login, logout, password reset) explicitly, so a foreign
site can neither sign a visitor in to another account nor out. A browser client first calls
``GET /api/accounts/csrf`` (sets the ``csrftoken`` cookie and returns the token) and sends the token in the
``X-CSRFToken`` header; after login Django rotates the token, so read the cookie again. Clients with a Bearer
token need no CSRF token.
"""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth import authenticate, login, logout
from django.middleware.csrf import get_token
from django.utils import translation
from ninja import Path, Router, Schema, Status
from ninja.utils import check_csrf
from pydantic import Field

from beian.accounts import selectors, services
from beian.accounts.tasks import password_reset_email_task
from beian.core.errors import BeianError, error

router = Router(tags=["accounts 账户"])

LOGIN_FAILED = ("LOGIN_FAILED", "用户名或密码不正确。", "The user name or password is incorrect.")


def locked_error() -> BeianError:
    return error("LOGIN_LOCKED", "登录失败次数过多，账户已被暂时锁定，请稍后再试或重置密码。",
                 "Too many failed sign-ins; the account is locked for a while. Try again later or reset your password.",
                 status=429)


def _require_csrf(request) -> None:
    if check_csrf(request) is not None:
        raise error("CSRF_FAILED",
                    "安全校验失败：请先获取 CSRF 令牌（GET /api/accounts/csrf）并在 X-CSRFToken 头中发送。",
                    "CSRF check failed: get a token (GET /api/accounts/csrf) and send it in the X-CSRFToken header.",
                    status=403)


class ProvinceOut(Schema):
    code: str
    name: str


class MeOut(Schema):
    id: int
    username: str
    email: str
    role: str
    role_display: str
    bureau_provinces: list[ProvinceOut]


class SignUpIn(Schema):
    username: str = Field(max_length=150)
    email: str = Field(max_length=254)
    password: str = Field(max_length=4096)
    phone: str = Field("", max_length=20)


class LoginIn(Schema):
    username: str = Field(max_length=150)
    password: str = Field(max_length=4096)


class CsrfOut(Schema):
    csrf_token: str


class PasswordResetIn(Schema):
    email: str = Field(max_length=254)


class AcceptedOut(Schema):
    detail_zh: str
    detail_en: str


class TokenIn(Schema):
    name: str = Field(max_length=100)


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class TokenCreatedOut(TokenOut):
    secret: str = Field(description="只显示这一次 / shown only once")


def _token_out(token) -> dict:
    return {"id": token.pk, "name": token.name, "prefix": token.prefix, "created_at": token.created_at,
            "last_used_at": token.last_used_at, "revoked_at": token.revoked_at}


@router.get("/csrf", auth=None, response=CsrfOut, summary="获取 CSRF 令牌 / get a CSRF token")
def csrf(request):
    return {"csrf_token": get_token(request)}


@router.post("/signup", auth=None, response={201: MeOut}, summary="注册申请人账户 / sign up")
def signup(request, payload: SignUpIn):
    _require_csrf(request)
    user = services.user_sign_up(username=payload.username, email=payload.email, password=payload.password,
                                 phone=payload.phone)
    return Status(201, selectors.user_profile(user=user))


@router.post("/login", auth=None, response=MeOut, summary="登录（会话） / sign in (session)")
def login_view(request, payload: LoginIn):
    _require_csrf(request)
    user = authenticate(request=request, username=payload.username, password=payload.password)
    if user is None:
        if getattr(request, "axes_locked_out", False):
            raise locked_error()
        raise error(*LOGIN_FAILED, status=401)
    login(request, user)
    return selectors.user_profile(user=user)


@router.post("/logout", auth=None, response={204: None}, summary="退出登录 / sign out")
def logout_view(request):
    _require_csrf(request)
    logout(request)
    return Status(204, None)


@router.get("/me", response=MeOut, summary="当前账户 / the signed-in account")
def me(request):
    return selectors.user_profile(user=request.user)


@router.post("/password-reset", auth=None, response={202: AcceptedOut}, summary="找回密码 / request a reset e-mail")
def password_reset(request, payload: PasswordResetIn):
    _require_csrf(request)
    email = payload.email.strip()
    if email:
        password_reset_email_task.enqueue(email, translation.get_language() or "zh-hans")
    return Status(202, {"detail_zh": "如果该邮箱已注册，我们已发送重置密码的邮件。",
                 "detail_en": "If this address is registered, we have sent an e-mail to reset the password."})


@router.get("/tokens", response=list[TokenOut], summary="我的 API 令牌 / my API tokens")
def token_list(request):
    return [_token_out(t) for t in selectors.api_token_list(user=request.user)]


@router.post("/tokens", response={201: TokenCreatedOut}, summary="创建 API 令牌 / create an API token")
def token_create(request, payload: TokenIn):
    token, secret = services.api_token_create(user=request.user, name=payload.name)
    return Status(201, {**_token_out(token), "secret": secret})


@router.delete("/tokens/{token_id}", response={204: None}, summary="吊销 API 令牌 / revoke an API token")
def token_revoke(request, token_id: int = Path(..., ge=1, le=2**63 - 1)):
    services.api_token_revoke(user=request.user, token_id=token_id)
    return Status(204, None)
