//! Anchors and dynamic references: `$anchor`, `$dynamicAnchor` with `$dynamicRef` (2020-12)
//! and `$recursiveAnchor` with `$recursiveRef` (2019-09), resolved while generating.
//!
//! A dynamic reference's target depends on the dynamic scope, the schema resources evaluation
//! went through to reach it. The generator resolves one statically only where no scope can
//! change the answer:
//! - `$dynamicRef` to an anchor the root document's own resource declares with
//!   `$dynamicAnchor`: the root is the outermost resource of every scope, and the outermost
//!   declaration wins, so every such reference lands there (the draft 2020-12 meta-schemas, and
//!   the usual extensible-schema pattern, are of this kind);
//! - `$recursiveRef` when every document it holds has `$recursiveAnchor: true` at its root: the
//!   walk out through the scope never stops before the root (the draft 2019-09 meta-schemas);
//! - either one whose first target declares no dynamic anchor: that is a `$ref`.
//!
//! Everything else is refused, and callers keep the registry's own validator.

use std::collections::HashMap;

use crate::json::Draft;
use serde_json::Value;

use super::{Generator, Unsupported, escape};

/// Where a named anchor of a document is.
#[derive(Debug, Clone)]
pub(super) struct Anchor {
    pub pointer: String,
    /// Declared by `$dynamicAnchor` (2020-12), which dynamic references may re-anchor.
    pub dynamic: bool,
}

/// The anchors of `document`'s own resource, by name (embedded resources, which the generator
/// refuses, are not searched).
pub(super) fn index(document: &Value, draft: Draft) -> HashMap<String, Anchor> {
    let mut anchors = HashMap::new();
    if matches!(draft, Draft::Draft201909 | Draft::Draft202012) {
        walk(document, &mut String::new(), draft, &mut anchors);
    }
    anchors
}

/// Keywords whose values are data, not schemas: an `$anchor` member there names nothing.
const DATA: [&str; 4] = ["const", "enum", "default", "examples"];

fn walk(value: &Value, pointer: &mut String, draft: Draft, out: &mut HashMap<String, Anchor>) {
    match value {
        Value::Object(map) => {
            if !pointer.is_empty() && map.get(draft.id_keyword()).is_some_and(Value::is_string) {
                return;
            }
            let declared = [("$anchor", false), ("$dynamicAnchor", true)];
            for (keyword, dynamic) in declared {
                if dynamic && draft != Draft::Draft202012 {
                    continue;
                }
                if let Some(name) = map.get(keyword).and_then(Value::as_str) {
                    out.entry(name.to_owned()).or_insert_with(|| Anchor {
                        pointer: pointer.clone(),
                        dynamic,
                    });
                }
            }
            for (key, member) in map {
                if DATA.contains(&key.as_str()) {
                    continue;
                }
                let len = pointer.len();
                pointer.push('/');
                pointer.push_str(&escape(key));
                walk(member, pointer, draft, out);
                pointer.truncate(len);
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                let len = pointer.len();
                pointer.push('/');
                pointer.push_str(&i.to_string());
                walk(item, pointer, draft, out);
                pointer.truncate(len);
            }
        }
        _ => {}
    }
}

/// Whether a document's root says `$recursiveAnchor: true`.
pub(super) fn recursive_anchor(document: &Value) -> bool {
    document.get("$recursiveAnchor") == Some(&Value::Bool(true))
}

impl Generator<'_> {
    /// The function a `$dynamicRef` from document `doc` applies.
    pub(super) fn resolve_dynamic(
        &mut self,
        doc: usize,
        reference: &str,
        at: &str,
    ) -> Result<usize, Unsupported> {
        let (target, pointer, dynamic) = self.locate(doc, reference, at)?;
        if !dynamic {
            return Ok(self.node(target, pointer));
        }
        let name = reference.rsplit_once('#').map_or("", |(_, name)| name);
        match self.documents[0].anchors.get(name) {
            Some(root) if root.dynamic => {
                let pointer = root.pointer.clone();
                Ok(self.node(0, pointer))
            }
            _ => Err(Unsupported::new(
                "a $dynamicRef to an anchor the root does not declare dynamically",
                at,
            )),
        }
    }

    /// The function a `$recursiveRef` (always `"#"`) from document `doc` applies.
    pub(super) fn resolve_recursive(
        &mut self,
        doc: usize,
        reference: &str,
        at: &str,
    ) -> Result<usize, Unsupported> {
        if reference != "#" {
            return Err(Unsupported::new("a $recursiveRef other than \"#\"", at));
        }
        if !self.documents[doc].recursive_anchor {
            return Ok(self.node(doc, String::new()));
        }
        // Checked again once every document is loaded (`check_recursive`).
        self.recursive_to_root = true;
        Ok(self.node(0, String::new()))
    }

    /// Refuses a `$recursiveRef` sent to the root when a document without `$recursiveAnchor`
    /// could stand between it and the root in some scope.
    pub(super) fn check_recursive(&self) -> Result<(), Unsupported> {
        match self.documents.iter().find(|d| !d.recursive_anchor) {
            Some(d) if self.recursive_to_root => Err(Unsupported::new(
                format!(
                    "a $recursiveRef that a document without $recursiveAnchor ({}) may redirect",
                    if d.base.is_empty() {
                        "the root"
                    } else {
                        &d.base
                    }
                ),
                "",
            )),
            _ => Ok(()),
        }
    }
}
