//! `schema-registry export` and `import`: a whole registry to a JSON-lines file and back,
//! through the Confluent REST API only, so either end can be any compatible registry.
//!
//! The file: a header line, then one line per schema version (ordered by id, so a version's
//! references come before it) with its id, version, metadata and whether it is soft-deleted,
//! then the compatibility and mode settings. Import puts the target in IMPORT mode, registers
//! every version with its id and version, soft-deletes what was soft-deleted, applies the
//! settings, and restores the global mode the source had. It is idempotent (a version the
//! target already has with the same id is skipped; only subjects the target had when the
//! import started are looked at, so a version of a new subject costs one request) and
//! resumable: progress is checkpointed beside the file (`FILE.import-state`) and a rerun
//! continues from there.

use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use clap::Args;
use futures_util::StreamExt;
use reqwest::{Method, StatusCode, Url};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

/// The first line of an export.
const FORMAT: &str = "llm-schema-registry-export";
const CONTENT_TYPE: &str = "application/vnd.schemaregistry.v1+json";
/// Schema lines between two checkpoints of an import.
const CHECKPOINT_EVERY: usize = 100;
const ATTEMPTS: u32 = 5;

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The registry to read (any Confluent-compatible REST API).
    #[arg(long, env = "REGISTRY_URL")]
    pub url: String,
    /// Where to write (default: standard output).
    #[arg(long, short)]
    pub output: Option<PathBuf>,
    #[command(flatten)]
    pub connection: Connection,
    /// Requests in flight at once.
    #[arg(long, default_value_t = 8)]
    pub concurrency: usize,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The registry to write (any Confluent-compatible REST API that has IMPORT mode).
    #[arg(long, env = "REGISTRY_URL")]
    pub url: String,
    /// A file written by `export`.
    pub file: PathBuf,
    #[command(flatten)]
    pub connection: Connection,
    /// Ignore a checkpoint from an earlier, interrupted run and start from the top.
    #[arg(long)]
    pub restart: bool,
    /// Subjects written at once (a subject's versions, and what references it, keep their
    /// order).
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..=256))]
    pub concurrency: u16,
}

#[derive(Debug, Clone, Args)]
pub struct Connection {
    /// An API key, sent as `Authorization: Bearer KEY`.
    #[arg(long, env = "REGISTRY_API_KEY", hide_env_values = true)]
    pub api_key: Option<String>,
    /// `USER:PASSWORD` for HTTP basic authentication instead.
    #[arg(long, env = "REGISTRY_BASIC_AUTH", hide_env_values = true)]
    pub basic_auth: Option<String>,
}

/// One line of an export file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Line {
    Header {
        format: String,
        version: u32,
        source: String,
        schemas: usize,
    },
    Schema(Box<SchemaLine>),
    /// A scope's configuration: the level and the other fields set.
    Config {
        subject: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        compatibility: Option<String>,
        #[serde(flatten)]
        fields: Box<registry_core::config::ConfigFields>,
    },
    Mode {
        subject: Option<String>,
        mode: String,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SchemaLine {
    pub subject: String,
    pub version: i64,
    pub id: i64,
    pub schema_type: String,
    pub schema: String,
    #[serde(default)]
    pub references: Value,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule_set: Option<Value>,
    #[serde(default)]
    pub deleted: bool,
}

/// A failed call, with what the registry said.
#[derive(Debug)]
struct Failure {
    status: Option<StatusCode>,
    code: Option<u64>,
    message: String,
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (self.status, self.code) {
            (Some(s), Some(c)) => write!(f, "{s} (error {c}): {}", self.message),
            (Some(s), None) => write!(f, "{s}: {}", self.message),
            _ => f.write_str(&self.message),
        }
    }
}

/// A registry's REST API.
struct Api {
    base: Url,
    client: reqwest::Client,
    auth: Option<String>,
}

