"""Admin for the holiday table and the stage SLAs (operators: design.md §2 catalogues).

Every save or delete here sends ``calendar_changed`` after commit (beian.workdays.signals), so open
orders' due dates are recomputed. The year lists warn about this year and next when they lack data.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import Count, Exists, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce, ExtractYear
from django.utils.translation import gettext_lazy as _

from beian.core.errors import BeianError
from beian.workdays import package, services
from beian.workdays.models import CalendarDay, CalendarYear, DayKind, StageSla

WEEKDAYS = "一二三四五六日"


def warn_missing_years(request) -> None:
    """An admin message for this year / next year (CST) without complete holiday data."""
    missing = services.years_needing_data()
    if missing:
        years = "、".join(str(y) for y in missing)
        messages.warning(request, _(
            "%(years)s 年的节假日安排尚未录入（或未标记为完整）：这些年份的截止时间暂按周一至周五计算。"
            "请在国务院办公厅发布放假通知后录入并勾选“数据完整”，或运行 manage.py workdays_import。"
        ) % {"years": years})


def _count(kind: str):
    rows = (CalendarDay.objects.annotate(y=ExtractYear("date")).filter(y=OuterRef("year"), kind=kind)
            .order_by().values("y").annotate(n=Count("id")).values("n"))
    return Coalesce(Subquery(rows, output_field=IntegerField()), Value(0))


class CalendarYearAdmin(admin.ModelAdmin):
    list_display = ("year", "status", "complete", "source", "holidays", "workdays", "note", "updated_at")
    list_filter = ("complete", "source")
    search_fields = ("year", "note")
    actions = ("reload_from_package",)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_holidays=_count(DayKind.HOLIDAY),
                                                      n_workdays=_count(DayKind.WORKDAY))

    @admin.display(description=_("节假日（天）"), ordering="n_holidays")
    def holidays(self, obj):
        return obj.n_holidays

    @admin.display(description=_("调休上班（天）"), ordering="n_workdays")
    def workdays(self, obj):
        return obj.n_workdays

    @admin.display(description=_("状态"))
    def status(self, obj):
        if obj.complete:
            return _("✓ 完整")
        return _("⚠ 不完整：按周一至周五计算")

    @admin.action(description=_("从 chinesecalendar 软件包重新导入所选年份"))
    def reload_from_package(self, request, queryset):
        available = package.package_years()
        for row in queryset:
            if row.year not in available:
                messages.error(request, _("软件包没有 %(year)s 年的数据。") % {"year": row.year})
                continue
            try:
                services.calendar_year_import_package(year=row.year)
            except BeianError as exc:  # pragma: no cover - checked above
                messages.error(request, exc.errors[0].message_zh)
            else:
                messages.success(request, _("已导入 %(year)s 年。") % {"year": row.year})

    def changelist_view(self, request, extra_context=None):
        warn_missing_years(request)
        return super().changelist_view(request, extra_context)


class YearFilter(admin.SimpleListFilter):
    title = _("年份")
    parameter_name = "year"

    def lookups(self, request, model_admin):
        years = sorted({d.year for d in CalendarDay.objects.dates("date", "year")}, reverse=True)
        return [(str(y), str(y)) for y in years]

    def queryset(self, request, queryset):
        if self.value() and self.value().isdigit():
            return queryset.filter(date__year=int(self.value()))
        return queryset


class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ("date", "weekday", "kind", "name", "year_status")
    list_filter = (YearFilter, "kind")
    search_fields = ("name",)
    date_hierarchy = "date"
    ordering = ("-date",)

    @admin.display(description=_("星期"))
    def weekday(self, obj):
        return f"星期{WEEKDAYS[obj.date.weekday()]}"

    def get_queryset(self, request):
        complete = CalendarYear.objects.filter(year=ExtractYear(OuterRef("date")), complete=True)
        return super().get_queryset(request).annotate(year_complete=Exists(complete))

    @admin.display(description=_("年度数据"), boolean=False)
    def year_status(self, obj):
        return _("完整") if obj.year_complete else _("⚠ 不完整：按周一至周五计算")

    def changelist_view(self, request, extra_context=None):
        warn_missing_years(request)
        return super().changelist_view(request, extra_context)


class StageSlaAdmin(admin.ModelAdmin):
    list_display = ("stage", "province", "working_days", "hours", "note", "updated_at")
    list_filter = ("stage",)
    list_select_related = ("province",)


admin.site.register(CalendarYear, CalendarYearAdmin)
admin.site.register(CalendarDay, CalendarDayAdmin)
admin.site.register(StageSla, StageSlaAdmin)
