"""``{% agreement_for order code as a %}``: the text to sign, for the materials panel."""

from django import template

from beian.web.materials_hook import agreement_to_sign

register = template.Library()


@register.simple_tag
def agreement_for(order, code: str):
    try:
        return agreement_to_sign(order=order, code=code)
    except Exception:  # noqa: BLE001 — no agreement text configured: the panel just shows the requirement
        return None
