//! The parts of the OpenAPI document the operations share: the API's body shapes
//! (`components`), parameters, responses and the document's frame.

use registry_core::SchemaType;
use serde_json::{Map, Value, json};

use super::respond::CONTENT_TYPE;

pub fn s() -> Value {
    json!({"type": "string"})
}

pub fn i() -> Value {
    json!({"type": "integer"})
}

pub fn b() -> Value {
    json!({"type": "boolean"})
}

pub fn strings() -> Value {
    json!({"type": "array", "items": {"type": "string"}})
}

pub fn ints() -> Value {
    json!({"type": "array", "items": {"type": "integer"}})
}

pub fn reference(name: &str) -> Value {
    json!({ "$ref": format!("#/components/schemas/{name}") })
}

/// A JSON request body in the registry's content types.
pub fn body(schema: &Value) -> Value {
    json!({"required": true, "content": {CONTENT_TYPE: {"schema": schema}, "application/json": {"schema": schema}}})
}

/// A body in every type the API answers in (the one `Accept` negotiates).
pub fn produced(schema: &Value) -> Value {
    let content: Map<String, Value> = registry_core::media::PRODUCED_TYPES
        .iter()
        .map(|t| ((*t).to_owned(), json!({"schema": schema})))
        .collect();
    Value::Object(content)
}

/// A 200 response with a JSON body.
pub fn ok(schema: &Value) -> Value {
    json!({"description": "OK", "content": produced(schema)})
}

/// A raw schema: JSON for Avro and JSON Schema, text for Protobuf.
pub fn raw_schema() -> Value {
    let mut content = produced(&json!({}));
    content["text/plain"] = json!({"schema": {"type": "string"}});
    json!({"description": "OK: the schema text (a Protobuf schema as text/plain)", "content": content})
}

/// A generated validator module.
pub fn javascript() -> Value {
    content(
        "text/javascript",
        &json!({"type": "string"}),
        "OK: an ES module exporting isValid(value) and validate(value)",
    )
}

/// A response of another content type.
pub fn content(content_type: &str, schema: &Value, description: &str) -> Value {
    json!({"description": description, "content": {content_type: {"schema": schema}}})
}

/// A list of associations.
pub fn associations() -> Value {
    json!({"type": "array", "items": reference("Association")})
}

/// The filters of the association lists.
pub fn association_filter() -> Vec<Value> {
    vec![
        q("resourceType", &s()),
        json!({"name": "associationType", "in": "query", "required": false,
               "schema": {"type": "array", "items": s()}, "explode": true}),
        q(
            "lifecycle",
            &json!({"type": "string", "enum": ["STRONG", "WEAK"]}),
        ),
        q("offset", &i()),
        q("limit", &i()),
    ]
}

/// An optional query parameter.
pub fn q(name: &str, schema: &Value) -> Value {
    json!({"name": name, "in": "query", "required": false, "schema": schema})
}

/// A path parameter (a string).
pub fn p(name: &str) -> Value {
    json!({"name": name, "in": "path", "required": true, "schema": {"type": "string"}})
}

pub fn version_param() -> Value {
    json!({"name": "version", "in": "path", "required": true, "schema": {"type": "string", "description": "a number, latest or -1"}})
}

pub fn id_param() -> Value {
    json!({"name": "id", "in": "path", "required": true, "schema": {"type": "integer", "format": "int64"}})
}

/// The error responses every operation may give.
pub fn errors() -> Map<String, Value> {
    [
        "400", "401", "403", "404", "409", "413", "415", "422", "429", "503",
    ]
    .iter()
    .map(|code| {
        (
            (*code).to_owned(),
            json!({"$ref": "#/components/responses/Error"}),
        )
    })
    .collect()
}

/// The schema types' names (with their lowercase spellings too when `any_case`).
pub fn schema_types(any_case: bool) -> Vec<String> {
    let names = SchemaType::ALL.iter().map(|t| t.as_str().to_owned());
    if any_case {
        names
            .clone()
            .chain(names.map(|n| n.to_ascii_lowercase()))
            .collect()
    } else {
        names.collect()
    }
}

