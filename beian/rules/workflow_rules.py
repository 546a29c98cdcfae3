"""The workflow's own refusals as rules (design.md §5, icp-domain.md §1.3, §1.4).

Each rule has a code; a rule that guards an action rather than the order's content (``ORDER_AT_BUREAU_LOCKED``)
is catalogued here with stage ``action`` and raised by the service through :func:`refusal`.
"""

from __future__ import annotations

from beian.core.diff import ADD, REMOVE, website_key_of
from beian.core.errors import BeianError
from beian.core.hotsql import hot_fetch
from beian.rules.engine import RuleContext, finding, rule

CHANGES = ("change_entity", "change_website", "change_filing", "change_access")


# Each rule that reads the database builds its statements in one function, which the rule runs and which its
# ``prefetch`` hands to the engine (all of a run's reads go in one round trip). Prepared statements (core.hotsql):
# every submission runs them.

def _entity_clash_reads(ctx: RuleContext) -> list[tuple[str, list]]:
    from beian.orders.models import IN_FLIGHT_STATES

    order = ctx.order
    if order.entity_id is not None:  # only the clashing order's id is read
        return [('SELECT "id" FROM "orders_order" WHERE "state" = ANY(%s) AND "entity_id" = %s AND "id" <> %s '
                 'ORDER BY "id" DESC LIMIT 1', [sorted(IN_FLIGHT_STATES), order.entity_id, order.pk or 0])]
    key = f"cert:{ctx.proposed.entity.certificate_number.upper()}"
    return [('SELECT "order_id" FROM "orders_orderlock" WHERE "key" = %s AND "order_id" <> %s ORDER BY "id" LIMIT 1',
             [key, order.pk or 0])]


@rule("ORDER_ENTITY_IN_FLIGHT", source="icp §1.3", reads=("entity.certificate_number",),
      title_zh="一个主体同一时间只能有一个进行中的订单", title_en="One order in progress per entity",
      prefetch=_entity_clash_reads)
def entity_in_flight(ctx: RuleContext):
    clash = hot_fetch(*_entity_clash_reads(ctx)[0], one=True)
    clash = clash[0] if clash else None
    if clash is not None:
        yield finding("ORDER_ENTITY_IN_FLIGHT", f"该主体已有进行中的订单 #{clash}，一个主体同一时间只能有一个订单。",
                      f"The entity already has order #{clash} in progress; one order per entity at a time.",
                      field="entity", value=clash, hint_zh="等待该订单结束，或撤销它后再提交。",
                      hint_en="Wait for that order to end, or withdraw it, then submit.")


def _entity_filed_reads(ctx: RuleContext) -> list[tuple[str, list]]:
    from beian.registry.models import Entity, RecordStatus

    number = ctx.proposed.entity.certificate_number
    if not number:
        return []
    return [(f'SELECT 1 FROM "{Entity._meta.db_table}" WHERE "certificate_number" = %s AND "status" = %s LIMIT 1',
             [number, RecordStatus.ACTIVE])]


@rule("ENTITY_ALREADY_FILED", source="icp §1.1 #1", order_types=("new_filing",), reads=("entity.certificate_number",),
      title_zh="已备案的主体不能再次首次备案", title_en="A filed entity cannot file a new filing again",
      prefetch=_entity_filed_reads)
def entity_already_filed(ctx: RuleContext):
    reads = _entity_filed_reads(ctx)
    if reads and hot_fetch(*reads[0], one=True):
        yield finding("ENTITY_ALREADY_FILED", "该证件号码的主体已备案，请使用“新增网站”或“变更备案”。",
                      "An entity with this certificate number is already filed; use add website or a change.",
                      field="entity.certificate_number")


def _domain_holder_reads(ctx: RuleContext) -> list[tuple[str, list]]:
    from beian.orders.services import domain_lock_key

    keys = {domain_lock_key(name) for site in ctx.proposed.websites for name in site.domains}
    if not keys:
        return []
    # One branch per key (an equality on the unique key), not ``= ANY(%s)``: the prepared statement's generic plan
    # cannot know how many keys an array holds and scans the whole lock table (≈ 0.2 ms) until it has thousands of
    # rows; an equality goes to the index from a few hundred rows on (docs/bench.md, seventh round).
    branch = 'SELECT "key", "order_id" FROM "orders_orderlock" WHERE "key" = %s AND "order_id" <> %s'
    return [(" UNION ALL ".join([branch] * len(keys)), [v for key in sorted(keys) for v in (key, ctx.order.pk or 0)])]


