"""Public lookup (design.md §11): host names, numbers, names, cancelled/unfiled answers, no personal data, batch."""

from __future__ import annotations

import copy
import json

import pytest
from django.test import Client

from beian.lookup import selectors
from beian.registry.demo import beijing_individual_state, filed_entity_create, zhejiang_enterprise_state
from beian.registry.models import Domain, Entity, RecordStatus, Website


def _third_state(province="330000", name="杭州例子电子商务有限公司"):
    """An enterprise with an IDN, a .com.cn and a .gov.cn domain (each its own website)."""
    state = copy.deepcopy(zhejiang_enterprise_state())
    state["entity"]["name"] = name
    state["entity"]["province"] = province
    base = state["websites"][0]
    sites = []
    for i, domain in enumerate(["例子.中国", "yunqi.com.cn", "xihu.gov.cn"], start=1):
        sites.append({**copy.deepcopy(base), "key": f"n{i}", "name": f"例子网站{i}", "home_url": f"www.{domain}",
                      "domains": [domain]})
    state["websites"] = sites
    return state


@pytest.fixture
def third_entity(make_user):
    return filed_entity_create(owner=make_user("third", "applicant"), state=_third_state())


def _get(api, path, **params):
    from urllib.parse import urlencode

    return api().get(f"/api/lookup/{path}?{urlencode(params)}")


# ---------------------------------------------------------------- host names


@pytest.mark.parametrize("host, domain", [
    ("WWW.Shop.例子.中国.", "例子.中国"),
    ("www.shop.xn--fsqu00a.xn--fiqs8s", "例子.中国"),
    ("例子。中国", "例子.中国"),
    ("ＷＷＷ．ＹＵＮＱＩ．ｃｏｍ．ｃｎ", "yunqi.com.cn"),
    ("a.b.Yunqi.COM.cn.", "yunqi.com.cn"),
    ("www.xihu.gov.cn", "xihu.gov.cn"),
    ("  Docs.YUNQI-CLOUD.com  ", "yunqi-cloud.com"),
])
def test_host_names_are_normalised_to_the_registrable_domain(api, zj_entity, third_entity, host, domain):
    r = _get(api, "domain", host=host)
    assert r.status_code == 200, r.json_body
    body = r.json_body
    assert body["domain"] == domain and body["status"] == "filed" and body["query"] == host
    assert body["record"]["domain"] == domain
    site = Website.objects.get(domains__name=domain)
    assert body["record"]["website_number"] == site.number
    assert body["record"]["entity_number"] == site.entity.number


def test_a_government_sub_domain_is_its_own_filing(api, third_entity):
    assert _get(api, "domain", host="www.other.gov.cn").json_body["status"] == "unfiled"
    r = _get(api, "domain", host="gov.cn")
    assert r.status_code == 400 and r.json_body["errors"][0]["code"] == "DOMAIN_PUBLIC_SUFFIX"


@pytest.mark.parametrize("host, code", [
    ("http://yunqi-net.cn/", "DOMAIN_FORMAT"), ("1.2.3.4", "DOMAIN_IP_LITERAL"), ("a..cn", "DOMAIN_EMPTY_LABEL"),
    ("example.notatld", "DOMAIN_UNKNOWN_TLD"), ("x" * 301, "LOOKUP_QUERY_TOO_LONG"),
])
def test_bad_host_names_are_refused_in_the_error_shape(api, db, host, code):
    r = _get(api, "domain", host=host)
    assert r.status_code == 400
    assert r.json_body["errors"][0]["code"] == code and r.json_body["errors"][0]["field"] == "host"
    assert r.json_body["errors"][0]["message_zh"] and r.json_body["errors"][0]["message_en"]


def test_missing_host_parameter_is_a_422_in_the_error_shape(api, db):
    r = api().get("/api/lookup/domain")
    assert r.status_code == 422 and r.json_body["errors"][0]["field"] == "host"


def test_the_record_mirrors_miit(api, zj_entity):
    body = _get(api, "domain", host="www.yunqi-net.cn").json_body
    site = zj_entity.websites.get(suffix=1)
    assert body["record"] == {
        "entity_number": zj_entity.number, "entity_name": "杭州云栖网络科技有限公司", "entity_type": "企业",
        "website_number": site.number, "website_name": "云栖网络官网", "domain": "yunqi-net.cn",
        "home_url": "www.yunqi-net.cn", "approved_on": body["record"]["approved_on"], "access_limited": False,
        "status": "filed"}
    assert body["record"]["approved_on"] and len(body["record"]["approved_on"]) == 10
    assert body["message_zh"] == "已备案"


