//! The KMS drivers the registry itself uses, for shared KEKs only: it generates a DEK, wraps it
//! with the KEK, and unwraps it for clients that have no KMS access. One driver is built in,
//! `local-kms`, the same as the Confluent clients' local KMS (AES-128-GCM under a key derived by
//! HKDF-SHA256 from a secret), so keys the registry wraps and keys clients wrap are the same
//! bytes. Key material is Tink's: a serialized `AesGcmKey` / `AesSivKey`, which is what the
//! clients' encryption executors generate and expect.

use std::collections::BTreeMap;

use aes_gcm::aead::{Aead, KeyInit};
use aes_gcm::{Aes128Gcm, Nonce};
use hkdf::Hkdf;
use registry_core::dek::DekAlgorithm;
use sha2::Sha256;

/// The KMS type of the built-in driver.
pub const LOCAL_KMS: &str = "local-kms";

const NONCE_LEN: usize = 12;

/// Why the registry could not wrap or unwrap a key.
#[derive(Debug, thiserror::Error)]
pub enum KmsError {
    #[error("no KMS driver for '{0}' in the registry (it has: local-kms)")]
    Unsupported(String),
    #[error("the local KMS has no secret (kmsProps 'secret' or the server's DEK_LOCAL_SECRET)")]
    NoSecret,
    #[error("the key could not be unwrapped with the KEK")]
    Unwrap,
    #[error("no randomness: {0}")]
    Random(String),
}

/// A KEK's KMS, ready to wrap and unwrap keys.
pub struct Kms {
    cipher: Aes128Gcm,
}

impl Kms {
    /// The driver of `kms_type`, with the KEK's `props` (and the server's local secret).
    pub fn open(
        kms_type: &str,
        props: &BTreeMap<String, String>,
        local_secret: Option<&str>,
    ) -> Result<Self, KmsError> {
        if kms_type != LOCAL_KMS {
            return Err(KmsError::Unsupported(kms_type.to_owned()));
        }
        let secret = props
            .get("secret")
            .map(String::as_str)
            .or(local_secret)
            .ok_or(KmsError::NoSecret)?;
        let mut key = [0u8; 16];
        Hkdf::<Sha256>::new(None, secret.as_bytes())
            .expand(&[], &mut key)
            .map_err(|_| KmsError::NoSecret)?;
        Ok(Self {
            cipher: Aes128Gcm::new(&key.into()),
        })
    }

    /// `plaintext` wrapped as Tink's raw AES-GCM does: nonce, ciphertext, tag.
    pub fn wrap(&self, plaintext: &[u8]) -> Result<Vec<u8>, KmsError> {
        let mut nonce = [0u8; NONCE_LEN];
        getrandom::fill(&mut nonce).map_err(|e| KmsError::Random(e.to_string()))?;
        let sealed = self
            .cipher
            .encrypt(Nonce::from_slice(&nonce), plaintext)
            .map_err(|_| KmsError::Unwrap)?;
        let mut out = nonce.to_vec();
        out.extend(sealed);
        Ok(out)
    }

    pub fn unwrap(&self, wrapped: &[u8]) -> Result<Vec<u8>, KmsError> {
        if wrapped.len() < NONCE_LEN {
            return Err(KmsError::Unwrap);
        }
        let (nonce, sealed) = wrapped.split_at(NONCE_LEN);
        self.cipher
            .decrypt(Nonce::from_slice(nonce), sealed)
            .map_err(|_| KmsError::Unwrap)
    }
}

/// A new DEK of `algorithm`: random key bytes in Tink's serialized key (`AesGcmKey` has the
/// key in field 3, `AesSivKey` in field 2; version 0 is omitted).
pub fn generate_dek(algorithm: DekAlgorithm) -> Result<Vec<u8>, KmsError> {
    let mut key = vec![0u8; algorithm.key_len()];
    getrandom::fill(&mut key).map_err(|e| KmsError::Random(e.to_string()))?;
    let tag = match algorithm {
        DekAlgorithm::AES128_GCM | DekAlgorithm::AES256_GCM => 0x1a,
        DekAlgorithm::AES256_SIV => 0x12,
    };
    let mut out = vec![tag, u8::try_from(key.len()).unwrap_or(u8::MAX)];
    out.extend(key);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_and_unwraps_with_the_derived_key() {
        let props = BTreeMap::from([("secret".to_owned(), "mysecret".to_owned())]);
        let kms = Kms::open(LOCAL_KMS, &props, None).unwrap();
        let dek = generate_dek(DekAlgorithm::AES256_GCM).unwrap();
        assert_eq!(dek.len(), 34);
        assert_eq!(&dek[..2], &[0x1a, 32]);
        let wrapped = kms.wrap(&dek).unwrap();
        assert_eq!(wrapped.len(), 12 + 34 + 16);
        assert_eq!(kms.unwrap(&wrapped).unwrap(), dek);
        let other = Kms::open(LOCAL_KMS, &BTreeMap::new(), Some("other")).unwrap();
        assert!(other.unwrap(&wrapped).is_err());
        assert!(kms.unwrap(&[1, 2]).is_err());
    }

    #[test]
    fn only_the_local_driver_is_built_in() {
        assert!(matches!(
            Kms::open("aws-kms", &BTreeMap::new(), Some("s")),
            Err(KmsError::Unsupported(_))
        ));
        assert!(matches!(
            Kms::open(LOCAL_KMS, &BTreeMap::new(), None),
            Err(KmsError::NoSecret)
        ));
        let siv = generate_dek(DekAlgorithm::AES256_SIV).unwrap();
        assert_eq!(&siv[..2], &[0x12, 64]);
    }
}
