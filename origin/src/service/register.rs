//! Registration (and IMPORT with explicit ids and versions): the new schema is parsed and
//! checked against the subject's versions before any lock is taken; the transaction then only
//! re-reads the subject's state and writes if it has not moved. When it has, the check runs
//! again; after a few such races the last attempt checks under the lock, so a busy subject
//! still makes progress.

use registry_core::api::Mode;
use registry_core::change::Change;
use registry_core::config::{self, ConfigFields};
use registry_core::invalidation::EventKind;
use registry_core::qualified::QualifiedSubject;
use registry_core::reserved;
use registry_core::search::SearchTerms;
use registry_core::{CompatibilityLevel, Schema, SchemaReference, SchemaType};
use serde_json::Value;

use super::{Registry, SchemaInput, ServiceError, Written};
use crate::store::{
    Deleted, NewSchema, NewVersion, OneCallOutcome, Seen, Settings, VersionRecord, VersionState,
    WriteTx,
};

/// Checks run outside the lock before the last attempt runs them under it.
const OPTIMISTIC_ATTEMPTS: usize = 3;

/// The largest schema id: Kafka serializers write ids as 32-bit signed integers.
pub const MAX_ID: i64 = i32::MAX as i64;

/// A registration request.
#[derive(Debug, Clone)]
pub struct RegisterInput {
    pub subject: String,
    pub schema: SchemaInput,
    pub normalize: bool,
    /// JSON, as sent.
    pub metadata: Option<String>,
    pub rule_set: Option<String>,
    /// IMPORT mode: the id and version to register under.
    pub import_id: Option<i64>,
    pub import_version: Option<i32>,
    /// Who asked (an API key id or `anonymous`), for the event log.
    pub actor: String,
    /// A tags edit's version (`POST .../tags`): always a new version, numbered in its metadata.
    pub stamp: Option<Stamp>,
}

/// How a tags edit numbers its version, as Confluent: the metadata property
/// `confluent:version` holds the version's number, which must be `expected` when the request
/// names one (`newVersion`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    pub expected: Option<i32>,
}

/// The metadata property that holds a version's own number.
pub const CONFLUENT_VERSION: &str = "confluent:version";

/// What a registration gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registered {
    pub id: i64,
    pub guid: String,
    pub version: i32,
    pub schema_type: SchemaType,
    /// The schema as stored.
    pub text: String,
    pub references: Vec<SchemaReference>,
    /// False when the subject already had this schema (nothing was written).
    pub created: bool,
    /// When the version was registered (milliseconds since 1970).
    pub ts: Option<i64>,
}

impl Registered {
    /// A version just written with `schema` under `id`.
    fn new_version(schema: &Schema, id: i64, version: i32, ts: i64) -> Self {
        Self {
            id,
            guid: schema.fingerprint.guid(),
            version,
            schema_type: schema.schema_type,
            text: schema.text.clone(),
            references: schema.references.clone(),
            created: true,
            ts: Some(ts),
        }
    }
}

/// The change a registration of `version` with schema row `row` makes.
fn registration(subject: &str, version: i32, row: i64) -> Change {
    let mut change = Change::new(EventKind::Register, Some(subject));
    change.versions = vec![version];
    change.ids = vec![row];
    change
}

/// The subject's state a decision was made on.
pub(super) struct Snapshot {
    live: Vec<VersionRecord>,
    /// The settings read and the live versions, for the one-call write to confirm.
    pub(super) seen: Seen,
    level: CompatibilityLevel,
    mode: Mode,
    /// The config fields in force (the subject's over its parent's); its `compatibility_group`
    /// is the metadata property whose value groups versions for compatibility.
    config: ConfigFields,
}

