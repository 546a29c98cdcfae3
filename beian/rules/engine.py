"""The rules engine: one catalogue of rules, each with a stable code, producing findings (design.md §5.2, §7).

A rule is a function ``(ctx) -> Iterable[Finding]`` registered with :func:`rule`. The same runner serves
pre-flight checks (the whole draft, or one field path and the rules that read it), submission and the
reviewer's view; the workflow's refusals are rules here too, so every refusal has a code. Rule modules
register their rules when imported (:func:`_load_rule_modules`).

Each rule declares the field paths it ``reads`` (patterns with ``[]`` for any key: ``websites[].name``), so a
one-field pre-flight call runs only the rules that depend on that field. The province differences a rule
uses are data (``ProvinceRule``, word lists, TLDs, IP ranges: :mod:`beian.rules.data`), never literals.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property

from beian.core.errors import BeianError, Finding
from beian.core.hotsql import hot_prefetch

# Stages at which a rule runs: "preflight" while typing, "submit" on submit and resubmit; "resubmit" and
# "action" rules are run by the services for those events only.
STAGES = ("preflight", "submit")


@dataclass(frozen=True)
class RuleSpec:
    code: str
    severity: str
    source: str
    stages: tuple[str, ...]
    func: Callable[..., Iterable[Finding]]
    order_types: frozenset[str] | None = None  # None = every type
    reads: tuple[str, ...] = ()  # field path patterns the rule depends on; () = whole-order rule
    title_zh: str = ""
    title_en: str = ""
    hint_zh: str = ""
    hint_en: str = ""
    overrides: tuple[str, ...] = ()  # ProvinceRule fields / data tables the rule reads
    late: bool = False  # runs after the other rules of a full run and reads their findings (``ctx.prior``)
    # ``prefetch(ctx)`` → the (sql, params) reads the rule will make (core.hotsql.hot_fetch): a run sends those of
    # all its rules together, in one round trip, before the first rule runs.
    prefetch: Callable[..., Iterable[tuple[str, list]]] | None = None

    @property
    def module(self) -> str:
        return self.func.__module__


@dataclass
class RuleContext:
    """What a rule sees: the order, its proposed state and diff, the current registry state."""

    order: object
    proposed: object  # FilingState
    current: object | None  # FilingState of the registry, or None for a new entity
    diff: list[dict]
    user: object | None = None
    extra: dict = field(default_factory=dict)
    today: dt.date | None = None  # the check's day in China Standard Time (default: today)
    memo: dict = field(default_factory=dict)  # per-run cache shared by rules (e.g. domain facts)
    # For a ``late`` rule in a full run: the findings of every other rule of the run (None: not known, the rule
    # computes what it needs itself).
    prior: list | None = None

    @cached_property
    def data(self):
        from beian.rules.data import rules_data

        return rules_data()

    @cached_property
    def on(self) -> dt.date:
        from beian.core.validators import today_cst

        return self.today or today_cst()

    @cached_property
    def province(self):
        """The filing province's settings (national defaults merged with its overrides)."""
        return self.data.province(self.proposed.entity.province)

    @cached_property
    def individual(self) -> bool:
        return self.proposed.entity.type in self.data.individual_types

    @property
    def order_type(self) -> str | None:
        return getattr(self.order, "type", None)


_REGISTRY: dict[str, RuleSpec] = {}
CATALOGUE_VERSION = "2026.11-2"  # bumped whenever a rule is added or changed; recorded on each order


def rule(code: str, *, severity: str = "error", source: str = "", stages: tuple[str, ...] = STAGES,
         order_types: Iterable[str] | None = None, reads: Iterable[str] = (), title_zh: str = "",
         title_en: str = "", hint_zh: str = "", hint_en: str = "", overrides: Iterable[str] = (), late: bool = False,
         prefetch: Callable[..., Iterable[tuple[str, list]]] | None = None):
    def register(func):
        if code in _REGISTRY and _REGISTRY[code].func is not func:
            raise ValueError(f"rule code {code} registered twice")
        _REGISTRY[code] = RuleSpec(code=code, severity=severity, source=source, stages=stages, func=func,
                                   order_types=frozenset(order_types) if order_types else None,
                                   reads=tuple(reads), title_zh=title_zh, title_en=title_en, hint_zh=hint_zh,
                                   hint_en=hint_en, overrides=tuple(overrides), late=late, prefetch=prefetch)
        return func

    return register


_SORTED: tuple[int, list[RuleSpec]] | None = None


def _sorted_specs() -> list[RuleSpec]:
    """The registered rules by code (re-sorted only when the registry changes)."""
    global _SORTED
    cached = _SORTED
    if cached is None or cached[0] != len(_REGISTRY) or any(_REGISTRY.get(s.code) is not s for s in cached[1]):
        cached = _SORTED = (len(_REGISTRY), sorted(_REGISTRY.values(), key=lambda r: r.code))
    return cached[1]


