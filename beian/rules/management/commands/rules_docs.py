"""Write docs/rules.md from the rule catalogue and the rules' data (``--check``: fail when it is stale)."""

from django.core.management.base import BaseCommand, CommandError

from beian.rules.docs import DOC_PATH, rules_markdown


class Command(BaseCommand):
    help = "Generate docs/rules.md from the rule catalogue (use on a database with the seeded data)."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="only compare; exit 1 when the file is stale")

    def handle(self, check, **options):
        text = rules_markdown()
        if check:
            if not DOC_PATH.exists() or DOC_PATH.read_text(encoding="utf-8") != text:
                raise CommandError("docs/rules.md is stale: run manage.py rules_docs")
            self.stdout.write("docs/rules.md is current")
            return
        DOC_PATH.write_text(text, encoding="utf-8")
        self.stdout.write(f"wrote {DOC_PATH}")
