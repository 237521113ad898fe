//! The Worker: `fetch` hands every request to [`handle`], which follows the [`Plan`].
//!
//! KV holds origin responses verbatim (body, ETag, Cache-Control, content type) under the
//! shared cache keys. Immutable entries are served forever; mutable ones are replaced by
//! invalidations and, as a safety net against a lost invalidation, revalidated with the origin
//! after `MUTABLE_REVALIDATE_SECS` (served stale, marked `x-registry-cache: STALE`, when the
//! origin cannot answer). Validators are compiled once per schema fingerprint and kept, bounded,
//! in isolate memory.

use std::cell::RefCell;
use std::collections::{HashMap, VecDeque};

use registry_core::api::{ValidateResponse, codes};
use registry_core::invalidation::{self, InvalidationBatch};
use registry_core::{
    ParseOptions, ResolvedReference, Schema, SchemaReference, SchemaType, Validator,
};
use serde::{Deserialize, Serialize};
use worker::{
    Date, Env, Fetch, Headers, Method, Request, RequestInit, Response, Result, event, kv::KvStore,
};

use registry_core::routes::{INVALIDATED_HEADER, ReadKey, kv_keys};

use crate::plan::{Plan, invalidated_kv_keys, plan};

const CONTENT_TYPE: &str = "application/vnd.schemaregistry.v1+json";
const CACHE_HEADER: &str = "x-registry-cache";
const APPLIED_SEQ_KEY: &str = "_registry/applied_seq";
/// Compiled validators kept per isolate.
const MAX_VALIDATORS: usize = 256;

/// Settings from `wrangler.toml` vars and secrets.
struct EdgeConfig {
    origin: String,
    secret: Option<String>,
    reads_need_key: bool,
    revalidate_secs: u64,
    build: String,
}

impl EdgeConfig {
    fn from_env(env: &Env) -> Self {
        let var = |name: &str| env.var(name).ok().map(|v| v.to_string());
        Self {
            origin: var("ORIGIN_URL")
                .unwrap_or_else(|| "http://127.0.0.1:8081".into())
                .trim_end_matches('/')
                .to_owned(),
            secret: env
                .secret("INVALIDATION_SECRET")
                .ok()
                .map(|s| s.to_string())
                .or_else(|| var("INVALIDATION_SECRET")),
            reads_need_key: var("READ_AUTH").is_some_and(|v| v == "key"),
            revalidate_secs: var("MUTABLE_REVALIDATE_SECS")
                .and_then(|v| v.parse().ok())
                .unwrap_or(60),
            build: var("BUILD_VERSION").unwrap_or_else(|| env!("CARGO_PKG_VERSION").into()),
        }
    }
}

/// An origin response as KV keeps it.
#[derive(Debug, Serialize, Deserialize)]
struct Entry {
    body: String,
    etag: Option<String>,
    cache_control: Option<String>,
    content_type: Option<String>,
    /// Milliseconds since the epoch when it was fetched or last revalidated.
    stored_at: u64,
}

/// How long a key the origin accepted is trusted for reads served from KV.
const KEY_TRUST_MS: u64 = 60_000;

/// A key revoked at the origin is refused here for this long (more than [`KEY_TRUST_MS`]),
/// across every isolate: the invalidation leaves a mark in KV.
const REVOKED_MARK_SECS: u64 = 180;

/// A credential the origin accepted: until when, and the key id it names.
struct Trusted {
    until: u64,
    key_id: Option<String>,
}

thread_local! {
    /// Credentials the origin accepted recently, by SHA-256 of the `Authorization` header.
    static TRUSTED_KEYS: RefCell<HashMap<String, Trusted>> = RefCell::new(HashMap::new());
    static VALIDATORS: RefCell<(HashMap<String, Validator>, VecDeque<String>)> = RefCell::new((HashMap::new(), VecDeque::new()));
}

