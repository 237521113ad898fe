//! `schema-registry`: the command-line tool (see `registry_origin::cli`).

use clap::Parser;

fn main() -> std::process::ExitCode {
    registry_origin::cli::run(registry_origin::cli::Cli::parse())
}
