//! RSA as MEGA uses it: MPI encoding, the `privk` blob (p, q, d, u), `pubk` (n, e), raw
//! (unpadded) RSA for `csid`, and key generation for megasim accounts.
use super::CryptoError;
use num_bigint_dig::{BigUint, ModInverse};
use num_integer::Integer;
use num_traits::{One, Zero};
use rand::RngCore;
use rsa::traits::{PrivateKeyParts, PublicKeyParts};

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
    let mag = if x.is_zero() {
        Vec::new()
    } else {
        x.to_bytes_be()
    };
    // MEGA's numbers are at most a few hundred bytes; a longer one cannot be expressed in a
    // 16-bit bit count, and saturating keeps this total rather than panicking.
    let bits = u16::try_from(mag.len() * 8).unwrap_or(u16::MAX);
    let mut out = Vec::with_capacity(2 + mag.len());
    out.extend_from_slice(&bits.to_be_bytes());
    out.extend_from_slice(&mag);
    out
}

/// Decode one MPI from the front of `data`; returns the number and the bytes consumed.
pub fn mpi_decode(data: &[u8]) -> Result<(BigUint, usize), CryptoError> {
    if data.len() < 2 {
        return Err(CryptoError::Rsa);
    }
    let bits = u16::from_be_bytes([data[0], data[1]]) as usize;
    let len = bits.div_ceil(8);
    let end = 2 + len;
    if data.len() < end {
        return Err(CryptoError::Rsa);
    }
    Ok((BigUint::from_bytes_be(&data[2..end]), end))
}

impl PrivateKey {
    /// Generate a 2048-bit key with 1024-bit primes and public exponent 17 (as the SDK does).
    pub fn generate() -> (PrivateKey, PublicKey) {
        let e = BigUint::from(17u32);
        let mut rng = rand::rngs::OsRng;
        loop {
            // Generation fails only on an internal inconsistency; just draw again.
            let Ok(key) = rsa::RsaPrivateKey::new_with_exp(&mut rng, 2048, &e) else {
                continue;
            };
            let primes = key.primes();
            if primes.len() != 2 {
                continue;
            }
            let (p, q) = (primes[0].clone(), primes[1].clone());
            let Some(u) = (&p).mod_inverse(&q).and_then(|u| u.to_biguint()) else {
                continue;
            };
            let d = key.d().clone();
            // The SDK's AsymmCipher::isvalid rejects these (rare) shapes.
            if d.bits() <= 2000 || p.bits() <= 1000 || q.bits() <= 1000 || u.bits() <= 1000 {
                continue;
            }
            let public = PublicKey {
                n: key.n().clone(),
                e: key.e().clone(),
            };
            return (PrivateKey { p, q, d, u }, public);
        }
    }
    /// Parse the unwrapped `privk` plaintext (MPIs p, q, d, u, then padding).
    pub fn from_privk(plain: &[u8]) -> Result<PrivateKey, CryptoError> {
        let mut rest = plain;
        let mut next = || -> Result<BigUint, CryptoError> {
            let (x, used) = mpi_decode(rest)?;
            rest = &rest[used..];
            Ok(x)
        };
        let (p, q, d, u) = (next()?, next()?, next()?, next()?);
        let two = BigUint::from(2u32);
        if p < two || q < two || d.is_zero() {
            return Err(CryptoError::Rsa);
        }
        // `u` is the inverse of one prime modulo the other (the SDK's p⁻¹ mod q; either way
        // round is accepted). Garbage from unwrapping with a wrong master key fails this
        // almost surely, which is how a damaged saved key is caught.
        let one = BigUint::from(1u32);
        if (&p * &u) % &q != one && (&q * &u) % &p != one {
            return Err(CryptoError::Rsa);
        }
        Ok(PrivateKey { p, q, d, u })
    }
    /// Serialise to the `privk` plaintext, zero-padded to a multiple of 16 (ready to wrap).
    pub fn to_privk(&self) -> Vec<u8> {
        let mut out = Vec::new();
        for x in [&self.p, &self.q, &self.d, &self.u] {
            out.extend_from_slice(&mpi_encode(x));
        }
        out.resize(out.len().next_multiple_of(16), 0);
        out
    }
    /// Raw RSA decryption `c^d mod pq` of an MPI-encoded ciphertext, returned as a big-endian
    /// number left-padded to `bytes(p) + bytes(q) - 2` bytes (254 for 2048-bit keys).
    pub fn decrypt_raw(&self, mpi_ciphertext: &[u8]) -> Result<Vec<u8>, CryptoError> {
        let (c, _) = mpi_decode(mpi_ciphertext)?;
        let (p, q) = (&self.p, &self.q);
        if *p < BigUint::from(2u32) || *q < BigUint::from(2u32) {
            return Err(CryptoError::Rsa);
        }
        // CRT, as the SDK does: two half-size exponentiations instead of one full-size one.
        let one = BigUint::one();
        let m1 = (&c % p).modpow(&(&self.d % (p - &one)), p);
        let m2 = (&c % q).modpow(&(&self.d % (q - &one)), q);
        let h = (&self.u * ((&m2 + q) - (&m1 % q))) % q;
        let m = m1 + h * p;
        let width = (p.bits().div_ceil(8) + q.bits().div_ceil(8)).saturating_sub(2);
        let mag = m.to_bytes_be();
        let mag: &[u8] = if m.is_zero() { &[] } else { &mag };
        if mag.len() > width {
            return Err(CryptoError::Rsa);
        }
        let mut out = vec![0u8; width];
        out[width - mag.len()..].copy_from_slice(mag);
        Ok(out)
    }
    /// The matching public key. `e` is recovered as `d^-1 mod lcm(p-1, q-1)`, which gives the
    /// true exponent whenever it is smaller than that modulus (17 and 257 in practice).
    pub fn public_key(&self) -> Result<PublicKey, CryptoError> {
        let one = BigUint::one();
        if self.p <= one || self.q <= one {
            return Err(CryptoError::Rsa);
        }
        let lambda = (&self.p - &one).lcm(&(&self.q - &one));
        let e = (&self.d % &lambda)
            .mod_inverse(&lambda)
            .and_then(|e| e.to_biguint())
            .ok_or(CryptoError::Rsa)?;
        Ok(PublicKey {
            n: &self.p * &self.q,
            e,
        })
    }