@rule("ORDER_DOMAIN_IN_FLIGHT", source="icp §1.3", reads=("websites[].domains",),
      title_zh="一个域名同一时间只能在一个订单中办理", title_en="One order in progress per domain",
      prefetch=_domain_holder_reads)
def domain_in_flight(ctx: RuleContext):
    from beian.orders.services import domain_lock_key

    reads = _domain_holder_reads(ctx)
    if not reads:
        return
    holders = dict(hot_fetch(*reads[0]))
    for site in ctx.proposed.websites:
        for name in site.domains:
            holder = holders.get(domain_lock_key(name))
            if holder is not None:
                yield finding("ORDER_DOMAIN_IN_FLIGHT", f"域名 {name} 已在订单 #{holder} 中办理。",
                              f"The domain {name} is already in order #{holder}.",
                              field=f"websites[{site.key}].domains", value=name)


def _added_domains(ctx: RuleContext):
    """(diff entry, name, its statement) for each domain the diff adds."""
    from beian.orders.services import domain_ascii
    from beian.registry.models import Domain, RecordStatus

    for entry in ctx.diff:
        names = []
        if entry["op"] == ADD and entry["path"].endswith(".domains"):
            names = [entry["new"]]
        elif entry["op"] == ADD and entry["path"].startswith("websites[") and "." not in entry["path"]:
            names = entry["new"].get("domains", [])
        for name in names:
            yield entry, name, (f'SELECT 1 FROM "{Domain._meta.db_table}" WHERE "ascii" = %s AND "status" = %s LIMIT 1',
                                [domain_ascii(name), RecordStatus.ACTIVE])


@rule("DOMAIN_ALREADY_FILED", source="design §4", reads=("websites[].domains",),
      title_zh="已备案的域名不能再次备案（迁入请办理新增接入）",
      title_en="A filed domain cannot be filed again (move it here with add access)",
      prefetch=lambda ctx: [read for _entry, _name, read in _added_domains(ctx)])
def domain_already_filed(ctx: RuleContext):
    for entry, name, read in _added_domains(ctx):
        if not hot_fetch(*read, one=True):
            continue
        key = website_key_of(entry["path"])
        if ctx.order.type == "add_access" and ctx.current is None:
            continue
        yield finding("DOMAIN_ALREADY_FILED", f"域名 {name} 已备案。", f"The domain {name} is already filed.",
                      field=f"websites[{key}].domains", value=name,
                      hint_zh="已备案域名如需迁入本接入商，请办理“新增接入”。",
                      hint_en="To move a filed domain to this provider, file an add-access order.")


@rule("CHANGE_DOMAIN_ADDED", source="工信管函〔2019〕633号; icp §1.4", order_types=CHANGES,
      reads=("websites[].domains",),
      title_zh="变更备案只能删除域名，不能新增或替换", title_en="A change may only remove domains")
def change_domain_added(ctx: RuleContext):
    for entry in ctx.diff:
        if entry["path"].endswith(".domains") and entry["op"] == ADD:
            yield finding("CHANGE_DOMAIN_ADDED", f"变更备案不能新增或替换域名（{entry['new']}）。",
                          f"A change cannot add or replace a domain ({entry['new']}).", field=entry["path"],
                          value=entry["new"], hint_zh="新域名请通过“新增网站”备案；变更只能删除域名。",
                          hint_en="File a new domain as an add-website order; a change may only remove domains.")


@rule("CHANGE_WEBSITE_ADDED", source="design §5", order_types=CHANGES, reads=("websites[]",),
      title_zh="变更备案不能新增网站", title_en="A change cannot add a website")
