"""Hiring (HIR-4): cost of the near-duplicate check of one free-text answer.

A submission compares each free-text answer with up to 500 other applicants' answers to
the same question. Worst case for the prefilter: every answer drawn from the same small
support vocabulary (so character-level quick ratios are high). Prints the time for 500
comparisons and checks that a lightly edited copy is still caught.
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from hiring.integrity import NEAR_DUPLICATE, similarity  # noqa: E402

WORDS = [
    "order",
    "parcel",
    "refund",
    "buyer",
    "seller",
    "tracking",
    "carrier",
    "delay",
    "apologise",
    "check",
    "status",
    "timeline",
    "remedy",
    "policy",
    "today",
    "tomorrow",
    "week",
    "customs",
    "address",
    "reship",
    "full",
    "amount",
    "thank",
    "patience",
    "sorry",
]
REPLY = (
    "I would apologise for the delay, check the order status in the admin panel, explain the "
    "shipping timeline to the buyer and offer a refund if the parcel is lost."
)


def main() -> None:
    rng = random.Random(1)
    answers = [" ".join(rng.choice(WORDS) for _ in range(60)) for _ in range(500)]
    target = answers[0] + " thanks"
    start = time.perf_counter()
    hits = sum(similarity(target, other) >= NEAR_DUPLICATE for other in answers)
    elapsed = (time.perf_counter() - start) * 1000
    copy = REPLY.replace("apologise", "apologize").upper()
    print(f"500 comparisons of 60-word answers: {elapsed:.1f} ms, near-duplicates found: {hits}")
    print(f"edited copy similarity: {similarity(REPLY, copy):.2f} (threshold {NEAR_DUPLICATE})")


if __name__ == "__main__":
    main()
