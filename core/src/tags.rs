//! Schema tags as Confluent keeps them: a `confluent:tags` array on an Avro record or field, or
//! on a JSON Schema subschema, addressed by an entity path. `POST
//! /subjects/{s}/versions/{v}/tags` adds and removes them (a new version with the edited text);
//! `findTags` lists the tagged entities of a schema.
//!
//! Entity paths follow Confluent's: for Avro, `namespace.Record` (`SR_RECORD`) and
//! `namespace.Record.field` (`SR_FIELD`), the namespace optional, found breadth-first through
//! fields, unions, arrays and maps; for JSON Schema, a walk of type words and names —
//! `object` is the root object, `object.a.object.b` its property `a`'s property `b`,
//! `object.definitions.D` (or `$defs`) a definition, `array` the items, `anyof.N`, `oneof.N`,
//! `allof.N` the N-th subschema, `not` the negated one.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::SchemaType;
use crate::api::null_as_empty;
use crate::pointer::escape;

/// The most words an entity path may have.
const MAX_PATH_WORDS: usize = 512;

/// The keyword that holds the tags.
pub const TAGS: &str = "confluent:tags";

/// What an entity path names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum EntityType {
    #[serde(rename = "SR_RECORD")]
    Record,
    #[serde(rename = "SR_FIELD")]
    Field,
}

/// A record or field of a schema.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SchemaEntity {
    pub entity_path: String,
    pub entity_type: EntityType,
}

/// Tags on one entity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SchemaTags {
    pub entity: SchemaEntity,
    pub tags: Vec<String>,
}

/// `POST /subjects/{s}/versions/{v}/tags` body, as Confluent's `TagSchemaRequest`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TagSchemaRequest {
    /// The version the edit must get: one past the subject's latest.
    #[serde(default)]
    pub new_version: Option<i32>,
    #[serde(default, deserialize_with = "null_as_empty")]
    pub tags_to_add: Vec<SchemaTags>,
    #[serde(default, deserialize_with = "null_as_empty")]
    pub tags_to_remove: Vec<SchemaTags>,
    /// The new version's metadata (absent: the edited version's).
    #[serde(default)]
    pub metadata: Option<Value>,
    /// The new version's rule set, unless rules are merged or removed.
    #[serde(default)]
    pub rule_set: Option<Value>,
    /// Rules merged into the previous version's rule set.
    #[serde(default)]
    pub rules_to_merge: Option<Value>,
    /// Names of rules removed from it.
    #[serde(default)]
    pub rules_to_remove: Option<Vec<String>>,
}

/// Why a tags edit cannot be made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TagError {
    /// An entity path that names nothing in the schema.
    NoSuchEntity(String),
    /// More entities than one edit may name.
    TooManyEntities(usize),
}

impl std::fmt::Display for TagError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::NoSuchEntity(path) => {
                write!(f, "No matching path '{path}' found in the schema")
            }
            Self::TooManyEntities(n) => write!(
                f,
                "a tags edit names {n} entities; at most {MAX_ENTITIES} can be edited at once"
            ),
        }
    }
}

/// The most entities one edit may name (each is a walk of the schema).
pub const MAX_ENTITIES: usize = 1000;

