//! Runs the conformance data in `tests/data/` as tables and prints pass/total for each set.
//!
//! A case may fail only if it is listed, with its reason, in `tests/expected-failures/`; a listed
//! case that passes is reported too, so the lists stay honest. Exit status 1 on any surprise.

mod avro_canonical;
mod compat_cases;
mod js_codegen;
mod js_meta;
#[path = "../common/js_runner.rs"]
mod js_runner;
mod json_suite;
mod protobuf_cases;
mod resolution;
mod set_result;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub use set_result::SetResult;

pub fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/data")
}

/// A data file by its path under `tests/data/`.
pub fn load_text(rel: &str) -> String {
    std::fs::read_to_string(data_dir().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// `case id  # reason` lines; blank lines and lines starting with `#` are comments.
fn expected_failures() -> BTreeMap<String, String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/expected-failures");
    let mut out = BTreeMap::new();
    for entry in std::fs::read_dir(dir).expect("expected-failures directory") {
        let text = std::fs::read_to_string(entry.expect("entry").path()).expect("readable list");
        for line in text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
        {
            let (id, reason) = line.split_once(" # ").unwrap_or((line, ""));
            out.insert(id.trim().to_owned(), reason.trim().to_owned());
        }
    }
    out
}

fn main() {
    let filter = std::env::args().nth(1).filter(|a| !a.starts_with('-'));
    let mut sets = Vec::new();
    sets.push(avro_canonical::run());
    sets.extend(json_suite::run());
    sets.extend(js_codegen::run());
    sets.extend(js_meta::run());
    sets.extend(compat_cases::run());
    sets.extend(protobuf_cases::run());
    sets.push(resolution::run());
    let expected = expected_failures();
    let mut surprises = 0;
    let (mut passed, mut failed) = (0, 0);
    println!(
        "\n{:<44} {:>9} {:>9}",
        "conformance data set", "passed", "total"
    );
    for set in &sets {
        if filter
            .as_ref()
            .is_some_and(|f| !set.name.contains(f.as_str()))
        {
            continue;
        }
        let tag = if set.informational {
            " (informational)"
        } else {
            ""
        };
        println!("{:<44} {:>9} {:>9}{tag}", set.name, set.passed, set.total);
        for (id, why) in &set.failures {
            if set.informational {
                continue;
            }
            if expected.contains_key(id) {
                continue;
            }
            surprises += 1;
            println!("  UNEXPECTED FAILURE {id}: {why}");
        }
        if !set.informational {
            passed += set.passed;
            failed += set.failures.len();
        }
    }
    let failing: Vec<&String> = sets
        .iter()
        .flat_map(|s| s.failures.iter().map(|(id, _)| id))
        .collect();
    for id in expected.keys() {
        if filter.is_none() && !failing.contains(&id) {
            surprises += 1;
            println!("  LISTED AS EXPECTED FAILURE BUT PASSES (or unknown id): {id}");
        }
    }
    println!(
        "\nconformance: {passed} passed, {failed} failed ({} listed as expected failures)",
        expected.len()
    );
    if surprises > 0 {
        println!("conformance: {surprises} surprise(s)");
        std::process::exit(1);
    }
}