impl Api {
    fn new(url: &str, connection: &Connection) -> Result<Self, String> {
        let mut base = Url::parse(url).map_err(|e| format!("bad --url {url}: {e}"))?;
        if !base.path().ends_with('/') {
            let path = format!("{}/", base.path());
            base.set_path(&path);
        }
        let auth = match (&connection.api_key, &connection.basic_auth) {
            (Some(key), _) => Some(format!("Bearer {key}")),
            (None, Some(pair)) => {
                use base64::Engine;
                Some(format!(
                    "Basic {}",
                    base64::engine::general_purpose::STANDARD.encode(pair)
                ))
            }
            (None, None) => None,
        };
        let client = reqwest::Client::builder()
            .timeout(Duration::from_mins(1))
            .build()
            .map_err(|e| e.to_string())?;
        Ok(Self { base, client, auth })
    }

    /// The URL of `segments` (each escaped) with `query`.
    fn url(&self, segments: &[&str], query: &str) -> Url {
        let mut url = self.base.clone();
        {
            let mut path = url.path_segments_mut().expect("http URL");
            path.pop_if_empty();
            path.extend(segments);
        }
        url.set_query((!query.is_empty()).then_some(query));
        url
    }

    /// Sends a request, retrying connection failures and 5xx answers with backoff; a 4xx answer
    /// is returned as it is (`Err` with its code).
    async fn call(&self, method: Method, url: Url, body: Option<&Value>) -> Result<Value, Failure> {
        let mut delay = Duration::from_millis(200);
        let mut attempt = 0;
        loop {
            attempt += 1;
            let mut req = self.client.request(method.clone(), url.clone());
            if let Some(a) = &self.auth {
                req = req.header("authorization", a);
            }
            if let Some(b) = body {
                req = req.header("content-type", CONTENT_TYPE).body(b.to_string());
            }
            let outcome = match req.send().await {
                Ok(resp) => {
                    let status = resp.status();
                    let text = resp.text().await.unwrap_or_default();
                    let value: Value = serde_json::from_str(&text).unwrap_or(Value::String(text));
                    if status.is_success() {
                        return Ok(value);
                    }
                    let failure = Failure {
                        status: Some(status),
                        code: value.get("error_code").and_then(Value::as_u64),
                        message: value
                            .get("message")
                            .and_then(Value::as_str)
                            .map_or_else(|| value.to_string(), str::to_owned),
                    };
                    if !(status.is_server_error() || status == StatusCode::TOO_MANY_REQUESTS) {
                        return Err(failure);
                    }
                    failure
                }
                Err(e) => Failure {
                    status: None,
                    code: None,
                    message: format!("{url}: {e}"),
                },
            };
            if attempt >= ATTEMPTS {
                return Err(outcome);
            }
            tokio::time::sleep(delay).await;
            delay = (delay * 2).min(Duration::from_secs(5));
        }
    }

    async fn get(&self, segments: &[&str], query: &str) -> Result<Value, Failure> {
        self.call(Method::GET, self.url(segments, query), None)
            .await
    }

    /// `None` for a 404 (the thing is not there).
    async fn get_optional(&self, segments: &[&str], query: &str) -> Result<Option<Value>, Failure> {
        match self.get(segments, query).await {
            Ok(v) => Ok(Some(v)),
            Err(f) if f.status == Some(StatusCode::NOT_FOUND) => Ok(None),
            Err(f) => Err(f),
        }
    }
}

/// Progress on a terminal (a bar) or in logs (a line every tenth).
struct Progress {
    bar: Option<indicatif::ProgressBar>,
    what: &'static str,
    total: u64,
    done: u64,
    next_line: u64,
}

impl Progress {
    fn new(what: &'static str, total: u64) -> Self {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = indicatif::ProgressBar::new(total);
            bar.set_style(
                indicatif::ProgressStyle::with_template(
                    "{msg} [{bar:40}] {pos}/{len} ({per_sec}, {eta} left)",
                )
                .expect("template")
                .progress_chars("=> "),
            );
            bar.set_message(what);
            bar
        });
        Self {
            bar,
            what,
            total,
            done: 0,
            next_line: 0,
        }
    }

    fn set(&mut self, done: u64) {
        self.done = done;
        if let Some(bar) = &self.bar {
            bar.set_position(done);
        } else if done >= self.next_line || done == self.total {
            eprintln!(
                "{}: {done}/{} ({}%)",
                self.what,
                self.total,
                (done * 100).checked_div(self.total).unwrap_or(100)
            );
            self.next_line = done + (self.total / 10).max(1);
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish();
        }
    }
}

