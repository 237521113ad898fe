"""Writes origin/api/openapi.json, the OpenAPI 3.0 document of the registry's HTTP API, served
at /openapi.json. Edit this file and run `python3 origin/api/openapi.py`; the test
`openapi_matches_the_router` (origin/tests/openapi.rs) fails when the document and the routes
in origin/src/http disagree, and schemathesis (scripts/test.sh) checks live responses against it.
"""
import json
import os

CT = "application/vnd.schemaregistry.v1+json"


def ref(name):
    return {"$ref": f"#/components/schemas/{name}"}


def body(schema, required=True):
    return {"required": required, "content": {CT: {"schema": schema}, "application/json": {"schema": schema}}}


def ok(schema, description="OK"):
    return {"description": description, "content": {CT: {"schema": schema}}}


ERR = {"$ref": "#/components/responses/Error"}
ERRORS = {code: ERR for code in ["400", "401", "403", "404", "409", "413", "415", "422", "429", "503"]}


def op(summary, responses, params=(), request=None, tag="registry"):
    o = {"summary": summary, "tags": [tag], "parameters": list(params), "responses": {**responses, **ERRORS}}
    if request is not None:
        o["requestBody"] = request
    return o


def q(name, schema):
    return {"name": name, "in": "query", "required": False, "schema": schema}


def p(name, schema=None):
    return {"name": name, "in": "path", "required": True, "schema": schema or {"type": "string"}}


B = {"type": "boolean"}
I = {"type": "integer"}
S = {"type": "string"}
SUBJECT = p("subject")
VERSION = p("version", {"type": "string", "description": "a number, latest or -1"})
ID = p("id", {"type": "integer", "format": "int64"})
STRINGS = {"type": "array", "items": S}
INTS = {"type": "array", "items": I}

components = {
    "Error": {
        "type": "object",
        "required": ["error_code", "message"],
        "properties": {"error_code": I, "message": S},
        "additionalProperties": False,
    },
    "Reference": {
        "type": "object",
        "required": ["name", "subject", "version"],
        "properties": {"name": S, "subject": S, "version": I},
    },
    "RegisterRequest": {
        "type": "object",
        "required": ["schema"],
        "properties": {
            "schema": S,
            "schemaType": {"type": "string", "enum": ["AVRO", "JSON"]},
            "references": {"type": "array", "items": ref("Reference")},
            "metadata": {"type": "object"},
            "ruleSet": {"type": "object"},
            "id": I,
            "version": I,
        },
    },
    "RegisterResponse": {
        "type": "object",
        "required": ["id"],
        "properties": {"id": I, "version": I, "schemaType": S, "schema": S},
    },
    "SchemaById": {
        "type": "object",
        "required": ["schema"],
        "properties": {
            "schema": S,
            "schemaType": S,
            "references": {"type": "array", "items": ref("Reference")},
        },
    },
    "SubjectVersion": {
        "type": "object",
        "required": ["subject", "version", "id", "schema"],
        "properties": {
            "subject": S,
            "version": I,
            "id": I,
            "schema": S,
            "schemaType": S,
            "references": {"type": "array", "items": ref("Reference")},
            "metadata": {"type": "object"},
            "ruleSet": {"type": "object"},
            "deleted": B,
        },
    },
    "SubjectAndVersion": {
        "type": "object",
        "required": ["subject", "version"],
        "properties": {"subject": S, "version": I},
    },
    "Compatibility": {
        "type": "object",
        "required": ["is_compatible"],
        "properties": {"is_compatible": B, "messages": STRINGS},
    },
    "ConfigUpdate": {
        "type": "object",
        "required": ["compatibility"],
        "properties": {"compatibility": {"type": "string", "enum": [
            "NONE", "BACKWARD", "BACKWARD_TRANSITIVE", "FORWARD", "FORWARD_TRANSITIVE", "FULL", "FULL_TRANSITIVE"]}},
    },
    "Config": {"type": "object", "required": ["compatibilityLevel"], "properties": {"compatibilityLevel": S}},
    "Mode": {
        "type": "object",
        "required": ["mode"],
        "properties": {"mode": {"type": "string", "enum": ["READWRITE", "READONLY", "READONLY_OVERRIDE", "IMPORT"]}},
    },
    "ValidateRequest": {
        "type": "object",
        "description": "one payload as `data`, or several as `payloads`",
        "properties": {"data": {}, "payloads": {"type": "array", "items": {}}},
    },
    "ValidateResponse": {"type": "object"},
    "Edge": {"type": "object", "required": ["url"], "properties": {"url": S}},
    "NewKey": {
        "type": "object",
        "required": ["role"],
        "properties": {"role": {"type": "string", "enum": ["read", "write", "admin"]}, "name": S},
    },
    "SearchPage": {
        "type": "object",
        "required": ["total", "offset", "limit", "results"],
        "properties": {
            "query": S, "total": I, "offset": I, "limit": I,
            "results": {"type": "array", "items": {
                "type": "object",
                "required": ["subject", "version", "id", "schemaType", "score"],
                "properties": {"subject": S, "version": I, "id": I, "schemaType": S, "tags": STRINGS, "score": {"type": "number"}},
            }},
        },
    },
    "EventPage": {
        "type": "object",
        "required": ["events", "next"],
        "properties": {
            "next": I,
            "events": {"type": "array", "items": {
                "type": "object",
                "required": ["seq", "kind", "actor", "at"],
                "properties": {"seq": I, "kind": S, "subject": {"type": "string", "nullable": True}, "version": {"type": "integer", "nullable": True},
                               "id": {"type": "integer", "nullable": True}, "actor": S, "at": S, "detail": {"type": "object", "nullable": True}},
            }},
        },
    },
    "Key": {
        "type": "object",
        "required": ["id", "role"],
        "properties": {"id": S, "key": S, "role": S, "name": S, "created_ms": I, "revoked_ms": {"type": "integer", "nullable": True}},
    },
}

