//! The OpenAPI 3.0 document of the API, served at `/openapi.json`, derived from the route table:
//! every row of `registry_core::routes::ROUTES` is an operation here (with the summary,
//! parameters and bodies this file adds per operation, a match the compiler checks is
//! complete), so the document cannot name a route the server lacks or miss one it has.
//! schemathesis (`scripts/test.sh`) checks live responses against it.

use std::sync::LazyLock;

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use registry_core::routes::{Op, ROUTES};
use serde_json::{Map, Value, json};

use super::openapi_components::{self as c, ok, p, q, reference};
use super::openapi_dek::dek_doc;

/// What the document says of one operation beyond its method and path.
struct OpDoc {
    summary: &'static str,
    tag: &'static str,
    params: Vec<Value>,
    body: Option<Value>,
    /// The success response (`200` unless `status` says otherwise).
    status: &'static str,
    response: Value,
}

fn op(summary: &'static str, response: Value) -> OpDoc {
    OpDoc {
        summary,
        tag: "registry",
        params: Vec::new(),
        body: None,
        status: "200",
        response,
    }
}

impl OpDoc {
    fn params(mut self, params: impl IntoIterator<Item = Value>) -> Self {
        self.params.extend(params);
        self
    }

    fn body(mut self, schema: &Value) -> Self {
        self.body = Some(c::body(schema));
        self
    }

    fn tag(mut self, tag: &'static str) -> Self {
        self.tag = tag;
        self
    }

    fn status(mut self, status: &'static str) -> Self {
        self.status = status;
        self
    }
}

/// A DEK-registry operation's words (`openapi_dek`).
fn dek_op(operation: Op) -> OpDoc {
    let Some(d) = dek_doc(operation) else {
        return op("A DEK registry operation", ok(&json!({})));
    };
    let mut o = op(d.summary, d.response)
        .params(d.params)
        .tag("dek-registry");
    o.body = d.body;
    o.status(d.status)
}