#[event(fetch)]
async fn fetch(req: Request, env: Env, _ctx: worker::Context) -> Result<Response> {
    let config = EdgeConfig::from_env(&env);
    let kv = env.kv("REGISTRY_KV")?;
    match handle(req, &config, &kv).await {
        Ok(r) => Ok(r),
        Err(e) => {
            // The detail goes to the Worker's log, never to the client.
            worker::console_error!("edge error: {e}");
            error(500, codes::INTERNAL, "Internal error at the edge")
        }
    }
}

fn error(status: u16, code: u32, message: &str) -> Result<Response> {
    let body = serde_json::json!({"error_code": code, "message": message}).to_string();
    let headers = Headers::new();
    headers.set("content-type", CONTENT_TYPE)?;
    Ok(Response::from_bytes(body.into_bytes())?
        .with_status(status)
        .with_headers(headers))
}

async fn handle(mut req: Request, config: &EdgeConfig, kv: &KvStore) -> Result<Response> {
    let url = req.url()?;
    let method = req.method().to_string();
    // A request under a context prefix is the plain request it stands for, here as at the
    // origin: one path, one cache key, per resource.
    let (path, query) = match registry_core::context_path::unprefix(url.path(), url.query()) {
        Ok(Some(plain)) => (plain.path, plain.query),
        Ok(None) => (url.path().to_owned(), url.query().map(str::to_owned)),
        Err(message) => return error(400, 400, &message),
    };
    let query = query.as_deref();
    let planned = plan(&method, &path, query);
    if matches!(planned, Plan::Read(_) | Plan::Validate { .. })
        && registry_core::media::negotiate(req.headers().get("accept")?.as_deref()).is_none()
    {
        return error(406, codes::NOT_ACCEPTABLE, "HTTP 406 Not Acceptable");
    }
    match planned {
        Plan::Status => status(kv, config).await,
        Plan::Invalidate => invalidate(&mut req, kv, config).await,
        Plan::Read(key) => {
            if config.reads_need_key
                && let Some(refused) = check_key(&req, config, kv).await?
            {
                return Ok(refused);
            }
            let target = match query.filter(|q| !q.is_empty()) {
                Some(q) => format!("{path}?{q}"),
                None => path.clone(),
            };
            read(&req, kv, config, &key, &target).await
        }
        Plan::Validate {
            schema_path,
            schema_key,
        } => validate(&mut req, kv, config, &schema_path, schema_key.as_ref()).await,
        Plan::Forward if !matches!(req.method(), Method::Get | Method::Head) => {
            // A write: drop what the origin says it made stale, so this client reads its own
            // writes here before the signed invalidation arrives.
            let response = forward(&mut req, config, &path, query).await?;
            if (200..300).contains(&response.status_code())
                && let Some(stale) = response.headers().get(INVALIDATED_HEADER)?
            {
                for key in invalidated_kv_keys(&stale) {
                    kv.delete(&key).await?;
                }
            }
            Ok(response)
        }
        Plan::Forward => {
            let r = forward(&mut req, config, &path, query).await?;
            relay(r, "BYPASS").await
        }
    }
}

/// With key-protected reads, a request is served from KV only with a key the origin accepts:
/// checked with the origin (a cheap authenticated read) and then trusted for
/// [`KEY_TRUST_MS`]. The edge never serves what the origin would refuse. `Some` is the refusal.
async fn check_key(req: &Request, config: &EdgeConfig, kv: &KvStore) -> Result<Option<Response>> {
    use sha2::Digest;
    let Some(auth) = req.headers().get("authorization")? else {
        return error(
            401,
            codes::UNAUTHORIZED,
            "Reads at this edge need an API key",
        )
        .map(Some);
    };
    let digest = hex::encode(sha2::Sha256::digest(auth.as_bytes()));
    let key_id = registry_core::credentials::from_authorization(&auth).map(|(id, _)| id);
    let now = Date::now().as_millis();
    let trusted = TRUSTED_KEYS.with(|t| t.borrow().get(&digest).is_some_and(|k| k.until > now));
    if trusted && !revoked(kv, key_id.as_deref()).await? {
        return Ok(None);
    }
    match origin_get(config, "/schemas/types", Some(auth), None).await {
        Ok(r) if r.status_code() == 200 => {
            TRUSTED_KEYS.with(|t| {
                let mut t = t.borrow_mut();
                t.retain(|_, k| k.until > now);
                t.insert(
                    digest,
                    Trusted {
                        until: now + KEY_TRUST_MS,
                        key_id,
                    },
                );
            });
            Ok(None)
        }
        Ok(r) if matches!(r.status_code(), 401 | 403) => relay(r, "MISS").await.map(Some),
        _ => error(
            503,
            codes::FORWARDING,
            "The registry origin cannot check this key now",
        )
        .map(Some),
    }
}

