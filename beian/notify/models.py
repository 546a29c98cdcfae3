"""Notifications (design.md §10): the outbox, its delivery log, the in-system inbox, webhooks and recorded SMS.

Services write :class:`Outbox` rows in the caller's transaction (``notify.services.notification_queue``); the
worker (``manage.py beian_worker``) delivers them at least once. Each row has a unique idempotency key that
becomes the e-mail ``Message-ID``, the webhook ``X-Beian-Delivery`` header and the inbox message's unique key,
so a re-delivery after a crash is recognisable and the inbox never shows a message twice.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    INBOX = "inbox", _("站内信")
    EMAIL = "email", _("电子邮件")
    SMS = "sms", _("短信")
    WEBHOOK = "webhook", _("Webhook")


class OutboxStatus(models.TextChoices):
    # Waiting for its first attempt (next_attempt_at is when it becomes due).
    PENDING = "pending", _("待发送")
    # Claimed by a worker; next_attempt_at is the end of the lease — after it, another worker may retry.
    SENDING = "sending", _("发送中")
    SENT = "sent", _("已发送")
    # The last attempt failed; retried at next_attempt_at (exponential backoff).
    FAILED = "failed", _("待重试")
    # Gave up: attempts exhausted or a permanent error.
    DEAD = "dead", _("已放弃")


DUE_STATUSES = (OutboxStatus.PENDING, OutboxStatus.FAILED, OutboxStatus.SENDING)


class Outbox(models.Model):
    """One message to deliver on one channel to one recipient; written in the transaction of the event."""

    channel = models.CharField(_("渠道"), max_length=10, choices=Channel.choices)
    event = models.CharField(_("事件"), max_length=60)
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("接收用户"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    address = models.CharField(_("地址"), max_length=500, blank=True,
                               help_text=_("电子邮件地址、手机号或 Webhook URL；站内信为空。"))
    webhook = models.ForeignKey("notify.WebhookEndpoint", verbose_name=_("Webhook 端点"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="deliveries", db_index=False)
    order = models.ForeignKey("orders.Order", verbose_name=_("订单"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    payload = models.JSONField(_("内容"), default=dict,
                               help_text=_("渲染后的标题和正文（中英文）及 Webhook 的 JSON 正文。"))
    idempotency_key = models.CharField(_("幂等键"), max_length=200)
    status = models.CharField(_("状态"), max_length=10, choices=OutboxStatus.choices, default=OutboxStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    next_attempt_at = models.DateTimeField(_("下次尝试"),
                                           help_text=_("待发送/待重试：到期时间；发送中：租约结束时间。"))
    locked_by = models.CharField(_("处理进程"), max_length=64, blank=True)
    last_error = models.TextField(_("最近错误"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("发件箱")
        verbose_name_plural = _("发件箱")
        ordering = ["-id"]
        # Every event writes ≈ 10 rows here, so each index costs on the hot path (docs/bench.md, seventh round):
        # no index on the event, the key unique without a second pattern index (a constraint, not unique=True,
        # which adds one on PostgreSQL), the webhook's index only over the rows that have one.
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="notify_outbox_due"),
            models.Index(fields=["webhook"], condition=Q(webhook__isnull=False), name="notify_outbox_webhook"),
        ]
        constraints = [models.UniqueConstraint(fields=["idempotency_key"], name="notify_outbox_idempotency_key")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.channel} {self.event} ({self.status})"

    @property
    def message_id(self) -> str:
        """The e-mail Message-ID: the same on every attempt, so a re-send is recognisable."""
        return f"<{self.idempotency_key}@beian>"


class DeliveryLog(models.Model):
    """One delivery attempt of an outbox row: when, by which worker, how long, and the result."""

    outbox = models.ForeignKey(Outbox, verbose_name=_("发件箱"), on_delete=models.CASCADE, related_name="log")
    attempt = models.PositiveSmallIntegerField(_("第几次"))
    worker = models.CharField(_("处理进程"), max_length=64, blank=True)
    started_at = models.DateTimeField(_("开始时间"))
    duration_ms = models.PositiveIntegerField(_("耗时（毫秒）"), default=0)
    ok = models.BooleanField(_("成功"))
    response_code = models.CharField(_("响应码"), max_length=20, blank=True)
    error = models.TextField(_("错误"), blank=True, help_text=_("已去除电子邮件地址和手机号。"))

    class Meta:
        verbose_name = _("投递日志")
        verbose_name_plural = _("投递日志")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.outbox_id}#{self.attempt} {'ok' if self.ok else 'error'}"


class InboxMessage(models.Model):
    """An in-system message (站内信); unique on the outbox key, so a re-delivery never duplicates it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE,
                             related_name="inbox_messages")
    order = models.ForeignKey("orders.Order", verbose_name=_("订单"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    event = models.CharField(_("事件"), max_length=60)
    subject_zh = models.CharField(_("标题（中文）"), max_length=300)
    subject_en = models.CharField(_("标题（英文）"), max_length=300)
    body_zh = models.TextField(_("正文（中文）"))
    body_en = models.TextField(_("正文（英文）"))
    outbox_key = models.CharField(_("发件箱幂等键"), max_length=200, unique=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("站内信")
        verbose_name_plural = _("站内信")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"], name="notify_inbox_unread")]

    def __str__(self) -> str:
        return self.subject_zh


def _new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


class WebhookEndpoint(models.Model):
    """A user's HTTPS endpoint that receives their notifications as HMAC-SHA256 signed JSON POSTs."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("所有者"), on_delete=models.CASCADE,
                              related_name="webhook_endpoints")
    url = models.URLField(_("URL"), max_length=500)
    secret = models.CharField(_("签名密钥"), max_length=80, default=_new_secret,
                              help_text=_("用于 X-Beian-Signature 的 HMAC-SHA256 密钥。"))
    events = models.JSONField(_("订阅事件"), default=list, blank=True,
                              help_text=_('事件名列表；["*"] 表示全部。'))
    description = models.CharField(_("说明"), max_length=200, blank=True)
    active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("Webhook 端点")
        verbose_name_plural = _("Webhook 端点")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.url

    def subscribed(self, event: str) -> bool:
        return "*" in self.events or event in self.events


class SmsMessage(models.Model):
    """An SMS "sent" by the default recording backend: no gateway is called; demo and tests read codes here."""

    phone = models.CharField(_("手机号"), max_length=20, db_index=True)
    text = models.TextField(_("内容"))
    outbox_key = models.CharField(_("发件箱幂等键"), max_length=200, blank=True, db_index=True)
    sent_at = models.DateTimeField(_("发送时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("短信记录")
        verbose_name_plural = _("短信记录")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.phone[:3]}****{self.phone[-4:]} {self.sent_at:%Y-%m-%d %H:%M}"
