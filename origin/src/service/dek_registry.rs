//! The DEK registry (Confluent's `/dek-registry/v1`): KEKs, which name a key in a KMS, and the
//! DEKs they wrap, per subject, algorithm and version. The registry never sees a raw DEK unless
//! its KEK is `shared`: then it generates DEKs and unwraps them for clients through its own KMS
//! driver ([`super::kms`]). Every change is audited in the event log. The rules (create acting
//! as undelete, what blocks a delete) are Confluent's `DekRegistry`'s.

use std::collections::BTreeMap;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use registry_core::api::Mode;
use registry_core::change::Change;
use registry_core::dek::{
    CreateDekRequest, CreateKekRequest, Dek, DekAlgorithm, DekInfo, Kek, MIN_VERSION,
    UpdateKekRequest, is_valid_dek_subject, is_valid_kek_name, merged_props, normalize_kms_type,
    redacted,
};
use registry_core::invalidation::EventKind;
use registry_core::qualified::{DEFAULT_CONTEXT, QualifiedSubject};

use super::kms::{self, Kms};
use super::{KeyError, Registry, ServiceError};
use crate::store::{DekRecord, DekScope, KekRecord, Setting, WriteTx, now_ms};

/// The context a KEK is named in (`.` for the default one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyContext(pub String);

impl KeyContext {
    /// The context of a DEK's subject: its KEK is named there.
    pub fn of_subject(subject: &str) -> Self {
        Self(QualifiedSubject::parse(subject).context)
    }
}

impl Default for KeyContext {
    fn default() -> Self {
        Self(DEFAULT_CONTEXT.to_owned())
    }
}

/// The DEKs of a KEK a request is about: a subject's, of one algorithm (AES256_GCM when the
/// request names none, as Confluent), one version or all (`None`), or the latest (`Some(-1)`).
#[derive(Debug, Clone)]
pub struct DekSelector {
    pub kek: String,
    pub subject: String,
    pub algorithm: DekAlgorithm,
    pub version: Option<i32>,
}

/// The version that stands for "latest".
pub const LATEST: i32 = -1;

fn check_name(name: &str) -> Result<(), ServiceError> {
    if is_valid_kek_name(name) {
        Ok(())
    } else {
        Err(KeyError::invalid("name"))
    }
}

fn check_subject(subject: &str) -> Result<(), ServiceError> {
    if is_valid_dek_subject(subject) {
        Ok(())
    } else {
        Err(KeyError::invalid("subject"))
    }
}

fn not_found(what: &str) -> ServiceError {
    KeyError::NotFound(what.to_owned()).into()
}

fn props_of(record: &KekRecord) -> Result<BTreeMap<String, String>, ServiceError> {
    serde_json::from_str(&record.kms_props)
        .map_err(|e| ServiceError::Internal(format!("stored kmsProps of {}: {e}", record.name)))
}

fn kek_view(record: &KekRecord) -> Result<Kek, ServiceError> {
    Ok(Kek {
        name: record.name.clone(),
        kms_type: record.kms_type.clone(),
        kms_key_id: record.kms_key_id.clone(),
        kms_props: redacted(&props_of(record)?),
        doc: record.doc.clone(),
        shared: record.shared,
        ts: record.updated_ms,
        deleted: record.deleted,
    })
}

fn algorithm_of(record: &DekRecord) -> Result<DekAlgorithm, ServiceError> {
    DekAlgorithm::parse(&record.algorithm)
        .ok_or_else(|| ServiceError::Internal(format!("stored algorithm {}", record.algorithm)))
}

/// Whether two KEKs differ only in their deleted flag and time.
fn same_kek(a: &KekRecord, b: &KekRecord) -> bool {
    (&a.kms_type, &a.kms_key_id, &a.kms_props, &a.doc, a.shared)
        == (&b.kms_type, &b.kms_key_id, &b.kms_props, &b.doc, b.shared)
}