def rules_catalogue() -> list[RuleSpec]:
    _load_rule_modules()
    return sorted(_REGISTRY.values(), key=lambda r: r.code)


def rule_spec(code: str) -> RuleSpec | None:
    _load_rule_modules()
    return _REGISTRY.get(code)


def _load_rule_modules() -> None:
    # Importing registers; modules are imported lazily so apps can load in any order.
    from beian.rules import (  # noqa: F401
        content_rules,
        domain_rules,
        name_rules,
        principal_rules,
        region_rules,
        workflow_rules,
    )


def catalogue_version(data=None) -> str:
    """The code version of the catalogue plus the revision of its data: what judged an order. ``data``: the
    snapshot a check used (``ctx.data``), else the current one."""
    if data is None:
        from beian.rules.data import rules_data

        data = rules_data()
    return f"{CATALOGUE_VERSION}+d{data.revision[0]}"


_KEY = re.compile(r"\[[^\]]*\]")


def field_pattern(path: str) -> str:
    """``websites[12].access[a1].ip_ranges`` → ``websites[].access[].ip_ranges``."""
    return _KEY.sub("[]", path)


def _related(a: str, b: str) -> bool:
    return a == b or a.startswith(b + ".") or a.startswith(b + "[") or b.startswith(a + ".") \
        or b.startswith(a + "[")


def rule_reads(spec: RuleSpec, path: str) -> bool:
    pattern = field_pattern(path)
    return any(_related(pattern, r) for r in spec.reads)


def _website_prefix(path: str) -> str | None:
    match = re.match(r"websites\[[^\]]*\]", path)
    return match.group(0) if match else None


def rules_run(ctx: RuleContext, *, stage: str = "submit", fields: Iterable[str] | None = None) -> list[Finding]:
    """Run every rule of ``stage`` that applies to the order type.

    With ``fields`` (one-field pre-flight): only the rules that read one of those field paths, and of their
    findings only those on the same website as the field (or on no website).

    ``late`` rules run after the others of a full run, with their findings in ``ctx.prior`` (the materials rule
    derives the requirements from the ``needs_material`` findings instead of running the catalogue again); the
    findings are returned in code order all the same.
    """
    _load_rule_modules()
    fields = list(fields) if fields is not None else None
    order_type = ctx.order_type
    specs = [spec for spec in _sorted_specs()
             if stage in spec.stages and (spec.order_types is None or order_type in spec.order_types)
             and (fields is None or any(rule_reads(spec, f) for f in fields))]
    with hot_prefetch(_prefetched(ctx, specs)):
        return _run(ctx, specs, fields)


def _prefetched(ctx: RuleContext, specs: list[RuleSpec]) -> list[tuple[str, list]]:
    out = []
    for spec in specs:
        if spec.prefetch is not None:
            out.extend(spec.prefetch(ctx))
    return out


def _run(ctx: RuleContext, specs: list[RuleSpec], fields: list[str] | None) -> list[Finding]:
    results: list[tuple[RuleSpec, list[Finding] | None]] = [
        (spec, None if spec.late and fields is None else list(spec.func(ctx))) for spec in specs]
    if any(found is None for _spec, found in results):
        prior = [f for _spec, found in results if found is not None for f in found]
        saved, ctx.prior = ctx.prior, prior
        try:
            results = [(spec, list(spec.func(ctx)) if found is None else found) for spec, found in results]
        finally:
            ctx.prior = saved
    findings: list[Finding] = [f for _spec, found in results for f in found]
    if fields is not None:
        sites = {_website_prefix(f) for f in fields}
        if None not in sites:
            findings = [f for f in findings if f.field is None or _website_prefix(f.field) in (None, *sites)]
    return findings


def findings_raise(findings: list[Finding]) -> None:
    """Refuse with every finding of severity ``error``, in the one error shape (HTTP 422)."""
    errors = [f.as_error() for f in findings if f.severity == "error"]
    if errors:
        raise BeianError(errors=errors, status=422)


def finding(code: str, message_zh: str, message_en: str, *, field: str | None = None, value=None,
            hint_zh: str = "", hint_en: str = "", severity: str | None = None, requirement: str | None = None
            ) -> Finding:
    """A finding of rule ``code``: severity, source and (unless given) hints come from the catalogue."""
    spec = _REGISTRY.get(code)
    return Finding(code=code, severity=severity or (spec.severity if spec else "error"), message_zh=message_zh,
                   message_en=message_en, field=field, value=None if value is None else str(value),
                   hint_zh=hint_zh or (spec.hint_zh if spec else ""), hint_en=hint_en or (spec.hint_en if spec else ""),
                   source=spec.source if spec else "", requirement=requirement)
