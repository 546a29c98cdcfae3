"""Beian's own working-day calendar and the stage deadlines (design.md §6 Clock column, §9).

The table lists only the *exceptions* to Monday–Friday: holidays (a weekday, or a weekend day inside a
holiday period, kept for its name) and make-up workdays on a weekend (调休上班). A day not listed is a
working day exactly when it is Monday–Friday. ``CalendarYear.complete`` says whether a year's list is
the official one; a year without a complete list falls back to Monday–Friday (plus whatever rows it has)
and every deadline computed across it says so (``Deadline.fallback_years``).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class CalendarSource(models.TextChoices):
    # Seeded by the data migration or `workdays_import --from-package` from the chinesecalendar package.
    PACKAGE = "chinesecalendar", _("chinesecalendar 软件包")
    # Loaded from a CSV file with `workdays_import`.
    IMPORT = "import", _("CSV 导入")
    # Entered by an operator in the admin.
    MANUAL = "manual", _("手工录入")


class DayKind(models.TextChoices):
    # Not a working day (法定节假日或其假期内的周末).
    HOLIDAY = "holiday", _("节假日（休息）")
    # A weekend day that is worked (调休上班).
    WORKDAY = "workday", _("调休上班")


class CalendarYear(models.Model):
    """One calendar year of the holiday table: whether its list of exceptions is complete, and where from."""

    year = models.PositiveSmallIntegerField(
        _("年份"), unique=True, validators=[MinValueValidator(1990), MaxValueValidator(2200)])
    complete = models.BooleanField(
        _("数据完整"), default=False,
        help_text=_("国务院办公厅当年的放假安排已全部录入。未勾选时按周一至周五计算工作日并给出提示。"))
    source = models.CharField(_("来源"), max_length=20, choices=CalendarSource.choices,
                              default=CalendarSource.MANUAL)
    note = models.CharField(_("备注"), max_length=200, blank=True,
                            help_text=_("例如国务院办公厅通知的文号。"))
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("节假日年度")
        verbose_name_plural = _("节假日年度")
        ordering = ["-year"]

    def __str__(self) -> str:
        return str(self.year)


class CalendarDay(models.Model):
    """An exception to Monday–Friday on one date: a holiday (rest) or a weekend make-up workday."""

    date = models.DateField(_("日期"), unique=True)
    kind = models.CharField(_("类型"), max_length=10, choices=DayKind.choices)
    name = models.CharField(_("名称"), max_length=60, blank=True, help_text=_("节日名称，如 国庆节。"))
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("节假日 / 调休日")
        verbose_name_plural = _("节假日 / 调休日")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date.isoformat()} {self.get_kind_display()} {self.name}".strip()

    @property
    def is_working_day(self) -> bool:
        return self.kind == DayKind.WORKDAY


class Stage(models.TextChoices):
    # design.md §6: the provider's first review (初审); its clock pauses while a supplement is requested.
    PROVIDER_REVIEW = "provider_review", _("初审")
    # The SMS check of the principals: a wall-clock window, not working days.
    SMS_VERIFICATION = "sms_verification", _("短信核验")
    # The bureau (管局) review.
    BUREAU_REVIEW = "bureau_review", _("管局审核")


class StageSla(models.Model):
    """How long a workflow stage may take: N working days or N hours; per province, or the default (no province)."""

    stage = models.CharField(_("阶段"), max_length=20, choices=Stage.choices)
    province = models.ForeignKey("registry.Province", verbose_name=_("省份"), null=True, blank=True,
                                 on_delete=models.CASCADE, related_name="+",
                                 help_text=_("留空表示全国默认值。"))
    working_days = models.PositiveSmallIntegerField(_("工作日数"), null=True, blank=True,
                                                    validators=[MaxValueValidator(366)])
    hours = models.PositiveSmallIntegerField(_("小时数"), null=True, blank=True,
                                             validators=[MaxValueValidator(24 * 366)],
                                             help_text=_("按自然时间计算，如短信核验的 24 小时。"))
    note = models.CharField(_("备注"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("阶段时限")
        verbose_name_plural = _("阶段时限")
        ordering = ["stage", "province__sort"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(working_days__isnull=False, hours__isnull=True)
                           | Q(working_days__isnull=True, hours__isnull=False)),
                name="workdays_sla_days_xor_hours"),
            models.UniqueConstraint(fields=["stage", "province"], name="workdays_sla_stage_province"),
            models.UniqueConstraint(fields=["stage"], condition=Q(province__isnull=True),
                                    name="workdays_sla_stage_default"),
        ]

    def __str__(self) -> str:
        where = self.province.name if self.province_id else _("默认")
        amount = f"{self.working_days} 工作日" if self.working_days is not None else f"{self.hours} 小时"
        return f"{self.get_stage_display()} · {where} · {amount}"

    def clean(self) -> None:
        if (self.working_days is None) == (self.hours is None):
            raise ValidationError(_("工作日数和小时数须且只须填写一项。"))
