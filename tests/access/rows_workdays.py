"""Access rows of /api/workdays/: the holiday calendar is public information, readable by any signed-in user."""

from tests.access.harness import Row

ROWS = [
    Row("workdays.calendar", "GET", "/api/workdays/calendar?year=2026", "200 200 200 200 200 200 401"),
]
