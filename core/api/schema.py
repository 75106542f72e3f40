"""OpenAPI fidelity (API-1, API-4): every operation documents the errors it can answer.

``ErrorAwareAutoSchema`` is drf-spectacular's ``AutoSchema`` plus the standard error
responses of ``core.api.errors`` (one body shape, the ``Error`` component), added from what
the operation is rather than listed by hand in each view:

- 400 when it takes a request body, query parameters or a path parameter (validation,
  malformed JSON, control characters in the path);
- 401 and 403 when it needs an authenticated caller (no credentials; role or object
  permission refused);
- 404 when its path has a parameter (unknown case, id, slug ...) or it is paginated (a
  ``page`` past the end);
- 406 always (an ``Accept`` header nothing renders);
- 409 for writes: every write calls one service, and services refuse state conflicts
  (illegal transition, already claimed, already decided ...) with ``core.errors.Conflict``;
- 413 and 415 when it takes a body (too large; a content type no parser reads);
- 429 always (throttling).

A response a view documents itself (its description, or a richer body such as the import
report) is kept; only missing codes are added.
"""

from __future__ import annotations

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse, extend_schema_field
from rest_framework import serializers

STANDARD_ERRORS = {
    "400": "Invalid input: `error.fields` names each offending field or parameter.",
    "401": "No valid credentials (token or session).",
    "403": "Authenticated, but this role or object is not allowed.",
    "404": "No such object (or not visible to the caller).",
    "406": "The `Accept` header asks for a format this endpoint cannot render.",
    "409": "Refused by the object's current state (e.g. illegal transition, already done).",
    "413": "The request body is too large.",
    "415": "The request body's content type is not supported.",
    "429": "Too many requests; retry after the `Retry-After` seconds.",
}


@extend_schema_field(
    {
        "type": "object",
        "additionalProperties": {
            "anyOf": [
                {"type": "array", "items": {"type": "string"}},
                {"type": "object", "additionalProperties": True},
            ]
        },
        "description": "Field or parameter name (nested names for nested input) -> messages.",
    }
)
class ErrorFieldsField(serializers.JSONField):
    pass


class ErrorDetailSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Stable, machine-readable (e.g. validation_error).")
    message = serializers.CharField(help_text="Human-readable; names the first bad field.")
    fields = ErrorFieldsField(required=False, help_text="On validation errors.")


class ErrorSerializer(serializers.Serializer):
    """The one error body of the API (core.api.errors)."""

    error = ErrorDetailSerializer()


def error_response(description: str) -> OpenApiResponse:
    return OpenApiResponse(ErrorSerializer, description=description)


def standard_error_codes(
    *,
    method: str,
    has_body: bool,
    has_query: bool,
    has_path_params: bool,
    paginated: bool,
    authenticated: bool,
) -> list[str]:
    codes = []
    if has_body or has_query or has_path_params:
        codes.append("400")
    if authenticated:
        codes += ["401", "403"]
    if has_path_params or paginated:
        codes.append("404")
    codes.append("406")
    if method not in ("GET", "HEAD", "OPTIONS"):
        codes.append("409")
    if has_body:
        codes += ["413", "415"]
    codes.append("429")
    return codes


class ErrorAwareAutoSchema(AutoSchema):
    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        parameters = operation.get("parameters", [])
        codes = standard_error_codes(
            method=self.method,
            has_body="requestBody" in operation,
            has_query=any(p.get("in") == "query" for p in parameters),
            has_path_params=any(p.get("in") == "path" for p in parameters),
            paginated=any(p.get("in") == "query" and p.get("name") == "page" for p in parameters),
            authenticated=bool(operation.get("security")) and {} not in operation["security"],
        )
        responses = operation["responses"]
        for code in codes:
            if code not in responses:
                responses[code] = self._get_response_for_code(
                    error_response(STANDARD_ERRORS[code]),
                    code,
                    media_types=["application/json"],
                )
        operation["responses"] = dict(sorted(responses.items()))
        return operation


__all__ = [
    "STANDARD_ERRORS",
    "ErrorAwareAutoSchema",
    "ErrorSerializer",
    "error_response",
    "standard_error_codes",
]
