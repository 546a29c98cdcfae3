"""Seed the holiday table with every year the installed chinesecalendar has data for (iterated, not copied)."""

from django.db import migrations


def seed(apps, schema_editor):
    from beian.workdays import package

    CalendarYear = apps.get_model("workdays", "CalendarYear")
    CalendarDay = apps.get_model("workdays", "CalendarDay")
    version = package.package_version()
    for year in sorted(package.package_years()):
        if CalendarYear.objects.filter(year=year).exists():
            continue
        CalendarDay.objects.bulk_create(
            [CalendarDay(date=d, kind=kind, name=name) for d, kind, name in package.package_days(year)],
            ignore_conflicts=True)
        CalendarYear.objects.create(year=year, complete=True, source="chinesecalendar",
                                    note=f"chinesecalendar {version}")


def unseed(apps, schema_editor):
    CalendarYear = apps.get_model("workdays", "CalendarYear")
    CalendarDay = apps.get_model("workdays", "CalendarDay")
    years = list(CalendarYear.objects.filter(source="chinesecalendar").values_list("year", flat=True))
    for year in years:
        CalendarDay.objects.filter(date__year=year).delete()
    CalendarYear.objects.filter(year__in=years).delete()


class Migration(migrations.Migration):
    dependencies = [("workdays", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