def test_unfiled_and_cancelled_domains_say_so(api, zj_entity):
    unfiled = _get(api, "domain", host="www.never-filed.cn").json_body
    assert (unfiled["status"], unfiled["record"], unfiled["domain"]) == ("unfiled", None, "never-filed.cn")
    assert unfiled["message_zh"] == "未备案"
    site = zj_entity.websites.get(suffix=2)
    # Cancel the website as the registry does (status on website and domains, never deleted).
    Website.objects.filter(pk=site.pk).update(status=RecordStatus.CANCELLED)
    Domain.objects.filter(website=site).update(status=RecordStatus.CANCELLED)
    body = _get(api, "domain", host="yunqi-cloud.com").json_body
    assert body["status"] == "cancelled" and body["record"]["status"] == "cancelled"
    assert body["message_en"] == "The filing has been cancelled"
    number = _get(api, "number", number=site.number).json_body
    assert number["status"] == "cancelled" and number["results"][0]["websites"][0]["status"] == "cancelled"


def test_a_refiled_domain_shows_the_active_filing_not_the_cancelled_one(api, zj_entity, other_applicant):
    site = zj_entity.websites.get(suffix=1)
    Website.objects.filter(pk=site.pk).update(status=RecordStatus.CANCELLED)
    Domain.objects.filter(website=site).update(status=RecordStatus.CANCELLED)
    state = beijing_individual_state()
    state["websites"][0]["domains"] = ["yunqi-net.cn"]
    bj = filed_entity_create(owner=other_applicant, state=state)
    body = _get(api, "domain", host="yunqi-net.cn").json_body
    assert body["status"] == "filed" and body["record"]["entity_number"] == bj.number
    batch = api().post("/api/lookup/batch", {"hosts": ["yunqi-net.cn"]}).json_body["results"][0]
    assert batch["status"] == "filed" and batch["record"]["entity_number"] == bj.number


# ---------------------------------------------------------------- numbers


def test_number_forms(api, zj_entity):
    site = zj_entity.websites.get(suffix=1)
    serial = zj_entity.number[len("浙ICP备"):-1]
    for text in (zj_entity.number, f" 浙icp备{serial}号 ", "浙ICP备" + serial.translate(str.maketrans(
            "0123456789", "０１２３４５６７８９")) + "号", f"浙ICP备{serial}"):
        body = _get(api, "number", number=text).json_body
        assert body["kind"] == "entity" and body["status"] == "filed", (text, body)
        assert body["number"] == zj_entity.number
        assert [w["website_number"] for w in body["results"][0]["websites"]] == [
            f"{zj_entity.number}-1", f"{zj_entity.number}-2"]
    for text in (site.number, f"浙ICP备{serial}号－1", f"浙ICP备{serial}-1号"):
        body = _get(api, "number", number=text).json_body
        assert body["kind"] == "website" and body["status"] == "filed", (text, body)
        assert [w["website_number"] for w in body["results"][0]["websites"]] == [site.number]
        assert body["results"][0]["websites"][0]["domains"] == ["yunqi-net.cn"]
    assert _get(api, "number", number=f"浙ICP备{serial}号-9").json_body["status"] == "unfiled"
    assert _get(api, "number", number="京ICP备2099000001号").json_body["status"] == "unfiled"


def test_sichuan_numbers_are_found_with_either_abbreviation(api, make_user):
    entity = filed_entity_create(owner=make_user("sc", "applicant"), state=_third_state("510000", "成都例子有限公司"))
    assert entity.number.startswith("蜀ICP备")
    body = _get(api, "number", number=entity.number.replace("蜀", "川")).json_body
    assert body["status"] == "filed" and body["results"][0]["entity_number"] == entity.number


@pytest.mark.parametrize("text, code", [("粤B2-20090059", "LOOKUP_NOT_A_FILING_NUMBER"),
                                        ("ICP123", "FILING_NUMBER_FORMAT"), ("", "FILING_NUMBER_REQUIRED")])
def test_bad_numbers_are_refused(api, db, text, code):
    r = _get(api, "number", number=text)
    assert r.status_code == 400 and r.json_body["errors"][0]["code"] == code


