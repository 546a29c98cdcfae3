import pytest

from beian.rules.data import rules_data_reset


@pytest.fixture(autouse=True)
def _fresh_rules_data():
    """The rules' data snapshot is per process: start every test from the database's contents."""
    rules_data_reset()
    yield
    rules_data_reset()


@pytest.fixture
def world(applicant, other_applicant, make_user):
    from tests.rules.world import World

    return World(applicant, other_applicant, make_user)


@pytest.fixture
def zj_entity(applicant):
    """The applicant's filed demo enterprise in Zhejiang with two websites."""
    from beian.registry.demo import filed_entity_create, zhejiang_enterprise_state

    return filed_entity_create(owner=applicant, state=zhejiang_enterprise_state())
