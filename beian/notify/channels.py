"""Delivery channels: in-system inbox, e-mail (Django's mail API / SMTP), SMS (a plug-in backend) and webhooks.

Each ``deliver_<channel>(row, ...)`` sends one outbox row and returns a short response code; it raises
:class:`PermanentError` for failures that retrying cannot fix (the row goes to ``dead``) and any other exception
for transient ones (retried with backoff). Nothing here writes the outbox row itself: ``services`` does.

SMS: ``BEIAN_SMS_BACKEND`` names a class with ``send(*, phone, text, key) -> str``. The default
:class:`RecordingSmsBackend` stores each SMS in :class:`~beian.notify.models.SmsMessage` and sends nothing. No
commercial gateway (Aliyun SMS, Tencent Cloud SMS, …) is implemented; write a backend class to add one.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import socket
import urllib.error
import urllib.request
from urllib.parse import urlparse

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.utils.module_loading import import_string

from beian.notify.models import InboxMessage, Outbox, SmsMessage
from beian.notify.templates import template_render

USER_AGENT = "Beian-Webhook/1.0"


class PermanentError(Exception):
    """A delivery failure that retrying cannot fix (bad address, endpoint gone or disabled)."""


# --- inbox -----------------------------------------------------------------------------------------------------

MESSAGE_KEYS = ("subject_zh", "subject_en", "body_zh", "body_en")


def outbox_message(row: Outbox) -> dict[str, str]:
    """Subject and body in both languages of an inbox, e-mail or webhook row: rendered from the context the event
    stored with it (rows queued before that carry the rendered text)."""
    p = row.payload
    if "context" not in p:
        return {k: p.get(k, "") for k in MESSAGE_KEYS}
    rendered = template_render(row.event, p["context"], sms=False)
    return {k: rendered[k] for k in MESSAGE_KEYS}


def deliver_inbox(row: Outbox, **_) -> str:
    """Upsert keyed on the outbox key: running twice never shows the message twice."""
    if row.recipient_id is None:
        raise PermanentError("recipient deleted")
    p = outbox_message(row)
    InboxMessage.objects.bulk_create([InboxMessage(
        user_id=row.recipient_id, order_id=row.order_id, event=row.event, outbox_key=row.idempotency_key,
        subject_zh=p.get("subject_zh", ""), subject_en=p.get("subject_en", ""),
        body_zh=p.get("body_zh", ""), body_en=p.get("body_en", ""))], ignore_conflicts=True)
    return "stored"


# --- e-mail ----------------------------------------------------------------------------------------------------

def email_message(row: Outbox, connection=None) -> EmailMessage:
    p = outbox_message(row)
    body = f"{p.get('body_zh', '')}\n\n————————————————\n\n{p.get('body_en', '')}\n"
    subject = f"{p.get('subject_zh', '')} / {p.get('subject_en', '')}".replace("\n", " ")[:400]
    return EmailMessage(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[row.address],
                        headers={"Message-ID": row.message_id, "X-Beian-Event": row.event},
                        connection=connection)


class EmailSender:
    """One SMTP connection reused for a whole batch; reopened after an error."""

    def __init__(self):
        self.connection = None

    def send(self, row: Outbox) -> str:
        import smtplib

        if not row.address:
            raise PermanentError("no e-mail address")
        if self.connection is None:
            self.connection = get_connection(fail_silently=False)
            self.connection.open()
        try:
            email_message(row, self.connection).send(fail_silently=False)
        except smtplib.SMTPRecipientsRefused as exc:
            raise PermanentError("recipient refused") from exc
        except Exception:
            self.close()
            raise
        return "250"

    def close(self) -> None:
        if self.connection is not None:
            try:
                self.connection.close()
            except Exception:  # closing a broken connection may fail too
                pass
            self.connection = None


# --- SMS -------------------------------------------------------------------------------------------------------

class SmsBackend:
    """The SMS plug-in interface: send one text to one mainland mobile number; return the gateway's id."""

    def send(self, *, phone: str, text: str, key: str) -> str:  # pragma: no cover - interface
        raise NotImplementedError


class RecordingSmsBackend(SmsBackend):
    """The default: records each SMS in the database (``SmsMessage``) instead of sending it."""

    def send(self, *, phone: str, text: str, key: str) -> str:
        msg = SmsMessage.objects.create(phone=phone, text=text, outbox_key=key)
        return f"rec-{msg.pk}"


def sms_backend() -> SmsBackend:
    path = getattr(settings, "BEIAN_SMS_BACKEND", "") or "beian.notify.channels.RecordingSmsBackend"
    return import_string(path)()


def deliver_sms(row: Outbox, **_) -> str:
    if not row.address:
        raise PermanentError("no phone number")
    return str(sms_backend().send(phone=row.address, text=row.payload.get("text", ""), key=row.idempotency_key))


# --- webhooks --------------------------------------------------------------------------------------------------

def webhook_signature(secret: str, body: bytes) -> str:
    """``X-Beian-Signature``: ``sha256=`` + hex HMAC-SHA256 of the raw request body with the endpoint's secret."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def webhook_verify(secret: str, body: bytes, signature: str) -> bool:
    """What a receiver does: recompute and compare in constant time."""
    return hmac.compare_digest(webhook_signature(secret, body), signature or "")


def _check_target(url: str) -> None:
    """Refuse loopback, private and link-local targets unless BEIAN_WEBHOOK_ALLOW_PRIVATE (SSRF guard)."""
    parsed = urlparse(url)
    if parsed.scheme not in {"http", "https"} or not parsed.hostname:
        raise PermanentError("unsupported URL")
    if getattr(settings, "BEIAN_WEBHOOK_ALLOW_PRIVATE", False):
        return
    try:
        infos = socket.getaddrinfo(parsed.hostname, parsed.port or (443 if parsed.scheme == "https" else 80))
    except socket.gaierror as exc:
        raise ConnectionError("host name does not resolve") from exc
    for info in infos:
        ip = ipaddress.ip_address(info[4][0])
        if not ip.is_global:
            raise PermanentError("target address is not public")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect could point at an internal address: treat 3xx as a failed attempt instead of following it."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


def deliver_webhook(row: Outbox, **_) -> str:
    endpoint = row.webhook
    if endpoint is None or not endpoint.active:
        raise PermanentError("endpoint removed or disabled")
    _check_target(endpoint.url)
    hook = dict(row.payload.get("webhook", {}))
    if "subject_zh" not in hook:  # the message goes before the event's data, as in rows rendered when queued
        data = hook.pop("data", {})
        hook = {**hook, **outbox_message(row), "data": data}
    body = json.dumps(hook, ensure_ascii=False, separators=(",", ":")).encode()
    request = urllib.request.Request(endpoint.url, data=body, method="POST", headers={
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": USER_AGENT,
        "X-Beian-Event": row.event,
        "X-Beian-Delivery": row.idempotency_key,
        "X-Beian-Signature": webhook_signature(endpoint.secret, body),
    })
    try:
        with _OPENER.open(request, timeout=10) as response:
            return str(response.status)
    except urllib.error.HTTPError as exc:
        if exc.code == 410:
            raise PermanentError("HTTP 410 Gone") from exc
        raise ConnectionError(f"HTTP {exc.code}") from exc
