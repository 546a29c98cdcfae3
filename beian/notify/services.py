"""Notification services: queue messages in the caller's transaction, deliver them at least once, manage the inbox.

Queueing (``notification_queue``, ``sms_queue``) only writes :class:`Outbox` rows — call it inside the
transaction of the event, and the messages exist exactly when the event does. ``outbox_deliver_batch`` (run by
``manage.py beian_worker``) claims due rows, sends them outside any transaction and records the outcome; a
failed attempt is retried with exponential backoff, a row left ``sending`` by a crashed worker is retried once its
lease ends. Logs name outbox ids, channels and events only — never addresses, SMS codes or message text.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import re
import time
from collections.abc import Callable, Iterable
from datetime import timedelta

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone, translation

from beian.core.errors import error, not_found
from beian.core.hotsql import Table, hot_execute, hot_fetch, hot_later, rows_insert_statement
from beian.notify import channels
from beian.notify.models import (
    DUE_STATUSES,
    Channel,
    DeliveryLog,
    InboxMessage,
    Outbox,
    OutboxStatus,
    WebhookEndpoint,
)
from beian.notify.templates import TEMPLATES, template_render_sms

log = logging.getLogger("beian.notify")

# Delay before retry n (after the n-th failed attempt); the attempt after the last delay is the final one.
BACKOFF = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2),
           timedelta(hours=6))
MAX_ATTEMPTS = len(BACKOFF) + 1
REDACTED = "[已删除 / redacted]"

ORDER_TYPE_EN = {
    "new_filing": "new filing", "add_website": "new website", "add_access": "new access",
    "change_entity": "entity change", "change_website": "website change", "change_filing": "filing change",
    "change_access": "access change", "cancel_entity": "entity cancellation",
    "cancel_website": "website cancellation", "cancel_access": "access cancellation",
}

_SAFE = re.compile(r"[^A-Za-z0-9_-]+")


def _lease() -> timedelta:
    return timedelta(seconds=getattr(settings, "BEIAN_OUTBOX_LEASE_SECONDS", 300))


def backoff_delay(attempts: int) -> timedelta:
    """How long to wait after the ``attempts``-th failed attempt."""
    return BACKOFF[min(max(attempts, 1), len(BACKOFF)) - 1]


# --- queueing --------------------------------------------------------------------------------------------------

def _jsonable(value):
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False))


def _reasons(raw) -> list[dict]:
    """Reasons as given by the caller (strings, findings, ReturnReason-like dicts) → one dict shape."""
    out = []
    for item in raw or []:
        if isinstance(item, str):
            out.append({"message_zh": item, "message_en": item, "field": None, "hint_zh": "", "hint_en": ""})
            continue
        item = dict(item)
        zh = item.get("message_zh") or item.get("title_zh") or item.get("code") or ""
        out.append({"field": item.get("field"), "message_zh": zh,
                    "message_en": item.get("message_en") or item.get("title_en") or zh,
                    "hint_zh": item.get("hint_zh") or item.get("fix_zh") or "",
                    "hint_en": item.get("hint_en") or item.get("fix_en") or ""})
    return out


@functools.cache
def order_type_zh(value: str) -> str:
    """The Chinese name of an order type (the messages' wording is Chinese whatever language is active)."""
    from beian.orders.models import OrderType

    with translation.override("zh-hans"):
        return str(OrderType(value).label) if value in OrderType.values else value


def _order_dict(order) -> dict | None:
    if order is None:
        return None
    site = settings.BEIAN.get("SITE_URL", "").rstrip("/")
    return {"id": order.pk, "type": order.type, "type_zh": order_type_zh(order.type),
            "type_en": ORDER_TYPE_EN.get(order.type, order.type), "state": order.state,
            "url": f"{site}/orders/{order.pk}/"}


def _render_context(order, context: dict) -> dict:
    ctx = _jsonable(dict(context or {}))
    ctx.setdefault("provider", settings.BEIAN.get("PROVIDER_NAME", "Beian"))
    ctx.setdefault("site_url", settings.BEIAN.get("SITE_URL", ""))
    if "reasons" in ctx:
        ctx["reasons"] = _reasons(ctx["reasons"])
    ctx["order"] = _order_dict(order)
    return ctx


def _discriminator(context: dict | None) -> str:
    ctx = context or {}
    for name in ("seq", "key"):
        if ctx.get(name) not in (None, ""):
            return _SAFE.sub("-", str(ctx[name]))[:40]
    return "0"


def _key(*parts) -> str:
    key = ".".join(_SAFE.sub("-", str(p)) for p in parts)
    if len(key) > 180:  # stays a valid Message-ID left part either way
        key = key[:100] + "." + hashlib.sha256(key.encode()).hexdigest()[:40]
    return key


_ENDPOINT = Table(WebhookEndpoint)
_ENDPOINTS_SQL = (f'SELECT {_ENDPOINT.select} FROM "{WebhookEndpoint._meta.db_table}" '
                  'WHERE "owner_id" = ANY(%s) AND "active" ORDER BY "id"')


def _active_endpoints(owner_ids: list[int]) -> list[WebhookEndpoint]:
    # Prepared (core.hotsql): every order event reads them.
    return [_ENDPOINT.instance(row) for row in hot_fetch(_ENDPOINTS_SQL, [owner_ids])]


def notification_queue(*, event: str, recipients: Iterable, order=None, context: dict | None = None,
                       fetch: bool = True) -> list[Outbox]:
    """Write the outbox rows of one event in the caller's transaction and return them.

    ``fetch=False``: return nothing (``[]``) and skip reading the rows back — the order events, which never look
    at them, save a query per event; the rows written are the same.

    Per recipient: an inbox message, an e-mail if the user has an address (and is active), and one webhook
    delivery per active endpoint of that user subscribed to ``event``. Idempotent: the key is
    ``event.o<order>.u<user>[-w<endpoint>].<channel>.<discriminator>`` where the discriminator is
    ``context["seq"]`` (or ``context["key"]``), else ``0`` — so queueing the same event for the same order
    twice without a new ``seq`` returns the rows of the first call instead of sending again.
    """
    users = [u for u in recipients if u is not None]
    if not users:
        return []
    # savepoint=False: inside the event's transaction no savepoint round trips (nothing here is caught and
    # retried: a failure fails the event); on its own it is an ordinary transaction.
    with transaction.atomic(savepoint=False):
        # The rows carry the render context, not the text: the worker renders subject and body when it delivers
        # (channels.outbox_message) — the same text, as the context is fixed here, and no template work inside the
        # event's transaction.
        ctx = _render_context(order, context or {})
        disc = _discriminator(context)
        order_part = f"o{order.pk}" if order is not None else "o0"
        now = timezone.now()
        message = {"context": ctx}
        endpoints: dict[int, list[WebhookEndpoint]] = {}
        owners = [u.pk for u in users if getattr(u, "webhooks_active", True)]
        for ep in _active_endpoints(owners) if owners else ():
            if ep.subscribed(event):
                endpoints.setdefault(ep.owner_id, []).append(ep)
        rows: list[dict] = []  # column values (hotsql.rows_insert_statement): no model instance per row
        seen: set[str] = set()
        order_id = order.pk if order is not None else None

        def add(channel: str, user, address: str = "", webhook=None, payload=None):
            who = f"u{user.pk}" + (f"-w{webhook.pk}" if webhook is not None else "")
            key = _key(event, order_part, who, channel, disc)
            if key in seen:
                return
            seen.add(key)
            rows.append({"channel": channel, "event": event, "recipient_id": user.pk, "address": address,
                         "webhook_id": webhook.pk if webhook is not None else None, "order_id": order_id,
                         "payload": payload or message, "idempotency_key": key, "next_attempt_at": now})

        for user in users:
            add(Channel.INBOX, user)
            if user.email and user.is_active:
                add(Channel.EMAIL, user, address=user.email)
            for ep in endpoints.get(user.pk, []):
                hook = {"id": None, "event": event, "created_at": now.isoformat(),
                        "order": {k: v for k, v in (ctx["order"] or {}).items() if k in ("id", "type", "state")}
                        or None,
                        "data": {k: v for k, v in ctx.items() if k not in ("order", "provider", "site_url")}}
                add(Channel.WEBHOOK, user, address=ep.url, webhook=ep, payload={**message, "webhook": hook})
        for row in rows:
            if row["channel"] == Channel.WEBHOOK:
                row["payload"]["webhook"]["id"] = row["idempotency_key"]
        statement = rows_insert_statement(Outbox, rows, ignore_conflicts=True)
        if not fetch:  # nothing reads them in this transaction: they go with its next statement or its COMMIT
            hot_later([statement])
            return []
        hot_execute(*statement)
        return list(Outbox.objects.filter(idempotency_key__in=[r["idempotency_key"] for r in rows]).order_by("id"))


def _sms_row(*, event: str, phone: str, context: dict, order, now) -> dict:
    phone = (phone or "").strip()
    if not phone:
        raise ValueError("phone is required")
    ctx = _render_context(order, context or {})
    text = template_render_sms(event, ctx)
    phone_part = "p" + hashlib.sha256(phone.encode()).hexdigest()[:16]
    key = _key(event, f"o{order.pk}" if order is not None else "o0", phone_part, Channel.SMS,
               _discriminator(context))
    return {"channel": Channel.SMS, "event": event, "address": phone, "payload": {"text": text},
            "order_id": order.pk if order is not None else None, "idempotency_key": key, "next_attempt_at": now}


def sms_queue(*, event: str, phone: str, context: dict, order=None) -> Outbox:
    """Queue one SMS (e.g. ``event="sms_code"`` with ``code`` and ``expires_at`` in context) in the caller's
    transaction. The text is removed from the row once delivered (or given up), so codes do not linger.
    Idempotent per (event, order, phone, ``context["seq"]``): pass a new ``seq`` for each resend."""
    row = _sms_row(event=event, phone=phone, context=context, order=order, now=timezone.now())
    with transaction.atomic(savepoint=False):
        hot_execute(*rows_insert_statement(Outbox, [row], ignore_conflicts=True))
        return Outbox.objects.get(idempotency_key=row["idempotency_key"])


def sms_rows(*, event: str, messages: Iterable[tuple[str, dict]], order=None) -> list[dict]:
    """The outbox rows ``sms_queue`` writes for several (phone, context) pairs (same idempotency keys), as column
    values: for a caller that inserts them in its transaction with its own writes (``hotsql.rows_insert_statement``
    with ``ignore_conflicts=True``: the SMS stage opening its codes)."""
    now = timezone.now()
    return [_sms_row(event=event, phone=phone, context=context, order=order, now=now) for phone, context in messages]


# --- delivery --------------------------------------------------------------------------------------------------

_MASKS = (re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+"), re.compile(r"(?<!\d)1\d{10}(?!\d)"))


def _clean_error(exc: BaseException) -> str:
    text = f"{type(exc).__name__}: {exc}"
    for pattern in _MASKS:
        text = pattern.sub("***", text)
    return text[:1000]


def _claim(*, limit: int, worker_id: str) -> list[Outbox]:
    """Claim up to ``limit`` due rows: mark them sending with a lease and count the attempt."""
    now = timezone.now()
    with transaction.atomic():
        qs = Outbox.objects.filter(status__in=DUE_STATUSES, next_attempt_at__lte=now).order_by("next_attempt_at",
                                                                                                  "id")
        if connection.features.has_select_for_update_skip_locked:
            qs = qs.select_for_update(skip_locked=True)
        rows = list(qs[:limit])
        if not rows:
            return []
        exhausted = [r.pk for r in rows if r.attempts >= MAX_ATTEMPTS]
        if exhausted:  # the worker died during the last attempt: give up like any last failure
            Outbox.objects.filter(pk__in=exhausted).update(status=OutboxStatus.DEAD, locked_by="",
                                                           last_error="lease expired on the last attempt")
        rows = [r for r in rows if r.attempts < MAX_ATTEMPTS]
        lease_until = now + _lease()
        Outbox.objects.filter(pk__in=[r.pk for r in rows]).update(
            status=OutboxStatus.SENDING, attempts=F("attempts") + 1, next_attempt_at=lease_until,
            locked_by=worker_id[:64])
    for row in rows:
        row.status, row.attempts, row.next_attempt_at, row.locked_by = (OutboxStatus.SENDING, row.attempts + 1,
                                                                        lease_until, worker_id[:64])
    return rows


def _release(rows: list[Outbox]) -> None:
    """Give claimed but unattempted rows back (graceful shutdown) so they need not wait for the lease."""
    for row in rows:
        Outbox.objects.filter(pk=row.pk, status=OutboxStatus.SENDING, attempts=row.attempts).update(
            status=OutboxStatus.PENDING if row.attempts == 1 else OutboxStatus.FAILED,
            attempts=F("attempts") - 1, next_attempt_at=timezone.now(), locked_by="")


def _deliver_one(row: Outbox, *, sender: channels.EmailSender, worker_id: str) -> bool:
    started_at = timezone.now()
    t0 = time.monotonic()
    permanent = False
    code, err = "", ""
    try:
        if row.channel == Channel.EMAIL:
            code = sender.send(row)
        elif row.channel == Channel.INBOX:
            code = channels.deliver_inbox(row)
        elif row.channel == Channel.SMS:
            code = channels.deliver_sms(row)
        elif row.channel == Channel.WEBHOOK:
            code = channels.deliver_webhook(row)
        else:
            raise channels.PermanentError(f"unknown channel {row.channel!r}")
        ok = True
    except channels.PermanentError as exc:
        ok, permanent, err = False, True, _clean_error(exc)
    except Exception as exc:  # transient: network, SMTP, gateway — retried with backoff
        ok, err = False, _clean_error(exc)
    now = timezone.now()
    updates: dict = {"locked_by": ""}
    if ok:
        updates.update(status=OutboxStatus.SENT, sent_at=now, last_error="")
    elif permanent or row.attempts >= MAX_ATTEMPTS:
        updates.update(status=OutboxStatus.DEAD, last_error=err)
    else:
        updates.update(status=OutboxStatus.FAILED, last_error=err, next_attempt_at=now + backoff_delay(row.attempts))
    if row.channel == Channel.SMS and updates["status"] in (OutboxStatus.SENT, OutboxStatus.DEAD):
        updates["payload"] = {**row.payload, "text": REDACTED}
    with transaction.atomic():
        DeliveryLog.objects.create(outbox_id=row.pk, attempt=row.attempts, worker=worker_id[:64],
                                   started_at=started_at, duration_ms=int((time.monotonic() - t0) * 1000), ok=ok,
                                   response_code=str(code)[:20], error=err)
        # Fenced on the attempt number: if our lease ran out and another worker re-claimed the row, its
        # outcome wins and ours is only logged.
        Outbox.objects.filter(pk=row.pk, status=OutboxStatus.SENDING, attempts=row.attempts).update(**updates)
    if ok:
        log.debug("outbox %s %s %s attempt %d sent", row.pk, row.channel, row.event, row.attempts)
    else:
        log.warning("outbox %s %s %s attempt %d %s: %s", row.pk, row.channel, row.event, row.attempts,
                    updates["status"], err.split(":", 1)[0])
    return ok


def outbox_deliver_batch(*, limit: int = 50, worker_id: str = "", stop: Callable[[], bool] | None = None) -> int:
    """Claim up to ``limit`` due rows and deliver them; returns how many were attempted.

    The claim is short (``SELECT … FOR UPDATE SKIP LOCKED`` on PostgreSQL; SQLite's IMMEDIATE write transaction
    serialises claims); sending happens outside any transaction. ``stop()`` is checked between rows: on a
    graceful shutdown the rest of the batch is given back at once.
    """
    rows = _claim(limit=limit, worker_id=worker_id)
    if not rows:
        return 0
    sender = channels.EmailSender()
    done = 0
    sent = 0
    try:
        for i, row in enumerate(rows):
            if stop is not None and stop():
                _release(rows[i:])
                break
            sent += _deliver_one(row, sender=sender, worker_id=worker_id)
            done += 1
    finally:
        sender.close()
    log.info("outbox batch: %d attempted, %d sent", done, sent)
    return done


@transaction.atomic
def outbox_retry(*, outbox_ids: Iterable[int]) -> int:
    """Operator action: make failed or dead rows due now, with a fresh attempt budget."""
    return Outbox.objects.filter(pk__in=list(outbox_ids), status__in=[OutboxStatus.FAILED, OutboxStatus.DEAD]).update(
        status=OutboxStatus.PENDING, attempts=0, next_attempt_at=timezone.now(), locked_by="")


@transaction.atomic
def outbox_prune(*, older_than: timedelta = timedelta(days=90)) -> int:
    """Delete sent rows (and their delivery logs) older than ``older_than``; inbox messages stay."""
    deleted, _ = Outbox.objects.filter(status=OutboxStatus.SENT, sent_at__lt=timezone.now() - older_than).delete()
    return deleted


# --- inbox -----------------------------------------------------------------------------------------------------

@transaction.atomic
def inbox_mark_read(*, user, message_id: int) -> InboxMessage:
    msg = InboxMessage.objects.select_for_update().filter(pk=message_id, user=user).first()
    if msg is None:
        raise not_found("消息", "message")
    if msg.read_at is None:
        msg.read_at = timezone.now()
        msg.save(update_fields=["read_at"])
    return msg


@transaction.atomic
def inbox_mark_all_read(*, user) -> int:
    return InboxMessage.objects.filter(user=user, read_at=None).update(read_at=timezone.now())


# --- webhooks --------------------------------------------------------------------------------------------------

WEBHOOKS_PER_USER = 10


def known_events() -> set[str]:
    return set(TEMPLATES)


def _clean_events(events: list[str]) -> list[str]:
    events = sorted({e.strip() for e in events if e and e.strip()})
    if not events:
        raise error("WEBHOOK_EVENTS_REQUIRED", "请至少选择一个事件（或 \"*\" 表示全部）。",
                    'Choose at least one event (or "*" for all).', field="events")
    unknown = [e for e in events if e != "*" and e not in known_events()]
    if unknown:
        names = ", ".join(unknown)
        raise error("WEBHOOK_EVENT_UNKNOWN", f"未知事件：{names}。", f"Unknown event: {names}.", field="events")
    return events


def _clean_url(url: str) -> str:
    from urllib.parse import urlparse

    url = (url or "").strip()
    parsed = urlparse(url)
    if parsed.scheme not in {"http", "https"} or not parsed.hostname or len(url) > 500:
        raise error("WEBHOOK_URL_INVALID", "Webhook 地址必须是 http:// 或 https:// 开头的完整 URL。",
                    "The webhook URL must be a complete http:// or https:// URL.", field="url")
    if settings.PRODUCTION and parsed.scheme != "https":
        raise error("WEBHOOK_URL_NOT_HTTPS", "生产环境的 Webhook 地址必须使用 https。",
                    "Webhook URLs must use https in production.", field="url")
    return url


@transaction.atomic
def webhook_create(*, owner, url: str, events: list[str], description: str = "", active: bool = True
                   ) -> WebhookEndpoint:
    if WebhookEndpoint.objects.filter(owner=owner).count() >= WEBHOOKS_PER_USER:
        raise error("WEBHOOK_LIMIT", f"每个账号最多 {WEBHOOKS_PER_USER} 个 Webhook。",
                    f"At most {WEBHOOKS_PER_USER} webhooks per account.")
    return WebhookEndpoint.objects.create(owner=owner, url=_clean_url(url), events=_clean_events(events),
                                          description=(description or "")[:200], active=active)


def _own_webhook(owner, webhook_id: int) -> WebhookEndpoint:
    ep = WebhookEndpoint.objects.select_for_update().filter(pk=webhook_id, owner=owner).first()
    if ep is None:
        raise not_found("Webhook", "webhook")
    return ep


@transaction.atomic
def webhook_update(*, owner, webhook_id: int, url: str | None = None, events: list[str] | None = None,
                   description: str | None = None, active: bool | None = None,
                   rotate_secret: bool = False) -> WebhookEndpoint:
    from beian.notify.models import _new_secret

    ep = _own_webhook(owner, webhook_id)
    if url is not None:
        ep.url = _clean_url(url)
    if events is not None:
        ep.events = _clean_events(events)
    if description is not None:
        ep.description = description[:200]
    if active is not None:
        ep.active = active
    if rotate_secret:
        ep.secret = _new_secret()
    ep.save()
    return ep


@transaction.atomic
def webhook_delete(*, owner, webhook_id: int) -> None:
    _own_webhook(owner, webhook_id).delete()
