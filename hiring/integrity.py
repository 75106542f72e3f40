"""Integrity signals (HIR-4): shown to reviewers in tiers, never a rejection. Pure."""

from __future__ import annotations

import difflib
import re

NEAR_DUPLICATE = 0.85
MIN_COMPARED_CHARS = 40
SHINGLE_PREFILTER = 0.5  # share of three-word shingles two answers must have in common
FAST_SECONDS = 15  # a long free-text answer typed in less than this is worth a look
LEFT_PAGE_TOLERATED = 2

TIERS = (
    (0, "clear", "No concerns"),
    (1, "review", "Worth a look"),
    (4, "strong", "Strong signals"),
)


def _normal(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"[^\w\s]", "", text.lower())).strip()


def _shingles(words: list[str]) -> set[tuple[str, ...]]:
    return {tuple(words[i : i + 3]) for i in range(max(len(words) - 2, 1))}


def similarity(a: str, b: str) -> float:
    """0..1: how alike two free-text answers are, ignoring case, punctuation, spacing;
    0 for short answers and for pairs that cannot be near-identical.

    Three-word shingles first (set overlap, cheap): only pairs sharing at least half of
    them are compared character by character with ``difflib``."""
    a, b = _normal(a), _normal(b)
    if min(len(a), len(b)) < MIN_COMPARED_CHARS:
        return 0.0
    sa, sb = _shingles(a.split()), _shingles(b.split())
    if len(sa & sb) / len(sa | sb) < SHINGLE_PREFILTER:
        return 0.0
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


def signal_points(*, pasted: int, near_duplicates: int, left_page: int, fast_long: int) -> int:
    return 2 * pasted + 3 * near_duplicates + max(0, left_page - LEFT_PAGE_TOLERATED) + fast_long


def tier_of(points: int) -> tuple[str, str]:
    key, label = TIERS[0][1], TIERS[0][2]
    for threshold, k, lbl in TIERS:
        if points >= threshold:
            key, label = k, lbl
    return key, label