/// Whether key `id` was revoked at the origin lately (the mark an invalidation leaves in KV).
async fn revoked(kv: &KvStore, id: Option<&str>) -> Result<bool> {
    let Some(id) = id else { return Ok(false) };
    Ok(kv.get(&revoked_mark(id)).text().await?.is_some())
}

fn revoked_mark(id: &str) -> String {
    format!("_registry/revoked/{}", urlencode(id))
}

/// Forgets what this isolate trusted of key `id` and marks it revoked for every isolate.
async fn forget_key(kv: &KvStore, id: &str) -> Result<()> {
    TRUSTED_KEYS.with(|t| {
        t.borrow_mut()
            .retain(|_, k| k.key_id.as_deref() != Some(id));
    });
    kv.put(&revoked_mark(id), "1")?
        .expiration_ttl(REVOKED_MARK_SECS)
        .execute()
        .await?;
    Ok(())
}

/// A copy of an origin response (whose headers are immutable) with our cache header added.
async fn relay(mut r: Response, cache: &str) -> Result<Response> {
    let headers = Headers::new();
    for name in [
        "content-type",
        "etag",
        "cache-control",
        "retry-after",
        "x-request-id",
    ] {
        if let Some(v) = r.headers().get(name)? {
            headers.set(name, &v)?;
        }
    }
    headers.set(CACHE_HEADER, cache)?;
    let status = r.status_code();
    let body = r.bytes().await?;
    Ok(Response::from_bytes(body)?
        .with_status(status)
        .with_headers(headers))
}

async fn drop_key(kv: &KvStore, key: &str) -> Result<()> {
    for k in kv_keys(key) {
        kv.delete(&k).await?;
    }
    Ok(())
}

fn entry_response(entry: &Entry, req_headers: &Headers, cache: &str) -> Result<Response> {
    let headers = Headers::new();
    // Stored as the origin answered the edge (the registry's type); relabelled as the client's
    // `Accept` asks, as the origin would.
    let stored = entry.content_type.as_deref().unwrap_or(CONTENT_TYPE);
    let content_type = if stored.eq_ignore_ascii_case(CONTENT_TYPE) {
        let accept = req_headers.get("accept")?;
        registry_core::media::negotiate(accept.as_deref()).unwrap_or(CONTENT_TYPE)
    } else {
        stored
    };
    headers.set("content-type", content_type)?;
    if let Some(cc) = &entry.cache_control {
        headers.set("cache-control", cc)?;
    }
    headers.set(CACHE_HEADER, cache)?;
    if let Some(etag) = &entry.etag {
        headers.set("etag", etag)?;
        if req_headers
            .get("if-none-match")?
            .is_some_and(|v| v.split(',').any(|t| t.trim() == etag))
        {
            return Ok(Response::empty()?.with_status(304).with_headers(headers));
        }
    }
    Ok(Response::from_bytes(entry.body.clone().into_bytes())?.with_headers(headers))
}

