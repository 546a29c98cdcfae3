"""Read the holiday data shipped in the ``chinesecalendar`` package (import ``chinese_calendar``).

Used by the seed migration and by ``workdays_import --from-package``; nothing here touches the database.
The package lists every day off of a holiday period (weekend days included) and the weekend make-up
workdays; we take them as they are, by iterating its dictionaries — never a hand-copied list.
"""

from __future__ import annotations

from datetime import date

HOLIDAY = "holiday"
WORKDAY = "workday"


def _chinese_names() -> dict[str, str]:
    from chinese_calendar.constants import Holiday

    return {h.value: h.chinese for h in Holiday}


def package_years() -> set[int]:
    """The years the installed chinesecalendar has data for (2004–2026 in 1.11.0)."""
    from chinese_calendar import constants

    return {d.year for d in constants.holidays} | {d.year for d in constants.workdays}


def package_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("chinesecalendar")
    except PackageNotFoundError:  # pragma: no cover - installed with Beian
        return "unknown"


def package_days(year: int) -> list[tuple[date, str, str]]:
    """``(date, kind, Chinese name)`` for every listed day of ``year``, sorted by date."""
    from chinese_calendar import constants

    names = _chinese_names()
    rows = [(d, HOLIDAY, names.get(n, n)) for d, n in constants.holidays.items() if d.year == year]
    rows += [(d, WORKDAY, names.get(n, n)) for d, n in constants.workdays.items() if d.year == year]
    return sorted(rows)
