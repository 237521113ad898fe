//! Model-output validation: the JSON value found in a model's raw text, checked against the
//! schema, with a short `repair` text that lists each problem in words a model can act on, for
//! a retry prompt. The value is never repaired.

use std::fmt::Write as _;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::extract::{Candidate, Found, Position, Problem, candidates};
use crate::issue::ValidationIssue;
use crate::validate::Validator;

/// What was found in the text, and where.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Located {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub found: Option<Found>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start: Option<Position>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end: Option<Position>,
    /// How many candidates the text held.
    pub candidates: usize,
    pub truncated: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problem: Option<Problem>,
}

/// The verdict on a model's output.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutputReport {
    pub valid: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<Value>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<ValidationIssue>,
    pub output: Located,
    /// For a retry prompt; absent when the output is valid.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub repair: Option<String>,
}

/// `text` checked against `validator`: the first candidate that is valid, else the first that
/// is JSON at all, else the first one's problem.
pub fn check_output(text: &str, validator: &Validator) -> OutputReport {
    check_output_by(text, |v| validator.is_valid(v), |v| validator.validate(v))
}

/// [`check_output`] with the schema's verdict and errors given as functions (where the
/// validator is not in Rust: the npm package's slim build passes its generated JavaScript).
pub fn check_output_by(
    text: &str,
    is_valid: impl Fn(&Value) -> bool,
    validate: impl Fn(&Value) -> Vec<ValidationIssue>,
) -> OutputReport {
    let found = candidates(text);
    let count = found.len();
    let chosen = found
        .iter()
        .find(|c| c.value.as_ref().is_some_and(&is_valid))
        .or_else(|| found.iter().find(|c| c.value.is_some()))
        .or_else(|| found.first());
    let Some(chosen) = chosen else {
        return report(None, Vec::new(), located(None, 0), Some(NOTHING.into()));
    };
    let at = located(Some(chosen), count);
    let Some(value) = &chosen.value else {
        let problem = chosen
            .problem
            .as_ref()
            .expect("a candidate has a value or a problem");
        return report(None, Vec::new(), at, Some(problem_text(problem)));
    };
    let errors = validate(value);
    let repair = (!errors.is_empty()).then(|| repair_text(&errors, count));
    report(Some(value.clone()), errors, at, repair)
}

const NOTHING: &str =
    "Your answer contained no JSON value. Answer with only the JSON value the schema describes.";

fn report(
    value: Option<Value>,
    errors: Vec<ValidationIssue>,
    output: Located,
    repair: Option<String>,
) -> OutputReport {
    OutputReport {
        valid: value.is_some() && errors.is_empty(),
        value,
        errors,
        output,
        repair,
    }
}

fn located(c: Option<&Candidate>, candidates: usize) -> Located {
    let problem = c.and_then(|c| c.problem.clone());
    Located {
        found: c.map(|c| c.found),
        start: c.map(|c| c.start),
        end: c.map(|c| c.end),
        candidates,
        truncated: problem.as_ref().is_some_and(|p| p.truncated),
        problem: problem.or_else(|| {
            c.is_none().then(|| Problem {
                message: "no JSON value found".into(),
                at: Position {
                    offset: 0,
                    line: 1,
                    column: 1,
                },
                truncated: false,
            })
        }),
    }
}

/// The retry text for a value that broke the schema.
pub fn repair_text(errors: &[ValidationIssue], candidates: usize) -> String {
    let mut text = String::from(
        "Your JSON does not match the required schema. Fix each problem and answer again with the whole corrected JSON value only:",
    );
    for e in errors {
        let at = if e.instance_path.is_empty() {
            "at the top level".to_owned()
        } else {
            format!("at {}", e.instance_path)
        };
        let _ = write!(text, "\n- {at}: {}", e.message);
    }
    if candidates > 1 {
        let _ = write!(
            text,
            "\n- your answer held {candidates} JSON values; give exactly one"
        );
    }
    text
}

fn problem_text(p: &Problem) -> String {
    if p.truncated {
        format!(
            "Your JSON was cut off at character {} (line {}, column {}) before the value was complete. Answer again with the whole JSON value, shorter if needed.",
            p.at.offset, p.at.line, p.at.column
        )
    } else {
        format!(
            "Your answer is not valid JSON: {} at line {}, column {} (character {}). Answer again with valid JSON only.",
            p.message, p.at.line, p.at.column, p.at.offset
        )
    }
}
