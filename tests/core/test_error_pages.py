"""Error pages in the app's layout (issue 10); the API keeps answering JSON (API-4)."""

from __future__ import annotations

import pytest
from django.template import loader
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path",
    ["/sourcing/thresholds/", "/sourcing/import/", "/breaches/"],
)
def test_every_refused_page_is_the_one_styled_403_core_8(agent, path):
    client = Client()
    client.force_login(agent)
    response = client.get(path)
    assert response.status_code == 403
    assert [t.name for t in response.templates][0] == "403.html"
    html = response.content.decode()
    assert 'class="topbar"' in html and 'data-status="403"' in html
    assert "team leads and admins" in html  # the view's own sentence
    assert "<svg" in html and "⛔" not in html


def test_not_found_is_styled_without_debug_core_8(settings, agent):
    settings.DEBUG = False
    client = Client()
    client.force_login(agent)
    response = client.get("/cases/ESC-999999/")
    assert response.status_code == 404
    html = response.content.decode()
    assert 'data-status="404"' in html and 'class="topbar"' in html
    assert "ESC-999999" not in html.split('data-status="404"')[1]  # no internal message


def test_server_error_page_needs_no_request_or_database(django_assert_num_queries):
    with django_assert_num_queries(0):
        html = loader.get_template("500.html").render({})
    assert 'data-status="500"' in html and "Something went wrong" in html


def test_server_error_is_the_styled_page_and_json_under_api_api_4(settings):
    from django.test import RequestFactory

    from core.api.middleware import server_error

    settings.DEBUG = False
    page = server_error(RequestFactory().get("/queue/"))
    assert page.status_code == 500 and b'data-status="500"' in page.content
    api = server_error(RequestFactory().get("/api/v1/cases/"))
    assert api.status_code == 500 and api["Content-Type"].startswith("application/json")


def test_api_errors_stay_json_api_4(agent_api):
    response = agent_api.get("/api/v1/no-such-endpoint/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
