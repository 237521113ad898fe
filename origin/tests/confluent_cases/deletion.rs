//! Deletion, listing after deletes, metadata and mode cases.

use serde_json::json;

use super::*;

pub fn cases() -> Vec<Case> {
    use Expect::{At, Body, Error, Status};
    let case = |upstream, steps| Case {
        upstream,
        differs: None,
        steps,
    };
    vec![
        case(
            "testDeleteSchemaVersionBasic",
            vec![
                reg("test", &rec(1), 1),
                reg("test", &rec(2), 2),
                del("/subjects/test/versions/2", Body(json!(2))),
                get("/subjects/test/versions", Body(json!([1]))),
                get("/subjects/test/versions/2", Error(404, 40402)),
                post("/subjects/test", schema(&rec(2)), Error(404, 40403)),
                del("/subjects/test/versions/latest", Body(json!(1))),
                get("/subjects/test/versions", Error(404, 40401)),
                reg("test", &rec(1), 1),
                reg("test", &rec(1), 1),
                get("/subjects/test/versions", Body(json!([3]))),
            ],
        ),
        Case {
            upstream: "testDeleteSchemaVersionPermanent",
            differs: Some(
                "version numbers are never reused: after v2 is deleted for good, the next is 3, not 2",
            ),
            steps: vec![
                reg("test", &rec(1), 1),
                reg("test", &rec(2), 2),
                del(
                    "/subjects/test/versions/2?permanent=true",
                    Error(404, 40407),
                ),
                del("/subjects/test/versions/2", Body(json!(2))),
                get("/subjects/test/versions", Body(json!([1]))),
                get("/subjects/test/versions?deleted=true", Body(json!([1, 2]))),
                del("/subjects/test/versions/2", Error(404, 40406)),
                get("/subjects/test/versions/2", Error(404, 40402)),
                get(
                    "/subjects/test/versions/2?deleted=true",
                    At("/version", json!(2)),
                ),
                post("/subjects/test", schema(&rec(2)), Error(404, 40403)),
                del("/subjects/test/versions/2?permanent=true", Body(json!(2))),
                get("/subjects/test/versions/2?deleted=true", Error(404, 40402)),
                del(
                    "/subjects/test/versions/2?permanent=true",
                    Error(404, 40402),
                ),
                del("/subjects/test/versions/latest", Body(json!(1))),
                get("/subjects/test/versions", Error(404, 40401)),
                reg("test", &rec(1), 1),
                reg("test", &rec(1), 1),
                get("/subjects/test/versions", Body(json!([3]))),
            ],
        },
        case(
            "testDeleteSchemaVersionInvalidSubject",
            vec![del("/subjects/test/versions/1", Error(404, 40401))],
        ),
        case(
            "testDeleteLatestVersion",
            vec![
                reg("test", &rec(1), 1),
                reg("test", &rec(2), 2),
                del("/subjects/test/versions/latest", Body(json!(2))),
                get(
                    "/subjects/test/versions/latest",
                    At("/schema", json!(rec(1))),
                ),
                del("/subjects/test/versions/latest", Body(json!(1))),
                get("/subjects/test/versions/latest", Error(404, 40401)),
                reg("test", &rec(3), 3),
                get(
                    "/subjects/test/versions/latest",
                    At("/schema", json!(rec(3))),
                ),
            ],
        ),
        case(
            "testGetLatestVersionNonExistentSubject",
            vec![get(
                "/subjects/non_existent_subject/versions/latest",
                Error(404, 40401),
            )],
        ),
        case(
            "testGetLatestVersionDeleteOlder",
            vec![
                reg("test", &rec(1), 1),
                reg("test", &rec(2), 2),
                del("/subjects/test/versions/1", Body(json!(1))),
                get(
                    "/subjects/test/versions/latest",
                    At("/schema", json!(rec(2))),
                ),
            ],
        ),
        case(
            "testDeleteInvalidVersion",
            vec![
                reg("test", &rec(1), 1),
                del("/subjects/test/versions/2", Error(404, 40402)),
            ],
        ),
        case(
            "testDeleteWithLookup",
            vec![
                reg("test", &rec(1), 1),
                reg("test", &rec(2), 2),
                del("/subjects/test/versions/1", Body(json!(1))),
                post(
                    "/subjects/test?deleted=false",
                    schema(&rec(1)),
                    Error(404, 40403),
                ),
                post(
                    "/subjects/test?deleted=true",
                    schema(&rec(1)),
                    At("/version", json!(1)),
                ),
                reg("test", &rec(1), 1),
                post(
                    "/subjects/test?deleted=true",
                    schema(&rec(1)),
                    At("/version", json!(3)),
                ),
                post("/subjects/test", schema(&rec(1)), At("/version", json!(3))),
            ],
        ),
        case(
            "testIncompatibleSchemaLookupBySubjectAfterDelete",
            vec![
                level(Some("testSubject"), "BACKWARD"),
                reg("testSubject", STRING_F, 1),
                compatible(
                    "/compatibility/subjects/testSubject/versions/latest",
                    F_G_STRING,
                    true,
                ),
                reg("testSubject", F_G_STRING, 2),
                compatible(
                    "/compatibility/subjects/testSubject/versions/latest",
                    F_G_INT,
                    false,
                ),
                post(
                    "/subjects/testSubject/versions",
                    schema(F_G_INT),
                    Error(409, 40901),
                ),
                del("/subjects/testSubject/versions/latest", Body(json!(2))),
                compatible(
                    "/compatibility/subjects/testSubject/versions/latest",
                    F_G_INT,
                    true,
                ),
                reg("testSubject", F_G_INT, 3),
                post(
                    "/subjects/testSubject",
                    schema(F_G_INT),
                    At("/version", json!(3)),
                ),
            ],
        ),
        case(
            "testSubjectCompatibilityAfterDeletingAllVersions / testSubjectCompatibilityAfterDeletingSubject",
            vec![
                level(None, "FULL"),
                level(Some("testSubject"), "BACKWARD"),
                reg("testSubject", STRING_F, 1),
                reg("testSubject", F_G_STRING, 2),
                del("/subjects/testSubject/versions/1", Body(json!(1))),
                get(
                    "/config/testSubject",
                    At("/compatibilityLevel", json!("BACKWARD")),
                ),
                get("/config", At("/compatibilityLevel", json!("FULL"))),
                del("/subjects/testSubject", Body(json!([2]))),
                get("/config", At("/compatibilityLevel", json!("FULL"))),
            ],
        ),
        case(
            "testListSubjects",
            vec![
                reg("test1", &rec(1), 1),
                reg("test2", &rec(2), 2),
                get("/subjects", Body(json!(["test1", "test2"]))),
                del("/subjects/test2", Body(json!([1]))),
                get("/subjects", Body(json!(["test1"]))),
                get("/subjects?deleted=true", Body(json!(["test1", "test2"]))),
                del("/subjects/test2?permanent=true", Body(json!([1]))),
                get("/subjects", Body(json!(["test1"]))),
            ],
        ),
        case(
            "testDeleteSubjectBasic / testDeleteSubjectException",
            vec![
                reg("test", &rec(1), 1),
                reg("test", &rec(2), 2),
                del("/subjects/test", Body(json!([1, 2]))),
                get("/subjects/test/versions/latest", Error(404, 40401)),
                post(
                    "/subjects/test?deleted=true",
                    schema(&rec(1)),
                    At("/version", json!(1)),
                ),
                post(
                    "/subjects/test?deleted=true",
                    schema(&rec(2)),
                    At("/version", json!(2)),
                ),
                del("/subjects/test", Error(404, 40404)),
            ],
        ),
        case(
            "testDeleteSubjectPermanent",
            vec![
                reg("test", &rec(1), 1),
                reg("test", &rec(2), 2),
                del("/subjects/test?permanent=true", Error(404, 40405)),
                del("/subjects/test", Body(json!([1, 2]))),
                del("/subjects/test?permanent=true", Body(json!([1, 2]))),
                post("/subjects/test", schema(&rec(1)), Error(404, 40401)),
                post(
                    "/subjects/test?deleted=true",
                    schema(&rec(1)),
                    Error(404, 40401),
                ),
            ],
        ),
        case(
            "testDeleteSubjectAndRegister",
            vec![
                reg("test", &rec(1), 1),
                reg("test", &rec(2), 2),
                del("/subjects/test", Body(json!([1, 2]))),
                reg("test", &rec(1), 1),
                reg("test", &rec(2), 2),
                get("/subjects/test/versions", Body(json!([3, 4]))),
                get("/subjects/test/versions/1", Error(404, 40402)),
            ],
        ),
        case(
            "testGetClusterId",
            vec![
                get("/v1/metadata/id", At("/id", json!(""))),
                get("/v1/metadata/id", At("/scope/path", json!([]))),
            ],
        ),
        case(
            "testGlobalMode",
            vec![
                get("/mode", At("/mode", json!("READWRITE"))),
                reg("testSubject", &rec(1), 1),
                get("/mode/testSubject", Error(404, 40409)),
                get(
                    "/mode/testSubject?defaultToGlobal=true",
                    At("/mode", json!("READWRITE")),
                ),
                put("/mode", json!({"mode": "READONLY"}), Status(200)),
                put(
                    "/mode/testSubject",
                    json!({"mode": "READWRITE"}),
                    Status(200),
                ),
                get("/mode/testSubject", At("/mode", json!("READWRITE"))),
                del("/mode/testSubject", Status(200)),
                get(
                    "/mode/testSubject?defaultToGlobal=true",
                    At("/mode", json!("READONLY")),
                ),
                put("/mode", json!({"mode": "READONLY_OVERRIDE"}), Status(200)),
                get("/mode/testSubject", At("/mode", json!("READONLY_OVERRIDE"))),
                post(
                    "/subjects/testSubject2/versions",
                    schema(&rec(1)),
                    Error(422, 42205),
                ),
            ],
        ),
    ]
}
