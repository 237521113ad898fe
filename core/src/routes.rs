//! The route table of the API: every endpoint once, with its method, path template, the role
//! it needs and what the edge does with it. The origin builds its router and its access checks
//! from this table and documents it in OpenAPI from the same rows; the edge plans each request
//! by matching it here. A route that is not in the table does not exist anywhere.

use crate::cache_key::CacheKey;
use crate::llm::Usage;

/// What a caller must be to use a route (each level includes the ones before it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Access {
    /// Anyone, even with auth on (health checks, the console's files).
    Public,
    Read,
    Write,
    Admin,
}

/// What the edge does with a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EdgeRole {
    /// A read served from KV under its [`read_key`], filled from the origin on a miss.
    Cached,
    /// A validation run at the edge against the cached schema.
    Validate,
    /// Forwarded to the origin; after a write the edge drops what the origin's answer names
    /// ([`INVALIDATED_HEADER`]).
    Forward,
}

/// The response header in which the origin names the cache keys a write made stale
/// (comma-separated), so that an edge that forwarded it reads its own writes.
pub const INVALIDATED_HEADER: &str = "x-registry-invalidated";

/// The HTTP methods the API uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Method {
    Get,
    Post,
    Put,
    Delete,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Get => "GET",
            Self::Post => "POST",
            Self::Put => "PUT",
            Self::Delete => "DELETE",
        }
    }
}

/// Every operation of the API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Op {
    Root,
    RootPost,
    ServerVersion,
    ClusterId,
    Deployment,
    Contexts,
    DeleteContext,
    Health,
    Ready,
    Metrics,
    OpenApi,
    ListSubjects,
    LookupSchema,
    DeleteSubject,
    ListVersions,
    Register,
    GetVersion,
    DeleteVersion,
    GetVersionSchema,
    ReferencedBy,
    ModifyTags,
    ValidateVersion,
    VersionByMetadata,
    ListSchemas,
    SchemaTypes,
    SchemaById,
    SchemaTextById,
    ValidatorById,
    VersionValidator,
    SchemaByGuid,
    IdsByGuid,
    AssociationsBySubject,
    AssociationsByResourceName,
    AssociationsByResourceId,
    CreateAssociation,
    UpdateAssociation,
    CreateAssociations,
    UpdateAssociations,
    DeleteAssociations,
    ListKeks,
    CreateKek,
    GetKek,
    UpdateKek,
    DeleteKek,
    UndeleteKek,
    ListDekSubjects,
    CreateDek,
    CreateDekForSubject,
    GetDek,
    DeleteDeks,
    UndeleteDeks,
    ListDekVersions,
    GetDekVersion,
    DeleteDekVersion,
    UndeleteDekVersion,
    SubjectDeks,
    SubjectsOfSchema,
    VersionsOfSchema,
    LlmExport,
    LlmLint,
    LlmProfiles,
    ValidateById,
    CheckCompatibility,
    CheckCompatibilityWithVersion,
    GetConfig,
    SetConfig,
    DeleteConfig,
    GetSubjectConfig,
    SetSubjectConfig,
    DeleteSubjectConfig,
    GetMode,
    SetMode,
    DeleteMode,
    GetSubjectMode,
    SetSubjectMode,
    DeleteSubjectMode,
    ListEdges,
    AddEdge,
    RemoveEdge,
    ListKeys,
    CreateKey,
    RevokeKey,
    Search,
    Events,
    ExportEvents,
    ConsoleRedirect,
    ConsolePage,
    ConsoleFile,
}

/// One route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Route {
    pub op: Op,
    pub method: Method,
    /// The path template: literal segments, `{name}` for one segment, `{*name}` for the rest.
    pub path: &'static str,
    pub access: Access,
    pub edge: EdgeRole,
}

const fn route(op: Op, method: Method, path: &'static str, access: Access) -> Route {
    Route {
        op,
        method,
        path,
        access,
        edge: EdgeRole::Forward,
    }
}

