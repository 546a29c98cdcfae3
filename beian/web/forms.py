"""The filing form: a ``FilingState`` shown as flat fields named by their field path (design.md §5.1).

Every input's ``name`` and ``id`` is the field path (``entity.name``, ``websites[5].principal.mobile``,
``websites[5].access[7].ip_ranges``), the same path diffs, rule findings and return flags use, so a finding or
a flag lands beside the field it names. :func:`state_fields` lists the fields of a state (grouped for the page);
:func:`state_from_post` writes the posted values back into a copy of the state dict for ``order_update``.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from beian.orders.models import CANCEL_TYPES, OrderType

# kind: text | date | lines (one per line) | list (comma separated) | ip_ranges (one range per line)
ENTITY_FIELDS = [
    ("type", _("主体性质"), "text"),
    ("name", _("主办单位名称"), "text"),
    ("certificate_type", _("证件类型"), "text"),
    ("certificate_number", _("证件号码"), "text"),
    ("province", _("备案省份（区划代码）"), "text"),
    ("city", _("市"), "text"),
    ("district", _("区县"), "text"),
    ("certificate_address", _("证件住所"), "text"),
    ("communication_address", _("通信地址"), "text"),
    ("superior_unit", _("投资人或主管单位"), "text"),
    ("remarks", _("备注"), "text"),
]
# What can never change on a filed entity (design.md §5, icp §1.4).
ENTITY_FIXED = {"type", "certificate_type", "certificate_number", "province"}
PRINCIPAL_FIELDS = [
    ("name", _("负责人姓名"), "text"),
    ("certificate_type", _("负责人证件类型"), "text"),
    ("certificate_number", _("负责人证件号码"), "text"),
    ("valid_from", _("证件有效期起"), "date"),
    ("valid_to", _("证件有效期止（留空为长期）"), "date"),
    ("mobile", _("手机号码"), "text"),
    ("emergency_phone", _("应急联系电话"), "text"),
    ("email", _("电子邮箱"), "text"),
]
WEBSITE_FIELDS = [
    ("name", _("网站名称"), "text"),
    ("home_url", _("网站首页地址"), "text"),
    ("domains", _("域名（每行一个）"), "lines"),
    ("service_content", _("服务内容（逗号分隔）"), "list"),
    ("languages", _("网站语言（逗号分隔）"), "list"),
    ("remarks", _("网站备注"), "text"),
]
ACCESS_FIELDS = [
    ("provider", _("接入商"), "text"),
    ("method", _("接入方式"), "text"),
    ("region", _("服务器所在地"), "text"),
    ("ip_ranges", _("IP 地址（每行一个或“起-止”）"), "ip_ranges"),
]
LIST_SPLIT = re.compile(r"[,，、;；]+")


@dataclass
class FormField:
    path: str
    label: str
    kind: str
    value: str
    readonly: bool = False
    flags: list[dict] = field(default_factory=list)

    @property
    def multiline(self) -> bool:
        return self.kind in ("lines", "ip_ranges")


@dataclass
class FieldGroup:
    title: str
    fields: list[FormField]
    key: str = ""
    number: str | None = None
    removable: bool = False  # a new filing's website the applicant may take out of the form
    site_key: str = ""


def _display(kind: str, value) -> str:
    if value is None:
        return ""
    if kind == "lines":
        return "\n".join(value)
    if kind == "list":
        return "，".join(value)
    if kind == "ip_ranges":
        return "\n".join(r["start"] if r["start"] == r["end"] else f"{r['start']}-{r['end']}" for r in value)
    return str(value)


def _parse(kind: str, raw: str):
    raw = raw.strip()
    if kind == "date":
        return raw or None
    if kind == "lines":
        return [line.strip() for line in raw.splitlines() if line.strip()]
    if kind == "list":
        return [part.strip() for part in LIST_SPLIT.split(raw) if part.strip()]
    if kind == "ip_ranges":
        out = []
        for line in raw.splitlines():
            line = line.strip()
            if not line:
                continue
            start, _sep, end = line.partition("-")
            out.append({"start": start.strip(), "end": (end or start).strip()})
        return out
    return raw


def _fixed_entity(order) -> set[str]:
    return set() if order.type == OrderType.NEW_FILING else ENTITY_FIXED


def can_change_websites(order) -> bool:
    """Whether the form may add and remove websites: a new filing (首次备案) brings all its websites at once."""
    return order.type == OrderType.NEW_FILING


def website_added(state: dict) -> dict:
    """A copy of ``state`` with one more new website (pre-filled from the first, as :func:`new_website`)."""
    data = copy.deepcopy(state)
    sites = data.setdefault("websites", [])
    first_access = next((a for w in sites for a in w.get("access", [])), {})
    sites.append(new_website(data, provider=first_access.get("provider", ""), key=f"w{len(sites) + 1}"))
    return data


def website_removed(state: dict, key: str) -> dict:
    """A copy of ``state`` without the new website ``key`` (a filed website — with an id — and the last website
    stay)."""
    data = copy.deepcopy(state)
    sites = data.get("websites", [])
    if len(sites) > 1:
        data["websites"] = [w for w in sites if w.get("key") != key or w.get("id") is not None]
    return data


def editable(order) -> bool:
    """Whether the order's data can be edited in the form at all (cancellations carry no data to edit)."""
    return order.type not in CANCEL_TYPES


