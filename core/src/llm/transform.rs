//! Transform: a deterministic rewrite that makes a schema fit a profile where that is safe,
//! naming every change it made; where a schema cannot fit (a free-form map, recursion the
//! provider refuses, a limit), it refuses with the lint's diagnostics instead.
//!
//! What it does, in order: `definitions` becomes `$defs`; references are inlined where the
//! provider has none (and at the root); a `$ref` with keywords beside it is merged with its
//! target where the provider needs that; a single `allOf` is merged in; `oneOf` becomes
//! `anyOf`; keywords the provider does not take are moved into the description (annotations
//! are dropped); every object gets `additionalProperties: false` where the provider wants it
//! closed; where every property must be required, the optional ones become required and
//! nullable.

use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

use serde_json::{Map, Value, json};

use super::lint::{Diagnostic, lint};
use super::profile::{Nullable, Profile, Refs};
use super::walk;

/// A schema made to fit, and what was changed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Transformed {
    pub schema: Value,
    pub changes: Vec<Change>,
}

/// One change the transform made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    /// JSON pointer into the transformed schema.
    pub path: String,
    pub message: String,
    /// Whether the change loosens or drops part of the contract (a keyword moved into the
    /// description, `oneOf` read as `anyOf`, ...), rather than only restating it.
    pub warning: bool,
}

/// Keywords that only annotate: dropped, with a warning, where the provider does not take them.
const ANNOTATIONS: &[&str] = &[
    "$schema",
    "$id",
    "$comment",
    "$anchor",
    "examples",
    "example",
    "readOnly",
    "writeOnly",
    "deprecated",
    "title",
    "$vocabulary",
];

/// `schema` made to fit `profile`.
///
/// # Errors
/// The diagnostics of what cannot be made to fit.
pub fn transform(schema: &Value, profile: &Profile) -> Result<Transformed, Vec<Diagnostic>> {
    let refused: Vec<Diagnostic> = lint(schema, profile)
        .into_iter()
        .filter(|d| !d.fixable)
        .collect();
    if !refused.is_empty() {
        return Err(refused);
    }
    let mut t = Transform {
        profile,
        root: schema.clone(),
        recursive: BTreeSet::new(),
        budget: COPY_BUDGET,
        changes: Vec::new(),
    };
    let mut out = match t.prepare(schema.clone()) {
        Ok(out) => out,
        Err(d) => return Err(vec![d]),
    };
    t.recursive = walk::recursive_refs(&out);
    t.root = out.clone();
    t.node(&mut out, &mut Vec::new());
    if t.budget == 0 {
        return Err(vec![too_large()]);
    }
    if profile.upper_case_types {
        upper_case_types(&mut out);
    }
    let left = lint(&out, profile);
    if left.is_empty() {
        Ok(Transformed {
            schema: out,
            changes: t.changes,
        })
    } else {
        Err(left)
    }
}

struct Transform<'a> {
    profile: &'a Profile,
    /// The document references resolve in.
    root: Value,
    /// Its recursive references.
    recursive: BTreeSet<String>,
    /// What copying references may still copy ([`COPY_BUDGET`]).
    budget: usize,
    changes: Vec<Change>,
}

