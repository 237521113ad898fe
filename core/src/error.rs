//! Errors of the core: what is wrong with a schema and where.

use std::fmt;

/// A schema that cannot be used: invalid JSON, an unknown type, a bad reference...
///
/// `path` is a JSON pointer into the schema document (empty for the whole document).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaError {
    pub message: String,
    pub path: String,
}

impl SchemaError {
    pub fn new(message: impl Into<String>, path: &str) -> Self {
        Self {
            message: message.into(),
            path: path.to_owned(),
        }
    }

    /// The same error, located inside a named part (e.g. a reference).
    #[must_use]
    pub fn within(self, context: &str) -> Self {
        Self {
            message: format!("{context}: {}", self.message),
            path: self.path,
        }
    }
}

impl fmt::Display for SchemaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{} (at {})", self.message, self.path)
        }
    }
}

impl std::error::Error for SchemaError {}
