"""Notify API: the signed-in user's inbox and webhook endpoints (mounted at /api/notify/)."""

from __future__ import annotations

from datetime import datetime

from ninja import Field, Query, Router, Schema, Status

from beian.core.errors import not_found
from beian.notify import selectors, services
from beian.notify.models import WebhookEndpoint

router = Router(tags=["notify"])


class MessageOut(Schema):
    id: int
    event: str
    order_id: int | None
    subject_zh: str
    subject_en: str
    body_zh: str
    body_en: str
    created_at: datetime
    read_at: datetime | None


class InboxOut(Schema):
    items: list[MessageOut]
    count: int
    unread: int
    page: int
    page_size: int


class WebhookOut(Schema):
    id: int
    url: str
    events: list[str]
    description: str
    active: bool
    created_at: datetime


class WebhookCreatedOut(WebhookOut):
    secret: str = Field(description="HMAC-SHA256 signing secret; shown only on creation and rotation.")


class WebhookPatchOut(WebhookOut):
    secret: str | None = Field(None, description="The new secret when rotate_secret was requested.")


class WebhookIn(Schema):
    url: str = Field(max_length=500)
    events: list[str] = Field(default_factory=lambda: ["*"], max_length=50)
    description: str = Field("", max_length=200)
    active: bool = True


class WebhookPatch(Schema):
    url: str | None = Field(None, max_length=500)
    events: list[str] | None = Field(None, max_length=50)
    description: str | None = Field(None, max_length=200)
    active: bool | None = None
    rotate_secret: bool = False


def _hook(ep: WebhookEndpoint, *, with_secret: bool = False) -> dict:
    data = {"id": ep.pk, "url": ep.url, "events": ep.events, "description": ep.description, "active": ep.active,
            "created_at": ep.created_at}
    if with_secret:
        data["secret"] = ep.secret
    return data


@router.get("/inbox", response=InboxOut, summary="我的站内信 / My inbox")
def inbox(request, page: int = Query(1, ge=1, le=100000), page_size: int = Query(20, ge=1, le=100),
          unread: bool = False):
    qs = selectors.inbox_for_user(user=request.user, unread_only=unread)
    start = (page - 1) * page_size
    return {"items": list(qs[start:start + page_size]), "count": qs.count(),
            "unread": selectors.inbox_unread_count(user=request.user), "page": page, "page_size": page_size}


@router.post("/inbox/read-all", summary="全部标为已读 / Mark all read")
def inbox_read_all(request):
    return {"updated": services.inbox_mark_all_read(user=request.user)}


@router.post("/inbox/{message_id}/read", response=MessageOut, summary="标为已读 / Mark read")
def inbox_read(request, message_id: int):
    return services.inbox_mark_read(user=request.user, message_id=message_id)


@router.get("/webhooks", response=list[WebhookOut], summary="我的 Webhook / My webhooks")
def webhooks(request):
    return [_hook(ep) for ep in selectors.webhooks_for_user(user=request.user)]


@router.post("/webhooks", response={201: WebhookCreatedOut}, summary="新建 Webhook / Create a webhook")
def webhook_create(request, payload: WebhookIn):
    ep = services.webhook_create(owner=request.user, url=payload.url, events=payload.events,
                                 description=payload.description, active=payload.active)
    return Status(201, _hook(ep, with_secret=True))


@router.get("/webhooks/{webhook_id}", response=WebhookOut, summary="Webhook 详情 / A webhook")
def webhook_get(request, webhook_id: int):
    ep = selectors.webhook_for_user(user=request.user, webhook_id=webhook_id)
    if ep is None:
        raise not_found("Webhook", "webhook")
    return _hook(ep)


@router.patch("/webhooks/{webhook_id}", response=WebhookPatchOut,
              summary="修改 Webhook / Update a webhook")
def webhook_update(request, webhook_id: int, payload: WebhookPatch):
    ep = services.webhook_update(owner=request.user, webhook_id=webhook_id, url=payload.url, events=payload.events,
                                 description=payload.description, active=payload.active,
                                 rotate_secret=payload.rotate_secret)
    return _hook(ep, with_secret=payload.rotate_secret)


@router.delete("/webhooks/{webhook_id}", response={204: None}, summary="删除 Webhook / Delete a webhook")
def webhook_delete(request, webhook_id: int):
    services.webhook_delete(owner=request.user, webhook_id=webhook_id)
    return Status(204, None)
