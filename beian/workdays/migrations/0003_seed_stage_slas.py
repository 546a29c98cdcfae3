"""Seed the stage SLAs of design.md §9: provider 2 working days, SMS 24 h, bureau 20 working days (浙江 30)."""

from django.db import migrations

DEFAULTS = [
    ("provider_review", None, 2, None),
    ("sms_verification", None, None, 24),
    ("bureau_review", None, 20, None),
    ("bureau_review", "330000", 30, None),
]


def seed(apps, schema_editor):
    StageSla = apps.get_model("workdays", "StageSla")
    Province = apps.get_model("registry", "Province")
    for stage, code, working_days, hours in DEFAULTS:
        province = Province.objects.filter(code=code).first() if code else None
        if code and province is None:
            continue  # the province catalogue is missing it; the default row applies
        StageSla.objects.get_or_create(stage=stage, province=province,
                                       defaults={"working_days": working_days, "hours": hours})


def unseed(apps, schema_editor):
    apps.get_model("workdays", "StageSla").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("workdays", "0002_seed_calendar"), ("registry", "0002_catalogues")]
    operations = [migrations.RunPython(seed, unseed)]
