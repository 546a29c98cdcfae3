"""Scoped reads of materials (design.md §2): a material is visible with its order; unclaimed ones to the uploader."""

from __future__ import annotations

import functools

from django.db.models import Q, QuerySet

from beian.core.errors import not_found
from beian.core.hotsql import Table, hot_fetch
from beian.materials.models import AgreementSignature, AgreementText, Material, MaterialRequirement


def material_visible_to(user) -> QuerySet[Material]:
    from beian.orders.selectors import order_visible_to

    if not user.is_authenticated:
        return Material.objects.none()
    return Material.objects.filter(Q(order__in=order_visible_to(user).values("pk"))
                                   | Q(order__isnull=True, owner=user)).select_related("order")


def material_get(*, user, material_id) -> Material:
    if not isinstance(material_id, int):
        raise not_found("材料", "material")
    material = material_visible_to(user).filter(pk=material_id).first()
    if material is None:
        raise not_found("材料", "material")
    return material


def materials_of_order(*, order, current_only: bool = False) -> QuerySet[Material]:
    qs = Material.objects.filter(order=order)
    if current_only:
        qs = qs.filter(superseded=False)
    return qs.order_by("id")


def signatures_of_order(*, order) -> QuerySet[AgreementSignature]:
    return AgreementSignature.objects.filter(order=order).select_related("agreement").order_by("id")


def requirement_catalogue(*, user) -> QuerySet[MaterialRequirement]:
    if not user.is_staff_role:
        return MaterialRequirement.objects.none()
    return MaterialRequirement.objects.all().order_by("sort", "id")


def current_materials_of(*, order, ctx=None) -> list[Material]:
    """The order's current (not superseded) materials by id; read once per rule run when ``ctx`` (a
    ``RuleContext``) is given (``MATERIAL_CHECKS`` and ``MATERIAL_MISSING`` both need them)."""
    if ctx is None:
        return _current_materials(order.pk)
    key = ("materials.current", order.pk)
    if key not in ctx.memo:
        ctx.memo[key] = _current_materials(order.pk)
    return ctx.memo[key]


def current_materials_read(order_id: int) -> tuple[str, list]:
    # ``materials_of_order(current_only=True)`` as a prepared statement (core.hotsql): every submission reads them.
    return (f'SELECT {_material_table().select} FROM "{Material._meta.db_table}" WHERE "order_id" = %s '
            'AND NOT "superseded" ORDER BY "id"', [order_id])


def _current_materials(order_id: int) -> list[Material]:
    table = _material_table()
    return [table.instance(row) for row in hot_fetch(*current_materials_read(order_id))]


def signed_agreements_read(order_id: int) -> tuple[str, list]:
    """The codes of the agreements signed in the app for the order (prepared, core.hotsql)."""
    return (f'SELECT "a"."code" FROM "{AgreementSignature._meta.db_table}" "s" INNER JOIN '
            f'"{AgreementText._meta.db_table}" "a" ON "a"."id" = "s"."agreement_id" WHERE "s"."order_id" = %s',
            [order_id])


@functools.cache
def _material_table() -> Table:
    return Table(Material)


def requirement_status(*, order, findings: list | None = None, ctx=None) -> list[dict]:
    """Each requirement of the order with the current material (or signature) that meets it, if any."""
    from beian.materials.catalogue import requirements_for

    current, signed = {}, None
    if order.pk is not None:
        current = {(m.code, m.website_key): m for m in current_materials_of(order=order, ctx=ctx)}
    out = []
    for req in requirements_for(order=order, findings=findings, ctx=ctx):
        material = current.get((req.code, req.website_key))
        if req.signed_in_app and signed is None:  # the signatures are read only when a requirement is signed
            signed = {code for (code,) in hot_fetch(*signed_agreements_read(order.pk))} \
                if order.pk is not None else set()
        met = req.code in signed if req.signed_in_app else material is not None
        out.append({**req.as_dict(), "met": met, "material_id": material.pk if material else None})
    return out
