"""Whole journeys in Debian's Chromium driven by Playwright, in Chinese, against gunicorn + the task worker.

After the fixtures (users and filed entities seeded in the live site) every step is a UI action; the one side
channel is the SMS code, read from the recording SMS backend's table. Each journey uses its own applicant so the
tests stay independent (xdist may run them on different workers, each with its own live site). Every main page
is checked with axe-core (no serious or critical violation) and screenshotted into ``var/screenshots/``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.web.live import SCREENSHOTS

pytestmark = pytest.mark.slow

AXE = Path(__file__).resolve().parent / "vendor" / "axe-core-4.11.0.min.js"
ZJ_LEGAL_REP_MOBILE, ZJ_LEGAL_REP_SUFFIX = "13957112345", "010312"  # beian/registry/demo.py
BJ_MOBILE, BJ_SUFFIX = "13811112222", "140259"
SHOP_MOBILE, SHOP_SUFFIX = "13957198765", "120523"


def axe_clean(page, name: str) -> None:
    """Inject axe-core 4.11.0 and fail on any serious or critical violation; save a screenshot."""
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate("""async () => {
        const r = await axe.run(document, {resultTypes: ["violations"]});
        return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                       targets: v.nodes.slice(0, 3).map(n => n.target.join(" "))}));
    }""")
    bad = [v for v in violations if v["impact"] in ("serious", "critical")]
    assert not bad, f"{name}: {bad}"
    shot(page, name)


def shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def follow(locator) -> None:
    """Click a button or link that loads a new page, and wait for that page.

    Every action here is a server-rendered form or link; reading the page right after a bare click can read the
    old or a half-loaded document (CI failed on that twice)."""
    with locator.page.expect_navigation():
        locator.click()


def order_state(page) -> str:
    """The state badge of an order page; a page without one fails with the page's text (a refusal, an error)."""
    badge = page.locator("#order-state")
    if badge.count() == 0:
        raise AssertionError(f"no order state on {page.url}:\n" + page.locator("main").inner_text()[:2000])
    return badge.inner_text()


def order_id_of(page) -> int:
    return int(re.search(r"/orders/(\d+)/", page.url).group(1))


def fill_preflight(page, path: str, value: str) -> None:
    """Type into a field and wait for the htmx pre-flight answer (it also saves the draft)."""
    with page.expect_response(lambda r: "/preflight/" in r.url):
        page.locator(f'[id="{path}"]').fill(value)


def scan_png(label: str) -> bytes:
    """A colour "scan" (PNG) big enough for the upload checks."""
    import io

    from PIL import Image, ImageDraw

    image = Image.new("RGB", (1600, 1100), (250, 248, 240))
    draw = ImageDraw.Draw(image)
    for y in range(80, 1000, 60):
        draw.rectangle((120, y, 1480, y + 18), fill=(40, 40, 60))
    draw.text((140, 30), label, fill=(200, 0, 0))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def provide_materials(page) -> int:
    """Upload a scan for every requirement still open on the page and sign open agreements (all UI actions)."""
    done = 0
    for _ in range(10):
        sign = page.locator("#materials li.unmet form button", has_text="签署")
        if sign.count():
            # Wait for the reloaded page: counting the panel on a half-loaded page would end the loop early.
            follow(sign.first)
            done += 1
            continue
        upload = page.locator("#materials li.unmet form.upload")
        if not upload.count():
            return done
        form = upload.first
        code = form.locator('input[name="code"]').get_attribute("value")
        form.locator('input[type="file"]').set_input_files(
            files=[{"name": f"{code}.png", "mimeType": "image/png", "buffer": scan_png(code)}])
        follow(form.get_by_role("button", name="上传", exact=True))
        assert page.get_by_text("材料已上传").count(), page.locator("main").inner_text()[:1000]
        done += 1
    raise AssertionError("materials panel did not settle")


def review_claim_next(reviewer, order_id: int) -> None:
    reviewer.goto("/console/")
    follow(reviewer.get_by_role("button", name="领取下一个"))
    assert reviewer.url.endswith(f"/console/orders/{order_id}/"), reviewer.url


def sms_verify(live_site, chromium_page, *, phone: str, suffix: str, after: int) -> None:
    _, code = live_site.sms_code(phone, after_id=after)
    chromium_page.goto("/sms/")
    chromium_page.get_by_label("手机号码").fill(phone)
    chromium_page.get_by_label("证件号码后 6 位").fill(suffix)
    chromium_page.get_by_label("短信核验码").fill(code)
    follow(chromium_page.get_by_role("button", name="核验", exact=True))
    assert "核验成功" in chromium_page.locator("#sms-result").inner_text()


