"""Access rows of /api/rules/: the pre-flight check (any signed-in user; an order must be visible) and the rule
catalogue (staff only, design.md §2 "Catalogues")."""

from tests.access.harness import Row

ROWS = [
    Row("rules.preflight.draft_state", "POST", "/api/rules/preflight", "200 200 200 200 200 200 401",
        body={"order_type": "new_filing", "proposed": {}}),
    Row("rules.preflight.order", "POST", "/api/rules/preflight", "200 — — — — 200 401", kind="object",
        body={"order_id": "{order_draft}", "field": "entity.name", "value": "杭州示例科技有限公司"}),
    Row("rules.catalogue", "GET", "/api/rules/catalogue", "— — 200 200 200 200 401"),
]
