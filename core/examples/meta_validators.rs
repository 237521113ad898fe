//! Writes the generated validators of the drafts' meta-schemas as ES modules, one file per
//! draft (`draft4.js` ... `draft2020-12.js`), into the directory given: the npm package's slim
//! build checks schemas with them, having no Rust validator.
//!
//! `cargo run -p llm-schema-registry-core --example meta_validators -- DIR`

use registry_core::json::Draft;
use registry_core::json::codegen::{Form, meta_schema_validator};

fn main() {
    let Some(dir) = std::env::args().nth(1) else {
        eprintln!("usage: meta_validators DIR");
        std::process::exit(2);
    };
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{dir}: {e}"));
    for draft in Draft::ALL {
        let name = match draft {
            Draft::Draft4 => "draft4",
            Draft::Draft6 => "draft6",
            Draft::Draft7 => "draft7",
            Draft::Draft201909 => "draft2019-09",
            Draft::Draft202012 => "draft2020-12",
        };
        let module = meta_schema_validator(draft, Form::Module)
            .unwrap_or_else(|why| panic!("the {name} meta-schema does not generate: {why}"));
        let path = std::path::Path::new(&dir).join(format!("{name}.js"));
        std::fs::write(&path, module).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    }
}
