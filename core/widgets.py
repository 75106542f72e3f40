"""Dashboard panels. Apps add theirs with ``register_widget`` in AppConfig.ready.

A widget is a callable ``(request) -> dict | None`` returning ``{"title", "template",
"context", "order"}``; None hides it for that viewer.
"""

from collections.abc import Callable

WIDGETS: list[Callable] = []


def register_widget(func: Callable) -> Callable:
    if func not in WIDGETS:
        WIDGETS.append(func)
    return func


def dashboard_widgets(request) -> list[dict]:
    panels = [panel for func in WIDGETS if (panel := func(request))]
    return sorted(panels, key=lambda p: p.get("order", 100))
