//! The `schema-registry` binary as a pipeline calls it: exit codes and output.

use std::path::PathBuf;
use std::process::{Command, Output};

fn write(dir: &tempfile::TempDir, name: &str, text: &str) -> PathBuf {
    let path = dir.path().join(name);
    std::fs::write(&path, text).expect("write");
    path
}

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_schema-registry"))
        .args(args)
        .output()
        .expect("runs")
}

const V1: &str = r#"{"type":"record","name":"R","fields":[{"name":"a","type":"int"}]}"#;
const V2_NO_DEFAULT: &str = r#"{"type":"record","name":"R","fields":[{"name":"a","type":"int"},{"name":"b","type":"string"}]}"#;
const V2_DEFAULT: &str = r#"{"type":"record","name":"R","fields":[{"name":"a","type":"int"},{"name":"b","type":"string","default":""}]}"#;

#[test]
fn compat_exit_codes_and_lines() {
    let dir = tempfile::tempdir().unwrap();
    let (v1, bad, good) = (
        write(&dir, "v1.avsc", V1),
        write(&dir, "bad.avsc", V2_NO_DEFAULT),
        write(&dir, "good.avsc", V2_DEFAULT),
    );
    let s = |p: &PathBuf| p.to_str().unwrap().to_owned();
    let out = run(&[
        "compat",
        "--type",
        "avro",
        "--level",
        "BACKWARD",
        "--new",
        &s(&good),
        "--existing",
        &s(&v1),
    ]);
    assert_eq!(out.status.code(), Some(0));
    let out = run(&[
        "compat",
        "--type",
        "avro",
        "--level",
        "backward",
        "--new",
        &s(&bad),
        "--existing",
        &s(&v1),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(stdout.lines().count(), 1, "{stdout}");
    assert!(
        stdout.starts_with("READER_FIELD_MISSING_DEFAULT_VALUE at /fields/1"),
        "{stdout}"
    );
    let out = run(&[
        "compat",
        "--type",
        "avro",
        "--level",
        "BACKWARD",
        "--new",
        &s(&bad),
        "--existing",
        &s(&v1),
        "--json",
    ]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["compatible"], false);
    assert_eq!(
        json["incompatibilities"][0]["kind"],
        "READER_FIELD_MISSING_DEFAULT_VALUE"
    );
    let broken = write(&dir, "broken.avsc", "{\"type\":\"record\"");
    let out = run(&[
        "compat",
        "--type",
        "avro",
        "--level",
        "BACKWARD",
        "--new",
        &s(&broken),
        "--existing",
        &s(&v1),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8(out.stderr)
            .unwrap()
            .contains("not a valid AVRO schema")
    );
    assert_eq!(
        run(&[
            "compat",
            "--type",
            "avro",
            "--level",
            "SIDEWAYS",
            "--new",
            &s(&v1)
        ])
        .status
        .code(),
        Some(2)
    );
}

#[test]
fn validate_reports_each_error_with_its_path() {
    let dir = tempfile::tempdir().unwrap();
    let schema = write(
        &dir,
        "s.json",
        r#"{"type":"object","properties":{"n":{"type":"integer"}},"required":["n"]}"#,
    );
    let good = write(&dir, "good.json", r#"{"n": 1}"#);
    let bad = write(&dir, "bad.json", r#"{"n": "x"}"#);
    let lines = write(&dir, "many.jsonl", "{\"n\": 1}\n{}\n");
    let s = |p: &PathBuf| p.to_str().unwrap().to_owned();
    assert_eq!(
        run(&[
            "validate",
            "--type",
            "json",
            "--schema",
            &s(&schema),
            &s(&good)
        ])
        .status
        .code(),
        Some(0)
    );
    let out = run(&[
        "validate",
        "--type",
        "json",
        "--schema",
        &s(&schema),
        &s(&good),
        &s(&bad),
        &s(&lines),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.contains("bad.json: /n: "), "{stdout}");
    assert!(stdout.contains("many.jsonl:2: /: "), "{stdout}");
    let out = run(&[
        "validate",
        "--type",
        "json",
        "--schema",
        &s(&schema),
        &s(&bad),
        "--json",
    ]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["results"][0]["errors"][0]["instancePath"], "/n");
    let missing = dir.path().join("missing.json");
    assert_eq!(
        run(&[
            "validate",
            "--type",
            "json",
            "--schema",
            &s(&schema),
            missing.to_str().unwrap()
        ])
        .status
        .code(),
        Some(2)
    );
    let not_schema = write(&dir, "ns.json", r#"{"type": 5}"#);
    assert_eq!(
        run(&[
            "validate",
            "--type",
            "json",
            "--schema",
            &s(&not_schema),
            &s(&good)
        ])
        .status
        .code(),
        Some(2)
    );
}

#[test]
fn validate_binary_avro_datums() {
    let dir = tempfile::tempdir().unwrap();
    let schema = write(&dir, "r.avsc", V2_DEFAULT);
    let codec = registry_core::avro::binary::AvroCodec::new(V2_DEFAULT, None).unwrap();
    let datum = codec
        .encode(&serde_json::json!({"a": 7, "b": "seven"}))
        .unwrap();
    let put = |name: &str, bytes: &[u8]| {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        path.to_str().unwrap().to_owned()
    };
    let good = put("good.bin", &datum);
    let truncated = put("short.bin", &datum[..datum.len() - 2]);
    let trailing = put("long.bin", &[datum.as_slice(), &[1, 2]].concat());
    let framed = put("framed.bin", &[&[0, 0, 0, 0, 9][..], &datum].concat());
    let schema = schema.to_str().unwrap();
    let validate = |extra: &[&str], file: &str| {
        let mut args = vec!["validate", "--type", "avro", "--schema", schema, "--binary"];
        args.extend_from_slice(extra);
        args.push(file);
        run(&args)
    };
    assert_eq!(validate(&[], &good).status.code(), Some(0));
    assert_eq!(validate(&["--framed"], &framed).status.code(), Some(0));
    for bad in [&truncated, &trailing] {
        let out = validate(&[], bad);
        assert_eq!(out.status.code(), Some(1), "{bad}");
        assert!(String::from_utf8_lossy(&out.stdout).contains(bad.as_str()));
    }
    let out = validate(&["--framed"], &good);
    assert_eq!(
        out.status.code(),
        Some(1),
        "an unframed datum is refused with --framed"
    );
}

#[test]
fn fingerprint_is_stable_across_formatting() {
    let dir = tempfile::tempdir().unwrap();
    let a = write(&dir, "a.avsc", V1);
    let b = write(
        &dir,
        "b.avsc",
        "{ \"fields\": [ {\"type\": \"int\", \"name\": \"a\"} ],\n  \"name\": \"R\", \"type\": \"record\" }",
    );
    let fp = |p: &PathBuf| {
        String::from_utf8(run(&["fingerprint", "--type", "avro", p.to_str().unwrap()]).stdout)
            .unwrap()
    };
    assert_eq!(fp(&a), fp(&b));
    assert_eq!(fp(&a).trim().len(), 64);
    let canonical = run(&[
        "fingerprint",
        "--type",
        "avro",
        "--canonical",
        a.to_str().unwrap(),
    ]);
    assert_eq!(
        String::from_utf8(canonical.stdout).unwrap().trim(),
        r#"{"fields":[{"name":"a","type":"int"}],"name":"R","type":"record"}"#
    );
    assert_eq!(
        run(&[
            "fingerprint",
            "--type",
            "json",
            dir.path().join("nope").to_str().unwrap()
        ])
        .status
        .code(),
        Some(2)
    );
}

#[test]
fn keys_create_list_revoke() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}/keys.db", dir.path().display());
    let keys = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_schema-registry"))
            .arg("keys")
            .args(args)
            .env("DATABASE_URL", &db)
            .output()
            .expect("runs")
    };
    let out = keys(&["create", "--role", "admin", "--name", "ops"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let key = String::from_utf8(out.stdout).unwrap().trim().to_owned();
    let id = key
        .strip_prefix("lsr_")
        .unwrap()
        .split('_')
        .next()
        .unwrap()
        .to_owned();
    let listed = String::from_utf8(keys(&["list"]).stdout).unwrap();
    assert_eq!(listed.trim(), format!("{id}\tadmin\tactive\tops"));
    assert!(
        !listed.contains(key.rsplit('_').next().unwrap()),
        "no secret listed"
    );
    assert_eq!(keys(&["revoke", &id]).status.code(), Some(0));
    assert_eq!(
        keys(&["revoke", &id]).status.code(),
        Some(1),
        "already revoked"
    );
    assert!(
        String::from_utf8(keys(&["list"]).stdout)
            .unwrap()
            .contains("\trevoked\t")
    );
    assert_eq!(
        keys(&["create", "--role", "root"]).status.code(),
        Some(2),
        "bad usage"
    );
}

#[test]
fn llm_lint_and_export_for_ci() {
    let dir = tempfile::tempdir().unwrap();
    let loose = write(
        &dir,
        "weather.json",
        r#"{"type":"object","properties":{"city":{"type":"string"},"tags":{"type":"object","additionalProperties":{"type":"string"}}}}"#,
    );
    let out = run(&[
        "llm",
        "lint",
        "--provider",
        "openai",
        loose.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["fits"], false);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("openai-strict: /properties/tags: an object with arbitrary keys"),
        "{stderr}"
    );
    // It cannot be exported for OpenAI (a map), but it can for Gemini.
    let out = run(&[
        "llm",
        "export",
        "--provider",
        "openai",
        loose.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let out = run(&[
        "llm",
        "export",
        "--provider",
        "gemini",
        "--as",
        "tool",
        loose.to_str().unwrap(),
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let fragment: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        fragment["functionDeclarations"][0]["name"], "weather",
        "named after the file"
    );
    let fits = write(
        &dir,
        "q.json",
        r#"{"type":"object","properties":{"q":{"type":"string","minLength":1}}}"#,
    );
    let out = run(&[
        "llm",
        "export",
        "--provider",
        "openai",
        "--as",
        "tool",
        "--name",
        "search",
        fits.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0));
    let fragment: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(fragment["function"]["name"], "search");
    assert_eq!(
        fragment["function"]["parameters"]["additionalProperties"],
        false
    );
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("warning: /properties/q: minLength moved into the description")
    );
    let out = run(&["llm", "lint", "--provider", "gpt-9", fits.to_str().unwrap()]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "clap refuses an unknown provider"
    );
}

#[test]
fn protobuf_with_imports_compat_validate_and_fingerprint() {
    let dir = tempfile::tempdir().unwrap();
    let s = |p: &PathBuf| p.to_str().unwrap().to_owned();
    let money = write(
        &dir,
        "money.proto",
        "syntax = \"proto3\"; package common; message Money { string currency = 1; int64 units = 2; }",
    );
    let v1_text = "syntax = \"proto3\";\npackage shop;\nimport \"common/money.proto\";\nmessage Order {\n  string id = 1;\n  int32 quantity = 2;\n  common.Money total = 3;\n}\n";
    let v1 = write(&dir, "v1.proto", v1_text);
    let bad = write(
        &dir,
        "bad.proto",
        &v1_text.replace("int32 quantity", "string quantity"),
    );
    let reference = format!("common/money.proto={}", s(&money));
    // Without the import supplied, the schema does not compile: bad input.
    let out = run(&["fingerprint", "--type", "protobuf", &s(&v1)]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("common/money.proto"));
    let out = run(&[
        "fingerprint",
        "--type",
        "protobuf",
        "--reference",
        &reference,
        &s(&v1),
    ]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(String::from_utf8(out.stdout).unwrap().trim().len(), 64);

    let out = run(&[
        "compat",
        "--type",
        "protobuf",
        "--level",
        "BACKWARD",
        "--new",
        &s(&bad),
        "--existing",
        &s(&v1),
        "--reference",
        &reference,
    ]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.starts_with("FIELD_SCALAR_KIND_CHANGED at #/Order/2"),
        "{stdout}"
    );

    let schema = s(&v1);
    let validate = |rest: &[&str]| {
        let args = [
            "validate",
            "--type",
            "protobuf",
            "--schema",
            &schema,
            "--reference",
            &reference,
        ];
        run(&[&args[..], rest].concat())
    };
    let good = write(
        &dir,
        "good.json",
        r#"{"id": "o1", "total": {"units": "3"}}"#,
    );
    let wrong = write(&dir, "wrong.json", r#"{"id": 5}"#);
    let out = validate(&[&s(&good), &s(&wrong)]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.contains("wrong.json: /id:"), "{stdout}");
    assert!(!stdout.contains("good.json"), "{stdout}");
    // Binary, framed as Kafka serializers write it: id 7, message index [0], then the message.
    let framed = dir.path().join("framed.bin");
    std::fs::write(
        &framed,
        [0, 0, 0, 0, 7, 0, 0x0a, 0x02, b'o', b'1', 0x10, 0x03],
    )
    .unwrap();
    let truncated = dir.path().join("truncated.bin");
    std::fs::write(&truncated, [0, 0, 0, 0, 7, 0, 0x0a, 0x09, b'o']).unwrap();
    let out = validate(&["--binary", "--framed", &s(&framed)]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let out = validate(&["--binary", "--framed", &s(&truncated)]);
    assert_eq!(out.status.code(), Some(1));
    let out = validate(&["--binary", "--message", "common.Money", &s(&framed)]);
    assert_eq!(out.status.code(), Some(1), "framing bytes are not a Money");
}

#[test]
fn codegen_writes_a_module_that_validates() {
    let dir = tempfile::tempdir().unwrap();
    let address = write(
        &dir,
        "address.json",
        r#"{"type":"object","required":["city"]}"#,
    );
    let schema = write(
        &dir,
        "person.json",
        r#"{"type":"object","properties":{"home":{"$ref":"address.json"}},"required":["home"]}"#,
    );
    let out = dir.path().join("person.mjs");
    let s = |p: &PathBuf| p.to_str().unwrap().to_owned();
    let done = run(&[
        "codegen",
        &s(&schema),
        "--reference",
        &format!("address.json={}", s(&address)),
        "--out",
        &s(&out),
    ]);
    assert_eq!(done.status.code(), Some(0), "{done:?}");
    let check = write(
        &dir,
        "check.mjs",
        "import { isValid, validate } from './person.mjs'\n\
         console.log(JSON.stringify([isValid({ home: { city: 'Oslo' } }), validate({ home: {} })]))\n",
    );
    let node = Command::new("node")
        .arg(&check)
        .output()
        .expect("node runs");
    assert!(node.status.success(), "{node:?}");
    let printed: serde_json::Value = serde_json::from_slice(&node.stdout).unwrap();
    assert_eq!(
        printed,
        serde_json::json!([true, [{"instancePath": "/home", "schemaPath": "/required", "message": "\"city\" is a required property"}]])
    );
    // Standard output without --out; what the generator cannot express is an error, exit 2.
    let stdout = run(&["codegen", &s(&address)]);
    assert_eq!(stdout.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&stdout.stdout).contains("export function validate"));
    let open = write(
        &dir,
        "open.json",
        r#"{"$schema":"https://json-schema.org/draft/2020-12/schema","unevaluatedProperties":false}"#,
    );
    let refused = run(&["codegen", &s(&open)]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("unevaluatedProperties"));
}
