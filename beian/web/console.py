"""Provider review console and bureau console (design.md §2, §6): queues, the order view with the diff side by
side, findings, materials, history, and the reviewer's and bureau's actions. Thin over selectors and services.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models.fields.json import KT
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from beian.bureau import services as bureau_services
from beian.bureau import sms
from beian.core.errors import BeianError
from beian.orders import selectors, services
from beian.orders.models import PROVIDER_STATES, OrderState, OrderType
from beian.registry.models import Province
from beian.web import materials_hook, metrics
from beian.web.common import bureau_required, error_messages, expected_completion, overdue, reviewer_required

S = OrderState
PAGE = 100


def _filters(request) -> dict:
    return {k: request.GET.get(k, "").strip()[:40] for k in ("type", "province", "state")}


def _rows(qs, detail_url: str) -> list[dict]:
    """The queue rows as plain values: only the columns shown are read (not the orders' JSON documents — the
    entity name is taken out of ``proposed`` by the database), labels are translated once and dates formatted
    here (a template resolves a dict key at once; on a model instance every lookup first fails as a key)."""
    types = {value: str(label) for value, label in OrderType.choices}
    states = {value: str(label) for value, label in S.choices}
    now = timezone.now()
    rows = []
    for o in qs.values("id", "type", "state", "sms_failed", "due_at", "province__name", "claimed_by__username",
                       entity_name=KT("proposed__entity__name"))[:PAGE]:
        due = o["due_at"]
        rows.append({"pk": o["id"], "url": reverse(detail_url, args=[o["id"]]), "type": types.get(o["type"], o["type"]),
                     "province": o["province__name"] or "", "entity": o["entity_name"] or "", "state": o["state"],
                     "state_label": states.get(o["state"], o["state"]), "sms_failed": o["sms_failed"],
                     "due": timezone.localtime(due).strftime("%Y-%m-%d %H:%M") if due else "",
                     "overdue": bool(due and due < now), "claimed_by": o["claimed_by__username"] or ""})
    return rows


@reviewer_required
def console_queue(request):
    f = _filters(request)
    if f["state"] and f["state"] in S.values:
        qs = selectors.order_list(user=request.user, state=f["state"], type=f["type"] or None,
                                  province=f["province"] or None).order_by("due_at", "id")
    else:
        qs = selectors.provider_queue(user=request.user)
        if f["type"]:
            qs = qs.filter(type=f["type"])
        if f["province"]:
            qs = qs.filter(province__code=f["province"])
    return render(request, "web/console/queue.html", {
        "rows": _rows(qs, "web:console_order"), "filters": f, "types": OrderType.choices, "states": S.choices,
        "provinces": Province.objects.order_by("code").values_list("code", "name"),
    })


@reviewer_required
@require_POST
def console_claim_next(request):
    try:
        order = services.order_claim_next(reviewer=request.user)
    except BeianError as exc:
        error_messages(request, exc)
        return redirect("web:console_queue")
    if order is None:
        messages.info(request, _("队列中没有待领取的订单。"))
        return redirect("web:console_queue")
    return redirect("web:console_order", order_id=order.pk)


def _order(request, order_id: int):
    try:
        return selectors.order_get(user=request.user, order_id=order_id)
    except BeianError:
        raise Http404


def _side_by_side(order) -> list[dict]:
    """Each diff entry as old / new with its op, grouped in the order of the diff."""
    return [{"path": d["path"], "op": d["op"], "old": d.get("old"), "new": d.get("new")} for d in order.diff]


def _flag_targets(order) -> list[str]:
    """Field paths a return can flag: every changed path, plus the common entity fields."""
    paths = [d["path"] for d in order.diff]
    for extra in ("entity.name", "entity.principal.name", "entity.principal.mobile"):
        if extra not in paths:
            paths.append(extra)
    for site in order.proposed.get("websites", []):
        for name in ("name", "domains"):
            path = f"websites[{site['key']}].{name}"
            if path not in paths:
                paths.append(path)
    return paths


def _order_context(request, order) -> dict:
    from beian.registry.models import StaffViewLog

    # Staff see full certificate numbers on this page: audit-logged as the API does (design.md §2).
    StaffViewLog.objects.create(user=request.user, entity_id=order.entity_id, order_id=order.pk,
                                what="order_certificate_numbers")
    # The findings computed when the order was (re)submitted are what the reviewer judges (the order's data has
    # not changed since); only an order without them (never submitted) is checked live. The materials panel
    # takes its rule-derived requirements from the same findings instead of running the rules again.
    findings = order.findings if order.submitted_at else [
        f.as_dict() for f in services.order_findings(order=order, stage="preflight")]
    materials = materials_hook.required_materials(order=order, user=request.user, findings=findings)
    return {
        "order": order, "diff": _side_by_side(order), "history": list(selectors.order_history(
            user=request.user, order_id=order.pk)),
        "findings": findings,
        "reasons": list(selectors.return_reasons(user=request.user)), "targets": _flag_targets(order),
        "materials": materials,
        "material_choices": _material_choices(materials),
        "identities": list(selectors.identity_verifications(order=order)),
        "sms": sms.sms_status(order=order), "overdue": overdue(order), "expected": expected_completion(order),
        "proposed": order.proposed, "viewer": True,
    }


def _material_choices(materials: dict) -> list[tuple[str, dict]]:
    """``(code, requirement)`` once per requirement code of the order's required materials, in their order: what a
    return flag or a supplement request can name."""
    out, seen = [], set()
    for item in materials.get("items", []):
        if item.get("code") and item["code"] not in seen:
            seen.add(item["code"])
            out.append((item["code"], item))
    return out


def _supplement_choices(request, choices: list) -> list[tuple[str, dict]]:
    """The order's required materials; an order that requires none offers the whole requirement catalogue."""
    if choices or not materials_hook.available():
        return choices
    from beian.materials.models import REQUIREMENT_CODES
    from beian.materials.selectors import requirement_catalogue

    codes = dict.fromkeys(requirement_catalogue(user=request.user).values_list("code", flat=True))
    return [(code, {"code": code, "name_zh": REQUIREMENT_CODES.get(code, (code, code))[0],
                    "name_en": REQUIREMENT_CODES.get(code, (code, code))[1]}) for code in codes]