/// A shared KEK needs a KMS the registry itself can use, with its credentials.
fn check_shareable(
    kms_type: &str,
    props: &BTreeMap<String, String>,
    local_secret: Option<&str>,
) -> Result<(), ServiceError> {
    match Kms::open(kms_type, props, local_secret) {
        Ok(_) => Ok(()),
        Err(e) => Err(KeyError::invalid_because(
            "shared",
            &format!("a shared KEK needs a KMS the registry can use: {e}"),
        )),
    }
}

/// Every DEK of a KEK.
fn kek_scope<'a>(context: &'a KeyContext, kek: &'a str) -> DekScope<'a> {
    DekScope {
        context: &context.0,
        kek_name: kek,
        subject: None,
        algorithm: None,
        version: None,
    }
}

/// The DEKs of `sel`'s subject and algorithm: one version, or all (`None`).
fn dek_scope<'a>(
    context: &'a KeyContext,
    sel: &'a DekSelector,
    version: Option<i32>,
) -> DekScope<'a> {
    DekScope {
        context: &context.0,
        kek_name: &sel.kek,
        subject: Some(&sel.subject),
        algorithm: Some(sel.algorithm.as_str()),
        version,
    }
}

/// The raw key of stored (base64) `material`, if it is base64 and unwraps with `kms`.
fn unwrap_material(kms: &Kms, material: &str) -> Option<Vec<u8>> {
    BASE64
        .decode(material)
        .ok()
        .and_then(|w| kms.unwrap(&w).ok())
}

fn audit(action: &str, context: &KeyContext, kek: &str, dek: Option<&DekSelector>) -> String {
    let mut detail = serde_json::json!({"action": action, "context": context.0, "kek": kek});
    if let Some(d) = dek {
        detail["subject"] = d.subject.clone().into();
        detail["algorithm"] = d.algorithm.as_str().into();
        if let Some(v) = d.version {
            detail["version"] = v.into();
        }
    }
    detail.to_string()
}

impl Registry {
    fn local_secret(&self) -> Option<&str> {
        self.options.dek_local_secret.as_deref()
    }

    fn kms_of(&self, kek: &KekRecord) -> Result<Kms, ServiceError> {
        Kms::open(&kek.kms_type, &props_of(kek)?, self.local_secret()).map_err(|e| {
            KeyError::Generation(format!("Could not use the KMS of KEK {}: {e}", kek.name)).into()
        })
    }

    /// 42271 unless every DEK under `kek` (about to be shared) unwraps with its KMS: the
    /// registry unwraps them for every reader from then on.
    async fn check_unwraps(
        &self,
        context: &KeyContext,
        kek: &KekRecord,
    ) -> Result<(), ServiceError> {
        let kms = self.kms_of(kek)?;
        let scope = kek_scope(context, &kek.name);
        for dek in self.db.run(|s| s.deks(&scope)).await? {
            if unwrap_material(&kms, &dek.encrypted_key_material).is_none() {
                return Err(KeyError::invalid_because(
                    "shared",
                    &format!(
                        "the DEK of {} version {} does not unwrap with this KMS",
                        dek.subject, dek.version
                    ),
                ));
            }
        }
        Ok(())
    }

    /// The KEK of `context` named `name` (a deleted one only with `deleted`), or 40470.
    async fn kek_record(
        &self,
        context: &KeyContext,
        name: &str,
        deleted: bool,
    ) -> Result<KekRecord, ServiceError> {
        check_name(name)?;
        self.db
            .run(|s| s.kek(&context.0, name))
            .await?
            .filter(|k| deleted || !k.deleted)
            .ok_or_else(|| not_found(name))
    }

    /// Commits `tx` with an audit event of the DEK registry.
    async fn commit_key_change(
        &self,
        tx: Box<dyn WriteTx>,
        subject: Option<&str>,
        actor: &str,
        detail: String,
    ) -> Result<(), ServiceError> {
        let change = Change::new(EventKind::EncryptionKey, subject);
        self.commit_change(tx, &change, actor, Some(detail)).await?;
        Ok(())
    }

