//! The benchmark regression gate: instructions per operation of the hot paths, counted by
//! valgrind's callgrind (not timed, so machine noise does not move them), compared with the
//! committed baseline `benches/callgrind-baseline.json`.
//!
//! ```text
//! callgrind-gate              measure, compare; exit 1 if a path got more than 5% worse
//! callgrind-gate --update     measure and write the baseline (commit it with the change)
//! callgrind-gate run PATH N   what valgrind runs: set PATH up, one warm-up, then N operations
//! ```
//! Each path is run twice under callgrind, with N = 0 and N = `iterations(path)`; the difference
//! over N is the cost of one operation, set-up and process start cancelling out.
//! `scripts/bench-gate.sh` builds this in release and runs it.

use std::collections::BTreeMap;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use registry_benches::{avro_history, avro_record, json_object, valid_instance};
use registry_core::{CompatibilityLevel, ParseOptions, Schema, SchemaType, Validator, compat};
use serde_json::{Value, json};

/// More instructions than the baseline by this fraction fails the gate.
const TOLERANCE: f64 = 0.05;
/// Operations per measured run: enough that the set-up's own variation (a few hundred
/// thousand instructions, mostly SQLite and thread start-up) is under 1% of one operation.
fn iterations(path: &str) -> u64 {
    if path == "get_schema_by_id_cached" {
        4000
    } else {
        40
    }
}

/// The hot paths, by name.
const PATHS: [(&str, &str); 4] = [
    (
        "fingerprint",
        "parse an Avro record of 50 fields, canonical form and SHA-256 fingerprint",
    ),
    (
        "compile_validate",
        "parse and compile a JSON Schema of 50 properties and validate a valid instance",
    ),
    (
        "compatibility",
        "BACKWARD_TRANSITIVE check of an Avro record (50 fields) against 5 versions",
    ),
    (
        "get_schema_by_id_cached",
        "GET /schemas/ids/{id} through the origin's whole router (middleware, auth, cache hit)",
    ),
];

fn parse(ty: SchemaType, text: &str) -> Schema {
    Schema::parse(ty, text, &[], ParseOptions::default()).expect("generated schemas parse")
}

/// Sets `path` up, runs it once to warm up, then `n` times.
fn run(path: &str, n: u64) {
    match path {
        "fingerprint" => {
            let text = avro_record(50);
            for _ in 0..=n {
                black_box(parse(SchemaType::Avro, black_box(&text)).fingerprint);
            }
        }
        "compile_validate" => {
            // The schema is compiled while it is parsed, so both are measured.
            let text = json_object(50);
            let instance = valid_instance(50);
            for _ in 0..=n {
                let schema = parse(SchemaType::Json, black_box(&text));
                let v = Validator::compile(&schema).expect("compiles");
                assert!(v.validate(black_box(&instance)).is_empty());
            }
        }
        "compatibility" => {
            let history: Vec<Schema> = avro_history(50, 6)
                .iter()
                .map(|t| parse(SchemaType::Avro, t))
                .collect();
            let (new, old) = history.split_last().expect("versions");
            let old: Vec<&Schema> = old.iter().collect();
            for _ in 0..=n {
                let report =
                    compat::check(CompatibilityLevel::BackwardTransitive, black_box(new), &old)
                        .expect("within budget");
                assert!(report.compatible);
            }
        }
        "get_schema_by_id_cached" => get_by_id(n),
        other => panic!("no hot path {other}"),
    }
}

fn get_by_id(n: u64) {
    use axum::body::Body;
    use axum::http::Request;
    use http_body_util::BodyExt;
    use tower::ServiceExt;

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let dir = tempfile::tempdir().expect("dir");
        let url = format!("sqlite://{}/gate.db", dir.path().display());
        let config = registry_origin::server::ServerConfig::for_tests(&url);
        let store = registry_origin::server::open_store(&config)
            .await
            .expect("store");
        let app = registry_origin::server::app(
            registry_origin::server::registry(store, &config),
            &config,
        );
        let body = json!({"schema": avro_record(20)}).to_string();
        let register = Request::post("/subjects/gate/versions")
            .header("content-type", "application/json")
            .body(Body::from(body))
            .expect("request");
        let resp = app.clone().oneshot(register).await.expect("register");
        assert!(resp.status().is_success());
        for _ in 0..=n {
            let req = Request::get("/schemas/ids/1")
                .body(Body::empty())
                .expect("request");
            let resp = app.clone().oneshot(req).await.expect("get");
            assert!(resp.status().is_success());
            black_box(resp.into_body().collect().await.expect("body").to_bytes());
        }
    });
}

