//! A compiled file written back as `.proto` text: what the registry stores for a schema
//! registered as a base64 `FileDescriptorProto` (Confluent stores text too), so that every
//! version reads as source. Type names are written fully qualified (`.pkg.Msg`), options with
//! their extension options, map fields as `map<K, V>`; the text compiles to the same descriptor
//! (a test checks it on the conformance schemas).

use std::fmt::Write;

use prost_reflect::{
    DynamicMessage, EnumDescriptor, FieldDescriptor, FileDescriptor, Kind, MessageDescriptor,
    Syntax, Value,
};
use prost_types::field_descriptor_proto::Label;

/// `file` as `.proto` text.
pub fn print(file: &FileDescriptor) -> String {
    let mut p = Printer::default();
    let proto = file.file_descriptor_proto();
    match proto.syntax() {
        "proto3" => p.line("syntax = \"proto3\";"),
        // prost-types 0.14 has no `edition` field: editions files are written as 2023.
        "editions" => p.line("edition = \"2023\";"),
        _ => p.line("syntax = \"proto2\";"),
    }
    if !proto.package().is_empty() {
        p.line(&format!("package {};", proto.package()));
    }
    if !proto.dependency.is_empty() {
        p.blank();
    }
    for (i, dependency) in proto.dependency.iter().enumerate() {
        let public = proto
            .public_dependency
            .iter()
            .any(|&d| usize::try_from(d) == Ok(i));
        let modifier = if public { "public " } else { "" };
        p.line(&format!("import {modifier}{};", quote(dependency)));
    }
    let options = option_list(&file.options());
    if !options.is_empty() {
        p.blank();
    }
    for option in options {
        p.line(&format!("option {option};"));
    }
    for message in file.messages() {
        p.blank();
        p.message(&message);
    }
    for e in file.enums() {
        p.blank();
        p.enumeration(&e);
    }
    p.extensions(&file.extensions().collect::<Vec<_>>());
    for service in file.services() {
        p.blank();
        p.line(&format!("service {} {{", service.name()));
        p.depth += 1;
        for option in option_list(&service.options()) {
            p.line(&format!("option {option};"));
        }
        for method in service.methods() {
            let stream = |yes: bool| if yes { "stream " } else { "" };
            let head = format!(
                "rpc {} ({}.{}) returns ({}.{})",
                method.name(),
                stream(method.is_client_streaming()),
                method.input().full_name(),
                stream(method.is_server_streaming()),
                method.output().full_name(),
            );
            let options = option_list(&method.options());
            if options.is_empty() {
                p.line(&format!("{head};"));
            } else {
                p.line(&format!("{head} {{"));
                p.depth += 1;
                for option in options {
                    p.line(&format!("option {option};"));
                }
                p.depth -= 1;
                p.line("}");
            }
        }
        p.depth -= 1;
        p.line("}");
    }
    p.out
}

#[derive(Default)]
struct Printer {
    out: String,
    depth: usize,
}

impl Printer {
    fn line(&mut self, text: &str) {
        for _ in 0..self.depth {
            self.out.push_str("  ");
        }
        self.out.push_str(text);
        self.out.push('\n');
    }

    fn blank(&mut self) {
        self.out.push('\n');
    }

