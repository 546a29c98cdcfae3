"""Which order type a change is (design.md §5 "One entry point for changes").

Access records only → change_access; website fields (with or without their access) → change_website; entity
fields only → change_entity; entity and anything else → change_filing. Province rules (ChangeTypeRule rows)
may force change_filing.
"""

from __future__ import annotations

from beian.core.diff import diff_scope
from beian.orders.models import ChangeTypeRule, OrderType

CONTACT_FIELDS = ("entity.principal.mobile", "entity.principal.emergency_phone", "entity.principal.email")
LEGAL_REP_FIELDS = ("entity.principal.name", "entity.principal.certificate_number")


def change_type_from_diff(diff: list[dict], *, province_code: str, individual: bool) -> str:
    scope = diff_scope(diff)
    if scope == {"access"}:
        derived = OrderType.CHANGE_ACCESS
    elif "entity" not in scope:
        derived = OrderType.CHANGE_WEBSITE
    elif scope == {"entity"}:
        derived = OrderType.CHANGE_ENTITY
    else:
        derived = OrderType.CHANGE_FILING
    if derived == OrderType.CHANGE_FILING or not diff:
        return derived if diff else OrderType.CHANGE_FILING
    paths = {entry["path"] for entry in diff}
    rules = ChangeTypeRule.objects.filter(active=True).select_related("province")
    for rule in rules:
        if rule.province is not None and rule.province.code != province_code:
            continue
        if rule.condition == ChangeTypeRule.Condition.ALWAYS:
            return OrderType.CHANGE_FILING
        if rule.condition == ChangeTypeRule.Condition.ENTITY_PRINCIPAL_CHANGED and paths & set(LEGAL_REP_FIELDS):
            return OrderType.CHANGE_FILING
        if (rule.condition == ChangeTypeRule.Condition.INDIVIDUAL_CONTACT_CHANGED and individual
                and paths & set(CONTACT_FIELDS)):
            return OrderType.CHANGE_FILING
    return derived
