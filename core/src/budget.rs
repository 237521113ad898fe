//! How much work a compatibility check may do: steps (pair comparisons, nodes produced by
//! inlining `$ref`s), and a flag the caller sets to stop it early (its client went away).
//! Steps, not time: the core runs where no clock is (wasm32), and a count is the same on every
//! machine.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// Steps a check may take unless told otherwise: about a second of work on one core at most
/// (1-4 million steps a second), many times what real schemas need (a 500-field record against
/// 50 versions at FULL_TRANSITIVE takes about 50,000).
pub const DEFAULT_STEPS: u64 = 2_000_000;

/// Most nodes a schema may expand to once its `$ref`s are inlined unless told otherwise (each
/// costs a few hundred bytes while the check runs).
pub const DEFAULT_EXPANDED_NODES: usize = 150_000;

/// Why a check stopped before its verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exceeded {
    /// It needed more than `limit` steps.
    Steps { limit: u64 },
    /// A schema expands to more than `limit` nodes when its `$ref`s are inlined.
    Expansion { limit: usize },
    /// The caller gave up.
    Cancelled,
}

impl fmt::Display for Exceeded {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Steps { limit } => write!(
                f,
                "the compatibility check needs more than {limit} steps (the schemas are too complex to compare)"
            ),
            Self::Expansion { limit } => write!(
                f,
                "the schema expands to more than {limit} nodes once its $refs are inlined"
            ),
            Self::Cancelled => f.write_str("the check was cancelled"),
        }
    }
}

impl std::error::Error for Exceeded {}

/// The work left.
#[derive(Debug, Clone)]
pub struct Budget {
    limit: u64,
    left: u64,
    max_nodes: usize,
    cancel: Option<Arc<AtomicBool>>,
}

/// The cancel flag is read once per this many steps.
const CANCEL_EVERY: u64 = 4096;

impl Budget {
    /// `steps` steps, and schemas expanding to at most `max_nodes` nodes.
    pub fn new(steps: u64, max_nodes: usize) -> Self {
        Self {
            limit: steps,
            left: steps,
            max_nodes,
            cancel: None,
        }
    }

    /// No limit (tools checking their own schemas, tests).
    pub fn unlimited() -> Self {
        Self::new(u64::MAX, usize::MAX)
    }

    /// Most nodes a schema may expand to.
    pub fn max_nodes(&self) -> usize {
        self.max_nodes
    }

    /// Stops at the next check once `flag` is set.
    #[must_use]
    pub fn cancelled_by(mut self, flag: Arc<AtomicBool>) -> Self {
        self.cancel = Some(flag);
        self
    }

    /// Spends one step.
    ///
    /// # Errors
    /// When the steps are used up or the caller gave up.
    pub fn step(&mut self) -> Result<(), Exceeded> {
        if self.left == 0 {
            return Err(Exceeded::Steps { limit: self.limit });
        }
        self.left -= 1;
        if self.left.is_multiple_of(CANCEL_EVERY)
            && self
                .cancel
                .as_ref()
                .is_some_and(|c| c.load(Ordering::Relaxed))
        {
            return Err(Exceeded::Cancelled);
        }
        Ok(())
    }

    /// Steps spent so far.
    pub fn spent(&self) -> u64 {
        self.limit - self.left
    }
}

impl Default for Budget {
    fn default() -> Self {
        Self::new(DEFAULT_STEPS, DEFAULT_EXPANDED_NODES)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_run_out_and_cancellation_is_seen() {
        let mut b = Budget::new(2, 10);
        assert!(b.step().is_ok() && b.step().is_ok());
        assert_eq!(b.step(), Err(Exceeded::Steps { limit: 2 }));
        let flag = Arc::new(AtomicBool::new(false));
        let mut b = Budget::unlimited().cancelled_by(flag.clone());
        flag.store(true, Ordering::Relaxed);
        let stopped = (0..2 * CANCEL_EVERY).map(|_| b.step()).find(Result::is_err);
        assert_eq!(stopped, Some(Err(Exceeded::Cancelled)));
    }
}