const fn cached(op: Op, path: &'static str) -> Route {
    Route {
        op,
        method: Method::Get,
        path,
        access: Access::Read,
        edge: EdgeRole::Cached,
    }
}

const fn validate(op: Op, path: &'static str) -> Route {
    Route {
        op,
        method: Method::Post,
        path,
        access: Access::Read,
        edge: EdgeRole::Validate,
    }
}

use Access::{Admin, Public, Read, Write};
use Method::{Delete, Get, Post, Put};

/// The API. Reads that send a body (lookup, compatibility, validation) need only the read role;
/// changing the mode or the edges, managing keys and reading the audit log need admin.
pub const ROUTES: &[Route] = &[
    route(Op::Root, Get, "/", Read),
    route(Op::RootPost, Post, "/", Read),
    route(Op::ServerVersion, Get, "/v1/metadata/version", Read),
    route(Op::ClusterId, Get, "/v1/metadata/id", Read),
    route(Op::Deployment, Get, "/v1/metadata/deployment", Read),
    route(Op::Contexts, Get, "/contexts", Read),
    route(Op::DeleteContext, Delete, "/contexts/{context}", Write),
    route(Op::Health, Get, "/health", Public),
    route(Op::Ready, Get, "/ready", Public),
    route(Op::Metrics, Get, "/metrics", Read),
    route(Op::OpenApi, Get, "/openapi.json", Public),
    cached(Op::ListSubjects, "/subjects"),
    route(Op::LookupSchema, Post, "/subjects/{subject}", Read),
    route(Op::DeleteSubject, Delete, "/subjects/{subject}", Write),
    cached(Op::ListVersions, "/subjects/{subject}/versions"),
    route(Op::Register, Post, "/subjects/{subject}/versions", Write),
    cached(Op::GetVersion, "/subjects/{subject}/versions/{version}"),
    route(
        Op::DeleteVersion,
        Delete,
        "/subjects/{subject}/versions/{version}",
        Write,
    ),
    cached(
        Op::GetVersionSchema,
        "/subjects/{subject}/versions/{version}/schema",
    ),
    route(
        Op::ReferencedBy,
        Get,
        "/subjects/{subject}/versions/{version}/referencedby",
        Read,
    ),
    route(
        Op::ModifyTags,
        Post,
        "/subjects/{subject}/versions/{version}/tags",
        Write,
    ),
    cached(
        Op::LlmExport,
        "/subjects/{subject}/versions/{version}/llm/{provider}",
    ),
    route(Op::LlmLint, Post, "/llm/lint", Read),
    route(Op::LlmProfiles, Get, "/llm/profiles", Read),
    validate(
        Op::ValidateVersion,
        "/subjects/{subject}/versions/{version}/validate",
    ),
    route(
        Op::VersionByMetadata,
        Get,
        "/subjects/{subject}/metadata",
        Read,
    ),
    route(Op::ListSchemas, Get, "/schemas", Read),
    cached(Op::SchemaTypes, "/schemas/types"),
    cached(Op::SchemaById, "/schemas/ids/{id}"),
    cached(Op::SchemaByGuid, "/schemas/guids/{guid}"),
    route(Op::IdsByGuid, Get, "/schemas/guids/{guid}/ids", Read),
    route(
        Op::AssociationsBySubject,
        Get,
        "/associations/subjects/{subject}",
        Read,
    ),
    route(
        Op::AssociationsByResourceName,
        Get,
        "/associations/resources/{namespace}/{name}",
        Read,
    ),
    route(
        Op::AssociationsByResourceId,
        Get,
        "/associations/resources/{id}",
        Read,
    ),
    route(Op::CreateAssociation, Post, "/associations", Write),
    route(Op::UpdateAssociation, Put, "/associations", Write),
    route(
        Op::CreateAssociations,
        Post,
        "/associations:batchCreate",
        Write,
    ),
    route(
        Op::UpdateAssociations,
        Post,
        "/associations:batchUpdate",
        Write,
    ),
    route(
        Op::DeleteAssociations,
        Delete,
        "/associations/resources/{id}",
        Write,
    ),
    // The DEK registry: reading keys is what consumers do (read), creating DEKs is what
    // producers do (write); managing KEKs and deleting keys is admin.
    route(Op::ListKeks, Get, "/dek-registry/v1/keks", Read),
    route(Op::CreateKek, Post, "/dek-registry/v1/keks", Admin),
    route(Op::GetKek, Get, "/dek-registry/v1/keks/{name}", Read),
    route(Op::UpdateKek, Put, "/dek-registry/v1/keks/{name}", Admin),
    route(Op::DeleteKek, Delete, "/dek-registry/v1/keks/{name}", Admin),
    route(
        Op::UndeleteKek,
        Post,
        "/dek-registry/v1/keks/{name}/undelete",
        Admin,
    ),
    route(
        Op::ListDekSubjects,
        Get,
        "/dek-registry/v1/keks/{name}/deks",
        Read,
    ),
    route(
        Op::CreateDek,
        Post,
        "/dek-registry/v1/keks/{name}/deks",
        Write,
    ),
    route(
        Op::CreateDekForSubject,
        Post,
        "/dek-registry/v1/keks/{name}/deks/{subject}",
        Write,
    ),
    route(
        Op::GetDek,
        Get,
        "/dek-registry/v1/keks/{name}/deks/{subject}",
        Read,
    ),
    route(
        Op::DeleteDeks,
        Delete,
        "/dek-registry/v1/keks/{name}/deks/{subject}",
        Admin,
    ),
    route(
        Op::UndeleteDeks,
        Post,
        "/dek-registry/v1/keks/{name}/deks/{subject}/undelete",
        Admin,
    ),
    route(
        Op::ListDekVersions,
        Get,
        "/dek-registry/v1/keks/{name}/deks/{subject}/versions",
        Read,
    ),
    route(
        Op::GetDekVersion,
        Get,
        "/dek-registry/v1/keks/{name}/deks/{subject}/versions/{version}",
        Read,
    ),
    route(
        Op::DeleteDekVersion,
        Delete,
        "/dek-registry/v1/keks/{name}/deks/{subject}/versions/{version}",
        Admin,
    ),
    route(
        Op::UndeleteDekVersion,
        Post,
        "/dek-registry/v1/keks/{name}/deks/{subject}/versions/{version}/undelete",
        Admin,
    ),
    route(Op::SubjectDeks, Get, "/subjects/{subject}/deks", Read),
    cached(Op::SchemaTextById, "/schemas/ids/{id}/schema"),
    cached(Op::ValidatorById, "/schemas/ids/{id}/validator.mjs"),
    cached(
        Op::VersionValidator,
        "/subjects/{subject}/versions/{version}/validator.mjs",
    ),
    cached(Op::SubjectsOfSchema, "/schemas/ids/{id}/subjects"),
    cached(Op::VersionsOfSchema, "/schemas/ids/{id}/versions"),
    validate(Op::ValidateById, "/schemas/ids/{id}/validate"),
    route(
        Op::CheckCompatibility,
        Post,
        "/compatibility/subjects/{subject}/versions",
        Read,
    ),
    route(
        Op::CheckCompatibilityWithVersion,
        Post,
        "/compatibility/subjects/{subject}/versions/{version}",
        Read,
    ),
    cached(Op::GetConfig, "/config"),
    route(Op::SetConfig, Put, "/config", Write),
    route(Op::DeleteConfig, Delete, "/config", Write),
    cached(Op::GetSubjectConfig, "/config/{subject}"),
    route(Op::SetSubjectConfig, Put, "/config/{subject}", Write),
    route(Op::DeleteSubjectConfig, Delete, "/config/{subject}", Write),
    cached(Op::GetMode, "/mode"),
    route(Op::SetMode, Put, "/mode", Admin),
    route(Op::DeleteMode, Delete, "/mode", Admin),
    cached(Op::GetSubjectMode, "/mode/{subject}"),
    route(Op::SetSubjectMode, Put, "/mode/{subject}", Admin),
    route(Op::DeleteSubjectMode, Delete, "/mode/{subject}", Admin),
    route(Op::ListEdges, Get, "/admin/edges", Admin),
    route(Op::AddEdge, Post, "/admin/edges", Admin),
    route(Op::RemoveEdge, Delete, "/admin/edges", Admin),
    route(Op::ListKeys, Get, "/admin/keys", Admin),
    route(Op::CreateKey, Post, "/admin/keys", Admin),
    route(Op::RevokeKey, Delete, "/admin/keys/{id}", Admin),
    route(Op::Search, Get, "/search", Read),
    route(Op::Events, Get, "/events", Admin),
    route(Op::ExportEvents, Get, "/events/export", Admin),
    route(Op::ConsoleRedirect, Get, "/ui", Public),
    route(Op::ConsolePage, Get, "/ui/", Public),
    route(Op::ConsoleFile, Get, "/ui/{*path}", Public),
];

