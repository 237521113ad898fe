//! Keywords on the instance itself: `type`, `enum`, `const`, string lengths and `pattern`,
//! numeric bounds and `multipleOf`.

use std::fmt::Write as _;

use crate::json::Draft;
use serde_json::Value;

use super::{Node, fail, plural};
use crate::json::codegen::{Unsupported, lit};

impl Node<'_, '_> {
    pub(super) fn types(&mut self, value: &Value) -> Result<(), Unsupported> {
        const ORDER: [&str; 7] = [
            "null", "boolean", "integer", "number", "string", "array", "object",
        ];
        let names: Vec<&str> = match value {
            Value::String(name) => vec![name.as_str()],
            Value::Array(items) => items.iter().filter_map(Value::as_str).collect(),
            _ => return Err(self.unsupported("type", "not a name or a list")),
        };
        let check = |name: &str| match name {
            "null" => Some("v===null"),
            "boolean" => Some("typeof v==='boolean'"),
            "integer" => Some("Number.isInteger(v)"),
            "number" => Some("typeof v==='number'"),
            "string" => Some("typeof v==='string'"),
            "array" => Some("Array.isArray(v)"),
            "object" => Some("$o(v)"),
            _ => None,
        };
        let mut conditions = Vec::new();
        for name in &names {
            conditions.push(check(name).ok_or_else(|| self.unsupported("type", "unknown type"))?);
        }
        let message = if let [name] = names.as_slice() {
            format!("$j(v)+{}", lit(&format!(" is not of type \"{name}\"")))
        } else {
            let listed: Vec<String> = ORDER
                .iter()
                .filter(|t| names.contains(t))
                .map(|t| format!("\"{t}\""))
                .collect();
            format!(
                "$j(v)+{}",
                lit(&format!(" is not of types {}", listed.join(", ")))
            )
        };
        let condition = if conditions.is_empty() {
            "true".to_owned()
        } else {
            conditions.join("||")
        };
        let code = format!("if(!({condition})){{{}}}", fail(&self.at("type"), &message));
        self.push(&code);
        Ok(())
    }

    pub(super) fn enumeration(&mut self, value: &Value) -> Result<(), Unsupported> {
        let options = value
            .as_array()
            .ok_or_else(|| self.unsupported("enum", "not a list"))?;
        let primitive = options.iter().all(|o| !(o.is_object() || o.is_array()));
        let c = self.g.constant(&value.to_string());
        let condition = if primitive {
            format!("{c}.includes(v)")
        } else {
            format!("{c}.some((x)=>$eq(x,v))")
        };
        let message = format!("$j(v)+{}", lit(&enum_suffix(options)));
        let code = format!("if(!{condition}){{{}}}", fail(&self.at("enum"), &message));
        self.push(&code);
        Ok(())
    }

    pub(super) fn constant(&mut self, value: &Value) {
        let condition = if value.is_object() || value.is_array() {
            let c = self.g.constant(&value.to_string());
            format!("$eq({c},v)")
        } else {
            format!("v==={value}")
        };
        let message = lit(&format!("{value} was expected"));
        let code = format!(
            "if(!({condition})){{{}}}",
            fail(&self.at("const"), &message)
        );
        self.push(&code);
    }

    pub(super) fn length(&mut self, key: &str, value: &Value) -> Result<(), Unsupported> {
        let n = self.limit(key, value)?;
        // A string has at most as many code points as UTF-16 units, and at least half as many.
        let (condition, word) = if key == "minLength" {
            (
                format!("v.length<{n}||(v.length<{}&&$len(v)<{n})", 2 * n),
                "shorter",
            )
        } else {
            (format!("v.length>{n}&&$len(v)>{n}"), "longer")
        };
        let message = format!(
            "$j(v)+{}",
            lit(&format!(
                " is {word} than {}",
                plural(n, "character", "characters")
            ))
        );
        let code = format!(
            "if(typeof v==='string'&&({condition})){{{}}}",
            fail(&self.at(key), &message)
        );
        self.push(&code);
        Ok(())
    }

