"""SMS verification (短信核验, design.md §6, icp-domain.md §4.2): who verifies, codes, answers."""

from __future__ import annotations

from beian.core.diff import diff_scope

# order type -> (entity principal, website principal); change types derive from the diff (icp §4.2 table).
DEFAULT_VERIFIERS = {
    "new_filing": (True, True), "add_website": (True, True), "add_access": (False, True),
    "change_entity": (True, False), "change_website": (False, True), "change_access": (False, False),
    "cancel_entity": (True, False), "cancel_website": (False, False), "cancel_access": (False, False),
}


def sms_verifiers(order) -> list[dict]:
    if order.type == "change_filing":
        scope = diff_scope(order.diff)
        entity, website = "entity" in scope, "website" in scope
    else:
        entity, website = DEFAULT_VERIFIERS.get(order.type, (False, False))
    out = []
    if entity:
        out.append({"role": "entity", "website_key": None})
    if website:
        for entry_key in _touched_websites(order):
            out.append({"role": "website", "website_key": entry_key})
    return out


def _touched_websites(order) -> list[str]:
    keys: list[str] = []
    for entry in order.diff:
        path = entry["path"]
        if path.startswith("websites["):
            key = path[len("websites["): path.index("]")]
            if key not in keys:
                keys.append(key)
    return keys


def sms_codes_issue(*, order) -> None:
    """Issue the codes (the SMS issue wires the real challenge store here)."""
