"""SMS verification (短信核验, design.md §6, icp-domain.md §4.2): who verifies, and the codes of each SMS stage.

``SmsVerifierRule`` is the admin-editable "who must verify" table (seeded with QingCloud's table). An order in
``sms_verification`` has one open ``SmsSession`` (the window and the per-order wrong-entry counter) and one
``SmsChallenge`` per distinct phone among its required principals. Codes are stored only as an HMAC
(``settings.SMS_CODE_HMAC_KEY``) over order id + phone + code — never in clear text, never logged.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from beian.orders.models import OrderType


class SmsScope(models.TextChoices):
    """What a 变更备案 (``change_filing``) touches, derived from its diff; empty for every other order type."""

    NONE = "", _("（不区分）")
    ENTITY = "entity", _("仅主体")
    WEBSITE = "website", _("仅网站")
    ENTITY_AND_WEBSITE = "entity_and_website", _("主体和网站")
    ACCESS = "access", _("仅接入")


class SmsVerifierRule(models.Model):
    """Who must pass the SMS check for an order type (and, for 变更备案, the scope of its diff)."""

    order_type = models.CharField(_("业务类型"), max_length=20, choices=OrderType.choices)
    scope = models.CharField(_("变更范围"), max_length=20, choices=SmsScope.choices, blank=True, default="",
                             help_text=_("仅用于变更备案：由变更内容推导。其他业务类型留空。"))
    entity_principal = models.BooleanField(_("主体负责人核验"), default=False)
    website_principal = models.BooleanField(_("网站负责人核验"), default=False,
                                            help_text=_("订单涉及的每个网站的负责人。"))
    source = models.CharField(_("依据"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("短信核验规则")
        verbose_name_plural = _("短信核验规则")
        ordering = ["order_type", "scope"]
        constraints = [
            models.UniqueConstraint(fields=["order_type", "scope"], name="bureau_smsrule_type_scope"),
            models.CheckConstraint(condition=Q(order_type="change_filing") | Q(scope=""),
                                   name="bureau_smsrule_scope_only_change_filing"),
        ]

    def __str__(self) -> str:
        who = [str(_("主体负责人"))] if self.entity_principal else []
        if self.website_principal:
            who.append(str(_("网站负责人")))
        scope = f"（{self.get_scope_display()}）" if self.scope else ""
        return f"{self.get_order_type_display()}{scope}: {'、'.join(who) or '—'}"



class SmsSessionStatus(models.TextChoices):
    # Codes issued, the window runs.
    OPEN = "open", _("核验中")
    # Every required principal verified: the order went to the bureau.
    PASSED = "passed", _("已通过")
    # The window ended or the 6th wrong entry: the order went back to the provider.
    FAILED = "failed", _("失败")
    # Replaced by a newer SMS stage of the same order (never expected; kept for safety).
    CLOSED = "closed", _("已关闭")


class SmsSession(models.Model):
    """One SMS stage of an order: the window (from issue, never extended) and the wrong-entry counter."""

    order = models.ForeignKey("orders.Order", verbose_name=_("订单"), on_delete=models.PROTECT,
                              related_name="sms_sessions")
    status = models.CharField(_("状态"), max_length=10, choices=SmsSessionStatus.choices,
                              default=SmsSessionStatus.OPEN)
    started_at = models.DateTimeField(_("发码时间"))
    window_ends_at = models.DateTimeField(_("核验截止"))
    wrong_attempts = models.PositiveSmallIntegerField(_("错误次数"), default=0,
                                                      help_text=_("本订单累计输错次数；允许 5 次，第 6 次核验失败。"))
    ended_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    end_reason = models.CharField(_("结束原因"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("短信核验批次")
        verbose_name_plural = _("短信核验批次")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["order"], condition=Q(status="open"), name="bureau_smssession_one_open"),
        ]

    def __str__(self) -> str:
        return f"#{self.order_id} {self.get_status_display()}"


class SmsChallenge(models.Model):
    """One code for one phone in one SMS stage; verifying it verifies every principal listed on it.

    ``principals``: ``[{"role": "entity"|"website", "website_key": str|None, "name": str,
    "suffix_hmac": hex}]`` — the certificate suffix (last 6 characters) is kept only as an HMAC.
    """

    session = models.ForeignKey(SmsSession, verbose_name=_("核验批次"), on_delete=models.CASCADE,
                                related_name="challenges", db_index=False)
    order = models.ForeignKey("orders.Order", verbose_name=_("订单"), on_delete=models.PROTECT,
                              related_name="sms_challenges")
    phone = models.CharField(_("手机号"), max_length=20)
    code_hmac = models.CharField(_("核验码摘要"), max_length=64, help_text=_("HMAC-SHA256，不保存明文。"))
    principals = models.JSONField(_("核验人"), default=list)
    issued_at = models.DateTimeField(_("发码时间"))
    verified_at = models.DateTimeField(_("核验时间"), null=True, blank=True)
    resend_count = models.PositiveSmallIntegerField(_("重发次数"), default=0)

    class Meta:
        verbose_name = _("短信核验码")
        verbose_name_plural = _("短信核验码")
        ordering = ["id"]
        constraints = [
            # Also the session's index (its first column): no separate one for the foreign key.
            models.UniqueConstraint(fields=["session", "phone"], name="bureau_smschallenge_one_per_phone"),
        ]
        indexes = [models.Index(fields=["phone"], name="bureau_smschallenge_phone")]  # no pattern index: = only

    def __str__(self) -> str:
        return f"#{self.order_id} {self.phone[:3]}****{self.phone[-4:]}"
