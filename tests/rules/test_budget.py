"""Performance guards of issue 5: query budgets of a full check and of a one-field pre-flight call, and the
shortcuts behind them giving the same answers as the long way (late rules, cached catalogue rows, path copy)."""

from __future__ import annotations

import copy

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from beian.materials import catalogue
from beian.materials.models import MaterialRequirement
from beian.orders import services
from beian.orders.models import Order
from beian.orders.selectors import order_get
from beian.rules import engine
from beian.rules.preflight import rules_preflight, state_set

# A full check of a change order: registry state (4), rules data revision, domain facts, in-flight order and
# domain locks, the order's materials (once for both materials rules) and signatures, the two catalogue
# tokens, plus the entity's province and principal (1) when the order was loaded without them.
FULL_CHECK_BUDGET = 13
# A one-field call: the order with its entity, the registry state (4), the rules data revision, the catalogue token.
ONE_FIELD_BUDGET = 7


def _typical_change(applicant, *, cross_province: bool = False) -> Order:
    """The benchmark's change (bench/rules_bench.py): entity and website renamed, a server IP moved."""
    order = services.order_create(user=applicant, type="change")
    proposed = order.proposed
    proposed["entity"]["name"] = "杭州云栖智能科技有限公司"
    proposed["websites"][0]["name"] = "云栖智能官网"
    access = proposed["websites"][0]["access"][0]
    access["ip_ranges"] = [{"start": "47.96.10.30", "end": "47.96.10.31"}]
    if cross_province:
        access.update(region="北京市", ip_ranges=[{"start": "39.107.20.9", "end": "39.107.20.9"}])
    return services.order_update(user=applicant, order_id=order.pk, proposed=proposed)


def _codes(findings) -> list[tuple]:
    return [(f.code, f.severity, f.field, f.value, f.requirement, f.message_en) for f in findings]


def test_full_check_of_a_typical_change_stays_within_its_query_budget(applicant, zj_entity):
    order = _typical_change(applicant)
    services.order_findings(order=order_get(user=applicant, order_id=order.pk))  # warm the per-process copies
    fresh = order_get(user=applicant, order_id=order.pk)  # as the API loads it (with its entity)
    with CaptureQueriesContext(connection) as queries:
        findings = services.order_findings(order=fresh)
    assert {f.code for f in findings} == {"MATERIAL_MISSING"}
    assert len(queries.captured_queries) <= FULL_CHECK_BUDGET, "\n".join(q["sql"][:120] for q in queries)
    # the material requirement rows come from the process's copy, not a query per check
    assert not [q for q in queries.captured_queries if "materials_materialrequirement" in q["sql"]]
    assert sum("FROM \"materials_material\"" in q["sql"] for q in queries.captured_queries) == 1


def test_one_field_preflight_stays_within_its_query_budget(applicant, zj_entity):
    order = _typical_change(applicant)
    key = order.proposed["websites"][0]["key"]
    call = dict(user=applicant, order_id=order.pk, field=f"websites[{key}].name", value="云栖智能官网")
    rules_preflight(**call)
    with CaptureQueriesContext(connection) as queries:
        result = rules_preflight(**call)
    assert result["findings"] == []
    assert len(queries.captured_queries) <= ONE_FIELD_BUDGET, "\n".join(q["sql"][:120] for q in queries)
    assert not [q for q in queries.captured_queries if "materials_" in q["sql"]]  # no whole-order rule runs


@pytest.mark.parametrize("cross_province", [False, True], ids=["rename", "server_moved_out"])
def test_late_materials_rule_gives_what_running_the_catalogue_again_gives(applicant, zj_entity, cross_province):
    from beian.materials.rules import material_missing

    order = _typical_change(applicant, cross_province=cross_province)
    ctx = services._rule_context(order)
    findings = engine.rules_run(ctx, stage="submit")
    missing = [f for f in findings if f.code == "MATERIAL_MISSING"]
    assert ctx.prior is None  # restored after the run
    # the long way: the rule alone recomputes the needs_material findings by running the catalogue itself
    alone = list(material_missing(services._rule_context(order)))
    assert _codes(missing) == _codes(alone) and missing
    if cross_province:
        assert "cross_province_explanation" in {f.requirement for f in missing}


def test_late_rules_see_the_other_findings_and_keep_the_code_order(applicant, zj_entity, monkeypatch):
    seen = []

    def late(ctx):
        seen.append(list(ctx.prior))
        yield engine.finding("AA_TEST_LATE", "测试", "test", severity="warning")

    def early(ctx):
        yield engine.finding("ZZ_TEST_EARLY", "测试", "test", severity="warning")

    monkeypatch.setitem(engine._REGISTRY, "AA_TEST_LATE", engine.RuleSpec(
        code="AA_TEST_LATE", severity="warning", source="test", stages=engine.STAGES, func=late, late=True))
    monkeypatch.setitem(engine._REGISTRY, "ZZ_TEST_EARLY", engine.RuleSpec(
        code="ZZ_TEST_EARLY", severity="warning", source="test", stages=engine.STAGES, func=early))
    order = _typical_change(applicant, cross_province=True)
    ctx = services._rule_context(order)
    findings = engine.rules_run(ctx, stage="submit")
    codes = [f.code for f in findings]
    assert codes[0] == "AA_TEST_LATE" and codes[-1] == "ZZ_TEST_EARLY"
    assert "ACCESS_CROSS_PROVINCE" in codes and "MATERIAL_MISSING" in codes
    # the late rule saw every other rule's findings (the other late rule, MATERIAL_MISSING, excepted)
    assert [f.code for f in seen[0]] == [c for c in codes if c not in ("AA_TEST_LATE", "MATERIAL_MISSING")]
    assert ctx.prior is None