/// The document's words for each operation.
#[allow(clippy::too_many_lines)] // one row per operation
fn doc(operation: Op) -> OpDoc {
    #[allow(clippy::enum_glob_use)] // one arm per operation, named as in the table
    use Op::*;
    let (subject, version, id) = (p("subject"), c::version_param(), c::id_param());
    let (deleted, normalize, verbose) = (
        q("deleted", &c::b()),
        q("normalize", &c::b()),
        q("verbose", &c::b()),
    );
    let paging = || [q("offset", &c::i()), q("limit", &c::i())];
    let schema_ref = || reference("RegisterRequest");
    match operation {
        ListKeks | CreateKek | GetKek | UpdateKek | DeleteKek | UndeleteKek | ListDekSubjects
        | CreateDek | CreateDekForSubject | GetDek | DeleteDeks | UndeleteDeks | ListDekVersions
        | GetDekVersion | DeleteDekVersion | UndeleteDekVersion | SubjectDeks => dek_op(operation),
        Root => op("Root", ok(&json!({"type": "object"}))),
        RootPost => op(
            "Root (a no-op, as Confluent's)",
            ok(&json!({"type": "object"})),
        )
        .body(&json!({"type": "object"})),
        ServerVersion => op("Server version", ok(&json!({"type": "object"}))),
        ClusterId => op(
            "Cluster id (as Confluent's: empty ids, this registry has no Kafka cluster)",
            ok(
                &json!({"type": "object", "required": ["id", "scope"], "properties": {
                    "id": {"type": "string"},
                    "scope": {"type": "object"}
                }}),
            ),
        ),
        Deployment => op(
            "Deployment attributes",
            ok(&json!({"type": "object", "properties": {
                "attributes": {"type": "array", "items": {"type": "string"}}
            }})),
        ),
        Contexts => op("Contexts: the default one and those with versions", ok(&c::strings()))
            .params([q("contextPrefix", &c::s())])
            .params(paging()),
        DeleteContext => op("Delete an empty context", json!({"description": "Deleted"}))
            .status("204")
            .params([p("context")]),
        Health => op("The process is up", ok(&json!({"type": "object"}))).tag("operations"),
        Ready => op("The database answers", ok(&json!({"type": "object"}))).tag("operations"),
        Metrics => op(
            "Prometheus metrics",
            c::content("text/plain", &c::s(), "text exposition format"),
        )
        .tag("operations"),
        OpenApi => op(
            "This document",
            c::content(
                "application/json",
                &json!({"type": "object"}),
                "OpenAPI 3.0",
            ),
        )
        .tag("operations"),
        ListSubjects => op("Subjects", ok(&c::strings()))
            .params([
                q("subjectPrefix", &c::s()),
                deleted,
                q("deletedOnly", &c::b()),
            ])
            .params(paging()),
        LookupSchema => op(
            "Look up a schema under a subject",
            ok(&reference("SubjectVersion")),
        )
        .params([subject, normalize, deleted])
        .body(&schema_ref()),
        DeleteSubject => op("Delete a subject (soft, then permanent)", ok(&c::ints()))
            .params([subject, q("permanent", &c::b())]),
        ListVersions => op("Versions of a subject", ok(&c::ints()))
            .params([
                subject,
                deleted,
                q("deletedOnly", &c::b()),
                q("deletedAsNegative", &c::b()),
            ])
            .params(paging()),
        Register => op("Register a schema", ok(&reference("RegisterResponse")))
            .params([subject, normalize])
            .body(&schema_ref()),
        GetVersion => op("One version", ok(&reference("SubjectVersion"))).params([
            subject,
            version,
            deleted,
            q("findTags", &c::s()),
            q("format", &c::s()),
        ]),
        ModifyTags => op(
            "A new version with tags added to and removed from a version's records and fields",
            ok(&reference("SubjectVersion")),
        )
        .params([subject, version])
        .body(&reference("TagSchemaRequest")),
        DeleteVersion => op("Delete a version (soft, then permanent)", ok(&c::i())).params([
            subject,
            version,
            q("permanent", &c::b()),
        ]),
        GetVersionSchema => op("The raw schema of a version", c::raw_schema()).params([
            subject,
            version,
            deleted,
            q("format", &c::s()),
        ]),
        VersionValidator => op(
            "A version's validator as a JavaScript module (extension; 422 for a schema the generator cannot express)",
            c::javascript(),
        )
        .params([subject.clone(), version.clone()]),
        ReferencedBy => {
            op("Ids of schemas referencing a version", ok(&c::ints())).params([subject, version])
        }
        LlmExport => op(
            "A version as an LLM provider's request fragment (extension; 422 with diagnostics when it cannot fit)",
            ok(&json!({"type": "object"})),
        )
        .tag("llm")
        .params([
            subject,
            version,
            p("provider"),
            q("as", &json!({"type": "string", "enum": ["response_format", "tool"]})),
            q("name", &c::s()),
            q("description", &c::s()),
            verbose,
        ]),
        LlmLint => op(
            "Lint a draft JSON Schema against an LLM profile (extension)",
            ok(&reference("LintResponse")),
        )
        .tag("llm")
        .params([q("provider", &c::s())])
        .body(&json!({"type": "object"})),
        LlmProfiles => op(
            "The LLM profiles and their rules, with sources (extension)",
            ok(&json!({"type": "array", "items": {"type": "object"}})),
        )
        .tag("llm"),
        ValidateVersion => op(
            "Validate payloads against a version (extension)",
            ok(&reference("ValidateResponse")),
        )
        .params([subject, version])
        .body(&reference("ValidateRequest")),
        VersionByMetadata => op(
            "The latest version whose metadata properties match",
            ok(&reference("SubjectVersion")),
        )
        .params([subject, q("key", &c::s()), q("value", &c::s()), deleted]),
        ListSchemas => op(
            "Schemas",
            ok(&json!({"type": "array", "items": reference("SubjectVersion")})),
        )
        .params([
            q("subjectPrefix", &c::s()),
            q("latestOnly", &c::b()),
            deleted,
        ])
        .params(paging()),
        SchemaTypes => op("Schema types", ok(&c::strings())),
        SchemaById => {
            op("A schema by id", ok(&reference("SchemaById"))).params([
                id,
                q("subject", &c::s()),
                q("fetchMaxId", &c::b()),
                q("format", &c::s()),
                q("referenceFormat", &c::s()),
                q("findTags", &c::s()),
            ])
        }
        AssociationsBySubject => op("Associations of a subject", ok(&c::associations()))
            .params([subject.clone()])
            .params(c::association_filter())
            .tag("associations"),
        AssociationsByResourceName => op(
            "Associations of a resource by name (namespace `-`: any)",
            ok(&c::associations()),
        )
        .params([p("namespace"), p("name")])
        .params(c::association_filter())
        .tag("associations"),
        AssociationsByResourceId => op(
            "Associations of a resource by id",
            ok(&c::associations()),
        )
        .params([p("id")])
        .params(c::association_filter())
        .tag("associations"),
        CreateAssociation | UpdateAssociation => op(
            if operation == CreateAssociation {
                "Create associations of a resource"
            } else {
                "Update associations of a resource"
            },
            ok(&reference("AssociationResponse")),
        )
        .params([q("dryRun", &c::b()), q("context", &c::s())])
        .body(&reference("AssociationRequest"))
        .tag("associations"),
        CreateAssociations | UpdateAssociations => op(
            "A batch of association requests, each answered by its result or its error",
            ok(&reference("AssociationBatchResponse")),
        )
        .status("207")
        .params([q("dryRun", &c::b()), q("context", &c::s())])
        .body(&reference("AssociationBatchRequest"))
        .tag("associations"),
        DeleteAssociations => op(
            "Delete a resource's associations",
            json!({"description": "Deleted"}),
        )
        .status("204")
        .params([p("id"), q("resourceType", &c::s()), q("cascadeLifecycle", &c::b())])
        .params([json!({"name": "associationType", "in": "query", "required": false,
                         "schema": {"type": "array", "items": c::s()}, "explode": true})])
        .tag("associations"),
        SchemaByGuid => op("A schema by guid", ok(&reference("SchemaById"))).params([p("guid")]),
        IdsByGuid => op(
            "The ids a guid has, per context",
            ok(&json!({"type": "array", "items": {"type": "object", "required": ["context", "id"], "properties": {
                "context": {"type": "string"}, "id": {"type": "integer"}
            }}})),
        )
        .params([p("guid")]),
        SchemaTextById => {
            op("The raw schema by id", c::raw_schema()).params([
                id,
                q("subject", &c::s()),
                q("format", &c::s()),
            ])
        }
        ValidatorById => op(
            "A JSON Schema's validator as a JavaScript module exporting isValid and validate (extension)",
            c::javascript(),
        )
        .params([id.clone(), q("subject", &c::s())]),
        SubjectsOfSchema => op("Subjects using a schema", ok(&c::strings()))
            .params([id.clone(), deleted.clone(), q("subject", &c::s())])
            .params(paging()),
        VersionsOfSchema => op(
            "Subject-versions using a schema",
            ok(&json!({"type": "array", "items": reference("SubjectAndVersion")})),
        )
        .params([id, deleted, q("subject", &c::s())])
        .params(paging()),
        ValidateById => op(
            "Validate payloads against a schema id (extension)",
            ok(&reference("ValidateResponse")),
        )
        .params([id, q("subject", &c::s())])
        .body(&reference("ValidateRequest")),
        CheckCompatibility => op(
            "Check against the versions the level names",
            ok(&reference("Compatibility")),
        )
        .params([subject, verbose, normalize])
        .body(&schema_ref()),
        CheckCompatibilityWithVersion => {
            op("Check against one version", ok(&reference("Compatibility")))
                .params([subject, version, verbose, normalize])
                .body(&schema_ref())
        }
        GetConfig => op("Global configuration", ok(&reference("Config"))),
        SetConfig => op("Change the global configuration", ok(&reference("ConfigUpdate")))
            .body(&reference("ConfigUpdate")),
        DeleteConfig => op("Reset the global configuration", ok(&reference("Config"))),
        GetSubjectConfig => op("A subject's configuration", ok(&reference("Config")))
            .params([subject, q("defaultToGlobal", &c::b())]),
        SetSubjectConfig => op(
            "Change a subject's configuration",
            ok(&reference("ConfigUpdate")),
        )
        .params([subject])
        .body(&reference("ConfigUpdate")),
        DeleteSubjectConfig => op(
            "Remove a subject's configuration",
            ok(&reference("Config")),
        )
        .params([subject]),
        GetMode => op("Global mode", ok(&reference("Mode"))),
        SetMode => op("Set the global mode", ok(&reference("Mode"))).body(&reference("Mode")),
        DeleteMode => op("Reset the global mode", ok(&reference("Mode"))),
        GetSubjectMode => op("A subject's mode", ok(&reference("Mode")))
            .params([subject, q("defaultToGlobal", &c::b())]),
        SetSubjectMode => op("Set a subject's mode", ok(&reference("Mode")))
            .params([subject])
            .body(&reference("Mode")),
        DeleteSubjectMode => {
            op("Remove a subject's mode", ok(&reference("Mode"))).params([subject])
        }
        ListEdges => op(
            "Edges and their delivery state",
            ok(&json!({"type": "array", "items": {"type": "object"}})),
        )
        .tag("admin"),
        AddEdge => op("Add an edge", ok(&reference("Edge")))
            .body(&reference("NewEdge"))
            .tag("admin"),
        RemoveEdge => op("Remove an edge", ok(&reference("Edge")))
            .params([json!({"name": "url", "in": "query", "required": true, "schema": c::s()})])
            .tag("admin"),
        ListKeys => op(
            "API keys (never their secrets)",
            ok(&json!({"type": "array", "items": reference("Key")})),
        )
        .tag("admin"),
        CreateKey => op("Create an API key (shown once)", ok(&reference("Key")))
            .body(&reference("NewKey"))
            .tag("admin"),
        RevokeKey => op(
            "Revoke an API key",
            ok(&json!({"type": "object", "required": ["id"], "properties": {"id": c::s()}})),
        )
        .params([p("id")])
        .tag("admin"),
        Search => op(
            "Ranked full-text search over subjects, schema text, names, docs and tags (extension)",
            ok(&reference("SearchPage")),
        )
        .params([
            q("q", &c::s()),
            q(
                "type",
                &json!({"type": "string", "enum": c::schema_types(true)}),
            ),
            q("subjectPrefix", &c::s()),
            q("tag", &c::s()),
            q("offset", &json!({"type": "integer", "minimum": 0})),
            q(
                "limit",
                &json!({"type": "integer", "minimum": 1, "maximum": 1000}),
            ),
        ])
        .tag("search"),
        Events => op(
            "The audit timeline: changes after a sequence number (extension)",
            ok(&reference("EventPage")),
        )
        .params([
            q("after", &c::i()),
            q("subject", &c::s()),
            q(
                "limit",
                &json!({"type": "integer", "minimum": 1, "maximum": 1000}),
            ),
        ])
        .tag("admin"),
        ExportEvents => op(
            "The audit timeline as JSON lines (extension)",
            c::content("application/x-ndjson", &c::s(), "one event per line"),
        )
        .params([q("after", &c::i()), q("subject", &c::s())])
        .tag("admin"),
        ConsoleRedirect => OpDoc {
            status: "308",
            ..op(
                "The web console (redirects to /ui/)",
                json!({"description": "to /ui/"}),
            )
            .tag("console")
        },
        ConsolePage => op(
            "The web console",
            c::content("text/html", &c::s(), "the console page"),
        )
        .tag("console"),
        ConsoleFile => op(
            "A file of the web console",
            c::content("*/*", &c::s(), "a static file"),
        )
        .params([p("path")])
        .tag("console"),
    }
}

/// The document: one operation per row of the route table.
pub fn document() -> Value {
    let mut paths = Map::new();
    for route in ROUTES {
        let d = doc(route.op);
        let mut responses = c::errors();
        responses.insert(d.status.into(), d.response);
        let mut operation = json!({
            "summary": d.summary,
            "tags": [d.tag],
            "parameters": d.params,
            "responses": responses,
        });
        if let Some(body) = d.body {
            operation["requestBody"] = body;
        }
        // A catch-all `{*name}` is an ordinary `{name}` parameter to OpenAPI.
        let path = route.path.replace("{*", "{");
        let item = paths.entry(path).or_insert_with(|| json!({}));
        item[route.method.as_str().to_ascii_lowercase()] = operation;
    }
    c::wrap(&paths)
}

static DOCUMENT: LazyLock<String> = LazyLock::new(|| document().to_string());

pub async fn serve() -> Response {
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        DOCUMENT.as_str(),
    )
        .into_response()
}