impl Transform<'_> {
    fn change(&mut self, path: &[String], message: String, warning: bool) {
        self.changes.push(Change {
            path: walk::pointer(path),
            message,
            warning,
        });
    }

    /// Whole-document steps: `definitions` renamed, references inlined where needed.
    fn prepare(&mut self, mut schema: Value) -> Result<Value, Diagnostic> {
        if self.profile.allows("$defs")
            && !self.profile.allows("definitions")
            && let Some(defs) = schema.as_object_mut().and_then(|m| m.remove("definitions"))
        {
            let merged = schema.as_object_mut().expect("an object").entry("$defs");
            let target = merged.or_insert_with(|| json!({}));
            if let (Value::Object(into), Value::Object(from)) = (target, defs) {
                into.extend(from);
            }
            rewrite_refs(&mut schema, "#/definitions/", "#/$defs/");
            self.change(&[], "definitions renamed $defs".into(), false);
        }
        let root = schema.clone();
        if self.profile.refs == Refs::None {
            inline_refs(&mut schema, &root, &mut Vec::new(), &mut self.budget);
            if self.budget == 0 {
                return Err(too_large());
            }
            if let Some(map) = schema.as_object_mut()
                && (map.remove("$defs").is_some() | map.remove("definitions").is_some())
            {
                self.change(&[], "references inlined (no $ref here)".into(), false);
            }
        } else if self.profile.root_object
            && let Some(target) = schema
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|r| walk::resolve(&root, r))
                .cloned()
        {
            let defs = schema.get("$defs").cloned();
            schema = merge_ref(&schema, target);
            if let (Some(defs), Some(map)) = (defs, schema.as_object_mut()) {
                map.entry("$defs").or_insert(defs);
            }
            self.change(&[], "the root $ref inlined".into(), false);
        }
        Ok(schema)
    }

    fn node(&mut self, node: &mut Value, path: &mut Vec<String>) {
        if !node.is_object() || self.budget == 0 {
            return;
        }
        self.merge_own(node, path);
        self.keywords(node, path);
        self.types(node, path);
        self.children(node, path);
        if walk::is_object(node) {
            self.object(node, path);
        }
    }

    /// A `$ref` with siblings and a single `allOf`, merged into the node.
    fn merge_own(&mut self, node: &mut Value, path: &[String]) {
        for _ in 0..32 {
            let reference = node.get("$ref").and_then(Value::as_str).map(str::to_owned);
            let siblings = node
                .as_object()
                .is_some_and(|m| m.keys().any(|k| !k.starts_with('$')));
            if let Some(r) = reference.filter(|_| siblings && !self.profile.ref_siblings) {
                let recursive = self.recursive.contains(&r);
                let target = walk::resolve(&self.root, &r).filter(|_| !recursive);
                let cost = target.map_or(0, size);
                if cost > self.budget {
                    self.budget = 0;
                    return;
                }
                self.budget -= cost;
                if let Some(target) = target.cloned() {
                    *node = merge_ref(node, target);
                    self.change(path, format!("$ref {r} merged with its siblings"), false);
                    continue;
                }
                let map = node.as_object_mut().expect("an object");
                map.retain(|k, _| k.starts_with('$'));
                self.change(
                    path,
                    format!("keywords beside the recursive $ref {r} dropped"),
                    true,
                );
            }
            if let Some(Value::Array(all)) = node.get("allOf")
                && all.len() == 1
            {
                let only = all[0].clone();
                let map = node.as_object_mut().expect("an object");
                map.remove("allOf");
                if let Value::Object(only) = only {
                    map.extend(only);
                }
                self.change(path, "a single allOf merged in".into(), false);
                continue;
            }
            break;
        }
    }

    fn keywords(&mut self, node: &mut Value, path: &[String]) {
        let map = node.as_object_mut().expect("an object");
        if map.contains_key("oneOf")
            && !self.profile.allows("oneOf")
            && self.profile.allows("anyOf")
            && !map.contains_key("anyOf")
        {
            let branches = map.remove("oneOf").expect("present");
            map.insert("anyOf".into(), branches);
            self.change(
                path,
                "oneOf read as anyOf (a value may now match several branches)".into(),
                true,
            );
        }
        let map = node.as_object_mut().expect("an object");
        if !self.profile.allows("const")
            && self.profile.allows("enum")
            && !map.contains_key("enum")
            && let Some(value) = map.remove("const")
        {
            map.insert("enum".into(), Value::Array(vec![value]));
            self.change(path, "const written as a one-value enum".into(), false);
        }
        let map = node.as_object_mut().expect("an object");
        if map.get("default") == Some(&Value::Null) && !self.profile.allows("default") {
            map.remove("default");
        }
        let mut moved = Vec::new();
        let keys: Vec<String> = map.keys().cloned().collect();
        for key in keys {
            let unsupported = !self.profile.allows(&key)
                || (key == "format"
                    && !map[&key]
                        .as_str()
                        .is_some_and(|f| self.profile.allows_format(f)))
                || (key == "minItems" && too_many(map.get("minItems"), self.profile.max_min_items));
            if !unsupported {
                continue;
            }
            let value = map.remove(&key).expect("present");
            if ANNOTATIONS.contains(&key.as_str()) {
                self.change(path, format!("{key} dropped"), true);
            } else {
                moved.push(format!("{key}: {}", compact(&value)));
                self.change(path, format!("{key} moved into the description"), true);
            }
        }
        if !moved.is_empty() {
            append_description(map, &moved.join(", "), self.profile.allows("description"));
        }
    }

    /// Type lists where the provider takes one type per schema.
    fn types(&mut self, node: &mut Value, path: &[String]) {
        if self.profile.nullable != Nullable::Keyword {
            return;
        }
        self.one_type_per_schema(node, path);
        let map = node.as_object_mut().expect("an object");
        // `anyOf: [X, {"type": "null"}]` is X, nullable (`[X, Y, null]`: `[X, Y]`, nullable).
        if let Some(Value::Array(branches)) = map.get("anyOf") {
            let is_null = |b: &Value| {
                walk::types(b) == ["null"] && b.as_object().is_some_and(|m| m.len() == 1)
            };
            let others: Vec<Value> = branches.iter().filter(|b| !is_null(b)).cloned().collect();
            if !others.is_empty() && others.len() < branches.len() {
                map.insert("nullable".into(), Value::Bool(true));
                if let [Value::Object(only)] = others.as_slice() {
                    let only = only.clone();
                    map.remove("anyOf");
                    for (k, v) in only {
                        map.entry(k).or_insert(v);
                    }
                } else {
                    map.insert("anyOf".into(), Value::Array(others));
                }
                self.change(path, "anyOf with null written as nullable".into(), false);
            }
        }
        // An enum names its type, as the Schema object needs.
        if !map.contains_key("type")
            && let Some(Value::Array(values)) = map.get("enum")
            && let Some(t) = enum_type(values)
        {
            map.insert("type".into(), json!(t));
        }
    }

    fn one_type_per_schema(&mut self, node: &mut Value, path: &[String]) {
        let Some(Value::Array(list)) = node.get("type").cloned() else {
            return;
        };
        let map = node.as_object_mut().expect("an object");
        let non_null: Vec<Value> = list.into_iter().filter(|t| t != "null").collect();
        let nullable = non_null.len() < map["type"].as_array().map_or(0, Vec::len);
        map.remove("type");
        match non_null.as_slice() {
            [one] => {
                map.insert("type".into(), one.clone());
            }
            many => {
                let branches = many.iter().map(|t| json!({"type": t})).collect();
                map.insert("anyOf".into(), Value::Array(branches));
            }
        }
        if nullable {
            map.insert("nullable".into(), Value::Bool(true));
        }
        self.change(
            path,
            "a list of types written with one type per schema".into(),
            false,
        );
    }

    fn children(&mut self, node: &mut Value, path: &mut Vec<String>) {
        let map = node.as_object_mut().expect("an object");
        for (key, value) in map.iter_mut() {
            path.push(key.clone());
            match (key.as_str(), value) {
                (
                    "properties" | "$defs" | "definitions" | "patternProperties",
                    Value::Object(m),
                ) => {
                    for (name, child) in m.iter_mut() {
                        path.push(name.clone());
                        self.node(child, path);
                        path.pop();
                    }
                }
                ("anyOf" | "oneOf" | "allOf" | "prefixItems" | "items", Value::Array(list)) => {
                    for (i, child) in list.iter_mut().enumerate() {
                        path.push(i.to_string());
                        self.node(child, path);
                        path.pop();
                    }
                }
                (
                    "items" | "additionalProperties" | "not" | "if" | "then" | "else" | "contains",
                    child,
                ) => {
                    self.node(child, path);
                }
                _ => {}
            }
            path.pop();
        }
    }

    fn object(&mut self, node: &mut Value, path: &[String]) {
        let p = self.profile;
        let map = node.as_object_mut().expect("an object");
        if p.closed_objects && !map.contains_key("additionalProperties") {
            map.insert("additionalProperties".into(), Value::Bool(false));
            self.change(path, "additionalProperties: false added".into(), false);
        }
        if !map.contains_key("type") && p.allows("type") {
            map.insert("type".into(), json!("object"));
        }
        if !p.all_required {
            return;
        }
        let required = walk::required_names(node)
            .into_iter()
            .map(str::to_owned)
            .collect::<Vec<_>>();
        let map = node.as_object_mut().expect("an object");
        let Some(Value::Object(props)) = map.get_mut("properties") else {
            return;
        };
        let mut made = Vec::new();
        for (name, child) in props.iter_mut() {
            if !required.contains(name) {
                if !walk::admits_null(child) {
                    make_nullable(child, p.nullable);
                }
                made.push(name.clone());
            }
        }
        let all: Vec<Value> = props.keys().map(|k| Value::String(k.clone())).collect();
        if !made.is_empty() || !map.contains_key("required") {
            map.insert("required".into(), Value::Array(all));
        }
        for name in made {
            self.change(
                path,
                format!("optional property {name} made required and nullable"),
                true,
            );
        }
    }
}

