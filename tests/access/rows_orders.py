"""Access rows of /api/orders/, /api/bureau/ (workflow) and /api/registry/ (design.md §2).

Columns: owner other reviewer bureau_own bureau_other operator anonymous; "—" = 404 for objects, 403 for lists.
An applicant may see their order but not act as a reviewer (403); acting on an order one cannot see is 404.
"""

from tests.access.harness import Row

REASONS = {"reasons": [{"code": "WEBSITE_NAME", "field": "websites[1].name"}]}

ROWS = [
    # Lists are scoped by role (design.md §2); every signed-in role gets its own view.
    Row("orders.list", "GET", "/api/orders/", "200 200 200 200 200 200 401"),
    # Only applicants open orders; the other applicant has no filed entity yet.
    # (the query parameter only makes the harness build the owner's filed entity first)
    Row("orders.create.change", "POST", "/api/orders/?entity={owner_entity}", "201 409 — — — — 401",
        body={"type": "change"}),
    Row("orders.queue", "GET", "/api/orders/queue", "— — 200 — — 200 401"),
    Row("orders.claim_next.empty", "POST", "/api/orders/claim-next", "— — 204 — — 204 401"),
    Row("orders.return_reasons", "GET", "/api/orders/return-reasons", "— — 200 200 200 200 401"),
    Row("orders.detail.draft", "GET", "/api/orders/{order_draft}", "200 — — — — 200 401"),
    Row("orders.detail.provider_review", "GET", "/api/orders/{order_provider_review}", "200 — 200 — — 200 401"),
    Row("orders.detail.bureau_review", "GET", "/api/orders/{order_bureau_review}", "200 — 200 200 — 200 401"),
    Row("orders.update.draft", "PUT", "/api/orders/{order_draft}", "200 — — — — — 401",
        body={"change_date": "2026-11-01"}),
    Row("orders.history.bureau_review", "GET", "/api/orders/{order_bureau_review}/history",
        "200 — 200 200 — 200 401"),
    Row("orders.findings.draft", "GET", "/api/orders/{order_draft}/findings", "200 — — — — 200 401"),
    # An empty change is refused by the rules (CHANGE_EMPTY) — the owner gets 422, nobody else may submit.
    Row("orders.submit.draft", "POST", "/api/orders/{order_draft}/submit", "422 — — — — — 401"),
    Row("orders.resubmit.returned", "POST", "/api/orders/{order_returned}/resubmit", "422 — — — — — 401"),
    Row("orders.withdraw.provider_review", "POST", "/api/orders/{order_provider_review}/withdraw",
        "200 — — — — — 401", body={"note": ""}),
    Row("orders.withdraw.bureau_review", "POST", "/api/orders/{order_bureau_review}/withdraw",
        "409 — — — — — 401", body={"note": ""}),
    Row("orders.supply", "POST", "/api/orders/{order_supplement_requested}/supply", "200 — — — — — 401",
        body={"note": "已补充"}),
    Row("orders.identity.list", "GET", "/api/orders/{order_draft}/identity-verifications", "200 — — — — 200 401"),
    Row("orders.identity.perform", "POST", "/api/orders/{order_draft}/identity-verifications",
        "422 — — — — — 401", body={"website_key": "1"}),
    Row("orders.claim", "POST", "/api/orders/{order_provider_review}/claim", "403 — 200 — — 200 401"),
    Row("orders.release.unclaimed", "POST", "/api/orders/{order_provider_review}/release", "403 — 409 — — 409 401"),
    Row("orders.release.claimed", "POST", "/api/orders/{real_claimed_order}/release", "403 — 200 — — 409 401"),
    Row("orders.approve.claimed", "POST", "/api/orders/{real_claimed_order}/approve", "403 — 200 — — 409 401",
        body={"note": ""}),
    Row("orders.return.claimed", "POST", "/api/orders/{real_claimed_order}/return", "403 — 200 — — 409 401",
        body={"reasons": [{"code": "RENAME_PROOF_MISSING", "field": "entity.name"}]}),
    Row("orders.request_supplement.claimed", "POST", "/api/orders/{real_claimed_order}/request-supplement",
        "403 — 200 — — 409 401", body={"materials": ["rename_proof"], "note": ""}),
    Row("orders.reject.claimed", "POST", "/api/orders/{real_claimed_order}/reject", "403 — 200 — — 409 401",
        body={"reason": "虚假信息"}),
    Row("bureau.queue", "GET", "/api/bureau/queue", "— — — 200 200 — 401"),
    Row("bureau.approve", "POST", "/api/bureau/orders/{real_bureau_order}/approve", "403 — 403 200 — 403 401",
        body={"note": ""}),
    Row("bureau.return", "POST", "/api/bureau/orders/{real_bureau_order}/return", "403 — 403 200 — 403 401",
        body={"reasons": [{"code": "RENAME_PROOF_MISSING", "field": "entity.name"}]}),
    Row("registry.mine", "GET", "/api/registry/mine?entity={owner_entity}", "200 404 404 404 404 404 401", kind="list"),
    Row("registry.entities", "GET", "/api/registry/entities", "— — 200 200 200 200 401"),
    Row("registry.entity", "GET", "/api/registry/entities/{owner_entity}", "200 — 200 200 — 200 401"),
    Row("registry.versions", "GET", "/api/registry/entities/{owner_entity}/versions", "200 — 200 200 — 200 401"),
    Row("registry.options", "GET", "/api/registry/options", "200 200 200 200 200 200 401"),
]
