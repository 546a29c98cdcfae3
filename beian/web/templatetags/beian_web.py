"""Template helpers of the web pages: bilingual picks, field-path lookups, state badges, inbox count."""

from __future__ import annotations

from django import template

from beian.web.common import pick

register = template.Library()


@register.filter
def loc(item, name: str) -> str:
    """``{{ finding|loc:"message" }}`` → ``message_zh`` or ``message_en`` in the active language."""
    return pick(item, name)


@register.filter
def for_field(items, path: str) -> list:
    """The findings / flags / errors whose ``field`` is ``path``."""
    if isinstance(items, dict):
        return items.get(path, [])
    return [i for i in items or [] if (i.get("field") if isinstance(i, dict) else None) == path]


@register.filter
def without_field(items, paths) -> list:
    """Items whose field is not one of ``paths`` (shown in the summary only)."""
    paths = set(paths or [])
    return [i for i in items or [] if i.get("field") not in paths]


@register.filter
def show(value) -> str:
    """A diff value for display: lists joined, ranges as start-end, None as a dash."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, list):
        return "，".join(show(v) for v in value)
    if isinstance(value, dict):
        if set(value) >= {"start", "end"}:
            return value["start"] if value["start"] == value["end"] else f"{value['start']}-{value['end']}"
        if "name" in value:
            return str(value.get("name"))
        return "；".join(f"{k}: {show(v)}" for k, v in value.items() if k not in ("key", "id"))
    return str(value)


@register.simple_tag
def inbox_unread(user) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    from beian.notify.selectors import inbox_unread_count

    return inbox_unread_count(user=user)


@register.filter
def state_label(value: str) -> str:
    from beian.orders.models import OrderState

    try:
        return str(OrderState(value).label)
    except ValueError:
        return value or "—"


@register.filter
def type_label(value: str) -> str:
    from beian.orders.models import OrderType

    try:
        return str(OrderType(value).label)
    except ValueError:
        return value or "—"


_EVENTS = None


def _events() -> dict:
    from django.utils.translation import gettext_lazy as _

    return {
        "create": _("创建草稿"), "submit": _("提交"), "expire": _("草稿过期"), "claim": _("审核员领取"),
        "release": _("审核员释放"), "claim_expire": _("领取超时释放"), "request_supplement": _("要求补充材料"),
        "supply": _("已补充材料"), "return": _("初审退回"), "approve_to_sms": _("初审通过，进入短信核验"),
        "approve_to_bureau": _("初审通过，提交管局"), "sms_verified": _("短信核验完成，提交管局"),
        "sms_failed": _("短信核验失败，退回接入商"), "bureau_approve": _("管局审核通过"),
        "bureau_return": _("管局退回"), "reject": _("驳回（终止）"), "resubmit": _("重新提交"),
        "withdraw": _("撤销"),
    }


@register.filter
def event_label(value: str) -> str:
    global _EVENTS
    if _EVENTS is None:
        _EVENTS = _events()
    return str(_EVENTS.get(value, value))


@register.filter
def for_material(flags, code: str) -> list:
    """The return flags that name the material requirement ``code``."""
    return [f for f in flags or [] if isinstance(f, dict) and code and f.get("material") == code]


@register.filter
def material_name(code: str) -> str:
    """The name of a material requirement code in the active language (the code itself if unknown)."""
    from beian.core.requirements import REQUIREMENT_CODES
    from beian.web.common import is_en

    names = REQUIREMENT_CODES.get(code or "", (code, code))
    return names[1] if is_en() else names[0]
