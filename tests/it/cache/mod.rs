//! The session file and the SQLite node cache against megasim: populate, path resolution,
//! `sc` catch-up, refused `sn`, corrupt files, concurrent users, resume without login.

mod concurrency;
mod resolve;
mod scale;
mod session;
mod sync;

use crate::support::Sim;
use megash::api::{Client, Handle, NodeType, RetryConfig};
use megash::cache::Cache;
use megash::session::StateDir;

pub const EMAIL: &str = "carol@example.com";
pub const PASSWORD: &str = "cache test password";

/// A client for `sim` with a small, fast retry budget.
pub fn client(sim: &Sim) -> Client {
    Client::builder()
        .api_url(&sim.url)
        .retry(RetryConfig::fast(4))
        .build()
        .expect("client")
}

/// A megasim with one account, a logged-in client, a fresh state directory.
pub struct Env {
    pub sim: Sim,
    pub client: Client,
    /// Keeps the state directory alive for the test.
    pub _home: tempfile::TempDir,
    pub state: StateDir,
}

impl Env {
    pub async fn new() -> Env {
        let sim = Sim::start();
        sim.add_user(EMAIL, PASSWORD, &[]);
        let client = client(&sim);
        client.login(EMAIL, PASSWORD, None).await.expect("login");
        let home = tempfile::tempdir().expect("tempdir");
        let state = StateDir::at(home.path().join("state")).expect("state dir");
        Env {
            sim,
            client,
            _home: home,
            state,
        }
    }

    pub fn user(&self) -> String {
        self.client.session().expect("session").user_handle
    }

    pub fn cache(&self) -> Cache {
        self.state.open_cache(&self.user()).expect("open cache")
    }

    /// A second session of the same account (a resume: no new login).
    pub async fn other(&self) -> Client {
        let c = client(&self.sim);
        c.resume(&self.client.session().unwrap()).await.unwrap();
        c
    }

    /// How many sessions (logins) megasim has recorded.
    pub fn logins(&self) -> i64 {
        let db = rusqlite::Connection::open(self.sim.data_dir().join("megasim.db")).unwrap();
        db.busy_timeout(std::time::Duration::from_secs(10)).unwrap();
        db.query_row("SELECT COUNT(*) FROM sessions", [], |r| r.get(0))
            .unwrap()
    }
}

pub fn root(cache: &Cache) -> Handle {
    cache
        .root_of(NodeType::Root)
        .unwrap()
        .expect("root cached")
        .handle
}

/// The cache's tree as sorted (handle, parent, name) triples.
pub fn dump(cache: &Cache) -> Vec<(String, Option<String>, Option<String>)> {
    let mut out = Vec::new();
    let mut stack: Vec<Handle> = [NodeType::Root, NodeType::Inbox, NodeType::Rubbish]
        .iter()
        .filter_map(|k| cache.root_of(*k).unwrap())
        .map(|n| {
            out.push((n.handle.to_b64(), None, n.name.clone()));
            n.handle
        })
        .collect();
    while let Some(h) = stack.pop() {
        for c in cache.children(h).unwrap() {
            out.push((
                c.handle.to_b64(),
                c.parent.map(|p| p.to_b64()),
                c.name.clone(),
            ));
            stack.push(c.handle);
        }
    }
    out.sort();
    out
}

/// The server's tree in the same form.
pub async fn server_dump(c: &Client) -> Vec<(String, Option<String>, Option<String>)> {
    let mut out: Vec<_> = c
        .fetch_nodes()
        .await
        .unwrap()
        .nodes
        .into_iter()
        .map(|n| (n.handle.to_b64(), n.parent.map(|p| p.to_b64()), n.name))
        .collect();
    out.sort();
    out
}
