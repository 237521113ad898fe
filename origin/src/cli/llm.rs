//! `schema-registry llm lint|export`: a JSON Schema file against an LLM profile, for CI
//! pipelines. The fragment (export) or the diagnostics (lint, as JSON) go to stdout; what is
//! wrong goes to stderr, one line each; the exit code is 1 when the schema cannot fit.

use std::path::PathBuf;

use clap::{Args, Subcommand};
use registry_core::llm::{self, Naming, Profile, Usage, profile};
use serde_json::{Value, json};

const OK: u8 = 0;
const DOES_NOT_FIT: u8 = 1;
const BAD_INPUT: u8 = 2;

#[derive(Debug, Args)]
pub struct LlmArgs {
    #[command(subcommand)]
    pub command: LlmCommand,
}

#[derive(Debug, Subcommand)]
pub enum LlmCommand {
    /// Every way FILE does not fit the provider's profile (JSON on stdout).
    Lint {
        #[arg(long, value_parser = parse_profile)]
        provider: &'static Profile,
        file: PathBuf,
    },
    /// FILE as the provider's request fragment (JSON on stdout).
    Export {
        #[arg(long, value_parser = parse_profile)]
        provider: &'static Profile,
        /// response_format or tool.
        #[arg(long = "as", default_value = "response_format", value_parser = parse_usage)]
        usage: Usage,
        /// The tool or format name (default: the schema's title, else the file's name).
        #[arg(long)]
        name: Option<String>,
        #[arg(long)]
        description: Option<String>,
        file: PathBuf,
    },
}

fn parse_profile(s: &str) -> Result<&'static Profile, String> {
    profile::find(s).ok_or_else(|| format!("unknown provider '{s}'; known: {}", profile::names()))
}

fn parse_usage(s: &str) -> Result<Usage, String> {
    Usage::parse(s).ok_or_else(|| "response_format or tool".to_owned())
}

fn load(path: &PathBuf) -> Result<Value, u8> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        eprintln!("error: cannot read {}: {e}", path.display());
        BAD_INPUT
    })?;
    serde_json::from_str(&text).map_err(|e| {
        eprintln!("error: {} is not JSON: {e}", path.display());
        BAD_INPUT
    })
}

fn report(diagnostics: &[llm::Diagnostic], profile: &Profile) {
    for d in diagnostics {
        let at = if d.path.is_empty() { "/" } else { &d.path };
        eprintln!(
            "{}: {at}: {} [{}] fix: {}",
            profile.id, d.message, d.rule, d.fix
        );
    }
}

pub fn run(args: &LlmArgs) -> u8 {
    let outcome = match &args.command {
        LlmCommand::Lint { provider, file } => load(file).map(|schema| {
            let diagnostics = llm::lint(&schema, provider);
            report(&diagnostics, provider);
            print(&json!({"profile": provider.id, "fits": diagnostics.is_empty(), "diagnostics": diagnostics}));
            if diagnostics.is_empty() { OK } else { DOES_NOT_FIT }
        }),
        LlmCommand::Export { provider, usage, name, description, file } => load(file).map(|schema| {
            let stem = file.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
            let naming = Naming { name: name.as_deref(), description: description.as_deref(), fallback: &stem };
            match llm::export(&schema, provider, *usage, &naming) {
                Ok(exported) => {
                    for c in exported.changes.iter().filter(|c| c.warning) {
                        eprintln!("warning: {}: {}", if c.path.is_empty() { "/" } else { &c.path }, c.message);
                    }
                    print(&exported.fragment);
                    OK
                }
                Err(diagnostics) => {
                    report(&diagnostics, provider);
                    DOES_NOT_FIT
                }
            }
        }),
    };
    outcome.unwrap_or_else(|code| code)
}

fn print(value: &Value) {
    println!(
        "{}",
        serde_json::to_string_pretty(value).expect("JSON values serialise")
    );
}