    /// The names of the KEKs of `context`; with `subject_prefixes`, only those with a DEK of
    /// a subject starting with one of them.
    pub async fn kek_names(
        &self,
        context: &KeyContext,
        deleted: bool,
        subject_prefixes: &[String],
    ) -> Result<Vec<String>, ServiceError> {
        let keks = self.db.run(|s| s.keks(&context.0)).await?;
        let mut names = Vec::new();
        for kek in keks.into_iter().filter(|k| deleted || !k.deleted) {
            if !subject_prefixes.is_empty() {
                let scope = kek_scope(context, &kek.name);
                let deks = self.db.run(|s| s.deks(&scope)).await?;
                let used = deks.iter().any(|d| {
                    (deleted || !d.deleted)
                        && subject_prefixes
                            .iter()
                            .any(|p| d.subject.starts_with(p.as_str()))
                });
                if !used {
                    continue;
                }
            }
            names.push(kek.name);
        }
        Ok(names)
    }

    pub async fn kek(
        &self,
        context: &KeyContext,
        name: &str,
        deleted: bool,
    ) -> Result<Kek, ServiceError> {
        kek_view(&self.kek_record(context, name, deleted).await?)
    }

    /// Creates a KEK; creating one that is soft-deleted, with the same properties, undeletes
    /// it; anything else that exists is 40971.
    pub async fn create_kek(
        &self,
        context: &KeyContext,
        req: &CreateKekRequest,
        actor: &str,
    ) -> Result<Kek, ServiceError> {
        let name = req.name.as_deref().unwrap_or_default();
        check_name(name)?;
        let kms_key_id = req
            .kms_key_id
            .as_deref()
            .filter(|k| !k.is_empty())
            .ok_or_else(|| KeyError::invalid("kmsKeyId"))?;
        let kms_type = req
            .kms_type
            .as_deref()
            .filter(|k| !k.is_empty())
            .map(normalize_kms_type)
            .ok_or_else(|| KeyError::invalid("kmsType"))?;
        let props = req.kms_props.clone().unwrap_or_default();
        if req.shared {
            check_shareable(&kms_type, &props, self.local_secret())?;
        }
        let (keks, _) = self.db.run(|s| s.key_counts()).await?;
        if keks >= self.options.dek_max_keys {
            return Err(KeyError::TooMany(self.options.dek_max_keys).into());
        }
        let record = KekRecord {
            context: context.0.clone(),
            name: name.to_owned(),
            kms_type,
            kms_key_id: kms_key_id.to_owned(),
            kms_props: serde_json::to_string(&props).unwrap_or_else(|_| "{}".into()),
            doc: req.doc.clone(),
            shared: req.shared,
            deleted: req.deleted,
            updated_ms: now_ms(),
        };
        let mut tx = self.db.run(|s| s.begin_write()).await?;
        let written = match tx.kek_in_tx(&context.0, name).await? {
            Some(old) if old.deleted != req.deleted && same_kek(&old, &record) => {
                tx.update_kek(&record, old.deleted).await?
            }
            Some(_) => false,
            None => tx.insert_kek(&record).await?,
        };
        if !written {
            return Err(KeyError::Exists(name.to_owned()).into());
        }
        let detail = audit("create_kek", context, name, None);
        self.commit_key_change(tx, None, actor, detail).await?;
        kek_view(&record)
    }

    /// Changes a live KEK's `kmsProps` (secrets it leaves out are kept), `doc` and `shared`.
    pub async fn update_kek(
        &self,
        context: &KeyContext,
        name: &str,
        req: &UpdateKekRequest,
        actor: &str,
    ) -> Result<Kek, ServiceError> {
        let old = self.kek_record(context, name, false).await?;
        let stored = props_of(&old)?;
        let props = req
            .kms_props
            .as_ref()
            .map_or_else(|| stored.clone(), |p| merged_props(p, &stored));
        let shared = req.shared.unwrap_or(old.shared);
        if shared {
            check_shareable(&old.kms_type, &props, self.local_secret())?;
        }
        let record = KekRecord {
            kms_props: serde_json::to_string(&props).unwrap_or_else(|_| "{}".into()),
            doc: req.doc.clone().or_else(|| old.doc.clone()),
            shared,
            updated_ms: now_ms(),
            ..old.clone()
        };
        if same_kek(&old, &record) {
            return kek_view(&old);
        }
        if record.shared {
            self.check_unwraps(context, &record).await?;
        }
        let mut tx = self.db.run(|s| s.begin_write()).await?;
        if !tx.update_kek(&record, false).await? {
            return Err(not_found(name));
        }
        let detail = audit("update_kek", context, name, None);
        self.commit_key_change(tx, None, actor, detail).await?;
        kek_view(&record)
    }

