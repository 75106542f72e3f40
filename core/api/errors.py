"""One JSON error format for the whole API (API-4).

    {"error": {"code": "<stable code>", "message": "<human text>", "fields": {...}}}

``fields`` appears on validation errors and names each offending field.
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation, TooManyFieldsSent
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from core.errors import DomainError

CODES = {
    exceptions.NotAuthenticated: "not_authenticated",
    exceptions.AuthenticationFailed: "authentication_failed",
    exceptions.PermissionDenied: "permission_denied",
    exceptions.NotFound: "not_found",
    exceptions.MethodNotAllowed: "method_not_allowed",
    exceptions.NotAcceptable: "not_acceptable",
    exceptions.UnsupportedMediaType: "unsupported_media_type",
    exceptions.Throttled: "throttled",
    exceptions.ParseError: "parse_error",
    exceptions.ValidationError: "validation_error",
}


def error_body(code: str, message: str, fields: dict | None = None) -> dict:
    body = {"code": code, "message": message}
    if fields:
        body["fields"] = fields
    return {"error": body}


def _flatten(detail) -> dict:
    if isinstance(detail, dict):
        return {
            key: [str(v) for v in value]
            if isinstance(value, list)
            else _flatten(value)
            if isinstance(value, dict)
            else [str(value)]
            for key, value in detail.items()
        }
    if isinstance(detail, list):
        return {"non_field_errors": [str(v) for v in detail]}
    return {"non_field_errors": [str(detail)]}


def _first_message(fields: dict) -> str:
    for key, value in fields.items():
        if isinstance(value, dict):
            return f"{key}: {_first_message(value)}"
        if value:
            return value[0] if key == "non_field_errors" else f"{key}: {value[0]}"
    return "Invalid input."


def exception_handler(exc, context):
    if isinstance(exc, RequestDataTooBig | TooManyFieldsSent):
        return Response(
            error_body("request_too_large", "The request body is too large."), status=413
        )
    if isinstance(exc, SuspiciousOperation):
        return Response(error_body("bad_request", "The request is malformed."), status=400)
    if isinstance(exc, DomainError):
        return Response({"error": exc.as_dict()}, status=exc.status)
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "message_dict"):
            exc = exceptions.ValidationError(detail=exc.message_dict)
        else:
            exc = exceptions.ValidationError(detail=exc.messages)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    code = next((c for cls, c in CODES.items() if isinstance(exc, cls)), None)
    if isinstance(exc, exceptions.ValidationError):
        fields = _flatten(exc.detail)
        response.data = error_body("validation_error", _first_message(fields), fields)
    else:
        detail = getattr(exc, "detail", str(exc))
        code = code or getattr(detail, "code", None) or "error"
        response.data = error_body(code, str(detail))
    return response


@csrf_exempt
def api_not_found(request, *args, **kwargs):
    """JSON 404 for unknown routes under /api/, whatever the method (no CSRF check: a
    POST with a token to a wrong path is a 404, not Django's CSRF page)."""
    return JsonResponse(
        error_body("not_found", f"No API endpoint at {request.path}."),
        status=status.HTTP_404_NOT_FOUND,
    )
