//! Confluent's Protobuf compatibility rules (`SchemaDiff`, `MessageSchemaDiff`,
//! `FieldSchemaDiff`, `OneOfDiff`, `EnumSchemaDiff` of its protobuf provider), on compiled
//! descriptors: every difference between an original and an updated schema, with its path
//! (`#/TestMessage/2`); the schemas are compatible when each difference is one Confluent lists
//! as compatible. Named types are compared again when they come from a different reference (or
//! a built-in file), so a change inside an imported dependency is found where it is used.
//!
//! Descriptors differ from Confluent's parsed elements in two ways this module hides: map fields
//! are nested `map_entry` messages (skipped as types, compared as `map<K, V>`), and proto3
//! `optional` fields sit in synthetic oneofs (not oneofs to Confluent).

mod types;

use std::collections::{BTreeMap, BTreeSet, HashMap};

use prost_types::field_descriptor_proto::Label as ProtoLabel;
use prost_types::{DescriptorProto, EnumDescriptorProto, FieldDescriptorProto};

use self::types::{Def, FieldType, Types, is_map_entry, is_proto3};
use super::SourceFile;
use super::kind::ProtobufDifference as D;
use crate::budget::{Budget, Exceeded};

/// One difference and where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference {
    pub kind: D,
    pub path: String,
}

/// Every difference from `original` to `update` (each the main file first, then the files it
/// imports), within `budget`.
///
/// # Errors
/// When the comparison needs more work than the budget allows.
pub fn compare(
    original: &[SourceFile],
    update: &[SourceFile],
    budget: &mut Budget,
) -> Result<Vec<Difference>, Exceeded> {
    let (Some(o), Some(u)) = (original.first(), update.first()) else {
        return Ok(Vec::new());
    };
    let (o_types, u_types) = (Types::collect(original), Types::collect(update));
    let mut cx = Cx {
        original: &o_types,
        update: &u_types,
        path: Vec::new(),
        in_progress: Vec::new(),
        diffs: Vec::new(),
        budget,
    };
    let (o, u) = (
        o.descriptor.file_descriptor_proto(),
        u.descriptor.file_descriptor_proto(),
    );
    if o.package() != u.package() {
        cx.add(D::PackageChanged);
    }
    let (op, up) = (is_proto3(o.syntax()), is_proto3(u.syntax()));
    cx.compare_types(
        Scope::new(&o.message_type, &o.enum_type, op),
        Scope::new(&u.message_type, &u.enum_type, up),
    )?;
    Ok(cx.diffs)
}

/// The messages and enums declared in one scope (a file or a message), map entries left out.
#[derive(Clone, Copy)]
struct Scope<'a> {
    messages: &'a [DescriptorProto],
    enums: &'a [EnumDescriptorProto],
    proto3: bool,
}

impl<'a> Scope<'a> {
    fn new(
        messages: &'a [DescriptorProto],
        enums: &'a [EnumDescriptorProto],
        proto3: bool,
    ) -> Self {
        Self {
            messages,
            enums,
            proto3,
        }
    }
}

/// A message with the syntax of its file (which decides what an unlabelled field is).
#[derive(Clone, Copy)]
struct Side<'a> {
    message: &'a DescriptorProto,
    proto3: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Label {
    Optional,
    Required,
    Repeated,
}

impl<'a> Side<'a> {
    /// The label as Confluent's parser sees it: none for an unlabelled proto3 field.
    fn label(&self, field: &FieldDescriptorProto) -> Option<Label> {
        match field.label() {
            ProtoLabel::Repeated => Some(Label::Repeated),
            ProtoLabel::Required => Some(Label::Required),
            ProtoLabel::Optional if !self.proto3 || field.proto3_optional() => {
                Some(Label::Optional)
            }
            ProtoLabel::Optional => None,
        }
    }

