"""Import words into a word category from a UTF-8 text file: one word per line, ``#`` starts a comment."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from beian.rules.services import words_import


class Command(BaseCommand):
    help = "Import words (one per line) into a rules word category; existing words are kept."

    def add_arguments(self, parser):
        parser.add_argument("category", help="word category code, e.g. gambling")
        parser.add_argument("file", help="UTF-8 text file, one word per line")
        parser.add_argument("--province", default="", help="division code: the words apply to that province only")
        parser.add_argument("--source", default="", help="where the words come from")

    def handle(self, category, file, province, source, **options):
        try:
            with open(file, encoding="utf-8") as fh:
                lines = fh.read().splitlines()
        except OSError as exc:
            raise CommandError(f"cannot read {file}: {exc}")
        with transaction.atomic():
            added = words_import(category=category, lines=lines, province=province or None, source=source)
        self.stdout.write(f"{added} word(s) added to {category}")