    fn message(&mut self, message: &MessageDescriptor) {
        self.line(&format!("message {} {{", message.name()));
        self.depth += 1;
        for option in option_list(&message.options()) {
            self.line(&format!("option {option};"));
        }
        let raw = message.descriptor_proto();
        self.reserved(
            raw.reserved_range
                .iter()
                .map(|r| (r.start(), r.end() - 1))
                .collect(),
            &raw.reserved_name,
        );
        for range in &raw.extension_range {
            self.line(&format!(
                "extensions {};",
                span(range.start(), range.end() - 1)
            ));
        }
        // Fields and nested messages interleaved so that each map field comes before the
        // nested types declared after it: its entry type keeps its place among the nested types
        // (message indexes count them).
        // In declaration order, which `fields()` (by number) does not keep.
        let fields: Vec<FieldDescriptor> = raw
            .field
            .iter()
            .filter_map(|f| message.get_field_by_name(f.name()))
            .collect();
        let mut next = 0;
        let mut oneofs_done = Vec::new();
        for nested in message.child_messages() {
            if nested.is_map_entry() {
                let map_field = fields.iter().position(|f| {
                    f.is_map() && matches!(f.kind(), Kind::Message(m) if m == nested)
                });
                if let Some(at) = map_field {
                    self.fields(&fields, &mut next, at + 1, &mut oneofs_done);
                }
            } else {
                self.message(&nested);
            }
        }
        self.fields(&fields, &mut next, fields.len(), &mut oneofs_done);
        for e in message.child_enums() {
            self.enumeration(&e);
        }
        self.extensions(&message.child_extensions().collect::<Vec<_>>());
        self.depth -= 1;
        self.line("}");
    }

    /// The fields from `*next` up to `end`, a oneof as one block where its first member is.
    fn fields(
        &mut self,
        fields: &[FieldDescriptor],
        next: &mut usize,
        end: usize,
        oneofs_done: &mut Vec<String>,
    ) {
        while *next < end {
            let field = &fields[*next];
            *next += 1;
            match field.containing_oneof().filter(|o| !o.is_synthetic()) {
                Some(oneof) if !oneofs_done.contains(&oneof.name().to_owned()) => {
                    oneofs_done.push(oneof.name().to_owned());
                    self.line(&format!("oneof {} {{", oneof.name()));
                    self.depth += 1;
                    for option in option_list(&oneof.options()) {
                        self.line(&format!("option {option};"));
                    }
                    let members = fields.iter().filter(|f| {
                        f.containing_oneof()
                            .is_some_and(|o| o.name() == oneof.name())
                    });
                    for member in members {
                        let line = field_line(member, "", member.name());
                        self.line(&line);
                    }
                    self.depth -= 1;
                    self.line("}");
                }
                Some(_) => {}
                None => {
                    let line = field_line(field, label(field), field.name());
                    self.line(&line);
                }
            }
        }
    }

    fn enumeration(&mut self, e: &EnumDescriptor) {
        self.line(&format!("enum {} {{", e.name()));
        self.depth += 1;
        for option in option_list(&e.options()) {
            self.line(&format!("option {option};"));
        }
        let raw = e.enum_descriptor_proto();
        self.reserved(
            raw.reserved_range
                .iter()
                .map(|r| (r.start(), r.end()))
                .collect(),
            &raw.reserved_name,
        );
        // In declaration order (aliases included), which `values()` does not keep.
        for raw_value in &raw.value {
            let Some(value) = e.get_value_by_name(raw_value.name()) else {
                continue;
            };
            let options = option_list(&value.options());
            let options = if options.is_empty() {
                String::new()
            } else {
                format!(" [{}]", options.join(", "))
            };
            self.line(&format!("{} = {}{options};", value.name(), value.number()));
        }
        self.depth -= 1;
        self.line("}");
    }

    /// `reserved` ranges (inclusive ends) and names.
    fn reserved(&mut self, ranges: Vec<(i32, i32)>, names: &[String]) {
        if !ranges.is_empty() {
            let list: Vec<String> = ranges.into_iter().map(|(a, b)| span(a, b)).collect();
            self.line(&format!("reserved {};", list.join(", ")));
        }
        if !names.is_empty() {
            let list: Vec<String> = names.iter().map(|n| quote(n)).collect();
            self.line(&format!("reserved {};", list.join(", ")));
        }
    }