    /// Decrypt a `csid` (MPI bytes) into the 43-byte session id.
    pub fn decrypt_sid(&self, csid: &[u8]) -> Result<[u8; 43], CryptoError> {
        let m = self.decrypt_raw(csid)?;
        m.get(..43)
            .and_then(|s| s.try_into().ok())
            .ok_or(CryptoError::Rsa)
    }
}

impl PublicKey {
    /// Parse `pubk` bytes: MPI n ++ MPI e.
    pub fn from_pubk(data: &[u8]) -> Result<PublicKey, CryptoError> {
        let (n, used) = mpi_decode(data)?;
        let (e, _) = mpi_decode(&data[used..])?;
        if n.is_zero() || e.is_zero() {
            return Err(CryptoError::Rsa);
        }
        Ok(PublicKey { n, e })
    }
    /// Serialise to `pubk` bytes: MPI n ++ MPI e.
    pub fn to_pubk(&self) -> Vec<u8> {
        let mut out = mpi_encode(&self.n);
        out.extend_from_slice(&mpi_encode(&self.e));
        out
    }
    /// The SDK's `AsymmCipher::encrypt`: MPI(RSA(data ++ random bytes up to bytes(n) - 2)).
    /// Fails if `data` does not fit (or the key is degenerate).
    pub fn encrypt_padded(&self, data: &[u8]) -> Result<Vec<u8>, CryptoError> {
        let width = self.n.bits().div_ceil(8).saturating_sub(2);
        if self.n.is_zero() || data.len() > width {
            return Err(CryptoError::Rsa);
        }
        let mut plain = vec![0u8; width];
        plain[..data.len()].copy_from_slice(data);
        rand::thread_rng().fill_bytes(&mut plain[data.len()..]);
        let m = BigUint::from_bytes_be(&plain);
        Ok(mpi_encode(&m.modpow(&self.e, &self.n)))
    }

