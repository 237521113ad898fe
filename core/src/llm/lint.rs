//! Lint: a JSON Schema against a profile, giving every violation with where it is in the
//! schema, the rule it breaks (as the profile's table names it), and how to fix it.

use std::collections::{BTreeSet, HashMap};

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::profile::{EnumValues, Nullable, Profile, Refs};
use super::walk::{self, Edge};

/// One way a schema does not fit a profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    /// JSON pointer into the schema.
    pub path: String,
    /// The profile's rule it breaks.
    pub rule: String,
    pub message: String,
    /// What to change.
    pub fix: String,
    /// Whether [`super::transform`] makes this change itself.
    pub fixable: bool,
}

/// Every violation of `profile` in `schema`, in document order; empty when it fits.
pub fn lint(schema: &Value, profile: &Profile) -> Vec<Diagnostic> {
    let mut lint = Lint {
        profile,
        root: schema,
        recursive: walk::recursive_refs(schema),
        out: Vec::new(),
        totals: Totals::default(),
    };
    lint.root_shape(schema);
    lint.node(schema, &mut Vec::new(), false);
    lint.limits(schema);
    lint.out
}

#[derive(Default)]
struct Totals {
    properties: usize,
    enum_values: usize,
    string_length: usize,
    optional: usize,
    unions: usize,
}

struct Lint<'a> {
    profile: &'a Profile,
    root: &'a Value,
    recursive: BTreeSet<String>,
    out: Vec<Diagnostic>,
    totals: Totals,
}

