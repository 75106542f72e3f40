"""SRC-5: the nearest misses of a shortlist, and the links between shortlists and cases."""

import pytest
from django.urls import reverse

from sourcing.models import Freelancer
from tests.factories import CaseFactory, TeamFactory

from .pool import add, build, job, row

pytestmark = pytest.mark.django_db


def pool():
    add(
        row("IN-1"),
        row("MISS-1", jss=78),  # fails one rule
        row("MISS-2", jss=70, english_level="basic"),  # fails two
        # Nothing in common with the job (no figma, no design work): never a near miss.
        row(
            "FAR",
            skills=["python"],
            jobs=[
                job(
                    category="Web/Mobile Development",
                    subcategory="Web Development",
                    skills=("python",),
                )
            ]
            * 4,
        ),
    )


def test_nearest_misses_fewest_failed_rules_first_in_words_src_5(agent_api):
    pool()
    shortlist = build()
    response = agent_api.get(f"/api/v1/sourcing/shortlists/{shortlist.pk}/near-misses/")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert [m["freelancer"]["external_id"] for m in body] == ["MISS-1", "MISS-2"]
    first = body[0]
    assert first["failed_count"] == 1
    assert [(r["rule"], r["message"]) for r in first["failed_rules"]] == [
        ("jss", "JSS 78, needs 80")
    ]
    assert [r["rule"] for r in body[1]["failed_rules"]] == ["jss", "english"]
    assert body[1]["failed_rules"][1]["message"] == "English Basic, needs Conversational"
    limited = agent_api.get(
        f"/api/v1/sourcing/shortlists/{shortlist.pk}/near-misses/", {"limit": "1"}
    )
    assert [m["freelancer"]["external_id"] for m in limited.json()] == ["MISS-1"]


@pytest.mark.parametrize("limit", ["0", "51", "abc", "²", "-1"])
def test_near_misses_limit_is_checked_src_5(agent_api, limit):
    pool()
    shortlist = build()
    response = agent_api.get(
        f"/api/v1/sourcing/shortlists/{shortlist.pk}/near-misses/", {"limit": limit}
    )
    assert response.status_code == 400
    assert "limit" in response.json()["error"]["fields"]


def test_near_misses_use_the_saved_rules_not_todays_src_5(agent_api):
    """The list re-evaluates with the shortlist's rule version: lowering min JSS later does
    not turn MISS-1 into someone who 'passes everything'."""
    from .pool import set_rules

    pool()
    shortlist = build()
    set_rules(min_jss=70)
    body = agent_api.get(f"/api/v1/sourcing/shortlists/{shortlist.pk}/near-misses/").json()
    assert body[0]["freelancer"]["external_id"] == "MISS-1"
    assert body[0]["failed_rules"][0]["message"] == "JSS 78, needs 80"


def test_shortlist_page_lists_near_misses_with_one_click_explain_src_5(client, agent):
    pool()
    shortlist = build()
    client.force_login(agent)
    page = client.get(f"/sourcing/shortlists/{shortlist.pk}/").content.decode()
    assert "MISS-1" in page and "JSS 78, needs 80" in page
    assert "FL-1001" not in page
    assert 'placeholder="e.g. MISS-1"' in page
    miss = Freelancer.objects.get(external_id="MISS-1")
    explain_url = f"/sourcing/shortlists/{shortlist.pk}/explain/?freelancer={miss.pk}"
    assert f'hx-get="{explain_url}"' in page
    explained = client.get(explain_url, HTTP_HX_REQUEST="true").content.decode()
    assert "Left out" in explained and "JSS 78, needs 80" in explained


def test_example_id_comes_from_the_pool_when_nobody_is_close_src_5(client, agent):
    add(row("ONLY"))
    shortlist = build()
    client.force_login(agent)
    page = client.get(f"/sourcing/shortlists/{shortlist.pk}/").content.decode()
    assert 'placeholder="e.g. ONLY"' in page and "Nobody left out came close" in page


def test_case_reference_links_to_the_case_for_those_who_see_it_core_8(client, agent, lead):
    add(row("A"))
    case = CaseFactory(reference="ESC-000042", team=agent.team)
    shortlist = build(actor=agent, case_reference="esc-000042")
    assert shortlist.case_reference == "ESC-000042"
    case_url = reverse("escalations:case-detail", args=[case.reference])
    client.force_login(agent)
    page = client.get(shortlist.get_absolute_url()).content.decode()
    assert f'<a href="{case_url}" class="mono">ESC-000042</a>' in page
    # The case page lists the shortlists made for it.
    case_page = client.get(case_url).content.decode()
    assert 'id="case-shortlists"' in case_page
    assert f'href="{shortlist.get_absolute_url()}"' in case_page


def test_no_link_to_a_case_the_viewer_cannot_see_core_8(client, admin_user):
    """An admin sees every shortlist; a shortlist naming a case that does not exist shows
    the reference as text, not a link to a 404."""
    add(row("A"))
    shortlist = build(case_reference="ESC-999999")
    client.force_login(admin_user)
    page = client.get(shortlist.get_absolute_url()).content.decode()
    assert '<span class="mono">ESC-999999</span>' in page
    assert "/cases/ESC-999999/" not in page


def test_case_page_lists_only_its_own_shortlists_core_8(client, agent):
    add(row("A"))
    mine = CaseFactory(reference="ESC-000050", team=agent.team)
    CaseFactory(reference="ESC-000051", team=TeamFactory(name="Other"))
    build(actor=agent, case_reference="ESC-000050", title="For fifty")
    build(case_reference="ESC-000051", title="For fifty-one")
    build(title="No case")
    client.force_login(agent)
    page = client.get(reverse("escalations:case-detail", args=[mine.reference])).content
    assert b"For fifty" in page and b"For fifty-one" not in page and b"No case" not in page
