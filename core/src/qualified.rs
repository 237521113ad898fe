//! Qualified subject names, as Confluent writes them: `:.ctx:name` is subject `name` in context
//! `.ctx`, a name without the prefix is in the default context `.`, and `:*:name` matches every
//! context. A name that is only `:.ctx` (or `:.ctx:`) names the context itself.

/// The default context.
pub const DEFAULT_CONTEXT: &str = ".";
/// The context of global settings (`.__GLOBAL`).
pub const GLOBAL_CONTEXT: &str = ".__GLOBAL";
/// The reserved subject name global settings are kept under.
pub const GLOBAL_SUBJECT: &str = "__GLOBAL";
/// The wildcard context of `:*:`.
pub const WILDCARD: &str = "*";

/// A subject name split into its context and its name within it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct QualifiedSubject {
    /// `.` for the default context, `.name` for the others, `*` for the wildcard.
    pub context: String,
    /// The name within the context (empty when the whole name is a context).
    pub subject: String,
}

impl QualifiedSubject {
    /// Splits `qualified` the way Confluent's `QualifiedSubject` does.
    pub fn parse(qualified: &str) -> Self {
        if let Some(rest) = qualified.strip_prefix(":.") {
            return match rest.find(':') {
                Some(ix) => Self {
                    context: format!(".{}", &rest[..ix]),
                    subject: rest[ix + 1..].to_owned(),
                },
                None => Self {
                    context: format!(".{rest}"),
                    subject: String::new(),
                },
            };
        }
        if let Some(rest) = qualified.strip_prefix(":*:") {
            return Self {
                context: WILDCARD.to_owned(),
                subject: rest.to_owned(),
            };
        }
        Self {
            context: DEFAULT_CONTEXT.to_owned(),
            subject: qualified.to_owned(),
        }
    }

    /// `:.ctx:` for a named context, nothing for the default one.
    pub fn qualified_context(&self) -> String {
        if self.context == DEFAULT_CONTEXT {
            String::new()
        } else {
            format!(":{}:", self.context)
        }
    }

    /// The name as stored and shown: the context prefix (if any) and the name.
    pub fn to_qualified(&self) -> String {
        format!("{}{}", self.qualified_context(), self.subject)
    }

    pub fn is_default_context(&self) -> bool {
        self.context == DEFAULT_CONTEXT
    }
}

/// Whether `qualified` may name a subject: no control characters, and not the reserved
/// `__GLOBAL` (in any context), as Confluent's `isValidSubject`.
pub fn is_valid_subject(qualified: &str) -> bool {
    !qualified.chars().any(char::is_control)
        && QualifiedSubject::parse(qualified).subject != GLOBAL_SUBJECT
}

/// A context as a path or query gives it (`ctx`, `.ctx`, `:.ctx:`) in its stored form (`.ctx`),
/// or `None` when it holds a colon inside.
pub fn normalize_context(context: &str) -> Option<String> {
    let trimmed = context.strip_prefix(':').unwrap_or(context);
    let trimmed = trimmed.strip_suffix(':').unwrap_or(trimmed);
    if trimmed.contains(':') {
        return None;
    }
    Some(if trimmed.starts_with('.') {
        trimmed.to_owned()
    } else {
        format!(".{trimmed}")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_split_as_confluent_splits_them() {
        let q = QualifiedSubject::parse(":.ctx:orders-value");
        assert_eq!(
            (q.context.as_str(), q.subject.as_str()),
            (".ctx", "orders-value")
        );
        assert_eq!(q.to_qualified(), ":.ctx:orders-value");
        let d = QualifiedSubject::parse("orders-value");
        assert!(d.is_default_context());
        assert_eq!(d.to_qualified(), "orders-value");
        let c = QualifiedSubject::parse(":.ctx");
        assert_eq!((c.context.as_str(), c.subject.as_str()), (".ctx", ""));
        let w = QualifiedSubject::parse(":*:x");
        assert_eq!((w.context.as_str(), w.subject.as_str()), ("*", "x"));
        // A colon later in a default-context name is part of the name.
        assert_eq!(QualifiedSubject::parse("a:b").subject, "a:b");
    }

    #[test]
    fn reserved_and_control_names_are_not_subjects() {
        assert!(!is_valid_subject("__GLOBAL"));
        assert!(!is_valid_subject(":.ctx:__GLOBAL"));
        assert!(!is_valid_subject("bad\nsubject"));
        assert!(is_valid_subject("__GLOBALS"));
        assert!(is_valid_subject(":.ctx:x"));
    }

    #[test]
    fn contexts_normalize() {
        assert_eq!(normalize_context("ctx").as_deref(), Some(".ctx"));
        assert_eq!(normalize_context(":.ctx:").as_deref(), Some(".ctx"));
        assert_eq!(normalize_context(".").as_deref(), Some("."));
        assert_eq!(normalize_context("a:b"), None);
    }
}
