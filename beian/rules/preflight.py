"""The pre-flight check (design.md §7): findings for a state being typed, whole or one field at a time.

``rules_preflight`` never writes. A one-field call (``field`` + ``value``) sets that field path in the draft
and runs only the rules that read it (and the format checks of that field), so it is cheap enough for every
keystroke; a whole-draft call runs the full catalogue as submission would, without refusing.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from pydantic import ValidationError as PydanticValidationError

from beian.core.diff import filing_diff
from beian.core.errors import BeianError, ErrorItem, Finding, error, not_found
from beian.core.state import FilingState, strip_read_only
from beian.rules.engine import RuleContext, catalogue_version, rules_run

_TOKEN = re.compile(r"^([A-Za-z_]+)(?:\[([^\]]*)\])?$")


def _field_error(path: str) -> BeianError:
    return error("PREFLIGHT_FIELD_UNKNOWN", f"字段路径“{path}”不存在。", f"The field path '{path}' does not exist.",
                 field="field", status=422)


def state_set(data: dict, path: str, value: Any) -> dict:
    """A copy of the FilingState JSON ``data`` with the field ``path`` (design.md §5.1) set; a missing ``[key]``
    item is appended when the value is that whole item. ``data`` is not changed: the dicts and lists on the path
    are copied, the rest is shared with it."""
    tokens = path.split(".")
    data = dict(data) if isinstance(data, dict) else data
    node: Any = data
    for i, token in enumerate(tokens):
        match = _TOKEN.match(token)
        if match is None or not isinstance(node, dict):
            raise _field_error(path)
        name, key = match.groups()
        last = i == len(tokens) - 1
        if key is None:
            if last:
                node[name] = value
                return data
            child = node.setdefault(name, {})
            node[name] = node = dict(child) if isinstance(child, dict) else child
            continue
        items = node.setdefault(name, [])
        if not isinstance(items, list):
            raise _field_error(path)
        node[name] = items = list(items)
        index = next((j for j, x in enumerate(items) if isinstance(x, dict) and str(x.get("key")) == key), None)
        if last:
            if not isinstance(value, dict):
                raise _field_error(path)
            value = {**value, "key": key}
            if index is None:
                items.append(value)
            else:
                items[index] = value
            return data
        if index is None:
            raise _field_error(path)
        items[index] = node = dict(items[index])
    return data


def _parse(data: dict) -> FilingState:
    from beian.registry.validation import filing_state_normalize

    try:
        state = FilingState.model_validate(data or {})
    except PydanticValidationError as exc:
        items = [ErrorItem(code="STATE_INVALID", field=".".join(str(p) for p in err.get("loc", ())) or None,
                           message_zh=f"备案信息格式不正确：{err.get('msg')}",
                           message_en=f"Invalid filing data: {err.get('msg')}") for err in exc.errors()]
        raise BeianError(errors=items, status=422)
    return filing_state_normalize(state)


def _related(a: str, b: str) -> bool:
    return a == b or a.startswith(b + ".") or a.startswith(b + "[") or b.startswith(a + ".") \
        or b.startswith(a + "[")


def rules_preflight(*, user, order_type: str | None = None, proposed: dict | None = None,
                    order_id: int | None = None, field: str | None = None, value: Any = None,
                    on: dt.date | None = None) -> dict:
    """Findings of the draft (``proposed``, else the order's, else the registry's current state)."""
    from beian.orders.models import CHANGE_TYPES, Order, OrderType
    from beian.orders.selectors import order_visible_to
    from beian.orders.types import change_type_from_diff
    from beian.registry.models import RecordStatus
    from beian.registry.selectors import entity_of_applicant, filing_state_of
    from beian.registry.validation import filing_state_errors

    if order_id is not None:
        # order_get's scoped read, narrowed to what a check reads, with the entity's province and principal in the
        # same query (the registry state below needs them)
        stored = (order_visible_to(user).select_related(None)
                  .select_related("province", "entity__province", "entity__principal")
                  .only("id", "type", "applicant_id", "entity", "change_date", "province", "proposed")
                  .filter(pk=order_id).first())
        if stored is None:
            raise not_found("订单", "order")
        order = Order(pk=stored.pk, type=stored.type, applicant_id=stored.applicant_id, entity=stored.entity,
                      change_date=stored.change_date, province=stored.province)
        base = proposed if proposed is not None else stored.proposed
    else:
        if order_type != "change" and order_type not in OrderType.values:
            raise error("ORDER_TYPE_UNKNOWN", "未知的业务类型。", "Unknown order type.", field="order_type",
                        status=422)
        entity = entity_of_applicant(user) if order_type != OrderType.NEW_FILING else None
        if entity is not None and entity.status != RecordStatus.ACTIVE:
            entity = None
        if entity is None and order_type not in (OrderType.NEW_FILING, OrderType.ADD_ACCESS):
            raise error("ENTITY_REQUIRED", "请先完成首次备案。", "File the entity first (new filing).", status=409)
        order = Order(type=OrderType.CHANGE_FILING if order_type == "change" else order_type, applicant=user,
                      entity=entity)
        base = proposed
    current = filing_state_of(order.entity) if order.entity_id else None
    if base is None:
        base = current.to_json() if current is not None else {}
    fields = None
    if field:
        if field == "change_date":
            try:
                order.change_date = dt.date.fromisoformat(value) if value else None
            except (TypeError, ValueError):
                raise error("DATE_INVALID", "日期格式应为 YYYY-MM-DD。", "Dates are written YYYY-MM-DD.",
                            field="value", status=422)
        else:
            base = state_set(base, field, value)
        fields = [field]
    state = _parse(base)
    if order.type != OrderType.ADD_ACCESS:
        state = strip_read_only(state, current)
    diff = filing_diff(current, state)
    ctx = RuleContext(order=order, proposed=state, current=current, diff=diff, user=user, today=on)
    if order.type in CHANGE_TYPES:
        order.type = change_type_from_diff(diff, province_code=state.entity.province, individual=ctx.individual)
    findings = rules_run(ctx, stage="preflight", fields=fields)
    for item in filing_state_errors(state):
        if fields is None or any(_related(item.field or "", f) for f in fields):
            findings.append(Finding(code=item.code, severity="error", message_zh=item.message_zh,
                                    message_en=item.message_en, field=item.field))
    return {"order_type": order.type, "rules_version": catalogue_version(ctx.data),
            "blocking": any(f.severity == "error" for f in findings),
            "findings": [f.as_dict() for f in findings]}

