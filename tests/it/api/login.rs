//! Login (v1, v2, 2FA), session resume, logout, and every login failure as a typed error.

use super::{client, logged_in, EMAIL, PASSWORD};
use crate::support::Sim;
use megash::api::{Error, ErrorCode, Session};

fn totp_now(secret_b32: &str) -> String {
    let secret = totp_rs::Secret::Encoded(secret_b32.to_string())
        .to_bytes()
        .expect("base32 secret");
    let totp = totp_rs::TOTP::new_unchecked(totp_rs::Algorithm::SHA1, 6, 1, 30, secret);
    totp.generate_current().expect("clock")
}

#[tokio::test]
async fn login_v2_then_user_info_and_quota() {
    let (_sim, c) = logged_in(&[]).await;
    let s = c.session().expect("session");
    assert_eq!(s.email, EMAIL);
    assert_eq!(s.user_handle.len(), 11);
    let info = c.user_info().await.unwrap();
    assert_eq!(info.email, EMAIL);
    assert_eq!(info.user_handle, s.user_handle);
    let q = c.quota().await.unwrap();
    assert!(q.storage_max > 0);
    assert!(q.storage_used <= q.storage_max);
}

#[tokio::test]
async fn login_v1_account() {
    let sim = Sim::start();
    sim.add_user("old@example.com", "hunter2", &["--v1"]);
    let c = client(&sim, 3);
    assert_eq!(
        c.prelogin("old@example.com").await.unwrap(),
        megash::api::AccountVersion::V1
    );
    // Mixed case: the e-mail is lower-cased for both the hash and the request.
    let s = c.login("Old@Example.com", "hunter2", None).await.unwrap();
    assert_eq!(s.email, "old@example.com");
    c.fetch_nodes().await.unwrap();
}

#[tokio::test]
async fn login_with_2fa() {
    let secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
    let sim = Sim::start();
    sim.add_user(EMAIL, PASSWORD, &["--mfa", secret]);
    let c = client(&sim, 3);
    let r = c.login(EMAIL, PASSWORD, None).await;
    assert!(matches!(r, Err(Error::MfaRequired)), "{r:?}");
    assert!(c.session().is_none());
    // A wrong code is -5 (EFAILED), not "a code is needed".
    let wrong = if totp_now(secret) == "000000" {
        "111111"
    } else {
        "000000"
    };
    let r = c.login(EMAIL, PASSWORD, Some(wrong)).await;
    assert!(matches!(r, Err(Error::Mega(ErrorCode::EFailed))), "{r:?}");
    let s = c
        .login(EMAIL, PASSWORD, Some(&totp_now(secret)))
        .await
        .unwrap();
    assert_eq!(s.email, EMAIL);
    c.fetch_nodes().await.unwrap();
}

#[tokio::test]
async fn wrong_password_unknown_user_and_keyless_account_are_enoent() {
    let sim = Sim::start();
    sim.add_user(EMAIL, PASSWORD, &[]);
    sim.add_user("nokeys@example.com", PASSWORD, &["--no-keys"]);
    let c = client(&sim, 3);
    let r = c.login(EMAIL, "wrong password", None).await;
    assert!(matches!(r, Err(Error::Mega(ErrorCode::ENoent))), "{r:?}");
    let r = c.login("nobody@example.com", PASSWORD, None).await;
    assert!(matches!(r, Err(Error::Mega(ErrorCode::ENoent))), "{r:?}");
    let r = c.login("nokeys@example.com", PASSWORD, None).await;
    assert!(matches!(r, Err(Error::Mega(ErrorCode::ENoent))), "{r:?}");
    assert!(!c.is_authenticated());
}