    /// Soft-deletes a KEK no live DEK uses, or permanently deletes a soft-deleted one no DEK
    /// uses at all (42272 otherwise).
    pub async fn delete_kek(
        &self,
        context: &KeyContext,
        name: &str,
        permanent: bool,
        actor: &str,
    ) -> Result<(), ServiceError> {
        let old = self.kek_record(context, name, true).await?;
        let scope = kek_scope(context, name);
        let mut tx = self.db.run(|s| s.begin_write()).await?;
        let deks = tx.deks_in_tx(&scope).await?;
        if deks.iter().any(|d| permanent || !d.deleted) {
            return Err(KeyError::Referenced(name.to_owned()).into());
        }
        let action = if permanent {
            if !old.deleted {
                return Err(KeyError::NotSoftDeleted(name.to_owned()).into());
            }
            tx.remove_kek(&context.0, name).await?;
            "delete_kek_permanently"
        } else {
            if old.deleted {
                return Ok(());
            }
            let record = KekRecord {
                deleted: true,
                updated_ms: now_ms(),
                ..old
            };
            tx.update_kek(&record, false).await?;
            "delete_kek"
        };
        self.commit_key_change(tx, None, actor, audit(action, context, name, None))
            .await
    }

    pub async fn undelete_kek(
        &self,
        context: &KeyContext,
        name: &str,
        actor: &str,
    ) -> Result<(), ServiceError> {
        let old = self.kek_record(context, name, true).await?;
        if !old.deleted {
            return Ok(());
        }
        let record = KekRecord {
            deleted: false,
            updated_ms: now_ms(),
            ..old
        };
        let mut tx = self.db.run(|s| s.begin_write()).await?;
        tx.update_kek(&record, true).await?;
        let detail = audit("undelete_kek", context, name, None);
        self.commit_key_change(tx, None, actor, detail).await
    }

    /// The subjects with DEKs under a KEK of `context`.
    pub async fn dek_subjects(
        &self,
        context: &KeyContext,
        kek: &str,
        deleted: bool,
    ) -> Result<Vec<String>, ServiceError> {
        self.kek_record(context, kek, deleted).await?;
        let scope = kek_scope(context, kek);
        let mut subjects: Vec<String> = self
            .db
            .run(|s| s.deks(&scope))
            .await?
            .into_iter()
            .filter(|d| deleted || !d.deleted)
            .map(|d| d.subject)
            .collect();
        subjects.dedup();
        Ok(subjects)
    }

    /// The DEK rows `sel` names (every version when it names none), deleted ones only with
    /// `deleted`; the KEK first (40470 when it is not there).
    async fn dek_records(
        &self,
        sel: &DekSelector,
        deleted: bool,
    ) -> Result<(KekRecord, Vec<DekRecord>), ServiceError> {
        check_subject(&sel.subject)?;
        let context = KeyContext::of_subject(&sel.subject);
        let kek = self.kek_record(&context, &sel.kek, deleted).await?;
        let scope = dek_scope(&context, sel, sel.version.filter(|v| *v != LATEST));
        let mut deks: Vec<DekRecord> = self.db.run(|s| s.deks(&scope)).await?;
        deks.retain(|d| deleted || !d.deleted);
        if sel.version == Some(LATEST) {
            deks = deks.pop().into_iter().collect();
        }
        Ok((kek, deks))
    }

    /// The versions of a subject's DEKs of one algorithm.
    pub async fn dek_versions(
        &self,
        sel: &DekSelector,
        deleted: bool,
    ) -> Result<Vec<i32>, ServiceError> {
        let (_, deks) = self.dek_records(sel, deleted).await?;
        Ok(deks.into_iter().map(|d| d.version).collect())
    }