/// The route of `op`.
pub fn of(op: Op) -> &'static Route {
    ROUTES
        .iter()
        .find(|r| r.op == op)
        .expect("every operation has a route")
}

/// A request matched to its route, with the path parameters percent-decoded, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Matched {
    pub route: &'static Route,
    pub params: Vec<String>,
}

impl Matched {
    /// The `i`-th path parameter.
    pub fn param(&self, i: usize) -> &str {
        self.params.get(i).map_or("", String::as_str)
    }
}

/// The route for `method` on `path` (without its query): literal segments win over parameters,
/// as in the origin's router.
pub fn find(method: &str, path: &str) -> Option<Matched> {
    let segments: Vec<&str> = path.strip_prefix('/').unwrap_or(path).split('/').collect();
    ROUTES
        .iter()
        .filter(|r| r.method.as_str() == method)
        .filter_map(|r| {
            let (params, literals) = match_template(r.path, &segments)?;
            Some((literals, Matched { route: r, params }))
        })
        .max_by_key(|(literals, _)| *literals)
        .map(|(_, m)| m)
}

/// The decoded parameters of `segments` under `template`, and how many literal segments
/// matched; `None` when it does not match.
fn match_template(template: &str, segments: &[&str]) -> Option<(Vec<String>, usize)> {
    let parts: Vec<&str> = template
        .strip_prefix('/')
        .unwrap_or(template)
        .split('/')
        .collect();
    let (mut params, mut literals) = (Vec::new(), 0);
    for (i, part) in parts.iter().enumerate() {
        if part.starts_with("{*") {
            let rest = segments.get(i..).filter(|r| !r.is_empty())?;
            params.push(decode(&rest.join("/")));
            return Some((params, literals));
        }
        let segment = segments.get(i)?;
        if part.starts_with('{') {
            if segment.is_empty() {
                return None;
            }
            params.push(decode(segment));
        } else if part == segment {
            literals += 1;
        } else {
            return None;
        }
    }
    (parts.len() == segments.len()).then_some((params, literals))
}

