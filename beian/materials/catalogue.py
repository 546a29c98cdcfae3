"""What an order needs: the matched catalogue rows ∪ the requirements of its ``needs_material`` findings.

:func:`requirements_for` is the single answer (design.md §7, §8). A requirement is per order (entity-level
materials and agreements) or per website (``website_key``), so two new websites with different principals
need two sets of ID scans.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from functools import cached_property, lru_cache

from beian.core.requirements import REQUIREMENT_CODES
from beian.core.tablecache import TableCache

# Requirements met by signing in the app rather than by an upload (materials.agreements).
SIGNED_IN_APP = {"service_security_agreement"}
# Always one per order, whatever path matched.
ORDER_LEVEL = {"service_security_agreement", "commitment_letter", "entity_certificate", "rename_proof",
               "certificate_change_proof", "entity_principal_id_front", "entity_principal_id_back",
               "handheld_id_photo", "residence_proof", "legal_rep_id"}
_CODE_ORDER = {code: i for i, code in enumerate(REQUIREMENT_CODES)}
_WEBSITE_KEY = re.compile(r"^websites\[([^\]]+)\]")


@dataclass(frozen=True)
class RequiredMaterial:
    code: str
    website_key: str
    reason_zh: str
    reason_en: str
    source: str
    origin: str  # "catalogue:<row id>" or "rule:<finding code>"

    @property
    def name_zh(self) -> str:
        return REQUIREMENT_CODES.get(self.code, (self.code, self.code))[0]

    @property
    def name_en(self) -> str:
        return REQUIREMENT_CODES.get(self.code, (self.code, self.code))[1]

    @property
    def signed_in_app(self) -> bool:
        return self.code in SIGNED_IN_APP

    def as_dict(self) -> dict:
        return {**vars(self), "name_zh": self.name_zh, "name_en": self.name_en, "signed_in_app": self.signed_in_app}


@lru_cache(maxsize=256)
def _path_regex(pattern: str) -> re.Pattern:
    alternatives = []
    for alt in pattern.split("|"):
        escaped = re.escape(alt.strip())
        escaped = escaped.replace(r"\[\*\]", r"\[[^\]]+\]").replace(r"\*", r".*")
        alternatives.append(escaped)
    return re.compile("^(?:" + "|".join(alternatives) + ")$")


def path_matches(pattern: str, path: str) -> bool:
    return bool(_path_regex(pattern).match(path))


def website_key_of(path: str | None) -> str:
    match = _WEBSITE_KEY.match(path or "")
    return match.group(1) if match else ""


def _short(name: str) -> str:
    return name[:2]


class _Facts:
    """Facts the row conditions ask about, computed once per order.

    With ``data`` (the rules' data snapshot, :func:`beian.rules.data.rules_data`, as a rule context holds it) the
    entity kind and the province's name come from it instead of two queries; the name is read only when a
    condition needs it.
    """

    def __init__(self, proposed, province_code: str, data=None):
        self.proposed = proposed
        self.province_code = province_code
        self._data = data
        entity_type = proposed.entity.type
        if data is not None:
            self.individual = entity_type in data.individual_types or entity_type == "个人"
        else:
            from beian.registry.models import EntityType

            self.individual = EntityType.objects.filter(name=entity_type, is_individual=True).exists() or (
                entity_type == "个人")

    @cached_property
    def province_name(self) -> str:
        if self._data is not None:
            return self._data.province_names.get(self.province_code, "")
        from beian.registry.models import Province

        province = Province.objects.filter(code=self.province_code).first()
        return province.name if province else ""

    def condition(self, name: str, website_key: str) -> bool:
        site = self.proposed.website(website_key) if website_key else None
        if name == "":
            return True
        if name == "has_pre_approvals":
            return bool(site and site.pre_approvals)
        if name == "website_principal_not_entity":
            entity_cert = self.proposed.entity.principal.certificate_number.strip().upper()
            return bool(site and site.principal.certificate_number.strip().upper() != entity_cert)
        if name == "access_outside_province":
            if not (site and self.province_name):
                return False
            return any(a.region and not a.region.startswith(_short(self.province_name)) for a in site.access)
        if name == "id_outside_province":
            number = self.proposed.entity.principal.certificate_number.strip()
            return len(number) == 18 and number[:2].isdigit() and number[:2] != self.province_code[:2]
        return False


@dataclass(frozen=True)
class _Row:
    """A ``MaterialRequirement`` row as the matcher reads it (immutable: shared by every check of the process)."""

    pk: int
    code: str
    order_types: tuple[str, ...]
    entity_kind: str
    provinces: tuple[str, ...]
    path: str
    ops: tuple[str, ...]
    condition: str
    waive: bool
    reason_zh: str
    reason_en: str
    source: str


# Read on every check, changed rarely: one process-wide copy kept current through the shared cache.
def _load_rows() -> tuple[_Row, ...]:
    from beian.materials.models import MaterialRequirement

    return tuple(_Row(pk=r.pk, code=r.code, order_types=tuple(r.order_types or ()), entity_kind=r.entity_kind,
                      provinces=tuple(r.provinces or ()), path=r.path, ops=tuple(r.ops or ()), condition=r.condition,
                      waive=r.waive, reason_zh=r.reason_zh, reason_en=r.reason_en, source=r.source)
                 for r in MaterialRequirement.objects.filter(active=True).order_by("sort", "id"))


_ROWS = TableCache("beian:materials:requirements-token", _load_rows)


def requirement_rows() -> tuple[_Row, ...]:
    """The active catalogue rows in their order (``sort``, ``id``), from the process's copy while it is current."""
    return _ROWS.get()


def connect_requirement_signals() -> None:
    """Called by the app's ``ready``: saves and deletes of rows (admin, code, fixtures) replace the token."""
    from beian.materials.models import MaterialRequirement

    _ROWS.watch(MaterialRequirement)


def catalogue_requirements(*, order_type: str, proposed, diff: list[dict], data=None) -> list[RequiredMaterial]:
    """The rows of the catalogue that match this order (no rule findings). ``data``: the rules' data snapshot
    (a rule context's ``ctx.data``) to take the entity kind and province names from."""
    facts = _Facts(proposed, proposed.entity.province, data)
    kind = "individual" if facts.individual else "organisation"
    found: dict[tuple[str, str], RequiredMaterial] = {}
    waived: set[str] = set()
    for row in requirement_rows():
        if row.order_types and order_type not in row.order_types:
            continue
        if row.entity_kind not in ("any", kind):
            continue
        if row.provinces and facts.province_code not in row.provinces:
            continue
        keys: list[str] = []
        if not row.path:
            keys = [""]
        else:
            for entry in diff:
                if row.ops and entry["op"] not in row.ops:
                    continue
                if path_matches(row.path, entry["path"]):
                    keys.append(website_key_of(entry["path"]))
        for key in keys:
            if not facts.condition(row.condition, key):
                continue
            if row.waive:
                waived.add(row.code)
                continue
            key = "" if row.code in ORDER_LEVEL else key
            found.setdefault((row.code, key), RequiredMaterial(
                code=row.code, website_key=key, reason_zh=row.reason_zh, reason_en=row.reason_en,
                source=row.source, origin=f"catalogue:{row.pk}"))
    return [r for r in found.values() if r.code not in waived]


def requirements_for(*, order, findings: list | None = None, ctx=None) -> list[RequiredMaterial]:
    """Everything the order needs: catalogue rows ∪ the ``needs_material`` findings, sorted, without duplicates.

    ``findings`` defaults to a pre-flight run of the rules engine over the order (over ``ctx``, a
    ``RuleContext``, when given: then its proposed state and diff are used, the order need not be saved).
    """
    from beian.core.state import FilingState

    proposed = ctx.proposed if ctx is not None else FilingState.model_validate(order.proposed)
    diff = ctx.diff if ctx is not None else order.diff
    if order.type in ("cancel_entity", "cancel_website", "cancel_access"):
        rows: list[RequiredMaterial] = []
    else:
        rows = catalogue_requirements(order_type=order.type, proposed=proposed, diff=diff,
                                      data=ctx.data if ctx is not None else None)
    if findings is None:
        findings = _rule_findings(order, ctx)
    seen = {(r.code, r.website_key) for r in rows}
    for f in findings:
        d = f if isinstance(f, dict) else f.as_dict()
        code = d.get("requirement")
        if not code or d.get("severity") != "needs_material" or d.get("code") == "MATERIAL_MISSING":
            continue
        key = "" if code in ORDER_LEVEL else website_key_of(d.get("field"))
        if (code, key) in seen:
            continue
        seen.add((code, key))
        rows.append(RequiredMaterial(code=code, website_key=key, reason_zh=d.get("message_zh") or "",
                                     reason_en=d.get("message_en") or "", source=d.get("source") or "",
                                     origin=f"rule:{d.get('code')}"))
    return sorted(rows, key=lambda r: (_CODE_ORDER.get(r.code, 999), r.website_key))


_LOCAL = threading.local()


def _rule_findings(order, ctx=None) -> list:
    from beian.orders.services import order_findings
    from beian.rules.engine import rules_run

    _LOCAL.depth = getattr(_LOCAL, "depth", 0) + 1
    try:
        found = rules_run(ctx, stage="preflight") if ctx is not None else order_findings(order=order,
                                                                                         stage="preflight")
        return [f for f in found if f.severity == "needs_material"]
    finally:
        _LOCAL.depth -= 1


def in_requirement_computation() -> bool:
    """True while :func:`requirements_for` runs the rules itself (the MATERIAL_MISSING rule then stays silent)."""
    return getattr(_LOCAL, "depth", 0) > 0
