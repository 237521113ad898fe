//! A reader's position in the event log that does not skip events committed out of order.
//!
//! Event seqs come from a sequence taken at insert, so a transaction that took seq 10 can
//! commit after one that took seq 11: a reader that saw 11 and moved past it would never see
//! 10. The cursor remembers such holes and reads from the oldest open one until it is filled
//! or old enough that no transaction can still be open for it (a rolled-back write leaves a
//! hole that never fills). Applying an event twice is harmless; missing one is not.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

/// How long a hole is waited for.
pub const HOLE_GRACE: Duration = Duration::from_secs(10);

#[derive(Debug, Clone)]
pub struct LogCursor {
    /// The highest seq seen.
    seen: i64,
    /// Seqs below `seen` not seen yet, with when they were first missed.
    holes: BTreeMap<i64, Instant>,
}

impl LogCursor {
    pub fn new(after: i64) -> Self {
        Self {
            seen: after,
            holes: BTreeMap::new(),
        }
    }

    /// Where the next read starts: after this seq.
    pub fn read_after(&self) -> i64 {
        self.holes
            .keys()
            .next()
            .map_or(self.seen, |first| first - 1)
    }

    /// Every seq up to this one has been seen (or given up on): what may be persisted.
    pub fn safe(&self) -> i64 {
        self.read_after()
    }

    /// Whether `seq` has not been seen yet (past the highest seen, or a hole it fills).
    pub fn is_new(&self, seq: i64) -> bool {
        seq > self.seen || self.holes.contains_key(&seq)
    }

    /// Records the seqs a read from [`Self::read_after`] returned (ascending).
    pub fn advance(&mut self, seqs: &[i64], now: Instant) {
        for &seq in seqs {
            self.holes.remove(&seq);
            if seq > self.seen {
                for missing in self.seen + 1..seq {
                    self.holes.insert(missing, now);
                }
                self.seen = seq;
            }
        }
        self.holes
            .retain(|_, since| now.duration_since(*since) < HOLE_GRACE);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_event_committed_late_is_still_read() {
        let start = Instant::now();
        let mut c = LogCursor::new(9);
        c.advance(&[11], start);
        assert_eq!(
            c.read_after(),
            9,
            "10 is missing: read from before it again"
        );
        assert!(c.is_new(10) && !c.is_new(11) && c.is_new(12));
        c.advance(&[10, 11, 12], start);
        assert_eq!(c.read_after(), 12);
        assert_eq!(c.safe(), 12);
    }

    #[test]
    fn a_hole_that_never_fills_is_given_up() {
        let start = Instant::now();
        let mut c = LogCursor::new(0);
        c.advance(&[2, 5], start);
        assert_eq!(c.read_after(), 0);
        c.advance(&[2, 4, 5], start + Duration::from_secs(1));
        assert_eq!(c.read_after(), 0, "1 and 3 still awaited");
        c.advance(&[2, 4, 5], start + HOLE_GRACE);
        assert_eq!(c.read_after(), 5);
    }
}
