"""Build a rule context for a case of ``tests/rules/cases.py`` and run the catalogue over it."""

from __future__ import annotations

from dataclasses import dataclass

from beian.core.diff import filing_diff
from beian.core.state import FilingState, strip_read_only
from beian.orders.models import CHANGE_TYPES, Order
from beian.orders.types import change_type_from_diff
from beian.registry.demo import beijing_individual_state, filed_entity_create, zhejiang_enterprise_state
from beian.registry.selectors import filing_state_of
from beian.registry.validation import filing_state_normalize
from beian.rules.engine import RuleContext, rules_run
from tests.rules.cases import TODAY


class World:
    """The test's users and, on demand, the applicant's filed demo enterprise."""

    def __init__(self, applicant, other_applicant, make_user):
        self.applicant, self.other_applicant, self._make_user = applicant, other_applicant, make_user
        self._entity = None
        self._users = {}

    def make_user(self, name, role):
        if name not in self._users:
            self._users[name] = self._make_user(name, role)
        return self._users[name]

    @property
    def zj_entity(self):
        if self._entity is None:
            self._entity = filed_entity_create(owner=self.applicant, state=zhejiang_enterprise_state())
        return self._entity


@dataclass
class Result:
    findings: list
    keys: dict

    def fill(self, field):
        return field.format(**self.keys) if field else field


def context_for(world: World, base: str, edit=None, *, change_date=None, today=TODAY) -> RuleContext:
    current = None
    if base in ("zj_change", "zj_add"):
        entity = world.zj_entity
        current = filing_state_of(entity)
        data = current.to_json()
        order = Order(type="change_filing" if base == "zj_change" else "add_website", applicant=world.applicant,
                      entity=entity, change_date=change_date)
    elif base == "zj_new":
        data = zhejiang_enterprise_state()
        order = Order(type="new_filing", applicant=world.applicant, change_date=change_date)
    else:
        data = beijing_individual_state()
        order = Order(type="new_filing", applicant=world.other_applicant, change_date=change_date)
    if edit is not None:
        edit(data)
    proposed = strip_read_only(filing_state_normalize(FilingState.model_validate(data)), current)
    diff = filing_diff(current, proposed)
    ctx = RuleContext(order=order, proposed=proposed, current=current, diff=diff, today=today)
    if order.type in CHANGE_TYPES:
        order.type = change_type_from_diff(diff, province_code=proposed.entity.province, individual=ctx.individual)
    return ctx


def run_case(case, world: World):
    if case.custom is not None:
        return case.custom(world)
    if case.base in ("zj_change", "zj_add"):
        assert world.zj_entity is not None  # filed before the setup, which may act on it
    if case.setup is not None:
        case.setup(world)
    ctx = context_for(world, case.base, case.edit, change_date=case.change_date)
    if case.extra is not None:
        ctx.extra = case.extra(world, ctx)
    keys = {}
    if world._entity is not None:
        for site in world._entity.websites.all():
            keys[f"w{site.suffix}"] = str(site.pk)
    return Result(findings=rules_run(ctx, stage=case.stage), keys=keys)
