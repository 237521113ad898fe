//! The offline subcommands: everything runs in-process with the core, no registry needed.

use std::path::{Path, PathBuf};

use registry_core::avro::binary::AvroCodec;
use registry_core::protobuf::{ProtobufModel, datum::find_message, wire};
use registry_core::{
    ParseOptions, ResolvedReference, Schema, SchemaReference, SchemaType, ValidationIssue,
    Validator, compat,
};
use serde_json::{Value, json};

use super::{CompatArgs, FingerprintArgs, ValidateArgs};

const OK: u8 = 0;
const NEGATIVE: u8 = 1;
const BAD_INPUT: u8 = 2;

fn read(path: &Path) -> Result<String, u8> {
    std::fs::read_to_string(path).map_err(|e| {
        eprintln!("error: cannot read {}: {e}", path.display());
        BAD_INPUT
    })
}

/// The `--reference NAME=FILE` schemas, read (each one a version 1 of a subject named after it).
pub(super) fn load_references(
    references: &[(String, PathBuf)],
) -> Result<Vec<ResolvedReference>, u8> {
    references
        .iter()
        .map(|(name, path)| {
            Ok(ResolvedReference {
                reference: SchemaReference {
                    name: name.clone(),
                    subject: name.clone(),
                    version: 1,
                },
                schema: read(path)?,
            })
        })
        .collect()
}

pub(super) fn load_schema(
    ty: SchemaType,
    path: &Path,
    references: &[ResolvedReference],
    options: ParseOptions,
) -> Result<Schema, u8> {
    let text = read(path)?;
    Schema::parse(ty, &text, references, options).map_err(|e| {
        eprintln!("error: {} is not a valid {ty} schema: {e}", path.display());
        BAD_INPUT
    })
}

fn print_json(value: &Value) {
    println!(
        "{}",
        serde_json::to_string_pretty(value).expect("JSON values serialise")
    );
}

pub fn compat(args: &CompatArgs) -> u8 {
    let run = || -> Result<u8, u8> {
        let ty = args.schema_type;
        let references = load_references(&args.refs.references)?;
        let new = load_schema(ty, &args.new_schema, &references, ParseOptions::default())?;
        let existing = args
            .existing
            .iter()
            .map(|p| load_schema(ty, p, &references, ParseOptions::default()))
            .collect::<Result<Vec<_>, _>>()?;
        let refs: Vec<&Schema> = existing.iter().collect();
        let report = compat::check(args.level, &new, &refs).map_err(|e| {
            eprintln!("error: {e}");
            BAD_INPUT
        })?;
        if args.json {
            print_json(&json!({
                "compatible": report.compatible,
                "level": args.level.as_str(),
                "failedVersion": report.failed_version_index.map(|i| args.existing[i].display().to_string()),
                "incompatibilities": report.incompatibilities,
            }));
        } else {
            if let Some(i) = report.failed_version_index {
                eprintln!(
                    "incompatible with {} ({})",
                    args.existing[i].display(),
                    args.level
                );
            }
            for inc in &report.incompatibilities {
                println!("{} at {}: {}", inc.kind, inc.location, inc.message);
            }
        }
        Ok(if report.compatible { OK } else { NEGATIVE })
    };
    run().unwrap_or_else(|code| code)
}

/// One JSON document per file, or JSON Lines when the file is not one document.
fn data_items(text: &str) -> Result<Vec<Value>, String> {
    match serde_json::from_str::<Value>(text) {
        Ok(v) => Ok(vec![v]),
        Err(whole) => {
            let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
            if lines.len() < 2 {
                return Err(whole.to_string());
            }
            lines
                .iter()
                .enumerate()
                .map(|(i, l)| serde_json::from_str(l).map_err(|e| format!("line {}: {e}", i + 1)))
                .collect()
        }
    }
}

/// What validation found in one datum, named after its file (and line).
struct Checked {
    name: String,
    issues: Vec<ValidationIssue>,
}

fn read_bytes(path: &Path) -> Result<Vec<u8>, u8> {
    std::fs::read(path).map_err(|e| {
        eprintln!("error: cannot read {}: {e}", path.display());
        BAD_INPUT
    })
}

fn issue(message: String) -> Vec<ValidationIssue> {
    vec![ValidationIssue {
        instance_path: String::new(),
        schema_path: String::new(),
        message,
    }]
}

