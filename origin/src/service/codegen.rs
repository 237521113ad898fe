//! A JSON Schema's validator as a JavaScript module (`GET /schemas/ids/{id}/validator.mjs`), made
//! by core's generator on the CPU pool and cached with the schema: immutable, like the schema.

use std::sync::Arc;

use registry_core::SchemaType;
use registry_core::cache_key::CacheKey;
use registry_core::json::JsonModel;
use registry_core::routes::{ReadKey, Variant};

use super::cache::CachedBody;
use super::{Registry, ServiceError};
use crate::store::StoredSchema;

impl Registry {
    /// The module validating `stored`: 422 for a schema that is not JSON Schema, or one whose
    /// validator the generator cannot express yet (it says what and where).
    pub async fn validator_module(
        &self,
        stored: &StoredSchema,
    ) -> Result<Arc<CachedBody>, ServiceError> {
        if stored.schema_type != SchemaType::Json {
            return Err(ServiceError::Invalid(format!(
                "a JavaScript validator is generated for JSON Schema; schema {} is {}",
                stored.id, stored.schema_type
            )));
        }
        let key = ReadKey {
            key: CacheKey::SchemaById(stored.id),
            variant: Variant::Validator,
        };
        let make = || async {
            let parsed = self.parsed(stored).await?;
            let id = stored.id;
            let module = self
                .cpu()
                .run(move || parsed.model_as::<JsonModel>().map(JsonModel::javascript))
                .await?
                .ok_or_else(|| ServiceError::Internal(format!("schema {id} is not JSON Schema")))?
                .map_err(|why| {
                    ServiceError::Invalid(format!(
                        "schema {id} has no generated JavaScript validator: {why}; validate with \
                         POST /schemas/ids/{id}/validate instead"
                    ))
                })?;
            Ok(CachedBody::new(module.into_bytes(), true, None))
        };
        self.cache.variant_or(key, make).await
    }
}
