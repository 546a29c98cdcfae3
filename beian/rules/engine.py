"""The rules engine: one catalogue of rules, each with a stable code, producing findings (design.md §5.2, §7).

A rule is a function ``(ctx) -> Iterable[Finding]`` registered with :func:`rule`. The same runner serves
pre-flight checks, submission and the reviewer's view; the workflow's refusals are rules here too, so every
refusal has a code. Later catalogues (names, domains, principals, …) register more rules in their modules.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from beian.core.errors import BeianError, Finding

# Stages at which a rule runs: "preflight" while typing, "submit" on submit and resubmit.
STAGES = ("preflight", "submit")


@dataclass(frozen=True)
class RuleSpec:
    code: str
    severity: str
    source: str
    stages: tuple[str, ...]
    func: Callable[..., Iterable[Finding]]
    order_types: frozenset[str] | None = None  # None = every type


@dataclass
class RuleContext:
    """What a rule sees: the order, its proposed state and diff, the current registry state."""

    order: object
    proposed: object  # FilingState
    current: object | None  # FilingState of the registry, or None for a new entity
    diff: list[dict]
    user: object | None = None
    extra: dict = field(default_factory=dict)


_REGISTRY: dict[str, RuleSpec] = {}
CATALOGUE_VERSION = "2026.11-1"  # bumped whenever a rule is added or changed; recorded on each order


def rule(code: str, *, severity: str = "error", source: str = "", stages: tuple[str, ...] = STAGES,
         order_types: Iterable[str] | None = None):
    def register(func):
        if code in _REGISTRY and _REGISTRY[code].func is not func:
            raise ValueError(f"rule code {code} registered twice")
        _REGISTRY[code] = RuleSpec(code=code, severity=severity, source=source, stages=stages, func=func,
                                   order_types=frozenset(order_types) if order_types else None)
        return func

    return register


def rules_catalogue() -> list[RuleSpec]:
    _load_rule_modules()
    return sorted(_REGISTRY.values(), key=lambda r: r.code)


def _load_rule_modules() -> None:
    # Importing registers; modules are imported lazily so apps can load in any order.
    from beian.rules import workflow_rules  # noqa: F401


def rules_run(ctx: RuleContext, *, stage: str = "submit") -> list[Finding]:
    _load_rule_modules()
    findings: list[Finding] = []
    order_type = getattr(ctx.order, "type", None)
    for spec in sorted(_REGISTRY.values(), key=lambda r: r.code):
        if stage not in spec.stages:
            continue
        if spec.order_types is not None and order_type not in spec.order_types:
            continue
        findings.extend(spec.func(ctx))
    return findings


def findings_raise(findings: list[Finding]) -> None:
    """Refuse with every finding of severity ``error``, in the one error shape (HTTP 422)."""
    errors = [f.as_error() for f in findings if f.severity == "error"]
    if errors:
        raise BeianError(errors=errors, status=422)


def finding(code: str, message_zh: str, message_en: str, *, field: str | None = None, value=None,
            hint_zh: str = "", hint_en: str = "", severity: str | None = None, requirement: str | None = None
            ) -> Finding:
    spec = _REGISTRY.get(code)
    return Finding(code=code, severity=severity or (spec.severity if spec else "error"), message_zh=message_zh,
                   message_en=message_en, field=field, value=None if value is None else str(value),
                   hint_zh=hint_zh, hint_en=hint_en, source=spec.source if spec else "", requirement=requirement)
