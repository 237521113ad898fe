//! Compatibility between schema versions: the seven Confluent levels over a reader/writer check
//! for each schema type.
//!
//! BACKWARD: the new schema reads data written with the latest (FORWARD: the other way round,
//! FULL: both); the transitive levels check every existing version, newest first, and, as
//! Confluent does, stop at the first version that fails. Every incompatibility found against
//! that version is returned with a kind, a JSON-pointer location and a readable message.

pub use crate::incompatibility::{Incompatibility, IncompatibilityKind};

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::budget::{Budget, Exceeded};
use crate::error::SchemaError;
use crate::schema::Schema;

/// The Confluent compatibility levels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum CompatibilityLevel {
    None,
    #[default]
    Backward,
    BackwardTransitive,
    Forward,
    ForwardTransitive,
    Full,
    FullTransitive,
}

impl CompatibilityLevel {
    pub const ALL: [Self; 7] = [
        Self::None,
        Self::Backward,
        Self::BackwardTransitive,
        Self::Forward,
        Self::ForwardTransitive,
        Self::Full,
        Self::FullTransitive,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::None => "NONE",
            Self::Backward => "BACKWARD",
            Self::BackwardTransitive => "BACKWARD_TRANSITIVE",
            Self::Forward => "FORWARD",
            Self::ForwardTransitive => "FORWARD_TRANSITIVE",
            Self::Full => "FULL",
            Self::FullTransitive => "FULL_TRANSITIVE",
        }
    }

    fn is_transitive(self) -> bool {
        matches!(
            self,
            Self::BackwardTransitive | Self::ForwardTransitive | Self::FullTransitive
        )
    }

    fn checks_backward(self) -> bool {
        matches!(
            self,
            Self::Backward | Self::BackwardTransitive | Self::Full | Self::FullTransitive
        )
    }

    fn checks_forward(self) -> bool {
        matches!(
            self,
            Self::Forward | Self::ForwardTransitive | Self::Full | Self::FullTransitive
        )
    }
}

impl fmt::Display for CompatibilityLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for CompatibilityLevel {
    type Err = SchemaError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|l| l.as_str().eq_ignore_ascii_case(s))
            .ok_or_else(|| SchemaError::new(format!("unknown compatibility level \"{s}\""), ""))
    }
}

/// The verdict of a compatibility check.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CompatibilityReport {
    pub compatible: bool,
    pub incompatibilities: Vec<Incompatibility>,
    /// Index in `existing` of the version that failed, if any.
    pub failed_version_index: Option<usize>,
}

impl CompatibilityReport {
    /// The readable messages, one per incompatibility (the REST API's `messages`).
    pub fn messages(&self) -> Vec<String> {
        self.incompatibilities
            .iter()
            .map(|i| i.message.clone())
            .collect()
    }
}

/// What keeps `reader` from reading data written with `writer` (empty when it can), within
/// `budget`.
///
/// # Errors
/// When the comparison needs more work than the budget allows.
pub fn reader_writer(
    reader: &Schema,
    writer: &Schema,
    budget: &mut Budget,
) -> Result<Vec<Incompatibility>, Exceeded> {
    if reader.schema_type != writer.schema_type {
        return Ok(vec![Incompatibility::type_changed(
            writer.schema_type,
            reader.schema_type,
        )]);
    }
    reader
        .model
        .incompatibilities_reading(writer.model.as_ref(), budget)
}

/// Checks `new` against `existing` (oldest first) at `level`, within the default budget
/// ([`Budget::default`]; [`check_within`] takes another).
///
/// # Errors
/// When the schemas are too complex to compare within the budget.
///
/// # Examples
/// ```
/// use registry_core::{Schema, SchemaType, ParseOptions, CompatibilityLevel, compat};
/// let parse = |t: &str| Schema::parse(SchemaType::Avro, t, &[], ParseOptions::default()).unwrap();
/// let v1 = parse(r#"{"type":"record","name":"R","fields":[{"name":"a","type":"int"}]}"#);
/// let v2 = parse(r#"{"type":"record","name":"R","fields":[{"name":"a","type":"int"},{"name":"b","type":"string"}]}"#);
/// let report = compat::check(CompatibilityLevel::Backward, &v2, &[&v1]).unwrap();
/// assert!(!report.compatible);
/// assert_eq!(report.incompatibilities[0].kind.as_str(), "READER_FIELD_MISSING_DEFAULT_VALUE");
/// assert!(compat::check(CompatibilityLevel::Forward, &v2, &[&v1]).unwrap().compatible);
/// ```
pub fn check(
    level: CompatibilityLevel,
    new: &Schema,
    existing: &[&Schema],
) -> Result<CompatibilityReport, Exceeded> {
    check_within(level, new, existing, &mut Budget::default())
}

/// [`check`] within `budget`.
///
/// # Errors
/// When the check needs more work than the budget allows, or the budget's caller gave up.
pub fn check_within(
    level: CompatibilityLevel,
    new: &Schema,
    existing: &[&Schema],
    budget: &mut Budget,
) -> Result<CompatibilityReport, Exceeded> {
    if level == CompatibilityLevel::None || existing.is_empty() {
        return Ok(CompatibilityReport {
            compatible: true,
            ..CompatibilityReport::default()
        });
    }
    let take = if level.is_transitive() {
        existing.len()
    } else {
        1
    };
    for (index, old) in existing.iter().enumerate().rev().take(take) {
        let mut found = Vec::new();
        if level.checks_backward() {
            found.extend(reader_writer(new, old, budget)?);
        }
        if level.checks_forward() {
            found.extend(reader_writer(old, new, budget)?);
        }
        if !found.is_empty() {
            return Ok(CompatibilityReport {
                compatible: false,
                incompatibilities: found,
                failed_version_index: Some(index),
            });
        }
    }
    Ok(CompatibilityReport {
        compatible: true,
        ..CompatibilityReport::default()
    })
}