    /// One DEK (`sel.version`: a number or [`LATEST`]); for a shared KEK with its raw key.
    pub async fn dek(&self, sel: &DekSelector, deleted: bool) -> Result<Dek, ServiceError> {
        let (kek, deks) = self.dek_records(sel, deleted).await?;
        let record = deks.last().ok_or_else(|| not_found(&sel.subject))?;
        self.dek_view(&kek, record, true)
    }

    fn dek_view(
        &self,
        kek: &KekRecord,
        record: &DekRecord,
        with_key: bool,
    ) -> Result<Dek, ServiceError> {
        let key_material = if kek.shared && with_key {
            let raw = unwrap_material(&self.kms_of(kek)?, &record.encrypted_key_material)
                .ok_or_else(|| {
                    KeyError::Generation(format!(
                        "Could not generate raw dek for {}: {}",
                        record.subject,
                        kms::KmsError::Unwrap
                    ))
                })?;
            Some(BASE64.encode(raw))
        } else {
            None
        };
        Ok(Dek {
            kek_name: record.kek_name.clone(),
            subject: record.subject.clone(),
            version: record.version,
            algorithm: algorithm_of(record)?,
            encrypted_key_material: record.encrypted_key_material.clone(),
            key_material,
            ts: record.updated_ms,
            deleted: record.deleted,
        })
    }

    /// Creates a DEK: with the client's wrapped key, or (shared KEK only) one the registry
    /// generates and wraps. Creating a soft-deleted one with the same key undeletes it.
    pub async fn create_dek(
        &self,
        kek_name: &str,
        req: &CreateDekRequest,
        actor: &str,
    ) -> Result<Dek, ServiceError> {
        let subject = req.subject.as_deref().unwrap_or_default();
        check_subject(subject)?;
        let context = KeyContext::of_subject(subject);
        let kek = self.kek_record(&context, kek_name, req.deleted).await?;
        let version = req.version.unwrap_or(MIN_VERSION);
        if version < MIN_VERSION {
            return Err(KeyError::invalid("version"));
        }
        let algorithm = req.algorithm.unwrap_or_default();
        let (_, deks) = self.db.run(|s| s.key_counts()).await?;
        if deks >= self.options.dek_max_keys {
            return Err(KeyError::TooMany(self.options.dek_max_keys).into());
        }
        let material = match req.encrypted_key_material.as_deref() {
            Some(m) => {
                let wrapped = BASE64
                    .decode(m)
                    .ok()
                    .filter(|b| !b.is_empty())
                    .ok_or_else(|| KeyError::invalid("encryptedKeyMaterial"))?;
                // A shared KEK's DEKs are unwrapped here for every reader: refuse one that
                // does not unwrap now rather than fail each read later.
                if kek.shared && self.kms_of(&kek)?.unwrap(&wrapped).is_err() {
                    return Err(KeyError::invalid_because(
                        "encryptedKeyMaterial",
                        "it does not unwrap with the shared KEK",
                    ));
                }
                m.to_owned()
            }
            None if kek.shared => {
                let raw = kms::generate_dek(algorithm)
                    .map_err(|e| KeyError::Generation(e.to_string()))?;
                let wrapped = self.kms_of(&kek)?.wrap(&raw).map_err(|e| {
                    KeyError::Generation(format!(
                        "Could not generate encrypted dek for {subject}: {e}"
                    ))
                })?;
                BASE64.encode(wrapped)
            }
            None => return Err(KeyError::invalid("encryptedKeyMaterial")),
        };
        let record = DekRecord {
            context: context.0.clone(),
            kek_name: kek_name.to_owned(),
            subject: subject.to_owned(),
            algorithm: algorithm.as_str().to_owned(),
            version,
            encrypted_key_material: material,
            deleted: req.deleted,
            updated_ms: now_ms(),
        };
        let sel = DekSelector {
            kek: kek_name.to_owned(),
            subject: subject.to_owned(),
            algorithm,
            version: Some(version),
        };
        let scope = dek_scope(&context, &sel, sel.version);
        let mut tx = self.db.run(|s| s.begin_write()).await?;
        let old = tx.deks_in_tx(&scope).await?.pop();
        let written = match old {
            Some(old)
                if old.deleted != req.deleted
                    && old.encrypted_key_material == record.encrypted_key_material =>
            {
                tx.mark_deks(&scope, req.deleted, record.updated_ms).await? > 0
            }
            Some(_) => false,
            None => tx.insert_dek(&record).await?,
        };
        if !written {
            return Err(KeyError::Exists(subject.to_owned()).into());
        }
        let detail = audit("create_dek", &context, kek_name, Some(&sel));
        self.commit_key_change(tx, Some(subject), actor, detail)
            .await?;
        let import = self
            .subject_setting(Setting::Mode, subject, true)
            .await
            .is_ok_and(|m| m.value == Mode::Import.as_str());
        self.dek_view(&kek, &record, !import)
    }

