"""Every ``/api/`` answer is JSON, and hostile input stops at the door (API-4).

``InputGuardMiddleware`` (first in ``MIDDLEWARE``):

- refuses a control character in the path or in any query parameter (name or value)
  on every URL: 400, JSON under ``/api/`` naming the parameter (``path`` for the path),
  a plain page elsewhere; nothing downstream ever sees a NUL;
- refuses an ``/api/`` body larger than ``body_limit`` with a JSON 413 before it is
  read; page
  bodies are capped at ``PAGE_BODY_MAX_BYTES`` (the CSV form reports its own limit);
- turns any non-JSON error response under ``/api/`` (Django's CSRF page, a 405 of a
  plain view, a 404/400/500 page) into the JSON error shape of ``core.api.errors``.

``bad_request``/``permission_denied``/``page_not_found``/``server_error`` are the
``handler400``... of ``config/urls.py`` and ``csrf_failure`` is ``CSRF_FAILURE_VIEW``:
JSON under ``/api/``, the app's pages elsewhere (``templates/403.html``, ``404.html``,
``500.html`` in the site layout; every page refusal is ``raise PermissionDenied(message)``
and shows that message). ``RequestDataTooBig`` and
``TooManyFieldsSent`` are 413 under ``/api/``.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http import HttpResponse, JsonResponse
from django.views import defaults
from django.views.csrf import csrf_failure as django_csrf_failure

from core import validation

from .errors import error_body

log = logging.getLogger(__name__)

API_PREFIX = "/api/"
STATUS_CODES = {
    400: ("bad_request", "The request is malformed."),
    401: ("not_authenticated", "Authentication credentials were not provided."),
    403: ("permission_denied", "You do not have permission to perform this action."),
    404: ("not_found", "Not found."),
    405: ("method_not_allowed", "Method not allowed."),
    406: ("not_acceptable", "Could not satisfy the request Accept header."),
    413: ("request_too_large", "The request body is too large."),
    415: ("unsupported_media_type", "Unsupported media type."),
    429: ("throttled", "Request was throttled."),
    500: ("server_error", "Internal error; it has been logged."),
}


def is_api(request) -> bool:
    return request.path_info.startswith(API_PREFIX)


def json_error(status: int, *, code=None, message=None, field=None) -> JsonResponse:
    default_code, default_message = STATUS_CODES.get(status, ("error", "Request failed."))
    fields = {field: [message or default_message]} if field else None
    return JsonResponse(
        error_body(code or default_code, message or default_message, fields), status=status
    )


def _too_large_message(limit: int) -> str:
    return f"The request body is larger than {limit:,} bytes."


def body_limit(request) -> int:
    """Bulk imports (``.../import/``, up to 10,000 rows) get ``API_IMPORT_MAX_BYTES``,
    multipart bodies the CSV upload limit, everything else
    ``DATA_UPLOAD_MAX_MEMORY_SIZE``."""
    if request.path_info.endswith("/import/"):
        return settings.API_IMPORT_MAX_BYTES
    if request.META.get("CONTENT_TYPE", "").startswith("multipart/"):
        return settings.CSV_IMPORT_MAX_BYTES + 64 * 1024
    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE


class InputGuardMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        api = is_api(request)
        refused = self._refuse(request, api)
        if refused is not None:
            return refused
        response = self.get_response(request)
        if api and response.status_code >= 400 and not _is_json(response):
            response = json_error(response.status_code)
        return response

    def _refuse(self, request, api: bool):
        problem = validation.text_problem(request.path_info, multiline=False)
        if problem:
            return _bad("path", problem, api)
        try:
            items = list(request.GET.lists())
        except TooManyFieldsSent:
            return _bad("query", "Too many query parameters.", api)
        for key, values in items:
            problem = validation.text_problem(key, multiline=False)
            if problem:
                return _bad("query", f"A parameter name: {problem}", api)
            for value in values:
                problem = validation.text_problem(value, multiline=True)
                if problem:
                    return _bad(key, problem, api)
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = body_limit(request) if api else settings.PAGE_BODY_MAX_BYTES
        if length > limit:
            message = _too_large_message(limit)
            if api:
                return json_error(413, message=message)
            return HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")
        return None


def _is_json(response) -> bool:
    return "json" in response.get("Content-Type", "")


def _bad(field: str, problem: str, api: bool):
    message = f"{field}: {problem}"
    if api:
        return json_error(400, code="invalid", message=message, field=field)
    return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")


# Error views ------------------------------------------------------------------------------
def bad_request(request, exception=None):
    if not is_api(request):
        return defaults.bad_request(request, exception)
    if isinstance(exception, RequestDataTooBig | TooManyFieldsSent):
        return json_error(413)
    return json_error(400)


def permission_denied(request, exception=None):
    if not is_api(request):
        return forbidden_page(request, _denial_message(exception))
    return json_error(403)


def forbidden_page(request, message: str = "", status: int = 403):
    """The one "not allowed" page (templates/403.html) with a sentence for people."""
    from django.shortcuts import render

    return render(request, "403.html", {"message": message}, status=status)


def _denial_message(exception) -> str:
    """The message a view gave ``PermissionDenied``; nothing for Django's own bare ones."""
    if exception is None or not exception.args:
        return ""
    text = str(exception.args[0]) if isinstance(exception.args[0], str) else ""
    return text if text and text != "403 Forbidden" else ""


def page_not_found(request, exception=None):
    if not is_api(request):
        return defaults.page_not_found(request, exception)
    return json_error(404, message=f"No API endpoint at {request.path}.")


def server_error(request):
    if not is_api(request):
        return defaults.server_error(request)
    return json_error(500)


def csrf_failure(request, reason=""):
    if not is_api(request):
        if settings.DEBUG:
            return django_csrf_failure(request, reason)
        return forbidden_page(
            request,
            "This form was open too long or your session changed. Go back, reload the page "
            "and try again.",
        )
    return json_error(
        403,
        code="csrf_failed",
        message="CSRF check failed; API clients authenticate with a token (Authorization: "
        "Token ...) and send no session cookie.",
    )
