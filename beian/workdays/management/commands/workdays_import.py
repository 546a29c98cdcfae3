"""Load one year of the holiday table from a CSV file or from the installed chinesecalendar package.

    manage.py workdays_import --year 2027 --file holidays-2027.csv [--incomplete] [--note "国办发明电〔2026〕X号"]
    manage.py workdays_import --year 2027 --from-package      # after upgrading chinesecalendar
    manage.py workdays_import --status                         # which years have data

CSV: a header ``date,kind,name`` then one row per listed day: ``2027-01-01,holiday,元旦``;
kind is ``holiday`` (a day off, weekday or weekend) or ``workday`` (a weekend make-up workday). The
year's existing rows are replaced in one transaction and ``calendar_changed`` fires once after commit.
"""

from __future__ import annotations

import csv
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from beian.core.errors import BeianError
from beian.workdays import services
from beian.workdays.models import CalendarSource, CalendarYear


def read_csv(path: str, year: int) -> list[tuple[date, str, str]]:
    rows = []
    try:
        with open(path, newline="", encoding="utf-8-sig") as fh:
            reader = csv.DictReader(fh)
            if not reader.fieldnames or not {"date", "kind"} <= {f.strip() for f in reader.fieldnames}:
                raise CommandError("The CSV needs a header with at least the columns date,kind (and name).")
            for line_no, raw in enumerate(reader, start=2):
                row = {(k or "").strip(): (v or "").strip() for k, v in raw.items()}
                if not any(row.values()):
                    continue
                try:
                    day = date.fromisoformat(row["date"])
                except ValueError:
                    raise CommandError(f"line {line_no}: {row['date']!r} is not a date (YYYY-MM-DD)")
                kind = row["kind"].lower()
                if kind not in services.KINDS:
                    raise CommandError(f"line {line_no}: kind must be holiday or workday, not {row['kind']!r}")
                if day.year != year:
                    raise CommandError(f"line {line_no}: {day} is not in {year}")
                if kind == "workday" and day.weekday() < 5:
                    raise CommandError(f"line {line_no}: {day} is a weekday; only weekend days are make-up workdays")
                rows.append((day, kind, row.get("name", "")))
    except OSError as exc:
        raise CommandError(f"cannot read {path}: {exc}")
    return rows


class Command(BaseCommand):
    help = "Import one year's holidays and make-up workdays (CSV or chinesecalendar) into Beian's holiday table."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int)
        source = parser.add_mutually_exclusive_group()
        source.add_argument("--file", help="CSV with columns date,kind,name")
        source.add_argument("--from-package", action="store_true", help="use the installed chinesecalendar")
        source.add_argument("--status", action="store_true", help="list the years in the table")
        parser.add_argument("--incomplete", action="store_true",
                            help="do not mark the year complete (it keeps the Monday–Friday warning)")
        parser.add_argument("--note", default="", help="e.g. the State Council notice number")

    def handle(self, *args, year=None, file=None, from_package=False, status=False, incomplete=False, note="",
               **options):
        if status:
            for row in CalendarYear.objects.order_by("year"):
                mark = "complete" if row.complete else "INCOMPLETE"
                self.stdout.write(f"{row.year} {mark} {row.source} {row.note}")
            missing = services.years_needing_data()
            if missing:
                self.stdout.write(self.style.WARNING(f"no data (Monday–Friday fallback): {missing}"))
            return
        if year is None or not (file or from_package):
            raise CommandError("give --year and one of --file CSV or --from-package (or --status)")
        try:
            if from_package:
                row = services.calendar_year_import_package(year=year)
            else:
                days = read_csv(file, year)
                row = services.calendar_year_replace(year=year, days=days, source=CalendarSource.IMPORT,
                                                     complete=not incomplete, note=note or f"CSV {file}")
        except BeianError as exc:
            raise CommandError(exc.errors[0].message_en)
        count = services.calendar_year_detail(year=year)["days"]
        state = "complete" if row.complete else "incomplete (Monday–Friday warning stays)"
        self.stdout.write(self.style.SUCCESS(f"{year}: {len(count)} days imported, {state}"))