def test_entity_rename_returned_fixed_and_approved(live_site, open_as):
    applicant = open_as("zj_company")
    applicant.goto("/filings/")
    axe_clean(applicant, "01-filings")
    follow(applicant.get_by_role("button", name="变更备案"))
    assert "/edit/" in applicant.url
    first_name = "杭州云栖智能科技有限公司"
    fill_preflight(applicant, "entity.name", first_name)
    axe_clean(applicant, "02-change-form")
    # The new licence and the proof of the rename, uploaded on the form's materials panel.
    assert provide_materials(applicant) >= 2
    assert applicant.locator("#materials li.unmet").count() == 0
    assert applicant.locator('#materials li.met[data-requirement]').count() >= 2
    applicant.get_by_label("我已阅读并同意《ICP备案服务协议》，确认所填信息真实有效。").check()
    follow(applicant.get_by_role("button", name="同意协议并提交"))
    order_id = order_id_of(applicant)
    assert order_state(applicant) == "待初审"
    axe_clean(applicant, "03-order-submitted")

    reviewer = open_as("reviewer")
    reviewer.goto("/console/")
    axe_clean(reviewer, "04-review-queue")
    review_claim_next(reviewer, order_id)
    row = reviewer.locator('tr[data-path="entity.name"]')
    assert "杭州云栖网络科技有限公司" in row.locator("td.old").inner_text()
    assert first_name in row.locator("td.new").inner_text()
    axe_clean(reviewer, "05-review-order")
    reviewer.get_by_label("原因 1").select_option("INFO_INCONSISTENT")
    reviewer.get_by_label("标记字段").first.select_option("entity.name")
    reviewer.locator("#note_0").fill("名称与营业执照不一致")
    follow(reviewer.get_by_role("button", name="退回", exact=True))
    assert reviewer.url.endswith("/console/")

    applicant.goto(f"/orders/{order_id}/")
    assert order_state(applicant) == "已退回"
    assert "名称与营业执照不一致" in applicant.locator("#ret-h + ul").inner_text()
    follow(applicant.get_by_role("link", name="修改并重新提交"))
    flagged = applicant.locator(".field.flagged")
    assert flagged.count() == 1 and flagged.locator('[id="entity.name"]').count() == 1
    axe_clean(applicant, "06-returned-form")
    final_name = "杭州云栖智能网络科技有限公司"
    fill_preflight(applicant, "entity.name", final_name)
    follow(applicant.get_by_role("button", name="修改后重新提交"))
    assert order_state(applicant) == "待初审"

    sms_before = live_site.last_sms_id()
    review_claim_next(reviewer, order_id)
    follow(reviewer.get_by_role("button", name="初审通过"))
    reviewer.goto(f"/console/orders/{order_id}/")
    assert order_state(reviewer) == "待短信核验"

    principal = open_as(None)
    sms_verify(live_site, principal, phone=ZJ_LEGAL_REP_MOBILE, suffix=ZJ_LEGAL_REP_SUFFIX, after=sms_before)
    axe_clean(principal, "07-sms-page")

    bureau = open_as("bureau_zj")
    bureau.goto("/bureau/")
    follow(bureau.get_by_role("link", name=f"#{order_id}"))
    axe_clean(bureau, "08-bureau-order")
    follow(bureau.get_by_role("button", name="审核通过（生成备案号）"))
    assert order_state(bureau) == "已通过"
    assert re.fullmatch(r"浙ICP备\d{10}号", bureau.locator("#issued-entity").inner_text())

    applicant.goto(f"/orders/{order_id}/")
    assert order_state(applicant) == "已通过"
    assert applicant.locator("#approved-name").inner_text() == final_name
    assert "beian.miit.gov.cn" in applicant.locator(".footer-reminder").inner_text()
    axe_clean(applicant, "09-order-approved")
    applicant.goto("/filings/")
    assert applicant.locator("#entity-name").inner_text() == final_name
    # The worker delivered the in-system messages of the journey.
    applicant.goto("/inbox/")
    assert applicant.locator("article").count() >= 3
    axe_clean(applicant, "10-inbox")


