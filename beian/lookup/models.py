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