/// Binary Protobuf: each file one message (`--message`, or the first; framed: the message its
/// indexes name), valid when it decodes.
fn check_protobuf_binary(args: &ValidateArgs, model: &ProtobufModel) -> Result<Vec<Checked>, u8> {
    let chosen = match &args.message {
        Some(name) => Some(find_message(&model.file, name).ok_or_else(|| {
            eprintln!("error: no message \"{name}\" in the schema");
            BAD_INPUT
        })?),
        None => model.file.messages().next(),
    };
    let mut out = Vec::new();
    for path in &args.data {
        let bytes = read_bytes(path)?;
        let issues = if args.framed {
            match wire::unframe(&model.file, &bytes) {
                Ok((_, message, rest)) => wire::decode_issues(message, rest),
                Err(message) => issue(message),
            }
        } else {
            match &chosen {
                Some(message) => wire::decode_issues(message.clone(), &bytes),
                None => issue("the schema has no message".into()),
            }
        };
        out.push(Checked {
            name: path.display().to_string(),
            issues,
        });
    }
    Ok(out)
}

/// Binary data: each file one datum, valid when it decodes exactly with the schema.
fn check_binary(args: &ValidateArgs, schema: &Schema) -> Result<Vec<Checked>, u8> {
    if let Some(model) = schema.model_as::<ProtobufModel>() {
        return check_protobuf_binary(args, model);
    }
    if schema.schema_type != SchemaType::Avro {
        eprintln!("error: --binary takes an AVRO or PROTOBUF schema");
        return Err(BAD_INPUT);
    }
    let codec = AvroCodec::new(&schema.text, None).map_err(|e| {
        eprintln!("error: {e}");
        BAD_INPUT
    })?;
    let mut out = Vec::new();
    for path in &args.data {
        let bytes = read_bytes(path)?;
        let datum = match (args.framed, bytes.as_slice()) {
            (true, [0, _, _, _, _, rest @ ..]) => Ok(rest),
            (true, _) => Err("not framed: no zero magic byte and schema id".to_owned()),
            (false, all) => Ok(all),
        };
        let issues = match datum.and_then(|d| codec.decode_exact(d).map_err(|e| e.to_string())) {
            Ok(_) => Vec::new(),
            Err(message) => issue(message),
        };
        out.push(Checked {
            name: path.display().to_string(),
            issues,
        });
    }
    Ok(out)
}

/// JSON data: a document per file, or JSON Lines.
fn check_json(args: &ValidateArgs, schema: &Schema) -> Result<Vec<Checked>, u8> {
    let validator = Validator::compile(schema).map_err(|e| {
        eprintln!("error: {e}");
        BAD_INPUT
    })?;
    let mut out = Vec::new();
    for path in &args.data {
        let items = data_items(&read(path)?).map_err(|e| {
            eprintln!("error: {} is not JSON: {e}", path.display());
            BAD_INPUT
        })?;
        for (i, item) in items.iter().enumerate() {
            let name = if items.len() > 1 {
                format!("{}:{}", path.display(), i + 1)
            } else {
                path.display().to_string()
            };
            out.push(Checked {
                name,
                issues: validator.validate(item),
            });
        }
    }
    Ok(out)
}

pub fn validate(args: &ValidateArgs) -> u8 {
    let run = || -> Result<u8, u8> {
        let references = load_references(&args.refs.references)?;
        let schema = load_schema(
            args.schema_type,
            &args.schema,
            &references,
            ParseOptions::default(),
        )?;
        let checked = if args.binary {
            check_binary(args, &schema)?
        } else {
            check_json(args, &schema)?
        };
        let all_valid = checked.iter().all(|c| c.issues.is_empty());
        if args.json {
            let results: Vec<Value> = checked
                .iter()
                .map(|c| json!({"file": c.name, "valid": c.issues.is_empty(), "errors": c.issues}))
                .collect();
            print_json(&json!({"valid": all_valid, "results": results}));
        } else {
            for c in &checked {
                for issue in &c.issues {
                    let at = if issue.instance_path.is_empty() {
                        "/"
                    } else {
                        issue.instance_path.as_str()
                    };
                    println!("{}: {at}: {}", c.name, issue.message);
                }
            }
        }
        Ok(if all_valid { OK } else { NEGATIVE })
    };
    run().unwrap_or_else(|code| code)
}

pub fn fingerprint(args: &FingerprintArgs) -> u8 {
    let options = ParseOptions {
        normalize: args.normalize,
        ..ParseOptions::default()
    };
    let references = match load_references(&args.refs.references) {
        Ok(references) => references,
        Err(code) => return code,
    };
    match load_schema(args.schema_type, &args.file, &references, options) {
        Err(code) => code,
        Ok(schema) => {
            if args.json {
                print_json(&json!({
                    "schemaType": schema.schema_type.as_str(),
                    "fingerprint": schema.fingerprint.to_hex(),
                    "canonical": schema.canonical,
                }));
            } else if args.canonical {
                println!("{}", schema.canonical);
            } else {
                println!("{}", schema.fingerprint);
            }
            OK
        }
    }
}