/// Percent-decoding of a path segment (invalid escapes kept as written).
pub fn decode(segment: &str) -> String {
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(byte) = segment
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(byte);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Which representation of a cached resource a read is: the KV key is the resource's
/// [`CacheKey`] followed by the variant's suffix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Variant {
    /// The resource itself.
    Body,
    /// Its raw schema text (`.../schema`).
    Schema,
    /// The subjects using a schema.
    Subjects,
    /// The subject versions using a schema.
    Versions,
    /// A version's export for an LLM profile (`.../llm/{provider}?as=`).
    Llm(&'static str, Usage),
    /// Its validator as a JavaScript module (`.../validator.mjs`).
    Validator,
}

impl Variant {
    pub const PLAIN: [Self; 5] = [
        Self::Body,
        Self::Schema,
        Self::Subjects,
        Self::Versions,
        Self::Validator,
    ];

    pub fn suffix(self) -> String {
        match self {
            Self::Body => String::new(),
            Self::Schema => "#schema".into(),
            Self::Subjects => "#subjects".into(),
            Self::Versions => "#versions".into(),
            Self::Validator => "#validator.mjs".into(),
            Self::Llm(profile, Usage::ResponseFormat) => format!("#llm/{profile}/response_format"),
            Self::Llm(profile, Usage::Tool) => format!("#llm/{profile}/tool"),
        }
    }

    /// Every variant a resource of `key` (its [`CacheKey`] as text) can have.
    pub fn of_key(key: &str) -> Vec<Self> {
        let mut all = Self::PLAIN.to_vec();
        if key.starts_with("sv/") || key.starts_with("latest/") {
            for p in crate::llm::PROFILES {
                all.push(Self::Llm(p.id, Usage::ResponseFormat));
                all.push(Self::Llm(p.id, Usage::Tool));
            }
        }
        all
    }
}

/// A cached read: the resource and its representation.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ReadKey {
    pub key: CacheKey,
    pub variant: Variant,
}

