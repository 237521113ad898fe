//! A subject's (or the registry's) configuration beyond the compatibility level, with
//! Confluent's fields and their semantics: `normalize` by default, `alias` for reads,
//! `compatibilityGroup` to check only the versions of one group, and default and override
//! metadata and rule sets merged into every new version.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// The configuration fields other than the compatibility level (all optional; unset fields
/// are omitted, as Confluent omits them).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConfigFields {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alias: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub normalize: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub validate_fields: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub validate_rules: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compatibility_group: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compatibility_policy: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_metadata: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub override_metadata: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_rule_set: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub override_rule_set: Option<Value>,
    /// An extension: the LLM profiles (`openai-strict`, ...) every new version must fit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub llm_profiles: Option<Vec<String>>,
}

impl ConfigFields {
    /// Whether no field is set.
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }

    /// `self` with every field `update` sets replaced (an update sends only what it changes).
    #[must_use]
    pub fn updated_with(&self, update: &Self) -> Self {
        fn pick<T: Clone>(new: Option<&T>, old: Option<&T>) -> Option<T> {
            new.or(old).cloned()
        }
        Self {
            alias: pick(update.alias.as_ref(), self.alias.as_ref()),
            normalize: pick(update.normalize.as_ref(), self.normalize.as_ref()),
            validate_fields: pick(
                update.validate_fields.as_ref(),
                self.validate_fields.as_ref(),
            ),
            validate_rules: pick(update.validate_rules.as_ref(), self.validate_rules.as_ref()),
            compatibility_group: pick(
                update.compatibility_group.as_ref(),
                self.compatibility_group.as_ref(),
            ),
            compatibility_policy: pick(
                update.compatibility_policy.as_ref(),
                self.compatibility_policy.as_ref(),
            ),
            default_metadata: pick(
                update.default_metadata.as_ref(),
                self.default_metadata.as_ref(),
            ),
            override_metadata: pick(
                update.override_metadata.as_ref(),
                self.override_metadata.as_ref(),
            ),
            default_rule_set: pick(
                update.default_rule_set.as_ref(),
                self.default_rule_set.as_ref(),
            ),
            llm_profiles: pick(update.llm_profiles.as_ref(), self.llm_profiles.as_ref()),
            override_rule_set: pick(
                update.override_rule_set.as_ref(),
                self.override_rule_set.as_ref(),
            ),
        }
    }

    /// The fields in force for a subject: its own, then the global ones for those it lacks.
    #[must_use]
    pub fn over(&self, global: &Self) -> Self {
        global.updated_with(self)
    }

    /// Reads the stored JSON (none or malformed: no fields).
    pub fn from_stored(stored: Option<&str>) -> Self {
        stored
            .and_then(|s| serde_json::from_str(s).ok())
            .unwrap_or_default()
    }

    /// The JSON to store (`None` when no field is set).
    pub fn to_stored(&self) -> Option<String> {
        (!self.is_empty()).then(|| serde_json::to_string(self).expect("config serialises"))
    }

    /// The metadata a new version gets: the configured default, then the version's own (or
    /// the previous version's when it gives none), then the configured override.
    pub fn merged_metadata(&self, own: Option<&Value>, previous: Option<&Value>) -> Option<Value> {
        let specific = own.or(previous);
        merge_all(
            [
                self.default_metadata.as_ref(),
                specific,
                self.override_metadata.as_ref(),
            ],
            merge_metadata,
        )
    }

    /// The rule set a new version gets, merged the same way.
    pub fn merged_rule_set(&self, own: Option<&Value>, previous: Option<&Value>) -> Option<Value> {
        let specific = own.or(previous);
        merge_all(
            [
                self.default_rule_set.as_ref(),
                specific,
                self.override_rule_set.as_ref(),
            ],
            merge_rule_set,
        )
    }
}

fn merge_all(parts: [Option<&Value>; 3], merge: fn(&Value, &Value) -> Value) -> Option<Value> {
    parts.into_iter().flatten().fold(None, |acc, next| {
        Some(match acc {
            None => next.clone(),
            Some(acc) => merge(&acc, next),
        })
    })
}

/// Metadata merged as Confluent merges it: `tags` (path → tags) united per path,
/// `properties` with the later value winning, `sensitive` united.
pub fn merge_metadata(base: &Value, over: &Value) -> Value {
    let mut out = Map::new();
    let mut tags: Map<String, Value> = base
        .get("tags")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    if let Some(Value::Object(more)) = over.get("tags") {
        for (path, list) in more {
            let mut united: Vec<Value> = tags
                .get(path)
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            for tag in list.as_array().into_iter().flatten() {
                if !united.contains(tag) {
                    united.push(tag.clone());
                }
            }
            tags.insert(path.clone(), Value::Array(united));
        }
    }
    if !tags.is_empty() {
        out.insert("tags".into(), Value::Object(tags));
    }
    let mut properties: Map<String, Value> = base
        .get("properties")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    if let Some(Value::Object(more)) = over.get("properties") {
        properties.extend(more.clone());
    }
    if !properties.is_empty() {
        out.insert("properties".into(), Value::Object(properties));
    }
    let mut sensitive: Vec<Value> = base
        .get("sensitive")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    for s in over
        .get("sensitive")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        if !sensitive.contains(s) {
            sensitive.push(s.clone());
        }
    }
    if !sensitive.is_empty() {
        out.insert("sensitive".into(), Value::Array(sensitive));
    }
    Value::Object(out)
}

