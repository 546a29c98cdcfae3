"""Access objects of /api/notify/: a message in the owner's inbox and the owner's webhook."""

from __future__ import annotations

from tests.access.harness import access_object


@access_object("owner_message")
def owner_message(world):
    from beian.notify.models import InboxMessage

    return InboxMessage.objects.create(user=world.user("owner"), event="order_submitted", subject_zh="已提交",
                                       subject_en="Submitted", body_zh="订单已提交。", body_en="Order submitted.",
                                       outbox_key="harness-owner-message")


@access_object("owner_webhook")
def owner_webhook(world):
    from beian.notify.services import webhook_create

    return webhook_create(owner=world.user("owner"), url="https://hooks.example.com/beian", events=["*"])
