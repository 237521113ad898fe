//! Registration, lookup, compatibility, references and settings cases.

use serde_json::json;

use super::*;

pub fn cases() -> Vec<Case> {
    use Expect::{At, Body, Error, Status};
    let case = |upstream, steps| Case {
        upstream,
        differs: None,
        steps,
    };
    let referrer_body = json!({"schema": REFERRER,
        "references": [{"name": "otherns.Subrecord", "subject": "reference", "version": 1}]});
    vec![
        case(
            "testBasic",
            vec![
                get("/subjects/testTopic1/versions", Error(404, 40401)),
                get("/contexts", Body(json!(["."]))),
                get("/subjects", Body(json!([]))),
                reg("testTopic1", &rec(1), 1),
                reg("testTopic1", &rec(2), 2),
                reg("testTopic1", &rec(1), 1),
                reg("testTopic2", &rec(3), 3),
                get("/subjects/testTopic1/versions", Body(json!([1, 2]))),
                get("/subjects", Body(json!(["testTopic1", "testTopic2"]))),
                get("/schemas?latestOnly=true", At("/0/version", json!(2))),
                get("/schemas?latestOnly=true", At("/1/version", json!(1))),
            ],
        ),
        case(
            "testRegisterSameSchemaOnDifferentSubject",
            vec![reg("subject1", &rec(1), 1), reg("subject2", &rec(1), 1)],
        ),
        case(
            "testRegisterBadDefault",
            vec![
                post(
                    "/compatibility/subjects/testSubject/versions/latest",
                    schema(
                        r#"{"type":"record","name":"myrecord","fields":[{"type":"string","default":null,"name":"f"}]}"#,
                    ),
                    Error(422, 42201),
                ),
                post(
                    "/subjects/testSubject/versions",
                    schema(
                        r#"{"type":"record","name":"myrecord","fields":[{"type":"string","default":null,"name":"f"}]}"#,
                    ),
                    Error(422, 42201),
                ),
            ],
        ),
        case(
            "testRegisterDiffSchemaType",
            vec![
                level(Some("testSubject"), "NONE"),
                reg("testSubject", &rec(1), 1),
                post(
                    "/compatibility/subjects/testSubject/versions/latest",
                    json!({"schema": r#"{"type":"object"}"#, "schemaType": "JSON"}),
                    At("/is_compatible", json!(true)),
                ),
                post(
                    "/subjects/testSubject/versions",
                    json!({"schema": r#"{"type":"object"}"#, "schemaType": "JSON"}),
                    At("/id", json!(2)),
                ),
            ],
        ),
        Case {
            upstream: "testRegisterDiffContext",
            differs: None,
            steps: vec![
                reg("testSubject", &rec(1), 1),
                // Each context counts its own ids from 1.
                reg(":.ctx:testSubject", &rec(2), 1),
                get("/subjects?subjectPrefix=", Body(json!(["testSubject"]))),
                get(
                    "/subjects?subjectPrefix=:.ctx:",
                    Body(json!([":.ctx:testSubject"])),
                ),
                get(
                    "/schemas?subjectPrefix=:.ctx:",
                    At("/0/schema", json!(rec(2))),
                ),
            ],
        },
        case(
            "testImportDifferentSchemaOnSameID",
            vec![
                put("/mode", json!({"mode": "IMPORT"}), Status(200)),
                post(
                    "/subjects/subject1/versions",
                    json!({"schema": rec(1), "id": 1, "version": 1}),
                    At("/id", json!(1)),
                ),
                post(
                    "/subjects/subject1/versions",
                    json!({"schema": rec(2), "id": 1, "version": 2}),
                    Error(422, 42205),
                ),
                post(
                    "/subjects/subject2/versions",
                    json!({"schema": rec(2), "id": 1, "version": 1}),
                    Error(422, 42205),
                ),
            ],
        ),
        case(
            "testCompatibleSchemaLookupBySubject",
            vec![
                level(Some("testSubject"), "NONE"),
                reg("testSubject", &rec(1), 1),
                compatible(
                    "/compatibility/subjects/testSubject/versions/latest",
                    &rec(1),
                    true,
                ),
                compatible(
                    "/compatibility/subjects/testSubject/versions/latest",
                    &rec(2),
                    true,
                ),
                get("/subjects/testSubject/versions", Body(json!([1]))),
            ],
        ),
        case(
            "testIncompatibleSchemaLookupBySubject",
            vec![
                level(Some("testSubject"), "FULL"),
                reg("testSubject", STRING_F, 1),
                post(
                    "/subjects/testSubject",
                    schema(STRING_F),
                    At("/version", json!(1)),
                ),
                compatible(
                    "/compatibility/subjects/testSubject/versions/1",
                    INT_F,
                    false,
                ),
            ],
        ),
        case(
            "testIncompatibleSchemaBySubject",
            vec![
                reg(
                    "testSubject",
                    r#"{"type":"record","name":"myrecord","fields":[{"type":"string","name":"f1"},{"type":"string","name":"f2"}]}"#,
                    1,
                ),
                reg(
                    "testSubject",
                    r#"{"type":"record","name":"myrecord","fields":[{"type":"string","name":"f1"}]}"#,
                    2,
                ),
                level(Some("testSubject"), "FORWARD_TRANSITIVE"),
                compatible(
                    "/compatibility/subjects/testSubject/versions/latest",
                    r#"{"type":"record","name":"myrecord","fields":[{"type":"string","name":"f1"},{"type":"string","name":"f3"}]}"#,
                    true,
                ),
                compatible(
                    "/compatibility/subjects/testSubject/versions",
                    r#"{"type":"record","name":"myrecord","fields":[{"type":"string","name":"f1"},{"type":"string","name":"f3"}]}"#,
                    false,
                ),
                post(
                    "/subjects/testSubject/versions",
                    schema(
                        r#"{"type":"record","name":"myrecord","fields":[{"type":"string","name":"f1"},{"type":"string","name":"f3"}]}"#,
                    ),
                    Error(409, 40901),
                ),
            ],
        ),
        case(
            "testSchemaRegistrationUnderDiffSubjects",
            vec![
                level(Some("testSubject1"), "NONE"),
                level(Some("testSubject2"), "NONE"),
                reg("testSubject1", STRING_F, 1),
                post(
                    "/subjects/testSubject1",
                    schema(STRING_F),
                    At("/version", json!(1)),
                ),
                reg(
                    "testSubject1",
                    r#"{"type":"record","name":"myrecord","fields":[{"type":"int","name":"foo"}]}"#,
                    2,
                ),
                reg(
                    "testSubject2",
                    r#"{"type":"record","name":"myrecord","fields":[{"type":"int","name":"foo"}]}"#,
                    2,
                ),
                post(
                    "/subjects/testSubject2",
                    schema(
                        r#"{"type":"record","name":"myrecord","fields":[{"type":"int","name":"foo"}]}"#,
                    ),
                    At("/version", json!(1)),
                ),
            ],
        ),
        case(
            "testConfigDefaults",
            vec![
                get("/config", At("/compatibilityLevel", json!("NONE"))),
                level(None, "FORWARD"),
                get("/config", At("/compatibilityLevel", json!("FORWARD"))),
            ],
        ),
        case(
            "testNonExistentSubjectConfigChange",
            vec![
                level(Some("testSubject"), "FORWARD"),
                get(
                    "/config/testSubject",
                    At("/compatibilityLevel", json!("FORWARD")),
                ),
            ],
        ),
        case(
            "testSubjectConfigChange",
            vec![
                level(Some("testSubject"), "FORWARD"),
                get("/config", At("/compatibilityLevel", json!("NONE"))),
                get(
                    "/config/testSubject",
                    At("/compatibilityLevel", json!("FORWARD")),
                ),
                del("/config/testSubject", Status(200)),
                get(
                    "/config/testSubject?defaultToGlobal=true",
                    At("/compatibilityLevel", json!("NONE")),
                ),
            ],
        ),
        case(
            "testGetSchemaNonExistingId",
            vec![get("/schemas/ids/100", Error(404, 40403))],
        ),
        case(
            "testGetSchemaWithFetchMaxId",
            vec![
                reg("subject", &rec(1), 1),
                reg("subject", &rec(2), 2),
                reg("subject", &rec(3), 3),
                get("/schemas/ids/1?fetchMaxId=true", At("/maxId", json!(3))),
            ],
        ),
        case(
            "testGetSchemaTypes",
            vec![get(
                "/schemas/types",
                Body(json!(["JSON", "PROTOBUF", "AVRO"])),
            )],
        ),
        case(
            "testListVersionsNonExistingSubject",
            vec![get("/subjects/Invalid/versions", Error(404, 40401))],
        ),
        case(
            "testGetVersionNonExistentSubject",
            vec![get(
                "/subjects/non-existing-subject/versions/1",
                Error(404, 40401),
            )],
        ),
        case(
            "testGetNonExistingVersion",
            vec![
                reg("test", &rec(1), 1),
                get("/subjects/test/versions/200", Error(404, 40402)),
            ],
        ),
        case(
            "testGetInvalidVersion",
            vec![
                reg("test", &rec(1), 1),
                get("/subjects/test/versions/0", Error(422, 42202)),
            ],
        ),
        case(
            "testRegisterInvalidSubject",
            vec![post(
                "/subjects/%0Dbad%0Asubject%09/versions",
                schema(&rec(1)),
                Error(422, 42208),
            )],
        ),
        case(
            "testGetVersion / testGetLatestVersionSchemaOnly / testGetVersionSchemaOnly",
            vec![
                reg("test", &rec(1), 1),
                reg("test", &rec(2), 2),
                get("/subjects/test/versions/1", At("/schema", json!(rec(1)))),
                get(
                    "/subjects/test/versions/latest",
                    At("/schema", json!(rec(2))),
                ),
                get(
                    "/subjects/test/versions/latest/schema",
                    Body(serde_json::from_str(&rec(2)).unwrap()),
                ),
                get(
                    "/subjects/test/versions/1/schema",
                    Body(serde_json::from_str(&rec(1)).unwrap()),
                ),
            ],
        ),
        case(
            "testSchemaReferences",
            vec![
                reg("reference", SUBRECORD, 1),
                post(
                    "/subjects/referrer/versions",
                    referrer_body.clone(),
                    At("/id", json!(2)),
                ),
                get(
                    "/schemas/ids/2",
                    At("/references/0/subject", json!("reference")),
                ),
                get(
                    "/subjects/reference/versions/1/referencedby",
                    Body(json!([2])),
                ),
                del("/subjects/reference/versions/1", Error(422, 42206)),
                del("/subjects/referrer/versions/1", Body(json!(1))),
                get(
                    "/subjects/reference/versions/1/referencedby",
                    Body(json!([])),
                ),
                del("/subjects/reference/versions/1", Body(json!(1))),
            ],
        ),
        case(
            "testSchemaMissingReferences",
            vec![post(
                "/subjects/referrer/versions",
                json!({"schema": REFERRER, "references": []}),
                Error(422, 42201),
            )],
        ),
        case(
            "testBad",
            vec![
                get("/subjects", Body(json!([]))),
                post(
                    "/subjects/testTopic1/versions",
                    schema(r#"{"type":"bad-schema"}"#),
                    Error(422, 42201),
                ),
                post(
                    "/subjects/testTopic1/versions",
                    json!({"schema": rec(1), "references": [{"name": "bad", "subject": "bad", "version": 100}]}),
                    Error(422, 42201),
                ),
                get("/subjects", Body(json!([]))),
            ],
        ),
        case(
            "testLookUpSchemaUnderNonExistentSubject",
            vec![post(
                "/subjects/non-existent-subject",
                schema(&rec(1)),
                Error(404, 40401),
            )],
        ),
        case(
            "testLookUpNonExistentSchemaUnderSubject",
            vec![
                reg("test", &rec(1), 1),
                level(Some("test"), "NONE"),
                post("/subjects/test", schema(&rec(2)), Error(404, 40403)),
            ],
        ),
        case(
            "testGetSubjectsAssociatedWithSchemaId / testGetVersionsAssociatedWithSchemaId",
            vec![
                reg("testTopic1", &rec(1), 1),
                reg("testTopic2", &rec(1), 1),
                get(
                    "/schemas/ids/1/subjects",
                    Body(json!(["testTopic1", "testTopic2"])),
                ),
                del("/subjects/testTopic2/versions/1", Body(json!(1))),
                get("/schemas/ids/1/subjects", Body(json!(["testTopic1"]))),
                get(
                    "/schemas/ids/1/subjects?deleted=true",
                    Body(json!(["testTopic1", "testTopic2"])),
                ),
                get(
                    "/schemas/ids/1/versions",
                    Body(json!([{"subject": "testTopic1", "version": 1}])),
                ),
                get(
                    "/schemas/ids/1/versions?deleted=true",
                    Body(json!([
                {"subject": "testTopic1", "version": 1}, {"subject": "testTopic2", "version": 1}])),
                ),
            ],
        ),
        case(
            "testGetSubjectsAssociatedWithNotFoundSchemaId",
            vec![get("/schemas/ids/1/subjects", Error(404, 40403))],
        ),
        case(
            "testCompatibilityNonExistentSubject",
            vec![
                compatible(
                    "/compatibility/subjects/non-existent-subject/versions/latest",
                    &rec(1),
                    true,
                ),
                compatible(
                    "/compatibility/subjects/non-existent-subject/versions",
                    &rec(1),
                    true,
                ),
            ],
        ),
        case(
            "testCompatibilityNonExistentVersion",
            vec![
                reg("test", &rec(1), 1),
                post(
                    "/compatibility/subjects/test/versions/100",
                    schema(&rec(1)),
                    Error(404, 40402),
                ),
            ],
        ),
        case(
            "testCompatibilityInvalidVersion",
            vec![
                reg("test", &rec(1), 1),
                post(
                    "/compatibility/subjects/test/versions/earliest",
                    schema(&rec(1)),
                    Error(422, 42202),
                ),
            ],
        ),
        case(
            "testGetConfigNonExistentSubject",
            vec![get("/config/non-existent-subject", Error(404, 40408))],
        ),
        case(
            "testCanonicalization",
            vec![
                reg("test", r#"{   "type":   "string"}"#, 1),
                reg("test", r#"{   "type":   "string"}"#, 1),
                post(
                    "/subjects/test",
                    schema(r#"{   "type":   "string"}"#),
                    At("/id", json!(1)),
                ),
            ],
        ),
    ]
}
