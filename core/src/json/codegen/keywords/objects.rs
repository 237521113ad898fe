//! Object keywords: `required`, `properties` with `patternProperties` and
//! `additionalProperties`, `propertyNames`, property counts, and the dependency keywords.

use std::fmt::Write as _;

use serde_json::{Map, Value};

use super::{Node, call, fail, plural, test};
use crate::json::codegen::{Unsupported, escape, lit};

/// The path segment of the member named by `k` (a name known only when the code runs).
const MEMBER: Option<&str> = Some("'/'+$esc(k)");

/// The path segment of the declared member `name`, escaped when generated.
fn segment(name: &str) -> String {
    lit(&format!("/{}", escape(name)))
}

/// An `additionalProperties` schema or `false` makes the `additionalProperties` walk check
/// `properties` and `patternProperties` too (the registry's validator fuses them there).
fn walks_properties(map: &Map<String, Value>) -> bool {
    matches!(
        map.get("additionalProperties"),
        Some(Value::Bool(false) | Value::Object(_))
    )
}

/// Past this many names, a switch on a property name looks its index up in a hoisted `Map`
/// (one hash lookup) instead of comparing the name with each case in turn.
const INDEXED_SWITCH: usize = 8;

impl Node<'_, '_> {
    /// What a switch over the declared `names` switches on: `k`, or its index in a `Map`.
    fn switch_on<'n>(&mut self, names: impl Iterator<Item = &'n String>, indexed: bool) -> String {
        if !indexed {
            return "k".to_owned();
        }
        let entries: Vec<String> = names
            .enumerate()
            .map(|(i, name)| format!("[{},{i}]", lit(name)))
            .collect();
        let c = self
            .g
            .constant(&format!("new Map([{}])", entries.join(",")));
        format!("{c}.get(k)")
    }

    pub(super) fn required(&mut self, value: &Value) -> Result<(), Unsupported> {
        let names = value
            .as_array()
            .ok_or_else(|| self.unsupported("required", "not a list"))?;
        if required_in_closed_object(self.map).is_some()
            || required_in_properties(self.map).is_some()
        {
            return Ok(());
        }
        let code = required_checks(names, &self.at("required"));
        if !code.is_empty() {
            self.push(&format!("if($o(v)){{{code}}}"));
        }
        Ok(())
    }

    /// `properties` on its own (no `additionalProperties` schema or `false` beside it).
    pub(super) fn properties(&mut self, value: &Value) -> Result<(), Unsupported> {
        if walks_properties(self.map) {
            return Ok(());
        }
        let props = self.schema_map("properties", value)?;
        let required = required_in_properties(self.map)
            .map(|names| required_checks(names, &self.at("required")))
            .unwrap_or_default();
        let mut fast = String::new();
        let mut declared = String::new();
        let mut cases = String::new();
        let indexed = props.len() > INDEXED_SWITCH;
        for (i, name) in props.keys().enumerate() {
            let f = self.child(&format!("{}/{}", self.at("properties"), escape(name)));
            let key = lit(name);
            let segment = segment(name);
            let path = Some(segment.as_str());
            let _ = write!(
                fast,
                "if({}&&!{})return false;",
                present(&key),
                test(f, &format!("v[{key}]"))
            );
            let _ = write!(
                declared,
                "if({}){{{}}}",
                present(&key),
                call(f, &format!("v[{key}]"), path)
            );
            let label = if indexed { i.to_string() } else { key.clone() };
            let _ = write!(cases, "case {label}:{}break;", call(f, "v[k]", path));
        }
        let on = self.switch_on(props.keys(), indexed);
        let members = format!(
            "for(const k in v){{if(!$own.call(v,k)||v[k]===undefined)continue;switch({on}){{{cases}}}}}"
        );
        let walk = if props.len() < SMALL_PROPERTIES {
            format!(
                "if($keys(v)<={}){{{members}}}else{{{declared}}}",
                4 * props.len()
            )
        } else {
            members
        };
        self.push(&format!(
            "if($o(v)){{{required}if(e===null){{{fast}}}else{{{walk}}}}}"
        ));
        Ok(())
    }

    /// `patternProperties` on its own: each pattern, then each matching property.
    pub(super) fn pattern_properties(&mut self, value: &Value) -> Result<(), Unsupported> {
        if walks_properties(self.map) {
            return Ok(());
        }
        let patterns = self.schema_map("patternProperties", value)?;
        let mut code = String::new();
        for pattern in patterns.keys() {
            let f = self.child(&format!(
                "{}/{}",
                self.at("patternProperties"),
                escape(pattern)
            ));
            let r = self.regex(pattern);
            let _ = write!(
                code,
                "for(const k in v){{if($own.call(v,k)&&v[k]!==undefined&&{r}.test(k)){{{}}}}}",
                call(f, "v[k]", MEMBER)
            );
        }
        self.push(&format!("if($o(v)){{{code}}}"));
        Ok(())
    }

    /// `additionalProperties` with the `properties` and `patternProperties` beside it: each
    /// property of the instance in its order.
    pub(super) fn additional_properties(&mut self, value: &Value) -> Result<(), Unsupported> {
        let forbid = match value {
            Value::Bool(true) => return Ok(()),
            Value::Bool(false) => true,
            Value::Object(_) => false,
            _ => return Err(self.unsupported("additionalProperties", "not a schema")),
        };
        let at = self.at("additionalProperties");
        if forbid
            && !self.map.contains_key("properties")
            && !self.map.contains_key("patternProperties")
        {
            // The first member's value is refused, as by a false schema.
            let code = format!(
                "if($o(v)){{for(const k in v){{if($own.call(v,k)&&v[k]!==undefined){{{}break}}}}}}",
                fail(&at, "\"False schema does not allow \"+$j(v[k])")
            );
            self.push(&code);
            return Ok(());
        }
        let required = required_in_closed_object(self.map);
        let mut cases = String::new();
        let mut on = String::from("k");
        if let Some(props) = self.map.get("properties") {
            let props = self.schema_map("properties", props)?;
            let indexed = props.len() > INDEXED_SWITCH;
            on = self.switch_on(props.keys(), indexed);
            for (i, name) in props.keys().enumerate() {
                let f = self.child(&format!("{}/properties/{}", self.ptr, escape(name)));
                let found = if required == Some(name.as_str()) {
                    "r=true;"
                } else {
                    ""
                };
                let label = if indexed { i.to_string() } else { lit(name) };
                let _ = write!(
                    cases,
                    "case {label}:m=true;{found}{}break;",
                    call(f, "x", Some(&segment(name)))
                );
            }
        }
        let mut patterns = String::new();
        if let Some(map) = self.map.get("patternProperties") {
            for pattern in self.schema_map("patternProperties", map)?.keys() {
                let f = self.child(&format!(
                    "{}/patternProperties/{}",
                    self.ptr,
                    escape(pattern)
                ));
                let r = self.regex(pattern);
                let _ = write!(
                    patterns,
                    "if({r}.test(k)){{m=true;{}}}",
                    call(f, "x", MEMBER)
                );
            }
        }
        let rest = if forbid {
            "if(e===null)return false;(u||(u=[])).push(k);".to_owned()
        } else {
            let f = self.child(&at);
            call(f, "x", MEMBER)
        };
        let report = if forbid {
            let message =
                "'Additional properties are not allowed ('+$unexpected(u.map((n)=>\"'\"+n+\"'\"))";
            format!("if(u!==null){{{}}}", fail(&at, message))
        } else {
            String::new()
        };
        let (flag, missing) = match required {
            Some(name) => (
                "let r=false;",
                format!(
                    "if(!r){{{}}}",
                    fail(
                        &self.at("required"),
                        &lit(&format!("{} is a required property", Value::from(name)))
                    )
                ),
            ),
            None => ("", String::new()),
        };
        let switch = if cases.is_empty() {
            String::new()
        } else {
            format!("switch({on}){{{cases}}}")
        };
        self.push(&format!(
            "if($o(v)){{let u=null;{flag}for(const k in v){{if(!$own.call(v,k)||v[k]===undefined)continue;const x=v[k];let m=false;{switch}{patterns}if(!m){{{rest}}}}}{report}{missing}}}"
        ));
        Ok(())
    }

    pub(super) fn property_names(&mut self, value: &Value) {
        let at = self.at("propertyNames");
        if value == &Value::Bool(false) {
            let code = format!(
                "if($o(v)&&$keys(v)>0){{{}}}",
                fail(&at, "\"False schema does not allow \"+$j(v)")
            );
            self.push(&code);
            return;
        }
        let f = self.child(&at);
        self.push(&format!(
            "if($o(v)){{for(const k in v){{if($own.call(v,k)&&v[k]!==undefined){{{}}}}}}}",
            call(f, "k", None)
        ));
    }

    pub(super) fn property_count(&mut self, key: &str, value: &Value) -> Result<(), Unsupported> {
        let n = self.limit(key, value)?;
        let (op, word) = if key == "minProperties" {
            ("<", "less")
        } else {
            (">", "more")
        };
        let message = format!(
            "$j(v)+{}",
            lit(&format!(
                " has {word} than {}",
                plural(n, "property", "properties")
            ))
        );
        let code = format!(
            "if($o(v)&&$keys(v){op}{n}){{{}}}",
            fail(&self.at(key), &message)
        );
        self.push(&code);
        Ok(())
    }

    pub(super) fn dependencies(&mut self, value: &Value) -> Result<(), Unsupported> {
        let map = self.schema_map("dependencies", value)?;
        let at = self.at("dependencies");
        let mut code = String::new();
        for (name, dependency) in map {
            let body = if let Value::Array(names) = dependency {
                required_checks(names, &at)
            } else {
                let f = self.child(&format!("{at}/{}", escape(name)));
                self.apply(f)
            };
            let _ = write!(code, "if({}){{{body}}}", present(&lit(name)));
        }
        self.push(&format!("if($o(v)){{{code}}}"));
        Ok(())
    }

    pub(super) fn dependent_required(&mut self, value: &Value) -> Result<(), Unsupported> {
        let map = self.schema_map("dependentRequired", value)?;
        let at = self.at("dependentRequired");
        let mut code = String::new();
        for (name, names) in map {
            let names = names
                .as_array()
                .ok_or_else(|| self.unsupported("dependentRequired", "not a list"))?;
            let _ = write!(
                code,
                "if({}){{{}}}",
                present(&lit(name)),
                required_checks(names, &at)
            );
        }
        self.push(&format!("if($o(v)){{{code}}}"));
        Ok(())
    }

    pub(super) fn dependent_schemas(&mut self, value: &Value) -> Result<(), Unsupported> {
        let map = self.schema_map("dependentSchemas", value)?;
        let mut code = String::new();
        for name in map.keys() {
            let f = self.child(&format!("{}/{}", self.at("dependentSchemas"), escape(name)));
            let apply = self.apply(f);
            let _ = write!(code, "if({}){{{apply}}}", present(&lit(name)));
        }
        self.push(&format!("if($o(v)){{{code}}}"));
        Ok(())
    }
}