impl ReadKey {
    /// The KV key.
    pub fn kv_key(&self) -> String {
        format!("{}{}", self.key, self.variant.suffix())
    }
}

/// Every KV key of `key`'s representations (what an invalidation of it drops).
pub fn kv_keys(key: &str) -> Vec<String> {
    Variant::of_key(key)
        .into_iter()
        .map(|v| format!("{key}{}", v.suffix()))
        .collect()
}

/// The resource a subject version segment names: a number, or `latest`/`-1`.
pub fn version_key(subject: &str, version: &str) -> Option<CacheKey> {
    match version {
        "latest" | "-1" => Some(CacheKey::Latest(subject.to_owned())),
        n => n
            .parse::<i32>()
            .ok()
            .filter(|n| *n > 0)
            .map(|n| CacheKey::SubjectVersion(subject.to_owned(), n)),
    }
}

/// The cache key of a [`EdgeRole::Cached`] read with `query` (`None` for other routes, for
/// parameters that do not name a resource, such as a non-numeric id, and for a query the key
/// does not cover: only an export's `as`).
pub fn read_key_with_query(m: &Matched, query: Option<&str>) -> Option<ReadKey> {
    let pairs: Vec<(&str, &str)> = query
        .unwrap_or_default()
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| p.split_once('=').unwrap_or((p, "")))
        .collect();
    if m.route.op != Op::LlmExport {
        return if pairs.is_empty() { read_key(m) } else { None };
    }
    let usage = match pairs.as_slice() {
        [] => Usage::ResponseFormat,
        [("as", value)] => Usage::parse(value)?,
        _ => return None,
    };
    let profile = crate::llm::profile::find(m.param(2))?;
    let key = version_key(m.param(0), m.param(1))?;
    Some(ReadKey {
        key,
        variant: Variant::Llm(profile.id, usage),
    })
}

