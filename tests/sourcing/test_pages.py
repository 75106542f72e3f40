"""The shortlist builder and saved shortlist pages (htmx)."""

import pytest

from core.navigation import nav_for
from sourcing.models import Freelancer, Invitation, Shortlist

from .pool import add, build, row

pytestmark = pytest.mark.django_db
CRITERIA = {
    "title": "Checkout redesign",
    "job_reference": "JOB-1",
    "category": "Design",
    "subcategory": "UX/UI Design",
    "skills": "figma, prototyping",
    "size": "50",
}


def test_nav_entries_by_role(agent, lead):
    assert "sourcing:builder" in [i.url_name for i in nav_for(agent)]
    assert "sourcing:thresholds" not in [i.url_name for i in nav_for(agent)]
    assert {"sourcing:import", "sourcing:thresholds"} <= {i.url_name for i in nav_for(lead)}


def test_builder_builds_with_htmx_and_pushes_the_url_src_5(client, agent):
    add(row("A", jss=97, badges=["top_rated_plus"]), row("B", jss=60))
    client.force_login(agent)
    assert client.get("/sourcing/").status_code == 302
    assert client.get("/sourcing/shortlists/").status_code == 200
    response = client.post("/sourcing/shortlists/", CRITERIA, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    shortlist = Shortlist.objects.get()
    assert response["HX-Push-Url"] == f"/sourcing/shortlists/{shortlist.pk}/"
    html = response.content.decode()
    ranked, near_misses = html.split("Why not someone else?")
    assert "Freelancer A" in ranked and "Top Rated Plus" in ranked
    assert "Freelancer B" not in ranked and "Freelancer B" in near_misses  # 1 rule failed
    assert "Job success score" in html.lower() or "Job Success Score" in html
    assert "−1" in html  # the funnel shows B removed by the JSS rule


def test_builder_without_htmx_redirects_and_shows_errors(client, agent):
    client.force_login(agent)
    response = client.post("/sourcing/shortlists/", CRITERIA)
    assert response.status_code == 302
    bad = client.post("/sourcing/shortlists/", {**CRITERIA, "skills": ""}, HTTP_HX_REQUEST="true")
    assert bad["HX-Retarget"] == "#criteria"
    assert "This field is required" in bad.content.decode()


def test_invite_buttons_one_and_many_src_6(client, agent):
    add(row("A"), row("B"), row("C"))
    shortlist = build(job_reference="JOB-1")
    ids = {f.external_id: f.pk for f in Freelancer.objects.all()}
    client.force_login(agent)
    url = f"/sourcing/shortlists/{shortlist.pk}/invite/"
    one = client.post(url, {"one": ids["A"]}, HTTP_HX_REQUEST="true")
    assert "Invited 1 freelancer to job JOB-1" in one.content.decode()
    assert "</svg> Invited</span>" in one.content.decode()
    many = client.post(url, {"freelancer_ids": [ids["A"], ids["B"]]}, HTTP_HX_REQUEST="true")
    assert "already invited to job JOB-1" in many.content.decode()
    assert Invitation.objects.count() == 1
    many = client.post(url, {"freelancer_ids": [ids["B"], ids["C"]]})
    assert many.status_code == 302 and Invitation.objects.count() == 3


def test_shortlist_page_and_explain_partial_src_5(client, agent):
    add(row("A"), row("LOW", jss=78))
    shortlist = build()
    client.force_login(agent)
    page = client.get(f"/sourcing/shortlists/{shortlist.pk}/")
    assert page.status_code == 200 and "Why not someone else?" in page.content.decode()
    part = client.get(f"/sourcing/shortlists/{shortlist.pk}/explain/", {"freelancer": "LOW"})
    assert "JSS 78, needs 80" in part.content.decode()
    missing = client.get(f"/sourcing/shortlists/{shortlist.pk}/explain/", {"freelancer": "ZZ"})
    assert "No freelancer" in missing.content.decode()
