"""Checks on the applicant's submission (HIR-3): speed-test link shapes, user agents,
classification (HIR-7). Pure."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

_SEGMENT = "[A-Za-z0-9_-]+"


def shape_regex(shape: str) -> re.Pattern:
    parts = [re.escape(p) for p in shape.strip().split("*")]
    return re.compile("^" + _SEGMENT.join(parts) + "/?$")


def speedtest_problem(url: str, shapes_text: str) -> str | None:
    """None if ``url`` is an https address matching one allow-listed shape."""
    url = (url or "").strip()
    if not url:
        return "Paste the address of your speed-test result."
    if len(url) > 300:
        return "That address is too long."
    try:
        URLValidator(schemes=["https"])(url)
    except ValidationError:
        return "That is not a web address starting with https://."
    shapes = [s.strip() for s in shapes_text.splitlines() if s.strip()]
    if not any(shape_regex(s).match(url) for s in shapes):
        examples = " or ".join(s.replace("*", "…") for s in shapes[:2])
        return f"That is not a speed-test result link we accept. Paste a link like {examples}."
    return None


_OS = (
    ("Windows NT 10", "Windows 10 or 11"),
    ("Windows", "Windows"),
    ("iPhone", "iOS"),
    ("iPad", "iPadOS"),
    ("CrOS", "ChromeOS"),
    ("Android", "Android"),
    ("Mac OS X", "macOS"),
    ("Linux", "Linux"),
)
_BROWSERS = (
    ("Edg/", "Microsoft Edge"),
    ("OPR/", "Opera"),
    ("Firefox/", "Firefox"),
    ("CriOS/", "Chrome"),
    ("Chrome/", "Chrome"),
    ("Safari/", "Safari"),
)


def system_from_user_agent(user_agent: str) -> tuple[str, str]:
    """(operating system, browser) guessed from a User-Agent header; "" when unknown."""
    ua = user_agent or ""
    os_name = next((name for token, name in _OS if token in ua), "")
    browser = next((name for token, name in _BROWSERS if token in ua), "")
    return os_name, browser


class Contract:
    LONG_TERM_HOURLY = "long_term_hourly"
    SHORT_TERM = "short_term"
    LABELS = {LONG_TERM_HOURLY: "Long-term hourly", SHORT_TERM: "Short-term project"}


def classification_problem(
    *, country: str, region: str, contract: str, override_reason: str
) -> tuple[str, bool] | None:
    """HIR-7. None if the hire may go ahead; else (message, whether an override helps)."""
    if (country or "").upper() != "US" or contract != Contract.LONG_TERM_HOURLY:
        return None
    if (region or "").strip().upper() in ("CA", "CALIFORNIA"):
        return (
            "A long-term hourly hire located in California is refused (classification).",
            False,
        )
    if not (override_reason or "").strip():
        return (
            "A US-located hire is limited to short-term projects unless a lead overrides "
            "with a reason.",
            True,
        )
    return None
