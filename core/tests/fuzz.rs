//! Property-based fuzzing of core (cargo fuzz needs a nightly toolchain these machines cannot
//! install): generated schemas — well-formed, near-miss and junk — for parsing, canonical form
//! and fingerprints, compatibility at every level, validation, Avro binary decoding of
//! arbitrary bytes, and Protobuf texts (generated `.proto` files and near misses, base64 junk)
//! through compiling, printing, the diff and validation. The properties are "no panic" plus invariants (a canonical form re-parses to
//! the same fingerprint; `is_valid` agrees with the error list).
//!
//! Cases per property: `FUZZ_CASES` (default 256; `scripts/fuzz.sh` runs many more). A failing
//! case is shrunk and its seed saved in `tests/fuzz-regressions/seeds.txt`, which every later
//! run replays first; crashing inputs found are also kept as files in `tests/fuzz-regressions/`
//! and replayed by `regressions_do_not_panic`.

#![cfg(not(target_arch = "wasm32"))]

#[path = "common/js_runner.rs"]
mod js_runner;

use proptest::prelude::*;
use proptest::strategy::ValueTree;
use std::sync::atomic::{AtomicUsize, Ordering};

use proptest::test_runner::{Config, FileFailurePersistence, TestRunner};
use registry_core::avro::binary::AvroCodec;
use registry_core::{CompatibilityLevel, ParseOptions, Schema, SchemaType, Validator, compat};
use serde_json::{Map, Value, json};

fn config() -> Config {
    let cases = std::env::var("FUZZ_CASES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(256);
    Config {
        cases,
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(
            "tests/fuzz-regressions/seeds.txt",
        ))),
        ..Config::default()
    }
}

fn name() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("A".to_owned()),
        Just("B".to_owned()),
        Just("ns.C".to_owned()),
        Just("a".to_owned()),
        Just(String::new()),
        "[a-zA-Z_.0-9$-]{1,6}",
    ]
}

/// A JSON object member's name: a name, or one that JSON Pointer escapes in an instance path.
fn member() -> impl Strategy<Value = String> {
    prop_oneof![4 => name(), 1 => Just("a/~b".to_owned())]
}