def state_fields(order, state: dict, *, flags: list[dict] | None = None) -> list[FieldGroup]:
    """The form's groups of fields for ``state`` (an order's ``proposed`` dict), flags attached to their fields."""
    flags = flags or []
    fixed = _fixed_entity(order)
    can_edit = editable(order)

    def make(path: str, label, kind: str, value, readonly: bool) -> FormField:
        mine = [f for f in flags if f.get("field") and (f["field"] == path)]
        return FormField(path=path, label=str(label), kind=kind, value=_display(kind, value),
                         readonly=readonly or not can_edit, flags=mine)

    entity = state.get("entity", {})
    groups = [FieldGroup(title=str(_("主办单位")), key="entity", number=entity.get("number"), fields=[
        make(f"entity.{name}", label, kind, entity.get(name), name in fixed) for name, label, kind in ENTITY_FIELDS
    ])]
    principal = entity.get("principal", {})
    groups.append(FieldGroup(title=str(_("主体负责人")), key="entity.principal", fields=[
        make(f"entity.principal.{name}", label, kind, principal.get(name), False)
        for name, label, kind in PRINCIPAL_FIELDS
    ]))
    for site in state.get("websites", []):
        prefix = f"websites[{site['key']}]"
        existing = site.get("id") is not None
        fields = [make(f"{prefix}.{name}", label, kind, site.get(name), False) for name, label, kind in WEBSITE_FIELDS]
        sp = site.get("principal", {})
        fields += [make(f"{prefix}.principal.{name}", label, kind, sp.get(name), False)
                   for name, label, kind in PRINCIPAL_FIELDS]
        for access in site.get("access", []):
            aprefix = f"{prefix}.access[{access['key']}]"
            fields += [make(f"{aprefix}.{name}", label, kind, access.get(name), name == "provider")
                       for name, label, kind in ACCESS_FIELDS]
        title = site.get("name") or str(_("新网站"))
        groups.append(FieldGroup(title=str(_("网站：")) + title if existing else str(_("新增网站：")) + title,
                                 key=prefix, number=site.get("number"), fields=fields, site_key=site["key"],
                                 removable=can_edit and can_change_websites(order) and not existing
                                 and len(state.get("websites", [])) > 1))
    return groups


def field_paths(groups: list[FieldGroup]) -> list[str]:
    return [f.path for g in groups for f in g.fields]


def state_from_post(order, state: dict, post) -> dict:
    """A copy of ``state`` with the posted values of the editable fields written in."""
    data = copy.deepcopy(state)
    fixed = _fixed_entity(order)
    entity = data.setdefault("entity", {})
    for name, _label, kind in ENTITY_FIELDS:
        path = f"entity.{name}"
        if path in post and name not in fixed:
            entity[name] = _parse(kind, post[path])
    principal = entity.setdefault("principal", {})
    for name, _label, kind in PRINCIPAL_FIELDS:
        path = f"entity.principal.{name}"
        if path in post:
            principal[name] = _parse(kind, post[path])
    for site in data.get("websites", []):
        prefix = f"websites[{site['key']}]"
        for name, _label, kind in WEBSITE_FIELDS:
            if f"{prefix}.{name}" in post:
                site[name] = _parse(kind, post[f"{prefix}.{name}"])
        sp = site.setdefault("principal", {})
        for name, _label, kind in PRINCIPAL_FIELDS:
            if f"{prefix}.principal.{name}" in post:
                sp[name] = _parse(kind, post[f"{prefix}.principal.{name}"])
        for access in site.get("access", []):
            aprefix = f"{prefix}.access[{access['key']}]"
            for name, _label, kind in ACCESS_FIELDS:
                if name != "provider" and f"{aprefix}.{name}" in post:
                    access[name] = _parse(kind, post[f"{aprefix}.{name}"])
    return data


def new_website(state: dict, *, provider: str, key: str = "new1") -> dict:
    """A new website for an ``add_website`` order, pre-filled from the entity's first website (principal, access
    method and region) so the applicant types only the name, domain, home page and IP."""
    first = (state.get("websites") or [{}])[0]
    access = (first.get("access") or [{}])[0]
    used = {w["key"] for w in state.get("websites", [])}
    n = 1
    while key in used:
        n += 1
        key = f"w{n}" if key.startswith("w") else f"new{n}"
    return {"key": key, "name": "", "home_url": "", "service_content": list(first.get("service_content", [])),
            "languages": list(first.get("languages", ["中文简体"])), "remarks": "", "domains": [],
            "principal": copy.deepcopy(first.get("principal", {})), "pre_approvals": [],
            "access": [{"key": "a1", "provider": provider, "method": access.get("method", ""),
                        "region": access.get("region", ""), "ip_ranges": []}]}
