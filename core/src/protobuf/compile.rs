//! Compiling a registered `.proto` text with `protox`: references are imports, named by the
//! import path and supplied by the caller; the well-known types (`google/protobuf/*.proto`),
//! the common types (`google/type/*.proto`) and Confluent's `confluent/meta.proto` and
//! `confluent/type/decimal.proto` are built in, as they are in Confluent's registry. A text may also be a base64 `FileDescriptorProto`, which is how
//! Confluent's serializers register the schemas of generated classes.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use miette::Diagnostic;
use prost::Message;
use prost_reflect::{DescriptorPool, FileDescriptor};
use prost_types::FileDescriptorProto;
use protox::file::{ChainFileResolver, File, FileResolver, GoogleFileResolver};

use crate::error::SchemaError;
use crate::types::ResolvedReference;

/// The name the registered file is compiled under when its text does not name itself (the
/// name Confluent's `ProtobufSchema` gives it).
pub const DEFAULT_NAME: &str = "default";

/// The files Confluent's registry knows besides the well-known types (which `protox` has):
/// its own, and the `google/type` common types (from googleapis-common-protos, Apache-2.0, as
/// published on PyPI; Confluent's serializers do not register them as references either).
const BUILTIN: &[(&str, &str)] = &[
    (
        "confluent/meta.proto",
        include_str!("builtin/confluent/meta.proto"),
    ),
    (
        "confluent/type/decimal.proto",
        include_str!("builtin/confluent/type/decimal.proto"),
    ),
    (
        "google/type/calendar_period.proto",
        include_str!("builtin/google/type/calendar_period.proto"),
    ),
    (
        "google/type/color.proto",
        include_str!("builtin/google/type/color.proto"),
    ),
    (
        "google/type/date.proto",
        include_str!("builtin/google/type/date.proto"),
    ),
    (
        "google/type/datetime.proto",
        include_str!("builtin/google/type/datetime.proto"),
    ),
    (
        "google/type/dayofweek.proto",
        include_str!("builtin/google/type/dayofweek.proto"),
    ),
    (
        "google/type/decimal.proto",
        include_str!("builtin/google/type/decimal.proto"),
    ),
    (
        "google/type/expr.proto",
        include_str!("builtin/google/type/expr.proto"),
    ),
    (
        "google/type/fraction.proto",
        include_str!("builtin/google/type/fraction.proto"),
    ),
    (
        "google/type/interval.proto",
        include_str!("builtin/google/type/interval.proto"),
    ),
    (
        "google/type/latlng.proto",
        include_str!("builtin/google/type/latlng.proto"),
    ),
    (
        "google/type/localized_text.proto",
        include_str!("builtin/google/type/localized_text.proto"),
    ),
    (
        "google/type/money.proto",
        include_str!("builtin/google/type/money.proto"),
    ),
    (
        "google/type/month.proto",
        include_str!("builtin/google/type/month.proto"),
    ),
    (
        "google/type/phone_number.proto",
        include_str!("builtin/google/type/phone_number.proto"),
    ),
    (
        "google/type/postal_address.proto",
        include_str!("builtin/google/type/postal_address.proto"),
    ),
    (
        "google/type/quaternion.proto",
        include_str!("builtin/google/type/quaternion.proto"),
    ),
    (
        "google/type/timeofday.proto",
        include_str!("builtin/google/type/timeofday.proto"),
    ),
];

/// A compiled file and the pool that holds it with every file it imports.
#[derive(Debug, Clone)]
pub struct Compiled {
    pub pool: DescriptorPool,
    pub file: FileDescriptor,
    /// Whether the text was a base64 descriptor rather than `.proto` source.
    pub from_descriptor: bool,
}

/// Compiles `text` with `references` (import path to text, any order) and the built-ins.
///
/// # Errors
/// A syntax or resolution error with its line and column, or an import nobody supplied.
pub fn compile(text: &str, references: &[ResolvedReference]) -> Result<Compiled, SchemaError> {
    let main = source_file(DEFAULT_NAME, text)?;
    let from_descriptor = main.source().is_none();
    let name = main.name().to_owned();
    let mut resolver = ChainFileResolver::new();
    resolver.add(Supplied {
        main,
        references: references
            .iter()
            .map(|r| (r.reference.name.clone(), r.schema.clone()))
            .collect(),
    });
    resolver.add(Builtin);
    resolver.add(GoogleFileResolver::new());
    let mut compiler = protox::Compiler::with_file_resolver(resolver);
    compiler.include_imports(true).include_source_info(false);
    compiler.open_file(&name).map_err(|e| describe(&e, text))?;
    let pool = compiler.descriptor_pool();
    let file = pool
        .get_file_by_name(&name)
        .ok_or_else(|| SchemaError::new("the compiled file is missing from its pool", ""))?;
    Ok(Compiled {
        pool,
        file,
        from_descriptor,
    })
}