/// Any JSON value, small.
fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        (-1e6f64..1e6).prop_map(|f| json!(f)),
        ".{0,8}".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 32, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::vec((member(), inner), 0..5)
                .prop_map(|kv| Value::Object(kv.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

/// Avro schemas: mostly well-formed, with the corner cases of names, defaults and unions.
fn avro_schema() -> impl Strategy<Value = Value> {
    let primitive = prop_oneof![
        Just(json!("null")),
        Just(json!("boolean")),
        Just(json!("int")),
        Just(json!("long")),
        Just(json!("float")),
        Just(json!("double")),
        Just(json!("bytes")),
        Just(json!("string")),
        Just(json!({"type": "int", "logicalType": "date"})),
        Just(json!({"type": "bytes", "logicalType": "decimal", "precision": 4, "scale": 2})),
        name().prop_map(Value::String),
    ];
    primitive.prop_recursive(4, 48, 5, |inner| {
        let field = (name(), inner.clone(), prop::option::of(any_json())).prop_map(|(n, t, d)| {
            let mut f = json!({"name": n, "type": t});
            if let Some(d) = d {
                f["default"] = d;
            }
            f
        });
        prop_oneof![
            (name(), prop::collection::vec(field, 0..4))
                .prop_map(|(n, fields)| json!({"type": "record", "name": n, "fields": fields})),
            (name(), prop::collection::vec(name(), 0..4))
                .prop_map(|(n, symbols)| json!({"type": "enum", "name": n, "symbols": symbols})),
            inner
                .clone()
                .prop_map(|t| json!({"type": "array", "items": t})),
            inner
                .clone()
                .prop_map(|t| json!({"type": "map", "values": t})),
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            (name(), 0u32..20)
                .prop_map(|(n, size)| json!({"type": "fixed", "name": n, "size": size})),
            (inner, any_json()).prop_map(|(t, junk)| json!({"type": t, "x-junk": junk})),
        ]
    })
}

/// JSON Schemas over the keywords that matter to compilation, validation and compatibility.
fn json_schema() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(json!(true)),
        Just(json!(false)),
        Just(json!({})),
        prop_oneof![
            Just("string"),
            Just("integer"),
            Just("number"),
            Just("object"),
            Just("array"),
            Just("boolean"),
            Just("null"),
            Just("nonsense")
        ]
        .prop_map(|t| json!({"type": t})),
        (0u64..10).prop_map(|n| json!({"minLength": n, "maxLength": n + 3})),
        (-5i64..5).prop_map(|n| json!({"minimum": n, "exclusiveMaximum": n + 10})),
        "[a-z^$*+?()\\[\\]{}|.\\\\]{0,6}".prop_map(|p| json!({"pattern": p})),
        prop_oneof![
            Just("#"),
            Just("#/definitions/a"),
            Just("#/$defs/b"),
            Just("other.json"),
            Just("#/nope")
        ]
        .prop_map(|r| json!({"$ref": r})),
        any_json().prop_map(|v| json!({"const": v})),
        prop::collection::vec(any_json(), 0..3).prop_map(|v| json!({"enum": v})),
        prop_oneof![
            Just("email"),
            Just("date-time"),
            Just("uri"),
            Just("ipv4"),
            Just("regex")
        ]
        .prop_map(|f| json!({"type": "string", "format": f})),
        prop_oneof![
            Just(json!(2)),
            Just(json!(0.5)),
            Just(json!(0.01)),
            Just(json!(7))
        ]
        .prop_map(|m| json!({"multipleOf": m})),
        (0u64..4).prop_map(|n| json!({"minItems": n, "maxItems": n + 1, "uniqueItems": true})),
        (0u64..4).prop_map(|n| json!({"minProperties": n, "maxProperties": n + 2})),
        Just(json!({"dependentRequired": {"a": ["B"]}, "dependencies": {"A": ["a", "B"]}})),
    ];
    let schema = leaf.prop_recursive(4, 48, 5, |inner| {
        prop_oneof![
            prop::collection::vec((member(), inner.clone()), 0..4).prop_map(|props| {
                let required: Vec<_> = props.iter().map(|(n, _)| n.clone()).collect();
                json!({"type": "object", "properties": props.into_iter().collect::<Map<_, _>>(), "required": required})
            }),
            inner.clone().prop_map(|s| json!({"type": "array", "items": s})),
            inner.clone().prop_map(|s| json!({"additionalProperties": s})),
            prop::collection::vec(inner.clone(), 1..4).prop_map(|v| json!({"anyOf": v})),
            prop::collection::vec(inner.clone(), 1..4).prop_map(|v| json!({"oneOf": v})),
            prop::collection::vec(inner.clone(), 1..4).prop_map(|v| json!({"allOf": v})),
            inner.clone().prop_map(|s| json!({"not": s})),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| json!({"definitions": {"a": a}, "$defs": {"b": b}, "$ref": "#/definitions/a"})),
            (inner.clone(), inner.clone(), inner.clone()).prop_map(|(a, b, c)| json!({"if": a, "then": b, "else": c})),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| json!({"properties": {"a": a}, "patternProperties": {"^[A-Z]": b}, "additionalProperties": false, "required": ["a"]})),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| json!({"items": [a, b], "additionalItems": false, "prefixItems": [b]})),
            (inner.clone(), 0u64..3).prop_map(|(a, n)| json!({"contains": a, "minContains": n, "maxContains": n + 1})),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| json!({"propertyNames": a, "dependencies": {"a": b}, "dependentSchemas": {"B": b}})),
            (inner.clone(), inner).prop_map(|(a, b)| json!({"type": "object", "properties": {"a": a, "B": b}, "additionalProperties": b})),
        ]
    });
    let draft = prop_oneof![
        Just(None),
        Just(Some("http://json-schema.org/draft-04/schema#")),
        Just(Some("http://json-schema.org/draft-06/schema#")),
        Just(Some("http://json-schema.org/draft-07/schema#")),
        Just(Some("https://json-schema.org/draft/2019-09/schema")),
        Just(Some("https://json-schema.org/draft/2020-12/schema")),
        Just(Some("https://example.invalid/custom")),
    ];
    (schema, draft).prop_map(|(mut s, d)| {
        if let (Some(d), Some(o)) = (d, s.as_object_mut()) {
            o.insert("$schema".into(), json!(d));
        }
        s
    })
}

