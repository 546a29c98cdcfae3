"""Diff of two ``FilingState`` values as ``[{path, op, old, new}]`` on field paths (design.md §5.1).

Paths: ``entity.name``, ``entity.principal.mobile``, ``websites[<key>]``, ``websites[<key>].name``,
``websites[<key>].domains`` (one entry per added or removed domain), ``websites[<key>].access[<key>]``,
``websites[<key>].access[<key>].ip_ranges``. Read-only fields are not part of a diff.
"""

from __future__ import annotations

from typing import Any

from beian.core.state import READ_ONLY_ENTITY, READ_ONLY_WEBSITE, FilingState

ADD, REMOVE, CHANGE = "add", "remove", "change"


def _entry(path: str, op: str, old: Any, new: Any) -> dict:
    return {"path": path, "op": op, "old": old, "new": new}


def _diff_fields(prefix: str, old: dict, new: dict, skip: tuple[str, ...], out: list[dict]) -> None:
    for name, new_value in new.items():
        if name in skip:
            continue
        old_value = old.get(name)
        if isinstance(new_value, dict) and isinstance(old_value, dict):
            _diff_fields(f"{prefix}.{name}", old_value, new_value, (), out)
        elif old_value != new_value:
            out.append(_entry(f"{prefix}.{name}", CHANGE, old_value, new_value))


def _by_key(items: list[dict]) -> dict[str, dict]:
    return {item["key"]: item for item in items}


def filing_diff(old: FilingState | None, new: FilingState) -> list[dict]:
    """What changes from ``old`` (the current registry version, or None) to ``new``."""
    old_json = old.to_json() if old is not None else {"entity": {}, "websites": []}
    new_json = new.to_json()
    out: list[dict] = []
    if old is None:
        _diff_fields("entity", {}, new_json["entity"], READ_ONLY_ENTITY, out)
    else:
        _diff_fields("entity", old_json["entity"], new_json["entity"], READ_ONLY_ENTITY, out)

    old_sites, new_sites = _by_key(old_json["websites"]), _by_key(new_json["websites"])
    for key, site in new_sites.items():
        path = f"websites[{key}]"
        before = old_sites.get(key)
        if before is None:
            out.append(_entry(path, ADD, None, _public(site)))
            continue
        _diff_website(path, before, site, out)
    for key, site in old_sites.items():
        if key not in new_sites:
            out.append(_entry(f"websites[{key}]", REMOVE, _public(site), None))
    return out


def _public(site: dict) -> dict:
    return {k: v for k, v in site.items() if k not in READ_ONLY_WEBSITE}


def _diff_website(path: str, before: dict, after: dict, out: list[dict]) -> None:
    skip = (*READ_ONLY_WEBSITE, "key", "id", "domains", "access")
    _diff_fields(path, before, after, skip, out)
    old_domains, new_domains = before.get("domains", []), after.get("domains", [])
    for domain in new_domains:
        if domain not in old_domains:
            out.append(_entry(f"{path}.domains", ADD, None, domain))
    for domain in old_domains:
        if domain not in new_domains:
            out.append(_entry(f"{path}.domains", REMOVE, domain, None))
    old_access, new_access = _by_key(before.get("access", [])), _by_key(after.get("access", []))
    for key, access in new_access.items():
        access_path = f"{path}.access[{key}]"
        if key not in old_access:
            out.append(_entry(access_path, ADD, None, access))
        else:
            _diff_fields(access_path, old_access[key], access, ("key", "id"), out)
    for key, access in old_access.items():
        if key not in new_access:
            out.append(_entry(f"{path}.access[{key}]", REMOVE, access, None))


def diff_scope(diff: list[dict]) -> set[str]:
    """Which parts a diff touches: a subset of {"entity", "website", "access"}."""
    scope: set[str] = set()
    for entry in diff:
        path = entry["path"]
        if path.startswith("entity."):
            scope.add("entity")
        elif ".access[" in path:
            scope.add("access")
        else:
            scope.add("website")
    return scope


def website_key_of(path: str) -> str | None:
    """``websites[12].access[3].ip_ranges`` → ``"12"``."""
    if not path.startswith("websites["):
        return None
    return path[len("websites[") : path.index("]")]