impl Snapshot {
    fn new(
        registry: &Registry,
        subject: &Settings,
        global: &Settings,
        live: Vec<VersionRecord>,
    ) -> Self {
        let compatibility = subject
            .compatibility
            .as_ref()
            .or(global.compatibility.as_ref());
        let mode = super::settings::mode_in_force(subject.mode.as_deref(), global.mode.as_deref());
        let fields = ConfigFields::from_stored(subject.config.as_deref())
            .over(&ConfigFields::from_stored(global.config.as_deref()));
        let seen = Seen {
            compatibility: subject.compatibility.clone(),
            mode: subject.mode.clone(),
            global_compatibility: global.compatibility.clone(),
            global_mode: global.mode.clone(),
            live: live.iter().map(|v| v.version).collect(),
        };
        Self {
            live,
            seen,
            level: registry.level_in_force(compatibility.map(String::as_str)),
            mode: mode.and_then(Mode::parse).unwrap_or_default(),
            config: fields,
        }
    }

    /// Whether a state read under the lock is the one this snapshot was taken of.
    fn still(&self, other: &Snapshot, states: &[VersionState]) -> bool {
        let live: Vec<i32> = states
            .iter()
            .filter(|v| !v.deleted)
            .map(|v| v.version)
            .collect();
        let mine: Vec<i32> = self.live.iter().map(|v| v.version).collect();
        live == mine && self.level == other.level && self.mode == other.mode
    }
}

/// What the checks decided.
enum Decision {
    /// The subject already has the schema.
    Existing(Registered),
    Write,
}

/// Whether a name can be a subject: not empty, not too long, no control characters, not the
/// reserved `__GLOBAL`.
pub fn check_subject(subject: &str) -> Result<(), ServiceError> {
    if subject.is_empty()
        || subject.len() > 4096
        || !registry_core::qualified::is_valid_subject(subject)
    {
        return Err(ServiceError::InvalidSubject(
            subject.escape_default().to_string(),
        ));
    }
    Ok(())
}

impl Registry {
    /// Registers a schema under a subject, or finds it there.
    pub async fn register(
        &self,
        input: &RegisterInput,
    ) -> Result<Written<Registered>, ServiceError> {
        check_subject(&input.subject)?;
        check_import_numbers(input)?;
        // One read of the subject's settings and versions serves the configuration and the
        // first attempt's checks (re-checked under the lock).
        let first = self.snapshot(&input.subject).await?;
        let (input, config) = &Self::configured(input, &first);
        let schema = self
            .parse_new(&input.subject, &input.schema, input.normalize)
            .await?;
        self.check_llm_profiles(config, &schema).await?;
        let (subject, ty, text) = (
            input.subject.clone(),
            schema.schema_type,
            schema.text.clone(),
        );
        let metadata = input.metadata.clone();
        let terms = self
            .cpu()
            .run(move || SearchTerms::of(&subject, ty, &text, metadata.as_deref()))
            .await?;
        let outcome = self.register_parsed(input, &schema, &terms, first).await;
        let label = match &outcome {
            Ok(w) if w.value.created => "created",
            Ok(_) => "existing",
            Err(ServiceError::Unavailable { .. } | ServiceError::Internal(_)) => "failed",
            Err(_) => "rejected",
        };
        metrics::counter!("registry_registrations_total", "outcome" => label).increment(1);
        outcome
    }

    /// The registration as the subject's configuration makes it: normalized when the config
    /// says so, with the configured default and override metadata and rule sets merged in (a
    /// version that gives none carries the previous version's), as Confluent does. IMPORT
    /// registers exactly what it is given.
    fn configured(input: &RegisterInput, snapshot: &Snapshot) -> (RegisterInput, ConfigFields) {
        let config = snapshot.config.clone();
        let mut out = input.clone();
        out.normalize = input.normalize || config.normalize == Some(true);
        if input.import_id.is_some() {
            return (out, config);
        }
        // The latest live version.
        let previous = snapshot.live.last();
        let parse = |text: Option<&str>| -> Option<Value> {
            text.and_then(|t| serde_json::from_str(t).ok())
        };
        let previous_metadata = parse(previous.and_then(|p| p.metadata.as_deref()));
        let previous_rules = parse(previous.and_then(|p| p.rule_set.as_deref()));
        out.metadata = config
            .merged_metadata(
                parse(input.metadata.as_deref()).as_ref(),
                previous_metadata.as_ref(),
            )
            .map(|v| v.to_string());
        out.rule_set = config
            .merged_rule_set(
                parse(input.rule_set.as_deref()).as_ref(),
                previous_rules.as_ref(),
            )
            .map(|v| v.to_string());
        (out, config)
    }