    /// Soft-deletes the DEKs `sel` names (one version, or all of the subject's of the
    /// algorithm), or permanently deletes them once they are all soft-deleted.
    pub async fn delete_deks(
        &self,
        sel: &DekSelector,
        permanent: bool,
        actor: &str,
    ) -> Result<(), ServiceError> {
        let (_, deks) = self.dek_records(sel, true).await?;
        if deks.is_empty() {
            return Err(not_found(&sel.subject));
        }
        if permanent && deks.iter().any(|d| !d.deleted) {
            return Err(KeyError::NotSoftDeleted(sel.subject.clone()).into());
        }
        let context = KeyContext::of_subject(&sel.subject);
        let scope = dek_scope(
            &context,
            sel,
            sel.version.and(deks.first().map(|d| d.version)),
        );
        let mut tx = self.db.run(|s| s.begin_write()).await?;
        let action = if permanent {
            tx.remove_deks(&scope).await?;
            "delete_dek_permanently"
        } else {
            tx.mark_deks(&scope, true, now_ms()).await?;
            "delete_dek"
        };
        let detail = audit(action, &context, &sel.kek, Some(sel));
        self.commit_key_change(tx, Some(&sel.subject), actor, detail)
            .await
    }

    /// Undeletes the DEKs `sel` names; their KEK must be live (40472).
    pub async fn undelete_deks(&self, sel: &DekSelector, actor: &str) -> Result<(), ServiceError> {
        let (kek, deks) = self.dek_records(sel, true).await?;
        if deks.is_empty() {
            return Err(not_found(&sel.subject));
        }
        if kek.deleted {
            return Err(KeyError::SoftDeleted(sel.kek.clone()).into());
        }
        let context = KeyContext::of_subject(&sel.subject);
        let scope = dek_scope(
            &context,
            sel,
            sel.version.and(deks.first().map(|d| d.version)),
        );
        let mut tx = self.db.run(|s| s.begin_write()).await?;
        tx.mark_deks(&scope, false, now_ms()).await?;
        let detail = audit("undelete_dek", &context, &sel.kek, Some(sel));
        self.commit_key_change(tx, Some(&sel.subject), actor, detail)
            .await
    }

    /// What is known of a subject's DEKs, under every KEK, without any key material.
    pub async fn subject_deks(&self, subject: &str) -> Result<Vec<DekInfo>, ServiceError> {
        let context = KeyContext::of_subject(subject);
        let deks = self.db.run(|s| s.deks_of_subject(subject)).await?;
        // The context's KEKs once, not one read per DEK.
        let keks = self.db.run(|s| s.keks(&context.0)).await?;
        let mut out = Vec::with_capacity(deks.len());
        for d in deks.into_iter().filter(|d| d.context == context.0) {
            let kek = keks.iter().find(|k| k.name == d.kek_name);
            out.push(DekInfo {
                kms_type: kek.map(|k| k.kms_type.clone()).unwrap_or_default(),
                shared: kek.is_some_and(|k| k.shared),
                algorithm: algorithm_of(&d)?,
                kek_name: d.kek_name,
                subject: d.subject,
                version: d.version,
                ts: d.updated_ms,
                deleted: d.deleted,
            });
        }
        Ok(out)
    }
}