/// The body shapes.
#[allow(clippy::too_many_lines)] // the API's shapes, one after the other
fn schemas() -> Value {
    let (s, i, b) = (s(), i(), b());
    let levels = [
        "NONE",
        "BACKWARD",
        "BACKWARD_TRANSITIVE",
        "FORWARD",
        "FORWARD_TRANSITIVE",
        "FULL",
        "FULL_TRANSITIVE",
    ];
    let mut all = json!({
        "Error": {"type": "object", "required": ["error_code", "message"],
                  "properties": {"error_code": i, "message": s,
                                 "diagnostics": {"type": "array", "description": "42213: how the schema does not fit the LLM profile", "items": {"type": "object"}}},
                  "additionalProperties": false},
        "Reference": {"type": "object", "required": ["name", "subject", "version"],
                      "properties": {"name": s, "subject": s, "version": i}},
        "RegisterRequest": {"type": "object", "required": ["schema"], "properties": {
            "schema": s, "schemaType": {"type": "string", "enum": schema_types(false)},
            "references": {"type": "array", "items": reference("Reference")},
            "metadata": {"type": "object"}, "ruleSet": {"type": "object"}, "id": i, "version": i}},
        "RegisterResponse": {"type": "object", "required": ["id"],
                             "properties": {"id": i, "version": i, "guid": s, "schemaType": s, "schema": s,
                                            "ts": {"type": "integer", "format": "int64"}}},
        "SchemaById": {"type": "object", "required": ["schema"], "properties": {
            "guid": s, "schema": s, "schemaType": s, "maxId": i, "references": {"type": "array", "items": reference("Reference")},
            "schemaTags": {"type": "array", "items": reference("SchemaTags")}}},
        "SubjectVersion": {"type": "object", "required": ["subject", "version", "id", "schema"], "properties": {
            "subject": s, "version": i, "id": i, "guid": s, "schema": s, "schemaType": s,
            "references": {"type": "array", "items": reference("Reference")},
            "metadata": {"type": "object"}, "ruleSet": {"type": "object"}, "deleted": b,
            "ts": {"type": "integer", "format": "int64", "description": "when the version's record was last written (ms since 1970): its registration unless createTs is there"},
            "createTs": {"type": "integer", "format": "int64", "description": "when the version was registered, when a soft delete rewrote it since"},
            "schemaTags": {"type": "array", "items": reference("SchemaTags")}}},
        "SubjectAndVersion": {"type": "object", "required": ["subject", "version"],
                              "properties": {"subject": s, "version": i}},
        "Compatibility": {"type": "object", "required": ["is_compatible"],
                          "properties": {"is_compatible": b, "messages": strings()}},
        "ConfigUpdate": {"type": "object", "description": "only the fields sent change",
                         "properties": config_fields(json!({
                             "compatibility": {"type": "string", "enum": levels.clone()},
                             "compatibilityLevel": {"type": "string", "enum": levels}}))},
        "Config": {"type": "object", "properties": config_fields(json!({"compatibilityLevel": s}))},
        "Mode": {"type": "object", "required": ["mode"], "properties": {
            "mode": {"type": "string", "enum": ["READWRITE", "READONLY", "READONLY_OVERRIDE", "IMPORT"]}}},
        "ValidateRequest": {"type": "object", "description": "one payload as `data`, or several as `payloads`",
                            "properties": {"data": {}, "payloads": {"type": "array", "items": {}}}},
        "ValidateResponse": {"type": "object"},
        "LintResponse": {"type": "object", "required": ["results"], "properties": {"results": {"type": "array", "items": {"type": "object", "required": ["profile", "fits", "diagnostics"], "properties": {
            "profile": {"type": "string"}, "fits": {"type": "boolean"},
            "diagnostics": {"type": "array", "items": {"type": "object", "required": ["path", "rule", "message", "fix", "fixable"], "properties": {
                "path": {"type": "string"}, "rule": {"type": "string"}, "message": {"type": "string"}, "fix": {"type": "string"}, "fixable": {"type": "boolean"}}}}}}}}},
        "Edge": {"type": "object", "required": ["url"], "properties": {"url": s}},
        "NewEdge": {"type": "object", "required": ["url"], "properties": {
            "url": s,
            "secret": {"type": "string", "description": "this edge's own invalidation secret (else the server's); never shown"},
        }},
        "NewKey": {"type": "object", "required": ["role"], "properties": {
            "role": {"type": "string", "enum": ["read", "write", "admin"]}, "name": s}},
        "SearchPage": {"type": "object", "required": ["total", "offset", "limit", "results"], "properties": {
            "query": s, "total": i, "offset": i, "limit": i,
            "results": {"type": "array", "items": {"type": "object",
                "required": ["subject", "version", "id", "schemaType", "score"],
                "properties": {"subject": s, "version": i, "id": i, "schemaType": s,
                               "tags": strings(), "score": {"type": "number"}}}}}},
        "EventPage": {"type": "object", "required": ["events", "next"], "properties": {
            "next": i,
            "events": {"type": "array", "items": {"type": "object", "required": ["seq", "kind", "actor", "at"],
                "properties": {"seq": i, "kind": s, "subject": {"type": "string", "nullable": true},
                               "version": {"type": "integer", "nullable": true},
                               "id": {"type": "integer", "nullable": true}, "actor": s, "at": s,
                               "detail": {"type": "object", "nullable": true}}}}}},
        "Key": {"type": "object", "required": ["id", "role"], "properties": {
            "id": s, "key": s, "role": s, "name": s, "created_ms": i,
            "revoked_ms": {"type": "integer", "nullable": true}}},
    });
    for more in [
        association_schemas(),
        tag_schemas(),
        super::openapi_dek::dek_schemas(),
    ] {
        if let (Value::Object(all), Value::Object(more)) = (&mut all, more) {
            all.extend(more);
        }
    }
    all
}

