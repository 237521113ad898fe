//! Checking a datum written in Avro's JSON encoding against a parsed schema, with a path and a
//! message for every problem found.
//!
//! Unions take the specification's encoding (`null`, or `{"branch": value}` with the branch's
//! type name) and, for convenience, a bare value that fits a branch, as most producers write it.
//! Field defaults use the same check (a default is written as a bare value).

use serde_json::Value;

use super::model::{AvroSchema, NamedKind, Node, Primitive};
use crate::issue::ValidationIssue;

/// Collects every problem of `datum` against the schema's root.
pub fn validate(schema: &AvroSchema, datum: &Value) -> Vec<ValidationIssue> {
    let mut issues = Vec::new();
    Checker {
        schema,
        issues: Some(&mut issues),
        depth: 0,
    }
    .check(&schema.root, datum, &mut String::new(), "");
    issues
}

/// Whether `datum` is valid, without building errors.
pub fn is_valid(schema: &AvroSchema, datum: &Value) -> bool {
    Checker {
        schema,
        issues: None,
        depth: 0,
    }
    .check(&schema.root, datum, &mut String::new(), "")
}

/// Whether `default` is a valid default value for `node`.
pub(crate) fn default_matches(schema: &AvroSchema, node: &Node, default: &Value) -> bool {
    Checker {
        schema,
        issues: None,
        depth: 0,
    }
    .check(node, default, &mut String::new(), "")
}

/// Deeply nested data is rejected rather than recursed into without bound.
const MAX_DEPTH: usize = 256;

struct Checker<'a, 'i> {
    schema: &'a AvroSchema,
    /// `None` when only the verdict is wanted.
    issues: Option<&'i mut Vec<ValidationIssue>>,
    depth: usize,
}

impl Checker<'_, '_> {
    fn fail(&mut self, path: &str, schema_path: &str, message: String) -> bool {
        if let Some(issues) = self.issues.as_deref_mut() {
            issues.push(ValidationIssue {
                instance_path: path.to_owned(),
                schema_path: schema_path.to_owned(),
                message,
            });
        }
        false
    }

    /// Checks `datum` at instance path `path` against `node` at schema path `sp`.
    fn check(&mut self, node: &Node, datum: &Value, path: &mut String, sp: &str) -> bool {
        if self.depth > MAX_DEPTH {
            return self.fail(path, sp, format!("nesting deeper than {MAX_DEPTH} levels"));
        }
        self.depth += 1;
        let ok = match node {
            Node::Primitive { kind, .. } => self.primitive(*kind, datum, path, sp),
            Node::Array { items, .. } => self.array(items, datum, path, sp),
            Node::Map { values, .. } => self.map(values, datum, path, sp),
            Node::Union(branches) => self.union(branches, datum, path, sp),
            Node::Named { id, .. } => self.named(*id, datum, path, sp),
        };
        self.depth -= 1;
        ok
    }

    fn primitive(&mut self, kind: Primitive, datum: &Value, path: &str, sp: &str) -> bool {
        let ok = match kind {
            Primitive::Null => datum.is_null(),
            Primitive::Boolean => datum.is_boolean(),
            Primitive::Int => datum.as_i64().is_some_and(|n| i32::try_from(n).is_ok()),
            Primitive::Long => datum.is_i64(),
            Primitive::Float | Primitive::Double => datum.is_number(),
            Primitive::String => datum.is_string(),
            Primitive::Bytes => datum.as_str().is_some_and(is_byte_string),
        };
        if ok {
            true
        } else {
            self.fail(
                path,
                sp,
                format!("expected {}, found {}", kind.name(), describe(datum)),
            )
        }
    }

    fn array(&mut self, items: &Node, datum: &Value, path: &mut String, sp: &str) -> bool {
        let Value::Array(list) = datum else {
            return self.fail(
                path,
                sp,
                format!("expected array, found {}", describe(datum)),
            );
        };
        let sp = format!("{sp}/items");
        let mut ok = true;
        for (i, item) in list.iter().enumerate() {
            ok &= with_segment(path, &i.to_string(), |p| self.check(items, item, p, &sp));
            if !ok && self.issues.is_none() {
                return false;
            }
        }
        ok
    }

    fn map(&mut self, values: &Node, datum: &Value, path: &mut String, sp: &str) -> bool {
        let Value::Object(obj) = datum else {
            return self.fail(
                path,
                sp,
                format!("expected map (a JSON object), found {}", describe(datum)),
            );
        };
        let sp = format!("{sp}/values");
        let mut ok = true;
        for (key, value) in obj {
            ok &= with_segment(path, key, |p| self.check(values, value, p, &sp));
            if !ok && self.issues.is_none() {
                return false;
            }
        }
        ok
    }

    fn union(&mut self, branches: &[Node], datum: &Value, path: &mut String, sp: &str) -> bool {
        // The specification's encoding: {"type name": value}.
        if let Value::Object(obj) = datum
            && obj.len() == 1
            && let Some((name, inner)) = obj.iter().next()
            && let Some(i) = branches.iter().position(|b| self.branch_name(b) == *name)
        {
            let sp = format!("{sp}/{i}");
            return with_segment(path, name, |p| self.check(&branches[i], inner, p, &sp));
        }
        // A bare value that fits a branch.
        let fits = branches.iter().any(|b| {
            Checker {
                schema: self.schema,
                issues: None,
                depth: self.depth,
            }
            .check(b, datum, &mut String::new(), "")
        });
        if fits {
            return true;
        }
        let names: Vec<String> = branches.iter().map(|b| self.branch_name(b)).collect();
        self.fail(
            path,
            sp,
            format!(
                "{} matches no branch of the union [{}]",
                describe(datum),
                names.join(", ")
            ),
        )
    }

