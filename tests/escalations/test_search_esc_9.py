"""ESC-9 case search through its public surfaces: the API, ``?search=`` on the list, the page.

Runs on SQLite (icontains) and on PostgreSQL (full-text + pg_trgm, with the plan checks).
"""

import pytest
from django.db import connection
from django.test import Client
from rest_framework.test import APIClient

from core.models import AccessSettings
from escalations.models import Case, Status
from escalations.services import case_claim, case_transition

SEARCH = "/api/v1/search/"
on_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL search (full-text, pg_trgm)"
)


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def page_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def refs(response) -> list[str]:
    assert response.status_code == 200, response.content[:500]
    return [row["reference"] for row in response.json()["results"]]


@pytest.fixture
def cases(make_case, agent):
    """Team A's cases, one per searchable field, claimed by ``agent``."""
    made = {
        "title": make_case(title="Refund for a broken mobile app", client_name="Una Ordinary"),
        "name": make_case(title="Milestone dispute", client_name="Margaret Thistlewood"),
        "email": make_case(
            title="Payment question", client_name="Pat Q", client_email="pat.quill@acme.io"
        ),
        "company": make_case(
            title="Invoice mix-up", client_name="Kim R", client_company="Brightwater Logistics"
        ),
        "ticket": make_case(
            title="Late delivery", client_name="Lee T", external_ticket_id="ZD-4471"
        ),
        "contract": make_case(
            title="Hours disputed", client_name="Moe C", contract_ids=["CT-88123", "CT-90001"]
        ),
        "freelancer": make_case(
            title="No reply for a week", client_name="Ada F", freelancer_name="Oskar Brennholz"
        ),
        "agency": make_case(
            title="Agency missed deadline",
            client_name="Bo A",
            freelancer_name="Pixelforge Studio",
            is_agency=True,
        ),
    }
    return {key: case_claim(case=case, agent=agent) for key, case in made.items()}


# Each field finds its case ---------------------------------------------------------------
@pytest.mark.parametrize(
    "key, q",
    [
        ("title", "broken mobile"),
        ("name", "Thistlewood"),
        ("name", "margaret thistlewood"),
        ("email", "pat.quill@acme.io"),
        ("company", "Brightwater"),
        ("ticket", "ZD-4471"),
        ("contract", "CT-88123"),
        ("contract", "CT-90001"),
        ("freelancer", "Brennholz"),
        ("agency", "Pixelforge"),
    ],
)
def test_each_field_finds_its_case_esc_9(cases, agent, key, q):
    found = refs(api(agent).get(SEARCH, {"q": q}))
    assert found and found[0] == cases[key].reference


def test_reference_in_any_spelling_finds_the_case_esc_9(cases, agent):
    case = cases["name"]
    for q in (case.reference, case.reference.lower(), str(case.pk), f"ESC-{case.pk}"):
        assert refs(api(agent).get(SEARCH, {"q": q}))[0] == case.reference, q


def test_result_rows_are_list_rows_with_rank_and_matched_esc_9(cases, agent):
    body = api(agent).get(SEARCH, {"q": "CT-88123"}).json()
    assert body["count"] == 1 and {"next", "previous"} <= set(body)
    row = body["results"][0]
    assert row["reference"] == cases["contract"].reference
    assert row["status"] == "claimed" and row["assignee"] == "agent"
    assert row["matched"] == ["contract_ids"] and row["rank"] >= 50


def test_exact_reference_ranks_first_esc_9(make_case, agent):
    target = make_case(title="Plain case", client_name="Someone")
    # Other cases that mention the target's number in their text.
    number = target.reference.split("-")[1]
    make_case(title=f"Follow-up of ESC-{number}", client_name=f"Client {number}")
    make_case(title=f"Duplicate of {target.reference}", client_name="Other")
    found = refs(api(agent).get(SEARCH, {"q": target.reference}))
    assert found[0] == target.reference


