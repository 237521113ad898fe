//! Validation of payloads against a registered schema (an extension of the Confluent API):
//! one payload or a batch, each with its errors, or a model's raw output (`{"output": "..."}`).
//! Large bodies are validated on the CPU pool.

use registry_core::Validator;
use registry_core::api::ValidateResponse;
use serde_json::Value;

use super::{Registry, ServiceError};
use crate::store::{Deleted, StoredSchema};

/// Bodies up to this size are validated inline (microseconds); larger ones on the CPU pool.
const INLINE_BYTES: usize = 16 * 1024;

impl Registry {
    /// Validates `body` against a version of `subject` (`None`: latest).
    pub async fn validate_version(
        &self,
        subject: &str,
        version: Option<i32>,
        body: Value,
        body_bytes: usize,
    ) -> Result<ValidateResponse, ServiceError> {
        let record = self.version(subject, version, Deleted::Exclude).await?;
        self.validate_against(&record.schema, body, body_bytes)
            .await
    }

    /// Validates `body` against schema `id`.
    pub async fn validate_id(
        &self,
        id: i64,
        body: Value,
        body_bytes: usize,
    ) -> Result<ValidateResponse, ServiceError> {
        let schema = self.stored(id).await?;
        self.validate_against(&schema, body, body_bytes).await
    }

    async fn validate_against(
        &self,
        schema: &StoredSchema,
        body: Value,
        body_bytes: usize,
    ) -> Result<ValidateResponse, ServiceError> {
        let validator = self.validator(schema).await?;
        if body_bytes <= INLINE_BYTES {
            return Ok(run(&validator, body));
        }
        self.cpu().run(move || run(&validator, body)).await
    }
}

fn run(validator: &Validator, body: Value) -> ValidateResponse {
    ValidateResponse::answer(validator, body)
}