/// A `.proto` file: messages with scalar, message, enum, map, repeated and oneof fields, nested
/// types, enums; numbers may clash and names may be bad (near misses the compiler refuses).
fn proto_schema() -> impl Strategy<Value = String> {
    let scalar = prop_oneof![
        Just("int32"),
        Just("int64"),
        Just("uint32"),
        Just("sint64"),
        Just("bool"),
        Just("string"),
        Just("bytes"),
        Just("double"),
        Just("fixed32"),
        Just("sfixed64"),
    ];
    let ty = prop_oneof![
        3 => scalar.prop_map(str::to_owned),
        1 => Just("E".to_owned()),
        1 => Just("M0".to_owned()),
        1 => Just(".p.M1".to_owned()),
        1 => Just("map<string, M0>".to_owned()),
        1 => Just("google.protobuf.Timestamp".to_owned()),
        1 => "[A-Za-z.]{1,5}",
    ];
    let label = prop_oneof![Just(""), Just("repeated "), Just("optional ")];
    let field = (label, ty, "[a-z][a-z_]{0,4}", 0u32..30, any::<bool>());
    let message = (
        prop::collection::vec(field, 0..6),
        any::<bool>(),
        any::<bool>(),
    );
    (
        any::<bool>(),
        prop::collection::vec(message, 1..4),
        prop::collection::vec(("[A-Z]{1,3}", 0i32..10), 0..4),
    )
        .prop_map(|(proto3, messages, values)| {
            use std::fmt::Write;
            let mut out = String::new();
            out.push_str(if proto3 {
                "syntax = \"proto3\";\n"
            } else {
                "syntax = \"proto2\";\n"
            });
            out.push_str("package p;\nimport \"google/protobuf/timestamp.proto\";\n");
            out.push_str("enum E {\n  Z = 0;\n");
            for (i, (name, n)) in values.into_iter().enumerate() {
                let n = if n == 0 { 0 } else { i as i32 + 1 };
                let _ = writeln!(out, "  {name}{i} = {n};");
            }
            out.push_str("}\n");
            for (i, (fields, oneof, nested)) in messages.into_iter().enumerate() {
                let _ = writeln!(out, "message M{i} {{");
                if nested {
                    let label = if proto3 { "" } else { "optional " };
                    let _ = writeln!(out, "  message N {{ {label}int32 x = 1; }}");
                }
                // Mostly distinct names and numbers; a random number 0 or 1 may clash.
                let number = |i: usize, n: u32| if n > 1 { i as u32 + 1 } else { n };
                let (inside, outside): (Vec<_>, Vec<_>) = fields
                    .into_iter()
                    .partition(|f| oneof && f.4 && !f.1.starts_with("map<"));
                for (j, (label, ty, name, n, _)) in outside.into_iter().enumerate() {
                    let label = match (proto3, label, ty.starts_with("map<")) {
                        (_, _, true) => "",
                        (false, "", false) => "optional ",
                        (_, label, false) => label,
                    };
                    let number = number(j, n);
                    let _ = writeln!(out, "  {label}{ty} {name}{j} = {number};");
                }
                if !inside.is_empty() {
                    out.push_str("  oneof choice {\n");
                    for (j, (_, ty, name, n, _)) in inside.into_iter().enumerate() {
                        let number = number(j + 100, n);
                        let _ = writeln!(out, "    {ty} {name}_o{j} = {number};");
                    }
                    out.push_str("  }\n");
                }
                out.push_str("}\n");
            }
            out
        })
}

fn parse(ty: SchemaType, text: &str, normalize: bool) -> Option<Schema> {
    Schema::parse(
        ty,
        text,
        &[],
        ParseOptions {
            normalize,
            ..ParseOptions::default()
        },
    )
    .ok()
}

/// Everything core does with one schema text; panics only if core does. True when the text
/// was a valid schema.
fn exercise(ty: SchemaType, text: &str, datum: &Value) -> bool {
    let Some(schema) = parse(ty, text, false) else {
        return false;
    };
    // The stored text re-parses to the same identity.
    let again = parse(ty, &schema.text, false).expect("the stored text of a valid schema parses");
    assert_eq!(
        again.fingerprint, schema.fingerprint,
        "fingerprint of {text}"
    );
    let _ = parse(ty, text, true);
    if let Some(avro) = schema.model_as::<registry_core::avro::AvroModel>() {
        let pcf = registry_core::avro::canonical::parsing_canonical_form(&avro.schema);
        let _ = registry_core::avro::canonical::crc64_fingerprint(&avro.schema);
        let reparsed = parse(ty, &pcf, false).expect("the canonical form parses");
        if let Some(r) = reparsed.model_as::<registry_core::avro::AvroModel>() {
            assert_eq!(
                registry_core::avro::canonical::parsing_canonical_form(&r.schema),
                pcf,
                "PCF is a fixed point"
            );
        }
    }
    if let Some(proto) = schema.model_as::<registry_core::protobuf::ProtobufModel>() {
        let printed = registry_core::protobuf::print::print(&proto.file);
        let reparsed = parse(ty, &printed, false).expect("the printed text compiles");
        assert_eq!(reparsed.fingerprint, schema.fingerprint, "printed {text}");
        let serialized = parse(ty, &proto.serialized(), false).expect("the descriptor parses");
        assert_eq!(
            serialized.fingerprint, schema.fingerprint,
            "serialized {text}"
        );
    }
    if let Ok(v) = Validator::compile(&schema) {
        assert_eq!(
            v.is_valid(datum),
            v.validate(datum).is_empty(),
            "{text} on {datum}"
        );
    }
    true
}

