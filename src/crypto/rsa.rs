//! RSA as MEGA uses it: MPI encoding, the `privk` blob (p, q, d, u), `pubk` (n, e), raw
//! (unpadded) RSA for `csid`, and key generation for megasim accounts.
use super::CryptoError;
use num_bigint_dig::BigUint;

/// A MEGA RSA private key.
#[derive(Clone)]
pub struct PrivateKey {
    pub p: BigUint,
    pub q: BigUint,
    pub d: BigUint,
    /// `p^-1 mod q`
    pub u: BigUint,
}

impl std::fmt::Debug for PrivateKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PrivateKey(..)")
    }
}

/// A MEGA RSA public key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PublicKey {
    pub n: BigUint,
    pub e: BigUint,
}

/// Encode a number as an MPI: 2-byte big-endian bit count (8 x byte length) ++ magnitude.
pub fn mpi_encode(x: &BigUint) -> Vec<u8> {
    todo!("crypto helper")
}

/// Decode one MPI from the front of `data`; returns the number and the bytes consumed.
pub fn mpi_decode(data: &[u8]) -> Result<(BigUint, usize), CryptoError> {
    todo!("crypto helper")
}

impl PrivateKey {
    /// Generate a 2048-bit key with 1024-bit primes and public exponent 17 (as the SDK does).
    pub fn generate() -> (PrivateKey, PublicKey) {
        todo!("crypto helper")
    }
    /// Parse the unwrapped `privk` plaintext (MPIs p, q, d, u, then padding).
    pub fn from_privk(plain: &[u8]) -> Result<PrivateKey, CryptoError> {
        todo!("crypto helper")
    }
    /// Serialise to the `privk` plaintext, zero-padded to a multiple of 16 (ready to wrap).
    pub fn to_privk(&self) -> Vec<u8> {
        todo!("crypto helper")
    }
    /// Raw RSA decryption `c^d mod pq` of an MPI-encoded ciphertext, returned as a big-endian
    /// number left-padded to `bytes(p) + bytes(q) - 2` bytes (254 for 2048-bit keys).
    pub fn decrypt_raw(&self, mpi_ciphertext: &[u8]) -> Result<Vec<u8>, CryptoError> {
        todo!("crypto helper")
    }
    /// Decrypt a `csid` (MPI bytes) into the 43-byte session id.
    pub fn decrypt_sid(&self, csid: &[u8]) -> Result<[u8; 43], CryptoError> {
        todo!("crypto helper")
    }
}

impl PublicKey {
    /// Parse `pubk` bytes: MPI n ++ MPI e.
    pub fn from_pubk(data: &[u8]) -> Result<PublicKey, CryptoError> {
        todo!("crypto helper")
    }
    /// Serialise to `pubk` bytes: MPI n ++ MPI e.
    pub fn to_pubk(&self) -> Vec<u8> {
        todo!("crypto helper")
    }
    /// Server side: `csid` = MPI(RSA(sid ++ random padding to bytes(n) - 2 bytes)).
    pub fn encrypt_sid(&self, sid: &[u8; 43]) -> Vec<u8> {
        todo!("crypto helper")
    }
}
