"""The public lookup's own table: the rate-limit counters on the database store (beian/lookup/ratelimit.py)."""

from __future__ import annotations

from django.db import models


class RateCounter(models.Model):
    """限流计数器 — one fixed window of one client address or API token, counted by one atomic upsert.

    Used when the shared cache is the database cache (Redis counts with ``INCRBY`` itself). The key names the
    identity (hashed) and the window; a row outlives its window by a few seconds and is swept afterwards.
    """

    key = models.CharField("键 (key)", max_length=120, primary_key=True)
    count = models.BigIntegerField("次数 (count)", default=0)
    expires_at = models.BigIntegerField("过期时间 (expires at, Unix seconds)", db_index=True)

    class Meta:
        verbose_name = "限流计数器 (rate-limit counter)"
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return f"{self.key}: {self.count}"


class CacheBust(models.Model):
    """缓存失效记录 — one answer-cache key that an approval made stale, for every web worker to drop.

    Written by ``registry_changed`` in the approval's transaction; each worker reads the rows it has not seen at most
    every ``BEIAN_LOOKUP_LOCAL_POLL_MS`` and drops those keys from its own tier (beian/lookup/cache.py). Kept for
    ``cache.BUST_RETENTION`` seconds, then swept.
    """

    key = models.CharField("缓存键 (cache key)", max_length=400)
    created_at = models.BigIntegerField("写入时间 (written at, Unix seconds)", db_index=True)

    class Meta:
        verbose_name = "缓存失效记录 (cache bust)"
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return self.key
