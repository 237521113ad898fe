//! Finding the JSON value in what a model wrote: the whole text, a fenced code block, or a
//! value embedded in prose; several candidates are all found and the caller picks; a value
//! cut off by the end of the text is reported as truncated, with where it stopped; invalid
//! JSON is reported with where it broke. Nothing is repaired: a trailing comma or a stray
//! quote is an error, for the model to correct.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Where a candidate was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Found {
    /// The whole text (leading and trailing space aside) is the value.
    Whole,
    /// Inside a fenced code block.
    Fenced,
    /// Within prose.
    Embedded,
}

/// A place in the text: offset in characters from the start, line and column from 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Position {
    pub offset: usize,
    pub line: usize,
    pub column: usize,
}

/// Why a candidate is not a JSON value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    pub message: String,
    pub at: Position,
    /// The value stopped at the end of the text (or of its code block) before it was complete.
    pub truncated: bool,
}

/// One candidate: where it is, and its value or its problem.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Candidate {
    pub found: Found,
    pub start: Position,
    pub end: Position,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problem: Option<Problem>,
}

/// At most this many candidates are kept.
const MAX_CANDIDATES: usize = 64;

/// Scanning for values in prose stops after reading the text this many times over: brackets
/// that never parse cost linear time, not quadratic.
const SCAN_PASSES: usize = 8;

/// Every candidate in `text` (at most [`MAX_CANDIDATES`]), in order: the whole text when it is JSON; else the fenced blocks
/// when there are any; else the values embedded in the prose.
pub fn candidates(text: &str) -> Vec<Candidate> {
    let trimmed_start = text.len() - text.trim_start().len();
    let trimmed = text.trim();
    if let Ok(value) = serde_json::from_str::<Value>(trimmed) {
        return vec![candidate(
            text,
            Found::Whole,
            trimmed_start,
            trimmed.len(),
            Ok(value),
        )];
    }
    let fenced = fenced_blocks(text);
    if !fenced.is_empty() {
        return fenced
            .into_iter()
            .take(MAX_CANDIDATES)
            .map(|(start, end, closed)| {
                let inner = &text[start..end];
                let lead = inner.len() - inner.trim_start().len();
                let body = inner.trim();
                let parsed = parse(body, !closed);
                candidate(text, Found::Fenced, start + lead, body.len(), parsed)
            })
            .collect();
    }
    embedded(text)
}

fn candidate(
    text: &str,
    found: Found,
    start: usize,
    len: usize,
    parsed: Result<Value, (String, usize, bool)>,
) -> Candidate {
    let (value, problem) = match parsed {
        Ok(v) => (Some(v), None),
        Err((message, at, truncated)) => (
            None,
            Some(Problem {
                message,
                at: position(text, start + at),
                truncated,
            }),
        ),
    };
    Candidate {
        found,
        start: position(text, start),
        end: position(text, start + len),
        value,
        problem,
    }
}

/// The value of `body`, or (message, byte offset in `body`, truncated).
fn parse(body: &str, may_be_cut: bool) -> Result<Value, (String, usize, bool)> {
    serde_json::from_str(body).map_err(|e| {
        let at = byte_at(body, e.line(), e.column());
        let truncated = e.is_eof() || (may_be_cut && scan(body.as_bytes(), 0).is_none());
        let message = if truncated {
            "the value is cut off before it is complete".to_owned()
        } else {
            strip_location(&e.to_string())
        };
        (message, if truncated { body.len() } else { at }, truncated)
    })
}

fn strip_location(message: &str) -> String {
    message
        .split(" at line ")
        .next()
        .unwrap_or(message)
        .to_owned()
}

/// The byte offset of serde_json's (line, column), both from 1.
fn byte_at(body: &str, line: usize, column: usize) -> usize {
    let line_start: usize = body
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    (line_start + column.saturating_sub(1)).min(body.len())
}

fn position(text: &str, byte: usize) -> Position {
    let mut byte = byte.min(text.len());
    while !text.is_char_boundary(byte) {
        byte -= 1;
    }
    let before = &text[..byte];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    Position {
        offset: before.chars().count(),
        line,
        column: text[line_start..byte].chars().count() + 1,
    }
}

/// The fenced blocks: (content start, content end, closed), byte offsets.
fn fenced_blocks(text: &str) -> Vec<(usize, usize, bool)> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(open) = text[from..].find("```").map(|i| from + i) {
        let after = open + 3;
        let content = text[after..]
            .find('\n')
            .map_or(text.len(), |i| after + i + 1);
        let Some(close) = text[content..].find("```") else {
            out.push((content, text.len(), false));
            break;
        };
        out.push((content, content + close, true));
        from = content + close + 3;
    }
    out
}

/// The values within prose: every `{` or `[` that opens a balanced stretch, scanned past.
fn embedded(text: &str) -> Vec<Candidate> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut budget = SCAN_PASSES * bytes.len() + 4096;
    let mut i = 0;
    while i < bytes.len() && out.len() < MAX_CANDIDATES {
        if bytes[i] != b'{' && bytes[i] != b'[' {
            i += 1;
            continue;
        }
        let found = scan(bytes, i);
        let cost = found.unwrap_or(bytes.len()) - i;
        if cost > budget {
            break;
        }
        budget -= cost;
        let Some(end) = found else {
            let body = &text[i..];
            let parsed = parse(body, true);
            let plausible = bytes[i] == b'{' || parsed.as_ref().is_err_and(|e| e.2);
            if plausible {
                out.push(candidate(text, Found::Embedded, i, body.len(), parsed));
            }
            break;
        };
        let body = &text[i..end];
        match parse(body, false) {
            Ok(v) => {
                out.push(candidate(text, Found::Embedded, i, body.len(), Ok(v)));
                i = end;
            }
            Err(e) => {
                if bytes[i] == b'{' {
                    out.push(candidate(text, Found::Embedded, i, body.len(), Err(e)));
                }
                i += 1;
            }
        }
    }
    out
}

/// The end (exclusive) of the bracketed stretch opening at `start`, strings skipped; `None`
/// when the text ends first. A mismatched closer ends it too (the parse then says why).
fn scan(bytes: &[u8], start: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for (i, &b) in bytes.iter().enumerate().skip(start) {
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'{' | b'[' => depth += 1,
            b'}' | b']' => {
                depth -= 1;
                if depth == 0 {
                    return Some(i + 1);
                }
            }
            _ => {}
        }
    }
    None
}