/// Schema tags (`POST .../tags`, `findTags`).
fn tag_schemas() -> Value {
    let i = i();
    let tags = json!({"type": "array", "items": reference("SchemaTags")});
    json!({
        "SchemaEntity": {"type": "object", "required": ["entityPath", "entityType"], "properties": {
            "entityPath": s(), "entityType": {"type": "string", "enum": ["SR_RECORD", "SR_FIELD"]}}},
        "SchemaTags": {"type": "object", "required": ["entity", "tags"], "properties": {
            "entity": reference("SchemaEntity"), "tags": strings()}},
        "TagSchemaRequest": {"type": "object", "properties": {
            "newVersion": i, "tagsToAdd": tags, "tagsToRemove": tags,
            "metadata": {"type": "object"}, "ruleSet": {"type": "object"},
            "rulesToMerge": {"type": "object"}, "rulesToRemove": strings()}},
    })
}

/// The configuration fields beyond the level, added to `level`'s properties.
fn config_fields(level: Value) -> Value {
    let Value::Object(mut properties) = level else {
        unreachable!("level properties are an object")
    };
    let (s, b, o) = (
        json!({"type": "string"}),
        json!({"type": "boolean"}),
        json!({"type": "object"}),
    );
    for (name, schema) in [
        ("alias", &s),
        ("normalize", &b),
        ("validateFields", &b),
        ("validateRules", &b),
        ("compatibilityGroup", &s),
        ("compatibilityPolicy", &s),
        ("defaultMetadata", &o),
        ("overrideMetadata", &o),
        ("defaultRuleSet", &o),
        ("overrideRuleSet", &o),
    ] {
        properties.insert(name.to_owned(), schema.clone());
    }
    Value::Object(properties)
}

/// The document around `paths`.
pub fn wrap(paths: &Map<String, Value>) -> Value {
    json!({
        "openapi": "3.0.3",
        "info": {
            "title": "LLM Schema Registry",
            "version": "1",
            "description": "The Confluent Schema Registry REST API, with validation, API keys and edge administration.",
        },
        "servers": [{"url": "/"}],
        "components": {
            "schemas": schemas(),
            "responses": {"Error": {"description": "An error in the Confluent format",
                                    "content": produced(&reference("Error"))}},
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"},
                                "basic": {"type": "http", "scheme": "basic"}},
        },
        "security": [{}, {"bearer": []}, {"basic": []}],
        "paths": paths,
    })
}

/// The association entities (Confluent 8.x).
fn association_schemas() -> Value {
    let (s, i, b) = (s(), i(), b());
    let lifecycle = json!({"type": "string", "enum": ["STRONG", "WEAK"]});
    json!({
        "Association": {"type": "object", "properties": {
            "subject": s, "guid": s, "resourceName": s, "resourceNamespace": s, "resourceId": s,
            "resourceType": s, "associationType": s, "lifecycle": lifecycle, "frozen": b,
            "createTs": i, "updateTs": i}},
        "AssociationRequest": {"type": "object", "properties": {
            "resourceName": s, "resourceNamespace": s, "resourceId": s, "resourceType": s,
            "associations": {"type": "array", "items": {"type": "object", "properties": {
                "subject": s, "associationType": s, "lifecycle": lifecycle, "frozen": b,
                "normalize": b, "schema": reference("RegisterRequest")}}}}},
        "AssociationResponse": {"type": "object", "properties": {
            "resourceName": s, "resourceNamespace": s, "resourceId": s, "resourceType": s,
            "associations": {"type": "array", "items": {"type": "object", "properties": {
                "subject": s, "associationType": s, "lifecycle": lifecycle, "frozen": b,
                "schema": reference("SubjectVersion")}}}}},
        "AssociationBatchRequest": {"type": "object", "properties": {
            "requests": {"type": "array", "items": reference("AssociationRequest")}}},
        "AssociationBatchResponse": {"type": "object", "properties": {
            "results": {"type": "array", "items": {"type": "object", "properties": {
                "result": reference("AssociationResponse"), "error": reference("Error")}}}}},
    })
}
