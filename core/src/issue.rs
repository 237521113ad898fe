//! What validation reports: one problem found in a datum, with where it is and which part of
//! the schema refused it.

use serde::{Deserialize, Serialize};

/// One problem found in a datum.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ValidationIssue {
    /// JSON pointer to the offending part of the datum.
    pub instance_path: String,
    /// JSON pointer to the part of the schema that rejected it.
    pub schema_path: String,
    pub message: String,
}
