//! The DEK registry's REST shapes, as Confluent's `dek-registry` entities: key encryption keys
//! (KEKs, held in a KMS and only named here) and the data encryption keys (DEKs) they wrap, per
//! subject, algorithm and version. Clients encrypt the fields a schema's ENCRYPT rules name
//! with a DEK; the registry stores the DEK only as its KMS wrapped it.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The longest KEK name Confluent accepts.
pub const NAME_MAX_LENGTH: usize = 64;
/// The DEK version a request without one means.
pub const MIN_VERSION: i32 = 1;

/// `kmsProps` keys that carry KMS credentials (Vault tokens, cloud secrets, the local KMS's
/// secret): used by the registry's own KMS driver for a shared KEK, never returned.
pub const SECRET_PROPS: [&str; 7] = [
    "token.id",
    "approle.secret.id",
    "ssl.keystore.password",
    "secret.access.key",
    "client.secret",
    "private.key",
    "secret",
];

/// A DEK's algorithm (Confluent's `DekFormat`).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[allow(non_camel_case_types)]
pub enum DekAlgorithm {
    AES128_GCM,
    #[default]
    AES256_GCM,
    AES256_SIV,
}

impl DekAlgorithm {
    pub const ALL: [Self; 3] = [Self::AES128_GCM, Self::AES256_GCM, Self::AES256_SIV];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::AES128_GCM => "AES128_GCM",
            Self::AES256_GCM => "AES256_GCM",
            Self::AES256_SIV => "AES256_SIV",
        }
    }

    /// The algorithm named `s` (case-insensitive, as a query gives it).
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|a| a.as_str().eq_ignore_ascii_case(s))
    }

    /// The raw key's length in bytes (AES-SIV takes two AES-256 keys).
    pub fn key_len(self) -> usize {
        match self {
            Self::AES128_GCM => 16,
            Self::AES256_GCM => 32,
            Self::AES256_SIV => 64,
        }
    }
}

/// A KEK as the API shows it (`kmsProps` without its secrets).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Kek {
    pub name: String,
    pub kms_type: String,
    pub kms_key_id: String,
    pub kms_props: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doc: Option<String>,
    pub shared: bool,
    pub ts: i64,
    pub deleted: bool,
}

/// A DEK as the API shows it: `keyMaterial` (the raw key, base64) only for a shared KEK,
/// whose KMS the registry itself can use.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Dek {
    pub kek_name: String,
    pub subject: String,
    pub version: i32,
    pub algorithm: DekAlgorithm,
    pub encrypted_key_material: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_material: Option<String>,
    pub ts: i64,
    pub deleted: bool,
}

/// A DEK's facts without any key material (what the console lists).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DekInfo {
    pub kek_name: String,
    pub kms_type: String,
    pub shared: bool,
    pub subject: String,
    pub version: i32,
    pub algorithm: DekAlgorithm,
    pub ts: i64,
    pub deleted: bool,
}

/// `POST /dek-registry/v1/keks`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateKekRequest {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub kms_type: Option<String>,
    #[serde(default)]
    pub kms_key_id: Option<String>,
    #[serde(default)]
    pub kms_props: Option<BTreeMap<String, String>>,
    #[serde(default)]
    pub doc: Option<String>,
    #[serde(default)]
    pub shared: bool,
    #[serde(default)]
    pub deleted: bool,
}

/// `PUT /dek-registry/v1/keks/{name}`: what is absent stays as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdateKekRequest {
    #[serde(default)]
    pub kms_props: Option<BTreeMap<String, String>>,
    #[serde(default)]
    pub doc: Option<String>,
    #[serde(default)]
    pub shared: Option<bool>,
}

/// `POST /dek-registry/v1/keks/{name}/deks[/{subject}]`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateDekRequest {
    #[serde(default)]
    pub subject: Option<String>,
    #[serde(default)]
    pub version: Option<i32>,
    #[serde(default)]
    pub algorithm: Option<DekAlgorithm>,
    #[serde(default)]
    pub encrypted_key_material: Option<String>,
    #[serde(default)]
    pub deleted: bool,
}

