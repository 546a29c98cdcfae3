"""Core bookkeeping shared by every app: one row per periodic sweep (``beian.core.sweeps``)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class SweepRun(models.Model):
    """When a periodic sweep last ran; workers claim a run with a conditional UPDATE, so one run per interval."""

    name = models.CharField(_("名称"), max_length=100, unique=True)
    last_run_at = models.DateTimeField(_("最近开始"), null=True, blank=True)
    last_finished_at = models.DateTimeField(_("最近结束"), null=True, blank=True)
    last_duration_ms = models.PositiveIntegerField(_("最近耗时（毫秒）"), default=0)
    last_result = models.CharField(_("最近结果"), max_length=200, blank=True)
    last_error = models.TextField(_("最近错误"), blank=True)
    claimed_by = models.CharField(_("处理进程"), max_length=64, blank=True)
    runs = models.PositiveIntegerField(_("运行次数"), default=0)
    failures = models.PositiveIntegerField(_("失败次数"), default=0)

    class Meta:
        verbose_name = _("定期任务")
        verbose_name_plural = _("定期任务")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