/// The one type of an enum's (non-null) values, if they share one.
fn enum_type(values: &[Value]) -> Option<&'static str> {
    let kind = |v: &Value| match v {
        Value::String(_) => Some("string"),
        Value::Number(n) if n.is_i64() || n.is_u64() => Some("integer"),
        Value::Number(_) => Some("number"),
        Value::Bool(_) => Some("boolean"),
        _ => None,
    };
    let mut kinds = values.iter().filter(|v| !v.is_null()).map(kind);
    let first = kinds.next()??;
    kinds.all(|k| k == Some(first)).then_some(first)
}

fn too_large() -> Diagnostic {
    Diagnostic {
        path: String::new(),
        rule: "ref".into(),
        message: "the schema is too large once its references are inlined".into(),
        fix: "share fewer definitions, or use a profile with $ref".into(),
        fixable: false,
    }
}

fn too_many(value: Option<&Value>, max: Option<u64>) -> bool {
    matches!((value.and_then(Value::as_u64), max), (Some(n), Some(max)) if n > max)
}

fn compact(value: &Value) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

fn append_description(map: &mut Map<String, Value>, text: &str, allowed: bool) {
    if !allowed {
        return;
    }
    let description = match map.get("description").and_then(Value::as_str) {
        Some(d) if !d.is_empty() => format!("{d} ({text})"),
        _ => format!("({text})"),
    };
    map.insert("description".into(), Value::String(description));
}