def test_exact_ticket_id_outranks_text_matches_esc_9(make_case, agent):
    text_hit = make_case(title="Customer mentions ZD-9000 and ZD-9001", client_name="X")
    exact = make_case(title="Something else", client_name="Y", external_ticket_id="ZD-9000")
    found = refs(api(agent).get(SEARCH, {"q": "ZD-9000"}))
    assert found[0] == exact.reference
    if text_hit.reference in found:
        assert found.index(text_hit.reference) > 0


def test_any_status_is_found_and_filterable_esc_9(make_case, agent):
    name = "Quintessa Holloway"
    made = {}
    for status in (Status.NEW, Status.CLAIMED, Status.RESOLVED, Status.CLOSED):
        case = make_case(title=f"{status} case", client_name=name)
        if status != Status.NEW:
            case = case_claim(case=case, agent=agent)
        if status in (Status.RESOLVED, Status.CLOSED):
            case = case_transition(case=case, to_status=Status.RESOLVED, actor=agent)
        if status == Status.CLOSED:
            case = case_transition(case=case, to_status=Status.CLOSED, actor=agent, reason="done")
        made[status] = case
    client = api(agent)
    assert set(refs(client.get(SEARCH, {"q": name}))) == {c.reference for c in made.values()}
    only = refs(client.get(SEARCH, {"q": name, "status": ["resolved", "closed"]}))
    assert set(only) == {made[Status.RESOLVED].reference, made[Status.CLOSED].reference}
    assert refs(client.get(SEARCH, {"q": name, "kind": "refund_request"})) == []


# Scoping (CORE-8) --------------------------------------------------------------------------
def test_search_never_shows_another_teams_case_esc_9(cases, agent, agent_b, team_b, admin_user):
    theirs = cases["contract"]
    for outsider in (agent_b, team_b.lead):
        for q in ("CT-88123", theirs.reference, "Moe C", "Hours disputed"):
            body = api(outsider).get(SEARCH, {"q": q}).json()
            assert body["count"] == 0 and theirs.reference not in str(body), q
            listed = api(outsider).get("/api/v1/cases/", {"search": q}).json()
            assert listed["count"] == 0 and theirs.reference not in str(listed), q
            page = page_client(outsider).get("/search/", {"q": q})
            html = page.content.decode()  # the query itself is echoed, never the row
            assert page.status_code == 200 and f"/cases/{theirs.reference}/" not in html
    # Team A and admins find it
    assert refs(api(agent).get(SEARCH, {"q": "CT-88123"})) == [theirs.reference]
    assert refs(api(admin_user).get(SEARCH, {"q": "CT-88123"})) == [theirs.reference]
    page = page_client(admin_user).get("/search/", {"q": "CT-88123"}).content.decode()
    assert f'href="/cases/{theirs.reference}/"' in page


def test_team_b_finds_its_own_case_but_not_team_a_with_the_same_name_esc_9(
    make_case, agent, agent_b
):
    mine = case_claim(case=make_case(title="A", client_name="Shared Name"), agent=agent)
    theirs = case_claim(
        case=make_case(actor=agent_b, title="B", client_name="Shared Name"), agent=agent_b
    )
    assert refs(api(agent_b).get(SEARCH, {"q": "Shared Name"})) == [theirs.reference]
    assert refs(api(agent).get(SEARCH, {"q": "Shared Name"})) == [mine.reference]


def test_cross_team_read_switch_widens_search_esc_9(cases, agent_b):
    row = AccessSettings.current()
    row.cross_team_read = True
    row.save()
    assert refs(api(agent_b).get(SEARCH, {"q": "CT-88123"})) == [cases["contract"].reference]


def test_search_needs_a_login_esc_9(cases):
    assert APIClient().get(SEARCH, {"q": "CT-88123"}).status_code in (401, 403)
    response = Client().get("/search/", {"q": "CT-88123"})
    assert response.status_code == 302 and "/login" in response["Location"]


# Bad input ---------------------------------------------------------------------------------
@pytest.mark.parametrize("params", [{}, {"q": ""}, {"q": "   "}, {"q": "x" * 201}])
def test_empty_or_too_long_q_is_400_naming_q_esc_9(agent, params):
    response = api(agent).get(SEARCH, params)
    assert response.status_code == 400
    assert "q" in response.json()["error"]["fields"]


