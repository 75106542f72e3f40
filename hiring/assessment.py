"""The assessment (HIR-4): a reproducible per-applicant draw, scoring, question images."""

from __future__ import annotations

import io
import random
import textwrap
from collections.abc import Sequence

QUESTIONS_PER_DRAW = 8


def draw_questions(seed: int, bank: Sequence[tuple[int, int]], *, count: int = QUESTIONS_PER_DRAW):
    """``bank`` is (question id, number of options) pairs. The same seed and bank always
    give the same questions in the same order with the same option order."""
    rng = random.Random(seed)
    ids = sorted(bank)
    picked = rng.sample(ids, min(count, len(ids)))
    draw = []
    for qid, n_options in picked:
        order = list(range(n_options))
        rng.shuffle(order)
        draw.append({"q": qid, "options": order})
    return draw


def choice_points(answers: dict[int, int | None], questions: dict[int, tuple[int, int]]) -> int:
    """Sum of points for correct choices. ``questions``: id -> (correct index, points)."""
    total = 0
    for qid, (correct, points) in questions.items():
        if answers.get(qid) is not None and answers.get(qid) == correct:
            total += points
    return total


def question_png(text: str, *, width: int = 640) -> bytes:
    """The question text drawn as a PNG (Pillow), so it cannot be pasted into a search.

    Large type on a narrow canvas: shown at phone width (about 340 px) it still reads like
    the page's own text."""
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.load_default(size=34)
    lines = []
    for paragraph in text.splitlines() or [""]:
        lines.extend(textwrap.wrap(paragraph, width=32) or [""])
    line_height = 46
    image = Image.new("RGB", (width, 28 + line_height * len(lines)), "white")
    pen = ImageDraw.Draw(image)
    for i, line in enumerate(lines):
        pen.text((18, 14 + i * line_height), line, fill=(17, 24, 39), font=font)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