#[tokio::test]
async fn blocked_account_is_eblocked() {
    let sim = Sim::start();
    sim.add_user(EMAIL, PASSWORD, &[]);
    let out = sim.cli(&["user", "block", EMAIL]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The login itself succeeds, as MEGA's does: the session is what asks why.
    let c = client(&sim, 3);
    c.login(EMAIL, PASSWORD, None).await.unwrap();
    let r = c.fetch_nodes().await;
    assert!(matches!(r, Err(Error::Mega(ErrorCode::EBlocked))), "{r:?}");
    assert_eq!(c.why_blocked().await.unwrap(), 300);
}

#[tokio::test]
async fn too_many_logins_is_etoomany() {
    let sim = Sim::start();
    sim.add_user(EMAIL, PASSWORD, &[]);
    sim.set_faults(serde_json::json!({
        "login_limit": {"max": 2, "window_secs": 600, "lockout_secs": 600}
    }))
    .await;
    let c = client(&sim, 3);
    c.login(EMAIL, PASSWORD, None).await.unwrap();
    c.login(EMAIL, PASSWORD, None).await.unwrap();
    let r = c.login(EMAIL, PASSWORD, None).await;
    assert!(matches!(r, Err(Error::Mega(ErrorCode::ETooMany))), "{r:?}");
}

#[tokio::test]
async fn resume_saved_session_then_logout_invalidates_it() {
    let (sim, c) = logged_in(&[]).await;
    let saved: Session = c.session().unwrap();
    let before = c.fetch_nodes().await.unwrap();

    // A fresh client resumes without logging in and sees the same tree.
    let c2 = client(&sim, 3);
    c2.resume(&saved).await.unwrap();
    let after = c2.fetch_nodes().await.unwrap();
    assert_eq!(before.nodes.len(), after.nodes.len());
    assert_eq!(c2.user_info().await.unwrap().email, EMAIL);

    c2.logout().await.unwrap();
    assert!(c2.session().is_none());
    // The old sid is dead for everyone.
    let r = c.fetch_nodes().await;
    assert!(matches!(r, Err(Error::Mega(ErrorCode::ESid))), "{r:?}");
    let c3 = client(&sim, 3);
    let r = c3.resume(&saved).await;
    assert!(matches!(r, Err(Error::Mega(ErrorCode::ESid))), "{r:?}");
    assert!(!c3.is_authenticated());
}

#[tokio::test]
async fn wrong_sid_is_esid() {
    let (sim, c) = logged_in(&[]).await;
    let mut forged = c.session().unwrap();
    forged.sid[20] ^= 0x55;
    forged.sid[40] ^= 0x55;
    let c2 = client(&sim, 3);
    let r = c2.resume(&forged).await;
    assert!(matches!(r, Err(Error::Mega(ErrorCode::ESid))), "{r:?}");
}

#[tokio::test]
async fn session_debug_and_errors_do_not_leak_secrets() {
    let (_sim, c) = logged_in(&[]).await;
    let s = c.session().unwrap();
    let sid = s.sid_b64();
    let debug = format!("{s:?} {c:?} {:?}", c.key_ring());
    assert!(!debug.contains(&sid));
    assert!(!debug.contains(&megash::crypto::b64::encode(&s.master_key)));
    c.logout().await.unwrap();
    let err = c.fetch_nodes().await.unwrap_err();
    assert!(!err.to_string().contains(&sid));
}

#[tokio::test]
async fn batch_answers_each_command_in_order() {
    let (_sim, c) = logged_in(&[]).await;
    let results = c
        .request(&[
            serde_json::json!({"a":"ug"}),
            serde_json::json!({"a":"no-such-command"}),
            serde_json::json!({"a":"uq","strg":1}),
            serde_json::json!({"a":"d","n":"AAAAAAAA"}),
        ])
        .await
        .unwrap();
    assert_eq!(results.len(), 4);
    assert_eq!(results[0].as_ref().unwrap()["email"], EMAIL);
    assert_eq!(results[1], Err(ErrorCode::EArgs));
    assert!(results[2].as_ref().unwrap().get("mstrg").is_some());
    assert_eq!(results[3], Err(ErrorCode::ENoent));
}
