//! Schema tag cases, from `RestApiRegisterSchemaTagsTest` (the Avro ones; tag edits of Protobuf
//! schemas are not built: their tags live in `confluent.field_meta` options).

use serde_json::{Value, json};

use super::*;

const TAGGED: &str =
    r#"{"type":"record","name":"myrecord","fields":[{"name":"f1","type":"string"}]}"#;

fn entity(path: &str, ty: &str, tags: &[&str]) -> Value {
    json!({"entity": {"entityPath": path, "entityType": ty}, "tags": tags})
}

fn tag(subject: &str, version: &str, body: Value, expect: Expect) -> Step {
    post(
        &format!("/subjects/{subject}/versions/{version}/tags"),
        body,
        expect,
    )
}

fn with_tags(tags: &str) -> Value {
    let text = format!(
        r#"{{"type":"record","name":"myrecord","fields":[{{"name":"f1","type":"string"}}],"confluent:tags":{tags}}}"#
    );
    json!(text)
}

fn rule(name: &str, mode: Option<&str>, tag: &str) -> Value {
    let mut r = json!({"name": name, "type": "fooType", "tags": [tag], "onFailure": "NONE", "disabled": false});
    if let Some(mode) = mode {
        r["mode"] = json!(mode);
    }
    r
}

/// The basic add-then-remove case, with or without `newVersion`.
fn add_then_remove(subject: &str, numbered: bool) -> Vec<Step> {
    let version = |n: i64| if numbered { json!(n) } else { Value::Null };
    let mut add = json!({"tagsToAdd": [entity("myrecord", "SR_RECORD", &["TAG1", "TAG2"])]});
    let mut remove = json!({"tagsToRemove": [entity("myrecord", "SR_RECORD", &["TAG2"])]});
    if numbered {
        add["newVersion"] = version(2);
        remove["newVersion"] = version(3);
    }
    let latest = format!("/subjects/{subject}/versions/latest");
    vec![
        post(
            &format!("/subjects/{subject}/versions"),
            schema(TAGGED),
            Expect::At("/id", json!(1)),
        ),
        tag(subject, "latest", add, Expect::At("/id", json!(2))),
        get(
            &latest,
            Expect::At("/schema", with_tags(r#"["TAG1","TAG2"]"#)),
        ),
        get(&latest, Expect::At("/version", json!(2))),
        get(
            &latest,
            Expect::At("/metadata/properties/confluent:version", json!("2")),
        ),
        tag(subject, "latest", remove, Expect::At("/id", json!(3))),
        get(&latest, Expect::At("/schema", with_tags(r#"["TAG1"]"#))),
        get(&latest, Expect::At("/version", json!(3))),
        get(
            &latest,
            Expect::At("/metadata/properties/confluent:version", json!("3")),
        ),
    ]
}

pub fn cases() -> Vec<Case> {
    use Expect::{At, Error};
    let case = |upstream, steps| Case {
        upstream,
        differs: None,
        steps,
    };
    let add_tag1 = |v: i64| json!({"newVersion": v, "tagsToAdd": [entity("myrecord", "SR_RECORD", &["TAG1"])]});
    let merge1 = json!({
        "migrationRules": [rule("myMigrationRule", Some("UPGRADE"), "PII"), rule("myMigrationRule2", Some("UPGRADE"), "PII")],
        "domainRules": [rule("myRule", None, "PII"), rule("myRule2", None, "PII"), rule("myRule3", None, "PII")]});
    let merge2 = json!({
        "migrationRules": [rule("myMigrationRule3", Some("UPGRADE"), "PII2")],
        "domainRules": [rule("myRule5", None, "PII2"), rule("myRule4", None, "PII2"), rule("myRule2", None, "PII2")]});
    let expected_rules = json!({
        "migrationRules": [rule("myMigrationRule", Some("UPGRADE"), "PII"), rule("myMigrationRule3", Some("UPGRADE"), "PII2")],
        "domainRules": [rule("myRule3", None, "PII"), rule("myRule5", None, "PII2"), rule("myRule4", None, "PII2"), rule("myRule2", None, "PII2")]});
    vec![
        case("testRegisterSchemaTagsBasic", add_then_remove("test", true)),
        case(
            "testRegisterSchemaWithoutNewVersionInput",
            add_then_remove("test", false),
        ),
        case(
            "testRegisterSchemaTagsInDiffContext",
            add_then_remove(":.ctx:testSubject", true),
        ),
        case(
            "testRegisterSchemaTagsWithInvalidSchema",
            vec![
                tag("non-exist", "1", add_tag1(2), Error(404, 40401)),
                reg("test", TAGGED, 1),
                tag("test", "2", add_tag1(2), Error(404, 40402)),
                // `-1` is `latest`, upstream too: the edit is made.
                tag("test", "-1", add_tag1(2), At("/version", json!(2))),
                tag("test", "1", add_tag1(1), Error(422, 42201)),
                tag("test", "x", add_tag1(3), Error(422, 42202)),
            ],
        ),
        case(
            "testRegisterSchemaTagsWithInvalidTags",
            vec![
                reg("test", TAGGED, 1),
                tag(
                    "test",
                    "1",
                    json!({"newVersion": 2, "tagsToAdd": [entity("does.not.exist", "SR_FIELD", &["TAG1"])]}),
                    Error(422, 42201),
                ),
            ],
        ),
        case(
            "testRegisterSchemaTagsIncrementalRuleSet",
            vec![
                reg("test", TAGGED, 1),
                tag(
                    "test",
                    "latest",
                    json!({"newVersion": 2, "rulesToMerge": merge1, "rulesToRemove": ["myRule4"]}),
                    At("/ruleSet", merge1.clone()),
                ),
                get(
                    "/subjects/test/versions/latest",
                    At("/metadata/properties/confluent:version", json!("2")),
                ),
                tag(
                    "test",
                    "latest",
                    json!({"newVersion": 3, "rulesToMerge": merge2, "rulesToRemove": ["myRule", "myMigrationRule2"]}),
                    At("/ruleSet", expected_rules.clone()),
                ),
                get("/subjects/test/versions/latest", At("/version", json!(3))),
                get(
                    "/subjects/test/versions/latest",
                    At("/ruleSet", expected_rules),
                ),
            ],
        ),
    ]
}
