"""``{% chart spec %}``: draw a chart built by ``core.charts`` (SVG + its figures table)."""

from django import template

register = template.Library()


@register.inclusion_tag("core/charts/chart.html")
def chart(spec, csv_url=""):
    return {"c": spec, "csv_url": csv_url}
