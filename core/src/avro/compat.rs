//! Avro reader/writer compatibility, following the rules of Avro's Java `SchemaCompatibility`
//! (the checker Confluent uses): schema resolution as the specification defines it, with every
//! incompatibility collected, located by a JSON pointer into the reader schema.

use std::collections::{HashMap, HashSet};

pub use super::incompatibility::AvroIncompatibility;
use super::model::{AvroSchema, Field, NamedId, NamedKind, NamedType, Node, Primitive};
use crate::budget::{Budget, Exceeded};
use crate::incompatibility::{Incompatibility, IncompatibilityKind};

/// What keeps `reader` from reading data written with `writer`, within `budget`.
///
/// # Errors
/// When the check needs more work than the budget allows.
pub fn check(
    reader: &AvroSchema,
    writer: &AvroSchema,
    budget: &mut Budget,
) -> Result<Vec<Incompatibility>, Exceeded> {
    let mut checker = Checker {
        reader,
        writer,
        memo: HashMap::new(),
        location: Vec::new(),
        budget,
        failed: None,
    };
    let found = checker.compat(&reader.root, &writer.root);
    match checker.failed {
        Some(e) => Err(e),
        None => Ok(found),
    }
}

/// The type of a node as the checker compares it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Primitive(Primitive),
    Array,
    Map,
    Union,
    Record,
    Enum,
    Fixed,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Self::Primitive(p) => p.name(),
            Self::Array => "array",
            Self::Map => "map",
            Self::Union => "union",
            Self::Record => "record",
            Self::Enum => "enum",
            Self::Fixed => "fixed",
        }
    }
}

struct Checker<'a> {
    reader: &'a AvroSchema,
    writer: &'a AvroSchema,
    /// Results for pairs of named types; `None` while a pair is being checked, so that recursive
    /// types terminate (a pair met again inside itself is taken as compatible, as in Java).
    memo: HashMap<(NamedId, NamedId), Option<Vec<Incompatibility>>>,
    location: Vec<String>,
    budget: &'a mut Budget,
    /// Why the check stopped early (it then winds down, answering nothing more).
    failed: Option<Exceeded>,
}

fn kind_of(schema: &AvroSchema, node: &Node) -> Kind {
    match node {
        Node::Primitive { kind, .. } => Kind::Primitive(*kind),
        Node::Array { .. } => Kind::Array,
        Node::Map { .. } => Kind::Map,
        Node::Union(_) => Kind::Union,
        Node::Named { id, .. } => match schema.named[*id].kind {
            NamedKind::Record { .. } => Kind::Record,
            NamedKind::Enum { .. } => Kind::Enum,
            NamedKind::Fixed { .. } => Kind::Fixed,
        },
    }
}

impl<'a> Checker<'a> {
    fn incompatible(&self, kind: AvroIncompatibility, message: String) -> Vec<Incompatibility> {
        vec![Incompatibility {
            kind: IncompatibilityKind::Avro(kind),
            location: format!("/{}", self.location.join("/")),
            message,
        }]
    }

    fn at<T>(&mut self, token: &str, f: impl FnOnce(&mut Self) -> T) -> T {
        self.location.push(token.to_owned());
        let out = f(self);
        self.location.pop();
        out
    }

    fn compat(&mut self, r: &Node, w: &Node) -> Vec<Incompatibility> {
        if self.failed.is_some() {
            return Vec::new();
        }
        if let Err(e) = self.budget.step() {
            self.failed = Some(e);
            return Vec::new();
        }
        if let (Node::Named { id: rid, .. }, Node::Named { id: wid, .. }) = (r, w) {
            match self.memo.get(&(*rid, *wid)) {
                Some(None) => return Vec::new(),
                Some(Some(done)) => return done.clone(),
                None => {}
            }
            self.memo.insert((*rid, *wid), None);
            let result = self.calculate(r, w);
            self.memo.insert((*rid, *wid), Some(result.clone()));
            return result;
        }
        self.calculate(r, w)
    }

    fn calculate(&mut self, r: &Node, w: &Node) -> Vec<Incompatibility> {
        let (rk, wk) = (kind_of(self.reader, r), kind_of(self.writer, w));
        if rk == wk {
            return self.same_kind(r, w, rk);
        }
        // A writer union: every branch the writer may use must be readable.
        if let Node::Union(branches) = w {
            let mut out = Vec::new();
            for (i, branch) in branches.iter().enumerate() {
                out.extend(self.at(&i.to_string(), |c| c.compat(r, branch)));
            }
            return out;
        }
        match (rk, wk) {
            (Kind::Primitive(Primitive::Long), Kind::Primitive(Primitive::Int))
            | (
                Kind::Primitive(Primitive::Float),
                Kind::Primitive(Primitive::Int | Primitive::Long),
            )
            | (
                Kind::Primitive(Primitive::Double),
                Kind::Primitive(Primitive::Int | Primitive::Long | Primitive::Float),
            )
            | (Kind::Primitive(Primitive::Bytes), Kind::Primitive(Primitive::String))
            | (Kind::Primitive(Primitive::String), Kind::Primitive(Primitive::Bytes)) => Vec::new(),
            (Kind::Union, _) => {
                let Node::Union(branches) = r else {
                    unreachable!("kind_of said union")
                };
                if branches.iter().any(|b| self.compat(b, w).is_empty()) {
                    Vec::new()
                } else {
                    self.incompatible(
                        AvroIncompatibility::MissingUnionBranch,
                        format!("reader union lacking writer type: {}", wk.name()),
                    )
                }
            }
            _ => self.type_mismatch(rk, wk),
        }
    }

