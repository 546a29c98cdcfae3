"""Writes of the accounts app: sign-up, API tokens (design.md §2, §12).

Every function is keyword-only and atomic; refusals are :class:`beian.core.errors.BeianError` with both
languages.
"""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from beian.accounts.models import ApiToken, Role, User
from beian.core.errors import BeianError, ErrorItem, conflict, error, not_found

# An account holds at most this many active (not revoked) tokens.
MAX_ACTIVE_TOKENS = 20


# Beian's own wording for Django's validators (Django 5.2's zh-Hans catalogue lacks some of them).
_PASSWORD_MESSAGES = {
    "password_too_short": ("密码太短，至少需要 {min_length} 个字符。",
                           "This password is too short; it must contain at least {min_length} characters."),
    "password_too_common": ("密码过于常见，容易被猜中，请换一个。", "This password is too common; choose another one."),
    "password_entirely_numeric": ("密码不能全是数字。", "This password is entirely numeric."),
    "password_too_similar": ("密码与用户名、电子邮箱等账户信息过于相似。",
                             "This password is too similar to the user name or e-mail address."),
}


def _messages(exc: ValidationError) -> list[tuple[str, str]]:
    out = []
    for item in exc.error_list:
        message = str(item.message)
        out.append((item.code or "invalid", message % item.params if item.params else message))
    return out


def _password_errors(password: str, user: User) -> list[ErrorItem]:
    """Django's password validators; codes become ``PASSWORD_…``, messages come in both languages."""
    found: dict[str, list[tuple[str, str]]] = {}
    params: list[dict] = []
    for lang in ("zh-hans", "en"):
        with translation.override(lang):
            try:
                validate_password(password, user=user)
                found[lang] = []
            except ValidationError as exc:
                found[lang] = _messages(exc)
                params = [item.params or {} for item in exc.error_list]
    items = []
    for (code, zh), (_, en), values in zip(found["zh-hans"], found["en"], params or [{}] * len(found["en"]),
                                           strict=True):
        if code in _PASSWORD_MESSAGES:
            zh, en = (m.format(**{k: str(v) for k, v in values.items()}) for m in _PASSWORD_MESSAGES[code])
        code = code.upper()
        if not code.startswith("PASSWORD_"):
            code = f"PASSWORD_{code}"
        items.append(ErrorItem(code=code, field="password", message_zh=zh, message_en=en))
    return items


@transaction.atomic
def user_sign_up(*, username: str, email: str, password: str, phone: str = "") -> User:
    """Create an applicant account (the only role one can sign up for; staff roles are given by an operator)."""
    username = (username or "").strip()
    email = (email or "").strip()
    errors: list[ErrorItem] = []
    username_field = User._meta.get_field("username")
    if not username:
        errors.append(ErrorItem("USERNAME_REQUIRED", "请填写用户名。", "Enter a user name.", "username"))
    else:
        try:
            for validator in username_field.validators:
                validator(username)
        except ValidationError:
            errors.append(ErrorItem(
                "USERNAME_INVALID", "用户名只能包含字母、数字和 @/./+/-/_，最长 150 个字符。",
                "A user name may contain only letters, digits and @/./+/-/_, up to 150 characters.", "username"))
    try:
        validate_email(email)
    except ValidationError:
        errors.append(ErrorItem("EMAIL_INVALID", "请填写有效的电子邮箱地址。", "Enter a valid e-mail address.",
                                "email"))
    candidate = User(username=username, email=email, role=Role.APPLICANT)
    errors += _password_errors(password or "", candidate)
    if errors:
        raise BeianError(errors=errors, status=400)
    if User.objects.filter(username__iexact=username).exists():
        raise conflict("USERNAME_TAKEN", "该用户名已被注册。", "This user name is already taken.", field="username")
    if User.objects.filter(email__iexact=email).exists():
        raise conflict("EMAIL_TAKEN", "该电子邮箱已被注册，可直接登录或找回密码。",
                       "This e-mail address is already registered; sign in or reset your password.", field="email")
    candidate.phone = (phone or "").strip()
    candidate.set_password(password)
    try:
        with transaction.atomic():
            candidate.save()
    except IntegrityError:  # a concurrent sign-up with the same name won the race
        raise conflict("USERNAME_TAKEN", "该用户名已被注册。", "This user name is already taken.", field="username")
    return candidate


@transaction.atomic
def api_token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """A new personal API token. Returns ``(token, secret)``; the secret is never stored and shown only now."""
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise error("TOKEN_NAME_INVALID", "令牌名称必须为 1–100 个字符。", "A token name must have 1–100 characters.",
                    field="name")
    # Lock the user row so two parallel creations cannot both pass the limit.
    User.objects.select_for_update().filter(pk=user.pk).first()
    if ApiToken.objects.filter(user=user, revoked_at=None).count() >= MAX_ACTIVE_TOKENS:
        raise conflict("TOKEN_LIMIT_REACHED", f"每个账户最多 {MAX_ACTIVE_TOKENS} 个有效令牌，请先吊销不用的令牌。",
                       f"An account may hold at most {MAX_ACTIVE_TOKENS} active tokens; revoke unused ones first.")
    secret = ApiToken.make_secret()
    token = ApiToken.objects.create(user=user, name=name, prefix=secret[:12], digest=ApiToken.digest_of(secret))
    return token, secret


@transaction.atomic
def api_token_revoke(*, user: User, token_id: int) -> ApiToken:
    """Revoke one of the user's own tokens (kept, marked revoked). Another user's token is "not found"."""
    if not 0 < token_id < 2**63:  # beyond the database's integer range: certainly not a token of this user
        raise not_found("API 令牌", "API token")
    token = ApiToken.objects.select_for_update().filter(pk=token_id, user=user).first()
    if token is None:
        raise not_found("API 令牌", "API token")
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token
