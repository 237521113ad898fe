//! Qualified subject names, as Confluent writes them: `:.ctx:name` is subject `name` in context
//! `.ctx`, a name without the prefix is in the default context `.`, and `:*:name` matches every
//! context. A name that is only `:.ctx` (or `:.ctx:`) names the context itself.

/// The default context.
pub const DEFAULT_CONTEXT: &str = ".";
/// The context of global settings (`.__GLOBAL`).
pub const GLOBAL_CONTEXT: &str = ".__GLOBAL";
/// The reserved subject name global settings are kept under.
pub const GLOBAL_SUBJECT: &str = "__GLOBAL";
/// The reserved subject name standing for the empty one.
pub const EMPTY_SUBJECT: &str = "__EMPTY";
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

/// Whether `qualified` may name a subject to register under: no control characters, not the
/// reserved `__GLOBAL` or `__EMPTY` (in any context), and not in the global or the wildcard
/// context, as Confluent's `isValidSubject`.
pub fn is_valid_subject(qualified: &str) -> bool {
    let q = QualifiedSubject::parse(qualified);
    !qualified.chars().any(char::is_control)
        && q.subject != GLOBAL_SUBJECT
        && q.subject != EMPTY_SUBJECT
        && q.context != GLOBAL_CONTEXT
        && q.context != WILDCARD
}

/// The subject a name written inside `parent`'s definition (a reference, an alias) stands for,
/// as Confluent's `QualifiedSubject.qualifySubjectWithParent`: a name in the default context
/// (`name` or `:.:name`) belongs to a parent's named context; a name with a context of its own,
/// or any name under a default-context parent, stays as written.
pub fn qualify_with_parent(parent: &str, name: &str) -> String {
    let own = QualifiedSubject::parse(name);
    let parent = QualifiedSubject::parse(parent);
    if !own.is_default_context() || parent.is_default_context() || parent.context == WILDCARD {
        return name.to_owned();
    }
    QualifiedSubject {
        context: parent.context,
        subject: own.subject,
    }
    .to_qualified()
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

/// What a `subjectPrefix` selects, as Confluent reads it: none at all is every subject of every
/// context; `:*:` then a prefix, that prefix of the names in any context; `:.ctx:` then a prefix,
/// names in that context; anything else (`""` included), names in the default context.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SubjectFilter {
    All,
    AnyContext(String),
    Qualified(String),
    DefaultContext(String),
}

impl SubjectFilter {
    pub fn of(prefix: Option<&str>) -> Self {
        let Some(prefix) = prefix else {
            return Self::All;
        };
        if let Some(rest) = prefix.strip_prefix(":*:") {
            return Self::AnyContext(rest.to_owned());
        }
        if let Some(rest) = prefix.strip_prefix(":.:") {
            return Self::DefaultContext(rest.to_owned());
        }
        if prefix.starts_with(":.") {
            return Self::Qualified(prefix.to_owned());
        }
        Self::DefaultContext(prefix.to_owned())
    }

    /// The prefix of stored names every selected subject has (for the database to narrow by).
    pub fn stored_prefix(&self) -> &str {
        match self {
            Self::All | Self::AnyContext(_) => "",
            Self::Qualified(p) | Self::DefaultContext(p) => p,
        }
    }

    /// Whether the stored name `subject` is selected.
    pub fn admits(&self, subject: &str) -> bool {
        match self {
            Self::All => true,
            Self::AnyContext(p) => QualifiedSubject::parse(subject)
                .subject
                .starts_with(p.as_str()),
            Self::Qualified(p) => subject.starts_with(p.as_str()),
            Self::DefaultContext(p) => {
                subject.starts_with(p.as_str())
                    && QualifiedSubject::parse(subject).is_default_context()
            }
        }
    }
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
    fn names_inside_a_named_context_belong_to_it() {
        assert_eq!(
            qualify_with_parent(":.ctx:orders", "customer"),
            ":.ctx:customer"
        );
        assert_eq!(
            qualify_with_parent(":.ctx:orders", ":.:customer"),
            ":.ctx:customer"
        );
        assert_eq!(
            qualify_with_parent(":.ctx:orders", ":.b:customer"),
            ":.b:customer"
        );
        assert_eq!(qualify_with_parent("orders", "customer"), "customer");
        assert_eq!(
            qualify_with_parent("orders", ":.b:customer"),
            ":.b:customer"
        );
    }

    #[test]
    fn reserved_and_control_names_are_not_subjects() {
        assert!(!is_valid_subject("__GLOBAL"));
        assert!(!is_valid_subject(":.ctx:__GLOBAL"));
        assert!(!is_valid_subject("bad\nsubject"));
        assert!(is_valid_subject("__GLOBALS"));
        assert!(is_valid_subject(":.ctx:x"));
        assert!(!is_valid_subject(":.__GLOBAL:x"));
        assert!(!is_valid_subject(":*:x"));
        assert!(!is_valid_subject("__EMPTY"));
    }

    #[test]
    fn subject_prefixes_select_as_confluent_selects() {
        let names = ["a1", "b1", ":.c:a2", ":.d:a3"];
        let selected = |prefix: Option<&str>| {
            let f = SubjectFilter::of(prefix);
            names
                .iter()
                .filter(|n| f.admits(n))
                .copied()
                .collect::<Vec<_>>()
        };
        assert_eq!(selected(None), names);
        assert_eq!(selected(Some("")), ["a1", "b1"]);
        assert_eq!(selected(Some("a")), ["a1"]);
        assert_eq!(selected(Some(":.:b")), ["b1"]);
        assert_eq!(selected(Some(":*:")), names);
        assert_eq!(selected(Some(":*:a")), ["a1", ":.c:a2", ":.d:a3"]);
        assert_eq!(selected(Some(":.c:")), [":.c:a2"]);
        assert_eq!(SubjectFilter::of(Some(":*:a")).stored_prefix(), "");
    }

    #[test]
    fn contexts_normalize() {
        assert_eq!(normalize_context("ctx").as_deref(), Some(".ctx"));
        assert_eq!(normalize_context(":.ctx:").as_deref(), Some(".ctx"));
        assert_eq!(normalize_context(".").as_deref(), Some("."));
        assert_eq!(normalize_context("a:b"), None);
    }
}