/// `doc` with the tags of `add` added and those of `remove` removed, entity by entity (an
/// entity left without tags loses the keyword). Linear in the tags; one walk of the schema per
/// entity.
pub fn modify(
    ty: SchemaType,
    doc: &mut Value,
    add: &[SchemaTags],
    remove: &[SchemaTags],
) -> Result<(), TagError> {
    use std::collections::{HashMap, HashSet};
    // Per entity, in the order first named: the tags to add (in order) and to remove.
    let mut order: Vec<&SchemaEntity> = Vec::new();
    let mut edits: HashMap<&SchemaEntity, (Vec<&str>, HashSet<&str>)> = HashMap::new();
    for (list, adding) in [(add, true), (remove, false)] {
        for t in list {
            let edit = edits.entry(&t.entity).or_insert_with(|| {
                order.push(&t.entity);
                (Vec::new(), HashSet::new())
            });
            for tag in &t.tags {
                if adding {
                    edit.0.push(tag);
                } else {
                    edit.1.insert(tag);
                }
            }
        }
    }
    if order.len() > MAX_ENTITIES {
        return Err(TagError::TooManyEntities(order.len()));
    }
    for entity in order {
        let missing = || TagError::NoSuchEntity(entity.entity_path.clone());
        let pointer = find(ty, doc, entity).ok_or_else(missing)?;
        let Some(Value::Object(node)) = doc.pointer_mut(&pointer) else {
            return Err(missing());
        };
        let (added, removed) = &edits[entity];
        let existing = tags_of(node.get(TAGS));
        let mut seen: HashSet<&str> = HashSet::new();
        let tags: Vec<Value> = existing
            .iter()
            .map(String::as_str)
            .chain(added.iter().copied())
            .filter(|t| seen.insert(t) && !removed.contains(t))
            .map(|t| Value::String(t.to_owned()))
            .collect();
        if tags.is_empty() {
            node.shift_remove(TAGS);
        } else {
            node.insert(TAGS.into(), Value::Array(tags));
        }
    }
    Ok(())
}

/// The tagged entities of `doc` having any of `wanted` (`*`: every tagged entity).
pub fn find_tags(ty: SchemaType, doc: &Value, wanted: &[String]) -> Vec<SchemaTags> {
    let mut out = Vec::new();
    match ty {
        SchemaType::Avro => avro_tagged(doc, None, &mut out),
        SchemaType::Json => json_tagged(doc, "", true, &mut out),
        // Protobuf tags live in `confluent.field_meta` options, which this module does not edit.
        SchemaType::Protobuf => {}
    }
    let wanted: std::collections::HashSet<&str> = wanted.iter().map(String::as_str).collect();
    let any = wanted.contains("*");
    out.retain(|t| any || t.tags.iter().any(|tag| wanted.contains(tag.as_str())));
    out
}

fn tags_of(value: Option<&Value>) -> Vec<String> {
    value
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(str::to_owned)
        .collect()
}

/// The JSON pointer of the node `entity` names.
fn find(ty: SchemaType, doc: &Value, entity: &SchemaEntity) -> Option<String> {
    match ty {
        SchemaType::Avro => avro_find(doc, entity),
        SchemaType::Json => {
            let words: Vec<&str> = entity.entity_path.split('.').collect();
            // The walk recurses once per word: a path longer than any schema's is no entity.
            if words.len() > MAX_PATH_WORDS {
                return None;
            }
            json_find(doc, entity.entity_type, &words, String::new())
        }
        SchemaType::Protobuf => None,
    }
}

/// Breadth-first through the schema, as Confluent's `AvroSchemaUtils.findMatchingEntity`.
fn avro_find(doc: &Value, entity: &SchemaEntity) -> Option<String> {
    let words: Vec<&str> = entity.entity_path.split('.').collect();
    let (record_at, field) = match entity.entity_type {
        EntityType::Record => (words.len().checked_sub(1)?, None),
        EntityType::Field => (words.len().checked_sub(2)?, Some(*words.last()?)),
    };
    let namespace = words[..record_at].join(".");
    let record = words[record_at];
    let mut queue =
        std::collections::VecDeque::from([(String::new(), doc, namespace_of(doc, None))]);
    while let Some((at, node, ns)) = queue.pop_front() {
        match node {
            Value::Array(branches) => {
                for (i, b) in branches.iter().enumerate() {
                    queue.push_back((format!("{at}/{i}"), b, namespace_of(b, ns.clone())));
                }
            }
            Value::Object(o) => match o.get("type").and_then(Value::as_str) {
                Some("record") => {
                    let fields = o.get("fields").and_then(Value::as_array);
                    let name = o.get("name").and_then(Value::as_str);
                    if (namespace.is_empty() || Some(namespace.as_str()) == ns.as_deref())
                        && name == Some(record)
                    {
                        let Some(field) = field else { return Some(at) };
                        let i = fields?
                            .iter()
                            .position(|f| f.get("name").and_then(Value::as_str) == Some(field))?;
                        return Some(format!("{at}/fields/{i}"));
                    }
                    for (i, f) in fields.into_iter().flatten().enumerate() {
                        queue.push_back((
                            format!("{at}/fields/{i}"),
                            f,
                            namespace_of(f, ns.clone()),
                        ));
                    }
                }
                Some(kind @ ("array" | "map")) => {
                    let key = if kind == "array" { "items" } else { "values" };
                    if let Some(child) = o.get(key) {
                        queue.push_back((
                            format!("{at}/{key}"),
                            child,
                            namespace_of(child, ns.clone()),
                        ));
                    }
                }
                _ => {
                    if let Some(child) = o.get("type") {
                        queue.push_back((
                            format!("{at}/type"),
                            child,
                            namespace_of(child, ns.clone()),
                        ));
                    }
                }
            },
            _ => {}
        }
    }
    None
}

