//! Contexts: the default one and those versions were registered in, and the deletion of an
//! empty one.

use registry_core::qualified::{DEFAULT_CONTEXT, GLOBAL_CONTEXT, normalize_context};

use super::{Registry, ServiceError};
use crate::store::ContextRemoval;

impl Registry {
    /// Every context whose name starts with `prefix`, sorted (the default `.` first).
    pub async fn contexts(&self, prefix: &str) -> Result<Vec<String>, ServiceError> {
        let mut all = vec![DEFAULT_CONTEXT.to_owned()];
        all.extend(self.db.run(|s| s.contexts()).await?);
        all.retain(|c| c.starts_with(prefix));
        Ok(all)
    }

    /// `DELETE /contexts/{context}`: an empty context goes (one that is not there is already
    /// gone); one with versions, live or soft-deleted, is 42211; the default and the global
    /// contexts cannot go.
    pub async fn delete_context(&self, context: &str) -> Result<(), ServiceError> {
        let name = normalize_context(context)
            .ok_or_else(|| ServiceError::Invalid("Context name cannot contain a colon".into()))?;
        if name == DEFAULT_CONTEXT || name == GLOBAL_CONTEXT {
            return Err(ServiceError::Invalid(format!(
                "The context {name} cannot be deleted"
            )));
        }
        match self.db.run(|s| s.remove_context(&name)).await? {
            ContextRemoval::Removed | ContextRemoval::Missing => Ok(()),
            ContextRemoval::NotEmpty => Err(ServiceError::ContextNotEmpty(name)),
        }
    }
}
