//! The core's validation and compatibility conformance cases, run on `wasm32-unknown-unknown`
//! (under Node, by wasm-bindgen-test): the same code paths the edge and the npm package use.
//! The data is compiled in, since a wasm module has no file system.
#![cfg(target_arch = "wasm32")]

#[path = "conformance/compat_cases.rs"]
mod compat_cases;
#[path = "conformance/json_suite.rs"]
#[allow(dead_code)]
mod json_suite;
#[path = "conformance/resolution.rs"]
mod resolution;

use wasm_bindgen_test::wasm_bindgen_test;

#[path = "conformance/set_result.rs"]
mod set_result;
pub use set_result::SetResult;

pub fn data_dir() -> std::path::PathBuf {
    unreachable!("no file system on wasm32: data comes from load_text")
}

pub fn load_text(rel: &str) -> String {
    match rel {
        "apache-avro/compat-cases.json" => {
            include_str!("../../tests/data/apache-avro/compat-cases.json")
        }
        "karapace/avro-compat-cases.json" => {
            include_str!("../../tests/data/karapace/avro-compat-cases.json")
        }
        "karapace/jsonschema-compat-cases.json" => {
            include_str!("../../tests/data/karapace/jsonschema-compat-cases.json")
        }
        other => panic!("{other} is not compiled into the wasm tests"),
    }
    .to_owned()
}

fn assert_all_pass(set: &SetResult) {
    assert!(set.total > 0, "{}: no cases ran", set.name);
    assert!(
        set.failures.is_empty(),
        "{}: {} of {} failed: {:?}",
        set.name,
        set.failures.len(),
        set.total,
        set.failures.first()
    );
}

#[wasm_bindgen_test]
fn compatibility_cases() {
    for set in compat_cases::run() {
        assert_all_pass(&set);
    }
}

#[wasm_bindgen_test]
fn avro_binary_resolution() {
    assert_all_pass(&resolution::run());
}

macro_rules! suite_files {
    ($draft:literal, $($file:literal),+) => {
        [$(($draft, $file, include_str!(concat!("../../tests/data/json-schema-test-suite/tests/", $draft, "/", $file)))),+]
    };
}

#[wasm_bindgen_test]
fn json_schema_suite_sample() {
    use registry_core::json::Draft;
    let refs = registry_core::json::ReferenceSet::new();
    let mut set = SetResult::new("json-schema-test-suite sample (wasm32)");
    let files = suite_files!(
        "draft7",
        "type.json",
        "properties.json",
        "required.json",
        "ref.json",
        "allOf.json",
        "anyOf.json",
        "oneOf.json",
        "enum.json",
        "items.json",
        "additionalProperties.json",
        "pattern.json",
        "if-then-else.json"
    );
    for (draft, file, text) in files {
        json_suite::run_text(
            &mut set,
            &format!("{draft}/{file}"),
            text,
            Draft::Draft7,
            &refs,
            false,
        );
    }
    let files = suite_files!(
        "draft2020-12",
        "type.json",
        "properties.json",
        "prefixItems.json",
        "unevaluatedProperties.json",
        "unevaluatedItems.json",
        "const.json",
        "defs.json",
        "dependentRequired.json"
    );
    for (draft, file, text) in files {
        json_suite::run_text(
            &mut set,
            &format!("{draft}/{file}"),
            text,
            Draft::Draft202012,
            &refs,
            false,
        );
    }
    assert_all_pass(&set);
}
