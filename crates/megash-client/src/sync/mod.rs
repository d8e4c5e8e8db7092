//! Sync: MEGAcmd's two-way syncs and megash's one-way mirrors, run by an optional engine.
//!
//! - [`store`]: the configuration and the last synced state of every path, in SQLite.
//! - [`ignore`]: `.megaignore` rules.
//! - [`scan`]: both sides as flat maps.
//! - [`pass`]: one comparison of the two sides and the actions it leads to.
//! - [`backup`]: scheduled copies (`NAME_bk_TIME`).
//! - [`engine`]: the long-running loop (`megash serve`, the open shell) and its lock.

pub mod backup;
pub mod engine;
pub mod ignore;
pub mod pass;
pub mod scan;
pub mod store;

use std::path::PathBuf;

pub use engine::{running_engine, EngineLock, Options};
pub use pass::{Event, Outcome, Pass};
pub use store::{Direction, Issue, Status, Store, SyncConfig, Synced};

/// Why sync work failed (a stalled path is not an error: it is an [`Issue`]).
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error(transparent)]
    Account(#[from] crate::account::AccountError),
    #[error(transparent)]
    Cache(#[from] crate::cache::CacheError),
    #[error(transparent)]
    Api(#[from] crate::api::Error),
    #[error(transparent)]
    Transfer(#[from] crate::transfer::Error),
    #[error("sync database {}: {message}", path.display())]
    Db { path: PathBuf, message: String },
    #[error("cannot {what} {}: {source}", path.display())]
    Io {
        what: &'static str,
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the sync's cloud folder handle is not valid")]
    BadConfig,
    #[error("the account has no rubbish bin")]
    NoRubbishBin,
    /// Another engine holds the state directory.
    #[error("another engine is running for this state directory (PID {pid})")]
    Locked { pid: String },
}

/// Result of the sync layer.
pub type Result<T> = std::result::Result<T, SyncError>;
