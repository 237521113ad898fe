//! Streaming validation of a model's JSON output: fed the text in chunks as it arrives, it
//! reports the first error as soon as the prefix can no longer become valid, so a caller can
//! stop a stream early. Every early check is a necessary condition read from one schema node
//! (its `type`, `enum`/`const`, closed properties, `required` when an object closes,
//! `maxLength`, `maxItems`/`minItems`, bounds of a finished number), so a prefix of a valid
//! document is never refused; at the end the full validator gives the verdict.

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::issue::ValidationIssue;
use crate::pointer::escape;
use crate::validate::Validator;

use super::stream_schema::{
    Kind, Node, StringCheck, describe, item_node, kinds, property_node, resolve, scalar,
    string_check,
};

/// The first point where the stream could no longer become valid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StreamError {
    /// Characters read before the one that broke it.
    pub offset: usize,
    /// JSON pointer to the value it is in.
    pub instance_path: String,
    pub message: String,
}

/// The verdict when the stream ends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StreamVerdict {
    pub valid: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<ValidationIssue>,
    /// The early error, when there was one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<StreamError>,
    /// The stream ended before the value was complete.
    pub truncated: bool,
}

#[derive(Debug)]
enum Frame {
    Object {
        node: Node,
        state: Obj,
        keys: Vec<String>,
        child: Node,
    },
    Array {
        node: Node,
        state: Arr,
        index: usize,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Obj {
    KeyOrEnd,
    Key,
    Colon,
    Value,
    CommaOrEnd,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Arr {
    ValueOrEnd,
    Value,
    CommaOrEnd,
}

#[derive(Debug)]
enum Token {
    None,
    Str(Box<StrToken>),
    Num {
        text: String,
        node: Node,
    },
    Lit {
        word: &'static str,
        read: usize,
        node: Node,
    },
}

/// A string being read: its raw text (quotes included), its decoded text while no `\u` escape
/// was seen, whether it is an object key, and the checks on its prefix (read once).
#[derive(Debug)]
struct StrToken {
    raw: String,
    decoded: Option<String>,
    chars: u64,
    escape: bool,
    key: bool,
    node: Node,
    check: Option<StringCheck>,
}

impl StrToken {
    fn new(key: bool, node: Node, check: Option<StringCheck>) -> Self {
        Self {
            raw: "\"".into(),
            decoded: Some(String::new()),
            chars: 0,
            escape: false,
            key,
            node,
            check,
        }
    }

    /// Reads `c`: the decoded text once the closing quote is read.
    fn feed(&mut self, c: char) -> Result<Option<String>, String> {
        self.raw.push(c);
        let mut pushed = None;
        if self.escape {
            self.escape = false;
            match c {
                'u' => self.decoded = None,
                '"' | '\\' | '/' | 'b' | 'f' | 'n' | 'r' | 't' => pushed = Some(unescape(c)),
                _ => return Err(format!("\\{c} is not a JSON escape")),
            }
        } else if c == '"' {
            let text =
                serde_json::from_str(&self.raw).map_err(|e| format!("invalid string: {e}"))?;
            return Ok(Some(text));
        } else if c == '\\' {
            self.escape = true;
        } else if c < ' ' {
            return Err("a control character inside a string".into());
        } else {
            pushed = Some(c);
        }
        if let (Some(ch), Some(d)) = (pushed, self.decoded.as_mut()) {
            d.push(ch);
            self.chars += 1;
            if let Some(check) = &self.check {
                check.prefix(d, self.chars)?;
            }
        }
        Ok(None)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Top {
    Before,
    Fence,
    In,
    After,
}

/// A validator fed a model's output as it streams.
#[derive(Debug)]
pub struct StreamValidator {
    root: Arc<Value>,
    validator: Validator,
    text: String,
    read: usize,
    top: Top,
    stack: Vec<Frame>,
    token: Token,
    error: Option<StreamError>,
}

impl StreamValidator {
    /// A stream validator for the JSON Schema `schema`, with `validator` (compiled from the same
    /// schema) for the final verdict.
    pub fn new(schema: impl Into<Arc<Value>>, validator: Validator) -> Self {
        Self {
            root: schema.into(),
            validator,
            text: String::new(),
            read: 0,
            top: Top::Before,
            stack: Vec::new(),
            token: Token::None,
            error: None,
        }
    }

    /// Reads `chunk`; the first error so far, if any (nothing more is read after one).
    pub fn push(&mut self, chunk: &str) -> Option<&StreamError> {
        for c in chunk.chars() {
            if self.error.is_some() {
                break;
            }
            self.text.push(c);
            if let Err(message) = self.char(c) {
                self.error = Some(StreamError {
                    offset: self.read,
                    instance_path: self.path(),
                    message,
                });
                break;
            }
            self.read += 1;
        }
        self.error.as_ref()
    }

    /// The first error so far.
    pub fn error(&self) -> Option<&StreamError> {
        self.error.as_ref()
    }

    /// The verdict on everything read: the early error, a truncation, or the full validator's.
    pub fn finish(&mut self) -> StreamVerdict {
        if let Some(error) = self.error.clone() {
            return verdict(Vec::new(), Some(error), false);
        }
        if let Token::Num { .. } = self.token {
            let _ = self.char(' ');
        }
        if let Some(error) = self.error.clone() {
            return verdict(Vec::new(), Some(error), false);
        }
        if self.top != Top::After {
            return verdict(Vec::new(), None, true);
        }
        let body = self.text.trim().trim_matches('`').trim();
        let body = body.strip_prefix("json").unwrap_or(body);
        match serde_json::from_str::<Value>(body) {
            Ok(value) => verdict(self.validator.validate(&value), None, false),
            Err(e) => verdict(
                vec![ValidationIssue {
                    instance_path: String::new(),
                    schema_path: String::new(),
                    message: e.to_string(),
                }],
                None,
                false,
            ),
        }
    }

    fn path(&self) -> String {
        let mut path = String::new();
        for frame in &self.stack {
            match frame {
                Frame::Object { keys, state, .. } => {
                    if matches!(state, Obj::Value | Obj::Colon)
                        && let Some(k) = keys.last()
                    {
                        path.push('/');
                        path.push_str(&escape(k));
                    }
                }
                Frame::Array { index, .. } => {
                    path.push('/');
                    path.push_str(&index.to_string());
                }
            }
        }
        path
    }

    fn char(&mut self, c: char) -> Result<(), String> {
        if let Token::Str(token) = &mut self.token {
            let Some(text) = token.feed(c)? else {
                return Ok(());
            };
            let Token::Str(token) = std::mem::replace(&mut self.token, Token::None) else {
                unreachable!("a string")
            };
            return if token.key {
                self.key(text)
            } else {
                scalar(&self.root, &Value::String(text), &token.node).map(|()| self.completed())
            };
        }
        match std::mem::replace(&mut self.token, Token::None) {
            Token::None | Token::Str(_) => self.structural(c),
            Token::Num { mut text, node } => {
                if c.is_ascii_digit() || matches!(c, '-' | '+' | '.' | 'e' | 'E') {
                    text.push(c);
                    self.token = Token::Num { text, node };
                    return Ok(());
                }
                let value: Value = serde_json::from_str(&text)
                    .map_err(|_| format!("{text} is not a JSON number"))?;
                scalar(&self.root, &value, &node)?;
                self.completed();
                self.structural(c)
            }
            Token::Lit { word, read, node } => {
                if !word[read..].starts_with(c) {
                    return Err(format!("expected {word}"));
                }
                if read + 1 < word.len() {
                    self.token = Token::Lit {
                        word,
                        read: read + 1,
                        node,
                    };
                    return Ok(());
                }
                let value: Value = serde_json::from_str(word).expect("a JSON literal");
                scalar(&self.root, &value, &node)?;
                self.completed();
                Ok(())
            }
        }
    }

    fn structural(&mut self, c: char) -> Result<(), String> {
        if self.top == Top::Fence {
            if c == '\n' {
                self.top = Top::Before;
            }
            return Ok(());
        }
        if c.is_whitespace() {
            return Ok(());
        }
        match self.top {
            Top::Before if c == '`' => {
                self.top = Top::Fence;
                return Ok(());
            }
            Top::Before => {
                self.top = Top::In;
                return self.value(c, Some(String::new()));
            }
            Top::After if c == '`' => return Ok(()),
            Top::After => return Err("text after the JSON value".into()),
            _ => {}
        }
        match self.stack.last_mut() {
            Some(Frame::Object { state, child, .. }) => match (*state, c) {
                (Obj::KeyOrEnd | Obj::Key, '"') => {
                    self.token = Token::Str(Box::new(StrToken::new(true, None, None)));
                    Ok(())
                }
                (Obj::KeyOrEnd | Obj::CommaOrEnd, '}') => self.close_object(),
                (Obj::Colon, ':') => {
                    *state = Obj::Value;
                    Ok(())
                }
                (Obj::Value, _) => {
                    let node = child.clone();
                    self.value(c, node)
                }
                (Obj::CommaOrEnd, ',') => {
                    *state = Obj::Key;
                    Ok(())
                }
                _ => Err(format!("unexpected {c:?} in an object")),
            },
            Some(Frame::Array { state, .. }) => match (*state, c) {
                (Arr::ValueOrEnd | Arr::CommaOrEnd, ']') => self.close_array(),
                (Arr::ValueOrEnd | Arr::Value, _) => self.element(c),
                (Arr::CommaOrEnd, ',') => {
                    *state = Arr::Value;
                    Ok(())
                }
                _ => Err(format!("unexpected {c:?} in an array")),
            },
            None => Err(format!("unexpected {c:?}")),
        }
    }

    fn element(&mut self, c: char) -> Result<(), String> {
        let Some(Frame::Array { node, index, .. }) = self.stack.last() else {
            unreachable!("in an array")
        };
        let (node, index) = (node.clone(), *index);
        let schema = resolve(&self.root, &node);
        if let Some(max) = schema
            .and_then(|s| s.get("maxItems"))
            .and_then(Value::as_u64)
            && index as u64 >= max
        {
            return Err(format!("more than {max} items"));
        }
        let child = item_node(&self.root, &node, index);
        self.value(c, child)
    }

    fn value(&mut self, c: char, node: Node) -> Result<(), String> {
        let kind = match c {
            '{' => Kind::Object,
            '[' => Kind::Array,
            '"' => Kind::String,
            '-' | '0'..='9' => Kind::Number,
            't' | 'f' => Kind::Boolean,
            'n' => Kind::Null,
            _ => return Err(format!("{c:?} cannot start a JSON value")),
        };
        if let Some(allowed) = resolve(&self.root, &node).and_then(|s| kinds(&self.root, s, 0))
            && allowed & kind as u8 == 0
        {
            return Err(format!(
                "expected {}, got {}",
                describe(allowed),
                kind.name()
            ));
        }
        match c {
            '{' => self.stack.push(Frame::Object {
                node,
                state: Obj::KeyOrEnd,
                keys: Vec::new(),
                child: None,
            }),
            '[' => self.stack.push(Frame::Array {
                node,
                state: Arr::ValueOrEnd,
                index: 0,
            }),
            '"' => {
                let check = string_check(&self.root, &node);
                self.token = Token::Str(Box::new(StrToken::new(false, node, check)));
            }
            't' => {
                self.token = Token::Lit {
                    word: "true",
                    read: 1,
                    node,
                }
            }
            'f' => {
                self.token = Token::Lit {
                    word: "false",
                    read: 1,
                    node,
                }
            }
            'n' => {
                self.token = Token::Lit {
                    word: "null",
                    read: 1,
                    node,
                }
            }
            _ => {
                self.token = Token::Num {
                    text: c.to_string(),
                    node,
                }
            }
        }
        Ok(())
    }

    fn key(&mut self, key: String) -> Result<(), String> {
        let Some(Frame::Object { node, .. }) = self.stack.last() else {
            unreachable!("a key is in an object")
        };
        let child = property_node(&self.root, &node.clone(), &key)?;
        let Some(Frame::Object {
            state,
            keys,
            child: slot,
            ..
        }) = self.stack.last_mut()
        else {
            unreachable!("a key is in an object")
        };
        keys.push(key);
        *slot = child;
        *state = Obj::Colon;
        Ok(())
    }

    /// A value finished: the container moves on.
    fn completed(&mut self) {
        match self.stack.last_mut() {
            Some(Frame::Object { state, .. }) => *state = Obj::CommaOrEnd,
            Some(Frame::Array { state, index, .. }) => {
                *state = Arr::CommaOrEnd;
                *index += 1;
            }
            None => self.top = Top::After,
        }
    }

    fn close_object(&mut self) -> Result<(), String> {
        let Some(Frame::Object { node, keys, .. }) = self.stack.pop() else {
            unreachable!("closing an object")
        };
        if let Some(required) = resolve(&self.root, &node)
            .and_then(|s| s.get("required"))
            .and_then(Value::as_array)
            && let Some(missing) = required
                .iter()
                .filter_map(Value::as_str)
                .find(|r| !keys.iter().any(|k| k == r))
        {
            return Err(format!("required property {missing:?} is missing"));
        }
        self.completed();
        Ok(())
    }

    fn close_array(&mut self) -> Result<(), String> {
        let Some(Frame::Array { node, index, .. }) = self.stack.pop() else {
            unreachable!("closing an array")
        };
        if let Some(min) = resolve(&self.root, &node)
            .and_then(|s| s.get("minItems"))
            .and_then(Value::as_u64)
            && (index as u64) < min
        {
            return Err(format!("fewer than {min} items"));
        }
        self.completed();
        Ok(())
    }
}

fn verdict(
    errors: Vec<ValidationIssue>,
    error: Option<StreamError>,
    truncated: bool,
) -> StreamVerdict {
    StreamVerdict {
        valid: errors.is_empty() && error.is_none() && !truncated,
        errors,
        error,
        truncated,
    }
}

fn unescape(c: char) -> char {
    match c {
        'b' => '\u{8}',
        'f' => '\u{c}',
        'n' => '\n',
        'r' => '\r',
        't' => '\t',
        other => other,
    }
}