    async fn register_parsed(
        &self,
        input: &RegisterInput,
        schema: &Schema,
        terms: &SearchTerms,
        first: Snapshot,
    ) -> Result<Written<Registered>, ServiceError> {
        let mut first = Some(first);
        for _ in 0..OPTIMISTIC_ATTEMPTS {
            let snapshot = match first.take() {
                Some(snapshot) => snapshot,
                None => self.snapshot(&input.subject).await?,
            };
            if let Decision::Existing(found) = self.decide(input, schema, &snapshot).await? {
                return Ok(Written {
                    value: found,
                    stale: Vec::new(),
                });
            }
            if let Some(done) = self
                .write_registration(input, schema, terms, Some(&snapshot))
                .await?
            {
                return Ok(done);
            }
            metrics::counter!("registry_registration_retries_total").increment(1);
        }
        self.write_registration(input, schema, terms, None)
            .await?
            .ok_or_else(|| {
                ServiceError::Internal("registration under the lock did not finish".into())
            })
    }

    /// The subject's settings and live versions, read outside any transaction.
    async fn snapshot(&self, subject: &str) -> Result<Snapshot, ServiceError> {
        let subject_settings = self.db.run(|s| s.settings(Some(subject))).await?;
        let global = self.db.run(|s| s.parent_settings(subject)).await?;
        let live = self
            .db
            .run(|s| s.versions(subject, Deleted::Exclude))
            .await?;
        Ok(Snapshot::new(self, &subject_settings, &global, live))
    }

    /// The same schema already there, the mode, then compatibility with the live versions.
    async fn decide(
        &self,
        input: &RegisterInput,
        schema: &Schema,
        snapshot: &Snapshot,
    ) -> Result<Decision, ServiceError> {
        let fingerprint = schema.fingerprint.to_hex();
        // A tags edit makes a version even when the text is unchanged (its metadata is not).
        let mut same = match input.stamp {
            Some(_) => None,
            None => snapshot
                .live
                .iter()
                .find(|v| v.schema.fingerprint == fingerprint)
                .cloned(),
        };
        if input.stamp.is_none() && same.is_none() && input.normalize && !snapshot.live.is_empty() {
            // As Confluent: a version whose normalized form is this one is the same schema.
            same = self
                .find_same(&input.subject, schema, true, Deleted::Exclude)
                .await?;
        }
        if let Some(same) = same {
            return Ok(Decision::Existing(Registered {
                id: same.id(),
                guid: same.schema.guid.clone(),
                version: same.version,
                schema_type: same.schema.schema_type,
                text: same.schema.text.clone(),
                references: same.schema.references.clone(),
                created: false,
                ts: same.registered_ms,
            }));
        }
        let import = input.import_id.is_some();
        match (snapshot.mode, import) {
            (Mode::Readonly | Mode::ReadonlyOverride, _) => {
                return Err(ServiceError::NotPermitted(format!(
                    "Subject {} is in read-only mode",
                    input.subject
                )));
            }
            (Mode::Import, true) => return Ok(Decision::Write),
            (Mode::Import, false) => {
                return Err(ServiceError::NotPermitted(
                    "In IMPORT mode a registration must give the id to import".into(),
                ));
            }
            (Mode::Readwrite, true) => {
                return Err(ServiceError::NotPermitted(format!(
                    "Subject {} is not in IMPORT mode; an id cannot be given",
                    input.subject
                )));
            }
            (Mode::Readwrite, false) => {}
        }
        self.check_against(input, schema, snapshot).await?;
        Ok(Decision::Write)
    }

