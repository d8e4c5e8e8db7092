//! Server trouble: bursts of -3, -4 and HTTP 500 are retried with the identical request;
//! bursts longer than the retry budget fail with the typed error; HTTP 402 hashcash is
//! solved and the request re-sent.

use super::{client, EMAIL, PASSWORD};
use crate::support::Sim;
use megash::api::{Error, ErrorCode};
use serde_json::json;

async fn sim_and_client(attempts: u32) -> (Sim, megash::api::Client) {
    let sim = Sim::start();
    sim.add_user(EMAIL, PASSWORD, &[]);
    let c = client(&sim, attempts);
    c.login(EMAIL, PASSWORD, None).await.unwrap();
    (sim, c)
}

#[tokio::test]
async fn short_bursts_are_retried() {
    let (sim, c) = sim_and_client(6).await;
    for knob in ["eagain", "ratelimit", "http500"] {
        sim.set_faults(json!({ knob: 3 })).await;
        let f = c.fetch_nodes().await;
        assert!(f.is_ok(), "{knob}: {f:?}");
        let root = super::root_of(&f.unwrap().nodes).handle;
        // A mutating command retried with the same id is executed once.
        sim.set_faults(json!({ knob: 2 })).await;
        c.create_folder(root, knob).await.unwrap();
        let nodes = c.fetch_nodes().await.unwrap().nodes;
        let same: Vec<_> = nodes
            .iter()
            .filter(|n| n.name.as_deref() == Some(knob))
            .collect();
        assert_eq!(same.len(), 1, "{knob}");
    }
}

#[tokio::test]
async fn bursts_longer_than_the_budget_fail_typed() {
    let (sim, c) = sim_and_client(3).await;
    sim.set_faults(json!({"eagain": 10})).await;
    let r = c.fetch_nodes().await;
    assert!(matches!(r, Err(Error::Mega(ErrorCode::EAgain))), "{r:?}");
    sim.clear_faults().await;
    sim.set_faults(json!({"ratelimit": 10})).await;
    let r = c.user_info().await;
    assert!(
        matches!(r, Err(Error::Mega(ErrorCode::ERateLimit))),
        "{r:?}"
    );
    sim.clear_faults().await;
    sim.set_faults(json!({"http500": 10})).await;
    let r = c.quota().await;
    assert!(matches!(r, Err(Error::Http { status: 500 })), "{r:?}");
    sim.clear_faults().await;
    c.fetch_nodes().await.unwrap();
}

#[tokio::test]
async fn login_through_a_burst() {
    let sim = Sim::start();
    sim.add_user(EMAIL, PASSWORD, &[]);
    sim.set_faults(json!({"eagain": 2})).await;
    let c = client(&sim, 5);
    c.login(EMAIL, PASSWORD, None).await.unwrap();
}

#[tokio::test]
async fn hashcash_challenges_are_solved() {
    let sim = Sim::start();
    sim.add_user(EMAIL, PASSWORD, &[]);
    sim.set_faults(json!({"hashcash": {"easiness": 255, "requests": 3}}))
        .await;
    let c = client(&sim, 2);
    c.login(EMAIL, PASSWORD, None).await.unwrap();
    c.fetch_nodes().await.unwrap();
    // Every request challenged: still fine, each answered once.
    sim.set_faults(json!({"hashcash": {"easiness": 255}})).await;
    c.user_info().await.unwrap();
    c.fetch_nodes().await.unwrap();
}
