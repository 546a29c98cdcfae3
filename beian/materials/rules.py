"""The materials' rules (design.md §7): required materials present, and the machine checks' findings.

Imported by ``beian.rules.engine._load_rule_modules``. ``MATERIAL_MISSING`` has the severity of
``BEIAN_MATERIALS["MISSING_SEVERITY"]`` (``error`` — submission refused — by default; ``needs_material`` when
testing, so the workflow tests of other apps need not upload files).
"""

from __future__ import annotations

from django.conf import settings

from beian.core.errors import Finding
from beian.rules.engine import RuleContext, finding, rule


def _order_reads(ctx: RuleContext) -> list[tuple[str, list]]:
    """The current materials and the signed agreements: read ahead with the run's other reads (rules.engine).
    (The signatures are read only when a requirement is signed in the app — most orders have one; unused, the
    prefetched rows are dropped.)"""
    from beian.materials.selectors import current_materials_read, signed_agreements_read

    pk = getattr(ctx.order, "pk", None)
    return [] if pk is None else [current_materials_read(pk), signed_agreements_read(pk)]


@rule("MATERIAL_MISSING", source="design §8", late=True, prefetch=_order_reads)
def material_missing(ctx: RuleContext):
    """Each requirement of the order not met. In a full run of the engine this rule runs last (``late``) and
    takes the ``needs_material`` findings from the other rules' findings (``ctx.prior``) instead of running the
    catalogue a second time."""
    from beian.materials.catalogue import in_requirement_computation
    from beian.materials.selectors import requirement_status

    if in_requirement_computation():
        return
    severity = settings.BEIAN_MATERIALS["MISSING_SEVERITY"]
    for item in requirement_status(order=ctx.order, ctx=ctx, findings=ctx.prior):
        if item["met"]:
            continue
        field = f"websites[{item['website_key']}].materials.{item['code']}" if item["website_key"] else (
            f"materials.{item['code']}")
        signed = item["signed_in_app"]
        action_zh, action_en = ("请在线签署", "Sign it in the app") if signed else ("请上传", "Upload it")
        yield finding("MATERIAL_MISSING", f"缺少材料：{item['name_zh']}。{item['reason_zh']}",
                      f"Missing material: {item['name_en']}. {item['reason_en']}", field=field, value=item["code"],
                      hint_zh=action_zh, hint_en=action_en, severity=severity, requirement=item["code"])


@rule("MATERIAL_CHECKS", severity="warning", source="icp §3.4",
      prefetch=lambda ctx: _order_reads(ctx)[:1])
def material_checks(ctx: RuleContext):
    """The stored findings of the machine checks of the order's current materials (run by the worker)."""
    from beian.materials.selectors import current_materials_of

    if getattr(ctx.order, "pk", None) is None:
        return
    for material in current_materials_of(order=ctx.order, ctx=ctx):
        for item in material.check_findings:
            yield Finding(**{k: item.get(k) for k in Finding.__dataclass_fields__ if k in item})