/// GET from the origin, carrying the client's auth header.
async fn origin_get(
    config: &EdgeConfig,
    path: &str,
    auth: Option<String>,
    etag: Option<&str>,
) -> Result<Response> {
    let headers = Headers::new();
    headers.set("accept", CONTENT_TYPE)?;
    if let Some(a) = auth {
        headers.set("authorization", &a)?;
    }
    if let Some(e) = etag {
        headers.set("if-none-match", e)?;
    }
    let mut init = RequestInit::new();
    init.with_method(Method::Get).with_headers(headers);
    Fetch::Request(Request::new_with_init(
        &format!("{}{path}", config.origin),
        &init,
    )?)
    .send()
    .await
}

async fn read(
    req: &Request,
    kv: &KvStore,
    config: &EdgeConfig,
    key: &ReadKey,
    path: &str,
) -> Result<Response> {
    let (kv_key, immutable) = (key.kv_key(), Plan::is_immutable(key));
    let kv_key = kv_key.as_str();
    let now = Date::now().as_millis();
    let cached: Option<Entry> = kv.get(kv_key).json().await?;
    let auth = req.headers().get("authorization")?;
    if let Some(entry) = &cached {
        let fresh =
            immutable || now.saturating_sub(entry.stored_at) < config.revalidate_secs * 1000;
        if fresh {
            return entry_response(entry, req.headers(), "HIT");
        }
    }
    match origin_get(
        config,
        path,
        auth,
        cached.as_ref().and_then(|e| e.etag.as_deref()),
    )
    .await
    {
        Ok(r) if r.status_code() == 304 && cached.is_some() => {
            let mut entry = cached.expect("checked");
            entry.stored_at = now;
            kv.put(kv_key, &entry)?.execute().await?;
            entry_response(&entry, req.headers(), "REVALIDATED")
        }
        // What the origin says no cache may keep (a read through an alias) is passed on.
        Ok(r)
            if r.status_code() == 200
                && r.headers()
                    .get("cache-control")?
                    .is_some_and(|c| c.contains("no-store")) =>
        {
            relay(r, "BYPASS").await
        }
        Ok(mut r) if r.status_code() == 200 => {
            let h = r.headers().clone();
            let entry = Entry {
                body: r.text().await?,
                etag: h.get("etag")?,
                cache_control: h.get("cache-control")?,
                content_type: h.get("content-type")?,
                stored_at: now,
            };
            kv.put(kv_key, &entry)?.execute().await?;
            entry_response(&entry, req.headers(), "MISS")
        }
        Ok(r) if r.status_code() < 500 => relay(r, "MISS").await,
        // The origin failed or is unreachable: a stale copy beats an error.
        _ => match &cached {
            Some(entry) => entry_response(entry, req.headers(), "STALE"),
            None => error(
                503,
                codes::FORWARDING,
                "The registry origin is unavailable and this edge has no copy",
            ),
        },
    }
}

async fn forward(
    req: &mut Request,
    config: &EdgeConfig,
    path: &str,
    query: Option<&str>,
) -> Result<Response> {
    let headers = Headers::new();
    for name in ["content-type", "authorization", "accept", "if-none-match"] {
        if let Some(v) = req.headers().get(name)? {
            headers.set(name, &v)?;
        }
    }
    let method = req.method();
    let body = if matches!(method, Method::Get | Method::Head) {
        None
    } else {
        Some(req.bytes().await?)
    };
    let mut init = RequestInit::new();
    init.with_method(method).with_headers(headers);
    if let Some(b) = body {
        init.with_body(Some(js_sys_bytes(&b)));
    }
    let url = match query {
        Some(q) if !q.is_empty() => format!("{}{path}?{q}", config.origin),
        _ => format!("{}{path}", config.origin),
    };
    match Fetch::Request(Request::new_with_init(&url, &init)?)
        .send()
        .await
    {
        Ok(r) => Ok(r),
        Err(_) => error(503, codes::FORWARDING, "The registry origin is unavailable"),
    }
}

