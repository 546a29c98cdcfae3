"""Small readers shared by the rule modules: principals, new websites, self access, province of a text."""

from __future__ import annotations

from collections.abc import Iterator

from beian.core.diff import ADD
from beian.rules.data import RulesData, text_normalize


def principals(ctx) -> Iterator[tuple[str, object]]:
    """(field path prefix, PrincipalState) of the entity principal and every website principal."""
    yield "entity.principal", ctx.proposed.entity.principal
    for site in ctx.proposed.websites:
        yield f"websites[{site.key}].principal", site.principal


def current_principal(ctx, path: str):
    """The registry's principal at ``path`` (None for a new entity or website)."""
    if ctx.current is None:
        return None
    if path == "entity.principal":
        return ctx.current.entity.principal
    key = path[len("websites["): path.index("]")]
    site = ctx.current.website(key)
    return site.principal if site else None


def principal_changed(ctx, path: str, principal, *fields: str) -> bool:
    """True when the principal is new or one of ``fields`` differs from the registry."""
    before = current_principal(ctx, path)
    if before is None:
        return True
    return any(getattr(before, f) != getattr(principal, f) for f in fields)


def new_website_keys(ctx) -> list[str]:
    return [e["path"][len("websites["):-1] for e in ctx.diff
            if e["op"] == ADD and e["path"].startswith("websites[") and e["path"].endswith("]")
            and ".access[" not in e["path"]]


def self_access(ctx) -> Iterator[tuple[object, object, str]]:
    """(website, access record, field path) of this provider's access records."""
    own = ctx.data.self_provider
    for site in ctx.proposed.websites:
        for access in site.access:
            if access.provider == own:
                yield site, access, f"websites[{site.key}].access[{access.key}]"


def province_of_text(data: RulesData, text: str) -> str | None:
    """The code of the province a region text such as ``X省`` or ``X省Y市`` names, by the catalogue's names."""
    norm = text_normalize(text)
    if not norm:
        return None
    best = None
    for code, name in data.province_names.items():
        n = text_normalize(name)
        if norm.startswith(n) or (len(norm) >= 2 and n.startswith(norm)):
            if best is None or len(n) > len(data.province_names[best]):
                best = code
    return best


def division_province(number: str) -> str | None:
    """Province code (``XX0000``) of a division code's first two digits, or None."""
    if len(number) >= 2 and number[:2].isdigit() and number[:2] not in ("00", "10"):
        return number[:2] + "0000"
    return None
