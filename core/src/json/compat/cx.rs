//! The state of one compatibility check: where in the reader it is, the work left, and what it
//! learned on the way, so that no work is done twice:
//!
//! - every subtree of both schemas gets a structural id (equal subtrees, equal ids), and the
//!   verdict of each reader/writer pair of ids is kept: a combined schema nested d deep is
//!   compared in d steps, not 4^d;
//! - every `patternProperties` pattern is compiled once per check (with a size limit).

use std::collections::HashMap;

// `regex` where the build links it anyway (the registry's validator uses it); `regex-lite`
// in the npm package's slim build, which has no Unicode classes (`\p{..}` does not compile, and
// matches nothing) but is a tenth of the size.
#[cfg(feature = "rust-validator")]
use regex::{Regex, RegexBuilder};
#[cfg(not(feature = "rust-validator"))]
use regex_lite::{Regex, RegexBuilder};
use serde_json::Value;

use crate::budget::{Budget, Exceeded};

/// The structure of a node, in terms of its children's ids.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Shape {
    Scalar(String),
    Array(Vec<u32>),
    /// Keys sorted: JSON objects have no order.
    Object(Vec<(String, u32)>),
}

/// The pair "no schema at all" stands for in the memo.
const ABSENT: u32 = u32::MAX;

/// Largest compiled pattern (the regex crate's own measure).
const PATTERN_SIZE_LIMIT: usize = 1 << 20;

pub struct Cx<'b> {
    path: Vec<String>,
    budget: &'b mut Budget,
    failed: Option<Exceeded>,
    by_node: HashMap<usize, u32>,
    by_shape: HashMap<Shape, u32>,
    verdicts: HashMap<(u32, u32), bool>,
    patterns: HashMap<String, Option<Regex>>,
}

fn address(v: &Value) -> usize {
    std::ptr::from_ref(v) as usize
}

impl<'b> Cx<'b> {
    /// A check of `reader` against `writer` (both normalized), within `budget`.
    pub fn new(budget: &'b mut Budget, reader: &Value, writer: &Value) -> Self {
        let mut cx = Self {
            path: Vec::new(),
            budget,
            failed: None,
            by_node: HashMap::new(),
            by_shape: HashMap::new(),
            verdicts: HashMap::new(),
            patterns: HashMap::new(),
        };
        cx.intern(reader);
        cx.intern(writer);
        cx
    }

    /// The structural id of `v`: remembered by address for the schemas' own nodes, computed
    /// from its children for the values a rule makes on the way.
    fn intern(&mut self, v: &Value) -> u32 {
        if let Some(id) = self.by_node.get(&address(v)) {
            return *id;
        }
        let shape = match v {
            Value::Array(items) => Shape::Array(items.iter().map(|i| self.intern(i)).collect()),
            Value::Object(map) => {
                let mut fields: Vec<(String, u32)> = map
                    .iter()
                    .map(|(k, c)| (k.clone(), self.intern(c)))
                    .collect();
                fields.sort_unstable();
                Shape::Object(fields)
            }
            scalar => Shape::Scalar(scalar.to_string()),
        };
        let next = u32::try_from(self.by_shape.len()).unwrap_or(ABSENT - 1);
        let id = *self.by_shape.entry(shape).or_insert(next);
        self.by_node.insert(address(v), id);
        id
    }

    fn id(&mut self, v: Option<&Value>) -> u32 {
        v.map_or(ABSENT, |v| self.intern(v))
    }

    /// The remembered verdict of a pair.
    pub fn verdict(&mut self, reader: Option<&Value>, writer: Option<&Value>) -> Option<bool> {
        let key = (self.id(reader), self.id(writer));
        self.verdicts.get(&key).copied()
    }

    pub fn remember(&mut self, reader: Option<&Value>, writer: Option<&Value>, compatible: bool) {
        let key = (self.id(reader), self.id(writer));
        self.verdicts.insert(key, compatible);
    }

    /// Spends a step; false once the budget is gone (the check then winds down).
    pub fn step(&mut self) -> bool {
        if self.failed.is_some() {
            return false;
        }
        match self.budget.step() {
            Ok(()) => true,
            Err(e) => {
                self.failed = Some(e);
                false
            }
        }
    }

    /// Why the check stopped early, if it did.
    pub fn failed(&self) -> Option<Exceeded> {
        self.failed
    }

    /// The current location in the reader schema (segments joined as Karapace writes them).
    pub fn pointer(&self) -> String {
        format!("/{}", self.path.join("/"))
    }

    /// Runs `f` at a location some segments deeper.
    pub fn with<T>(&mut self, parts: &[&str], f: impl FnOnce(&mut Self) -> T) -> T {
        let len = self.path.len();
        self.path.extend(parts.iter().map(|p| (*p).to_owned()));
        let out = f(self);
        self.path.truncate(len);
        out
    }

    /// Whether `property` matches `pattern` from its start (as Python's `re.match`), the
    /// pattern compiled once per check; a pattern that does not compile matches nothing.
    pub fn matches(&mut self, pattern: &str, property: &str) -> bool {
        let compiled = self.patterns.entry(pattern.to_owned()).or_insert_with(|| {
            RegexBuilder::new(&format!("^(?:{pattern})"))
                .size_limit(PATTERN_SIZE_LIMIT)
                .build()
                .ok()
        });
        compiled.as_ref().is_some_and(|re| re.is_match(property))
    }
}
