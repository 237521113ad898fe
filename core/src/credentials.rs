//! API keys as clients send them: `Authorization: Bearer lsr_<id>_<secret>`, or HTTP Basic
//! with the key id as user and the secret as password (or any user and the whole key as
//! password), which is what Confluent clients send with `basic.auth.user.info`. Read the same
//! way by the origin (to check the key) and the edge (to forget a revoked one).

use base64::Engine;

/// Splits a full key (`lsr_<id>_<secret>`) into id and secret.
pub fn split_key(key: &str) -> Option<(&str, &str)> {
    let rest = key.strip_prefix("lsr_")?;
    let (id, secret) = rest.split_once('_')?;
    (!id.is_empty() && !secret.is_empty()).then_some((id, secret))
}

/// The (key id, secret) an `Authorization` header value carries; `None` when it cannot be read.
pub fn from_authorization(value: &str) -> Option<(String, String)> {
    let (scheme, rest) = value.trim().split_once(' ')?;
    let rest = rest.trim();
    let owned = |(id, secret): (&str, &str)| (id.to_owned(), secret.to_owned());
    if scheme.eq_ignore_ascii_case("bearer") {
        return split_key(rest).map(owned);
    }
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(rest)
        .ok()?;
    let decoded = String::from_utf8(decoded).ok()?;
    let (user, password) = decoded.split_once(':')?;
    // The whole key as password (any user), else the key id as user and the secret as password.
    let pair = split_key(password).unwrap_or((user.strip_prefix("lsr_").unwrap_or(user), password));
    Some(owned(pair))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bearer_and_both_basic_spellings() {
        let want = Some(("abc".to_owned(), "s3cret".to_owned()));
        assert_eq!(from_authorization("Bearer lsr_abc_s3cret"), want);
        let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
        assert_eq!(
            from_authorization(&format!("Basic {}", b64("abc:s3cret"))),
            want
        );
        assert_eq!(
            from_authorization(&format!("Basic {}", b64("x:lsr_abc_s3cret"))),
            want
        );
        for bad in ["Bearer nonsense", "Digest abc", "Basic !!!", "Bearer"] {
            assert_eq!(from_authorization(bad), None, "{bad}");
        }
    }
}
