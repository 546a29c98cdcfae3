import pytest

from beian.registry.demo import beijing_individual_state, filed_entity_create, zhejiang_enterprise_state


@pytest.fixture
def zj_entity(applicant):
    """The applicant's filed enterprise in 浙江 with two websites (-1, -2)."""
    return filed_entity_create(owner=applicant, state=zhejiang_enterprise_state())


@pytest.fixture
def bj_entity(other_applicant):
    return filed_entity_create(owner=other_applicant, state=beijing_individual_state())