    fn extensions(&mut self, extensions: &[prost_reflect::ExtensionDescriptor]) {
        let mut extendees: Vec<String> = Vec::new();
        for e in extensions {
            let name = e.containing_message().full_name().to_owned();
            if !extendees.contains(&name) {
                extendees.push(name);
            }
        }
        for extendee in extendees {
            self.line(&format!("extend .{extendee} {{"));
            self.depth += 1;
            for e in extensions
                .iter()
                .filter(|e| e.containing_message().full_name() == extendee)
            {
                let proto = e.field_descriptor_proto();
                let label = match proto.label() {
                    Label::Repeated => "repeated ",
                    Label::Required => "required ",
                    Label::Optional if e.parent_file().syntax() == Syntax::Proto2 => "optional ",
                    Label::Optional => "",
                };
                let ty = type_name(&e.kind());
                let options = option_list(&e.options());
                let options = if options.is_empty() {
                    String::new()
                } else {
                    format!(" [{}]", options.join(", "))
                };
                self.line(&format!(
                    "{label}{ty} {} = {}{options};",
                    e.name(),
                    e.number()
                ));
            }
            self.depth -= 1;
            self.line("}");
        }
    }
}

fn label(field: &FieldDescriptor) -> &'static str {
    if field.is_map() {
        return "";
    }
    match field.field_descriptor_proto().label() {
        Label::Repeated => "repeated ",
        Label::Required => "required ",
        Label::Optional if field.field_descriptor_proto().proto3_optional() => "optional ",
        Label::Optional if field.parent_file().syntax() == Syntax::Proto2 => "optional ",
        Label::Optional => "",
    }
}

fn field_line(field: &FieldDescriptor, label: &str, name: &str) -> String {
    let ty = if field.is_map() {
        let Kind::Message(entry) = field.kind() else {
            unreachable!("a map field's kind is its entry message")
        };
        format!(
            "map<{}, {}>",
            type_name(&entry.map_entry_key_field().kind()),
            type_name(&entry.map_entry_value_field().kind())
        )
    } else {
        type_name(&field.kind())
    };
    let proto = field.field_descriptor_proto();
    let mut options = Vec::new();
    if let Some(default) = &proto.default_value {
        let value = match field.kind() {
            Kind::String | Kind::Bytes => quote(default),
            _ => default.clone(),
        };
        options.push(format!("default = {value}"));
    }
    if proto.json_name.is_some() && field.json_name() != super::canonical::json_name(name) {
        options.push(format!("json_name = {}", quote(field.json_name())));
    }
    options.extend(option_list(&field.options()));
    let options = if options.is_empty() {
        String::new()
    } else {
        format!(" [{}]", options.join(", "))
    };
    format!("{label}{ty} {name} = {}{options};", field.number())
}

fn type_name(kind: &Kind) -> String {
    match kind {
        Kind::Double => "double".into(),
        Kind::Float => "float".into(),
        Kind::Int32 => "int32".into(),
        Kind::Int64 => "int64".into(),
        Kind::Uint32 => "uint32".into(),
        Kind::Uint64 => "uint64".into(),
        Kind::Sint32 => "sint32".into(),
        Kind::Sint64 => "sint64".into(),
        Kind::Fixed32 => "fixed32".into(),
        Kind::Fixed64 => "fixed64".into(),
        Kind::Sfixed32 => "sfixed32".into(),
        Kind::Sfixed64 => "sfixed64".into(),
        Kind::Bool => "bool".into(),
        Kind::String => "string".into(),
        Kind::Bytes => "bytes".into(),
        Kind::Message(m) => format!(".{}", m.full_name()),
        Kind::Enum(e) => format!(".{}", e.full_name()),
    }
}

fn span(start: i32, end: i32) -> String {
    match (start == end, end) {
        (true, _) => start.to_string(),
        (false, 536_870_911 | 2_147_483_647) => format!("{start} to max"),
        (false, _) => format!("{start} to {end}"),
    }
}

/// The options set in `options` (an `*Options` message), as `name = value` (extension options
/// as `(full.name) = value`).
fn option_list(options: &DynamicMessage) -> Vec<String> {
    let mut out = Vec::new();
    for (field, value) in options.fields() {
        if field.name() == "uninterpreted_option" {
            continue;
        }
        push_values(&mut out, field.name(), &field.kind(), value);
    }
    for (extension, value) in options.extensions() {
        let name = format!("({})", extension.full_name());
        push_values(&mut out, &name, &extension.kind(), value);
    }
    out
}

