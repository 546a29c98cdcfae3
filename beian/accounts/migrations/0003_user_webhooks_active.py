from django.db import migrations, models
from django.db.models import Exists, OuterRef


def _fill(apps, schema_editor):
    # The users who already have an active endpoint (notify's signals keep the flag from now on).
    User = apps.get_model("accounts", "User")
    WebhookEndpoint = apps.get_model("notify", "WebhookEndpoint")
    User.objects.update(webhooks_active=Exists(WebhookEndpoint.objects.filter(owner_id=OuterRef("pk"), active=True)))


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0002_initial"),
        ("notify", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="webhooks_active",
            field=models.BooleanField(default=False, editable=False, verbose_name="已启用 Webhook"),
        ),
        migrations.RunPython(_fill, migrations.RunPython.noop),
    ]
