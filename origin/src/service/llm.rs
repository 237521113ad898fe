//! LLM contracts at the origin: a version's export for a provider, a draft schema's lint, and
//! the `llmProfiles` rule under which a registration must fit. The answers come from
//! `registry_core::llm`, the same code the edge, the npm package and the CLI run; exports are
//! read through the version cache, so a numbered version's export is as immutable as it is.

use std::sync::Arc;

use registry_core::api::SubjectVersion;
use registry_core::cache_key::CacheKey;
use registry_core::config::ConfigFields;
use registry_core::llm::{self, Diagnostic, Exported, Naming, Profile, Usage, profile};
use registry_core::qualified::QualifiedSubject;
use registry_core::routes::{ReadKey, Variant};
use registry_core::{Schema, SchemaType};
use serde_json::Value;

use super::{CachedBody, Registry, ServiceError};

/// What an export is asked for.
#[derive(Debug, Clone)]
pub struct ExportRequest<'a> {
    pub subject: &'a str,
    pub version: Option<i32>,
    pub profile: &'static Profile,
    pub usage: Usage,
    pub name: Option<&'a str>,
    pub description: Option<&'a str>,
}

/// The profile named `name`, or a 404 naming the known ones.
pub fn find_profile(name: &str) -> Result<&'static Profile, ServiceError> {
    profile::find(name).ok_or_else(|| {
        ServiceError::NotFound(format!(
            "LLM profile '{name}' not found; known: {}",
            profile::names()
        ))
    })
}

/// A schema document of JSON Schema type, parsed; other types cannot be exported.
fn json_document(schema_type: SchemaType, text: &str) -> Result<Value, ServiceError> {
    if schema_type != SchemaType::Json {
        return Err(ServiceError::Invalid(format!(
            "LLM profiles apply to JSON Schema; this schema is {schema_type}"
        )));
    }
    serde_json::from_str(text)
        .map_err(|e| ServiceError::Internal(format!("stored JSON Schema: {e}")))
}

impl Registry {
    /// A version's export as a response body: cached with the version (dropped when it
    /// changes) when it has the default name and description.
    pub async fn llm_export_body(
        &self,
        req: &ExportRequest<'_>,
    ) -> Result<Arc<CachedBody>, ServiceError> {
        let immutable = req.version.is_some();
        let make = || async {
            let exported = self.llm_export(req).await?;
            Ok(CachedBody::of(&exported.fragment, immutable, None))
        };
        if req.name.is_some() || req.description.is_some() {
            return make().await.map(Arc::new);
        }
        let key = match req.version {
            Some(v) => CacheKey::SubjectVersion(req.subject.to_owned(), v),
            None => CacheKey::Latest(req.subject.to_owned()),
        };
        let variant = Variant::Llm(req.profile.id, req.usage);
        self.cache.variant_or(ReadKey { key, variant }, make).await
    }

    /// A version's export: the fragment, and what was changed to make it fit.
    pub async fn llm_export(&self, req: &ExportRequest<'_>) -> Result<Exported, ServiceError> {
        let body = self.version_body(req.subject, req.version).await?;
        let version: SubjectVersion = serde_json::from_slice(&body.body)
            .map_err(|e| ServiceError::Internal(format!("cached version: {e}")))?;
        let document = json_document(version.schema_type, &version.schema)?;
        let fallback = QualifiedSubject::parse(req.subject).subject;
        let (profile, usage) = (req.profile, req.usage);
        let naming = (
            req.name.map(str::to_owned),
            req.description.map(str::to_owned),
        );
        self.cpu()
            .run(move || {
                let naming = Naming {
                    name: naming.0.as_deref(),
                    description: naming.1.as_deref(),
                    fallback: &fallback,
                };
                llm::export(&document, profile, usage, &naming)
            })
            .await?
            .map_err(|diagnostics| does_not_fit(profile, diagnostics))
    }

    /// A draft schema against each of `profiles`: every violation (empty when it fits), in one
    /// job on the CPU pool.
    pub async fn llm_lint(
        &self,
        schema: Value,
        profiles: Vec<&'static Profile>,
    ) -> Result<Vec<(&'static Profile, Vec<Diagnostic>)>, ServiceError> {
        self.cpu()
            .run(move || {
                profiles
                    .into_iter()
                    .map(|p| (p, llm::lint(&schema, p)))
                    .collect()
            })
            .await
    }

    /// Refuses a new version that does not fit the subject's `llmProfiles`.
    pub(super) async fn check_llm_profiles(
        &self,
        config: &ConfigFields,
        schema: &Schema,
    ) -> Result<(), ServiceError> {
        let names = config.llm_profiles.clone().unwrap_or_default();
        if names.is_empty() {
            return Ok(());
        }
        let document = json_document(schema.schema_type, &schema.text)?;
        let profiles = names
            .iter()
            .map(|n| find_profile(n))
            .collect::<Result<Vec<_>, _>>()?;
        let found = self
            .cpu()
            .run(move || {
                profiles
                    .into_iter()
                    .map(|p| (p, llm::lint(&document, p)))
                    .find(|(_, d)| !d.is_empty())
            })
            .await?;
        match found {
            Some((profile, diagnostics)) => Err(does_not_fit(profile, diagnostics)),
            None => Ok(()),
        }
    }
}

fn does_not_fit(profile: &Profile, diagnostics: Vec<Diagnostic>) -> ServiceError {
    ServiceError::DoesNotFit {
        profile: profile.id.to_owned(),
        diagnostics,
    }
}
