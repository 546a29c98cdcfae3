"""Users, their role (design.md §2) and their API tokens."""

from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    # A customer account; owns at most one entity.
    APPLICANT = "applicant", _("申请人")
    # The provider's first reviewer (初审员): acts in the provider stages.
    PROVIDER_REVIEWER = "provider_reviewer", _("初审员")
    # A reviewer of the built-in bureau stage for the provinces in User.bureau_provinces.
    BUREAU_REVIEWER = "bureau_reviewer", _("管局审核员")
    # The provider's operator: catalogues, users, admin.
    OPERATOR = "operator", _("运营管理员")


class User(AbstractUser):
    """A Beian account. ``role`` decides what the selectors let the user see (design.md §2)."""

    role = models.CharField(_("角色"), max_length=32, choices=Role.choices, default=Role.APPLICANT)
    phone = models.CharField(_("手机号"), max_length=20, blank=True)
    bureau_provinces = models.ManyToManyField(
        "registry.Province",
        verbose_name=_("管辖省份"),
        blank=True,
        related_name="bureau_reviewers",
        help_text=_("仅对管局审核员有效：可查看和处理这些省份的订单。"),
    )
    # Whether the user has an active webhook endpoint: kept by notify's signals on WebhookEndpoint, so that an order
    # event reads the endpoints only for users who have one (no round trip for everybody else).
    webhooks_active = models.BooleanField(_("已启用 Webhook"), default=False, editable=False)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    @property
    def is_applicant(self) -> bool:
        return self.role == Role.APPLICANT

    @property
    def is_provider_reviewer(self) -> bool:
        return self.role == Role.PROVIDER_REVIEWER

    @property
    def is_bureau_reviewer(self) -> bool:
        return self.role == Role.BUREAU_REVIEWER

    @property
    def is_operator(self) -> bool:
        return self.role == Role.OPERATOR or self.is_superuser

    @property
    def is_staff_role(self) -> bool:
        return self.role in {Role.PROVIDER_REVIEWER, Role.BUREAU_REVIEWER, Role.OPERATOR} or self.is_superuser


class ApiToken(models.Model):
    """A personal API token; only a SHA-256 of the secret is stored, the secret is shown once."""

    user = models.ForeignKey(User, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("名称"), max_length=100)
    prefix = models.CharField(_("前缀"), max_length=12, db_index=True, help_text=_("用于识别令牌，非机密。"))
    digest = models.CharField(_("摘要"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("API 令牌")
        verbose_name_plural = _("API 令牌")
        ordering = ["-created_at"]

    @staticmethod
    def make_secret() -> str:
        return "bna_" + secrets.token_urlsafe(32)

    @staticmethod
    def digest_of(secret: str) -> str:
        return hashlib.sha256(secret.encode()).hexdigest()

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