/// A node's own namespace, or the one it inherits.
fn namespace_of(node: &Value, parent: Option<String>) -> Option<String> {
    match node.get("namespace").and_then(Value::as_str) {
        Some(ns) => Some(ns.to_owned()),
        None => parent,
    }
}

/// The records and fields of an Avro schema that carry tags, by full name.
fn avro_tagged(node: &Value, ns: Option<&str>, out: &mut Vec<SchemaTags>) {
    match node {
        Value::Array(branches) => branches.iter().for_each(|b| avro_tagged(b, ns, out)),
        Value::Object(o) => {
            let own = o.get("namespace").and_then(Value::as_str).or(ns);
            match o.get("type") {
                Some(Value::String(t)) if t == "record" => {
                    let name = o.get("name").and_then(Value::as_str).unwrap_or_default();
                    let full = match own {
                        Some(ns) if !ns.is_empty() && !name.contains('.') => format!("{ns}.{name}"),
                        _ => name.to_owned(),
                    };
                    push_tagged(out, o.get(TAGS), &full, EntityType::Record);
                    for f in o
                        .get("fields")
                        .and_then(Value::as_array)
                        .into_iter()
                        .flatten()
                    {
                        let field = f.get("name").and_then(Value::as_str).unwrap_or_default();
                        push_tagged(
                            out,
                            f.get(TAGS),
                            &format!("{full}.{field}"),
                            EntityType::Field,
                        );
                        if let Some(t) = f.get("type") {
                            avro_tagged(t, own, out);
                        }
                    }
                }
                Some(Value::String(t)) if t == "array" => {
                    o.get("items")
                        .into_iter()
                        .for_each(|c| avro_tagged(c, own, out));
                }
                Some(Value::String(t)) if t == "map" => {
                    o.get("values")
                        .into_iter()
                        .for_each(|c| avro_tagged(c, own, out));
                }
                Some(t) => avro_tagged(t, own, out),
                None => {}
            }
        }
        _ => {}
    }
}

fn push_tagged(out: &mut Vec<SchemaTags>, tags: Option<&Value>, path: &str, ty: EntityType) {
    let tags = tags_of(tags);
    if !tags.is_empty() {
        out.push(SchemaTags {
            entity: SchemaEntity {
                entity_path: path.to_owned(),
                entity_type: ty,
            },
            tags,
        });
    }
}