deleted = q("deleted", B)
paging = [q("offset", I), q("limit", I)]
normalize = q("normalize", B)

paths = {
    "/": {"get": op("Root", {"200": ok({"type": "object"})})},
    "/v1/metadata/version": {"get": op("Server version", {"200": ok({"type": "object"})})},
    "/contexts": {"get": op("Contexts (only the default)", {"200": ok(STRINGS)})},
    "/health": {"get": op("The process is up", {"200": ok({"type": "object"})}, tag="operations")},
    "/ready": {"get": op("The database answers", {"200": ok({"type": "object"})}, tag="operations")},
    "/metrics": {"get": op("Prometheus metrics", {"200": {"description": "text exposition format", "content": {"text/plain": {"schema": S}}}}, tag="operations")},
    "/openapi.json": {"get": op("This document", {"200": {"description": "OpenAPI 3.0", "content": {"application/json": {"schema": {"type": "object"}}}}}, tag="operations")},
    "/subjects": {"get": op("Subjects", {"200": ok(STRINGS)}, [q("subjectPrefix", S), deleted, q("deletedOnly", B), *paging])},
    "/subjects/{subject}": {
        "post": op("Look up a schema under a subject", {"200": ok(ref("SubjectVersion"))}, [SUBJECT, normalize, deleted], body(ref("RegisterRequest"))),
        "delete": op("Delete a subject (soft, then permanent)", {"200": ok(INTS)}, [SUBJECT, q("permanent", B)]),
    },
    "/subjects/{subject}/versions": {
        "get": op("Versions of a subject", {"200": ok(INTS)}, [SUBJECT, deleted, q("deletedOnly", B), *paging]),
        "post": op("Register a schema", {"200": ok(ref("RegisterResponse"))}, [SUBJECT, normalize], body(ref("RegisterRequest"))),
    },
    "/subjects/{subject}/versions/{version}": {
        "get": op("One version", {"200": ok(ref("SubjectVersion"))}, [SUBJECT, VERSION, deleted]),
        "delete": op("Delete a version (soft, then permanent)", {"200": ok(I)}, [SUBJECT, VERSION, q("permanent", B)]),
    },
    "/subjects/{subject}/versions/{version}/schema": {
        "get": op("The raw schema of a version", {"200": ok({})}, [SUBJECT, VERSION, deleted]),
    },
    "/subjects/{subject}/versions/{version}/referencedby": {
        "get": op("Ids of schemas referencing a version", {"200": ok(INTS)}, [SUBJECT, VERSION]),
    },
    "/subjects/{subject}/versions/{version}/validate": {
        "post": op("Validate payloads against a version (extension)", {"200": ok(ref("ValidateResponse"))}, [SUBJECT, VERSION], body(ref("ValidateRequest"))),
    },
    "/schemas": {"get": op("Schemas", {"200": ok({"type": "array", "items": ref("SubjectVersion")})}, [q("subjectPrefix", S), q("latestOnly", B), deleted, *paging])},
    "/schemas/types": {"get": op("Schema types", {"200": ok(STRINGS)})},
    "/schemas/ids/{id}": {"get": op("A schema by id", {"200": ok(ref("SchemaById"))}, [ID, q("subject", S)])},
    "/schemas/ids/{id}/schema": {"get": op("The raw schema by id", {"200": ok({})}, [ID, q("subject", S)])},
    "/schemas/ids/{id}/subjects": {"get": op("Subjects using a schema", {"200": ok(STRINGS)}, [ID, deleted])},
    "/schemas/ids/{id}/versions": {"get": op("Subject-versions using a schema", {"200": ok({"type": "array", "items": ref("SubjectAndVersion")})}, [ID, deleted])},
    "/schemas/ids/{id}/validate": {"post": op("Validate payloads against a schema id (extension)", {"200": ok(ref("ValidateResponse"))}, [ID], body(ref("ValidateRequest")))},
    "/compatibility/subjects/{subject}/versions": {
        "post": op("Check against the versions the level names", {"200": ok(ref("Compatibility"))}, [SUBJECT, q("verbose", B), normalize], body(ref("RegisterRequest"))),
    },
    "/compatibility/subjects/{subject}/versions/{version}": {
        "post": op("Check against one version", {"200": ok(ref("Compatibility"))}, [SUBJECT, VERSION, q("verbose", B), normalize], body(ref("RegisterRequest"))),
    },
    "/config": {
        "get": op("Global compatibility level", {"200": ok(ref("Config"))}),
        "put": op("Set the global level", {"200": ok(ref("ConfigUpdate"))}, request=body(ref("ConfigUpdate"))),
        "delete": op("Reset the global level", {"200": ok(ref("Config"))}),
    },
    "/config/{subject}": {
        "get": op("A subject's level", {"200": ok(ref("Config"))}, [SUBJECT, q("defaultToGlobal", B)]),
        "put": op("Set a subject's level", {"200": ok(ref("ConfigUpdate"))}, [SUBJECT], body(ref("ConfigUpdate"))),
        "delete": op("Remove a subject's level", {"200": ok(ref("Config"))}, [SUBJECT]),
    },
    "/mode": {
        "get": op("Global mode", {"200": ok(ref("Mode"))}),
        "put": op("Set the global mode", {"200": ok(ref("Mode"))}, request=body(ref("Mode"))),
        "delete": op("Reset the global mode", {"200": ok(ref("Mode"))}),
    },
    "/mode/{subject}": {
        "get": op("A subject's mode", {"200": ok(ref("Mode"))}, [SUBJECT, q("defaultToGlobal", B)]),
        "put": op("Set a subject's mode", {"200": ok(ref("Mode"))}, [SUBJECT], body(ref("Mode"))),
        "delete": op("Remove a subject's mode", {"200": ok(ref("Mode"))}, [SUBJECT]),
    },
    "/admin/edges": {
        "get": op("Edges and their delivery state", {"200": ok({"type": "array", "items": {"type": "object"}})}, tag="admin"),
        "post": op("Add an edge", {"200": ok(ref("Edge"))}, request=body(ref("Edge")), tag="admin"),
        "delete": op("Remove an edge", {"200": ok(ref("Edge"))}, [{"name": "url", "in": "query", "required": True, "schema": S}], tag="admin"),
    },
    "/admin/keys": {
        "get": op("API keys (never their secrets)", {"200": ok({"type": "array", "items": ref("Key")})}, tag="admin"),
        "post": op("Create an API key (shown once)", {"200": ok(ref("Key"))}, request=body(ref("NewKey")), tag="admin"),
    },
    "/admin/keys/{id}": {
        "delete": op("Revoke an API key", {"200": ok({"type": "object", "required": ["id"], "properties": {"id": S}})}, [p("id")], tag="admin"),
    },
    "/ui": {"get": op("The web console (redirects to /ui/)", {"308": {"description": "to /ui/"}}, tag="console")},
    "/ui/": {"get": op("The web console", {"200": {"description": "the console page", "content": {"text/html": {"schema": S}}}}, tag="console")},
    "/ui/{path}": {"get": op("A file of the web console", {"200": {"description": "a static file", "content": {"*/*": {"schema": S}}}}, [p("path")], tag="console")},
    "/search": {
        "get": op("Ranked full-text search over subjects, schema text, names, docs and tags (extension)", {"200": ok(ref("SearchPage"))},
                  [q("q", S), q("type", {"type": "string", "enum": ["AVRO", "JSON", "avro", "json"]}), q("subjectPrefix", S), q("tag", S),
                   q("offset", {"type": "integer", "minimum": 0}), q("limit", {"type": "integer", "minimum": 1, "maximum": 1000})], tag="search"),
    },
    "/subjects/{subject}/metadata": {
        "get": op("The latest version whose metadata properties match", {"200": ok(ref("SubjectVersion"))},
                  [SUBJECT, q("key", S), q("value", S), deleted]),
    },
    "/events": {
        "get": op("The audit timeline: changes after a sequence number (extension)", {"200": ok(ref("EventPage"))},
                  [q("after", I), q("subject", S), q("limit", {"type": "integer", "minimum": 1, "maximum": 1000})], tag="admin"),
    },
    "/events/export": {
        "get": op("The audit timeline as JSON lines (extension)", {"200": {"description": "one event per line", "content": {"application/x-ndjson": {"schema": S}}}},
                  [q("after", I), q("subject", S)], tag="admin"),
    },
}

doc = {
    "openapi": "3.0.3",
    "info": {
        "title": "LLM Schema Registry",
        "version": "1",
        "description": "The Confluent Schema Registry REST API, with validation, API keys and edge administration.",
    },
    "servers": [{"url": "/"}],
    "components": {
        "schemas": components,
        "responses": {"Error": {"description": "An error in the Confluent format", "content": {CT: {"schema": ref("Error")}}}},
        "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}, "basic": {"type": "http", "scheme": "basic"}},
    },
    "security": [{}, {"bearer": []}, {"basic": []}],
    "paths": paths,
}

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "openapi.json")
with open(out, "w") as f:
    json.dump(doc, f, indent=1, sort_keys=True)
    f.write("\n")
