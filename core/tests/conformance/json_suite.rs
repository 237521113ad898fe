//! JSON-Schema-Test-Suite, drafts 4, 6, 7, 2019-09 and 2020-12, with `remotes/` served from
//! memory under `http://localhost:1234/`.

use std::path::Path;

use registry_core::format::DatumValidator;
use registry_core::json::Draft;
use registry_core::json::{ReferenceSet, compile};
use serde_json::Value;

use crate::{SetResult, data_dir};

pub const DRAFTS: [(&str, Draft); 5] = [
    ("draft4", Draft::Draft4),
    ("draft6", Draft::Draft6),
    ("draft7", Draft::Draft7),
    ("draft2019-09", Draft::Draft201909),
    ("draft2020-12", Draft::Draft202012),
];

pub fn remotes() -> ReferenceSet {
    let root = data_dir().join("json-schema-test-suite/remotes");
    let mut set = ReferenceSet::new();
    let mut stack = vec![root.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("remotes") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "json") {
                let rel = path
                    .strip_prefix(&root)
                    .expect("under root")
                    .to_string_lossy()
                    .replace('\\', "/");
                let doc: Value =
                    serde_json::from_str(&std::fs::read_to_string(&path).expect("read"))
                        .expect("json");
                set.insert(format!("http://localhost:1234/{rel}"), doc);
            }
        }
    }
    set
}

pub fn files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).expect("dir") {
            let p = entry.expect("entry").path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|e| e == "json") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

fn run_file(
    set: &mut SetResult,
    path: &Path,
    root: &Path,
    draft: Draft,
    refs: &ReferenceSet,
    formats: bool,
) {
    let text = std::fs::read_to_string(path).expect("read");
    let file = path
        .strip_prefix(root)
        .expect("under root")
        .to_string_lossy()
        .into_owned();
    run_text(set, &file, &text, draft, refs, formats);
}

/// Runs one suite file given as text, its cases named after `file`.
pub fn run_text(
    set: &mut SetResult,
    file: &str,
    text: &str,
    draft: Draft,
    refs: &ReferenceSet,
    formats: bool,
) {
    let groups: Vec<Value> = serde_json::from_str(text).expect("json");
    for group in &groups {
        // The file's draft, unless the schema names its own meta-schema (as the registry does).
        let forced = group["schema"].get("$schema").is_none().then_some(draft);
        let validator = compile(&group["schema"], forced, refs, formats);
        for test in group["tests"].as_array().expect("tests") {
            let id = format!(
                "{file}: {} / {}",
                group["description"].as_str().unwrap_or(""),
                test["description"].as_str().unwrap_or("")
            );
            let expected = test["valid"].as_bool().expect("valid");
            let outcome = match &validator {
                Err(e) => Err(format!("schema did not compile: {e}")),
                Ok(v) => {
                    let (fast, full) = (
                        v.is_valid(&test["data"]),
                        v.validate(&test["data"]).is_empty(),
                    );
                    if fast != full {
                        Err(format!(
                            "is_valid={fast} but validate found {}",
                            if full { "no errors" } else { "errors" }
                        ))
                    } else if fast == expected {
                        Ok(())
                    } else {
                        Err(format!("expected valid={expected}"))
                    }
                }
            };
            set.record(id, outcome);
        }
    }
}

pub fn run() -> Vec<SetResult> {
    let refs = remotes();
    let root = data_dir().join("json-schema-test-suite/tests");
    let mut out = Vec::new();
    for (dir, draft) in DRAFTS {
        let mut required = SetResult::new(&format!("json-schema-test-suite {dir}"));
        let mut optional = SetResult::new(&format!("json-schema-test-suite {dir} optional"));
        optional.informational = true;
        for path in files(&root.join(dir)) {
            if path.components().any(|c| c.as_os_str() == "optional") {
                run_file(&mut optional, &path, &root, draft, &refs, true);
            } else {
                run_file(&mut required, &path, &root, draft, &refs, false);
            }
        }
        out.push(required);
        out.push(optional);
    }
    out
}