/// Runs `check` on `cases` generated inputs; prints how many ran and how many `check` found
/// meaningful (a schema that parsed, a pair that could be compared).
fn run<S: Strategy>(name: &str, strategy: S, check: impl Fn(S::Value) -> bool) {
    let mut runner = TestRunner::new(config());
    let (ran, meaningful) = (AtomicUsize::new(0), AtomicUsize::new(0));
    let outcome = runner.run(&strategy, |value| {
        if check(value) {
            meaningful.fetch_add(1, Ordering::Relaxed);
        }
        ran.fetch_add(1, Ordering::Relaxed);
        Ok(())
    });
    eprintln!(
        "fuzz {name}: {} inputs without a panic, {} of them valid schemas",
        ran.load(Ordering::Relaxed),
        meaningful.load(Ordering::Relaxed)
    );
    if let Err(e) = outcome {
        panic!("{name}: {e}");
    }
}

#[test]
fn arbitrary_text_never_panics() {
    run(
        "arbitrary text",
        (".{0,64}", any_json()),
        |(text, datum)| {
            let a = exercise(SchemaType::Avro, &text, &datum);
            exercise(SchemaType::Json, &text, &datum) || a
        },
    );
}

#[test]
fn avro_schemas() {
    run(
        "avro schemas",
        (avro_schema(), any_json()),
        |(schema, datum)| exercise(SchemaType::Avro, &schema.to_string(), &datum),
    );
}

#[test]
fn json_schemas() {
    run(
        "json schemas",
        (json_schema(), any_json()),
        |(schema, datum)| exercise(SchemaType::Json, &schema.to_string(), &datum),
    );
}

#[test]
fn avro_compatibility() {
    run(
        "avro compatibility",
        (avro_schema(), avro_schema(), avro_schema()),
        |(a, b, c)| {
            let parsed: Vec<Schema> = [a, b, c]
                .iter()
                .filter_map(|s| parse(SchemaType::Avro, &s.to_string(), false))
                .collect();
            let Some((new, existing)) = parsed.split_first() else {
                return false;
            };
            let existing: Vec<&Schema> = existing.iter().collect();
            for level in CompatibilityLevel::ALL {
                let Ok(report) = compat::check(level, new, &existing) else {
                    continue;
                };
                assert_eq!(report.compatible, report.incompatibilities.is_empty());
            }
            !existing.is_empty()
        },
    );
}

#[test]
fn json_compatibility() {
    run(
        "json compatibility",
        (json_schema(), json_schema()),
        |(a, b)| {
            let (Some(a), Some(b)) = (
                parse(SchemaType::Json, &a.to_string(), false),
                parse(SchemaType::Json, &b.to_string(), false),
            ) else {
                return false;
            };
            for level in CompatibilityLevel::ALL {
                let Ok(report) = compat::check(level, &a, &[&b]) else {
                    continue;
                };
                assert_eq!(report.compatible, report.incompatibilities.is_empty());
            }
            true
        },
    );
}

#[test]
fn protobuf_schemas_and_compatibility() {
    run(
        "protobuf schemas",
        (proto_schema(), proto_schema(), any_json()),
        |(a, b, datum)| {
            let valid = exercise(SchemaType::Protobuf, &a, &datum);
            let (Some(a), Some(b)) = (
                parse(SchemaType::Protobuf, &a, false),
                parse(SchemaType::Protobuf, &b, false),
            ) else {
                return valid;
            };
            for level in CompatibilityLevel::ALL {
                let Ok(report) = compat::check(level, &a, &[&b]) else {
                    continue;
                };
                assert_eq!(report.compatible, report.incompatibilities.is_empty());
            }
            assert!(
                compat::check(CompatibilityLevel::Full, &a, &[&a])
                    .unwrap()
                    .compatible
            );
            true
        },
    );
}

#[test]
fn protobuf_junk_and_binary_payloads() {
    let bytes = prop::collection::vec(any::<u8>(), 0..48);
    run(
        "protobuf junk",
        (".{0,64}", bytes, proto_schema()),
        |(text, bytes, schema)| {
            use base64::Engine;
            let encoded = base64::engine::general_purpose::STANDARD.encode(&bytes);
            let a = exercise(SchemaType::Protobuf, &text, &json!({}));
            let b = exercise(SchemaType::Protobuf, &encoded, &json!({}));
            if let Some(s) = parse(SchemaType::Protobuf, &schema, false)
                && let Ok(v) = Validator::compile(&s)
            {
                let _ = v.validate(&json!({"$message": "M0", "$binary": encoded}));
            }
            a || b
        },
    );
}

