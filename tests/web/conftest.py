import pytest
from django.test import Client

from beian.registry.demo import filed_entity_create, zhejiang_enterprise_state


@pytest.fixture
def zj_entity(applicant):
    return filed_entity_create(owner=applicant, state=zhejiang_enterprise_state())


@pytest.fixture
def browser_client():
    """``browser_client(user)`` → a Django test client signed in as ``user`` (pages, not the API)."""

    def make(user=None):
        client = Client()
        if user is not None:
            client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return make


# ---------------------------------------------------------------- browser tests (tests/web/test_browser.py)


@pytest.fixture(scope="session")
def live_site(tmp_path_factory):
    from tests.web.live import require_chromium, start_site

    require_chromium()
    site = start_site(tmp_path_factory.mktemp("live"))
    yield site
    site.stop()


@pytest.fixture(scope="session")
def chromium():
    from tests.web.live import CHROMIUM, LAUNCH_ARGS, require_chromium

    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def open_as(live_site, chromium):
    """``open_as(username, viewport=None)`` → a Playwright page of a fresh browser context, signed in through the
    login page (``None``: anonymous)."""
    from tests.web.live import PASSWORD

    contexts = []

    def make(username: str | None, *, viewport: dict | None = None):
        context = chromium.new_context(base_url=live_site.url, locale="zh-CN",
                                       viewport=viewport or {"width": 1280, "height": 900})
        context.set_default_timeout(15000)
        contexts.append(context)
        page = context.new_page()
        if username:
            page.goto("/accounts/login/")
            page.get_by_label("用户名").fill(username)
            page.get_by_label("密码").fill(PASSWORD)
            page.get_by_role("button", name="登录").click()
            page.wait_for_load_state()
            assert "/accounts/login/" not in page.url, f"login failed for {username}"
        return page

    yield make
    for context in contexts:
        context.close()
