"""The per-role access harness (design.md §2 "Who may see and do what"; docs/accounts.md).

A row is data: ``Row(name, method, path, expect, body=None)``.

* ``path`` is a template: ``{name}`` placeholders are objects from the registry below
  (``/api/orders/{order_draft}`` → the primary key of the owner's draft order).
* ``expect`` gives the expected HTTP status for each role of :data:`ROLES`, in that order, as a string of seven
  cells separated by spaces (or a 7-tuple): ``"200 — 200 200 — 200 401"``. ``—`` means "may not see it":
  404 for an object (the path has a placeholder), 403 for a list or action without one (override with
  ``kind="object"`` / ``kind="list"``).
* ``body`` (JSON, optional) may use the same placeholders inside its strings.

Rows live in ``tests/access/rows_<app>.py`` (a module-level ``ROWS`` list); objects are registered with
:func:`access_object` in ``tests/access/objects_<app>.py`` (or in the rows module). Both are discovered
automatically.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

NO = "—"  # the matrix's "—": 404 for an object, 403 for a list

# Columns of design.md §2, in order.
ROLES = ("owner", "other", "reviewer", "bureau_own", "bureau_other", "operator", "anonymous")

# The owner's entity and orders are filed in this province; "bureau_own" acts for it, "bureau_other" does not.
OWN_PROVINCE = "330000"  # 浙江
OTHER_PROVINCE = "110000"  # 北京

# tests/conftest.py gives every fixture user this password.
PASSWORD = "Passw0rd!beian"

_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
_METHODS = {"GET", "POST", "PUT", "PATCH", "DELETE"}


@dataclass(frozen=True)
class Row:
    name: str
    method: str
    path: str
    expect: str | tuple
    body: Any = None
    kind: str | None = None  # "object" | "list"; default: "object" when the path has a placeholder
    module: str = field(default="", compare=False)

    def cells(self) -> tuple:
        raw = self.expect.split() if isinstance(self.expect, str) else tuple(self.expect)
        return tuple(c if c == NO else int(c) for c in raw)

    def placeholders(self) -> set[str]:
        names = set(_PLACEHOLDER.findall(self.path))
        _walk_strings(self.body, lambda s: names.update(_PLACEHOLDER.findall(s)))
        return names

    @property
    def resolved_kind(self) -> str:
        if self.kind:
            return self.kind
        return "object" if _PLACEHOLDER.search(self.path.split("?")[0]) else "list"

    def expected(self, role: str) -> int:
        cell = self.cells()[ROLES.index(role)]
        if cell == NO:
            return 404 if self.resolved_kind == "object" else 403
        return cell

    def problems(self) -> list[str]:
        out = []
        if self.method.upper() not in _METHODS:
            out.append(f"method {self.method!r} is not one of {sorted(_METHODS)}")
        if not self.path.startswith("/api/"):
            out.append(f"path {self.path!r} must start with /api/")
        if self.kind not in (None, "object", "list"):
            out.append(f"kind {self.kind!r} must be 'object' or 'list'")
        try:
            cells = self.cells()
        except ValueError:
            return [*out, f"expect {self.expect!r}: each cell is an HTTP status or {NO}"]
        if len(cells) != len(ROLES):
            out.append(f"expect has {len(cells)} cells, needs {len(ROLES)} ({' '.join(ROLES)})")
        if any(c != NO and not 200 <= c <= 499 for c in cells):
            out.append(f"expect {self.expect!r}: statuses are 2xx–4xx")
        unknown = self.placeholders() - set(OBJECTS)
        if unknown:
            out.append(f"unknown placeholders {sorted(unknown)}; register them with @access_object")
        return out


# --- objects ------------------------------------------------------------------------------------------------------

OBJECTS: dict[str, Callable[[World], Any]] = {}


def access_object(name: str):
    """Register ``builder(world) -> value`` under ``name`` for ``{name}`` placeholders.

    The value is a model instance (its ``pk`` is used) or a plain value. Builders may call ``world.get(...)``
    for other objects and ``world.user(role)`` for the role's user. Names are global: a clash fails loudly.
    """

    def register(builder):
        if name in OBJECTS and OBJECTS[name] is not builder:
            raise RuntimeError(f"access object {name!r} is registered twice ({OBJECTS[name].__module__}, "
                               f"{builder.__module__})")
        OBJECTS[name] = builder
        return builder

    return register


class World:
    """The users of one test (one per role) and the objects built for it, each built once on first use."""

    def __init__(self, users: dict[str, Any]):
        self.users = users
        self._built: dict[str, Any] = {}

    def user(self, role: str):
        return self.users[role]

    def get(self, name: str):
        if name not in self._built:
            if name not in OBJECTS:
                raise KeyError(f"no access object {name!r}; known: {sorted(OBJECTS)}")
            self._built[name] = OBJECTS[name](self)
        return self._built[name]

    def value(self, name: str) -> str:
        obj = self.get(name)
        return str(getattr(obj, "pk", obj))

    def fill(self, value):
        """Substitute placeholders in a path or (recursively) in a JSON body."""
        if isinstance(value, str):
            return _PLACEHOLDER.sub(lambda m: self.value(m.group(1)), value)
        if isinstance(value, list):
            return [self.fill(v) for v in value]
        if isinstance(value, dict):
            return {k: self.fill(v) for k, v in value.items()}
        return value


def _walk_strings(value, visit) -> None:
    if isinstance(value, str):
        visit(value)
    elif isinstance(value, list):
        for v in value:
            _walk_strings(v, visit)
    elif isinstance(value, dict):
        for v in value.values():
            _walk_strings(v, visit)


# --- discovery ----------------------------------------------------------------------------------------------------

def load_rows() -> list[Row]:
    """Import every ``objects_*`` and ``rows_*`` module of this package; return all rows in a stable order."""
    package = Path(__file__).parent
    names = sorted(m.name for m in pkgutil.iter_modules([str(package)]))
    for name in names:
        if name.startswith("objects_"):
            importlib.import_module(f"{__package__}.{name}")
    rows: list[Row] = []
    for name in names:
        if name.startswith("rows_"):
            module = importlib.import_module(f"{__package__}.{name}")
            for row in getattr(module, "ROWS", []):
                rows.append(Row(**{**row.__dict__, "module": name}))
    return rows


# --- matching rows to API operations ------------------------------------------------------------------------------

def operation_pattern(openapi_path: str) -> re.Pattern:
    parts = re.split(r"(\{[^}]+\})", openapi_path)
    return re.compile("".join("[^/]+" if p.startswith("{") else re.escape(p) for p in parts if p) + "$")


def row_concrete_path(row: Row) -> str:
    """The row's path with every placeholder replaced by a dummy segment, query string dropped."""
    return _PLACEHOLDER.sub("X", row.path.split("?")[0])