#[test]
fn avro_binary_decoding() {
    let bytes = prop::collection::vec(any::<u8>(), 0..64);
    run(
        "avro binary decoding",
        (avro_schema(), avro_schema(), bytes),
        |(w, r, bytes)| {
            let (w, r) = (w.to_string(), r.to_string());
            let mut any = false;
            if let Ok(codec) = AvroCodec::new(&w, None) {
                let _ = codec.decode(&bytes);
                any = true;
            }
            if let Ok(codec) = AvroCodec::new(&w, Some(&r)) {
                let _ = codec.decode(&bytes);
            }
            any
        },
    );
}

/// Every input kept in `tests/fuzz-regressions/` (crashers found so far) goes through all of
/// core as both schema types.
#[test]
fn regressions_do_not_panic() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz-regressions");
    let mut replayed = 0;
    for entry in std::fs::read_dir(&dir).expect("regressions folder") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "json") {
            let text = std::fs::read_to_string(&path).expect("read");
            for datum in [json!(null), json!({"a": [1, "x"]}), json!("s")] {
                exercise(SchemaType::Avro, &text, &datum);
                exercise(SchemaType::Json, &text, &datum);
            }
            if let Ok(codec) = AvroCodec::new(&text, None) {
                for bytes in [&[][..], &[2, 0, 1, 2, 3][..], &[255; 16][..]] {
                    let _ = codec.decode(bytes);
                }
            }
            replayed += 1;
        }
    }
    assert!(replayed > 0, "the regressions folder holds inputs");
}

const NUMBERS: [&str; 6] = [
    "[0.000001, 5e-6, 1e-7, 1.5e-5, 1e20, 1e21]",
    "{\"a\": 18446744073709551615, \"B\": -18446744073709551616, \"\": 123.0}",
    "[36893488147419103232, 1e300, -0.0, 0.1, 9007199254740993]",
    "{\"a\": [5e-6], \"ns.C\": {\"B\": 1e19}}",
    "0.0000025",
    "100000000000000000000",
];

/// The generated JavaScript validators against the registry's on generated schemas and data:
/// same verdicts, same error lists. A module that does not load (a pattern JavaScript's `RegExp`
/// refuses; the npm package then keeps the wasm validator) is counted, not compared.
#[test]
fn generated_javascript_matches_the_validator() {
    let mut runner = TestRunner::deterministic();
    let mut batches = Vec::new();
    let mut validators = Vec::new();
    let (mut schemas, mut refused) = (0, 0);
    let data = prop::collection::vec(any_json(), 8);
    for _ in 0..config().cases {
        let schema = json_schema().new_tree(&mut runner).expect("tree").current();
        let Some(parsed) = parse(SchemaType::Json, &schema.to_string(), false) else {
            continue;
        };
        schemas += 1;
        let model = parsed
            .model_as::<registry_core::json::JsonModel>()
            .expect("a JSON Schema");
        let Ok(module) = model.javascript() else {
            refused += 1;
            continue;
        };
        let mut datums: Vec<String> = data
            .new_tree(&mut runner)
            .expect("tree")
            .current()
            .iter()
            .map(ToString::to_string)
            .collect();
        // Numbers JavaScript and the registry print differently unless the generated code
        // takes care: past 2^64, between 1e-6 and 1e-5, exponents.
        datums.extend(NUMBERS.iter().map(|n| (*n).to_owned()));
        batches.push(js_runner::Batch {
            module,
            data: datums,
        });
        validators.push((schema, parsed.model.validator().expect("compiles")));
    }
    let results = js_runner::run_in_node("codegen-fuzz", &batches);
    let (mut compared, mut unloaded, mut differences) = (0, 0, Vec::new());
    for ((schema, validator), result) in validators.iter().zip(results) {
        let Ok(cases) = result else {
            unloaded += 1;
            continue;
        };
        for case in &cases {
            compared += 1;
            if let Err(why) = js_runner::compare(validator.as_ref(), case) {
                differences.push(format!("{schema}: {why}"));
            }
        }
    }
    eprintln!(
        "fuzz generated JS: {schemas} valid schemas, {refused} refused by the generator, \
         {unloaded} modules not loaded, {compared} data compared, {} differences",
        differences.len()
    );
    assert!(compared > 0, "some data was compared");
    assert!(differences.is_empty(), "{}", differences.join("\n"));
}
