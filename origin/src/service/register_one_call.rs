//! The optimistic registration's write in one round trip, where the backend has it: the checks
//! ran on a snapshot outside any lock, and the backend's stored function confirms the snapshot
//! under the lock and writes. It declines what it does not handle, and the caller then writes
//! through the step-by-step transaction, which decides those cases.

use registry_core::Schema;
use registry_core::change::Change;
use registry_core::invalidation::EventKind;
use registry_core::search::SearchTerms;

use super::register::{MAX_ID, RegisterInput, Snapshot};
use super::{Registry, ServiceError};
use crate::store::{OneCall, OneCallOutcome, rows};

impl Registry {
    /// What the one call did and when the version was registered; `None` when the backend has
    /// no such call.
    pub(super) async fn write_in_one_call(
        &self,
        input: &RegisterInput,
        schema: &Schema,
        terms: &SearchTerms,
        snapshot: &Snapshot,
    ) -> Result<Option<(OneCallOutcome, i64)>, ServiceError> {
        let subject = input.subject.as_str();
        // The event's keys but the schema usage one, which names the id the call settles.
        let keys_before_id =
            rows::keys_json(&Change::new(EventKind::Register, Some(subject)).stale_keys());
        let fingerprint = schema.fingerprint.to_hex();
        let registered_ms = crate::store::now_ms();
        let call = OneCall {
            subject,
            seen: &snapshot.seen,
            fingerprint: &fingerprint,
            schema_type: schema.schema_type,
            text: &schema.text,
            references: &schema.references,
            metadata: input.metadata.as_deref(),
            rule_set: input.rule_set.as_deref(),
            registered_ms,
            import_id: input.import_id,
            import_version: input.import_version,
            max_id: MAX_ID,
            terms,
            event_kind: EventKind::Register.as_str(),
            keys_before_id: &keys_before_id,
            actor: &input.actor,
        };
        let outcome = self.db.run(|s| s.register_in_one_call(&call)).await?;
        if let Some(outcome) = outcome {
            let path = match outcome {
                OneCallOutcome::Written { .. } => "one_call",
                OneCallOutcome::Moved => "one_call_moved",
                OneCallOutcome::Declined => "one_call_declined",
            };
            metrics::counter!("registry_registration_writes_total", "path" => path).increment(1);
        }
        Ok(outcome.map(|o| (o, registered_ms)))
    }
}