def test_unknown_status_is_400_naming_status_esc_9(agent):
    response = api(agent).get(SEARCH, {"q": "x", "status": "bogus"})
    assert response.status_code == 400 and "status" in response.json()["error"]["fields"]


def test_list_search_too_long_is_400_and_empty_is_no_filter_esc_9(cases, agent):
    response = api(agent).get("/api/v1/cases/", {"search": "y" * 201})
    assert response.status_code == 400 and "search" in response.json()["error"]["fields"]
    assert api(agent).get("/api/v1/cases/", {"search": ""}).json()["count"] == len(cases)


@pytest.mark.parametrize("q", ["%", "_", "'; DROP TABLE x; --", "a & b | !c", '"unclosed', "<->"])
def test_odd_queries_never_fail_esc_9(cases, agent, q):
    assert api(agent).get(SEARCH, {"q": q}).status_code == 200
    assert api(agent).get("/api/v1/cases/", {"search": q}).status_code == 200
    assert page_client(agent).get("/search/", {"q": q}).status_code == 200


def test_pages_count_every_match_and_past_the_end_is_404_esc_9(make_case, agent):
    made = [make_case(title=f"Pagination probe {i}", client_name="Pat Pager") for i in range(5)]
    client = api(agent)
    first = client.get(SEARCH, {"q": "Pat Pager", "page_size": 2}).json()
    assert first["count"] == 5 and first["next"] and first["previous"] is None
    seen = [row["reference"] for row in first["results"]]
    for page in (2, 3):
        body = client.get(SEARCH, {"q": "Pat Pager", "page_size": 2, "page": page}).json()
        assert body["count"] == 5
        seen += [row["reference"] for row in body["results"]]
    assert sorted(seen) == sorted(c.reference for c in made) and len(set(seen)) == 5
    last = client.get(SEARCH, {"q": "Pat Pager", "page_size": 2, "page": "last"}).json()
    assert [row["reference"] for row in last["results"]] == seen[4:]
    for page in (4, 0, "x"):
        response = client.get(SEARCH, {"q": "Pat Pager", "page_size": 2, "page": page})
        assert response.status_code == 404, page
    assert client.get(SEARCH, {"q": "nothing like it", "page": 2}).status_code == 404
    empty = client.get(SEARCH, {"q": "nothing like it"}).json()
    assert empty["count"] == 0 and empty["results"] == []


# The list's ?search= is the same search -----------------------------------------------------
def test_list_search_is_the_same_search_ranked_esc_9(cases, agent):
    for q in ("CT-90001", "Pixelforge", "pat.quill@acme.io", cases["ticket"].reference):
        assert (
            refs(api(agent).get("/api/v1/cases/", {"search": q}))[:1]
            == refs(api(agent).get(SEARCH, {"q": q}))[:1]
        )
    ordered = api(agent).get("/api/v1/cases/", {"search": "a", "ordering": "created_at"})
    assert ordered.status_code == 200


# The page ------------------------------------------------------------------------------------
def test_search_page_rows_chips_and_empty_state_esc_9(cases, agent):
    client = page_client(agent)
    html = client.get("/search/", {"q": "Brightwater"}).content.decode()
    case = cases["company"]
    assert f'href="/cases/{case.reference}/"' in html and "Invoice mix-up" in html
    assert "Claimed" in html and "Kim R" in html
    for label in ("All statuses", "Resolved", "Closed"):
        assert label in html
    empty = client.get("/search/", {"q": "Brightwater", "status": "closed"}).content.decode()
    assert "No cases match" in empty and "Brightwater" in empty and "closed" in empty
    assert "Type something" in client.get("/search/").content.decode()
    assert client.get("/search/", {"q": "z" * 201}).status_code == 400


def test_every_page_has_the_search_box_esc_9(agent, lead, admin_user):
    for user in (agent, lead, admin_user):
        html = page_client(user).get("/").content.decode()
        assert 'role="search"' in html and 'action="/search/"' in html


