"""Issue 14 deliverable 6: one charting approach. The shared helper's warning option and
the hiring funnel drawn by it."""

import pytest

from core.charts import bar_chart, hbar_chart
from escalations.views.breaches import compliance_chart


def test_bar_labels_under_the_threshold_get_the_warning_style():
    spec = bar_chart(
        ["w1", "w2", "w3"],
        [("Met", [9, 8, 10], "bar-met")],
        title="Compliance",
        labels=["95%", "80%", ""],
        label_values=[95, 80, None],
        warn_below=90,
    )
    assert [b["warn"] for b in spec["bars"]] == [False, True, False]


def test_compliance_chart_marks_weeks_under_90_percent():
    import datetime as dt

    weeks = [
        {"week": dt.date(2026, 11, 2), "met": 9, "breached": 1, "compliance": 90.0},
        {"week": dt.date(2026, 11, 9), "met": 8, "breached": 2, "compliance": 80.0},
    ]
    spec = compliance_chart(weeks)
    assert [b["warn"] for b in spec["bars"]] == [False, True]
    from django.template.loader import render_to_string

    html = render_to_string("core/charts/chart.html", {"c": spec})
    assert html.count("bar-label-warn") == 1 and "80%" in html


def test_horizontal_bars_scale_to_the_longest_and_keep_a_table():
    spec = hbar_chart(
        [("Applied", 4, "bar-stage"), ("Hired", 1, "bar-stage"), ("Rejected", 2, "bar-exit")],
        title="Applicants",
    )
    widths = [b["w"] for b in spec["bars"]]
    assert widths[0] == spec["track_w"] and widths[1] == pytest.approx(spec["track_w"] / 4)
    assert spec["table"].rows[0] == ["Applied", "4"]