/// Whether `name` may name a KEK: a letter or `_`, then letters, digits, `_` and `-`, at most
/// [`NAME_MAX_LENGTH`] characters (Confluent's `checkName`).
pub fn is_valid_kek_name(name: &str) -> bool {
    let mut chars = name.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    name.chars().count() <= NAME_MAX_LENGTH
        && (first.is_alphabetic() || first == '_')
        && chars.all(|c| c.is_alphanumeric() || c == '_' || c == '-')
}

/// Whether `subject` may be a DEK's subject: not empty, no control characters.
pub fn is_valid_dek_subject(subject: &str) -> bool {
    !subject.is_empty() && !subject.chars().any(char::is_control)
}

/// `props` without the [`SECRET_PROPS`].
pub fn redacted(props: &BTreeMap<String, String>) -> BTreeMap<String, String> {
    props
        .iter()
        .filter(|(k, _)| !SECRET_PROPS.contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

/// The props an update asks for, with the stored secrets kept where the request leaves them
/// out (a client that read the KEK back never saw them).
pub fn merged_props(
    requested: &BTreeMap<String, String>,
    stored: &BTreeMap<String, String>,
) -> BTreeMap<String, String> {
    let mut merged = requested.clone();
    for key in SECRET_PROPS {
        if let Some(v) = stored.get(key) {
            merged.entry(key.to_owned()).or_insert_with(|| v.clone());
        }
    }
    merged
}

/// The KMS type as Confluent normalizes it (`aws...` → `aws-kms`, and so for Azure and GCP).
pub fn normalize_kms_type(kms_type: &str) -> String {
    let lower = kms_type.to_lowercase();
    for (prefix, normal) in [
        ("aws", "aws-kms"),
        ("azure", "azure-kms"),
        ("gcp", "gcp-kms"),
    ] {
        if lower.starts_with(prefix) {
            return normal.to_owned();
        }
    }
    kms_type.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_confluent_rules() {
        assert!(is_valid_kek_name("kek1"));
        assert!(is_valid_kek_name("_my-kek_2"));
        assert!(!is_valid_kek_name(""));
        assert!(!is_valid_kek_name("1kek"));
        assert!(!is_valid_kek_name("-kek"));
        assert!(!is_valid_kek_name("my kek"));
        assert!(!is_valid_kek_name(&"k".repeat(65)));
        assert!(is_valid_kek_name(&"k".repeat(64)));
        assert!(is_valid_dek_subject("orders-value"));
        assert!(!is_valid_dek_subject(""));
        assert!(!is_valid_dek_subject("a\nb"));
    }

    #[test]
    fn secrets_are_redacted_and_kept_on_update() {
        let stored = BTreeMap::from([
            ("secret".to_owned(), "s3".to_owned()),
            ("region".to_owned(), "eu".to_owned()),
        ]);
        assert_eq!(
            redacted(&stored),
            BTreeMap::from([("region".to_owned(), "eu".to_owned())])
        );
        let requested = BTreeMap::from([("region".to_owned(), "us".to_owned())]);
        let merged = merged_props(&requested, &stored);
        assert_eq!(merged["secret"], "s3");
        assert_eq!(merged["region"], "us");
    }

    #[test]
    fn algorithms_and_kms_types() {
        assert_eq!(
            DekAlgorithm::parse("aes128_gcm"),
            Some(DekAlgorithm::AES128_GCM)
        );
        assert_eq!(DekAlgorithm::parse("AES512"), None);
        assert_eq!(DekAlgorithm::AES256_SIV.key_len(), 64);
        assert_eq!(normalize_kms_type("AWS"), "aws-kms");
        assert_eq!(normalize_kms_type("local-kms"), "local-kms");
        let json = serde_json::to_string(&DekAlgorithm::AES256_GCM).unwrap();
        assert_eq!(json, "\"AES256_GCM\"");
    }
}
