"""Applicant portal pages (design.md §2): 我的备案, orders (form with pre-flight findings, order page), inbox,
and the public SMS verification page. Thin: every read is a selector, every write a service.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from beian.bureau import sms
from beian.core.errors import BeianError, error
from beian.core.state import FilingState
from beian.notify import selectors as notify_selectors
from beian.notify import services as notify_services
from beian.orders import selectors, services
from beian.orders.models import CANCEL_TYPES, ENDED_STATES, OrderState, OrderType
from beian.orders.workflow import EDITABLE_STATES, TRANSITIONS
from beian.registry.selectors import entity_of_applicant, filing_state_of
from beian.web import forms, materials_hook
from beian.web.common import (
    applicant_required,
    error_messages,
    errors_by_field,
    expected_completion,
    is_en,
    overdue,
    signed_in,
)

S = OrderState
UPLOAD_STATES = {S.DRAFT, S.RETURNED, S.SUPPLEMENT_REQUESTED}
WITHDRAWABLE = TRANSITIONS["withdraw"].sources  # the workflow decides; the page only shows the button
STARTABLE = [OrderType.ADD_WEBSITE, OrderType.CANCEL_WEBSITE, OrderType.CANCEL_ACCESS, OrderType.CANCEL_ENTITY]


def home(request):
    user = request.user
    if user.is_authenticated:
        if user.is_applicant:
            return redirect("web:filings")
        if user.is_bureau_reviewer:
            return redirect("web:bureau_queue")
        if user.is_provider_reviewer or user.is_operator:
            return redirect("web:console_queue")
    return render(request, "web/home.html")


# ---------------------------------------------------------------- 我的备案


@applicant_required
def filings(request):
    entity = entity_of_applicant(request.user)
    state = filing_state_of(entity) if entity is not None else None
    orders = list(selectors.order_list(user=request.user).select_related(None)
                  .only("id", "type", "state", "due_at")[:50])
    in_flight = [o for o in orders if o.in_flight]
    types = {value: str(label) for value, label in OrderType.choices}
    states = {value: str(label) for value, label in S.choices}
    # Plain values (labels translated once): a template resolves dict keys at once.
    rows = [{"pk": o.pk, "url": reverse("web:order_detail", args=[o.pk]), "type": types.get(o.type, o.type),
             "state": o.state, "state_label": states.get(o.state, o.state),
             "due": timezone.localtime(o.due_at).strftime("%Y-%m-%d %H:%M") if o.due_at else ""} for o in orders]
    return render(request, "web/portal/filings.html", {
        "entity": entity, "state": state, "orders": rows, "in_flight": in_flight,
        "order_types": OrderType,
    })


def _new_filing_state() -> dict:
    state = FilingState().to_json()
    state["websites"] = [forms.new_website(state, provider="", key="w1")]
    return state


@applicant_required
@require_POST
def order_new(request):
    kind = request.POST.get("type", "")
    target = request.POST.get("target_website_id") or None
    try:
        if kind == OrderType.ADD_WEBSITE:
            entity = entity_of_applicant(request.user)
            current = filing_state_of(entity).to_json() if entity is not None else {"websites": []}
            first_access = next((a for w in current["websites"] for a in w["access"]), {})
            current["websites"].append(forms.new_website(current, provider=first_access.get("provider", "")))
            order = services.order_create(user=request.user, type=kind, proposed=current)
        elif kind == OrderType.NEW_FILING:
            order = services.order_create(user=request.user, type=kind, proposed=_new_filing_state())
        else:
            order = services.order_create(user=request.user, type=kind,
                                          target_website_id=int(target) if target and target.isdigit() else None)
    except BeianError as exc:
        error_messages(request, exc)
        return redirect("web:filings")
    if order.type in CANCEL_TYPES:
        return redirect("web:order_detail", order_id=order.pk)
    return redirect("web:order_edit", order_id=order.pk)


# ---------------------------------------------------------------- the order page


def _order_or_404(request, order_id: int):
    try:
        return selectors.order_get(user=request.user, order_id=order_id)
    except BeianError:
        raise Http404


def _timeline(request, order) -> list:
    return list(selectors.order_history(user=request.user, order_id=order.pk))


def _diff_rows(order) -> list[dict]:
    return [{"path": d["path"], "op": d["op"], "old": d.get("old"), "new": d.get("new")} for d in order.diff]


@signed_in
def order_detail(request, order_id: int):
    order = _order_or_404(request, order_id)
    user = request.user
    if user.is_bureau_reviewer:
        return redirect("web:bureau_order", order_id=order.pk)
    if user.is_staff_role:
        return redirect("web:console_order", order_id=order.pk)
    identity_needed = services.principals_to_verify(order) if order.state in EDITABLE_STATES | {
        S.PROVIDER_REVIEW} else []
    identities = {i.website_key: i for i in selectors.identity_verifications(order=order)}
    proposed = order.proposed
    site_names = {w["key"]: w.get("name") for w in proposed.get("websites", [])}
    numbers = None
    if order.state == S.APPROVED:
        numbers = {"entity": proposed["entity"].get("number"), "entity_name": proposed["entity"].get("name"),
                   "websites": [(w.get("name"), w.get("number")) for w in proposed.get("websites", [])]}
    findings = order.findings if order.state != S.DRAFT else [
        f.as_dict() for f in services.order_findings(order=order, stage="preflight")]
    context = {
        "order": order, "history": _timeline(request, order), "diff": _diff_rows(order),
        "findings": findings,
        "flags": order.flags if order.state == S.RETURNED else [],
        "editable": order.state in EDITABLE_STATES and forms.editable(order),
        "can_submit": order.state == S.DRAFT,
        "can_resubmit": order.state == S.RETURNED,
        "can_withdraw": order.state in WITHDRAWABLE,
        "can_supply": order.state == S.SUPPLEMENT_REQUESTED,
        "identity": [{"key": k, "name": site_names.get(k, k), "done": identities.get(k)} for k in identity_needed],
        "sms": sms.sms_status(order=order) if order.state == S.SMS_VERIFICATION else None,
        "expected": expected_completion(order), "overdue": overdue(order),
        "numbers": numbers, "ended": order.state in ENDED_STATES,
        "support": order.return_count >= settings.BEIAN["RETURNS_BEFORE_SUPPORT"],
        "support_contact": settings.BEIAN["SUPPORT_CONTACT"],
        # A draft's live findings, or those of a submitted order whose data cannot change; an order being
        # fixed (returned, supplement) has new data since its findings: its requirements are computed live.
        "materials": materials_hook.required_materials(
            order=order, user=user, findings=None if order.state in EDITABLE_STATES - {S.DRAFT} else findings),
        "can_upload": order.state in UPLOAD_STATES,
    }
    return render(request, "web/portal/order_detail.html", context)


def _act(request, order_id: int, func, success: str, **kwargs):
    _order_or_404(request, order_id)
    try:
        func(user=request.user, order_id=order_id, **kwargs)
    except BeianError as exc:
        error_messages(request, exc)
    else:
        messages.success(request, success)
    return redirect("web:order_detail", order_id=order_id)


@applicant_required
@require_POST
def order_submit(request, order_id: int):
    return _act(request, order_id, services.order_submit, _("订单已提交，等待初审。"))


@applicant_required
@require_POST
def order_resubmit(request, order_id: int):
    return _act(request, order_id, services.order_resubmit, _("订单已重新提交。"))


@applicant_required
@require_POST
def order_withdraw(request, order_id: int):
    return _act(request, order_id, services.order_withdraw, _("订单已撤销。"),
                reason=request.POST.get("reason", "")[:500])


@applicant_required
@require_POST
def order_supply(request, order_id: int):
    return _act(request, order_id, services.order_supply, _("已提交补充材料。"),
                note=request.POST.get("note", "")[:500])


@applicant_required
@require_POST
def order_identity(request, order_id: int):
    _order_or_404(request, order_id)
    try:
        row = services.identity_verification_perform(user=request.user, order_id=order_id,
                                                     website_key=request.POST.get("website_key", ""))
    except BeianError as exc:
        error_messages(request, exc)
    else:
        if row.passed:
            messages.success(request, _("网站负责人真实性核验已通过。"))
        else:
            messages.error(request, _("真实性核验未通过，请重试。"))
    return redirect("web:order_detail", order_id=order_id)


# ---------------------------------------------------------------- the form


def _form_context(request, order, *, state: dict | None = None, errors: dict | None = None, findings=None):
    state = state if state is not None else order.proposed
    flags = order.flags if order.state == S.RETURNED else []
    groups = forms.state_fields(order, state, flags=flags)
    if findings is None:
        findings = [f.as_dict() for f in services.order_findings(order=order, stage="preflight")]
    return {"order": order, "groups": groups, "flags": flags, "errors": errors or {},
            "findings": findings, "paths": forms.field_paths(groups),
            "can_change_websites": forms.can_change_websites(order) and forms.editable(order),
            "materials": materials_hook.required_materials(order=order, user=request.user, findings=findings),
            "can_upload": order.state in UPLOAD_STATES}


@applicant_required
@require_http_methods(["GET", "POST"])
def order_edit(request, order_id: int):
    order = _order_or_404(request, order_id)
    if order.state not in EDITABLE_STATES or not forms.editable(order):
        return redirect("web:order_detail", order_id=order.pk)
    if request.method == "GET":
        return render(request, "web/portal/order_edit.html", _form_context(request, order))
    action = request.POST.get("action", "save")
    state = forms.state_from_post(order, order.proposed, request.POST)
    website_action = forms.can_change_websites(order) and (action == "add_website"
                                                            or action.startswith("remove_website:"))
    if website_action:
        state = (forms.website_added(state) if action == "add_website"
                 else forms.website_removed(state, action.partition(":")[2]))
    try:
        order = services.order_update(user=request.user, order_id=order.pk, proposed=state)
        if website_action:
            messages.success(request, _("已添加网站。") if action == "add_website" else _("已删除网站。"))
            anchor = f"#group-websites[{order.proposed['websites'][-1]['key']}]" if action == "add_website" else ""
            return redirect(reverse("web:order_edit", args=[order.pk]) + anchor)
        if action == "submit":
            if request.POST.get("agree") != "on":
                raise error("AGREEMENT_REQUIRED", "请先阅读并同意《ICP备案服务协议》。",
                            "Read and accept the ICP filing service agreement first.", field="agree", status=422)
            services.order_submit(user=request.user, order_id=order.pk)
            messages.success(request, _("订单已提交，等待初审。"))
            return redirect("web:order_detail", order_id=order.pk)
        if action == "resubmit":
            services.order_resubmit(user=request.user, order_id=order.pk)
            messages.success(request, _("订单已重新提交。"))
            return redirect("web:order_detail", order_id=order.pk)
    except BeianError as exc:
        order = _order_or_404(request, order_id)
        context = _form_context(request, order, state=state, errors=errors_by_field(exc))
        context["refusal"] = [e.message_en if is_en() else e.message_zh for e in exc.errors]
        return render(request, "web/portal/order_edit.html", context, status=exc.status)
    messages.success(request, _("草稿已保存。"))
    return redirect("web:order_edit", order_id=order.pk)


@applicant_required
@require_POST
def order_preflight(request, order_id: int):
    """htmx, while typing: save the edits (drafts are resumable) and answer the findings beside each field."""
    order = _order_or_404(request, order_id)
    if order.state not in EDITABLE_STATES or not forms.editable(order):
        return HttpResponse(status=409)
    state = forms.state_from_post(order, order.proposed, request.POST)
    errors: dict = {}
    findings: list = []
    try:
        order = services.order_update(user=request.user, order_id=order.pk, proposed=state)
    except BeianError as exc:
        errors = errors_by_field(exc)
    else:
        findings = [f.as_dict() for f in services.order_findings(order=order, stage="preflight")]
    groups = forms.state_fields(order, state)
    return render(request, "web/portal/_preflight.html", {
        "findings": findings, "errors": errors, "paths": forms.field_paths(groups), "oob": True, "order": order,
        "flags": order.flags if order.state == S.RETURNED else [],
        "materials": materials_hook.required_materials(order=order, user=request.user,
                                                       findings=None if errors else findings),
        "can_upload": order.state in UPLOAD_STATES, "back_url": reverse("web:order_edit", args=[order.pk])})


# ---------------------------------------------------------------- inbox


@signed_in
def inbox(request):
    rows = list(notify_selectors.inbox_for_user(user=request.user).select_related("order")[:100])
    return render(request, "web/portal/inbox.html", {"rows": rows})


@signed_in
@require_POST
def inbox_read(request, message_id: int):
    try:
        notify_services.inbox_mark_read(user=request.user, message_id=message_id)
    except BeianError as exc:
        error_messages(request, exc)
    return redirect("web:inbox")


@signed_in
@require_POST
def inbox_read_all(request):
    notify_services.inbox_mark_all_read(user=request.user)
    return redirect("web:inbox")


# ---------------------------------------------------------------- public SMS verification


@require_http_methods(["GET", "POST"])
def sms_verify(request):
    """短信核验 (public, rate-limited like the API): phone, last 6 characters of the certificate number, code."""
    values = {k: request.POST.get(k, "")[:40] for k in ("phone", "certificate_suffix", "code")}
    result = None
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "verify")
        try:
            name = "verify" if action == "verify" else "resend"
            sms.rate_limit_hit(name=f"sms-{name}-addr", ident=sms.client_address(request),
                               setting=f"BEIAN_SMS_{name.upper()}_PER_ADDRESS")
            sms.rate_limit_hit(name=f"sms-{name}-phone", ident=sms.phone_normalize(values["phone"]) or "-",
                               setting=f"BEIAN_SMS_{name.upper()}_PER_PHONE")
            if action == "resend":
                sent = sms.sms_resend(phone=values["phone"], certificate_suffix=values["certificate_suffix"])
                result = ("ok", _("核验码已重新发送。")) if sent else ("error", _("没有待核验的记录。"))
            else:
                outcome = sms.sms_verify(phone=values["phone"], certificate_suffix=values["certificate_suffix"],
                                         code=values["code"])
                if outcome.verified:
                    result = ("ok", _("核验成功。") + (_("还有其他负责人待核验。") if outcome.pending_others else ""))
                    values = {"phone": "", "certificate_suffix": "", "code": ""}
                else:
                    result, status = ("error", _("核验失败，请检查后重试。")), 400
        except sms.RateLimited:
            result, status = ("error", _("操作过于频繁，请稍后再试。")), 429
    return render(request, "web/sms_verify.html", {"values": values, "result": result}, status=status)


def order_url(order) -> str:
    return reverse("web:order_detail", args=[order.pk])


# ---------------------------------------------------------------- materials and agreements


def _back(request, order_id: int):
    target = request.POST.get("next", "")
    if target.startswith(f"/orders/{order_id}/") and "//" not in target:
        return redirect(target)
    return redirect("web:order_detail", order_id=order_id)


@applicant_required
@require_POST
def order_material_upload(request, order_id: int):
    """One file for one requirement of the order (the materials app inspects, stores and checks it)."""
    from beian.materials import services as material_services
    from beian.materials.files import max_bytes

    _order_or_404(request, order_id)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("请选择要上传的文件。"))
        return _back(request, order_id)
    if upload.size > max_bytes():
        messages.error(request, _("文件过大。"))
        return _back(request, order_id)
    try:
        material_services.material_upload(user=request.user, data=upload.read(), filename=upload.name,
                                          order_id=order_id, code=request.POST.get("code", "")[:60],
                                          website_key=request.POST.get("website_key", "")[:40])
    except BeianError as exc:
        error_messages(request, exc)
    else:
        messages.success(request, _("材料已上传，正在进行机器检查。"))
    return _back(request, order_id)


@applicant_required
@require_POST
def order_agreement_sign(request, order_id: int):
    """Sign the agreement whose text (and SHA-256) the page showed."""
    from beian.bureau.sms import client_address
    from beian.materials import services as material_services

    _order_or_404(request, order_id)
    try:
        material_services.agreement_sign(user=request.user, order_id=order_id, code=request.POST.get("code", ""),
                                         version=request.POST.get("version", ""),
                                         text_sha256=request.POST.get("sha256", ""),
                                         client_ip=client_address(request),
                                         user_agent=request.META.get("HTTP_USER_AGENT", ""))
    except BeianError as exc:
        error_messages(request, exc)
    else:
        messages.success(request, _("协议已签署。"))
    return _back(request, order_id)
