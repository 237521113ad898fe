//! The JSON Schema drafts the registry reads, named as its validator names them, so the
//! generator and the schema model need no validator to say which draft a schema is.

/// A JSON Schema draft.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Draft {
    Draft4,
    Draft6,
    Draft7,
    Draft201909,
    Draft202012,
}

impl Draft {
    /// The draft a `$schema` URI names (`None`: a custom meta-schema), read as the registry's
    /// validator reads it: `http` or `https`, a trailing `#` or none, and the version-less URI
    /// for the current draft.
    pub fn from_schema_uri(uri: &str) -> Option<Self> {
        Some(match uri.trim_end_matches('#') {
            "https://json-schema.org/draft/2020-12/schema"
            | "http://json-schema.org/draft/2020-12/schema"
            | "https://json-schema.org/schema"
            | "http://json-schema.org/schema" => Self::Draft202012,
            "https://json-schema.org/draft/2019-09/schema"
            | "http://json-schema.org/draft/2019-09/schema" => Self::Draft201909,
            "https://json-schema.org/draft-07/schema"
            | "http://json-schema.org/draft-07/schema" => Self::Draft7,
            "https://json-schema.org/draft-06/schema"
            | "http://json-schema.org/draft-06/schema" => Self::Draft6,
            "https://json-schema.org/draft-04/schema"
            | "http://json-schema.org/draft-04/schema" => Self::Draft4,
            _ => return None,
        })
    }

    /// The keyword naming a schema resource: `id` in draft 4, `$id` after.
    pub fn id_keyword(self) -> &'static str {
        match self {
            Self::Draft4 => "id",
            _ => "$id",
        }
    }

    /// Every draft, oldest first.
    pub const ALL: [Self; 5] = [
        Self::Draft4,
        Self::Draft6,
        Self::Draft7,
        Self::Draft201909,
        Self::Draft202012,
    ];
}

#[cfg(all(test, feature = "rust-validator"))]
mod tests {
    use super::*;

    /// The same reading of `$schema` as the validator's, URI by URI.
    #[test]
    fn schema_uris_read_as_the_validator_reads_them() {
        let uris = [
            "https://json-schema.org/draft/2020-12/schema",
            "http://json-schema.org/draft/2020-12/schema#",
            "https://json-schema.org/draft/2019-09/schema",
            "http://json-schema.org/draft-07/schema#",
            "https://json-schema.org/draft-07/schema",
            "http://json-schema.org/draft-06/schema#",
            "http://json-schema.org/draft-04/schema#",
            "https://json-schema.org/schema",
            "https://example.invalid/meta",
            "",
        ];
        for uri in uris {
            let theirs = match jsonschema::Draft::from_schema_uri(uri) {
                jsonschema::Draft::Draft4 => Some(Draft::Draft4),
                jsonschema::Draft::Draft6 => Some(Draft::Draft6),
                jsonschema::Draft::Draft7 => Some(Draft::Draft7),
                jsonschema::Draft::Draft201909 => Some(Draft::Draft201909),
                jsonschema::Draft::Draft202012 => Some(Draft::Draft202012),
                _ => None,
            };
            assert_eq!(Draft::from_schema_uri(uri), theirs, "{uri}");
        }
    }
}