# ---------------------------------------------------------------- names


@pytest.mark.db_specific
def test_name_search_contains_and_prefix(api, zj_entity, bj_entity, third_entity):
    def names(**params):
        r = _get(api, "name", **params)
        assert r.status_code == 200, r.json_body
        return [e["entity_name"] for e in r.json_body["results"]]

    assert names(q="云栖") == ["杭州云栖网络科技有限公司"]            # 2 characters: the pairs index
    assert names(q="云栖网络") == ["杭州云栖网络科技有限公司"]        # ≥ 3: the trigram index
    assert names(q="例子电子") == ["杭州例子电子商务有限公司"]
    assert sorted(names(q="有限公司")) == ["杭州云栖网络科技有限公司", "杭州例子电子商务有限公司"]
    assert names(q="小明") == ["张小明"]
    assert names(q="杭州", mode="prefix") == ["杭州云栖网络科技有限公司", "杭州例子电子商务有限公司"]
    assert names(q="张", mode="prefix") == ["张小明"]
    assert names(q="云栖", mode="prefix") == []
    assert names(q="不存在的公司") == []
    # Paging: one at a time.
    first = _get(api, "name", q="有限公司", limit=1).json_body
    assert len(first["results"]) == 1 and first["next_after"]
    second = _get(api, "name", q="有限公司", limit=1, after=first["next_after"]).json_body
    assert second["results"][0]["entity_name"] != first["results"][0]["entity_name"]
    # The websites come along.
    body = _get(api, "name", q="云栖网络").json_body
    assert [w["domains"] for w in body["results"][0]["websites"]] == [["yunqi-net.cn"], ["yunqi-cloud.com"]]


@pytest.mark.db_specific
def test_name_search_follows_renames_and_cancellations(api, zj_entity):
    entity = Entity.objects.get(pk=zj_entity.pk)
    entity.name = "杭州星河数据服务有限公司"
    entity.save()  # the index row is written in the same transaction (post_save)
    assert _get(api, "name", q="云栖").json_body["results"] == []
    assert [e["entity_name"] for e in _get(api, "name", q="星河").json_body["results"]] == [entity.name]
    entity.status = RecordStatus.CANCELLED
    entity.save()
    assert _get(api, "name", q="星河").json_body["results"] == []


def test_name_search_input_limits(api, db):
    for params, code in (({"q": "云"}, "LOOKUP_QUERY_TOO_SHORT"), ({"q": " 云 "}, "LOOKUP_QUERY_TOO_SHORT"),
                         ({"q": "云" * 101}, "LOOKUP_QUERY_TOO_LONG"), ({"q": "", "mode": "prefix"},
                                                                       "LOOKUP_QUERY_TOO_SHORT")):
        r = _get(api, "name", **params)
        assert r.status_code == 400 and r.json_body["errors"][0]["code"] == code, params
    assert _get(api, "name", q="ab", mode="fuzzy").status_code == 422


@pytest.mark.db_specific
def test_name_search_treats_query_syntax_as_text(api, zj_entity):
    for q in ('云栖" OR "有限', "云栖%", "云_", 'name : "x"', "a*b", "NEAR(a b)"):
        r = _get(api, "name", q=q)
        assert r.status_code == 200 and r.json_body["results"] == [], q


# ---------------------------------------------------------------- no personal data


def _personal_values():
    values = set()
    for state in (zhejiang_enterprise_state(), beijing_individual_state()):
        people = [state["entity"]["principal"]] + [w["principal"] for w in state["websites"]]
        values |= {state["entity"]["certificate_number"], state["entity"]["certificate_address"],
                   state["entity"]["communication_address"]}
        for p in people:
            values |= {p["certificate_number"], p["mobile"], p["email"], p.get("emergency_phone") or ""}
            values.add(p["name"]) if p["name"] != state["entity"]["name"] else None  # an individual's name is public
    values |= {"47.96.10.21", "39.107.20.5", "中关村", "文三路"}
    return {v for v in values if v}


