"""Message templates per event: Chinese and English subject and body, plus the SMS text (Django template syntax).

Subject and body are rendered by the worker when it delivers (``channels.outbox_message``), from the context stored
with the outbox row at queue time; the SMS text when it is queued. The context: the caller's ``context``, the order
(``order.id``, ``order.type_zh``, ``order.type_en``, ``order.state``, ``order.url``), ``provider`` and ``site_url``.
An unknown event falls back to :data:`GENERIC`, so a new event works before it has its own wording; add one with
:func:`template_register`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from django.template import Context, Engine

_ENGINE = Engine(autoescape=False, debug=False)

MIIT_URL = "https://beian.miit.gov.cn"


@dataclass(frozen=True)
class MessageTemplate:
    subject_zh: str
    subject_en: str
    body_zh: str
    body_en: str
    sms_zh: str = ""  # the SMS text (Chinese: SMS to mainland numbers); defaults to the Chinese subject


_ORDER_ZH = "订单 #{{ order.id }}（{{ order.type_zh }}）"
_ORDER_EN = "Order #{{ order.id }} ({{ order.type_en }})"
_LINK = "\n\n{{ order.url }}"

_REASONS_ZH = ("{% for r in reasons %}\n{{ forloop.counter }}. {% if r.field %}[{{ r.field }}] {% endif %}"
               "{{ r.message_zh|default:r }}{% if r.hint_zh %} —— {{ r.hint_zh }}{% endif %}{% endfor %}")
_REASONS_EN = ("{% for r in reasons %}\n{{ forloop.counter }}. {% if r.field %}[{{ r.field }}] {% endif %}"
               "{{ r.message_en|default:r }}{% if r.hint_en %} — {{ r.hint_en }}{% endif %}{% endfor %}")

_NUMBERS_ZH = ("{% if entity_number %}\n主体备案号：{{ entity_number }}{% endif %}"
               "{% for w in website_numbers %}\n网站 {{ w.name }}{% if w.domain %}（{{ w.domain }}）{% endif %}："
               "{{ w.number }}{% endfor %}")
_NUMBERS_EN = ("{% if entity_number %}\nEntity filing number: {{ entity_number }}{% endif %}"
               "{% for w in website_numbers %}\nWebsite {{ w.name }}{% if w.domain %} ({{ w.domain }}){% endif %}: "
               "{{ w.number }}{% endfor %}")

TEMPLATES: dict[str, MessageTemplate] = {
    "order_submitted": MessageTemplate(
        subject_zh="备案订单已提交：" + _ORDER_ZH,
        subject_en="Filing order submitted: " + _ORDER_EN,
        body_zh="您的" + _ORDER_ZH + "已提交，{{ provider }}将在{% if due_date %} {{ due_date }} 前{% else %}"
        " 1–2 个工作日内{% endif %}完成初审。" + _LINK,
        body_en="Your " + _ORDER_EN + " has been submitted. {{ provider }} will complete the first review "
        "{% if due_date %}by {{ due_date }}{% else %}within 1–2 working days{% endif %}." + _LINK,
    ),
    "order_resubmitted": MessageTemplate(
        subject_zh="订单已重新提交：" + _ORDER_ZH,
        subject_en="Order resubmitted: " + _ORDER_EN,
        body_zh=_ORDER_ZH + "已由申请人修改后重新提交，请尽快初审。" + _LINK,
        body_en=_ORDER_EN + " was corrected and resubmitted by the applicant; please review it." + _LINK,
    ),
    "order_returned": MessageTemplate(
        subject_zh="备案订单被退回：" + _ORDER_ZH,
        subject_en="Filing order returned: " + _ORDER_EN,
        body_zh="您的" + _ORDER_ZH + "被退回，请按以下原因修改后重新提交：" + _REASONS_ZH
        + "{% if support %}\n\n该订单已多次退回，如需帮助请联系：{{ support }}{% endif %}" + _LINK,
        body_en="Your " + _ORDER_EN + " was returned. Please fix the following and resubmit:" + _REASONS_EN
        + "{% if support %}\n\nThis order has been returned several times; for help contact {{ support }}"
        "{% endif %}" + _LINK,
    ),
    "order_supplement_requested": MessageTemplate(
        subject_zh="请补充材料：" + _ORDER_ZH,
        subject_en="Materials requested: " + _ORDER_EN,
        body_zh="审核员要求您为" + _ORDER_ZH + "补充以下材料：" + _REASONS_ZH
        + "\n补充前初审计时暂停。" + _LINK,
        body_en="The reviewer asks you to supply the following materials for " + _ORDER_EN + ":" + _REASONS_EN
        + "\nThe review clock is paused until you supply them." + _LINK,
    ),
    "order_supplied": MessageTemplate(
        subject_zh="申请人已补充材料：" + _ORDER_ZH,
        subject_en="Materials supplied: " + _ORDER_EN,
        body_zh="申请人已为" + _ORDER_ZH + "补充材料，初审计时恢复。" + _LINK,
        body_en="The applicant supplied the requested materials for " + _ORDER_EN
        + "; the review clock has resumed." + _LINK,
    ),
    "order_sms_started": MessageTemplate(
        subject_zh="请完成短信核验：" + _ORDER_ZH,
        subject_en="SMS verification required: " + _ORDER_EN,
        body_zh=_ORDER_ZH + "已通过初审。相关负责人将收到工业和信息化部的核验短信，请在"
        "{% if expires_at %} {{ expires_at }} 前{% else %} 24 小时内{% endif %}完成短信核验，否则订单将退回初审。"
        + _LINK,
        body_en=_ORDER_EN + " passed the first review. The principals receive a verification SMS; "
        "please complete the SMS verification {% if expires_at %}before {{ expires_at }}{% else %}"
        "within 24 hours{% endif %}, otherwise the order goes back to the provider." + _LINK,
    ),
    "sms_code": MessageTemplate(
        subject_zh="备案短信核验码",
        subject_en="Filing SMS verification code",
        body_zh="您的备案短信核验码为 {{ code }}{% if order %}（订单 #{{ order.id }}）{% endif %}，"
        "{{ expires_at }} 前有效。",
        body_en="Your filing verification code is {{ code }}{% if order %} (order #{{ order.id }}){% endif %}, "
        "valid until {{ expires_at }}.",
        sms_zh="【{{ provider }}】您正在办理ICP备案{% if order %}（订单{{ order.id }}）{% endif %}，"
        "短信核验码：{{ code }}，"
        "{{ expires_at }}前有效，请在 {{ verify_url|default:site_url }} 输入。如非本人操作请忽略，切勿告诉他人。",
    ),
    "order_sms_failed": MessageTemplate(
        subject_zh="短信核验未完成：" + _ORDER_ZH,
        subject_en="SMS verification failed: " + _ORDER_EN,
        body_zh=_ORDER_ZH + "的短信核验未在规定时间内完成或核验失败，订单已退回初审，审核员将重新处理。" + _LINK,
        body_en="The SMS verification of " + _ORDER_EN + " was not completed in time or failed; the order is back "
        "with the provider's reviewers." + _LINK,
    ),
    "order_forwarded": MessageTemplate(
        subject_zh="已提交管局审核：" + _ORDER_ZH,
        subject_en="Forwarded to the Communications Administration: " + _ORDER_EN,
        body_zh=_ORDER_ZH + "已提交至{{ bureau|default:'通信管理局' }}审核"
        "{% if due_date %}，预计 {{ due_date }} 前完成{% endif %}。审核期间订单不可修改或撤销。" + _LINK,
        body_en=_ORDER_EN + " has been forwarded to {{ bureau_en|default:'the Communications Administration' }}"
        "{% if due_date %}; expected completion by {{ due_date }}{% endif %}. It cannot be edited or withdrawn "
        "while under review." + _LINK,
    ),
    "order_approved": MessageTemplate(
        subject_zh="备案已通过：" + _ORDER_ZH,
        subject_en="Filing approved: " + _ORDER_EN,
        body_zh="恭喜，您的" + _ORDER_ZH + "已通过管局审核。" + _NUMBERS_ZH
        + "\n\n请在网站首页底部显示备案号，并将其链接至 " + MIIT_URL + " 。" + _LINK,
        body_en="Your " + _ORDER_EN + " has been approved by the Communications Administration." + _NUMBERS_EN
        + "\n\nPlease show the filing number in the footer of your website's home page, linked to "
        + MIIT_URL + "." + _LINK,
    ),
    "order_bureau_returned": MessageTemplate(
        subject_zh="管局退回：" + _ORDER_ZH,
        subject_en="Returned by the Communications Administration: " + _ORDER_EN,
        body_zh="您的" + _ORDER_ZH + "被通信管理局退回，请按以下原因修改后重新提交：" + _REASONS_ZH + _LINK,
        body_en="Your " + _ORDER_EN + " was returned by the Communications Administration. Please fix the "
        "following and resubmit:" + _REASONS_EN + _LINK,
    ),
    "order_rejected": MessageTemplate(
        subject_zh="备案订单已驳回：" + _ORDER_ZH,
        subject_en="Filing order rejected: " + _ORDER_EN,
        body_zh="很遗憾，您的" + _ORDER_ZH + "已被驳回，不可重新提交。原因：" + _REASONS_ZH
        + "{% if support %}\n如有疑问请联系：{{ support }}{% endif %}" + _LINK,
        body_en="Your " + _ORDER_EN + " has been rejected and cannot be resubmitted. Reasons:" + _REASONS_EN
        + "{% if support %}\nQuestions: {{ support }}{% endif %}" + _LINK,
    ),
    "order_expired": MessageTemplate(
        subject_zh="草稿已过期：" + _ORDER_ZH,
        subject_en="Draft expired: " + _ORDER_EN,
        body_zh="您的" + _ORDER_ZH + "草稿已{{ days|default:45 }}天未编辑，已自动过期。"
        "如需办理请重新创建订单。" + _LINK,
        body_en="Your draft " + _ORDER_EN + " was not edited for {{ days|default:45 }} days and has expired. "
        "Please start a new order if you still need it." + _LINK,
    ),
    "order_overdue": MessageTemplate(
        subject_zh="订单已超时：" + _ORDER_ZH,
        subject_en="Order overdue: " + _ORDER_EN,
        body_zh=_ORDER_ZH + "已超过审核时限{% if due_at %}（截止 {{ due_at }}）{% endif %}，请尽快处理。" + _LINK,
        body_en=_ORDER_EN + " is past its review deadline{% if due_at %} ({{ due_at }}){% endif %}; "
        "please handle it now." + _LINK,
    ),
    "change_date_reminder": MessageTemplate(
        subject_zh="请及时办理变更备案",
        subject_en="Please file your change",
        body_zh="您的备案信息已于 {{ change_date }} 发生变化，距今已超过 {{ days|default:30 }} 天。"
        "根据《非经营性互联网信息服务备案管理办法》，请尽快办理变更备案。" + _LINK,
        body_en="Your filing details changed on {{ change_date }}, more than {{ days|default:30 }} days ago. "
        "Please file the change promptly." + _LINK,
    ),
    "draft_expiry_reminder": MessageTemplate(
        subject_zh="草稿即将过期：" + _ORDER_ZH,
        subject_en="Draft about to expire: " + _ORDER_EN,
        body_zh="您的" + _ORDER_ZH + "草稿将于 {{ expires_on }} 过期，请及时完善并提交。" + _LINK,
        body_en="Your draft " + _ORDER_EN + " expires on {{ expires_on }}; please complete and submit it." + _LINK,
    ),
}

GENERIC = MessageTemplate(
    subject_zh="{% if order %}" + _ORDER_ZH + "：{% endif %}{{ title_zh|default:'备案通知' }}",
    subject_en="{% if order %}" + _ORDER_EN + ": {% endif %}{{ title_en|default:'Filing notification' }}",
    body_zh="{% if order %}" + _ORDER_ZH + "有新的动态{% if state_zh %}：{{ state_zh }}{% endif %}。{% endif %}"
    "{{ text_zh|default:'您有一条新的备案通知。' }}{% if order %}" + _LINK + "{% endif %}",
    body_en="{% if order %}" + _ORDER_EN + " has an update{% if state_en %}: {{ state_en }}{% endif %}."
    "{% endif %} {{ text_en|default:'You have a new filing notification.' }}{% if order %}" + _LINK + "{% endif %}",
)


def template_for(event: str) -> MessageTemplate:
    """The event's template, or the generic one for events that have none yet."""
    return TEMPLATES.get(event, GENERIC)