/// The registry's validator checks a single `required` name inside the walk of a closed object
/// (`additionalProperties: false` with `properties`, no `patternProperties`), after the
/// unexpected properties, and finds it only among the declared properties.
pub(super) fn required_in_closed_object(map: &Map<String, Value>) -> Option<&str> {
    match map.get("required")?.as_array()?.as_slice() {
        [Value::String(name)]
            if map.get("additionalProperties") == Some(&Value::Bool(false))
                && map.get("properties").is_some_and(Value::is_object)
                && !map.contains_key("patternProperties") =>
        {
            Some(name)
        }
        _ => None,
    }
}

/// Two `required` names beside a small `properties` (and no `additionalProperties` schema or
/// `false`, no `patternProperties`) are checked first thing by the `properties` walk.
pub(super) fn required_in_properties(map: &Map<String, Value>) -> Option<&[Value]> {
    let required = map.get("required")?.as_array()?;
    let small = map
        .get("properties")?
        .as_object()
        .is_some_and(|p| p.len() < SMALL_PROPERTIES);
    (required.len() == 2
        && small
        && !walks_properties(map)
        && !map.contains_key("patternProperties"))
    .then_some(required.as_slice())
}

/// Below this many `properties`, the registry's validator walks the instance's members when
/// there are at most four per property, else the declared properties.
const SMALL_PROPERTIES: usize = 15;

pub(super) fn required_checks(names: &[Value], at: &str) -> String {
    let mut code = String::new();
    for name in names.iter().filter_map(Value::as_str) {
        let message = lit(&format!("{} is a required property", Value::from(name)));
        let _ = write!(
            code,
            "if(!{}){{{}}}",
            present(&lit(name)),
            fail(at, &message)
        );
    }
    code
}

/// Whether the instance has the property named by the JavaScript string literal `key`, as JSON
/// sees it: an own member whose value is not `undefined` (which JSON.stringify drops). A read
/// does it unless the name is one every object inherits.
fn present(key: &str) -> String {
    const INHERITED: [&str; 12] = [
        "constructor",
        "__proto__",
        "hasOwnProperty",
        "isPrototypeOf",
        "propertyIsEnumerable",
        "toLocaleString",
        "toString",
        "valueOf",
        "__defineGetter__",
        "__defineSetter__",
        "__lookupGetter__",
        "__lookupSetter__",
    ];
    let name: String = serde_json::from_str(key).unwrap_or_default();
    if INHERITED.contains(&name.as_str()) {
        format!("($own.call(v,{key})&&v[{key}]!==undefined)")
    } else {
        format!("(v[{key}]!==undefined)")
    }
}