    /// Server side: `csid` = MPI(RSA(sid ++ random padding to bytes(n) - 2 bytes)).
    /// Returns an empty vector if the key is too small to hold a sid (see [`Self::encrypt_padded`]).
    pub fn encrypt_sid(&self, sid: &[u8; 43]) -> Vec<u8> {
        self.encrypt_padded(sid).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{aes, b64, login, session, Key128};
    use std::sync::OnceLock;

    const A8_CSID: &str = "CACRPiCIZqylaYVkXvUxvE4XkQeJrwTonOWCikeZFTRPxu5R97xTMTRxNeWlY5keMSLoUACOceI6CHjDLILL-6mQYN37_El9Y5bgmcwJtSHN54au0igwkxxZw_lD7lliQ4uSvSSihQ_iKjj2SxFFmF4F8Sa2UCYQz1iLMDhejR7YAaGGggII5e8jYbtNPOiwwPYf-AFWB7IfOFFXmZ6tLzDJrbodbhAc6EVaiPZZ4QyT6fdKchQeDkjDZu_ygxU0DBQEco1X6SuekGfORsannkJsgAIIlp1Uz-ZdZrrbXoXhFDsCXsibUWJJjF4cPwHMtPSjzcyE_vd-ViFKQJcNDain";
    // From qgustavor/mega test/helpers/test-runner.mjs (the mock account's login data).
    const A8_PRIVK: &str = "AY5AYTQVUt772M3pLi9v7WNhUSYhvrGOnXuyePr4bOlOlckyomWizvB6xqqHGkx3cYXGWTM3QrAxHPFRNhnd47cG974nkGJyjv7NL6vnIGsmtuiMNpLrrkl9nS8itTZCluBWV7jPc6dRlFWNQ7uiT-Bc6d2mFiApd3xYJuNXFmgFo2_8z_1HQhXWOFJIlsESXc_oaxg0QNx8zE9pCdrKWTCw07VKCbAvJNnYGFdSnEjv3phBUkOd2snyK3LA-Kn9ehPgfcDmSfLaCJ_5y5IN18rHGQdRt_Dxs_CabKYgmF6rKMJ8BCfunuOso6Gx984fOvtbyrwxeL6z0QbqsvGe6H3GpoY6d5M0tnFoJz_PlY0EX5gW6Eo0ZGSJ1xcyMewqQt2JBtw-LuMojrwctHc7KchgLgbqqbJHnuRYrOCjkJeySwOHoUR1lP8qjmHUIlSPaRvughULPIoAs6suoRNBgHq_LEvuAFb9zA05El3Z98eKH6Sxstw_K-d7ZbV_k4osKEwCgDa0Y9vTfpcxt6iw0IqGBqkt6v1U8u4lXaiue_0CVbxhrTH4N5Ceyy7yLsyt8ju6hKRljZ5G9fKcB6rvp3h5WxDnLdJ1KTuZatcZI37uAnEBHNhJJoJE-xNIAWIgcfpffQ-BXlBaejTIyAY_zf0SjRnXIYd3PvBVwRFGKNN7Yp-eEiS3nFTvtBuGv8YK1488UJhj4-jLaQdnFRxB3wFoFdaIPdIJowtZkaYlViZ15cNxd70EK97dgUJm9AUJKQGfIopl0ucEtxNUjXn6ekscILk23LpVNE3kDROCxyIOPTGCPKPo-FZtMTQkZxW3vZ6pxjzmCzTm5Q13XmMtMDrEsgVb9jWC9sEMlHxIMLA";

    fn generated() -> &'static (PrivateKey, PublicKey) {
        static KEY: OnceLock<(PrivateKey, PublicKey)> = OnceLock::new();
        KEY.get_or_init(PrivateKey::generate)
    }

    #[test]
    fn a8_full_v1_login() {
        assert_eq!(A8_PRIVK.len(), 875);
        let pk = login::prepare_key_v1("mock");
        let mk: Key128 = aes::unwrap(&pk, &b64::decode("xMEmMmKm0AbbOf9nGPLgSA").unwrap())
            .unwrap()
            .try_into()
            .unwrap();
        assert_eq!(hex::encode(mk), "0000006d0000006f000000630000006b");
        let plain = aes::unwrap(&mk, &b64::decode(A8_PRIVK).unwrap()).unwrap();
        assert_eq!(plain.len(), 656);
        let key = PrivateKey::from_privk(&plain).unwrap();
        assert_eq!(
            (key.p.bits(), key.q.bits(), key.d.bits()),
            (1024, 1024, 2048)
        );
        assert_eq!(
            (&key.p).mod_inverse(&key.q).and_then(|u| u.to_biguint()),
            Some(key.u.clone())
        );
        assert_eq!(key.public_key().unwrap().e, BigUint::from(257u32));
        // Re-serialising reproduces the blob (MPIs then 8 bytes of padding).
        assert_eq!(key.to_privk()[..648], plain[..648]);
        let csid = b64::decode(A8_CSID).unwrap();
        assert_eq!(key.decrypt_raw(&csid).unwrap().len(), 254);
        let sid = key.decrypt_sid(&csid).unwrap();
        assert_eq!(
            b64::encode(&sid),
            "jCf2Pc0pLCU_megamock_megamock_megamock_megZR61HfxJk1rXbG5A"
        );
    }