    pub(super) fn pattern(&mut self, value: &Value) -> Result<(), Unsupported> {
        let pattern = value
            .as_str()
            .ok_or_else(|| self.unsupported("pattern", "not a string"))?;
        let r = self.regex(pattern);
        let message = format!("$j(v)+{}", lit(&format!(" does not match \"{pattern}\"")));
        let code = format!(
            "if(typeof v==='string'&&!{r}.test(v)){{{}}}",
            fail(&self.at("pattern"), &message)
        );
        self.push(&code);
        Ok(())
    }

    pub(super) fn bound(&mut self, key: &str, value: &Value) -> Result<(), Unsupported> {
        let limit = self.number(key, value)?;
        let exclusive_key = format!("exclusive{}", &capitalized(key));
        let exclusive =
            self.draft == Draft::Draft4 && self.map.get(&exclusive_key) == Some(&Value::Bool(true));
        let at = if exclusive {
            exclusive_key.as_str()
        } else {
            key
        };
        let (op, text) = match (key, exclusive) {
            ("minimum", false) => ("<", "is less than the minimum of"),
            ("minimum", true) => ("<=", "is less than or equal to the minimum of"),
            (_, false) => (">", "is greater than the maximum of"),
            (_, true) => (">=", "is greater than or equal to the maximum of"),
        };
        self.compare(at, op, &limit, text);
        Ok(())
    }

    pub(super) fn exclusive_bound(&mut self, key: &str, value: &Value) -> Result<(), Unsupported> {
        let limit = self.number(key, value)?;
        let (op, text) = if key == "exclusiveMinimum" {
            ("<=", "is less than or equal to the minimum of")
        } else {
            (">=", "is greater than or equal to the maximum of")
        };
        self.compare(key, op, &limit, text);
        Ok(())
    }

    pub(super) fn compare(&mut self, key: &str, op: &str, limit: &str, text: &str) {
        let message = format!("$j(v)+{}", lit(&format!(" {text} {limit}")));
        // An integer limit past 2^53 is compared exactly, as the registry compares it.
        let exact = limit
            .parse::<i128>()
            .is_ok_and(|n| n.unsigned_abs() > 1 << 53);
        let condition = if exact {
            format!("(Number.isInteger(v)?BigInt(v){op}{limit}n:v{op}{limit})")
        } else {
            format!("v{op}{limit}")
        };
        let code = format!(
            "if(typeof v==='number'&&{condition}){{{}}}",
            fail(&self.at(key), &message)
        );
        self.push(&code);
    }

    pub(super) fn multiple_of(&mut self, value: &Value) -> Result<(), Unsupported> {
        let m = value
            .as_f64()
            .filter(|m| *m > 0.0)
            .ok_or_else(|| self.unsupported("multipleOf", "not a positive number"))?;
        let whole = m.fract() == 0.0 && m <= 9_007_199_254_740_992.0;
        let check = if whole {
            format!("$mi(v,{m})")
        } else {
            format!("$mf(v,{})", self.number("multipleOf", value)?)
        };
        let message = format!("$j(v)+{}", lit(&format!(" is not a multiple of {m}")));
        let code = format!(
            "if(typeof v==='number'&&!{check}){{{}}}",
            fail(&self.at("multipleOf"), &message)
        );
        self.push(&code);
        Ok(())
    }
}

fn capitalized(word: &str) -> String {
    let mut chars = word.chars();
    chars
        .next()
        .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
        .unwrap_or_default()
}

/// `is not one of a, b or c` as the registry words it (at most three options shown).
fn enum_suffix(options: &[Value]) -> String {
    let mut text = String::from(" is not one of ");
    let total = options.len();
    if total <= 3 {
        for (i, option) in options.iter().enumerate() {
            if i == 0 {
                text.push_str(&option.to_string());
            } else if i == total - 1 {
                let _ = write!(text, " or {option}");
            } else {
                let _ = write!(text, ", {option}");
            }
        }
    } else {
        let shown: Vec<String> = options.iter().take(2).map(ToString::to_string).collect();
        text.push_str(&shown.join(", "));
        let _ = write!(text, " or {} other candidates", total - 2);
    }
    text
}