    /// The reserved fields of the new version's metadata (`confluent:reserved`) against its
    /// schema and the latest version's, at every level as Confluent checks them; then
    /// compatibility with the live versions the level names (with a compatibility group, only
    /// the versions in the new one's group).
    async fn check_against(
        &self,
        input: &RegisterInput,
        schema: &Schema,
        snapshot: &Snapshot,
    ) -> Result<(), ServiceError> {
        let subject = input.subject.as_str();
        let parse = |m: Option<&str>| m.and_then(|m| serde_json::from_str::<Value>(m).ok());
        let mine = parse(input.metadata.as_deref());
        let previous = parse(snapshot.live.last().and_then(|v| v.metadata.as_deref()));
        let problems = reserved::problems(schema, mine.as_ref(), previous.as_ref());
        if !problems.is_empty() {
            let messages: Vec<&str> = problems.iter().map(|p| p.message.as_str()).collect();
            return Err(ServiceError::Incompatible(format!(
                "Schema being registered is incompatible with an earlier schema for subject \"{subject}\", details: [{}]",
                messages.join("; ")
            )));
        }
        let against: Vec<VersionRecord> = match &snapshot.config.compatibility_group {
            Some(group) => {
                let my_group = config::group_value(mine.as_ref(), group);
                snapshot
                    .live
                    .iter()
                    .filter(|v| {
                        let theirs = parse(v.metadata.as_deref());
                        config::in_group(theirs.as_ref(), group, my_group.as_deref())
                    })
                    .cloned()
                    .collect()
            }
            None => snapshot.live.clone(),
        };
        let existing = self.parsed_versions(&against).await?;
        let level = snapshot.level;
        let report = self.check_schemas(level, schema.clone(), existing).await?;
        if report.compatible {
            return Ok(());
        }
        let version = report
            .failed_version_index
            .map_or(0, |i| against[i].version);
        Err(ServiceError::Incompatible(format!(
            "Schema being registered is incompatible with an earlier schema for subject \"{subject}\", details: [{}] (version {version}, {level})",
            report.messages().join("; ")
        )))
    }

    /// Writes the version if the subject is still as `snapshot` saw it (`None` when it moved);
    /// without a snapshot, decides under the lock.
    async fn write_registration(
        &self,
        input: &RegisterInput,
        schema: &Schema,
        terms: &SearchTerms,
        snapshot: Option<&Snapshot>,
    ) -> Result<Option<Written<Registered>>, ServiceError> {
        let subject = input.subject.as_str();
        if let Some(snapshot) = snapshot
            && input.stamp.is_none()
            && QualifiedSubject::parse(subject).is_default_context()
        {
            match self
                .write_in_one_call(input, schema, terms, snapshot)
                .await?
            {
                Some((OneCallOutcome::Written { row, version }, ts)) => {
                    let written = Registered::new_version(schema, row, version, ts);
                    let stale = self.committed(&registration(subject, version, row)).await;
                    return Ok(Some(Written {
                        value: written,
                        stale,
                    }));
                }
                Some((OneCallOutcome::Moved, _)) => return Ok(None),
                Some((OneCallOutcome::Declined, _)) | None => {}
            }
        }
        metrics::counter!("registry_registration_writes_total", "path" => "transaction")
            .increment(1);
        let mut tx = self.db.run(|s| s.begin_write()).await?;
        let subject_settings = tx.lock_subject(subject).await?;
        let global = tx.parent_settings(subject).await?;
        if let Some(snapshot) = snapshot {
            let states = tx.version_states(subject).await?;
            let now = Snapshot::new(self, &subject_settings, &global, Vec::new());
            if !snapshot.still(&now, &states) {
                return Ok(None);
            }
        } else {
            let live = tx.versions(subject, Deleted::Exclude).await?;
            let locked = Snapshot::new(self, &subject_settings, &global, live);
            if let Decision::Existing(found) = self.decide(input, schema, &locked).await? {
                return Ok(Some(Written {
                    value: found,
                    stale: Vec::new(),
                }));
            }
        }
        let (row, id, version, ts) = self.insert(&mut *tx, input, schema, terms).await?;
        let change = registration(subject, version, row);
        let stale = self.commit_change(tx, &change, &input.actor, None).await?;
        Ok(Some(Written {
            value: Registered::new_version(schema, id, version, ts),
            stale,
        }))
    }

