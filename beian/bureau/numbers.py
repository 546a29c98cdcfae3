"""Filing numbers, created only by the bureau stage (design.md §6).

Entity: ``{abbr}ICP备{year}{6-digit serial}号`` with the serial per province per year of approval (CST);
website: ``…号-N`` with N = the highest ever issued for the entity + 1 — never reused; the websites of one new
filing are numbered in the order of the order's website list.
"""

from __future__ import annotations

from django.db import connection
from django.utils import timezone

from beian.core.hotsql import hot_fetch
from beian.core.state import FilingState
from beian.core.validators import format_entity_number, format_website_number
from beian.registry.models import Entity, NumberSeries, Province


def _next_serial(province: Province, year: int) -> int:
    # One statement: the UPDATE takes the series row's lock (a concurrent approval waits for it, as with
    # SELECT … FOR UPDATE) and returns the new serial. The first approval of a province and year creates the row
    # without racing (ignore_conflicts) and increments it the same way.
    meta = NumberSeries._meta
    sql = (f"UPDATE {connection.ops.quote_name(meta.db_table)} SET last_serial = last_serial + 1 "
           f"WHERE province_id = %s AND year = %s RETURNING last_serial")
    row = hot_fetch(sql, [province.pk, year], one=True)  # prepared (core.hotsql)
    if row is None:
        NumberSeries.objects.bulk_create([NumberSeries(province=province, year=year)], ignore_conflicts=True)
        row = hot_fetch(sql, [province.pk, year], one=True)
    return row[0]


def numbers_issue(*, state: FilingState, entity: Entity | None, province: Province) -> dict:
    """Fill the numbers of the new entity and new websites into ``state``; return what was issued.

    The caller holds the entity row lock (or creates the entity), inside the approval's transaction.
    """
    issued: dict = {"websites": {}}
    if entity is None or not entity.number:
        if state.entity.number:  # add_access of an entity filed elsewhere keeps its MIIT number
            entity_number = state.entity.number
        else:
            year = timezone.localtime().year
            entity_number = format_entity_number(province.abbr, year, _next_serial(province, year))
            state.entity.number = entity_number
            issued["entity"] = entity_number
        high = 0
    else:
        entity_number = entity.number
        high = entity.website_suffix_high
    for site in state.websites:
        if site.id is None and not site.number:
            high += 1
            site.number = format_website_number(entity_number, high)
            issued["websites"][site.key] = site.number
    return issued