def test_a_late_rule_outside_a_full_run_computes_on_its_own(applicant, zj_entity):
    order = _typical_change(applicant, cross_province=True)
    key = order.proposed["websites"][0]["key"]
    ctx = services._rule_context(order)
    one_field = engine.rules_run(ctx, stage="preflight", fields=[f"websites[{key}].access"])
    assert "MATERIAL_MISSING" not in {f.code for f in one_field}  # a whole-order rule: not in a one-field run


def test_an_edited_requirement_row_is_seen_by_the_next_check(applicant, zj_entity):
    order = _typical_change(applicant)

    def needed():
        return {(r.code, r.website_key) for r in catalogue.requirements_for(order=order, findings=[])}

    before = needed()
    assert ("rename_proof", "") in before
    row = MaterialRequirement.objects.get(code="rename_proof", active=True)
    row.active = False
    row.save()
    assert ("rename_proof", "") not in needed()
    row.active = True
    row.save()
    assert needed() == before
    MaterialRequirement.objects.filter(code="rename_proof").first().delete()
    assert ("rename_proof", "") not in needed()


def test_catalogue_rows_are_read_once_per_process_while_unchanged(applicant, zj_entity):
    catalogue.requirement_rows()
    with CaptureQueriesContext(connection) as queries:
        rows = catalogue.requirement_rows()
    assert rows and all(r.code for r in rows)
    assert not [q for q in queries.captured_queries if "materials_materialrequirement" in q["sql"]]


def test_state_set_copies_the_path_and_leaves_the_draft_alone(applicant, zj_entity):
    from beian.registry.selectors import filing_state_of

    draft = filing_state_of(zj_entity).to_json()
    original = copy.deepcopy(draft)
    key = draft["websites"][0]["key"]
    access_key = draft["websites"][0]["access"][0]["key"]
    out = state_set(draft, f"websites[{key}].access[{access_key}].region", "北京市")
    assert draft == original
    assert out["websites"][0]["access"][0]["region"] == "北京市"
    out = state_set(draft, "websites[n9]", {"name": "新站"})
    assert draft == original and out["websites"][-1] == {"name": "新站", "key": "n9"}
    out = state_set(draft, "entity.principal.mobile", "13900000000")
    assert draft == original and out["entity"]["principal"]["mobile"] == "13900000000"
    assert out["websites"] is draft["websites"]  # what is off the path is shared, not copied


def _filing_state_reference(entity):
    """filing_state_of as it was written first (prefetches, model instances): the plain-rows version must match."""
    from django.db.models import Prefetch

    from beian.core.state import AccessState, FilingState, IpRange, PreApprovalState, WebsiteState
    from beian.registry.models import Access, Domain, PreApproval, RecordStatus, Website
    from beian.registry.selectors import _principal_state, filing_state_of

    active = RecordStatus.ACTIVE
    websites = (Website.objects.filter(entity=entity, status=active).select_related("principal").prefetch_related(
        Prefetch("domains", queryset=Domain.objects.filter(status=active).order_by("sort", "id")),
        Prefetch("access", queryset=Access.objects.filter(status=active).select_related("provider").order_by("id")),
        Prefetch("pre_approvals", queryset=PreApproval.objects.filter(status=active).order_by("id")),
    ).order_by("suffix", "id"))
    entity_state = filing_state_of(entity).entity
    return FilingState(entity=entity_state, websites=[
        WebsiteState(key=str(w.pk), id=w.pk, name=w.name, home_url=w.home_url, service_content=list(w.service_content),
                     languages=list(w.languages), remarks=w.remarks, domains=[d.name for d in w.domains.all()],
                     principal=_principal_state(w.principal),
                     pre_approvals=[PreApprovalState(type=p.type, number=p.number) for p in w.pre_approvals.all()],
                     access=[AccessState(key=str(a.pk), id=a.pk, provider=a.provider.name, method=a.method,
                                         region=a.region, ip_ranges=[IpRange(**r) for r in a.ip_ranges])
                             for a in w.access.all()],
                     number=w.number, status=w.status, access_limited=w.access_limited)
        for w in websites])


def test_filing_state_of_reads_the_registry_as_before(applicant, zj_entity):
    from beian.registry.models import Access, Domain, Entity, PreApproval, RecordStatus, Website
    from beian.registry.selectors import filing_state_of

    site = Website.objects.filter(entity=zj_entity).order_by("id").first()
    PreApproval.objects.create(website=site, type="新闻", number="B-1")
    PreApproval.objects.create(website=site, type="出版", number="B-2", status=RecordStatus.CANCELLED)
    Domain.objects.filter(website=site).order_by("id").update(sort=5)
    Domain.objects.create(website=site, name="second.cn", ascii="second.cn", sort=1)
    Domain.objects.create(website=site, name="gone.cn", ascii="gone.cn", status=RecordStatus.CANCELLED)
    first = Access.objects.filter(website=site).first()
    Access.objects.create(website=site, provider=first.provider, method=first.method, region="北京市",
                          ip_ranges=[{"start": "1.2.3.4", "end": "1.2.3.5"}])
    Access.objects.create(website=site, provider=first.provider, method=first.method, status=RecordStatus.CANCELLED)
    entity = Entity.objects.get(pk=zj_entity.pk)  # neither province nor principal loaded
    with CaptureQueriesContext(connection) as queries:
        state = filing_state_of(entity)
    assert len(queries.captured_queries) == 5  # the entity's province + principal, websites, 3 kinds of child rows
    assert state == _filing_state_reference(entity)
    assert state.websites[0].domains[0] == "second.cn" and "gone.cn" not in state.websites[0].domains
    assert [p.number for p in state.websites[0].pre_approvals] == ["B-1"]
    assert len(state.websites[0].access) == 2