def change_website_added(ctx: RuleContext):
    for entry in ctx.diff:
        if entry["op"] == ADD and entry["path"].startswith("websites[") and entry["path"].endswith("]") \
                and ".access[" not in entry["path"]:
            yield finding("CHANGE_WEBSITE_ADDED", "变更备案不能新增网站，请办理“新增网站”。",
                          "A change cannot add a website; file an add-website order.", field=entry["path"])


@rule("CHANGE_WEBSITE_REMOVED", source="design §5", order_types=CHANGES, reads=("websites[]",),
      title_zh="变更备案不能删除网站", title_en="A change cannot remove a website")
def change_website_removed(ctx: RuleContext):
    for entry in ctx.diff:
        if entry["op"] == REMOVE and entry["path"].startswith("websites[") and entry["path"].endswith("]") \
                and ".access[" not in entry["path"]:
            yield finding("CHANGE_WEBSITE_REMOVED", "变更备案不能删除网站，请办理“注销网站”。",
                          "A change cannot remove a website; file a cancel-website order.", field=entry["path"])


@rule("CHANGE_EMPTY", source="design §5", order_types=CHANGES, title_zh="变更备案须有变更内容",
      title_en="A change changes something")
def change_empty(ctx: RuleContext):
    if not ctx.diff:
        yield finding("CHANGE_EMPTY", "没有任何变更内容。", "Nothing was changed.")


@rule("NEW_WEBSITE_DOMAIN_COUNT", source="工信管函〔2019〕633号; icp §2.5",
      order_types=("new_filing", "add_website"), reads=("websites[].domains",),
      title_zh="新网站必须且只能有一个域名", title_en="A new website has exactly one domain")
def new_website_one_domain(ctx: RuleContext):
    for entry in ctx.diff:
        path = entry["path"]
        if entry["op"] == ADD and path.startswith("websites[") and path.endswith("]") and ".access[" not in path:
            count = len(entry["new"].get("domains", []))
            if count != 1:
                yield finding("NEW_WEBSITE_DOMAIN_COUNT",
                              f"新网站必须且只能填写一个域名（当前 {count} 个）。",
                              f"A new website must have exactly one domain (it has {count}).",
                              field=f"{path}.domains", value=count,
                              hint_zh="每个域名作为一个网站分别备案。", hint_en="File each domain as its own website.")


@rule("ADD_WEBSITE_CHANGES_EXISTING", source="icp §1.3", order_types=("add_website",),
      title_zh="新增网站订单只新增网站，不变更已有信息", title_en="An add-website order only adds websites")
def add_website_changes_existing(ctx: RuleContext):
    added = any(e["op"] == ADD and e["path"].startswith("websites[") and e["path"].endswith("]") for e in ctx.diff)
    if not added:
        yield finding("ADD_WEBSITE_CHANGES_EXISTING", "新增网站订单必须包含一个新网站。",
                      "An add-website order must contain a new website.", field="websites")
    for entry in ctx.diff:
        path = entry["path"]
        if not (entry["op"] == ADD and path.startswith("websites[") and path.endswith("]")):
            yield finding("ADD_WEBSITE_CHANGES_EXISTING", "新增网站时不能同时变更已有信息，请先办理变更。",
                          "An add-website order cannot change existing data; file a change first.", field=path)


@rule("CHANGE_PROVINCE_FORBIDDEN", source="icp §1.4", reads=("entity.province",),
      title_zh="备案省份不能变更", title_en="The filing province cannot change")
def change_province(ctx: RuleContext):
    if ctx.current is not None and ctx.proposed.entity.province != ctx.current.entity.province:
        yield finding("CHANGE_PROVINCE_FORBIDDEN", "备案省份不能变更，请注销后在新省份重新备案。",
                      "The filing province cannot change; cancel and file again in the new province.",
                      field="entity.province", value=ctx.proposed.entity.province)


@rule("CHANGE_CERTIFICATE_NUMBER_FORBIDDEN", source="icp §1.4; design §14", reads=("entity.certificate_number",),
      title_zh="主体证件号码不能变更（同一单位组织机构代码换为统一社会信用代码除外，须提供证明）",
      title_en="The entity's certificate number cannot change (except organisation code → credit code, with proof)")
