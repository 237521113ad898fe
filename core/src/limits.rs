//! Limits on what a schema text may be before it is parsed: its size and, for formats written
//! in JSON, how deep it nests. Checked without recursion, so a hostile text costs microseconds.

use std::fmt;

/// The limits a schema text must keep.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TextLimits {
    /// Largest text, in bytes.
    pub max_bytes: usize,
    /// Deepest nesting of arrays and objects (JSON-based formats) or of braces (Protobuf).
    pub max_depth: usize,
}

impl Default for TextLimits {
    fn default() -> Self {
        Self {
            max_bytes: 256 * 1024,
            max_depth: 64,
        }
    }
}

/// Which limit a text exceeds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LimitError {
    TooLarge { bytes: usize, limit: usize },
    TooDeep { limit: usize },
}

impl fmt::Display for LimitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::TooLarge { bytes, limit } => {
                write!(f, "Schema is {bytes} bytes; the limit is {limit}")
            }
            Self::TooDeep { limit } => write!(f, "Schema nests deeper than {limit} levels"),
        }
    }
}

impl std::error::Error for LimitError {}

/// The size limit alone (for formats that are not JSON).
pub fn check_size(text: &str, limits: &TextLimits) -> Result<(), LimitError> {
    if text.len() > limits.max_bytes {
        return Err(LimitError::TooLarge {
            bytes: text.len(),
            limit: limits.max_bytes,
        });
    }
    Ok(())
}

/// Size and JSON nesting (for formats written in JSON).
pub fn check_json_text(text: &str, limits: &TextLimits) -> Result<(), LimitError> {
    check_size(text, limits)?;
    if nesting_exceeds(text.as_bytes(), limits.max_depth) {
        return Err(LimitError::TooDeep {
            limit: limits.max_depth,
        });
    }
    Ok(())
}

/// Whether the JSON text `bytes` nests arrays and objects deeper than `limit`.
///
/// A single pass with a counter, no recursion: it runs before any parser, so a document of a
/// hundred thousand `[` is refused in microseconds instead of exhausting a parser's stack or
/// its recursion limit. Brackets inside strings do not count.
pub fn nesting_exceeds(bytes: &[u8], limit: usize) -> bool {
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    for &b in bytes {
        if in_string {
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                if depth > limit {
                    return true;
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nesting_depth_without_recursion() {
        assert!(!nesting_exceeds(br#"{"a":[1,{"b":"[[[[["}]}"#, 3));
        assert!(nesting_exceeds(br#"{"a":[1,{"b":[[]]}]}"#, 3));
        let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        assert!(nesting_exceeds(deep.as_bytes(), 64));
        assert!(
            !nesting_exceeds(br#""\"[[[[""#, 1),
            "escaped quotes stay inside the string"
        );
    }

    #[test]
    fn limits_say_which() {
        let limits = TextLimits {
            max_bytes: 10,
            max_depth: 2,
        };
        assert_eq!(
            check_json_text("[[[1]]]", &limits),
            Err(LimitError::TooDeep { limit: 2 })
        );
        assert_eq!(
            check_size("01234567890", &limits),
            Err(LimitError::TooLarge {
                bytes: 11,
                limit: 10
            })
        );
        assert_eq!(check_json_text("[[1]]", &limits), Ok(()));
    }
}
