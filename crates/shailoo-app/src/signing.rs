//! Ed25519 signatures over the statements shailoo publishes (audit-log checkpoints, see
//! [`crate::audit::checkpoint`]): a key that the database never holds signs, and anyone who
//! holds the public key verifies.
//!
//! Keys travel in the standard PEM files that `openssl` also reads and writes: the private key
//! as PKCS#8 (`-----BEGIN PRIVATE KEY-----`, what `openssl genpkey -algorithm ed25519` makes),
//! the public key as SubjectPublicKeyInfo (`-----BEGIN PUBLIC KEY-----`, what `openssl pkey
//! -pubout` makes). In a published statement the public key and the signature are lowercase
//! hex (64 and 128 digits), like the audit log's hashes. Drawing a new key's random bytes is
//! the caller's business: this crate has no source of randomness.

use ed25519_dalek::pkcs8::spki::der::pem::LineEnding;
use ed25519_dalek::pkcs8::{
    DecodePrivateKey, DecodePublicKey, EncodePrivateKey, EncodePublicKey, KeypairBytes,
};
use std::fmt;

/// A private signing key (Ed25519). Its secret is wiped from memory when it is dropped, and
/// `Debug` shows the public half only.
pub struct Signer(ed25519_dalek::SigningKey);

/// A public key (Ed25519) that checks signatures: its 32 bytes, known to be a valid point
/// (kept compressed: the decompressed key is six times the size, and checks are rare).
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct PublicKey([u8; 32]);

/// An Ed25519 signature.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Signature(ed25519_dalek::Signature);

/// A key or signature that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    #[error(
        "not an Ed25519 private key in PKCS#8 PEM (a file beginning -----BEGIN PRIVATE KEY-----): {0}"
    )]
    PrivateKeyPem(String),
    #[error(
        "not an Ed25519 public key in PEM (a file beginning -----BEGIN PUBLIC KEY-----) or as 64 hex digits: {0}"
    )]
    PublicKey(String),
    #[error("not an Ed25519 signature as 128 hex digits: {0}")]
    Signature(String),
}

/// A signature that does not verify with the key it was checked against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the signature does not verify")]
pub struct BadSignature;

impl Signer {
    /// The key whose secret is these 32 bytes, which must come from a cryptographic random
    /// source (the operating system's).
    pub fn from_secret_bytes(secret: &[u8; 32]) -> Signer {
        Signer(ed25519_dalek::SigningKey::from_bytes(secret))
    }

    /// Reads a PKCS#8 PEM private key (as written by [`Signer::to_pkcs8_pem`] or by `openssl
    /// genpkey -algorithm ed25519`). A public key stored beside the secret must match it.
    pub fn from_pkcs8_pem(pem: &str) -> Result<Signer, KeyError> {
        ed25519_dalek::SigningKey::from_pkcs8_pem(pem.trim())
            .map(Signer)
            .map_err(|e| KeyError::PrivateKeyPem(e.to_string()))
    }

    /// The key as PKCS#8 PEM (version 1, the secret alone, as `openssl genpkey` writes it:
    /// OpenSSL 3.0 cannot read the version 2 form that also holds the public key). The text
    /// holds the secret and is wiped from memory when dropped.
    pub fn to_pkcs8_pem(&self) -> Result<impl std::ops::Deref<Target = String>, KeyError> {
        KeypairBytes {
            secret_key: self.0.to_bytes(),
            public_key: None,
        }
        .to_pkcs8_pem(LineEnding::LF)
        .map_err(|e| KeyError::PrivateKeyPem(e.to_string()))
    }

    pub fn public_key(&self) -> PublicKey {
        PublicKey(self.0.verifying_key().to_bytes())
    }

    /// Signs `message` as it is (pure Ed25519, no pre-hashing), so that `openssl pkeyutl
    /// -verify -rawin` checks the same bytes.
    pub fn sign(&self, message: &[u8]) -> Signature {
        use ed25519_dalek::Signer as _;
        Signature(self.0.sign(message))
    }
}

impl fmt::Debug for Signer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Signer").field(&self.public_key()).finish()
    }
}

impl PublicKey {
    /// Reads a public key given as a PEM file's text (SubjectPublicKeyInfo) or as 64 hex digits.
    pub fn parse(text: &str) -> Result<PublicKey, KeyError> {
        let text = text.trim();
        if text.starts_with("-----BEGIN") {
            ed25519_dalek::VerifyingKey::from_public_key_pem(text)
                .map(|key| PublicKey(key.to_bytes()))
                .map_err(|e| KeyError::PublicKey(e.to_string()))
        } else {
            PublicKey::from_hex(text)
        }
    }

    /// Reads 64 hex digits.
    pub fn from_hex(hex_digits: &str) -> Result<PublicKey, KeyError> {
        let mut bytes = [0u8; 32];
        hex::decode_to_slice(hex_digits, &mut bytes)
            .map_err(|e| KeyError::PublicKey(e.to_string()))?;
        ed25519_dalek::VerifyingKey::from_bytes(&bytes)
            .map(|_| PublicKey(bytes))
            .map_err(|e| KeyError::PublicKey(e.to_string()))
    }

