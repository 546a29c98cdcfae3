"""The API root: one NinjaAPI under /api/, one router per app, one error shape (design.md §5.2)."""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import APIKeyHeader, HttpBearer, SessionAuth

from beian.core.errors import BeianError, ErrorItem, forbidden, not_found, unauthenticated
from beian.core.state import field_path_of

log = logging.getLogger(__name__)


class TokenAuth(HttpBearer):
    """``Authorization: Bearer bna_…`` — a personal API token (accounts.ApiToken)."""

    def authenticate(self, request: HttpRequest, token: str):
        from beian.accounts.models import ApiToken

        row = (ApiToken.objects.select_related("user").filter(digest=ApiToken.digest_of(token), revoked_at=None)
               .first())
        if row is None or not row.user.is_active:
            return None
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=timezone.now())
        request.user = row.user
        return row.user


class CsrfSessionAuth(SessionAuth):
    """The browser session, with Django's CSRF check on unsafe methods."""


class OptionalAuth(APIKeyHeader):
    """For public endpoints: never refuses, but sets ``request.auth`` when a token or session exists."""

    param_name = "Authorization"

    def __call__(self, request):
        if request.user.is_authenticated:
            return request.user
        header = request.headers.get("Authorization", "")
        if header.startswith("Bearer "):
            user = TokenAuth().authenticate(request, header[7:].strip())
            if user is not None:
                return user
        return True  # anonymous is fine

    def authenticate(self, request, key):  # pragma: no cover - __call__ is overridden
        return True


AUTH = [TokenAuth(), CsrfSessionAuth()]

api = NinjaAPI(
    title="Beian API",
    version="1.0",
    description="ICP备案管理系统 Beian 的 JSON API。所有错误都使用同一结构："
    '`{"errors": [{"code", "field", "message_zh", "message_en"}]}`。',
    auth=AUTH,
    urls_namespace="api",
)


def _respond(request, exc: BeianError):
    return api.create_response(request, exc.as_dict(), status=exc.status)


@api.exception_handler(BeianError)
def _beian_error(request, exc: BeianError):
    return _respond(request, exc)


def _field_path(loc: list) -> str | None:
    # ninja prefixes the location with where the value came from (body, query, …): not part of the field path.
    return field_path_of([p for p in loc if p not in ("body", "query", "path", "form", "payload", "data")])


@api.exception_handler(ValidationError)
def _validation_error(request, exc: ValidationError):
    items = []
    for err in exc.errors:
        kind = err.get("type", "invalid")
        msg = err.get("msg", "")
        items.append(ErrorItem(code=f"SCHEMA_{kind.upper()}", field=_field_path(list(err.get("loc", []))),
                               message_zh=f"输入格式不正确：{msg}", message_en=f"Invalid input: {msg}"))
    return _respond(request, BeianError(errors=items, status=422))


@api.exception_handler(AuthenticationError)
def _auth_error(request, exc):
    return _respond(request, unauthenticated())


@api.exception_handler(Http404)
def _not_found(request, exc):
    return _respond(request, not_found())


@api.exception_handler(PermissionDenied)
def _forbidden(request, exc):
    return _respond(request, forbidden())


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    status = exc.status_code
    code = {400: "BAD_REQUEST", 401: "UNAUTHENTICATED", 403: "FORBIDDEN", 404: "NOT_FOUND", 405: "METHOD_NOT_ALLOWED",
            429: "RATE_LIMITED"}.get(status, "HTTP_ERROR")
    return _respond(request, BeianError(errors=[ErrorItem(code=code, field=None, message_zh=str(exc),
                                                          message_en=str(exc))], status=status))


@api.exception_handler(Exception)
def _unexpected(request, exc: Exception):
    log.exception("unhandled API error on %s", request.path)
    return _respond(request, BeianError(errors=[ErrorItem(
        code="INTERNAL_ERROR", field=None, message_zh="服务器内部错误，请稍后重试。",
        message_en="Internal server error; please try again later.")], status=500))


def register_routers() -> None:
    """Mount each app's router; an app that has no API yet simply has no ``api`` module."""
    import importlib

    for app in ("accounts", "registry", "orders", "bureau", "rules", "materials", "notify", "workdays", "lookup"):
        try:
            module = importlib.import_module(f"beian.{app}.api")
        except ModuleNotFoundError as exc:
            if exc.name != f"beian.{app}.api":
                raise
            continue
        api.add_router(f"/{app}/", module.router)


register_routers()
