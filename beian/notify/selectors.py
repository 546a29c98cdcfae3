"""Scoped reads of the notify app: a user sees only their own inbox and webhook endpoints."""

from __future__ import annotations

from django.db.models import QuerySet

from beian.notify.models import InboxMessage, WebhookEndpoint


def inbox_for_user(*, user, unread_only: bool = False) -> QuerySet[InboxMessage]:
    qs = InboxMessage.objects.filter(user=user)
    if unread_only:
        qs = qs.filter(read_at=None)
    return qs.order_by("-created_at", "-id")


def inbox_unread_count(*, user) -> int:
    return InboxMessage.objects.filter(user=user, read_at=None).count()


def webhooks_for_user(*, user) -> QuerySet[WebhookEndpoint]:
    return WebhookEndpoint.objects.filter(owner=user).order_by("id")


def webhook_for_user(*, user, webhook_id: int) -> WebhookEndpoint | None:
    return WebhookEndpoint.objects.filter(owner=user, pk=webhook_id).first()
