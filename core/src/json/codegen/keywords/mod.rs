//! One schema object's keywords as JavaScript, in the order and combinations the registry's
//! validator (the `jsonschema` crate) evaluates them, with its messages and schema paths.
//!
//! Generated code sees `v` (the instance), `b` and `s` (where the instance is: the parent's
//! place, `{b, s}` or null at the root, and the instance's segment in it, `'/'` and an escaped
//! name or an index, undefined for the parent's own instance), `e` (the error array, or null for
//! `isValid`), `ok`, `c` (this instance's place, made for the first child called) and `p` (the
//! instance path, built the first time an error needs it: see [`PATH`]). A valid member costs
//! no string work even when errors are collected.

use crate::json::Draft;
use serde_json::{Map, Value};

mod applicators;
mod arrays;
mod objects;
mod values;

use super::{Generator, Unsupported, escape, lit};
use arrays::array_shape_fusion;

/// Keywords whose meaning the generator cannot reproduce yet: the schema is refused.
const REFUSED: [&str; 2] = ["unevaluatedProperties", "unevaluatedItems"];

pub(super) fn emit(
    g: &mut Generator<'_>,
    id: usize,
    doc: usize,
    draft: Draft,
    ptr: &str,
    schema: &Value,
) -> Result<String, Unsupported> {
    let map = match schema {
        Value::Bool(true) => return Ok(String::new()),
        Value::Bool(false) => return Ok(fail(ptr, "\"False schema does not allow \"+$j(v)")),
        Value::Object(map) => map,
        _ => {
            return Err(Unsupported::new(
                "a schema that is neither object nor boolean",
                ptr,
            ));
        }
    };
    let legacy = matches!(draft, Draft::Draft4 | Draft::Draft6 | Draft::Draft7);
    let mut node = Node {
        g,
        id,
        doc,
        draft,
        ptr,
        map,
        priority: 0,
        out: Vec::new(),
    };
    // Drafts 4 to 7 ignore everything beside a `$ref`.
    if legacy && let Some(reference) = map.get("$ref") {
        node.reference(reference)?;
        return Ok(node.finish());
    }
    if let Some(key) = REFUSED.iter().find(|k| map.contains_key(**k)) {
        return Err(Unsupported::new(format!("{key} is not generated yet"), ptr));
    }
    if !ptr.is_empty() && map.get(draft.id_keyword()).is_some_and(Value::is_string) {
        return Err(Unsupported::new("an embedded resource ($id)", ptr));
    }
    let fused = array_shape_fusion(map);
    for (key, value) in map {
        if fused && matches!(key.as_str(), "type" | "minItems" | "maxItems") {
            continue;
        }
        node.priority = priority(key);
        node.keyword(key, value, fused)?;
    }
    Ok(node.finish())
}

/// Where the registry's validator runs a keyword among its siblings (lower first; the same
/// rank keeps the schema's order): cheap assertions before applicators, `$ref` last.
fn priority(keyword: &str) -> u8 {
    match keyword {
        "type" => 1,
        "const" => 5,
        "enum" => 6,
        "minimum" => 10,
        "maximum" => 11,
        "exclusiveMinimum" => 12,
        "exclusiveMaximum" => 13,
        "multipleOf" => 14,
        "minLength" => 20,
        "maxLength" => 21,
        "minItems" => 22,
        "maxItems" => 23,
        "minProperties" => 24,
        "maxProperties" => 25,
        "required" => 26,
        "dependentRequired" => 27,
        "pattern" => 30,
        "format" => 31,
        "uniqueItems" => 35,
        "properties" => 40,
        "patternProperties" => 41,
        "additionalProperties" => 42,
        "propertyNames" => 43,
        "items" => 44,
        "prefixItems" => 45,
        "additionalItems" => 46,
        "contains" => 47,
        "dependencies" => 48,
        "dependentSchemas" => 49,
        "allOf" => 50,
        "anyOf" => 51,
        "oneOf" => 52,
        "not" => 53,
        "if" => 54,
        "$ref" => 70,
        "$recursiveRef" => 71,
        "$dynamicRef" => 72,
        _ => 80,
    }
}

/// This schema's instance path, built once, and only when an error needs it.
const PATH: &str = "(p??=$path(b,s))";

/// Records one error (`message` is a JavaScript expression) or answers false at once.
fn fail(schema_path: &str, message: &str) -> String {
    format!(
        "if(e===null)return false;ok=false;e.push({{instancePath:{PATH},schemaPath:{},message:{message}}});",
        lit(schema_path)
    )
}

/// Validates `value` (an expression) with function `f`, at `segment` (an expression: `'/'` and
/// an escaped name, or an index) below this instance, or at this instance's own path when
/// `segment` is `None`.
fn call(f: usize, value: &str, segment: Option<&str>) -> String {
    let at = match segment {
        Some(segment) => format!("e===null?null:(c??={{b,s}}),{segment}"),
        None => "b,s".to_owned(),
    };
    format!("if(!f{f}({value},{at},e)){{if(e===null)return false;ok=false;}}")
}

/// Whether `value` is valid under function `f` (an expression; no errors are kept).
fn test(f: usize, value: &str) -> String {
    format!("f{f}({value},null,undefined,null)")
}

fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

struct Node<'g, 'a> {
    g: &'g mut Generator<'a>,
    /// This schema's function.
    id: usize,
    doc: usize,
    draft: Draft,
    ptr: &'g str,
    map: &'g Map<String, Value>,
    /// The rank of the keyword being emitted.
    priority: u8,
    out: Vec<(u8, String)>,
}