    /// The field's real oneof (not the synthetic one of a proto3 `optional`), by name.
    fn oneof_of(&self, field: &FieldDescriptorProto) -> Option<&'a str> {
        if field.proto3_optional() {
            return None;
        }
        let index = usize::try_from(field.oneof_index?).ok()?;
        self.message
            .oneof_decl
            .get(index)
            .map(prost_types::OneofDescriptorProto::name)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Scalar,
    Map,
    Message,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ScalarKind {
    GeneralNumber,
    SignedNumber,
    StringOrBytes,
    Fixed32,
    Fixed64,
    Float,
    Double,
}

impl ScalarKind {
    fn of(name: &str) -> Self {
        match name {
            "sint32" | "sint64" => Self::SignedNumber,
            "string" | "bytes" => Self::StringOrBytes,
            "fixed32" | "sfixed32" => Self::Fixed32,
            "fixed64" | "sfixed64" => Self::Fixed64,
            "float" => Self::Float,
            "double" => Self::Double,
            _ => Self::GeneralNumber,
        }
    }
}

/// A field's type with map entries seen as maps.
#[derive(Clone, Copy)]
enum Resolved<'a> {
    Plain(FieldType<'a>),
    Map(&'a FieldDescriptorProto, &'a FieldDescriptorProto),
}

struct Cx<'t, 'a> {
    original: &'t Types<'a>,
    update: &'t Types<'a>,
    path: Vec<String>,
    /// The original messages being compared (Confluent's `SchemaScope`: a recursive type is
    /// compared once).
    in_progress: Vec<*const DescriptorProto>,
    diffs: Vec<Difference>,
    budget: &'t mut Budget,
}

impl<'a> Cx<'_, 'a> {
    fn add(&mut self, kind: D) {
        self.diffs.push(Difference {
            kind,
            path: format!("#/{}", self.path.join("/")),
        });
    }

    fn within<T>(&mut self, segment: impl Into<String>, f: impl FnOnce(&mut Self) -> T) -> T {
        self.path.push(segment.into());
        let out = f(self);
        self.path.pop();
        out
    }