impl Lint<'_> {
    fn report(&mut self, path: &[String], rule: &str, message: String, fix: &str, fixable: bool) {
        self.out.push(Diagnostic {
            path: walk::pointer(path),
            rule: rule.to_owned(),
            message,
            fix: fix.to_owned(),
            fixable,
        });
    }

    fn root_shape(&mut self, schema: &Value) {
        let p = self.profile;
        if !p.root_object {
            return;
        }
        let target = match schema.get("$ref").and_then(Value::as_str) {
            Some(r) => walk::resolve(self.root, r).unwrap_or(schema),
            None => schema,
        };
        if target.get("anyOf").is_some() && !p.root_any_of {
            let message = "the root is an anyOf; it must be one object".into();
            self.report(
                &[],
                "root-object",
                message,
                "wrap the union in an object property",
                false,
            );
        } else if !walk::is_object(target) {
            let message = format!("the root must be an object schema for {}", p.id);
            self.report(
                &[],
                "root-object",
                message,
                "wrap the value in an object property",
                false,
            );
        }
    }

    /// Checks `node` at `path`; `optional` says whether a property not required was passed on
    /// the way from the root or from the definition it is in.
    fn node(&mut self, node: &Value, path: &mut Vec<String>, optional: bool) {
        let map = match node {
            Value::Object(map) if !map.is_empty() => map,
            _ => {
                if self.profile.rule("boolean-schema").is_some() {
                    let message =
                        format!("{node} accepts any value (or none), which cannot be expressed");
                    self.report(
                        path,
                        "boolean-schema",
                        message,
                        "give the schema a type",
                        false,
                    );
                }
                return;
            }
        };
        self.keywords(map, path);
        self.types(node, path);
        self.values(map, path);
        self.reference(node, path, optional);
        if walk::is_object(node) {
            self.object(node, path);
        }
        for (segments, child, edge) in walk::children(node) {
            let optional = match edge {
                Edge::Property { required } => optional || !required,
                Edge::Definition => false,
                Edge::Other => optional,
            };
            let depth = path.len();
            path.extend(segments);
            self.node(child, path, optional);
            path.truncate(depth);
        }
    }

    fn keywords(&mut self, map: &Map<String, Value>, path: &[String]) {
        for key in map.keys() {
            // A `$ref` where there are none is the `ref` rule's.
            if key != "$ref" && !self.profile.allows(key) {
                let fixable = !matches!(key.as_str(), "patternProperties");
                let message = format!("keyword {key} is not supported by {}", self.profile.id);
                let fix = if key == "oneOf" && self.profile.allows("anyOf") {
                    "use anyOf"
                } else {
                    "remove it (the transform moves it into the description)"
                };
                self.report(path, "keyword", message, fix, fixable);
            }
        }
        if let Some(Value::String(format)) = map.get("format")
            && !self.profile.allows_format(format)
        {
            let message = format!("format {format} is not supported by {}", self.profile.id);
            self.report(
                path,
                "format",
                message,
                "remove it (moved into the description)",
                true,
            );
        }
        if let (Some(max), Some(n)) = (
            self.profile.max_min_items,
            map.get("minItems").and_then(Value::as_u64),
        ) && n > max
        {
            let message = format!("minItems {n} is more than {max}");
            self.report(
                path,
                "min-items",
                message,
                "drop it (moved into the description)",
                true,
            );
        }
    }

    fn types(&mut self, node: &Value, path: &[String]) {
        let types = walk::types(node);
        for t in &types {
            if !self.profile.types.iter().any(|p| p.eq_ignore_ascii_case(t)) {
                let message = format!("type {t} is not supported");
                self.report(path, "type", message, "use a JSON Schema type", false);
            }
        }
        let non_null = types.iter().filter(|t| **t != "null").count();
        if self.profile.nullable == Nullable::Keyword && types.len() > 1 {
            let message = "a list of types is not supported; one type per schema".into();
            self.report(path, "type", message, "use nullable: true, or anyOf", true);
        }
        if non_null > 1 || node.get("anyOf").is_some() {
            self.totals.unions += 1;
        }
    }

    fn values(&mut self, map: &Map<String, Value>, path: &[String]) {
        if let Some(Value::Array(values)) = map.get("enum") {
            self.totals.enum_values += values.len();
            let allowed = |v: &Value| match self.profile.enum_values {
                EnumValues::Any => true,
                EnumValues::Primitives => !v.is_object() && !v.is_array(),
                EnumValues::StringsAndNumbers => v.is_string() || v.is_number() || v.is_null(),
            };
            if let Some(bad) = values.iter().find(|v| !allowed(v)) {
                let message = format!("enum value {bad} is not supported");
                self.report(
                    path,
                    "enum-values",
                    message,
                    "list only primitive values",
                    false,
                );
            }
            let strings: Vec<&str> = values.iter().filter_map(Value::as_str).collect();
            let length: usize = strings.iter().map(|s| s.chars().count()).sum();
            self.totals.string_length += length;
            if let Some((count, max)) = self.profile.limits.large_enum
                && strings.len() > count
                && length > max
            {
                let message = format!(
                    "{} enum values total {length} characters (at most {max} above {count} values)",
                    strings.len()
                );
                self.report(
                    path,
                    "large-enum",
                    message,
                    "shorten or split the enum",
                    false,
                );
            }
        }
        if let Some(Value::String(s)) = map.get("const") {
            self.totals.string_length += s.chars().count();
        }
        for defs in ["$defs", "definitions"] {
            if let Some(Value::Object(d)) = map.get(defs) {
                self.totals.string_length += d.keys().map(|k| k.chars().count()).sum::<usize>();
            }
        }
    }

    fn reference(&mut self, node: &Value, path: &[String], optional: bool) {
        let Some(reference) = node.get("$ref").and_then(Value::as_str) else {
            return;
        };
        let refs = self.profile.refs;
        if walk::resolve(self.root, reference).is_none() {
            let message = format!("$ref {reference} is not a local reference that resolves");
            self.report(path, "ref", message, "inline the referenced schema", false);
            return;
        }
        let recursive = self.recursive.contains(reference);
        let refused = match refs {
            Refs::None | Refs::Acyclic => recursive,
            Refs::RecursiveOptional => recursive && !optional,
            Refs::Recursive => false,
        };
        if refused {
            let message = format!("$ref {reference} is recursive");
            let fix = if refs == Refs::RecursiveOptional {
                "recurse only through properties that are not required"
            } else {
                "bound the recursion to a fixed depth"
            };
            self.report(path, "recursion", message, fix, false);
        } else if refs == Refs::None {
            let message = format!("$ref {reference} is not supported");
            self.report(path, "ref", message, "inline it", true);
        }
        let siblings = node
            .as_object()
            .is_some_and(|m| m.keys().any(|k| !k.starts_with('$')));
        if siblings && !self.profile.ref_siblings {
            let message = "a $ref with other keywords beside it".into();
            self.report(
                path,
                "ref-siblings",
                message,
                "merge the referenced schema in",
                true,
            );
        }
    }

    fn object(&mut self, node: &Value, path: &[String]) {
        let properties = node.get("properties").and_then(Value::as_object);
        let required = walk::required_names(node);
        let names: Vec<&String> = properties.map(|p| p.keys().collect()).unwrap_or_default();
        self.totals.properties += names.len();
        self.totals.string_length += names.iter().map(|n| n.chars().count()).sum::<usize>();
        let optional: Vec<&&String> = names
            .iter()
            .filter(|n| !required.contains(n.as_str()))
            .collect();
        self.totals.optional += optional.len();
        if self.profile.closed_objects {
            self.closed(node, path, properties.is_some());
        }
        if self.profile.all_required {
            for name in optional {
                let message =
                    format!("property {name} is optional; every property must be required");
                let fix = "list it in required and let it be null";
                self.report(path, "all-required", message, fix, true);
            }
        }
    }

    fn closed(&mut self, node: &Value, path: &[String], has_properties: bool) {
        let open = node.get("patternProperties").is_some()
            || matches!(node.get("additionalProperties"), Some(v) if *v != Value::Bool(false))
            || (!has_properties && node.get("additionalProperties").is_none());
        if open {
            let message = "an object with arbitrary keys (a map) cannot be expressed".into();
            let fix = "list its properties, or make it an array of key/value objects";
            self.report(path, "free-form", message, fix, false);
        } else if node.get("additionalProperties").is_none() {
            let message = "additionalProperties: false is missing".into();
            self.report(
                path,
                "closed-object",
                message,
                "add additionalProperties: false",
                true,
            );
        }
    }

    fn limits(&mut self, schema: &Value) {
        let limits = self.profile.limits;
        let t = &self.totals;
        let checks = [
            (
                "properties-total",
                t.properties,
                limits.properties,
                "object properties",
            ),
            (
                "enum-total",
                t.enum_values,
                limits.enum_values,
                "enum values",
            ),
            (
                "string-total",
                t.string_length,
                limits.string_length,
                "characters of names and values",
            ),
            (
                "optional-total",
                t.optional,
                limits.optional,
                "optional properties",
            ),
            ("unions-total", t.unions, limits.unions, "unions"),
        ];
        let mut found = Vec::new();
        for (rule, n, max, what) in checks {
            if let Some(max) = max.filter(|max| n > *max) {
                found.push((rule, format!("{n} {what}, more than {max}")));
            }
        }
        if let Some(max) = limits.depth {
            let depth = depth(schema, self.root, &mut Vec::new(), &mut HashMap::new());
            if depth > max {
                found.push((
                    "depth",
                    format!("{depth} levels of object nesting, more than {max}"),
                ));
            }
        }
        for (rule, message) in found {
            self.report(&[], rule, message, "split the schema or simplify it", false);
        }
    }
}

/// Levels of object nesting under `node`, following references (not around cycles); each
/// reference's depth is counted once (`memo`), so shared definitions cost nothing more.
fn depth(
    node: &Value,
    root: &Value,
    stack: &mut Vec<String>,
    memo: &mut HashMap<String, usize>,
) -> usize {
    let own = usize::from(walk::is_object(node));
    let via_ref = match node.get("$ref").and_then(Value::as_str) {
        Some(r) if memo.contains_key(r) => memo[r],
        Some(r) if !stack.iter().any(|s| s == r) => {
            stack.push(r.to_owned());
            let d = walk::resolve(root, r).map_or(0, |t| depth(t, root, stack, memo));
            stack.pop();
            memo.insert(r.to_owned(), d);
            d
        }
        _ => 0,
    };
    let below = walk::children(node)
        .into_iter()
        .filter(|(_, _, edge)| *edge != Edge::Definition)
        .map(|(_, child, _)| depth(child, root, stack, memo))
        .max()
        .unwrap_or(0);
    own + below.max(via_ref)
}
