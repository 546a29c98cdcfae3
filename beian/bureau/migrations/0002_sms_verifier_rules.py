"""Seed "who must pass the SMS check" with QingCloud's table (icp-domain.md §4.2); operators edit it in the admin."""

from django.db import migrations

SOURCE = "icp §4.2 (QingCloud Q8)"
# (order type, change_filing scope, entity principal, website principal)
ROWS = [
    ("new_filing", "", True, True),
    ("add_website", "", True, True),
    ("add_access", "", False, True),
    ("change_entity", "", True, False),
    ("change_website", "", False, True),
    ("change_filing", "entity", True, False),
    ("change_filing", "website", False, True),
    ("change_filing", "entity_and_website", True, True),
    ("change_filing", "access", False, False),
    ("change_access", "", False, False),
    ("cancel_entity", "", True, False),
    ("cancel_website", "", False, False),
    ("cancel_access", "", False, False),
]


def seed(apps, schema_editor):
    Rule = apps.get_model("bureau", "SmsVerifierRule")
    for order_type, scope, entity, website in ROWS:
        Rule.objects.update_or_create(order_type=order_type, scope=scope,
                                      defaults={"entity_principal": entity, "website_principal": website,
                                                "source": SOURCE})


def unseed(apps, schema_editor):
    apps.get_model("bureau", "SmsVerifierRule").objects.filter(source=SOURCE).delete()


class Migration(migrations.Migration):
    dependencies = [("bureau", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
