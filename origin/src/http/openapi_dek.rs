//! The OpenAPI words of the DEK registry's operations and entities (Confluent's `Kek`, `Dek`
//! and their requests), kept apart from the rest of the document.

use registry_core::dek::DekAlgorithm;
use registry_core::routes::Op;
use serde_json::{Value, json};

use super::openapi_components::{self as c, ok, p, q, reference};

/// An operation's summary, parameters, request body and success response (with its status).
pub struct DekDoc {
    pub summary: &'static str,
    pub params: Vec<Value>,
    pub body: Option<Value>,
    pub status: &'static str,
    pub response: Value,
}

fn doc(summary: &'static str, response: Value, params: Vec<Value>) -> DekDoc {
    DekDoc {
        summary,
        params,
        body: None,
        status: "200",
        response,
    }
}

fn no_content(summary: &'static str, params: Vec<Value>) -> DekDoc {
    DekDoc {
        status: "204",
        ..doc(summary, json!({"description": "Done"}), params)
    }
}

fn algorithm() -> Value {
    let names: Vec<&str> = DekAlgorithm::ALL.iter().map(|a| a.as_str()).collect();
    q("algorithm", &json!({"type": "string", "enum": names}))
}

/// The words of a DEK-registry operation (`None` for the others).
pub fn dek_doc(operation: Op) -> Option<DekDoc> {
    #[allow(clippy::enum_glob_use)] // one arm per operation, named as in the table
    use Op::*;
    let (name, subject, version) = (p("name"), p("subject"), c::version_param());
    let (deleted, permanent, context) = (
        q("deleted", &c::b()),
        q("permanent", &c::b()),
        q("context", &c::s()),
    );
    let dek = || ok(&reference("Dek"));
    let d = match operation {
        ListKeks => doc(
            "The names of the KEKs (of a context)",
            ok(&c::strings()),
            vec![deleted, context, q("subjectPrefix", &c::s())],
        ),
        CreateKek => DekDoc {
            body: Some(c::body(&reference("CreateKekRequest"))),
            ..doc("Create a KEK", ok(&reference("Kek")), vec![context])
        },
        GetKek => doc("A KEK", ok(&reference("Kek")), vec![name, deleted, context]),
        UpdateKek => DekDoc {
            body: Some(c::body(&reference("UpdateKekRequest"))),
            ..doc("Change a KEK", ok(&reference("Kek")), vec![name, context])
        },
        DeleteKek => no_content("Delete a KEK", vec![name, permanent, context]),
        UndeleteKek => no_content("Undelete a KEK", vec![name, context]),
        ListDekSubjects => doc(
            "The subjects with DEKs under a KEK",
            ok(&c::strings()),
            vec![name, deleted, context],
        ),
        CreateDek => DekDoc {
            body: Some(c::body(&reference("CreateDekRequest"))),
            ..doc("Create a DEK", dek(), vec![name])
        },
        CreateDekForSubject => DekDoc {
            body: Some(c::body(&reference("CreateDekRequest"))),
            ..doc("Create a DEK of a subject", dek(), vec![name, subject])
        },
        GetDek => doc(
            "A subject's DEK (version 1)",
            dek(),
            vec![name, subject, algorithm(), deleted],
        ),
        DeleteDeks => no_content(
            "Delete every version of a subject's DEK",
            vec![name, subject, algorithm(), permanent],
        ),
        UndeleteDeks => no_content(
            "Undelete every version of a subject's DEK",
            vec![name, subject, algorithm()],
        ),
        ListDekVersions => doc(
            "The versions of a subject's DEK",
            ok(&c::ints()),
            vec![name, subject, algorithm(), deleted],
        ),
        GetDekVersion => doc(
            "A version of a subject's DEK",
            dek(),
            vec![name, subject, version, algorithm(), deleted],
        ),
        DeleteDekVersion => no_content(
            "Delete a version of a subject's DEK",
            vec![name, subject, version, algorithm(), permanent],
        ),
        UndeleteDekVersion => no_content(
            "Undelete a version of a subject's DEK",
            vec![name, subject, version, algorithm()],
        ),
        SubjectDeks => doc(
            "What is known of a subject's DEKs, without key material",
            ok(&json!({"type": "array", "items": reference("DekInfo")})),
            vec![subject],
        ),
        _ => return None,
    };
    Some(d)
}

/// The DEK registry's entities.
pub fn dek_schemas() -> Value {
    let (s, i, b) = (c::s(), c::i(), c::b());
    let props = json!({"type": "object", "additionalProperties": {"type": "string"}});
    let names: Vec<&str> = DekAlgorithm::ALL.iter().map(|a| a.as_str()).collect();
    let alg = json!({"type": "string", "enum": names});
    json!({
        "Kek": {"type": "object", "required": ["name", "kmsType", "kmsKeyId", "shared"], "properties": {
            "name": s, "kmsType": s, "kmsKeyId": s, "kmsProps": props, "doc": s, "shared": b,
            "ts": i, "deleted": b}},
        "Dek": {"type": "object", "required": ["kekName", "subject", "version", "algorithm"], "properties": {
            "kekName": s, "subject": s, "version": i, "algorithm": alg,
            "encryptedKeyMaterial": s, "keyMaterial": s, "ts": i, "deleted": b}},
        "DekInfo": {"type": "object", "required": ["kekName", "subject", "version", "algorithm"], "properties": {
            "kekName": s, "kmsType": s, "shared": b, "subject": s, "version": i, "algorithm": alg,
            "ts": i, "deleted": b}},
        "CreateKekRequest": {"type": "object", "properties": {
            "name": s, "kmsType": s, "kmsKeyId": s, "kmsProps": props, "doc": s, "shared": b,
            "deleted": b}},
        "UpdateKekRequest": {"type": "object", "properties": {
            "kmsProps": props, "doc": s, "shared": b}},
        "CreateDekRequest": {"type": "object", "properties": {
            "subject": s, "version": i, "algorithm": alg, "encryptedKeyMaterial": s, "deleted": b}},
    })
}
