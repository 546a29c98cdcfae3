"""A per-process copy of rarely-changed tables (catalogues), current across all processes.

Checks read catalogues on every call, but operators change them rarely (admin edits). Each process keeps one
loaded copy keyed by a token in the shared cache (the database cache or Redis, shared by all web workers and the
worker); every save or delete of a watched model replaces the token, so every process reloads on its next read —
one cache read per check instead of the tables' queries, and at most one per ``BEIAN_REFDATA_CHECK_MS``
(core.refdata). A random token, not a counter: a rolled-back
transaction can never make a stale copy look current. (A data migration's historical models send no signals:
processes started after the migration load the tables anew.)
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable
from typing import Generic, TypeVar

from beian.core.refdata import check_due, on_reset

T = TypeVar("T")


class TableCache(Generic[T]):
    def __init__(self, key: str, loader: Callable[[], T]):
        self.key = key
        self.loader = loader
        self._loaded: dict[str, T] = {}
        self._current: tuple[float, T] | None = None  # (when confirmed current, value): see core.refdata
        self._lock = threading.Lock()
        on_reset(self.reset)

    def reset(self) -> None:
        """Forget the loaded copy (core.refdata.refdata_reset)."""
        with self._lock:
            self._loaded.clear()
            self._current = None

    def get(self) -> T:
        from django.core.cache import cache

        now = time.monotonic()
        current = self._current
        if current is not None and not check_due(current[0], now):
            return current[1]
        token = cache.get(self.key)
        if token is None:
            token = uuid.uuid4().hex
            cache.set(self.key, token, None)
        value = self._loaded.get(token)
        if value is None:
            value = self.loader()
            with self._lock:
                self._loaded.clear()
                self._loaded[token] = value
        self._current = (now, value)
        return value

    def changed(self, **kwargs) -> None:
        """Signal receiver: a watched row was written; every process reloads on its next read."""
        from django.core.cache import cache

        cache.set(self.key, uuid.uuid4().hex, None)
        self.reset()

    def watch(self, *models, m2m: tuple = ()) -> None:
        from django.db.models.signals import m2m_changed, post_delete, post_save

        for model in models:
            post_save.connect(self.changed, sender=model, dispatch_uid=f"{self.key}-{model.__name__}-save")
            post_delete.connect(self.changed, sender=model, dispatch_uid=f"{self.key}-{model.__name__}-delete")
        for through in m2m:
            m2m_changed.connect(self.changed, sender=through, dispatch_uid=f"{self.key}-{through.__name__}-m2m")