/// Instructions the program executed under callgrind (`totals:` of its output file).
fn instructions(exe: &Path, path: &str, n: u64, scratch: &Path) -> Result<u64, String> {
    let out_file = scratch.join(format!("callgrind.{path}.{n}"));
    let output = Command::new("valgrind")
        .arg("--tool=callgrind")
        .arg(format!("--callgrind-out-file={}", out_file.display()))
        .arg(exe)
        .args(["run", path, &n.to_string()])
        .output()
        .map_err(|e| format!("cannot run valgrind (is it installed?): {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "{path} failed under valgrind:\n{}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    let text = std::fs::read_to_string(&out_file).map_err(|e| e.to_string())?;
    text.lines()
        .find_map(|l| {
            l.strip_prefix("totals:")
                .or_else(|| l.strip_prefix("summary:"))
        })
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| format!("no instruction total in {}", out_file.display()))
}

/// Instructions per operation of every path.
fn measure() -> Result<BTreeMap<String, u64>, String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let scratch = tempfile::tempdir().map_err(|e| e.to_string())?;
    let mut out = BTreeMap::new();
    for (path, _) in PATHS {
        // The least of several: background work (cache upkeep, timers) only ever adds, and
        // the server path, with its runtime's threads, has more of it.
        let tries = if path == "get_schema_by_id_cached" {
            7
        } else {
            3
        };
        let mut best = u64::MAX;
        for _ in 0..tries {
            let base = instructions(&exe, path, 0, scratch.path())?;
            let n = iterations(path);
            let full = instructions(&exe, path, n, scratch.path())?;
            best = best.min(full.saturating_sub(base) / n);
        }
        out.insert(path.to_owned(), best);
    }
    Ok(out)
}

fn rustc_version() -> String {
    Command::new("rustc")
        .arg("--version")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default()
}

/// One path's verdict: the line to print and whether it fails the gate.
pub fn verdict(path: &str, baseline: Option<u64>, now: u64) -> (String, bool) {
    let Some(base) = baseline else {
        return (
            format!("{path:<26} {now:>12} instructions/op   (not in the baseline)"),
            false,
        );
    };
    let change = (now as f64 - base as f64) / base.max(1) as f64;
    let worse = change > TOLERANCE;
    let mark = if worse {
        "FAIL: more than 5% above the baseline"
    } else if change < -TOLERANCE {
        "better than the baseline; `scripts/bench-gate.sh --update` records it"
    } else {
        "ok"
    };
    (
        format!(
            "{path:<26} {now:>12} instructions/op   baseline {base:>12}   {:+6.2}%   {mark}",
            change * 100.0
        ),
        worse,
    )
}

fn baseline_path() -> PathBuf {
    std::env::var_os("BENCH_GATE_BASELINE").map_or_else(
        || {
            PathBuf::from(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/callgrind-baseline.json"
            ))
        },
        PathBuf::from,
    )
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("run") {
        let (Some(path), Some(n)) = (args.get(1), args.get(2).and_then(|n| n.parse().ok())) else {
            eprintln!("usage: callgrind-gate run PATH N");
            return ExitCode::from(2);
        };
        run(path, n);
        return ExitCode::SUCCESS;
    }
    let update = args.iter().any(|a| a == "--update");
    let measured = match measure() {
        Ok(m) => m,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let file = baseline_path();
    if update {
        let doc = json!({
            "about": "Instructions per operation of the hot paths under callgrind; written by `scripts/bench-gate.sh --update`.",
            "rustc": rustc_version(),
            "paths": PATHS.iter().map(|(p, what)| (p.to_string(), json!({"what": what, "instructions_per_op": measured[*p]}))).collect::<serde_json::Map<_, _>>(),
        });
        let text = serde_json::to_string_pretty(&doc).expect("json") + "\n";
        if let Err(e) = std::fs::write(&file, text) {
            eprintln!("error: {}: {e}", file.display());
            return ExitCode::from(2);
        }
        for (path, n) in &measured {
            println!("{path:<26} {n:>12} instructions/op");
        }
        println!("baseline written to {}", file.display());
        return ExitCode::SUCCESS;
    }
    let baseline: Value = match std::fs::read(&file)
        .map_err(|e| e.to_string())
        .and_then(|b| serde_json::from_slice(&b).map_err(|e| e.to_string()))
    {
        Ok(b) => b,
        Err(e) => {
            eprintln!(
                "error: no baseline at {} ({e}); run scripts/bench-gate.sh --update",
                file.display()
            );
            return ExitCode::from(2);
        }
    };
    let recorded_with = baseline["rustc"].as_str().unwrap_or_default();
    let mut failed = Vec::new();
    for (path, now) in &measured {
        let base = baseline["paths"][path]["instructions_per_op"].as_u64();
        let (line, worse) = verdict(path, base, *now);
        println!("{line}");
        if worse {
            failed.push(path.clone());
        }
    }
    if failed.is_empty() {
        return ExitCode::SUCCESS;
    }
    eprintln!(
        "\nbenchmark gate FAILED: {} used more than 5% more instructions per operation than the baseline.\n\
         If the change is intended (a feature that costs more), record the new counts with\n    scripts/bench-gate.sh --update\n\
         and commit benches/callgrind-baseline.json with it; otherwise find what made the path slower.",
        failed.join(", ")
    );
    if recorded_with != rustc_version() {
        eprintln!(
            "note: the baseline was recorded with {recorded_with}, this build uses {}; a compiler change moves counts too.",
            rustc_version()
        );
    }
    ExitCode::FAILURE
}

#[cfg(test)]
mod tests {
    use super::verdict;

    #[test]
    fn more_than_five_percent_worse_fails() {
        assert!(!verdict("p", Some(1000), 1050).1);
        assert!(verdict("p", Some(1000), 1051).1);
        let (line, worse) = verdict("p", Some(1000), 1200);
        assert!(
            worse && line.contains("+20.00%") && line.contains("FAIL"),
            "{line}"
        );
        let (line, worse) = verdict("p", Some(1000), 800);
        assert!(!worse && line.contains("--update"), "{line}");
        assert!(!verdict("p", None, 5).1);
    }
}