/// Rule sets merged as Confluent merges them (`RuleSet.mergeRuleSets`): each list of rules
/// (`migrationRules`, `domainRules`, `encodingRules`) is the base's rules without those the
/// later one names, then the later one's rules in order; other fields the later wins.
pub fn merge_rule_set(base: &Value, over: &Value) -> Value {
    let mut out = base.as_object().cloned().unwrap_or_default();
    for (key, value) in over.as_object().into_iter().flatten() {
        if RULE_LISTS.contains(&key.as_str()) {
            let newer = value.as_array().map(Vec::as_slice).unwrap_or_default();
            let names: Vec<Option<&Value>> = newer.iter().map(|r| r.get("name")).collect();
            let mut merged: Vec<Value> = out
                .get(key)
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter(|r| r.get("name").is_none() || !names.contains(&r.get("name")))
                .cloned()
                .collect();
            merged.extend(newer.iter().cloned());
            out.insert(key.clone(), Value::Array(merged));
        } else {
            out.insert(key.clone(), value.clone());
        }
    }
    Value::Object(out)
}

/// The lists of rules in a rule set.
pub const RULE_LISTS: [&str; 3] = ["migrationRules", "domainRules", "encodingRules"];

/// `rule_set` without the rules named in `names`, from every list.
pub fn without_rules(rule_set: &Value, names: &[String]) -> Value {
    let mut out = rule_set.clone();
    for list in RULE_LISTS {
        if let Some(rules) = out.get_mut(list).and_then(Value::as_array_mut) {
            rules.retain(|r| {
                !r.get("name")
                    .and_then(Value::as_str)
                    .is_some_and(|n| names.iter().any(|x| x == n))
            });
        }
    }
    out
}

/// Whether a version with `metadata` is in the compatibility group `value` of property
/// `group` (a version without the property is in the group of no value).
pub fn in_group(metadata: Option<&Value>, group: &str, value: Option<&str>) -> bool {
    group_value(metadata, group).as_deref() == value
}

/// The value of the group property in `metadata`.
pub fn group_value(metadata: Option<&Value>, group: &str) -> Option<String> {
    metadata?
        .get("properties")?
        .get(group)?
        .as_str()
        .map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn updates_change_only_what_they_send() {
        let old = ConfigFields {
            normalize: Some(true),
            alias: Some("a".into()),
            ..ConfigFields::default()
        };
        let update = ConfigFields {
            alias: Some("b".into()),
            ..ConfigFields::default()
        };
        let new = old.updated_with(&update);
        assert_eq!(new.normalize, Some(true));
        assert_eq!(new.alias.as_deref(), Some("b"));
        assert_eq!(
            serde_json::to_value(&new).unwrap(),
            json!({"alias": "b", "normalize": true})
        );
    }

    #[test]
    fn metadata_merges_default_own_override() {
        let config = ConfigFields {
            default_metadata: Some(json!({"properties": {"owner": "team-a", "tier": "1"}})),
            override_metadata: Some(json!({"properties": {"tier": "0"}, "sensitive": ["ssn"]})),
            ..ConfigFields::default()
        };
        let own = json!({"properties": {"owner": "team-b"}, "tags": {"$.a": ["PII"]}});
        assert_eq!(
            config.merged_metadata(Some(&own), None),
            Some(json!({
                "tags": {"$.a": ["PII"]},
                "properties": {"owner": "team-b", "tier": "0"},
                "sensitive": ["ssn"]
            }))
        );
        // Without its own, a version carries the previous version's.
        let previous = json!({"properties": {"owner": "team-c"}});
        assert_eq!(
            config.merged_metadata(None, Some(&previous)).unwrap()["properties"]["owner"],
            "team-c"
        );
        assert_eq!(ConfigFields::default().merged_metadata(None, None), None);
    }

    #[test]
    fn rule_sets_merge_by_rule_name() {
        let base = json!({"domainRules": [{"name": "a", "expr": "1"}, {"name": "b", "expr": "2"}]});
        let over = json!({"domainRules": [{"name": "b", "expr": "3"}, {"name": "c", "expr": "4"}]});
        assert_eq!(
            merge_rule_set(&base, &over),
            json!({"domainRules": [
                {"name": "a", "expr": "1"}, {"name": "b", "expr": "3"}, {"name": "c", "expr": "4"}
            ]})
        );
        // As Confluent: a rule the later set names moves to the later set's place.
        let over = json!({"domainRules": [{"name": "a", "expr": "5"}]});
        assert_eq!(
            merge_rule_set(&base, &over),
            json!({"domainRules": [{"name": "b", "expr": "2"}, {"name": "a", "expr": "5"}]})
        );
        let removed = without_rules(&base, &["a".to_owned()]);
        assert_eq!(
            removed,
            json!({"domainRules": [{"name": "b", "expr": "2"}]})
        );
    }

    #[test]
    fn groups_are_read_from_metadata_properties() {
        let v1 = json!({"properties": {"major": "1"}});
        assert!(in_group(Some(&v1), "major", Some("1")));
        assert!(!in_group(Some(&v1), "major", Some("2")));
        assert!(in_group(None, "major", None));
    }
}
