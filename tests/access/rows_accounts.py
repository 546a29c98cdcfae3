"""Access rows of /api/accounts/ (design.md §2). Columns: owner other reviewer bureau_own bureau_other operator
anonymous; "—" = 404 for objects, 403 for lists. Every run starts from a fresh database."""

from tests.access.harness import Row

SIGNUP = {"username": "harness-new", "email": "harness-new@example.com", "password": "Tiger-lily 2026 beian"}

ROWS = [
    Row("accounts.csrf", "GET", "/api/accounts/csrf", "200 200 200 200 200 200 200"),
    Row("accounts.signup", "POST", "/api/accounts/signup", "201 201 201 201 201 201 201", body=SIGNUP),
    Row("accounts.login", "POST", "/api/accounts/login", "200 200 200 200 200 200 200",
        body={"username": "{owner_username}", "password": "{password}"}),
    Row("accounts.login.wrong_password", "POST", "/api/accounts/login", "401 401 401 401 401 401 401",
        body={"username": "{owner_username}", "password": "not-the-password"}),
    Row("accounts.logout", "POST", "/api/accounts/logout", "204 204 204 204 204 204 204"),
    Row("accounts.me", "GET", "/api/accounts/me", "200 200 200 200 200 200 401"),
    Row("accounts.password_reset", "POST", "/api/accounts/password-reset", "202 202 202 202 202 202 202",
        body={"email": "applicant@example.com"}),
    Row("accounts.tokens.list", "GET", "/api/accounts/tokens", "200 200 200 200 200 200 401"),
    Row("accounts.tokens.create", "POST", "/api/accounts/tokens", "201 201 201 201 201 201 401",
        body={"name": "harness"}),
    # Only the owner of a token may revoke it; for everyone else it does not exist (operators use the admin).
    Row("accounts.tokens.revoke", "DELETE", "/api/accounts/tokens/{owner_token}", "204 — — — — — 401"),
]
