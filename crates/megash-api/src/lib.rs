//! megash-api: the MEGA protocol as a library: the control plane (`/cs` requests, batching,
//! hashcash, the streamed `f` fetch, `sc` action packets), the data plane ([`data`]: ranged
//! downloads and piece uploads on transfer URLs), both behind one HTTP seam ([`Transport`]),
//! links, the proxy choice, one retry decision for every request ([`retry`]), and typed
//! errors.
//!
//! May not depend on: the terminal (no terminal crate is among its dependencies), the state
//! directory or the node cache (megash-client), megasim. Never prints, never reads the
//! terminal, never exits the process; it logs only through the `log` facade.
//!
//! Entry point: [`Client`] (build one with [`Client::new`] or [`Client::builder`]), then
//! [`Client::login`] or [`Client::resume`], [`Client::fetch_nodes`], the tree operations and
//! the simple transfers. Every call returns [`Result`] with the typed [`Error`].
//!
//! ```no_run
//! # async fn demo() -> megash_api::Result<()> {
//! use megash_api::{Client, NodeType};
//! let client = Client::new("http://127.0.0.1:4000/")?;
//! let session = client.login("alice@example.com", "password", None).await?;
//! let tree = client.fetch_nodes().await?;
//! let root = tree.nodes.iter().find(|n| n.kind == NodeType::Root).unwrap();
//! let dir = client.create_folder(root.handle, "photos").await?;
//! let file = client.upload_file(dir.handle, "a.jpg".as_ref(), None).await?;
//! client.download(&file, "copy.jpg".as_ref()).await?;
//! // Later, without the password:
//! let again = Client::new(&session.api_url)?;
//! again.resume(&session).await?;
//! # Ok(()) }
//! ```
use megash_crypto as crypto;

pub mod client;
pub mod data;
pub mod error;
pub mod fetch;
pub mod link;
pub mod nodes;
pub mod plan;
pub mod proxy;
pub mod retry;
pub mod session;
#[cfg(any(test, feature = "testing"))]
pub mod testing;
pub mod transfer;
pub mod transport;
pub mod tree;

pub use client::{Client, ClientBuilder, CommandResult, ShareResolver, Stats, DEFAULT_API_URL};
pub use error::{Error, ErrorCode, NetworkKind, Result};
pub use nodes::{
    FetchSummary, FetchedNodes, Handle, IncomingShare, KeyRing, Node, NodeProblem, NodeType,
    OutgoingShare, UserHandle,
};
pub use retry::{is_retryable, retry, Backoff, Failed, Retried, Retry, RetryConfig};
pub use session::{AccountSession, AccountVersion, Psa, Quota, Session, UserInfo};
pub use transfer::{DownloadInfo, PublicFile};
pub use transport::{ReqwestTransport, Transport};
pub use tree::{ActionPacket, AttributeUpdate, Export, ScResult};
