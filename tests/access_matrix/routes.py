"""Every route of the app, enumerated from the OpenAPI schema and the URL conf.

Keys look like ``"GET /api/v1/cases/{reference}/"`` (API operations, the schema's path
templates) and ``"POST /cases/{reference}/claim/"`` (pages, Django routes written the same
way). Enumeration needs no database, so it runs at collection time.
"""

from __future__ import annotations

import inspect
import re
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver
from drf_spectacular.generators import SchemaGenerator

HTTP_METHODS = ("get", "post", "put", "patch", "delete")
PAGE_SKIP_PREFIXES = ("/api/", "/admin/", "/healthz/", "/static/", "/media/")
ADMIN_INDEX = "admin:index"


@dataclass(frozen=True)
class Route:
    method: str
    path: str  # template with {name} placeholders
    api: bool

    @property
    def key(self) -> str:
        return f"{self.method} {self.path}"

    def params(self) -> list[str]:
        return re.findall(r"{(\w+)}", self.path)


def api_routes() -> list[Route]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return [
        Route(method.upper(), path, api=True)
        for path, operations in schema["paths"].items()
        for method in operations
        if method in HTTP_METHODS
    ]


def _django_template(route: str) -> str:
    """``cases/<str:reference>/`` -> ``/cases/{reference}/``; a plain regex stays as is."""
    route = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)
    route = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"{\1}", route)
    return "/" + route.lstrip("^").rstrip("$").lstrip("/")


def _declared_methods(callback) -> tuple[str, ...]:
    """The methods a page view accepts: its ``require_http_methods`` list, a class-based
    view's handlers, or GET and POST for a function view that restricts nothing."""
    view_class = getattr(callback, "view_class", None)
    if view_class is not None:
        allowed = view_class.http_method_names
        return tuple(m.upper() for m in ("get", "post") if m in allowed and hasattr(view_class, m))
    func = callback
    while func is not None:
        allowed = inspect.getclosurevars(func).nonlocals.get("request_method_list")
        if allowed is not None:
            return tuple(m for m in ("GET", "POST") if m in allowed)
        func = getattr(func, "__wrapped__", None)
    return ("GET", "POST")


def _walk(resolver, prefix="", namespace=""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = namespace
            if entry.namespace:
                ns = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from _walk(entry, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
            yield prefix + str(entry.pattern), name, entry.callback


def page_routes() -> list[Route]:
    routes = []
    for pattern, name, callback in _walk(get_resolver()):
        path = _django_template(pattern)
        if name != ADMIN_INDEX and path.startswith(PAGE_SKIP_PREFIXES):
            continue
        routes.extend(Route(method, path, api=False) for method in _declared_methods(callback))
    return routes


def all_routes() -> dict[str, Route]:
    return {route.key: route for route in [*api_routes(), *page_routes()]}