    /// The schema row (found or inserted), the version row and its search document: the row's
    /// id, the id the subject's context gives it, the version and when it was registered. An
    /// IMPORT id is the row's in the default context, the context's own in a named one.
    async fn insert(
        &self,
        tx: &mut dyn WriteTx,
        input: &RegisterInput,
        schema: &Schema,
        terms: &SearchTerms,
    ) -> Result<(i64, i64, i32, i64), ServiceError> {
        let subject = input.subject.as_str();
        let qualified = QualifiedSubject::parse(subject);
        let named = !qualified.is_default_context();
        let row_import = if named { None } else { input.import_id };
        let id = schema_row(tx, row_import, schema).await?;
        let context_id = if named {
            Some(context_id(tx, &qualified.context, input.import_id, id).await?)
        } else {
            None
        };
        let version = match input.import_version {
            Some(v) => v,
            // Past the highest version the subject ever had: numbers are never reused.
            None => tx
                .max_version(subject)
                .await?
                .checked_add(1)
                .ok_or_else(|| {
                    ServiceError::NotPermitted(format!(
                        "Subject {subject} has used every version number"
                    ))
                })?,
        };
        if tx
            .version_states(subject)
            .await?
            .iter()
            .any(|v| v.version == version)
        {
            return Err(ServiceError::VersionExists {
                subject: subject.to_owned(),
                version,
            });
        }
        let metadata = match input.stamp {
            Some(stamp) => Some(stamped(input.metadata.as_deref(), stamp, subject, version)?),
            None => input.metadata.clone(),
        };
        let row = NewVersion {
            subject,
            version,
            schema_id: id,
            metadata: metadata.as_deref(),
            rule_set: input.rule_set.as_deref(),
            registered_ms: crate::store::now_ms(),
            context_id,
        };
        tx.insert_version(&row).await?;
        tx.insert_search_doc(&row, schema.schema_type.as_str(), terms)
            .await?;
        Ok((id, context_id.unwrap_or(id), version, row.registered_ms))
    }
}

/// `metadata` with `confluent:version` set to `version`, the number `stamp` expects.
fn stamped(
    metadata: Option<&str>,
    stamp: Stamp,
    subject: &str,
    version: i32,
) -> Result<String, ServiceError> {
    if let Some(expected) = stamp.expected
        && expected != version
    {
        return Err(ServiceError::InvalidSchema(format!(
            "the new version must be {version}, the next version of subject {subject}, not {expected}"
        )));
    }
    let mut value: Value = metadata
        .and_then(|m| serde_json::from_str(m).ok())
        .filter(Value::is_object)
        .unwrap_or_else(|| serde_json::json!({}));
    let properties = value.as_object_mut().map(|o| {
        o.entry("properties")
            .or_insert_with(|| serde_json::json!({}))
    });
    if let Some(Value::Object(properties)) = properties {
        properties.insert(CONFLUENT_VERSION.into(), version.to_string().into());
    }
    Ok(value.to_string())
}

/// IMPORT ids and versions as Kafka serializers can carry them: 1 to 2^31-1.
fn check_import_numbers(input: &RegisterInput) -> Result<(), ServiceError> {
    if let Some(id) = input.import_id
        && !(1..=MAX_ID).contains(&id)
    {
        return Err(ServiceError::InvalidSchema(format!(
            "the id {id} is out of range: ids are 1 to {MAX_ID}"
        )));
    }
    if let Some(version) = input.import_version
        && version < 1
    {
        return Err(ServiceError::InvalidVersion(version.to_string()));
    }
    Ok(())
}