    #[test]
    fn mpi_round_trip_and_limits() {
        for x in [0u64, 1, 255, 256, 0x1234_5678_9abc] {
            let x = BigUint::from(x);
            let enc = mpi_encode(&x);
            assert_eq!(enc.len(), 2 + (x.bits().div_ceil(8)));
            assert_eq!(mpi_decode(&enc).unwrap(), (x, enc.len()));
        }
        assert_eq!(mpi_encode(&BigUint::from(256u32)), [0, 16, 1, 0]);
        // Readers use (bits + 7) >> 3, not the writer's 8 x bytes.
        assert_eq!(
            mpi_decode(&[0, 9, 1, 0, 7]).unwrap(),
            (BigUint::from(256u32), 4)
        );
        assert!(mpi_decode(&[]).is_err());
        assert!(mpi_decode(&[0]).is_err());
        assert!(mpi_decode(&[0, 17, 1, 2]).is_err());
        assert!(mpi_decode(&[0xff, 0xff, 1]).is_err());
    }

    #[test]
    fn generated_key_round_trips() {
        let (key, public) = generated();
        assert_eq!(public.n.bits(), 2048);
        assert_eq!(public.e, BigUint::from(17u32));
        assert_eq!(&key.p * &key.q, public.n);
        assert!(key.d.bits() > 2000 && key.u.bits() > 1000);
        assert_eq!(
            (&key.p).mod_inverse(&key.q).and_then(|u| u.to_biguint()),
            Some(key.u.clone())
        );
        assert_eq!(&key.public_key().unwrap(), public);

        let privk = key.to_privk();
        assert_eq!(privk.len() % 16, 0);
        let back = PrivateKey::from_privk(&privk).unwrap();
        assert_eq!(
            (&back.p, &back.q, &back.d, &back.u),
            (&key.p, &key.q, &key.d, &key.u)
        );
        assert_eq!(&PublicKey::from_pubk(&public.to_pubk()).unwrap(), public);

        for _ in 0..4 {
            let sid = session::new_sid("jCf2Pc0pLCU");
            let csid = public.encrypt_sid(&sid);
            assert_eq!(key.decrypt_raw(&csid).unwrap().len(), 254);
            assert_eq!(key.decrypt_sid(&csid).unwrap(), sid);
            assert_eq!(back.decrypt_sid(&csid).unwrap(), sid);
        }
        assert!(public.encrypt_padded(&[1u8; 255]).is_err());
        let raw = key
            .decrypt_raw(&public.encrypt_padded(b"share key 16 byt").unwrap())
            .unwrap();
        assert_eq!(&raw[..16], b"share key 16 byt");
    }

    #[test]
    fn garbage_never_panics() {
        let (key, _) = generated();
        for csid in [&[][..], &[0], &[0, 8], &[0xff, 0xff, 1, 2], &[8, 0, 1]] {
            assert!(key.decrypt_sid(csid).is_err(), "{csid:?}");
        }
        // A zero ciphertext decrypts to zero: a well-formed but useless sid, not a panic.
        assert_eq!(key.decrypt_sid(&[0, 8, 0]).unwrap(), [0u8; 43]);
        assert_eq!(key.decrypt_sid(&[0, 0]).unwrap(), [0u8; 43]);
        assert!(PrivateKey::from_privk(&[]).is_err());
        assert!(PrivateKey::from_privk(&[0u8; 32]).is_err());
        assert!(PrivateKey::from_privk(&[0xffu8; 656]).is_err());
        // Degenerate factors: p = q = 1 (would make CRT divide by zero) is refused.
        let mut tiny = Vec::new();
        for x in [1u32, 1, 1, 1] {
            tiny.extend_from_slice(&mpi_encode(&BigUint::from(x)));
        }
        assert!(PrivateKey::from_privk(&tiny).is_err());
        // Small but valid-looking numbers give an error (sid does not fit), not a panic.
        let mut small = Vec::new();
        for x in [11u32, 13, 7, 6] {
            small.extend_from_slice(&mpi_encode(&BigUint::from(x)));
        }
        let k = PrivateKey::from_privk(&small).unwrap();
        assert!(k.decrypt_sid(&mpi_encode(&BigUint::from(5u32))).is_err());
        let bogus = PrivateKey {
            p: BigUint::zero(),
            q: BigUint::zero(),
            d: BigUint::one(),
            u: BigUint::one(),
        };
        assert!(bogus.decrypt_raw(&[0, 8, 5]).is_err());
        assert!(bogus.public_key().is_err());
        assert!(PublicKey::from_pubk(&[]).is_err());
        assert!(PublicKey::from_pubk(&[0, 0, 0, 8, 3]).is_err());
        let zero = PublicKey {
            n: BigUint::zero(),
            e: BigUint::from(17u32),
        };
        assert!(zero.encrypt_sid(&[1u8; 43]).is_empty());
        let small = PublicKey {
            n: BigUint::from(143u32),
            e: BigUint::from(7u32),
        };
        assert!(small.encrypt_sid(&[1u8; 43]).is_empty());
        assert_eq!(format!("{key:?}"), "PrivateKey(..)");
    }
}
