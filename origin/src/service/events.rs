//! The audit timeline: every register, delete, settings change and key administration, with
//! who (a key id, `cli`, or `anonymous`), when and what, read from the event log the
//! invalidation outbox writes; and its upkeep (pruning past the retention).

use super::{Registry, ServiceError};
use crate::store::{EventRecord, now_ms};

impl Registry {
    /// Events after `after` (of `subject`, if given), oldest first.
    pub async fn events(
        &self,
        after: i64,
        subject: Option<&str>,
        limit: i64,
    ) -> Result<Vec<EventRecord>, ServiceError> {
        Ok(self.db.run(|s| s.events(after, subject, limit)).await?)
    }

    /// Deletes events older than `retention` that every edge has; how many went.
    pub async fn prune_events(&self, retention: std::time::Duration) -> Result<u64, ServiceError> {
        let cutoff = now_ms() - i64::try_from(retention.as_millis()).unwrap_or(i64::MAX);
        let mut tx = self.db.run(|s| s.begin_write()).await?;
        let pruned = tx.prune_events(cutoff).await?;
        tx.commit().await?;
        Ok(pruned)
    }
}
