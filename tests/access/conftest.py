"""Fixtures of the access harness: one user per role of design.md §2 and the lazily built objects."""

from __future__ import annotations

import pytest

from tests.access.harness import World


@pytest.fixture
def access_world(applicant, other_applicant, reviewer, bureau_zj, bureau_bj, operator):
    """Owner = ``applicant``; the owner's records are in 浙江, so ``bureau_zj`` is the own-province bureau."""
    return World({
        "owner": applicant,
        "other": other_applicant,
        "reviewer": reviewer,
        "bureau_own": bureau_zj,
        "bureau_other": bureau_bj,
        "operator": operator,
        "anonymous": None,
    })
