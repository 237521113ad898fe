//! The `schema-registry` command line: offline checks for CI pipelines (compatibility,
//! validation, fingerprints), administration of a registry, and moving a registry's contents
//! between registries (export/import).
//!
//! Exit codes: 0 success, 1 a negative verdict (incompatible, invalid data), 2 a problem with
//! the input itself (unreadable file, invalid schema, bad usage).

mod codegen;
mod import_plan;
mod keys;
mod llm;
mod offline;
mod transfer;

pub use transfer::{ExportArgs, ImportArgs, Line, SchemaLine};

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use registry_core::{CompatibilityLevel, SchemaType};

#[derive(Debug, Parser)]
#[command(
    name = "schema-registry",
    version,
    about = "LLM Schema Registry command-line tool"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check a new schema against existing versions (oldest first).
    Compat(CompatArgs),
    /// Validate data files against a schema.
    Validate(ValidateArgs),
    /// Print a schema's registry fingerprint (SHA-256) or canonical form.
    Fingerprint(FingerprintArgs),
    /// Manage API keys directly in the configured database (how the first admin key is made).
    Keys(KeysArgs),
    /// Export every subject, version and setting of a registry to a JSON-lines file.
    Export(ExportArgs),
    /// Import an export into a registry, keeping ids and versions (IMPORT mode); resumable.
    Import(ImportArgs),
    /// Lint or export a JSON Schema for an LLM provider (OpenAI, Anthropic, Gemini, MCP).
    Llm(llm::LlmArgs),
    /// Write a JSON Schema's validator as a JavaScript module (exports isValid and validate).
    Codegen(codegen::CodegenArgs),
}

#[derive(Debug, Args)]
pub struct KeysArgs {
    /// The registry's database, as the server's `DATABASE_URL`.
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "sqlite://data/registry.db",
        global = true
    )]
    pub database_url: String,
    #[command(subcommand)]
    pub command: KeysCommand,
}

#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// Create a key and print it (it is shown only this once).
    Create {
        /// read, write or admin.
        #[arg(long)]
        role: crate::service::Role,
        /// A name to recognise the key by.
        #[arg(long, default_value = "")]
        name: String,
        #[arg(long)]
        json: bool,
    },
    /// List the keys (never their secrets).
    List,
    /// Revoke a key by id.
    Revoke { id: String },
}

/// A schema type as the command line takes it (`avro`, `json`, any case).
fn parse_type(s: &str) -> Result<SchemaType, String> {
    s.parse().map_err(|e: registry_core::SchemaError| e.message)
}

#[derive(Debug, Args)]
pub struct CompatArgs {
    #[arg(long = "type", value_parser = parse_type)]
    pub schema_type: SchemaType,
    /// BACKWARD, BACKWARD_TRANSITIVE, FORWARD, FORWARD_TRANSITIVE, FULL, FULL_TRANSITIVE or NONE.
    #[arg(long, value_parser = parse_level)]
    pub level: CompatibilityLevel,
    /// The new schema.
    #[arg(long = "new")]
    pub new_schema: PathBuf,
    /// An existing version; repeat, oldest first.
    #[arg(long)]
    pub existing: Vec<PathBuf>,
    #[command(flatten)]
    pub refs: ReferenceArgs,
    /// Machine-readable output.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ValidateArgs {
    #[arg(long = "type", value_parser = parse_type)]
    pub schema_type: SchemaType,
    #[arg(long)]
    pub schema: PathBuf,
    /// Files holding one JSON document each (or JSON Lines: one datum per line).
    #[arg(required = true)]
    pub data: Vec<PathBuf>,
    /// Each file is one datum in its binary encoding (AVRO and PROTOBUF).
    #[arg(long)]
    pub binary: bool,
    /// The binary datum is framed as Kafka serializers write it: a zero magic byte and a 4-byte
    /// schema id first (and, for PROTOBUF, the message indexes that name the message).
    #[arg(long, requires = "binary")]
    pub framed: bool,
    /// PROTOBUF: the message the data is (full name, or relative to the package); the file's
    /// first message by default.
    #[arg(long)]
    pub message: Option<String>,
    #[command(flatten)]
    pub refs: ReferenceArgs,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct FingerprintArgs {
    #[arg(long = "type", value_parser = parse_type)]
    pub schema_type: SchemaType,
    pub file: PathBuf,
    /// Print the canonical form instead.
    #[arg(long)]
    pub canonical: bool,
    /// Fingerprint the normalized form (as `normalize=true`).
    #[arg(long)]
    pub normalize: bool,
    #[command(flatten)]
    pub refs: ReferenceArgs,
    #[arg(long)]
    pub json: bool,
}

/// The schemas a schema references, given on the command line.
#[derive(Debug, Args)]
pub struct ReferenceArgs {
    /// A referenced schema, as `NAME=FILE` (the name the schema uses: a Protobuf import path,
    /// an Avro full name, a JSON Schema `$ref` URL); repeat, dependencies first.
    #[arg(long = "reference", value_parser = parse_reference)]
    pub references: Vec<(String, PathBuf)>,
}

fn parse_reference(s: &str) -> Result<(String, PathBuf), String> {
    match s.split_once('=') {
        Some((name, file)) if !name.is_empty() && !file.is_empty() => {
            Ok((name.to_owned(), PathBuf::from(file)))
        }
        _ => Err(format!("expected NAME=FILE, got \"{s}\"")),
    }
}

fn parse_level(s: &str) -> Result<CompatibilityLevel, String> {
    s.parse().map_err(|e: registry_core::SchemaError| e.message)
}

/// Runs a parsed command line.
pub fn run(cli: Cli) -> ExitCode {
    let code = match cli.command {
        Command::Compat(args) => offline::compat(&args),
        Command::Validate(args) => offline::validate(&args),
        Command::Fingerprint(args) => offline::fingerprint(&args),
        Command::Keys(args) => keys::run(&args),
        Command::Export(args) => transfer::export(&args),
        Command::Import(args) => transfer::import(&args),
        Command::Llm(args) => llm::run(&args),
        Command::Codegen(args) => codegen::run(&args),
    };
    ExitCode::from(code)
}
