//! The drafts' meta-schemas compiled to JavaScript, against the registry's validator of the
//! same meta-schema: every schema of the JSON-Schema-Test-Suite, and every datum of it taken as
//! a would-be schema, must get the same verdict and the same error list from both. A page
//! without the registry's validator checks that a schema is a schema with these.

use std::collections::BTreeSet;

use registry_core::json::codegen::{Form, meta_schema_document, meta_schema_validator};
use registry_core::json::{ReferenceSet, compile};
use serde_json::Value;

use crate::SetResult;
use crate::js_runner::{Batch, compare, run_in_node};
use crate::json_suite::{DRAFTS, files};

pub fn run() -> Vec<SetResult> {
    let root = crate::data_dir().join("json-schema-test-suite/tests");
    let mut candidates = BTreeSet::new();
    for (name, _) in DRAFTS {
        for path in files(&root.join(name)) {
            let text = std::fs::read_to_string(&path).expect("read");
            let suite: Vec<Value> = serde_json::from_str(&text).expect("json");
            for group in &suite {
                candidates.insert(group["schema"].to_string());
                for test in group["tests"].as_array().into_iter().flatten() {
                    candidates.insert(test["data"].to_string());
                }
            }
        }
    }
    let candidates: Vec<String> = candidates.into_iter().collect();
    let mut validators = Vec::new();
    let mut batches = Vec::new();
    for (name, draft) in DRAFTS {
        let module = meta_schema_validator(draft, Form::Module)
            .unwrap_or_else(|why| panic!("the {name} meta-schema does not generate: {why}"));
        let document = meta_schema_document(draft);
        let validator = compile(document, Some(draft), &ReferenceSet::new(), false)
            .unwrap_or_else(|e| panic!("the {name} meta-schema does not compile: {e}"));
        validators.push((name, validator));
        batches.push(Batch {
            module,
            data: candidates.clone(),
        });
    }
    let results = run_in_node("codegen-meta", &batches);
    let mut sets = Vec::new();
    for ((name, validator), result) in validators.iter().zip(results) {
        let mut set = SetResult::new(&format!("generated JS meta-schema {name}"));
        let cases = result.unwrap_or_else(|load| panic!("the {name} meta-schema module: {load}"));
        for (candidate, case) in candidates.iter().zip(&cases) {
            let shown: String = candidate.chars().take(120).collect();
            set.record(format!("meta {name}: {shown}"), compare(validator, case));
        }
        sets.push(set);
    }
    sets
}
