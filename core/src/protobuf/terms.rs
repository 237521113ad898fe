//! What the search index takes from a Protobuf schema: the package, message, field, oneof,
//! enum, enum value, service and method names, and the comments as docs. The text is parsed
//! alone (imports are not needed to know the names it declares).

use prost_types::{DescriptorProto, EnumDescriptorProto};

use crate::terms::TermSink;

pub(super) fn collect(text: &str, sink: &mut TermSink) {
    let Ok(file) = protox_parse::parse(super::compile::DEFAULT_NAME, text) else {
        return;
    };
    for part in file.package().split('.').filter(|p| !p.is_empty()) {
        sink.name(part);
    }
    for message in &file.message_type {
        message_terms(message, sink);
    }
    for e in &file.enum_type {
        enum_terms(e, sink);
    }
    for service in &file.service {
        sink.name(service.name());
        for method in &service.method {
            sink.name(method.name());
        }
    }
    if let Some(info) = &file.source_code_info {
        for location in &info.location {
            for comment in location
                .leading_comments
                .iter()
                .chain(location.trailing_comments.iter())
                .chain(location.leading_detached_comments.iter())
            {
                sink.doc(comment);
            }
        }
    }
}

fn message_terms(message: &DescriptorProto, sink: &mut TermSink) {
    sink.name(message.name());
    for field in &message.field {
        sink.name(field.name());
    }
    for oneof in &message.oneof_decl {
        sink.name(oneof.name());
    }
    for nested in &message.nested_type {
        message_terms(nested, sink);
    }
    for e in &message.enum_type {
        enum_terms(e, sink);
    }
}

fn enum_terms(e: &EnumDescriptorProto, sink: &mut TermSink) {
    sink.name(e.name());
    for value in &e.value {
        sink.name(value.name());
    }
}