# PostgreSQL: fuzzy names and the indexes ----------------------------------------------------
@on_postgres
def test_misspelt_name_is_found_on_postgres_esc_9(cases, agent):
    assert refs(api(agent).get(SEARCH, {"q": "Thistlewod"}))[0] == cases["name"].reference
    assert refs(api(agent).get(SEARCH, {"q": "Brightwatr"}))[0] == cases["company"].reference
    assert refs(api(agent).get(SEARCH, {"q": "Pixelforg Studio"}))[0] == cases["agency"].reference


@on_postgres
def test_misspelt_name_of_a_renamed_case_and_closest_first_on_postgres_esc_9(make_case, agent):
    case = make_case(title="Renamed later", client_name="Someone Else")
    Case.objects.filter(pk=case.pk).update(client_name="Wilhelmina Okonkwo")  # the trigger
    close = make_case(title="Closer", client_name="Wilhelmin Okonkwo")
    body = api(agent).get(SEARCH, {"q": "Wilhelmin Okonkow"}).json()
    found = [row["reference"] for row in body["results"]]
    assert found == [close.reference, case.reference] and body["count"] == 2
    assert body["results"][0]["rank"] > body["results"][1]["rank"]
    assert body["results"][0]["matched"] == []
    assert api(agent).get(SEARCH, {"q": "Qzxvbn"}).json()["count"] == 0


@on_postgres
def test_search_uses_the_indexes_on_postgres_esc_9(cases, admin_user):
    from escalations.search import case_search

    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        try:
            for q, trigram in (
                ("Thistlewood", "esc_case_trgm_client_name"),
                ("CT-88123", "esc_case_trgm_client_name"),
                # an email's substring match is on the email alone
                ("pat.quill@acme.io", "esc_case_trgm_client_email"),
            ):
                plan = case_search(user=admin_user, q=q).explain()
                for index in ("esc_case_search_document", "esc_case_contract_ids", trigram):
                    assert index in plan, (q, plan)
            assert "esc_case_trgm_client_name" not in plan, plan
            # a misspelt name: no match as typed, so the close words of the names are
            # looked up (migration 0006's table) and found by the full-text index
            plan = case_search(user=admin_user, q="Thistlewod").explain()
            assert "esc_case_search_document" in plan and "thistlewood" in plan, plan
        finally:
            cursor.execute("SET enable_seqscan = on")
    assert Case.objects.count() == len(cases)


# In Chromium: the top bar's box to the results, at 1280 and 390 px -------------------------
@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_top_bar_search_in_the_browser_esc_9(chromium_required, live_server, page, agent):
    import os
    from pathlib import Path

    from escalations.services import case_create

    shots = Path(os.environ.get("SCREENSHOT_DIR", Path(__file__).resolve().parents[2] / "var"))
    shots = shots / "screenshots" if shots.name == "var" else shots
    shots.mkdir(parents=True, exist_ok=True)
    for i, status in enumerate(["new", "claimed", "resolved"]):
        case = case_create(
            actor=agent,
            title=f"Brightwater invoice dispute number {i + 1} with a long title to wrap",
            client_name="Kim Ramirez-Oyelaran",
            client_company="Brightwater Logistics International",
            freelancer_name="Pixelforge Studio",
            is_agency=True,
        )
        if status != "new":
            case = case_claim(case=case, agent=agent)
        if status == "resolved":
            case_transition(case=case, to_status="resolved", actor=agent)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", agent.username)
    page.fill("#id_password", "pass-word-123")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    page.fill("#topsearch-q", "brightwater")
    page.press("#topsearch-q", "Enter")
    page.wait_for_url("**/search/?q=brightwater")
    assert page.locator("#search-results tbody tr").count() == 3
    page.screenshot(path=str(shots / "search-1280.png"), full_page=True)
    page.click("text=Resolved")
    assert page.locator("#search-results tbody tr").count() == 1
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 844})
        page.goto(f"{live_server.url}/search/?q=brightwater")
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"horizontal scroll at {width} px"
        page.screenshot(path=str(shots / f"search-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/search/?q=nothing-like-this")
    assert "No cases match" in page.content()
    page.screenshot(path=str(shots / "search-empty-390.png"), full_page=True)
