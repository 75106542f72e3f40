"""The OpenAPI schema says what the API answers (API-1) with one error body (API-4).

The schema is generated in-process (no server); tests/api_fuzz/run.py checks the same
promises against the running app with schemathesis.
"""

import pytest
from drf_spectacular.generators import SchemaGenerator

ERROR_REF = "#/components/schemas/Error"
# Error bodies that carry more than the standard shape (the import report's rows, the
# invitation conflicts); their `error` object has the same code/message/fields.
ERROR_EXTENSIONS = {"#/components/schemas/ImportError", "#/components/schemas/InviteConflict"}
HTTP_METHODS = {"get", "post", "put", "patch", "delete"}


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def _operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method in HTTP_METHODS:
                yield f"{method.upper()} {path}", method.upper(), operation


def test_every_operation_documents_its_standard_errors_api_1(schema):
    missing = []
    for name, method, operation in _operations(schema):
        codes = set(operation["responses"])
        params = operation.get("parameters", [])
        expected = {"406", "429"}
        if "requestBody" in operation or any(p["in"] == "query" for p in params):
            expected.add("400")
        if any(p["in"] == "path" for p in params):
            expected |= {"400", "404"}  # a control character in the path is a 400
        if any(p["in"] == "query" and p["name"] == "page" for p in params):
            expected.add("404")
        if {} not in operation.get("security", [{}]):
            expected |= {"401", "403"}
        if "requestBody" in operation:
            expected |= {"413", "415"}
        if method != "GET":
            expected.add("409")
        if expected - codes:
            missing.append(f"{name}: {sorted(expected - codes)}")
    assert not missing, "\n".join(missing)


def test_authenticated_operations_document_401_and_403_api_1(schema):
    webhook = schema["paths"]["/api/v1/webhooks/tickets/"]["post"]
    assert "401" in webhook["responses"]  # signature refused, documented by the view
    case = schema["paths"]["/api/v1/cases/{reference}/"]["get"]
    assert {"401", "403", "404", "406", "429"} <= set(case["responses"])
    claim = schema["paths"]["/api/v1/cases/{reference}/claim/"]["post"]
    assert "409" in claim["responses"]


def test_every_error_response_is_the_error_component_api_4(schema):
    wrong = []
    for name, _method, operation in _operations(schema):
        for code, response in operation["responses"].items():
            if int(code) < 400:
                continue
            content = response.get("content", {})
            refs = {media.get("schema", {}).get("$ref") for media in content.values()}
            if not content or not refs <= {ERROR_REF} | ERROR_EXTENSIONS:
                wrong.append(f"{name} {code}: {refs or 'no body'}")
    assert not wrong, "\n".join(wrong)


def test_error_component_is_the_real_error_body_api_4(schema, api_client, agent_api):
    component = schema["components"]["schemas"]["Error"]
    detail_ref = component["properties"]["error"]["$ref"].rsplit("/", 1)[-1]
    detail = schema["components"]["schemas"][detail_ref]
    assert set(detail["required"]) == {"code", "message"}
    assert set(detail["properties"]) == {"code", "message", "fields"}

    bodies = [
        api_client.get("/api/v1/me/").json(),  # 401
        agent_api.get("/api/v1/cases/ESC-999999/").json(),  # 404
        agent_api.post("/api/v1/cases/", {"title": ""}, format="json").json(),  # 400
    ]
    for body in bodies:
        assert set(body) == {"error"}
        assert {"code", "message"} <= set(body["error"]) <= {"code", "message", "fields"}
        assert isinstance(body["error"]["code"], str) and body["error"]["message"]
    assert set(bodies[2]["error"]["fields"]) >= {"title", "client_name"}


def test_blank_optional_enum_and_email_read_as_null_api_1(schema, agent_api):
    response = agent_api.post(
        "/api/v1/cases/", {"title": "Blank optional columns", "client_name": "Ann"}, format="json"
    )
    assert response.status_code == 201
    body = response.json()
    assert body["client_email"] is None and body["contract_type"] is None

    case = schema["components"]["schemas"]["Case"]["properties"]
    assert case["client_email"]["nullable"] is True
    assert any(
        option == {"$ref": "#/components/schemas/NullEnum"} or option.get("nullable")
        for option in case["contract_type"].get("oneOf", [case["contract_type"]])
    )
    # the request side still validates: a malformed email is a 400 naming the field
    bad = agent_api.post(
        "/api/v1/cases/",
        {"title": "Bad email", "client_name": "Ann", "client_email": "not-an-email"},
        format="json",
    )
    assert bad.status_code == 400 and "client_email" in bad.json()["error"]["fields"]
