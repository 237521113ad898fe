//! Runs generated JavaScript validators in Node, many modules in one process: each module with
//! its data (JSON texts), answering per datum the value as JavaScript sees it
//! (`JSON.stringify(JSON.parse(text))`), `isValid` and `validate`.

use std::process::Command;

use registry_core::format::DatumValidator;
use serde_json::{Value, json};

const RUNNER: &str = r"
import { readFileSync } from 'node:fs'
import { pathToFileURL } from 'node:url'
const dir = process.argv[2]
const groups = JSON.parse(readFileSync(dir + '/cases.json', 'utf8'))
const out = []
for (const group of groups) {
  let mod
  try {
    mod = await import(pathToFileURL(dir + '/' + group.module).href)
  } catch (err) {
    out.push({ load: String(err && err.message) })
    continue
  }
  out.push({
    cases: group.data.map((text) => {
      const value = JSON.parse(text)
      return { value: JSON.stringify(value), valid: mod.isValid(value), errors: mod.validate(value) }
    }),
  })
}
process.stdout.write(JSON.stringify(out))
";

/// One module and the data to run through it.
pub struct Batch {
    pub module: String,
    pub data: Vec<String>,
}

/// Each batch's outcome: `Err` when the module did not load, else one result per datum.
pub fn run_in_node(label: &str, batches: &[Batch]) -> Vec<Result<Vec<Value>, String>> {
    let dir = std::env::temp_dir().join(format!("registry-{label}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let mut manifest = Vec::new();
    for (i, batch) in batches.iter().enumerate() {
        let name = format!("m{i}.mjs");
        std::fs::write(dir.join(&name), &batch.module).expect("write module");
        manifest.push(json!({"module": name, "data": batch.data}));
    }
    std::fs::write(dir.join("cases.json"), Value::from(manifest).to_string()).expect("write");
    std::fs::write(dir.join("runner.mjs"), RUNNER).expect("write runner");
    let output = Command::new("node")
        .arg(dir.join("runner.mjs"))
        .arg(&dir)
        .output()
        .expect("node is required for the generated-validator differential tests");
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        output.status.success(),
        "node failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let results: Vec<Value> = serde_json::from_slice(&output.stdout).expect("runner output");
    results
        .into_iter()
        .map(|r| match r.get("load") {
            Some(load) => Err(load.as_str().unwrap_or("").to_owned()),
            None => Ok(r["cases"].as_array().cloned().unwrap_or_default()),
        })
        .collect()
}

/// Whether one datum's generated-code result is the registry validator's, on the same value.
pub fn compare(validator: &dyn DatumValidator, case: &Value) -> Result<(), String> {
    let value: Value = serde_json::from_str(case["value"].as_str().unwrap_or("null"))
        .map_err(|e| e.to_string())?;
    let expected_valid = validator.is_valid(&value);
    let expected: Vec<Value> = validator
        .validate(&value)
        .into_iter()
        .map(|i| {
            json!({"instancePath": i.instance_path, "schemaPath": i.schema_path, "message": i.message})
        })
        .collect();
    let valid = case["valid"].as_bool();
    if valid != Some(expected_valid) {
        return Err(format!(
            "isValid {valid:?} on {value}, the registry says {expected_valid}"
        ));
    }
    let errors = case["errors"].as_array().cloned().unwrap_or_default();
    if errors != expected {
        return Err(format!(
            "on {value}: errors {}\n      the registry's {}",
            Value::from(errors),
            Value::from(expected)
        ));
    }
    Ok(())
}
