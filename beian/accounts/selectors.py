"""Reads of the accounts app and the role helpers the other apps' selectors use (design.md §2)."""

from __future__ import annotations

from django.db.models import QuerySet

from beian.accounts.models import ApiToken, Role, User


def api_token_list(*, user: User) -> QuerySet[ApiToken]:
    """The user's own tokens, newest first (revoked ones included, marked by ``revoked_at``)."""
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-id")


def user_role(user) -> str | None:
    """The role of the access matrix: ``Role`` value, ``"operator"`` for superusers, ``None`` for anonymous."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    if user.is_superuser:
        return Role.OPERATOR
    return user.role


def user_bureau_province_codes(user) -> frozenset[str]:
    """The province codes a bureau reviewer acts for (empty for every other role)."""
    if user_role(user) != Role.BUREAU_REVIEWER:
        return frozenset()
    cached = getattr(user, "_bureau_province_codes", None)
    if cached is None:
        cached = frozenset(user.bureau_provinces.values_list("code", flat=True))
        user._bureau_province_codes = cached
    return cached


def user_is_bureau_for(user, province_code: str | None) -> bool:
    """Whether ``user`` is a bureau reviewer of the province with this code."""
    return province_code is not None and province_code in user_bureau_province_codes(user)


def user_is_staff_role(user) -> bool:
    """Provider reviewer, bureau reviewer or operator."""
    return user_role(user) in {Role.PROVIDER_REVIEWER, Role.BUREAU_REVIEWER, Role.OPERATOR}


def user_profile(*, user: User) -> dict:
    """What ``GET /api/accounts/me`` shows."""
    role = user_role(user)
    provinces = []
    if role == Role.BUREAU_REVIEWER:
        provinces = [{"code": p.code, "name": p.name} for p in user.bureau_provinces.order_by("code")]
    return {
        "id": user.pk,
        "username": user.username,
        "email": user.email,
        "role": role,
        "role_display": str(Role(role).label) if role else "",
        "bureau_provinces": provinces,
    }
