"""Load the catalogues (provinces, entity and certificate types, …) from beian/registry/data/catalogues.py."""

from django.db import migrations


def load(apps, schema_editor):
    from beian.registry.data import catalogues as c

    Province = apps.get_model("registry", "Province")
    EntityType = apps.get_model("registry", "EntityType")
    CertificateType = apps.get_model("registry", "CertificateType")
    ServiceContent = apps.get_model("registry", "ServiceContent")
    PreApprovalType = apps.get_model("registry", "PreApprovalType")
    Language = apps.get_model("registry", "Language")
    AccessMethod = apps.get_model("registry", "AccessMethod")
    AccessProvider = apps.get_model("registry", "AccessProvider")

    for i, (code, name, abbr, alt, pop) in enumerate(c.PROVINCES):
        Province.objects.create(code=code, name=name, abbr=abbr, alt_abbrs=alt, population=pop, sort=i)
    types = {}
    for i, (name, individual) in enumerate(c.ENTITY_TYPES):
        types[name] = EntityType.objects.create(name=name, is_individual=individual, sort=i)
    sort = 0
    for name, fmt in c.PERSON_CERTIFICATES:
        cert = CertificateType.objects.create(name=name, number_format=fmt, for_person=True, sort=sort)
        cert.entity_types.add(types["个人"])
        sort += 1
    for name, (fmt, bound) in c.ORGANISATION_CERTIFICATES.items():
        cert = CertificateType.objects.create(name=name, number_format=fmt, sort=sort)
        cert.entity_types.add(*[types[t] for t in bound])
        sort += 1
    for i, (name, individual) in enumerate(c.SERVICE_CONTENT):
        ServiceContent.objects.create(name=name, individual_allowed=individual, sort=i)
    for i, (name, authority, document) in enumerate(c.PRE_APPROVAL_TYPES):
        PreApprovalType.objects.create(name=name, authority=authority, document=document, sort=i)
    for i, name in enumerate(c.LANGUAGES):
        Language.objects.create(name=name, sort=i)
    for i, name in enumerate(c.ACCESS_METHODS):
        AccessMethod.objects.create(name=name, sort=i)
    AccessProvider.objects.create(name="本接入商", is_self=True)


def unload(apps, schema_editor):
    for model in ("AccessProvider", "AccessMethod", "Language", "PreApprovalType", "ServiceContent",
                  "CertificateType", "EntityType", "Province"):
        apps.get_model("registry", model).objects.all()._raw_delete(schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
