//! Reading credentials: `Authorization: Bearer <key>`, or HTTP Basic with the key id as user and
//! the secret as password (or any user and the whole key as password), which is what
//! Confluent clients send with `basic.auth.user.info`.

use axum::http::{HeaderMap, header};
use base64::Engine;

use super::AuthError;

/// Splits a full key (`lsr_<id>_<secret>`) into id and secret.
pub fn split_key(key: &str) -> Option<(&str, &str)> {
    let rest = key.strip_prefix("lsr_")?;
    let (id, secret) = rest.split_once('_')?;
    (!id.is_empty() && !secret.is_empty()).then_some((id, secret))
}

/// The (id, secret) an `Authorization` header carries; `Err` when it is there but unreadable.
pub fn credentials(headers: &HeaderMap) -> Result<Option<(String, String)>, AuthError> {
    let Some(value) = headers.get(header::AUTHORIZATION) else {
        return Ok(None);
    };
    let bad = || AuthError::Malformed;
    let value = value.to_str().map_err(|_| bad())?.trim();
    let (scheme, rest) = value.split_once(' ').ok_or_else(bad)?;
    let rest = rest.trim();
    let owned = |(id, secret): (&str, &str)| (id.to_owned(), secret.to_owned());
    if scheme.eq_ignore_ascii_case("bearer") {
        return split_key(rest).map(owned).map(Some).ok_or_else(bad);
    }
    if !scheme.eq_ignore_ascii_case("basic") {
        return Err(bad());
    }
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(rest)
        .map_err(|_| bad())?;
    let decoded = String::from_utf8(decoded).map_err(|_| bad())?;
    let (user, password) = decoded.split_once(':').ok_or_else(bad)?;
    // The whole key as password (any user), else the key id as user and the secret as password.
    let pair = split_key(password).unwrap_or((user.strip_prefix("lsr_").unwrap_or(user), password));
    Ok(Some(owned(pair)))
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

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
