"""Read-only working-day API: one year of the holiday table, for the web's due-date display."""

from __future__ import annotations

from datetime import date

from ninja import Query, Router, Schema
from pydantic import Field

from beian.workdays import services

router = Router(tags=["workdays"])


class DayOut(Schema):
    date: date
    kind: str = Field(description="holiday = day off; workday = weekend make-up workday")
    name: str


class WarningOut(Schema):
    code: str
    message_zh: str
    message_en: str


class CalendarOut(Schema):
    year: int
    has_data: bool = Field(description="the year's holidays are in the table and marked complete")
    fallback: bool = Field(description="working days of this year are computed as Monday to Friday")
    source: str | None
    note: str
    days: list[DayOut] = Field(description="only the exceptions to Monday to Friday")
    warning: WarningOut | None


class CalendarQuery(Schema):
    year: int = Field(ge=1990, le=2200)


@router.get("/calendar", response=CalendarOut, summary="一年的节假日与调休上班日")
def calendar(request, params: Query[CalendarQuery]):
    """Listed days of ``year`` (holidays and weekend make-up workdays) and whether the year falls back."""
    return services.calendar_year_detail(year=params.year)
