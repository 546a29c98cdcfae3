"""Keep ``User.webhooks_active`` equal to "has an active webhook endpoint" (the order events read it)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from beian.notify.models import WebhookEndpoint


def webhooks_active_refresh(*, owner_id: int) -> bool:
    """Recompute the user's flag from their endpoints and return it. The user row is locked first, so two
    concurrent edits of one user's endpoints cannot leave the flag computed from a snapshot without the other."""
    User = get_user_model()
    with transaction.atomic():
        if not User.objects.select_for_update().filter(pk=owner_id).exists():
            return False  # the user is being deleted with their endpoints
        active = WebhookEndpoint.objects.filter(owner_id=owner_id, active=True).exists()
        User.objects.filter(pk=owner_id).update(webhooks_active=active)
    return active


@receiver(post_save, sender=WebhookEndpoint, dispatch_uid="notify_webhooks_active_saved")
@receiver(post_delete, sender=WebhookEndpoint, dispatch_uid="notify_webhooks_active_deleted")
def _endpoint_changed(sender, instance: WebhookEndpoint, raw: bool = False, **kwargs) -> None:
    # After the admin moves an endpoint to another owner the old owner's flag may stay true: that costs the user
    # one read per event, never a delivery.
    if raw:
        return
    active = webhooks_active_refresh(owner_id=instance.owner_id)
    if WebhookEndpoint.owner.is_cached(instance):  # the caller's user object says so too
        instance.owner.webhooks_active = active
