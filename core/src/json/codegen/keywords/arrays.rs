//! Array keywords: `items` (with `type`, `minItems` and `maxItems` when the registry fuses
//! them), `prefixItems`, `additionalItems`, `contains` with its bounds, item counts.

use std::fmt::Write as _;

use crate::json::Draft;
use serde_json::{Map, Value};

use super::{Node, call, fail, plural, test};
use crate::json::codegen::{Unsupported, lit};

impl Node<'_, '_> {
    pub(super) fn item_count(&mut self, key: &str, value: &Value) -> Result<(), Unsupported> {
        let n = self.limit(key, value)?;
        let code = format!(
            "if(Array.isArray(v)&&{}){{{}}}",
            item_count_condition(key, n),
            fail(&self.at(key), &item_count_message(key, n))
        );
        self.push(&code);
        Ok(())
    }

    pub(super) fn items(&mut self, value: &Value, fused: bool) -> Result<(), Unsupported> {
        let at = self.at("items");
        if let Value::Array(tuple) = value {
            if self.draft == Draft::Draft202012 {
                return Err(self.unsupported("items", "a list in draft 2020-12"));
            }
            let code = self.tuple(&at, tuple.len());
            self.push(&format!("if(Array.isArray(v)){{{code}}}"));
            return Ok(());
        }
        let start = if self.draft == Draft::Draft202012 {
            self.map
                .get("prefixItems")
                .and_then(Value::as_array)
                .map_or(0, Vec::len)
        } else {
            0
        };
        let f = self.child(&at);
        let each = format!(
            "for(let i={start};i<v.length;i++){{{}}}",
            call(f, "v[i]", Some("i"))
        );
        if !fused {
            self.push(&format!("if(Array.isArray(v)){{{each}}}"));
            return Ok(());
        }
        // `type: "array"`, `minItems`, `maxItems` and `items` as one check, in that order.
        let type_error = fail(
            &self.at("type"),
            &format!("$j(v)+{}", lit(" is not of type \"array\"")),
        );
        let mut counts = String::new();
        for key in ["minItems", "maxItems"] {
            if let Some(limit) = self.map.get(key) {
                let n = self.limit(key, limit)?;
                let _ = write!(
                    counts,
                    "if({}){{{}}}",
                    item_count_condition(key, n),
                    fail(&self.at(key), &item_count_message(key, n))
                );
            }
        }
        self.push(&format!(
            "if(!Array.isArray(v)){{{type_error}}}else{{{counts}{each}}}"
        ));
        Ok(())
    }

    /// Element `i` of the array against `{at}/i`, for each of the `n` positions.
    pub(super) fn tuple(&mut self, at: &str, n: usize) -> String {
        let mut code = String::new();
        for i in 0..n {
            let f = self.child(&format!("{at}/{i}"));
            let _ = write!(
                code,
                "if(v.length>{i}){{{}}}",
                call(f, &format!("v[{i}]"), Some(&i.to_string()))
            );
        }
        code
    }

    pub(super) fn prefix_items(&mut self, value: &Value) -> Result<(), Unsupported> {
        let tuple = value
            .as_array()
            .ok_or_else(|| self.unsupported("prefixItems", "not a list"))?;
        let code = self.tuple(&self.at("prefixItems"), tuple.len());
        self.push(&format!("if(Array.isArray(v)){{{code}}}"));
        Ok(())
    }

    pub(super) fn additional_items(&mut self, value: &Value) {
        let Some(Value::Array(tuple)) = self.map.get("items") else {
            return;
        };
        let n = tuple.len();
        let at = self.at("additionalItems");
        let code = match value {
            Value::Bool(true) => return,
            Value::Bool(false) => {
                let message = format!(
                    "'Additional items are not allowed ('+$unexpected(v.slice({n}).map($j))"
                );
                format!("if(v.length>{n}){{{}}}", fail(&at, &message))
            }
            _ => {
                let f = self.child(&at);
                format!(
                    "for(let i={n};i<v.length;i++){{{}}}",
                    call(f, "v[i]", Some("i"))
                )
            }
        };
        self.push(&format!("if(Array.isArray(v)){{{code}}}"));
    }

    pub(super) fn contains(&mut self, _value: &Value) {
        let f = self.child(&self.at("contains"));
        let modern = matches!(self.draft, Draft::Draft201909 | Draft::Draft202012);
        let count = |key: &str| {
            let value = self.map.get(key).filter(|_| modern)?;
            self.limit(key, value).ok()
        };
        let (min, max) = (count("minContains"), count("maxContains"));
        let message = "'None of '+$j(v)+' are valid under the given schema'";
        let matches = format!("let n=0;for(const x of v){{if({})n++;}}", test(f, "x"));
        let checks = match (min, max) {
            (None, None) => format!("if(n===0){{{}}}", fail(&self.at("contains"), message)),
            (Some(min), None) => {
                format!("if(n<{min}){{{}}}", fail(&self.at("minContains"), message))
            }
            (None, Some(max)) => format!(
                "if(n>{max}||n===0){{{}}}",
                fail(&self.at("maxContains"), message)
            ),
            (Some(min), Some(max)) => format!(
                "if(n>{max}){{{}}}else if(n<{min}){{{}}}",
                fail(&self.at("maxContains"), message),
                fail(&self.at("minContains"), message)
            ),
        };
        self.push(&format!("if(Array.isArray(v)){{{matches}{checks}}}"));
    }
}

/// The registry's validator checks `type: "array"`, `minItems` and `maxItems` together with a
/// schema-form `items` (at the place of `items`) when nothing else about arrays is there.
pub(super) fn array_shape_fusion(map: &Map<String, Value>) -> bool {
    matches!(
        map.get("items"),
        Some(Value::Object(_) | Value::Bool(false))
    ) && map.get("type").and_then(Value::as_str) == Some("array")
        && ![
            "prefixItems",
            "additionalItems",
            "contains",
            "unevaluatedItems",
            "uniqueItems",
        ]
        .iter()
        .any(|k| map.contains_key(*k))
}

fn item_count_condition(key: &str, n: u64) -> String {
    if key == "minItems" {
        format!("v.length<{n}")
    } else {
        format!("v.length>{n}")
    }
}

fn item_count_message(key: &str, n: u64) -> String {
    let word = if key == "minItems" { "less" } else { "more" };
    format!(
        "$j(v)+{}",
        lit(&format!(" has {word} than {}", plural(n, "item", "items")))
    )
}
