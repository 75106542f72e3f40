"""Factories build valid plain rows for every app (the foundation's test data kit)."""

import pytest

from .factories import (
    AgencyFactory,
    CaseFactory,
    FreelancerFactory,
    MacroFactory,
    TeamFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "factory_class",
    [TeamFactory, UserFactory, CaseFactory, MacroFactory, AgencyFactory, FreelancerFactory],
)
def test_factory_builds_a_valid_row(factory_class):
    obj = factory_class()
    obj.full_clean()
    assert obj.pk is not None


def test_factory_case_has_a_public_reference_esc_1(agent_api):
    case = CaseFactory(client_name="Grace Mensah")
    assert case.reference.startswith("ESC-")
    response = agent_api.get(f"/api/v1/cases/{case.reference}/")
    assert response.status_code == 200
    assert response.json()["client_name"] == "Grace Mensah"