/// The walk of Confluent's `JsonSchemaUtils.findMatchingEntity` (subschemas of `anyOf`,
/// `oneOf` and `allOf` by their index as written).
fn json_find(node: &Value, ty: EntityType, words: &[&str], at: String) -> Option<String> {
    let (&word, rest) = words.split_first()?;
    match word {
        "object" => {
            if ty == EntityType::Record && rest.is_empty() {
                return Some(at);
            }
            let (container, rest) = match rest.first() {
                Some(&w @ ("definitions" | "$defs")) => (w, &rest[1..]),
                Some(_) => ("properties", rest),
                None => return None,
            };
            let holder = node.get(container)?;
            // A name may itself contain dots: the longest run of words that is a key.
            let (name, rest) = (1..=rest.len()).find_map(|n| {
                let name = rest[..n].join(".");
                holder.get(&name).is_some().then(|| (name, &rest[n..]))
            })?;
            let child = &holder[&name];
            let at = format!("{at}/{container}/{}", escape(&name));
            if rest.is_empty() {
                Some(at)
            } else {
                json_find(child, ty, rest, at)
            }
        }
        "array" => json_find(node.get("items")?, ty, rest, format!("{at}/items")),
        "anyof" | "oneof" | "allof" => {
            let key = match word {
                "anyof" => "anyOf",
                "oneof" => "oneOf",
                _ => "allOf",
            };
            if let Some(list) = node.get(key) {
                let (index, rest) = rest.split_first()?;
                let i: usize = index.parse().ok()?;
                return json_find(list.get(i)?, ty, rest, format!("{at}/{key}/{i}"));
            }
            // `"type": ["null", "object"]` and if/then/else: the same node.
            let rest = rest.get(1..)?;
            if word == "allof" && rest.first() == Some(&"conditional") {
                let (branch, rest) = rest[1..].split_first()?;
                let at = format!("{at}/{}", escape(branch));
                json_find(node.get(*branch)?, ty, rest, at)
            } else {
                json_find(node, ty, rest, at)
            }
        }
        "not" => json_find(node.get("not")?, ty, rest, format!("{at}/not")),
        _ => None,
    }
}