/// `text` as a file: `.proto` source, or a base64 `FileDescriptorProto` (kept under its own
/// name when it has one).
fn source_file(name: &str, text: &str) -> Result<File, SchemaError> {
    if let Some(descriptor) = descriptor_of(text) {
        let mut descriptor = descriptor;
        if descriptor.name().is_empty() {
            descriptor.name = Some(name.to_owned());
        }
        return Ok(File::from_file_descriptor_proto(descriptor));
    }
    File::from_source(name, text).map_err(|e| describe(&e, text))
}

/// The descriptor `text` encodes in base64, if it is one (a `.proto` text never is: it has
/// spaces, `;` or `=` inside, which base64 has only at its end).
pub fn descriptor_of(text: &str) -> Option<FileDescriptorProto> {
    let trimmed = text.trim();
    if trimmed.is_empty() || trimmed.contains(char::is_whitespace) || trimmed.contains(';') {
        return None;
    }
    let bytes = STANDARD.decode(trimmed).ok()?;
    FileDescriptorProto::decode(bytes.as_slice()).ok()
}

/// A readable error: protox's message with the line and column of its first label.
fn describe(error: &protox::Error, text: &str) -> SchemaError {
    let at = error
        .labels()
        .and_then(|mut labels| labels.next())
        .map(|label| line_column(text, label.offset()));
    let message = match at {
        Some((line, column)) => format!("{error} at line {line} column {column}"),
        None => error.to_string(),
    };
    SchemaError::new(message, "")
}

fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

/// The registered file and the texts of its references.
struct Supplied {
    main: File,
    references: Vec<(String, String)>,
}

impl FileResolver for Supplied {
    fn open_file(&self, name: &str) -> Result<File, protox::Error> {
        if name == self.main.name() {
            return Ok(self.main.clone());
        }
        match self.references.iter().find(|(n, _)| n == name) {
            Some((_, text)) => match descriptor_of(text) {
                Some(mut descriptor) => {
                    descriptor.name = Some(name.to_owned());
                    Ok(File::from_file_descriptor_proto(descriptor))
                }
                None => File::from_source(name, text),
            },
            None => Err(protox::Error::file_not_found(name)),
        }
    }
}

/// Confluent's own files, which its registry knows without references.
struct Builtin;

impl FileResolver for Builtin {
    fn open_file(&self, name: &str) -> Result<File, protox::Error> {
        match BUILTIN.iter().find(|(n, _)| *n == name) {
            Some((_, text)) => File::from_source(name, text),
            None => Err(protox::Error::file_not_found(name)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::SchemaReference;

    #[test]
    fn compiles_with_imports_builtins_and_descriptors() {
        let dep = ResolvedReference {
            reference: SchemaReference {
                name: "other.proto".into(),
                subject: "other".into(),
                version: 1,
            },
            schema: "syntax = \"proto3\"; package o; message Other { string s = 1; }".into(),
        };
        let text = "syntax = \"proto3\";\nimport \"other.proto\";\nimport \"google/protobuf/timestamp.proto\";\nimport \"confluent/meta.proto\";\nimport \"google/type/money.proto\";\nimport \"google/type/interval.proto\";\nmessage M { o.Other other = 1; google.protobuf.Timestamp at = 2; google.type.Money price = 3; google.type.Interval during = 4; }";
        let compiled = compile(text, std::slice::from_ref(&dep)).unwrap();
        assert_eq!(compiled.file.name(), DEFAULT_NAME);
        let message = compiled.file.messages().next().unwrap();
        assert_eq!(message.full_name(), "M");
        let encoded = STANDARD.encode(compiled.file.file_descriptor_proto().encode_to_vec());
        let again = compile(&encoded, &[dep]).unwrap();
        assert_eq!(again.file.messages().next().unwrap().full_name(), "M");
    }

    #[test]
    fn errors_say_where() {
        let error =
            compile("syntax = \"proto3\";\nmessage M {\n  strin x = 1;\n}", &[]).unwrap_err();
        assert!(error.message.contains("line 3"), "{}", error.message);
        let error = compile("syntax = \"proto3\"; import \"missing.proto\";", &[]).unwrap_err();
        assert!(error.message.contains("missing.proto"), "{}", error.message);
    }
}
