//! Compatibility cases: Apache Avro's (Java and Python checkers), Karapace's Avro unit cases and
//! Karapace's JSON Schema cases. The Karapace REST-flow cases run against the origin instead.

use registry_core::avro::ParseOptions as AvroOptions;
use registry_core::{CompatibilityLevel, ParseOptions, Schema, SchemaType, compat};
use serde_json::Value;

use crate::{SetResult, load_text};

fn load(path: &str) -> Value {
    serde_json::from_str(&load_text(path)).expect("json")
}

fn parse(ty: SchemaType, schema: &Value, options: ParseOptions) -> Result<Schema, String> {
    let text = match schema {
        Value::String(s) if ty == SchemaType::Avro && serde_json::from_str::<Value>(s).is_err() => {
            Value::from(s.as_str()).to_string()
        }
        other => other.to_string(),
    };
    Schema::parse(ty, &text, &[], options).map_err(|e| format!("does not parse: {e}"))
}

fn schema_type(case: &Value, key: &str) -> SchemaType {
    case[key]
        .as_str()
        .and_then(|t| t.parse().ok())
        .unwrap_or(match case["schema_type"].as_str() {
            Some("JSON") => SchemaType::Json,
            _ => SchemaType::Avro,
        })
}

fn options(case: &Value) -> ParseOptions {
    let mut avro = AvroOptions {
        allow_anonymous_records: case.get("caveat").is_some(),
        ..AvroOptions::default()
    };
    if let Some(po) = case.get("parse_options") {
        avro.validate_names = po["validate_names"].as_bool().unwrap_or(true);
        avro.validate_enum_symbols = po["validate_enum_symbols"].as_bool().unwrap_or(true);
    }
    ParseOptions {
        normalize: false,
        avro,
    }
}

fn run_case(case: &Value) -> Result<(), String> {
    let opts = options(case);
    let level: CompatibilityLevel = case["level"]
        .as_str()
        .expect("level")
        .parse()
        .map_err(|e| format!("{e}"))?;
    let existing_types: Vec<SchemaType> = match case["existing_schema_types"].as_array() {
        Some(types) => types
            .iter()
            .map(|t| t.as_str().expect("type").parse().expect("known type"))
            .collect(),
        None => {
            vec![schema_type(case, "none"); case["existing_schemas"].as_array().map_or(0, Vec::len)]
        }
    };
    let existing: Vec<Schema> = case["existing_schemas"]
        .as_array()
        .expect("existing")
        .iter()
        .zip(existing_types)
        .map(|(s, t)| parse(t, s, opts))
        .collect::<Result<_, _>>()?;
    let new = parse(
        schema_type(case, "new_schema_type"),
        &case["new_schema"],
        opts,
    )?;
    let refs: Vec<&Schema> = existing.iter().collect();
    let report = compat::check(level, &new, &refs).map_err(|e| e.to_string())?;
    let expected = case["expected_compatible"].as_bool().expect("verdict");
    if report.compatible != expected {
        return Err(format!(
            "expected compatible={expected}, got {:?}",
            report.incompatibilities
        ));
    }
    if let Some(list) = case["expected_incompatibilities"].as_array() {
        let mut want: Vec<(String, String)> = list
            .iter()
            .map(|i| {
                (
                    i["type"].as_str().unwrap_or("").to_owned(),
                    i["location"].as_str().unwrap_or("").to_owned(),
                )
            })
            .collect();
        let mut got: Vec<(String, String)> = report
            .incompatibilities
            .iter()
            .map(|i| (i.kind.as_str().to_owned(), i.location.clone()))
            .collect();
        want.sort();
        got.sort();
        if want != got {
            return Err(format!("incompatibilities {got:?} != expected {want:?}"));
        }
    }
    Ok(())
}

fn run_file(name: &str, path: &str, skip: impl Fn(&Value) -> bool) -> SetResult {
    let data = load(path);
    let mut set = SetResult::new(name);
    for case in data["cases"]
        .as_array()
        .expect("cases")
        .iter()
        .filter(|c| !skip(c))
    {
        let id = format!("{path}: {}", case["name"].as_str().expect("name"));
        set.record(id, run_case(case));
    }
    set
}

pub fn run() -> Vec<SetResult> {
    vec![
        run_file(
            "apache-avro compat-cases",
            "apache-avro/compat-cases.json",
            |_| false,
        ),
        run_file(
            "karapace avro-compat-cases (unit)",
            "karapace/avro-compat-cases.json",
            |c| c.get("rest_flow").is_some(),
        ),
        run_file(
            "karapace jsonschema-compat-cases",
            "karapace/jsonschema-compat-cases.json",
            |_| false,
        ),
    ]
}