@pytest.mark.db_specific
def test_no_answer_carries_personal_data(api, zj_entity, bj_entity, operator):
    anonymous, staff = api(), api(operator)  # staff get the same public answer
    texts = []
    for client in (anonymous, staff):
        for path in ("domain?host=www.yunqi-net.cn", "domain?host=xiaoming-notes.cn",
                     f"number?number={zj_entity.number}", f"number?number={bj_entity.number}-1",
                     "name?q=有限公司", "name?q=小明", "name?q=张&mode=prefix"):
            r = client.get(f"/api/lookup/{path}")
            assert r.status_code == 200
            texts.append(json.dumps(r.json_body, ensure_ascii=False))
        r = client.post("/api/lookup/batch", {"hosts": ["yunqi-net.cn", "yunqi-cloud.com", "xiaoming-notes.cn"]})
        texts.append(json.dumps(r.json_body, ensure_ascii=False))
    page = Client().get("/lookup/", {"q": "yunqi-net.cn"}).content.decode()
    texts.append(page)
    joined = "\n".join(texts)
    assert "杭州云栖网络科技有限公司" in joined and "张小明" in joined
    leaks = [v for v in _personal_values() if v in joined]
    assert leaks == []


# ---------------------------------------------------------------- batch


def test_batch_answers_each_name_in_order(api, zj_entity, bj_entity):
    hosts = ["xiaoming-notes.cn", "http://bad/", "WWW.YUNQI-NET.CN", "unfiled-name.com", "docs.yunqi-cloud.com",
             "xiaoming-notes.cn"]
    r = api().post("/api/lookup/batch", {"hosts": hosts})
    assert r.status_code == 200
    results = r.json_body["results"]
    assert [x["query"] for x in results] == hosts
    assert [x.get("status") for x in results] == ["filed", None, "filed", "unfiled", "filed", "filed"]
    assert results[1]["errors"][0]["code"] == "DOMAIN_FORMAT" and results[1]["errors"][0]["field"] == "hosts[1]"
    assert results[0]["record"]["entity_name"] == "张小明"
    assert results[4]["domain"] == "yunqi-cloud.com"


def test_batch_limits(api, zj_entity):
    ok = api().post("/api/lookup/batch", {"hosts": [f"h{i}.yunqi-net.cn" for i in range(100)]})
    assert ok.status_code == 200 and len(ok.json_body["results"]) == 100
    assert {x["status"] for x in ok.json_body["results"]} == {"filed"}
    r = api().post("/api/lookup/batch", {"hosts": ["a.cn"] * 101})
    assert r.status_code == 400 and r.json_body["errors"][0]["code"] == "LOOKUP_BATCH_TOO_LARGE"
    r = api().post("/api/lookup/batch", {"hosts": "a.cn"})
    assert r.status_code == 422
    assert api().post("/api/lookup/batch", {"hosts": []}).json_body == {"results": []}


# ---------------------------------------------------------------- page and footer snippet


def test_public_page_in_both_languages_with_footer_snippet(zj_entity, db):
    client = Client()
    site = zj_entity.websites.get(suffix=1)
    zh = client.get("/lookup/", {"q": "WWW.yunqi-net.cn"})
    assert zh.status_code == 200
    text = zh.content.decode()
    assert "已备案" in text and site.number in text and "杭州云栖网络科技有限公司" in text
    assert selectors.footer_snippet(site.number) in text.replace("&lt;", "<").replace("&gt;", ">").replace(
        "&quot;", '"')
    assert 'href="https://beian.miit.gov.cn/"' in text
    en = client.get("/lookup/", {"q": "yunqi-net.cn"}, HTTP_ACCEPT_LANGUAGE="en")
    assert "Filed" in en.content.decode()
    by_number = client.get("/lookup/", {"q": site.number}).content.decode()
    assert "beian.miit.gov.cn" in by_number  # a website number gets the snippet too
    unfiled = client.get("/lookup/", {"q": "nobody-filed-this.cn"}).content.decode()
    assert "未备案" in unfiled and "beian.miit.gov.cn" not in unfiled
    bad = client.get("/lookup/", {"q": "http://x/", "kind": "domain"})
    assert bad.status_code == 400 and "不要包含" in bad.content.decode()
    assert client.get("/lookup/", {"q": "云栖网络", "kind": "name"}).status_code == 200


def test_footer_snippet_links_the_number_to_miit():
    assert selectors.footer_snippet("浙ICP备2024012345号-1") == (
        '<a href="https://beian.miit.gov.cn/" target="_blank" rel="noopener">浙ICP备2024012345号-1</a>')
    assert "&lt;" in selectors.footer_snippet("<script>")


def test_ping_is_bare(api, db):
    r = api().get("/api/lookup/ping")
    assert r.status_code == 200 and r.json_body == {"ok": True}