@reviewer_required
def console_order(request, order_id: int):
    order = _order(request, order_id)
    context = _order_context(request, order)
    context["mine"] = order.claimed_by_id == request.user.pk
    context["can_act"] = order.state in PROVIDER_STATES
    if context["can_act"] and context["mine"]:
        context["supplement_choices"] = _supplement_choices(request, context["material_choices"])
    return render(request, "web/console/order.html", context)


def _reasons_from_post(post) -> list[dict]:
    """Up to five rows of (reason code, flagged field, material, note) from the return form."""
    out = []
    for i in range(5):
        code = post.get(f"reason_{i}", "").strip()
        if code:
            out.append({"code": code, "field": post.get(f"field_{i}", "").strip() or None,
                        "material": post.get(f"material_{i}", "").strip() or None,
                        "note": post.get(f"note_{i}", "").strip()[:500]})
    return out


def _materials_from_post(post) -> list[str]:
    """The ticked requirement codes (``materials`` checkboxes; a comma-separated value is split too), once each."""
    out: list[str] = []
    for value in post.getlist("materials"):
        for code in value.split(","):
            code = code.strip()[:60]
            if code and code not in out:
                out.append(code)
    return out


@reviewer_required
@require_POST
def console_act(request, order_id: int, action: str):
    _order(request, order_id)
    post = request.POST
    calls = {
        "claim": (services.order_claim, {}, _("已领取订单。")),
        "release": (services.order_release, {}, _("已释放订单。")),
        "approve": (services.order_approve, {"note": post.get("note", "")[:500]}, _("初审通过。")),
        "return": (services.order_return, {"reasons": _reasons_from_post(post)}, _("订单已退回申请人。")),
        "supplement": (services.order_request_supplement,
                       {"materials": _materials_from_post(post),
                        "note": post.get("note", "")[:500]}, _("已要求补充材料。")),
        "reject": (services.order_reject, {"reason": post.get("reason", "")[:500]}, _("订单已驳回。")),
    }
    if action not in calls:
        raise Http404
    func, kwargs, success = calls[action]
    try:
        func(reviewer=request.user, order_id=order_id, **kwargs)
    except BeianError as exc:
        error_messages(request, exc)
    else:
        messages.success(request, success)
        if action in ("approve", "return", "reject", "release"):
            return redirect("web:console_queue")
    return redirect("web:console_order", order_id=order_id)


@reviewer_required
def console_dashboard(request):
    return render(request, "web/console/dashboard.html", {"data": metrics.dashboard_cached(user=request.user)})


# ---------------------------------------------------------------- bureau console


@bureau_required
def bureau_queue(request):
    f = _filters(request)
    qs = selectors.bureau_queue(user=request.user)
    if f["type"]:
        qs = qs.filter(type=f["type"])
    return render(request, "web/bureau/queue.html", {"rows": _rows(qs, "web:bureau_order"), "filters": f,
                                                     "types": OrderType.choices})


@bureau_required
def bureau_order(request, order_id: int):
    order = _order(request, order_id)
    context = _order_context(request, order)
    context["can_act"] = order.state == S.BUREAU_REVIEW
    return render(request, "web/bureau/order.html", context)


@bureau_required
@require_POST
def bureau_act(request, order_id: int, action: str):
    _order(request, order_id)
    try:
        if action == "approve":
            order = bureau_services.bureau_approve(reviewer=request.user, order_id=order_id,
                                                   note=request.POST.get("note", "")[:500])
            messages.success(request, _("已通过，备案号已生成：") + (order.entity.number if order.entity_id else ""))
        elif action == "return":
            bureau_services.bureau_return(reviewer=request.user, order_id=order_id,
                                          reasons=_reasons_from_post(request.POST))
            messages.success(request, _("订单已退回申请人。"))
            return redirect("web:bureau_queue")
        else:
            raise PermissionDenied
    except BeianError as exc:
        error_messages(request, exc)
    return redirect("web:bureau_order", order_id=order_id)
