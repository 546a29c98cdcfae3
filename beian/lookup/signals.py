"""Keep the lookup in step with the registry: the SQLite name index and the answer cache's bust rows in the
approval's own transaction (``post_save`` of the entity, ``registry_changed``)."""

from __future__ import annotations

from django.db.models.signals import post_save
from django.dispatch import receiver

from beian.registry.models import Entity
from beian.registry.services import registry_changed


@receiver(post_save, sender=Entity, dispatch_uid="lookup_name_index_sync")
def _entity_saved(sender, instance: Entity, raw: bool = False, **kwargs) -> None:
    # In the same transaction as the entity write: an approval and its index row commit or roll back together.
    from beian.lookup.search_index import name_index_sync

    name_index_sync(entity_ids=[instance.pk])


@receiver(registry_changed, dispatch_uid="lookup_cache_invalidate")
def _registry_changed(sender, entity_id: int, domains: list[str] | None = None, numbers: list[str] | None = None,
                     **kwargs) -> None:
    from beian.lookup.cache import invalidate_entity, seconds

    if seconds():
        invalidate_entity(entity_id=entity_id, domains=domains, numbers=numbers)
