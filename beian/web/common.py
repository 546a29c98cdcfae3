"""Small helpers shared by the portal and console views: language picks, errors as messages, role guards."""

from __future__ import annotations

import datetime as dt
from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import get_language

from beian.core.errors import BeianError


def is_en() -> bool:
    return (get_language() or "").startswith("en")


def pick(item, name: str) -> str:
    """``item.<name>_zh`` or ``item.<name>_en`` (dict or object) in the active language, Chinese as fallback."""
    suffix = "en" if is_en() else "zh"
    get = item.get if isinstance(item, dict) else (lambda key, default="": getattr(item, key, default))
    return get(f"{name}_{suffix}", "") or get(f"{name}_zh", "")


def error_messages(request, exc: BeianError) -> list[str]:
    """Every error item of ``exc`` as a flash message in the active language; returns the texts."""
    texts = []
    for item in exc.errors:
        text = item.message_en if is_en() else item.message_zh
        texts.append(text)
        messages.error(request, text)
    return texts


def errors_by_field(exc: BeianError) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for item in exc.errors:
        out.setdefault(item.field or "", []).append(item.message_en if is_en() else item.message_zh)
    return out


def role_required(check):
    """Decorator: sign-in required (redirect), then ``check(user)`` or 403."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not check(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


applicant_required = role_required(lambda u: u.is_applicant)
reviewer_required = role_required(lambda u: u.is_provider_reviewer or u.is_operator)
bureau_required = role_required(lambda u: u.is_bureau_reviewer)
signed_in = role_required(lambda u: True)


def expected_completion(order) -> dt.datetime | None:
    """The orders app's expected completion (current due date plus the SLAs still ahead)."""
    from beian.orders.clock import expected_completion as clock_expected

    deadline = clock_expected(order)
    return deadline.at if deadline is not None else None


def overdue(order) -> bool:
    return bool(order.due_at and order.due_at < timezone.now())