fn runtime() -> Result<tokio::runtime::Runtime, String> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the runtime: {e}"))
}

/// `schema-registry export`: 0 on success, 1 when the registry failed, 2 on bad usage.
pub fn export(args: &ExportArgs) -> u8 {
    let result = runtime().and_then(|rt| rt.block_on(export_async(args)));
    match result {
        Ok(()) => 0,
        Err(message) => {
            eprintln!("error: {message}");
            1
        }
    }
}

async fn export_async(args: &ExportArgs) -> Result<(), String> {
    let started = Instant::now();
    let api = Api::new(&args.url, &args.connection)?;
    let fail = |what: &str, f: Failure| format!("{what}: {f}");
    let subjects: Vec<String> = serde_json::from_value(
        api.get(&["subjects"], "deleted=true")
            .await
            .map_err(|f| fail("listing subjects", f))?,
    )
    .map_err(|e| format!("listing subjects: {e}"))?;
    let mut progress = Progress::new("export", subjects.len() as u64);
    let api = &api;
    let mut per_subject = futures_util::stream::iter(subjects.iter().map(|s| async move {
        export_subject(api, s)
            .await
            .map_err(|f| fail(&format!("subject {s}"), f))
    }))
    .buffer_unordered(args.concurrency.max(1));
    let mut lines = Vec::new();
    let mut settings = Vec::new();
    let mut done = 0;
    while let Some(result) = per_subject.next().await {
        let (versions, subject_settings) = result?;
        lines.extend(versions);
        settings.extend(subject_settings);
        done += 1;
        progress.set(done);
    }
    progress.finish();
    lines.sort_by(|a, b| (a.id, &a.subject, a.version).cmp(&(b.id, &b.subject, b.version)));
    settings.sort_by_key(|l| serde_json::to_string(l).unwrap_or_default());
    settings.extend(
        export_settings(api, None)
            .await
            .map_err(|f| fail("global config and mode", f))?,
    );
    let mut out: Box<dyn Write> = match &args.output {
        Some(path) => Box::new(std::io::BufWriter::new(
            std::fs::File::create(path).map_err(|e| format!("{}: {e}", path.display()))?,
        )),
        None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
    };
    let header = Line::Header {
        format: FORMAT.into(),
        version: 1,
        source: args.url.clone(),
        schemas: lines.len(),
    };
    let write_err = |e: std::io::Error| format!("writing the export: {e}");
    for line in std::iter::once(header)
        .chain(lines.iter().cloned().map(|l| Line::Schema(Box::new(l))))
        .chain(settings)
    {
        serde_json::to_writer(&mut out, &line).map_err(|e| write_err(e.into()))?;
        out.write_all(b"\n").map_err(write_err)?;
    }
    out.flush().map_err(write_err)?;
    eprintln!(
        "exported {} versions of {} subjects in {:.1} s",
        lines.len(),
        subjects.len(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// A subject's versions (each with whether it is soft-deleted) and its own settings.
async fn export_subject(api: &Api, subject: &str) -> Result<(Vec<SchemaLine>, Vec<Line>), Failure> {
    let all: Vec<i64> = versions(api, subject, "deleted=true").await?;
    let live: Vec<i64> = versions(api, subject, "").await?;
    let mut out = Vec::with_capacity(all.len());
    for v in all {
        let body = api
            .get(
                &["subjects", subject, "versions", &v.to_string()],
                "deleted=true",
            )
            .await?;
        out.push(SchemaLine {
            subject: subject.to_owned(),
            version: v,
            id: body["id"].as_i64().unwrap_or_default(),
            schema_type: body["schemaType"].as_str().unwrap_or("AVRO").to_owned(),
            schema: body["schema"].as_str().unwrap_or_default().to_owned(),
            references: body.get("references").cloned().unwrap_or(json!([])),
            metadata: body.get("metadata").cloned().filter(|m| !m.is_null()),
            rule_set: body.get("ruleSet").cloned().filter(|m| !m.is_null()),
            deleted: !live.contains(&v),
        });
    }
    let settings = export_settings(api, Some(subject)).await?;
    Ok((out, settings))
}

/// The compatibility level and mode set on `subject` (`None`: the global ones), as lines.
async fn export_settings(api: &Api, subject: Option<&str>) -> Result<Vec<Line>, Failure> {
    let path = |resource| {
        std::iter::once(resource)
            .chain(subject)
            .collect::<Vec<&str>>()
    };
    let field = |v: Option<Value>, name: &str| v.and_then(|v| v[name].as_str().map(str::to_owned));
    let mut lines = Vec::new();
    if let Some(config) = api.get_optional(&path("config"), "").await? {
        let compatibility = config["compatibilityLevel"].as_str().map(str::to_owned);
        let fields: Box<registry_core::config::ConfigFields> =
            serde_json::from_value(config).unwrap_or_default();
        if compatibility.is_some() || !fields.is_empty() {
            lines.push(Line::Config {
                subject: subject.map(str::to_owned),
                compatibility,
                fields,
            });
        }
    }
    if let Some(mode) = field(api.get_optional(&path("mode"), "").await?, "mode") {
        lines.push(Line::Mode {
            subject: subject.map(str::to_owned),
            mode,
        });
    }
    Ok(lines)
}

async fn versions(api: &Api, subject: &str, query: &str) -> Result<Vec<i64>, Failure> {
    Ok(api
        .get_optional(&["subjects", subject, "versions"], query)
        .await?
        .and_then(|v| serde_json::from_value(v).ok())
        .unwrap_or_default())
}

/// Where an import checkpoints.
fn state_path(file: &Path) -> PathBuf {
    let mut name = file.as_os_str().to_owned();
    name.push(".import-state");
    PathBuf::from(name)
}

#[derive(Debug, Serialize, Deserialize)]
struct Checkpoint {
    url: String,
    /// Schema lines done.
    done: usize,
}

/// `schema-registry import`: 0 when everything is in the target, 1 when the target refused
/// or failed (the checkpoint stays; a rerun resumes), 2 on an unreadable file.
pub fn import(args: &ImportArgs) -> u8 {
    let result = runtime()
        .map_err(|e| (2, e))
        .and_then(|rt| rt.block_on(import_async(args)));
    match result {
        Ok(()) => 0,
        Err((code, message)) => {
            eprintln!("error: {message}");
            code
        }
    }
}

fn read_export(file: &Path) -> Result<(Vec<SchemaLine>, Vec<Line>), String> {
    let reader = std::io::BufReader::new(
        std::fs::File::open(file).map_err(|e| format!("{}: {e}", file.display()))?,
    );
    let mut schemas = Vec::new();
    let mut settings = Vec::new();
    let mut header = None;
    for (n, line) in reader.lines().enumerate() {
        let line = line.map_err(|e| format!("{}: {e}", file.display()))?;
        if line.trim().is_empty() {
            continue;
        }
        let parsed: Line = serde_json::from_str(&line)
            .map_err(|e| format!("{} line {}: {e}", file.display(), n + 1))?;
        match parsed {
            Line::Header {
                format, version, ..
            } => {
                if format != FORMAT || version != 1 {
                    return Err(format!(
                        "{}: not an export of this tool (format {format} version {version})",
                        file.display()
                    ));
                }
                header = Some(());
            }
            Line::Schema(s) => schemas.push(*s),
            other => settings.push(other),
        }
    }
    if header.is_none() {
        return Err(format!("{}: no header line; not an export", file.display()));
    }
    Ok((schemas, settings))
}

async fn import_async(args: &ImportArgs) -> Result<(), (u8, String)> {
    let started = Instant::now();
    let (schemas, settings) = read_export(&args.file).map_err(|e| (2, e))?;
    let api = Api::new(&args.url, &args.connection).map_err(|e| (2, e))?;
    let state = state_path(&args.file);
    let resume_from = if args.restart {
        0
    } else {
        std::fs::read(&state)
            .ok()
            .and_then(|b| serde_json::from_slice::<Checkpoint>(&b).ok())
            .filter(|c| c.url == args.url)
            .map_or(0, |c| c.done.min(schemas.len()))
    };
    if resume_from > 0 {
        eprintln!("resuming after {resume_from} of {} versions", schemas.len());
    }
    let failed = |what: String, f: Failure| (1, format!("{what}: {f}"));
    api.call(
        Method::PUT,
        api.url(&["mode"], "force=true"),
        Some(&json!({"mode": "IMPORT"})),
    )
    .await
    .map_err(|f| failed("setting IMPORT mode".into(), f))?;
    // Subjects the target has before the import: a version of any other subject cannot be
    // there yet (the target is in IMPORT mode, written by this import only), so only these
    // need a look before each write.
    let had: std::collections::HashSet<String> = serde_json::from_value(
        api.get(&["subjects"], "deleted=true")
            .await
            .map_err(|f| failed("listing the target's subjects".into(), f))?,
    )
    .map_err(|e| (1, format!("listing the target's subjects: {e}")))?;
    let mut progress = Progress::new("import", schemas.len() as u64);
    progress.set(resume_from as u64);
    let (mut created, mut present) = (0usize, 0usize);
    // Lines done, and the first one not done (the checkpoint: everything before it is in).
    let mut done = vec![false; schemas.len()];
    let mut first_open = resume_from;
    let mut since_checkpoint = 0usize;
    let write_checkpoint = |done: usize| {
        let checkpoint = Checkpoint {
            url: args.url.clone(),
            done,
        };
        std::fs::write(&state, serde_json::to_vec(&checkpoint).expect("json"))
            .map_err(|e| (1, format!("{}: {e}", state.display())))
    };
    for wave in super::import_plan::plan(&schemas, resume_from) {
        let runs = futures_util::stream::iter(wave.into_iter().map(|run| {
            let (api, schemas, had) = (&api, &schemas, &had);
            async move {
                let mut outcome = Vec::with_capacity(run.len());
                for i in run {
                    let s = &schemas[i];
                    match import_one(api, s, had.contains(&s.subject)).await {
                        Ok(new) => outcome.push((i, new)),
                        Err(f) => return Err((outcome, i, f)),
                    }
                }
                Ok(outcome)
            }
        }))
        .buffer_unordered(usize::from(args.concurrency));
        futures_util::pin_mut!(runs);
        let mut failure = None;
        while let Some(result) = runs.next().await {
            let outcome = match result {
                Ok(outcome) => outcome,
                Err((outcome, i, f)) => {
                    failure.get_or_insert((i, f));
                    outcome
                }
            };
            for (i, new) in outcome {
                if new {
                    created += 1;
                } else {
                    present += 1;
                }
                done[i] = true;
                since_checkpoint += 1;
            }
            while first_open < schemas.len() && done[first_open] {
                first_open += 1;
            }
            if since_checkpoint >= CHECKPOINT_EVERY || first_open == schemas.len() {
                since_checkpoint = 0;
                write_checkpoint(first_open)?;
            }
            progress.set((created + present + resume_from) as u64);
        }
        if let Some((i, f)) = failure {
            write_checkpoint(first_open)?;
            progress.finish();
            let s = &schemas[i];
            let what = format!("{} version {} (id {})", s.subject, s.version, s.id);
            return Err(failed(what, f));
        }
    }
    progress.finish();
    // Settings last: a subject may be read-only, and the global mode goes back to what the
    // source had (READWRITE when it said nothing).
    let mut global_mode = "READWRITE".to_owned();
    for line in &settings {
        let result = match line {
            Line::Config {
                subject,
                compatibility,
                fields,
            } => {
                let segments: Vec<&str> = std::iter::once("config")
                    .chain(subject.as_deref())
                    .collect();
                let update = registry_core::api::ConfigUpdate {
                    compatibility: compatibility.clone(),
                    compatibility_level: None,
                    fields: (**fields).clone(),
                };
                api.call(
                    Method::PUT,
                    api.url(&segments, ""),
                    Some(&serde_json::to_value(&update).expect("config serialises")),
                )
                .await
            }
            Line::Mode {
                subject: None,
                mode,
            } => {
                mode.clone_into(&mut global_mode);
                continue;
            }
            Line::Mode {
                subject: Some(subject),
                mode,
            } => {
                api.call(
                    Method::PUT,
                    api.url(&["mode", subject], "force=true"),
                    Some(&json!({"mode": mode})),
                )
                .await
            }
            Line::Header { .. } | Line::Schema(_) => continue,
        };
        result.map_err(|f| failed(format!("applying {line:?}"), f))?;
    }
    api.call(
        Method::PUT,
        api.url(&["mode"], "force=true"),
        Some(&json!({"mode": global_mode})),
    )
    .await
    .map_err(|f| failed("restoring the global mode".into(), f))?;
    let _ = std::fs::remove_file(&state);
    eprintln!(
        "imported {} versions ({created} new, {present} already there) in {:.1} s",
        schemas.len(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Registers one version with its id and version (and soft-deletes it if it was); `false`
/// when the target already had it. `look` when the target had the subject before the import.
async fn import_one(api: &Api, s: &SchemaLine, look: bool) -> Result<bool, Failure> {
    let mut body = json!({
        "schema": s.schema,
        "references": s.references,
        "id": s.id,
        "version": s.version,
    });
    if s.schema_type != "AVRO" {
        body["schemaType"] = json!(s.schema_type);
    }
    if let Some(m) = &s.metadata {
        body["metadata"] = m.clone();
    }
    if let Some(r) = &s.rule_set {
        body["ruleSet"] = r.clone();
    }
    let version = s.version.to_string();
    let existing = if look {
        api.get_optional(
            &["subjects", &s.subject, "versions", &version],
            "deleted=true",
        )
        .await?
    } else {
        None
    };
    let created = match existing {
        Some(v) if v["id"].as_i64() == Some(s.id) => false,
        Some(v) => {
            return Err(Failure {
                status: None,
                code: None,
                message: format!("the target already has this version with id {}", v["id"]),
            });
        }
        None => {
            api.call(
                Method::POST,
                api.url(&["subjects", &s.subject, "versions"], ""),
                Some(&body),
            )
            .await?;
            true
        }
    };
    if s.deleted {
        match api
            .call(
                Method::DELETE,
                api.url(&["subjects", &s.subject, "versions", &version], ""),
                None,
            )
            .await
        {
            Ok(_) => {}
            // Already soft-deleted (an earlier run got this far).
            Err(f)
                if f.code == Some(u64::from(registry_core::api::codes::VERSION_SOFT_DELETED)) => {}
            Err(f) => return Err(f),
        }
    }
    Ok(created)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_round_trip() {
        let line = Line::Schema(Box::new(SchemaLine {
            subject: "a/b".into(),
            version: 2,
            id: 7,
            schema_type: "JSON".into(),
            schema: "{}".into(),
            references: json!([]),
            metadata: Some(json!({"properties": {"k": "v"}})),
            rule_set: None,
            deleted: true,
        }));
        let text = serde_json::to_string(&line).unwrap();
        assert!(text.starts_with(r#"{"kind":"schema""#), "{text}");
        assert_eq!(serde_json::from_str::<Line>(&text).unwrap(), line);
    }

    #[test]
    fn urls_escape_subjects() {
        let api = Api::new(
            "http://127.0.0.1:1/base",
            &Connection {
                api_key: None,
                basic_auth: None,
            },
        )
        .unwrap();
        assert_eq!(
            api.url(&["subjects", "a/b c", "versions"], "deleted=true")
                .as_str(),
            "http://127.0.0.1:1/base/subjects/a%2Fb%20c/versions?deleted=true"
        );
        let api = Api::new(
            "http://127.0.0.1:1/",
            &Connection {
                api_key: None,
                basic_auth: None,
            },
        )
        .unwrap();
        assert_eq!(api.url(&["mode"], "").as_str(), "http://127.0.0.1:1/mode");
    }

    #[test]
    fn state_sits_beside_the_file() {
        assert_eq!(
            state_path(Path::new("/tmp/x.jsonl")),
            PathBuf::from("/tmp/x.jsonl.import-state")
        );
    }
}