/// The id of the schema row: the existing one with the same content, or a new one (under the
/// IMPORT id when given, which no other content may have, now or before).
async fn schema_row(
    tx: &mut dyn WriteTx,
    import_id: Option<i64>,
    schema: &Schema,
) -> Result<i64, ServiceError> {
    let fingerprint = schema.fingerprint.to_hex();
    let existing = tx.schema_id(&fingerprint).await?;
    let id = match (import_id, existing) {
        (Some(wanted), Some(id)) if id == wanted => return Ok(id),
        (Some(wanted), Some(id)) => {
            return Err(ServiceError::IdConflict(format!(
                "this schema is already registered with id {id}, not {wanted}"
            )));
        }
        (None, Some(id)) => return Ok(id),
        (Some(wanted), None) => {
            refuse_taken(tx, wanted, &fingerprint).await?;
            tx.schema_ids_past(wanted, false).await?;
            wanted
        }
        (None, None) => free_id(tx).await?,
    };
    let new = NewSchema {
        id,
        fingerprint: &fingerprint,
        schema_type: schema.schema_type,
        text: &schema.text,
        references: &schema.references,
    };
    if let Some(id) = tx.insert_schema(&new).await? {
        return Ok(id);
    }
    // Another subject's registration inserted the same content and committed first, or a
    // concurrent IMPORT took the id.
    match tx.schema_id(&fingerprint).await? {
        Some(found) => Ok(found),
        None => Err(ServiceError::IdConflict(format!(
            "id {id} is already used by another schema"
        ))),
    }
}

/// The id schema row `row` has in the named `context`: the one it was given, or a new one (the
/// IMPORT id when given, which nothing else in the context may have, now or before).
async fn context_id(
    tx: &mut dyn WriteTx,
    context: &str,
    import_id: Option<i64>,
    row: i64,
) -> Result<i64, ServiceError> {
    let conflict = |found: i64, wanted: i64| {
        ServiceError::IdConflict(format!(
            "this schema is already registered with id {found} in context {context}, not {wanted}"
        ))
    };
    if let Some(found) = tx.id_in_context(context, row).await? {
        return match import_id {
            Some(wanted) if wanted != found => Err(conflict(found, wanted)),
            _ => Ok(found),
        };
    }
    let id = match import_id {
        Some(wanted) => {
            if tx.context_id_taken(context, wanted).await? {
                return Err(ServiceError::IdConflict(format!(
                    "id {wanted} is already used by another schema in context {context}"
                )));
            }
            tx.context_ids_past(context, wanted).await?;
            wanted
        }
        None => tx.next_context_id(context).await?,
    };
    if tx.insert_context_id(context, id, row).await? {
        return Ok(id);
    }
    // Another registration gave the row an id in the context and committed first.
    match tx.id_in_context(context, row).await? {
        Some(found) if import_id.is_none_or(|w| w == found) => Ok(found),
        Some(found) => Err(conflict(found, id)),
        None => Err(ServiceError::IdConflict(format!(
            "id {id} is already used by another schema in context {context}"
        ))),
    }
}

/// 42207 when `id` names other content, or did before it was deleted.
async fn refuse_taken(
    tx: &mut dyn WriteTx,
    id: i64,
    fingerprint: &str,
) -> Result<(), ServiceError> {
    if tx.schema_exists(id).await? {
        return Err(ServiceError::IdConflict(format!(
            "id {id} is already used by another schema"
        )));
    }
    if tx
        .retired_fingerprint(id)
        .await?
        .is_some_and(|old| old != fingerprint)
    {
        return Err(ServiceError::IdConflict(format!(
            "id {id} belonged to another schema, which was deleted: ids are never reused"
        )));
    }
    Ok(())
}

/// A new id no schema has or had. As in Confluent, ids follow the highest ever handed out or
/// imported; once that reaches the top of the range (an IMPORT of id 2^31-1), the lowest free
/// id is taken instead, so the registry never runs out while ids are left.
async fn free_id(tx: &mut dyn WriteTx) -> Result<i64, ServiceError> {
    let next = tx.next_schema_id().await?;
    if next <= MAX_ID
        && !tx.schema_exists(next).await?
        && tx.retired_fingerprint(next).await?.is_none()
    {
        return Ok(next);
    }
    let from = next.clamp(1, MAX_ID);
    let found = match tx.lowest_free_id(from, MAX_ID).await? {
        Some(id) => Some(id),
        None => tx.lowest_free_id(1, MAX_ID).await?,
    };
    let id = found
        .ok_or_else(|| ServiceError::Internal(format!("all schema ids up to {MAX_ID} are used")))?;
    tx.schema_ids_past(id, true).await?;
    Ok(id)
}