/// The cache key of a [`EdgeRole::Cached`] read without a query (`None` for other routes, or
/// parameters that do not name a resource, such as a non-numeric id).
pub fn read_key(m: &Matched) -> Option<ReadKey> {
    use Variant::{Body, Schema, Subjects, Validator, Versions};
    let subject = || m.param(0).to_owned();
    let id = || m.param(0).parse::<i64>().ok();
    let (key, variant) = match m.route.op {
        Op::ListSubjects => (CacheKey::Subjects, Body),
        Op::ListVersions => (CacheKey::Versions(subject()), Body),
        Op::GetVersion => (version_key(m.param(0), m.param(1))?, Body),
        Op::GetVersionSchema => (version_key(m.param(0), m.param(1))?, Schema),
        Op::SchemaTypes => (CacheKey::Types, Body),
        Op::SchemaById => (CacheKey::SchemaById(id()?), Body),
        Op::SchemaTextById => (CacheKey::SchemaById(id()?), Schema),
        Op::ValidatorById => (CacheKey::SchemaById(id()?), Validator),
        Op::VersionValidator => (version_key(m.param(0), m.param(1))?, Validator),
        Op::SchemaByGuid => (CacheKey::SchemaByGuid(m.param(0).to_owned()), Body),
        Op::SubjectsOfSchema => (CacheKey::SchemaUsage(id()?), Subjects),
        Op::VersionsOfSchema => (CacheKey::SchemaUsage(id()?), Versions),
        Op::GetConfig => (CacheKey::Config(None), Body),
        Op::GetSubjectConfig => (CacheKey::Config(Some(subject())), Body),
        Op::GetMode => (CacheKey::Mode(None), Body),
        Op::GetSubjectMode => (CacheKey::Mode(Some(subject())), Body),
        Op::LlmExport => return read_key_with_query(m, None),
        _ => return None,
    };
    Some(ReadKey { key, variant })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn concrete(template: &str) -> String {
        template
            .replace("{subject}", "s")
            .replace("{version}", "1")
            .replace("{id}", "1")
            .replace("{guid}", "g")
            .replace("{context}", ".c")
            .replace("{namespace}", "ns")
            .replace("{name}", "n")
            .replace("{provider}", "openai")
            .replace("{*path}", "a/b.js")
    }

    #[test]
    fn every_route_is_found_by_its_own_path_and_no_other() {
        for r in ROUTES {
            let m = find(r.method.as_str(), &concrete(r.path)).expect(r.path);
            assert_eq!(m.route, r, "{:?} {}", r.method, r.path);
        }
        let mut seen = std::collections::HashSet::new();
        for r in ROUTES {
            assert!(
                seen.insert((r.method, r.path)),
                "{:?} {} twice",
                r.method,
                r.path
            );
        }
    }

    #[test]
    fn every_cached_route_names_its_key() {
        for r in ROUTES.iter().filter(|r| r.edge == EdgeRole::Cached) {
            let m = find(r.method.as_str(), &concrete(r.path)).expect(r.path);
            assert!(read_key(&m).is_some(), "{} has no read key", r.path);
            assert_eq!(r.method, Method::Get);
        }
        for r in ROUTES.iter().filter(|r| r.edge == EdgeRole::Validate) {
            assert_eq!(r.access, Access::Read, "{}", r.path);
        }
    }

    #[test]
    fn paths_decode_and_literals_win() {
        let m = find("GET", "/subjects/a%2Fb/versions/-1").unwrap();
        assert_eq!(m.route.op, Op::GetVersion);
        assert_eq!(m.params, ["a/b", "-1"]);
        assert_eq!(
            read_key(&m).unwrap().kv_key(),
            "latest/a%2Fb",
            "keys re-encode the subject"
        );
        assert_eq!(
            find("GET", "/schemas/types").unwrap().route.op,
            Op::SchemaTypes
        );
        assert_eq!(
            find("GET", "/events/export").unwrap().route.op,
            Op::ExportEvents
        );
        assert_eq!(find("GET", "/ui/").unwrap().route.op, Op::ConsolePage);
        assert_eq!(find("GET", "/ui/app.js").unwrap().params, ["app.js"]);
        assert!(find("GET", "/subjects/").is_none());
        assert!(find("PATCH", "/subjects").is_none());
        assert!(find("GET", "/nope").is_none());
        let m = find("GET", "/schemas/ids/x").unwrap();
        assert_eq!(read_key(&m), None, "a non-numeric id names no resource");
        assert_eq!(
            kv_keys("id/1"),
            [
                "id/1",
                "id/1#schema",
                "id/1#subjects",
                "id/1#versions",
                "id/1#validator.mjs"
            ]
        );
    }
}
