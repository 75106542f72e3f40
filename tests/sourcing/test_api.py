"""The REST surface of sourcing: lists, filters, shortlist creation and the schema."""

import pytest
from drf_spectacular.generators import SchemaGenerator

from tests.factories import CaseFactory, TeamFactory

from .pool import add, add_agencies, build, job, row

pytestmark = pytest.mark.django_db


def test_freelancer_list_and_filters_src_1(agent_api):
    add_agencies({"external_id": "AG", "name": "Acme", "jss": 90})
    add(
        row("A", jss=95, skills=["figma"], country="DE", region="europe", agency="AG"),
        row("B", jss=None, badges=["rising_talent"], skills=["python"], jobs=[job()]),
    )
    url = "/api/v1/sourcing/freelancers/"
    assert agent_api.get(url).json()["count"] == 2
    assert [f["external_id"] for f in agent_api.get(url, {"skill": "Figma"}).json()["results"]] == [
        "A"
    ]
    assert agent_api.get(url, {"rising_talent": "true"}).json()["results"][0]["badges"] == [
        "Rising Talent"
    ]
    assert agent_api.get(url, {"country": "de"}).json()["count"] == 1
    assert agent_api.get(url, {"jss_min": 90}).json()["count"] == 1
    assert agent_api.get(url, {"agency": "AG"}).json()["count"] == 1
    assert agent_api.get(url, {"category": "design"}).json()["count"] == 2
    assert agent_api.get(url, {"search": "Freelancer B"}).json()["count"] == 1
    detail = agent_api.get(url + str(agent_api.get(url).json()["results"][0]["id"]) + "/")
    assert detail.status_code == 200 and "skills" in detail.json()


def test_create_shortlist_over_rest_src_5(agent_api, agent):
    add(row("A"))
    CaseFactory(reference="ESC-12", team=agent.team)
    body = {
        "title": "Support lead",
        "job_reference": "JOB-7",
        "case_reference": "ESC-12",
        "category": "design",
        "subcategory": "ux/ui design",
        "skills": ["FIGMA"],
        "budget": "12000",
    }
    response = agent_api.post("/api/v1/sourcing/shortlists/", body, format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["criteria"]["category"] == "Design" and data["criteria"]["skills"] == ["figma"]
    assert data["eligible_count"] == 1 and data["entries"][0]["invited"] is False
    listed = agent_api.get("/api/v1/sourcing/shortlists/", {"case_reference": "ESC-12"}).json()
    assert listed["count"] == 1 and listed["results"][0]["id"] == data["id"]


def test_shortlist_for_a_case_follows_the_case_access_core_8(agent_api, agent):
    """A case the caller does not work on cannot get a shortlist; a foreign case's
    shortlists are neither listed nor readable (404)."""
    add(row("A"))
    other = TeamFactory(name="Other team")
    CaseFactory(reference="ESC-13", team=other)
    body = {
        "title": "x",
        "case_reference": "ESC-13",
        "category": "design",
        "subcategory": "ux/ui design",
        "skills": ["FIGMA"],
        "budget": "100",
    }
    response = agent_api.post("/api/v1/sourcing/shortlists/", body, format="json")
    assert response.status_code == 400 and "case_reference" in response.json()["error"]["fields"]
    foreign = build(case_reference="ESC-13")  # by the system, for the other team
    assert agent_api.get(f"/api/v1/sourcing/shortlists/{foreign.pk}/").status_code == 404
    assert agent_api.get("/api/v1/sourcing/shortlists/").json()["count"] == 0


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"category": "Astrology", "skills": ["x"]}, "category"),
        ({"category": "Design", "subcategory": "Baking", "skills": ["x"]}, "subcategory"),
        ({"category": "Design", "skills": []}, "skills"),
        ({"category": "Design", "skills": ["x"], "regions": ["mars"]}, "regions"),
        ({"category": "Design", "skills": ["x"], "countries": ["USA"]}, "countries"),
        ({"category": "Design", "skills": ["x"], "budget": "-5"}, "budget"),
        ({"category": "Design", "skills": ["x"], "size": 500}, "size"),
    ],
)
def test_bad_criteria_are_400_naming_the_field_src_5(agent_api, body, field):
    response = agent_api.post("/api/v1/sourcing/shortlists/", body, format="json")
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]


def test_schema_documents_every_sourcing_endpoint():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    paths = schema["paths"]
    for path in [
        "/api/v1/sourcing/freelancers/",
        "/api/v1/sourcing/freelancers/import/",
        "/api/v1/sourcing/agencies/",
        "/api/v1/sourcing/agencies/import/",
        "/api/v1/sourcing/imports/{id}/",
        "/api/v1/sourcing/shortlists/",
        "/api/v1/sourcing/shortlists/{id}/",
        "/api/v1/sourcing/shortlists/{id}/invite/",
        "/api/v1/sourcing/shortlists/{id}/explain/",
        "/api/v1/sourcing/rules/current/",
    ]:
        assert path in paths, path
    invite = paths["/api/v1/sourcing/shortlists/{id}/invite/"]["post"]
    assert {"201", "409"} <= set(invite["responses"])
    explain = paths["/api/v1/sourcing/shortlists/{id}/explain/"]["get"]
    assert any(p["name"] == "freelancer" for p in explain["parameters"])
