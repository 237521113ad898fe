//! Protobuf compatibility cases: Confluent's `diff-schema-examples.json` (each case's
//! differences, kind and path, and its verdict) and Karapace's Protobuf compatibility and
//! normalization unit cases.

use registry_core::budget::Budget;
use registry_core::protobuf::print::print;
use registry_core::protobuf::{ProtobufModel, diff};
use registry_core::reserved;
use registry_core::{
    CompatibilityLevel, ParseOptions, ResolvedReference, Schema, SchemaReference, SchemaType,
    compat,
};
use serde_json::Value;

use crate::{SetResult, load_text};

fn load(path: &str) -> Value {
    serde_json::from_str(&load_text(path)).expect("json")
}

/// The schema of `case[side_schema]` with the dependencies and references of that side.
fn parse_side(case: &Value, side: &str) -> Result<Schema, String> {
    parse_side_with(case, side).map(|(schema, _)| schema)
}

fn parse_side_with(case: &Value, side: &str) -> Result<(Schema, Vec<ResolvedReference>), String> {
    let text = case[format!("{side}_schema")].as_str().ok_or("no schema")?;
    let empty = Vec::new();
    let references = case[format!("{side}_references")]
        .as_array()
        .unwrap_or(&empty);
    let dependencies = case[format!("{side}_dependencies")]
        .as_array()
        .unwrap_or(&empty);
    let resolved: Vec<ResolvedReference> = references
        .iter()
        .map(|r| {
            let name = r["name"].as_str().unwrap_or_default();
            let text = dependencies
                .iter()
                .find(|d| d["name"] == name)
                .and_then(|d| d["dependency"].as_str())
                .unwrap_or_default();
            ResolvedReference {
                reference: SchemaReference {
                    name: name.to_owned(),
                    subject: r["subject"].as_str().unwrap_or_default().to_owned(),
                    version: r["version"].as_i64().unwrap_or(1) as i32,
                },
                schema: text.to_owned(),
            }
        })
        .collect();
    let schema = Schema::parse(
        SchemaType::Protobuf,
        text,
        &resolved,
        ParseOptions::default(),
    )
    .map_err(|e| format!("{side} does not parse: {e}"))?;
    Ok((schema, resolved))
}

/// `schema` printed as `.proto` text compiles back to the same identity.
fn same_when_printed(schema: &Schema, references: &[ResolvedReference]) -> Result<(), String> {
    let printed = print(&model(schema).file);
    let again = Schema::parse(
        SchemaType::Protobuf,
        &printed,
        references,
        ParseOptions::default(),
    )
    .map_err(|e| format!("printed does not parse: {e}\n{printed}"))?;
    if again.fingerprint != schema.fingerprint {
        return Err(format!("printed is another schema:\n{printed}"));
    }
    Ok(())
}

/// Each side's descriptor printed as `.proto` text compiles back to the same identity.
fn printed_round_trip(case: &Value) -> Result<(), String> {
    for side in ["original", "update"] {
        let (schema, references) = parse_side_with(case, side)?;
        same_when_printed(&schema, &references).map_err(|e| format!("{side} {e}"))?;
    }
    Ok(())
}

fn model(schema: &Schema) -> &ProtobufModel {
    schema
        .model_as::<ProtobufModel>()
        .expect("a Protobuf model")
}

fn confluent_case(case: &Value) -> Result<(), String> {
    let original = parse_side(case, "original")?;
    let update = parse_side(case, "update")?;
    let found = diff::compare(
        &model(&original).files,
        &model(&update).files,
        &mut Budget::unlimited(),
    )
    .map_err(|e| format!("{e:?}"))?;
    // Reserved fields come from the versions' metadata, checked beside the schema diff (the
    // registry runs both when it registers).
    let metadata = |side: &str| case.get(format!("{side}_metadata"));
    let reserved = reserved::problems(&update, metadata("update"), metadata("original"));
    let mut got: Vec<String> = found
        .iter()
        .map(|d| format!("{} {}", d.kind.as_str(), d.path))
        .chain(
            reserved
                .iter()
                .map(|r| format!("{} {}", r.kind, r.location)),
        )
        .collect();
    let mut want: Vec<String> = case["changes"]
        .as_array()
        .ok_or("no changes")?
        .iter()
        .filter_map(|c| c.as_str().map(str::to_owned))
        .collect();
    got.sort();
    want.sort();
    if got != want {
        return Err(format!("differences {got:?}, expected {want:?}"));
    }
    // The verdict, through the registry's own check (update reads original: BACKWARD).
    let report = compat::check(CompatibilityLevel::Backward, &update, &[&original])
        .map_err(|e| format!("{e:?}"))?;
    let expected = case["compatible"].as_bool().ok_or("no verdict")?;
    let compatible = report.compatible && reserved.is_empty();
    if compatible != expected {
        return Err(format!(
            "compatible {compatible}, expected {expected}: {:?}",
            report.messages()
        ));
    }
    Ok(())
}

fn karapace_case(case: &Value) -> Result<(), String> {
    let references: Vec<ResolvedReference> = case["references"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|r| ResolvedReference {
            reference: SchemaReference {
                name: r["name"].as_str().unwrap_or_default().to_owned(),
                subject: r["subject"].as_str().unwrap_or_default().to_owned(),
                version: r["version"].as_i64().unwrap_or(1) as i32,
            },
            schema: r["schema"].as_str().unwrap_or_default().to_owned(),
        })
        .collect();
    let parse = |key: &str| {
        Schema::parse(
            SchemaType::Protobuf,
            case[key].as_str().unwrap_or_default(),
            &references,
            ParseOptions::default(),
        )
        .map_err(|e| format!("{key} does not parse: {e}"))
    };
    let (reader, writer) = (parse("reader")?, parse("writer")?);
    for schema in [&reader, &writer] {
        same_when_printed(schema, &references)?;
    }
    if let Some(expected) = case["compatible"].as_bool() {
        let report = compat::check(CompatibilityLevel::Backward, &reader, &[&writer])
            .map_err(|e| format!("{e:?}"))?;
        if report.compatible != expected {
            return Err(format!(
                "compatible {}, expected {expected}: {:?}",
                report.compatible,
                report.messages()
            ));
        }
    }
    if let Some(same) = case["same_identity"].as_bool()
        && (reader.fingerprint == writer.fingerprint) != same
    {
        return Err(format!("same identity expected {same}"));
    }
    Ok(())
}

pub fn run() -> Vec<SetResult> {
    let mut confluent = SetResult::new("confluent/protobuf-diff-schema-examples");
    let mut printed = SetResult::new("protobuf printed as .proto, same identity");
    let cases = load("confluent/protobuf-diff-schema-examples.json");
    for (i, case) in cases.as_array().expect("cases").iter().enumerate() {
        let id = format!(
            "confluent-protobuf#{i} {}",
            case["description"].as_str().unwrap_or_default()
        );
        confluent.record(id.clone(), confluent_case(case));
        printed.record(format!("printed {id}"), printed_round_trip(case));
    }
    let mut karapace = SetResult::new("karapace/protobuf-compat-cases");
    let data = load("karapace/protobuf-compat-cases.json");
    for case in data["cases"].as_array().expect("cases") {
        let id = format!(
            "karapace-protobuf {}",
            case["name"].as_str().unwrap_or_default()
        );
        karapace.record(id, karapace_case(case));
    }
    vec![confluent, karapace, printed]
}
