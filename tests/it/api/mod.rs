//! The client library (`megash::api`) driven against megasim: every test starts its own
//! server, creates its accounts with the megasim CLI and talks to it over 127.0.0.1.

mod faults;
mod login;
mod transfer;
mod tree;

use crate::support::Sim;
use megash::api::{Client, Node, NodeType, RetryConfig};

pub const EMAIL: &str = "alice@example.com";
pub const PASSWORD: &str = "correct horse battery staple";

/// A client for `sim` with a small, fast retry budget.
pub fn client(sim: &Sim, attempts: u32) -> Client {
    Client::builder()
        .api_url(&sim.url)
        .retry(RetryConfig::fast(attempts))
        .build()
        .expect("client")
}

/// Start megasim with one (v2) account and log in.
pub async fn logged_in(extra: &[&str]) -> (Sim, Client) {
    let sim = Sim::start();
    sim.add_user(EMAIL, PASSWORD, extra);
    let c = client(&sim, 6);
    c.login(EMAIL, PASSWORD, None).await.expect("login");
    (sim, c)
}

/// The Cloud Drive root among `nodes`.
pub fn root_of(nodes: &[Node]) -> &Node {
    nodes
        .iter()
        .find(|n| n.kind == NodeType::Root)
        .expect("a root node")
}

/// The node named `name` among `nodes`.
pub fn named<'a>(nodes: &'a [Node], name: &str) -> Option<&'a Node> {
    nodes.iter().find(|n| n.name.as_deref() == Some(name))
}

/// Bytes whose value depends on their position (so misplaced ranges show up).
pub fn pattern(len: usize, seed: u8) -> Vec<u8> {
    (0..len)
        .map(|i| (i as u32).wrapping_mul(31).wrapping_add(seed as u32 * 7) as u8 ^ (i >> 10) as u8)
        .collect()
}