    fn branch_name(&self, node: &Node) -> String {
        match node {
            Node::Primitive { kind, .. } => kind.name().to_owned(),
            Node::Array { .. } => "array".to_owned(),
            Node::Map { .. } => "map".to_owned(),
            Node::Union(_) => "union".to_owned(),
            Node::Named { id, .. } => self.schema.named[*id].fullname.clone(),
        }
    }

    fn named(&mut self, id: usize, datum: &Value, path: &mut String, sp: &str) -> bool {
        let named = &self.schema.named[id];
        match &named.kind {
            NamedKind::Enum { symbols, .. } => match datum.as_str() {
                Some(s) if symbols.iter().any(|x| x == s) => true,
                _ => self.fail(
                    path,
                    sp,
                    format!(
                        "{} is not a symbol of enum {} ({})",
                        describe(datum),
                        named.fullname,
                        symbols.join(", ")
                    ),
                ),
            },
            NamedKind::Fixed { size } => match datum.as_str() {
                Some(s) if is_byte_string(s) && s.chars().count() as u64 == *size => true,
                _ => self.fail(
                    path,
                    sp,
                    format!(
                        "expected fixed {} of {size} bytes, found {}",
                        named.fullname,
                        describe(datum)
                    ),
                ),
            },
            NamedKind::Record { fields, .. } => {
                let Value::Object(obj) = datum else {
                    return self.fail(
                        path,
                        sp,
                        format!(
                            "expected record {}, found {}",
                            named.fullname,
                            describe(datum)
                        ),
                    );
                };
                let mut ok = true;
                let mut present = 0;
                for (i, field) in fields.iter().enumerate() {
                    // Schema paths are only built when errors are collected.
                    let fsp = if self.issues.is_some() {
                        format!("{sp}/fields/{i}/type")
                    } else {
                        String::new()
                    };
                    match obj.get(&field.name) {
                        Some(value) => {
                            present += 1;
                            ok &= with_segment(path, &field.name, |p| {
                                self.check(&field.ty, value, p, &fsp)
                            });
                        }
                        None if field.default.is_some() => {}
                        None => {
                            ok = self.fail(
                                path,
                                &format!("{sp}/fields/{i}"),
                                format!("missing required field \"{}\"", field.name),
                            );
                        }
                    }
                    if !ok && self.issues.is_none() {
                        return false;
                    }
                }
                // Every key matched a field unless there are more keys than matches.
                if present < obj.len() {
                    for key in obj.keys().filter(|k| !fields.iter().any(|f| &f.name == *k)) {
                        ok = self.fail(
                            path,
                            &format!("{sp}/fields"),
                            format!("unknown field \"{key}\" in record {}", named.fullname),
                        );
                    }
                }
                ok
            }
        }
    }
}

fn with_segment<T>(path: &mut String, segment: &str, f: impl FnOnce(&mut String) -> T) -> T {
    let len = path.len();
    path.push('/');
    path.push_str(&segment.replace('~', "~0").replace('/', "~1"));
    let out = f(path);
    path.truncate(len);
    out
}

/// Avro's JSON encoding writes bytes as a string of code points 0..=255.
fn is_byte_string(s: &str) -> bool {
    s.chars().all(|c| (c as u32) <= 0xFF)
}

fn describe(v: &Value) -> String {
    let text = v.to_string();
    if text.chars().count() > 60 {
        let short: String = text.chars().take(57).collect();
        format!("{short}...")
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::avro::model::ParseOptions;
    use serde_json::json;

    fn schema(text: &str) -> AvroSchema {
        AvroSchema::parse(text, &[], ParseOptions::default()).unwrap()
    }

    #[test]
    fn reports_each_problem_with_its_path() {
        let s = schema(
            r#"{"type":"record","name":"R","fields":[
                {"name":"a","type":"int"},
                {"name":"tags","type":{"type":"array","items":"string"}},
                {"name":"u","type":["null","long"]},
                {"name":"e","type":{"type":"enum","name":"E","symbols":["X","Y"]},"default":"X"}]}"#,
        );
        assert!(is_valid(
            &s,
            &json!({"a": 1, "tags": ["x"], "u": {"long": 5}})
        ));
        assert!(is_valid(
            &s,
            &json!({"a": 1, "tags": [], "u": null, "e": "Y"})
        ));
        let issues = validate(
            &s,
            &json!({"a": 3_000_000_000_i64, "tags": ["x", 2], "u": "no", "z": 1}),
        );
        let paths: Vec<&str> = issues.iter().map(|i| i.instance_path.as_str()).collect();
        assert_eq!(paths, ["/a", "/tags/1", "/u", ""]);
        assert_eq!(issues[1].schema_path, "/fields/1/type/items");
    }

    #[test]
    fn deep_data_is_bounded() {
        let s =
            schema(r#"{"type":"record","name":"N","fields":[{"name":"n","type":["null","N"]}]}"#);
        let mut v = json!(null);
        for _ in 0..1000 {
            v = json!({ "n": v });
        }
        assert!(!is_valid(&s, &v));
    }
}
