//! Compatibility checks without registering (`POST /compatibility/...`): against a numbered
//! version, only that version; against `latest` or without a version, the versions the
//! subject's level names (all of them for the transitive levels, newest first).

use registry_core::{CompatibilityLevel, CompatibilityReport};

use super::{Registry, SchemaInput, ServiceError};
use crate::store::{Deleted, VersionRecord};

/// Which existing versions a check covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Against {
    /// One numbered version.
    Version(i32),
    /// `latest`: the latest live version alone (none is fine).
    Latest,
    /// No version given: the versions the level names (none is fine).
    All,
}

/// The verdict and the level it was given at.
#[derive(Debug, Clone)]
pub struct CompatibilityAnswer {
    pub level: CompatibilityLevel,
    pub report: CompatibilityReport,
}

impl Registry {
    pub async fn check_compatibility(
        &self,
        subject: &str,
        against: Against,
        input: &SchemaInput,
        normalize: bool,
    ) -> Result<CompatibilityAnswer, ServiceError> {
        let normalize = normalize || self.config_in_force(subject).await?.normalize == Some(true);
        let new = self.parse_new(subject, input, normalize).await?;
        let own = self.db.run(|s| s.settings(Some(subject))).await?;
        let configured = match own.compatibility {
            Some(level) => Some(level),
            None => {
                self.db
                    .run(|s| s.parent_settings(subject))
                    .await?
                    .compatibility
            }
        };
        let level = self.level_in_force(configured.as_deref());
        let existing = self.existing_for(subject, against).await?;
        let parsed = self.parsed_versions(&existing).await?;
        let report = self.check_schemas(level, new, parsed).await?;
        Ok(CompatibilityAnswer { level, report })
    }

    async fn existing_for(
        &self,
        subject: &str,
        against: Against,
    ) -> Result<Vec<VersionRecord>, ServiceError> {
        // As Confluent: a numbered version that is not there (the subject missing or not) is
        // 40402; `latest` or all of a subject with no versions is compatible.
        match against {
            Against::Version(number) => self
                .db
                .run(|s| s.version(subject, Some(number), Deleted::Exclude))
                .await?
                .map(|v| vec![v])
                .ok_or_else(|| ServiceError::VersionNotFound {
                    subject: subject.to_owned(),
                    version: number.to_string(),
                }),
            // `latest` is that one version, whatever the level's transitivity (Confluent's
            // RestApiTest.testIncompatibleSchemaBySubject pins it).
            Against::Latest => {
                let mut live = self
                    .db
                    .run(|s| s.versions(subject, Deleted::Exclude))
                    .await?;
                Ok(live.pop().into_iter().collect())
            }
            Against::All => Ok(self
                .db
                .run(|s| s.versions(subject, Deleted::Exclude))
                .await?),
        }
    }
}