fn js_sys_bytes(bytes: &[u8]) -> wasm_bindgen::JsValue {
    worker::js_sys::Uint8Array::from(bytes).into()
}

/// The highest event seq this edge has applied (0 before the first batch).
async fn applied_seq(kv: &KvStore) -> Result<i64> {
    Ok(kv
        .get(APPLIED_SEQ_KEY)
        .text()
        .await?
        .and_then(|s| s.parse().ok())
        .unwrap_or(0))
}

async fn status(kv: &KvStore, config: &EdgeConfig) -> Result<Response> {
    let applied = applied_seq(kv).await?;
    Response::from_json(
        &serde_json::json!({"applied_seq": applied, "build": config.build, "origin": config.origin}),
    )
}

async fn invalidate(req: &mut Request, kv: &KvStore, config: &EdgeConfig) -> Result<Response> {
    let Some(secret) = &config.secret else {
        return error(
            503,
            codes::UNAVAILABLE,
            "This edge has no invalidation secret configured",
        );
    };
    let body = req.bytes().await?;
    let timestamp = req
        .headers()
        .get(invalidation::TIMESTAMP_HEADER)?
        .unwrap_or_default();
    let signature = req
        .headers()
        .get(invalidation::SIGNATURE_HEADER)?
        .unwrap_or_default();
    let now = (Date::now().as_millis() / 1000) as i64;
    if let Err(e) = invalidation::verify(secret.as_bytes(), &timestamp, &body, &signature, now) {
        return error(
            401,
            codes::UNAUTHORIZED,
            &format!("invalidation refused: {e}"),
        );
    }
    let batch: InvalidationBatch = match serde_json::from_slice(&body) {
        Ok(b) => b,
        Err(e) => return error(400, 400, &format!("invalid batch: {e}")),
    };
    if !batch.is_for(req.url()?.as_ref()) {
        return error(
            403,
            codes::FORBIDDEN,
            "invalidation refused: this batch is for another edge",
        );
    }
    let nonce_key = format!("_registry/nonce/{}", batch.nonce);
    if kv.get(&nonce_key).text().await?.is_some() {
        return error(
            409,
            40901,
            "invalidation refused: this batch was already delivered (replay)",
        );
    }
    // Remembered longer than a signature stays acceptable, so a replay is always caught.
    kv.put(&nonce_key, "1")?
        .expiration_ttl((invalidation::MAX_SKEW_SECS * 3) as u64)
        .execute()
        .await?;
    for event in &batch.events {
        for key in &event.keys {
            match registry_core::cache_key::CacheKey::parse(key) {
                Some(registry_core::cache_key::CacheKey::ApiKey(id)) => forget_key(kv, &id).await?,
                _ => drop_key(kv, key).await?,
            }
        }
    }
    let applied = applied_seq(kv).await?;
    let highest = batch.max_seq().unwrap_or(0).max(applied);
    kv.put(APPLIED_SEQ_KEY, highest.to_string())?
        .execute()
        .await?;
    Response::from_json(&serde_json::json!({"applied_seq": highest}))
}

/// The compiled validator for `schema`, from isolate memory or compiled now (and kept,
/// dropping the oldest beyond [`MAX_VALIDATORS`]).
fn compiled(schema: &Schema) -> Option<Validator> {
    let fingerprint = schema.fingerprint.to_hex();
    if let Some(v) = VALIDATORS.with(|v| v.borrow().0.get(&fingerprint).cloned()) {
        return Some(v);
    }
    let v = Validator::compile(schema).ok()?;
    VALIDATORS.with(|cell| {
        let (map, order) = &mut *cell.borrow_mut();
        if map.len() >= MAX_VALIDATORS
            && let Some(oldest) = order.pop_front()
        {
            map.remove(&oldest);
        }
        map.insert(fingerprint.clone(), v.clone());
        order.push_back(fingerprint);
    });
    Some(v)
}