def change_certificate_number(ctx: RuleContext):
    if ctx.current is None:
        return
    old, new = ctx.current.entity.certificate_number.upper(), ctx.proposed.entity.certificate_number.upper()
    if old == new:
        return
    # A legacy organisation code replaced by the USCC of the same organisation (same 9-character core) is allowed.
    if len(old) == 9 and len(new) == 18 and new[8:17] == old:
        yield finding("CHANGE_CERTIFICATE_NUMBER_FORBIDDEN",
                      "组织机构代码换为同一单位的统一社会信用代码，需提供证明材料。",
                      "Replacing the organisation code by the same organisation's credit code needs proof.",
                      field="entity.certificate_number", severity="needs_material",
                      requirement="certificate_change_proof")
        return
    yield finding("CHANGE_CERTIFICATE_NUMBER_FORBIDDEN", "主体证件号码不能变更，请注销后重新备案。",
                  "The entity's certificate number cannot change; cancel and file again.",
                  field="entity.certificate_number", hint_zh="证件号码变更视为新主体：先注销主体，再以新证件首次备案。",
                  hint_en="A new certificate number is a new entity: cancel the entity, then file anew.")


@rule("CHANGE_ENTERPRISE_TO_INDIVIDUAL", source="icp §1.4", reads=("entity.type",),
      title_zh="单位主体不能变更为个人主体", title_en="An organisation cannot become an individual")
def enterprise_to_individual(ctx: RuleContext):
    if ctx.current is None:
        return
    individual = ctx.data.individual_types
    if ctx.current.entity.type not in individual and ctx.proposed.entity.type in individual:
        yield finding("CHANGE_ENTERPRISE_TO_INDIVIDUAL", "单位主体不能变更为个人主体。",
                      "An organisation cannot be changed into an individual.", field="entity.type")


@rule("RESUBMIT_UNFLAGGED_FIELDS", source="design §6", stages=("resubmit",),
      title_zh="重新提交时只能修改被退回标记的字段", title_en="A resubmission changes only the flagged fields")
def resubmit_unflagged(ctx: RuleContext):
    from beian.core.diff import filing_diff

    base = ctx.extra.get("returned_state")
    flags = ctx.extra.get("flags", [])
    if base is None:
        return
    flagged = [f["field"] for f in flags if f.get("field")]
    for entry in filing_diff(base, ctx.proposed):
        path = entry["path"]
        if not any(path == f or path.startswith(f + ".") or path.startswith(f + "[") or f.startswith(path + ".")
                   for f in flagged):
            yield finding("RESUBMIT_UNFLAGGED_FIELDS", f"重新提交时只能修改被退回标记的字段（{path} 未被标记）。",
                          f"A resubmission may only change the flagged fields ({path} was not flagged).",
                          field=path, hint_zh="撤销该修改，或撤销订单后重新提交。",
                          hint_en="Undo that edit, or withdraw the order and file again.")


@rule("ORDER_AT_BUREAU_LOCKED", source="icp §1.3", stages=("action",),
      title_zh="已提交管局的订单不能修改或撤销", title_en="An order at the bureau cannot be edited or withdrawn")
def at_bureau_locked(ctx: RuleContext):
    return ()


@rule("ORDER_WEBSITE_PRINCIPAL_UNVERIFIED", source="icp §3.1; design §5", stages=("action",),
      title_zh="网站负责人须先通过真实性核验", title_en="Website principals pass identity verification first")
def principal_unverified(ctx: RuleContext):
    return ()


def refusal(code: str, *, status: int = 409, field: str | None = None) -> BeianError:
    """Raise an action rule's refusal with its catalogued message."""
    messages = {
        "ORDER_AT_BUREAU_LOCKED": ("订单已提交管局，不能修改或撤销。",
                                   "The order is with the bureau: it can no longer be edited or withdrawn."),
        "ORDER_WEBSITE_PRINCIPAL_UNVERIFIED": ("网站负责人尚未完成真实性核验（人脸/视频核验），不能提交管局。",
                                               "A website principal has not passed identity verification yet."),
    }
    zh, en = messages[code]
    f = finding(code, zh, en, field=field)
    return BeianError(errors=[f.as_error()], status=status)