def api_operations(api) -> list[tuple[str, str, str]]:
    """``[(METHOD, path, handler)]`` of every operation of the ninja API, paths as in OpenAPI
    (``/api/accounts/tokens/{token_id}``). Read from the mounted routers, so operations hidden from the schema
    (``include_in_schema=False``) count too and one broken schema elsewhere cannot hide an operation."""
    from django.urls import reverse

    root = reverse(f"{api.urls_namespace}:api-root")
    out = []
    for bound in api._get_bound_routers():
        for path, path_view in bound.path_operations.items():
            full = re.sub(r"/{2,}", "/", f"{root}/{bound.prefix}/{path}")
            for operation in path_view.operations:
                handler = f"{operation.view_func.__module__}.{operation.view_func.__name__}"
                for method in operation.methods:
                    out.append((method.upper(), full, handler))
    return sorted(set(out))


def row_operation(row: Row, operations) -> tuple[str, str, str] | None:
    """The operation a row exercises: among those matching its method and path, the most literal one (as URL
    routing would choose: ``/orders/queue`` before ``/orders/{id}``)."""
    concrete = row_concrete_path(row)
    matches = [op for op in operations if op[0] == row.method.upper() and operation_pattern(op[1]).match(concrete)]
    if not matches:
        return None
    return min(matches, key=lambda op: (op[1].count("{"), op[1]))


def uncovered_operations(api, rows: list[Row]) -> list[tuple[str, str, str]]:
    operations = api_operations(api)
    covered = {row_operation(r, operations) for r in rows}
    return [op for op in operations if op not in covered]


def stale_rows(api, rows: list[Row]) -> list[Row]:
    operations = api_operations(api)
    return [r for r in rows if row_operation(r, operations) is None]