impl Node<'_, '_> {
    fn at(&self, keyword: &str) -> String {
        format!("{}/{}", self.ptr, escape(keyword))
    }

    fn child(&mut self, path: &str) -> usize {
        self.g.node(self.doc, path.to_owned())
    }

    fn push(&mut self, code: &str) {
        self.out.push((self.priority, code.to_owned()));
    }

    /// The function body: the keywords' code in the registry's order.
    fn finish(mut self) -> String {
        self.out.sort_by_key(|(rank, _)| *rank);
        self.out.into_iter().map(|(_, code)| code).collect()
    }

    /// Applies function `f` to this schema's own instance, keeping its errors.
    fn apply(&mut self, f: usize) -> String {
        self.g.same_instance(self.id, f);
        call(f, "v", None)
    }

    /// Whether this schema's own instance is valid under function `f`.
    fn check(&mut self, f: usize) -> String {
        self.g.same_instance(self.id, f);
        test(f, "v")
    }

    fn unsupported(&self, keyword: &str, why: &str) -> Unsupported {
        Unsupported::new(format!("{keyword}: {why}"), &self.at(keyword))
    }

    fn later(&self) -> bool {
        !matches!(self.draft, Draft::Draft4)
    }

    #[allow(clippy::too_many_lines)]
    fn keyword(&mut self, key: &str, value: &Value, fused: bool) -> Result<(), Unsupported> {
        let modern = matches!(self.draft, Draft::Draft201909 | Draft::Draft202012);
        match key {
            "$ref" => self.reference(value)?,
            "$dynamicRef" if self.draft == Draft::Draft202012 => {
                self.dynamic_reference(value)?;
            }
            "$recursiveRef" if self.draft == Draft::Draft201909 => {
                self.recursive_reference(value)?;
            }
            "type" => self.types(value)?,
            "enum" => self.enumeration(value)?,
            "const" if self.later() => self.constant(value),
            "required" => self.required(value)?,
            "properties" => self.properties(value)?,
            "patternProperties" => self.pattern_properties(value)?,
            "additionalProperties" => self.additional_properties(value)?,
            "propertyNames" if self.later() => self.property_names(value),
            "minProperties" | "maxProperties" => self.property_count(key, value)?,
            "minLength" | "maxLength" => self.length(key, value)?,
            "pattern" => self.pattern(value)?,
            "minimum" | "maximum" => self.bound(key, value)?,
            "exclusiveMinimum" | "exclusiveMaximum" if self.later() => {
                self.exclusive_bound(key, value)?;
            }
            "multipleOf" => self.multiple_of(value)?,
            "items" => self.items(value, fused)?,
            "prefixItems" if self.draft == Draft::Draft202012 => self.prefix_items(value)?,
            "additionalItems" => self.additional_items(value),
            "minItems" | "maxItems" => self.item_count(key, value)?,
            "uniqueItems" if value == &Value::Bool(true) => {
                let code = format!(
                    "if(Array.isArray(v)&&!$unique(v)){{{}}}",
                    fail(&self.at(key), "$j(v)+\" has non-unique elements\"")
                );
                self.push(&code);
            }
            "contains" if self.later() => self.contains(value),
            "allOf" => self.all_of(value)?,
            "anyOf" => self.any_of(value)?,
            "oneOf" => self.one_of(value)?,
            "not" => {
                let f = self.child(&self.at(key));
                let message = format!("{}+$j(v)", lit(&format!("{value} is not allowed for ")));
                let condition = self.check(f);
                let code = format!("if({condition}){{{}}}", fail(&self.at(key), &message));
                self.push(&code);
            }
            "if" if !matches!(self.draft, Draft::Draft4 | Draft::Draft6) => self.conditional(),
            "dependencies" => self.dependencies(value)?,
            "dependentRequired" if modern => self.dependent_required(value)?,
            "dependentSchemas" if modern => self.dependent_schemas(value)?,
            "contentMediaType" | "contentEncoding"
                if matches!(self.draft, Draft::Draft6 | Draft::Draft7) =>
            {
                return Err(self.unsupported(key, "content validation is not generated yet"));
            }
            _ => {}
        }
        Ok(())
    }

    fn schema_map<'v>(
        &self,
        key: &str,
        value: &'v Value,
    ) -> Result<&'v Map<String, Value>, Unsupported> {
        value
            .as_object()
            .ok_or_else(|| self.unsupported(key, "not an object"))
    }

    fn regex(&mut self, pattern: &str) -> String {
        self.g
            .constant(&format!("new RegExp({}, 'u')", lit(pattern)))
    }

    fn limit(&self, key: &str, value: &Value) -> Result<u64, Unsupported> {
        value
            .as_u64()
            .or_else(|| {
                value
                    .as_f64()
                    .filter(|f| f.fract() == 0.0 && *f >= 0.0)
                    .map(|f| f as u64)
            })
            .ok_or_else(|| self.unsupported(key, "not a count"))
    }

    fn number(&self, key: &str, value: &Value) -> Result<String, Unsupported> {
        value
            .as_number()
            .map(ToString::to_string)
            .ok_or_else(|| self.unsupported(key, "not a number"))
    }

    fn subschemas(&mut self, key: &str, value: &Value) -> Result<Vec<usize>, Unsupported> {
        let list = value
            .as_array()
            .ok_or_else(|| self.unsupported(key, "not a list"))?;
        Ok((0..list.len())
            .map(|i| self.child(&format!("{}/{i}", self.at(key))))
            .collect())
    }
}