    fn compare_types(&mut self, original: Scope<'a>, update: Scope<'a>) -> Result<(), Exceeded> {
        let index = |scope: Scope<'a>| -> BTreeMap<&'a str, (usize, &'a DescriptorProto)> {
            scope
                .messages
                .iter()
                .filter(|m| !is_map_entry(m))
                .enumerate()
                .map(|(i, m)| (m.name(), (i, m)))
                .collect()
        };
        let (om, um) = (index(original), index(update));
        let names: BTreeSet<&str> = om.keys().chain(um.keys()).copied().collect();
        for name in names {
            self.budget.step()?;
            self.within(name, |cx| -> Result<(), Exceeded> {
                match (om.get(name), um.get(name)) {
                    (Some(_), None) => cx.add(D::MessageRemoved),
                    (None, Some(_)) => cx.add(D::MessageAdded),
                    (Some(&(oi, o)), Some(&(ui, u))) => {
                        cx.compare_messages(
                            Side {
                                message: o,
                                proto3: original.proto3,
                            },
                            Side {
                                message: u,
                                proto3: update.proto3,
                            },
                        )?;
                        if oi != ui {
                            cx.add(D::MessageMoved);
                        }
                    }
                    (None, None) => {}
                }
                Ok(())
            })?;
        }
        let enums = |scope: Scope<'a>| -> BTreeMap<&'a str, &'a EnumDescriptorProto> {
            scope.enums.iter().map(|e| (e.name(), e)).collect()
        };
        let (oe, ue) = (enums(original), enums(update));
        let names: BTreeSet<&str> = oe.keys().chain(ue.keys()).copied().collect();
        for name in names {
            self.budget.step()?;
            self.within(name, |cx| match (oe.get(name), ue.get(name)) {
                (Some(_), None) => cx.add(D::EnumRemoved),
                (None, Some(_)) => cx.add(D::EnumAdded),
                (Some(o), Some(u)) => cx.compare_enums(o, u),
                (None, None) => {}
            });
        }
        Ok(())
    }

    fn compare_enums(&mut self, original: &EnumDescriptorProto, update: &EnumDescriptorProto) {
        let by_number = |e: &EnumDescriptorProto| -> BTreeMap<i32, String> {
            e.value
                .iter()
                .map(|v| (v.number(), v.name().to_owned()))
                .collect()
        };
        let (o, u) = (by_number(original), by_number(update));
        let numbers: BTreeSet<i32> = o.keys().chain(u.keys()).copied().collect();
        for n in numbers {
            self.within(n.to_string(), |cx| match (o.get(&n), u.get(&n)) {
                (Some(_), None) => cx.add(D::EnumConstRemoved),
                (None, Some(_)) => cx.add(D::EnumConstAdded),
                (Some(a), Some(b)) if a != b => cx.add(D::EnumConstChanged),
                _ => {}
            });
        }
    }

    fn compare_messages(&mut self, original: Side<'a>, update: Side<'a>) -> Result<(), Exceeded> {
        let key: *const DescriptorProto = original.message;
        if !self.in_progress.contains(&key) {
            self.in_progress.push(key);
            let fields = self.compare_fields(original, update);
            self.in_progress.retain(|k| *k != key);
            fields?;
        }
        let (o, u) = (original.message, update.message);
        self.compare_types(
            Scope::new(&o.nested_type, &o.enum_type, original.proto3),
            Scope::new(&u.nested_type, &u.enum_type, update.proto3),
        )
    }

    fn compare_fields(&mut self, original: Side<'a>, update: Side<'a>) -> Result<(), Exceeded> {
        type ByTag<'a> = BTreeMap<i32, &'a FieldDescriptorProto>;
        let top = |side: Side<'a>| -> ByTag<'a> {
            side.message
                .field
                .iter()
                .filter(|f| side.oneof_of(f).is_none())
                .map(|f| (f.number(), f))
                .collect()
        };
        let all = |side: Side<'a>| -> ByTag<'a> {
            side.message.field.iter().map(|f| (f.number(), f)).collect()
        };
        let oneofs = |side: Side<'a>| -> BTreeMap<&'a str, ByTag<'a>> {
            let mut out: BTreeMap<&str, ByTag> = BTreeMap::new();
            for f in &side.message.field {
                if let Some(name) = side.oneof_of(f) {
                    out.entry(name).or_default().insert(f.number(), f);
                }
            }
            out
        };
        let (mut o_top, u_top) = (top(original), top(update));
        let (o_all, u_all) = (all(original), all(update));
        let (o_oneofs, u_oneofs) = (oneofs(original), oneofs(update));
        let o_in_oneof: HashMap<i32, &str> = o_oneofs
            .iter()
            .flat_map(|(name, fields)| fields.keys().map(move |t| (*t, *name)))
            .collect();
        let u_in_oneof: HashMap<i32, &str> = u_oneofs
            .iter()
            .flat_map(|(name, fields)| fields.keys().map(move |t| (*t, *name)))
            .collect();

        for (name, fields) in &u_oneofs {
            let (mut moved, mut existing) = (0, 0);
            for tag in fields.keys() {
                if o_top.remove(tag).is_some() {
                    moved += 1;
                } else if o_in_oneof.contains_key(tag) {
                    existing += 1;
                }
            }
            self.within(*name, |cx| {
                if moved > 1 {
                    cx.add(D::MultipleFieldsMovedToOneof);
                } else if moved == 1 && existing > 0 {
                    cx.add(D::FieldMovedToExistingOneof);
                }
            });
        }
        let names: BTreeSet<&str> = o_oneofs.keys().chain(u_oneofs.keys()).copied().collect();
        for name in names {
            self.within(name, |cx| -> Result<(), Exceeded> {
                match (o_oneofs.get(name), u_oneofs.get(name)) {
                    (Some(_), None) => cx.add(D::OneofRemoved),
                    (None, Some(_)) => cx.add(D::OneofAdded),
                    (Some(o), Some(u)) => {
                        let tags: BTreeSet<i32> = o.keys().chain(u.keys()).copied().collect();
                        for tag in tags {
                            cx.within(tag.to_string(), |cx| match (o.get(&tag), u.get(&tag)) {
                                (Some(_), None) if !u_all.contains_key(&tag) => {
                                    cx.add(D::OneofFieldRemoved);
                                    Ok(())
                                }
                                (None, Some(_)) => {
                                    cx.add(D::OneofFieldAdded);
                                    Ok(())
                                }
                                (Some(a), Some(b)) => cx.compare_field(original, a, update, b),
                                _ => Ok(()),
                            })?;
                        }
                    }
                    (None, None) => {}
                }
                Ok(())
            })?;
        }
        let tags: BTreeSet<i32> = o_top.keys().chain(u_top.keys()).copied().collect();
        for tag in tags {
            self.within(tag.to_string(), |cx| {
                match (o_top.get(&tag), u_top.get(&tag)) {
                    (Some(f), None) => {
                        let required = f.label() == ProtoLabel::Required;
                        cx.add(if required {
                            D::RequiredFieldRemoved
                        } else {
                            D::FieldRemoved
                        });
                        Ok(())
                    }
                    (None, Some(f)) => {
                        let required = f.label() == ProtoLabel::Required;
                        cx.add(if required {
                            D::RequiredFieldAdded
                        } else {
                            D::FieldAdded
                        });
                        Ok(())
                    }
                    (Some(a), Some(b)) => cx.compare_field(original, a, update, b),
                    (None, None) => Ok(()),
                }
            })?;
        }
        // Fields whose oneof membership changed are compared by tag too.
        for (tag, a) in &o_all {
            let Some(b) = u_all.get(tag) else { continue };
            let (oo, uo) = (o_in_oneof.get(tag), u_in_oneof.get(tag));
            if (oo.is_none() && uo.is_none()) || (oo.is_some() && oo == uo) {
                continue;
            }
            self.within(tag.to_string(), |cx| {
                cx.compare_field(original, a, update, b)
            })?;
        }
        Ok(())
    }

    fn compare_field(
        &mut self,
        os: Side<'a>,
        o: &'a FieldDescriptorProto,
        us: Side<'a>,
        u: &'a FieldDescriptorProto,
    ) -> Result<(), Exceeded> {
        self.budget.step()?;
        if o.name() != u.name() {
            self.add(D::FieldNameChanged);
        }
        self.compare_labels_and_types(os.label(o), us.label(u), FieldType::of(o), FieldType::of(u))
    }

    fn resolve(types: &Types<'a>, ty: FieldType<'a>) -> (Kind, Resolved<'a>) {
        match ty {
            FieldType::Scalar(_) => (Kind::Scalar, Resolved::Plain(ty)),
            FieldType::Named(name) => {
                if let Some((k, v)) = types.map_entry(name) {
                    return (Kind::Map, Resolved::Map(k, v));
                }
                let enum_type = types.get(name).is_some_and(types::TypeInfo::is_enum);
                let kind = if enum_type {
                    Kind::Scalar
                } else {
                    Kind::Message
                };
                (kind, Resolved::Plain(ty))
            }
        }
    }

    /// An enum is a number to Confluent.
    fn scalar_kind(ty: FieldType<'a>) -> ScalarKind {
        match ty {
            FieldType::Scalar(name) => ScalarKind::of(name),
            FieldType::Named(_) => ScalarKind::GeneralNumber,
        }
    }

    fn compare_labels_and_types(
        &mut self,
        ol: Option<Label>,
        ul: Option<Label>,
        ot: FieldType<'a>,
        ut: FieldType<'a>,
    ) -> Result<(), Exceeded> {
        let (ok, or) = Self::resolve(self.original, ot);
        let (uk, ur) = Self::resolve(self.update, ut);
        if ok != uk {
            self.add(D::FieldKindChanged);
            return Ok(());
        }
        match (or, ur) {
            (Resolved::Map(ok, ov), Resolved::Map(uk, uv)) => {
                self.compare_labels_and_types(None, None, FieldType::of(ok), FieldType::of(uk))?;
                self.compare_labels_and_types(None, None, FieldType::of(ov), FieldType::of(uv))
            }
            (Resolved::Plain(o), Resolved::Plain(u)) if ok == Kind::Scalar => {
                let (a, b) = (Self::scalar_kind(o), Self::scalar_kind(u));
                if a != b {
                    self.add(D::FieldScalarKindChanged);
                } else if ol.is_some() && ul.is_some() && ol != ul {
                    self.add(if a == ScalarKind::StringOrBytes {
                        D::FieldStringOrBytesLabelChanged
                    } else {
                        D::FieldNumericLabelChanged
                    });
                }
                Ok(())
            }
            (Resolved::Plain(FieldType::Named(o)), Resolved::Plain(FieldType::Named(u))) => {
                self.compare_message_types(o, u)
            }
            _ => Ok(()),
        }
    }

    fn compare_message_types(
        &mut self,
        original: &'a str,
        update: &'a str,
    ) -> Result<(), Exceeded> {
        let (Some(ot), Some(ut)) = (self.original.get(original), self.update.get(update)) else {
            if original != update {
                self.add(D::FieldNamedTypeChanged);
            }
            return Ok(());
        };
        let local = |full: &'a str, package: &str| -> &'a str {
            if package.is_empty() {
                full
            } else {
                full.strip_prefix(package)
                    .and_then(|rest| rest.strip_prefix('.'))
                    .unwrap_or(full)
            }
        };
        let (ol, ul) = (local(original, ot.package), local(update, ut.package));
        if ol != ul {
            self.add(D::FieldNamedTypeChanged);
            return Ok(());
        }
        if ot.origin.same_as(ut.origin) {
            return Ok(());
        }
        let (Def::Message(om), Def::Message(um)) = (ot.def, ut.def) else {
            return Ok(());
        };
        let mut sub = Cx {
            original: self.original,
            update: self.update,
            path: ol.split('.').map(str::to_owned).collect(),
            in_progress: self.in_progress.clone(),
            diffs: Vec::new(),
            budget: &mut *self.budget,
        };
        sub.compare_messages(
            Side {
                message: om,
                proto3: ot.proto3,
            },
            Side {
                message: um,
                proto3: ut.proto3,
            },
        )?;
        let diffs = sub.diffs;
        let compatible = diffs.iter().all(|d| d.kind.is_compatible());
        self.diffs.extend(diffs);
        if !compatible {
            self.add(D::FieldNamedTypeChanged);
        }
        Ok(())
    }
}
