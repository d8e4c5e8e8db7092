//! Every decoder in `crypto` that sees bytes from the network or from disk, chosen by the first
//! input byte. None may panic; where an encoder exists, decode -> encode -> decode is stable.
#![no_main]
use libfuzzer_sys::fuzz_target;
use megash::crypto::rsa::{mpi_decode, mpi_encode, PrivateKey, PublicKey};
use megash::crypto::{attrs, b64, fingerprint, hashcash, keys, session, Key128};

/// Split a 16-byte key off the front, padding short inputs with zeros.
fn key_and_rest(data: &[u8]) -> (Key128, &[u8]) {
    let mut key = [0u8; 16];
    let n = data.len().min(16);
    key[..n].copy_from_slice(&data[..n]);
    (key, &data[n..])
}

fn text(data: &[u8]) -> String {
    String::from_utf8_lossy(data).into_owned()
}

/// The attribute round trip: whatever `decrypt` accepts, `encrypt` must reproduce.
fn attrs_round_trip(key: &Key128, at: &str) {
    if let Ok(map) = attrs::decrypt(key, at) {
        let again = attrs::encrypt(key, &map);
        assert_eq!(
            attrs::decrypt(key, &again).as_ref(),
            Ok(&map),
            "attribute round trip"
        );
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, data)) = data.split_first() else {
        return;
    };
    match selector % 10 {
        0 => {
            let s = text(data);
            if let Ok(bytes) = b64::decode(&s) {
                assert_eq!(
                    b64::decode(&b64::encode(&bytes)),
                    Ok(bytes),
                    "b64 round trip"
                );
            }
            let _ = b64::decode_array::<16>(&s);
            let _ = b64::decode_array::<32>(&s);
        }
        1 => {
            // Arbitrary key and arbitrary `a`/`at` text, as received from the server.
            let (key, rest) = key_and_rest(data);
            attrs_round_trip(&key, &text(rest));
        }
        2 => {
            // Arbitrary plaintext, encrypted here: random ciphertext almost never decrypts to
            // `MEGA{`, so this is how the JSON half of `decrypt` gets exercised.
            let (key, rest) = key_and_rest(data);
            let mut plain = rest.to_vec();
            plain.resize(plain.len().next_multiple_of(16), 0);
            if megash::crypto::aes::cbc_encrypt_zero_iv(&key, &mut plain).is_ok() {
                attrs_round_trip(&key, &b64::encode(&plain));
            }
        }
        3 => {
            if let Ok(k) = PrivateKey::from_privk(data) {
                let again = PrivateKey::from_privk(&k.to_privk()).expect("privk round trip");
                assert!(
                    again.p == k.p && again.q == k.q && again.d == k.d && again.u == k.u,
                    "privk round trip"
                );
            }
        }
        4 => {
            if let Ok(k) = PublicKey::from_pubk(data) {
                assert_eq!(PublicKey::from_pubk(&k.to_pubk()), Ok(k), "pubk round trip");
            }
        }
        5 => {
            if let Ok((x, used)) = mpi_decode(data) {
                assert!(used <= data.len());
                let enc = mpi_encode(&x);
                assert_eq!(mpi_decode(&enc), Ok((x, enc.len())), "mpi round trip");
            }
        }
        6 => {
            let s = text(data);
            let _ = hashcash::parse(&s);
            let _ = hashcash::parse_answer(&s);
        }
        7 => {
            let _ = fingerprint::mtime_of(&text(data));
        }
        8 => {
            let (sek, blob) = key_and_rest(data);
            if let Ok((mk, sid)) = session::load(blob, &sek) {
                let _ = session::sid_user_handle(&sid);
                if blob.len() == 60 {
                    assert_eq!(session::dump(&sek, &mk, &sid), blob, "session round trip");
                }
            }
        }
        _ => {
            let (mk, rest) = key_and_rest(data);
            if let Ok(k) = keys::NodeKey::from_bytes(rest) {
                assert_eq!(k.to_bytes(), rest, "node key round trip");
            }
            let _ = keys::keys_container_open(&mk, rest);
            let _ = keys::gcm_open(&mk, rest.get(..12).unwrap_or(&[]), rest);
            let _ = megash::crypto::aes::unwrap(&mk, rest);
        }
    }
});
