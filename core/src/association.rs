//! Associations (Confluent 8.x): which subject holds the key or the value schema of a resource
//! (a topic), so that serializers with the ASSOCIATED subject name strategy find it. The REST
//! shapes, as Confluent's `Association*` entities.

use serde::{Deserialize, Serialize};

use crate::api::RegisterSchemaRequest;

/// The resource type when none is given.
pub const DEFAULT_RESOURCE_TYPE: &str = "topic";
/// The association type when none is given.
pub const DEFAULT_ASSOCIATION_TYPE: &str = "value";
/// The association types a topic has.
pub const ASSOCIATION_TYPES: [&str; 2] = ["key", "value"];
/// The namespace wildcard of `GET /associations/resources/{namespace}/{name}`.
pub const NAMESPACE_WILDCARD: &str = "-";

/// Whether the subject's lifecycle follows the resource's (`STRONG`: deleting the association
/// with `cascadeLifecycle` deletes the subject) or not (`WEAK`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Lifecycle {
    #[default]
    Strong,
    Weak,
}

impl Lifecycle {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Strong => "STRONG",
            Self::Weak => "WEAK",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Strong, Self::Weak]
            .into_iter()
            .find(|l| l.as_str().eq_ignore_ascii_case(s))
    }
}

/// One association, as listed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Association {
    pub subject: String,
    pub guid: String,
    pub resource_name: String,
    pub resource_namespace: String,
    pub resource_id: String,
    pub resource_type: String,
    pub association_type: String,
    pub lifecycle: Lifecycle,
    pub frozen: bool,
    pub create_ts: i64,
    pub update_ts: i64,
}

/// One association to create or update.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AssociationInfoRequest {
    #[serde(default)]
    pub subject: Option<String>,
    #[serde(default)]
    pub association_type: Option<String>,
    #[serde(default)]
    pub lifecycle: Option<Lifecycle>,
    #[serde(default)]
    pub frozen: Option<bool>,
    /// A schema to register under the subject first.
    #[serde(default)]
    pub schema: Option<RegisterSchemaRequest>,
    #[serde(default)]
    pub normalize: Option<bool>,
}

/// `POST /associations` and `PUT /associations`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AssociationRequest {
    #[serde(default)]
    pub resource_name: Option<String>,
    #[serde(default)]
    pub resource_namespace: Option<String>,
    #[serde(default)]
    pub resource_id: Option<String>,
    #[serde(default)]
    pub resource_type: Option<String>,
    #[serde(default)]
    pub associations: Vec<AssociationInfoRequest>,
}

/// One association in an answer, with the schema registered for it, if any.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AssociationInfo {
    pub subject: String,
    pub association_type: String,
    pub lifecycle: Lifecycle,
    pub frozen: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<crate::api::SubjectVersion>,
}

/// The answer to a create or an update.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AssociationResponse {
    pub resource_name: String,
    pub resource_namespace: String,
    pub resource_id: String,
    pub resource_type: String,
    pub associations: Vec<AssociationInfo>,
}

/// `POST /associations:batchCreate` and `:batchUpdate`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct AssociationBatchRequest {
    #[serde(default)]
    pub requests: Vec<AssociationRequest>,
}

/// One request's outcome in a batch: its answer or its error.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AssociationResult {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<AssociationResponse>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<crate::api::ErrorBody>,
}

/// The answer to a batch (HTTP 207).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AssociationBatchResponse {
    pub results: Vec<AssociationResult>,
}

/// The id of a resource that gives none: `{namespace}:{name}`.
pub fn resource_id_of(namespace: &str, name: &str) -> String {
    format!("{namespace}:{name}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn requests_read_as_the_clients_send_them() {
        let req: AssociationRequest = serde_json::from_value(json!({
            "resourceName": "orders", "resourceNamespace": "lkc-1", "resourceType": "topic",
            "associations": [{"subject": "orders-value", "associationType": "value",
                              "lifecycle": "WEAK", "schema": {"schema": "\"string\""}}]
        }))
        .unwrap();
        assert_eq!(req.associations[0].lifecycle, Some(Lifecycle::Weak));
        assert_eq!(
            req.associations[0].schema.as_ref().unwrap().schema,
            "\"string\""
        );
        assert_eq!(resource_id_of("lkc-1", "orders"), "lkc-1:orders");
    }
}