/// The tagged subschemas of a JSON Schema, with the paths [`json_find`] reads (`own`: whether
/// the node's own tags count as the object's, false for a property or definition, whose tags
/// are counted as its own entity).
fn json_tagged(node: &Value, prefix: &str, own: bool, out: &mut Vec<SchemaTags>) {
    let Value::Object(o) = node else { return };
    let join = |word: &str| {
        if prefix.is_empty() {
            word.to_owned()
        } else {
            format!("{prefix}.{word}")
        }
    };
    let object = join("object");
    if own
        && (o.contains_key("properties") || o.get("type").and_then(Value::as_str) == Some("object"))
    {
        push_tagged(out, o.get(TAGS), &object, EntityType::Record);
    }
    for container in ["properties", "definitions", "$defs"] {
        for (name, child) in o
            .get(container)
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            let path = if container == "properties" {
                format!("{object}.{name}")
            } else {
                format!("{object}.{container}.{name}")
            };
            let kind = if container == "properties" {
                EntityType::Field
            } else {
                EntityType::Record
            };
            push_tagged(out, child.get(TAGS), &path, kind);
            json_tagged(child, &path, false, out);
        }
    }
    if let Some(items) = o.get("items") {
        json_tagged(items, &join("array"), true, out);
    }
    for (key, word) in [("anyOf", "anyof"), ("oneOf", "oneof"), ("allOf", "allof")] {
        for (i, child) in o
            .get(key)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            json_tagged(child, &join(&format!("{word}.{i}")), true, out);
        }
    }
    if let Some(not) = o.get("not") {
        json_tagged(not, &join("not"), true, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn tags(path: &str, ty: EntityType, tags: &[&str]) -> SchemaTags {
        SchemaTags {
            entity: SchemaEntity {
                entity_path: path.into(),
                entity_type: ty,
            },
            tags: tags.iter().map(|t| (*t).to_owned()).collect(),
        }
    }

    #[test]
    fn avro_records_and_fields_are_tagged_and_untagged() {
        let mut doc = json!({"type": "record", "name": "myrecord", "fields": [
            {"name": "f1", "type": "string"},
            {"name": "inner", "type": {"type": "record", "name": "In", "namespace": "n", "fields": [{"name": "g", "type": "int"}]}}
        ]});
        let add = [
            tags("myrecord", EntityType::Record, &["TAG1", "TAG2"]),
            tags("n.In.g", EntityType::Field, &["PII"]),
        ];
        modify(SchemaType::Avro, &mut doc, &add, &[]).unwrap();
        assert_eq!(doc[TAGS], json!(["TAG1", "TAG2"]));
        assert_eq!(doc["fields"][1]["type"]["fields"][0][TAGS], json!(["PII"]));
        let found = find_tags(SchemaType::Avro, &doc, &["PII".into()]);
        assert_eq!(found, vec![tags("n.In.g", EntityType::Field, &["PII"])]);
        assert_eq!(find_tags(SchemaType::Avro, &doc, &["*".into()]).len(), 2);
        let remove = [tags("myrecord", EntityType::Record, &["TAG1", "TAG2"])];
        modify(SchemaType::Avro, &mut doc, &[], &remove).unwrap();
        assert!(doc.get(TAGS).is_none());
        let missing = modify(
            SchemaType::Avro,
            &mut doc,
            &[tags("does.not.exist", EntityType::Field, &["T"])],
            &[],
        );
        assert_eq!(
            missing.unwrap_err().to_string(),
            "No matching path 'does.not.exist' found in the schema"
        );
        // Hostile sizes stay linear: many tags on one entity, and a cap on entities.
        let many: Vec<String> = (0..200_000).map(|i| format!("T{i}")).collect();
        let big = SchemaTags {
            entity: SchemaEntity {
                entity_path: "myrecord".into(),
                entity_type: EntityType::Record,
            },
            tags: many.clone(),
        };
        let both = std::slice::from_ref(&big);
        modify(SchemaType::Avro, &mut doc, both, both).unwrap();
        assert!(doc.get(TAGS).is_none());
        let entities: Vec<SchemaTags> = (0..=MAX_ENTITIES)
            .map(|i| tags(&format!("r{i}"), EntityType::Record, &["T"]))
            .collect();
        assert_eq!(
            modify(SchemaType::Avro, &mut doc, &entities, &[]),
            Err(TagError::TooManyEntities(MAX_ENTITIES + 1))
        );
        assert!(find_tags(SchemaType::Avro, &doc, &many).is_empty());
    }

    #[test]
    fn json_paths_walk_objects_arrays_definitions_and_compositions() {
        let mut doc = json!({"type": "object", "properties": {
            "a": {"type": "object", "properties": {"b.c": {"type": "string"}}},
            "list": {"type": "array", "items": {"type": "object", "properties": {"x": {"type": "integer"}}}},
            "u": {"anyOf": [{"type": "string"}, {"type": "object", "properties": {"y": {}}}]}
        }, "$defs": {"D": {"type": "object", "properties": {"z": {}}}}});
        let add = [
            tags("object", EntityType::Record, &["ROOT"]),
            tags("object.a.object.b.c", EntityType::Field, &["DOTTED"]),
            tags("object.list.array.object.x", EntityType::Field, &["ITEM"]),
            tags("object.u.anyof.1.object.y", EntityType::Field, &["BRANCH"]),
            tags("object.$defs.D.object.z", EntityType::Field, &["DEF"]),
        ];
        modify(SchemaType::Json, &mut doc, &add, &[]).unwrap();
        assert_eq!(doc[TAGS], json!(["ROOT"]));
        assert_eq!(
            doc["properties"]["a"]["properties"]["b.c"][TAGS],
            json!(["DOTTED"])
        );
        assert_eq!(
            doc["properties"]["list"]["items"]["properties"]["x"][TAGS],
            json!(["ITEM"])
        );
        assert_eq!(
            doc["properties"]["u"]["anyOf"][1]["properties"]["y"][TAGS],
            json!(["BRANCH"])
        );
        assert_eq!(doc["$defs"]["D"]["properties"]["z"][TAGS], json!(["DEF"]));
        let mut found: Vec<String> = find_tags(SchemaType::Json, &doc, &["*".into()])
            .into_iter()
            .map(|t| t.entity.entity_path)
            .collect();
        found.sort();
        let mut paths: Vec<String> = add.iter().map(|t| t.entity.entity_path.clone()).collect();
        paths.sort();
        assert_eq!(found, paths, "findTags gives the paths tags are set by");
    }
}
