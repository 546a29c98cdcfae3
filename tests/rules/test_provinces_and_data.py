"""Province overrides as data: the same order passes in one province and fails in another where the sources say
so; an operator's edit changes the verdict at once and is recorded; words match across forms."""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

import pytest

from beian.registry.models import Province
from beian.rules.data import text_normalize
from beian.rules.engine import catalogue_version, rules_run
from beian.rules.models import DomainRegistration, ProvinceRule, RuleDataEdit, Word, WordCategory
from tests.rules.cases import TODAY, rid
from tests.rules.world import context_for


def _codes(world, base, edit, code):
    ctx = context_for(world, base, edit)
    return [f for f in rules_run(ctx) if f.code == code]


def _in(province, edit=None):
    def apply(state):
        state["entity"]["province"] = province
        if edit:
            edit(state)

    return apply


@pytest.mark.parametrize("passes, fails, base, edit, code", [
    # A 15-year-old: Guizhou ≥ 14, Beijing (national default) ≥ 18 (icp §5.6).
    ("520000", "110000", "bj_new",
     lambda s: s["entity"]["principal"].update(certificate_number=rid("520102", "20110214")), "PRINCIPAL_MIN_AGE"),
    # Two websites of an organisation in one order: Zhejiang (≤ 10) vs Hunan (1 per order) (icp §5.2).
    ("330000", "430000", "zj_new", None, "ORDER_WEBSITE_LIMIT"),
    # .org: fileable nationally, not in the Beijing list (icp §5.3, T10).
    ("330000", "110000", "zj_new", lambda s: s["websites"][0].update(domains=["yunqi-net.org"]),
     "DOMAIN_TLD_NOT_FILEABLE"),
    # An individual with another province's ID: Shanghai asks for residence proof, Xinjiang refuses (icp §5.4).
    ("310000", "650000", "bj_new", None, "INDIVIDUAL_RESIDENCE"),
])
def test_same_order_passes_in_one_province_and_fails_in_another(world, passes, fails, base, edit, code):
    ok = _codes(world, base, _in(passes, edit), code)
    bad = _codes(world, base, _in(fails, edit), code)
    assert not [f for f in ok if f.severity == "error"], ok
    assert [f for f in bad if f.severity == "error"], bad


def test_domain_validity_45_days_in_shandong_3_months_elsewhere(world):
    DomainRegistration.objects.create(domain="yunqi-net.cn", expires_on=TODAY + dt.timedelta(days=60),
                                      real_name_verified=True, holder="杭州云栖网络科技有限公司")
    assert not _codes(world, "zj_new", _in("370000"), "DOMAIN_REGISTRATION_EXPIRING")
    assert _codes(world, "zj_new", _in("330000"), "DOMAIN_REGISTRATION_EXPIRING")


def test_an_override_edited_as_data_changes_the_verdict_and_is_recorded(world, operator):
    nineteen = rid("330102", "20070101")

    def edit(state):
        state["entity"]["principal"].update(certificate_number=nineteen)

    assert not _codes(world, "zj_new", edit, "PRINCIPAL_MIN_AGE")
    version_before = catalogue_version()

    row = ProvinceRule(province=Province.objects.get(code="330000"), min_age=21, source="test: CA notice")
    row._actor = operator
    row.save()

    found = _codes(world, "zj_new", edit, "PRINCIPAL_MIN_AGE")
    assert [f.value for f in found] == ["19"]
    assert catalogue_version() != version_before
    log = RuleDataEdit.objects.filter(model="ProvinceRule", object_id=row.pk).get()
    assert log.action == "create" and log.after["min_age"] == 21 and log.actor == operator

    row.min_age = None  # back to the national default (18): the verdict follows
    row.save()
    assert not _codes(world, "zj_new", edit, "PRINCIPAL_MIN_AGE")
    update = RuleDataEdit.objects.filter(model="ProvinceRule", object_id=row.pk, action="update").get()
    assert update.before["min_age"] == 21 and update.after["min_age"] is None
    with pytest.raises(PermissionError):
        update.delete()


def test_a_word_added_by_the_operator_is_matched_in_every_form(world):
    assert not _codes(world, "zj_new", lambda s: s["websites"][0].update(name="云栖鬥地主"), "CONTENT_FORBIDDEN_WORD")
    Word.objects.create(category=WordCategory.objects.get(code="gambling"), word="斗地主")
    found = _codes(world, "zj_new", lambda s: s["websites"][0].update(name="云栖鬥 地主"), "CONTENT_FORBIDDEN_WORD")
    assert [f.value for f in found] == ["斗地主"]
    assert RuleDataEdit.objects.filter(model="Word", action="create").exists()


def test_province_only_word_applies_in_that_province_only(world):
    cat = WordCategory.objects.get(code="personal_forbidden")
    Word.objects.create(category=cat, word="笔记", province=Province.objects.get(code="110000"))
    assert _codes(world, "bj_new", None, "WEBSITE_NAME_PERSONAL_FORBIDDEN_WORD")  # 小明的技术笔记 in Beijing
    assert not _codes(world, "bj_new", _in("310000"), "WEBSITE_NAME_PERSONAL_FORBIDDEN_WORD")


@pytest.mark.parametrize("text, expected", [
    ("賭博", "赌博"), ("赌 博", "赌博"), ("ＢＢＳ论坛", "bbs论坛"), ("中國·人民", "中国人民"), ("P２P", "p2p"),
    ("網絡　遊戲", "网络游戏"),
])
def test_text_normalisation(text, expected):
    assert text_normalize(text) == expected


def test_only_one_row_of_national_defaults(db):
    with pytest.raises(ValueError):
        ProvinceRule(province=None, min_age=16).save()


RULE_MODULES = ["engine", "data", "helpers", "name_rules", "content_rules", "principal_rules", "domain_rules",
                "region_rules", "workflow_rules", "preflight", "domain_facts"]


def _short(name: str) -> str:
    for suffix in ("维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "省", "市"):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


def test_no_province_name_or_abbreviation_in_the_rule_code(db):
    provinces = list(Province.objects.all())
    names = {p.name for p in provinces} | {_short(p.name) for p in provinces}
    abbrs = {a for p in provinces for a in p.all_abbrs}
    root = Path(__file__).resolve().parents[2] / "beian" / "rules"
    hits = []
    for module in RULE_MODULES:
        tree = ast.parse((root / f"{module}.py").read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                text = node.value
                if any(n in text for n in names) or text in abbrs or any(f"{a}ICP" in text for a in abbrs):
                    hits.append(f"{module}.py:{node.lineno}: {text[:60]!r}")
    assert len(names) >= 60 and not hits, "\n".join(hits)
