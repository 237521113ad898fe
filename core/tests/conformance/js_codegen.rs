//! The generated JavaScript validators against the registry's own, case by case: every group
//! of the JSON-Schema-Test-Suite (required and optional) whose schema the generator accepts is
//! compiled to a module, run by Node on each test's data, and must give the same verdict and
//! the same error list (instance path, schema path, message) as the Rust validator on the same
//! value. Formats are annotations, as in the registry.
//!
//! The data is handed to both as JavaScript sees it (`JSON.stringify(JSON.parse(text))`), which
//! is what the npm package gives its wasm validator.

use registry_core::json::codegen::generate;
use registry_core::json::compile;
use serde_json::Value;

use crate::SetResult;
use crate::js_runner::{Batch, compare, run_in_node};
use crate::json_suite::{DRAFTS, files, remotes};

struct Group {
    validator: registry_core::json::JsonValidator,
    tests: Vec<String>,
    optional: bool,
    draft: usize,
}

pub fn run() -> Vec<SetResult> {
    let refs = remotes();
    let root = crate::data_dir().join("json-schema-test-suite/tests");
    let mut groups = Vec::new();
    let mut batches = Vec::new();
    let mut refused = std::collections::BTreeMap::<String, usize>::new();
    let mut schemas = [0_usize; 2];
    for (d, (name, draft)) in DRAFTS.iter().enumerate() {
        for path in files(&root.join(name)) {
            let optional = path.components().any(|c| c.as_os_str() == "optional");
            let file = path
                .strip_prefix(&root)
                .expect("under root")
                .to_string_lossy()
                .into_owned();
            let text = std::fs::read_to_string(&path).expect("read");
            let suite: Vec<Value> = serde_json::from_str(&text).expect("json");
            for group in &suite {
                let schema = &group["schema"];
                let forced = schema.get("$schema").is_none().then_some(*draft);
                let Ok(validator) = compile(schema, forced, &refs, false) else {
                    continue;
                };
                schemas[usize::from(optional)] += 1;
                let module = match generate(schema, Some(*draft), &refs) {
                    Ok(module) => module,
                    Err(why) => {
                        *refused.entry(why.reason).or_default() += 1;
                        continue;
                    }
                };
                let tests: Vec<String> = group["tests"]
                    .as_array()
                    .expect("tests")
                    .iter()
                    .map(|t| t["data"].to_string())
                    .collect();
                batches.push(Batch {
                    module,
                    data: tests,
                });
                let descriptions = group["tests"]
                    .as_array()
                    .expect("tests")
                    .iter()
                    .map(|t| {
                        format!(
                            "js {file}: {} / {}",
                            group["description"].as_str().unwrap_or(""),
                            t["description"].as_str().unwrap_or("")
                        )
                    })
                    .collect();
                groups.push(Group {
                    validator,
                    tests: descriptions,
                    optional,
                    draft: d,
                });
            }
        }
    }
    let results = run_in_node("codegen-suite", &batches);
    let mut sets: Vec<SetResult> = DRAFTS
        .iter()
        .flat_map(|(name, _)| {
            let required = SetResult::new(&format!("generated JS {name}"));
            let optional = SetResult::new(&format!("generated JS {name} optional"));
            [required, optional]
        })
        .collect();
    for (group, result) in groups.iter().zip(&results) {
        let set = &mut sets[group.draft * 2 + usize::from(group.optional)];
        match result {
            Err(load) => {
                for id in &group.tests {
                    set.record(id.clone(), Err(format!("module did not load: {load}")));
                }
            }
            Ok(cases) => {
                for (id, case) in group.tests.iter().zip(cases) {
                    set.record(id.clone(), compare(&group.validator, case));
                }
            }
        }
    }
    let generated: usize = groups.len();
    let total = schemas[0] + schemas[1];
    println!(
        "\ngenerated JS validators: {generated} of {total} suite schemas ({} required, {} optional); refused:",
        schemas[0], schemas[1]
    );
    for (reason, n) in &refused {
        println!("  {n:>4}  {reason}");
    }
    // The generator must cover the suite, not refuse its way to a clean run.
    assert!(
        generated * 100 >= total * 80,
        "the generator refused too many schemas ({generated} of {total})"
    );
    sets
}
