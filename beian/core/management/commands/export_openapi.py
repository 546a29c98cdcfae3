import json

from django.core.management.base import BaseCommand

from beian.core.api import api


class Command(BaseCommand):
    help = "Print the OpenAPI schema of the Beian API (committed as docs/openapi.json and diffed in make test)."

    def handle(self, *args, **options):
        schema = api.get_openapi_schema()
        self.stdout.write(json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True))