fn push_values(out: &mut Vec<String>, name: &str, kind: &Kind, value: &Value) {
    match value {
        Value::List(items) => {
            for item in items {
                out.push(format!("{name} = {}", value_text(kind, item)));
            }
        }
        other => out.push(format!("{name} = {}", value_text(kind, other))),
    }
}

fn value_text(kind: &Kind, value: &Value) -> String {
    match value {
        Value::Bool(b) => b.to_string(),
        Value::I32(n) => n.to_string(),
        Value::I64(n) => n.to_string(),
        Value::U32(n) => n.to_string(),
        Value::U64(n) => n.to_string(),
        Value::F32(n) => float_text(f64::from(*n)),
        Value::F64(n) => float_text(*n),
        Value::String(s) => quote(s),
        Value::Bytes(b) => quote_bytes(b),
        Value::EnumNumber(n) => match kind {
            Kind::Enum(e) => e
                .get_value(*n)
                .map_or_else(|| n.to_string(), |v| v.name().to_owned()),
            _ => n.to_string(),
        },
        Value::Message(m) => format!("{{ {} }}", m.to_text_format()),
        Value::List(_) | Value::Map(_) => String::new(),
    }
}

fn float_text(n: f64) -> String {
    if n.is_nan() {
        "nan".into()
    } else if n.is_infinite() {
        if n > 0.0 { "inf".into() } else { "-inf".into() }
    } else {
        n.to_string()
    }
}

fn quote(s: &str) -> String {
    quote_bytes(s.as_bytes())
}

/// A string literal: printable ASCII as is, the rest octal-escaped (valid in every syntax).
fn quote_bytes(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() + 2);
    out.push('"');
    for &b in bytes {
        match b {
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            b'\n' => out.push_str("\\n"),
            0x20..=0x7e => out.push(b as char),
            _ => {
                let _ = write!(out, "\\{b:03o}");
            }
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protobuf::canonical::canonical;
    use crate::protobuf::compile::compile;

    #[test]
    fn printed_text_compiles_to_the_same_descriptor() {
        let texts = [
            "syntax = \"proto3\";\npackage p.q;\nimport \"google/protobuf/timestamp.proto\";\nimport \"confluent/meta.proto\";\noption java_package = \"x.y\";\noption optimize_for = SPEED;\nmessage M {\n  option (confluent.message_meta) = { doc: \"a message\" tags: [\"PII\"] };\n  reserved 5, 9 to 11, 100 to max;\n  reserved \"old\";\n  optional string a = 1 [deprecated = true, json_name = \"A\"];\n  map<string, N> m = 2;\n  oneof choice { int32 i = 3; N n = 4 [(confluent.field_meta).doc = \"n\"]; }\n  repeated google.protobuf.Timestamp at = 6;\n  message N { bytes b = 1; E e = 2; }\n  enum E { option allow_alias = true; Z = 0; ONE = 1; UNO = 1 [deprecated = true]; reserved 7; }\n}\nservice S { rpc Get (M) returns (stream M.N); }\n",
            "syntax = \"proto2\";\nmessage A {\n  required int32 x = 1 [default = 7];\n  optional string s = 2 [default = \"q\\\"uote\"];\n  extensions 100 to 199;\n}\nextend A { optional int32 more = 100; }\n",
        ];
        for text in texts {
            let first = compile(text, &[]).unwrap();
            let printed = print(&first.file);
            let again = compile(&printed, &[]).unwrap_or_else(|e| panic!("{e}\n{printed}"));
            assert_eq!(
                canonical(&first.file.encode_to_vec()),
                canonical(&again.file.encode_to_vec()),
                "{printed}"
            );
        }
    }
}
