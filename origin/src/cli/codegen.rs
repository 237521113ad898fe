//! `schema-registry codegen`: a JSON Schema's validator as a JavaScript module, for a build step
//! (the same module a registry serves at `/schemas/ids/{id}/validator.mjs`).

use std::path::PathBuf;

use clap::Args;
use registry_core::json::JsonModel;
use registry_core::{ParseOptions, SchemaType};

use super::ReferenceArgs;
use super::offline::{load_references, load_schema};

#[derive(Debug, Args)]
pub struct CodegenArgs {
    /// The JSON Schema.
    pub schema: PathBuf,
    /// Where to write the module (standard output without it).
    #[arg(long, short)]
    pub out: Option<PathBuf>,
    #[command(flatten)]
    pub refs: ReferenceArgs,
}

/// 0 when written; 2 for a schema that does not parse, or one the generator cannot express
/// (the message says what and where).
pub fn run(args: &CodegenArgs) -> u8 {
    let references = match load_references(&args.refs.references) {
        Ok(references) => references,
        Err(code) => return code,
    };
    let schema = match load_schema(
        SchemaType::Json,
        &args.schema,
        &references,
        ParseOptions::default(),
    ) {
        Ok(schema) => schema,
        Err(code) => return code,
    };
    let Some(model) = schema.model_as::<JsonModel>() else {
        return 2;
    };
    let module = match model.javascript() {
        Ok(module) => module,
        Err(why) => {
            eprintln!(
                "error: {} has no generated validator: {why}",
                args.schema.display()
            );
            return 2;
        }
    };
    match &args.out {
        None => {
            print!("{module}");
            0
        }
        Some(path) => match std::fs::write(path, module) {
            Ok(()) => 0,
            Err(e) => {
                eprintln!("error: cannot write {}: {e}", path.display());
                2
            }
        },
    }
}