    fn verifying_key(&self) -> Result<ed25519_dalek::VerifyingKey, KeyError> {
        ed25519_dalek::VerifyingKey::from_bytes(&self.0)
            .map_err(|e| KeyError::PublicKey(e.to_string()))
    }

    /// The key as 64 lowercase hex digits (also its `Display`).
    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }

    /// The key as a PEM file's text (SubjectPublicKeyInfo), for publishing.
    pub fn to_pem(&self) -> Result<String, KeyError> {
        self.verifying_key()?
            .to_public_key_pem(LineEnding::LF)
            .map_err(|e| KeyError::PublicKey(e.to_string()))
    }

    /// Checks `signature` over `message`. Strict: a weak key or a malleable signature does
    /// not verify, so no second valid signature can be made from a published one.
    pub fn verify(&self, message: &[u8], signature: &Signature) -> Result<(), BadSignature> {
        self.verifying_key()
            .map_err(|_| BadSignature)?
            .verify_strict(message, &signature.0)
            .map_err(|_| BadSignature)
    }
}

impl fmt::Display for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PublicKey({self})")
    }
}

impl Signature {
    /// Reads 128 hex digits.
    pub fn from_hex(hex_digits: &str) -> Result<Signature, KeyError> {
        let mut bytes = [0u8; 64];
        hex::decode_to_slice(hex_digits, &mut bytes)
            .map_err(|e| KeyError::Signature(e.to_string()))?;
        Ok(Signature(ed25519_dalek::Signature::from_bytes(&bytes)))
    }

    /// The signature's 64 bytes (for payloads written in base64url, the journalists' badges).
    pub fn from_bytes(bytes: &[u8; 64]) -> Signature {
        Signature(ed25519_dalek::Signature::from_bytes(bytes))
    }

    pub fn to_bytes(&self) -> [u8; 64] {
        self.0.to_bytes()
    }

    /// The signature as 128 lowercase hex digits.
    pub fn to_hex(&self) -> String {
        hex::encode(self.0.to_bytes())
    }
}

impl fmt::Debug for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Signature({})", self.to_hex())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signer(seed: u8) -> Signer {
        Signer::from_secret_bytes(&[seed; 32])
    }

    #[test]
    fn a_signature_verifies_with_its_key_only() {
        let message = b"shailoo";
        let signature = signer(1).sign(message);
        assert_eq!(signer(1).public_key().verify(message, &signature), Ok(()));
        assert_eq!(
            signer(2).public_key().verify(message, &signature),
            Err(BadSignature)
        );
        assert_eq!(
            signer(1).public_key().verify(b"shailoO", &signature),
            Err(BadSignature)
        );
    }

    #[test]
    fn keys_round_trip_through_pem_and_hex() {
        let key = signer(7);
        let pem = key.to_pkcs8_pem().expect("encode");
        assert!(pem.starts_with("-----BEGIN PRIVATE KEY-----\n"), "{}", *pem);
        // Version 1, 48 bytes of DER: the length of openssl's own files (64 base64 digits).
        assert_eq!(pem.lines().nth(1).map(str::len), Some(64), "{}", *pem);
        let back = Signer::from_pkcs8_pem(&pem).expect("decode");
        assert_eq!(back.public_key(), key.public_key());

        let public = key.public_key();
        let pem = public.to_pem().expect("encode");
        assert!(pem.starts_with("-----BEGIN PUBLIC KEY-----\n"), "{pem}");
        assert_eq!(PublicKey::parse(&pem), Ok(public));
        assert_eq!(PublicKey::parse(&format!(" {public}\n")), Ok(public));
        let signature = key.sign(b"x");
        assert_eq!(Signature::from_hex(&signature.to_hex()), Ok(signature));
    }

    /// RFC 8410's example private key (the PKCS#8 form `openssl genpkey -algorithm ed25519`
    /// writes) and its public half as `openssl pkey -pubout` printed it here.
    #[test]
    fn an_openssl_key_file_is_read() {
        let private = "-----BEGIN PRIVATE KEY-----\n\
                       MC4CAQAwBQYDK2VwBCIEINTuctv5E1hK1bbY8fdp+K06/nwoy/HU++CXqI9EdVhC\n\
                       -----END PRIVATE KEY-----\n";
        let public = "-----BEGIN PUBLIC KEY-----\n\
                      MCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=\n\
                      -----END PUBLIC KEY-----\n";
        let key = Signer::from_pkcs8_pem(private).expect("openssl's private key");
        assert_eq!(PublicKey::parse(public), Ok(key.public_key()));
    }

    #[test]
    fn malformed_keys_and_signatures_are_named() {
        assert!(matches!(
            Signer::from_pkcs8_pem("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----"),
            Err(KeyError::PrivateKeyPem(_))
        ));
        assert!(matches!(
            PublicKey::parse("abcd"),
            Err(KeyError::PublicKey(_))
        ));
        assert!(matches!(
            Signature::from_hex(&"zz".repeat(64)),
            Err(KeyError::Signature(_))
        ));
    }

    #[test]
    fn debug_never_shows_the_secret() {
        let key = signer(3);
        let shown = format!("{key:?}");
        assert!(shown.contains(&key.public_key().to_hex()), "{shown}");
        assert!(!shown.contains(&hex::encode([3u8; 32])), "{shown}");
    }
}
