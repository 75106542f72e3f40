"""Every navigation page is usable at 390 px (a phone) and 1280 px (a laptop), per role.

On the demo data (``manage.py seed_demo``), for an agent, a lead and an admin, each page
of the navigation and a few demo objects is opened in Debian's Chromium at both widths:
the document never scrolls sideways, no text box clips its text (an element with hidden
overflow whose content is wider than it), and badges stay one line high. Screenshots go
to ``tmp/artifacts/layout/`` (or ``$LAYOUT_SHOTS``) to be looked at.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from core.models import User

from ..people_pages import ROLES, pages_for, seed_demo

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = Path(
    os.environ.get(
        "LAYOUT_SHOTS", Path(__file__).resolve().parents[2] / "tmp" / "artifacts" / "layout"
    )
)
WIDTHS = {"phone": (390, 844), "laptop": (1280, 800)}

LAYOUT_PROBLEMS = """
() => {
  const out = [];
  const doc = document.documentElement;
  if (doc.scrollWidth > window.innerWidth) {
    const wide = [...document.querySelectorAll('body *')]
      .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
      .filter(e => !e.closest('.table-wrap') || e.classList.contains('table-wrap'))
      .slice(0, 3).map(e => e.tagName.toLowerCase() + '.' + [...e.classList].join('.'));
    out.push(`page scrolls sideways: ${doc.scrollWidth} > ${window.innerWidth} (${wide})`);
  }
  for (const el of document.querySelectorAll('body *')) {
    const cs = getComputedStyle(el);
    if (cs.display === 'none' || cs.visibility === 'hidden' || el.closest('.sr-only')) continue;
    if (el.clientWidth < 4 || el.closest('[hidden]')) continue;
    const hides = ['hidden', 'clip'].includes(cs.overflowX) || cs.textOverflow === 'ellipsis';
    if (hides && el.scrollWidth > el.clientWidth + 1 && el.innerText.trim()) {
      out.push(`clipped: ${el.tagName.toLowerCase()}.${[...el.classList].join('.')} ` +
               `"${el.innerText.trim().slice(0, 40)}"`);
    }
    if (el.classList.contains('badge')) {
      const h = el.getBoundingClientRect().height;
      if (h > parseFloat(cs.fontSize) * 2.6) {
        out.push(`badge ${h}px high: "${el.innerText.trim().slice(0, 30)}"`);
      }
    }
  }
  return out;
}
"""


@pytest.fixture
def demo(transactional_db):
    seed_demo()


def _session_cookie(user, base_url: str) -> dict:
    client = Client()
    client.force_login(user)
    return {
        "name": settings.SESSION_COOKIE_NAME,
        "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
        "url": base_url,
    }


@pytest.mark.parametrize("role", list(ROLES))
def test_navigation_pages_fit_phone_and_laptop_widths(
    chromium_required, live_server, browser, demo, role
):
    user = User.objects.get(username=ROLES[role])
    pages = pages_for(user)
    SHOTS.mkdir(parents=True, exist_ok=True)
    problems = []
    for width, height in WIDTHS.values():
        context = browser.new_context(viewport={"width": width, "height": height})
        context.add_cookies([_session_cookie(user, live_server.url)])
        page = context.new_page()
        try:
            for name, path in pages:
                response = page.goto(f"{live_server.url}{path}")
                assert response is not None and response.status == 200, (name, path)
                page.wait_for_load_state("networkidle")
                slug = name.replace(":", "-")
                page.screenshot(path=str(SHOTS / f"{role}-{slug}-{width}.png"), full_page=True)
                for problem in page.evaluate(LAYOUT_PROBLEMS):
                    problems.append(f"{role} {name} at {width}px: {problem}")
        finally:
            context.close()
    assert not problems, "\n".join(problems)
