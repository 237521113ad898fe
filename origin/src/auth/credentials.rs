//! Reading credentials from a request (the spellings are `registry_core::credentials`).

use axum::http::{HeaderMap, header};

use super::AuthError;

pub use registry_core::credentials::split_key;

/// The (id, secret) an `Authorization` header carries; `Err` when it is there but unreadable.
pub fn credentials(headers: &HeaderMap) -> Result<Option<(String, String)>, AuthError> {
    let Some(value) = headers.get(header::AUTHORIZATION) else {
        return Ok(None);
    };
    let value = value.to_str().map_err(|_| AuthError::Malformed)?;
    registry_core::credentials::from_authorization(value)
        .map(Some)
        .ok_or(AuthError::Malformed)
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;
    use base64::Engine;

    use super::*;
    use crate::service::{Role, generate_key, hash_secret};

    #[test]
    fn credentials_from_bearer_and_basic() {
        let key = generate_key(Role::Read, "t").unwrap();
        let (id, secret) = split_key(&key.key).unwrap();
        assert_eq!(id, key.record.id);
        assert_eq!(hash_secret(secret), key.record.secret_hash);
        let with = |v: String| {
            let mut h = HeaderMap::new();
            h.insert(header::AUTHORIZATION, HeaderValue::from_str(&v).unwrap());
            credentials(&h)
        };
        let want = Some((id.to_owned(), secret.to_owned()));
        assert_eq!(with(format!("Bearer {}", key.key)).unwrap(), want);
        let b64 = |s: String| base64::engine::general_purpose::STANDARD.encode(s);
        assert_eq!(
            with(format!("Basic {}", b64(format!("{id}:{secret}")))).unwrap(),
            want
        );
        assert_eq!(
            with(format!("Basic {}", b64(format!("x:{}", key.key)))).unwrap(),
            want
        );
        assert!(with("Bearer nonsense".into()).is_err());
        assert!(with("Digest abc".into()).is_err());
        assert!(with("Basic !!!".into()).is_err());
        assert_eq!(credentials(&HeaderMap::new()).unwrap(), None);
    }
}
