"""Load the rules' starting data from beian/rules/seed_data.py (province overrides, word lists, TLDs, IP ranges)."""

from django.db import migrations


def load(apps, schema_editor):
    from beian.rules import seed_data as s

    Province = apps.get_model("registry", "Province")
    ProvinceRule = apps.get_model("rules", "ProvinceRule")
    WordCategory = apps.get_model("rules", "WordCategory")
    Word = apps.get_model("rules", "Word")
    FileableTld = apps.get_model("rules", "FileableTld")
    ProviderIpRange = apps.get_model("rules", "ProviderIpRange")

    provinces = {p.code: p for p in Province.objects.all()}
    ProvinceRule.objects.create(province=None, **s.NATIONAL)
    for code, values in s.PROVINCES.items():
        ProvinceRule.objects.create(province=provinces[code], **values)
    for code, zh, en, rule_code, applies, screen, pre, commitment, source, words in s.CATEGORIES:
        cat = WordCategory.objects.create(code=code, name_zh=zh, name_en=en, rule_code=rule_code, applies_to=applies,
                                          screen=screen, pre_approval_type=pre, commitment_instead=commitment,
                                          source=source)
        Word.objects.bulk_create([Word(category=cat, word=w) for w in words.split()])
    for tld in s.TLDS_T10.split():
        FileableTld.objects.create(tld=tld, fileable=True, source="icp §5.3 (T10)")
    for tld in s.TLDS_SEED.split():
        FileableTld.objects.create(tld=tld, fileable=True, source="Beian seed (MIIT approved list)")
    for tld in s.TLDS_NOT_FILEABLE_T10.split():
        FileableTld.objects.create(tld=tld, fileable=False, source="icp §5.3 (T10)")
    for code, tld, fileable, source in s.TLD_PROVINCE:
        FileableTld.objects.create(tld=tld, province=provinces[code], fileable=fileable, source=source)
    for name, start, end, code in s.IP_RANGES:
        ProviderIpRange.objects.create(name=name, start=start, end=end, province=provinces[code])


def unload(apps, schema_editor):
    for model in ("ProviderIpRange", "FileableTld", "Word", "WordCategory", "ProvinceRule"):
        apps.get_model("rules", model).objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("rules", "0001_initial"), ("registry", "0002_catalogues")]
    operations = [migrations.RunPython(load, unload)]
