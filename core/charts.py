"""One charting approach for every chart (issue 14): server-rendered SVG from this helper,
drawn by one template (``core/charts/chart.html`` through ``{% chart %}`` in the
``charts`` tag library). Every chart carries its figures as a table (shown to screen
readers, and as CSV through ``chart_csv_response``).

Chart kinds: ``bars`` (stacked or single series per category), ``hbars`` (one horizontal
bar per row, e.g. a funnel), ``line`` (one series with gaps for missing values) and
``heatmap`` (rows x columns of counts, coloured in five levels). Bar labels can take a
warning style under a threshold (``warn_below``). Geometry is computed here; the template
only places it.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass, field

from django.http import HttpResponse

from .validation import csv_cell

LEVELS = 5


@dataclass
class Table:
    header: list[str]
    rows: list[list] = field(default_factory=list)


def _scale(value: float, *, integer: bool = True) -> tuple[float, int]:
    """A round top and its number of grid steps (about five; steps of 1, 2, 2.5 or 5 x
    10^k, whole numbers for counts)."""
    if value <= 0:
        return 1, 1
    raw = value / 5
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(f * magnitude for f in (1, 2, 2.5, 5, 10) if raw <= f * magnitude)
    if integer:
        step = max(1, math.ceil(step))
    lines = max(1, math.ceil(value / step - 1e-9))
    return step * lines, lines


def _grid(top: float, base: float, height: float, maximum: float, lines: int = 4):
    return [
        {"y": round(base - height * i / lines, 1), "value": _fmt(maximum * i / lines)}
        for i in range(lines + 1)
    ]


def _fmt(value) -> str:
    if value is None:
        return "—"
    number = float(value)
    return str(int(number)) if number == int(number) else f"{number:.1f}"


def bar_chart(
    categories: list[str],
    series: list[tuple[str, list[float], str]],
    *,
    title: str,
    width: int = 760,
    height: int = 240,
    labels: list[str] | None = None,
    label_values: list[float | None] | None = None,
    warn_below: float | None = None,
    timeline: bool = False,
    table: Table | None = None,
) -> dict:
    """Stacked bars: ``series`` is [(name, values per category, css class)]. ``labels`` are
    drawn on top of the bars; with ``warn_below``, a label whose number in ``label_values``
    is under that threshold is drawn in the warning style. ``timeline``: categories are
    periods in time order (on phones the chart opens at the latest)."""
    left, right, top, bottom = 40, width - 10, 22, height - 26
    totals = [sum(s[1][i] or 0 for s in series) for i in range(len(categories))]
    top_value = max(totals, default=0)
    maximum, lines = _scale(top_value, integer=all(float(t).is_integer() for t in totals))
    plot_h = bottom - top
    slot = (right - left) / max(len(categories), 1)
    bar_w = max(min(slot * 0.6, 60), 2)
    bars = []
    for i, category in enumerate(categories):
        x = left + slot * i + (slot - bar_w) / 2
        y = bottom
        parts = []
        for name, values, css in series:
            value = values[i] or 0
            h = plot_h * value / maximum
            y -= h
            if value:
                parts.append(
                    {
                        "y": round(y, 1),
                        "h": round(h, 1),
                        "css": css,
                        "name": name,
                        "value": _fmt(value),
                    }
                )
        bars.append(
            {
                "x": round(x, 1),
                "w": round(bar_w, 1),
                "cx": round(x + bar_w / 2, 1),
                "parts": parts,
                "label": category,
                "top_label": labels[i] if labels else "",
                "warn": _below(label_values[i] if label_values else None, warn_below),
                "label_y": round(y - 5, 1),
                "title": f"{category}: " + ", ".join(f"{s[0]} {_fmt(s[1][i])}" for s in series),
            }
        )
    if table is None:
        table = Table(
            ["", *[s[0] for s in series]],
            [[c, *[_fmt(s[1][i]) for s in series]] for i, c in enumerate(categories)],
        )
    return {
        "kind": "bars",
        "timeline": timeline,
        "title": title,
        "width": width,
        "height": height,
        "left": left,
        "right": right,
        "base": bottom,
        "label_y": height - 8,
        "grid": _grid(top, bottom, plot_h, maximum, lines),
        "bars": bars,
        "legend": [{"name": s[0], "css": s[2]} for s in series],
        "table": table,
        "empty": not any(totals),
    }


def _below(value, threshold) -> bool:
    return threshold is not None and value is not None and float(value) < float(threshold)


def hbar_chart(
    rows: list[tuple[str, float, str]],
    *,
    title: str,
    width: int = 380,
    row_height: int = 26,
    label_width: int = 140,
    table: Table | None = None,
) -> dict:
    """One horizontal bar per row, longest first in the caller's order: ``rows`` is
    [(label, value, css class)]; the value is written after each bar."""
    left, right, top = label_width, width - 34, 6
    maximum = max((v or 0 for _, v, _ in rows), default=0) or 1
    bars = []
    for i, (label, value, css) in enumerate(rows):
        y = top + i * row_height
        w = (right - left) * (value or 0) / maximum
        bars.append(
            {
                "y": y + 4,
                "h": row_height - 8,
                "w": round(w, 1),
                "mid": y + row_height / 2,
                "value_x": round(left + w + 6, 1),
                "css": css,
                "label": label,
                "value": _fmt(value),
            }
        )
    if table is None:
        table = Table(["", title], [[label, _fmt(v)] for label, v, _ in rows])
    return {
        "kind": "hbars",
        "title": title,
        "width": width,
        "max_width": round(width * 1.3),  # a little larger on wide screens, never huge
        "height": top * 2 + row_height * len(rows),
        "left": left,
        "label_x": left - 8,
        "track_w": right - left,
        "bars": bars,
        "table": table,
        "empty": not any(v for _, v, _ in rows),
    }


def line_chart(
    points: list[tuple[str, float | None]],
    *,
    title: str,
    y_max: float | None = None,
    width: int = 760,
    height: int = 200,
    table: Table | None = None,
    unit: str = "",
) -> dict:
    left, right, top, bottom = 40, width - 24, 16, height - 26
    values = [v for _, v in points if v is not None]
    if y_max:
        maximum, lines = y_max, int(y_max) if y_max <= 6 else 4
    else:
        maximum, lines = _scale(max(values, default=0), integer=False)
    plot_h = bottom - top
    step = (right - left) / max(len(points) - 1, 1)
    dots, segments, current = [], [], []
    for i, (label, value) in enumerate(points):
        x = round(left + step * i, 1)
        if value is None:
            if current:
                segments.append(current)
            current = []
            dots.append({"x": x, "label": label, "value": None})
            continue
        y = round(bottom - plot_h * float(value) / maximum, 1)
        current.append(f"{x},{y}")
        dots.append({"x": x, "y": y, "label": label, "value": _fmt(value)})
    if current:
        segments.append(current)
    if table is None:
        table = Table(["", title], [[label, _fmt(v)] for label, v in points])
    return {
        "kind": "line",
        "timeline": True,
        "title": title,
        "width": width,
        "height": height,
        "left": left,
        "right": right,
        "base": bottom,
        "label_y": height - 8,
        "grid": _grid(top, bottom, plot_h, maximum, lines),
        "paths": [" ".join(seg) for seg in segments],
        "dots": dots,
        "unit": unit,
        "table": table,
        "empty": not values,
    }


def heatmap(
    row_labels: list[str],
    col_labels: list[str],
    values: list[list[float | None]],
    *,
    title: str,
    titles: list[list[str]] | None = None,
    maximum: float | None = None,
    palette: str = "heat",
    table: Table | None = None,
    cell: int = 24,
) -> dict:
    """``values[r][c]``; cells coloured in ``LEVELS`` steps of ``maximum``; None is blank."""
    left, top = 54, 18
    flat = [v for row in values for v in row if v is not None]
    maximum = maximum or max(flat, default=0) or 1
    cells = []
    for r, row in enumerate(values):
        for c, value in enumerate(row):
            if value is None:
                continue
            level = 0 if value <= 0 else min(LEVELS - 1, 1 + int((LEVELS - 2) * value / maximum))
            cells.append(
                {
                    "x": left + c * cell,
                    "y": top + r * cell,
                    "cx": left + c * cell + (cell - 2) / 2,
                    "cy": top + r * cell + (cell - 2) / 2 + 1,
                    "level": level,
                    "text": _fmt(value) if value else "",
                    "title": titles[r][c]
                    if titles
                    else f"{row_labels[r]} {col_labels[c]}: {_fmt(value)}",
                }
            )
    if table is None:
        table = Table(
            ["", *col_labels],
            [
                [label, *[_fmt(v) for v in row]]
                for label, row in zip(row_labels, values, strict=True)
            ],
        )
    return {
        "kind": "heatmap",
        "title": title,
        "width": left + cell * len(col_labels) + 4,
        "height": top + cell * len(row_labels) + 4,
        "cell": cell,
        "row_label_x": left - 6,
        "inner": cell - 2,
        "palette": palette,
        "rows": [
            {"y": top + i * cell + cell / 2, "label": lab} for i, lab in enumerate(row_labels)
        ],
        "cols": [
            {"x": left + i * cell + cell / 2, "label": lab} for i, lab in enumerate(col_labels)
        ],
        "cells": cells,
        "table": table,
        "empty": not flat,
    }


def chart_csv_response(filename: str, table: Table) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerow([csv_cell(h) for h in table.header])
    for row in table.rows:
        writer.writerow([csv_cell(v) for v in row])
    return response