/// The schema document a validate request names, read through the same KV path as a GET.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SchemaDoc {
    schema: String,
    #[serde(default)]
    schema_type: Option<String>,
    #[serde(default)]
    references: Vec<SchemaReference>,
}

async fn cached_doc(
    req: &Request,
    kv: &KvStore,
    config: &EdgeConfig,
    path: &str,
    key: Option<&ReadKey>,
) -> Result<std::result::Result<SchemaDoc, Response>> {
    let mut r = match key {
        Some(key) => read(req, kv, config, key, path).await?,
        None => origin_get(config, path, req.headers().get("authorization")?, None).await?,
    };
    if r.status_code() != 200 {
        return Ok(Err(r));
    }
    match serde_json::from_str(&r.text().await?) {
        Ok(doc) => Ok(Ok(doc)),
        Err(e) => {
            worker::console_error!("unexpected origin answer for {path}: {e}");
            Ok(Err(error(
                502,
                codes::FORWARDING,
                "The registry origin gave an answer this edge cannot read",
            )?))
        }
    }
}

async fn resolve(
    req: &Request,
    kv: &KvStore,
    config: &EdgeConfig,
    refs: &[SchemaReference],
    out: &mut Vec<ResolvedReference>,
    depth: usize,
) -> Result<bool> {
    for r in refs {
        if depth > 16 || out.iter().any(|x| x.reference == *r) {
            continue;
        }
        let path = format!("/subjects/{}/versions/{}", urlencode(&r.subject), r.version);
        let key = ReadKey {
            key: registry_core::cache_key::CacheKey::SubjectVersion(r.subject.clone(), r.version),
            variant: registry_core::routes::Variant::Body,
        };
        let Ok(doc) = cached_doc(req, kv, config, &path, Some(&key)).await? else {
            return Ok(false);
        };
        if !Box::pin(resolve(req, kv, config, &doc.references, out, depth + 1)).await? {
            return Ok(false);
        }
        out.push(ResolvedReference {
            reference: r.clone(),
            schema: doc.schema,
        });
    }
    Ok(true)
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

async fn validate(
    req: &mut Request,
    kv: &KvStore,
    config: &EdgeConfig,
    schema_path: &str,
    schema_key: Option<&ReadKey>,
) -> Result<Response> {
    let ct = req.headers().get("content-type")?.unwrap_or_default();
    if !registry_core::api::accepts_content_type(&ct) {
        return error(
            415,
            codes::UNSUPPORTED_MEDIA_TYPE,
            &format!("Content type '{ct}' is not supported"),
        );
    }
    let payload: serde_json::Value = match req.json().await {
        Ok(v) => v,
        Err(e) => return error(400, 400, &format!("Invalid JSON body: {e}")),
    };
    let doc = match cached_doc(req, kv, config, schema_path, schema_key).await? {
        Ok(doc) => doc,
        Err(response) => return Ok(response),
    };
    let mut resolved = Vec::new();
    if !resolve(req, kv, config, &doc.references, &mut resolved, 0).await? {
        return error(503, codes::FORWARDING, "A referenced schema is unavailable");
    }
    let schema = match doc
        .schema_type
        .as_deref()
        .unwrap_or("AVRO")
        .parse::<SchemaType>()
        .and_then(|ty| Schema::parse(ty, &doc.schema, &resolved, ParseOptions::default()))
    {
        Ok(s) => s,
        Err(e) => {
            worker::console_error!("schema at {schema_path} does not parse here: {e}");
            return error(500, codes::INTERNAL, "Internal error at the edge");
        }
    };
    let Some(validator) = compiled(&schema) else {
        worker::console_error!("schema at {schema_path} does not compile here");
        return error(500, codes::INTERNAL, "Internal error at the edge");
    };
    let answer = ValidateResponse::answer(&validator, payload);
    let headers = Headers::new();
    headers.set("content-type", CONTENT_TYPE)?;
    headers.set(CACHE_HEADER, "LOCAL")?;
    Ok(Response::from_json(&answer)?.with_headers(headers))
}
