"""Rebuild the entity-name search index after a bulk load (bench/generate_registry.py bypasses signals)."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand
from django.db import connection

from beian.lookup.search_index import name_index_rebuild, trigram_locale_ok


class Command(BaseCommand):
    help = "Rebuild the name search index (SQLite FTS5 trigram table; PostgreSQL pg_trgm GIN indexes)."

    def add_arguments(self, parser):
        parser.add_argument("--drop", action="store_true",
                            help="only drop/empty the index (before a bulk load); rebuild afterwards")
        parser.add_argument("--quiet", action="store_true")

    def handle(self, *args, drop=False, quiet=False, **options):
        say = (lambda line: None) if quiet else (lambda line: self.stderr.write(line))
        if connection.vendor == "postgresql" and not trigram_locale_ok():
            self.stderr.write("warning: pg_trgm makes no trigrams of Chinese text under this database's LC_CTYPE "
                              "(the C locale?): name search cannot use its index. Create the database with "
                              "LC_CTYPE C.UTF-8 or zh_CN.UTF-8 (docs/lookup.md).")
        started = time.monotonic()
        count = name_index_rebuild(progress=say, drop=drop)
        verb = "dropped" if drop else f"rebuilt: {count:,} active entities"
        self.stdout.write(f"name index {verb} in {time.monotonic() - started:,.1f} s ({connection.vendor})")
