import pytest

from beian.lookup import ratelimit
from beian.registry.demo import beijing_individual_state, filed_entity_create, zhejiang_enterprise_state


@pytest.fixture(autouse=True)
def _fresh_limits(settings):
    """Each test starts with fresh rate-limit windows and no cached answers."""
    from django.core.cache import cache

    ratelimit.reset_local_leases()
    settings.BEIAN_LOOKUP_RATE_ADDRESS = "100000/60"
    settings.BEIAN_LOOKUP_RATE_TOKEN = "100000/60"
    yield
    ratelimit.reset_local_leases()
    try:
        cache.clear()
    except Exception:  # noqa: BLE001 - the cache table may not exist in a non-db test
        pass


@pytest.fixture
def zj_entity(applicant):
    """The applicant's filed enterprise in 浙江 with two websites (yunqi-net.cn -1, yunqi-cloud.com -2)."""
    return filed_entity_create(owner=applicant, state=zhejiang_enterprise_state())


@pytest.fixture
def bj_entity(other_applicant):
    return filed_entity_create(owner=other_applicant, state=beijing_individual_state())