def template_register(event: str, template: MessageTemplate) -> None:
    """Add or replace an event's wording (e.g. from another app's ``ready()``)."""
    TEMPLATES[event] = template


@lru_cache(maxsize=1024)
def _compiled(source: str):
    # Parsed once per process per source text (a compiled Template is immutable and reusable).
    return _ENGINE.from_string(source)


def _render(source: str, context: dict) -> str:
    return _compiled(source).render(Context(context)).strip()


def template_render(event: str, context: dict, *, sms: bool = True) -> dict[str, str]:
    """Render subject and body in both languages (and the SMS text unless ``sms=False``) for ``event``."""
    tpl = template_for(event)
    out = {
        "subject_zh": _render(tpl.subject_zh, context)[:300],
        "subject_en": _render(tpl.subject_en, context)[:300],
        "body_zh": _render(tpl.body_zh, context),
        "body_en": _render(tpl.body_en, context),
    }
    if sms:
        out["sms_zh"] = _render(tpl.sms_zh, context) if tpl.sms_zh else out["subject_zh"]
    return out


def template_render_sms(event: str, context: dict) -> str:
    """Only the SMS text of ``event`` (the subject in Chinese where the event has no SMS wording)."""
    tpl = template_for(event)
    return _render(tpl.sms_zh, context) if tpl.sms_zh else _render(tpl.subject_zh, context)[:300]
