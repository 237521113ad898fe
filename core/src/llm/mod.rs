//! LLM contracts: each model provider's dialect of JSON Schema as data ([`profile`]), a lint
//! of a schema against one, a transform that makes a schema fit where it safely can, the
//! export of a schema as a provider's request fragment, and the validation of what a model
//! actually wrote — whole, or as it streams. Platform-free: the origin, the edge, the npm
//! package and the CLI all answer from here.

pub mod anthropic;
pub mod export;
pub mod extract;
pub mod gemini;
pub mod lint;
pub mod mcp;
pub mod openai;
pub mod output;
pub mod profile;
pub mod stream;
mod stream_schema;
pub mod transform;
pub(crate) mod walk;

pub use export::{Exported, Naming, Usage, export};
pub use lint::{Diagnostic, lint};
pub use output::{OutputReport, check_output, check_output_by};
pub use profile::{PROFILES, Profile};
pub use stream::StreamValidator;
pub use transform::{Change, Transformed, transform};
