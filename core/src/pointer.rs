//! JSON pointers (RFC 6901) built while walking a document, for the locations that parse
//! errors and compatibility reports give.

use std::fmt;

/// A pointer under construction: segments pushed on the way down, popped on the way up.
#[derive(Debug, Default, Clone)]
pub struct Pointer(Vec<String>);

impl Pointer {
    pub fn root() -> Self {
        Self(Vec::new())
    }

    /// Runs `f` one segment deeper.
    pub fn with<T>(&mut self, segment: &str, f: impl FnOnce(&mut Self) -> T) -> T {
        self.0.push(segment.to_owned());
        let out = f(self);
        self.0.pop();
        out
    }

    /// The pointer to `segment` below this one.
    pub fn child(&self, segment: &str) -> String {
        format!("{self}/{}", escape(segment))
    }
}

impl fmt::Display for Pointer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for segment in &self.0 {
            write!(f, "/{}", escape(segment))?;
        }
        Ok(())
    }
}

/// A segment with `~` and `/` escaped.
pub fn escape(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_are_escaped() {
        let mut p = Pointer::root();
        p.with("a/b", |p| {
            p.with("c~d", |p| assert_eq!(p.to_string(), "/a~1b/c~0d"));
            assert_eq!(p.child("x"), "/a~1b/x");
        });
        assert_eq!(p.to_string(), "");
    }
}
