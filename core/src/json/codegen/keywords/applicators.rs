//! Keywords applying subschemas to the same instance: `$ref`, `$dynamicRef`, `$recursiveRef`,
//! `allOf`, `anyOf`, `oneOf`, `if`/`then`/`else`.

use std::fmt::Write as _;

use serde_json::Value;

use super::{Node, fail};
use crate::json::codegen::{Generator, Unsupported};

impl<'a> Node<'_, 'a> {
    pub(super) fn reference(&mut self, value: &Value) -> Result<(), Unsupported> {
        self.referenced("$ref", value, Generator::resolve)
    }

    pub(super) fn dynamic_reference(&mut self, value: &Value) -> Result<(), Unsupported> {
        self.referenced("$dynamicRef", value, Generator::resolve_dynamic)
    }

    pub(super) fn recursive_reference(&mut self, value: &Value) -> Result<(), Unsupported> {
        self.referenced("$recursiveRef", value, Generator::resolve_recursive)
    }

    /// Applies the schema a reference keyword names (as `resolve` finds it) to this instance.
    fn referenced(
        &mut self,
        keyword: &str,
        value: &Value,
        resolve: impl FnOnce(&mut Generator<'a>, usize, &str, &str) -> Result<usize, Unsupported>,
    ) -> Result<(), Unsupported> {
        let reference = self.reference_text(keyword, value)?;
        let f = resolve(self.g, self.doc, reference, &self.at(keyword))?;
        let code = self.apply(f);
        self.push(&code);
        Ok(())
    }

    fn reference_text<'v>(&self, keyword: &str, value: &'v Value) -> Result<&'v str, Unsupported> {
        value
            .as_str()
            .ok_or_else(|| self.unsupported(keyword, "not a string"))
    }

    pub(super) fn all_of(&mut self, value: &Value) -> Result<(), Unsupported> {
        for f in self.subschemas("allOf", value)? {
            let code = self.apply(f);
            self.push(&code);
        }
        Ok(())
    }

    pub(super) fn any_of(&mut self, value: &Value) -> Result<(), Unsupported> {
        let tests: Vec<String> = self
            .subschemas("anyOf", value)?
            .into_iter()
            .map(|f| self.check(f))
            .collect();
        let message =
            "$j(v)+\" is not valid under any of the schemas listed in the 'anyOf' keyword\"";
        let code = format!(
            "if(!({})){{{}}}",
            tests.join("||"),
            fail(&self.at("anyOf"), message)
        );
        self.push(&code);
        Ok(())
    }

    pub(super) fn one_of(&mut self, value: &Value) -> Result<(), Unsupported> {
        let mut count = String::from("let n=0;");
        for f in self.subschemas("oneOf", value)? {
            let condition = self.check(f);
            let _ = write!(count, "if(n<2&&{condition})n++;");
        }
        let at = self.at("oneOf");
        let none = fail(
            &at,
            "$j(v)+\" is not valid under any of the schemas listed in the 'oneOf' keyword\"",
        );
        let many = fail(
            &at,
            "$j(v)+\" is valid under more than one of the schemas listed in the 'oneOf' keyword\"",
        );
        self.push(&format!(
            "{{{count}if(n===0){{{none}}}else if(n>1){{{many}}}}}"
        ));
        Ok(())
    }

    pub(super) fn conditional(&mut self) {
        let condition = self.child(&self.at("if"));
        let then = self
            .map
            .contains_key("then")
            .then(|| self.child(&self.at("then")));
        let otherwise = self
            .map
            .contains_key("else")
            .then(|| self.child(&self.at("else")));
        if then.is_none() && otherwise.is_none() {
            return;
        }
        let condition = self.check(condition);
        let then = then.map(|f| self.apply(f)).unwrap_or_default();
        let otherwise = otherwise.map(|f| self.apply(f)).unwrap_or_default();
        let code = format!("if({condition}){{{then}}}else{{{otherwise}}}");
        self.push(&code);
    }
}