def test_new_website_gets_the_next_number(live_site, open_as):
    applicant = open_as("bj_person")
    applicant.goto("/filings/")
    follow(applicant.get_by_role("button", name="新增网站"))
    key = "new1"
    fill_preflight(applicant, f"websites[{key}].name", "小明的读书笔记")
    fill_preflight(applicant, f"websites[{key}].home_url", "www.xiaoming-books.cn")
    fill_preflight(applicant, f"websites[{key}].domains", "xiaoming-books.cn")
    fill_preflight(applicant, f"websites[{key}].remarks", "个人读书笔记，无交互功能。")
    fill_preflight(applicant, f"websites[{key}].access[a1].ip_ranges", "39.107.20.6")
    assert provide_materials(applicant) >= 1
    applicant.get_by_label("我已阅读并同意《ICP备案服务协议》，确认所填信息真实有效。").check()
    follow(applicant.get_by_role("button", name="同意协议并提交"))
    assert order_state(applicant) == "待初审", applicant.content()[:4000]
    order_id = order_id_of(applicant)
    follow(applicant.get_by_role("button", name="开始核验"))  # the new website principal's identity check
    assert applicant.get_by_text("网站负责人真实性核验已通过。").is_visible()

    reviewer = open_as("reviewer")
    sms_before = live_site.last_sms_id()
    review_claim_next(reviewer, order_id)
    follow(reviewer.get_by_role("button", name="初审通过"))
    sms_verify(live_site, open_as(None), phone=BJ_MOBILE, suffix=BJ_SUFFIX, after=sms_before)

    bureau = open_as("bureau_bj")
    bureau.goto(f"/bureau/orders/{order_id}/")
    follow(bureau.get_by_role("button", name="审核通过（生成备案号）"))
    entity_number = bureau.locator("#issued-entity").inner_text()

    applicant.goto("/filings/")
    row = applicant.locator("tr", has_text="小明的读书笔记")
    assert row.locator("td.number").inner_text() == f"{entity_number}-2"


def test_cancel_website_on_a_phone(live_site, open_as):
    phone = {"width": 390, "height": 844}
    applicant = open_as("zj_shop", viewport=phone)
    applicant.goto("/filings/")
    axe_clean(applicant, "11-phone-filings")
    # Nothing is wider than the screen: the tables scroll inside their own boxes.
    assert applicant.evaluate("document.documentElement.scrollWidth") <= 390
    follow(applicant.get_by_role("button", name="注销网站 云栖优选"))
    assert order_state(applicant) == "待完善"
    axe_clean(applicant, "12-phone-cancel-order")
    provide_materials(applicant)
    follow(applicant.get_by_role("button", name="提交", exact=True))
    assert order_state(applicant) == "待初审", applicant.locator(".messages").inner_text()
    order_id = order_id_of(applicant)

    reviewer = open_as("reviewer", viewport=phone)
    review_claim_next(reviewer, order_id)
    follow(reviewer.get_by_role("button", name="初审通过"))  # no SMS check for cancel_website
    bureau = open_as("bureau_zj", viewport=phone)
    bureau.goto(f"/bureau/orders/{order_id}/")
    follow(bureau.get_by_role("button", name="审核通过（生成备案号）"))
    assert order_state(bureau) == "已通过"

    applicant.goto("/filings/")
    assert applicant.locator("tr", has_text="云栖优选").count() == 0
    assert applicant.locator("tr", has_text="云栖商城").count() == 1


def test_roles_cannot_reach_others_orders(live_site, open_as):
    owner = open_as("nobody")
    owner.goto("/filings/")
    assert owner.get_by_text("您还没有备案主体。").is_visible()
    follow(owner.get_by_role("button", name="开始首次备案"))
    order_id = order_id_of(owner)

    intruder = open_as("bj_person")
    response = intruder.goto(f"/orders/{order_id}/")
    assert response.status == 404
    assert intruder.get_by_role("heading", name="页面不存在").is_visible()
    assert intruder.goto(f"/orders/{order_id}/edit/").status == 404
    assert intruder.goto("/console/").status == 403

    reviewer = open_as("reviewer")
    assert reviewer.goto("/bureau/").status == 403
    assert reviewer.goto(f"/console/orders/{order_id}/").status == 404  # drafts are the applicant's own
    bureau = open_as("bureau_bj")
    assert bureau.goto("/console/").status == 403
    assert bureau.goto(f"/orders/{order_id}/edit/").status == 403
