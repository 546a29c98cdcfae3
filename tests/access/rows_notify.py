"""Access rows of /api/notify/: every signed-in user has their own inbox and webhooks; nobody sees another's."""

from tests.access.harness import Row

HOOK = {"url": "https://hooks.example.com/harness", "events": ["order_approved"]}

ROWS = [
    Row("notify.inbox", "GET", "/api/notify/inbox", "200 200 200 200 200 200 401"),
    Row("notify.inbox.read_all", "POST", "/api/notify/inbox/read-all", "200 200 200 200 200 200 401"),
    Row("notify.inbox.read", "POST", "/api/notify/inbox/{owner_message}/read", "200 — — — — — 401"),
    Row("notify.webhooks", "GET", "/api/notify/webhooks", "200 200 200 200 200 200 401"),
    Row("notify.webhooks.create", "POST", "/api/notify/webhooks", "201 201 201 201 201 201 401", body=HOOK),
    Row("notify.webhooks.get", "GET", "/api/notify/webhooks/{owner_webhook}", "200 — — — — — 401"),
    Row("notify.webhooks.update", "PATCH", "/api/notify/webhooks/{owner_webhook}", "200 — — — — — 401",
        body={"active": False}),
    Row("notify.webhooks.delete", "DELETE", "/api/notify/webhooks/{owner_webhook}", "204 — — — — — 401"),
]