/// `node` admitting null too.
fn make_nullable(node: &mut Value, style: Nullable) {
    let Value::Object(map) = node else {
        return;
    };
    if style == Nullable::Keyword {
        map.insert("nullable".into(), Value::Bool(true));
        return;
    }
    if !map.contains_key("type")
        && let Some(Value::Array(values)) = map.get_mut("enum")
    {
        values.push(Value::Null);
        return;
    }
    let plain = map.contains_key("type") && !map.contains_key("$ref") && !map.contains_key("const");
    if plain {
        let types = match map.remove("type") {
            Some(Value::Array(mut list)) => {
                list.push(json!("null"));
                list
            }
            Some(t) => vec![t, json!("null")],
            None => vec![json!("null")],
        };
        map.insert("type".into(), Value::Array(types));
        if let Some(Value::Array(values)) = map.get_mut("enum") {
            values.push(Value::Null);
        }
    } else if let Some(Value::Array(branches)) = map.get_mut("anyOf") {
        branches.push(json!({"type": "null"}));
    } else {
        let description = map.remove("description");
        let inner = std::mem::take(map);
        map.insert(
            "anyOf".into(),
            json!([Value::Object(inner), {"type": "null"}]),
        );
        if let Some(d) = description {
            map.insert("description".into(), d);
        }
    }
}

/// `node`'s target with `node`'s own keywords over it, without the `$ref`.
fn merge_ref(node: &Value, target: Value) -> Value {
    let mut merged = match target {
        Value::Object(m) => m,
        _ => Map::new(),
    };
    if let Value::Object(own) = node {
        for (k, v) in own {
            if k != "$ref" {
                merged.insert(k.clone(), v.clone());
            }
        }
    }
    Value::Object(merged)
}

fn rewrite_refs(node: &mut Value, from: &str, to: &str) {
    match node {
        Value::Object(map) => {
            if let Some(Value::String(r)) = map.get_mut("$ref")
                && let Some(rest) = r.strip_prefix(from)
            {
                *r = format!("{to}{rest}");
            }
            map.values_mut().for_each(|v| rewrite_refs(v, from, to));
        }
        Value::Array(list) => list.iter_mut().for_each(|v| rewrite_refs(v, from, to)),
        _ => {}
    }
}

/// How many schema values inlining and merging references may copy in all: shared
/// definitions grow a tree exponentially, and the copies must stay bounded.
const COPY_BUDGET: usize = 200_000;

/// The number of JSON values in `v`.
fn size(v: &Value) -> usize {
    1 + match v {
        Value::Object(m) => m.values().map(size).sum(),
        Value::Array(l) => l.iter().map(size).sum(),
        _ => 0,
    }
}

/// Every (acyclic, as the lint checked) reference replaced by its target, until `budget`
/// values have been copied (then it is 0 and the result is not to be used).
fn inline_refs(node: &mut Value, root: &Value, stack: &mut Vec<String>, budget: &mut usize) {
    if *budget == 0 {
        return;
    }
    if let Some(r) = node.get("$ref").and_then(Value::as_str).map(str::to_owned)
        && !stack.contains(&r)
        && let Some(target) = walk::resolve(root, &r)
    {
        let cost = size(target);
        if cost > *budget {
            *budget = 0;
            return;
        }
        *budget -= cost;
        *node = merge_ref(node, target.clone());
        stack.push(r);
        inline_refs(node, root, stack, budget);
        stack.pop();
        return;
    }
    match node {
        Value::Object(map) => {
            for (k, v) in map.iter_mut() {
                if k != "$defs" && k != "definitions" {
                    inline_refs(v, root, stack, budget);
                }
            }
        }
        Value::Array(list) => list
            .iter_mut()
            .for_each(|v| inline_refs(v, root, stack, budget)),
        _ => {}
    }
}

fn upper_case_types(node: &mut Value) {
    match node {
        Value::Object(map) => {
            if let Some(Value::String(t)) = map.get_mut("type") {
                *t = t.to_uppercase();
            }
            for (k, v) in map.iter_mut() {
                if k != "enum" && k != "default" && k != "example" && k != "const" {
                    upper_case_types(v);
                }
            }
        }
        Value::Array(list) => list.iter_mut().for_each(upper_case_types),
        _ => {}
    }
}