    fn type_mismatch(&self, rk: Kind, wk: Kind) -> Vec<Incompatibility> {
        self.incompatible(
            AvroIncompatibility::TypeMismatch,
            format!(
                "reader type: {} not compatible with writer type: {}",
                rk.name(),
                wk.name()
            ),
        )
    }

    fn same_kind(&mut self, r: &Node, w: &Node, kind: Kind) -> Vec<Incompatibility> {
        match (r, w) {
            (Node::Array { items: ri, .. }, Node::Array { items: wi, .. }) => {
                self.at("items", |c| c.compat(ri, wi))
            }
            (Node::Map { values: rv, .. }, Node::Map { values: wv, .. }) => {
                self.at("values", |c| c.compat(rv, wv))
            }
            (Node::Union(_), Node::Union(wb)) => {
                let mut out = Vec::new();
                for (i, branch) in wb.iter().enumerate() {
                    self.at(&i.to_string(), |c| {
                        if !c.compat(r, branch).is_empty() {
                            let wk = kind_of(c.writer, branch);
                            out.extend(c.incompatible(
                                AvroIncompatibility::MissingUnionBranch,
                                format!("reader union lacking writer type: {}", wk.name()),
                            ));
                        }
                    });
                }
                out
            }
            (Node::Named { id: rid, .. }, Node::Named { id: wid, .. }) => self.named(*rid, *wid),
            _ => {
                debug_assert!(matches!(kind, Kind::Primitive(_)));
                Vec::new()
            }
        }
    }

    fn named(&mut self, rid: NamedId, wid: NamedId) -> Vec<Incompatibility> {
        // Borrowed from the schemas (lifetime 'a), not from `self`, so no copies are needed.
        let (reader, writer): (&'a AvroSchema, &'a AvroSchema) = (self.reader, self.writer);
        let (rn, wn) = (&reader.named[rid], &writer.named[wid]);
        let mut out = self.check_names(rn, wn);
        match (&rn.kind, &wn.kind) {
            (NamedKind::Fixed { size: rs }, NamedKind::Fixed { size: ws }) if rs != ws => {
                out.extend(self.at("size", |c| {
                    c.incompatible(
                        AvroIncompatibility::FixedSizeMismatch,
                        format!("expected: {ws}, found: {rs}"),
                    )
                }));
            }
            (
                NamedKind::Enum {
                    symbols: rs,
                    default,
                },
                NamedKind::Enum { symbols: ws, .. },
            ) => {
                let known: HashSet<&String> = rs.iter().collect();
                let mut missing: Vec<&String> = ws.iter().filter(|s| !known.contains(s)).collect();
                missing.sort();
                if !missing.is_empty() && default.is_none() {
                    let list = missing
                        .iter()
                        .map(|s| s.as_str())
                        .collect::<Vec<_>>()
                        .join(", ");
                    out.extend(self.at("symbols", |c| {
                        c.incompatible(AvroIncompatibility::MissingEnumSymbols, format!("[{list}]"))
                    }));
                }
            }
            (NamedKind::Record { fields: rf, .. }, NamedKind::Record { fields: wf, .. }) => {
                out.extend(self.at("fields", |c| c.record_fields(rf, wf, wid)));
            }
            _ => {}
        }
        out
    }

    fn check_names(&mut self, rn: &NamedType, wn: &NamedType) -> Vec<Incompatibility> {
        // Java compares the unqualified names, or finds the writer's full name among the
        // reader's aliases.
        if rn.short_name() == wn.short_name() || rn.aliases.contains(&wn.fullname) {
            return Vec::new();
        }
        let expected = wn.fullname.clone();
        self.at("name", |c| {
            c.incompatible(
                AvroIncompatibility::NameMismatch,
                format!("expected: {expected}"),
            )
        })
    }

    fn record_fields(
        &mut self,
        reader_fields: &[Field],
        writer_fields: &[Field],
        writer_id: NamedId,
    ) -> Vec<Incompatibility> {
        let mut out = Vec::new();
        // Fields mostly keep their places: the writer's field at the same position is tried
        // first, and the writer's fields are indexed by name only when that misses.
        let mut by_name: Option<HashMap<&str, &Field>> = None;
        for (pos, rf) in reader_fields.iter().enumerate() {
            let wf = match writer_fields.get(pos) {
                Some(w) if w.name == rf.name => Some(w),
                _ => {
                    let by_name = by_name.get_or_insert_with(|| {
                        writer_fields.iter().map(|f| (f.name.as_str(), f)).collect()
                    });
                    by_name.get(rf.name.as_str()).copied().or_else(|| {
                        rf.aliases
                            .iter()
                            .find_map(|a| by_name.get(a.as_str()).copied())
                    })
                }
            };
            self.at(&pos.to_string(), |c| match wf {
                Some(wf) => out.extend(c.at("type", |c| c.compat(&rf.ty, &wf.ty))),
                None if rf.default.is_some() => {}
                None => {
                    // Java: a reader enum with its own default is checked against the writer
                    // record itself (which fails as a type mismatch); otherwise a missing default.
                    let enum_with_default = matches!(&rf.ty, Node::Named { id, .. }
                        if matches!(c.reader.named[*id].kind, NamedKind::Enum { default: Some(_), .. }));
                    if enum_with_default {
                        let writer_record = Node::Named { id: writer_id, definition: false };
                        out.extend(c.at("type", |c| c.compat(&rf.ty, &writer_record)));
                    } else {
                        out.extend(c.incompatible(
                            AvroIncompatibility::ReaderFieldMissingDefaultValue,
                            format!("reader field '{}' has no default value and is missing from the writer schema", rf.name),
                        ));
                    }
                }
            });
        }
        out
    }
}
